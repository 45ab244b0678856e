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

/* File name of part k (0-based) of a LaTeX table: table.tex, table-2.tex, ... */
void hvs_report_latex_name(int ratio, int wide, size_t k, char *buf, size_t len)
{
	char nth[24] = "";

	if (k)
		snprintf(nth, sizeof(nth), "-%zu", k + 1);
	snprintf(buf, len, "%s%s%s.tex", ratio ? "normalized" : "table", wide ? "-wide" : "", nth);
}

/*
 * The table's font: \footnotesize, \scriptsize or \tiny (8, 7, 5 pt in a
 * 10 pt paper), the largest that lets the table fit its width (3.3 in, or
 * 6.9 in for table*) by an estimate of its columns: the metric column, and
 * per platform the widest of its head and its cells (digits 0.5 em; a
 * wide cell's [low, high] in \scriptsize, or the body's size when smaller).
 */
static const char *const tex_size[] = { "\\footnotesize", "\\scriptsize", "\\tiny" };
static const double tex_pt[] = { 8, 7, 5 };
static const double tex_line[] = { 9.5, 8, 6 };

static int latex_value(const struct hvs_rpt_model *m, size_t r, size_t c, int ratio,
		       const struct hvs_uscale *sc, char *buf, size_t len, double *lo, double *hi);
static void latex_unit(const struct hvs_rpt_model *m, size_t r, struct hvs_uscale *sc);

/* Width of the metric column (in): narrower in a \tiny table* to make room. */
static double tex_name_in(int wide, int k)
{
	return wide ? (k == 2 ? 1.15 : 1.6) : 1.05;
}

static void num_shape(const char *s, int *ints, int *decs, int *neg);

static int tex_font(const struct hvs_rpt_model *m, int ratio, int wide)
{
	size_t n = 0;
	int k, *ints = calloc(m->ncols ? m->ncols : 1, sizeof(int)), *decs = calloc(m->ncols ? m->ncols : 1, sizeof(int));
	int *neg = calloc(m->ncols ? m->ncols : 1, sizeof(int));
	double *vw = calloc(m->ncols ? m->ncols : 1, sizeof(double)), *bw = calloc(m->ncols ? m->ncols : 1, sizeof(double));

	for (size_t c = 0; c < m->ncols; c++)
		n += latex_col_shown(m, c, ratio);
	k = wide || n <= 3 ? 0 : n <= 5 ? 1 : 2;
	if (!vw || !bw || !ints || !decs || !neg)
		goto out;
	/* characters of each column's widest value, and of its widest [low, high] */
	for (size_t r = 0; r < m->nrows; r++) {
		struct hvs_uscale sc;

		latex_unit(m, r, &sc);
		for (size_t c = 0; c < m->ncols; c++) {
			char b[64], lb[48], hb[48];
			double lo, hi;

			if (!latex_col_shown(m, c, ratio) || !latex_value(m, r, c, ratio, &sc, b, sizeof(b), &lo, &hi))
				continue;
			vw[c] = fmax(vw[c], (double)strlen(b) + 1.5); /* " ± " or a space */
			num_shape(b, &ints[c], &decs[c], &neg[c]); /* an S column is as wide as its table-format */
			if (wide && isfinite(lo) && isfinite(hi))
				bw[c] = fmax(bw[c], (double)(strlen(hvs_fmt_num(lb, sizeof(lb), lo)) +
							     strlen(hvs_fmt_num(hb, sizeof(hb), hi)) + 4));
		}
	}
	if (ratio && !wide)
		for (size_t c = 0; c < m->ncols; c++) {
			char lb[48], hb[48];
			double lo, hi;

			if (latex_col_shown(m, c, ratio) && isfinite(hvs_rpt_geomean_ci(m, c, NULL, &lo, &hi, NULL)))
				bw[c] = (double)(strlen(hvs_fmt_num(lb, sizeof(lb), lo)) + strlen(hvs_fmt_num(hb, sizeof(hb), hi)) + 4);
		}
	for (; k < 2; k++) {
		/* characters at 0.6 em: siunitx groups long decimals with thin spaces */
		double body = tex_pt[k], small = fmin(body, tex_pt[1]), total, colw, name = tex_name_in(wide, k);

		total = name * 72;
		colw = 0.9 * (wide ? ((6.9 - name) / (double)(n ? n : 1) - 0.1) : fmax((3.3 - name) / (double)(n ? n : 1) - 0.1, 0.3)) * 72;
		for (size_t c = 0; c < m->ncols; c++)
			if (latex_col_shown(m, c, ratio))
				total += fmax(colw, wide ? vw[c] * 0.6 * body + bw[c] * 0.6 * small
							 : fmax(ints[c] + decs[c] + 1 + neg[c], bw[c]) * 0.55 * body) + (k == 2 ? 4 : 6);
		if (total <= (wide ? 6.9 : 3.3) * 72)
			break;
	}
out:
	free(vw);
	free(bw);
	free(ints);
	free(decs);
	free(neg);
	return k;
}

