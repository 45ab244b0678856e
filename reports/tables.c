/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tables.c - the comparison table as CSV (tidy: one line per metric and
 * result file, raw SI numbers), Markdown and LaTeX (booktabs, siunitx).
 *
 * A cell is the median and its 95% CI in the unit of the median, 3
 * significant digits (core/units.h: ± only when symmetric, else [low,
 * high]). Every string from a result file goes through escape.h.
 */
#include "core/units.h"
#include "escape.h"
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *flag_names(unsigned fl, char *buf, size_t len)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ HVS_MF_STEAL, "steal" },         { HVS_MF_NO_COUNTERS, "no-counters" },
		{ HVS_MF_SKIPPED, "skipped" },     { HVS_MF_TIMEOUT, "timeout" },
		{ HVS_MF_HISTOGRAM, "histogram" },
	};
	size_t off = 0;

	buf[0] = 0;
	for (size_t i = 0; i < HVS_ARRAY_SIZE(names); i++)
		if ((fl & names[i].bit) && off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? " " : "", names[i].name);
	return buf;
}

static void csv_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, ",%.9g", v);
	else
		fputs(",", f);
}

int hvs_report_csv(const struct hvs_rpt_model *m, FILE *f)
{
	fputs("metric,unit,class,direction,column,file,median,ci_lo,ci_hi,mad,mean,min,max,n,"
	      "outliers,outcome,flags,reason,cost_ratio,cost_ratio_lo,cost_ratio_hi\n",
	      f);
	for (size_t r = 0; r < m->nrows; r++) {
		const struct hvs_rpt_row *row = &m->rows[r];

		for (size_t c = 0; c < m->ncols; c++) {
			const struct hvs_metric *mt = row->cell[c];
			char fl[96];
			double lo, hi, ratio;

			if (!mt)
				continue;
			hvs_esc_csv(f, row->name);
			fputc(',', f);
			hvs_esc_csv(f, row->unit);
			fputc(',', f);
			hvs_esc_csv(f, row->klass);
			fprintf(f, ",%s,", row->direction == HVS_HIGHER_IS_BETTER ? "higher" : "lower");
			hvs_esc_csv(f, m->cols[c].label);
			fputc(',', f);
			hvs_esc_csv(f, m->cols[c].file);
			if (mt->summary.n) {
				csv_num(f, mt->summary.median);
				csv_num(f, mt->summary.ci_lo);
				csv_num(f, mt->summary.ci_hi);
				csv_num(f, mt->summary.mad);
				csv_num(f, mt->summary.mean);
				csv_num(f, mt->summary.min);
				csv_num(f, mt->summary.max);
				fprintf(f, ",%zu,%zu", mt->summary.n, mt->summary.outliers);
			} else {
				fputs(",,,,,,,,0,0", f);
			}
			fprintf(f, ",%s,%s,", hvs_outcome_name(mt->outcome), flag_names(mt->flags, fl, sizeof(fl)));
			hvs_esc_csv(f, mt->reason);
			ratio = hvs_rpt_ratio(m, r, c, &lo, &hi);
			csv_num(f, ratio);
			csv_num(f, lo);
			csv_num(f, hi);
			fputc('\n', f);
		}
	}
	return ferror(f) ? -EIO : 0;
}

void hvs_rpt_row_scale(const struct hvs_rpt_model *m, size_t r, enum hvs_ustyle st, struct hvs_uscale *sc)
{
	double ref = 0;

	for (size_t c = 0; c < m->ncols; c++)
		if (hvs_rpt_usable(m->rows[r].cell[c]))
			ref = fmax(ref, fabs(m->rows[r].cell[c]->summary.median));
	hvs_unit_pick(m->rows[r].unit, ref, st, sc);
}

