/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit test: the benchmark registry and the measurement loop produce a
 * plausible, positive number with its spread; unsupported -> SKIP.
 */
#include "microbench/bench.h"
#include "tap.h"

#include <string.h>

static const char *never(char *why, size_t len)
{
	snprintf(why, len, "not here: test");
	return why;
}

static int must_not_run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
			struct hvs_metrics *out)
{
	(void)self;
	(void)ctx;
	(void)out;
	return -1;
}

int main(void)
{
	struct hvs_bench_ctx ctx;
	struct hvs_metrics set = { 0 };
	const struct hvs_bench *b = hvs_bench_find("syscall.getppid");
	const struct hvs_bench skipper = { "test.skip", "test", "ns", "never runs",
					   HVS_LOWER_IS_BETTER, 0, never, must_not_run };
	size_t n;

	plan(9);
	ok(hvs_bench_all(&n) && n >= 1, "registry lists benchmarks");
	ok(b != NULL, "syscall.getppid is registered");
	ok(hvs_bench_find("no.such.bench") == NULL, "unknown name is not found");
	hvs_bench_ctx_default(&ctx);
	ctx.min_sample_ns = 2e5;
	ctx.samples = 9;
	is_int(hvs_bench_run(b, &ctx, &set), HVS_PASS, "getppid runs");
	ok(set.n == 1 && set.v[0].nsamples == 9, "9 samples");
	ok(set.v[0].summary.median > 1 && set.v[0].summary.median < 1e6,
	   "median %.1f ns is plausible", set.v[0].summary.median);
	ok(set.v[0].summary.ci_lo <= set.v[0].summary.median && set.v[0].iterations >= 1,
	   "CI brackets the median, iterations calibrated (%llu)",
	   (unsigned long long)set.v[0].iterations);
	is_int(hvs_bench_run(&skipper, &ctx, &set), HVS_SKIP, "unsupported benchmark is skipped");
	ok(set.n == 2 && !strcmp(set.v[1].reason, "not here: test"), "skip carries its reason");
	hvs_metrics_free(&set);
	return done_testing();
}
