/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_compare.c - `hvscope compare A B` and `hvscope compare A1 [A2...] --
 * B1 [B2...]`: is B slower, faster, equivalent to A, or can the data not
 * tell (inconclusive), metric by metric and for the suite, with an exit
 * code for CI. The statistics are harness/analysis/compare.c's.
 *
 * Exit codes: 0 ok, 1 slower (metric or suite) with --fail-on-regression,
 * 12 inconclusive with --fail-on-inconclusive or --require-mde, 2 usage,
 * 3 malformed/truncated file, 4 schema version/type/NaN/duplicate metric or
 * no metric in common, 5 file too big, 9 I/O.
 */
#include "commands.h"
#include "options.h"
#include "analysis/compare.h"
#include "core/hvs_features.h"
#include "core/hvscope.h"
#include "core/jsonw.h"
#include "core/units.h"
#include "results/context.h"
#include "results/result.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#define MAX_RUNS 64

enum fmt { FMT_TABLE, FMT_JSON, FMT_MARKDOWN };

struct compare_args {
	struct hvs_opt_thresholds per;
	struct hvs_cmp_opts o;
	int fmt; /* enum fmt */
	int fail_reg, fail_inc, no_modes;
	double require_mde;
	long long reps; /* accepted for old scripts: the bootstrap is gone */
};

/* --seed: any 64-bit number, decimal or 0x hex. */
static int set_seed(void *dst, const char *arg, char *why, size_t len)
{
	char *end;

	errno = 0;
	*(uint64_t *)dst = strtoull(arg, &end, 0);
	if (end == arg || *end || errno) {
		snprintf(why, len, "expected a whole number");
		return -EINVAL;
	}
	return 0;
}

