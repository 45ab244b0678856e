/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_regress.c - `hvscope regress --db FILE`: the nightly gate. The newest
 * run is judged against the history of its own context (same host, same
 * hypervisor, same values of the --context tags), not against one baseline:
 * each metric's series of per-run medians goes through change-point
 * detection (rank-based PELT + permutation test, harness/core/stats.h), so a
 * step and a slow drift are caught while a lone noisy night is not.
 *
 * Verdict per metric: the changes leading into the newest segment that all
 * go the same way are one episode (a drift shows as several small steps);
 * its start is where the change "began". slower = the newest segment is
 * worse than the level before the episode by more than the threshold.
 * A change stays reported until it leaves the --window or is undone.
 *
 * Exit: 0 ok, 1 regression (with --fail-on-regression), 2 usage,
 * 4 empty history / bad database schema, 6 no SQLite (static build),
 * 9 I/O. >= 2 means no verdict.
 */
#include "commands.h"
#include "analysis/compare.h"
#include "results/history.h"
#include "core/hvs_features.h"
#include "core/hvscope.h"

#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
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
	double threshold, alpha;
	const struct hvs_cmp_threshold *per;
	size_t nper;
	unsigned perms;
	size_t min_seg;
	enum fmt fmt;
	int slower, faster, checked;
	double *vals;
	size_t *pos;
#if HAVE_JANSSON
	json_t *rows;
#endif
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvscope regress --db FILE [--window N] [--context TAG,...]\n"
		"                       [--threshold 2%%] [--metric-threshold NAME=5%%]...\n"
		"                       [--alpha 0.01] [--permutations 199] [--min-segment 2]\n"
		"                       [--json|--markdown] [--fail-on-regression]\n\n"
		"Judge the newest run in the history against the last N runs (default 30) of\n"
		"its context: same host, hypervisor and values of the named tags (default:\n"
		"config; KEY=VALUE pins the newest run: host=NAME, or a tag, e.g. fleet_host=web1).\n"
		"Each metric's series of medians goes through change-point detection\n"
		"with a permutation test; a step or drift into the newest runs beyond the\n"
		"threshold is reported with the run and commit where it began. A change needs\n"
		"--min-segment runs (default 2) before it counts, so one noisy night never does.\n\n"
		"exit: 0 ok, 1 regression (with --fail-on-regression), 2 usage, 3 not a database,\n"
		"4 empty history or foreign database, 6 built without SQLite (libpq for a\n"
		"PostgreSQL conninfo), 9 I/O (e.g. no\n"
		"such file). >= 2 means no verdict.\n");
}

static double threshold_for(const struct rg *g, const char *name)
{
	for (size_t i = 0; i < g->nper; i++)
		if (!fnmatch(g->per[i].pattern, name, 0))
			return g->per[i].value;
	return g->threshold;
}

