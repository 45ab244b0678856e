/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * measure.h - time a loop the way every guest-side benchmark does:
 * warm-up, iterations doubled until a sample lasts ctx->min_sample_ns
 * (kvm-unit-tests), a control loop of the same shape measured and subtracted
 * (HyperBench), the timer's own overhead subtracted, many samples, summary
 * by median/MAD/CI (lmbench takes the median too), outliers counted.
 *
 * Around the samples: steal time from /proc/stat (a window with more than
 * HVS_STEAL_THRESHOLD of the machine's time stolen flags the metric
 * HVS_MF_STEAL) and hardware counters (counters.h) per operation, or
 * HVS_MF_NO_COUNTERS when the guest has none.
 */
#ifndef HVS_MEASURE_H
#define HVS_MEASURE_H

#include "bench.h"
#include "counters.h"
#include "core/cputime.h"

#include <stdint.h>

/* Steal above 2% of all CPU time in a window flags the metric. */
#define HVS_STEAL_THRESHOLD 0.02
/* Steal is judged over windows of at least this long (USER_HZ ticks are 10 ms). */
#define HVS_STEAL_WINDOW_NS 100000000ull

/* Run `iters` operations. */
typedef void (*hvs_loop_fn)(void *arg, uint64_t iters);

struct hvs_loop {
	hvs_loop_fn body;    /* the operation under test, iters times */
	hvs_loop_fn control; /* the same loop without the operation; may be NULL */
	void *arg;
};

/*
 * The control loop most benchmarks need: `iters` turns of an empty loop
 * (a compiler barrier keeps it), the loop overhead their body also pays.
 */
void hvs_loop_empty(void *arg, uint64_t iters);

/* Optional, untimed work around every timed run of body or control. */
struct hvs_loop_hooks {
	hvs_loop_fn prepare;       /* e.g. map iters fresh pages */
	void (*finish)(void *arg); /* e.g. unmap them */
	uint64_t max_iters;        /* cap on calibrated iterations (0: 2^40) */
};

/*
 * Measure l into m: samples in ns per operation (control and timer overhead
 * subtracted), iterations, overhead, summary, and the extras
 * "cycles_per_op" (median TSC ticks), "tsc_hz", "steal_pct" and, when the
 * PMU counts, "pmu_<counter>_per_op". Name/unit/what of m are left to the
 * caller. Returns 0 or -errno (-ENODEV without a usable TSC).
 */
int hvs_measure_loop(const struct hvs_bench_ctx *ctx, const struct hvs_loop *l,
		     struct hvs_metric *m);

/* The same with hooks (h may be NULL). */
int hvs_measure_loop_hooks(const struct hvs_bench_ctx *ctx, const struct hvs_loop *l,
			   const struct hvs_loop_hooks *h, struct hvs_metric *m);

/*
 * For benchmarks that take their own samples (sleep accuracy, I/O): open a
 * steal/counter window before the first sample and close it into m after
 * the last. ops = operations in the window (for per-op counters; 0: none).
 */
struct hvs_window {
	struct hvs_cputime t0;
	int have_t0;
	int counting;
};
void hvs_window_begin(struct hvs_window *w);
void hvs_window_end(struct hvs_window *w, uint64_t ops, struct hvs_metric *m);

/* Record steal between a and b into m (extra "steal_pct", flag above threshold). */
void hvs_note_steal(struct hvs_metric *m, const struct hvs_cputime *a, const struct hvs_cputime *b);

#endif
