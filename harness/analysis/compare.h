/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compare.h - the one place verdicts are computed: A/B comparison of
 * groups of runs (the run is the statistical unit), metric by metric and
 * for the suite's geometric mean, with four verdicts.
 *
 * Model (Kalibera & Jones, "Rigorous Benchmarking in Reasonable Time",
 * ISMM 2013): samples within fresh processes within runs. Each run gives
 * one location per metric, the mean of its log process medians (log of the
 * median without processes); each side's estimate is the mean of its run
 * locations, whose variance carries the between-run variance (the host's
 * moment) plus the within-run variance over the processes. With >= 2 runs
 * on a side that variance is measured (the spread of its run locations,
 * k - 1 degrees of freedom); with one run it cannot be, and is taken as the
 * other side's measured between-run variance or, when both sides have one
 * run, as max(--run-cv^2, the process variance of either run): an
 * assumption the output names. The CI of log(B/A) is Welch's over the two
 * sides (Satterthwaite's df), simultaneous over the m tests of the
 * compared metrics (Bonferroni, level 1 - alpha/m) so that a gate over m
 * metrics keeps its family-wise alpha. The slower and faster verdicts then
 * step down (Holm 1979: the same family-wise alpha, more power when several
 * tests reject): the test with the j-th smallest p (j = 0, 1, ...) is
 * rejected at alpha/(m - j) while every smaller one was; a rejected test
 * that the Bonferroni level left inconclusive becomes slower or faster
 * (when its estimate clears the threshold) and shows its CI at its own
 * level 1 - alpha/(m - j). Equivalence stays at the Bonferroni level.
 *
 * Verdicts, on the cost ratio (> 1 worse) and threshold t:
 *   slower       the CI excludes 1 and the estimate is above 1 + t
 *   faster       the CI excludes 1 and the estimate is below 1 - t
 *   equivalent   the whole CI lies inside [1 - t, 1 + t] (TOST at alpha/2m
 *                per side: conservative)
 *   inconclusive anything else; the row carries the minimum detectable
 *                effect at 80% power (mde): the data could not see less.
 *
 * Interleaved rounds (--paired, as scripts/ab-rounds.sh writes them: run i
 * of A and run i of B back to back, in random order): each round's log
 * ratio is one observation, the CI is the paired t interval over rounds
 * (Abedi & Brecht, ICPE 2017), so a host moment shared by both runs of a
 * round cancels.
 *
 * Two-state metrics (a pooled split with a robust Ashman's D > 2, both states >= 10%
 * of samples and each the home of some process, locations >= 25% apart, and some
 * side with >= 10% of its own samples in each state) are judged per state: each state's
 * location in each run (the median of its samples there), compared across
 * runs like a metric - with >= 2 runs a side precision-weighted in a
 * random-effects model (hvs_random_effects: a run that visited the state
 * a few times counts less), with one run a side against the larger of
 * --run-cv, the state's sample spread and its spread between the run's
 * processes - its share reported beside it; a flip of shares is never a
 * slowdown. The row shows the deciding state's ratio, CI and mde
 * (state_decides), so its verdict and CI always agree.
 */
#ifndef HVS_COMPARE_H
#define HVS_COMPARE_H

#include "core/metric.h"

enum hvs_verdict {
	HVS_V_EQUIVALENT = 0, /* the whole CI inside +-threshold */
	HVS_V_FASTER,         /* better, in the metric's direction */
	HVS_V_SLOWER,         /* worse: a regression */
	HVS_V_INCONCLUSIVE,   /* the data cannot tell: see mde */
	HVS_V_NA,             /* not comparable: missing, skipped, too few samples... (reason says) */
};

const char *hvs_verdict_name(enum hvs_verdict v);

struct hvs_cmp_threshold {
	char pattern[HVS_METRIC_NAME_MAX]; /* metric name or fnmatch(3) glob */
	double value;                      /* relative: 0.05 = 5% */
};

struct hvs_cmp_opts {
	double threshold;  /* default effect threshold and equivalence margin (0.05) */
	const struct hvs_cmp_threshold *per_metric; /* first match wins */
	size_t nper_metric;
	double alpha;      /* family-wise over the metrics (0.05); the suite line uses alpha */
	double level;      /* kept for callers: 1 - alpha */
	double run_cv;     /* assumed between-run CV when no side has >= 2 runs (0.03) */
	double power;      /* for the minimum detectable effect (0.80) */
	int modes;         /* judge two-state metrics per state (1) */
	int paired;        /* run i of A and run i of B were one interleaved round (0) */
	unsigned reps;     /* unused (the bootstrap is gone); kept for callers */
	uint64_t seed;
};

void hvs_cmp_opts_default(struct hvs_cmp_opts *o);

/* One state of a two-state metric. */
struct hvs_cmp_state {
	double loc_a, loc_b;       /* geometric mean over runs of the state's run medians (>= 2 runs a side: precision-weighted); NaN if unvisited */
	double share_a, share_b;   /* fraction of samples in this state */
	struct hvs_ratio ratio;    /* B/A of the state's location, simultaneous CI */
	double mde;
	double se, df;             /* of the log ratio */
	double run_cv;             /* pooled spread (sd of log) of the state's run locations; NaN with < 2 runs a side */
	enum hvs_verdict verdict;  /* HVS_V_NA when one side never visits it */
	int capped;                /* a one-run side visits it rarely: at most inconclusive, no test in the family */
	double holm_level;         /* its CI's level when slower/faster only at its Holm step; else NaN */
};

/* What a side's between-run variance came from. */
enum hvs_run_var {
	HVS_RV_MEASURED = 0, /* both sides >= 2 runs */
	HVS_RV_OTHER_SIDE,   /* one side had one run: the other side's measured spread */
	HVS_RV_PAIRED,       /* interleaved rounds: the spread of the per-round differences */
	HVS_RV_ASSUMED,      /* one run each: max(run_cv, process spread) assumed */
};

struct hvs_cmp_row {
	char name[HVS_METRIC_NAME_MAX];
	char unit[16];
	enum hvs_direction direction;
	enum hvs_verdict verdict;
	char reason[64];      /* for HVS_V_NA */
	size_t na, nb;        /* samples, over all runs */
	size_t runs_a, runs_b;
	double median_a, median_b; /* each side's location: geometric mean of its run locations (two-state rows: of the deciding state's) */
	struct hvs_ratio ratio;    /* B/A with the simultaneous CI */
	double cost;          /* ratio oriented so > 1 is worse */
	double se, df;        /* of log(B/A) */
	double p;             /* two-sided t test of "no difference", unadjusted */
	double p_equiv;       /* TOST p of "outside +-threshold", unadjusted */
	double mde;           /* smallest cost change detectable as slower at 80% power (0.23 = 23%) */
	double run_cv_a, run_cv_b; /* spread of run locations (sd of log), NaN with one run */
	double proc_cv;       /* pooled spread of process medians within runs, NaN without */
	enum hvs_run_var run_var;
	double threshold;     /* the one applied (--threshold, --metric-threshold) */
	int states;           /* 2 for a two-state metric judged per state, else 0 */
	double state_cut;     /* the value (unit) between the two states */
	struct hvs_cmp_state state[2];
	int state_decides;    /* two-state rows: -1 (no state both sides visit: pooled) or the state whose ratio, CI, se, mde, p and locations the row shows */
	/* Kept for older readers: the between-process spread (max-min)/median, NaN if unknown. */
	double noise;
	double weight;        /* in the suite's geometric mean: 1 / variance of the log ratio */
	double holm_level;    /* the CI level of a row (or its deciding state) made slower/faster only at its Holm step; else NaN */
};

struct hvs_cmp {
	struct hvs_cmp_row *rows;
	size_t n;
	size_t ncompared;          /* rows with a verdict other than n/a */
	struct hvs_ratio geomean;  /* precision-weighted geometric mean of cost ratios (>1 worse); NaN when ncompared == 0 */
	enum hvs_verdict geomean_verdict;
	double geomean_mde;
	double level;              /* the per-metric (simultaneous) CI level used */
	size_t runs_a, runs_b;
	int slower, faster, equivalent, inconclusive, na;
	int holm;                  /* rows decided only at their Holm step (their CI at holm_level) */
};

/*
 * Compare groups of runs: a[0..na) (baseline) against b[0..nb) (na, nb >=
 * 1), metric by metric (names in the first run of A's order, then B's
 * extras). Returns 0 or -ENOMEM / -EINVAL.
 */
int hvs_compare_runs(const struct hvs_metrics *const *a, size_t na,
		     const struct hvs_metrics *const *b, size_t nb, const struct hvs_cmp_opts *o,
		     struct hvs_cmp *out);

/* One run each: hvs_compare_runs(&a, 1, &b, 1, ...). */
int hvs_compare(const struct hvs_metrics *a, const struct hvs_metrics *b,
		const struct hvs_cmp_opts *o, struct hvs_cmp *out);

void hvs_cmp_free(struct hvs_cmp *c);

/*
 * The verdict rule on one cost ratio, shared by compare, regress and the
 * reports: log_cost with standard error se and df degrees of freedom
 * (INFINITY: normal), CI level, threshold t. Fills the CI of the cost ratio
 * (lo, hi) and the minimum detectable effect at the given power (relative,
 * 0.23 = 23%; any pointer may be NULL).
 */
enum hvs_verdict hvs_decide(double log_cost, double se, double df, double level, double thr,
			    double power, double *lo, double *hi, double *mde);

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

/* Threshold for a metric name: the first matching per-metric one, else def. */
double hvs_threshold_for(const struct hvs_cmp_threshold *per, size_t nper, double def,
			 const char *name);

#endif
