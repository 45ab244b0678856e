/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * claims.c - what the literature states beside what this report measured.
 *
 * Each claim is typed in with its citation and the sentence it rests on
 * (quoted from the paper's abstract); everything else on a row comes from
 * the model: the measured value with its interval, and a verdict per
 * platform: supported, contradicted, inconclusive (the interval straddles
 * the claim's threshold), or not testable here, with why (from the
 * platform's fingerprint: an emulated CPU has no VM exits, a Xen on QEMU TCG
 * measures emulation, not paravirtualization, ...).
 */
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
	const char *platform; /* column label, or NULL: the whole report */
	enum verdict v;
	char measured[768];
	char why[1024];
};

struct claim {
	const char *cite;  /* authors, title, venue, year */
	const char *quote; /* the sentence of the abstract the claim rests on */
	const char *test;  /* how this report tests it */
	/* fill up to max rows; returns the number filled */
	size_t (*eval)(const struct hvs_rpt_model *m, struct claim_row *rows, size_t max);
};

static const char *summary_of(const struct hvs_rpt_column *c)
{
	return c->summary && *c->summary ? c->summary : "unknown";
}

static int is_bare(const char *s)
{
	return !strcmp(s, "none") || strstr(s, "no hypervisor") || strstr(s, "bare metal");
}

static int is_emulated(const char *s)
{
	return strstr(s, "TCG") != NULL;
}

static long find_row(const struct hvs_rpt_model *m, const char *name)
{
	for (size_t r = 0; r < m->nrows; r++)
		if (!strcmp(m->rows[r].name, name))
			return (long)r;
	return -1;
}

/* Barham et al.: Xen's overhead is at most a few percent (taken as 5%) of the unvirtualized case. */
static size_t eval_xen(const struct hvs_rpt_model *m, struct claim_row *rows, size_t max)
{
	size_t k = 0;
	char vb[512];

	for (size_t c = 0; c < m->ncols && k < max; c++) {
		const char *s = summary_of(&m->cols[c]);
		struct claim_row *r = &rows[k];
		double g, lo, hi;
		size_t n;

		if (!strstr(s, "Xen"))
			continue;
		r->platform = m->cols[c].label;
		k++;
		if (m->baseline < 0 || (int)c == m->baseline) {
			r->v = V_UNTESTABLE;
			snprintf(r->measured, sizeof(r->measured), "–");
			snprintf(r->why, sizeof(r->why), "needs a native baseline (--baseline) to compare with");
			continue;
		}
		g = hvs_rpt_geomean_ci(m, c, "workload", &lo, &hi, &n);
		hvs_rpt_ratio_text(g, lo, hi, vb, sizeof(vb));
		if (isfinite(g))
			snprintf(r->measured, sizeof(r->measured),
				 "workloads' geometric-mean cost %s × %s (%zu workloads)", vb,
				 m->cols[m->baseline].label, n);
		else
			snprintf(r->measured, sizeof(r->measured), "no workload measured on both");
		if (!isfinite(g)) {
			r->v = V_UNTESTABLE;
			snprintf(r->why, sizeof(r->why), "no workload metric on both this platform and the baseline");
		} else if (is_emulated(s)) {
			r->v = V_UNTESTABLE;
			snprintf(r->why, sizeof(r->why),
				 "this Xen (%s) runs on an emulated CPU, so its cost against the baseline measures "
				 "emulation, not paravirtualization",
				 s);
		} else if (hvs_rpt_baseline_virtual(m, vb, sizeof(vb))) {
			r->v = V_UNTESTABLE;
			snprintf(r->why, sizeof(r->why), "the baseline is not the unvirtualized case (%s)", vb);
		} else if (hi <= 1.05) {
			r->v = V_SUPPORTED;
			snprintf(r->why, sizeof(r->why), "the whole interval is within 5%% of the baseline");
		} else if (lo > 1.05) {
			r->v = V_CONTRADICTED;
			snprintf(r->why, sizeof(r->why), "the whole interval is above 5%% overhead");
		} else {
			r->v = V_INCONCLUSIVE;
			snprintf(r->why, sizeof(r->why), "the interval straddles 5%% overhead");
		}
	}
	if (!k && max) {
		rows[0].platform = NULL;
		rows[0].v = V_UNTESTABLE;
		snprintf(rows[0].measured, sizeof(rows[0].measured), "–");
		snprintf(rows[0].why, sizeof(rows[0].why), "no Xen platform among the result files");
		k = 1;
	}
	return k;
}

