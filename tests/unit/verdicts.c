/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit test: the verdict statistics (harness/analysis, harness/core/stats.c)
 * against known answers.
 *
 * TOST: the TOSTER vignette "IntroTOSTt" (Caldwell/Lakens; R's sleep data,
 * extra ~ group, independent, Welch, equivalence bounds +-0.5): mean
 * difference -1.58, t(17.78) = -1.272 against the lower bound (p = 0.89)
 * and -2.450 against the upper (p = 0.012): not equivalent. Welch's df and
 * se are R's documented t.test(extra ~ group, sleep): df 17.776.
 * Variance components: lme4's Dyestuff (Davies 1947; Bates, "lme4:
 * Mixed-effects modeling with R", ch. 1): 6 batches x 5 preparations, REML
 * estimates batch variance 1764.0 (sd 42.00), residual 2451.3 (sd 49.51),
 * mean 1527.5 with standard error 19.38; balanced data, so the ANOVA
 * estimates equal REML's.
 * Random effects (DerSimonian-Laird, Hartung-Knapp): metafor's BCG vaccine
 * example and Student's pooled t on R's sleep data (test_random_effects).
 * Decisions and the run-level model: constructed inputs whose answers
 * follow from the definitions (compare.h). The history gate's tests are
 * tests/unit/regress_judge.c.
 */
#include "analysis/compare.h"
#include "core/stats.h"
#include "tap.h"
#include "twostate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int near(double x, double want, double tol)
{
	return fabs(x - want) <= tol;
}

/* A run with one metric "m": nproc processes of 20 samples around median * pm[i]. */
static void mkrun(struct hvs_metrics *set, double median, const double *pm, size_t nproc,
		  struct hvs_rng *r, double jitter)
{
	struct hvs_metric *m = hvs_metrics_add(set);
	double *s = malloc(nproc * 20 * sizeof(*s));

	snprintf(m->name, sizeof(m->name), "m");
	snprintf(m->unit, sizeof(m->unit), "ns");
	m->outcome = HVS_PASS;
	m->process_medians = malloc(nproc * sizeof(double));
	m->nprocesses = nproc;
	for (size_t p = 0; p < nproc; p++) {
		m->process_medians[p] = median * pm[p];
		for (size_t i = 0; i < 20; i++)
			s[p * 20 + i] = median * pm[p] * (1 + jitter * (hvs_rng_uniform(r) - 0.5));
	}
	hvs_metric_set_samples(m, s, nproc * 20);
}

static void test_tost(void)
{
	struct hvs_tost t;

	ok(hvs_tost(-1.58, 0.849091017238762, 17.776473516178488, -0.5, 0.5, &t) == 0,
	   "TOST on R's sleep data runs");
	ok(near(t.t_lo, -1.272, 0.0005) && near(t.t_hi, -2.450, 0.0005),
	   "TOST t against the bounds: %.4f, %.4f (TOSTER: -1.272, -2.450)", t.t_lo, t.t_hi);
	ok(near(t.p_lo, 0.89, 0.005) && near(t.p_hi, 0.0124, 0.0005) && t.p == t.p_lo,
	   "TOST p: %.4f and %.4f, not equivalent (TOSTER: 0.89, 0.012)", t.p_lo, t.p_hi);
	ok(hvs_tost(0.1, 0.1, INFINITY, -0.5, 0.5, &t) == 0 && near(t.p, 1 - hvs_pnorm(4), 1e-9),
	   "TOST with a normal statistic: p = P(Z > 4) for 0.1 +- 0.1 in (-0.5, 0.5)");
	ok(hvs_tost(0, 1, 5, 0.5, -0.5, &t) == -EINVAL, "TOST rejects lo >= hi");
	ok(near(hvs_qt_upper(0.025, 10), 2.228139, 1e-5) && near(hvs_qt_upper(0.2, INFINITY), 0.841621, 1e-5) &&
		   near(hvs_qt_upper(0.975, 10), -2.228139, 1e-5),
	   "t quantiles: qt(.975, 10) = 2.228, qnorm(.8) = 0.8416");
}

