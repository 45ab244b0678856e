/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit test: every macro workload runs briefly and yields a positive,
 * plausible throughput with its spread, or skips with a reason.
 */
#include "microbench/bench.h"
#include "tap.h"

#include <string.h>

int main(void)
{
	struct hvs_bench_ctx ctx;
	const struct hvs_bench *const *all;
	size_t n, nwl = 0;

	all = hvs_bench_all(&n);
	for (size_t i = 0; i < n; i++)
		nwl += !strcmp(all[i]->klass, "workload");
	plan((int)(1 + 3 * nwl));
	ok(nwl >= 6, "%zu workloads registered", nwl);
	hvs_bench_ctx_default(&ctx);
	ctx.quick = 1;
	ctx.samples = 5;
	ctx.min_sample_ns = 1e6;
	ctx.budget_s = 3;
	for (size_t i = 0; i < n; i++) {
		struct hvs_metrics set = { 0 };
		const struct hvs_bench *b = all[i];
		enum hvs_outcome o;
		struct hvs_metric *m;

		if (strcmp(b->klass, "workload"))
			continue;
		o = hvs_bench_run(b, &ctx, &set);
		m = set.n ? &set.v[0] : NULL;
		if (o == HVS_SKIP) {
			ok(m && m->reason[0], "%s skipped with a reason: %s", b->name,
			   m ? m->reason : "");
			skip(2, "workload not supported here");
		} else {
			is_int(o, HVS_PASS, "%s runs (%s)", b->name, m ? m->reason : "");
			ok(m && m->summary.median > 0 && m->nsamples == 5,
			   "%s: median %.4g %s over %zu samples", b->name,
			   m ? m->summary.median : 0, b->unit, m ? m->nsamples : 0);
			ok(m && m->direction == HVS_HIGHER_IS_BETTER &&
				   m->summary.ci_lo <= m->summary.median &&
				   m->summary.median <= m->summary.ci_hi,
			   "%s: higher is better, CI [%.4g, %.4g] brackets the median", b->name,
			   m ? m->summary.ci_lo : 0, m ? m->summary.ci_hi : 0);
		}
		hvs_metrics_free(&set);
	}
	return done_testing();
}
