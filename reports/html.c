/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * html.c - the report as one self-contained HTML page: tables, the charts'
 * SVGs inline, each column's fingerprint with its evidence, links to the
 * copied result files.
 *
 * Safety: every string from a result file goes through hvs_esc_html(); the
 * SVGs come from gnuplot, which writes text with < and & escaped (and gets
 * result-file strings only through escape.h). As a second fence the page
 * carries a Content-Security-Policy that allows no script at all.
 */
#include "escape.h"
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SVG_MAX_BYTES (64u << 20)

static const char css[] =
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;"
	"margin:2em auto;max-width:1400px;padding:0 1em;color:#1a1a1a;background:#fff}"
	"h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}"
	"table{border-collapse:collapse;margin:.5em 0;font-variant-numeric:tabular-nums}"
	"th,td{padding:.2em .6em;border-bottom:1px solid #e4e4e4;text-align:right;vertical-align:top}"
	"td{white-space:nowrap}th{max-width:18em;overflow-wrap:anywhere}.ctx td{white-space:normal;"
	"overflow-wrap:anywhere}"
	"th:first-child,td:first-child,td.l,th.l{text-align:left}"
	"thead th{border-bottom:2px solid #888}tr.cls td{font-style:italic;text-align:left;"
	"background:#f4f4f4}td.na{color:#999}td.bad{color:#a33}"
	".cols{display:flex;flex-wrap:wrap;gap:1em}.col{border:1px solid #ddd;border-radius:6px;"
	"padding:.6em 1em;flex:1 1 320px}.col h3{margin:.2em 0}.base{background:#f6faff}"
	".ctx td{text-align:left;font-size:.9em}code{font-size:.9em}"
	"figure{margin:1.5em 0}figcaption{font-weight:600;margin-bottom:.3em}"
	"figure svg{max-width:100%;height:auto}.links{font-size:.85em}"
	".sw{display:inline-block;width:.9em;height:.9em;border:1px solid #000;margin-right:.3em;"
	"vertical-align:-.1em}.note{color:#555;font-size:.9em}"
	".warn{background:#fff4e0;border-left:4px solid #D55E00;padding:.4em .8em}"
	".ctx td:first-child{white-space:nowrap;overflow-wrap:normal;word-break:keep-all}"
	".claims th{white-space:nowrap;overflow-wrap:normal}";

static const char *const swatch[] = { "#0072B2", "#E69F00", "#009E73", "#D55E00",
				      "#56B4E9", "#CC79A7", "#F0E442", "#000000" };

static void cell(FILE *f, const struct hvs_metric *mt, const struct hvs_rpt_row *row)
{
	char v[128], ci[160], mad[64];

	if (!mt) {
		fputs("<td class=na>–</td>", f);
		return;
	}
	if (!hvs_rpt_usable(mt)) {
		fputs("<td class=bad title=\"", f);
		hvs_esc_html(f, mt->reason);
		fprintf(f, "\">%s</td>", mt->outcome == HVS_PASS ? "no data" : hvs_outcome_name(mt->outcome));
		return;
	}
	hvs_rpt_cell_text(mt, NULL, HVS_U_UTF8, v, sizeof(v));
	hvs_fmt_ci(ci, sizeof(ci), mt->summary.median, mt->summary.ci_lo, mt->summary.ci_hi, row->unit,
		   HVS_U_UTF8);
	hvs_fmt_val(mad, sizeof(mad), mt->summary.mad, row->unit, HVS_U_UTF8);
	fputs("<td title=\"", f);
	hvs_esc_html(f, ci);
	fprintf(f, ", n = %zu, MAD ", mt->summary.n);
	hvs_esc_html(f, mad);
	fprintf(f, ", outliers %zu\">%s</td>", mt->summary.outliers, v);
}

static void col_head(FILE *f, const struct hvs_rpt_model *m, size_t c)
{
	fprintf(f, "<th><span class=sw style=\"background:%s\"></span>", swatch[c % HVS_ARRAY_SIZE(swatch)]);
	hvs_esc_html(f, m->cols[c].label);
	fputs("</th>", f);
}

static void class_row(FILE *f, const struct hvs_rpt_model *m, size_t r, size_t span)
{
	if (r && !strcmp(m->rows[r - 1].klass, m->rows[r].klass))
		return;
	fprintf(f, "<tr class=cls><td colspan=%zu>", span);
	hvs_esc_html(f, m->rows[r].klass);
	fputs("</td></tr>\n", f);
}

