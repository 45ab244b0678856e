/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mprint.h - the one printer of metric rows for the commands' terminal
 * output (the CLI prints; nothing below it does). Two layouts of the same
 * metric:
 *   - the spread line of `bench` (and, to come, `run`): name, median with
 *     its 95% CI, MAD and n in SI-scaled units (core/units.h); a metric that
 *     did not pass prints its outcome and reason instead;
 *   - a column table (`kvm`): the columns are data (struct hvs_mcol), a
 *     number from the summary or an extra per column, '-' where a metric
 *     has none.
 */
#ifndef HVS_MPRINT_H
#define HVS_MPRINT_H

#include "core/metric.h"

#include <stdio.h>

/* How hvs_mprint_line() prints. */
struct hvs_mline {
	const char *indent; /* before every line ("" when NULL) */
	int details;        /* outliers, STEAL and the note line (the reason of a passed metric) */
	int verbose;        /* what it measured, ops per sample, overhead, extras, counters */
};

/* The legend line of the spread lines: "(each metric: median and its 95% CI, ...)". */
void hvs_mprint_legend(FILE *f, const char *indent);

/* One metric as a spread line (plus detail lines as o says). */
void hvs_mprint_line(FILE *f, const struct hvs_metric *m, const struct hvs_mline *o);

/* What a table column shows. */
enum hvs_mcol_src {
	HVS_MCOL_MEDIAN,   /* summary.median */
	HVS_MCOL_CI_HALF,  /* half the CI's width */
	HVS_MCOL_EXTRA,    /* the extra named key */
};

struct hvs_mcol {
	const char *title;
	int width;
	int prec;              /* digits after the point */
	enum hvs_mcol_src src;
	const char *key;       /* HVS_MCOL_EXTRA */
	int any_outcome;       /* shown for a metric without samples too (else '-') */
};

/*
 * A table: name column of name_width, then cols[0..n), then the status.
 * The header row; then one row per metric with its status text.
 */
void hvs_mprint_table_header(FILE *f, int name_width, const struct hvs_mcol *cols, size_t n);
void hvs_mprint_table_row(FILE *f, int name_width, const struct hvs_mcol *cols, size_t n,
			  const struct hvs_metric *m, const char *status);

/* The status text of a table row: "pass", "skip: REASON", ... */
void hvs_mprint_status(const struct hvs_metric *m, char *buf, size_t len);

/* The value of extra key (NAN when m has none). */
double hvs_mprint_extra(const struct hvs_metric *m, const char *key);

#endif
