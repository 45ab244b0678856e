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

/* 1.4826 MAD of y[0..n) around its median (scratch t[0..n)): a robust sd. */
static double mad_sd(const double *y, size_t n, double *t)
{
	return hvs_mad_sd(y, n, hvs_median(y, n), t);
}

/* The first change point of the same-direction episode that ends with cp[k]. */
static int episode_start(const struct hvs_changepoint *cp, int k)
{
	int up = cp[k].after > cp[k].before;

	while (k > 0 && (cp[k - 1].after > cp[k - 1].before) == up)
		k--;
	return k;
}

/* What the steps of one judgement share. */
struct judge {
	const struct hvs_series_opts *o;
	enum hvs_direction dir;
	double *y, *t;  /* log of the nights; scratch of n */
	size_t n, L;    /* nights, the newest L judged */
	size_t S, E, N; /* the baseline: y[S..E), N = E - S nights */
	struct hvs_changepoint cp[HVS_SERIES_MAX_CP];
	int ncp, last;  /* change points; the newest before the newest L (-1: none) */
	double half;    /* half the threshold, in log units */
	double level_q; /* one-sided level of each side: 1 - alpha / family */
	double df;      /* degrees of freedom of the scale */
	double level;   /* mean log of the newest L nights */
	double base;    /* the baseline's median */
	double sd_up, sd_down; /* the scale on either side of the baseline */
	double rho;     /* the baseline's lag-1 autocorrelation, in [0, 0.9] */
};

/* y = log x (finite, > 0, else -EINVAL), scratch t, and the change points, marked on out. */
static int judge_load(struct judge *j, const double *x, uint64_t seed, struct hvs_series_verdict *out)
{
	size_t n = j->n;

	j->y = malloc(2 * n * sizeof(*j->y));
	if (!j->y)
		return -ENOMEM;
	j->t = j->y + n;
	for (size_t i = 0; i < n; i++) {
		if (!(x[i] > 0) || !isfinite(x[i]))
			return -EINVAL;
		j->y[i] = log(x[i]);
	}
	j->ncp = hvs_changepoints(x, n, j->L, j->o->perms, seed, j->o->seg_alpha, j->cp,
				  HVS_SERIES_MAX_CP);
	if (j->ncp < 0)
		return j->ncp;
	for (int i = 0; i < j->ncp; i++)
		hvs_series_add_mark(out, j->cp[i].at);
	return 0;
}

/* The baseline y[S..E) and the newest nights' level. */
static void judge_baseline(struct judge *j)
{
	const struct hvs_changepoint *cp = j->cp;
	const double *y = j->y;
	size_t n = j->n, L = j->L, S = 0, E;

	/*
	 * The baseline: the nights before the newest L, from the newest change
	 * point on whose level has held HVS_REGRESS_HOLD L nights (then it is
	 * the new level); a younger change is still judged against the history
	 * before it.
	 */
	j->last = -1;
	for (int i = 0; i < j->ncp; i++) {
		if (cp[i].at < n - L)
			j->last = i;
		if (cp[i].at + HVS_REGRESS_HOLD * L <= n - L)
			S = cp[i].at;
	}
	/*
	 * A change at most 2 L + 1 nights old: its first nights are not the
	 * baseline (the step's 3rd to 5th nights are still judged against the
	 * level before it, and a red gate stays red that long).
	 */
	E = n - L;
	if (j->last >= 0 && cp[j->last].at > S + L && n - cp[j->last].at <= 2 * L + 1)
		E = cp[j->last].at;
	j->level = 0;
	for (size_t i = n - L; i < n; i++)
		j->level += y[i] / (double)L;
	/*
	 * The same without the detector: the nights just before the newest L
	 * that already sit at their level (each beyond the baseline by half
	 * the step and half the threshold, the same way; at most L + 1 of
	 * them) are the step's first nights, not the baseline.
	 */
	{
		double b0 = hvs_median(y + S, n - L - S), each0 = fmax(j->half, fabs(j->level - b0) / 2);
		int up0 = j->level > b0;
		size_t k = 0;

		while (k < L + 1 && n - L - k - 1 > S + L &&
		       (up0 ? y[n - L - k - 1] - b0 : b0 - y[n - L - k - 1]) >= each0)
			k++;
		if (n - L - k < E)
			E = n - L - k;
	}
	j->S = S;
	j->E = E;
	j->N = E - S;
}

