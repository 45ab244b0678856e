# fuzz.mk - libFuzzer target for the CPUID dump parser (clang only).
#   make fuzz [FUZZ_TIME=60]   build build/fuzz/fuzz_cpuid_dump and run it on
#                              a copy of the seed corpus tests/fuzz/corpus
FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_SRCS := probes/cpuid_src.c probes/cpuid_dump.c probes/hv_sig.c probes/hv_kvm.c \
	probes/hv_hyperv.c probes/hv_xen.c probes/hv_vmware.c probes/fields.c probes/cpu.c \
	probes/cpu_libcpuid.c harness/util.c
FUZZ_BIN := build/fuzz/fuzz_cpuid_dump

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BIN)

$(FUZZ_BIN): tests/fuzz/fuzz_cpuid_dump.c $(FUZZ_SRCS) $(wildcard probes/*.h harness/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -DHAVE_JANSSON=0 -DHAVE_LIBCPUID=$(HAVE_LIBCPUID) \
		-Iharness -Iprobes $(if $(filter 1,$(HAVE_LIBCPUID)),$(shell $(PKG_CONFIG) --cflags libcpuid)) \
		-o $@ tests/fuzz/fuzz_cpuid_dump.c $(FUZZ_SRCS) \
		$(if $(filter 1,$(HAVE_LIBCPUID)),$(shell $(PKG_CONFIG) --libs libcpuid))

fuzz: $(FUZZ_BIN)
	@rm -rf build/fuzz/corpus && mkdir -p build/fuzz/corpus && cp tests/fuzz/corpus/* build/fuzz/corpus/
	$(FUZZ_BIN) -max_total_time=$(FUZZ_TIME) -max_len=65536 -timeout=5 build/fuzz/corpus
