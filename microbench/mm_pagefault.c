/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mm_pagefault.c - a minor page fault on fresh anonymous memory: the first
 * write to each 4 KiB page of a new private mapping (THP disabled for it
 * with MADV_NOHUGEPAGE) allocates and zeroes a page and installs a PTE.
 * Under shadow paging the hypervisor must also trap the guest's page-table
 * write; under Xen PV the PTE update is a hypercall; with EPT/NPT the guest
 * handles it alone (plus any EPT violation to back the guest page).
 * The mapping and unmapping happen outside the timed region.
 */
#include "bench.h"
#include "measure.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

struct pf {
	char *map;
	size_t len, page;
};

static void prepare(void *arg, uint64_t iters)
{
	struct pf *p = arg;

	p->len = (size_t)iters * p->page;
	p->map = mmap(NULL, p->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->map == MAP_FAILED) {
		p->map = NULL;
		return;
	}
	madvise(p->map, p->len, MADV_NOHUGEPAGE);
}

static void finish(void *arg)
{
	struct pf *p = arg;

	if (p->map)
		munmap(p->map, p->len);
	p->map = NULL;
}

static void body(void *arg, uint64_t iters)
{
	struct pf *p = arg;

	if (!p->map)
		return;
	for (uint64_t i = 0; i < iters; i++)
		((volatile char *)p->map)[i * p->page] = 1;
}

static void control(void *arg, uint64_t iters)
{
	struct pf *p = arg;

	for (uint64_t i = 0; i < iters; i++)
		__asm__ __volatile__("" : : "r"(p->map + i * p->page) : "memory");
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	struct pf p = { .page = (size_t)sysconf(_SC_PAGESIZE) };
	/* At most 64 MiB per sample: bounded memory even on slow guests. */
	struct hvs_loop l = { .body = body, .control = control, .arg = &p };
	struct hvs_loop_hooks h = { .prepare = prepare, .finish = finish, .max_iters = (64u << 20) / p.page };
	struct hvs_metric *m = hvs_bench_metric(self, out, NULL);
	int ret;

	if (!m)
		return -ENOMEM;
	/* Fail loudly rather than time an empty loop if mapping fails. */
	prepare(&p, 1);
	if (!p.map)
		return -ENOMEM;
	finish(&p);
	ret = hvs_measure_loop_hooks(ctx, &l, &h, m);
	hvs_metric_set_extra(m, "page_bytes", (double)p.page);
	return ret;
}

const struct hvs_bench hvs_bench_mm_pagefault = {
	.name = "mm.pagefault",
	.klass = "mm",
	.unit = "ns",
	.what = "minor page fault: first write to a fresh anonymous 4 KiB page (allocate, zero, map)",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run,
};
