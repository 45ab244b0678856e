/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ipc_pipe.c - pipe ping-pong between two processes (lmbench lat_pipe):
 * one byte there and back per operation. On one CPU (.same_cpu) each round
 * trip is two context switches with an address-space switch each (CR3
 * writes: exits under shadow paging, hypercalls under Xen PV); across CPUs
 * (.cross_cpu) it is two wake-ups, each a reschedule IPI unless the target
 * is polling in idle (virtual IPIs exit unless posted or PV-sent).
 */
#include "bench.h"
#include "bench_util.h"
#include "measure.h"
#include "core/topology.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

struct pp {
	int to, from; /* parent's ends */
	int broken;
};

static void body(void *arg, uint64_t iters)
{
	struct pp *p = arg;
	char c = 'x';

	for (uint64_t i = 0; i < iters && !p->broken; i++)
		if (write(p->to, &c, 1) != 1 || read(p->from, &c, 1) != 1)
			p->broken = 1;
}

static int measure_pair(const struct hvs_bench_ctx *ctx, struct hvs_metric *m, int cpu_parent,
			int cpu_child)
{
	int down[2], up[2], ret, st;
	struct pp p = { 0 };
	struct hvs_loop l = { .body = body, .arg = &p };
	cpu_set_t saved;
	pid_t pid;

	if (pipe(down) < 0)
		return -errno;
	if (pipe(up) < 0) {
		ret = -errno;
		close(down[0]);
		close(down[1]);
		return ret;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		char c;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(down[1]);
		close(up[0]);
		hvs_pin_cpu(cpu_child);
		while (read(down[0], &c, 1) == 1)
			if (write(up[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	if (pid < 0) {
		ret = -errno;
		close(down[1]);
		close(up[0]);
		return ret;
	}
	p.to = down[1];
	p.from = up[0];
	sched_getaffinity(0, sizeof(saved), &saved);
	hvs_pin_cpu(cpu_parent);
	ret = hvs_measure_loop(ctx, &l, m);
	sched_setaffinity(0, sizeof(saved), &saved);
	close(p.to); /* the child sees EOF and exits */
	close(p.from);
	waitpid(pid, &st, 0);
	if (!ret && p.broken)
		ret = -EPIPE;
	return ret;
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	struct hvs_metric *m = hvs_bench_metric(self, out, "same_cpu");
	char pair[64];
	int a, b, rel, ret;

	if (!m)
		return -ENOMEM;
	rel = hvs_bench_pair(ctx, &a, &b, pair, sizeof(pair));
	ret = measure_pair(ctx, m, rel < 0 ? sched_getcpu() : a, rel < 0 ? sched_getcpu() : a);
	if (ret)
		return ret;
	m = hvs_bench_metric(self, out, "cross_cpu");
	if (!m)
		return -ENOMEM;
	if (rel < 0) {
		m->outcome = HVS_SKIP;
		m->flags |= HVS_MF_SKIPPED;
		snprintf(m->reason, sizeof(m->reason), "one CPU: no cross-CPU pair");
		return 0;
	}
	ret = measure_pair(ctx, m, a, b);
	hvs_bench_note_pair(m, a, b, rel);
	snprintf(m->what, sizeof(m->what), "pipe round trip between processes on %s", pair);
	return ret;
}

const struct hvs_bench hvs_bench_ipc_pipe = {
	.name = "ipc.pipe",
	.klass = "ipc",
	.unit = "ns",
	.what = "pipe ping-pong round trip between two processes, on one CPU and across CPUs",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run,
};
