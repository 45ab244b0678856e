/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_regress.c - `hvscope regress --db FILE`: the nightly gate. The newest
 * run is judged against the history of its own context (same host, same
 * hypervisor, same values of the --context tags), not against one baseline.
 * The verdict is hvs_regress_judge()'s (harness/analysis/regress.c; the same
 * function `report --db` marks its change points with): the history's own
 * night-to-night noise, the newest --min-segment nights against the nights
 * before them in a prediction interval, Bonferroni over the night's metrics,
 * four verdicts (slower, faster, equivalent, inconclusive with the step the
 * history could see).
 *
 * Exit: 0 ok, 1 slower (with --fail-on-regression), 12 inconclusive (with
 * --fail-on-inconclusive or --require-mde), 2 usage, 4 empty history / bad
 * database schema, 6 no SQLite (static build), 9 I/O.
 */
#include "commands.h"
#include "options.h"
#include "analysis/compare.h"
#include "analysis/hostspeed.h"
#include "analysis/regress.h"
#include "results/history.h"
#include "core/hvs_features.h"
#include "core/hvscope.h"
#include "core/units.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if HAVE_JANSSON
#include <jansson.h>
#endif

#define MAX_CTX 16

enum fmt { FMT_TABLE, FMT_JSON, FMT_MARKDOWN };

struct rg {
	const struct hvs_hrun *runs;
	size_t nruns;
	struct hvs_series_opts so;
	const struct hvs_cmp_threshold *per;
	size_t nper;
	double require_mde;
	enum fmt fmt;
	int slower, faster, equivalent, inconclusive, inconclusive_fail, checked;
	int host_off;         /* --host-reference none */
	double follows;       /* how far the metric being judged follows the host (NaN: not judged at it) */
	const char *host_ref; /* the reference's name */
	double *vals;
	size_t *pos;
#if HAVE_JANSSON
	json_t *rows, *host;
#endif
};

struct regress_args {
	const char *db;
	char context[512]; /* TAG,... */
	size_t window;
	struct hvs_opt_thresholds per;
	struct hvs_series_opts so;
	double require_mde;
	const char *host_ref;
	int fmt; /* enum fmt */
	int fail, fail_inc;
};

/* --context TAG,...: kept in the argument struct, split later. */
static int set_context(void *dst, const char *arg, char *why, size_t len)
{
	if (strlen(arg) >= sizeof(((struct regress_args *)0)->context)) {
		snprintf(why, len, "too long");
		return -ERANGE;
	}
	hvs_strlcpy(dst, arg, sizeof(((struct regress_args *)0)->context));
	return 0;
}

