/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * series.c - the parameters of a history's judgement and the pieces
 * hvs_regress_judge() (regress.c) is made of (see series.h).
 */
#include "series.h"

#include <math.h>
#include <string.h>

void hvs_series_opts_default(struct hvs_series_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->threshold = 0.05;
	o->alpha = 0.01;
	o->family = 32;
	o->seg_alpha = 0.01;
	o->perms = 199;
	o->min_seg = 2;
	o->power = 0.80;
}

/* E[min(Z^2, 9)] for a standard normal Z: the clipped square's consistency factor. */
#define CLIP3_KAPPA 0.995007

double hvs_series_clipped_sd(const double *y, size_t n, double ctr, double s0, int side)
{
	double s = 0, c2 = 9 * s0 * s0;

	if (!n)
		return NAN;
	for (size_t i = 0; i < n; i++) {
		double r = y[i] - ctr;

		if (side ? side * r <= 0 : 0)
			continue;
		s += fmin(r * r, c2);
	}
	return sqrt(s / (side ? (double)n / 2 : (double)n) / CLIP3_KAPPA);
}

/*
 * One night's sd from successive differences of y[0..n) (scratch
 * t[0..n - 1)): their MAD, then their clipped root mean square.
 */
double hvs_series_night_sd(const double *y, size_t n, double *t)
{
	double med, s0;

	if (n < 3)
		return NAN;
	for (size_t i = 0; i + 1 < n; i++)
		t[i] = y[i + 1] - y[i];
	med = hvs_median(t, n - 1);
	s0 = hvs_mad_sd(t, n - 1, med, t); /* the differences' robust sd */
	for (size_t i = 0; i + 1 < n; i++)
		t[i] = y[i + 1] - y[i];
	return hvs_series_clipped_sd(t, n - 1, med, s0, 0) / M_SQRT2;
}

/* level above every y[0..n) (up) or below every one (!up). */
int hvs_series_beyond(const double *y, size_t n, double level, int up)
{
	for (size_t i = 0; i < n; i++)
		if (up ? y[i] >= level : y[i] <= level)
			return 0;
	return 1;
}

/* Mark change point at on v (once; at most HVS_SERIES_MAX_CP). */
void hvs_series_add_mark(struct hvs_series_verdict *v, size_t at)
{
	for (size_t i = 0; i < v->nmarks; i++)
		if (v->marks[i] == at)
			return;
	if (v->nmarks < HVS_SERIES_MAX_CP)
		v->marks[v->nmarks++] = at;
}
