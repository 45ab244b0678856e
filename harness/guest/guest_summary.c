/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guest_summary.c - every target against the baseline (native), metric by
 * metric, as "percent of native performance": for a throughput the guest's
 * median over native's, for a latency native's over the guest's, so 100% =
 * as fast as native and 50% = half as fast, whatever the unit. The 95% CI is
 * the bootstrap CI of the ratio of medians from harness/analysis/compare.c (per
 * process medians when both runs had >= 3 fresh processes, else samples).
 * The geometric mean over the macro workloads (class "workload") comes with
 * compare's combined bootstrap CI.
 */
#include "analysis/compare.h"
#include "guest.h"
#include "core/hvscope.h"
#include "results/result.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct col {
	const struct hvs_gresult *g;
	struct hvs_result *res;
	struct hvs_cmp all, wl; /* against the baseline: every metric, workloads only */
	int have;
};

/* Percent of baseline performance and its CI from a compare row; NAN when none. */
static double pct(const struct hvs_cmp_row *r, double *lo, double *hi)
{
	*lo = *hi = NAN;
	if (r->verdict == HVS_V_NA || !isfinite(r->ratio.ratio) || r->ratio.ratio <= 0)
		return NAN;
	if (r->direction == HVS_HIGHER_IS_BETTER) {
		*lo = 100 * r->ratio.lo;
		*hi = 100 * r->ratio.hi;
		return 100 * r->ratio.ratio;
	}
	*lo = r->ratio.hi > 0 ? 100 / r->ratio.hi : NAN;
	*hi = r->ratio.lo > 0 ? 100 / r->ratio.lo : NAN;
	return 100 / r->ratio.ratio;
}

/* The metrics of class workload of s, sharing storage (not owned). */
static int workloads_of(const struct hvs_metrics *s, struct hvs_metrics *w)
{
	memset(w, 0, sizeof(*w));
	w->v = calloc(s->n ? s->n : 1, sizeof(*w->v));
	if (!w->v)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].klass, "workload"))
			w->v[w->n++] = s->v[i];
	w->cap = s->n;
	return 0;
}

static const struct hvs_cmp_row *find_row(const struct hvs_cmp *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->rows[i].name, name))
			return &c->rows[i];
	return NULL;
}

static void cell(FILE *f, const struct hvs_cmp_row *r)
{
	double lo, hi, p = r ? pct(r, &lo, &hi) : NAN;

	if (!isfinite(p))
		fprintf(f, " n/a |");
	else if (p < 0.95)
		/* an exit against a native instruction (CPUID in an L2 against L1):
		 * two significant digits, not a bare 0.0% */
		fprintf(f, " %.2g%% [%.2g, %.2g] |", p, lo, hi);
	else
		fprintf(f, " %.1f%% [%.1f, %.1f] |", p, lo, hi);
}

static void json_num(FILE *f, double x)
{
	if (isfinite(x))
		fprintf(f, "%.6g", x);
	else
		fputs("null", f);
}

/* Commit both summaries when all went well (ret 0), else remove their temp files. */
static int finish(struct hvs_wfile *md, struct hvs_wfile *js, int ret)
{
	int r;

	if (ret) {
		hvs_wabort(md);
		hvs_wabort(js);
		return ret;
	}
	ret = hvs_wcommit(md);
	r = hvs_wcommit(js);
	return ret ? ret : r;
}

/* Each target's metrics against the baseline's (base, its workloads bw): all, workloads, have. */
static void compare_cols(const struct hvs_gresult *res, size_t n, size_t bi, const struct hvs_result *base,
			 const struct hvs_metrics *bw, struct col *cols)
{
	struct hvs_cmp_opts o;
	char err[300];

	hvs_cmp_opts_default(&o);
	for (size_t i = 0; i < n; i++) {
		struct hvs_metrics w;

		cols[i].g = &res[i];
		if (!base || i == bi || !res[i].result_path[0] ||
		    hvs_result_read(res[i].result_path, &cols[i].res, err, sizeof(err)))
			continue;
		if (hvs_compare(&base->set, &cols[i].res->set, &o, &cols[i].all))
			continue;
		if (workloads_of(&cols[i].res->set, &w) == 0) {
			if (hvs_compare(bw, &w, &o, &cols[i].wl))
				memset(&cols[i].wl, 0, sizeof(cols[i].wl));
			free(w.v);
		}
		cols[i].have = 1;
	}
}

/* The targets' table (summary.md) and list (summary.json). */
static void write_targets(FILE *md, FILE *js, const struct hvs_gresult *res, size_t n, const char *baseline)
{
	fprintf(md, "# Guest matrix\n\n| target | outcome | seconds | metrics | note |\n|---|---|---|---|---|\n");
	fprintf(js, "{\"baseline\":\"%s\",\"targets\":[", baseline);
	for (size_t i = 0; i < n; i++) {
		char note[sizeof(res[i].reason)];

		hvs_strlcpy(note, res[i].reason, sizeof(note));
		for (char *p = note; *p; p++)
			if (*p == '|' || *p == '\n' || *p == '"' || *p == '\\')
				*p = ' ';
		fprintf(md, "| %s | %s | %.1f | %d | %s |\n", res[i].name, hvs_outcome_name(res[i].outcome),
			res[i].seconds, res[i].nmetrics, note);
		fprintf(js, "%s{\"name\":\"%s\",\"outcome\":\"%s\",\"seconds\":%.2f,\"metrics\":%d,\"reason\":\"%s\"}",
			i ? "," : "", res[i].name, hvs_outcome_name(res[i].outcome), res[i].seconds,
			res[i].nmetrics, note);
	}
}

