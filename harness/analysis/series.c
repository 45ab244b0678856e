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

/*
 * One night's robust sd from successive differences of y[0..n) (scratch
 * t[0..n - 1)): 1.4826 MAD(diff) / sqrt 2, immune to steps. NAN when n < 3.
 */
double hvs_series_night_sd(const double *y, size_t n, double *t)
{
	double med;

	if (n < 3)
		return NAN;
	for (size_t i = 0; i + 1 < n; i++)
		t[i] = y[i + 1] - y[i];
	med = hvs_median(t, n - 1);
	for (size_t i = 0; i + 1 < n; i++)
		t[i] = fabs(t[i] - med);
	return 1.4826 * hvs_median(t, n - 1) / M_SQRT2;
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
