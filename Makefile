# SPDX-License-Identifier: GPL-2.0-or-later
# hvscope - GNU make build.
#
#   make                 bin/hvscope (dynamic, every optional library found)
#                        bin/hvscope-static (static, no runtime dependencies)
#   make check           all TAP tests through prove (fast; CI runs this)
#   make check-slow      integration tests that boot Xen and other slow guests
#   make check SANITIZE=1  the same with ASan+UBSan (objects in build/san, bin/san)
#   make V=1             show full compiler command lines
#   make bench           benchmarks of hvscope itself (numbers: docs/PERFORMANCE.md)
#   make install         PREFIX=/usr/local DESTDIR=; also uninstall, install-list,
#                        deb (scripts/install.mk, debian/)
#
# Optional libraries are found with pkg-config and enabled with HAVE_*=1.
# Each area may add rules in a fragment (*/*.mk, */*/*.mk) included below.

.DEFAULT_GOAL := all
SHELL := /bin/bash

CC ?= cc
V ?= 0
ifeq ($(V),1)
Q :=
quiet = @true
else
Q := @
quiet = @printf '  %-6s %s\n'
endif
PKG_CONFIG ?= pkg-config
SANITIZE ?= 0
PROVE ?= prove
PROVE_FLAGS ?=

ifeq ($(SANITIZE),1)
BUILD := build/san
BIN := bin/san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# Leaks inside other people's libraries only (each with its evidence in the file).
export LSAN_OPTIONS := suppressions=$(abspath tests/lsan.supp):print_suppressions=0
else
BUILD := build
BIN := bin
SAN_FLAGS :=
endif

WARN := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
	-Wold-style-definition -Wformat=2 -Wshadow -Wvla -Wno-format-nonliteral
OPT ?= -O2 -g
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) -MMD -MP \
	-I. -Iharness -I$(BUILD)/gen \
	$(CFLAGS)

pc_have = $(shell $(PKG_CONFIG) --exists $(1) 2>/dev/null && echo 1 || echo 0)
HAVE_JANSSON := $(call pc_have,jansson)
HAVE_LIBCPUID := $(call pc_have,libcpuid)
HAVE_SQLITE := $(call pc_have,sqlite3)
HAVE_HWLOC := $(call pc_have,hwloc)
HAVE_PAPI := $(call pc_have,papi)
# libpq: the PostgreSQL history (harness/results/history_pg.c); not in the static build.
HAVE_LIBPQ := $(call pc_have,libpq)

pc_pkgs = $(if $(filter 1,$(HAVE_JANSSON)),jansson) $(if $(filter 1,$(HAVE_LIBCPUID)),libcpuid) \
	$(if $(filter 1,$(HAVE_SQLITE)),sqlite3) $(if $(filter 1,$(HAVE_HWLOC)),hwloc) \
	$(if $(filter 1,$(HAVE_PAPI)),papi) $(if $(filter 1,$(HAVE_LIBPQ)),libpq)
DYN_PKGS := $(strip $(pc_pkgs))
DYN_FEATURES := -DHAVE_JANSSON=$(HAVE_JANSSON) -DHAVE_LIBCPUID=$(HAVE_LIBCPUID) \
	-DHAVE_SQLITE=$(HAVE_SQLITE) -DHAVE_HWLOC=$(HAVE_HWLOC) -DHAVE_PAPI=$(HAVE_PAPI) \
	-DHAVE_LIBPQ=$(HAVE_LIBPQ)
DYN_CFLAGS := $(BASE_CFLAGS) $(SAN_FLAGS) $(DYN_FEATURES) \
	$(if $(DYN_PKGS),$(shell $(PKG_CONFIG) --cflags $(DYN_PKGS)))
DYN_LIBS := $(if $(DYN_PKGS),$(shell $(PKG_CONFIG) --libs $(DYN_PKGS))) -lm -lpthread

# The static build is what a user copies into an unknown guest: small, no
# runtime dependencies. It keeps jansson (JSON) and libcpuid (CPU names) and
# leaves out SQLite, hwloc and PAPI (history and counters live on the host).
STATIC_PKGS := $(strip $(if $(filter 1,$(HAVE_JANSSON)),jansson) $(if $(filter 1,$(HAVE_LIBCPUID)),libcpuid))
STATIC_FEATURES := -DHVS_STATIC=1 -DHAVE_JANSSON=$(HAVE_JANSSON) -DHAVE_LIBCPUID=$(HAVE_LIBCPUID) \
	-DHAVE_SQLITE=0 -DHAVE_HWLOC=0 -DHAVE_PAPI=0 -DHAVE_LIBPQ=0
STATIC_CFLAGS := $(BASE_CFLAGS) $(STATIC_FEATURES) -ffunction-sections -fdata-sections \
	$(if $(STATIC_PKGS),$(shell $(PKG_CONFIG) --cflags $(STATIC_PKGS)))
STATIC_LIBS := $(if $(STATIC_PKGS),$(shell $(PKG_CONFIG) --static --libs $(STATIC_PKGS))) -lm -lpthread

