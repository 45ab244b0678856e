/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guest_summary.c - every target against the baseline (native), metric by
 * metric, as "percent of native performance": for a throughput the guest's
 * median over native's, for a latency native's over the guest's, so 100% =
 * as fast as native and 50% = half as fast, whatever the unit. The 95% CI is
 * compare's CI of the ratio (harness/analysis/compare.c, as `hvscope compare`
 * prints it for the two result files). The geometric mean over the macro
 * workloads (class "workload") is compare's, with its CI. summary.json is
 * written through core/jsonw (every string escaped);
 * results-schema/guest-summary.schema.json.
 */
#include "analysis/compare.h"
#include "guest.h"
#include "core/hvscope.h"
#include "core/jsonw.h"
#include "core/units.h"
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
	else if (p < 0.95) {
		/* an exit against a native instruction (CPUID in an L2 against L1):
		 * significant digits, not a bare 0.0%, and never an exponent */
		char a[32], b[32], c[32];

		fprintf(f, " %s%% [%s, %s] |", hvs_fmt_num(a, sizeof(a), p), hvs_fmt_num(b, sizeof(b), lo),
			hvs_fmt_num(c, sizeof(c), hi));
	} else
		fprintf(f, " %.1f%% [%.1f, %.1f] |", p, lo, hi);
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

/* The targets' table (summary.md) and list (summary.json's "targets"). */
static void write_targets(FILE *md, struct hvs_jw *js, const struct hvs_gresult *res, size_t n)
{
	fprintf(md, "# Guest matrix\n\n| target | outcome | seconds | metrics | note |\n|---|---|---|---|---|\n");
	hvs_jw_arr(js, "targets");
	for (size_t i = 0; i < n; i++) {
		char note[sizeof(res[i].reason)];

		/* a table cell: no column bar, no line break, no control character */
		hvs_strlcpy(note, res[i].reason, sizeof(note));
		for (char *p = note; *p; p++)
			if (*p == '|' || (unsigned char)*p < 0x20 || *p == 0x7f)
				*p = ' ';
		fprintf(md, "| %s | %s | %.1f | %d | %s |\n", res[i].name, hvs_outcome_name(res[i].outcome),
			res[i].seconds, res[i].nmetrics, note);
		hvs_jw_obj(js, NULL);
		hvs_jw_str(js, "name", res[i].name);
		hvs_jw_str(js, "outcome", hvs_outcome_name(res[i].outcome));
		hvs_jw_num(js, "seconds", res[i].seconds);
		hvs_jw_int(js, "metrics", res[i].nmetrics);
		hvs_jw_str(js, "reason", res[i].reason);
		hvs_jw_end(js);
	}
	hvs_jw_end(js);
}

/* summary.md's percent-of-baseline table: workloads first, their geometric mean, then the rest. */
static void write_pct_md(FILE *md, const struct hvs_result *base, const struct col *cols,
			 const struct hvs_gresult *res, size_t n, const char *baseline)
{
	fprintf(md, "\n## Percent of %s performance\n\n"
		    "100%% = as fast as %s; throughputs guest/native, latencies native/guest; "
		    "95%% CI of the ratio (as hvscope compare gives it) in brackets.\n\n| metric | unit |",
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
static void write_pct_json(struct hvs_jw *js, const struct col *cols, const struct hvs_gresult *res, size_t n,
			   const struct hvs_metrics *bw)
{
	hvs_jw_arr(js, "percent_of_baseline");
	for (size_t i = 0; i < n; i++) {
		if (!cols[i].have)
			continue;
		for (size_t k = 0; k < cols[i].all.n; k++) {
			const struct hvs_cmp_row *r = &cols[i].all.rows[k];
			double lo, hi, p = pct(r, &lo, &hi);

			if (!isfinite(p))
				continue;
			hvs_jw_obj(js, NULL);
			hvs_jw_str(js, "target", res[i].name);
			hvs_jw_str(js, "metric", r->name);
			hvs_jw_bool(js, "workload", bw && hvs_metrics_find(bw, r->name) >= 0);
			hvs_jw_num(js, "percent", p);
			hvs_jw_num(js, "ci_lo", lo);
			hvs_jw_num(js, "ci_hi", hi);
			hvs_jw_end(js);
		}
	}
	hvs_jw_end(js);
}

int hvs_guest_summary(const char *out_dir, const struct hvs_gresult *res, size_t n,
		      const char *baseline)
{
	struct col *cols = calloc(n ? n : 1, sizeof(*cols));
	struct hvs_result *base = NULL;
	struct hvs_metrics bw = { 0 };
	char path[1024], err[300];
	struct hvs_wfile wmd = { 0 }, wjs = { 0 };
	struct hvs_jw jw;
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
	hvs_jw_init(&jw, wjs.f);
	hvs_jw_obj(&jw, NULL);
	hvs_jw_str(&jw, "baseline", baseline);
	write_targets(wmd.f, &jw, res, n);
	if (base) {
		write_pct_md(wmd.f, base, cols, res, n, baseline);
		write_pct_json(&jw, cols, res, n, &bw);
	} else {
		fprintf(wmd.f, "\nNo result from the baseline '%s': no overhead table.\n", baseline);
		hvs_jw_arr(&jw, "percent_of_baseline");
		hvs_jw_end(&jw);
	}
	hvs_jw_end(&jw);
	ret = hvs_jw_finish(&jw);
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