void hvs_rpt_cell_text(const struct hvs_metric *mt, const struct hvs_uscale *sc, enum hvs_ustyle st,
		       char *buf, size_t len)
{
	char v[128];

	if (!mt) {
		snprintf(buf, len, "–");
		return;
	}
	if (!hvs_rpt_usable(mt)) {
		snprintf(buf, len, "%s", mt->outcome == HVS_PASS ? "no data" : hvs_outcome_name(mt->outcome));
		return;
	}
	if (sc)
		hvs_fmt_ci_bare(v, sizeof(v), mt->summary.median / sc->div, mt->summary.ci_lo / sc->div,
				mt->summary.ci_hi / sc->div, st);
	else
		hvs_fmt_ci(v, sizeof(v), mt->summary.median, mt->summary.ci_lo, mt->summary.ci_hi, mt->unit, st);
	snprintf(buf, len, "%s%s", v, (mt->flags & HVS_MF_STEAL) ? " †" : "");
}

void hvs_rpt_ratio_text(double v, double lo, double hi, char *buf, size_t len)
{
	if (!isfinite(v))
		snprintf(buf, len, "–");
	else
		hvs_fmt_ci_bare(buf, len, v, lo, hi, HVS_U_UTF8);
}

static void cell_text(const struct hvs_metric *mt, const struct hvs_uscale *sc, char *buf, size_t len)
{
	hvs_rpt_cell_text(mt, sc, HVS_U_UTF8, buf, len);
}

static void ratio_text(double v, double lo, double hi, char *buf, size_t len)
{
	hvs_rpt_ratio_text(v, lo, hi, buf, len);
}

int hvs_report_markdown(const struct hvs_rpt_model *m, FILE *f)
{
	char buf[160];

	fputs("# hvscope report\n\n## Platforms\n\n| # | column | fingerprint | host | file |\n|---|---|---|---|---|\n", f);
	for (size_t c = 0; c < m->ncols; c++) {
		const struct hvs_rpt_column *col = &m->cols[c];

		fprintf(f, "| %zu | ", c + 1);
		hvs_esc_md(f, col->label);
		fputs((int)c == m->baseline ? " (baseline) | " : " | ", f);
		hvs_esc_md(f, col->summary ? col->summary : "unknown");
		fputs(" | ", f);
		hvs_esc_md(f, col->hostname ? col->hostname : "");
		fputs(" | ", f);
		hvs_esc_md(f, col->raw_name ? col->raw_name : col->file);
		fputs(" |\n", f);
	}
	fputs("\n## Medians\n\nEach cell: median and its 95% confidence interval, as ± when symmetric, "
	      "else [low, high], in the unit of the median († = steal time above threshold).\n\n| metric |",
	      f);
	for (size_t c = 0; c < m->ncols; c++) {
		fputc(' ', f);
		hvs_esc_md(f, m->cols[c].label);
		fputs(" |", f);
	}
	fputs("\n|---|", f);
	for (size_t c = 0; c < m->ncols; c++)
		fputs("---:|", f);
	fputc('\n', f);
	for (size_t r = 0; r < m->nrows; r++) {
		fputs("| ", f);
		hvs_esc_md(f, m->rows[r].name);
		fputs(" |", f);
		for (size_t c = 0; c < m->ncols; c++) {
			cell_text(m->rows[r].cell[c], NULL, buf, sizeof(buf));
			fprintf(f, " %s |", buf);
		}
		fputc('\n', f);
	}
	if (m->baseline >= 0 && m->ncols > 1) {
		char vb[512];

		fputs("\n## Relative to ", f);
		hvs_esc_md(f, m->cols[m->baseline].label);
		if (hvs_rpt_baseline_virtual(m, vb, sizeof(vb))) {
			fputs("\n\n**Baseline is virtualized:** ", f);
			hvs_esc_md(f, vb);
			fputc('.', f);
		}
		fputs("\n\nCost ratio (time, or 1/throughput, relative to the baseline: > 1 is worse) "
		      "with its 95% CI, simultaneous over the metrics, as `hvscope compare` computes it; the geometric "
		      "mean is compare's precision-weighted one with its 95% CI.\n\n| metric |",
		      f);
		for (size_t c = 0; c < m->ncols; c++) {
			if ((int)c == m->baseline)
				continue;
			fputc(' ', f);
			hvs_esc_md(f, m->cols[c].label);
			fputs(" |", f);
		}
		fputs("\n|---|", f);
		for (size_t c = 1; c < m->ncols; c++)
			fputs("---:|", f);
		fputc('\n', f);
		for (size_t r = 0; r < m->nrows; r++) {
			fputs("| ", f);
			hvs_esc_md(f, m->rows[r].name);
			fputs(" |", f);
			for (size_t c = 0; c < m->ncols; c++) {
				double lo, hi, v;

				if ((int)c == m->baseline)
					continue;
				v = hvs_rpt_ratio(m, r, c, &lo, &hi);
				ratio_text(v, lo, hi, buf, sizeof(buf));
				fprintf(f, " %s |", buf);
			}
			fputc('\n', f);
		}
		fputs("| **geometric mean** (95% CI) |", f);
		for (size_t c = 0; c < m->ncols; c++) {
			size_t n;
			double g, lo, hi;

			if ((int)c == m->baseline)
				continue;
			g = hvs_rpt_geomean_ci(m, c, NULL, &lo, &hi, &n);
			ratio_text(g, lo, hi, buf, sizeof(buf));
			if (isfinite(g))
				fprintf(f, " **%s** (%zu metrics) |", buf, n);
			else
				fputs(" – |", f);
		}
		fputc('\n', f);
	}
	hvs_report_claims_md(m, f);
	return ferror(f) ? -EIO : 0;
}

