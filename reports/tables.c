/*
 * tables.c - the comparison table as CSV (tidy: one line per metric and
 * result file), Markdown and LaTeX (booktabs, siunitx \num{} cells).
 *
 * A cell is "median ± half-width of the 95% CI of the median", the
 * half-width rounded to two significant digits and the median to the same
 * decimal place (hvs_rpt_fmt). Every string from a result file goes
 * through escape.h.
 */
#include "core/units.h"
#include "escape.h"
#include "report.h"

#include <errno.h>
#include <math.h>
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

static double half_ci(const struct hvs_metric *mt)
{
	double h = (mt->summary.ci_hi - mt->summary.ci_lo) / 2;

	return isfinite(h) && h > 0 ? h : NAN;
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
		      "with a conservative interval from both medians' 95% CIs.\n\n| metric |",
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
		fputs("| **geometric mean** (95% CI across metrics) |", f);
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
	return ferror(f) ? -EIO : 0;
}

static void latex_header(FILE *f, const struct hvs_rpt_model *m, const char *what, int skip_base)
{
	size_t n = m->ncols - (skip_base && m->baseline >= 0 ? 1 : 0);

	fprintf(f, "%% %s - written by hvscope report.\n"
		   "%% \\input{} it inside a table environment; needs \\usepackage{booktabs}\n"
		   "%% and \\usepackage{siunitx} in the preamble (\\sisetup{uncertainty-mode = separate}\n"
		   "%% prints 123 \\pm 4 instead of 123(4)).\n",
		what);
	fputs("\\begin{tabular}{ll", f);
	for (size_t c = 0; c < n; c++)
		fputc('r', f);
	fputs("}\n\\toprule\nMetric & Unit", f);
	for (size_t c = 0; c < m->ncols; c++) {
		if (skip_base && (int)c == m->baseline)
			continue;
		fputs(" & ", f);
		hvs_esc_latex(f, m->cols[c].label);
	}
	fputs(" \\\\\n\\midrule\n", f);
}

static void latex_class(FILE *f, const struct hvs_rpt_model *m, size_t r, size_t ncolumns)
{
	if (r && !strcmp(m->rows[r - 1].klass, m->rows[r].klass))
		return;
	if (r)
		fputs("\\addlinespace\n", f);
	fprintf(f, "\\multicolumn{%zu}{l}{\\emph{", ncolumns);
	hvs_esc_latex(f, m->rows[r].klass);
	fputs("}} \\\\\n", f);
}

int hvs_report_latex(const struct hvs_rpt_model *m, FILE *f)
{
	latex_header(f, m, "table.tex: medians with the half-width of their 95% CI", 0);
	for (size_t r = 0; r < m->nrows; r++) {
		latex_class(f, m, r, m->ncols + 2);
		hvs_esc_latex(f, m->rows[r].name);
		fputs(" & ", f);
		hvs_esc_latex(f, m->rows[r].unit);
		for (size_t c = 0; c < m->ncols; c++) {
			const struct hvs_metric *mt = m->rows[r].cell[c];
			char v[64], u[64];

			fputs(" & ", f);
			if (!mt) {
				fputs("--", f);
			} else if (!hvs_rpt_usable(mt)) {
				fputs("\\emph{", f);
				fputs(mt->outcome == HVS_PASS ? "no data" : hvs_outcome_name(mt->outcome), f);
				fputs("}", f);
			} else {
				hvs_rpt_fmt(mt->summary.median, half_ci(mt), v, sizeof(v), u, sizeof(u));
				if (*u)
					fprintf(f, "\\num{%s +- %s}", v, u);
				else
					fprintf(f, "\\num{%s}", v);
			}
		}
		fputs(" \\\\\n", f);
	}
	fputs("\\bottomrule\n\\end{tabular}\n", f);
	return ferror(f) ? -EIO : 0;
}

int hvs_report_latex_norm(const struct hvs_rpt_model *m, FILE *f)
{
	if (m->baseline < 0 || m->ncols < 2)
		return -EINVAL;
	fputs("% baseline: ", f);
	/* A comment ends at the line's end; escaping keeps it one line. */
	hvs_esc_latex(f, m->cols[m->baseline].label);
	fputc('\n', f);
	latex_header(f, m, "normalized.tex: cost ratios to the baseline (>1 = worse)", 1);
	for (size_t r = 0; r < m->nrows; r++) {
		latex_class(f, m, r, m->ncols + 1);
		hvs_esc_latex(f, m->rows[r].name);
		fputs(" & ", f);
		hvs_esc_latex(f, m->rows[r].unit);
		for (size_t c = 0; c < m->ncols; c++) {
			double v;

			if ((int)c == m->baseline)
				continue;
			v = hvs_rpt_ratio(m, r, c, NULL, NULL);
			if (isfinite(v))
				fprintf(f, " & \\num{%.3f}", v);
			else
				fputs(" & --", f);
		}
		fputs(" \\\\\n", f);
	}
	fputs("\\midrule\n\\multicolumn{2}{l}{geometric mean}", f);
	for (size_t c = 0; c < m->ncols; c++) {
		double g;

		if ((int)c == m->baseline)
			continue;
		g = hvs_rpt_geomean(m, c, NULL);
		if (isfinite(g))
			fprintf(f, " & \\num{%.3f}", g);
		else
			fputs(" & --", f);
	}
	fputs(" \\\\\n\\bottomrule\n\\end{tabular}\n", f);
	return ferror(f) ? -EIO : 0;
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