/* Adams & Agesen: hardware VMM vs software (binary-translation) VMM. */
static size_t eval_bt(const struct hvs_rpt_model *m, struct claim_row *rows, size_t max)
{
	(void)m;
	if (!max)
		return 0;
	rows[0].platform = NULL;
	rows[0].v = V_UNTESTABLE;
	snprintf(rows[0].measured, sizeof(rows[0].measured), "–");
	snprintf(rows[0].why, sizeof(rows[0].why),
		 "it compares a binary-translation VMM that runs guest user code directly with a "
		 "hardware-assisted one on the same machine; no such software VMM is among the platforms "
		 "(QEMU TCG translates every instruction, user code included)");
	return 1;
}

/* Agesen et al.: VM exits are expensive. CPUID always exits under VT-x/SVM; RDTSC usually does not. */
static size_t eval_exits(const struct hvs_rpt_model *m, struct claim_row *rows, size_t max)
{
	long rc = find_row(m, "exit.cpuid.0"), rt = find_row(m, "exit.rdtsc.rdtsc");
	size_t k = 0;

	for (size_t c = 0; c < m->ncols && k < max; c++) {
		const char *s = summary_of(&m->cols[c]);
		struct claim_row *r = &rows[k++];
		const struct hvs_metric *a = rc >= 0 ? m->rows[rc].cell[c] : NULL;
		const struct hvs_metric *b = rt >= 0 ? m->rows[rt].cell[c] : NULL;
		char x[96], y[96], q[48];
		double ratio;

		r->platform = m->cols[c].label;
		if (!hvs_rpt_usable(a) || !hvs_rpt_usable(b) || b->summary.median <= 0) {
			r->v = V_UNTESTABLE;
			snprintf(r->measured, sizeof(r->measured), "–");
			snprintf(r->why, sizeof(r->why), "exit.cpuid.0 or exit.rdtsc.rdtsc not measured here");
			continue;
		}
		hvs_fmt_ci(x, sizeof(x), a->summary.median, a->summary.ci_lo, a->summary.ci_hi, a->unit,
			   HVS_U_UTF8);
		hvs_fmt_ci(y, sizeof(y), b->summary.median, b->summary.ci_lo, b->summary.ci_hi, b->unit,
			   HVS_U_UTF8);
		ratio = a->summary.median / b->summary.median;
		snprintf(r->measured, sizeof(r->measured), "CPUID %s, RDTSC %s: %s\xc3\x97", x, y,
			 hvs_fmt_num(q, sizeof(q), ratio));
		if (is_bare(s)) {
			r->v = V_UNTESTABLE;
			snprintf(r->why, sizeof(r->why), "no hypervisor here (%s): no exits to measure", s);
		} else if (is_emulated(s)) {
			r->v = V_UNTESTABLE;
			snprintf(r->why, sizeof(r->why),
				 "an emulated CPU (%s) has no hardware VM exits: CPUID is emulated in-process", s);
		} else if (a->summary.ci_lo > 10 * b->summary.ci_hi) {
			r->v = V_SUPPORTED;
			snprintf(r->why, sizeof(r->why),
				 "under %s a CPUID (always an exit) costs over 10x an RDTSC (no exit), "
				 "intervals apart",
				 s);
		} else if (a->summary.ci_hi < 10 * b->summary.ci_lo) {
			r->v = V_CONTRADICTED;
			snprintf(r->why, sizeof(r->why), "under %s a CPUID costs under 10x an RDTSC", s);
		} else {
			r->v = V_INCONCLUSIVE;
			snprintf(r->why, sizeof(r->why), "the intervals straddle 10x");
		}
	}
	return k;
}

