/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit test: inference statistics against known answers.
 *
 * Mann-Whitney: R's documented example (?wilcox.test, Hollander & Wolfe
 * p. 110: W = 35, two-sided p = 0.2544 = 2 x the documented one-sided
 * 0.1272); the 12-vs-9 case and the tied case were checked by full
 * enumeration of the rank-sum distribution in python3 (the tied case's
 * normal approximation uses R's formula: tie + continuity correction).
 * Holm: R's p.adjust(c(.01,.04,.03,.005), "holm") = .03 .06 .06 .02.
 * Bootstrap: coverage of the 95% CI of a known ratio, by seeded simulation.
 * Change points: a step, a drift and a lone outlier in synthetic series.
 */
#include "core/stats.h"
#include "tap.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

static int median_select_ok(struct hvs_rng *r)
{
	double x[64], y[64];

	for (int trial = 0; trial < 500; trial++) {
		size_t n = 1 + hvs_rng_below(r, 63);

		for (size_t i = 0; i < n; i++)
			x[i] = y[i] = (double)hvs_rng_below(r, 8); /* many ties */
		if (hvs_median_inplace(x, n) != hvs_median(y, n))
			return 0;
	}
	return 1;
}

/*
 * Index of the first change bigger than 1.5 sigma (what a regression gate
 * with an effect threshold looks at), 0 if none; *n gets all changes.
 */
static size_t big_changes(const double *x, size_t len, uint64_t seed, struct hvs_changepoint *cp,
			  int *n)
{
	*n = hvs_changepoints(x, len, 2, 199, seed, 0.01, cp, 8);
	for (int i = 0; i < *n; i++)
		if (fabs(cp[i].after - cp[i].before) > 1.5)
			return cp[i].at;
	return 0;
}

int main(void)
{
	double x[] = { 0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46 };
	double y[] = { 1.15, 0.88, 0.90, 0.74, 1.21 };
	double a12[] = { 1.288185, 1.449446, 0.066336, -0.764544, -1.092173, 0.031335,
			 -1.022103, -1.436829, 0.199312, 0.133375, 0.546468, -0.913971 };
	double b9[] = { 0.805005, 0.735258, -0.705829, 1.337997, 1.120711,
			3.189112, 1.002969, 0.655298, 2.032757 };
	double ta[] = { 1, 2, 2, 3, 4, 4, 5 }, tb[] = { 2, 3, 3, 5, 6, 7, 7, 8 };
	double p[] = { 0.01, 0.04, 0.03, 0.005 }, adj[4];
	double sorted[] = { 1, 2, 3, 4, 5 };
	/* R's datasets::sleep, extra hours of sleep under drug 1 and drug 2 */
	static const double sleep1[] = { 0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0 };
	static const double sleep2[] = { 1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4 };
	static const double zero3[] = { 0, 0, 0 }, one3[] = { 1, 1, 1 };
	struct hvs_yuen w;
	struct hvs_mwu u;
	struct hvs_ratio r;
	struct hvs_rng rng;
	struct hvs_changepoint cp[8];
	double series[120];
	int covered = 0, trials = 200, n;

	plan(47);

	/* Mann-Whitney */
	ok(hvs_mann_whitney(x, 10, y, 5, &u) == 0, "MWU runs");
	is_near(u.u, 35, 0, "W = 35 (R's wilcox.test example)");
	ok(u.exact, "exact distribution without ties");
	is_near(u.p, 0.2544122544, 1e-9, "exact two-sided p = 0.2544");
	ok(hvs_mann_whitney(y, 5, x, 10, &u) == 0 && fabs(u.u - 15) < 1e-12 &&
		   fabs(u.p - 0.2544122544) < 1e-9,
	   "swapped samples: W = 15, same p");
	ok(hvs_mann_whitney(a12, 12, b9, 9, &u) == 0, "MWU 12 vs 9");
	is_near(u.u, 18, 0, "W = 18");
	is_near(u.p, 0.009287925697, 1e-10, "exact p = 0.0092879 (enumerated)");
	ok(hvs_mann_whitney(ta, 7, tb, 8, &u) == 0 && !u.exact, "ties: normal approximation");
	is_near(u.u, 12.5, 0, "ties: W = 12.5 (mid-ranks)");
	is_near(u.z, -1.753217183, 1e-8, "ties: z with tie and continuity correction");
	is_near(u.p, 0.0795647346, 1e-9, "ties: p = 0.07956");
	ok(hvs_mann_whitney(x, 0, y, 5, &u) == -EINVAL, "empty sample rejected");

	/* Student's t and Welch's test */
	is_near(hvs_pt2(1.5, 2), 1 - 1.5 / sqrt(1.5 * 1.5 + 2), 1e-12, "t df=2: closed form 1 - t/sqrt(t^2+2)");
	is_near(hvs_pt2(3.0, 1), 1 - 2 / M_PI * atan(3.0), 1e-12, "t df=1 (Cauchy): closed form");
	is_near(hvs_pt2(2.776445105, 4), 0.05, 1e-8, "qt(0.975, 4) = 2.776445 gives p = 0.05");
	is_near(hvs_pt2(-2.228138852, 10), 0.05, 1e-8, "qt(0.975, 10) = 2.228139 gives p = 0.05 (sign ignored)");
	is_near(hvs_qt2(0.05, 4), 2.776445105, 1e-8, "qt2(0.05, 4) = qt(0.975, 4) = 2.776445");
	is_near(hvs_qt2(0.01, 2.5), 7.1637281389, 1e-7, "qt2(0.01, 2.5) = 7.1637 (Welch df are fractional; value from an independent bisection)");
	ok(hvs_yuen(sleep1, 10, sleep2, 10, 0, &w) == 0, "Yuen with no trimming = Welch (R's sleep data)");
	is_near(w.t, 1.860813, 1e-6, "sleep: t = 1.8608 (t.test(extra ~ group) prints -1.8608, a - b)");
	is_near(w.df, 17.77647, 1e-5, "sleep: Welch df = 17.776");
	is_near(w.p, 0.07939414, 1e-7, "sleep: p = 0.07939");
	/*
	 * 20% trimming: 2 of 10 values dropped at each end; trimmed means 0.5333
	 * and 2.2, winsorized variances. Values from the textbook formulas
	 * (Wilcox 2012, 5.3) evaluated independently in Python.
	 */
	ok(hvs_yuen(sleep1, 10, sleep2, 10, 0.2, &w) == 0, "Yuen 20%% trimmed runs");
	is_near(w.diff, 1.6666666667, 1e-9, "trimmed means differ by 2.2 - 0.5333");
	is_near(w.t, 1.6167773658, 1e-8, "Yuen t = 1.6168");
	is_near(w.df, 8.2647085136, 1e-8, "Yuen df = 8.2647");
	is_near(w.p, 0.1433782885, 1e-8, "Yuen p = 0.1434");
	ok(hvs_yuen(sleep1, 1, sleep2, 10, 0, &w) == -EINVAL && hvs_yuen(sleep1, 10, sleep2, 10, 0.5, &w) == -EINVAL &&
		   hvs_yuen(zero3, 3, one3, 3, 0.2, &w) == 0 && w.p == 0 &&
		   hvs_yuen(one3, 3, one3, 3, 0.2, &w) == 0 && w.p == 1,
	   "Yuen: one value or trim 0.5 rejected; zero variance: p 0 (means differ) or 1 (equal)");

	/* Holm */
	ok(hvs_holm(p, 4, adj) == 0, "holm runs");
	ok(fabs(adj[0] - 0.03) < 1e-12 && fabs(adj[1] - 0.06) < 1e-12 &&
		   fabs(adj[2] - 0.06) < 1e-12 && fabs(adj[3] - 0.02) < 1e-12,
	   "holm = R's p.adjust: .03 .06 .06 .02");

	/* Quantile, selection, normal CDF */
	is_near(hvs_quantile_sorted(sorted, 5, 0.25), 2, 1e-12, "type-7 quantile at 0.25");
	is_near(hvs_quantile_sorted(sorted, 5, 0.1), 1.4, 1e-12, "type-7 quantile at 0.1");
	is_near(hvs_pnorm(1.959963985), 0.975, 1e-9, "pnorm(1.96) = 0.975");
	hvs_rng_seed(&rng, 42);
	ok(median_select_ok(&rng), "quickselect median equals sort median (500 random arrays)");

	/* Bootstrap: reproducible, and covers the true ratio ~95% of the time. */
	{
		double s1[31], s2[31];
		struct hvs_ratio r2;

		hvs_rng_seed(&rng, 7);
		for (int i = 0; i < 31; i++) {
			s1[i] = 100 * exp(0.05 * hvs_rng_normal(&rng));
			s2[i] = 110 * exp(0.05 * hvs_rng_normal(&rng));
		}
		ok(hvs_bootstrap_ratio(s1, 31, s2, 31, 2000, 1, 0.95, &r, NULL) == 0 &&
			   hvs_bootstrap_ratio(s1, 31, s2, 31, 2000, 1, 0.95, &r2, NULL) == 0 &&
			   r.lo == r2.lo && r.hi == r2.hi,
		   "same seed, same interval");
		ok(r.lo < r.ratio && r.ratio < r.hi && r.lo > 1.0, "10%% shift: CI [%.4f, %.4f] excludes 1",
		   r.lo, r.hi);
		s1[0] = -1;
		for (int i = 1; i < 31; i++)
			s1[i] = -1;
		ok(hvs_bootstrap_ratio(s1, 31, s2, 31, 100, 1, 0.95, &r, NULL) == -EDOM,
		   "ratio of a non-positive median is refused");
	}
	hvs_rng_seed(&rng, 2024);
	for (int t = 0; t < trials; t++) {
		double s1[31], s2[31];

		/* Log-normal, true median ratio 1.05. */
		for (int i = 0; i < 31; i++) {
			s1[i] = 100 * exp(0.1 * hvs_rng_normal(&rng));
			s2[i] = 105 * exp(0.1 * hvs_rng_normal(&rng));
		}
		if (hvs_bootstrap_ratio(s1, 31, s2, 31, 1000, (uint64_t)t, 0.95, &r, NULL) == 0 &&
		    r.lo <= 1.05 && 1.05 <= r.hi)
			covered++;
	}
	diag("bootstrap 95%% CI covered the true ratio in %d of %d trials", covered, trials);
	ok(covered >= 180 && covered <= 199, "coverage %.1f%% within [90%%, 99.5%%]",
	   100.0 * covered / trials);

	/* Geometric mean of ratios: exp(mean(log)). */
	{
		double lp[2] = { log(1.1), log(1.0 / 1.1) }, lr[2 * 10];

		for (int i = 0; i < 10; i++) {
			lr[i] = log(1.1);
			lr[10 + i] = log(1.0 / 1.1);
		}
		ok(hvs_geomean_ratio(lp, lr, 2, 10, 0.95, &r) == 0 && fabs(r.ratio - 1) < 1e-12 &&
			   fabs(r.lo - 1) < 1e-12,
		   "geomean of 1.1 and 1/1.1 is 1");
	}

	/* Change points: a step at 60 of +5 sigma. */
	hvs_rng_seed(&rng, 99);
	for (int i = 0; i < 120; i++)
		series[i] = 100 + hvs_rng_normal(&rng) + (i >= 60 ? 5 : 0);
	n = hvs_changepoints(series, 120, 2, 199, 1, 0.01, cp, 8);
	ok(n == 1 && cp[0].at >= 58 && cp[0].at <= 62, "step found at %zu (true 60), %d change(s)",
	   n > 0 ? cp[0].at : 0, n);
	ok(n >= 1 && cp[0].after - cp[0].before > 4 && cp[0].p <= 0.01, "step size and p");

	/*
	 * 20 seeded series each: pure noise, noise with a lone outlier night
	 * (in the middle, and as the newest night), and a slow drift of +0.2
	 * sigma per night over the last 40 nights.
	 */
	{
		int quiet = 0, lone = 0, drift = 0;
		size_t first;

		for (int seed = 0; seed < 20; seed++) {
			hvs_rng_seed(&rng, 1000 + (uint64_t)seed);
			for (int i = 0; i < 120; i++)
				series[i] = 100 + hvs_rng_normal(&rng);
			quiet += big_changes(series, 120, 2, cp, &n) == 0;
			series[70] = 130;
			lone += big_changes(series, 120, 3, cp, &n) == 0;
			series[70] = 100;
			series[119] = 130;
			lone += big_changes(series, 120, 3, cp, &n) == 0;
			for (int i = 0; i < 120; i++)
				series[i] = 100 + hvs_rng_normal(&rng) + (i >= 80 ? 0.2 * (i - 79) : 0);
			first = big_changes(series, 120, 4, cp, &n);
			if (first >= 72 && first <= 100 && cp[n - 1].after > 103)
				drift++;
			else
				diag("drift seed %d: %d change(s), first big one at %zu", seed, n, first);
		}
		ok(quiet >= 17, "noise: no change over 1.5 sigma in %d of 20 series", quiet);
		ok(lone == 40, "a lone outlier night (middle, newest): no change in %d of 40", lone);
		ok(drift >= 18, "drift: caught, first change over 1.5 sigma within 72..100 (true 80), in %d of 20", drift);
	}

	ok(hvs_changepoints(series, 3, 2, 99, 1, 0.01, cp, 8) == 0, "too short: no change");
	series[3] = NAN;
	ok(hvs_changepoints(series, 120, 2, 99, 1, 0.01, cp, 8) == -EINVAL, "NaN rejected");
	return done_testing();
}
