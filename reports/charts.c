/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * charts.c - gnuplot scripts and data files for a report, and one gnuplot
 * process that draws them all.
 *
 * Charts: grouped bars of medians with 95% CI error bars per metric class
 * and unit ("bars"), cost ratios against the baseline with geometric means
 * ("norm"), box plots of the raw samples ("dist"), pointer-chase latency
 * against working set on a log2 axis ("chase") and history trends with
 * change points ("trend").
 *
 * Safety: strings from result files reach gnuplot only as single-quoted
 * strings (escape.h: no backslash, backquote or macro expansion there) on
 * terminals set `noenhanced`; data files hold numbers only.
 */
#include "charts.h"
#include "core/array.h"
#include "core/units.h"
#include "escape.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Okabe & Ito (2008): distinguishable with every common colour-vision deficiency. */
static const char *const palette[] = {
	"#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000",
};
#define NPAL HVS_ARRAY_SIZE(palette)

/* gnuplot point types per platform: filled circle, square, triangle up, diamond, triangle down, pentagon, x, + */
static const int markers[] = { 7, 5, 9, 13, 11, 15, 2, 1 };

#define MAX_GROUP_SPREAD 1e12 /* one chart per class and unit: a log axis when medians span decades */
#define DIST_MAX_SAMPLES 1000 /* per box: quantiles of larger sample sets */

static int chart_add(struct hvs_rpt_charts *c, const char *kind, const char *name, const char *title)
{
	struct hvs_rpt_chart *ch;

	if (HVS_ARRAY_RESERVE(c->v, c->cap, c->n + 1, 16))
		return -ENOMEM;
	ch = &c->v[c->n];
	memset(ch, 0, sizeof(*ch));
	hvs_strlcpy(ch->kind, kind, sizeof(ch->kind));
	hvs_strlcpy(ch->name, name, sizeof(ch->name));
	if (!(ch->title = strdup(title ? title : "")))
		return -ENOMEM;
	c->n++;
	return 0;
}

/* Attach a note (what is not drawn and why) to the chart added last. */
static int chart_note(struct hvs_rpt_charts *c, const char *note)
{
	if (!c->n || !note || !*note)
		return 0;
	free(c->v[c->n - 1].note);
	return (c->v[c->n - 1].note = strdup(note)) ? 0 : -ENOMEM;
}

void hvs_rpt_charts_free(struct hvs_rpt_charts *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].title);
		free(c->v[i].note);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static FILE *open_in(const char *dir, const char *name, const char *ext)
{
	char path[4096];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return hvs_wfopen_new(path);
}

static int close_checked(FILE *f)
{
	int bad = ferror(f);

	if (fclose(f) || bad)
		return -EIO;
	return 0;
}

/* Figure geometry: screen sizes grow with the number of bars; papers are 3.3 in wide. */
struct geom {
	int w, h;
};

static struct geom screen_geom(size_t groups, size_t series)
{
	struct geom g;
	long w = 120 + (long)(groups * (series * 16 + 24));

	g.w = w < 640 ? 640 : w > 1800 ? 1800 : (int)w;
	g.h = 420;
	return g;
}

/* The common style after a reset: border, tics, grid, key; the title (a paper has none). */
static void gp_style(FILE *f, const char *title, int paper)
{
	fputs("reset\nset encoding utf8\n", f);
	fputs("set border 3 lc rgb '#404040'\nset tics nomirror\nset grid ytics lc rgb '#d0d0d0' dt 3\n", f);
	fputs("set key outside top center horizontal Left reverse noenhanced samplen 1.5 width 1\n", f);
	fputs("set title ", f);
	hvs_esc_gp(f, title);
	fputs(" noenhanced\n", f);
	if (paper)
		fputs("# A paper captions its figures: no title (delete the next line to keep it).\n"
		      "unset title\n",
		      f);
}

/* Script header: comment, reset, encoding, common style. */
static void gp_begin(FILE *f, const char *name, const char *title, int paper)
{
	/*
	 * gnuplot expands `backquotes` anywhere on a line, comments included:
	 * no backquote and no result-file string may ever appear here.
	 */
	fprintf(f, "# %s.gp - written by hvscope report.\n"
		   "# Restyle: edit this file, then run: gnuplot %s.gp (in this directory).\n"
		   "# It reads %s.dat and writes %s.svg, %s.png%s.\n",
		name, name, name, name, name, paper ? " and a PDF for a paper" : "");
	gp_style(f, title, paper);
}

/*
 * A figure of n panels one above the other (gnuplot multiplot), 3.3 in
 * wide for a paper: one loop over the output formats draws every panel on
 * each (a multiplot cannot be replotted). Each panel then starts with
 * fig_panel() and ends with its plot command; fig_end() closes the figure.
 */
#define PANEL_H_IN 1.6 /* inches per row of panels in a paper figure */

static void fig_begin(FILE *f, const char *name, const char *title, int paper, size_t n)
{
	/* two panels a row from three on: a paper column holds about three rows */
	size_t cols = n >= 3 ? 2 : 1, rows = (n + cols - 1) / cols;

	fprintf(f, "# %s.gp - written by hvscope report: a figure of %zu panels (%s-p1.dat, ...).\n"
		   "# Restyle: edit this file, then run: gnuplot %s.gp (in this directory).\n"
		   "# It writes %s.svg, %s.png%s; each panel below starts with reset.\n",
		name, n, name, name, name, name, paper ? " and a PDF for a paper" : "");
	fputs("reset\nset encoding utf8\n", f);
	fprintf(f, "do for [hvs_out=1:%d] {\n", paper ? 3 : 2);
	if (paper) {
		fprintf(f, "if (hvs_out == 1) { set terminal svg size 317,%d fixed noenhanced font 'Helvetica,7' "
			   "background '#ffffff'; set output '%s.svg' }\n",
			(int)(PANEL_H_IN * 96 * (double)rows + 0.5), name);
		fprintf(f, "if (hvs_out == 2) { set terminal pngcairo size 990,%d noenhanced font 'Helvetica,21' "
			   "background '#ffffff'; set output '%s.png' }\n",
			(int)(PANEL_H_IN * 300 * (double)rows + 0.5), name);
		fprintf(f, "if (hvs_out == 3) { set terminal pdfcairo size 3.3in,%.2fin noenhanced font "
			   "'Helvetica,7'; set output '%s.pdf' }\n",
			PANEL_H_IN * (double)rows, name);
	} else {
		fprintf(f, "if (hvs_out == 1) { set terminal svg size %zu,%zu fixed noenhanced font 'Helvetica,11' "
			   "background '#ffffff'; set output '%s.svg' }\n",
			560 * cols, 360 * rows, name);
		fprintf(f, "if (hvs_out == 2) { set terminal pngcairo size %zu,%zu noenhanced font 'Helvetica,10' "
			   "background '#ffffff'; set output '%s.png' }\n",
			560 * cols, 360 * rows, name);
	}
	fprintf(f, "set multiplot layout %zu,%zu", rows, cols);
	if (!paper) {
		fputs(" title ", f);
		hvs_esc_gp(f, title);
		fputs(" noenhanced", f);
	}
	fputc('\n', f);
}

static void fig_panel(FILE *f, size_t k, int paper)
{
	fprintf(f, "# --- panel %zu ---\n", k + 1);
	gp_style(f, "", paper);
}

static void fig_end(FILE *f)
{
	fputs("unset multiplot\n}\nset output\n", f);
}

/*
 * Script footer: draw to every format. The plot command was written to the
 * SVG terminal first; replot repeats it on the others.
 */
static void gp_outputs_head(FILE *f, const char *name, struct geom g, int paper)
{
	if (paper)
		fprintf(f, "set terminal svg size 317,%d fixed noenhanced font 'Helvetica,7' background '#ffffff'\n",
			g.h * 317 / g.w < 190 ? 190 : g.h * 317 / g.w);
	else
		fprintf(f, "set terminal svg size %d,%d fixed noenhanced font 'Helvetica,11' background '#ffffff'\n",
			g.w, g.h);
	fprintf(f, "set output '%s.svg'\n", name);
}

static void gp_outputs_tail(FILE *f, const char *name, struct geom g, int paper)
{
	if (paper) {
		/* 300 dpi at 3.3 in; fonts scaled to match 7 pt. */
		fprintf(f, "set terminal pngcairo size 990,%d noenhanced font 'Helvetica,21' background '#ffffff'\n",
			g.h * 990 / g.w < 570 ? 570 : g.h * 990 / g.w);
		fprintf(f, "set output '%s.png'\nreplot\n", name);
		fprintf(f, "set terminal pdfcairo size 3.3in,%.2fin noenhanced font 'Helvetica,7'\n",
			g.h * 3.3 / g.w < 1.9 ? 1.9 : g.h * 3.3 / g.w);
		fprintf(f, "set output '%s.pdf'\nreplot\n", name);
	} else {
		fprintf(f, "set terminal pngcairo size %d,%d noenhanced font 'Helvetica,10' background '#ffffff'\n",
			g.w, g.h);
		fprintf(f, "set output '%s.png'\nreplot\n", name);
	}
	fputs("set output\n", f);
}

