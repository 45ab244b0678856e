/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stats.h - robust summary statistics for samples of one metric.
 *
 * Conventions: MAD is the raw median absolute deviation (not scaled by
 * 1.4826); the 95% confidence interval of the median is the distribution-free
 * order-statistic interval (binomial ranks), so it needs no normality.
 * Outliers are samples further than 3 scaled MADs from the median: they are
 * counted, never removed.
 */
#ifndef HVS_STATS_H
#define HVS_STATS_H

#include <stddef.h>
#include <stdint.h>

struct hvs_summary {
	size_t n;
	double median, mean, mad, min, max;
	double ci_lo, ci_hi; /* 95% CI of the median */
	size_t outliers;
};

/* Median of x[0..n) (x is not modified). n == 0 gives NaN. */
double hvs_median(const double *x, size_t n);

/*
 * Fill *s from x[0..n). Returns 0, or -EINVAL when n == 0 or a value is not
 * finite, or -ENOMEM.
 */
int hvs_summarize(const double *x, size_t n, struct hvs_summary *s);

/* Sort a copy helper: sort x in place ascending. */
void hvs_sort(double *x, size_t n);

/* Median of x[0..n), reordering x (quickselect, O(n)). n == 0 gives NaN. */
double hvs_median_inplace(double *x, size_t n);

/*
 * A robust sd: 1.4826 times the median absolute deviation of x[0..n) from
 * centre, with scratch tmp[0..n) (tmp may be x itself: x is then
 * overwritten). n == 0 gives NaN.
 */
double hvs_mad_sd(const double *x, size_t n, double centre, double *tmp);

/* Quantile (R type 7, linear interpolation) of sorted x[0..n), q in [0,1]. */
double hvs_quantile_sorted(const double *x, size_t n, double q);

/*
 * A small seeded generator (xoshiro256**, seeded through splitmix64): the
 * same seed gives the same stream on every machine, so bootstrap intervals
 * and permutation tests are reproducible.
 */
struct hvs_rng {
	uint64_t s[4];
};

void hvs_rng_seed(struct hvs_rng *r, uint64_t seed);
uint64_t hvs_rng_next(struct hvs_rng *r);
double hvs_rng_uniform(struct hvs_rng *r); /* [0, 1) */
size_t hvs_rng_below(struct hvs_rng *r, size_t n); /* uniform in [0, n), n > 0 */
double hvs_rng_normal(struct hvs_rng *r);         /* standard normal */

/* 64-bit FNV-1a of a string: per-name seeds independent of order. */
uint64_t hvs_hash64(const char *s);

/* A ratio with its confidence interval. */
struct hvs_ratio {
	double ratio, lo, hi;
};

/*
 * Percentile bootstrap of median(b) / median(a): reps resamples of each
 * sample (with replacement), seeded. level is the coverage (0.95). When
 * log_reps is not NULL it receives the reps log-ratios (for
 * hvs_geomean_ratio). Returns 0, -EINVAL (empty or non-finite input, reps <
 * 10), -EDOM (a median <= 0: a ratio means nothing) or -ENOMEM.
 */
int hvs_bootstrap_ratio(const double *a, size_t na, const double *b, size_t nb, unsigned reps,
			uint64_t seed, double level, struct hvs_ratio *out, double *log_reps);

/*
 * Geometric mean of m ratios with a bootstrap CI: log_point[i] is log of
 * metric i's ratio, log_reps[i * reps + r] its r-th bootstrap log-ratio
 * (replicates of different metrics are combined index by index, treating
 * metrics as independent). Returns 0 or -EINVAL / -ENOMEM.
 */
int hvs_geomean_ratio(const double *log_point, const double *log_reps, size_t m, unsigned reps,
		      double level, struct hvs_ratio *out);

struct hvs_mwu {
	double u;     /* W of R's wilcox.test(a, b): pairs with a > b, ties count 1/2 */
	double p;     /* two-sided */
	double z;     /* normal statistic (0 when exact) */
	int exact;    /* 1: exact distribution (no ties, both n < 50) */
};

/*
 * Mann-Whitney U (Wilcoxon rank-sum) test of a against b, two-sided, as R's
 * wilcox.test(a, b) computes it: exact p without ties when both samples are
 * smaller than 50, else the normal approximation with tie correction and
 * continuity correction. Returns 0, -EINVAL (an empty sample, NaN) or -ENOMEM.
 */
int hvs_mann_whitney(const double *a, size_t na, const double *b, size_t nb, struct hvs_mwu *out);

/* Holm-Bonferroni adjusted p-values (R's p.adjust(p, "holm")). Returns 0 or -ENOMEM. */
int hvs_holm(const double *p, size_t n, double *adj);

/* Standard normal CDF. */
double hvs_pnorm(double z);

/*
 * Two-sided p-value of Student's t with df degrees of freedom (df > 0, not
 * necessarily whole: Welch's df), from the regularized incomplete beta
 * function: p = I_{df/(df+t^2)}(df/2, 1/2). NaN for df <= 0 or NaN input.
 */
double hvs_pt2(double t, double df);

/* The t >= 0 whose two-sided p-value is p2 (0 < p2 < 1): qt(1 - p2/2, df). */
double hvs_qt2(double p2, double df);

struct hvs_yuen {
	double diff; /* trimmed mean of b - trimmed mean of a */
	double se;   /* its standard error (from the winsorized variances) */
	double t;    /* diff / se */
	double df;   /* Welch-Satterthwaite on the trimmed sample sizes */
	double p;    /* two-sided */
};

