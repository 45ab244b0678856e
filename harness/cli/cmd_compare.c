/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_compare.c - `hvscope compare A B`: is B faster, slower or the same
 * as A, metric by metric, with confidence intervals and significance, and
 * an exit code for CI.
 *
 * Exit codes: 0 no regression (or no --fail-on-regression), 1 a regression
 * with --fail-on-regression, 2 usage, 3 malformed/truncated file, 4 schema
 * version/type/NaN/duplicate metric, 5 file too big, 9 I/O. Anything >= 2
 * means "bad input, no verdict": a CI gate should treat it as a failure of
 * the job, not as a regression.
 */
#include "commands.h"
#include "analysis/compare.h"
#include "core/hvs_features.h"
#include "core/hvscope.h"
#include "results/result.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if HAVE_JANSSON
#include <jansson.h>
#endif

enum fmt { FMT_TABLE, FMT_JSON, FMT_MARKDOWN };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvscope compare A B [--json|--markdown] [--threshold 2%%]\n"
		"                       [--metric-threshold NAME=5%%]... [--fail-on-regression]\n"
		"                       [--alpha 0.05] [--reps 2000] [--seed N]\n\n"
		"Compare result file B with baseline A: for each metric the ratio B/A of\n"
		"medians with a 95%% bootstrap CI, a Mann-Whitney U test, and a verdict\n"
		"(faster / slower / no change) that needs Holm-corrected significance (and a\n"
		"CI excluding 1) AND an effect above the threshold (default 2%%; NAME may be a\n"
		"glob) and above the spread between the runs' fresh processes. Runs of >= 3\n"
		"fresh processes also need Welch's t-test over the log process medians to be\n"
		"significant after Holm (the process is what varies between runs). Direction-aware:\n"
		"for higher-is-better metrics 'slower' means a lower value. Also the geometric\n"
		"mean of the cost ratios (>1 = worse) with its CI.\n\n"
		"exit: 0 ok, 1 regression (with --fail-on-regression), 2 usage, 3 malformed or\n"
		"truncated file, 4 wrong schema version/type/NaN/duplicate metric, 5 file too\n"
		"big, 9 I/O error. Any code >= 2 means bad input: no verdict was made.\n");
}

static void print_num(FILE *f, double v, int width)
{
	if (isnan(v))
		fprintf(f, "%*s", width, "-");
	else
		fprintf(f, "%*.4g", width, v);
}

static void print_table(const struct hvs_result *ra, const struct hvs_result *rb,
			const struct hvs_cmp *c)
{
	printf("A: %s (commit %s)\nB: %s (commit %s)\n\n", ra->info.id, ra->info.git_commit,
	       rb->info.id, rb->info.git_commit);
	printf("%-32s %-6s %10s %10s %8s %19s %9s %9s  %s\n", "metric", "unit", "A median", "B median",
	       "B/A", "95% CI", "p (Holm)", "p proc", "verdict");
	for (size_t i = 0; i < c->n; i++) {
		const struct hvs_cmp_row *r = &c->rows[i];

		printf("%-32s %-6s ", r->name, r->unit);
		print_num(stdout, r->median_a, 10);
		putchar(' ');
		print_num(stdout, r->median_b, 10);
		putchar(' ');
		print_num(stdout, r->ratio.ratio, 8);
		if (isnan(r->ratio.lo))
			printf(" %19s", "-");
		else
			printf("    [%6.4f, %6.4f]", r->ratio.lo, r->ratio.hi);
		putchar(' ');
		print_num(stdout, r->p_holm, 9);
		putchar(' ');
		print_num(stdout, r->p_process_holm, 9);
		printf("  %s%s%s%s", hvs_verdict_name(r->verdict), r->verdict == HVS_V_NA ? " (" : "",
		       r->verdict == HVS_V_NA ? r->reason : "", r->verdict == HVS_V_NA ? ")" : "");
		if (r->noise > 0.02 && r->verdict != HVS_V_NA)
			printf(" (noisy: processes differ by %.0f%%)", r->noise * 100);
		putchar('\n');
	}
	if (c->ncompared)
		printf("\ngeometric mean of cost ratios (>1 = worse) over %zu metrics: %.4f [%.4f, %.4f]\n",
		       c->ncompared, c->geomean.ratio, c->geomean.lo, c->geomean.hi);
	printf("%d slower, %d faster, %zu compared\n", c->slower, c->faster, c->ncompared);
}