/*
 * LaTeX. The single-column tables (table.tex, normalized.tex) fit a 3.3 in
 * column: medians (or ratios) only, in siunitx S columns aligned on the
 * decimal point, the unit beside each metric, class names as group rows,
 * long names breakable. The table* variants (table-wide.tex,
 * normalized-wide.tex) add each value's 95% interval.
 */

/* Decimal format of a number string: integer digits and decimals (for table-format). */
static void num_shape(const char *s, int *ints, int *decs, int *neg)
{
	const char *dot = strchr(s, '.');
	int i = 0, d = 0;

	if (*s == '-') {
		*neg = 1;
		s++;
	}
	for (const char *p = s; *p && p != dot; p++)
		i += *p >= '0' && *p <= '9';
	if (dot)
		d = (int)strlen(dot + 1);
	*ints = i > *ints ? i : *ints;
	*decs = d > *decs ? d : *decs;
}

/* Value of row r, column c as shown: median in the row's unit, or a ratio. */
static int latex_value(const struct hvs_rpt_model *m, size_t r, size_t c, int ratio,
		       const struct hvs_uscale *sc, char *buf, size_t len, double *lo, double *hi)
{
	const struct hvs_metric *mt = m->rows[r].cell[c];
	double v;

	*lo = *hi = NAN;
	if (ratio) {
		v = hvs_rpt_ratio(m, r, c, lo, hi);
	} else {
		if (!hvs_rpt_usable(mt))
			return 0;
		v = mt->summary.median / sc->div;
		*lo = mt->summary.ci_lo / sc->div;
		*hi = mt->summary.ci_hi / sc->div;
	}
	if (!isfinite(v))
		return 0;
	hvs_fmt_num(buf, len, v);
	return 1;
}

/* A cell that is no number: braced so siunitx leaves it alone. */
static void latex_nonnum(FILE *f, const struct hvs_rpt_model *m, size_t r, size_t c, int ratio)
{
	const struct hvs_metric *mt = m->rows[r].cell[c];

	if (!mt || ratio)
		fputs("{--}", f);
	else
		fprintf(f, "{\\emph{%s}}", mt->outcome == HVS_PASS ? "no data" : hvs_outcome_name(mt->outcome));
}

/* The row's metric name without its class prefix, and its unit. */
static void latex_metric(FILE *f, const struct hvs_rpt_model *m, size_t r, const struct hvs_uscale *sc)
{
	const char *n = m->rows[r].name, *k = m->rows[r].klass;
	size_t kl = strlen(k);

	if (!strncmp(n, k, kl) && n[kl] == '.' && n[kl + 1])
		n += kl + 1;
	hvs_esc_latex_break(f, n);
	if (sc && *sc->unit) {
		fputs(" (", f);
		fputs(sc->unit, f); /* ours: \si{...}, \% or escaped below */
		fputc(')', f);
	}
}

static int latex_col_shown(const struct hvs_rpt_model *m, size_t c, int ratio)
{
	return !ratio || (int)c != m->baseline;
}