/* The scale (out->night_cv, out->sigma, sd_up, sd_down) and the baseline's median. */
static void judge_scale(struct judge *j, struct hvs_series_verdict *out)
{
	const double *y = j->y + j->S;
	size_t N = j->N;
	double mad;

	/*
	 * The scale: night-to-night (steps do not count), no less than the
	 * baseline's own spread; both clipped sds (hvs_series_clipped_sd):
	 * robust, and from a root mean square, not a median, so nearly as
	 * steady as an sd (a noisy scale costs power at the same false alarms).
	 */
	out->night_cv = hvs_series_night_sd(j->y, j->E, j->t);
	if (!isfinite(out->night_cv))
		out->night_cv = 0;
	j->base = hvs_median(y, N);
	mad = mad_sd(y, N, j->t);
	out->night_cv = fmax(out->night_cv, hvs_series_clipped_sd(y, N, j->base, mad, 0));
	out->sigma = out->night_cv;
	/*
	 * A skewed history (a tail on one side: fork, page faults) is judged
	 * with the spread on the side the newest nights went: the clipped sd
	 * of the baseline's nights on that side of its median.
	 */
	j->sd_up = j->sd_down = out->sigma;
	if (N >= 4) {
		double s0 = fmax(out->sigma, mad);

		j->sd_up = fmax(j->sd_up, hvs_series_clipped_sd(y, N, j->base, s0, 1));
		j->sd_down = fmax(j->sd_down, hvs_series_clipped_sd(y, N, j->base, s0, -1));
	}
	out->sigma = j->level > j->base ? j->sd_up : j->sd_down;
}

/*
 * Nights that wander slowly (a shared machine's load) are not independent:
 * the lag-1 autocorrelation of the baseline's nights (deviations from its
 * median, clipped at 3 sd like the scale), 0 when negative, at most 0.9;
 * 0 from fewer than 12 nights (its noise, about 1/sqrt N, would be as
 * large as what it corrects: a new level's first 8 nights are not enough).
 */
static void judge_rho(struct judge *j)
{
	const double *y = j->y + j->S;
	double ss = 0, sc = 0, k = 3 * fmax(j->sd_up, j->sd_down);

	j->rho = 0;
	if (j->N < 12 || !(k > 0))
		return;
	for (size_t i = 0; i < j->N; i++) {
		double r = fmax(-k, fmin(k, y[i] - j->base));

		ss += r * r;
		if (i + 1 < j->N)
			sc += r * fmax(-k, fmin(k, y[i + 1] - j->base));
	}
	j->rho = fmin(0.9, fmax(0, sc / ss));
}

/*
 * The standard error of the newest L nights' mean against the baseline's
 * median at scale sd: sd sqrt(1/L + (pi/2)/N) for independent nights, each
 * term widened as for the means of an AR(1) series with the baseline's rho
 * ((1 + rho) and (1 + rho) / (1 - rho)).
 */
static double judge_se(const struct judge *j, double sd)
{
	double r = j->rho;

	return sd * sqrt((1 + r) / (double)j->L + M_PI / 2 / (double)j->N * (1 + r) / (1 - r));
}

/* A drift: the step ends an episode of same-way change points; date it from its start. */
static void date_episode(const struct judge *j, int up, struct hvs_series_verdict *out)
{
	const struct hvs_changepoint *cp = j->cp;
	int k;
	size_t B0;

	if (j->ncp == 0 || (cp[j->ncp - 1].after > cp[j->ncp - 1].before) != up)
		return;
	k = episode_start(cp, j->ncp - 1);
	B0 = k > 0 ? cp[k - 1].at : 0;
	out->began = cp[k].at;
	out->before = exp(hvs_median(j->y + B0, cp[k].at - B0));
	out->cost = out->level / out->before;
	if (j->dir == HVS_HIGHER_IS_BETTER)
		out->cost = 1 / out->cost;
}

