/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit test: compare's family of tests (harness/analysis/compare.c).
 *
 * Holm's step-down (Holm, "A simple sequentially rejective multiple test
 * procedure", Scand. J. Statist. 6, 1979): with m tests, the j-th smallest
 * p (j = 0, 1, ...) is rejected at alpha/(m - j) while all smaller ones
 * were. Constructed 6 vs 6 runs whose pooled Student t (10 df) of a 9%
 * shift has p between 0.025 and 0.05: beside a metric 1.5x worse (p ~
 * 1e-6) it is slower at Holm's second step (alpha/1), inconclusive at
 * Bonferroni's alpha/2; beside that metric and an unchanged one (m = 3)
 * Holm's second step is alpha/2 and it stays inconclusive.
 * A state a one-run side visits rarely is capped at inconclusive, so it
 * holds no test in the family.
 */
#include "analysis/compare.h"
#include "core/stats.h"
#include "tap.h"
#include "twostate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int near(double x, double want, double tol)
{
	return fabs(x - want) <= tol;
}

/* Metric name in set: 3 processes of 20 samples (+-0.5%) around median * {1, 1.005, 0.995}. */
static void mkmetric(struct hvs_metrics *set, const char *name, double median, struct hvs_rng *r)
{
	static const double pm[3] = { 1, 1.005, 0.995 };
	struct hvs_metric *m = hvs_metrics_add(set);
	double *s = malloc(60 * sizeof(*s));

	snprintf(m->name, sizeof(m->name), "%s", name);
	snprintf(m->unit, sizeof(m->unit), "ns");
	m->outcome = HVS_PASS;
	m->process_medians = malloc(3 * sizeof(double));
	m->nprocesses = 3;
	for (size_t p = 0; p < 3; p++) {
		m->process_medians[p] = median * pm[p];
		for (size_t i = 0; i < 20; i++)
			s[p * 20 + i] = median * pm[p] * (1 + 0.01 * (hvs_rng_uniform(r) - 0.5));
	}
	hvs_metric_set_samples(m, s, 60);
}

/* Run levels wandering by ~6%; B's are A's in reverse order (the same spread). */
static const double lvl[6] = { 1.00, 1.08, 0.92, 1.05, 0.95, 1.00 };

/*
 * 6 runs a side with the metrics named in which ("big" 1.5x, "m" by f,
 * "flat" 1x) and compare them.
 */
static int run_family(const char *which, double f, struct hvs_cmp *c)
{
	struct hvs_metrics A[6], B[6];
	const struct hvs_metrics *pa[6], *pb[6];
	struct hvs_cmp_opts o;
	struct hvs_rng r;
	int k;

	hvs_rng_seed(&r, 3);
	hvs_cmp_opts_default(&o);
	memset(A, 0, sizeof(A));
	memset(B, 0, sizeof(B));
	for (int i = 0; i < 6; i++) {
		if (strchr(which, 'b')) {
			mkmetric(&A[i], "big", 1000 * lvl[i], &r);
			mkmetric(&B[i], "big", 1500 * lvl[5 - i], &r);
		}
		if (strchr(which, 'm')) {
			mkmetric(&A[i], "m", 1000 * lvl[i], &r);
			mkmetric(&B[i], "m", 1000 * f * lvl[5 - i], &r);
		}
		if (strchr(which, 'f')) {
			mkmetric(&A[i], "flat", 1000 * lvl[i], &r);
			mkmetric(&B[i], "flat", 1000 * lvl[5 - i], &r);
		}
		pa[i] = &A[i];
		pb[i] = &B[i];
	}
	k = hvs_compare_runs(pa, 6, pb, 6, &o, c);
	for (int i = 0; i < 6; i++) {
		hvs_metrics_free(&A[i]);
		hvs_metrics_free(&B[i]);
	}
	return k;
}

static const struct hvs_cmp_row *row(const struct hvs_cmp *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->rows[i].name, name))
			return &c->rows[i];
	return NULL;
}

