/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * series.h - the parameters and verdict of a history's judgement (struct
 * hvs_series_opts, struct hvs_series_verdict), and the pieces the judge is
 * made of. `regress` and `report --db` (reports/trend.c) judge with
 * hvs_regress_judge() (regress.h, which describes the test) and these
 * parameters, so the change points a report marks are the ones regress
 * finds.
 *
 * Night-to-night noise: hvs_series_night_sd(), the standard deviation of
 * one night (log units) from the history's successive differences, robust
 * (each clipped at 3 robust sd: immune to the steps themselves) and
 * efficient (a root mean square, not a median: from 24 normal nights its
 * relative noise is 15%, the sd's 15%, a MAD's 24%).
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
 * A robust and efficient sd of y[0..n) around ctr given a robust first
 * guess s0 (1.4826 MAD): the root mean square of the deviations, each
 * clipped at 3 s0 (a Huber-type scale: 99.5% as large as the sd for normal
 * nights, so divided by that; a wild night counts as a 3-sigma one). side
 * 0: all deviations; 1 (-1): only those above (below) ctr, over n / 2 (a
 * one-sided sd, for skewed histories). NAN when n is 0.
 */
double hvs_series_clipped_sd(const double *y, size_t n, double ctr, double s0, int side);

/*
 * One night's sd from the successive differences of y[0..n) (log units):
 * their clipped sd (hvs_series_clipped_sd around their median, from their
 * MAD) / sqrt 2; immune to steps. t is scratch of n - 1. NAN when n < 3.
 */
double hvs_series_night_sd(const double *y, size_t n, double *t);

/* 1 when level is above every y[0..n) (up) or below every one (!up), else 0;
 * a new level must be beyond every night of its baseline. */
int hvs_series_beyond(const double *y, size_t n, double level, int up);

/* Mark change point at on v (once; at most HVS_SERIES_MAX_CP). */
void hvs_series_add_mark(struct hvs_series_verdict *v, size_t at);

#endif
