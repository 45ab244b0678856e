/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * workload.c - turn a timed loop into a throughput metric.
 */
#include "workload.h"

#include <errno.h>

int hvs_workload_rate(const struct hvs_bench_ctx *ctx, const struct hvs_loop *l,
		      double units_per_op, struct hvs_metric *m)
{
	int ret = hvs_measure_loop(ctx, l, m);

	if (ret)
		return ret;
	hvs_metric_set_extra(m, "ns_per_op", m->summary.median);
	for (size_t i = 0; i < m->nsamples; i++) {
		if (m->samples[i] <= 0)
			return -ERANGE; /* faster than its control loop: not a rate */
		m->samples[i] = units_per_op * 1e9 / m->samples[i];
	}
	m->overhead = 0; /* subtracted in time before the inversion */
	return hvs_summarize(m->samples, m->nsamples, &m->summary);
}
