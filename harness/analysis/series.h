/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * series.h - the parameters and verdict of a history's judgement (struct
 * hvs_series_opts, struct hvs_series_verdict). `regress` and `report --db`
 * (reports/trend.c) judge with hvs_regress_judge() (regress.h) and these
 * parameters, so the change points a report marks are the ones regress
 * finds. hvs_series_judge() below is the previous gate (a change-point
 * permutation test with a min_seg step test), kept for comparison
 * (tests/unit/verdicts.c); docs/harness.md measures both.
 *
 * Night-to-night noise: sigma, the robust standard deviation of one night
 * (log units) from the median absolute successive difference of the
 * history (1.4826 MAD(diff) / sqrt 2: immune to the steps themselves), and
 * no less than the robust spread (1.4826 MAD) of the segment the newest
 * nights follow.
 * Segments: hvs_changepoints() (rank PELT + permutation test) places the
 * history's change points. The gate: the mean of the newest min_seg nights
 * against the median of the segment before them (a step into the newest
 * nights), else - while its newest change point is at most 2 min_seg + 1
 * nights old, or a drift still arrives (the newest nights beyond the
 * newest segment's level) -
 * the newest segment against the level before its episode (an older
 * single step is the new level: the gate is red on a step's first nights,
 * not for the rest of the window); either is judged by hvs_decide() with se = sigma
 * sqrt(1/L + (pi/2)/N) and a one-sided level 1 - alpha/family per side, so
 * with `family` metrics at most alpha of nights raise a false alarm when
 * the nights are as noisy as their history says. A step also needs every
 * newest night beyond half the threshold and the new level beyond every
 * night of the segment before (a metric flipping between two states, or a
 * heavy tail, has been there before).
 */
#ifndef HVS_SERIES_H
#define HVS_SERIES_H

#include "analysis/compare.h"
#include "core/stats.h"

#define HVS_SERIES_MAX_CP 32

struct hvs_series_opts {
	double threshold; /* effect threshold and equivalence margin (0.05) */
	double alpha;     /* false-alarm nights over all metrics (0.01) */
	size_t family;    /* metrics the alpha is shared by (32) */
	double seg_alpha; /* permutation test of the history's change points (0.01) */
	unsigned perms;   /* permutations (199) */
	size_t min_seg;   /* nights at a new level before it counts (2) */
	double power;     /* for the detectable step (0.80) */
};

void hvs_series_opts_default(struct hvs_series_opts *o);

struct hvs_series_verdict {
	enum hvs_verdict verdict;
	size_t began;      /* index of the first night of the judged change (valid when changed) */
	int changed;       /* 1: slower or faster, began and before are set */
	double before;     /* the level before the change, or of the history before the newest nights */
	double level;      /* the newest nights' level */
	double now;        /* the newest night's value */
	double cost;       /* level / before, oriented: > 1 worse */
	double lo, hi;     /* CI of the cost */
	double sigma;      /* night-to-night sd of log values */
	double mde;        /* step size detectable at 80% power (0.07 = 7%) */
	size_t marks[HVS_SERIES_MAX_CP]; /* change points: index of the first night after each */
	size_t nmarks;
	double night_cv;   /* hvs_regress_judge(): night-to-night sd from successive differences */
};

/*
 * Judge x[0..n) (finite, > 0; oldest first) with direction dir; seed
 * makes the permutation test reproducible (callers pass hvs_hash64(name)).
 * Returns 0, -EINVAL (n < 2 min_seg + 3, a value <= 0 or not finite) or
 * -ENOMEM.
 */
int hvs_series_judge(const double *x, size_t n, enum hvs_direction dir, uint64_t seed,
		     const struct hvs_series_opts *o, struct hvs_series_verdict *out);

/* 1 when level is above every y[0..n) (up) or below every one (!up), else 0;
 * shared by hvs_series_judge and hvs_regress_judge. */
int hvs_series_beyond(const double *y, size_t n, double level, int up);

/* Mark change point at on v (once; at most HVS_SERIES_MAX_CP). */
void hvs_series_add_mark(struct hvs_series_verdict *v, size_t at);

#endif
