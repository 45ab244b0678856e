/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_guest.c - `hvscope guest --matrix FILE`: run every target of a guest
 * matrix (harness/guest/guest.h, docs/matrix.md) one after the other, each under
 * its watchdog; a target that fails is reported with its console tail and
 * the matrix goes on. Results land in one directory, optionally in the
 * history, and the overhead table against the baseline is printed.
 *
 * Here: the options, the checks of --baseline and --only, the printing
 * (--list, progress and console tails on stderr, summary.md, each target's
 * rounds judged by compare through cli/paired.c, --json) and the exit code.
 * The run itself is harness/guest/matrix_run.c's hvs_matrix_run().
 */
#include "commands.h"
#include "options.h"
#include "guest/guest.h"
#include "results/history.h"
#include "core/hvs_features.h"
#include "core/hvscope.h"
#include "core/jsonw.h"
#include "cli/paired.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct guest_args {
	const char *matrix, *out, *db, *only, *baseline;
	int list, json;
	unsigned timeout, rounds;
};

/* --rounds N: 1..HVS_MATRIX_MAX_ROUNDS, as the matrix's rounds key. */
static int set_rounds(void *dst, const char *arg, char *why, size_t len)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (end == arg || *end || errno || v < 1 || v > HVS_MATRIX_MAX_ROUNDS) {
		snprintf(why, len, "wants a whole number in [1, %d]", HVS_MATRIX_MAX_ROUNDS);
		return -ERANGE;
	}
	*(unsigned *)dst = (unsigned)v;
	return 0;
}

#define GUEST_AT(f) HVS_OPT_AT(struct guest_args, f)
const struct hvs_cmdopts cmd_guest_opts = {
	.name = "guest",
	.head = "usage: hvscope guest --matrix FILE [--out DIR] [--db FILE] [--only NAME,...]\n"
		"                     [--timeout S] [--baseline NAME] [--list] [--json]\n\n"
		"Boot or reach every target of a guest matrix (native, qemu, xen, ssh, image,\n"
		"kvm-amd, kvm-l2; format in docs/matrix.md), run hvscope inside under a watchdog,\n"
		"bring the results home and set each guest's numbers beside the baseline's\n"
		"(native) as a percentage with a 95% bootstrap CI. A target that fails to boot or hangs is\n"
		"reported with the tail of its console and the matrix goes on.\n"
		"With rounds (--rounds N, or rounds = N in the matrix's [defaults]) the targets\n"
		"run round-robin (native, A, B, native, A, B, ...) into DIR/round-K/; each\n"
		"target's rounds are merged into DIR/NAME.json for the summary, and each\n"
		"target is judged against the baseline as compare's paired form does: each\n"
		"round's ratio is one observation.\n\n",
	.tail = "\nEnvironment: HVS_SRC (source tree with scripts/; default: next to the binary),\n"
		"HVSCOPE_STATIC (the binary copied into guests; default: bin/hvscope-static).\n"
		"Exit: 0 every target passed, 1 a target failed, timed out or was skipped,\n"
		"2 usage, 3/4/5 bad matrix file, 6 --db without SQLite, 7 DIR not writable,\n"
		"9 cannot write DIR.\n",
	.col = 18,
	.opts = (const struct hvs_opt[]){
		{ HVS_OPT_PATH, "matrix", 'm', "FILE", GUEST_AT(matrix), .flags = HVS_OPT_REQUIRED,
		  .help = "the matrix (e.g. scripts/matrix-quick.conf)" },
		{ HVS_OPT_PATH, "out", 'o', "DIR", GUEST_AT(out),
		  .help = "results directory (default hvscope-matrix-YYYYMMDDTHHMMSS):\n"
			  "NAME.json (result, tagged target=NAME), NAME.*.probe.json,\n"
			  "NAME.boot/ (console.log, qemu.cmdline), summary.md/.json" },
		{ HVS_OPT_PATH, "db", 0, "FILE", GUEST_AT(db),
		  .help = "also append every target's result to this history (SQLite)" },
		{ HVS_OPT_STRING, "only", 0, "LIST", GUEST_AT(only), .help = "run only these targets (comma separated)" },
		{ HVS_OPT_INT, "timeout", 0, "S", GUEST_AT(timeout), HVS_OPT_LIM(HVS_LIM_TIMEOUT_S),
		  .help = "watchdog for every target (overrides the matrix)" },
		{ HVS_OPT_STRING, "baseline", 0, "NAME", GUEST_AT(baseline),
		  .help = "the reference target (default: the matrix's, else the first native)" },
		{ HVS_OPT_STRING, "rounds", 0, "N", GUEST_AT(rounds), .fn = set_rounds,
		  .help = "round-robin rounds (overrides the matrix's rounds)" },
		{ HVS_OPT_FLAG, "list", 0, NULL, GUEST_AT(list), .help = "print the targets and exit" },
		{ HVS_OPT_FLAG, "json", 0, NULL, GUEST_AT(json),
		  .help = "the targets (--list) or each target's outcome as JSON on\n"
			  "stdout (results-schema/guest.schema.json)" },
		{ 0 } },
};