static int one_metric(void *arg, const char *name, const char *unit, enum hvs_direction dir,
		      const double *med, size_t n)
{
	struct rg *g = arg;
	struct hvs_changepoint cp[64];
	size_t m = 0, began = 0;
	double base = NAN, now = NAN, cost = NAN, p = NAN, thr = threshold_for(g, name);
	enum hvs_verdict v = HVS_V_SAME;
	const char *why = "";
	int ncp = 0;

	for (size_t i = 0; i < n; i++)
		if (isfinite(med[i])) {
			g->vals[m] = med[i];
			g->pos[m++] = i;
		}
	if (m == 0 || g->pos[m - 1] != n - 1) {
		v = HVS_V_NA;
		why = "not measured in the newest run";
	} else if (m < 2 * g->min_seg + 1) {
		v = HVS_V_NA;
		why = "too little history";
	} else {
		ncp = hvs_changepoints(g->vals, m, g->min_seg, g->perms, hvs_hash64(name), g->alpha,
				       cp, HVS_ARRAY_SIZE(cp));
		if (ncp < 0)
			return ncp;
		/* The newest segment's level. */
		now = hvs_median(g->vals + (ncp ? cp[ncp - 1].at : 0),
				 m - (ncp ? cp[ncp - 1].at : 0));
		if (ncp > 0) {
			int k = ncp - 1, up = cp[k].after > cp[k].before;

			/* Walk back over changes that go the same way: one episode. */
			while (k > 0 && (cp[k - 1].after > cp[k - 1].before) == up)
				k--;
			began = cp[k].at;
			base = cp[k].before;
			p = cp[ncp - 1].p;
			cost = now / base;
			if (dir == HVS_HIGHER_IS_BETTER)
				cost = 1.0 / cost;
			if (cost > 1 + thr)
				v = HVS_V_SLOWER;
			else if (cost < 1 - thr)
				v = HVS_V_FASTER;
		}
		g->checked++;
	}
	if (v == HVS_V_SLOWER)
		g->slower++;
	if (v == HVS_V_FASTER)
		g->faster++;
	if (g->fmt == FMT_JSON) {
#if HAVE_JANSSON
		json_t *row = json_pack("{ss ss ss ss sI sI}", "name", name, "unit", unit, "direction",
					hvs_direction_name(dir), "verdict", hvs_verdict_name(v),
					"runs", (json_int_t)m, "changes", (json_int_t)(ncp > 0 ? ncp : 0));

		if (row) {
			json_object_set_new(row, "threshold", json_real(thr));
			if (isfinite(now))
				json_object_set_new(row, "now", json_real(now));
			if (isfinite(base)) {
				const struct hvs_hrun *r = &g->runs[g->pos[began]];

				json_object_set_new(row, "baseline", json_real(base));
				json_object_set_new(row, "cost", json_real(cost));
				json_object_set_new(row, "p", json_real(p));
				json_object_set_new(row, "began_run", json_string(r->uid));
				json_object_set_new(row, "began_commit", json_string(r->commit));
				json_object_set_new(row, "began_started", json_string(r->started));
			}
			if (*why)
				json_object_set_new(row, "reason", json_string(why));
			json_array_append_new(g->rows, row);
		}
#endif
		return 0;
	}
	if (g->fmt == FMT_MARKDOWN)
		printf("| %s | %s | %zu | ", name, unit, m);
	else
		printf("%-32s %-6s %5zu ", name, unit, m);
	if (isfinite(base)) {
		const struct hvs_hrun *r = &g->runs[g->pos[began]];
		const char *mk = g->fmt == FMT_MARKDOWN && v == HVS_V_SLOWER ? "**" : "";

		if (g->fmt == FMT_MARKDOWN)
			printf("%.4g | %.4g | %.4f | %s%s%s | `%s` (commit `%s`, %s) |\n", base, now,
			       cost, mk, hvs_verdict_name(v), mk, r->uid, r->commit, r->started);
		else
			printf("%10.4g %10.4g %8.4f  %-9s began %s (commit %s, %s) p=%.3g\n", base,
			       now, cost, hvs_verdict_name(v), r->uid, r->commit, r->started, p);
	} else if (g->fmt == FMT_MARKDOWN) {
		printf("- | %.4g | - | %s%s%s | |\n", now, hvs_verdict_name(v), *why ? ": " : "", why);
	} else {
		printf("%10s %10.4g %8s  %s%s%s%s\n", "-", now, "-", hvs_verdict_name(v),
		       *why ? " (" : "", why, *why ? ")" : "");
	}
	return 0;
}