#define CMP_AT(f) HVS_OPT_AT(struct compare_args, f)
/* The help is prose: every option is named in it, none gets a line of its own. */
const struct hvs_cmdopts cmd_compare_opts = {
	.name = "compare",
	.head = "usage: hvscope compare A B [options]\n"
		"       hvscope compare A1 [A2 ...] -- B1 [B2 ...] [options]\n"
		"options: [--json|--markdown] [--threshold 5%] [--metric-threshold NAME=10%]...\n"
		"         [--alpha 0.05] [--run-cv 3%] [--no-modes] [--paired] [--fail-on-regression]\n"
		"         [--fail-on-inconclusive] [--require-mde 10%]\n\n"
		"Compare result files B (candidate) with baseline A, one file per run: the run\n"
		"(the host's moment) is the unit that varies, so give several runs a side for\n"
		"a verdict that carries it. Per metric: the ratio B/A of run locations with a\n"
		"CI that holds for all metrics at once (Bonferroni; slower and faster step\n"
		"down by Holm), and one of four verdicts:\n"
		"  slower / faster  the CI excludes 1 and B/A is beyond the threshold (default\n"
		"                   5%; NAME may be a glob); direction-aware\n"
		"  equivalent       the whole CI lies within +-threshold (an equivalence test)\n"
		"  inconclusive     neither: the row says the smallest change the data could\n"
		"                   have seen (80% power)\n"
		"With one run a side the between-run spread cannot be measured: it is assumed\n"
		"to be --run-cv (default 3%) or the process spread if larger, and said so.\n"
		"--paired: run i of A and run i of B are one interleaved round\n"
		"(scripts/ab-rounds.sh); the CI comes from the per-round ratios.\n"
		"Two-state metrics are judged per state (each state's location and share).\n"
		"The suite's geometric mean of cost ratios (>1 = worse), each metric weighed by\n"
		"its precision, gets a verdict too.\n"
		"A warning names load or steal that differ between the two sides.\n"
		"--json: raw SI (results-schema/compare.schema.json); --markdown: a table.\n\n"
		"exit: 0 ok, 1 slower (metric or suite) with --fail-on-regression, 12 an\n"
		"inconclusive metric with --fail-on-inconclusive (or one whose detectable\n"
		"change exceeds --require-mde), 2 usage, 3 malformed or truncated file, 4 wrong\n"
		"schema version/type/NaN/duplicate metric or no metric in common, 5 file too\n"
		"big, 9 I/O error. Codes 2-10 mean bad input: no verdict was made.\n",
	.operands = "A B | A... -- B...",
	.operand_files = 1,
	.opts = (const struct hvs_opt[]){
		{ HVS_OPT_FLAG, "json", 0, NULL, CMP_AT(fmt), .val = FMT_JSON, .flags = HVS_OPT_UNLISTED,
		  .help = "JSON on stdout" },
		{ HVS_OPT_FLAG, "markdown", 0, NULL, CMP_AT(fmt), .val = FMT_MARKDOWN,
		  .flags = HVS_OPT_UNLISTED, .help = "a Markdown table (for CI comments)" },
		{ HVS_OPT_DOUBLE, "threshold", 0, "5%", CMP_AT(o.threshold), HVS_OPT_LIM(HVS_LIM_FRACTION),
		  .flags = HVS_OPT_UNLISTED, .help = "the smallest change that counts" },
		{ HVS_OPT_STRING, "metric-threshold", 0, "NAME=10%", CMP_AT(per),
		  .fn = hvs_opt_metric_threshold, .flags = HVS_OPT_UNLISTED,
		  .help = "the threshold of the metrics NAME (a glob) names (repeatable)" },
		{ HVS_OPT_DOUBLE, "alpha", 0, "0.05", CMP_AT(o.alpha), HVS_OPT_LIM(HVS_LIM_ALPHA),
		  .flags = HVS_OPT_UNLISTED, .help = "family-wise error rate over the metrics" },
		{ HVS_OPT_DOUBLE, "run-cv", 0, "3%", CMP_AT(o.run_cv), HVS_OPT_LIM(HVS_LIM_FRACTION),
		  .flags = HVS_OPT_UNLISTED, .help = "between-run spread assumed with one run a side" },
		{ HVS_OPT_FLAG, "no-modes", 0, NULL, CMP_AT(no_modes), .flags = HVS_OPT_UNLISTED,
		  .help = "do not judge two-state metrics per state" },
		{ HVS_OPT_FLAG, "paired", 0, NULL, CMP_AT(o.paired), .flags = HVS_OPT_UNLISTED,
		  .help = "run i of A and of B are one interleaved round" },
		{ HVS_OPT_FLAG, "fail-on-regression", 0, NULL, CMP_AT(fail_reg), .flags = HVS_OPT_UNLISTED,
		  .help = "exit 1 when a metric or the suite is slower" },
		{ HVS_OPT_FLAG, "fail-on-inconclusive", 0, NULL, CMP_AT(fail_inc), .flags = HVS_OPT_UNLISTED,
		  .help = "exit 12 when a metric is inconclusive" },
		{ HVS_OPT_DOUBLE, "require-mde", 0, "10%", CMP_AT(require_mde), HVS_OPT_LIM(HVS_LIM_FRACTION),
		  .flags = HVS_OPT_UNLISTED, .help = "exit 12 when an inconclusive metric could not see this" },
		/* accepted for old scripts */
		{ HVS_OPT_INT, "reps", 0, "N", CMP_AT(reps), .flags = HVS_OPT_HIDDEN },
		{ HVS_OPT_STRING, "seed", 0, "N", CMP_AT(o.seed), .fn = set_seed, .flags = HVS_OPT_HIDDEN },
		{ 0 } },
};

static const char *run_var_name(enum hvs_run_var v)
{
	switch (v) {
	case HVS_RV_MEASURED: return "measured";
	case HVS_RV_OTHER_SIDE: return "other_side";
	case HVS_RV_PAIRED: return "paired_rounds";
	case HVS_RV_ASSUMED: return "assumed";
	}
	return "?";
}