/* End a chart's plot command and script (the other formats) and close it and its data file. */
static int gp_close_both(FILE *f, FILE *d, const char *name, struct geom g, int paper)
{
	int ret;

	fputc('\n', f);
	gp_outputs_tail(f, name, g, paper);
	ret = close_checked(d);
	if (close_checked(f) && !ret)
		ret = -EIO;
	return ret;
}

/*
 * Platform i's style: its Okabe-Ito colour everywhere. bars: 1 filled
 * shapes, 2 filled shapes for a paper, where the fill density also varies
 * by platform (full, light, medium, ...) so that neighbours stay apart in
 * grayscale print; 0 lines.
 */
static void gp_series_style(FILE *f, size_t i, int bars)
{
	static const double density[] = { 1.0, 0.35, 0.7, 0.5, 0.2, 0.85 };

	fprintf(f, " lc rgb '%s'", palette[i % NPAL]);
	if (bars == 2 && i < NPAL)
		fprintf(f, " fs solid %.2f border rgb '#000000'", density[i % HVS_ARRAY_SIZE(density)]);
	else if (bars && i >= NPAL)
		fprintf(f, " fs pattern %zu border rgb '#000000'", (i / NPAL) % 7 + 1);
	else if (!bars && i >= NPAL)
		fprintf(f, " dt %zu", (i / NPAL) % 5 + 1);
}

/* Reference magnitude of a row: baseline median, else the first usable one. */
static double row_ref(const struct hvs_rpt_model *m, size_t r)
{
	const struct hvs_rpt_row *row = &m->rows[r];

	if (m->baseline >= 0 && hvs_rpt_usable(row->cell[m->baseline]))
		return row->cell[m->baseline]->summary.median;
	for (size_t c = 0; c < m->ncols; c++)
		if (hvs_rpt_usable(row->cell[c]))
			return row->cell[c]->summary.median;
	return NAN;
}

/* Length of the dotted prefix shared by every name (ends after a '.'). */
static size_t common_prefix(const char *const *names, size_t n)
{
	size_t p = 0;

	if (n < 2)
		return 0;
	for (;;) {
		const char *dot = strchr(names[0] + p, '.');
		size_t q;

		if (!dot)
			return p;
		q = (size_t)(dot - names[0]) + 1;
		for (size_t i = 1; i < n; i++)
			if (strncmp(names[i], names[0], q))
				return p;
		/* Keep at least one component of every name. */
		for (size_t i = 0; i < n; i++)
			if (!names[i][q])
				return p;
		p = q;
	}
}

/* 1 while write_fig lays out panels two a row: half the width for tic labels */
static int narrow_panels;

/* set xtics ('label' 0, ...) from the row names, shared prefix moved to *prefix. */
static void gp_xtics(FILE *f, const struct hvs_rpt_model *m, const size_t *rows, size_t n,
		     int paper, size_t *prefix)
{
	const char **names = malloc((n ? n : 1) * sizeof(*names));
	size_t p = 0, longest = 0;

	if (names) {
		for (size_t i = 0; i < n; i++)
			names[i] = m->rows[rows[i]].name;
		p = common_prefix(names, n);
		free(names);
	}
	for (size_t i = 0; i < n; i++)
		if (strlen(m->rows[rows[i]].name + p) > longest)
			longest = strlen(m->rows[rows[i]].name + p);
	/* a 3.3 in paper figure holds about half the characters of a screen one */
	if (longest * n > (paper ? 45u : 70u) / (narrow_panels + 1u) || longest > (paper ? 12u : 18u) / (narrow_panels + 1u))
		fputs("set xtics rotate by 30 right\n", f); /* long names run left, never off the page */
	fputs("set xtics (", f);
	for (size_t i = 0; i < n; i++) {
		hvs_esc_gp(f, m->rows[rows[i]].name + p);
		fprintf(f, " %zu%s", i, i + 1 < n ? ", " : "");
	}
	fputs(")\n", f);
	*prefix = p;
}

static void fmt_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, " %.9g", v);
	else
		fputs(" NaN", f);
}

/* Title text "<prefix><class> (unit)" into buf. */
static void make_title(char *buf, size_t len, const char *what, const char *prefix, size_t plen,
		       const char *klass, const char *unit)
{
	snprintf(buf, len, "%s%s%.*s%s [%s]", what, *what ? ": " : "", (int)plen, prefix,
		 plen ? "*" : klass, unit);
}

/* --- grouped bars and box plots, one chart per chunk of similar rows --- */

struct chunk {
	size_t *rows;
	size_t n;
};

static void sort_by_ref(const struct hvs_rpt_model *m, size_t *v, size_t n)
{
	/* Insertion sort by reference magnitude: groups are small. */
	for (size_t i = 1; i < n; i++) {
		size_t x = v[i], j = i;
		double rx = row_ref(m, x);

		while (j > 0 && row_ref(m, v[j - 1]) > rx) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

/*
 * Split the chartable rows into chunks: same class and unit, at most `per`
 * rows, medians within MAX_GROUP_SPREAD of each other (so one linear axis
 * shows them all). Pointer-chase rows are left to the chase chart.
 */
static int make_chunks(const struct hvs_rpt_model *m, size_t per, struct chunk **out, size_t *nout)
{
	struct chunk *ch = NULL;
	size_t nch = 0, cap = 0, r = 0;
	size_t *grp = malloc((m->nrows ? m->nrows : 1) * sizeof(*grp));

	if (!grp)
		return -ENOMEM;
	while (r < m->nrows) {
		size_t g = 0, e = r;

		while (e < m->nrows && !strcmp(m->rows[e].klass, m->rows[r].klass) &&
		       !strcmp(m->rows[e].unit, m->rows[r].unit))
			e++;
		for (size_t i = r; i < e; i++)
			if (isnan(m->rows[i].ws_bytes) && isfinite(row_ref(m, i)))
				grp[g++] = i;
		sort_by_ref(m, grp, g);
		for (size_t i = 0; i < g;) {
			size_t j = i + 1;
			double lo = fabs(row_ref(m, grp[i]));

			while (j < g && j - i < per &&
			       (lo <= 0 || fabs(row_ref(m, grp[j])) <= lo * MAX_GROUP_SPREAD))
				j++;
			if (HVS_ARRAY_RESERVE(ch, cap, nch + 1, 8))
				goto nomem;
			ch[nch].n = j - i;
			ch[nch].rows = malloc((j - i) * sizeof(size_t));
			if (!ch[nch].rows)
				goto nomem;
			memcpy(ch[nch].rows, grp + i, (j - i) * sizeof(size_t));
			nch++;
			i = j;
		}
		r = e;
	}
	free(grp);
	*out = ch;
	*nout = nch;
	return 0;
nomem:
	for (size_t i = 0; i < nch; i++)
		free(ch[i].rows);
	free(ch);
	free(grp);
	return -ENOMEM;
}

static void free_chunks(struct chunk *ch, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ch[i].rows);
	free(ch);
}

/* Why column c has no value for row r: the metric's reason, else that it is absent. */
static const char *missing_why(const struct hvs_rpt_model *m, size_t r, size_t c)
{
	const struct hvs_metric *mt = m->rows[r].cell[c];

	if (!mt)
		return "not in its result file";
	if (mt->reason[0])
		return mt->reason;
	return mt->outcome == HVS_PASS ? "no samples" : hvs_outcome_name(mt->outcome);
}

/*
 * The note under a chart: which platforms have no value for some of its
 * rows, and why (the first reason met per platform). Empty when all do.
 */
static void missing_note(const struct hvs_rpt_model *m, const size_t *rows, size_t n, char *buf,
			 size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (size_t c = 0; c < m->ncols; c++) {
		size_t miss = 0, first = 0;

		for (size_t i = 0; i < n; i++)
			if (!hvs_rpt_usable(m->rows[rows[i]].cell[c]) && !miss++)
				first = rows[i];
		if (!miss || off >= len)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s: %s%s%s", off ? "; " : "Not measured here: ",
					m->cols[c].label, miss == n ? "" : "some metrics (",
					missing_why(m, first, c), miss == n ? "" : ")");
	}
	if (off && off < len)
		snprintf(buf + off, len - off, ".");
}

/*
 * Marks on a chart (n/m, clipped whiskers): 7 pt on a screen chart (11 pt
 * text); the terminal's own font on a paper one, already 7 pt (21 px at 300 dpi).
 */
