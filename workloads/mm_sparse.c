/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mm_sparse.c - touch one byte in each 4 KiB page of a large sparse
 * anonymous region in a scrambled order, then release it: first-touch
 * faults plus TLB and page-walk misses over a footprint far beyond the TLB
 * reach, where a two-dimensional (EPT/NPT) walk and shadow paging differ.
 */
#include "workload.h"

#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

static size_t sparse_bytes(const struct hvs_bench_ctx *ctx)
{
	return ctx->quick ? (size_t)64 << 20 : (size_t)256 << 20;
}

struct sparse {
	size_t bytes;
	int failed;
};

static void body(void *arg, uint64_t iters)
{
	struct sparse *s = arg;
	size_t pages = s->bytes / 4096;

	for (uint64_t it = 0; it < iters; it++) {
		volatile char *p = mmap(NULL, s->bytes, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (p == MAP_FAILED) {
			s->failed = 1;
			return;
		}
		madvise((void *)p, s->bytes, MADV_NOHUGEPAGE);
		/* pages is a power of two: an odd stride visits every page once */
		for (size_t i = 0, pg = 0; i < pages; i++, pg = (pg + 40503) & (pages - 1))
			p[pg * 4096] = 1;
		munmap((void *)p, s->bytes);
	}
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	struct sparse s = { sparse_bytes(ctx), 0 };
	struct hvs_loop l = { body, NULL, &s };
	struct hvs_metric *m = hvs_bench_metric(self, out, NULL);
	struct hvs_bench_ctx c = *ctx;
	int ret;

	if (!m)
		return -ENOMEM;
	if (c.min_sample_ns < 5e7)
		c.min_sample_ns = 5e7;
	ret = hvs_workload_rate(&c, &l, (double)(s.bytes / 4096), m);
	hvs_metric_set_extra(m, "footprint_bytes", (double)s.bytes);
	if (!ret && s.failed)
		ret = -ENOMEM;
	return ret;
}

const struct hvs_bench hvs_bench_wl_mm_sparse = {
	.name = "workload.mm.sparse",
	.klass = "workload",
	.unit = "pages/s",
	.what = "first touch of every 4 KiB page of a 64-256 MiB region in scrambled order",
	.direction = HVS_HIGHER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run,
};
