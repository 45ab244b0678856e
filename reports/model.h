/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * model.h - the report model: a table whose columns are result files
 * (platforms: native, Xen PV, KVM, ...) and whose rows are metrics.
 *
 * Every renderer (tables.c: HTML, Markdown, CSV, LaTeX; charts.c: gnuplot)
 * reads only this model, never a result file: the result reader
 * (harness/results/result.h) fills columns, hvs_rpt_model_finish() builds the rows.
 *
 * Ownership: the model owns its columns, each column owns its strings and
 * its struct hvs_metrics; rows point into the columns' metrics.
 *
 * "Cost ratio": a column's median over the baseline's median for a
 * lower-is-better metric, the inverse for a higher-is-better one, so a
 * ratio above 1 always means "worse than the baseline".
 */
#ifndef HVS_REPORT_MODEL_H
#define HVS_REPORT_MODEL_H

#include "core/metric.h"

#include <stddef.h>

struct hvs_rpt_vs;

struct hvs_rpt_kv {
	char *key;
	char *val;
};

/* One result file. Every string is copied in (and may be hostile). */
struct hvs_rpt_column {
	char *label;    /* unique, shown in tables and chart keys */
	char *file;     /* path as given on the command line */
	char *raw_name; /* name of its copy under DIR/raw/ (set by the report) */
	char *summary;  /* fingerprint one-liner: "Xen PV dom0 on QEMU TCG" */
	char *hostname;
	struct hvs_rpt_kv *ctx; /* context shown beside the fingerprint */
	size_t nctx, capctx;
	struct hvs_rpt_kv *tags; /* --tag key=value pairs of the run */
	size_t ntags, captags;
	char **evidence; /* fingerprint evidence lines */
	size_t nevidence, capevidence;
	struct hvs_metrics metrics; /* owned */
};

/* One metric across all columns. */
struct hvs_rpt_row {
	const char *name, *unit, *klass, *what; /* from the first column that has it */
	enum hvs_direction direction;
	const struct hvs_metric **cell; /* [ncols]; NULL where a column lacks it */
	double ws_bytes; /* working-set size of a pointer-chase metric, else NAN */
};

struct hvs_rpt_model {
	struct hvs_rpt_column *cols;
	size_t ncols, capcols;
	struct hvs_rpt_row *rows;
	size_t nrows;
	int baseline; /* column index, -1 when none */
	const char *label_by; /* --label: comma-separated tag keys (or host, hypervisor, file); NULL: automatic */
	struct hvs_rpt_vs *vs; /* model.c: each column compared with the baseline, once (owned) */
};

/* Zeroed model with no baseline. */
void hvs_rpt_model_init(struct hvs_rpt_model *m);
void hvs_rpt_model_free(struct hvs_rpt_model *m);

/*
 * Append an empty column and return it (NULL on allocation failure). The
 * caller fills it with hvs_rpt_col_set()/hvs_rpt_kv_add() and its metrics.
 */
struct hvs_rpt_column *hvs_rpt_model_add_column(struct hvs_rpt_model *m);

/* Replace *dst with a copy of src (NULL allowed). Returns 0 or -ENOMEM. */
int hvs_rpt_strset(char **dst, const char *src);
/* Append key/value copies to a kv list (*n used, *cap room: core/array.h). Returns 0 or -ENOMEM. */
int hvs_rpt_kv_add(struct hvs_rpt_kv **v, size_t *n, size_t *cap, const char *key, const char *val);
/* Append an evidence line copy. Returns 0 or -ENOMEM. */
int hvs_rpt_evidence_add(struct hvs_rpt_column *c, const char *line);

/*
 * After all columns are in: give every column a unique label and build the
 * rows sorted by class, unit, then name. Labels: with m->label_by, the
 * values of those tag keys ("host", "hypervisor" and "file" name the
 * column's host, fingerprint summary and file name); else the tag "label"
 * when every column has a distinct one; else "key=value" of the tag keys
 * whose values differ between the columns; else hostname + fingerprint
 * summary, else the file name. "#2", "#3" for repeats that remain.
 * Returns 0 or -ENOMEM.
 */