#define SMALL_FONT(paper) ((paper) ? "" : "font ',7'")

/* Do medians (or ratios) from lo to hi span more than ~1.5 decades? Then a log axis. */
#define LOG_SPAN 31.6

/* x of series k of nser in histogram cluster i (gnuplot: gap 1, boxes 1/(nser+1) wide) */
static double cluster_x(size_t i, size_t k, size_t nser)
{
	return (double)i + ((double)k - ((double)nser - 1) / 2) / ((double)nser + 1);
}

/* The title of a chunk's chart: "<what>: <shared prefix>* [unit]". */
static void chunk_title(const struct hvs_rpt_model *m, const struct chunk *ck, const char *what,
			const char *unit, char *title, size_t len)
{
	const struct hvs_rpt_row *r0 = &m->rows[ck->rows[0]];
	const char **nm = malloc(ck->n * sizeof(*nm));
	size_t p = 0;

	if (nm) {
		for (size_t i = 0; i < ck->n; i++)
			nm[i] = m->rows[ck->rows[i]].name;
		p = common_prefix(nm, ck->n);
		free(nm);
	}
	make_title(title, len, what, r0->name, p, r0->klass, unit);
}

/* The largest |median| (and upper CI end) of a chunk: its unit's scale. */
static double chunk_top(const struct hvs_rpt_model *m, const struct chunk *ck)
{
	double vmax = 0;

	for (size_t i = 0; i < ck->n; i++)
		for (size_t c = 0; c < m->ncols; c++) {
			const struct hvs_metric *mt = m->rows[ck->rows[i]].cell[c];

			if (hvs_rpt_usable(mt))
				vmax = fmax(vmax, fmax(fabs(mt->summary.median), fabs(mt->summary.ci_hi)));
		}
	return vmax;
}

/*
 * One bar chart's data (dname.dat) and its settings and plot command into
 * f: a chart of its own, or a panel of a figure. *marks: n/m marks drawn.
 */
static int bars_body(const struct hvs_rpt_model *m, const struct hvs_rpt_chart_opts *o,
		     const struct chunk *ck, FILE *f, const char *dname, int *marks)
{
	const struct hvs_rpt_row *r0 = &m->rows[ck->rows[0]];
	struct hvs_uscale sc;
	double vmin = INFINITY, vmax = 0;
	size_t prefix, nser = 0;
	int *have = calloc(m->ncols ? m->ncols : 1, sizeof(*have));
	FILE *d;
	int ret, neg = 0;

	*marks = 0;
	if (!have)
		return -ENOMEM;
	/* Only platforms with a value in this chart get a series (an empty one stops gnuplot). */
	for (size_t i = 0; i < ck->n; i++)
		for (size_t c = 0; c < m->ncols; c++) {
			const struct hvs_metric *mt = m->rows[ck->rows[i]].cell[c];

			if (!hvs_rpt_usable(mt))
				continue;
			have[c] = 1;
			neg |= mt->summary.ci_lo < 0 || mt->summary.median <= 0;
			vmin = fmin(vmin, fabs(mt->summary.median));
			vmax = fmax(vmax, fmax(fabs(mt->summary.median), fabs(mt->summary.ci_hi)));
		}
	for (size_t c = 0; c < m->ncols; c++)
		nser += have[c];
	hvs_unit_pick(r0->unit, vmax, HVS_U_UTF8, &sc);
	if (!(d = open_in(o->dir, dname, "dat"))) {
		free(have);
		return -errno;
	}
	fprintf(d, "# row, then per result file: median ci_lo ci_hi, in %s (the axis unit)\n", sc.unit);
	fputs("# (column N = the N-th result file of the report, in the order of the key)\n", d);
	for (size_t i = 0; i < ck->n; i++) {
		const struct hvs_rpt_row *row = &m->rows[ck->rows[i]];

		fprintf(d, "%zu", i);
		for (size_t c = 0; c < m->ncols; c++) {
			const struct hvs_metric *mt = row->cell[c];
			int u = hvs_rpt_usable(mt);

			fmt_num(d, u ? mt->summary.median / sc.div : NAN);
			fmt_num(d, u ? mt->summary.ci_lo / sc.div : NAN);
			fmt_num(d, u ? mt->summary.ci_hi / sc.div : NAN);
		}
		fputc('\n', d);
	}
	if ((ret = close_checked(d))) {
		free(have);
		return ret;
	}
	fputs("set style data histogram\nset style histogram errorbars gap 1 lw 1\n"
	      "set style fill solid 0.85 border rgb '#000000'\nset boxwidth 0.9\n"
	      "set offsets 0, 0, graph 0.12, 0\nset format y '%g'\n",
	      f);
	if (!neg && vmin > 0 && vmax > LOG_SPAN * vmin)
		/* Medians spanning decades: a log axis keeps the small ones visible. */
		fputs("set logscale y 10\nset yrange [*:*]\nset grid ytics mytics\n", f);
	else
		/* Bars start at zero unless some median is negative. */
		fputs(neg ? "set yrange [*:*]\n" : "set yrange [0:*]\n", f);
	fputs("set ylabel ", f);
	{
		char yl[160];

		snprintf(yl, sizeof(yl), "%s (%s)", r0->direction == HVS_HIGHER_IS_BETTER ?
			 (o->paper ? "higher is better" : "median, higher is better") :
			 (o->paper ? "lower is better" : "median, lower is better"), sc.unit);
		hvs_esc_gp(f, yl);
	}
	fputs(o->paper ? "\nunset xlabel\n" : "\nset xlabel 'metric'\n", f);
	gp_xtics(f, m, ck->rows, ck->n, o->paper, &prefix);
	/* "not measured here": a mark where a platform with a series has no value */
	for (size_t i = 0; i < ck->n; i++) {
		size_t k = 0;

		for (size_t c = 0; c < m->ncols; c++) {
			if (!have[c])
				continue;
			if (!hvs_rpt_usable(m->rows[ck->rows[i]].cell[c]) && ++*marks)
				fprintf(f, "set label 'n/m' at first %.4f, graph 0.02 center rotate by 90 "
					   "%s tc rgb '#555555'\n",
					cluster_x(i, k, nser), SMALL_FONT(o->paper));
			k++;
		}
	}
	fputs("plot", f);
	for (size_t c = 0, k = 0; c < m->ncols; c++) {
		if (!have[c])
			continue;
		fprintf(f, "%s '%s.dat' using %zu:%zu:%zu title ", k++ ? ", \\\n    " : "", dname,
			2 + 3 * c, 3 + 3 * c, 4 + 3 * c);
		hvs_esc_gp(f, m->cols[c].label);
		gp_series_style(f, c, o->paper ? 2 : 1);
	}
	fputc('\n', f);
	free(have);
	return 0;
}

/*
 * One chunk as a chart of its own: KIND-NN-CLASS.gp drawing body's panel
 * (bars_body, dist_body) to every format, titled "<what>: ...". noted: the
 * chart carries the note of the platforms that did not measure some of its rows.
 */
typedef int (*panel_fn)(const struct hvs_rpt_model *m, const struct hvs_rpt_chart_opts *o,
			const struct chunk *ck, FILE *f, const char *dname, int *marks);

static int write_one(const struct hvs_rpt_model *m, const struct hvs_rpt_chart_opts *o,
		     const struct chunk *ck, unsigned idx, const char *kind, panel_fn body,
		     const char *what, int noted, struct hvs_rpt_charts *out)
{
	const struct hvs_rpt_row *r0 = &m->rows[ck->rows[0]];
	char name[80], safe[48], title[512], note[1024] = "";
	struct geom g = screen_geom(ck->n, m->ncols);
	struct hvs_uscale sc;
	FILE *f;
	int ret, marks = 0;

	hvs_unit_pick(r0->unit, chunk_top(m, ck), HVS_U_UTF8, &sc);
	hvs_esc_fname(safe, sizeof(safe), r0->klass);
	snprintf(name, sizeof(name), "%s-%02u-%s", kind, idx, safe);
	chunk_title(m, ck, what, sc.unit, title, sizeof(title));
	if (!(f = open_in(o->dir, name, "gp")))
		return -errno;
	gp_begin(f, name, title, o->paper);
	gp_outputs_head(f, name, g, o->paper);
	ret = body(m, o, ck, f, name, &marks);
	gp_outputs_tail(f, name, g, o->paper);
	if (close_checked(f) && !ret)
		ret = -EIO;
	if (ret)
		return ret;
	if (noted)
		missing_note(m, ck->rows, ck->n, note, sizeof(note));
	if (marks)
		strncat(note, " (n/m on the chart)", sizeof(note) - strlen(note) - 1);
	if ((ret = chart_add(out, kind, name, title)))
		return ret;
	return chart_note(out, note);
}

