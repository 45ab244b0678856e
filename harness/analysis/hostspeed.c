/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostspeed.c - the host's speed on each night of a history (see
 * hostspeed.h): the common mode of the suite's metrics, taken as the
 * host's when a CPU-only reference followed it.
 */
#include "hostspeed.h"
#include "core/array.h"
#include "core/stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int hvs_hs_set_add(void *set, const char *name, const char *unit, enum hvs_direction dir,
		   const double *med, size_t n)
{
	struct hvs_hs_set *s = set;
	struct hvs_hs_row *w;

	if (HVS_ARRAY_RESERVE(s->v, s->cap, s->n + 1, 32))
		return -ENOMEM;
	w = &s->v[s->n];
	w->name = strdup(name);
	w->unit = strdup(unit);
	w->dir = dir;
	w->med = malloc((n ? n : 1) * sizeof(*w->med));
	if (!w->name || !w->unit || !w->med) {
		free(w->name);
		free(w->unit);
		free(w->med);
		return -ENOMEM;
	}
	memcpy(w->med, med, n * sizeof(*med));
	s->nights = n;
	s->n++;
	return 0;
}

void hvs_hs_set_free(struct hvs_hs_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].unit);
		free(s->v[i].med);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void hvs_hostspeed_free(struct hvs_hostspeed *hs)
{
	free(hs->h);
	free(hs->r);
	free(hs->taken);
	free(hs->g);
	memset(hs, 0, sizeof(*hs));
}

/* Oriented log value (slower > 0), NaN where there is none. */
static double olog(enum hvs_direction dir, double v)
{
	if (!(v > 0) || !isfinite(v))
		return NAN;
	return dir == HVS_HIGHER_IS_BETTER ? -log(v) : log(v);
}

/*
 * The centre of each row (median oriented log over its nights), NaN for a
 * row that does not count: measured on fewer than half the nights (or
 * fewer than 3), or not steady (its nights' robust sd over tol: a metric
 * that wanders by tens of percent says nothing of the host's speed).
 */
static size_t centres(const struct hvs_hs_set *s, double tol, double *c, double *t)
{
	size_t used = 0, N = s->nights;

	for (size_t m = 0; m < s->n; m++) {
		size_t k = 0;

		for (size_t i = 0; i < N; i++) {
			double y = olog(s->v[m].dir, s->v[m].med[i]);

			if (isfinite(y))
				t[k++] = y;
		}
		c[m] = k >= 3 && 2 * k >= N ? hvs_median_inplace(t, k) : NAN;
		/* Steady: its nights' robust sd (1.4826 MAD) within twice the threshold. */
		if (isfinite(c[m]) && !(hvs_mad_sd(t, k, c[m], t) <= tol))
			c[m] = NAN;
		used += isfinite(c[m]);
	}
	return used;
}

/*
 * One night's host speed (log, slower > 0) from its common mode h and the
 * reference's deviation r: h, *taken = 1, when h is within half the
 * threshold or within the threshold of r; else r (the suite moved without
 * the host, or the other way round). A night without r: h when within
 * half the threshold, else 0 (as measured); no h or no reference at all: 0.
 */
static double night_speed(double h, double r, int have_ref, double half, unsigned char *taken)
{
	*taken = 0;
	if (!have_ref || !isfinite(h))
		return 0;
	if (!isfinite(r))
		return fabs(h) <= half ? (*taken = 1, h) : 0;
	if (fabs(h) <= half || fabs(h - r) <= 2 * half) {
		*taken = 1;
		return h;
	}
	return r;
}

/*
 * The median of a night's k deviations t[] (reordered), when there are
 * HVS_HOST_MIN_METRICS of them and two thirds lie within tol of it (the
 * metrics moved together); else NaN: a night on which the metrics
 * disagree (half of them much slower, half much faster) has no common mode.
 */
static double common_mode(double *t, size_t k, double tol)
{
	size_t near = 0;
	double h;

	if (k < HVS_HOST_MIN_METRICS)
		return NAN;
	h = hvs_median_inplace(t, k);
	for (size_t m = 0; m < k; m++)
		near += fabs(t[m] - h) <= tol;
	return 3 * near >= 2 * k ? h : NAN;
}