static const struct claim claims[] = {
	{ "P. Barham et al., Xen and the Art of Virtualization, SOSP 2003",
	  "\"we allow operating systems such as Linux and Windows XP to be hosted simultaneously for a "
	  "negligible performance overhead — at most a few percent compared with the unvirtualized case\"",
	  "geometric mean of the workloads' cost ratios against the baseline, 95% CI; "
	  "\"a few percent\" taken as 5%",
	  eval_xen },
	{ "K. Adams, O. Agesen, A Comparison of Software and Hardware Techniques for x86 "
	  "Virtualization, ASPLOS 2006",
	  "\"the hardware VMM often suffers lower performance than the pure software VMM\"",
	  "the same operations (page-table updates, context switches, faults) under a software and a "
	  "hardware VMM",
	  eval_bt },
	{ "O. Agesen, J. Mattson, R. Rugina, J. Sheldon, Software Techniques for Avoiding Hardware "
	  "Virtualization Exits, USENIX ATC 2012",
	  "\"virtualization exits are expensive\"",
	  "per platform, exit.cpuid.0 (an exit under VT-x/SVM) against exit.rdtsc.rdtsc (no exit "
	  "unless the TSC is trapped): over 10x with the intervals apart",
	  eval_exits },
};

#define MAX_ROWS 16 /* platforms per claim on the page; the rest are counted */

int hvs_report_claims_html(const struct hvs_rpt_model *m, FILE *f)
{
	struct claim_row rows[MAX_ROWS];

	fputs("<h2 id=claims>Claims from the literature</h2>\n<p class=note>Each claim as its paper's "
	      "abstract states it, beside what these result files show. Verdicts come from the data: "
	      "supported, contradicted, inconclusive (the interval straddles the threshold) or not "
	      "testable here, with why.</p>\n<table class=claims><thead><tr><th class=l>claim</th><th class=l>"
	      "platform</th><th class=l>measured</th><th class=l>verdict</th></tr></thead><tbody>\n",
	      f);
	for (size_t i = 0; i < HVS_ARRAY_SIZE(claims); i++) {
		size_t n = claims[i].eval(m, rows, MAX_ROWS);

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
			hvs_esc_html(f, rows[k].platform ? rows[k].platform : "(all)");
			fputs("</td><td class=l style=\"white-space:normal\">", f);
			hvs_esc_html(f, rows[k].measured);
			fprintf(f, "</td><td class=l style=\"white-space:normal\"><strong>%s</strong>: ", verdict_name[rows[k].v]);
			hvs_esc_html(f, rows[k].why);
			fputs("</td></tr>\n", f);
		}
	}
	fputs("</tbody></table>\n", f);
	if (m->ncols > MAX_ROWS)
		fprintf(f, "<p class=note>Claims are shown for the first %d platforms of %zu.</p>\n", MAX_ROWS,
			m->ncols);
	return ferror(f) ? -EIO : 0;
}

int hvs_report_claims_md(const struct hvs_rpt_model *m, FILE *f)
{
	struct claim_row rows[MAX_ROWS];

	fputs("\n## Claims from the literature\n\n| claim | platform | measured | verdict |\n|---|---|---|---|\n", f);
	for (size_t i = 0; i < HVS_ARRAY_SIZE(claims); i++) {
		size_t n = claims[i].eval(m, rows, MAX_ROWS);

		for (size_t k = 0; k < n; k++) {
			fputs("| ", f);
			if (!k) {
				hvs_esc_md(f, claims[i].quote);
				fputs(" (", f);
				hvs_esc_md(f, claims[i].cite);
				fputs(")", f);
			}
			fputs(" | ", f);
			hvs_esc_md(f, rows[k].platform ? rows[k].platform : "(all)");
			fputs(" | ", f);
			hvs_esc_md(f, rows[k].measured);
			fprintf(f, " | **%s**: ", verdict_name[rows[k].v]);
			hvs_esc_md(f, rows[k].why);
			fputs(" |\n", f);
		}
	}
	return ferror(f) ? -EIO : 0;
}