/*
 * The bar charts of one class, chunks ck[0..n), as one figure: a panel per
 * chunk (each with its own unit and axis). A paper gets one PDF per class.
 */
static int write_fig(const struct hvs_rpt_model *m, const struct hvs_rpt_chart_opts *o,
		     const struct chunk *ck, size_t n, unsigned idx, const char *kind, panel_fn body,
		     const char *what, struct hvs_rpt_charts *out)
{
	const char *klass = m->rows[ck[0].rows[0]].klass;
	char name[80], safe[48], title[512], note[2048] = "", dname[128];
	size_t *all, nall = 0;
	FILE *f;
	int ret = 0, marks = 0;

	hvs_esc_fname(safe, sizeof(safe), klass);
	snprintf(name, sizeof(name), "%s-%02u-%s", kind, idx, safe);
	snprintf(title, sizeof(title), "%s: %s (%zu panels)", what, klass, n);
	if (!(f = open_in(o->dir, name, "gp")))
		return -errno;
	fig_begin(f, name, title, o->paper, n);
	narrow_panels = n >= 3;
	for (size_t k = 0; k < n && !ret; k++) {
		int mk = 0;

		fig_panel(f, k, o->paper);
		snprintf(dname, sizeof(dname), "%s-p%zu", name, k + 1);
		ret = body(m, o, &ck[k], f, dname, &mk);
		marks += mk;
	}
	narrow_panels = 0;
	fig_end(f);
	if (close_checked(f) && !ret)
		ret = -EIO;
	if (ret)
		return ret;
	for (size_t k = 0; k < n; k++)
		nall += ck[k].n;
	if ((all = malloc(nall * sizeof(*all)))) {
		nall = 0;
		for (size_t k = 0; k < n; k++)
			for (size_t i = 0; i < ck[k].n; i++)
				all[nall++] = ck[k].rows[i];
		missing_note(m, all, nall, note, sizeof(note));
		free(all);
	}
	if (marks)
		strncat(note, " (n/m on the chart)", sizeof(note) - strlen(note) - 1);
	if ((ret = chart_add(out, kind, name, title)))
		return ret;
	return chart_note(out, note);
}

/* Up to max evenly spaced order statistics of a sorted copy of x. */
static void write_quantiles(FILE *d, size_t pos, const double *x, size_t n, double div)
{
	double *s = malloc(n * sizeof(*s));

	if (!s)
		return;
	memcpy(s, x, n * sizeof(*s));
	hvs_sort(s, n);
	if (n <= DIST_MAX_SAMPLES) {
		for (size_t i = 0; i < n; i++)
			if (isfinite(s[i]))
				fprintf(d, "%zu %.9g\n", pos, s[i] / div);
	} else {
		for (size_t k = 0; k < DIST_MAX_SAMPLES; k++) {
			size_t i = (size_t)((double)k * (double)(n - 1) / (DIST_MAX_SAMPLES - 1));

			if (isfinite(s[i]))
				fprintf(d, "%zu %.9g\n", pos, s[i] / div);
		}
	}
	free(s);
}

/* Does any cell of the chunk carry raw samples? (else no distribution to draw) */
static int chunk_has_samples(const struct hvs_rpt_model *m, const struct chunk *ck)
{
	for (size_t i = 0; i < ck->n; i++)
		for (size_t c = 0; c < m->ncols; c++) {
			const struct hvs_metric *mt = m->rows[ck->rows[i]].cell[c];

			if (hvs_rpt_usable(mt) && mt->samples && mt->nsamples)
				return 1;
		}
	return 0;
}

/* One box-plot chart's data (dname.dat), settings and plot command into f (see bars_body). */
static int dist_body(const struct hvs_rpt_model *m, const struct hvs_rpt_chart_opts *o,
		     const struct chunk *ck, FILE *f, const char *dname, int *marks)
{
	const struct hvs_rpt_row *r0 = &m->rows[ck->rows[0]];
	double w = 0.8 / (double)m->ncols, vmax = 0;
	struct hvs_uscale sc;
	size_t prefix, block = 0, drawn = 0;
	FILE *d;

	*marks = 0;
	if (!(d = open_in(o->dir, dname, "dat")))
		return -errno;
	for (size_t i = 0; i < ck->n; i++)
		for (size_t c = 0; c < m->ncols; c++)
			if (hvs_rpt_usable(m->rows[ck->rows[i]].cell[c]))
				vmax = fmax(vmax, fabs(m->rows[ck->rows[i]].cell[c]->summary.median));
	hvs_unit_pick(r0->unit, vmax, HVS_U_UTF8, &sc);
	fprintf(d, "# raw samples in %s: blocks (gnuplot index) of \"row sample\" lines, one block per\n"
		   "# result file and metric; larger sample sets as 1000 evenly spaced quantiles\n", sc.unit);
	fprintf(f, "set style data boxplot\nset style boxplot outliers pointtype 7\nset pointsize 0.25\n"
		   "set style fill solid 0.5 border rgb '#000000'\nset xrange [-0.6:%zu.6]\n"
		   "set offsets 0, 0, graph 0.12, 0\n", ck->n - 1);
	fputs("set ylabel ", f);
	{
		char yl[160];

		snprintf(yl, sizeof(yl), "%s (%s)", o->paper ? "per sample" : "per-sample value", sc.unit);
		hvs_esc_gp(f, yl);
	}
	fputs(o->paper ? "\nunset xlabel\n" : "\nset xlabel 'metric (box: quartiles, whiskers: 1.5 IQR)'\n", f);
	{
		/* Far outliers would flatten every box on a linear axis: go log. */
		double lo = INFINITY, hi = -INFINITY;

		for (size_t i = 0; i < ck->n; i++)
			for (size_t c = 0; c < m->ncols; c++) {
				const struct hvs_metric *mt = m->rows[ck->rows[i]].cell[c];

				if (!hvs_rpt_usable(mt) || !mt->nsamples)
					continue;
				lo = mt->summary.min < lo ? mt->summary.min : lo;
				hi = mt->summary.max > hi ? mt->summary.max : hi;
			}
		if (lo > 0 && hi > 20 * lo)
			fputs("set logscale y 10\nset grid ytics mytics\n", f);
	}
	gp_xtics(f, m, ck->rows, ck->n, o->paper, &prefix);
	fputs("plot", f);
	for (size_t c = 0; c < m->ncols; c++) {
		int titled = 0;

		for (size_t i = 0; i < ck->n; i++) {
			const struct hvs_metric *mt = m->rows[ck->rows[i]].cell[c];
			double x;

			if (!hvs_rpt_usable(mt) || !mt->samples || !mt->nsamples)
				continue;
			if (block)
				fputs("\n\n", d);
			write_quantiles(d, i, mt->samples, mt->nsamples, sc.div);
			x = (double)i - 0.4 + w * ((double)c + 0.5);
			fprintf(f, "%s '%s.dat' index %zu using (%.4f):2:(%.4f)", drawn ? ", \\\n    " : " ",
				dname, block, x, w * 0.9);
			if (!titled) {
				fputs(" title ", f);
				hvs_esc_gp(f, m->cols[c].label);
				titled = 1;
			} else {
				fputs(" notitle", f);
			}
			gp_series_style(f, c, o->paper ? 2 : 1);
			block++;
			drawn++;
		}
	}
	fputc('\n', f);
	return close_checked(d);
}

/* --- cost ratios against the baseline --- */

/*
 * One point of a ratio chart: the bar runs from 1 to the ratio (up: worse
 * than the baseline, down: better), the whisker is its interval.
 */
struct ratio_pt {
	double v, lo, hi;
};

/*
 * A clipped whisker's bound for its label, short enough to stand beside the
 * bar: 3 significant digits from 0.001 to 99999, else "2.0×10⁻⁶" (never an
 * exponent in e-notation, never fourteen zeros).
 */
static char *fmt_bound(char *buf, size_t n, double v)
{
	static const char *const sup[] = { "\xe2\x81\xb0", "\xc2\xb9", "\xc2\xb2", "\xc2\xb3", "\xe2\x81\xb4",
					   "\xe2\x81\xb5", "\xe2\x81\xb6", "\xe2\x81\xb7", "\xe2\x81\xb8", "\xe2\x81\xb9" };
	char digits[16];
	size_t off;
	int e;

	if (!(v > 0) || !isfinite(v) || (v >= 0.001 && v < 99999.5))
		return hvs_fmt_num(buf, n, v);
	e = (int)floor(log10(v));
	off = (size_t)snprintf(buf, n, "%.1f\xc3\x97" "10%s", v / pow(10, e), e < 0 ? "\xe2\x81\xbb" : "");
	snprintf(digits, sizeof(digits), "%d", e < 0 ? -e : e);
	for (const char *d = digits; *d && off < n; d++)
		off += (size_t)snprintf(buf + off, n - off, "%s", sup[*d - '0']);
	return buf;
}

