/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ipc_membarrier.c - cross-CPU IPI cost through
 * membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED): the kernel sends an IPI to
 * every CPU currently running a thread of this process and waits for all
 * of them. With a thread spinning on the paired CPU (.ipi) one IPI per
 * call is sent and acknowledged; without (.noipi) the call finds no target,
 * which is the syscall-only baseline. The difference is the round trip of
 * a virtual IPI: ICR write (an exit unless x2APIC/posted/IPI virtualization
 * or PV send-IPI), delivery, EOI on the target.
 */
#include "bench.h"
#include "bench_util.h"
#include "measure.h"
#include "core/topology.h"

#include <errno.h>
#include <linux/membarrier.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int membarrier(int cmd)
{
	return (int)syscall(SYS_membarrier, cmd, 0, 0);
}

static void body(void *arg, uint64_t iters)
{
	(void)arg;
	for (uint64_t i = 0; i < iters; i++)
		membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);
}

static const char *supported(char *why, size_t len)
{
	int cmds = membarrier(MEMBARRIER_CMD_QUERY);

	if (cmds < 0) {
		snprintf(why, len, "membarrier(2): %s", strerror(errno));
		return why;
	}
	if (!(cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED)) {
		snprintf(why, len, "kernel lacks MEMBARRIER_CMD_PRIVATE_EXPEDITED (before 4.14)");
		return why;
	}
	if (hvs_bench_ncpus() < 2) {
		snprintf(why, len, "one CPU: nothing to send an IPI to");
		return why;
	}
	return NULL;
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	struct hvs_loop l = { .body = body };
	struct hvs_metric *m;
	struct hvs_spinner sp;
	cpu_set_t saved;
	char pair[64];
	int a, b, rel, ret;

	if (membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) < 0)
		return -errno;
	rel = hvs_bench_pair(ctx, &a, &b, pair, sizeof(pair));
	if (rel < 0)
		return -ENODEV;
	sched_getaffinity(0, sizeof(saved), &saved);
	ret = hvs_pin_cpu(a);
	m = hvs_bench_metric(self, out, "noipi");
	if (!m)
		ret = -ENOMEM;
	if (!ret)
		ret = hvs_measure_loop(ctx, &l, m);
	if (!ret) {
		m = hvs_bench_metric(self, out, "ipi");
		ret = m ? hvs_spinner_start(&sp, b) : -ENOMEM;
		if (!ret) {
			ret = hvs_measure_loop(ctx, &l, m);
			hvs_spinner_note(&sp, m);
			hvs_spinner_stop(&sp);
			hvs_bench_note_pair(m, a, b, rel);
			snprintf(m->what, sizeof(m->what),
				 "membarrier PRIVATE_EXPEDITED: one IPI round trip, %s", pair);
		}
	}
	sched_setaffinity(0, sizeof(saved), &saved);
	return ret;
}

const struct hvs_bench hvs_bench_ipc_membarrier = {
	.name = "ipc.membarrier",
	.klass = "ipc",
	.unit = "ns",
	.what = "membarrier(PRIVATE_EXPEDITED) with and without a remote thread: IPI round trip",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.supported = supported,
	.run = run,
};