static void test_dyestuff(void)
{
	static const double y[] = { 1545, 1440, 1440, 1520, 1580, 1540, 1555, 1490, 1560, 1495,
				    1595, 1550, 1605, 1510, 1560, 1445, 1440, 1595, 1465, 1545,
				    1595, 1630, 1515, 1635, 1625, 1520, 1455, 1450, 1480, 1445 };
	static const size_t sz[] = { 5, 5, 5, 5, 5, 5 };
	struct hvs_varcomp v;

	ok(hvs_var_components(y, sz, 6, &v) == 0, "variance components of Dyestuff");
	ok(near(v.between, 1764.0, 0.5) && near(v.within, 2451.25, 0.5),
	   "Dyestuff: between %.1f (lme4 REML 1764.0), within %.2f (2451.3)", v.between, v.within);
	ok(near(v.mean, 1527.5, 1e-9) && near(v.se_mean, 19.38, 0.01),
	   "Dyestuff: mean %.1f, its standard error %.3f (lme4: 1527.5, 19.38)", v.mean, v.se_mean);
	ok(hvs_var_components(y, sz, 1, &v) == -EINVAL, "one group: no between-group variance");
}

static void test_decide(void)
{
	double lo = NAN, hi = NAN, mde = NAN;
	enum hvs_verdict v = hvs_decide(log(1.20), 0.02, INFINITY, 0.95, 0.05, 0.8, &lo, &hi, &mde);

	ok(v == HVS_V_SLOWER && lo > 1 && near(mde, expm1(fmax((1.959964 + 0.841621) * 0.02, log1p(0.05) + 0.841621 * 0.02)), 1e-4),
	   "20%% worse, se 2%%: slower, mde %.3f", mde);
	ok(hvs_decide(log(0.80), 0.02, INFINITY, 0.95, 0.05, 0.8, NULL, NULL, NULL) == HVS_V_FASTER,
	   "20%% better: faster");
	v = hvs_decide(log(1.01), 0.01, INFINITY, 0.95, 0.05, 0.8, &lo, &hi, NULL);
	ok(v == HVS_V_EQUIVALENT && lo > 0.95 && hi < 1.05,
	   "1%% +- 2%%: equivalent (CI [%.3f, %.3f] inside +-5%%)", lo, hi);
	v = hvs_decide(log(1.03), 0.05, INFINITY, 0.95, 0.05, 0.8, NULL, NULL, &mde);
	ok(v == HVS_V_INCONCLUSIVE && mde > 0.10,
	   "3%% +- 10%%: inconclusive, could not see %.0f%%", mde * 100);
	ok(hvs_decide(log(1.04), 0.01, INFINITY, 0.95, 0.05, 0.8, NULL, NULL, NULL) == HVS_V_INCONCLUSIVE,
	   "4%% +- 2%%: significant, under the threshold, not inside it: inconclusive");
	ok(hvs_decide(log(1.03), 0.005, INFINITY, 0.95, 0.05, 0.8, NULL, NULL, NULL) == HVS_V_EQUIVALENT,
	   "3%% +- 1%%: a real change inside +-5%%: equivalent at this threshold");
	ok(hvs_decide(log(1.10), 0.0, INFINITY, 0.95, 0.05, 0.8, NULL, NULL, NULL) == HVS_V_SLOWER,
	   "a run against itself x1.10 (se 0): slower, never equivalent");
}

static void test_states(void)
{
	double x[100], cut = NAN, d = NAN;
	int k;

	for (int i = 0; i < 100; i++)
		x[i] = i < 60 ? log(430 + i) : log(5500 + 10 * i);
	k = hvs_two_states(x, 100, 0.1, log(1.25), &cut, &d);
	ok(k == 1 && cut > log(500) && cut < log(5500),
	   "430 ns vs 5.5 us (membarrier.ipi-like): two states, cut at %.0f ns, D %.1f", exp(cut), d);
	for (int i = 0; i < 100; i++)
		x[i] = log(1000 + i);
	ok(hvs_two_states(x, 100, 0.1, log(1.25), &cut, &d) == 0, "one spread state: not two-state");
}

/*
 * Random effects: metafor's BCG vaccine example (Colditz et al. 1994; the
 * metafor documentation, rma(yi, vi, data = dat.bcg, method = "DL"),
 * log risk ratios from the 13 trials' 2x2 tables): Q(df = 12) = 152.2330,
 * tau^2 = 0.3088, estimate -0.7141, se 0.1787. With equal within
 * variances the two-group form is Student's pooled t: R's t.test(extra ~
 * group, data = sleep, var.equal = TRUE): t = -1.8608, df = 18.
 */