/* "23%", or "3.1x" past 100%. */
static const char *mde_text(char *buf, size_t n, double mde)
{
	if (!isfinite(mde))
		snprintf(buf, n, "any size");
	else if (mde < 1)
		snprintf(buf, n, "%.0f%%", mde * 100);
	else if (mde < 99)
		snprintf(buf, n, "%.2gx", 1 + mde);
	else
		snprintf(buf, n, "100x");
	return buf;
}

/*
 * "could not see changes under 23%"; past 100x (the CI spans decades: a
 * location from a few scattered samples, or processes that disagree by
 * factors) "could not see even 100x changes" and why: the CI's se of
 * log(B/A) and its df, which the JSON carries unrounded.
 */
static const char *unseen_text(char *buf, size_t n, double mde, double se, double df)
{
	char m[32];

	if (isfinite(mde) && mde >= 99 && isfinite(se) && isfinite(df))
		snprintf(buf, n, "could not see even 100x changes (se_log %.2f on %.*f df)", se,
			 df < 100 ? 1 : 0, df);
	else if (isfinite(mde) && mde >= 99 && isfinite(se))
		snprintf(buf, n, "could not see even 100x changes (se_log %.2f)", se);
	else
		snprintf(buf, n, "could not see changes under %s", mde_text(m, sizeof(m), mde));
	return buf;
}

/* "inconclusive: could not see changes under 23%" and friends. */
static void verdict_text(char *buf, size_t n, const struct hvs_cmp_row *r)
{
	char m[96];

	if (r->verdict == HVS_V_NA)
		snprintf(buf, n, "n/a (%s)", r->reason);
	else if (r->verdict == HVS_V_INCONCLUSIVE)
		snprintf(buf, n, "inconclusive: %s", unseen_text(m, sizeof(m), r->mde, r->se, r->df));
	else
		snprintf(buf, n, "%s", hvs_verdict_name(r->verdict));
}

struct side_ctx {
	double load, steal; /* mean over the side's runs of load per CPU and steal fraction; NaN unknown */
};

/* A side's load per CPU and steal: the mean over its runs' recorded contexts. */
static void side_conditions(struct hvs_result **r, size_t n, struct side_ctx *s)
{
	double l = 0, st = 0;
	size_t nl = 0, ns = 0;

	for (size_t i = 0; i < n; i++) {
		double a, b;

		hvs_context_conditions(r[i]->info.context_json, &a, &b);
		if (isfinite(a)) {
			l += a;
			nl++;
		}
		if (isfinite(b)) {
			st += b;
			ns++;
		}
	}
	s->load = nl ? l / (double)nl : NAN;
	s->steal = ns ? st / (double)ns : NAN;
}

/* Different conditions: load per CPU apart by > 0.5, or steal by > 2 points. */
static int conditions_warning(const struct side_ctx *a, const struct side_ctx *b, char *buf,
			      size_t n)
{
	int lw = isfinite(a->load) && isfinite(b->load) && fabs(a->load - b->load) > 0.5;
	int sw = isfinite(a->steal) && isfinite(b->steal) && fabs(a->steal - b->steal) > 0.02;

	if (!lw && !sw)
		return 0;
	snprintf(buf, n,
		 "A and B were measured in different conditions: load per CPU %.2f vs %.2f, steal "
		 "%.1f%% vs %.1f%%; differences may be the machine's",
		 a->load, b->load, a->steal * 100, b->steal * 100);
	return 1;
}