static void platforms(FILE *f, const struct hvs_rpt_model *m)
{
	fputs("<h2 id=platforms>Platforms</h2>\n<div class=cols>\n", f);
	for (size_t c = 0; c < m->ncols; c++) {
		const struct hvs_rpt_column *col = &m->cols[c];

		fprintf(f, "<section class=\"col%s\"><h3><span class=sw style=\"background:%s\"></span>",
			(int)c == m->baseline ? " base" : "", swatch[c % HVS_ARRAY_SIZE(swatch)]);
		hvs_esc_html(f, col->label);
		if ((int)c == m->baseline) {
			char vb[512];

			fputs(" <small>(baseline", f);
			if (hvs_rpt_baseline_virtual(m, vb, sizeof(vb))) {
				fputs(": ", f);
				hvs_esc_html(f, vb);
			}
			fputs(")</small>", f);
		}
		fputs("</h3>\n<p><b>", f);
		hvs_esc_html(f, col->summary && *col->summary ? col->summary : "no fingerprint");
		fputs("</b></p>\n<table class=ctx>", f);
		if (col->hostname) {
			fputs("<tr><td>host</td><td>", f);
			hvs_esc_html(f, col->hostname);
			fputs("</td></tr>", f);
		}
		for (size_t i = 0; i < col->nctx; i++) {
			fputs("<tr><td>", f);
			hvs_esc_html(f, col->ctx[i].key);
			fputs("</td><td>", f);
			hvs_esc_html(f, col->ctx[i].val);
			fputs("</td></tr>", f);
		}
		for (size_t i = 0; i < col->ntags; i++) {
			fputs("<tr><td>tag <code>", f);
			hvs_esc_html(f, col->tags[i].key);
			fputs("</code></td><td>", f);
			hvs_esc_html(f, col->tags[i].val);
			fputs("</td></tr>", f);
		}
		fputs("</table>\n", f);
		fprintf(f, "<details><summary>Evidence (%zu)</summary><ul>", col->nevidence);
		for (size_t i = 0; i < col->nevidence; i++) {
			fputs("<li>", f);
			hvs_esc_html(f, col->evidence[i]);
			fputs("</li>", f);
		}
		fputs("</ul></details>\n<p class=links>", f);
		if (col->raw_name) {
			fputs("<a href=\"raw/", f);
			/* raw_name is [A-Za-z0-9._-] only (hvs_esc_fname): a safe relative URL. */
			hvs_esc_html(f, col->raw_name);
			fputs("\">raw result file</a> · ", f);
		}
		fputs("<code>", f);
		hvs_esc_html(f, col->file);
		fprintf(f, "</code> · %zu metrics</p></section>\n", col->metrics.n);
	}
	fputs("</div>\n", f);
}