static void latex_head(FILE *f, const struct hvs_rpt_model *m, const char *what, int ratio, int wide,
		       size_t part, size_t nparts)
{
	char vb[512], file[64];
	int k;

	hvs_report_latex_name(ratio, wide, part, file, sizeof(file));
	fprintf(f, "%% %s - written by hvscope report: %s.\n"
		   "%% \\input{} it inside a %s environment; the preamble needs\n"
		   "%% \\usepackage{booktabs} and \\usepackage{siunitx}.\n",
		file, what, wide ? "table*" : "table");
	if (nparts > 1) {
		fprintf(f, "%% Part %zu of %zu: the whole table is taller than a page, so it is cut between\n"
			   "%% classes into", part + 1, nparts);
		for (size_t q = 0; q < nparts; q++) {
			hvs_report_latex_name(ratio, wide, q, file, sizeof(file));
			fprintf(f, "%s %s", q ? (q + 1 == nparts ? " and" : ",") : "", file);
		}
		fprintf(f, ",\n%% each in its own %s.\n", wide ? "table*" : "table");
	}
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
	k = tex_font(m, ratio, wide);
	fprintf(f, "\\begingroup\n%s\n", tex_size[k]);
	fprintf(f, "\\setlength{\\tabcolsep}{%dpt}\n", k == 2 ? 2 : 3); /* \\tiny: the least room */
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

/* The class row above row r when a class starts there, or a part (at r0) starts within one. */
static void latex_group(FILE *f, const struct hvs_rpt_model *m, size_t r, size_t r0, size_t span)
{
	int cont = r && !strcmp(m->rows[r - 1].klass, m->rows[r].klass);

	if (r > r0 && cont)
		return;
	if (r > r0)
		fputs("\\addlinespace\n", f);
	fprintf(f, "\\multicolumn{%zu}{@{}l}{\\emph{", span);
	hvs_esc_latex(f, m->rows[r].klass);
	fputs(cont ? " (continued)}} \\\\\n" : "}} \\\\\n", f);
}

/*
 * Parts. A float taller than the text height does not fit ("Float too
 * large"), and a two-column paper's text is 9-10 in high (US letter or A4):
 * a table taller than TEX_PAGE_PT is cut between classes (within a class
 * only when the class alone is taller) into parts, each a file of its own
 * (table.tex, table-2.tex, ...). Heights are estimated at 10 pt (the
 * \footnotesize, \scriptsize or \tiny of the table): lines of the metric
 * names broken where hvs_esc_latex_break lets them break, of the column
 * heads, class rows and rules.
 */
#define TEX_PAGE_PT 600.0 /* 8.3 in of table: room for a caption on a 9.25 in text */
#define TEX_CHAR_EM 0.52  /* a generous average character width (T1 Computer Modern, digits and capitals) */

struct tex_geom {
	double font, line;   /* body font size and baselineskip, pt */
	double name_w, col_w; /* metric column and value column widths, pt */
};

static void tex_geom(const struct hvs_rpt_model *m, int ratio, int wide, struct tex_geom *g)
{
	size_t n = 0;

	for (size_t c = 0; c < m->ncols; c++)
		n += latex_col_shown(m, c, ratio);
	g->font = tex_pt[tex_font(m, ratio, wide)];
	g->line = tex_line[tex_font(m, ratio, wide)];
	if (wide) {
		g->name_w = tex_name_in(1, tex_font(m, ratio, 1)) * 72;
		g->col_w = ((6.9 - g->name_w / 72) / (double)(n ? n : 1) - 0.1) * 72;
	} else {
		g->name_w = 1.05 * 72;
		g->col_w = fmax((3.3 - 1.05) / (double)(n ? n : 1) - 0.1, 0.3) * 72;
	}
}

/* Lines s takes at width w (pt), broken only where hvs_esc_latex_break allows. */
static double tex_lines(const char *s, double w, const struct tex_geom *g)
{
	size_t cpl = (size_t)fmax(1, w / (TEX_CHAR_EM * g->font)), line = 0, seg = 0, run = 0, lines = 1;

	for (const unsigned char *p = (const unsigned char *)s;; p++) {
		int end = !*p;

		if (!end && (*p & 0xc0) != 0x80) { /* a character (not a UTF-8 continuation byte) */
			seg++;
			run++;
		}
		if (end || *p == ' ' || strchr("._-/,:=", *p) || run >= 10) {
			if (line && line + seg > cpl) {
				lines++;
				line = 0;
			}
			line += seg;
			lines += line / (cpl + 1); /* a piece longer than a line overflows (never happens: <= 10) */
			seg = run = 0;
		}
		if (end)
			return (double)lines;
	}
}

/* Height of row r (pt): its metric name (and unit for medians). */
static double tex_row_h(const struct hvs_rpt_model *m, size_t r, int ratio, const struct tex_geom *g)
{
	const char *n = m->rows[r].name, *k = m->rows[r].klass;
	size_t kl = strlen(k);
	char buf[HVS_METRIC_NAME_MAX + 48];

	if (!strncmp(n, k, kl) && n[kl] == '.' && n[kl + 1])
		n += kl + 1;
	if (ratio) {
		snprintf(buf, sizeof(buf), "%s", n);
	} else {
		struct hvs_uscale sc;

		hvs_rpt_row_scale(m, r, HVS_U_UTF8, &sc);
		snprintf(buf, sizeof(buf), "%s (%s)", n, sc.unit);
	}
	return tex_lines(buf, g->name_w, g) * g->line;
}

/*
 * The parts of a table: starts[k] = the first row of part k (starts has
 * room for nrows + 1). Returns the number of parts (>= 1).
 */
static size_t tex_parts(const struct hvs_rpt_model *m, int ratio, int wide, size_t *starts)
{
	struct tex_geom g;
	double head = 0, h, budget, space;
	size_t np = 1;

	tex_geom(m, ratio, wide, &g);
	space = 0.5 * g.font; /* \addlinespace */
	for (size_t c = 0; c < m->ncols; c++)
		if (latex_col_shown(m, c, ratio))
			head = fmax(head, tex_lines(m->cols[c].label, g.col_w, &g) * g.line);
	head += 2 * g.line; /* the rules and their padding */
	/* the geometric-mean rows close the last part: room for them in every part */
	budget = TEX_PAGE_PT - (ratio ? (wide ? 1.5 : 2.5) * g.line : 0);
	starts[0] = 0;
	h = head;
	for (size_t r = 0; r < m->nrows;) {
		size_t e = r;
		double blk = g.line + (r > starts[np - 1] ? space : 0);

		while (e < m->nrows && !strcmp(m->rows[e].klass, m->rows[r].klass))
			blk += tex_row_h(m, e++, ratio, &g);
		if (r > starts[np - 1] && h + blk > budget) {
			/* the class starts a part of its own */
			starts[np++] = r;
			h = head;
			blk -= space;
		}
		if (h + blk <= budget) {
			h += blk;
			r = e;
			continue;
		}
		/* a class taller than a page: its rows while they fit, the rest "continued" */
		h += g.line + (r > starts[np - 1] ? space : 0);
		for (; r < e; r++) {
			double rh = tex_row_h(m, r, ratio, &g);

			if (r > starts[np - 1] && h + rh > budget) {
				starts[np++] = r;
				h = head + g.line;
			}
			h += rh;
		}
	}
	return np;
}

/* Part `part` of a single-column table (rows [r0, r1) of nparts): medians (ratio = 0) or cost ratios (1). */
static int latex_narrow(const struct hvs_rpt_model *m, FILE *f, int ratio, size_t part, size_t nparts,
			size_t r0, size_t r1)
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
	latex_head(f, m,
		   ratio ? "cost ratios to the baseline (> 1 = worse), geometric means"
			 : "medians (the 95% intervals are in table-wide.tex)",
		   ratio, 0, part, nparts);
	/* metric column 1.05 in; the rest share what is left of 3.3 in */
	colw = (3.3 - 1.05) / (double)(n ? n : 1) - 0.1;
	fputs("\\begin{tabular}{@{}>{\\raggedright\\arraybackslash}p{1.05in}", f);
	for (size_t c = 0; c < m->ncols; c++)
		if (latex_col_shown(m, c, ratio))
			fprintf(f, "S[table-format=%s%d.%d]", neg[c] ? "-" : "", ints[c] ? ints[c] : 1, decs[c]);
	fputs("@{}}\n", f);
	latex_colhead(f, m, ratio, 0.9 * (colw > 0.3 ? colw : 0.3));
	for (size_t r = r0; r < r1; r++) {
		struct hvs_uscale sc;

		latex_unit(m, r, &sc);
		latex_group(f, m, r, r0, n + 1);
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
	if (ratio && part + 1 == nparts) {
		fputs(nparts > 1 ? "\\midrule\ngeometric mean (all parts)" : "\\midrule\ngeometric mean", f);
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

/* Part `part` of a table* variant (rows [r0, r1) of nparts): each value with its interval, \num{} cells. */
static int latex_wide(const struct hvs_rpt_model *m, FILE *f, int ratio, size_t part, size_t nparts,
		      size_t r0, size_t r1)
{
	int k = tex_font(m, ratio, 1);
	const char *small = k == 2 ? "\\tiny" : "\\scriptsize";
	double name = tex_name_in(1, k);
	size_t n = 0;

	for (size_t c = 0; c < m->ncols; c++)
		n += latex_col_shown(m, c, ratio);
	latex_head(f, m,
		   ratio ? "cost ratios to the baseline (> 1 = worse) with their intervals"
			 : "medians with their 95% confidence intervals ($\\pm$ when symmetric, else [low, high])",
		   ratio, 1, part, nparts);
	fprintf(f, "\\begin{tabular}{@{}>{\\raggedright\\arraybackslash}p{%.2fin}", name);
	for (size_t c = 0; c < n; c++)
		fputc('r', f);
	fputs("@{}}\n", f);
	latex_colhead(f, m, ratio, 0.9 * ((6.9 - name) / (double)(n ? n : 1) - 0.1));
	for (size_t r = r0; r < r1; r++) {
		struct hvs_uscale sc;

		latex_unit(m, r, &sc);
		latex_group(f, m, r, r0, n + 1);
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
				fprintf(f, "\\num{%s} {%s[\\num{%s}, \\num{%s}]}", b, small,
					hvs_fmt_num(lb, sizeof(lb), lo), hvs_fmt_num(hb, sizeof(hb), hi));
		}
		fputs(" \\\\\n", f);
	}
	if (ratio && part + 1 == nparts) {
		fputs(nparts > 1 ? "\\midrule\ngeometric mean, all parts (95\\,\\% CI)" : "\\midrule\ngeometric mean (95\\,\\% CI)", f);
		for (size_t c = 0; c < m->ncols; c++) {
			char g1[48], lb[48], hb[48];
			double lo, hi, g;

			if (!latex_col_shown(m, c, ratio))
				continue;
			g = hvs_rpt_geomean_ci(m, c, NULL, &lo, &hi, NULL);
			if (!isfinite(g))
				fputs(" & --", f);
			else
				fprintf(f, " & \\num{%s} {%s[\\num{%s}, \\num{%s}]}", hvs_fmt_num(g1, sizeof(g1), g), small,
					hvs_fmt_num(lb, sizeof(lb), lo), hvs_fmt_num(hb, sizeof(hb), hi));
		}
		fputs(" \\\\\n", f);
	}
	fputs("\\bottomrule\n\\end{tabular}\n\\endgroup\n", f);
	return ferror(f) ? -EIO : 0;
}

size_t hvs_report_latex_nparts(const struct hvs_rpt_model *m, int ratio, int wide)
{
	size_t *starts = malloc((m->nrows + 1) * sizeof(*starts)), np = 1;

	if (starts)
		np = tex_parts(m, ratio, wide, starts);
	free(starts);
	return np;
}

int hvs_report_latex_part(const struct hvs_rpt_model *m, int ratio, int wide, size_t part, FILE *f)
{
	size_t *starts, np;
	int ret;

	if (ratio && (m->baseline < 0 || m->ncols < 2))
		return -EINVAL;
	if (!(starts = malloc((m->nrows + 2) * sizeof(*starts))))
		return -ENOMEM;
	np = tex_parts(m, ratio, wide, starts);
	if (part >= np) {
		free(starts);
		return -EINVAL;
	}
	starts[np] = m->nrows; /* np <= max(nrows, 1) */
	ret = (wide ? latex_wide : latex_narrow)(m, f, ratio, part, np, starts[part], starts[part + 1]);
	free(starts);
	return ret;
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
