/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_guest.c - `hvscope guest --matrix FILE`: run every target of a guest
 * matrix (harness/guest/guest.h, docs/matrix.md) one after the other, each under
 * its watchdog; a target that fails is reported with its console tail and
 * the matrix goes on. Results land in one directory, optionally in the
 * history, and the overhead table against the baseline is printed.
 */
#include "commands.h"
#include "core/cleanup.h"
#include "options.h"
#include "guest/guest.h"
#include "results/history.h"
#include "core/hvs_features.h"
#include "core/hvscope.h"
#include "core/jsonw.h"
#include "results/result.h"
#include "run/runner.h"
#include "cli/paired.h"

#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern volatile pid_t hvs_guest_current_pgid;

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

/* Stop the target's process group (boot-guest.sh's trap stops QEMU and
 * removes its files; SIGKILL after 3 s), remove the disk image, die by sig. */
static void on_signal(int sig)
{
	pid_t g = hvs_guest_current_pgid;

	if (g > 0)
		hvs_cleanup_watch(-g);
	hvs_cleanup_handler(sig);
}

static int in_list(const char *list, const char *name)
{
	size_t l = strlen(name);

	for (const char *p = list; p && *p;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);

		if (n == l && !strncmp(p, name, l))
			return 1;
		p = c ? c + 1 : NULL;
	}
	return 0;
}

static long target_index(const struct hvs_matrix *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->t[i].name, name))
			return (long)i;
	return -1;
}

/*
 * --baseline and --only must name targets of the matrix (a typo would
 * silently run nothing); the baseline defaults to the matrix's, else the
 * first native target. Returns 0 or HVS_EX_USAGE (said why).
 */