int hvs_rpt_model_finish(struct hvs_rpt_model *m);

/*
 * Choose the baseline column: exact label, else file name (with or without
 * its directory and ".json"), else any tag value, else the fingerprint
 * summary. Returns the index, -ENOENT when nothing matches, -EINVAL when
 * more than one column matches at the same level.
 */
int hvs_rpt_model_set_baseline(struct hvs_rpt_model *m, const char *name);

/*
 * Is the baseline itself a virtual machine (its fingerprint names a
 * hypervisor)? Then 1, and buf gets "native = KVM (nested) guest, not bare
 * metal" (label = fingerprint); else 0.
 */
int hvs_rpt_baseline_virtual(const struct hvs_rpt_model *m, char *buf, size_t len);

/* A metric that can be drawn and compared: passed, with a finite median. */
int hvs_rpt_usable(const struct hvs_metric *mt);

/*
 * Cost ratio of row r in column c against the baseline (see the top of the
 * file), with its CI in *lo and *hi (may be NULL): the analysis module's
 * (hvs_compare over the two whole columns: simultaneous over their metrics). NAN when there is no baseline or either side is unusable
 * or not positive.
 */
double hvs_rpt_ratio(const struct hvs_rpt_model *m, size_t r, size_t c, double *lo, double *hi);

/*
 * Geometric mean of column c's cost ratios against the baseline over the
 * rows of class klass (NULL: all rows) with its 95% CI: the analysis
 * module's (hvs_compare over the two columns restricted to those metrics:
 * its precision-weighted geometric mean, the number `hvscope compare`
 * prints for the same metrics); with one metric, that metric's ratio and
 * CI (hvs_rpt_ratio). *n gets the metrics compared (may be NULL). NAN when
 * there are none or no baseline.
 */
double hvs_rpt_geomean_ci(const struct hvs_rpt_model *m, size_t c, const char *klass, double *lo,
			  double *hi, size_t *n);

/*
 * Cost ratio of column c against column base (any two columns, not only
 * the baseline) over the metrics that keep() accepts (NULL: every metric;
 * keep gets the metric and arg), both sides usable: with one such metric
 * its ratio, with more their geometric mean, the CI and verdict at
 * threshold thr always the analysis module's (harness/analysis/compare.c:
 * the per-metric row, or its precision-weighted geometric mean).
 */
struct hvs_rpt_est {
	double v, lo, hi; /* cost ratio (> 1: c costs more) and its 95% CI; NAN when n == 0 */
	size_t n;         /* metrics compared */
	int verdict;      /* enum hvs_verdict of the ratio at thr */
	char first[HVS_METRIC_NAME_MAX];   /* name of the first metric compared (for the page) */
};
int hvs_rpt_est_vs(const struct hvs_rpt_model *m, size_t base, size_t c,
		   int (*keep)(const struct hvs_metric *mt, void *arg), void *arg, double thr,
		   struct hvs_rpt_est *e);

/*
 * Parse a working-set size from a pointer-chase metric: an extra value
 * "working_set_bytes" (or "ws_bytes", "bytes", "working_set_kib" x 1024), else the last dotted name
 * component, e.g. "bench.memory.chase.64KiB", "...chase.4M", "...chase.4096".
 * Returns the size in bytes, NAN when the metric is no chase metric.
 */
double hvs_rpt_chase_bytes(const struct hvs_metric *mt);

/*
 * Format a value with its uncertainty: the uncertainty rounded to two
 * significant digits and the value to the same decimal place ("123.4",
 * "2.1"); four significant digits when unc is 0 or not finite. ubuf may be
 * NULL; it gets "" when there is no uncertainty.
 */
void hvs_rpt_fmt(double val, double unc, char *vbuf, size_t vlen, char *ubuf, size_t ulen);

#endif
