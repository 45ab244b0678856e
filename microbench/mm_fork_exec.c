/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mm_fork_exec.c - fork+exec+exit from a parent with 16 MiB (quick:
 * 4 MiB) of touched private memory: the page-table copy of mm.fork, then
 * exec throws it away and builds a new address space (fresh page tables,
 * ELF mapping, the first faults of the new program). The child executes
 * /proc/self/exe with HVS_EXEC_CHILD_ARG, which exits at once (a
 * constructor in harness/core/util.c, before main): the dynamic build also pays
 * the dynamic linker, the static one does not.
 */
#include "bench.h"
#include "measure.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

static void body_exec(void *arg, uint64_t iters)
{
	(void)arg;
	for (uint64_t i = 0; i < iters; i++) {
		pid_t p = fork();
		int st;

		if (p == 0) {
			char *const argv[] = { "hvscope", HVS_EXEC_CHILD_ARG, NULL };

			execv("/proc/self/exe", argv);
			_exit(127);
		}
		if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st))
			failures++;
	}
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	size_t len = (ctx->quick ? 4u : 16u) << 20;
	struct hvs_loop lx = { .body = body_exec };
	struct hvs_metric *m;
	char *mem;
	int ret;

	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	madvise(mem, len, MADV_NOHUGEPAGE); /* 4 KiB PTEs to copy, not a few PMDs */
	memset(mem, 1, len);
	failures = 0;
	fflush(NULL);
	m = hvs_bench_metric(self, out, NULL);
	ret = m ? hvs_measure_loop(ctx, &lx, m) : -ENOMEM;
	if (!ret)
		hvs_metric_set_extra(m, "touched_kib", (double)(len >> 10));
	munmap(mem, len);
	if (!ret && failures)
		ret = -ECHILD; /* a child that did not exit 0: the numbers are not fork+exit */
	return ret;
}

const struct hvs_bench hvs_bench_mm_fork_exec = {
	.name = "mm.fork_exec",
	.klass = "mm",
	.unit = "ns",
	.what = "fork+exec(self)+exit with 16 MiB touched: page-table copy, new address space",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run,
};