/* The test: the newest L nights' mean against the baseline's median. */
static void judge_step(const struct judge *j, struct hvs_series_verdict *out)
{
	const struct hvs_series_opts *o = j->o;
	size_t L = j->L, N = j->N;
	double se, d, worse_sd = j->dir == HVS_HIGHER_IS_BETTER ? j->sd_down : j->sd_up;

	se = judge_se(j, out->sigma);
	d = j->level - j->base;
	if (j->dir == HVS_HIGHER_IS_BETTER)
		d = -d;
	/*
	 * A small-sample inflation: Student t with 2 (M - 1) degrees of
	 * freedom, M = n - L the nights the scale is estimated from,
	 * calibrated by simulation (stationary lognormal nights, 30 nights,
	 * 5000 histories: the normal quantile flagged 0.14% of histories,
	 * 2 (M - 1) df 0.08-0.10%, nominal 2 alpha/family = 0.06%; M - 1 df 0.02%,
	 * at a sixth fewer 2nd-night detections on the kept series). Since
	 * the clipped scale and rho (session 7): 0.04% with 2 (M - 1) df.
	 * Real nights are heavier-tailed than lognormal ones: at most
	 * HVS_REGRESS_TAIL_DF df (regress.h), j->df.
	 */
	out->verdict = hvs_decide(d, se, j->df, j->level_q, o->threshold, o->power, &out->lo,
				  &out->hi, NULL);
	/* The step this history could see: a slower one, with the spread on that side. */
	hvs_decide(0, judge_se(j, worse_sd), j->df, j->level_q, o->threshold, o->power, NULL, NULL,
		   &out->mde);
	out->before = exp(j->base);
	out->level = exp(j->level);
	out->cost = exp(d);
	out->began = j->E; /* the step's first night: after the baseline */
	if (out->verdict == HVS_V_SLOWER || out->verdict == HVS_V_FASTER) {
		int up = j->level > j->base;
		/*
		 * Every newest night at the new level, carrying at least half the
		 * step and half the threshold: one wild night is not a step.
		 */
		double each = fmax(j->half, fabs(j->level - j->base) / 2);

		for (size_t i = j->n - L; i < j->n; i++)
			if (up ? j->y[i] - j->base < each : j->base - j->y[i] < each)
				out->verdict = HVS_V_INCONCLUSIVE;
		/* Beyond every night of the baseline: a state or a tail it has visited is not new. */
		if (!hvs_series_beyond(j->y + j->S, N, j->level, up))
			out->verdict = HVS_V_INCONCLUSIVE;
		if (out->verdict != HVS_V_INCONCLUSIVE)
			date_episode(j, up, out);
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
static void judge_drift(const struct judge *j, struct hvs_series_verdict *out)
{
	const struct hvs_changepoint *cp = j->cp;
	const double *y = j->y;
	int k = episode_start(cp, j->last), up = cp[j->last].after > cp[j->last].before;
	size_t Sl = cp[j->last].at, B0 = k > 0 ? cp[k - 1].at : 0, T = cp[k].at, lenn = j->n - Sl,
	       lenb = T - B0;
	double lvl = hvs_median(y + Sl, lenn), bd, bse, bsig, lo, hi;
	enum hvs_verdict v;

	/* The scale of both segments' own nights (a wandering metric's is wide). */
	bsig = fmax(out->night_cv, fmax(mad_sd(y + B0, lenb, j->t), mad_sd(y + Sl, lenn, j->t)));
	if (!((up ? j->level - lvl : lvl - j->level) > fmax(j->half, bsig)) || lenb == 0)
		return; /* not arriving */
	bd = lvl - hvs_median(y + B0, lenb);
	if (j->dir == HVS_HIGHER_IS_BETTER)
		bd = -bd;
	bse = bsig * sqrt(M_PI / 2 / (double)lenn + M_PI / 2 / (double)lenb);
	v = hvs_decide(bd, bse, j->df, j->level_q, j->o->threshold, j->o->power, &lo, &hi, NULL);
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

int hvs_regress_judge(const double *x, size_t n, enum hvs_direction dir, uint64_t seed,
		      const struct hvs_series_opts *o, struct hvs_series_verdict *out)
{
	struct judge j = { .o = o, .dir = dir, .n = n, .L = o->min_seg };
	int e;

	memset(out, 0, sizeof(*out));
	out->verdict = HVS_V_NA;
	out->before = out->level = out->cost = out->lo = out->hi = out->mde = out->sigma = NAN;
	out->night_cv = NAN;
	out->now = n ? x[n - 1] : NAN;
	if (!j.L || n < 2 * j.L + 3)
		return -EINVAL;
	/* Each side at alpha / family: slower (the gate) over the night's metrics at alpha. */
	j.level_q = 1 - 2 * o->alpha / (double)(o->family ? o->family : 1);
	j.df = fmin(HVS_REGRESS_TAIL_DF, 2.0 * (double)(n - j.L - 1));
	j.half = log1p(o->threshold) / 2;
	e = judge_load(&j, x, seed, out);
	if (e) {
		free(j.y);
		return e;
	}
	judge_baseline(&j);
	judge_scale(&j, out);
	judge_rho(&j);
	judge_step(&j, out);
	if (out->verdict != HVS_V_SLOWER && out->verdict != HVS_V_FASTER && j.last >= 0)
		judge_drift(&j, out);
	out->changed = out->verdict == HVS_V_SLOWER || out->verdict == HVS_V_FASTER;
	if (out->changed)
		hvs_series_add_mark(out, out->began);
	free(j.y);
	return 0;
}