/*
 * Ratios on an axis centred at 1: log (symmetric in decades) when they span
 * more than LOG_SPAN, else linear from 0. Whiskers beyond the axis are
 * never cut silently: a triangle at the edge with the bound's value marks each.
 * pt[i * nser + s]: group i, series s. Writes the axis settings and marks.
 */
static void ratio_axis(FILE *f, const struct ratio_pt *pt, size_t ngroups, size_t nser, int paper)
{
	double vlo = 1, vhi = 1, elo = 1, ehi = 1, ylo, yhi;
	int logy;

	for (size_t i = 0; i < ngroups * nser; i++) {
		if (!isfinite(pt[i].v))
			continue;
		vlo = fmin(vlo, pt[i].v);
		vhi = fmax(vhi, pt[i].v);
		if (isfinite(pt[i].lo) && pt[i].lo > 0)
			elo = fmin(elo, pt[i].lo);
		if (isfinite(pt[i].hi))
			ehi = fmax(ehi, pt[i].hi);
	}
	elo = fmin(elo, vlo);
	ehi = fmax(ehi, vhi);
	logy = vlo > 0 && vhi / vlo > LOG_SPAN;
	if (logy) {
		/* whole decades around 1, wide enough for every bar; whiskers up to 10x further */
		double rb = fmax(log10(vhi), -log10(vlo)), re = fmax(log10(ehi), -log10(elo));
		double r = fmin(fmax(rb, re), rb + 1);

		r = ceil(r * 1.05 + 0.05);
		ylo = pow(10, -r);
		yhi = pow(10, r);
		fprintf(f, "set logscale y 10\nset yrange [%g:%g]\nset grid ytics mytics\n", ylo, yhi);
	} else {
		/* the intervals fit unless one is far beyond every bar */
		yhi = ehi <= 3 * vhi ? ehi * 1.08 : vhi * 1.3;
		ylo = 0;
		fprintf(f, "set yrange [0:%.4g]\n", yhi);
	}
	fputs("set format y '%g'\n", f);
	for (size_t i = 0; i < ngroups; i++)
		for (size_t s = 0; s < nser; s++) {
			const struct ratio_pt *p = &pt[i * nser + s];
			char num[48];

			if (!isfinite(p->v))
				continue;
			if (isfinite(p->hi) && p->hi > yhi)
				/* rotated 90 degrees: a right-pointing triangle points up */
				fprintf(f, "set label '%s \xe2\x96\xb6' at first %.4f, graph 0.99 right rotate by 90 front "
					   "%s\n",
					fmt_bound(num, sizeof(num), p->hi), cluster_x(i, s, nser), SMALL_FONT(paper));
			if (logy && isfinite(p->lo) && p->lo < ylo)
				fprintf(f, "set label '\xe2\x97\x80 %s' at first %.4f, graph 0.01 left rotate by 90 front "
					   "%s\n",
					fmt_bound(num, sizeof(num), p->lo), cluster_x(i, s, nser), SMALL_FONT(paper));
		}
}

/*
 * A ratio chart: ngroups groups (x tic labels given), the platforms with a
 * value as bars from 1, whiskers for intervals. pt as for ratio_axis, over
 * the non-baseline columns in order.
 */
static int write_ratio_chart(const struct hvs_rpt_model *m, const struct hvs_rpt_chart_opts *o,
			     const char *name, const char *title, const char *const *xlabels,
			     size_t ngroups, const struct ratio_pt *pt, const char *kind, const char *note,
			     struct hvs_rpt_charts *out)
{
	size_t nser = m->ncols - 1, drawn = 0, k = 0, longest = 0;
	struct geom g = screen_geom(ngroups, nser);
	double w = 0.9 / ((double)nser + 1);
	FILE *d, *f;
	int ret;

	if (!(d = open_in(o->dir, name, "dat")))
		return -errno;
	fputs("# one block (gnuplot index) per platform except the baseline, in key order:\n"
	      "# x ratio lo hi   (cost ratio to the baseline, > 1 worse; lo hi its interval)\n", d);
	if (!(f = open_in(o->dir, name, "gp"))) {
		ret = -errno;
		fclose(d);
		return ret;
	}
	gp_begin(f, name, title, o->paper);
	fputs("set style fill solid 0.85 border rgb '#000000'\n"
	      "set arrow from graph 0, first 1 to graph 1, first 1 nohead lc rgb '#000000' dt 2 front\n",
	      f);
	fputs(o->paper ? "set ylabel 'cost ratio (> 1: worse)'\n"
		       : "set ylabel 'cost ratio to baseline (time, or 1/throughput)'\n",
	      f);
	fprintf(f, "set xrange [-0.6:%zu.6]\n", ngroups - 1);
	ratio_axis(f, pt, ngroups, nser, o->paper);
	for (size_t i = 0; i < ngroups; i++)
		longest = strlen(xlabels[i]) > longest ? strlen(xlabels[i]) : longest;
	if (longest * ngroups > (o->paper ? 45u : 70u) || longest > (o->paper ? 12u : 18u))
		fputs("set xtics rotate by 30 right\n", f);
	fputs("set xtics (", f);
	for (size_t i = 0; i < ngroups; i++) {
		hvs_esc_gp(f, xlabels[i]);
		fprintf(f, " %zu%s", i, i + 1 < ngroups ? ", " : "");
	}
	fputs(")\n", f);
	/* a summary group (the class's geometric mean) stands apart from the metrics */
	if (ngroups > 1 && !strcmp(xlabels[ngroups - 1], "geomean") && strcmp(kind, "geomean"))
		fprintf(f, "set arrow from first %zu.5, graph 0 to first %zu.5, graph 1 nohead lc rgb '#808080' dt 3\n",
			ngroups - 2, ngroups - 2);
	/* "not measured here" marks */
	for (size_t i = 0; i < ngroups; i++)
		for (size_t s = 0; s < nser; s++)
			if (!isfinite(pt[i * nser + s].v))
				fprintf(f, "set label 'n/m' at first %.4f, first 1 center rotate by 90 "
					   "%s tc rgb '#555555'\n",
					cluster_x(i, s, nser), SMALL_FONT(o->paper));
	gp_outputs_head(f, name, g, o->paper);
	fputs("plot", f);
	for (size_t c = 0; c < m->ncols; c++) {
		int any = 0;

		if ((int)c == m->baseline)
			continue;
		for (size_t i = 0; i < ngroups; i++) {
			const struct ratio_pt *p = &pt[i * nser + k];

			if (!isfinite(p->v))
				continue;
			if (!any && drawn)
				fputs("\n\n", d);
			fprintf(d, "%.4f", cluster_x(i, k, nser));
			fmt_num(d, p->v);
			fmt_num(d, isfinite(p->lo) ? p->lo : p->v);
			fmt_num(d, isfinite(p->hi) ? p->hi : p->v);
			fputc('\n', d);
			any = 1;
		}
		if (any) {
			fprintf(f, "%s '%s.dat' index %zu using 1:2:($1-%.4f):($1+%.4f):($2<1?$2:1):($2<1?1:$2) "
				   "with boxxyerror title ",
				drawn ? ", \\\n    " : " ", name, drawn, w / 2, w / 2);
			hvs_esc_gp(f, m->cols[c].label);
			gp_series_style(f, c, o->paper ? 2 : 1);
			/* whiskers as vectors: an error-bar style would draw a point at the ratio */
			fprintf(f, ", \\\n    '%s.dat' index %zu using 1:3:(0):($4-$3) with vectors heads "
				   "size screen 0.006,90 lw 1 lc rgb '#000000' notitle",
				name, drawn);
			drawn++;
		}
		k++;
	}
	ret = gp_close_both(f, d, name, g, o->paper);
	if (ret)
		return ret;
	if (!drawn)
		return 1;
	if ((ret = chart_add(out, kind, name, title)))
		return ret;
	return chart_note(out, note);
}