static void test_holm(void)
{
	double y[6], mean = 0, v = 0, se, f, p, q95, q975;
	struct hvs_cmp c;
	const struct hvs_cmp_row *m, *big;

	/* The run locations' spread (both sides alike): the pooled se of the difference. */
	for (int i = 0; i < 6; i++) {
		double s = 0;

		for (int k = 0; k < 3; k++)
			s += log(lvl[i] * (k == 0 ? 1 : k == 1 ? 1.005 : 0.995)) / 3;
		y[i] = s;
		mean += s / 6;
	}
	for (int i = 0; i < 6; i++)
		v += (y[i] - mean) * (y[i] - mean) / 5;
	se = sqrt(v * (2.0 / 6));
	f = exp(2.43 * se); /* t = 2.43 on 10 df: p ~ 0.035 */
	p = hvs_pt2(log(f) / se, 10);
	q95 = hvs_qt_upper(0.025, 10);
	q975 = hvs_qt_upper(0.0125, 10);
	ok(p > 0.025 && p < 0.05 && f > 1.06 &&
		   hvs_decide(log(f), se, 10, 0.975, 0.05, 0.8, NULL, NULL, NULL) == HVS_V_INCONCLUSIVE &&
		   hvs_decide(log(f), se, 10, 0.95, 0.05, 0.8, NULL, NULL, NULL) == HVS_V_SLOWER,
	   "the setting: %.1f%% worse, p %.3f: inconclusive at Bonferroni's 1 - 0.05/2, slower at 0.95",
	   100 * (f - 1), p);

	ok(run_family("bm", f, &c) == 0 && c.n == 2, "6 vs 6: a 1.5x metric and the %.1f%% one", 100 * (f - 1));
	big = row(&c, "big");
	m = row(&c, "m");
	ok(big && m && big->verdict == HVS_V_SLOWER && near(c.level, 0.975, 1e-12),
	   "the 1.5x metric is slower; the family's Bonferroni level stays %.4f", c.level);
	ok(m && m->verdict == HVS_V_SLOWER && m->ratio.lo > 1 && near(m->ratio.ratio, f, 1e-9) &&
		   near(log(m->ratio.hi / m->ratio.ratio), q95 * se, 1e-9),
	   "Holm's 2nd step (alpha/1): slower, B/A %.3f [%.3f, %.3f] is the 95%% pooled t interval",
	   m ? m->ratio.ratio : NAN, m ? m->ratio.lo : NAN, m ? m->ratio.hi : NAN);
	ok(m && m->p > 0.025 && near(m->p, p, 1e-9), "its p %.4f is the unadjusted one", m ? m->p : NAN);
	ok(m && big && near(m->holm_level, 0.95, 1e-12) && isnan(big->holm_level) && c.holm == 1,
	   "it carries its Holm level (%.3f); the row Bonferroni decided does not; 1 row counted",
	   m ? m->holm_level : NAN);
	hvs_cmp_free(&c);

	ok(run_family("bmf", f, &c) == 0 && c.n == 3, "the same beside an unchanged metric (m = 3)");
	m = row(&c, "m");
	ok(m && m->verdict == HVS_V_INCONCLUSIVE && m->ratio.lo < 1 &&
		   near(log(m->ratio.hi / m->ratio.ratio), hvs_qt_upper(0.05 / 6, 10) * se, 1e-9),
	   "Holm's 2nd step is alpha/2 > p: inconclusive, CI at the Bonferroni level [%.3f, %.3f]",
	   m ? m->ratio.lo : NAN, m ? m->ratio.hi : NAN);
	ok(row(&c, "big") && row(&c, "big")->verdict == HVS_V_SLOWER && m && isnan(m->holm_level) &&
		   c.holm == 0,
	   "the 1.5x metric still slower; no row decided by a Holm step");
	hvs_cmp_free(&c);

	m = run_family("mf", f, &c) == 0 ? row(&c, "m") : NULL;
	ok(m && m->verdict == HVS_V_INCONCLUSIVE &&
		   near(log(m->ratio.hi / m->ratio.ratio), q975 * se, 1e-9),
	   "without a first rejection nothing steps down: inconclusive at 1 - 0.05/2");
	hvs_cmp_free(&c);

	m = run_family("bmf", 1.0, &c) == 0 ? row(&c, "m") : NULL;
	ok(m && m->verdict != HVS_V_SLOWER && m->verdict != HVS_V_FASTER &&
		   row(&c, "flat")->verdict != HVS_V_SLOWER,
	   "unchanged metrics beside a rejected one: not flagged (%s)", m ? hvs_verdict_name(m->verdict) : "-");
	hvs_cmp_free(&c);
}