static void print_state_lines(const struct hvs_cmp_row *r)
{
	for (int s = 0; s < r->states; s++) {
		const struct hvs_cmp_state *S = &r->state[s];
		char la[48], lb[48], m[96], x[16], lo[16], hi[16];

		if (isnan(S->loc_a))
			snprintf(la, sizeof(la), "-");
		else
			hvs_fmt_val(la, sizeof(la), S->loc_a, r->unit, HVS_U_TERM);
		if (isnan(S->loc_b))
			snprintf(lb, sizeof(lb), "-");
		else
			hvs_fmt_val(lb, sizeof(lb), S->loc_b, r->unit, HVS_U_TERM);
		printf("  state %d: A %s (%.0f%% of samples), B %s (%.0f%%)", s + 1, la,
		       S->share_a * 100, lb, S->share_b * 100);
		if (S->verdict == HVS_V_NA)
			printf(", not visited by both sides\n");
		else if (S->verdict == HVS_V_INCONCLUSIVE)
			printf(", B/A %s [%s, %s] inconclusive: %s\n",
			       hvs_fmt_ratio(x, sizeof(x), S->ratio.ratio), hvs_fmt_ratio(lo, sizeof(lo), S->ratio.lo),
			       hvs_fmt_ratio(hi, sizeof(hi), S->ratio.hi),
			       unseen_text(m, sizeof(m), S->mde, S->se, S->df));
		else
			printf(", B/A %s [%s, %s] %s\n", hvs_fmt_ratio(x, sizeof(x), S->ratio.ratio),
			       hvs_fmt_ratio(lo, sizeof(lo), S->ratio.lo), hvs_fmt_ratio(hi, sizeof(hi), S->ratio.hi),
			       hvs_verdict_name(S->verdict));
	}
}

static void print_summary(const struct hvs_cmp *c, const struct hvs_cmp_opts *o, int md)
{
	char m[32], x[16], lo[16], hi[16];

	if (c->ncompared)
		printf("%sweighted geometric mean of cost ratios (>1 = worse) over %zu metrics: %s%s [%s, %s]%s "
		       "%s%s%s",
		       md ? "\n" : "\n", c->ncompared, md ? "**" : "", hvs_fmt_ratio(x, sizeof(x), c->geomean.ratio),
		       hvs_fmt_ratio(lo, sizeof(lo), c->geomean.lo), hvs_fmt_ratio(hi, sizeof(hi), c->geomean.hi),
		       md ? "**" : "", hvs_verdict_name(c->geomean_verdict),
		       c->geomean_verdict == HVS_V_INCONCLUSIVE ? ": could not see changes under " : "",
		       "");
	if (c->ncompared && c->geomean_verdict == HVS_V_INCONCLUSIVE)
		printf("%s", mde_text(m, sizeof(m), c->geomean_mde));
	if (c->ncompared)
		printf(" (%.0f%% CI)\n", (1 - o->alpha) * 100);
	printf("%s%d slower, %d faster, %d equivalent, %d inconclusive, %d n/a; %zu compared "
	       "(threshold %.3g%%, CIs %.4g%% simultaneous",
	       md ? "\n" : "", c->slower, c->faster, c->equivalent, c->inconclusive, c->na,
	       c->ncompared, o->threshold * 100, c->level * 100);
	if (c->holm)
		printf("; %d decided at their Holm step, CI at that step's level", c->holm);
	printf(")\n");
}

