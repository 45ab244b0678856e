/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * syscall_getppid.c - the null system call: getppid() through syscall(2),
 * so no libc caching can skip the kernel entry. Under Xen PV every syscall
 * bounces through the hypervisor; under HVM/KVM it stays in the guest.
 */
#include "bench.h"
#include "measure.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

static void body(void *arg, uint64_t iters)
{
	(void)arg;
	for (uint64_t i = 0; i < iters; i++)
		syscall(SYS_getppid);
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	struct hvs_loop l = { .body = body, .control = hvs_loop_empty };
	struct hvs_metric *m = hvs_bench_metric(self, out, NULL);

	if (!m)
		return -ENOMEM;
	return hvs_measure_loop(ctx, &l, m);
}

const struct hvs_bench hvs_bench_syscall_getppid = {
	.name = "syscall.getppid",
	.klass = "syscall",
	.unit = "ns",
	.what = "null system call (getppid via syscall(2)): kernel entry and exit",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.supported = NULL,
	.run = run,
};