static void test_random_effects(void)
{
	static const double bcg[13][4] = {
		{ 4, 119, 11, 128 },	 { 6, 300, 29, 274 },	  { 3, 228, 11, 209 },
		{ 62, 13536, 248, 12619 }, { 33, 5036, 47, 5761 },  { 180, 1361, 372, 1079 },
		{ 8, 2537, 10, 619 },	 { 505, 87886, 499, 87892 }, { 29, 7470, 45, 7232 },
		{ 17, 1699, 65, 1600 },	 { 186, 50448, 141, 27197 }, { 5, 2493, 3, 2338 },
		{ 27, 16886, 29, 17825 },
	};
	static const double sleep[20] = { 0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0,
					  1.9, 0.8,  1.1,  0.1,	 -0.1, 4.4, 5.5, 1.6, 4.6, 3.4 };
	double y[20], v[20];
	int g[20] = { 0 };
	struct hvs_re re;
	int rc;

	memset(&re, 0, sizeof(re));
	for (int i = 0; i < 13; i++) {
		const double *t = bcg[i];

		y[i] = log(t[0] / (t[0] + t[1]) / (t[2] / (t[2] + t[3])));
		v[i] = 1 / t[0] - 1 / (t[0] + t[1]) + 1 / t[2] - 1 / (t[2] + t[3]);
	}
	rc = hvs_random_effects(y, v, g, 13, 1, &re);
	ok(rc == 0 && near(re.q, 152.2330, 5e-4) &&
		   near(re.tau2, 0.3088, 5e-5),
	   "BCG: Q %.4f, DerSimonian-Laird tau^2 %.4f (metafor: 152.2330, 0.3088)", re.q, re.tau2);
	ok(near(re.diff, -0.7141, 5e-5) && near(re.se, 0.1787, 5e-5) && re.df == 12,
	   "BCG: estimate %.4f, se %.4f (metafor: -0.7141, 0.1787)", re.diff, re.se);
	for (int i = 0; i < 20; i++) {
		y[i] = sleep[i];
		v[i] = 0.25;
		g[i] = i >= 10;
	}
	rc = hvs_random_effects(y, v, g, 20, 2, &re);
	ok(rc == 0 && near(re.diff, 1.58, 1e-12) &&
		   near(re.diff / re.se_hk, 1.8608, 5e-5) && re.df == 18,
	   "equal within variances: Student's pooled t %.4f on %.0f df (R: 1.8608, 18)",
	   re.diff / re.se_hk, re.df);
	ok(hvs_random_effects(y, v, g, 2, 2, &re) == -EINVAL, "one unit a group: -EINVAL");
}

/*
 * Two states, 6 runs a side, runs agreeing within 1%: the upper state
 * (3x the lower, samples +-20%) is visited by 1 sample a process in half
 * the runs and by most samples in the others. Its location 10% worse in B
 * must be slower: the runs that barely visited it must not drown the ones
 * that lived there (an equal-weight mean of run medians could not see it).
 */
