/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * metric.h - one measured number with everything it must carry, and a
 * growable set of them. Benchmarks (microbench/, the /dev/kvm VMM) fill
 * these; the result writer (issue: harness) serialises them.
 *
 * Ownership: a struct hvs_metric owns its samples array; hvs_metrics_free()
 * frees every metric and its samples.
 */
#ifndef HVS_METRIC_H
#define HVS_METRIC_H

#include "hvscope.h"
#include "stats.h"

#include <stdint.h>

enum hvs_direction {
	HVS_LOWER_IS_BETTER = 0,
	HVS_HIGHER_IS_BETTER = 1,
};

/* Flags a metric can carry (bit mask). */
#define HVS_MF_STEAL (1u << 0)        /* steal time above threshold during a sample window */
#define HVS_MF_NO_COUNTERS (1u << 1)  /* hardware counters unavailable (the reason is reported once per run) */
#define HVS_MF_SKIPPED (1u << 2)      /* not run: reason says why */
#define HVS_MF_TIMEOUT (1u << 3)      /* watchdog fired */
#define HVS_MF_HISTOGRAM (1u << 4)    /* samples summarised as a histogram (too many) */

#define HVS_METRIC_NAME_MAX 96
#define HVS_METRIC_EXTRA_MAX 12

/* A named side value: cycles per op, exits per op, a counter reading... */
struct hvs_kv {
	char key[40];
	double val;
};

struct hvs_metric {
	char name[HVS_METRIC_NAME_MAX]; /* dotted: "kvm.exit.cpuid", "bench.syscall.getppid" */
	char unit[16];                  /* "ns", "cycles", "MB/s", "ops/s" */
	char klass[24];                 /* "exit", "paging", "io", "syscall", "mm", "workload" */
	char what[160];                 /* one line: what it measures */
	enum hvs_direction direction;
	enum hvs_outcome outcome;
	unsigned flags;
	char reason[200]; /* why skipped / failed / timed out */

	double *samples; /* per-operation values, in unit, overhead already subtracted */
	size_t nsamples;
	uint64_t iterations; /* operations per sample */
	double overhead;     /* loop + timer cost subtracted from each sample, in unit */
	struct hvs_summary summary;
	double *process_medians; /* one median per fresh process (hvscope run --processes N); owned */
	size_t nprocesses;

	struct hvs_kv extra[HVS_METRIC_EXTRA_MAX];
	int nextra;
};

struct hvs_metrics {
	struct hvs_metric *v;
	size_t n, cap;
};

/* Append a zeroed metric; returns it or NULL on allocation failure. */
struct hvs_metric *hvs_metrics_add(struct hvs_metrics *set);
void hvs_metrics_free(struct hvs_metrics *set);

/* Index of metric name in set, or -1. */
long hvs_metrics_find(const struct hvs_metrics *set, const char *name);

/*
 * Merging metric sets: the rules live here, once.
 *
 * hvs_metrics_pool(): src is one more fresh process of the same run (hvscope
 * run --processes N). A metric in both gets src's samples appended and src's
 * median kept as one process median; flags are OR'd and the worst outcome
 * stays (one failing process makes the metric suspect). A metric only in
 * src is added. Call hvs_metrics_resummarize() after the last process.
 * Returns 0 or -ENOMEM.
 */
int hvs_metrics_pool(struct hvs_metrics *dst, const struct hvs_metrics *src);
/* Summaries from the pooled samples; drops process medians of a single process. 0 or -EINVAL. */
int hvs_metrics_resummarize(struct hvs_metrics *set);

/*
 * hvs_metrics_take(): m is the same metric measured by another run of the
 * same target (a suite and the workloads of a guest, host-side metrics). It
 * goes into dst when dst has no metric of its name, or replaces dst's when
 * how is HVS_TAKE_REPLACE, or when HVS_TAKE_BETTER and m is better (it
 * passed where dst's did not, or it comes from more processes). m's samples
 * move into dst (m is left empty). Returns 1 taken, 0 dst's kept, -ENOMEM.
 */
enum hvs_take { HVS_TAKE_BETTER, HVS_TAKE_REPLACE };
int hvs_metrics_take(struct hvs_metrics *dst, struct hvs_metric *m, enum hvs_take how);

/* Set a side value (replacing one of the same key). Returns 0 or -ENOSPC. */
int hvs_metric_set_extra(struct hvs_metric *m, const char *key, double val);

/*
 * Take ownership of samples[0..n) and compute the summary. Returns 0 or the
 * -errno of hvs_summarize (the samples are owned by the metric either way).
 */
int hvs_metric_set_samples(struct hvs_metric *m, double *samples, size_t n);

#endif
