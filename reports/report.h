/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report.h - write a whole report of a model into a directory:
 *
 *   DIR/index.html     one self-contained page: tables, inline SVG charts,
 *                      each column's fingerprint with its evidence, links
 *   DIR/report.md      the same tables in Markdown, chart PNGs linked
 *   DIR/results.csv    one row per (metric, result file): tidy data
 *   DIR/table.tex      booktabs table of medians for one 3.3 in column (siunitx S)
 *   DIR/table-wide.tex the same with 95% intervals, for a table* (two columns)
 *   DIR/normalized.tex cost ratios and geometric means (with a baseline), one column
 *   DIR/normalized-wide.tex  the same with intervals, for a table*
 *   DIR/charts/        NAME.gp, NAME.dat, NAME.svg, NAME.png (NAME.pdf: --paper)
 *   DIR/raw/           copies of the result files the page links to
 *   DIR/gnuplot.log    what gnuplot said
 */
#ifndef HVS_REPORT_H
#define HVS_REPORT_H

#include "charts.h"
#include "core/units.h"
#include "model.h"

struct hvs_report_opts {
	const char *dir;
	const char *title;   /* page title (NULL: "hvscope report") */
	int paper;           /* --paper: paper-sized figures, PDFs */
	int no_charts;       /* tables only, no gnuplot */
	const char *gnuplot; /* NULL: $HVS_GNUPLOT or "gnuplot" */
	const struct hvs_rpt_series *series; /* history trends (may be NULL) */
	size_t nseries;
	const char *history_note; /* shown in the page when there is no history (may be NULL) */
};

/*
 * Write everything. Returns 0, or -errno with a one-line message in err:
 * -EIO, -EACCES or -EPERM (cannot write DIR or copy a file), -ENODEV
 * (gnuplot missing: the tables are written all the same), -HVS_EBUG
 * (gnuplot failed on a script we wrote), -ENOMEM.
 */
int hvs_report_write(struct hvs_rpt_model *m, const struct hvs_report_opts *o, char *err,
		     size_t errlen);

/* The display unit of row r: the one of its largest median, shared by its cells. */
void hvs_rpt_row_scale(const struct hvs_rpt_model *m, size_t r, enum hvs_ustyle st, struct hvs_uscale *sc);
/*
 * A cell's text in sc's unit: "12.3 ± 0.4", "441 [400, 3098]", "skipped", "–";
 * sc NULL: each cell in its own unit ("12.3 µs ± 0.4 µs").
 */
void hvs_rpt_cell_text(const struct hvs_metric *mt, const struct hvs_uscale *sc, enum hvs_ustyle st,
		       char *buf, size_t len);
/* A cost ratio with its interval, or "–". */
void hvs_rpt_ratio_text(double v, double lo, double hi, char *buf, size_t len);

/* The individual writers (each returns 0 or -errno). */
int hvs_report_csv(const struct hvs_rpt_model *m, FILE *f);
int hvs_report_markdown(const struct hvs_rpt_model *m, FILE *f);
/* The charts as Markdown image links (PNG) under a "Charts" heading. */
int hvs_report_markdown_charts(const struct hvs_rpt_charts *c, FILE *f);
/*
 * LaTeX tables: ratio 0 medians (table*.tex), 1 cost ratios against the
 * baseline (normalized*.tex); wide 0 a 3.3 in column (table), 1 a page
 * wide (table*) with every interval. A table taller than a page comes in
 * parts cut between classes (nparts > 1), part k into the file
 * hvs_report_latex_name() names (table.tex, table-2.tex, ...).
 */
size_t hvs_report_latex_nparts(const struct hvs_rpt_model *m, int ratio, int wide);
int hvs_report_latex_part(const struct hvs_rpt_model *m, int ratio, int wide, size_t part, FILE *f);
void hvs_report_latex_name(int ratio, int wide, size_t part, char *buf, size_t len);
/* Claims from the literature beside what the model measured (claims.c). */
int hvs_report_claims_html(const struct hvs_rpt_model *m, FILE *f);
int hvs_report_claims_md(const struct hvs_rpt_model *m, FILE *f);
int hvs_report_html(const struct hvs_rpt_model *m, const struct hvs_report_opts *o,
		    const struct hvs_rpt_charts *charts, FILE *f);

#endif
