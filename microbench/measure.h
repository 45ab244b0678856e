/*
 * measure.h - time a loop the way every guest-side benchmark does:
 * warm-up, iterations doubled until a sample lasts ctx->min_sample_ns
 * (kvm-unit-tests), a control loop of the same shape measured and subtracted
 * (HyperBench), the timer's own overhead subtracted, many samples, summary
 * by median/MAD/CI (lmbench takes the median too).
 */
#ifndef HVS_MEASURE_H
#define HVS_MEASURE_H

#include "bench.h"

#include <stdint.h>

/* Run `iters` operations. */
typedef void (*hvs_loop_fn)(void *arg, uint64_t iters);

struct hvs_loop {
	hvs_loop_fn body;    /* the operation under test, iters times */
	hvs_loop_fn control; /* the same loop without the operation; may be NULL */
	void *arg;
};

/*
 * Measure l into m: samples in ns per operation (control and timer overhead
 * subtracted), iterations, overhead, summary, and the extra
 * "cycles_per_op" (median). Name/unit/what of m are left to the caller.
 * Returns 0 or -errno.
 */
int hvs_measure_loop(const struct hvs_bench_ctx *ctx, const struct hvs_loop *l,
		     struct hvs_metric *m);

#endif