static void test_state_runs(void)
{
	static const double off[6] = { 1.00, 1.01, 0.99, 1.005, 0.995, 1.00 };
	static const size_t nhi[6] = { 1, 18, 1, 17, 1, 18 };
	struct hvs_metrics A[6], B[6], C[6];
	const struct hvs_metrics *pa[6], *pb[6], *pc[6];
	struct hvs_cmp_opts o;
	struct hvs_cmp c;
	struct hvs_rng r;
	int flagged = 0, slow = 0;

	hvs_cmp_opts_default(&o);
	for (int trial = 0; trial < 10; trial++) {
		hvs_rng_seed(&r, 100 + (uint64_t)trial);
		memset(A, 0, sizeof(A));
		memset(B, 0, sizeof(B));
		memset(C, 0, sizeof(C));
		for (int i = 0; i < 6; i++) {
			mkrun2(&A[i], 1000, 3000, 0.20, nhi[i], off[i], &r);
			mkrun2(&B[i], 1000, 3300, 0.20, nhi[5 - i], off[5 - i], &r);
			mkrun2(&C[i], 1000, 3000, 0.20, nhi[5 - i], off[5 - i], &r);
			pa[i] = &A[i];
			pb[i] = &B[i];
			pc[i] = &C[i];
		}
		if (hvs_compare_runs(pa, 6, pb, 6, &o, &c) == 0 && c.rows[0].states == 2 &&
		    c.rows[0].verdict == HVS_V_SLOWER && c.rows[0].state_decides == 1 &&
		    c.rows[0].ratio.lo > 1 &&
		    near(c.rows[0].median_b / c.rows[0].median_a, c.rows[0].ratio.ratio, 1e-9))
			slow++;
		hvs_cmp_free(&c);
		if (hvs_compare_runs(pa, 6, pc, 6, &o, &c) == 0 &&
		    (c.rows[0].verdict == HVS_V_SLOWER || c.rows[0].verdict == HVS_V_FASTER))
			flagged++;
		hvs_cmp_free(&c);
		for (int i = 0; i < 6; i++) {
			hvs_metrics_free(&A[i]);
			hvs_metrics_free(&B[i]);
			hvs_metrics_free(&C[i]);
		}
	}
	ok(slow >= 9, "two states, one state's location 10%% worse, 6 vs 6: slower (its B/A, CI and locations on the row) in %d of 10", slow);
	ok(flagged == 0, "two states, the same distribution, 6 vs 6: flagged in %d of 10", flagged);
	/*
	 * One run a side, B's upper state 1.5x and visited more: the row says
	 * slower with the upper state's ratio and a CI that agrees (not the
	 * pooled location, which flips with the shares).
	 */
	hvs_rng_seed(&r, 5);
	memset(A, 0, sizeof(A));
	memset(B, 0, sizeof(B));
	mkrun2(&A[0], 1000, 3000, 0.02, 6, 1, &r);
	mkrun2(&B[0], 1000, 4500, 0.02, 14, 1, &r);
	ok(hvs_compare(&A[0], &B[0], &o, &c) == 0, "1 vs 1 of a two-state metric compared");
	ok(c.rows[0].states == 2 &&
		   c.rows[0].verdict == HVS_V_SLOWER && c.rows[0].ratio.lo > 1 &&
		   c.rows[0].ratio.ratio == c.rows[0].state[1].ratio.ratio &&
		   near(c.rows[0].median_b / c.rows[0].median_a, 1.5, 0.03),
	   "1 vs 1, upper state 1.5x: slower, B/A %.3f [%.3f, %.3f] is the state's", c.rows[0].ratio.ratio,
	   c.rows[0].ratio.lo, c.rows[0].ratio.hi);
	hvs_cmp_free(&c);
	hvs_metrics_free(&A[0]);
	hvs_metrics_free(&B[0]);
	/* The same, but A visits the upper state in 3 of its 60 samples: a tail, not a location. */
	memset(A, 0, sizeof(A));
	memset(B, 0, sizeof(B));
	mkrun2(&A[0], 1000, 3000, 0.02, 1, 1, &r);
	mkrun2(&B[0], 1000, 4500, 0.02, 14, 1, &r);
	ok(hvs_compare(&A[0], &B[0], &o, &c) == 0, "1 vs 1, one side's visits to a state rare: compared");
	ok(c.rows[0].states == 2 && c.rows[0].state[1].verdict == HVS_V_INCONCLUSIVE &&
		   c.rows[0].verdict == HVS_V_INCONCLUSIVE && isfinite(c.rows[0].mde),
	   "5%% of one run in a state: its location is no more than inconclusive (row %s)",
	   hvs_verdict_name(c.rows[0].verdict));
	hvs_cmp_free(&c);
	hvs_metrics_free(&A[0]);
	hvs_metrics_free(&B[0]);
}