static void print_table(struct hvs_result **ra, struct hvs_result **rb, const struct hvs_cmp *c,
			const struct hvs_cmp_opts *o)
{
	const char *how = o->paired && c->runs_a == c->runs_b && c->runs_a >= 2
				  ? "cancelled by pairing the rounds"
			  : c->runs_a >= 2 && c->runs_b >= 2 ? "measured from the runs"
			  : c->runs_a >= 2 || c->runs_b >= 2 ? "taken from the side with >= 2 runs"
							     : "ASSUMED (one run a side)";

	printf("A: %s (commit %s)%s\nB: %s (commit %s)%s\n", ra[0]->info.id, ra[0]->info.git_commit,
	       c->runs_a > 1 ? " and more" : "", rb[0]->info.id, rb[0]->info.git_commit,
	       c->runs_b > 1 ? " and more" : "");
	printf("%zu run(s) vs %zu run(s); between-run spread %s", c->runs_a, c->runs_b, how);
	if (c->runs_a < 2 && c->runs_b < 2)
		printf(": %.3g%% (--run-cv) or the process spread if larger; more runs a side "
		       "measure it", o->run_cv * 100);
	printf("\n\n%-32s %12s %12s %7s %17s  %s\n", "metric", "A", "B", "B/A", "CI", "verdict");
	for (size_t i = 0; i < c->n; i++) {
		const struct hvs_cmp_row *r = &c->rows[i];
		char va[48], vb[48], vt[128];

		hvs_fmt_val(va, sizeof(va), r->median_a, r->unit, HVS_U_TERM);
		hvs_fmt_val(vb, sizeof(vb), r->median_b, r->unit, HVS_U_TERM);
		verdict_text(vt, sizeof(vt), r);
		if (isnan(r->median_a))
			snprintf(va, sizeof(va), "-");
		if (isnan(r->median_b))
			snprintf(vb, sizeof(vb), "-");
		printf("%-32s %*s %*s ", r->name, hvs_col(va, 12), va, hvs_col(vb, 12), vb);
		if (isnan(r->ratio.ratio)) {
			printf("%7s %17s", "-", "-");
		} else {
			char x[16], lo[16], hi[16];

			printf("%7s  [%6s, %6s]", hvs_fmt_ratio(x, sizeof(x), r->ratio.ratio),
			       hvs_fmt_ratio(lo, sizeof(lo), r->ratio.lo), hvs_fmt_ratio(hi, sizeof(hi), r->ratio.hi));
		}
		if (r->states && r->state_decides >= 0)
			printf("  %s (two states: state %d)\n", vt, r->state_decides + 1);
		else
			printf("  %s\n", vt);
		print_state_lines(r);
	}
	print_summary(c, o, 0);
}

static void print_markdown(struct hvs_result **ra, struct hvs_result **rb, const struct hvs_cmp *c,
			   const struct hvs_cmp_opts *o)
{
	printf("### hvscope compare\n\nA: `%s` (commit `%s`, %zu run(s)), B: `%s` (commit `%s`, %zu run(s))\n\n",
	       ra[0]->info.id, ra[0]->info.git_commit, c->runs_a, rb[0]->info.id,
	       rb[0]->info.git_commit, c->runs_b);
	printf("| metric | A | B | B/A | CI | verdict |\n");
	printf("|---|---:|---:|---:|---|---|\n");
	for (size_t i = 0; i < c->n; i++) {
		const struct hvs_cmp_row *r = &c->rows[i];
		const char *mark = r->verdict == HVS_V_SLOWER ? "**" : "";
		char va[48], vb[48], vt[128], x[16], lo[16], hi[16];

		hvs_fmt_val(va, sizeof(va), r->median_a, r->unit, HVS_U_UTF8);
		hvs_fmt_val(vb, sizeof(vb), r->median_b, r->unit, HVS_U_UTF8);
		verdict_text(vt, sizeof(vt), r);
		printf("| %s | %s | %s | ", r->name, isnan(r->median_a) ? "-" : va,
		       isnan(r->median_b) ? "-" : vb);
		if (isnan(r->ratio.ratio))
			printf("- | - | ");
		else
			printf("%s | [%s, %s] | ", hvs_fmt_ratio(x, sizeof(x), r->ratio.ratio),
			       hvs_fmt_ratio(lo, sizeof(lo), r->ratio.lo), hvs_fmt_ratio(hi, sizeof(hi), r->ratio.hi));
		if (r->states && r->state_decides >= 0)
			printf("%s%s%s (two states: state %d) |\n", mark, vt, mark, r->state_decides + 1);
		else
			printf("%s%s%s |\n", mark, vt, mark);
	}
	print_summary(c, o, 1);
}

static void ids(struct hvs_jw *w, const char *key, struct hvs_result **r, size_t n)
{
	hvs_jw_arr(w, key);
	for (size_t i = 0; i < n; i++) {
		hvs_jw_obj(w, NULL);
		hvs_jw_str(w, "id", r[i]->info.id);
		hvs_jw_str(w, "commit", r[i]->info.git_commit);
		hvs_jw_end(w);
	}
	hvs_jw_end(w);
}