/* LaTeX-safe unit of a row (units from result files may hold anything). */
static void latex_unit(const struct hvs_rpt_model *m, size_t r, struct hvs_uscale *sc)
{
	hvs_rpt_row_scale(m, r, HVS_U_LATEX, sc);
	if (sc->kind == HVS_UK_COUNT || sc->kind == HVS_UK_PLAIN) {
		/* not a \si unit: escape the text */
		char *buf = NULL;
		size_t len = 0;
		FILE *mf = open_memstream(&buf, &len);

		if (!mf) {
			sc->unit[0] = 0;
			return;
		}
		if (strcmp(sc->unit, "\\%"))
			hvs_esc_latex(mf, sc->unit);
		else
			fputs("\\%", mf);
		fclose(mf);
		snprintf(sc->unit, sizeof(sc->unit), "%s", buf && strlen(buf) < sizeof(sc->unit) ? buf : "");
		free(buf);
	}
}

static void latex_head(FILE *f, const struct hvs_rpt_model *m, const char *file, const char *what,
		       int ratio, int wide)
{
	size_t n = 0;
	char vb[512];

	for (size_t c = 0; c < m->ncols; c++)
		n += latex_col_shown(m, c, ratio);
	fprintf(f, "%% %s - written by hvscope report: %s.\n"
		   "%% \\input{} it inside a %s environment; the preamble needs\n"
		   "%% \\usepackage{booktabs} and \\usepackage{siunitx}.\n",
		file, what, wide ? "table*" : "table");
	if (ratio) {
		fputs("% baseline: ", f);
		hvs_esc_latex(f, m->cols[m->baseline].label);
		fputc('\n', f);
		if (hvs_rpt_baseline_virtual(m, vb, sizeof(vb))) {
			fputs("% the baseline is virtualized: ", f);
			hvs_esc_latex(f, vb);
			fputc('\n', f);
		}
	}
	fputs("\\begingroup\n", f);
	if (!wide)
		fputs(n <= 3 ? "\\footnotesize\n" : n <= 5 ? "\\scriptsize\n" : "\\tiny\n", f);
	else
		fputs("\\footnotesize\n", f);
	fputs("\\setlength{\\tabcolsep}{3pt}\n", f);
}

static void latex_colhead(FILE *f, const struct hvs_rpt_model *m, int ratio, double width_in)
{
	fputs("\\toprule\n", f);
	fputs(ratio ? "Metric" : "Metric (unit)", f);
	for (size_t c = 0; c < m->ncols; c++) {
		if (!latex_col_shown(m, c, ratio))
			continue;
		fprintf(f, " & {\\parbox[b]{%.2fin}{\\centering ", width_in);
		hvs_esc_latex_break(f, m->cols[c].label);
		fputs("}}", f);
	}
	fputs(" \\\\\n\\midrule\n", f);
}

static void latex_group(FILE *f, const struct hvs_rpt_model *m, size_t r, size_t span)
{
	if (r && !strcmp(m->rows[r - 1].klass, m->rows[r].klass))
		return;
	if (r)
		fputs("\\addlinespace\n", f);
	fprintf(f, "\\multicolumn{%zu}{@{}l}{\\emph{", span);
	hvs_esc_latex(f, m->rows[r].klass);
	fputs("}} \\\\\n", f);
}