/* A run of workload.cpu.intmix from real samples: 3 processes of 11, process medians pm. */
static void mkintmix(struct hvs_metrics *set, const double *x, const double *pm)
{
	struct hvs_metric *m = hvs_metrics_add(set);
	double *s = malloc(33 * sizeof(*s));

	snprintf(m->name, sizeof(m->name), "workload.cpu.intmix");
	snprintf(m->unit, sizeof(m->unit), "rounds/s");
	m->direction = HVS_HIGHER_IS_BETTER;
	m->outcome = HVS_PASS;
	m->process_medians = malloc(3 * sizeof(double));
	m->nprocesses = 3;
	memcpy(m->process_medians, pm, 3 * sizeof(double));
	memcpy(s, x, 33 * sizeof(double));
	hvs_metric_set_samples(m, s, 33);
}

/*
 * The quick matrix (native, QEMU TCG; 2026-12-02 22:59, native at load
 * 2.36 per CPU): native's intmix lives at ~39.5 k rounds/s with 3 of 33
 * samples at 80, 3738 and 4161; TCG's all at 9-23 k. The pooled split at
 * ~27.8 k is the difference between the platforms, not two states of the
 * metric, yet it was judged per state: native's 3 tail samples against
 * TCG's 33, B/A 5.57 ("TCG faster"), se_log 1.65 on 2.1 df, CI [1e-15,
 * 2e16] in the 29-metric family ([0.005, 5700] alone). Neither side lives
 * in both states: one location each, TCG about half of native, slower.
 */
static void test_matrix_intmix(void)
{
	static const double na[33] = {
		4161.2, 35444.3, 3738.2, 40498.0, 40590.8, 40669.6, 40701.7, 40734.0, 40785.8,
		37387.7, 40751.2, 39461.3, 39454.1, 39514.3, 38619.7, 39513.0, 39495.0, 39497.8,
		38739.7, 39576.3, 39625.0, 37397.4, 33536.5, 39701.4, 39687.3, 39688.5, 39780.5,
		79.8, 39286.5, 39465.2, 39522.6, 39567.1, 39681.2
	};
	static const double tcg[33] = {
		22562.1, 22974.0, 19856.5, 23023.3, 15070.6, 19146.0, 18779.6, 19188.2, 19375.5,
		18791.8, 21064.8, 20726.3, 9517.8, 17924.7, 20780.9, 20836.5, 20821.5, 20836.6,
		20826.5, 19107.4, 20876.5, 18731.5, 20187.0, 9265.2, 21768.1, 22441.5, 22411.1,
		22444.8, 22474.7, 22455.6, 21823.3, 22408.1, 22403.6
	};
	static const double pa[3] = { 40590.8, 39495.0, 39567.1 }, pb[3] = { 19375.5, 20780.9, 22408.1 };
	struct hvs_metrics A = { 0 }, B = { 0 };
	struct hvs_cmp_opts o;
	struct hvs_cmp c;
	const struct hvs_cmp_row *r;

	hvs_cmp_opts_default(&o);
	mkintmix(&A, na, pa);
	mkintmix(&B, tcg, pb);
	ok(hvs_compare(&A, &B, &o, &c) == 0 && c.n == 1, "quick matrix intmix, native vs TCG: compared");
	r = &c.rows[0];
	ok(r->states == 0, "a split between the sides, no side in both states: not two-state (states %d)",
	   r->states);
	ok(r->verdict == HVS_V_SLOWER && near(r->ratio.ratio, 20780.9 / 39567.1, 0.01) &&
		   r->ratio.lo > 0.3 && r->ratio.hi < 0.8 && r->df > 10,
	   "TCG intmix about half native: slower, B/A %.3f [%.3f, %.3f], se_log %.3f on %.1f df",
	   r->ratio.ratio, r->ratio.lo, r->ratio.hi, r->se, r->df);
	hvs_cmp_free(&c);
	hvs_metrics_free(&A);
	hvs_metrics_free(&B);
}