/* A row's per-state judgements (a two-state metric). */
static void json_states(struct hvs_jw *w, const struct hvs_cmp_row *r)
{
	hvs_jw_arr(w, "states");
	for (int s = 0; s < r->states; s++) {
		const struct hvs_cmp_state *S = &r->state[s];

		hvs_jw_obj(w, NULL);
		hvs_jw_num(w, "location_a", S->loc_a);
		hvs_jw_num(w, "location_b", S->loc_b);
		hvs_jw_num(w, "share_a", S->share_a);
		hvs_jw_num(w, "share_b", S->share_b);
		hvs_jw_num(w, "ratio", S->ratio.ratio);
		hvs_jw_num(w, "ci_lo", S->ratio.lo);
		hvs_jw_num(w, "ci_hi", S->ratio.hi);
		hvs_jw_num(w, "mde", S->mde);
		hvs_jw_num(w, "run_cv", S->run_cv);
		hvs_jw_str(w, "verdict", hvs_verdict_name(S->verdict));
		hvs_jw_end(w);
	}
	hvs_jw_end(w);
	hvs_jw_num(w, "state_cut", r->state_cut);
	if (r->state_decides >= 0)
		hvs_jw_int(w, "state_decides", r->state_decides + 1);
}

static void json_row(struct hvs_jw *w, const struct hvs_cmp_row *r)
{
	hvs_jw_obj(w, NULL);
	hvs_jw_str(w, "name", r->name);
	hvs_jw_str(w, "unit", r->unit);
	hvs_jw_str(w, "direction", hvs_direction_name(r->direction));
	hvs_jw_str(w, "verdict", hvs_verdict_name(r->verdict));
	hvs_jw_int(w, "n_a", (long long)r->na);
	hvs_jw_int(w, "n_b", (long long)r->nb);
	hvs_jw_int(w, "runs_a", (long long)r->runs_a);
	hvs_jw_int(w, "runs_b", (long long)r->runs_b);
	hvs_jw_num(w, "median_a", r->median_a);
	hvs_jw_num(w, "median_b", r->median_b);
	hvs_jw_num(w, "ratio", r->ratio.ratio);
	hvs_jw_num(w, "ci_lo", r->ratio.lo);
	hvs_jw_num(w, "ci_hi", r->ratio.hi);
	hvs_jw_num(w, "cost", r->cost);
	hvs_jw_num(w, "se_log", r->se);
	hvs_jw_num(w, "df", r->df);
	hvs_jw_num(w, "p", r->p);
	hvs_jw_num(w, "p_equivalence", r->p_equiv);
	hvs_jw_num(w, "mde", r->mde);
	hvs_jw_num(w, "threshold", r->threshold);
	hvs_jw_num(w, "run_cv_a", r->run_cv_a);
	hvs_jw_num(w, "run_cv_b", r->run_cv_b);
	hvs_jw_num(w, "process_cv", r->proc_cv);
	hvs_jw_num(w, "noise", r->noise);
	if (isfinite(r->holm_level))
		hvs_jw_num(w, "holm_level", r->holm_level);
	if (r->verdict != HVS_V_NA)
		hvs_jw_str(w, "between_runs", run_var_name(r->run_var));
	if (r->states)
		json_states(w, r);
	if (r->verdict == HVS_V_NA)
		hvs_jw_str(w, "reason", r->reason);
	hvs_jw_end(w);
}

