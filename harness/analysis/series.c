/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * series.c - the verdict on a metric's history (see series.h).
 */
#include "series.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
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

/* Robust sd of one night from successive differences of y[0..n). */
static double night_sigma(const double *y, size_t n)
{
	double *d;
	double med, s;

	if (n < 3)
		return NAN;
	d = malloc((n - 1) * sizeof(*d));
	if (!d)
		return NAN;
	for (size_t i = 0; i + 1 < n; i++)
		d[i] = y[i + 1] - y[i];
	med = hvs_median(d, n - 1);
	for (size_t i = 0; i + 1 < n; i++)
		d[i] = fabs(d[i] - med);
	s = 1.4826 * hvs_median(d, n - 1) / M_SQRT2;
	free(d);
	return s;
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

/* What the tests of one series share (hvs_series_judge). */
struct judge {
	const double *y; /* log of the nightly values */
	size_t n, L, S;  /* nights, the newest L, the segment they follow starts at S */
	const struct hvs_changepoint *cp;
	int ncp;
	enum hvs_direction dir;
	const struct hvs_series_opts *o;
	double level_q, level, base; /* level: mean log of the newest L; base: the segment's median */
};

/*
 * The noise: from the history before the newest nights (the MAD of
 * differences ignores steps), nor less than the spread of the segment's
 * own nights (quantized or heavy-tailed series). 0 or -ENOMEM.
 */
static int judge_sigma(const struct judge *j, struct hvs_series_verdict *out)
{
	const double *y = j->y;
	size_t n = j->n, L = j->L, S = j->S, m = n - L - S;
	double *t = malloc(m * sizeof(*t)), med;

	out->sigma = night_sigma(y, n - L);
	if (!t)
		return -ENOMEM;
	med = hvs_median(y + S, m);
	for (size_t i = 0; i < m; i++)
		t[i] = fabs(y[S + i] - med);
	out->sigma = fmax(out->sigma, 1.4826 * hvs_median(t, m));
	free(t);
	return 0;
}

/* 1. A step into the newest L nights (j->level, j->base set here). */
static void judge_step(struct judge *j, struct hvs_series_verdict *out)
{
	const double *y = j->y;
	const struct hvs_changepoint *cp = j->cp;
	const struct hvs_series_opts *o = j->o;
	size_t n = j->n, L = j->L, S = j->S;
	int ncp = j->ncp;
	double base, level, se, d;

	base = j->base = hvs_median(y + S, n - L - S);
	level = 0;
	for (size_t i = n - L; i < n; i++)
		level += y[i] / (double)L;
	j->level = level;
	se = out->sigma * sqrt(1.0 / (double)L + M_PI / 2 / (double)(n - L - S));
	d = level - base;
	if (j->dir == HVS_HIGHER_IS_BETTER)
		d = -d;
	out->verdict = hvs_decide(d, se, INFINITY, j->level_q, o->threshold, o->power, &out->lo, &out->hi,
				  &out->mde);
	out->before = exp(base);
	out->level = exp(level);
	out->cost = exp(d);
	out->began = n - L;
	/*
	 * Every one of the newest L nights must be at the new level (beyond
	 * half the threshold, the same way): one wild night is not a step.
	 */
	if (out->verdict == HVS_V_SLOWER || out->verdict == HVS_V_FASTER) {
		int up = level > base;

		for (size_t i = n - L; i < n; i++)
			if (up ? y[i] - base < log1p(o->threshold) / 2 : base - y[i] < log1p(o->threshold) / 2)
				out->verdict = HVS_V_INCONCLUSIVE;
		/*
		 * And beyond every night of the segment before: a metric whose
		 * nights flip between two states (or a heavy tail the sd misses)
		 * has been there before; that is not a new level.
		 */
		if (!hvs_series_beyond(y + S, n - L - S, level, up))
			out->verdict = HVS_V_INCONCLUSIVE;
		/* A drift: the step is the end of an episode of same-way changes; date it from its start. */
		if (out->verdict != HVS_V_INCONCLUSIVE && ncp > 0) {
			int k = ncp - 1;

			if ((cp[k].after > cp[k].before) == up) {
				while (k > 0 && (cp[k - 1].after > cp[k - 1].before) == up)
					k--;
				out->began = cp[k].at;
				out->before = exp(hvs_median(y + (k > 0 ? cp[k - 1].at : 0),
							     cp[k].at - (k > 0 ? cp[k - 1].at : 0)));
				out->cost = out->level / out->before;
				if (j->dir == HVS_HIGHER_IS_BETTER)
					out->cost = 1 / out->cost;
			}
		}
	}
}

/*
 * 2. Else, while the newest change point is recent (at most 2 L + 1
 * nights old) or the change still arrives (a drift: the newest nights
 * beyond the newest segment's level the same way by half the
 * threshold), the newest segment against the level before its episode.
 * An older single step is the new level: the step test above already
 * compares against it (the gate is red for the step's first nights,
 * not for the rest of the window).
 */
static void judge_episode(const struct judge *j, struct hvs_series_verdict *out)
{
	const double *y = j->y;
	const struct hvs_changepoint *cp = j->cp;
	const struct hvs_series_opts *o = j->o;
	size_t n = j->n, L = j->L;
	int ncp = j->ncp, k = ncp - 1, up = cp[k].after > cp[k].before;
	double level = j->level;
	size_t T, B0 = 0, lenn, lenb;
	double lvl, bse, bd, lo, hi, mde;
	enum hvs_verdict v = HVS_V_NA;

	while (k > 0 && (cp[k - 1].after > cp[k - 1].before) == up)
		k--;
	/*
	 * Recent, or still arriving: the newest nights beyond the newest
	 * segment's level the same way (a drift goes on).
	 */
	{
		double ml = hvs_median(y + cp[ncp - 1].at, n - cp[ncp - 1].at);
		int arriving = up ? level - ml > log1p(o->threshold) / 2
				  : ml - level > log1p(o->threshold) / 2;

		if (n - cp[ncp - 1].at > 2 * L + 1 && !arriving)
			return;
	}
	T = cp[k].at;
	B0 = k > 0 ? cp[k - 1].at : 0;
	lenn = n - cp[ncp - 1].at;
	lenb = T - B0;
	lvl = hvs_median(y + cp[ncp - 1].at, lenn);
	bd = lvl - hvs_median(y + B0, lenb);
	if (j->dir == HVS_HIGHER_IS_BETTER)
		bd = -bd;
	bse = out->sigma * sqrt(M_PI / 2 / (double)lenn + M_PI / 2 / (double)lenb);
	v = hvs_decide(bd, bse, INFINITY, j->level_q, o->threshold, o->power, &lo, &hi, &mde);
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

int hvs_series_judge(const double *x, size_t n, enum hvs_direction dir, uint64_t seed,
		     const struct hvs_series_opts *o, struct hvs_series_verdict *out)
{
	struct hvs_changepoint cp[HVS_SERIES_MAX_CP];
	struct judge j = { .n = n, .L = o->min_seg, .cp = cp, .dir = dir, .o = o };
	size_t L = o->min_seg;
	double *y;
	int ncp;

	j.level_q = 1 - 2 * o->alpha / (double)(o->family ? o->family : 1);
	memset(out, 0, sizeof(*out));
	out->verdict = HVS_V_NA;
	out->before = out->level = out->cost = out->lo = out->hi = out->mde = out->sigma = NAN;
	out->now = n ? x[n - 1] : NAN;
	if (!L || n < 2 * L + 3)
		return -EINVAL;
	y = malloc(n * sizeof(*y));
	if (!y)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!(x[i] > 0) || !isfinite(x[i])) {
			free(y);
			return -EINVAL;
		}
		y[i] = log(x[i]);
	}
	j.y = y;
	ncp = hvs_changepoints(x, n, L, o->perms, seed, o->seg_alpha, cp, HVS_SERIES_MAX_CP);
	if (ncp < 0) {
		free(y);
		return ncp;
	}
	j.ncp = ncp;
	for (int i = 0; i < ncp; i++)
		hvs_series_add_mark(out, cp[i].at);
	/* The segment the newest L nights follow: after the last change before them. */
	for (int i = 0; i < ncp; i++)
		if (cp[i].at + L <= n - L)
			j.S = cp[i].at;
	if (judge_sigma(&j, out)) {
		free(y);
		return -ENOMEM;
	}
	judge_step(&j, out);
	if (out->verdict != HVS_V_SLOWER && out->verdict != HVS_V_FASTER && ncp > 0 &&
	    cp[ncp - 1].at < n - L)
		judge_episode(&j, out);
	out->changed = out->verdict == HVS_V_SLOWER || out->verdict == HVS_V_FASTER;
	if (out->changed)
		hvs_series_add_mark(out, out->began);
	free(y);
	return 0;
}