/*
 * --baseline and --only must name targets of the matrix (a typo would
 * silently run nothing); the baseline defaults to the matrix's, else the
 * first native target. Returns 0 or HVS_EX_USAGE (said why).
 */
static int check_names(struct hvs_matrix *m, const char *matrix, const char *baseline, const char *only)
{
	char tmp[512], *save = NULL;

	if (baseline) {
		if (hvs_matrix_find(m, baseline) < 0) {
			hvs_err("guest: --baseline '%s' is not a target of %s", baseline, matrix);
			return HVS_EX_USAGE;
		}
		hvs_strlcpy(m->baseline, baseline, sizeof(m->baseline));
	}
	hvs_matrix_default_baseline(m);
	if (!only)
		return 0;
	hvs_strlcpy(tmp, only, sizeof(tmp));
	for (char *w = strtok_r(tmp, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (hvs_matrix_find(m, w) < 0) {
			hvs_err("guest: --only: no target '%s' in %s", w, matrix);
			return HVS_EX_USAGE;
		}
	return 0;
}

/* --list: one line per target. */
static int list_text(const struct hvs_matrix *m, const char *only, unsigned timeout)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct hvs_gtarget *t = &m->t[i];

		if (only && !hvs_matrix_in_list(only, t->name))
			continue;
		printf("%-20s %-7s timeout %4us  %d run line(s)%s%s%s%s\n", t->name, hvs_gt_kind_name(t->kind),
		       timeout ? timeout : t->timeout_s, t->ncmds, t->workloads[0] ? ", workloads " : "",
		       t->workloads, t->net ? ", net" : "", !strcmp(t->name, m->baseline) ? "  (baseline)" : "");
	}
	return HVS_EX_OK;
}

/* One target's outcome on stderr, with its console tail when it failed. */
static void report_target(const struct hvs_gresult *r)
{
	fprintf(stderr, "hvscope: guest: %s: %s in %.1f s, %d metric(s)%s%s\n", r->name,
		hvs_outcome_name(r->outcome), r->seconds, r->nmetrics, r->reason[0] ? ": " : "", r->reason);
	if (!r->tail[0])
		return;
	fprintf(stderr, "hvscope: guest: %s: console tail:\n", r->name);
	for (const char *p = r->tail, *nl; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p) - 1;
		fprintf(stderr, "| %.*s\n", (int)(nl - p + (*nl != '\n')), p);
	}
}

/* The run's progress on stderr (struct hvs_mrun_hooks). */
static void on_round(void *arg, unsigned k, unsigned rounds)
{
	(void)arg;
	fprintf(stderr, "hvscope: guest: round %u/%u\n", k + 1, rounds);
}

static void on_start(void *arg, const struct hvs_gtarget *t)
{
	(void)arg;
	fprintf(stderr, "hvscope: guest: %s (%s) ...\n", t->name, hvs_gt_kind_name(t->kind));
}

