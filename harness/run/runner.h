/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runner.h - the one runner of guest-side benchmarks, used by `hvscope run`
 * (in each fresh process) and `hvscope bench`: a warm-up, then each
 * benchmark in the order given, its metrics flagged when the benchmark's
 * own window saw steal; the order rotated and shuffled per process; and the
 * fresh processes themselves, whose metric sets are pooled
 * (core/metric.c). It prints nothing: progress and results go through the
 * caller's hooks.
 */
#ifndef HVS_RUNNER_H
#define HVS_RUNNER_H

#include "microbench/bench.h"
#include "core/metric.h"

#include <stddef.h>

#define HVS_RUNNER_STEAL_FRACTION 0.02 /* a benchmark window with > 2% steal is flagged */

struct hvs_runner_hooks {
	/* Before benchmark i of n; with i == n once at the end. May be NULL. */
	void (*start)(void *arg, const struct hvs_bench *b, size_t i, size_t n);
	/* After b: its metrics are set->v[first..set->n). May be NULL. */
	void (*done)(void *arg, const struct hvs_bench *b, const struct hvs_metrics *set, size_t first,
		     enum hvs_outcome o);
	void *arg;
};

/* Rotate and shuffle v deterministically by seed: every process its own order. */
void hvs_runner_order(const struct hvs_bench **v, size_t n, unsigned seed);

/*
 * Warm up (0.05 s quick, 0.2 s otherwise), then run v[0..n) in order into
 * set. Returns how many benchmarks failed (HVS_FAILED).
 */
int hvs_runner_run(const struct hvs_bench *const *v, size_t n, const struct hvs_bench_ctx *ctx,
		   struct hvs_metrics *set, const struct hvs_runner_hooks *h);

/*
 * Fresh processes: re-execute this binary (/proc/self/exe, else the name
 * we were started by) `processes` times, one after the other, as
 *   hvscope run --child-out FILE --bench LIST --samples N --order-seed P
 *               --child-label "process P/N " --suite NAME [--suites FILE]
 * and pool each child's metrics into set (hvs_metrics_pool), then
 * resummarise. Temp files live in a private /tmp directory, removed after.
 * Returns 0, or -errno with one line in err (-ECHILD: a child died).
 */
struct hvs_runner_procs {
	int processes;
	const char *bench_list; /* benchmark names, comma separated */
	const char *suite, *suites_file;
	unsigned samples;
};

int hvs_runner_processes(const struct hvs_runner_procs *p, struct hvs_metrics *set, char *err,
			 size_t errlen);

/*
 * The one pooling rule of runs made of parts (a run's processes, the rounds
 * of `run --rounds`, of a matrix target): read the result file at path and
 * pool its metrics into set, each of its processes staying one
 * (hvs_metrics_pool). The caller resummarises when all are in. With keep,
 * the result read is handed over (*keep; the caller frees it), else freed.
 * Returns 0, -EIO (err says why) or -ENOMEM.
 */
struct hvs_result;
int hvs_runner_pool_file(const char *path, struct hvs_metrics *set, struct hvs_result **keep, char *err,
			 size_t errlen);

/* Report order: metrics in v's (registry) order, whatever order they ran in. */
void hvs_runner_sort(struct hvs_metrics *set, const struct hvs_bench *const *v, size_t n);

#endif
