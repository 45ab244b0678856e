/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostspeed.h - the host's speed on each night of a history, so that the
 * nightly gate judges a metric against the host it ran on.
 *
 * On a shared cloud guest the host flips between states: on the idle
 * series kept in tests/data/series-quiet, a third of the runs are 8-14%
 * slower on every metric at once, the CPU-only workload.cpu.intmix
 * included. A metric's history alone cannot tell such a night from a 10%
 * regression. The suite can: a host state moves every metric, a
 * regression moves the metrics whose path changed.
 *
 * - Common mode h (per night): each metric's log value less its median
 *   over the history (oriented: slower is positive), and the median of
 *   those deviations over the night's metrics. Counted: metrics measured
 *   on at least half the nights whose nights' robust sd (1.4826 MAD) is
 *   within twice the threshold (steady ones); a night needs HVS_HOST_MIN_METRICS of
 *   them, two thirds of them within the threshold of h (they moved
 *   together), else it has no h.
 * - The reference (default HVS_HOST_REFERENCE, a CPU-only loop that no
 *   hypervisor, kernel or module setting reaches) checks h: a night's h is
 *   its host speed when it is within half the threshold either way (the
 *   common noise) or within the threshold of the reference's own
 *   deviation r. Otherwise the suite moved without the host (a change of
 *   everything the build reaches) or the other way round, and the
 *   night's host speed is r. A night without the reference: h when within
 *   half the threshold, else none. No reference in the history: none.
 * - Applied: each metric's nights are put at the newest night's host
 *   speed (divided by e^(b (g_i - g_newest)), g the host speed, slower
 *   positive), so the newest value is what was measured and a baseline
 *   reads "the history at tonight's host speed". b is how far the metric
 *   follows the host: the least-squares slope of its nights on g, fitted
 *   without the judged nights, shrunk toward 1 as a ridge (weight
 *   var(g) / (var(g) + (half the threshold)^2): a history whose host
 *   barely moved cannot tell a slope), in [0, 1.5]. Most metrics follow
 *   the host fully (b near 1); some do not (over the whole idle series,
 *   the cross-CPU pipe 0.06 and the 2 MiB-page 16 KiB chase 0.08), and
 *   scaling those by the host's speed would add its noise to theirs.
 *
 * Measured on the kept series (docs/harness.md, scripts/regress-eval.py):
 * the night-to-night sd of the exit and syscall metrics falls from about
 * 5% to 1.2-2.0% on the idle series, and from about 3.5-4% to 1.7-2.4% on
 * the loaded one.
 *
 * Blind spot: a change of more than half the metrics by less than the
 * threshold reads as the host's speed (a larger one is judged at the
 * reference's).
 */
#ifndef HVS_HOSTSPEED_H
#define HVS_HOSTSPEED_H

#include "core/metric.h"

#include <stddef.h>

#define HVS_HOST_MIN_METRICS 8
#define HVS_HOST_REFERENCE "workload.cpu.intmix"

/* One metric's per-night medians (NaN where a night lacks it), as hvs_history_series() gives them. */
struct hvs_hs_row {
	char *name, *unit;
	enum hvs_direction dir;
	double *med;
};

/*
 * Every metric of a history, kept for a second pass. nights: set it to the
 * runs read before adding, so that a newest run with no metric still has
 * its nights.
 */
struct hvs_hs_set {
	size_t nights, n, cap;
	struct hvs_hs_row *v;
};

/* An hvs_series_fn (results/history.h): keep a copy of this metric's series. 0 or -ENOMEM. */
int hvs_hs_set_add(void *set, const char *name, const char *unit, enum hvs_direction dir,
		   const double *med, size_t n);
void hvs_hs_set_free(struct hvs_hs_set *s);

struct hvs_hostspeed {
	size_t nights;
	size_t metrics;          /* metrics the common mode is taken over */
	const char *reference;   /* its name, NULL when the history has none */
	double *h;               /* per night: the common mode, log, slower > 0 (NaN: too few metrics) */
	double *r;               /* per night: the reference's deviation, log, slower > 0 (NaN: none) */
	unsigned char *taken;    /* per night: h taken as the host's speed */
	double *g;               /* per night: what its values are divided by, log, relative to the newest */
	double half;             /* half the threshold, log */
};

/*
 * The host's speed on each night of s; reference: a metric name, or NULL
 * or "none" for none; threshold: the gate's (0.05). 0 or -ENOMEM.
 */
int hvs_hostspeed_estimate(const struct hvs_hs_set *s, const char *reference, double threshold,
			   struct hvs_hostspeed *out);
/*
 * x[i] = med[i] at the newest night's host speed, as far as the metric
 * follows the host: divided by e^(b (g_i - g_newest)), b the least-squares
 * slope of its nights on g over all but the newest skip nights, shrunk
 * toward 1, in [0, 1.5] (1 from fewer than 8 nights, or when g never
 * moved).
 * Returns b. NaN stays NaN; x may be med.
 */
double hvs_hostspeed_apply(const struct hvs_hostspeed *hs, enum hvs_direction dir, const double *med,
			   size_t skip, double *x);
void hvs_hostspeed_free(struct hvs_hostspeed *hs);

#endif
