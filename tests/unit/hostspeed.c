/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit test: the host's speed per night (harness/analysis/hostspeed.c)
 * against constructed histories whose answers follow from the definitions
 * in hostspeed.h: ten metrics over twelve nights, nine costs (ns, lower is
 * better) and the CPU-only reference (rounds/s, higher is better).
 *
 * - The host 10% slower on the newest two nights (every metric, the
 *   reference too): each metric's median is its flat level, so h = r = 0
 *   before and ln 1.1 on those nights; taken; every night put at the
 *   newest night's speed, so the series come out flat at their newest
 *   values.
 * - The nine costs 10% slower, the reference not (a change of the whole
 *   suite): h = ln 1.1, r = 0, |h - r| > ln 1.05: not taken, judged at the
 *   reference's speed (0): the values are left as measured.
 * - One cost 10% slower (a regression of one path): h = 0: nothing moves.
 * - The host 10% slower, the reference 7% (within the threshold of h): h.
 * - The reference 6% faster alone on a night the suite did not move
 *   (h = 0, within half the threshold): h, so that metric alone is not
 *   bent by the reference's own noise.
 * - Half the metrics 50% slower and half 50% faster: no two thirds
 *   within the threshold of their median, so no common mode.
 * - The host 10% slower on every other night, one metric flat and one
 *   moving half as far: fitted slopes 0 and 0.5 (exact: the metrics are
 *   exactly b g plus a constant), shrunk toward 1 by the ridge weight
 *   hostspeed.h gives.
 * - No reference in the history, or fewer than HVS_HOST_MIN_METRICS
 *   metrics: nothing is taken; values as measured.
 */
#include "analysis/hostspeed.h"
#include "tap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NM 10
#define NN 12

static int near(double x, double want, double tol)
{
	return fabs(x - want) <= tol;
}

/*
 * A set of nm metrics over NN nights: metric m's level 100 (m + 1), the
 * reference (when ref) the last one, in rounds/s. slow[m][i]: the factor
 * night i is slower by (a rate divided by it).
 */
static int build(struct hvs_hs_set *s, size_t nm, int ref, double slow[][NN])
{
	char name[32];
	double med[NN];

	memset(s, 0, sizeof(*s));
	for (size_t m = 0; m < nm; m++) {
		int isref = ref && m == nm - 1;

		for (size_t i = 0; i < NN; i++)
			med[i] = isref ? 1e6 / slow[m][i] : 100.0 * (double)(m + 1) * slow[m][i];
		if (isref)
			snprintf(name, sizeof(name), "%s", HVS_HOST_REFERENCE);
		else
			snprintf(name, sizeof(name), "exit.m%zu", m);
		if (hvs_hs_set_add(s, name, isref ? "rounds/s" : "ns",
				   isref ? HVS_HIGHER_IS_BETTER : HVS_LOWER_IS_BETTER, med, NN))
			return -1;
	}
	return 0;
}

static void flat(double slow[][NN])
{
	for (size_t m = 0; m < NM; m++)
		for (size_t i = 0; i < NN; i++)
			slow[m][i] = 1;
}

/* Every metric of s after hvs_hostspeed_apply(): night i's cost divided by want[i], a rate multiplied. */
static int applied_as(const struct hvs_hs_set *s, const struct hvs_hostspeed *hs, const double *want)
{
	double x[NN];
	int good = 1;

	for (size_t m = 0; m < s->n; m++) {
		hvs_hostspeed_apply(hs, s->v[m].dir, s->v[m].med, 2, x);
		for (size_t i = 0; i < NN; i++) {
			double v = s->v[m].dir == HVS_HIGHER_IS_BETTER ? s->v[m].med[i] * want[i]
								      : s->v[m].med[i] / want[i];

			good &= near(x[i], v, 1e-9 * v);
		}
	}
	return good;
}