/*
 * Yuen's test of a against b: Welch's unequal-variance t-test on trimmed
 * means, each side trimmed by floor(trim * n) values at both ends, with
 * winsorized variances (Yuen 1974; Wilcox, "Introduction to Robust
 * Estimation", 5.3). trim = 0 is exactly Welch's test (R's t.test(b, a)).
 * With trim 0.2, five values lose one at each end (one odd process of five
 * cannot swing the test); three lose none. Each side needs at least 2
 * values left after trimming. When both variances are 0, p is 1 for equal
 * trimmed means and 0 otherwise (se 0, t and df NaN). Returns 0 or -EINVAL
 * (too few values, trim outside [0, 0.5), a NaN or infinity) or -ENOMEM.
 */
int hvs_yuen(const double *a, size_t na, const double *b, size_t nb, double trim, struct hvs_yuen *out);

/*
 * Change points in a series (e.g. one metric over nightly runs): PELT on
 * the mid-ranks of the series (so a lone outlier is just the top rank) with
 * the normal mean-change cost and penalty 3 log(n) sigma^2 (sigma from the
 * MAD of successive differences, robust to the steps themselves), segments
 * at least min_seg long; each change is then confirmed by a permutation
 * test of the largest standardised mean difference over all splits of its
 * two neighbouring segments (so the search is part of the null), perms
 * permutations, seeded. Changes with p > alpha are dropped (neighbours
 * merge and the test repeats). Each surviving change is finally moved to
 * the best split between its neighbours.
 */
struct hvs_changepoint {
	size_t at;     /* index of the first value after the change */
	double p;      /* permutation p-value */
	double before; /* median of the segment before */
	double after;  /* median of the segment after */
};

/*
 * Returns the number of changes found (written to out[0..max)), or -EINVAL
 * (non-finite value, min_seg < 1) / -ENOMEM.
 */
int hvs_changepoints(const double *x, size_t n, size_t min_seg, unsigned perms, uint64_t seed,
		     double alpha, struct hvs_changepoint *out, size_t max);


/*
 * Two one-sided tests (Schuirmann 1987) of an estimated difference diff
 * with standard error se and df degrees of freedom (df = INFINITY: normal)
 * against the equivalence bounds (lo, hi), lo < hi: p_lo tests H0 diff <=
 * lo, p_hi tests H0 diff >= hi; p = max of the two. Equivalent at level
 * alpha when p < alpha, i.e. the (1 - 2 alpha) CI lies inside (lo, hi).
 * Returns 0 or -EINVAL (se < 0, df <= 0, NaN, lo >= hi).
 */
struct hvs_tost {
	double t_lo, t_hi, p_lo, p_hi, p;
};

int hvs_tost(double diff, double se, double df, double lo, double hi, struct hvs_tost *out);

/* One-sided upper quantile of Student's t: qt(1 - p, df), 0 < p < 1; df = INFINITY: normal. */
double hvs_qt_upper(double p, double df);

/*
 * Variance components of a one-way random-effects model (groups = runs,
 * values = e.g. log process medians): the ANOVA (method of moments)
 * estimators, which are REML's for balanced data when positive. values
 * are concatenated group by group, size[g] values in group g (>= 1).
 * between is max(0, .): a negative moment estimate means "no detectable
 * between-group variance". se_mean is the standard error of the mean of
 * the group means, sqrt((between + within / n_h) / k), n_h the harmonic
 * mean group size (exact for balanced data). Needs k >= 2 groups and at
 * least one group with 2 values. Returns 0 or -EINVAL / -ENOMEM.
 */
struct hvs_varcomp {
	double mean;    /* mean of the group means */
	double between; /* between-group variance */
	double within;  /* within-group (residual) variance */
	double se_mean;
	size_t k;       /* groups */
};

int hvs_var_components(const double *values, const size_t *size, size_t k, struct hvs_varcomp *out);

/*
 * Two states in a sample: of the splits of sorted log values x[0..n) that
 * leave at least min_share of the values on each side, the one with the
 * widest gap x[k] - x[k-1] for sqrt(s1^2 + s2^2), s the 1.4826 MAD of each
 * side. The sample is bimodal when its robust Ashman's D = sqrt(2) |m2 -
 * m1| / sqrt(s1^2 + s2^2) (m the medians) > 2 (clean separation) and the medians differ by at least
 * min_gap (log units). Returns 1 (bimodal: *cut = the midpoint between
 * the classes, *d = D), 0 (not), -EINVAL (n < 4), -ENOMEM.
 */
int hvs_two_states(const double *sorted, size_t n, double min_share, double min_gap, double *cut,
		   double *d);

/*
 * Random-effects location of k units in ngroups (1 or 2) groups: unit i
 * has estimate y[i] with known within-unit variance v[i] > 0 and belongs
 * to group g[i]; units share one between-unit variance tau2 (the
 * DerSimonian-Laird moment estimator, with a group indicator as moderator
 * when ngroups == 2: Q_E residual to the groups' fixed-effect means,
 * tau2 = max(0, (Q_E - (k - p)) / sum_g (W_g - S2_g / W_g))). Weights
 * 1 / (tau2 + v[i]). diff is mu[0] (one group) or mu[1] - mu[0]; se its
 * model-based standard error, se_hk the Hartung-Knapp(-Sidik-Jonkman)
 * one, scaled by the weighted residual mean square on df = k - p (p =
 * ngroups). With equal v it reduces to the one-sample / pooled two-sample
 * Student t. Needs k > ngroups and each group non-empty. Returns 0 or
 * -EINVAL.
 */
struct hvs_re {
	double mu[2];   /* weighted group means */
	double diff, se, se_hk, df;
	double tau2;    /* between-unit variance */
	double q;       /* Cochran's Q_E with the fixed-effect weights 1 / v */
};

int hvs_random_effects(const double *y, const double *v, const int *g, size_t k, int ngroups,
		       struct hvs_re *out);

#endif
