/*
 * stats.c - median, MAD, order-statistic confidence interval of the median.
 */
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void hvs_sort(double *x, size_t n)
{
	qsort(x, n, sizeof(*x), cmp_double);
}

static double median_sorted(const double *x, size_t n)
{
	if (n == 0)
		return NAN;
	return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2.0;
}

double hvs_median(const double *x, size_t n)
{
	double *c, m;

	if (n == 0)
		return NAN;
	c = malloc(n * sizeof(*c));
	if (!c)
		return NAN;
	memcpy(c, x, n * sizeof(*c));
	hvs_sort(c, n);
	m = median_sorted(c, n);
	free(c);
	return m;
}

int hvs_summarize(const double *x, size_t n, struct hvs_summary *s)
{
	double *c, sum = 0;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	if (n == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			return -EINVAL;
		sum += x[i];
	}
	c = malloc(n * sizeof(*c));
	if (!c)
		return -ENOMEM;
	memcpy(c, x, n * sizeof(*c));
	hvs_sort(c, n);
	s->n = n;
	s->min = c[0];
	s->max = c[n - 1];
	s->mean = sum / (double)n;
	s->median = median_sorted(c, n);

	/*
	 * 95% CI of the median: ranks n/2 -/+ 1.96*sqrt(n)/2 (normal
	 * approximation of Binomial(n, 1/2)), 1-based, clamped to the sample.
	 * For tiny n this is the whole range, which is the honest answer.
	 */
	{
		double h = 1.959964 * sqrt((double)n) / 2.0;
		long lo = (long)floor((double)n / 2.0 - h);
		long hi = (long)ceil((double)n / 2.0 + h) + 1;

		if (lo < 1)
			lo = 1;
		if (hi > (long)n)
			hi = (long)n;
		s->ci_lo = c[lo - 1];
		s->ci_hi = c[hi - 1];
	}

	for (size_t i = 0; i < n; i++)
		c[i] = fabs(c[i] - s->median);
	hvs_sort(c, n);
	s->mad = median_sorted(c, n);
	{
		double lim = 3.0 * 1.4826 * s->mad;

		for (size_t i = 0; i < n; i++)
			if (fabs(x[i] - s->median) > lim && lim > 0)
				s->outliers++;
	}
	free(c);
	return ret;
}