/* summary.md's percent-of-baseline table: workloads first, their geometric mean, then the rest. */
static void write_pct_md(FILE *md, const struct hvs_result *base, const struct col *cols,
			 const struct hvs_gresult *res, size_t n, const char *baseline)
{
	fprintf(md, "\n## Percent of %s performance\n\n"
		    "100%% = as fast as %s; throughputs guest/native, latencies native/guest; "
		    "95%% bootstrap CI of the ratio of medians in brackets.\n\n| metric | unit |",
		baseline, baseline);
	for (size_t i = 0; i < n; i++)
		if (cols[i].have)
			fprintf(md, " %s |", res[i].name);
	fprintf(md, "\n|---|---|");
	for (size_t i = 0; i < n; i++)
		if (cols[i].have)
			fprintf(md, "---|");
	fputc('\n', md);
	/* workloads first, then everything else, each in the baseline's order */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 0; k < base->set.n; k++) {
			const struct hvs_metric *bm = &base->set.v[k];
			int is_wl = !strcmp(bm->klass, "workload");

			if (is_wl != (pass == 0))
				continue;
			fprintf(md, "| %s%s%s | %s |", is_wl ? "**" : "", bm->name, is_wl ? "**" : "", bm->unit);
			for (size_t i = 0; i < n; i++)
				if (cols[i].have)
					cell(md, find_row(&cols[i].all, bm->name));
			fputc('\n', md);
		}
		if (pass == 0) {
			fprintf(md, "| **geometric mean of the workloads** | |");
			for (size_t i = 0; i < n; i++) {
				const struct hvs_ratio *g = &cols[i].wl.geomean;

				if (!cols[i].have)
					continue;
				if (!cols[i].wl.ncompared || !isfinite(g->ratio) || g->ratio <= 0)
					fprintf(md, " n/a |");
				else
					fprintf(md, " %.1f%% [%.1f, %.1f] |", 100 / g->ratio, 100 / g->hi, 100 / g->lo);
			}
			fputc('\n', md);
		}
	}
}

/* summary.json's percent_of_baseline entries (bw: the baseline's workloads). */
static void write_pct_json(FILE *js, const struct col *cols, const struct hvs_gresult *res, size_t n,
			   const struct hvs_metrics *bw)
{
	int first = 1;

	for (size_t i = 0; i < n; i++) {
		if (!cols[i].have)
			continue;
		for (size_t k = 0; k < cols[i].all.n; k++) {
			const struct hvs_cmp_row *r = &cols[i].all.rows[k];
			double lo, hi, p = pct(r, &lo, &hi);

			if (!isfinite(p))
				continue;
			fprintf(js, "%s{\"target\":\"%s\",\"metric\":\"%s\",\"workload\":%s,\"percent\":",
				first ? "" : ",", res[i].name, r->name,
				hvs_metrics_find(bw, r->name) >= 0 ? "true" : "false");
			json_num(js, p);
			fputs(",\"ci_lo\":", js);
			json_num(js, lo);
			fputs(",\"ci_hi\":", js);
			json_num(js, hi);
			fputc('}', js);
			first = 0;
		}
	}
}

int hvs_guest_summary(const char *out_dir, const struct hvs_gresult *res, size_t n,
		      const char *baseline)
{
	struct col *cols = calloc(n ? n : 1, sizeof(*cols));
	struct hvs_result *base = NULL;
	struct hvs_metrics bw = { 0 };
	char path[1024], err[300];
	struct hvs_wfile wmd = { 0 }, wjs = { 0 };
	size_t bi = n;
	int ret = 0;

	if (!cols)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(res[i].name, baseline))
			bi = i;
	if (bi < n && res[bi].result_path[0] &&
	    hvs_result_read(res[bi].result_path, &base, err, sizeof(err)) == 0 &&
	    (ret = workloads_of(&base->set, &bw)))
		goto out;
	compare_cols(res, n, bi, base, &bw, cols);

	snprintf(path, sizeof(path), "%s/summary.md", out_dir);
	if ((ret = hvs_wopen(&wmd, path, HVS_W_DURABLE)))
		goto out;
	snprintf(path, sizeof(path), "%s/summary.json", out_dir);
	if ((ret = hvs_wopen(&wjs, path, HVS_W_DURABLE)))
		goto out;
	write_targets(wmd.f, wjs.f, res, n, baseline);
	fprintf(wjs.f, "],\"percent_of_baseline\":[");
	if (!base) {
		fprintf(wmd.f, "\nNo result from the baseline '%s': no overhead table.\n", baseline);
		fprintf(wjs.f, "]}\n");
		goto out;
	}
	write_pct_md(wmd.f, base, cols, res, n, baseline);
	write_pct_json(wjs.f, cols, res, n, &bw);
	fprintf(wjs.f, "]}\n");
out:
	ret = finish(&wmd, &wjs, ret);
	for (size_t i = 0; i < n; i++) {
		if (cols[i].res)
			hvs_result_free(cols[i].res);
		hvs_cmp_free(&cols[i].all);
		if (cols[i].wl.rows)
			hvs_cmp_free(&cols[i].wl);
	}
	free(bw.v);
	if (base)
		hvs_result_free(base);
	free(cols);
	return ret;
}
