/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench.h - the guest-side benchmark descriptor and registry.
 *
 * One file per benchmark under microbench/, each exporting one
 * `const struct hvs_bench hvs_bench_<id>`, plus one X() line in benches.h.
 * A benchmark fills one or more struct hvs_metric (harness/core/metric.h) per run.
 */
#ifndef HVS_BENCH_H
#define HVS_BENCH_H

#include "core/metric.h"

#include <stddef.h>

/* Which suites a benchmark belongs to (bit mask). */
#define HVS_SET_QUICK (1u << 0)
#define HVS_SET_DEFAULT (1u << 1)
#define HVS_SET_FULL (1u << 2)

struct hvs_bench_ctx {
	double min_sample_ns; /* iterations are doubled until a sample lasts this long */
	unsigned samples;     /* samples per metric */
	double budget_s;      /* wall-time budget for one benchmark */
	int quick;            /* smaller working sets, fewer samples */
	int sets_full;        /* the full set: largest working sets */
	int cpu_a, cpu_b;     /* CPUs for cross-CPU benchmarks; -1 = choose */
	const char *peer;     /* address of a network peer, or NULL */
	const char *scratch;  /* directory for I/O benchmarks, or NULL = choose */
};

struct hvs_bench {
	const char *name;  /* dotted, unique: "syscall.getppid" */
	const char *klass; /* exit, syscall, mm, paging, ipc, timer, io */
	const char *unit;  /* of the main metric */
	const char *what;  /* one line */
	enum hvs_direction direction;
	unsigned sets;     /* HVS_SET_* */
	/*
	 * NULL when it can run here; otherwise a short reason (a static string,
	 * or written into why[0..len)).
	 */
	const char *(*supported)(char *why, size_t len);
	/*
	 * Append metrics to out (hvs_bench_metric() makes one named after self).
	 * Returns 0 or -errno (metrics already added stay).
	 */
	int (*run)(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
		   struct hvs_metrics *out);
};

/*
 * Defaults: 0.2 ms samples (short samples are rarely hit by preemption on a
 * busy machine: measured, the 95% CI of getppid shrank from [165, 525] ns
 * with 1 ms samples to [164.6, 165.7] at load 7 on 2 CPUs), 41 samples, 5 s
 * budget per metric.
 */
void hvs_bench_ctx_default(struct hvs_bench_ctx *ctx);

/* The registry, in the order of benches.h. */
const struct hvs_bench *const *hvs_bench_all(size_t *n);
const struct hvs_bench *hvs_bench_find(const char *name);

/*
 * Append a metric named after b (name, or "name.suffix" when suffix is not
 * NULL) with its unit, class, description and direction. NULL on ENOMEM.
 */
struct hvs_metric *hvs_bench_metric(const struct hvs_bench *b, struct hvs_metrics *out,
				    const char *suffix);

/*
 * Run one benchmark: when unsupported, append one metric with outcome SKIP
 * and the reason; otherwise call run() and mark failures. Returns the
 * outcome.
 */
enum hvs_outcome hvs_bench_run(const struct hvs_bench *b, const struct hvs_bench_ctx *ctx,
			       struct hvs_metrics *out);

#endif
