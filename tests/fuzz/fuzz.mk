# SPDX-License-Identifier: GPL-2.0-or-later
# fuzz.mk - libFuzzer targets for every parser of untrusted input (clang
# only), each with its seed corpus in tests/fuzz/corpus/TARGET:
#   cpuid_dump  CPUID dump files (five formats) and what runs on them
#   result      result files (JSON, schema, upgrades, histograms, limits)
#   matrix      guest matrix files
#   suites      suites files and their selectors
#   serial      one line of the ring-0 image's serial output
#
#   make fuzz [FUZZ_TIME=60] [FUZZ_TARGETS="result matrix"]
#       build build/fuzz/fuzz_TARGET and run each for FUZZ_TIME seconds on a
#       copy of its seed corpus (crashes land in build/fuzz/TARGET/)
#   make fuzz-build     build them all (tests/fuzz-quick.t: a short pass each)
FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_ALL := cpuid_dump result matrix suites serial
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -DHAVE_LIBCPUID=$(HAVE_LIBCPUID) -DHAVE_SQLITE=0 -DHAVE_HWLOC=0 \
	-DHAVE_PAPI=0 -I. -Iharness -I$(BUILD)/gen \
	$(if $(filter 1,$(HAVE_LIBCPUID)),$(shell $(PKG_CONFIG) --cflags libcpuid))

# what each target links (the parser and what it calls), compiled by clang
FUZZ_SRCS_cpuid_dump := probes/cpuid_src.c probes/cpuid_dump.c probes/hv_sig.c probes/hv_kvm.c \
	probes/hv_hyperv.c probes/hv_xen.c probes/hv_vmware.c probes/fields.c probes/cpu.c \
	probes/cpu_libcpuid.c harness/core/util.c harness/core/array.c
FUZZ_SRCS_result := harness/results/result.c harness/results/digest.c harness/core/util.c harness/core/metric.c harness/core/stats.c harness/core/version.c \
	harness/core/sha256.c harness/core/safe_write.c harness/core/cleanup.c harness/core/array.c
FUZZ_SRCS_matrix := harness/guest/guest_matrix.c harness/core/util.c harness/core/hvs_limits.c
FUZZ_SRCS_suites := harness/run/suite.c harness/core/util.c harness/core/hvs_limits.c harness/core/timing.c harness/core/cputime.c harness/core/stats.c \
	harness/core/metric.c harness/core/array.c harness/core/topology.c harness/core/topology_hwloc.c \
	$(wildcard microbench/*.c) $(wildcard workloads/*.c)
FUZZ_SRCS_serial := harness/vmm/ring0_metric.c harness/core/util.c harness/core/stats.c harness/core/metric.c harness/core/array.c
# the CPUID target is built without jansson (as the static binary may be)
FUZZ_JSON_cpuid_dump := 0
FUZZ_LIBS_cpuid_dump := $(if $(filter 1,$(HAVE_LIBCPUID)),$(shell $(PKG_CONFIG) --libs libcpuid))
FUZZ_LIBS_suites := -lpthread

FUZZ_BINS := $(FUZZ_ALL:%=build/fuzz/fuzz_%)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

define FUZZ_RULE
build/fuzz/fuzz_$(1): tests/fuzz/fuzz_$(1).c $(FUZZ_SRCS_$(1)) $(BUILD)/gen/suites_conf.h \
		$(wildcard harness/*/*.h probes/*.h microbench/*.h workloads/*.h reports/*.h) | $(BUILD)/gen/version.h
	@mkdir -p $$(@D)
	$$(quiet) FUZZ $$@
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) \
		-DHAVE_JANSSON=$$(if $$(FUZZ_JSON_$(1)),$$(FUZZ_JSON_$(1)),$$(HAVE_JANSSON)) \
		-o $$@ $$< $$(FUZZ_SRCS_$(1)) \
		$$(if $$(filter 0,$$(FUZZ_JSON_$(1))),,$$(if $$(filter 1,$$(HAVE_JANSSON)),-ljansson)) \
		$$(FUZZ_LIBS_$(1)) -lm
endef
$(foreach t,$(FUZZ_ALL),$(eval $(call FUZZ_RULE,$(t))))

fuzz: $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
	@set -e; for t in $(FUZZ_TARGETS); do \
		rm -rf build/fuzz/$$t && mkdir -p build/fuzz/$$t/corpus && \
		cp tests/fuzz/corpus/$$t/* build/fuzz/$$t/corpus/ && \
		echo "== fuzz_$$t ($(FUZZ_TIME) s)" && \
		build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_TIME) -max_len=65536 -timeout=5 \
			-artifact_prefix=build/fuzz/$$t/ build/fuzz/$$t/corpus; \
	done