/* The cost ratios of rows[0..n) (one class), one chart. */
static int write_norm(const struct hvs_rpt_model *m, const struct hvs_rpt_chart_opts *o,
		      const size_t *rows, size_t n, int whole, unsigned idx, struct hvs_rpt_charts *out)
{
	size_t nser = m->ncols - 1, p = 0, ng = whole && n > 1 ? n + 1 : n; /* + the class's geometric mean */
	struct ratio_pt *pt = calloc(ng * nser, sizeof(*pt));
	const char **names = malloc(ng * sizeof(*names));
	char name[80], safe[48], title[512], note[1024];
	int ret = -ENOMEM;

	if (!pt || !names)
		goto out;
	for (size_t i = 0; i < n; i++)
		names[i] = m->rows[rows[i]].name;
	p = common_prefix(names, n);
	for (size_t i = 0; i < n; i++) {
		names[i] += p;
		for (size_t c = 0, s = 0; c < m->ncols; c++) {
			if ((int)c == m->baseline)
				continue;
			pt[i * nser + s].v = hvs_rpt_ratio(m, rows[i], c, &pt[i * nser + s].lo, &pt[i * nser + s].hi);
			s++;
		}
	}
	if (ng > n) {
		/* the class's geometric mean with its interval (as in the tables), as the last group */
		names[n] = "geomean";
		for (size_t c = 0, s = 0; c < m->ncols; c++) {
			struct ratio_pt *q = &pt[n * nser + s];

			if ((int)c == m->baseline)
				continue;
			q->v = hvs_rpt_geomean_ci(m, c, m->rows[rows[0]].klass, &q->lo, &q->hi, NULL);
			s++;
		}
	}
	hvs_esc_fname(safe, sizeof(safe), m->rows[rows[0]].klass);
	snprintf(name, sizeof(name), "norm-%02u-%s", idx, safe);
	snprintf(title, sizeof(title), "%s%.*s: relative to %s (>1 = worse)", p ? "" : m->rows[rows[0]].klass,
		 (int)(p ? p - 1 : 0), m->rows[rows[0]].name, m->cols[m->baseline].label);
	missing_note(m, rows, n, note, sizeof(note));
	if (ng > n) {
		static const char gm[] = " geomean: the class's geometric-mean cost ratio and its 95% CI, "
					 "as hvscope compare computes them over the class's metrics.";

		strncat(note, gm + !note[0], sizeof(note) - strlen(note) - 1); /* no space first */
	}
	ret = write_ratio_chart(m, o, name, title, names, ng, pt, "norm", note, out);
out:
	free(pt);
	free(names);
	return ret;
}

/* Geometric means per class and over everything, with their intervals. */
static int write_geomean(const struct hvs_rpt_model *m, const struct hvs_rpt_chart_opts *o,
			 unsigned idx, struct hvs_rpt_charts *out)
{
	size_t nser = m->ncols - 1, ng = 0;
	const char **labels = malloc((m->nrows + 1) * sizeof(*labels));
	struct ratio_pt *pt = calloc((m->nrows + 1) * nser, sizeof(*pt));
	char name[80], title[256];
	int ret = -ENOMEM;

	if (!labels || !pt)
		goto out;
	for (size_t r = 0; r <= m->nrows; r++) {
		const char *k = r < m->nrows ? m->rows[r].klass : NULL;

		if (r < m->nrows && r && !strcmp(m->rows[r - 1].klass, k))
			continue;
		labels[ng] = k ? k : "all";
		for (size_t c = 0, s = 0; c < m->ncols; c++) {
			struct ratio_pt *p = &pt[ng * nser + s];

			if ((int)c == m->baseline)
				continue;
			p->v = hvs_rpt_geomean_ci(m, c, k, &p->lo, &p->hi, NULL);
			s++;
		}
		ng++;
	}
	snprintf(name, sizeof(name), "norm-%02u-geomean", idx);
	snprintf(title, sizeof(title), "geometric mean of the cost ratios per class, with 95%% CI, "
		 "relative to %s", m->cols[m->baseline].label);
	ret = write_ratio_chart(m, o, name, title, labels, ng, pt, "norm",
				"Each bar: the precision-weighted geometric mean and its 95% CI, as hvscope compare "
				"computes them over the class's metrics (all: every metric); a class of one metric "
				"shows that metric's own ratio and CI.",
				out);
out:
	free(labels);
	free(pt);
	return ret;
}

/* --- pointer chase: latency against working set (log2 x) --- */

/* Same chase series: names equal up to their last dotted component (the size). */
static int same_series(const char *a, const char *b)
{
	const char *da = strrchr(a, '.'), *db = strrchr(b, '.');

	return da && db && da - a == db - b && !strncmp(a, b, (size_t)(da - a));
}

static int write_chase(const struct hvs_rpt_model *m, const struct hvs_rpt_chart_opts *o,
		       const char *unit, unsigned idx, struct hvs_rpt_charts *out)
{
	char name[80], safe[32], title[256];
	struct geom g = { 720, 420 };
	struct hvs_uscale sc;
	size_t block = 0;
	double top = 0;
	FILE *d, *f;
	int ret, drawn = 0;

	for (size_t r = 0; r < m->nrows; r++)
		for (size_t c = 0; c < m->ncols; c++)
			if (!isnan(m->rows[r].ws_bytes) && !strcmp(m->rows[r].unit, unit) &&
			    hvs_rpt_usable(m->rows[r].cell[c]))
				top = fmax(top, fabs(m->rows[r].cell[c]->summary.median));
	hvs_unit_pick(unit, top, HVS_U_UTF8, &sc);
	hvs_esc_fname(safe, sizeof(safe), unit);
	snprintf(name, sizeof(name), "chase-%02u-%s", idx, safe);
	snprintf(title, sizeof(title), "pointer-chase latency against working set [%s]", sc.unit);
	if (!(f = open_in(o->dir, name, "gp")))
		return -errno;
	if (!(d = open_in(o->dir, name, "dat"))) {
		ret = -errno;
		fclose(f);
		return ret;
	}
	fputs("# one block (gnuplot index) per result file and chase series, in plot order:\n"
	      "# working_set_bytes median ci_lo ci_hi\n", d);
	gp_begin(f, name, title, o->paper);
	fputs("set logscale x 2\nset format x '%.0b %BB'\nset xlabel 'working set (bytes, log scale)'\n", f);
	{
		double lo = INFINITY, hi = 0;

		for (size_t r = 0; r < m->nrows; r++)
			for (size_t c = 0; c < m->ncols; c++)
				if (!isnan(m->rows[r].ws_bytes) && !strcmp(m->rows[r].unit, unit) &&
				    hvs_rpt_usable(m->rows[r].cell[c]) && m->rows[r].cell[c]->summary.median > 0) {
					double v = m->rows[r].cell[c]->summary.median;

					lo = v < lo ? v : lo;
					hi = v > hi ? v : hi;
				}
		/* Cache levels span decades: a log axis keeps L1 visible beside DRAM. */
		if (hi > 20 * lo)
			fputs("set logscale y 10\nset grid xtics ytics mytics\n", f);
	}
	fputs("set ylabel ", f);
	{
		char yl[96];

		snprintf(yl, sizeof(yl), "latency per load (%s)", sc.unit);
		hvs_esc_gp(f, yl);
	}
	fputc('\n', f);
	gp_outputs_head(f, name, g, o->paper);
	fputs("plot", f);
	/*
	 * One line per result file and chase series: a benchmark may sweep
	 * the working set once per page size (paging.chase.4k.*, .2m.*), and
	 * those curves must not be joined into one.
	 */
	{
		size_t *ser = malloc((m->nrows ? m->nrows : 1) * sizeof(*ser)), nser = 0;

		if (!ser) {
			fclose(f);
			fclose(d);
			return -ENOMEM;
		}
		for (size_t r = 0; r < m->nrows; r++) {
			int seen = 0;

			if (isnan(m->rows[r].ws_bytes) || strcmp(m->rows[r].unit, unit))
				continue;
			for (size_t k = 0; k < nser && !seen; k++)
				seen = same_series(m->rows[ser[k]].name, m->rows[r].name);
			if (!seen)
				ser[nser++] = r;
		}
		for (size_t c = 0; c < m->ncols; c++)
			for (size_t k = 0; k < nser; k++) {
				const char *sn = m->rows[ser[k]].name;
				int any = 0;

				for (size_t r = 0; r < m->nrows; r++) {
					const struct hvs_metric *mt = m->rows[r].cell[c];

					if (isnan(m->rows[r].ws_bytes) || strcmp(m->rows[r].unit, unit) ||
					    !same_series(sn, m->rows[r].name) || !hvs_rpt_usable(mt))
						continue;
					if (!any && block)
						fputs("\n\n", d);
					fprintf(d, "%.9g", m->rows[r].ws_bytes);
					fmt_num(d, mt->summary.median / sc.div);
					fmt_num(d, mt->summary.ci_lo / sc.div);
					fmt_num(d, mt->summary.ci_hi / sc.div);
					fputc('\n', d);
					any = 1;
				}
				if (!any)
					continue;
				/* Title first: gnuplot 5.4 misparses "pt N ps X title T" on replot. */
				fprintf(f, "%s '%s.dat' index %zu using 1:2:3:4 with yerrorlines title ",
					drawn ? ", \\\n    " : " ", name, block);
				if (nser > 1) {
					char *t = NULL;
					const char *tail = strstr(sn, "chase.");
					int tl = (int)(strrchr(sn, '.') - sn);

					tail = tail ? tail + 6 : sn;
					if (asprintf(&t, "%s %.*s", m->cols[c].label, tl - (int)(tail - sn), tail) < 0) {
						free(ser);
						fclose(f);
						fclose(d);
						return -ENOMEM;
					}
					hvs_esc_gp(f, t);
					free(t);
				} else {
					hvs_esc_gp(f, m->cols[c].label);
				}
				/*
				 * Colour and marker: the platform, the same in every
				 * chart (filled circle, square, triangle, diamond, ...);
				 * dash: the series.
				 */
				fprintf(f, " lw 1.5 pt %d ps 0.6 dt %zu lc rgb '%s'", markers[c % HVS_ARRAY_SIZE(markers)],
					k % 5 + 1, palette[c % NPAL]);
				block++;
				drawn = 1;
			}
		free(ser);
	}
	ret = gp_close_both(f, d, name, g, o->paper);
	if (ret)
		return ret;
	return drawn ? chart_add(out, "chase", name, title) : 1;
}