int cmd_regress(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "window", required_argument, NULL, 'w' },
		{ "context", required_argument, NULL, 'c' },
		{ "threshold", required_argument, NULL, 't' },
		{ "metric-threshold", required_argument, NULL, 'T' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "permutations", required_argument, NULL, 'P' },
		{ "min-segment", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "markdown", no_argument, NULL, 'M' },
		{ "fail-on-regression", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hvs_cmp_threshold per[64];
	struct rg g = { 0 };
	const char *db = NULL, *ctx_tags[MAX_CTX];
	char ctxbuf[512] = "config", err[512], *end, *save = NULL, *tok;
	size_t window = 30, nctx = 0;
	struct hvs_history *h = NULL;
	struct hvs_hrun *runs = NULL;
	int fail = 0, ch, ret;

	g.threshold = 0.02;
	g.alpha = 0.01;
	g.perms = 199;
	g.min_seg = 2;
	g.per = per;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'j': g.fmt = FMT_JSON; break;
		case 'M': g.fmt = FMT_MARKDOWN; break;
		case 'f': fail = 1; break;
		case 'c':
			if (strlen(optarg) >= sizeof(ctxbuf)) {
				hvs_err("regress: --context too long");
				return HVS_EX_USAGE;
			}
			hvs_strlcpy(ctxbuf, optarg, sizeof(ctxbuf));
			break;
		case 'w':
			window = strtoul(optarg, &end, 10);
			if (*end || window < 3 || window > 1000000) {
				hvs_err("regress: --window '%s': expected 3..1000000", optarg);
				return HVS_EX_USAGE;
			}
			break;
		case 't':
			if (hvs_parse_fraction(optarg, &g.threshold)) {
				hvs_err("regress: --threshold '%s': expected e.g. 2%% or 0.02", optarg);
				return HVS_EX_USAGE;
			}
			break;
		case 'T':
			if (hvs_parse_metric_threshold(optarg, per, &g.nper, HVS_ARRAY_SIZE(per))) {
				hvs_err("regress: --metric-threshold '%s': expected NAME=5%% (at most %zu)",
					optarg, HVS_ARRAY_SIZE(per));
				return HVS_EX_USAGE;
			}
			break;
		case 'a':
			g.alpha = strtod(optarg, &end);
			if (*end || !(g.alpha > 0 && g.alpha < 1)) {
				hvs_err("regress: --alpha '%s': expected a number in (0, 1)", optarg);
				return HVS_EX_USAGE;
			}
			break;
		case 'P':
			g.perms = (unsigned)strtoul(optarg, &end, 10);
			if (*end || g.perms < 19 || g.perms > 100000) {
				hvs_err("regress: --permutations '%s': expected 19..100000", optarg);
				return HVS_EX_USAGE;
			}
			break;
		case 'm':
			g.min_seg = strtoul(optarg, &end, 10);
			if (*end || g.min_seg < 1 || g.min_seg > 1000) {
				hvs_err("regress: --min-segment '%s': expected 1..1000", optarg);
				return HVS_EX_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return HVS_EX_OK;
		default:
			usage(stderr);
			return HVS_EX_USAGE;
		}
	}
	if (!db || optind != argc) {
		hvs_err("regress: expected --db FILE and nothing else (try --help)");
		return HVS_EX_USAGE;
	}
	/* A gate reading a history that is not there must not create one. */
	if (!hvs_history_is_conninfo(db) && access(db, R_OK) < 0) {
		hvs_err("regress: %s: %s", db, strerror(errno));
		return hvs_errno_exit(errno);
	}
	for (tok = strtok_r(ctxbuf, ",", &save); tok && nctx < MAX_CTX; tok = strtok_r(NULL, ",", &save))
		if (*tok)
			ctx_tags[nctx++] = tok;
	ret = hvs_history_open(db, &h, err, sizeof(err));
	if (!ret)
		ret = hvs_history_context_runs(h, ctx_tags, nctx, window, &runs, &g.nruns, err,
					       sizeof(err));
	if (ret) {
		hvs_err("regress: %s", err);
		ret = -ret;
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
	if (g.fmt == FMT_MARKDOWN) {
		printf("### hvscope regress\n\nNewest run `%s` (commit `%s`, %s) against %zu runs of its context.\n\n",
		       runs[g.nruns - 1].uid, runs[g.nruns - 1].commit, runs[g.nruns - 1].started,
		       g.nruns);
		printf("| metric | unit | runs | before | now | cost | verdict | began |\n");
		printf("|---|---|---:|---:|---:|---:|---|---|\n");
	} else if (g.fmt == FMT_TABLE) {
		printf("newest run %s (commit %s, %s); %zu runs of its context\n\n",
		       runs[g.nruns - 1].uid, runs[g.nruns - 1].commit, runs[g.nruns - 1].started,
		       g.nruns);
		printf("%-32s %-6s %5s %10s %10s %8s  %s\n", "metric", "unit", "runs", "before", "now",
		       "cost", "verdict");
	}
	ret = hvs_history_series(h, runs, g.nruns, one_metric, &g, err, sizeof(err));
	if (ret) {
		if (ret < 0)
			hvs_err("regress: %s", ret == -ENOMEM ? "out of memory" : err);
		ret = ret < 0 ? -ret : HVS_EX_INTERNAL;
		goto out;
	}
	if (g.fmt == FMT_JSON) {
#if HAVE_JANSSON
		json_t *root = json_pack("{ss ss ss sI si si si sf sO}", "newest_run",
					 runs[g.nruns - 1].uid, "newest_commit",
					 runs[g.nruns - 1].commit, "newest_started",
					 runs[g.nruns - 1].started, "runs", (json_int_t)g.nruns,
					 "checked", g.checked, "slower", g.slower, "faster", g.faster,
					 "threshold", g.threshold, "metrics", g.rows);
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
		printf("\n%d slower, %d faster, %d metric(s) checked.\n", g.slower, g.faster, g.checked);
	}
	ret = fail && g.slower ? HVS_EX_FAIL : HVS_EX_OK;
out:
#if HAVE_JANSSON
	json_decref(g.rows);
#endif
	free(g.vals);
	free(g.pos);
	free(runs);
	hvs_history_close(h);
	return ret;
}