#define RG_AT(f) HVS_OPT_AT(struct regress_args, f)
/* The help is prose: every option is named in it, none gets a line of its own. */
const struct hvs_cmdopts cmd_regress_opts = {
	.name = "regress",
	.head = "usage: hvscope regress --db FILE [--window N] [--context TAG,...]\n"
		"                       [--threshold 5%] [--metric-threshold NAME=10%]...\n"
		"                       [--alpha 0.01] [--permutations 199] [--min-segment 2]\n"
		"                       [--json|--markdown] [--fail-on-regression]\n"
		"                       [--fail-on-inconclusive] [--require-mde 10%]\n"
		"                       [--host-reference NAME|none]\n\n"
		"Judge the newest run in the history against the last N runs (default 30) of\n"
		"its context: same host, hypervisor and values of the named tags (default:\n"
		"config; KEY=VALUE pins the newest run: host=NAME, or a tag, e.g. fleet_host=web1).\n"
		"Per metric, from the history's own night-to-night noise: the mean of the\n"
		"newest --min-segment nights (default 2) against the nights before them (from\n"
		"the newest change point whose level has held 4 --min-segment nights; change\n"
		"points by a permutation test) in a prediction interval; beyond the threshold\n"
		"(default 5%) and every night before, with each newest night carrying half the\n"
		"step, it is slower or faster, with the run and commit where it began;\n"
		"equivalent when the newest level is within +-threshold for sure; else\n"
		"inconclusive with the smallest step this history could have seen (\"sees\").\n"
		"--alpha is the share of nights that may raise a false slower (and again\n"
		"faster) over 32 metrics.\n"
		"Host speed: a night on which the whole suite moved together and the CPU-only\n"
		"--host-reference (default workload.cpu.intmix) moved with it was the host's\n"
		"speed, not the build's; every metric is judged at the newest night's host\n"
		"speed, as far as its history follows the host (JSON follows_host; the line\n"
		"above the table says how fast the host was). When the suite and the\n"
		"reference disagree, the reference's own move is the host's speed.\n"
		"`now` is the newest run's value.\n"
		"--json: raw SI (results-schema/regress.schema.json); --markdown: a table.\n\n"
		"exit: 0 ok, 1 slower (with --fail-on-regression), 12 inconclusive (with\n"
		"--fail-on-inconclusive, or a detectable step above --require-mde), 2 usage,\n"
		"3 not a database, 4 empty history or foreign database, 6 built without SQLite\n"
		"(libpq for a PostgreSQL conninfo), 9 I/O (e.g. no such file). Codes 2-10 mean no verdict.\n",
	.opts = (const struct hvs_opt[]){
		{ HVS_OPT_PATH, "db", 0, "FILE", RG_AT(db), .flags = HVS_OPT_UNLISTED | HVS_OPT_REQUIRED,
		  .help = "the history (SQLite file or PostgreSQL conninfo)" },
		{ HVS_OPT_INT, "window", 0, "N", RG_AT(window), HVS_OPT_LIM(HVS_LIM_WINDOW),
		  .flags = HVS_OPT_UNLISTED, .help = "the last N runs of the context (default 30)" },
		{ HVS_OPT_STRING, "context", 0, "TAG,...", RG_AT(context), .fn = set_context,
		  .flags = HVS_OPT_UNLISTED, .help = "tags whose values make the context (default: config)" },
		{ HVS_OPT_DOUBLE, "threshold", 0, "5%", RG_AT(so.threshold), HVS_OPT_LIM(HVS_LIM_FRACTION),
		  .flags = HVS_OPT_UNLISTED, .help = "the smallest step that counts" },
		{ HVS_OPT_STRING, "metric-threshold", 0, "NAME=10%", RG_AT(per),
		  .fn = hvs_opt_metric_threshold, .flags = HVS_OPT_UNLISTED,
		  .help = "the threshold of the metrics NAME (a glob) names (repeatable)" },
		{ HVS_OPT_DOUBLE, "alpha", 0, "0.01", RG_AT(so.alpha), HVS_OPT_LIM(HVS_LIM_ALPHA),
		  .flags = HVS_OPT_UNLISTED, .help = "share of nights that may raise a false alarm" },
		{ HVS_OPT_INT, "permutations", 0, "199", RG_AT(so.perms), HVS_OPT_LIM(HVS_LIM_PERMUTATIONS),
		  .flags = HVS_OPT_UNLISTED, .help = "rounds of the change-point permutation test" },
		{ HVS_OPT_INT, "min-segment", 0, "2", RG_AT(so.min_seg), HVS_OPT_LIM(HVS_LIM_MIN_SEGMENT),
		  .flags = HVS_OPT_UNLISTED, .help = "nights at a new level before it counts" },
		{ HVS_OPT_STRING, "host-reference", 0, "NAME", RG_AT(host_ref), .flags = HVS_OPT_UNLISTED,
		  .help = "the CPU-only metric that says a night's common mode is the host's (none: off)" },
		{ HVS_OPT_FLAG, "json", 0, NULL, RG_AT(fmt), .val = FMT_JSON, .flags = HVS_OPT_UNLISTED,
		  .help = "JSON on stdout" },
		{ HVS_OPT_FLAG, "markdown", 0, NULL, RG_AT(fmt), .val = FMT_MARKDOWN, .flags = HVS_OPT_UNLISTED,
		  .help = "a Markdown table (for CI comments)" },
		{ HVS_OPT_FLAG, "fail-on-regression", 0, NULL, RG_AT(fail), .flags = HVS_OPT_UNLISTED,
		  .help = "exit 1 when a metric is slower" },
		{ HVS_OPT_FLAG, "fail-on-inconclusive", 0, NULL, RG_AT(fail_inc), .flags = HVS_OPT_UNLISTED,
		  .help = "exit 12 when a metric is inconclusive" },
		{ HVS_OPT_DOUBLE, "require-mde", 0, "10%", RG_AT(require_mde), HVS_OPT_LIM(HVS_LIM_FRACTION),
		  .flags = HVS_OPT_UNLISTED, .help = "exit 12 when an inconclusive metric could not see this" },
		{ 0 } },
};