/* --- history trends with change points --- */

static int write_trend(const struct hvs_rpt_chart_opts *o, const struct hvs_rpt_series *s,
		       unsigned idx, struct hvs_rpt_charts *out)
{
	char name[80], safe[48], title[512];
	struct geom g = { 800, 400 };
	struct hvs_uscale sc;
	double vmax = 0;
	FILE *d, *f;
	int ret, nchange = 0;

	/* the axis in SI units (a 14.4 µs level, not 1.44e+04 ns) */
	for (size_t i = 0; i < s->n; i++)
		if (isfinite(s->pt[i].median))
			vmax = fmax(vmax, fabs(s->pt[i].median));
	hvs_unit_pick(s->unit, vmax, HVS_U_UTF8, &sc);
	hvs_esc_fname(safe, sizeof(safe), s->metric);
	snprintf(name, sizeof(name), "trend-%02u-%.40s", idx, safe);
	if (s->changes)
		snprintf(title, sizeof(title), "%s: %s", s->metric, s->changes);
	else
		snprintf(title, sizeof(title), "%s (history up to run %s)", s->metric, s->context);
	if (!(d = open_in(o->dir, name, "dat")))
		return -errno;
	fprintf(d, "# unix_time median ci_lo ci_hi change(1 = a change begins here); values in %s\n", sc.unit);
	for (size_t i = 0; i < s->n; i++) {
		fprintf(d, "%.0f", s->pt[i].t);
		fmt_num(d, s->pt[i].median / sc.div);
		fmt_num(d, s->pt[i].ci_lo / sc.div);
		fmt_num(d, s->pt[i].ci_hi / sc.div);
		fprintf(d, " %d\n", s->pt[i].change);
		nchange += s->pt[i].change;
	}
	if ((ret = close_checked(d)))
		return ret;
	if (!(f = open_in(o->dir, name, "gp")))
		return -errno;
	gp_begin(f, name, title, o->paper);
	fputs("set rmargin 8\nset xdata time\nset timefmt '%s'\nset format x '%Y-%m-%d'\nset xtics rotate by -30 left\n"
	      "set xlabel 'run start (UTC)'\n",
	      f);
	fputs("set ylabel ", f);
	{
		char yl[96];

		snprintf(yl, sizeof(yl), "median (%s)", sc.unit);
		hvs_esc_gp(f, yl);
	}
	fputs("\nset format y '%g'\n", f);
	for (size_t i = 0; i < s->n; i++)
		if (s->pt[i].change && isfinite(s->pt[i].median)) {
			fputs("set label ", f);
			hvs_esc_gp(f, s->pt[i].commit);
			fprintf(f, " at %.0f, %.9g offset 1, 1 tc rgb '#D55E00' noenhanced front\n", s->pt[i].t,
				s->pt[i].median / sc.div);
		}
	gp_outputs_head(f, name, g, o->paper);
	{
		int ci = 0;

		for (size_t i = 0; i < s->n && !ci; i++)
			ci = isfinite(s->pt[i].ci_lo) && isfinite(s->pt[i].ci_hi);
		if (ci)
			fprintf(f, "plot '%s.dat' using 1:3:4 with filledcurves title '95%% CI' lc rgb '#56B4E9' "
				   "fs transparent solid 0.3, \\\n    '' using 1:2 with linespoints title 'median' "
				   "lc rgb '#0072B2' pt 7 ps 0.5",
				name);
		else
			fprintf(f, "plot '%s.dat' using 1:2 with linespoints title 'median of each run' "
				   "lc rgb '#0072B2' pt 7 ps 0.5",
				name);
	}
	if (nchange)
		fputs(", \\\n    '' using 1:($5 > 0 ? $2 : NaN) with points title 'change begins' "
		      "lc rgb '#D55E00' pt 9 ps 1.6",
		      f);
	fputc('\n', f);
	gp_outputs_tail(f, name, g, o->paper);
	if ((ret = close_checked(f)))
		return ret;
	return chart_add(out, "trend", name, title);
}

int hvs_rpt_charts_is_ours(const char *name)
{
	static const char *const pre[] = { "bars-", "norm-", "dist-", "chase-", "trend-" };
	static const char *const ext[] = { ".gp", ".dat", ".svg", ".png", ".pdf" };
	size_t l = strlen(name);
	int p = 0, x = 0;

	for (size_t i = 0; i < HVS_ARRAY_SIZE(pre); i++)
		p |= !strncmp(name, pre[i], strlen(pre[i]));
	for (size_t i = 0; i < HVS_ARRAY_SIZE(ext); i++)
		x |= l > strlen(ext[i]) && !strcmp(name + l - strlen(ext[i]), ext[i]);
	return p && x;
}

int hvs_rpt_charts_prepare(const struct hvs_rpt_model *m, const struct hvs_rpt_chart_opts *o,
			   struct hvs_rpt_charts *out)
{
	struct chunk *ck = NULL, *dk = NULL;
	size_t nck = 0, per;
	int ret;
	unsigned idx = 1;

	memset(out, 0, sizeof(*out));
	per = 120 / (m->ncols ? m->ncols : 1);
	per = per < 2 ? 2 : per > 10 ? 10 : per;
	if (o->paper && per > 6)
		per = 6;
	if ((ret = make_chunks(m, per, &ck, &nck)))
		return ret;
	if (!(dk = malloc((nck ? nck : 1) * sizeof(*dk)))) {
		ret = -ENOMEM;
		goto out;
	}
	/* A paper: one figure per class, its units as panels; a screen: one chart per chunk. */
	for (size_t i = 0, e; i < nck; i = e) {
		e = i + 1;
		while (o->paper && e < nck && !strcmp(m->rows[ck[e].rows[0]].klass, m->rows[ck[i].rows[0]].klass))
			e++;
		ret = e - i > 1 ? write_fig(m, o, &ck[i], e - i, idx++, "bars", bars_body, "median with 95% CI", out)
				: write_one(m, o, &ck[i], idx++, "bars", bars_body, "median with 95% CI", 1, out);
		if (ret < 0)
			goto out;
	}
	if (m->baseline >= 0 && m->ncols > 1) {
		/*
		 * Cost ratios: one chart per class (split when it has many rows),
		 * then the geometric means per class with their intervals.
		 */
		size_t nper = o->paper ? 40 : 24, *rows; /* a paper: one figure per class */

		rows = malloc((m->nrows ? m->nrows : 1) * sizeof(*rows));
		if (!rows) {
			ret = -ENOMEM;
			goto out;
		}
		for (size_t r = 0; r < m->nrows && ret >= 0;) {
			size_t e = r, k = 0;

			while (e < m->nrows && !strcmp(m->rows[e].klass, m->rows[r].klass))
				e++;
			for (size_t q = r; q < e; q++)
				for (size_t c = 0; c < m->ncols; c++)
					if ((int)c != m->baseline && isfinite(hvs_rpt_ratio(m, q, c, NULL, NULL))) {
						rows[k++] = q;
						break;
					}
			for (size_t i = 0; i < k && ret >= 0; i += nper)
				ret = write_norm(m, o, rows + i, k - i < nper ? k - i : nper, k <= nper, idx++, out);
			r = e;
		}
		free(rows);
		if (ret >= 0)
			ret = write_geomean(m, o, idx++, out);
		if (ret < 0)
			goto out;
	}
	for (size_t i = 0, e; i < nck; i = e) {
		size_t k = 0;

		e = i + 1;
		while (o->paper && e < nck && !strcmp(m->rows[ck[e].rows[0]].klass, m->rows[ck[i].rows[0]].klass))
			e++;
		/* the class's chunks that have raw samples, together */
		for (size_t j = i; j < e; j++)
			if (chunk_has_samples(m, &ck[j]))
				dk[k++] = ck[j];
		if (k > 1)
			ret = write_fig(m, o, dk, k, idx++, "dist", dist_body, "distribution of samples", out);
		else if (k == 1)
			ret = write_one(m, o, dk, idx++, "dist", dist_body, "distribution of samples", 0, out);
		if (ret < 0)
			goto out;
	}
	/* One chase chart per unit that chase metrics use. */
	for (size_t r = 0; r < m->nrows; r++) {
		int seen = 0;

		if (isnan(m->rows[r].ws_bytes))
			continue;
		for (size_t q = 0; q < r && !seen; q++)
			seen = !isnan(m->rows[q].ws_bytes) && !strcmp(m->rows[q].unit, m->rows[r].unit);
		if (!seen && (ret = write_chase(m, o, m->rows[r].unit, idx++, out)) < 0)
			goto out;
	}
	for (size_t i = 0; i < o->nseries; i++)
		if (o->series[i].n && (ret = write_trend(o, &o->series[i], idx++, out)) < 0)
			goto out;
	ret = 0;
out:
	free(dk); /* shallow copies of ck */
	free_chunks(ck, nck);
	return ret;
}