static void print_markdown(const struct hvs_result *ra, const struct hvs_result *rb,
			   const struct hvs_cmp *c)
{
	printf("### hvscope compare\n\nA: `%s` (commit `%s`), B: `%s` (commit `%s`)\n\n",
	       ra->info.id, ra->info.git_commit, rb->info.id, rb->info.git_commit);
	printf("| metric | unit | A median | B median | B/A | 95%% CI | p (Holm) | p proc (Holm) | verdict |\n");
	printf("|---|---|---:|---:|---:|---|---:|---:|---|\n");
	for (size_t i = 0; i < c->n; i++) {
		const struct hvs_cmp_row *r = &c->rows[i];
		const char *mark = r->verdict == HVS_V_SLOWER ? "**" : "";

		printf("| %s | %s | %.4g | %.4g | %.4f | ", r->name, r->unit, r->median_a,
		       r->median_b, r->ratio.ratio);
		if (isnan(r->ratio.lo))
			printf("- | - | ");
		else
			printf("[%.4f, %.4f] | %.3g | ", r->ratio.lo, r->ratio.hi, r->p_holm);
		if (isnan(r->p_process_holm))
			printf("- | ");
		else
			printf("%.3g | ", r->p_process_holm);
		printf("%s%s%s%s%s |\n", mark, hvs_verdict_name(r->verdict), mark,
		       r->verdict == HVS_V_NA ? ": " : "", r->verdict == HVS_V_NA ? r->reason : "");
	}
	if (c->ncompared)
		printf("\nGeometric mean of cost ratios (>1 = worse) over %zu metrics: **%.4f** [%.4f, %.4f]\n",
		       c->ncompared, c->geomean.ratio, c->geomean.lo, c->geomean.hi);
	printf("\n%d slower, %d faster, %zu compared.\n", c->slower, c->faster, c->ncompared);
}

#if HAVE_JANSSON
static json_t *num_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static int print_json(const struct hvs_result *ra, const struct hvs_result *rb,
		      const struct hvs_cmp *c, const struct hvs_cmp_opts *o)
{
	json_t *root, *rows = json_array();
	char *text;

	if (!rows)
		return -ENOMEM;
	for (size_t i = 0; i < c->n; i++) {
		const struct hvs_cmp_row *r = &c->rows[i];
		json_t *row = json_pack("{ss ss ss ss sI sI so so so so so so so so so}", "name",
					r->name, "unit", r->unit, "direction",
					hvs_direction_name(r->direction), "verdict",
					hvs_verdict_name(r->verdict), "n_a", (json_int_t)r->na, "n_b",
					(json_int_t)r->nb, "median_a", num_or_null(r->median_a),
					"median_b", num_or_null(r->median_b), "ratio",
					num_or_null(r->ratio.ratio), "ci_lo", num_or_null(r->ratio.lo),
					"ci_hi", num_or_null(r->ratio.hi), "cost", num_or_null(r->cost),
					"u", num_or_null(r->u), "p", num_or_null(r->p), "p_holm",
					num_or_null(r->p_holm));

		if (!row)
			goto fail;
		json_object_set_new(row, "threshold", json_real(r->threshold));
		json_object_set_new(row, "noise", num_or_null(r->noise));
		json_object_set_new(row, "p_process", num_or_null(r->p_process));
		json_object_set_new(row, "p_process_holm", num_or_null(r->p_process_holm));
		json_object_set_new(row, "ci_from", json_string(r->ci_processes ? "processes" : "samples"));
		if (r->verdict == HVS_V_NA)
			json_object_set_new(row, "reason", json_string(r->reason));
		json_array_append_new(rows, row);
	}
	root = json_pack("{s{ss ss} s{ss ss} sf sf si si sI so s{so so so}}", "a", "id", ra->info.id,
			 "commit", ra->info.git_commit, "b", "id", rb->info.id, "commit",
			 rb->info.git_commit, "threshold", o->threshold, "alpha", o->alpha,
			 "slower", c->slower, "faster", c->faster, "compared",
			 (json_int_t)c->ncompared, "metrics", rows, "geomean_cost", "ratio",
			 num_or_null(c->geomean.ratio), "ci_lo", num_or_null(c->geomean.lo), "ci_hi",
			 num_or_null(c->geomean.hi));
	if (!root)
		return -ENOMEM;
	text = json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
	json_decref(root);
	if (!text)
		return -ENOMEM;
	puts(text);
	free(text);
	return 0;
fail:
	json_decref(rows);
	return -ENOMEM;
}
#else
static int print_json(const struct hvs_result *ra, const struct hvs_result *rb,
		      const struct hvs_cmp *c, const struct hvs_cmp_opts *o)
{
	(void)ra;
	(void)rb;
	(void)c;
	(void)o;
	return -ENOTSUP;
}
#endif