/* One metric's judgement, as a row prints it. */
struct row {
	const char *name, *unit;
	enum hvs_direction dir;
	size_t m;                 /* nights judged */
	double threshold;
	enum hvs_verdict v;
	const char *why;          /* the reason of n/a */
	const struct hvs_hrun *r; /* where the change began (slower, faster) */
	struct hvs_series_verdict sv;
};

#if HAVE_JANSSON
static void row_json(struct rg *g, const struct row *w)
{
	const struct hvs_series_verdict *sv = &w->sv;
	json_t *row = json_pack("{ss ss ss ss sI}", "name", w->name, "unit", w->unit, "direction",
				hvs_direction_name(w->dir), "verdict", hvs_verdict_name(w->v), "runs",
				(json_int_t)w->m);

	if (!row)
		return;
	json_object_set_new(row, "threshold", json_real(w->threshold));
	if (isfinite(g->follows) && w->v != HVS_V_NA)
		json_object_set_new(row, "follows_host", json_real(g->follows));
	if (isfinite(sv->now))
		json_object_set_new(row, "now", json_real(sv->now));
	if (isfinite(sv->mde))
		json_object_set_new(row, "mde", json_real(sv->mde));
	if (isfinite(sv->night_cv))
		json_object_set_new(row, "night_cv", json_real(sv->night_cv));
	if (isfinite(sv->sigma))
		json_object_set_new(row, "scale", json_real(sv->sigma));
	if (isfinite(sv->before)) {
		json_object_set_new(row, "baseline", json_real(sv->before));
		json_object_set_new(row, "level", json_real(sv->level));
		json_object_set_new(row, "cost", json_real(sv->cost));
		json_object_set_new(row, "ci_lo", json_real(sv->lo));
		json_object_set_new(row, "ci_hi", json_real(sv->hi));
	}
	json_object_set_new(row, "changes", json_integer((json_int_t)sv->nmarks));
	{
		/* Where each change point begins: what `report --db` marks. */
		json_t *at = json_array();

		for (size_t k = 0; at && k < sv->nmarks; k++)
			json_array_append_new(at, json_string(g->runs[g->pos[sv->marks[k]]].started));
		json_object_set_new(row, "change_started", at);
	}
	if (w->r) {
		json_object_set_new(row, "began_run", json_string(w->r->uid));
		json_object_set_new(row, "began_commit", json_string(w->r->commit));
		json_object_set_new(row, "began_started", json_string(w->r->started));
	}
	if (*w->why)
		json_object_set_new(row, "reason", json_string(w->why));
	json_array_append_new(g->rows, row);
}
#endif