static void on_done(void *arg, const struct hvs_gresult *r)
{
	(void)arg;
	report_target(r);
}

static void on_warn(void *arg, const char *msg)
{
	(void)arg;
	hvs_err("guest: %s", msg);
}

static const struct hvs_mrun_hooks progress = { on_round, on_start, on_done, on_warn };

/* --list --json: {"baseline", "targets": [...]}. */
static int list_json(const struct hvs_matrix *m, const char *only, unsigned timeout)
{
	struct hvs_jw w;

	hvs_jw_init(&w, stdout);
	hvs_jw_obj(&w, NULL);
	hvs_jw_str(&w, "baseline", m->baseline[0] ? m->baseline : NULL);
	hvs_jw_arr(&w, "targets");
	for (size_t i = 0; i < m->n; i++) {
		const struct hvs_gtarget *t = &m->t[i];

		if (only && !hvs_matrix_in_list(only, t->name))
			continue;
		hvs_jw_obj(&w, NULL);
		hvs_jw_str(&w, "name", t->name);
		hvs_jw_str(&w, "kind", hvs_gt_kind_name(t->kind));
		hvs_jw_int(&w, "timeout_s", timeout ? timeout : t->timeout_s);
		hvs_jw_int(&w, "run_lines", t->ncmds);
		hvs_jw_str(&w, "workloads", t->workloads);
		hvs_jw_bool(&w, "net", t->net);
		hvs_jw_end(&w);
	}
	hvs_jw_end(&w);
	hvs_jw_end(&w);
	if (hvs_jw_finish(&w)) {
		hvs_err("guest: writing the output failed");
		return HVS_EX_IO;
	}
	return HVS_EX_OK;
}

/* --json after a run: {"out", "baseline", "exit_code", "targets": [...]}. Returns 0 or -EIO. */
static int results_json(const char *out, const char *baseline, const struct hvs_gresult *res, size_t n,
			int code)
{
	struct hvs_jw w;

	hvs_jw_init(&w, stdout);
	hvs_jw_obj(&w, NULL);
	hvs_jw_str(&w, "out", out);
	hvs_jw_str(&w, "baseline", baseline);
	hvs_jw_int(&w, "exit_code", code);
	hvs_jw_str(&w, "summary", "summary.json");
	hvs_jw_arr(&w, "targets");
	for (size_t i = 0; i < n; i++) {
		hvs_jw_obj(&w, NULL);
		hvs_jw_str(&w, "name", res[i].name);
		hvs_jw_str(&w, "outcome", hvs_outcome_name(res[i].outcome));
		hvs_jw_str(&w, "reason", res[i].reason);
		hvs_jw_num(&w, "seconds", res[i].seconds);
		hvs_jw_int(&w, "metrics", res[i].nmetrics);
		hvs_jw_str(&w, "result", res[i].result_path[0] ? res[i].result_path : NULL);
		hvs_jw_end(&w);
	}
	hvs_jw_end(&w);
	hvs_jw_end(&w);
	if (hvs_jw_finish(&w)) {
		hvs_err("guest: writing the output failed");
		return -EIO;
	}
	return 0;
}

/* Each target against the baseline, its rounds paired (compare --paired prints). */
static void judge_rounds(const struct hvs_gresult *res, size_t per, unsigned rounds, const char *baseline)
{
	const struct hvs_paired_flags f = { 0 };
	const char **p = calloc(2 * (size_t)rounds + 1, sizeof(*p));
	size_t b = per;

	for (size_t i = 0; i < per; i++)
		if (!strcmp(res[i].name, baseline))
			b = i;
	if (!p || b == per) {
		free(p);
		return;
	}
	for (size_t i = 0; i < per; i++) {
		int all = 1;

		if (i == b)
			continue;
		for (unsigned k = 0; k < 2 * rounds; k++) {
			const struct hvs_gresult *r = &res[(k % rounds) * per + (k < rounds ? b : i)];

			all &= r->result_path[0] != '\0';
			p[k] = r->result_path;
		}
		printf("\n== %s against %s: %u round-robin round(s), each round's ratio one observation\n",
		       res[i].name, baseline, rounds);
		if (!all) {
			printf("(not judged: a round of one of them has no result)\n");
			continue;
		}
		hvs_compare_rounds(p, p + rounds, rounds, &f);
	}
	free(p);
}