/* One single-column table: medians (ratio = 0) or cost ratios (1). */
static int latex_narrow(const struct hvs_rpt_model *m, FILE *f, int ratio)
{
	size_t n = 0;
	double colw;
	int *ints = calloc(m->ncols, sizeof(int)), *decs = calloc(m->ncols, sizeof(int));
	int *neg = calloc(m->ncols, sizeof(int));

	if (!ints || !decs || !neg) {
		free(ints);
		free(decs);
		free(neg);
		return -ENOMEM;
	}
	for (size_t c = 0; c < m->ncols; c++)
		n += latex_col_shown(m, c, ratio);
	/* pass 1: the shape of every number, per column */
	for (size_t r = 0; r < m->nrows; r++) {
		struct hvs_uscale sc;

		latex_unit(m, r, &sc);
		for (size_t c = 0; c < m->ncols; c++) {
			char b[64];
			double lo, hi;

			if (latex_col_shown(m, c, ratio) && latex_value(m, r, c, ratio, &sc, b, sizeof(b), &lo, &hi))
				num_shape(b, &ints[c], &decs[c], &neg[c]);
		}
	}
	if (ratio)
		for (size_t c = 0; c < m->ncols; c++) {
			char b[64];
			double lo, hi, g;

			if (!latex_col_shown(m, c, ratio))
				continue;
			g = hvs_rpt_geomean_ci(m, c, NULL, &lo, &hi, NULL);
			if (isfinite(g))
				num_shape(hvs_fmt_num(b, sizeof(b), g), &ints[c], &decs[c], &neg[c]);
		}
	latex_head(f, m, ratio ? "normalized.tex" : "table.tex",
		   ratio ? "cost ratios to the baseline (> 1 = worse), geometric means"
			 : "medians (the 95% intervals are in table-wide.tex)",
		   ratio, 0);
	/* metric column 1.05 in; the rest share what is left of 3.3 in */
	colw = (3.3 - 1.05) / (double)(n ? n : 1) - 0.1;
	fputs("\\begin{tabular}{@{}>{\\raggedright\\arraybackslash}p{1.05in}", f);
	for (size_t c = 0; c < m->ncols; c++)
		if (latex_col_shown(m, c, ratio))
			fprintf(f, "S[table-format=%s%d.%d]", neg[c] ? "-" : "", ints[c] ? ints[c] : 1, decs[c]);
	fputs("@{}}\n", f);
	latex_colhead(f, m, ratio, colw > 0.3 ? colw : 0.3);
	for (size_t r = 0; r < m->nrows; r++) {
		struct hvs_uscale sc;

		latex_unit(m, r, &sc);
		latex_group(f, m, r, n + 1);
		latex_metric(f, m, r, ratio ? NULL : &sc);
		for (size_t c = 0; c < m->ncols; c++) {
			char b[64];
			double lo, hi;

			if (!latex_col_shown(m, c, ratio))
				continue;
			fputs(" & ", f);
			if (latex_value(m, r, c, ratio, &sc, b, sizeof(b), &lo, &hi))
				fputs(b, f);
			else
				latex_nonnum(f, m, r, c, ratio);
		}
		fputs(" \\\\\n", f);
	}
	if (ratio) {
		fputs("\\midrule\ngeometric mean", f);
		for (size_t c = 0; c < m->ncols; c++) {
			char b[64];
			double lo, hi, g;

			if (!latex_col_shown(m, c, ratio))
				continue;
			g = hvs_rpt_geomean_ci(m, c, NULL, &lo, &hi, NULL);
			fprintf(f, " & %s", isfinite(g) ? hvs_fmt_num(b, sizeof(b), g) : "{--}");
		}
		fputs(" \\\\\n\\quad 95\\,\\% CI", f);
		for (size_t c = 0; c < m->ncols; c++) {
			char a[48], b[48];
			double lo, hi, g;

			if (!latex_col_shown(m, c, ratio))
				continue;
			g = hvs_rpt_geomean_ci(m, c, NULL, &lo, &hi, NULL);
			if (isfinite(g) && isfinite(lo) && isfinite(hi))
				fprintf(f, " & {[%s, %s]}", hvs_fmt_num(a, sizeof(a), lo), hvs_fmt_num(b, sizeof(b), hi));
			else
				fputs(" & {--}", f);
		}
		fputs(" \\\\\n", f);
	}
	fputs("\\bottomrule\n\\end{tabular}\n\\endgroup\n", f);
	free(ints);
	free(decs);
	free(neg);
	return ferror(f) ? -EIO : 0;
}