/* The row of the table or of the Markdown table. */
static void row_text(const struct rg *g, const struct row *w)
{
	const struct hvs_series_verdict *sv = &w->sv;
	const struct hvs_hrun *r = w->r;
	enum hvs_verdict v = w->v;
	char vt[96], nb[48], bb[48], cb[16];

	if (v == HVS_V_NA)
		snprintf(vt, sizeof(vt), "n/a (%s)", w->why);
	else if (v == HVS_V_INCONCLUSIVE)
		snprintf(vt, sizeof(vt), "inconclusive: could not see steps under %.0f%%", sv->mde * 100);
	else
		snprintf(vt, sizeof(vt), "%s", hvs_verdict_name(v));
	hvs_fmt_val(nb, sizeof(nb), sv->now, w->unit, g->fmt == FMT_MARKDOWN ? HVS_U_UTF8 : HVS_U_TERM);
	hvs_fmt_val(bb, sizeof(bb), sv->before, w->unit, g->fmt == FMT_MARKDOWN ? HVS_U_UTF8 : HVS_U_TERM);
	if (g->fmt == FMT_MARKDOWN) {
		const char *mk = v == HVS_V_SLOWER ? "**" : "";

		printf("| %s | %zu | %s | %s | ", w->name, w->m, isfinite(sv->before) ? bb : "-",
		       isfinite(sv->now) ? nb : "-");
		if (isfinite(sv->cost))
			printf("%s | ", hvs_fmt_ratio(cb, sizeof(cb), sv->cost));
		else
			printf("- | ");
		if (isfinite(sv->mde))
			printf("%.0f%% | ", sv->mde * 100);
		else
			printf("- | ");
		printf("%s%s%s | ", mk, vt, mk);
		if (r)
			printf("`%s` (commit `%s`, %s)", r->uid, r->commit, r->started);
		printf(" |\n");
	} else {
		if (!isfinite(sv->before))
			snprintf(bb, sizeof(bb), "-");
		if (!isfinite(sv->now))
			snprintf(nb, sizeof(nb), "-");
		printf("%-32s %5zu %*s %*s ", w->name, w->m, hvs_col(bb, 12), bb, hvs_col(nb, 12), nb);
		if (isfinite(sv->cost))
			printf("%7s ", hvs_fmt_ratio(cb, sizeof(cb), sv->cost));
		else
			printf("%7s ", "-");
		if (isfinite(sv->mde))
			printf("%6.0f%%  ", sv->mde * 100);
		else
			printf("%7s  ", "-");
		printf("%s", vt);
		if (r)
			printf(" began %s (commit %s, %s)", r->uid, r->commit, r->started);
		putchar('\n');
	}
}

/*
 * The host's speed on the newest night (hostspeed.h): a line above the
 * table, or the JSON "host" object.
 */
static void host_text(struct rg *g, const struct hvs_hostspeed *hs)
{
	size_t k = hs->nights - 1; /* nights: the context's runs, at least one */
	double h = hs->h[k], r = hs->r[k];
	char what[240], hw[32], rw[32];

	snprintf(hw, sizeof(hw), "%.1f%% %s", 100 * fabs(expm1(h)), h > 0 ? "slower" : "faster");
	snprintf(rw, sizeof(rw), "%.1f%% %s", 100 * fabs(expm1(r)), r > 0 ? "slower" : "faster");
	if (g->host_off)
		snprintf(what, sizeof(what), "off (--host-reference none): judged as measured");
	else if (!hs->reference)
		snprintf(what, sizeof(what), "not estimated (%.80s not in the history): judged as measured",
			 g->host_ref);
	else if (!isfinite(h))
		snprintf(what, sizeof(what),
			 "not estimated (fewer than %d steady metrics, or they moved apart): judged as measured",
			 HVS_HOST_MIN_METRICS);
	else if (hs->taken[k])
		snprintf(what, sizeof(what),
			 "%s than over the history (the common mode of %zu metrics; %s %s): "
			 "every metric judged at it, as far as it follows the host",
			 hw, hs->metrics, hs->reference, rw);
	else if (isfinite(r))
		snprintf(what, sizeof(what),
			 "the suite %s than over the history (%zu metrics), %s %s: they disagree, "
			 "every metric judged at the reference's",
			 hw, hs->metrics, hs->reference, rw);
	else
		snprintf(what, sizeof(what), "the suite %s (%zu metrics), %s not measured: judged as measured",
			 hw, hs->metrics, hs->reference);
	if (g->fmt == FMT_JSON) {
#if HAVE_JANSSON
		g->host = json_pack("{sb sI}", "taken", hs->taken[k] != 0, "metrics", (json_int_t)hs->metrics);
		if (g->host && hs->reference)
			json_object_set_new(g->host, "reference", json_string(hs->reference));
		if (g->host && isfinite(h))
			json_object_set_new(g->host, "suite", json_real(exp(h)));
		if (g->host && isfinite(r))
			json_object_set_new(g->host, "reference_factor", json_real(exp(r)));
#endif
		return;
	}
	printf(g->fmt == FMT_MARKDOWN ? "Host speed, newest run: %s.\n\n" : "host speed, newest run: %s\n\n",
	       what);
}

