/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * claims.c - what the literature states beside what this report measured.
 *
 * Typed in: each claim's citation, its statement and the numbers it gives
 * (5%, 80-95%, 1.35x, 10x), nothing else. Every other word on a row comes
 * from the model: which columns play which part (from their matrix tags
 * `kind`/`paging`/`driver`, else their fingerprints), the measured cost
 * ratio with its 95% CI from the analysis module (hvs_rpt_est_vs: compare's
 * per-metric row, or its precision-weighted geometric mean), and a verdict:
 * supported, contradicted, inconclusive (the interval straddles the
 * claim's number) or not testable here, with why.
 *
 * The emulated world. This machine has no VT-x/SVM of its own to offer a
 * guest, so the matrix builds one inside QEMU TCG: L1 (Linux on TCG's
 * emulated SVM, kind kvm-amd) is that world's native, L2 (Linux under
 * L1's kvm_amd, kind kvm-l2, nested or shadow paging) its hardware-assisted
 * full virtualization, a Xen PV dom0 on TCG (kind xen) its
 * paravirtualization, Linux on plain TCG (kind qemu) a second native.
 * Every ratio of an emulated column is taken against that world's native
 * (same matrix directory first), never against this host's: a TCG guest
 * against the host measures the emulator.
 */
#include "analysis/compare.h"
#include "core/units.h"
#include "escape.h"
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

enum verdict { V_SUPPORTED, V_CONTRADICTED, V_INCONCLUSIVE, V_UNTESTABLE };

static const char *const verdict_name[] = { "supported", "contradicted", "inconclusive",
					    "not testable here" };

struct claim_row {
	char platform[160]; /* "l2-npt vs l1", or "(all)" */
	enum verdict v;
	char measured[768];
	char why[1024];
};

struct claim {
	const char *cite;  /* authors, title, venue, year */
	const char *quote; /* the statement, quoted when from the paper */
	const char *test;  /* how this report tests it */
	/* fill up to max rows; returns the number filled */
	size_t (*eval)(const struct hvs_rpt_model *m, struct claim_row *rows, size_t max);
};

/* --- which column plays which part --- */

static const char *summary_of(const struct hvs_rpt_column *c)
{
	return c->summary && *c->summary ? c->summary : "unknown";
}

static const char *tag_of(const struct hvs_rpt_column *c, const char *key)
{
	for (size_t i = 0; i < c->ntags; i++)
		if (!strcmp(c->tags[i].key, key))
			return c->tags[i].val;
	return NULL;
}

static int tag_is(const struct hvs_rpt_column *c, const char *key, const char *val)
{
	const char *t = tag_of(c, key);

	return t && !strcmp(t, val);
}

static int is_bare(const char *s)
{
	return !strcmp(s, "none") || strstr(s, "no hypervisor") || strstr(s, "bare metal");
}

static int is_xen(const struct hvs_rpt_column *c)
{
	return tag_is(c, "kind", "xen") || (!tag_of(c, "kind") && strstr(summary_of(c), "Xen"));
}

/* hardware-assisted full virtualization inside the emulated world */
static int is_l2(const struct hvs_rpt_column *c)
{
	return tag_is(c, "kind", "kvm-l2");
}

/* hvscope's own VMM on a /dev/kvm (hvscope kvm): its exits are real KVM exits */
static int is_ring0(const struct hvs_rpt_column *c)
{
	return tag_is(c, "driver", "kvm");
}

/* runs on QEMU TCG's emulated CPU (the emulated world) */
static int in_world(const struct hvs_rpt_column *c)
{
	return is_l2(c) || tag_is(c, "kind", "kvm-amd") || (tag_is(c, "kind", "qemu") && strstr(summary_of(c), "TCG")) ||
	       strstr(summary_of(c), "TCG") != NULL;
}

/* a native of the emulated world: Linux straight on TCG (L1, or a plain TCG guest) */
static int is_world_native(const struct hvs_rpt_column *c)
{
	return !is_ring0(c) && !is_l2(c) && !is_xen(c) && in_world(c);
}

static const char *dir_len(const char *file, size_t *len)
{
	const char *s = file ? strrchr(file, '/') : NULL;

	*len = s ? (size_t)(s - file) : 0;
	return file ? file : "";
}

static int same_dir(const struct hvs_rpt_column *a, const struct hvs_rpt_column *b)
{
	size_t la, lb;
	const char *da = dir_len(a->file, &la), *db = dir_len(b->file, &lb);

	return la == lb && !strncmp(da, db, la);
}

static size_t shared_metrics(const struct hvs_rpt_column *a, const struct hvs_rpt_column *b)
{
	size_t k = 0;

	for (size_t i = 0; i < a->metrics.n; i++) {
		long j = hvs_metrics_find(&b->metrics, a->metrics.v[i].name);

		k += j >= 0 && hvs_rpt_usable(&a->metrics.v[i]) && hvs_rpt_usable(&b->metrics.v[j]);
	}
	return k;
}

/*
 * The emulated world's native for column x: a world native from the same
 * matrix directory first, L1 (kind kvm-amd) before a plain TCG guest, then
 * the most metrics in common. -1 when there is none.
 */
static long world_native(const struct hvs_rpt_model *m, size_t x)
{
	long best = -1;
	double score = 0;

	for (size_t c = 0; c < m->ncols; c++) {
		double s;
		size_t k;

		if (c == x || !is_world_native(&m->cols[c]) || !(k = shared_metrics(&m->cols[c], &m->cols[x])))
			continue;
		s = (double)k + (same_dir(&m->cols[c], &m->cols[x]) ? 1e6 : 0) +
		    (tag_is(&m->cols[c], "kind", "kvm-amd") ? 1e4 : 0);
		if (s > score) {
			score = s;
			best = (long)c;
		}
	}
	return best;
}

/* --- metric selections --- */

static int keep_workload(const struct hvs_metric *mt, void *arg)
{
	(void)arg;
	return !strcmp(mt->klass, "workload");
}

static int keep_name(const struct hvs_metric *mt, void *arg)
{
	return !strcmp(mt->name, (const char *)arg);
}

/* workloads usable in all of the extra columns too (claim 3: the same set on both sides) */
struct keep_all {
	const struct hvs_rpt_model *m;
	size_t cols[2];
};

static int keep_workload_in(const struct hvs_metric *mt, void *arg)
{
	const struct keep_all *k = arg;

	if (strcmp(mt->klass, "workload"))
		return 0;
	for (size_t i = 0; i < 2; i++) {
		long j = hvs_metrics_find(&k->m->cols[k->cols[i]].metrics, mt->name);

		if (j < 0 || !hvs_rpt_usable(&k->m->cols[k->cols[i]].metrics.v[j]))
			return 0;
	}
	return 1;
}

/* "1.23× [1.10, 1.37]" */
static void est_text(const struct hvs_rpt_est *e, char *buf, size_t len)
{
	hvs_rpt_ratio_text(e->v, e->lo, e->hi, buf, len);
	if (isfinite(e->v))
		strncat(buf, " \xc3\x97", len - strlen(buf) - 1);
}

static void pair_name(struct claim_row *r, const struct hvs_rpt_model *m, size_t a, size_t ref)
{
	snprintf(r->platform, sizeof(r->platform), "%s vs %s", m->cols[a].label, m->cols[ref].label);
}

static void untestable(struct claim_row *r, const char *platform, const char *why)
{
	snprintf(r->platform, sizeof(r->platform), "%s", platform);
	r->v = V_UNTESTABLE;
	snprintf(r->measured, sizeof(r->measured), "–");
	snprintf(r->why, sizeof(r->why), "%s", why);
}

/* Verdict of an interval [lo, hi] of a quantity the claim puts in [want_lo, want_hi]. */
static enum verdict range_verdict(double lo, double hi, double want_lo, double want_hi)
{
	if (!isfinite(lo) || !isfinite(hi))
		return V_INCONCLUSIVE;
	if (lo >= want_lo && hi <= want_hi)
		return V_SUPPORTED;
	if (hi < want_lo || lo > want_hi)
		return V_CONTRADICTED;
	return V_INCONCLUSIVE;
}

/* --- 1. Barham et al.: Xen costs at most a few percent (5%) --- */

static size_t eval_xen(const struct hvs_rpt_model *m, struct claim_row *rows, size_t max)
{
	size_t k = 0;

	for (size_t c = 0; c < m->ncols && k < max; c++) {
		struct claim_row *r = &rows[k];
		const char *s = summary_of(&m->cols[c]);
		struct hvs_rpt_est e;
		char vb[256];
		long ref;

		if (!is_xen(&m->cols[c]))
			continue;
		k++;
		if (in_world(&m->cols[c])) {
			ref = world_native(m, c);
			if (ref < 0) {
				untestable(r, m->cols[c].label, "");
				snprintf(r->why, sizeof(r->why),
					 "this Xen (%s) runs on an emulated CPU and no native of that emulated "
					 "world (Linux on QEMU TCG: kind kvm-amd or qemu) is among the files; "
					 "against this host it would measure the emulator",
					 s);
				continue;
			}
		} else {
			ref = m->baseline;
			if (ref < 0 || ref == (long)c) {
				untestable(r, m->cols[c].label, "needs a native baseline (--baseline) to compare with");
				continue;
			}
			if (hvs_rpt_baseline_virtual(m, vb, sizeof(vb))) {
				untestable(r, m->cols[c].label, "");
				snprintf(r->why, sizeof(r->why), "the baseline is not the unvirtualized case (%s)", vb);
				continue;
			}
		}
		pair_name(r, m, c, (size_t)ref);
		if (hvs_rpt_est_vs(m, (size_t)ref, c, keep_workload, NULL, 0.05, &e) || !e.n) {
			r->v = V_UNTESTABLE;
			snprintf(r->measured, sizeof(r->measured), "–");
			snprintf(r->why, sizeof(r->why),
				 "no workload ran on both (the claim is about whole workloads, not "
				 "micro-benchmarks)");
			continue;
		}
		est_text(&e, vb, sizeof(vb));
		snprintf(r->measured, sizeof(r->measured), "workloads' geometric-mean cost %s %s (%zu workload%s)",
			 vb, m->cols[ref].label, e.n, e.n == 1 ? "" : "s");
		r->v = range_verdict(e.lo, e.hi, 0, 1.05);
		snprintf(r->why, sizeof(r->why), "%s%s",
			 r->v == V_SUPPORTED ? "the whole interval is within 5% of its native"
			 : r->v == V_CONTRADICTED ? "the whole interval is above 5% overhead"
						  : "the interval straddles 5% overhead",
			 in_world(&m->cols[c]) ? "; both sides on QEMU TCG, so the ratio is the emulated world's "
						 "(a PV hypercall or page-table update costs TCG's time there)"
					       : "");
	}
	if (!k && max) {
		untestable(&rows[0], "(all)", "no Xen platform among the result files");
		k = 1;
	}
	return k;
}

/* --- 2. full virtualization at 80-95% of native --- */

static size_t eval_fullvirt(const struct hvs_rpt_model *m, struct claim_row *rows, size_t max)
{
	size_t k = 0;

	for (size_t c = 0; c < m->ncols && k < max; c++) {
		struct claim_row *r = &rows[k];
		struct hvs_rpt_est e;
		char vb[256], pl[64], ph[64], pc[64];
		const char *pg = tag_of(&m->cols[c], "paging");
		long ref;

		if (!is_l2(&m->cols[c]))
			continue;
		k++;
		if ((ref = world_native(m, c)) < 0) {
			untestable(r, m->cols[c].label,
				   "no native of its emulated world (L1: kind kvm-amd, or Linux on QEMU TCG) "
				   "among the files");
			continue;
		}
		pair_name(r, m, c, (size_t)ref);
		if (hvs_rpt_est_vs(m, (size_t)ref, c, keep_workload, NULL, 0.05, &e) || !e.n) {
			r->v = V_UNTESTABLE;
			snprintf(r->measured, sizeof(r->measured), "–");
			snprintf(r->why, sizeof(r->why), "no workload ran on both (the claim is about whole "
							 "workloads, not micro-benchmarks)");
			continue;
		}
		est_text(&e, vb, sizeof(vb));
		snprintf(r->measured, sizeof(r->measured),
			 "%s of native [%s, %s] (cost %s, geometric mean of %zu workload%s%s%s)",
			 hvs_fmt_pct(pc, sizeof(pc), 1 / e.v), hvs_fmt_pct(pl, sizeof(pl), 1 / e.hi),
			 hvs_fmt_pct(ph, sizeof(ph), 1 / e.lo), vb, e.n, e.n == 1 ? "" : "s",
			 pg ? "; paging " : "", pg ? pg : "");
		r->v = range_verdict(1 / e.hi, 1 / e.lo, 0.80, 0.95);
		snprintf(r->why, sizeof(r->why), "%s; L2 under L1's KVM against L1, both on QEMU TCG",
			 r->v == V_SUPPORTED ? "the whole interval lies in 80-95%"
			 : r->v == V_CONTRADICTED ? "the whole interval lies outside 80-95%"
						  : "the interval straddles a bound of 80-95%");
	}
	if (!k && max) {
		char why[512], vb[256];

		snprintf(why, sizeof(why),
			 "no hardware-assisted full virtualization measured against its own native: "
			 "that needs an L2 guest beside its L1 (scripts/matrix-l2.conf)%s%s",
			 hvs_rpt_baseline_virtual(m, vb, sizeof(vb)) ? "; this host's native is itself a guest: " : "",
			 hvs_rpt_baseline_virtual(m, vb, sizeof(vb)) ? vb : "");
		untestable(&rows[0], "(all)", why);
		k = 1;
	}
	return k;
}

/* --- 3. full virtualization's cost at least 1.35x paravirtualization's --- */

#define Z95 1.959964

static size_t eval_fv_pv(const struct hvs_rpt_model *m, struct claim_row *rows, size_t max)
{
	size_t k = 0;

	for (size_t f = 0; f < m->ncols && k < max; f++) {
		long rf;

		if (!is_l2(&m->cols[f]) || (rf = world_native(m, f)) < 0)
			continue;
		for (size_t p = 0; p < m->ncols && k < max; p++) {
			struct claim_row *r = &rows[k];
			struct hvs_rpt_est ef, ep;
			struct keep_all ka;
			double d, se, lo, hi;
			char a[128], b[128], q[48], ql[48], qh[48];
			long rp;

			/* one matrix run: the same directory, the same world, one after the other */
			if (!is_xen(&m->cols[p]) || !in_world(&m->cols[p]) || !same_dir(&m->cols[p], &m->cols[f]) ||
			    (rp = world_native(m, p)) < 0)
				continue;
			k++;
			snprintf(r->platform, sizeof(r->platform), "%s/%s vs %s/%s", m->cols[f].label,
				 m->cols[rf].label, m->cols[p].label, m->cols[rp].label);
			/* the same workloads on all four columns */
			ka.m = m;
			ka.cols[0] = p;
			ka.cols[1] = (size_t)rp;
			hvs_rpt_est_vs(m, (size_t)rf, f, keep_workload_in, &ka, 0.05, &ef);
			ka.cols[0] = f;
			ka.cols[1] = (size_t)rf;
			hvs_rpt_est_vs(m, (size_t)rp, p, keep_workload_in, &ka, 0.05, &ep);
			if (!ef.n || !ep.n || !(ef.lo > 0) || !(ep.lo > 0)) {
				r->v = V_UNTESTABLE;
				snprintf(r->measured, sizeof(r->measured), "–");
				snprintf(r->why, sizeof(r->why), "no workload ran on all four");
				continue;
			}
			/* log of the ratio of the two cost ratios; its se from both CIs (normal) */
			d = log(ef.v) - log(ep.v);
			se = hypot(log(ef.hi / ef.lo), log(ep.hi / ep.lo)) / (2 * Z95);
			hvs_decide(d, se, INFINITY, 0.95, 0.35, 0.8, &lo, &hi, NULL);
			est_text(&ef, a, sizeof(a));
			est_text(&ep, b, sizeof(b));
			snprintf(r->measured, sizeof(r->measured),
				 "full virtualization %s its native, paravirtualization %s its native "
				 "(%zu workloads); full / para: %s\xc3\x97 [%s, %s]",
				 a, b, ef.n, hvs_fmt_num(q, sizeof(q), exp(d)), hvs_fmt_num(ql, sizeof(ql), lo),
				 hvs_fmt_num(qh, sizeof(qh), hi));
			r->v = range_verdict(lo, hi, 1.35, INFINITY);
			snprintf(r->why, sizeof(r->why), "%s; both inside QEMU TCG, each against its own native",
				 r->v == V_SUPPORTED ? "the whole interval is at or above 1.35"
				 : r->v == V_CONTRADICTED ? "the whole interval is below 1.35"
							  : "the interval straddles 1.35");
		}
	}
	if (!k && max) {
		untestable(&rows[0], "(all)",
			   "needs hardware-assisted full virtualization and paravirtualization in one world, "
			   "each with its native, from one matrix run: an L2 guest and its L1, and a Xen PV dom0 "
			   "on the same QEMU TCG (tests/data/claims/world.conf runs them); on this host alone "
			   "there is no "
			   "bare-metal native to put both against");
		k = 1;
	}
	return k;
}

/* --- 4. Adams & Agesen: MMU virtualization without hardware support --- */

/* the operations of the paper's nanobenchmarks that hvscope measures, by metric name */
static const char *const aa_ops[] = {
	"kvm.pf.ptemod", "kvm.cr3.switch", "kvm.pf.guest", "kvm.pf.first_touch", "mm.pagefault",
	"workload.mm.forkexec",
};

/* shadow-paging column s's nested-paging twin: same kind, paging=npt, same directory first */
static long npt_twin(const struct hvs_rpt_model *m, size_t s)
{
	const char *kind = tag_of(&m->cols[s], "kind");
	long best = -1;

	for (size_t c = 0; c < m->ncols; c++) {
		const char *k2 = tag_of(&m->cols[c], "kind");

		if (c == s || !tag_is(&m->cols[c], "paging", "npt") || !kind || !k2 || strcmp(kind, k2) ||
		    is_ring0(&m->cols[c]) != is_ring0(&m->cols[s]))
			continue;
		if (best < 0 || same_dir(&m->cols[c], &m->cols[s]))
			best = (long)c;
	}
	return best;
}

static size_t eval_aa(const struct hvs_rpt_model *m, struct claim_row *rows, size_t max)
{
	size_t k = 0;

	if (max) {
		untestable(&rows[0], "(all)",
			   "the software half: a binary-translation VMM that runs guest user code directly; "
			   "none is among the platforms (QEMU TCG translates every instruction, user code "
			   "included)");
		snprintf(rows[0].platform, sizeof(rows[0].platform), "binary translation vs hardware");
		k = 1;
	}
	for (size_t s = 0; s < m->ncols && k < max; s++) {
		long n;

		if (!tag_is(&m->cols[s], "paging", "shadow") || (n = npt_twin(m, s)) < 0)
			continue;
		for (size_t o = 0; o < HVS_ARRAY_SIZE(aa_ops) && k < max; o++) {
			struct claim_row *r = &rows[k];
			struct hvs_rpt_est e;
			char vb[128];

			if (hvs_rpt_est_vs(m, (size_t)n, s, keep_name, (void *)aa_ops[o], 0.05, &e) || !e.n)
				continue;
			k++;
			snprintf(r->platform, sizeof(r->platform), "%s vs %s: %s", m->cols[s].label,
				 m->cols[n].label, aa_ops[o]);
			est_text(&e, vb, sizeof(vb));
			snprintf(r->measured, sizeof(r->measured), "shadow paging costs %s nested paging", vb);
			r->v = e.verdict == HVS_V_SLOWER ? V_SUPPORTED
			       : e.verdict == HVS_V_INCONCLUSIVE ? V_INCONCLUSIVE
								 : V_CONTRADICTED;
			snprintf(r->why, sizeof(r->why), "%s (the analysis module's verdict at 5%%)%s",
				 r->v == V_SUPPORTED ? "without hardware MMU support the operation costs more: the "
						       "paper's reason the hardware VMM lost"
				 : r->v == V_CONTRADICTED ? "shadow paging is not costlier here"
							  : "the interval straddles the 5% threshold",
				 in_world(&m->cols[s]) ? "; KVM on QEMU TCG's emulated SVM: the exit counts are "
							 "KVM's, each exit costs TCG's time"
						       : "");
		}
	}
	if (k == 1 && k < max) {
		untestable(&rows[1], "(all)",
			   "the hardware half needs one KVM with shadow and with nested paging "
			   "(scripts/matrix-kvm-paging.conf, or the L2 targets of scripts/matrix-l2.conf)");
		snprintf(rows[1].platform, sizeof(rows[1].platform), "shadow vs nested paging");
		k = 2;
	}
	return k;
}

/* --- 5. Agesen et al.: exits are expensive (kvm-unit-tests' vmexit style) --- */

static const struct {
	const char *exit, *noexit;
} exit_pairs[] = {
	{ "exit.cpuid.0", "exit.rdtsc.rdtsc" },
	{ "kvm.cpuid.0", "kvm.rdtsc" },
};

static const struct hvs_metric *cell(const struct hvs_rpt_model *m, size_t c, const char *name)
{
	long j = hvs_metrics_find(&m->cols[c].metrics, name);

	return j >= 0 && hvs_rpt_usable(&m->cols[c].metrics.v[j]) ? &m->cols[c].metrics.v[j] : NULL;
}

static size_t eval_exits(const struct hvs_rpt_model *m, struct claim_row *rows, size_t max)
{
	size_t k = 0;

	for (size_t c = 0; c < m->ncols && k < max; c++) {
		const char *s = summary_of(&m->cols[c]);
		struct claim_row *r = &rows[k];
		const struct hvs_metric *a = NULL, *b = NULL;
		char x[96], y[96], q[48];

		for (size_t i = 0; i < HVS_ARRAY_SIZE(exit_pairs) && !(a && b); i++) {
			a = cell(m, c, exit_pairs[i].exit);
			b = cell(m, c, exit_pairs[i].noexit);
		}
		if (!a || !b || b->summary.median <= 0)
			continue;
		k++;
		snprintf(r->platform, sizeof(r->platform), "%s", m->cols[c].label);
		hvs_fmt_ci(x, sizeof(x), a->summary.median, a->summary.ci_lo, a->summary.ci_hi, a->unit,
			   HVS_U_UTF8);
		hvs_fmt_ci(y, sizeof(y), b->summary.median, b->summary.ci_lo, b->summary.ci_hi, b->unit,
			   HVS_U_UTF8);
		snprintf(r->measured, sizeof(r->measured), "CPUID %s, RDTSC %s: %s\xc3\x97", x, y,
			 hvs_fmt_num(q, sizeof(q), a->summary.median / b->summary.median));
		if (is_bare(s)) {
			r->v = V_UNTESTABLE;
			snprintf(r->why, sizeof(r->why), "no hypervisor here (%s): no exits to measure", s);
		} else if (!is_ring0(&m->cols[c]) && !is_l2(&m->cols[c]) && in_world(&m->cols[c])) {
			r->v = V_UNTESTABLE;
			snprintf(r->why, sizeof(r->why),
				 "an emulated CPU (%s) has no hardware VM exits: CPUID is emulated in-process", s);
		} else if (a->summary.ci_lo > 10 * b->summary.ci_hi) {
			r->v = V_SUPPORTED;
			snprintf(r->why, sizeof(r->why), "a CPUID (always an exit) costs over 10x an RDTSC (no exit), "
							 "intervals apart%s",
				 in_world(&m->cols[c]) ? "; KVM on QEMU TCG's emulated SVM" : "");
		} else if (a->summary.ci_hi < 10 * b->summary.ci_lo) {
			r->v = V_CONTRADICTED;
			snprintf(r->why, sizeof(r->why), "a CPUID costs under 10x an RDTSC, intervals apart");
		} else {
			r->v = V_INCONCLUSIVE;
			snprintf(r->why, sizeof(r->why), "the intervals straddle 10x");
		}
	}
	/* inside the emulated world: the same CPUID as an exit (L2) and emulated in-process (L1) */
	for (size_t c = 0; c < m->ncols && k < max; c++) {
		struct claim_row *r = &rows[k];
		struct hvs_rpt_est e;
		char vb[128];
		long ref;

		if (!is_l2(&m->cols[c]) || (ref = world_native(m, c)) < 0 ||
		    hvs_rpt_est_vs(m, (size_t)ref, c, keep_name, (void *)"exit.cpuid.0", 0.05, &e) || !e.n)
			continue;
		k++;
		pair_name(r, m, c, (size_t)ref);
		est_text(&e, vb, sizeof(vb));
		snprintf(r->measured, sizeof(r->measured), "exit.cpuid.0 costs %s its native", vb);
		r->v = range_verdict(e.lo, e.hi, 10, INFINITY);
		snprintf(r->why, sizeof(r->why), "%s; the same instruction as an exit to L1's KVM and as TCG's in-process "
						 "emulation",
			 r->v == V_SUPPORTED ? "over 10x, the whole interval"
			 : r->v == V_CONTRADICTED ? "under 10x, the whole interval"
						  : "the interval straddles 10x");
	}
	if (!k && max) {
		untestable(&rows[0], "(all)", "exit.cpuid.0 and exit.rdtsc.rdtsc (or the ring-0 kvm.cpuid.0 and "
					       "kvm.rdtsc) measured on no platform");
		k = 1;
	}
	return k;
}

static const struct claim claims[] = {
	{ "P. Barham et al., Xen and the Art of Virtualization, SOSP 2003",
	  "\"we allow operating systems such as Linux and Windows XP to be hosted simultaneously for a "
	  "negligible performance overhead — at most a few percent compared with the unvirtualized case\"",
	  "Xen PV against its own native: geometric mean of the workloads' cost ratios, 95% CI; "
	  "\"a few percent\" taken as 5%",
	  eval_xen },
	{ "A figure for full virtualization repeated since the Xen paper (Barham et al., SOSP 2003); no "
	  "single source's sentence is quoted",
	  "full virtualization runs at 80-95% of native",
	  "hardware-assisted full virtualization (L2 under KVM) against its native (L1): performance "
	  "= 1 / the workloads' geometric-mean cost ratio, 95% CI inside [80%, 95%]",
	  eval_fullvirt },
	{ "The comparison Barham et al., SOSP 2003 drew (Xen against VMware-style full virtualization), "
	  "as it is repeated since; no single source's sentence is quoted",
	  "full virtualization's overhead is at least 35% above paravirtualization's",
	  "in one world and one matrix run, (full virtualization's cost / its native) over (Xen PV's "
	  "cost / its native), over the workloads all four ran, the interval from both ratios' "
	  "(normal approximation): 95% CI at or above 1.35",
	  eval_fv_pv },
	{ "K. Adams, O. Agesen, A Comparison of Software and Hardware Techniques for x86 "
	  "Virtualization, ASPLOS 2006",
	  "\"the hardware VMM often suffers lower performance than the pure software VMM\"; the "
	  "hardware \"offers no support for MMU virtualization\"",
	  "page-table updates (ptemod), context switches (cr3) and faults under one KVM with shadow "
	  "paging (the paper's hardware VMM) against nested paging (the MMU support it looks ahead "
	  "to): the analysis module's verdict at 5%",
	  eval_aa },
	{ "O. Agesen, J. Mattson, R. Rugina, J. Sheldon, Software Techniques for Avoiding Hardware "
	  "Virtualization Exits, USENIX ATC 2012; kvm-unit-tests' x86/vmexit.c",
	  "\"virtualization exits are expensive\"",
	  "per platform, CPUID (an exit under VT-x/SVM) against RDTSC (no exit unless the TSC is "
	  "trapped), over 10x with the intervals apart; in the emulated world, L2's CPUID (an exit) "
	  "against L1's (emulated), over 10x",
	  eval_exits },
};

#define MAX_ROWS 24 /* rows per claim on the page */

static const char world_note[] =
	"The emulated world: this machine offers no VT-x/SVM to a guest of its own, so the matrix "
	"builds one inside QEMU TCG: L1 (Linux on TCG's emulated SVM, kind kvm-amd) is that world's "
	"native, L2 (Linux under L1's KVM, nested or shadow paging) its hardware-assisted full "
	"virtualization, a Xen PV dom0 on TCG its paravirtualization. Each is compared only with "
	"that world's native, never with this host's. What it can show: ratios inside one world "
	"(how many exits, page-table traps and hypercalls an operation takes, and their relative "
	"weight). What it cannot: absolute costs (a VM exit costs TCG's tens of microseconds, not "
	"silicon's hundreds of nanoseconds), TLB and cache effects of real hardware, or the "
	"hardware of any year the papers measured; a ratio that rests on exit cost overstates it.";

static int any_world(const struct hvs_rpt_model *m)
{
	for (size_t c = 0; c < m->ncols; c++)
		if (in_world(&m->cols[c]))
			return 1;
	return 0;
}

int hvs_report_claims_html(const struct hvs_rpt_model *m, FILE *f)
{
	struct claim_row rows[MAX_ROWS];

	fputs("<h2 id=claims>Claims from the literature</h2>\n<p class=note>Each claim as its source "
	      "states it, beside what these result files show. Verdicts come from the data (ratios "
	      "and 95% intervals from the analysis module): supported, contradicted, inconclusive "
	      "(the interval straddles the claim's number) or not testable here, with why.</p>\n",
	      f);
	if (any_world(m)) {
		fputs("<p class=note>", f);
		hvs_esc_html(f, world_note);
		fputs("</p>\n", f);
	}
	fputs("<table class=claims><thead><tr><th class=l>claim</th><th class=l>"
	      "platform</th><th class=l>measured</th><th class=l>verdict</th></tr></thead><tbody>\n",
	      f);
	for (size_t i = 0; i < HVS_ARRAY_SIZE(claims); i++) {
		size_t n;

		memset(rows, 0, sizeof(rows));
		n = claims[i].eval(m, rows, MAX_ROWS);
		for (size_t k = 0; k < n; k++) {
			fputs("<tr>", f);
			if (!k) {
				fprintf(f, "<td class=l rowspan=%zu style=\"white-space:normal;max-width:28em\">", n);
				hvs_esc_html(f, claims[i].quote);
				fputs("<br><small>", f);
				hvs_esc_html(f, claims[i].cite);
				fputs("<br>test: ", f);
				hvs_esc_html(f, claims[i].test);
				fputs("</small></td>", f);
			}
			fputs("<td class=l>", f);
			hvs_esc_html(f, rows[k].platform);
			fputs("</td><td class=l style=\"white-space:normal\">", f);
			hvs_esc_html(f, rows[k].measured);
			fprintf(f, "</td><td class=l style=\"white-space:normal\"><strong>%s</strong>: ",
				verdict_name[rows[k].v]);
			hvs_esc_html(f, rows[k].why);
			fputs("</td></tr>\n", f);
		}
	}
	fputs("</tbody></table>\n", f);
	for (size_t i = 0; i < HVS_ARRAY_SIZE(claims); i++)
		if (claims[i].eval(m, rows, MAX_ROWS) == MAX_ROWS) {
			fprintf(f, "<p class=note>A claim has more rows than the %d shown; report fewer result "
				   "files together to see them all.</p>\n",
				MAX_ROWS);
			break;
		}
	return ferror(f) ? -EIO : 0;
}

int hvs_report_claims_md(const struct hvs_rpt_model *m, FILE *f)
{
	struct claim_row rows[MAX_ROWS];

	fputs("\n## Claims from the literature\n\n", f);
	if (any_world(m)) {
		hvs_esc_md(f, world_note);
		fputs("\n\n", f);
	}
	fputs("| claim | platform | measured | verdict |\n|---|---|---|---|\n", f);
	for (size_t i = 0; i < HVS_ARRAY_SIZE(claims); i++) {
		size_t n;

		memset(rows, 0, sizeof(rows));
		n = claims[i].eval(m, rows, MAX_ROWS);
		for (size_t k = 0; k < n; k++) {
			fputs("| ", f);
			if (!k) {
				hvs_esc_md(f, claims[i].quote);
				fputs(" (", f);
				hvs_esc_md(f, claims[i].cite);
				fputs(")", f);
			}
			fputs(" | ", f);
			hvs_esc_md(f, rows[k].platform);
			fputs(" | ", f);
			hvs_esc_md(f, rows[k].measured);
			fprintf(f, " | **%s**: ", verdict_name[rows[k].v]);
			hvs_esc_md(f, rows[k].why);
			fputs(" |\n", f);
		}
	}
	return ferror(f) ? -EIO : 0;
}
