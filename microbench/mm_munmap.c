/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mm_munmap.c - mmap, touch, munmap of one page: the munmap must flush the
 * TLB. Alone (.local) the flush is a local INVLPG; with a second thread of
 * this process spinning on another CPU (.shootdown) the kernel must also
 * send that CPU an IPI and wait for it (a TLB shootdown). A virtual IPI
 * costs exits on both sides unless the hypervisor offers PV TLB flush
 * (KVM_FEATURE_PV_TLB_FLUSH, Hyper-V HvFlushVirtualAddressList) or
 * posted interrupts; the difference of the two figures is that cost.
 */
#include "bench.h"
#include "bench_util.h"
#include "measure.h"
#include "core/topology.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void body(void *arg, uint64_t iters)
{
	size_t page = *(const size_t *)arg;

	for (uint64_t i = 0; i < iters; i++) {
		char *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return;
		*(volatile char *)p = 1;
		munmap(p, page);
	}
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct hvs_loop l = { .body = body, .arg = &page };
	struct hvs_metric *m = hvs_bench_metric(self, out, "local");
	struct hvs_spinner sp;
	char pair[64];
	cpu_set_t saved;
	int a, b, rel, ret;

	if (!m)
		return -ENOMEM;
	ret = hvs_measure_loop(ctx, &l, m);
	if (ret)
		return ret;
	m = hvs_bench_metric(self, out, "shootdown");
	if (!m)
		return -ENOMEM;
	rel = hvs_bench_pair(ctx, &a, &b, pair, sizeof(pair));
	if (rel < 0) {
		m->outcome = HVS_SKIP;
		m->flags |= HVS_MF_SKIPPED;
		snprintf(m->reason, sizeof(m->reason), "one CPU: no remote TLB to shoot down");
		return 0;
	}
	sched_getaffinity(0, sizeof(saved), &saved);
	ret = hvs_pin_cpu(a);
	if (!ret)
		ret = hvs_spinner_start(&sp, b);
	if (!ret) {
		ret = hvs_measure_loop(ctx, &l, m);
		hvs_spinner_note(&sp, m);
		hvs_spinner_stop(&sp);
	}
	sched_setaffinity(0, sizeof(saved), &saved);
	hvs_bench_note_pair(m, a, b, rel);
	snprintf(m->what, sizeof(m->what), "mmap+touch+munmap of a page, TLB shootdown IPI to a spinning thread, %s",
		 pair);
	return ret;
}

const struct hvs_bench hvs_bench_mm_munmap = {
	.name = "mm.munmap",
	.klass = "mm",
	.unit = "ns",
	.what = "mmap+touch+munmap of one page: local TLB flush, and with a remote shootdown IPI",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run,
};