static void test_capped_state(void)
{
	struct hvs_metrics A, B;
	struct hvs_cmp_opts o;
	struct hvs_cmp c;
	struct hvs_rng r;
	int k;

	hvs_rng_seed(&r, 5);
	hvs_cmp_opts_default(&o);
	memset(&A, 0, sizeof(A));
	memset(&B, 0, sizeof(B));
	/* A visits the upper state in 3 of 60 samples (a tail), B in 42. */
	mkrun2(&A, 1000, 4500, 0.01, 1, 1, &r);
	mkrun2(&B, 1000, 4500, 0.01, 14, 1, &r);
	k = hvs_compare(&A, &B, &o, &c);
	ok(k == 0 && c.rows[0].states == 2, "1 vs 1 of a two-state metric");
	ok(c.rows[0].state[1].capped && !c.rows[0].state[0].capped &&
		   c.rows[0].state[1].verdict == HVS_V_INCONCLUSIVE,
	   "the rarely visited state is capped at inconclusive");
	ok(near(c.level, 0.95, 1e-12),
	   "it holds no test: the family is the other state alone (level %.4f, not 0.975)", c.level);
	hvs_cmp_free(&c);
	hvs_metrics_free(&A);
	memset(&A, 0, sizeof(A));
	mkrun2(&A, 1000, 4500, 0.01, 6, 1, &r);
	k = hvs_compare(&A, &B, &o, &c);
	ok(k == 0 && c.rows[0].states == 2 && !c.rows[0].state[1].capped &&
		   near(c.level, 0.975, 1e-12),
	   "both states visited: two tests (level %.4f)", c.level);
	hvs_cmp_free(&c);
	hvs_metrics_free(&A);
	hvs_metrics_free(&B);
}

/*
 * Several runs a side: A's upper "state" is 3 samples of one of its 6 runs
 * (under 1% of A), B lives there in 70% of its samples. A's is a tail, not
 * a location: capped, no test (before: a test on a tail, and compare-eval's
 * mm.munmap.local `faster` at B/A 0.06 under a uniform 10% regression).
 */
static void test_capped_state_runs(void)
{
	struct hvs_metrics A[6], B[6];
	const struct hvs_metrics *pa[6], *pb[6];
	struct hvs_cmp_opts o;
	struct hvs_cmp c;
	struct hvs_rng r;
	int k;

	hvs_rng_seed(&r, 9);
	hvs_cmp_opts_default(&o);
	memset(A, 0, sizeof(A));
	memset(B, 0, sizeof(B));
	for (int i = 0; i < 6; i++) {
		mkrun2(&A[i], 1000, 4500, 0.01, i == 0, 1, &r);
		mkrun2(&B[i], 1000, 4500, 0.01, 14, 1, &r);
		pa[i] = &A[i];
		pb[i] = &B[i];
	}
	k = hvs_compare_runs(pa, 6, pb, 6, &o, &c);
	ok(k == 0 && c.rows[0].states == 2 && c.rows[0].state[1].capped &&
		   c.rows[0].state[1].verdict == HVS_V_INCONCLUSIVE && !c.rows[0].state[0].capped,
	   "6 vs 6, one side's visits to a state under 10%% of its samples: capped at inconclusive");
	ok(k == 0 && near(c.level, 0.95, 1e-12), "and no test in the family (level %.4f)",
	   k == 0 ? c.level : NAN);
	hvs_cmp_free(&c);
	for (int i = 0; i < 6; i++) {
		hvs_metrics_free(&A[i]);
		hvs_metrics_free(&B[i]);
	}
}

int main(void)
{
	plan(17);
	test_holm();
	test_capped_state();
	test_capped_state_runs();
	return done_testing();
}
