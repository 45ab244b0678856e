/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mm_forkexec.c - the fork/exec storm: fork, exec ourselves with an
 * argument that exits at once, wait. Every round builds and tears down an
 * address space, the work shadow paging makes expensive (each new page
 * table is write-protected and shadowed) and EPT/NPT makes cheap.
 */
#include "workload.h"

#include <errno.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

static char self_exe[4096];


static const char *supported(char *why, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);

	if (n <= 0) {
		snprintf(why, len, "cannot find our own binary through /proc/self/exe");
		return why;
	}
	self_exe[n] = '\0';
	return NULL;
}

static void body(void *arg, uint64_t iters)
{
	int *failed = arg;

	for (uint64_t i = 0; i < iters; i++) {
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			char *argv[] = { self_exe, HVS_EXEC_CHILD_ARG, NULL };
			char *envp[] = { NULL };

			execve(self_exe, argv, envp);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			*failed = 1;
	}
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	int failed = 0;
	struct hvs_loop l = { body, NULL, &failed };
	struct hvs_metric *m = hvs_bench_metric(self, out, NULL);
	struct hvs_bench_ctx c = *ctx;
	int ret;

	if (!m)
		return -ENOMEM;
	if (c.min_sample_ns < 2e7)
		c.min_sample_ns = 2e7; /* a round is ~100 us-1 ms: keep samples meaningful */
	ret = hvs_workload_rate(&c, &l, 1.0, m);
	if (!ret && failed)
		ret = -ECHILD;
	return ret;
}

const struct hvs_bench hvs_bench_wl_mm_forkexec = {
	.name = "workload.mm.forkexec",
	.klass = "workload",
	.unit = "execs/s",
	.what = "fork+exec+wait storm: address-space creation and teardown",
	.direction = HVS_HIGHER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.supported = supported,
	.run = run,
};