/* The run (paths, output directory, history, the matrix run), then its summary printed. */
static int run(const struct guest_args *a, struct hvs_matrix *m)
{
	char outbuf[64], src[1024], self[1024], statbin[1100], err[1024], herr[400];
	struct hvs_mrun mr = { .m = m, .only = a->only, .db = a->db, .hooks = &progress };
	const char *out = a->out;
	int ret;

	ret = hvs_guest_locate(src, sizeof(src), self, sizeof(self), statbin, sizeof(statbin));
	if (ret) {
		hvs_err("guest: cannot find my own executable: %s", strerror(-ret));
		return HVS_EX_INTERNAL;
	}
	out = out ? out : hvs_matrix_default_out(outbuf, sizeof(outbuf));
	if ((ret = hvs_matrix_out_dir(out, err, sizeof(err)))) {
		hvs_err("guest: %s", err);
		return hvs_errno_exit(-ret);
	}
	if (a->db && (ret = hvs_history_open(a->db, &mr.h, herr, sizeof(herr)))) {
		hvs_err("guest: %s", herr);
		return hvs_errno_exit(-ret);
	}
	mr.ro = (struct hvs_grun_opts){ .out_dir = out, .src = src, .self = self, .statbin = statbin,
					.timeout_s = a->timeout };
	mr.rounds = a->rounds ? a->rounds : m->rounds ? m->rounds : 1;
	ret = hvs_matrix_run(&mr, err, sizeof(err));
	if (ret) {
		if (err[0])
			hvs_err("guest: %s", err);
		ret = hvs_errno_exit(-ret);
		goto out;
	}
	if (!a->json) {
		char path[1100], *text = NULL;

		snprintf(path, sizeof(path), "%s/summary.md", out);
		if (hvs_read_file(path, 1u << 24, &text) > 0)
			fputs(text, stdout);
		free(text);
		if (mr.rounds > 1)
			judge_rounds(mr.res, mr.per, mr.rounds, hvs_matrix_baseline(m));
	}
	/* a hang is the more specific news: the README's 8 before 1 */
	ret = mr.hung ? HVS_EX_TIMEOUT : mr.bad ? HVS_EX_FAIL : HVS_EX_OK;
	if (a->json && results_json(out, hvs_matrix_baseline(m), mr.fin, mr.per, ret))
		ret = HVS_EX_IO;
out:
	if (mr.h)
		hvs_history_close(mr.h);
	hvs_mrun_free(&mr);
	return ret;
}

int cmd_guest(int argc, char **argv)
{
	struct guest_args a = { 0 };
	struct hvs_matrix m;
	char err[400];
	int ret;

	ret = hvs_opts_parse(&cmd_guest_opts, argc, argv, &a, NULL);
	if (ret != HVS_OPTS_GO)
		return ret;
	if (a.db && !HAVE_SQLITE) {
		hvs_err("guest: --db needs a build with SQLite (this is the static build)");
		return HVS_EX_NODEV;
	}
	ret = hvs_matrix_load(a.matrix, &m, err, sizeof(err));
	if (ret) {
		hvs_err("guest: %s: %s", a.matrix, err);
		return hvs_errno_exit(-ret);
	}
	ret = check_names(&m, a.matrix, a.baseline, a.only);
	if (!ret && a.list)
		ret = a.json ? list_json(&m, a.only, a.timeout) : list_text(&m, a.only, a.timeout);
	else if (!ret)
		ret = run(&a, &m);
	hvs_matrix_free(&m);
	return ret;
}
