/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * regress.c - the nightly verdict on a metric's history (see regress.h):
 * a robust prediction test of the newest min_seg nights against the
 * history's own night-to-night scale, Bonferroni over the night's metrics.
 */
#include "regress.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* 1.4826 MAD of y[0..n) (scratch t[0..n)): a robust sd. */
static double mad_sd(const double *y, size_t n, double *t)
{
	double med;

	if (!n)
		return NAN;
	med = hvs_median(y, n);
	for (size_t i = 0; i < n; i++)
		t[i] = fabs(y[i] - med);
	return 1.4826 * hvs_median(t, n);
}

/* One night's robust sd from successive differences of y[0..n) (scratch t). */
static double diff_sd(const double *y, size_t n, double *t)
{
	if (n < 3)
		return NAN;
	for (size_t i = 0; i + 1 < n; i++)
		t[i] = y[i + 1] - y[i];
	/* t is both input and scratch: copy the differences first. */
	{
		double med = hvs_median(t, n - 1);

		for (size_t i = 0; i + 1 < n; i++)
			t[i] = fabs(t[i] - med);
	}
	return 1.4826 * hvs_median(t, n - 1) / M_SQRT2;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The first change point of the same-direction episode that ends with cp[k]. */
static int episode_start(const struct hvs_changepoint *cp, int k)
{
	int up = cp[k].after > cp[k].before;

	while (k > 0 && (cp[k - 1].after > cp[k - 1].before) == up)
		k--;
	return k;
}

int hvs_regress_judge(const double *x, size_t n, enum hvs_direction dir, uint64_t seed,
		      const struct hvs_series_opts *o, struct hvs_series_verdict *out)
{
	struct hvs_changepoint cp[HVS_SERIES_MAX_CP];
	size_t L = o->min_seg, S = 0, E, N;
	double *y, *t, level, base, se, d, half = log1p(o->threshold) / 2;
	/* Each side at alpha / family: slower (the gate) over the night's metrics at alpha. */
	double level_q = 1 - 2 * o->alpha / (double)(o->family ? o->family : 1);
	double sd_up, sd_down, worse_sd, df = 2.0 * (double)(n - o->min_seg - 1);
	int ncp, last = -1;

	memset(out, 0, sizeof(*out));
	out->verdict = HVS_V_NA;
	out->before = out->level = out->cost = out->lo = out->hi = out->mde = out->sigma = NAN;
	out->night_cv = NAN;
	out->now = n ? x[n - 1] : NAN;
	if (!L || n < 2 * L + 3)
		return -EINVAL;
	y = malloc(2 * n * sizeof(*y));
	if (!y)
		return -ENOMEM;
	t = y + n;
	for (size_t i = 0; i < n; i++) {
		if (!(x[i] > 0) || !isfinite(x[i])) {
			free(y);
			return -EINVAL;
		}
		y[i] = log(x[i]);
	}
	ncp = hvs_changepoints(x, n, L, o->perms, seed, o->seg_alpha, cp, HVS_SERIES_MAX_CP);
	if (ncp < 0) {
		free(y);
		return ncp;
	}
	for (int i = 0; i < ncp; i++)
		hvs_series_add_mark(out, cp[i].at);
	/*
	 * The baseline: the nights before the newest L, from the newest change
	 * point on whose level has held HVS_REGRESS_HOLD L nights (then it is
	 * the new level); a younger change is still judged against the history
	 * before it.
	 */
	for (int i = 0; i < ncp; i++) {
		if (cp[i].at < n - L)
			last = i;
		if (cp[i].at + HVS_REGRESS_HOLD * L <= n - L)
			S = cp[i].at;
	}
	/*
	 * A change at most 2 L + 1 nights old: its first nights are not the
	 * baseline (the step's 3rd to 5th nights are still judged against the
	 * level before it, and a red gate stays red that long).
	 */
	E = n - L;
	if (last >= 0 && cp[last].at > S + L && n - cp[last].at <= 2 * L + 1)
		E = cp[last].at;
	level = 0;
	for (size_t i = n - L; i < n; i++)
		level += y[i] / (double)L;
	/*
	 * The same without the detector: the nights just before the newest L
	 * that already sit at their level (each beyond the baseline by half
	 * the step and half the threshold, the same way; at most L + 1 of
	 * them) are the step's first nights, not the baseline.
	 */
	{
		double b0 = hvs_median(y + S, n - L - S), each0 = fmax(half, fabs(level - b0) / 2);
		int up0 = level > b0;
		size_t k = 0;

		while (k < L + 1 && n - L - k - 1 > S + L &&
		       (up0 ? y[n - L - k - 1] - b0 : b0 - y[n - L - k - 1]) >= each0)
			k++;
		if (n - L - k < E)
			E = n - L - k;
	}
	N = E - S;
	/* The scale: night-to-night (steps do not count), no less than the baseline's own spread. */
	out->night_cv = diff_sd(y, E, t);
	if (!isfinite(out->night_cv))
		out->night_cv = 0;
	out->night_cv = fmax(out->night_cv, mad_sd(y + S, N, t));
	out->sigma = out->night_cv;
	base = hvs_median(y + S, N);
	/*
	 * A skewed history (a tail on one side: fork, page faults) is judged
	 * with the spread on the side the newest nights went: the semi-IQR
	 * (quartile minus median) / 0.6745, a one-sided MAD.
	 */
	sd_up = sd_down = out->sigma;
	if (N >= 4) {
		memcpy(t, y + S, N * sizeof(*t));
		qsort(t, N, sizeof(*t), cmp_dbl);
		sd_up = fmax(sd_up, (hvs_quantile_sorted(t, N, 0.75) - base) / 0.6745);
		sd_down = fmax(sd_down, (base - hvs_quantile_sorted(t, N, 0.25)) / 0.6745);
	}
	out->sigma = level > base ? sd_up : sd_down;
	worse_sd = dir == HVS_HIGHER_IS_BETTER ? sd_down : sd_up;
	se = out->sigma * sqrt(1.0 / (double)L + M_PI / 2 / (double)N);
	d = level - base;
	if (dir == HVS_HIGHER_IS_BETTER)
		d = -d;
	/*
	 * A small-sample inflation: Student t with 2 (M - 1) degrees of
	 * freedom, M = n - L the nights the scale is estimated from,
	 * calibrated by simulation (stationary lognormal nights, 30 nights,
	 * 5000 histories: the normal quantile flagged 0.14% of histories,
	 * 2 (M - 1) df 0.08-0.10%, nominal 2 alpha/family = 0.06%; M - 1 df 0.02%,
	 * at a sixth fewer 2nd-night detections on the kept series).
	 */
	out->verdict = hvs_decide(d, se, df, level_q, o->threshold, o->power, &out->lo, &out->hi,
				  NULL);
	/* The step this history could see: a slower one, with the spread on that side. */
	hvs_decide(0, worse_sd * sqrt(1.0 / (double)L + M_PI / 2 / (double)N), df, level_q,
		   o->threshold, o->power, NULL, NULL, &out->mde);
	out->before = exp(base);
	out->level = exp(level);
	out->cost = exp(d);
	out->began = E; /* the step's first night: after the baseline */
	if (out->verdict == HVS_V_SLOWER || out->verdict == HVS_V_FASTER) {
		int up = level > base;
		/*
		 * Every newest night at the new level, carrying at least half the
		 * step and half the threshold: one wild night is not a step.
		 */
		double each = fmax(half, fabs(level - base) / 2);

		for (size_t i = n - L; i < n; i++)
			if (up ? y[i] - base < each : base - y[i] < each)
				out->verdict = HVS_V_INCONCLUSIVE;
		/* Beyond every night of the baseline: a state or a tail it has visited is not new. */
		if (!hvs_series_beyond(y + S, N, level, up))
			out->verdict = HVS_V_INCONCLUSIVE;
		/* A drift: the step ends an episode of same-way changes; date it from its start. */
		if (out->verdict != HVS_V_INCONCLUSIVE && ncp > 0 &&
		    (cp[ncp - 1].after > cp[ncp - 1].before) == up) {
			int k = episode_start(cp, ncp - 1);
			size_t B0 = k > 0 ? cp[k - 1].at : 0;

			out->began = cp[k].at;
			out->before = exp(hvs_median(y + B0, cp[k].at - B0));
			out->cost = out->level / out->before;
			if (dir == HVS_HIGHER_IS_BETTER)
				out->cost = 1 / out->cost;
		}
	}
	/*
	 * A drift: the newest change point before the newest nights, while
	 * the change still arrives (the newest nights beyond its segment's
	 * level the same way, by half the threshold and by one night's spread
	 * of the segments involved): its segment against the level before its
	 * episode of same-way changes, with that wider spread. A step that has
	 * stopped is judged by the test above until it has held
	 * HVS_REGRESS_HOLD L nights, then it is the new level.
	 */
	if (out->verdict != HVS_V_SLOWER && out->verdict != HVS_V_FASTER && last >= 0) {
		int k = episode_start(cp, last), up = cp[last].after > cp[last].before;
		size_t Sl = cp[last].at, B0 = k > 0 ? cp[k - 1].at : 0, T = cp[k].at, lenn = n - Sl,
		       lenb = T - B0;
		double lvl = hvs_median(y + Sl, lenn), bd, bse, bsig, lo, hi;
		int arriving;
		enum hvs_verdict v;

		/* The scale of both segments' own nights (a wandering metric's is wide). */
		bsig = fmax(out->night_cv, fmax(mad_sd(y + B0, lenb, t), mad_sd(y + Sl, lenn, t)));
		arriving = (up ? level - lvl : lvl - level) > fmax(half, bsig);
		if (arriving && lenb > 0) {
			bd = lvl - hvs_median(y + B0, lenb);
			if (dir == HVS_HIGHER_IS_BETTER)
				bd = -bd;
			bse = bsig * sqrt(M_PI / 2 / (double)lenn + M_PI / 2 / (double)lenb);
			v = hvs_decide(bd, bse, df, level_q, o->threshold, o->power, &lo, &hi, NULL);
			if ((v == HVS_V_SLOWER || v == HVS_V_FASTER) && hvs_series_beyond(y + B0, lenb, lvl, up)) {
				out->verdict = v;
				out->began = T;
				out->before = exp(hvs_median(y + B0, lenb));
				out->level = exp(lvl);
				out->cost = exp(bd);
				out->lo = lo;
				out->hi = hi;
			}
		}
	}
	out->changed = out->verdict == HVS_V_SLOWER || out->verdict == HVS_V_FASTER;
	if (out->changed)
		hvs_series_add_mark(out, out->began);
	free(y);
	return 0;
}