# The static build links musl when musl-gcc is installed (scripts/install-deps.sh
# installs it): glibc's static start-up executes ~80 CPUIDs before main(), each
# a VM exit in a guest (0.3 ms here; harness/core/libc_compat.c). STATIC_LIBC=glibc
# forces glibc. musl-gcc sees only musl's headers: the kernel's uapi headers
# and jansson's are linked into $(STATIC_INC), searched after musl's own, and
# Debian's glibc-built archives are linked by path (libc_compat.c supplies the
# fortify symbols they call).
MUSL_GCC := $(shell command -v musl-gcc 2>/dev/null)
STATIC_LIBC ?= $(if $(MUSL_GCC),musl,glibc)
STATIC_CC := $(CC)
STATIC_INC :=
ifeq ($(STATIC_LIBC),musl)
ifeq ($(MUSL_GCC),)
$(error STATIC_LIBC=musl but musl-gcc is not installed (apt-get install musl-tools))
endif
STATIC_CC := $(MUSL_GCC)
STATIC_INC := $(BUILD)/musl-include
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
STATIC_CFLAGS += -idirafter $(STATIC_INC) -DHVS_LIBC_COMPAT=1
STATIC_LIBS := $(foreach p,$(STATIC_PKGS),$(shell $(PKG_CONFIG) --variable=libdir $(p))/lib$(patsubst lib%,%,$(p)).a) -lm -lpthread
endif

# harness/ is built in floors (harness/README.md): each includes only the
# floors below it, by name ("core/stats.h"; tests/layers.t checks it).
HARNESS_FLOORS := core results run analysis vmm guest cli
SRC_DIRS := probes $(HARNESS_FLOORS:%=harness/%) microbench workloads reports
SRCS := $(sort $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c)))
MAIN_SRC := harness/cli/main.c
LIB_SRCS := $(filter-out $(MAIN_SRC),$(SRCS))

DYN_OBJS := $(SRCS:%.c=$(BUILD)/dyn/%.o)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/dyn/%.o)
STATIC_OBJDIR := $(BUILD)/static-$(STATIC_LIBC)
STATIC_OBJS := $(SRCS:%.c=$(STATIC_OBJDIR)/%.o)

UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

# Fragments add to these.
EXTRA_DYN_OBJS :=
EXTRA_STATIC_OBJS :=
EXTRA_ALL :=
CHECK_DEPS :=

GIT_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

-include $(sort $(wildcard */*.mk */*/*.mk))

.PHONY: all check check-slow bench clean FORCE

all: $(BIN)/hvscope $(BIN)/hvscope-static $(EXTRA_ALL)

$(BUILD)/gen/version.h: FORCE
	@mkdir -p $(@D)
	@printf '#define HVS_VERSION "%s"\n#define HVS_GIT_COMMIT "%s"\n#define HVS_CFLAGS "%s"\n' \
		'$(VERSION)' '$(GIT_COMMIT)' '$(OPT) $(SAN_FLAGS)' > $@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@

$(BUILD)/dyn/%.o: %.c | $(BUILD)/gen/version.h
	@mkdir -p $(@D)
	$(quiet) CC $<
	$(Q)$(CC) $(DYN_CFLAGS) -c -o $@ $<

$(STATIC_OBJDIR)/%.o: %.c | $(BUILD)/gen/version.h $(STATIC_INC)
	@mkdir -p $(@D)
	$(quiet) CC-ST $<
	$(Q)$(STATIC_CC) $(STATIC_CFLAGS) -c -o $@ $<

$(BUILD)/musl-include:
	@mkdir -p $@.new
	$(Q)for h in linux asm-generic jansson.h jansson_config.h; do \
		[ -e /usr/include/$$h ] && ln -sfn /usr/include/$$h $@.new/$$h; done; \
	ln -sfn /usr/include/$(MULTIARCH)/asm $@.new/asm
	$(Q)rm -rf $@ && mv $@.new $@

$(BIN)/hvscope: $(DYN_OBJS) $(EXTRA_DYN_OBJS)
	@mkdir -p $(@D)
	$(quiet) LINK $@
	$(Q)$(CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(DYN_LIBS)

# The bash completion script, generated from the commands' option tables
# (harness/cli/options.h) by the binary itself: `hvscope completion bash`.
all: $(BUILD)/hvscope.bash-completion
$(BUILD)/hvscope.bash-completion: $(BIN)/hvscope
	@mkdir -p $(@D)
	$(quiet) GEN $@
	$(Q)$< completion bash > $@.new && mv $@.new $@

# Relink when STATIC_LIBC changes (the objects of each libc live apart).
$(BUILD)/static-libc.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(STATIC_LIBC)' | cmp -s - $@ || echo '$(STATIC_LIBC)' > $@

$(BIN)/hvscope-static: $(STATIC_OBJS) $(EXTRA_STATIC_OBJS) $(BUILD)/static-libc.stamp
	@mkdir -p $(@D)
	$(quiet) LINK $@
	$(Q)$(STATIC_CC) -static -s -Wl,--gc-sections $(LDFLAGS) -o $@ $(filter %.o,$^) $(STATIC_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) $(EXTRA_DYN_OBJS) $(wildcard tests/unit/*.h)
	@mkdir -p $(@D)
	$(quiet) TEST $@
	$(Q)$(CC) $(DYN_CFLAGS) -Itests/unit -o $@ $< $(LIB_OBJS) $(EXTRA_DYN_OBJS) $(SAN_FLAGS) $(DYN_LIBS)

# Tests find what they run through these variables.
export HVSCOPE := $(abspath $(BIN)/hvscope)
export HVSCOPE_STATIC := $(abspath $(BIN)/hvscope-static)
export HVS_SRC := $(abspath .)
export HVS_BUILD := $(abspath $(BUILD))
export HVS_SANITIZE := $(SANITIZE)

check: all $(UNIT_BINS) $(CHECK_DEPS)
	$(PROVE) $(PROVE_FLAGS) $(sort $(wildcard tests/*.t)) $(UNIT_BINS)

check-slow: all $(CHECK_DEPS)
	$(PROVE) $(PROVE_FLAGS) $(sort $(wildcard tests/slow/*.t))

bench: all
	@set -e; for s in $(sort $(wildcard scripts/bench-*.sh)); do echo "== $$s"; bash $$s; done

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
