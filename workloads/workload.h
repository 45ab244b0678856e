/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * workload.h - macro workloads: the same work natively and in every guest,
 * each yielding a throughput, so a guest's number over the native one is the
 * overhead ratio the literature argues about.
 *
 * A workload is an ordinary benchmark descriptor (microbench/bench.h) of
 * class "workload" with the HVS_HIGHER_IS_BETTER direction; its list is
 * HVS_WORKLOADS below, merged into the benchmark registry.
 */
#ifndef HVS_WORKLOAD_H
#define HVS_WORKLOAD_H

#include "microbench/bench.h"
#include "microbench/measure.h"

#define HVS_WORKLOADS(X) \
	X(wl_cpu_intmix)  \
	X(wl_cpu_lz)      \
	X(wl_mm_forkexec) \
	X(wl_mm_mmapchurn) \
	X(wl_mm_sparse) \
	X(wl_io_randrw) \
	X(wl_net_rr)

/*
 * Measure l as a rate: the loop is timed like any benchmark (calibrated,
 * control-subtracted, ns per op), then each sample becomes
 * units_per_op * 1e9 / ns, in the descriptor's unit (ops/s, MB/s, ...).
 * The ns-per-op median is kept as the extra "ns_per_op".
 * Returns 0 or -errno.
 */
int hvs_workload_rate(const struct hvs_bench_ctx *ctx, const struct hvs_loop *l,
		      double units_per_op, struct hvs_metric *m);

#endif