static int check_names(struct hvs_matrix *m, const char *matrix, const char *baseline, const char *only)
{
	char tmp[512], *save = NULL;

	if (baseline) {
		if (target_index(m, baseline) < 0) {
			hvs_err("guest: --baseline '%s' is not a target of %s", baseline, matrix);
			return HVS_EX_USAGE;
		}
		hvs_strlcpy(m->baseline, baseline, sizeof(m->baseline));
	}
	for (size_t i = 0; i < m->n && !m->baseline[0]; i++)
		if (m->t[i].kind == HVS_GT_NATIVE)
			hvs_strlcpy(m->baseline, m->t[i].name, sizeof(m->baseline));
	if (!only)
		return 0;
	hvs_strlcpy(tmp, only, sizeof(tmp));
	for (char *w = strtok_r(tmp, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (target_index(m, w) < 0) {
			hvs_err("guest: --only: no target '%s' in %s", w, matrix);
			return HVS_EX_USAGE;
		}
	return 0;
}

/* hvscope-matrix-YYYYMMDDTHHMMSS in buf. */
static const char *default_out(char *buf, size_t len)
{
	char stamp[24];

	hvs_iso8601_now(stamp, sizeof(stamp));
	/* 2026-11-21T12:00:00Z -> 20261121T120000 */
	snprintf(buf, len, "hvscope-matrix-%.4s%.2s%.2sT%.2s%.2s%.2s", stamp, stamp + 5, stamp + 8,
		 stamp + 11, stamp + 14, stamp + 17);
	return buf;
}

/* --list: one line per target. */
static int list_text(const struct hvs_matrix *m, const char *only, unsigned timeout)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct hvs_gtarget *t = &m->t[i];

		if (only && !in_list(only, t->name))
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

/* --db: the target's result file into the history. Returns 0, or 1 (said why) when it did not go in. */
static int record(struct hvs_history *h, const char *db, const struct hvs_gresult *r)
{
	struct hvs_result *rr = NULL;
	char err[400];
	int dup = 0, bad = 0;

	if (hvs_result_read(r->result_path, &rr, err, sizeof(err)) ||
	    hvs_history_add_result(h, rr, 0, &dup, err, sizeof(err))) {
		hvs_err("guest: %s: not added to %s: %s", r->name, db, err);
		bad = 1;
	}
	hvs_result_free(rr);
	return bad;
}

/*
 * This binary (/proc/self/exe) and the static one copied into guests:
 * HVSCOPE_STATIC, else hvscope-static beside us, else ourselves (we may be
 * the static one). Returns 0, or -1 with errno set.
 */
static int locate_binaries(char *self, size_t selflen, char *statbin, size_t statlen)
{
	ssize_t n = readlink("/proc/self/exe", self, selflen - 1);
	const char *env = getenv("HVSCOPE_STATIC");
	char tmp[1024];

	if (n <= 0)
		return -1;
	self[n] = 0;
	if (env && *env) {
		hvs_strlcpy(statbin, env, statlen);
		return 0;
	}
	hvs_strlcpy(tmp, self, sizeof(tmp));
	snprintf(statbin, statlen, "%s/hvscope-static", dirname(tmp));
	if (access(statbin, X_OK))
		hvs_strlcpy(statbin, self, statlen);
	return 0;
}

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

		if (only && !in_list(only, t->name))
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

/* dirname(dirname(/proc/self/exe)) when it holds scripts/boot-guest.sh. */
static void find_src(char *buf, size_t len)
{
	char exe[1024], probe[1100];
	ssize_t n;
	const char *env = getenv("HVS_SRC");

	if (env && *env) {
		hvs_strlcpy(buf, env, len);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	buf[0] = 0;
	if (n <= 0)
		return;
	exe[n] = 0;
	hvs_strlcpy(buf, dirname(dirname(exe)), len);
	snprintf(probe, sizeof(probe), "%s/scripts/boot-guest.sh", buf);
	if (access(probe, R_OK))
		hvs_strlcpy(buf, ".", len);
}

/* The output directory: created when missing, writable. Returns 0 or an exit code (said why). */
static int out_dir(const char *out)
{
	if (mkdir(out, 0755) && errno != EEXIST) {
		hvs_err("guest: cannot create %s: %s", out, strerror(errno));
		return hvs_write_exit(errno);
	}
	if (access(out, W_OK)) {
		hvs_err("guest: cannot write into %s: %s", out, strerror(errno));
		return hvs_write_exit(errno);
	}
	return 0;
}

/* What the targets came to: a hang, another failure. */
struct tally {
	int hung, bad;
};

/*
 * Run the matrix's targets (--only's) one after the other into res[0..*nres),
 * each reported as it ends and, with h, recorded. Returns 0 or an exit code
 * (said why).
 */
static int run_targets(const struct hvs_matrix *m, const char *only, const struct hvs_grun_opts *ro,
		       struct hvs_history *h, const char *db, struct hvs_gresult *res, size_t *nres,
		       struct tally *t)
{
	int ret = 0;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (size_t i = 0; i < m->n; i++) {
		struct hvs_gresult *r = &res[*nres];

		if (only && !in_list(only, m->t[i].name))
			continue;
		fprintf(stderr, "hvscope: guest: %s (%s) ...\n", m->t[i].name, hvs_gt_kind_name(m->t[i].kind));
		ret = hvs_guest_run_target(&m->t[i], ro, r);
		(*nres)++;
		if (ret) {
			hvs_err("guest: %s: %s", m->t[i].name, strerror(-ret));
			return HVS_EX_IO;
		}
		report_target(r);
		if (r->outcome == HVS_TIMEOUT)
			t->hung = 1;
		else if (r->outcome != HVS_PASS)
			t->bad = 1;
		if (h && r->result_path[0] && record(h, db, r))
			t->bad = 1;
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	return 0;
}

/*
 * Rounds: target i's round files (DIR/round-K/NAME.json) pooled into
 * DIR/NAME.json, each round one "process" (its median a process median),
 * tagged rounds=N; the merged outcome is the worst round's. Returns 0 or
 * an exit code.
 */
static int merge_target(const char *out, const struct hvs_gresult *res, size_t per, unsigned rounds,
			size_t i, struct hvs_gresult *f)
{
	struct hvs_metrics set = { 0 };
	struct hvs_run_info info;
	struct hvs_result *first = NULL;
	char err[512], tag[32];
	int ret = 0, have = 0;

	*f = res[i];
	f->result_path[0] = '\0';
	f->seconds = 0;
	for (unsigned k = 0; k < rounds && !ret; k++) {
		const struct hvs_gresult *r = &res[k * per + i];
		int rc;

		f->seconds += r->seconds;
		if (r->outcome != HVS_PASS && f->outcome == HVS_PASS) {
			f->outcome = r->outcome;
			hvs_strlcpy(f->reason, r->reason, sizeof(f->reason));
		}
		if (!r->result_path[0])
			continue;
		rc = hvs_runner_pool_file(r->result_path, &set, first ? NULL : &first, err, sizeof(err));
		if (rc == -ENOMEM)
			ret = HVS_EX_INTERNAL;
		else if (rc)
			hvs_err("guest: %s", err);
		else
			have++;
	}
	if (!ret && have && hvs_metrics_resummarize(&set))
		ret = HVS_EX_INTERNAL;
	if (!ret && have) {
		hvs_run_info_init(&info);
		hvs_strlcpy(info.suite, first->info.suite, sizeof(info.suite));
		info.processes = have;
		info.argc = first->info.argc;
		info.argv = first->info.argv;
		for (int t = 0; t < first->info.ntags; t++)
			info.tags[info.ntags++] = first->info.tags[t];
		snprintf(tag, sizeof(tag), "rounds=%d", have);
		hvs_run_info_add_tags(&info, tag);
		info.context_json = first->info.context_json;
		hvs_iso8601_now(info.finished, sizeof(info.finished));
		snprintf(f->result_path, sizeof(f->result_path), "%s/%s.json", out, f->name);
		f->nmetrics = (int)set.n;
		ret = hvs_result_write(f->result_path, &info, &set);
		if (ret) {
			hvs_err("guest: cannot write %s: %s", f->result_path, hvs_strerror(ret));
			ret = hvs_write_exit(ret);
		}
	}
	hvs_result_free(first);
	hvs_metrics_free(&set);
	return ret;
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

/*
 * Every round of the matrix (round-robin: each target once per round, in the
 * matrix's order; rounds > 1 write into DIR/round-K/). *per is the number of
 * targets of one round. Returns 0 or an exit code (said why).
 */
static int run_rounds(const struct hvs_matrix *m, const char *only, unsigned rounds, const char *out,
		      struct hvs_grun_opts *ro, struct hvs_history *h, const char *db,
		      struct hvs_gresult *res, size_t *nres, size_t *per, struct tally *t)
{
	for (unsigned k = 0; k < rounds; k++) {
		char rdir[1200];
		int ret;

		if (rounds > 1) {
			snprintf(rdir, sizeof(rdir), "%s/round-%u", out, k + 1);
			if (mkdir(rdir, 0755) && errno != EEXIST) {
				hvs_err("guest: cannot create %s: %s", rdir, strerror(errno));
				return hvs_write_exit(errno);
			}
			ro->out_dir = rdir;
			fprintf(stderr, "hvscope: guest: round %u/%u\n", k + 1, rounds);
		}
		ret = run_targets(m, only, ro, h, db, res, nres, t);
		ro->out_dir = out;
		if (ret)
			return ret;
		if (!k)
			*per = *nres;
	}
	return 0;
}

int cmd_guest(int argc, char **argv)
{
	struct guest_args a = { 0 };
	const char *matrix, *out, *db, *only, *baseline;
	char outbuf[64], src[1024], self[1024], statbin[1100], err[400];
	struct hvs_matrix m;
	struct hvs_grun_opts ro = { 0 };
	struct hvs_gresult *res = NULL, *fin = NULL;
	struct hvs_history *h = NULL;
	size_t nres = 0, per = 0;
	struct tally t = { 0 };
	int list, ret;
	unsigned timeout, rounds;

	ret = hvs_opts_parse(&cmd_guest_opts, argc, argv, &a, NULL);
	if (ret != HVS_OPTS_GO)
		return ret;
	matrix = a.matrix;
	out = a.out;
	db = a.db;
	only = a.only;
	baseline = a.baseline;
	list = a.list;
	timeout = a.timeout;
	if (db && !HAVE_SQLITE) {
		hvs_err("guest: --db needs a build with SQLite (this is the static build)");
		return HVS_EX_NODEV;
	}
	ret = hvs_matrix_load(matrix, &m, err, sizeof(err));
	if (ret) {
		hvs_err("guest: %s: %s", matrix, err);
		return hvs_errno_exit(-ret);
	}
	ret = check_names(&m, matrix, baseline, only);
	if (ret)
		goto out;
	if (list) {
		ret = a.json ? list_json(&m, only, timeout) : list_text(&m, only, timeout);
		goto out;
	}

	find_src(src, sizeof(src));
	if (locate_binaries(self, sizeof(self), statbin, sizeof(statbin))) {
		hvs_err("guest: cannot find my own executable: %s", strerror(errno));
		ret = HVS_EX_INTERNAL;
		goto out;
	}
	out = out ? out : default_out(outbuf, sizeof(outbuf));
	if ((ret = out_dir(out)))
		goto out;
	if (db) {
		ret = hvs_history_open(db, &h, err, sizeof(err));
		if (ret) {
			hvs_err("guest: %s", err);
			ret = hvs_errno_exit(-ret);
			goto out;
		}
	}
	ro.out_dir = out;
	ro.src = src;
	ro.self = self;
	ro.statbin = statbin;
	ro.timeout_s = timeout;
	rounds = a.rounds ? a.rounds : m.rounds ? m.rounds : 1;
	res = calloc(m.n * rounds, sizeof(*res));
	fin = calloc(m.n, sizeof(*fin));
	if (!res || !fin) {
		ret = HVS_EX_INTERNAL;
		goto out;
	}
	if ((ret = run_rounds(&m, only, rounds, out, &ro, h, db, res, &nres, &per, &t)))
		goto out;
	if (rounds > 1) {
		for (size_t i = 0; i < per; i++) {
			ret = merge_target(out, res, per, rounds, i, &fin[i]);
			if (ret)
				goto out;
		}
	} else {
		memcpy(fin, res, nres * sizeof(*res));
		per = nres;
	}
	ret = hvs_guest_summary(out, fin, per, m.baseline[0] ? m.baseline : "native");
	if (ret) {
		hvs_err("guest: cannot write the summary into %s: %s", out, hvs_strerror(ret));
		ret = hvs_write_exit(ret);
		goto out;
	}
	if (!a.json) {
		char path[1100], *text = NULL;

		snprintf(path, sizeof(path), "%s/summary.md", out);
		if (hvs_read_file(path, 1u << 24, &text) > 0)
			fputs(text, stdout);
		free(text);
		if (rounds > 1)
			judge_rounds(res, per, rounds, m.baseline[0] ? m.baseline : "native");
	}
	/* a hang is the more specific news: the README's 8 before 1 */
	ret = t.hung ? HVS_EX_TIMEOUT : t.bad ? HVS_EX_FAIL : HVS_EX_OK;
	if (a.json && results_json(out, m.baseline[0] ? m.baseline : "native", fin, per, ret))
		ret = HVS_EX_IO;
out:
	if (h)
		hvs_history_close(h);
	free(res);
	free(fin);
	hvs_matrix_free(&m);
	return ret;
}