/* --json: the comparison as data (raw SI; results-schema/compare.schema.json). */
static int print_json(struct hvs_result **ra, struct hvs_result **rb, const struct hvs_cmp *c,
		      const struct hvs_cmp_opts *o, const char *warning)
{
	struct hvs_jw w;

	hvs_jw_init(&w, stdout);
	hvs_jw_obj(&w, NULL);
	ids(&w, "a", ra, c->runs_a);
	ids(&w, "b", rb, c->runs_b);
	hvs_jw_num(&w, "threshold", o->threshold);
	hvs_jw_num(&w, "alpha", o->alpha);
	hvs_jw_num(&w, "run_cv", o->run_cv);
	hvs_jw_num(&w, "level", c->level);
	hvs_jw_int(&w, "runs_a", (long long)c->runs_a);
	hvs_jw_int(&w, "runs_b", (long long)c->runs_b);
	hvs_jw_int(&w, "slower", c->slower);
	hvs_jw_int(&w, "faster", c->faster);
	hvs_jw_int(&w, "equivalent", c->equivalent);
	hvs_jw_int(&w, "inconclusive", c->inconclusive);
	hvs_jw_int(&w, "na", c->na);
	hvs_jw_int(&w, "compared", (long long)c->ncompared);
	hvs_jw_arr(&w, "metrics");
	for (size_t i = 0; i < c->n; i++)
		json_row(&w, &c->rows[i]);
	hvs_jw_end(&w);
	hvs_jw_obj(&w, "geomean_cost");
	hvs_jw_num(&w, "ratio", c->geomean.ratio);
	hvs_jw_num(&w, "ci_lo", c->geomean.lo);
	hvs_jw_num(&w, "ci_hi", c->geomean.hi);
	hvs_jw_str(&w, "verdict", hvs_verdict_name(c->geomean_verdict));
	hvs_jw_num(&w, "mde", c->geomean_mde);
	hvs_jw_end(&w);
	hvs_jw_arr(&w, "warnings");
	if (warning)
		hvs_jw_str(&w, NULL, warning);
	hvs_jw_end(&w);
	hvs_jw_end(&w);
	return hvs_jw_finish(&w);
}

/*
 * Options of one stretch of the command line (before or after "--");
 * getopt_long moves the stretch's operands to its end: returns the index
 * of the first, or -1 after --help or a usage error (*rc set).
 */
static int parse(int argc, char **argv, struct compare_args *g, int *rc)
{
	int first;

	*rc = hvs_opts_parse(&cmd_compare_opts, argc, argv, g, &first);
	return *rc == HVS_OPTS_GO ? first : -1;
}

/* Which side of files there is, parsed from the command line (cmd_compare). */
struct sides {
	char **pa, **pb, **v2; /* v2: B's argv (malloc'd), when "--" splits them */
	size_t na, nb;
};

/*
 * Parse the options and split the operands into A's and B's files: "A B",
 * or the group form "A... -- B..." with options on either side. Returns 0,
 * or -1 with the exit code in *rc (said why).
 */
static int split_sides(int argc, char **argv, struct compare_args *g, struct sides *sd, int *rc)
{
	int sep = argc, first;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			sep = i;
			break;
		}
	first = parse(sep, argv, g, rc);
	if (first < 0)
		return -1;
	sd->pa = argv + first;
	sd->na = (size_t)(sep - first);
	if (sep < argc) {
		int f2;

		sd->v2 = calloc((size_t)(argc - sep) + 1, sizeof(*sd->v2));
		if (!sd->v2) {
			*rc = HVS_EX_INTERNAL;
			return -1;
		}
		sd->v2[0] = argv[0];
		for (int i = sep + 1; i < argc; i++)
			sd->v2[i - sep] = argv[i];
		f2 = parse(argc - sep, sd->v2, g, rc);
		if (f2 < 0)
			return -1;
		sd->pb = sd->v2 + f2;
		sd->nb = (size_t)(argc - sep - f2);
		if (!sd->na || !sd->nb) {
			*rc = hvs_opts_fail("compare", "%s side has no result file (A... -- B...)",
					    !sd->na ? "the A (baseline)" : "the B");
			return -1;
		}
	} else {
		if (sd->na != 2) {
			*rc = hvs_opts_fail("compare", "expected two result files A B, or A... -- B...");
			return -1;
		}
		sd->pb = sd->pa + 1;
		sd->na = sd->nb = 1;
	}
	if (sd->na > MAX_RUNS || sd->nb > MAX_RUNS) {
		*rc = hvs_opts_fail("compare", "at most %d runs a side", MAX_RUNS);
		return -1;
	}
	return 0;
}