int main(void)
{
	static double slow[NM][NN];
	struct hvs_hs_set s;
	struct hvs_hostspeed hs;
	double want[NN];
	int e;

	plan(19);

	/* The host 10% slower on the newest two nights. */
	flat(slow);
	for (size_t m = 0; m < NM; m++)
		slow[m][10] = slow[m][11] = 1.10;
	e = build(&s, NM, 1, slow) || hvs_hostspeed_estimate(&s, HVS_HOST_REFERENCE, 0.05, &hs);
	ok(!e && hs.metrics == NM && hs.reference && !strcmp(hs.reference, HVS_HOST_REFERENCE),
	   "host slower: 10 metrics, the reference found");
	ok(!e && near(hs.h[0], 0, 1e-12) && near(hs.h[11], log(1.10), 1e-12) &&
		   near(hs.r[11], log(1.10), 1e-12) && hs.taken[0] && hs.taken[11],
	   "host slower: h = r = ln 1.1 on the slow nights, 0 before; taken (h %.4f, r %.4f)", hs.h[11],
	   hs.r[11]);
	ok(!e && near(hs.g[0], -log(1.10), 1e-12) && near(hs.g[11], 0, 1e-12),
	   "host slower: relative to the newest night, g = -ln 1.1 before, 0 on it");
	for (size_t i = 0; i < NN; i++)
		want[i] = slow[0][i] / 1.10;
	ok(!e && applied_as(&s, &hs, want), "host slower: every series flat at its newest value");
	hvs_hostspeed_free(&hs);
	hvs_hs_set_free(&s);

	/* The nine costs 10% slower, the reference not. */
	flat(slow);
	for (size_t m = 0; m + 1 < NM; m++)
		slow[m][10] = slow[m][11] = 1.10;
	e = build(&s, NM, 1, slow) || hvs_hostspeed_estimate(&s, HVS_HOST_REFERENCE, 0.05, &hs);
	ok(!e && near(hs.h[11], log(1.10), 1e-12) && near(hs.r[11], 0, 1e-12) && !hs.taken[11] &&
		   near(hs.g[11], 0, 1e-12) && near(hs.g[0], 0, 1e-12),
	   "suite slower, reference not: not taken, g = r = 0");
	for (size_t i = 0; i < NN; i++)
		want[i] = 1;
	ok(!e && applied_as(&s, &hs, want), "suite slower, reference not: values as measured");
	hvs_hostspeed_free(&hs);
	hvs_hs_set_free(&s);

	/* One cost 10% slower. */
	flat(slow);
	slow[3][10] = slow[3][11] = 1.10;
	e = build(&s, NM, 1, slow) || hvs_hostspeed_estimate(&s, HVS_HOST_REFERENCE, 0.05, &hs);
	ok(!e && near(hs.h[11], 0, 1e-12) && hs.taken[11], "one metric slower: h = 0, taken");
	ok(!e && applied_as(&s, &hs, want), "one metric slower: nothing moves, its step stays");
	hvs_hostspeed_free(&hs);
	hvs_hs_set_free(&s);

	/* The host 10% slower, the reference 7%: within the threshold of h. */
	flat(slow);
	for (size_t m = 0; m < NM; m++)
		slow[m][10] = slow[m][11] = m == NM - 1 ? 1.07 : 1.10;
	e = build(&s, NM, 1, slow) || hvs_hostspeed_estimate(&s, HVS_HOST_REFERENCE, 0.05, &hs);
	ok(!e && hs.taken[11] && near(hs.h[11], log(1.10), 1e-12) && near(hs.r[11], log(1.07), 1e-12),
	   "reference 7%%, suite 10%%: taken, h = ln 1.1");
	hvs_hostspeed_free(&hs);
	hvs_hs_set_free(&s);

	/* The reference 6% faster alone on the newest night. */
	flat(slow);
	slow[NM - 1][11] = 1 / 1.06;
	e = build(&s, NM, 1, slow) || hvs_hostspeed_estimate(&s, HVS_HOST_REFERENCE, 0.05, &hs);
	ok(!e && hs.taken[11] && near(hs.h[11], 0, 1e-12) && near(hs.g[0], 0, 1e-12),
	   "reference alone 6%% faster: h = 0 taken, g = 0 (r %.4f)", hs.r[11]);
	hvs_hostspeed_free(&hs);
	hvs_hs_set_free(&s);

	/* Half the metrics 50% slower, half 50% faster: they disagree, no common mode. */
	flat(slow);
	for (size_t m = 0; m < NM; m++)
		slow[m][11] = m % 2 ? 1.5 : 1 / 1.5;
	e = build(&s, NM, 1, slow) || hvs_hostspeed_estimate(&s, HVS_HOST_REFERENCE, 0.05, &hs);
	ok(!e && isnan(hs.h[11]) && !hs.taken[11] && near(hs.g[0], 0, 1e-12),
	   "metrics that disagree (half x1.5, half /1.5): no common mode, nothing taken");
	hvs_hostspeed_free(&hs);
	hvs_hs_set_free(&s);

	/*
	 * The host 10% slower on every other night; metric 0 does not follow
	 * it (flat), metric 1 follows it half way: least-squares slopes 0 and
	 * 0.5 on the nights before the newest 2 (exact: the metrics are b g
	 * plus a constant), shrunk toward 1 by w = Sgg / (Sgg + k (ln 1.05 /
	 * 2)^2), Sgg the sum of squared deviations of g over those k = 10
	 * nights; each night divided by e^(b g).
	 */
	flat(slow);
	for (size_t m = 0; m < NM; m++)
		for (size_t i = 0; i < NN; i += 2)
			slow[m][i] = m == 0 ? 1 : m == 1 ? exp(0.5 * log(1.10)) : 1.10;
	e = build(&s, NM, 1, slow) || hvs_hostspeed_estimate(&s, HVS_HOST_REFERENCE, 0.05, &hs);
	{
		double x0[NN], x1[NN], b0 = 0, b1 = 0, mg = 0, sgg = 0, w, half = log(1.05) / 2;
		int good = !e;

		for (size_t i = 0; !e && i < 10; i++)
			mg += hs.g[i] / 10;
		for (size_t i = 0; !e && i < 10; i++)
			sgg += (hs.g[i] - mg) * (hs.g[i] - mg);
		w = sgg / (sgg + 10 * half * half);
		if (!e) {
			b0 = hvs_hostspeed_apply(&hs, s.v[0].dir, s.v[0].med, 2, x0);
			b1 = hvs_hostspeed_apply(&hs, s.v[1].dir, s.v[1].med, 2, x1);
			for (size_t i = 0; i < NN; i++)
				good &= near(x0[i], s.v[0].med[i] * exp(-b0 * hs.g[i]), 1e-9 * x0[i]) &&
					near(x1[i], s.v[1].med[i] * exp(-b1 * hs.g[i]), 1e-9 * x1[i]);
		}
		ok(good && hs.taken[0] && hs.taken[1] && w > 0.5 && near(b0, 1 - w, 1e-9) &&
			   near(b1, 1 - 0.5 * w, 1e-9),
		   "slopes 0 and 0.5 shrunk toward 1 (w %.3f): %.3f and %.3f, each night divided by e^(b g)", w,
		   b0, b1);
	}
	hvs_hostspeed_free(&hs);
	hvs_hs_set_free(&s);

	/* No reference: the same host step is left as measured. */
	flat(slow);
	for (size_t m = 0; m < NM; m++)
		slow[m][10] = slow[m][11] = 1.10;
	e = build(&s, NM, 0, slow) || hvs_hostspeed_estimate(&s, HVS_HOST_REFERENCE, 0.05, &hs);
	ok(!e && !hs.reference && !hs.taken[11] && near(hs.g[0], 0, 1e-12) && near(hs.g[11], 0, 1e-12),
	   "no reference in the history: nothing taken");
	ok(!e && applied_as(&s, &hs, want), "no reference: values as measured");
	hvs_hostspeed_free(&hs);
	hvs_hs_set_free(&s);

	/* --host-reference none, with the reference there. */
	e = build(&s, NM, 1, slow) || hvs_hostspeed_estimate(&s, "none", 0.05, &hs);
	ok(!e && !hs.reference && !hs.taken[11] && near(hs.g[0], 0, 1e-12), "reference none: nothing taken");
	hvs_hostspeed_free(&hs);
	hvs_hs_set_free(&s);

	/* Too few metrics for a common mode. */
	e = build(&s, HVS_HOST_MIN_METRICS - 1, 1, slow) ||
	    hvs_hostspeed_estimate(&s, HVS_HOST_REFERENCE, 0.05, &hs);
	ok(!e && isnan(hs.h[11]) && !hs.taken[11] && near(hs.g[0], 0, 1e-12),
	   "%d metrics: no common mode, nothing taken", HVS_HOST_MIN_METRICS - 1);
	hvs_hostspeed_free(&hs);
	hvs_hs_set_free(&s);

	/* A metric measured on fewer than half the nights does not count; NaN stays NaN. */
	flat(slow);
	e = build(&s, NM, 1, slow);
	for (size_t i = 0; !e && i < 7; i++)
		s.v[0].med[i] = NAN;
	e = e || hvs_hostspeed_estimate(&s, HVS_HOST_REFERENCE, 0.05, &hs);
	ok(!e && hs.metrics == NM - 1, "a metric on 5 of 12 nights does not count (%zu counted)", hs.metrics);
	{
		double x[NN];

		if (!e)
			hvs_hostspeed_apply(&hs, s.v[0].dir, s.v[0].med, 2, x);
		ok(!e && isnan(x[0]) && near(x[11], s.v[0].med[11], 1e-9), "NaN nights stay NaN");
	}
	hvs_hostspeed_free(&hs);
	hvs_hs_set_free(&s);

	/* An empty set: no nights, no metrics. */
	memset(&s, 0, sizeof(s));
	e = hvs_hostspeed_estimate(&s, HVS_HOST_REFERENCE, 0.05, &hs);
	ok(!e && hs.nights == 0 && hs.metrics == 0 && !hs.reference, "an empty history: nothing");
	hvs_hostspeed_free(&hs);
	return done_testing();
}
