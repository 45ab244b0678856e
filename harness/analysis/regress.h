/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * regress.h - the nightly verdict on a metric's history: its per-run
 * medians over nights, oldest first, judged at the newest night.
 * `regress` (harness/cli/cmd_regress.c) and `report --db` (reports/trend.c)
 * both call hvs_regress_judge() with hvs_series_opts_default()'s
 * parameters (series.h), so the change points a report marks are the
 * ones regress lists.
 *
 * A robust prediction test of the newest min_seg (L) nights against the
 * history before them, in log units:
 *
 * - Baseline: the nights before the newest L, from the history's newest
 *   change point (hvs_changepoints()) whose level has held
 *   HVS_REGRESS_HOLD L nights on: an older step is the new level, a younger
 *   one is still judged against the history before it; the nights of a
 *   change point at most 2 L + 1 nights old are left out of the baseline,
 *   and so are the (at most L + 1) nights just before the newest ones that
 *   already sit at their level (a red gate stays red through about a
 *   step's 5th night).
 * - Scale: night_cv, one night's sd from the successive differences of
 *   the history before the newest nights (hvs_series_night_sd(): clipped
 *   at 3 robust sd, immune to steps), no less than the clipped sd of the
 *   baseline's nights (hvs_series_clipped_sd(); a history that wanders,
 *   flips between states or has a heavy tail gets the wider scale and says
 *   what step it could see instead of alarming). The test uses the spread
 *   on the side the newest nights went (the clipped sd of the baseline's
 *   nights on that side of its median): a skewed history (fork's slow
 *   tail) is judged on its long side. Clipped sds, not MADs: as robust,
 *   with two thirds of a MAD's noise (a noisy scale costs power).
 * - Test: the mean of the newest L nights against the baseline's median,
 *   se = sigma sqrt(1/L + (pi/2)/N) (a prediction interval: the new nights'
 *   noise plus the median's), each term widened by (1 + rho) and
 *   (1 + rho) / (1 - rho) when the baseline's nights wander slowly (rho:
 *   their lag-1 autocorrelation, 0 to 0.9; the variance of means of an
 *   AR(1) series), judged by hvs_decide() at a one-sided
 *   alpha/family per side (Bonferroni over the night's metrics: at most
 *   alpha of nights raise a false `slower`, and at most alpha a `faster`,
 *   when the nights are as noisy as their history says). A step persistent
 *   over L nights is judged on its L-th night; a single night is never a
 *   step: every newest night must be beyond half the threshold, the same
 *   way.
 * - Effect floor: beyond the threshold, and the new level beyond every night
 *   of the baseline (a state or a tail the history has visited is not a new
 *   level).
 * - A drift (an episode of same-way change points still arriving) is judged
 *   from the start of its episode and dated there.
 * - mde ("sees"): the slower step this history could detect at `power`
 *   (80%) with this test.
 */
#ifndef HVS_REGRESS_H
#define HVS_REGRESS_H

#include "analysis/series.h"

/* A change point's level is the new baseline once it has held this many min_seg nights. */
#define HVS_REGRESS_HOLD 4
/*
 * Real nights are heavy-tailed: on the two kept series (docs/harness.md),
 * the newest two nights' mean, standardized as the test does, exceeds 4
 * in 2.2% of cases (normal: 0.003%). The test's Student t has at most
 * this many degrees of freedom: the most that keeps the gate's false
 * alarms at 1% of nights over both series (131 nights; at the host's
 * speed, 54 df: 5.3%, 24: 3.8%, 16: 2.3%, 12: 1.5%, 10: 0.8%, 8: 0.8% at
 * a tenth fewer 2nd-night detections than 10).
 */
#define HVS_REGRESS_TAIL_DF 10

/*
 * Judge x[0..n) (finite, > 0; oldest first) with direction dir; seed makes
 * the permutation test of the change points reproducible (callers pass
 * hvs_hash64(name)). out->now is x[n - 1] whenever n > 0, even on error.
 * Returns 0, -EINVAL (n < 2 min_seg + 3, a value <= 0 or not finite) or
 * -ENOMEM.
 */
int hvs_regress_judge(const double *x, size_t n, enum hvs_direction dir, uint64_t seed,
		      const struct hvs_series_opts *o, struct hvs_series_verdict *out);

#endif