/* The exit code of a comparison that was printed: --fail-on-regression, --fail-on-inconclusive, --require-mde. */
static int gate(const struct compare_args *g, const struct hvs_cmp *c)
{
	int ret = HVS_EX_OK;

	if (g->fail_reg && (c->slower || c->geomean_verdict == HVS_V_SLOWER)) {
		ret = HVS_EX_FAIL;
	} else if (g->fail_inc || isfinite(g->require_mde)) {
		for (size_t i = 0; i < c->n; i++) {
			const struct hvs_cmp_row *r = &c->rows[i];

			if (r->verdict != HVS_V_INCONCLUSIVE)
				continue;
			if (g->fail_inc || !(r->mde <= g->require_mde))
				ret = HVS_EX_INCONCLUSIVE;
		}
	}
	return ret;
}

int cmd_compare(int argc, char **argv)
{
	static struct compare_args g;
	struct hvs_cmp_opts o;
	struct hvs_result *ra[MAX_RUNS] = { 0 }, *rb[MAX_RUNS] = { 0 };
	const struct hvs_metrics *sa[MAX_RUNS], *sb[MAX_RUNS];
	struct sides sd = { 0 };
	char **pa, **pb;
	struct hvs_cmp c = { 0 };
	struct side_ctx ca, cb;
	int ret = HVS_EX_OK;
	size_t na, nb;
	char err[512], warn[256];

	memset(&g, 0, sizeof(g));
	hvs_cmp_opts_default(&g.o);
	g.require_mde = NAN;
	if (split_sides(argc, argv, &g, &sd, &ret)) {
		free(sd.v2);
		return ret;
	}
	pa = sd.pa;
	pb = sd.pb;
	na = sd.na;
	nb = sd.nb;
	o = g.o;
	o.per_metric = g.per.v;
	o.nper_metric = g.per.n;
	o.level = 1 - o.alpha;
	if (g.no_modes)
		o.modes = 0;
	for (size_t i = 0; i < na + nb; i++) {
		const char *p = i < na ? pa[i] : pb[i - na];
		struct hvs_result **slot = i < na ? &ra[i] : &rb[i - na];

		ret = hvs_result_read(p, slot, err, sizeof(err));
		if (ret) {
			hvs_err("compare: %s", err);
			ret = hvs_errno_exit(-ret);
			goto out;
		}
		if (i < na)
			sa[i] = &ra[i]->set;
		else
			sb[i - na] = &rb[i - na]->set;
	}
	ret = hvs_compare_runs(sa, na, sb, nb, &o, &c);
	if (ret) {
		hvs_err("compare: %s", strerror(-ret));
		ret = HVS_EX_INTERNAL;
		goto out;
	}
	if (!c.ncompared) {
		hvs_err("compare: no metric measured on both sides (%zu names, none comparable): "
			"wrong files?", c.n);
		ret = HVS_EX_SCHEMA;
		goto out;
	}
	side_conditions(ra, na, &ca);
	side_conditions(rb, nb, &cb);
	if (conditions_warning(&ca, &cb, warn, sizeof(warn)))
		hvs_err("compare: warning: %s", warn);
	else
		warn[0] = '\0';
	if (g.fmt == FMT_JSON) {
		if (print_json(ra, rb, &c, &o, warn[0] ? warn : NULL)) {
			hvs_err("compare: cannot produce JSON");
			ret = HVS_EX_INTERNAL;
			goto out;
		}
	} else if (g.fmt == FMT_MARKDOWN) {
		print_markdown(ra, rb, &c, &o);
	} else {
		print_table(ra, rb, &c, &o);
	}
	if (fflush(stdout)) {
		ret = HVS_EX_IO;
		goto out;
	}
	ret = gate(&g, &c);
out:
	free(sd.v2);
	hvs_cmp_free(&c);
	for (size_t i = 0; i < MAX_RUNS; i++) {
		hvs_result_free(ra[i]);
		hvs_result_free(rb[i]);
	}
	return ret;
}
