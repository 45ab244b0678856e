/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * precision.c - the adaptive-precision judgement of precision.h: the
 * width of each metric's CI after k rounds (with sides: compare.c's
 * paired CI itself), and why a wide one is wide (two states, a trend over
 * the rounds, or plain spread).
 */
#include "precision.h"
#include "core/array.h"
#include "core/hvscope.h"
#include "core/stats.h"
#include "core/units.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROUNDS 64 /* compare's runs a side */
/* The two-state rule of compare.c, for one side's rounds. */
#define STATE_MIN_SHARE 0.10
#define STATE_MIN_GAP 0.2231435513142098 /* log(1.25) */


/* A round's log location of a metric: mean log process median, else log median; NaN if unusable. */
static double location(const struct hvs_metrics *set, const char *name)
{
	long j = hvs_metrics_find(set, name);
	const struct hvs_metric *m;
	double s = 0;

	if (j < 0)
		return NAN;
	m = &set->v[j];
	if (m->outcome != HVS_PASS || !m->nsamples || !(m->summary.median > 0))
		return NAN;
	if (m->nprocesses >= 2) {
		for (size_t i = 0; i < m->nprocesses; i++) {
			if (!(m->process_medians[i] > 0))
				return log(m->summary.median);
			s += log(m->process_medians[i]);
		}
		return s / (double)m->nprocesses;
	}
	return log(m->summary.median);
}

/* Least-squares slope of y[0..n) over 0..n-1 and its two-sided p (NaN when n < 4). */
static double trend(const double *y, size_t n, double *p)
{
	double mx = (double)(n - 1) / 2, my = 0, sxx = 0, sxy = 0, rss = 0, b;

	*p = NAN;
	if (n < 4)
		return NAN;
	for (size_t i = 0; i < n; i++)
		my += y[i] / (double)n;
	for (size_t i = 0; i < n; i++) {
		sxx += ((double)i - mx) * ((double)i - mx);
		sxy += ((double)i - mx) * (y[i] - my);
	}
	b = sxy / sxx;
	for (size_t i = 0; i < n; i++) {
		double e = y[i] - my - b * ((double)i - mx);

		rss += e * e;
	}
	*p = rss > 0 ? hvs_pt2(b / sqrt(rss / (double)(n - 2) / sxx), (double)(n - 2)) : (b ? 0 : 1);
	return b;
}

static double sd_of(const double *y, size_t n)
{
	double m = 0, v = 0;

	for (size_t i = 0; i < n; i++)
		m += y[i] / (double)n;
	for (size_t i = 0; i < n; i++)
		v += (y[i] - m) * (y[i] - m);
	return n > 1 ? sqrt(v / (double)(n - 1)) : NAN;
}