static void test_runs(void)
{
	static const double flat[3] = { 1, 1.005, 0.995 };
	struct hvs_metrics A[6], B[6], X[1], Y[1];
	const struct hvs_metrics *pa[6], *pb[6];
	struct hvs_cmp_opts o;
	struct hvs_cmp c;
	struct hvs_rng r;
	/* Run levels wander by ~2%: B is 10% worse. */
	static const double la[6] = { 1.00, 1.02, 0.98, 1.01, 0.99, 1.00 };
	static const double lb[6] = { 1.00, 0.99, 1.02, 1.00, 1.01, 0.98 };
	int k;

	hvs_rng_seed(&r, 7);
	hvs_cmp_opts_default(&o);
	memset(A, 0, sizeof(A));
	memset(B, 0, sizeof(B));
	for (int i = 0; i < 6; i++) {
		mkrun(&A[i], 1000 * la[i], flat, 3, &r, 0.01);
		mkrun(&B[i], 1100 * lb[i], flat, 3, &r, 0.01);
		pa[i] = &A[i];
		pb[i] = &B[i];
	}
	k = hvs_compare_runs(pa, 6, pb, 6, &o, &c);
	ok(k == 0 && c.n == 1, "6 vs 6 runs compared");
	ok(c.rows[0].verdict == HVS_V_SLOWER && c.rows[0].run_var == HVS_RV_MEASURED &&
		   near(c.rows[0].ratio.ratio, 1.10, 0.01),
	   "10%% worse with runs wandering 1.3%%: slower, B/A %.3f [%.3f, %.3f]", c.rows[0].ratio.ratio,
	   c.rows[0].ratio.lo, c.rows[0].ratio.hi);
	{
		/* The interval is Student's over run means, pooled: check it by hand. */
		double ma = 0, mb = 0, va = 0, vb = 0, se, q;

		for (int i = 0; i < 6; i++) {
			double y = 0, z = 0;

			for (int p = 0; p < 3; p++) {
				y += log(A[i].v[0].process_medians[p]) / 3;
				z += log(B[i].v[0].process_medians[p]) / 3;
			}
			ma += y / 6;
			mb += z / 6;
			va += y * y;
			vb += z * z;
		}
		va = (va - 6 * ma * ma) / 5;
		vb = (vb - 6 * mb * mb) / 5;
		se = sqrt((va + vb) / 2 * (2.0 / 6));
		q = hvs_qt_upper(0.025, 10);
		ok(near(log(c.rows[0].ratio.hi) - log(c.rows[0].ratio.ratio), q * se, 1e-9) &&
			   near(c.rows[0].se, se, 1e-12),
		   "the CI is the pooled t interval over run means (se %.4f, 10 df)", se);
	}
	hvs_cmp_free(&c);
	ok(hvs_compare_runs(pa, 6, pa, 6, &o, &c) == 0 && c.rows[0].verdict == HVS_V_EQUIVALENT,
	   "the same 6 runs on both sides: equivalent");
	hvs_cmp_free(&c);
	/* One run a side: the between-run spread is assumed, and said so. */
	k = hvs_compare_runs(pa, 1, pa + 1, 1, &o, &c);
	ok(k == 0 && c.rows[0].run_var == HVS_RV_ASSUMED &&
		   c.rows[0].verdict == HVS_V_INCONCLUSIVE && c.rows[0].mde > 0.10,
	   "1 vs 1 of the same build: inconclusive, not equivalent (between-run spread assumed 3%%)");
	hvs_cmp_free(&c);
	ok(hvs_compare_runs(pa, 1, pb, 6, &o, &c) == 0 && c.rows[0].run_var == HVS_RV_OTHER_SIDE,
	   "1 vs 6: the one run borrows the other side's measured spread");
	hvs_cmp_free(&c);
	/* Nothing in common. */
	memset(X, 0, sizeof(X));
	memset(Y, 0, sizeof(Y));
	mkrun(&X[0], 1000, flat, 3, &r, 0.01);
	mkrun(&Y[0], 1000, flat, 3, &r, 0.01);
	snprintf(Y[0].v[0].name, sizeof(Y[0].v[0].name), "other");
	ok(hvs_compare(&X[0], &Y[0], &o, &c) == 0 && c.ncompared == 0 && c.na == 2,
	   "no metric in common: nothing compared (the command makes it exit 4)");
	hvs_cmp_free(&c);
	for (int i = 0; i < 6; i++) {
		hvs_metrics_free(&A[i]);
		hvs_metrics_free(&B[i]);
	}
	hvs_metrics_free(&X[0]);
	hvs_metrics_free(&Y[0]);
}

int main(void)
{
	plan(39);
	test_tost();
	test_dyestuff();
	test_random_effects();
	test_state_runs();
	test_decide();
	test_states();
	test_runs();
	test_matrix_intmix();
	return done_testing();
}
