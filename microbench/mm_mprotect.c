/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mm_mprotect.c - mprotect of one resident page, alternating read-only and
 * read-write: a PTE update plus a local TLB flush per call (under Xen PV a
 * page-table hypercall, under shadow paging a trapped PTE write).
 */
#include "bench.h"
#include "measure.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

struct mp {
	char *p;
	size_t page;
};

static void body(void *arg, uint64_t iters)
{
	struct mp *m = arg;

	for (uint64_t i = 0; i < iters; i++)
		mprotect(m->p, m->page, (i & 1) ? PROT_READ | PROT_WRITE : PROT_READ);
	mprotect(m->p, m->page, PROT_READ | PROT_WRITE);
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	struct mp a = { .page = (size_t)sysconf(_SC_PAGESIZE) };
	struct hvs_loop l = { .body = body, .arg = &a };
	struct hvs_metric *m = hvs_bench_metric(self, out, NULL);
	int ret;

	if (!m)
		return -ENOMEM;
	a.p = mmap(NULL, a.page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a.p == MAP_FAILED)
		return -errno;
	*(volatile char *)a.p = 1;
	ret = hvs_measure_loop(ctx, &l, m);
	munmap(a.p, a.page);
	return ret;
}

const struct hvs_bench hvs_bench_mm_mprotect = {
	.name = "mm.mprotect",
	.klass = "mm",
	.unit = "ns",
	.what = "mprotect of one resident page, RO<->RW: PTE update and local TLB flush",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run,
};