/* Why a metric's rounds stay wide, from its per-round series y (log locations or log ratios). */
static void why_wide(char *buf, size_t len, const double *y, size_t n, int states, double cut,
		     const char *unit)
{
	double p, b;

	if (states) {
		char c[48];

		hvs_fmt_val(c, sizeof(c), cut, unit, HVS_U_TERM);
		snprintf(buf, len, "two states (split at %s): judge them per state, or pin the host", c);
		return;
	}
	b = trend(y, n, &p);
	if (isfinite(p) && p < 0.05)
		snprintf(buf, len, "drifting: %+.1f%% per round over %zu rounds (trend p = %.2g)",
			 (exp(b) - 1) * 100, n, p);
	else
		snprintf(buf, len, "noisy: the rounds spread by %.1f%% (sd); more rounds narrow it",
			 sd_of(y, n) * 100);
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* Two states in the pooled samples of one side's rounds: compare.c's split and its per-process home test. */
static int two_states(const struct hvs_metrics *const *sets, size_t k, const char *name, double *cut)
{
	size_t tot = 0, n = 0;
	double *x, d;
	int bi;

	for (size_t q = 0; q < k; q++) {
		long j = hvs_metrics_find(sets[q], name);

		if (j >= 0)
			tot += sets[q]->v[j].nsamples;
	}
	x = malloc((tot ? tot : 1) * sizeof(*x));
	if (!x)
		return 0;
	for (size_t q = 0; q < k; q++) {
		long j = hvs_metrics_find(sets[q], name);

		if (j < 0)
			continue;
		for (size_t i = 0; i < sets[q]->v[j].nsamples; i++)
			if (sets[q]->v[j].samples[i] > 0)
				x[n++] = log(sets[q]->v[j].samples[i]);
	}
	qsort(x, n, sizeof(*x), cmp_double);
	bi = n >= 8 ? hvs_two_states(x, n, STATE_MIN_SHARE, STATE_MIN_GAP, cut, &d) == 1 : 0;
	free(x);
	if (!bi)
		return 0;
	/* As compare.c: a state is where a process lives (holds some process's median), not a tail. */
	{
		int home[2] = { 0, 0 };

		for (size_t q = 0; q < k; q++) {
			long j = hvs_metrics_find(sets[q], name);
			const struct hvs_metric *m;

			if (j < 0)
				continue;
			m = &sets[q]->v[j];
			if (m->nprocesses)
				for (size_t i = 0; i < m->nprocesses; i++)
					home[m->process_medians[i] > 0 && log(m->process_medians[i]) > *cut]++;
			else if (m->summary.median > 0)
				home[log(m->summary.median) > *cut]++;
		}
		if (!home[0] || !home[1])
			return 0;
	}
	*cut = exp(*cut);
	return 1;
}

static int add_wide(struct hvs_precision *r, const char *name, double hw, const char *why)
{
	struct hvs_wide *w;

	for (size_t i = 0; i < r->nwide; i++)
		if (!strcmp(r->wide[i].name, name)) {
			if (hw > r->wide[i].halfwidth) {
				r->wide[i].halfwidth = hw;
				hvs_strlcpy(r->wide[i].why, why, sizeof(r->wide[i].why));
			}
			return 0;
		}
	if (HVS_ARRAY_RESERVE(r->wide, r->wcap, r->nwide + 1, 8))
		return -ENOMEM;
	w = &r->wide[r->nwide++];
	hvs_strlcpy(w->name, name, sizeof(w->name));
	w->halfwidth = hw;
	hvs_strlcpy(w->why, why, sizeof(w->why));
	return 0;
}

/* With >= 2 sides: each side against the first, paired by round (the compare's CI). */
static int precision_paired(const struct hvs_metrics *const *sets, int nsides, size_t k, double target,
			    const struct hvs_cmp_opts *opts, struct hvs_precision *r)
{
	const struct hvs_metrics *const *sa = sets;
	struct hvs_cmp_opts o = *opts; /* o.paired: the rounds paired, else groups of runs */
	int ret = 0;

	for (int s = 1; s < nsides && !ret; s++) {
		const struct hvs_metrics *const *sb = sets + (size_t)s * k;
		struct hvs_cmp c = { 0 };

		ret = hvs_compare_runs(sa, k, sb, k, &o, &c);
		if (ret)
			break;
		if (c.ncompared > r->nmetrics)
			r->nmetrics = c.ncompared;
		for (size_t i = 0; i < c.n && !ret; i++) {
			const struct hvs_cmp_row *row = &c.rows[i];
			double hw, y[MAX_ROUNDS];
			size_t n = 0;
			char why[128];

			if (row->verdict == HVS_V_NA || !(row->ratio.lo > 0) || !isfinite(row->ratio.hi))
				continue;
			hw = sqrt(row->ratio.hi / row->ratio.lo) - 1;
			if (hw <= target)
				continue;
			for (size_t q = 0; q < k; q++) {
				double la = location(sa[q], row->name), lb = location(sb[q], row->name);

				if (isfinite(la) && isfinite(lb))
					y[n++] = lb - la;
			}
			why_wide(why, sizeof(why), y, n, row->states, row->state_cut, row->unit);
			ret = add_wide(r, row->name, hw, why);
		}
		hvs_cmp_free(&c);
	}
	return ret;
}

/* One side: the simultaneous t interval of the mean of each metric's round locations. */
static int precision_single(const struct hvs_metrics *const *sets, size_t k, double target,
			    const struct hvs_cmp_opts *o, struct hvs_precision *r)
{
	const struct hvs_metrics *first = sets[0];
	double t;
	int ret = 0;

	for (size_t i = 0; i < first->n; i++)
		r->nmetrics += isfinite(location(first, first->v[i].name));
	if (!r->nmetrics)
		return 0;
	t = hvs_qt2(o->alpha / (double)r->nmetrics, (double)(k - 1));
	for (size_t i = 0; i < first->n && !ret; i++) {
		const struct hvs_metric *m = &first->v[i];
		double y[MAX_ROUNDS], hw, cut = NAN;
		size_t n = 0;
		char why[128];
		int states;

		for (size_t q = 0; q < k; q++) {
			double l = location(sets[q], m->name);

			if (isfinite(l))
				y[n++] = l;
		}
		if (n < k)
			continue; /* failed or skipped in some round: not judged */
		hw = exp(t * sd_of(y, n) / sqrt((double)n)) - 1;
		if (hw <= target)
			continue;
		states = two_states(sets, k, m->name, &cut);
		why_wide(why, sizeof(why), y, n, states, cut, m->unit);
		ret = add_wide(r, m->name, hw, why);
	}
	return ret;
}

int hvs_precision_rounds(const struct hvs_metrics *const *sets, int nsides, size_t k, double target,
			 const struct hvs_cmp_opts *o, struct hvs_precision *p)
{
	hvs_precision_free(p);
	p->nmetrics = 0;
	if (nsides < 1 || k < 2 || k > MAX_ROUNDS || !(target > 0))
		return -EINVAL;
	return nsides > 1 ? precision_paired(sets, nsides, k, target, o, p)
			  : precision_single(sets, k, target, o, p);
}

void hvs_precision_free(struct hvs_precision *p)
{
	free(p->wide);
	p->wide = NULL;
	p->nwide = p->wcap = 0;
}
