/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * charts.h - gnuplot charts of a report model.
 *
 * For every chart NAME this writes DIR/charts/NAME.gp (a complete script
 * that reads NAME.dat and writes NAME.svg, NAME.png and, for papers,
 * NAME.pdf) and NAME.dat (numbers only: every string a result file carries
 * goes into the script as an escaped gnuplot string, never into data), then
 * pipes `load` lines for all scripts into one gnuplot process. DIR is the
 * report's staging directory (report.c); gnuplot dies with hvscope
 * (PR_SET_PDEATHSIG). A user
 * restyles a chart by editing NAME.gp and running `gnuplot NAME.gp` in
 * DIR/charts.
 */
#ifndef HVS_REPORT_CHARTS_H
#define HVS_REPORT_CHARTS_H

#include "model.h"

#include <stddef.h>

/* One point of a history series (trend charts). */
struct hvs_rpt_point {
	double t;      /* seconds since the epoch */
	double median; /* in the metric's unit */
	double ci_lo, ci_hi;
	int change;    /* 1: a change point begins here */
	char commit[48]; /* of the run (may be hostile: escape) */
};

/* One metric's history in one context (host/hypervisor/config). */
struct hvs_rpt_series {
	char *metric, *unit, *context;
	char *changes; /* one line: "200 -> 230 ns from commit c26 (2026-10-26)", or NULL */
	struct hvs_rpt_point *pt;
	size_t n;
};

struct hvs_rpt_chart {
	char name[80];   /* file stem under DIR/charts */
	char kind[12];   /* bars, norm, dist, chase, trend */
	char *title;     /* plain text (may hold result-file strings: escape it) */
	char *note;      /* plain text: what is not drawn and why, or NULL */
	int failed;      /* gnuplot did not draw it (hvs_rpt_charts_draw): no images */
};

struct hvs_rpt_charts {
	struct hvs_rpt_chart *v;
	size_t n, cap;
};

struct hvs_rpt_chart_opts {
	const char *dir;     /* DIR/charts, created by the caller */
	int paper;           /* two-column paper sizes and fonts, and PDFs */
	const char *gnuplot; /* program to run (NULL: $HVS_GNUPLOT or "gnuplot") */
	const struct hvs_rpt_series *series; /* history (may be NULL) */
	size_t nseries;
};

/*
 * Write every chart's .gp and .dat and list them in *out (the caller frees
 * it with hvs_rpt_charts_free). Returns 0 or -errno.
 */
int hvs_rpt_charts_prepare(const struct hvs_rpt_model *m, const struct hvs_rpt_chart_opts *o,
			   struct hvs_rpt_charts *out);

/*
 * Run gnuplot over the prepared scripts and check that every promised
 * image exists and is not empty; a chart whose images are missing is drawn
 * again on its own, and if it still fails it is marked failed and its
 * images removed (never a 0-byte SVG). gnuplot's messages go to
 * DIR/gnuplot.log. Returns 0, -ENOENT when gnuplot cannot be started, -EIO
 * when a chart failed (err names the first).
 */
int hvs_rpt_charts_draw(const struct hvs_rpt_chart_opts *o, struct hvs_rpt_charts *c,
			char *err, size_t errlen);

void hvs_rpt_charts_free(struct hvs_rpt_charts *c);

/* 1 when a file name in DIR/charts is one this writes (bars-*.gp, ...): stale ones go. */
int hvs_rpt_charts_is_ours(const char *name);

#endif
