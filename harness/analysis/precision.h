/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * precision.h - adaptive precision (`hvscope run --target-ci P%`): how
 * wide each metric's CI is after k interleaved rounds, and why a metric
 * that stays wide does.
 *
 * With two or more sides (sets[s][q]: side s, round q; side 0 the
 * baseline) the half-width is that of the simultaneous CI of each side's
 * ratio to the first, exactly as compare computes it (hvs_compare_runs;
 * paired by round when the options say paired, as `run --rounds` does
 * unless --unpaired): sqrt(hi / lo) - 1. With
 * one side it is that of the simultaneous t interval (Bonferroni over the
 * metrics, alpha from the options) of the mean of the rounds' log
 * locations (a round's location: the mean of its log process medians,
 * else the log of its median).
 *
 * Why a metric stays wider than the target:
 *   two states  compare's two-state split (with sides), or the same split
 *               of the pooled samples (one side): a mode flip, not noise
 *   drifting    the least-squares trend of its per-round log ratio (or log
 *               location) over the rounds has p < 0.05 (>= 4 rounds)
 *   noisy       otherwise: the rounds' spread, which more rounds narrow
 */
#ifndef HVS_PRECISION_H
#define HVS_PRECISION_H

#include "analysis/compare.h"

#include <stddef.h>

struct hvs_wide {
	char name[HVS_METRIC_NAME_MAX];
	double halfwidth; /* relative: 0.04 = +-4% */
	char why[128];    /* "two states (...)", "drifting: +1.2% per round ...", "noisy: ..." */
};

struct hvs_precision {
	struct hvs_wide *wide; /* malloc'd: the metrics wider than target */
	size_t nwide, wcap;
	size_t nmetrics;       /* metrics judged */
};

/*
 * Judge k >= 2 rounds of nsides >= 1 sides: sets[s * k + q] is side s's
 * round q. Fills p (free with hvs_precision_free; p is reset first).
 * Returns 0, -EINVAL or -ENOMEM.
 */
int hvs_precision_rounds(const struct hvs_metrics *const *sets, int nsides, size_t k, double target,
			 const struct hvs_cmp_opts *o, struct hvs_precision *p);

void hvs_precision_free(struct hvs_precision *p);

#endif