/* What comes above the rows: the newest run, the host's speed, the column heads. */
static void table_head(struct rg *g, const struct hvs_hostspeed *hs)
{
	const struct hvs_hrun *r = &g->runs[g->nruns - 1];

	if (g->fmt == FMT_MARKDOWN)
		printf("### hvscope regress\n\nNewest run `%s` (commit `%s`, %s) against %zu runs of its context.\n\n",
		       r->uid, r->commit, r->started, g->nruns);
	else if (g->fmt == FMT_TABLE)
		printf("newest run %s (commit %s, %s); %zu runs of its context\n", r->uid, r->commit,
		       r->started, g->nruns);
	host_text(g, hs);
	if (g->fmt == FMT_MARKDOWN) {
		printf("| metric | runs | before | now | cost | could see | verdict | began |\n");
		printf("|---|---:|---:|---:|---:|---:|---|---|\n");
	} else if (g->fmt == FMT_TABLE) {
		printf("%-32s %5s %12s %12s %7s %7s  %s\n", "metric", "runs", "before", "now", "cost",
		       "sees", "verdict");
	}
}

/* Judge one metric's per-run medians med[0..n) (oldest first), count its verdict, print its row. */
static int one_metric(void *arg, const char *name, const char *unit, enum hvs_direction dir,
		      const double *med, size_t n)
{
	struct rg *g = arg;
	struct hvs_series_opts so = g->so;
	struct row w = { .name = name, .unit = unit, .dir = dir, .v = HVS_V_NA, .why = "" };
	struct hvs_series_verdict *sv = &w.sv;

	so.threshold = w.threshold = hvs_threshold_for(g->per, g->nper, g->so.threshold, name);
	for (size_t i = 0; i < n; i++)
		if (isfinite(med[i]) && med[i] > 0) {
			g->vals[w.m] = med[i];
			g->pos[w.m++] = i;
		}
	/* An n/a row states no noise, level or interval (not zeros). */
	sv->now = sv->before = sv->level = sv->cost = sv->lo = sv->hi = sv->mde = NAN;
	sv->sigma = sv->night_cv = NAN;
	if (w.m == 0 || g->pos[w.m - 1] != n - 1) {
		w.why = "not measured in the newest run";
	} else if (w.m < 2 * so.min_seg + 3) {
		w.why = "too little history";
		sv->now = g->vals[w.m - 1];
	} else {
		int e = hvs_regress_judge(g->vals, w.m, dir, hvs_hash64(name), &so, sv);

		if (e)
			return e;
		w.v = sv->verdict;
		g->checked++;
		if (sv->changed)
			w.r = &g->runs[g->pos[sv->began]];
	}
	g->slower += w.v == HVS_V_SLOWER;
	g->faster += w.v == HVS_V_FASTER;
	g->equivalent += w.v == HVS_V_EQUIVALENT;
	g->inconclusive += w.v == HVS_V_INCONCLUSIVE;
	if (w.v == HVS_V_INCONCLUSIVE && !(sv->mde <= g->require_mde))
		g->inconclusive_fail++;
	if (g->fmt == FMT_JSON) {
#if HAVE_JANSSON
		row_json(g, &w);
#endif
		return 0;
	}
	row_text(g, &w);
	return 0;
}