int hvs_hostspeed_estimate(const struct hvs_hs_set *s, const char *reference, double threshold,
			   struct hvs_hostspeed *out)
{
	size_t N = s->nights, M = s->n, width = M > N ? M : N;
	double *c = NULL, *t = NULL, half = log1p(threshold) / 2, gnew;
	long ref = -1;

	memset(out, 0, sizeof(*out));
	out->nights = N;
	out->half = half;
	out->h = malloc((N ? N : 1) * sizeof(*out->h));
	out->r = malloc((N ? N : 1) * sizeof(*out->r));
	out->g = malloc((N ? N : 1) * sizeof(*out->g));
	out->taken = calloc(N ? N : 1, 1);
	c = malloc((M ? M : 1) * sizeof(*c));
	t = malloc((width ? width : 1) * sizeof(*t));
	if (!out->h || !out->r || !out->g || !out->taken || !c || !t) {
		free(c);
		free(t);
		hvs_hostspeed_free(out);
		return -ENOMEM;
	}
	out->metrics = centres(s, 2 * log1p(threshold), c, t);
	if (reference && strcmp(reference, "none"))
		for (size_t m = 0; m < M && ref < 0; m++)
			if (!strcmp(s->v[m].name, reference) && isfinite(c[m]))
				ref = (long)m;
	out->reference = ref >= 0 ? s->v[ref].name : NULL;
	for (size_t i = 0; i < N; i++) {
		size_t k = 0;

		for (size_t m = 0; m < M; m++) {
			double y = olog(s->v[m].dir, s->v[m].med[i]);

			if (isfinite(c[m]) && isfinite(y))
				t[k++] = y - c[m];
		}
		out->h[i] = common_mode(t, k, 2 * half);
		out->r[i] = ref >= 0 ? olog(s->v[ref].dir, s->v[ref].med[i]) - c[ref] : NAN;
		out->g[i] = night_speed(out->h[i], out->r[i], ref >= 0, half, &out->taken[i]);
	}
	gnew = N ? out->g[N - 1] : 0;
	for (size_t i = 0; i < N; i++)
		out->g[i] -= gnew;
	free(c);
	free(t);
	return 0;
}

/*
 * How far a metric follows the host: the least-squares slope of its
 * oriented log values on the nights' host speed g over nights [0, n - skip)
 * (the judged nights do not fit it), shrunk toward 1 (the ridge weight
 * below), clamped to [0, 1.5]; 1 from fewer than 8 nights or when g never
 * moved.
 */
static double follows(const struct hvs_hostspeed *hs, enum hvs_direction dir, const double *med,
		      size_t skip, double shrink)
{
	size_t n = hs->nights > skip ? hs->nights - skip : 0, k = 0;
	double my = 0, mg = 0, sxy = 0, sxx = 0, w;

	for (size_t i = 0; i < n; i++) {
		double v = olog(dir, med[i]);

		if (isfinite(v)) {
			my += v;
			mg += hs->g[i];
			k++;
		}
	}
	if (k < 8)
		return 1;
	my /= (double)k;
	mg /= (double)k;
	for (size_t i = 0; i < n; i++) {
		double v = olog(dir, med[i]);

		if (isfinite(v)) {
			sxy += (v - my) * (hs->g[i] - mg);
			sxx += (hs->g[i] - mg) * (hs->g[i] - mg);
		}
	}
	if (!(sxx > 0))
		return 1;
	/*
	 * Shrunk toward 1 as a ridge: a history whose host barely moved cannot
	 * tell a slope (its fit is noise), one that visited the host's states
	 * can. w = var(g) / (var(g) + (half the threshold)^2).
	 */
	w = sxx / (sxx + (double)k * shrink * shrink);
	return fmax(0, fmin(1.5, 1 + w * (sxy / sxx - 1)));
}

double hvs_hostspeed_apply(const struct hvs_hostspeed *hs, enum hvs_direction dir, const double *med,
			   size_t skip, double *x)
{
	double s = dir == HVS_HIGHER_IS_BETTER ? 1 : -1, b = follows(hs, dir, med, skip, hs->half);

	for (size_t i = 0; i < hs->nights; i++)
		x[i] = med[i] * exp(s * b * hs->g[i]);
	return b;
}