int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "markdown", no_argument, NULL, 'm' },
		{ "threshold", required_argument, NULL, 't' },
		{ "metric-threshold", required_argument, NULL, 'T' },
		{ "fail-on-regression", no_argument, NULL, 'f' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "reps", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hvs_cmp_threshold per[64];
	struct hvs_cmp_opts o;
	struct hvs_result *ra = NULL, *rb = NULL;
	struct hvs_cmp c = { 0 };
	enum fmt fmt = FMT_TABLE;
	int fail_on_regression = 0, ch, ret;
	char err[512];

	hvs_cmp_opts_default(&o);
	o.per_metric = per;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		char *end;

		switch (ch) {
		case 'j': fmt = FMT_JSON; break;
		case 'm': fmt = FMT_MARKDOWN; break;
		case 'f': fail_on_regression = 1; break;
		case 't':
			if (hvs_parse_fraction(optarg, &o.threshold)) {
				hvs_err("compare: --threshold '%s': expected e.g. 2%% or 0.02", optarg);
				return HVS_EX_USAGE;
			}
			break;
		case 'T':
			if (hvs_parse_metric_threshold(optarg, per, &o.nper_metric, HVS_ARRAY_SIZE(per))) {
				hvs_err("compare: --metric-threshold '%s': expected NAME=5%% (at most %zu)",
					optarg, HVS_ARRAY_SIZE(per));
				return HVS_EX_USAGE;
			}
			break;
		case 'a':
			o.alpha = strtod(optarg, &end);
			if (*end || !(o.alpha > 0 && o.alpha < 1)) {
				hvs_err("compare: --alpha '%s': expected a number in (0, 1)", optarg);
				return HVS_EX_USAGE;
			}
			break;
		case 'r':
			o.reps = (unsigned)strtoul(optarg, &end, 10);
			if (*end || o.reps < 100 || o.reps > 1000000) {
				hvs_err("compare: --reps '%s': expected 100..1000000", optarg);
				return HVS_EX_USAGE;
			}
			break;
		case 's':
			o.seed = strtoull(optarg, &end, 0);
			if (*end) {
				hvs_err("compare: --seed '%s': expected an integer", optarg);
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
	if (argc - optind != 2) {
		hvs_err("compare: expected two result files A B (try --help)");
		return HVS_EX_USAGE;
	}
	ret = hvs_result_read(argv[optind], &ra, err, sizeof(err));
	if (!ret)
		ret = hvs_result_read(argv[optind + 1], &rb, err, sizeof(err));
	if (ret) {
		hvs_err("compare: %s", err);
		ret = -ret;
		goto out;
	}
	ret = hvs_compare(&ra->set, &rb->set, &o, &c);
	if (ret) {
		hvs_err("compare: %s", strerror(-ret));
		ret = HVS_EX_INTERNAL;
		goto out;
	}
	if (fmt == FMT_JSON) {
		if (print_json(ra, rb, &c, &o)) {
			hvs_err("compare: cannot produce JSON");
			ret = HVS_EX_INTERNAL;
			goto out;
		}
	} else if (fmt == FMT_MARKDOWN) {
		print_markdown(ra, rb, &c);
	} else {
		print_table(ra, rb, &c);
	}
	if (fflush(stdout)) {
		ret = HVS_EX_IO;
		goto out;
	}
	ret = fail_on_regression && c.slower ? HVS_EX_FAIL : HVS_EX_OK;
out:
	hvs_cmp_free(&c);
	hvs_result_free(ra);
	hvs_result_free(rb);
	return ret;
}