int cmd_regress(int argc, char **argv)
{
	struct regress_args a = { .context = "config", .window = 30, .require_mde = INFINITY };
	struct rg g = { 0 };
	const char *ctx_tags[MAX_CTX];
	char err[512], *save = NULL, *tok;
	size_t nctx = 0;
	struct hvs_history *h = NULL;
	struct hvs_hrun *runs = NULL;
	struct hvs_hs_set set = { 0 };
	struct hvs_hostspeed hs = { 0 };
	const char *db;
	int ret;

	hvs_series_opts_default(&a.so);
	ret = hvs_opts_parse(&cmd_regress_opts, argc, argv, &a, NULL);
	if (ret != HVS_OPTS_GO)
		return ret;
	db = a.db;
	g.so = a.so;
	g.per = a.per.v;
	g.nper = a.per.n;
	g.require_mde = a.require_mde;
	g.host_off = a.host_ref && !strcmp(a.host_ref, "none");
	g.host_ref = a.host_ref ? a.host_ref : HVS_HOST_REFERENCE;
	g.fmt = (enum fmt)a.fmt;
	/* A gate reading a history that is not there must not create one. */
	if (!hvs_history_is_conninfo(db) && access(db, R_OK) < 0) {
		hvs_err("regress: %s: %s", db, strerror(errno));
		return hvs_errno_exit(errno);
	}
	for (tok = strtok_r(a.context, ",", &save); tok && nctx < MAX_CTX; tok = strtok_r(NULL, ",", &save))
		if (*tok)
			ctx_tags[nctx++] = tok;
	ret = hvs_history_open(db, &h, err, sizeof(err));
	if (!ret)
		ret = hvs_history_context_runs(h, ctx_tags, nctx, a.window, &runs, &g.nruns, err,
					       sizeof(err));
	if (ret) {
		hvs_err("regress: %s", err);
		ret = hvs_errno_exit(-ret);
		goto out;
	}
	g.runs = runs;
	g.vals = malloc(g.nruns * sizeof(*g.vals));
	g.pos = malloc(g.nruns * sizeof(*g.pos));
#if HAVE_JANSSON
	g.rows = json_array();
#endif
	if (!g.vals || !g.pos) {
		ret = HVS_EX_INTERNAL;
		goto out;
	}
	/* Every metric's series first: the host's speed is the suite's common mode. */
	set.nights = g.nruns;
	ret = hvs_history_series(h, runs, g.nruns, hvs_hs_set_add, &set, err, sizeof(err));
	if (!ret)
		ret = hvs_hostspeed_estimate(&set, g.host_ref, g.so.threshold, &hs);
	if (!ret)
		table_head(&g, &hs);
	for (size_t m = 0; !ret && m < set.n; m++) {
		g.follows = hs.reference ? hvs_hostspeed_apply(&hs, set.v[m].dir, set.v[m].med,
								g.so.min_seg, set.v[m].med)
					 : NAN;
		ret = one_metric(&g, set.v[m].name, set.v[m].unit, set.v[m].dir, set.v[m].med, g.nruns);
	}
	if (ret) {
		if (ret < 0)
			hvs_err("regress: %s", ret == -ENOMEM ? "out of memory" : err);
		ret = ret < 0 ? hvs_errno_exit(-ret) : HVS_EX_INTERNAL;
		goto out;
	}
	if (g.fmt == FMT_JSON) {
#if HAVE_JANSSON
		json_t *root = json_pack("{ss ss ss sI si si si si si sf sf sO}", "newest_run",
					 runs[g.nruns - 1].uid, "newest_commit",
					 runs[g.nruns - 1].commit, "newest_started",
					 runs[g.nruns - 1].started, "runs", (json_int_t)g.nruns,
					 "checked", g.checked, "slower", g.slower, "faster", g.faster,
					 "equivalent", g.equivalent, "inconclusive", g.inconclusive,
					 "threshold", g.so.threshold, "alpha", g.so.alpha, "metrics", g.rows);
		if (root && g.host)
			json_object_set(root, "host", g.host);
		char *text = root ? json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(10)) : NULL;

		json_decref(root);
		if (!text) {
			ret = HVS_EX_INTERNAL;
			goto out;
		}
		puts(text);
		free(text);
#endif
	} else {
		printf("\n%d slower, %d faster, %d equivalent, %d inconclusive; %d metric(s) checked "
		       "(threshold %.3g%%; \"sees\": the step this history could detect).\n",
		       g.slower, g.faster, g.equivalent, g.inconclusive, g.checked,
		       g.so.threshold * 100);
	}
	ret = a.fail && g.slower ? HVS_EX_FAIL
	      : (a.fail_inc && g.inconclusive) || g.inconclusive_fail ? HVS_EX_INCONCLUSIVE
								    : HVS_EX_OK;
out:
#if HAVE_JANSSON
	json_decref(g.rows);
	json_decref(g.host);
#endif
	hvs_hostspeed_free(&hs);
	hvs_hs_set_free(&set);
	free(g.vals);
	free(g.pos);
	free(runs);
	hvs_history_close(h);
	return ret;
}
