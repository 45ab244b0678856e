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

#endif
