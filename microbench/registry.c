/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * registry.c - the benchmark list from benches.h, lookup, and the runner
 * that turns "unsupported here" into a SKIP metric with its reason.
 */
#include "bench.h"
#include "benches.h"
#include "counters.h"
#include "workloads/workload.h"

#include <string.h>

#define HVS_BENCH_DECLARE(id) extern const struct hvs_bench hvs_bench_##id;
HVS_BENCHES(HVS_BENCH_DECLARE)
HVS_WORKLOADS(HVS_BENCH_DECLARE)
#undef HVS_BENCH_DECLARE

#define HVS_BENCH_ENTRY(id) &hvs_bench_##id,
static const struct hvs_bench *const all[] = { HVS_BENCHES(HVS_BENCH_ENTRY)
						HVS_WORKLOADS(HVS_BENCH_ENTRY) };
#undef HVS_BENCH_ENTRY

void hvs_bench_ctx_default(struct hvs_bench_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->min_sample_ns = 2e5;
	ctx->samples = 41;
	ctx->budget_s = 5;
	ctx->cpu_a = ctx->cpu_b = -1;
}

const struct hvs_bench *const *hvs_bench_all(size_t *n)
{
	*n = HVS_ARRAY_SIZE(all);
	return all;
}

const struct hvs_bench *hvs_bench_find(const char *name)
{
	for (size_t i = 0; i < HVS_ARRAY_SIZE(all); i++)
		if (!strcmp(all[i]->name, name))
			return all[i];
	return NULL;
}

struct hvs_metric *hvs_bench_metric(const struct hvs_bench *b, struct hvs_metrics *out,
				    const char *suffix)
{
	struct hvs_metric *m = hvs_metrics_add(out);

	if (!m)
		return NULL;
	if (suffix)
		snprintf(m->name, sizeof(m->name), "%s.%s", b->name, suffix);
	else
		hvs_strlcpy(m->name, b->name, sizeof(m->name));
	hvs_strlcpy(m->unit, b->unit, sizeof(m->unit));
	hvs_strlcpy(m->klass, b->klass, sizeof(m->klass));
	hvs_strlcpy(m->what, b->what, sizeof(m->what));
	m->direction = b->direction;
	return m;
}

enum hvs_outcome hvs_bench_run(const struct hvs_bench *b, const struct hvs_bench_ctx *ctx,
			       struct hvs_metrics *out)
{
	char why[200];
	const char *reason = b->supported ? b->supported(why, sizeof(why)) : NULL;
	size_t before = out->n;
	struct hvs_metric *m;
	int ret;

	if (reason) {
		m = hvs_bench_metric(b, out, NULL);
		if (m) {
			m->outcome = HVS_SKIP;
			m->flags |= HVS_MF_SKIPPED;
			hvs_strlcpy(m->reason, reason, sizeof(m->reason));
		}
		return HVS_SKIP;
	}
	ret = b->run(b, ctx, out);
	/* Counters were around every measured metric, or none were: say so on each. */
	if (hvs_counters_shared()->backend == 0)
		for (size_t i = before; i < out->n; i++)
			if (out->v[i].outcome == HVS_PASS)
				out->v[i].flags |= HVS_MF_NO_COUNTERS;
	if (ret == 0 && out->n > before)
		return HVS_PASS;
	m = out->n > before ? &out->v[out->n - 1] : hvs_bench_metric(b, out, NULL);
	if (m) {
		m->outcome = HVS_FAILED;
		snprintf(m->reason, sizeof(m->reason), "run failed: %s",
			 ret ? strerror(-ret) : "no metric produced");
	}
	return HVS_FAILED;
}
