/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mm_fork.c - fork+exit with 16 MiB (quick: 4 MiB) of touched private
 * memory: fork copies the page tables and write-protects every PTE, the
 * child's exit tears them down. That is the classic cost of shadow paging
 * (every guest PTE write traps) and of Xen PV (page-table updates are
 * validated hypercalls); with EPT/NPT it stays in the guest. A fork
 * without the extra memory is measured first: extras base_ns and
 * per_page_ns = (fork - base) / pages touched.
 */
#include "bench.h"
#include "measure.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

static void body_exit(void *arg, uint64_t iters)
{
	(void)arg;
	for (uint64_t i = 0; i < iters; i++) {
		pid_t p = fork();
		int st;

		if (p == 0)
			_exit(0);
		if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st))
			failures++;
	}
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	size_t len = (ctx->quick ? 4u : 16u) << 20;
	struct hvs_loop le = { .body = body_exit };
	struct hvs_metric *m, base = { 0 };
	double base_ns;
	char *mem;
	int ret;

	/* Baseline: the same fork without the extra memory, for the per-page cost. */
	failures = 0;
	fflush(NULL);
	ret = hvs_measure_loop(ctx, &le, &base);
	base_ns = ret ? NAN : base.summary.median;
	free(base.samples);
	if (ret)
		return ret;
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	madvise(mem, len, MADV_NOHUGEPAGE); /* 4 KiB PTEs to copy, not a few PMDs */
	memset(mem, 1, len);
	m = hvs_bench_metric(self, out, NULL);
	ret = m ? hvs_measure_loop(ctx, &le, m) : -ENOMEM;
	if (!ret) {
		hvs_metric_set_extra(m, "touched_kib", (double)(len >> 10));
		hvs_metric_set_extra(m, "base_ns", base_ns);
		hvs_metric_set_extra(m, "per_page_ns", (m->summary.median - base_ns) / (double)(len / 4096));
	}
	munmap(mem, len);
	if (!ret && failures)
		ret = -ECHILD; /* a child that did not exit 0: the numbers are not fork+exit */
	return ret;
}

const struct hvs_bench hvs_bench_mm_fork = {
	.name = "mm.fork",
	.klass = "mm",
	.unit = "ns",
	.what = "fork+exit with 16 MiB touched: page-table copy (write-protecting each PTE) and teardown",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run,
};
