/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hvs_limits.h - the one table of numeric settings and their ranges. A setting
 * has the same range whether it comes from the command line (run
 * --samples, guest --timeout) or from a file (harness/run/suites.conf, a guest
 * matrix, docs/matrix.md); every parser goes through hvs_limit_parse().
 */
#ifndef HVS_LIMITS_H
#define HVS_LIMITS_H

#include <stddef.h>

enum hvs_lim {
	/* suites.conf and `hvscope run` */
	HVS_LIM_SAMPLES,       /* samples per metric per process */
	HVS_LIM_PROCESSES,     /* fresh processes */
	HVS_LIM_MIN_SAMPLE_MS, /* iterations double until a sample lasts this long */
	HVS_LIM_BUDGET_S,      /* wall-time budget per benchmark */
	HVS_LIM_QUICK,         /* 0 or 1 */
	/* guest matrix and `hvscope guest` */
	HVS_LIM_TIMEOUT_S,     /* watchdog per target */
	HVS_LIM_DISK_MIB,
	HVS_LIM_MEM_MIB,
	HVS_LIM_SMP,
	HVS_LIM_PORT,
	/* `hvscope bench` */
	HVS_LIM_BENCH_SAMPLES, /* samples per metric */
	HVS_LIM_ECHO_SECONDS,  /* --echo-server lifetime */
	/* `hvscope kvm` */
	HVS_LIM_KVM_TIMEOUT_S, /* watchdog per ring-0 benchmark */
	HVS_LIM_KVM_SAMPLES,   /* = R0_MAX_SAMPLES (microbench/ring0/ring0_abi.h), asserted in cmd_kvm.c */
	HVS_LIM_KVM_SAMPLE_US, /* target length of one sample */
	HVS_LIM_TSC_KHZ,       /* a TSC rate given by hand */
	/* internal: `run`'s fresh processes */
	HVS_LIM_ORDER_SEED,
	/* `hvscope compare` and `hvscope regress` */
	HVS_LIM_FRACTION,      /* a threshold, run CV or detectable change: 0 <= x < 100% */
	HVS_LIM_ALPHA,         /* false-alarm rate: 0 < x < 0.5 */
	HVS_LIM_WINDOW,        /* regress: runs of history */
	HVS_LIM_PERMUTATIONS,  /* regress: permutation-test rounds */
	HVS_LIM_MIN_SEGMENT,   /* regress: nights at a new level */
	HVS_NLIMITS
};

#define HVS_LIMF_OPEN_LO 0x1 /* lo itself is out of range */
#define HVS_LIMF_OPEN_HI 0x2 /* hi itself is out of range */
#define HVS_LIMF_PERCENT 0x4 /* "5%" is accepted for 0.05 */

struct hvs_limit {
	double lo, hi;  /* inclusive unless flags say open; whole numbers unless real */
	int real;       /* 1: a decimal number is allowed (strtod) */
	unsigned flags; /* HVS_LIMF_* */
};

extern const struct hvs_limit hvs_limits[HVS_NLIMITS];

/*
 * Parse text v as setting l. Returns 0 with *out set, or -EINVAL (not a
 * number) / -ERANGE (negative, overflowing or outside the range) with
 * "KEY = V: out of range [LO, HI]" (an open end with a parenthesis, a
 * percent range as "[0%, 100%)") or "KEY = V: not a whole number" in why
 * (key is the name the user wrote: "samples", "--samples").
 */
int hvs_limit_parse(enum hvs_lim l, const char *key, const char *v, double *out, char *why,
		    size_t whylen);

#endif