static void medians(FILE *f, const struct hvs_rpt_model *m)
{
	fputs("<h2 id=medians>Medians</h2>\n<p class=note>Each cell: median and the 95% confidence "
	      "interval of the median, as ± when symmetric, else [low, high] (hover for n, MAD); "
	      "† = steal time above threshold while measuring.</p>\n"
	      "<table><thead><tr><th>metric</th>",
	      f);
	for (size_t c = 0; c < m->ncols; c++)
		col_head(f, m, c);
	fputs("</tr></thead><tbody>\n", f);
	for (size_t r = 0; r < m->nrows; r++) {
		const struct hvs_rpt_row *row = &m->rows[r];
		class_row(f, m, r, m->ncols + 1);
		fputs("<tr><td title=\"", f);
		hvs_esc_html(f, row->what);
		fputs("\"><code>", f);
		hvs_esc_html(f, row->name);
		fputs("</code></td>", f);
		for (size_t c = 0; c < m->ncols; c++)
			cell(f, row->cell[c], row);
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

static void normalized(FILE *f, const struct hvs_rpt_model *m)
{
	if (m->baseline < 0 || m->ncols < 2)
		return;
	fputs("<h2 id=relative>Relative to ", f);
	hvs_esc_html(f, m->cols[m->baseline].label);
	{
		char vb[512];

		if (hvs_rpt_baseline_virtual(m, vb, sizeof(vb))) {
			fputs(" <small>(", f);
			hvs_esc_html(f, vb);
			fputs(")</small>", f);
		}
	}
	fputs("</h2>\n<p class=note>Cost ratio: time (or 1/throughput) relative to the baseline, so "
	      "&gt; 1 is worse. Brackets: its 95% CI, simultaneous over the metrics, as <code>hvscope compare</code> "
	      "computes it (the analysis module's). Geometric mean: compare's precision-weighted one, with its 95% CI.</p>\n"
	      "<table><thead><tr><th>metric</th>",
	      f);
	for (size_t c = 0; c < m->ncols; c++)
		if ((int)c != m->baseline)
			col_head(f, m, c);
	fputs("</tr></thead><tbody>\n", f);
	for (size_t r = 0; r < m->nrows; r++) {
		class_row(f, m, r, m->ncols);
		fputs("<tr><td><code>", f);
		hvs_esc_html(f, m->rows[r].name);
		fputs("</code></td>", f);
		for (size_t c = 0; c < m->ncols; c++) {
			double lo, hi, v;

			if ((int)c == m->baseline)
				continue;
			v = hvs_rpt_ratio(m, r, c, &lo, &hi);
			if (!isfinite(v)) {
				fputs("<td class=na>–</td>", f);
			} else {
				char b[160];

				hvs_rpt_ratio_text(v, lo, hi, b, sizeof(b));
				fprintf(f, "<td>%s</td>", b);
			}
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody><tfoot><tr><th>geometric mean <small>(95% CI)</small></th>", f);
	for (size_t c = 0; c < m->ncols; c++) {
		size_t n;
		double g, lo, hi;
		char b[160];

		if ((int)c == m->baseline)
			continue;
		g = hvs_rpt_geomean_ci(m, c, NULL, &lo, &hi, &n);
		hvs_rpt_ratio_text(g, lo, hi, b, sizeof(b));
		if (isfinite(g))
			fprintf(f, "<th>%s <small>(%zu)</small></th>", b, n);
		else
			fputs("<th>–</th>", f);
	}
	fputs("</tr></tfoot></table>\n", f);
}

/* A LaTeX table taller than a page comes in parts: links to the further ones (" (part 2, 3)"). */
static void tex_parts_links(FILE *f, const struct hvs_rpt_model *m, int ratio)
{
	size_t np = hvs_report_latex_nparts(m, ratio, 0);

	for (size_t k = 1; k < np; k++) {
		char name[64];

		hvs_report_latex_name(ratio, 0, k, name, sizeof(name));
		fprintf(f, "%s<a href=\"%s\">%zu</a>", k == 1 ? " (part " : ", ", name, k + 1);
	}
	if (np > 1)
		fputc(')', f);
}

/*
 * Copy a gnuplot SVG into the page from its <svg> tag on, with every id and
 * reference prefixed by the chart's number so the inlined charts' ids
 * (gnuplot uses the same ones in every file) stay unique.
 */
static int inline_svg(FILE *f, const char *dir, const char *name, size_t k)
{
	static const char *const pats[] = { "id='", "id=\"", "href='#", "href=\"#", "url(#" };
	char path[4096], pre[32];
	char *buf = NULL, *p;
	long len;

	snprintf(path, sizeof(path), "%s/charts/%s.svg", dir, name);
	len = hvs_read_file(path, SVG_MAX_BYTES, &buf);
	if (len < 0)
		return (int)len;
	snprintf(pre, sizeof(pre), "c%zu-", k);
	p = strstr(buf, "<svg");
	if (!p) {
		free(buf);
		return -EINVAL;
	}
	while (*p) {
		size_t best = 0, plen = 0;
		char *hit = NULL;

		for (size_t i = 0; i < HVS_ARRAY_SIZE(pats); i++) {
			char *h = strstr(p, pats[i]);

			if (h && (!hit || h < hit)) {
				hit = h;
				best = i;
			}
		}
		if (!hit) {
			fputs(p, f);
			break;
		}
		plen = strlen(pats[best]);
		fwrite(p, 1, (size_t)(hit - p) + plen, f);
		fputs(pre, f);
		p = hit + plen;
	}
	free(buf);
	return 0;
}

static void charts(FILE *f, const struct hvs_report_opts *o, const struct hvs_rpt_charts *ch)
{
	static const struct {
		const char *kind, *head, *note;
	} kinds[] = {
		{ "bars", "Medians by class", "Bars: median; whiskers: 95% CI of the median; a log axis where the medians span decades; n/m: not measured on that platform (why: under the chart)." },
		{ "norm", "Relative to the baseline", "Cost ratio to the baseline, one chart per class: bars from 1 (up: worse, down: better), whiskers: the ratio's interval; a log axis centred at 1 where ratios span decades; a triangle with a value marks a whisker beyond the axis. Last chart: the geometric mean per class with its 95% CI." },
		{ "dist", "Distributions", "Box: quartiles; whiskers: 1.5 IQR; dots: samples beyond." },
		{ "chase", "Memory latency", "Pointer-chase latency against working-set size (log scale): steps show cache and TLB levels." },
		{ "trend", "History", "Median per nightly run with its 95% CI; marked points: where a change began." },
	};

	if (!ch || !ch->n)
		return;
	fputs("<h2 id=charts>Charts</h2>\n", f);
	for (size_t k = 0; k < HVS_ARRAY_SIZE(kinds); k++) {
		int head = 0;

		for (size_t i = 0; i < ch->n; i++) {
			const struct hvs_rpt_chart *c = &ch->v[i];

			if (strcmp(c->kind, kinds[k].kind))
				continue;
			if (!head) {
				fprintf(f, "<h3>%s</h3>\n<p class=note>%s</p>\n", kinds[k].head, kinds[k].note);
				head = 1;
			}
			fputs("<figure><figcaption>", f);
			hvs_esc_html(f, c->title);
			fputs("</figcaption>\n", f);
			if (c->failed || inline_svg(f, o->dir, c->name, i)) {
				fputs("<p class=note>(gnuplot did not draw this chart: see <a href=\"gnuplot.log\">"
				      "gnuplot.log</a> and its script)</p>", f);
			}
			if (c->note) {
				fputs("<p class=note>", f);
				hvs_esc_html(f, c->note);
				fputs("</p>", f);
			}
			fprintf(f, "\n<p class=links><a href=\"charts/%s.svg\">SVG</a> · <a href=\"charts/%s.png\">PNG</a>",
				c->name, c->name);
			if (o->paper)
				fprintf(f, " · <a href=\"charts/%s.pdf\">PDF</a>", c->name);
			fprintf(f, " · <a href=\"charts/%s.gp\">gnuplot script</a> · <a href=\"charts/%s.dat\">data</a></p>"
				   "</figure>\n",
				c->name, c->name);
		}
	}
}

int hvs_report_html(const struct hvs_rpt_model *m, const struct hvs_report_opts *o,
		    const struct hvs_rpt_charts *ch, FILE *f)
{
	const char *title = o->title ? o->title : "hvscope report";
	char now[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%d %H:%M UTC", &tm);
	fputs("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; img-src data:\">\n"
	      "<meta name=viewport content=\"width=device-width, initial-scale=1\">\n<title>",
	      f);
	hvs_esc_html(f, title);
	fprintf(f, "</title>\n<style>%s</style></head><body>\n<h1>", css);
	hvs_esc_html(f, title);
	fprintf(f, "</h1>\n<p class=note>%zu result files, %zu metrics. Written %s by hvscope %s. "
		   "Also here: <a href=\"report.md\">Markdown</a> · <a href=\"results.csv\">CSV</a> · "
		   "<a href=\"table.tex\">LaTeX</a>",
		m->ncols, m->nrows, now, hvs_version());
	tex_parts_links(f, m, 0);
	if (m->baseline >= 0 && m->ncols > 1) {
		fputs(" · <a href=\"normalized.tex\">LaTeX (relative)</a>", f);
		tex_parts_links(f, m, 1);
	}
	fputs(".</p>\n", f);
	{
		char vb[512];

		if (hvs_rpt_baseline_virtual(m, vb, sizeof(vb))) {
			fputs("<p class=warn><strong>Baseline is virtualized:</strong> ", f);
			hvs_esc_html(f, vb);
			fputs(". Ratios compare against that guest, not against hardware.</p>\n", f);
		}
	}
	platforms(f, m);
	medians(f, m);
	normalized(f, m);
	hvs_report_claims_html(m, f);
	if (o->no_charts)
		fputs("<p class=note>Charts were not drawn (--no-charts).</p>\n", f);
	else
		charts(f, o, ch);
	if (o->history_note) {
		fputs("<h2 id=history>History</h2>\n<p class=note>", f);
		hvs_esc_html(f, o->history_note);
		fputs("</p>\n", f);
	}
	fputs("</body></html>\n", f);
	return ferror(f) ? -EIO : 0;
}
