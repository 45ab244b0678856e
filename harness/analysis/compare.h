/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compare.h - A/B comparison of two metric sets: per metric the ratio B/A
 * of medians with a seeded bootstrap 95% CI, a Mann-Whitney U test, Holm
 * correction across all compared metrics, and a direction-aware verdict
 * that needs significance (Holm-adjusted p < alpha and a CI that excludes
 * 1) and an effect (the ratio's point estimate) above a threshold -- and
 * above the between-process noise of either run when they have >= 2 fresh
 * processes each. Across
 * metrics: the geometric mean of the "cost" ratios (B/A for lower-is-better,
 * A/B for higher-is-better, so > 1 always means worse) with its CI.
 */
#ifndef HVS_COMPARE_H
#define HVS_COMPARE_H

#include "core/metric.h"

enum hvs_verdict {
	HVS_V_SAME = 0,   /* "no change" */
	HVS_V_FASTER,     /* better, in the metric's direction */
	HVS_V_SLOWER,     /* worse: a regression */
	HVS_V_NA,         /* not comparable: missing, skipped, too few samples... (reason says) */
};

const char *hvs_verdict_name(enum hvs_verdict v);

struct hvs_cmp_threshold {
	char pattern[HVS_METRIC_NAME_MAX]; /* metric name or fnmatch(3) glob */
	double value;                      /* relative: 0.05 = 5% */
};

struct hvs_cmp_opts {
	double threshold;  /* default effect threshold (0.02) */
	const struct hvs_cmp_threshold *per_metric; /* first match wins */
	size_t nper_metric;
	double alpha;      /* family-wise, after Holm (0.05) */
	double level;      /* CI coverage (0.95) */
	unsigned reps;     /* bootstrap resamples (2000) */
	uint64_t seed;     /* bootstrap seed (mixed with each metric's name) */
};

void hvs_cmp_opts_default(struct hvs_cmp_opts *o);

/* Trimming of Yuen's test over process medians (3 processes: none; 5: one each end). */
#define HVS_CMP_PROCESS_TRIM 0.2

struct hvs_cmp_row {
	char name[HVS_METRIC_NAME_MAX];
	char unit[16];
	enum hvs_direction direction;
	enum hvs_verdict verdict;
	char reason[64];     /* for HVS_V_NA */
	size_t na, nb;
	double median_a, median_b;
	struct hvs_ratio ratio; /* B/A with CI */
	int ci_processes;    /* CI from per-process medians (both runs had >= 3 processes) */
	double cost;         /* ratio oriented so > 1 is worse */
	double u, p, p_holm;
	/*
	 * Yuen's test on the log per-process medians (both runs >= 3 fresh
	 * processes), Holm-adjusted over the metrics that have one; NaN without.
	 */
	double p_process, p_process_holm;
	double noise;        /* between-process spread (max-min)/median, NaN if unknown */
	double threshold;    /* the one applied (--threshold, --metric-threshold) */
};

struct hvs_cmp {
	struct hvs_cmp_row *rows;
	size_t n;
	size_t ncompared;       /* rows with a test */
	struct hvs_ratio geomean; /* of cost ratios; ratio NaN when ncompared == 0 */
	int slower, faster;
};

/*
 * Compare every metric of a (baseline) with the same-named metric of b, in
 * a's order then b's extra metrics. Returns 0 or -ENOMEM / -EINVAL.
 */
int hvs_compare(const struct hvs_metrics *a, const struct hvs_metrics *b,
		const struct hvs_cmp_opts *o, struct hvs_cmp *out);

void hvs_cmp_free(struct hvs_cmp *c);

/*
 * Parse "2%" or "0.02" into 0.02. Returns 0 or -EINVAL (not a number,
 * negative, 100% or more).
 */
int hvs_parse_fraction(const char *s, double *out);

/*
 * Parse one "NAME=5%" (NAME a metric name or glob) into per[*n] and bump *n.
 * Returns 0, -EINVAL (syntax, bad fraction, name too long) or -ENOSPC
 * (already cap thresholds).
 */
int hvs_parse_metric_threshold(const char *arg, struct hvs_cmp_threshold *per, size_t *n,
			       size_t cap);

#endif
