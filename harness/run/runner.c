/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runner.c - the runner of runner.h: warm-up, per-benchmark steal flags,
 * the per-process order, fresh processes pooled into one metric set.
 *
 * Fresh processes: each child runs every selected benchmark in an order
 * rotated and shuffled by its index, so no benchmark always runs first or
 * last (drift bias), and writes its metrics to a temp file; the parent
 * pools the samples and keeps each child's median, which shows the
 * between-process variance (ASLR, page placement, cache colouring) that
 * many samples from one process hide.
 */
#include "runner.h"
#include "core/cleanup.h"
#include "core/cputime.h"
#include "core/hvscope.h"
#include "core/stats.h"
#include "core/timing.h"
#include "results/result.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void hvs_runner_order(const struct hvs_bench **v, size_t n, unsigned seed)
{
	struct hvs_rng r;

	if (n < 2)
		return;
	hvs_rng_seed(&r, seed);
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = hvs_rng_below(&r, i + 1);
		const struct hvs_bench *t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

/* A short busy loop so the first benchmark does not pay for a cold, slow CPU. */
static void warm_up(double seconds)
{
	uint64_t end = hvs_now_ns() + (uint64_t)(seconds * 1e9);
	volatile uint64_t x = 0;

	while (hvs_now_ns() < end)
		for (int i = 0; i < 10000; i++)
			x += (uint64_t)i;
}

int hvs_runner_run(const struct hvs_bench *const *v, size_t n, const struct hvs_bench_ctx *ctx,
		   struct hvs_metrics *set, const struct hvs_runner_hooks *h)
{
	int failed = 0;

	warm_up(ctx->quick ? 0.05 : 0.2);
	for (size_t i = 0; i < n; i++) {
		struct hvs_cputime a, b;
		size_t first = set->n;
		int have = hvs_cputime_read(NULL, &a) == 0;
		enum hvs_outcome o;

		if (h && h->start)
			h->start(h->arg, v[i], i, n);
		o = hvs_bench_run(v[i], ctx, set);
		if (o == HVS_FAILED)
			failed++;
		if (have && hvs_cputime_read(NULL, &b) == 0 &&
		    hvs_cputime_steal_fraction(&a, &b) > HVS_RUNNER_STEAL_FRACTION)
			for (size_t k = first; k < set->n; k++)
				set->v[k].flags |= HVS_MF_STEAL;
		if (h && h->done)
			h->done(h->arg, v[i], set, first, o);
	}
	if (h && h->start)
		h->start(h->arg, NULL, n, n);
	return failed;
}

/* One child: fork, exec `hvscope run --child-out out ...`, wait. 0, or -errno with err set. */
static int one_child(const struct hvs_runner_procs *p, int i, const char *out, char *err, size_t errlen)
{
	char samples[16], seed[16], label[32];
	int status;
	pid_t pid;

	snprintf(samples, sizeof(samples), "%u", p->samples);
	snprintf(seed, sizeof(seed), "%d", i + 1);
	snprintf(label, sizeof(label), "process %d/%d ", i + 1, p->processes);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -errno;
	}
	if (pid == 0) {
		char *args[] = { "hvscope", "run", "--child-out", (char *)out, "--bench", (char *)p->bench_list,
				 "--samples", samples, "--order-seed", seed, "--child-label", label,
				 "--suite", (char *)p->suite, p->suites_file ? "--suites" : NULL,
				 (char *)p->suites_file, NULL };

		execv("/proc/self/exe", args);
		/* No /proc (a minimal guest): the name we were started by. */
		execvp(program_invocation_name, args);
		_exit(127);
	}
	hvs_cleanup_watch(pid);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	hvs_cleanup_watch(0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "benchmark process %d died (%s %d)", i + 1,
			 WIFSIGNALED(status) ? "signal" : "exit",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		return -ECHILD;
	}
	return 0;
}

int hvs_runner_pool_file(const char *path, struct hvs_metrics *set, struct hvs_result **keep, char *err,
			 size_t errlen)
{
	struct hvs_result *r = NULL;
	int ret;

	if (hvs_result_read(path, &r, err, errlen))
		return -EIO;
	ret = hvs_metrics_pool(set, &r->set);
	if (ret)
		snprintf(err, errlen, "pooling the metrics of %s: %s", path, strerror(-ret));
	if (keep && !ret)
		*keep = r;
	else
		hvs_result_free(r);
	return ret;
}

int hvs_runner_processes(const struct hvs_runner_procs *p, struct hvs_metrics *set, char *err,
			 size_t errlen)
{
	char tmpdir[4096], out[4352];
	const char *td = getenv("TMPDIR");
	int ret = 0;

	/* Removed on SIGINT/SIGTERM too (core/cleanup.h), with the child stopped first. */
	snprintf(tmpdir, sizeof(tmpdir), "%s/hvscope-run-XXXXXX", td && *td == '/' ? td : "/tmp");
	if (!mkdtemp(tmpdir)) {
		ret = -errno;
		snprintf(err, errlen, "cannot make a temp directory %s: %s", tmpdir, strerror(-ret));
		return ret;
	}
	hvs_cleanup_add(tmpdir);
	for (int i = 0; i < p->processes && !ret; i++) {
		snprintf(out, sizeof(out), "%s/p%d.json", tmpdir, i);
		ret = one_child(p, i, out, err, errlen);
		if (ret)
			break;
		ret = hvs_runner_pool_file(out, set, NULL, err, errlen);
		unlink(out);
	}
	hvs_cleanup_remove(tmpdir);
	if (!ret && (ret = hvs_metrics_resummarize(set)))
		snprintf(err, errlen, "summarising the pooled samples failed");
	return ret;
}

/* The benchmark whose name prefixes the metric (the longest such), or n. */
static long bench_rank(const struct hvs_bench *const *v, size_t n, const char *metric)
{
	long best = (long)n, blen = -1;

	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(v[i]->name);

		if (!strncmp(metric, v[i]->name, l) && (metric[l] == '\0' || metric[l] == '.') &&
		    (long)l > blen) {
			best = (long)i;
			blen = (long)l;
		}
	}
	return best;
}

/* Stable within a benchmark. n is small (hundreds): insertion sort. */
void hvs_runner_sort(struct hvs_metrics *set, const struct hvs_bench *const *v, size_t n)
{
	for (size_t i = 1; i < set->n; i++) {
		struct hvs_metric m = set->v[i];
		long r = bench_rank(v, n, m.name);
		size_t j = i;

		while (j > 0 && bench_rank(v, n, set->v[j - 1].name) > r) {
			set->v[j] = set->v[j - 1];
			j--;
		}
		set->v[j] = m;
	}
}