/*
 * The child side of spawn_gnuplot: stdin from the pipe, stdout to
 * /dev/null, stderr to the log. PR_SET_PDEATHSIG: a gnuplot must not
 * outlive a killed report (kill -9 included, where no handler of ours
 * runs); it fires when the thread that forked exits, and a report draws
 * from its only thread. The getppid() check closes the window between
 * fork and prctl. An exec failure's errno goes back through errpipe.
 */
static void __attribute__((noreturn)) gnuplot_child(const char *prog, int in, int log, int errpipe,
						    pid_t parent)
{
	char *argv[2] = { (char *)prog, NULL };
	int null = open("/dev/null", O_WRONLY), e;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	if (null < 0 || dup2(in, 0) < 0 || dup2(null, 1) < 0 || dup2(log, 2) < 0)
		_exit(126);
	signal(SIGPIPE, SIG_DFL);
	execvp(prog, argv);
	e = errno;
	if (write(errpipe, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* Start one gnuplot reading commands from *in_fd. Returns 0 or -errno. */
static int spawn_gnuplot(const struct hvs_rpt_chart_opts *o, int *in_fd, pid_t *pid)
{
	const char *prog = o->gnuplot ? o->gnuplot : getenv("HVS_GNUPLOT");
	char log[4096];
	int p[2], ep[2], lfd, e = 0, ret = 0;
	pid_t parent = getpid();

	if (!prog || !*prog)
		prog = "gnuplot";
	snprintf(log, sizeof(log), "%s/../gnuplot.log", o->dir);
	/* Several gnuplots share the log: append (the caller created it). */
	lfd = open(log, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (lfd < 0)
		return -errno;
	if (pipe2(p, O_CLOEXEC)) {
		ret = -errno;
		close(lfd);
		return ret;
	}
	if (pipe2(ep, O_CLOEXEC)) {
		ret = -errno;
		goto out;
	}
	*pid = fork();
	if (*pid == 0)
		gnuplot_child(prog, p[0], lfd, ep[1], parent);
	if (*pid < 0)
		ret = -errno;
	close(ep[1]);
	while (!ret && read(ep[0], &e, sizeof(e)) < 0 && errno == EINTR)
		;
	close(ep[0]);
	if (!ret && e) {
		waitpid(*pid, NULL, 0);
		ret = -e;
	}
out:
	close(lfd);
	close(p[0]);
	if (ret) {
		close(p[1]);
		return ret;
	}
	*in_fd = p[1];
	return 0;
}

#define MAX_JOBS 4

/* $HVS_GNUPLOT_JOBS, else the CPUs online, within 1..MAX_JOBS. */
static size_t jobs_wanted(void)
{
	const char *e = getenv("HVS_GNUPLOT_JOBS");
	long n = e && *e ? strtol(e, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (size_t)n;
}

static int image_ok(const char *dir, const char *name, const char *ext)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext);
	return !stat(path, &st) && st.st_size > 0;
}

/*
 * Run njobs gnuplots over the charts idx[0..n), dealt round-robin. Returns
 * 0 when every gnuplot exited 0, -ENOENT when gnuplot cannot be started,
 * -EIO otherwise (err says why).
 */
static int run_jobs(const struct hvs_rpt_chart_opts *o, const struct hvs_rpt_charts *c,
		    const size_t *idx, size_t n, size_t njobs, char *err, size_t errlen)
{
	int fd = -1, status = 0, ret = 0;
	pid_t pid[MAX_JOBS];
	size_t j;
	FILE *f;

	if (njobs > n)
		njobs = n;
	for (j = 0; j < njobs; j++) {
		ret = spawn_gnuplot(o, &fd, &pid[j]);
		if (ret) {
			snprintf(err, errlen, "cannot run gnuplot: %s (install gnuplot-nox or set HVS_GNUPLOT)",
				 strerror(-ret));
			break;
		}
		f = fdopen(fd, "w");
		if (!f) {
			close(fd);
			snprintf(err, errlen, "fdopen: %s", strerror(errno));
			ret = -EIO;
			j++;
			break;
		}
		fputs("cd ", f);
		hvs_esc_gp(f, o->dir);
		fputc('\n', f);
		for (size_t i = j; i < n; i += njobs)
			fprintf(f, "load '%s.gp'\n", c->v[idx[i]].name);
		fputs("quit\n", f);
		fclose(f);
	}
	for (size_t k = 0; k < j; k++) {
		int st;

		while (waitpid(pid[k], &st, 0) < 0)
			if (errno != EINTR) {
				st = 0x7f00; /* treat as failed */
				break;
			}
		if (!status && (!WIFEXITED(st) || WEXITSTATUS(st)))
			status = st;
	}
	if (ret)
		return ret == -EIO ? -EIO : -ENOENT;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		snprintf(err, errlen, "cannot run gnuplot (install gnuplot-nox or set HVS_GNUPLOT)");
		return -ENOENT;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(err, errlen, "gnuplot failed (see gnuplot.log)");
		return -EIO;
	}
	return 0;
}

static const char *const image_exts[] = { "svg", "png", "pdf" };

/* Are all of chart i's images there and not empty? */
static int chart_drawn(const struct hvs_rpt_chart_opts *o, const struct hvs_rpt_chart *ch)
{
	for (size_t e = 0; e < (o->paper ? 3u : 2u); e++)
		if (!image_ok(o->dir, ch->name, image_exts[e]))
			return 0;
	return 1;
}

int hvs_rpt_charts_draw(const struct hvs_rpt_chart_opts *o, struct hvs_rpt_charts *c,
			char *err, size_t errlen)
{
	size_t *idx, n = 0;
	int ret;

	if (!c->n)
		return 0;
	/* Images left by an earlier report in the same DIR must not pass the check below. */
	for (size_t i = 0; i < c->n; i++) {
		char path[4096];

		for (size_t e = 0; e < 3; e++) {
			snprintf(path, sizeof(path), "%s/%s.%s", o->dir, c->v[i].name, image_exts[e]);
			unlink(path);
		}
	}
	{
		char log[4096];
		FILE *lf;

		snprintf(log, sizeof(log), "%s/../gnuplot.log", o->dir);
		if ((lf = hvs_wfopen_new(log)))
			fclose(lf);
	}
	if (!(idx = malloc(c->n * sizeof(*idx))))
		return -ENOMEM;
	for (size_t i = 0; i < c->n; i++)
		idx[i] = i;
	/*
	 * One gnuplot per CPU (at most MAX_JOBS), charts dealt round-robin:
	 * drawing is CPU-bound and the charts are independent.
	 */
	ret = run_jobs(o, c, idx, c->n, jobs_wanted(), err, errlen);
	if (ret == -ENOENT) {
		free(idx);
		return ret;
	}
	/*
	 * A gnuplot stops at its first failing script and leaves the rest of
	 * its share undrawn: draw each missing chart again on its own, so one
	 * bad chart costs only itself.
	 */
	for (size_t i = 0; i < c->n; i++)
		if (!chart_drawn(o, &c->v[i]))
			idx[n++] = i;
	for (size_t k = 0; k < n; k++) {
		char e2[256];

		run_jobs(o, c, idx + k, 1, 1, e2, sizeof(e2));
	}
	ret = 0;
	for (size_t k = 0; k < n; k++) {
		struct hvs_rpt_chart *ch = &c->v[idx[k]];

		if (chart_drawn(o, ch))
			continue;
		/* No half-drawn chart: its images go, the page says it is missing. */
		ch->failed = 1;
		for (size_t e = 0; e < 3; e++) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/%s.%s", o->dir, ch->name, image_exts[e]);
			unlink(path);
		}
		if (!ret)
			snprintf(err, errlen, "gnuplot did not draw %s (see gnuplot.log)", ch->name);
		ret = -EIO;
	}
	free(idx);
	return ret;
}