/* The table* variant: each value with its interval, \num{} cells. */
static int latex_wide(const struct hvs_rpt_model *m, FILE *f, int ratio)
{
	size_t n = 0;

	for (size_t c = 0; c < m->ncols; c++)
		n += latex_col_shown(m, c, ratio);
	latex_head(f, m, ratio ? "normalized-wide.tex" : "table-wide.tex",
		   ratio ? "cost ratios to the baseline (> 1 = worse) with their intervals"
			 : "medians with their 95% confidence intervals ($\\pm$ when symmetric, else [low, high])",
		   ratio, 1);
	fputs("\\begin{tabular}{@{}>{\\raggedright\\arraybackslash}p{1.6in}", f);
	for (size_t c = 0; c < n; c++)
		fputc('r', f);
	fputs("@{}}\n", f);
	latex_colhead(f, m, ratio, (6.9 - 1.6) / (double)(n ? n : 1) - 0.1);
	for (size_t r = 0; r < m->nrows; r++) {
		struct hvs_uscale sc;

		latex_unit(m, r, &sc);
		latex_group(f, m, r, n + 1);
		latex_metric(f, m, r, ratio ? NULL : &sc);
		for (size_t c = 0; c < m->ncols; c++) {
			char b[64], lb[48], hb[48];
			double lo, hi, v;

			if (!latex_col_shown(m, c, ratio))
				continue;
			fputs(" & ", f);
			if (!latex_value(m, r, c, ratio, &sc, b, sizeof(b), &lo, &hi)) {
				latex_nonnum(f, m, r, c, ratio);
				continue;
			}
			v = strtod(b, NULL);
			if (!isfinite(lo) || !isfinite(hi))
				fprintf(f, "\\num{%s}", b);
			else if (fabs((hi - v) - (v - lo)) <= 0.1 * fmax(hi - v, v - lo) && hi >= v && v >= lo)
				fprintf(f, "\\num{%s} $\\pm$ \\num{%s}", b, hvs_fmt_num(lb, sizeof(lb), (hi - lo) / 2));
			else
				fprintf(f, "\\num{%s} {\\scriptsize[\\num{%s}, \\num{%s}]}", b,
					hvs_fmt_num(lb, sizeof(lb), lo), hvs_fmt_num(hb, sizeof(hb), hi));
		}
		fputs(" \\\\\n", f);
	}
	if (ratio) {
		fputs("\\midrule\ngeometric mean (95\\,\\% CI)", f);
		for (size_t c = 0; c < m->ncols; c++) {
			char g1[48], lb[48], hb[48];
			double lo, hi, g;

			if (!latex_col_shown(m, c, ratio))
				continue;
			g = hvs_rpt_geomean_ci(m, c, NULL, &lo, &hi, NULL);
			if (!isfinite(g))
				fputs(" & --", f);
			else
				fprintf(f, " & \\num{%s} {\\scriptsize[\\num{%s}, \\num{%s}]}", hvs_fmt_num(g1, sizeof(g1), g),
					hvs_fmt_num(lb, sizeof(lb), lo), hvs_fmt_num(hb, sizeof(hb), hi));
		}
		fputs(" \\\\\n", f);
	}
	fputs("\\bottomrule\n\\end{tabular}\n\\endgroup\n", f);
	return ferror(f) ? -EIO : 0;
}

int hvs_report_latex(const struct hvs_rpt_model *m, FILE *f)
{
	return latex_narrow(m, f, 0);
}

int hvs_report_latex_wide(const struct hvs_rpt_model *m, FILE *f)
{
	return latex_wide(m, f, 0);
}

int hvs_report_latex_norm(const struct hvs_rpt_model *m, FILE *f)
{
	if (m->baseline < 0 || m->ncols < 2)
		return -EINVAL;
	return latex_narrow(m, f, 1);
}

int hvs_report_latex_norm_wide(const struct hvs_rpt_model *m, FILE *f)
{
	if (m->baseline < 0 || m->ncols < 2)
		return -EINVAL;
	return latex_wide(m, f, 1);
}

int hvs_report_markdown_charts(const struct hvs_rpt_charts *c, FILE *f)
{
	if (!c || !c->n)
		return 0;
	fputs("\n## Charts\n\nEach chart also as SVG (and PDF with --paper); its gnuplot script and data "
	      "are beside it in charts/.\n",
	      f);
	for (size_t i = 0; i < c->n; i++) {
		if (c->v[i].failed)
			continue;
		/* The name is [A-Za-z0-9._-] (hvs_esc_fname): a safe link target. */
		fputs("\n![", f);
		hvs_esc_md(f, c->v[i].title);
		fprintf(f, "](charts/%s.png)\n", c->v[i].name);
	}
	return ferror(f) ? -EIO : 0;
}
