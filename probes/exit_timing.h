/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exit_timing.h - `probe --timing`: does CPUID (or RDTSC) trap to a
 * hypervisor, and what does one exit cost?
 *
 * CPUID is unconditionally intercepted under VMX and intercepted by every
 * SVM hypervisor in practice, so its latency exposes a hypervisor even when
 * the CPUID hypervisor bit is hidden. We time CPUID leaf 0 and the
 * hypervisor leaf 0x40000000 against native instructions that never exit: a
 * chain of dependent ADDs (1 core cycle each on every x86, which also gives
 * the ratio of core clock to TSC), RDTSC and RDTSCP (which exit only when a
 * hypervisor traps the TSC: that is the second detection).
 *
 * Samples are TSC ticks per instruction, timer overhead subtracted,
 * summarised with hvs_summarize (median, MAD, 95% CI); "cycles" are core
 * cycles (ticks times the core/TSC ratio from the ADD chain) and ns come
 * from the TSC rate (hvs_tsc_hz()).
 */
#ifndef HVS_EXIT_TIMING_H
#define HVS_EXIT_TIMING_H

#include "core/hvs_features.h"
#include "core/hvscope.h"
#include "host.h"
#include "core/exit_bounds.h"
#include "core/stats.h"

#include <stdio.h>

#if HAVE_JANSSON
#include <jansson.h>
#endif

/* Thresholds: the one set of core/exit_bounds.h (in core cycles). */

/* One timed instruction. */
struct hvs_timing_row {
	const char *name;  /* "cpuid.0", "cpuid.0x40000000", "add", "rdtsc", "rdtscp" */
	const char *what;  /* one line */
	int valid;         /* measured */
	unsigned per_sample; /* instructions per timed region */
	struct hvs_summary ticks; /* TSC ticks per instruction, overhead subtracted */
	double cycles;     /* median in core cycles (ticks * core_per_tick) */
	double ns;         /* median in ns (0 when the TSC rate is unknown) */
	enum hvs_tri exits; /* unknown (inconclusive), no, yes */
};

enum {
	HVS_TROW_ADD = 0,
	HVS_TROW_RDTSC,
	HVS_TROW_RDTSCP,
	HVS_TROW_CPUID0,
	HVS_TROW_CPUID_HV,
	HVS_TROW_COUNT
};

struct hvs_exit_timing {
	double tsc_hz;          /* 0 = unknown */
	int ns_known;           /* tsc_hz usable: the ns fields are meaningful */
	int rdtscp;             /* regions closed with RDTSCP (else LFENCE;RDTSC; no rdtscp row) */
	double overhead_ticks;  /* empty hvs_tsc_begin/end pair, subtracted */
	double core_per_tick;   /* core cycles per TSC tick from the ADD chain (1.0 if unknown) */
	size_t samples;         /* samples per row */
	struct hvs_timing_row row[HVS_TROW_COUNT];

	enum hvs_tri cpuid_traps; /* CPUID exits to a hypervisor */
	enum hvs_tri rdtsc_traps; /* RDTSC exits (TSC trapped / emulated) */
	/*
	 * The whole CPUID.0 round trip when it traps (exit, emulation, entry)
	 * in core cycles and ns; the native part (< 250 cycles) is within its
	 * spread, so nothing is subtracted.
	 */
	double exit_cost_cycles;
	double exit_cost_ns;
	char verdict[256];        /* one line, e.g. "CPUID traps (exit cost ~1200 ns): ..." */
	uint64_t elapsed_ns;      /* wall time of the whole measurement */
};

/*
 * Measure. samples = samples per row (0: default 301, at most 100001).
 * Takes ~10 ms here plus ~20 ms for the TSC calibration (hvs_tsc_hz(),
 * once per process). Rows that could not be measured stay valid == 0.
 * Return: 0; -EPERM when RDTSC is disabled for the process (verdict says
 * so); -ENOMEM; -EINVAL for out == NULL.
 */
int hvs_exit_timing_run(size_t samples, struct hvs_exit_timing *out);

/* Flags of hvs_exit_timing_run_flags(). */
#define HVS_TIMING_F_NO_RDTSCP (1u << 0) /* behave as on a CPU without RDTSCP (tests) */

int hvs_exit_timing_run_flags(size_t samples, unsigned flags, struct hvs_exit_timing *out);

/* The "Timing" section as text lines. */
void hvs_exit_timing_print(const struct hvs_exit_timing *t, FILE *f);

#if HAVE_JANSSON
/* JSON object (key "timing" of the fingerprint). NULL on ENOMEM. */
json_t *hvs_exit_timing_json(const struct hvs_exit_timing *t);
#endif

#endif
