/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_run.c - `hvscope run`: its options, then one call per mode into
 * harness/run/: a run (run/session.h: the checks, the runner's fresh
 * processes, the context, one result file, a row in history), a fresh
 * process's part of one (--child-out), or interleaved rounds of sides
 * (run/sides.h: --rounds, --side, --target-ci). This file parses, calls,
 * prints, and maps the -errno it gets back to exit codes. It also holds the
 * two hooks that reach floors above run/: --target-ci's precision judge
 * (analysis/precision.h) and the sides' verdicts (cli/paired.c's compare).
 */
#include "microbench/bench.h"
#include "commands.h"
#include "mprint.h"
#include "options.h"
#include "results/history.h"
#include "core/hvs_features.h"
#include "core/hvs_limits.h"
#include "core/hvscope.h"
#include "results/result.h"
#include "analysis/precision.h"
#include "run/rounds.h"
#include "run/session.h"
#include "run/sides.h"
#include "cli/paired.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct run_opts {
	struct hvs_run_request req; /* the selection and the tags (run/session.h) */
	const char *out, *db, *child_out, *label;
	int list, json;
	unsigned order_seed;
	/* interleaved rounds (run/rounds.h) */
	struct run_sides {
		struct hvs_round_side v[HVS_ROUNDS_MAX_SIDES];
		int n;
	} sides;
	int rounds, fail_reg, fail_inc, unpaired;
	struct run_seed {
		unsigned v;
		int set;
	} seed;
	double target, budget, threshold;
};

/* --side NAME=SPEC, repeatable (run/rounds.h). */
static int add_side(void *dst, const char *arg, char *why, size_t len)
{
	struct run_sides *t = dst;
	int ret;

	if (t->n >= HVS_ROUNDS_MAX_SIDES) {
		snprintf(why, len, "at most %d sides", HVS_ROUNDS_MAX_SIDES);
		return -ERANGE;
	}
	ret = hvs_round_side_parse(arg, &t->v[t->n], why, len);
	if (ret)
		return ret;
	for (int i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].name, t->v[t->n].name)) {
			snprintf(why, len, "two sides named %s", t->v[i].name);
			return -EINVAL;
		}
	t->n++;
	return 0;
}

/* --rounds N: 1..HVS_ROUNDS_MAX. */
static int set_rounds(void *dst, const char *arg, char *why, size_t len)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (end == arg || *end || errno || v < 1 || v > HVS_ROUNDS_MAX) {
		snprintf(why, len, "wants a whole number in [1, %d]", HVS_ROUNDS_MAX);
		return -ERANGE;
	}
	*(int *)dst = (int)v;
	return 0;
}

/* --seed N: remembered as given (else the rounds pick one and say it). */
static int set_seed(void *dst, const char *arg, char *why, size_t len)
{
	struct run_seed *o = dst;
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (end == arg || *end || errno || *arg == '-' || v > 0xffffffffUL) {
		snprintf(why, len, "wants a whole number in [0, 4294967295]");
		return -ERANGE;
	}
	o->v = (unsigned)v;
	o->set = 1;
	return 0;
}

/* --tag, repeatable: each value is kept for hvs_run_info_add_tags(). */
static int add_tag(void *dst, const char *arg, char *why, size_t len)
{
	struct hvs_run_tags *t = dst;

	if (t->n >= HVS_MAX_TAGS || strlen(arg) >= sizeof(t->v[0])) {
		snprintf(why, len, "too many or too long --tag values");
		return -ERANGE;
	}
	hvs_strlcpy(t->v[t->n++], arg, sizeof(t->v[0]));
	return 0;
}

#define RUN_AT(f) HVS_OPT_AT(struct run_opts, f)
const struct hvs_cmdopts cmd_run_opts = {
	.name = "run",
	.head = "usage: hvscope run [--suite NAME] [--bench NAME,...|--class C] [--processes N]\n"
		"                   [--out FILE|--json] [--db FILE] [--tag k=v,...] [--quick]\n"
		"                   [--samples N] [--suites FILE] [--no-checks] [--list]\n"
		"       hvscope run --rounds N [--side NAME=SPEC]... [--target-ci P% [--budget S]]\n"
		"                   [--seed N] [--threshold 5%] [--unpaired] [--fail-on-regression]\n"
		"                   [--fail-on-inconclusive] [--out DIR] [selection options]\n\n"
		"Check the environment, run the selected benchmarks in N fresh processes\n"
		"(interleaved order, warm-up, calibrated iterations), and write one result\n"
		"file with every sample, its statistics and the full context (fingerprint, CPU,\n"
		"kernel, build, power settings, load and steal before/after, tags).\n\n"
		"--rounds N: N rounds, each a whole run of every side in a random order\n"
		"(seeded, recorded in DIR/rounds.json), written to DIR/NAME.K.json. A side SPEC\n"
		"is empty (this hvscope), a hook CMD run first (sh -c), exec:PATH (another\n"
		"hvscope runs the round) or cmd:CMD (CMD writes the result to $HVS_OUT). With\n"
		"two or more sides each is judged against the first as compare's paired\n"
		"form does (one observation per round), with compare's exit codes; with one\n"
		"side (or none) the rounds are merged into DIR/merged.json, whose process\n"
		"medians are the rounds' medians. --target-ci P%: stop once every metric's CI\n"
		"half-width is within P% (from round 3), or before the next round would end\n"
		"past --budget; name the metrics that never got there and why.\n\n",
	.tail = "\nexit: 0 ok, 1 a slower metric with --fail-on-regression (rounds with sides),\n"
		"2 usage, 3 malformed suites file, 4 a suites value out of range, 5 a suites\n"
		"file over 1 MiB, 6 --db without SQLite (static build), 7 permission denied,\n"
		"9 cannot write (or FILE is a device, socket or directory) or a round failed,\n"
		"12 an inconclusive metric, or one wider than --target-ci, with\n"
		"--fail-on-inconclusive.\n",
	.col = 18,
	.opts = (const struct hvs_opt[]){
		{ HVS_OPT_STRING, "suite", 0, "NAME", RUN_AT(req.suite),
		  .help = "quick, default, full, paper (harness/run/suites.conf; default: default)" },
		{ HVS_OPT_FLAG, "quick", 0, NULL, RUN_AT(req.quick),
		  .help = "the quick suite (or quick working sets with --bench/--class)" },
		{ HVS_OPT_STRING, "bench", 0, "LIST", RUN_AT(req.benches),
		  .help = "benchmarks by name or glob, comma separated (instead of a suite)" },
		{ HVS_OPT_STRING, "class", 0, "C", RUN_AT(req.klass),
		  .help = "all benchmarks of class C (syscall, exit, mm, ...)" },
		{ HVS_OPT_INT, "processes", 0, "N", RUN_AT(req.processes), HVS_OPT_LIM(HVS_LIM_PROCESSES),
		  .help = "fresh processes (default from the suite)" },
		{ HVS_OPT_PATH, "out", 0, "FILE", RUN_AT(out),
		  .help = "result file (default hvscope-RUNID.json; '-' = stdout)" },
		{ HVS_OPT_FLAG, "json", 0, NULL, RUN_AT(json),
		  .help = "the result file on stdout (as --out -)" },
		{ HVS_OPT_PATH, "db", 0, "FILE", RUN_AT(db),
		  .help = "also append the run to this history (SQLite file or PostgreSQL conninfo)" },
		{ HVS_OPT_STRING, "tag", 0, "k=v,...", RUN_AT(req.tags), .fn = add_tag,
		  .help = "free-form tags, e.g. host=box1,config=ept-off (repeatable)" },
		{ HVS_OPT_INT, "samples", 0, "N", RUN_AT(req.samples), HVS_OPT_LIM(HVS_LIM_SAMPLES),
		  .flags = HVS_OPT_UNLISTED, .help = "samples per metric per process" },
		{ HVS_OPT_PATH, "suites", 0, "FILE", RUN_AT(req.suites_file), .flags = HVS_OPT_UNLISTED,
		  .help = "read the suites from FILE" },
		{ HVS_OPT_FLAG, "no-checks", 0, NULL, RUN_AT(req.no_checks), .help = "skip the environment checks" },
		{ HVS_OPT_FLAG, "list", 0, NULL, RUN_AT(list), .help = "print the selected benchmarks and exit" },
		{ HVS_OPT_STRING, "rounds", 0, "N", RUN_AT(rounds), .fn = set_rounds,
		  .help = "interleaved rounds (at most " HVS_STR(HVS_ROUNDS_MAX) "; --out names a directory)" },
		{ HVS_OPT_STRING, "side", 0, "NAME=SPEC", RUN_AT(sides), .fn = add_side,
		  .help = "a side of the rounds: '', CMD (a hook), exec:PATH or cmd:CMD\n(repeatable; the first is the baseline)" },
		{ HVS_OPT_DOUBLE, "target-ci", 0, "P%", RUN_AT(target), HVS_OPT_LIM(HVS_LIM_FRACTION),
		  .help = "add rounds until every CI half-width is within P%" },
		{ HVS_OPT_DOUBLE, "budget", 0, "S", RUN_AT(budget), HVS_OPT_LIM(HVS_LIM_BUDGET_S),
		  .help = "with --target-ci: seconds to spend at most (600)" },
		{ HVS_OPT_STRING, "seed", 0, "N", RUN_AT(seed), .fn = set_seed,
		  .help = "the rounds' order (default: from the clock, recorded)" },
		{ HVS_OPT_DOUBLE, "threshold", 0, "5%", RUN_AT(threshold), HVS_OPT_LIM(HVS_LIM_FRACTION),
		  .flags = HVS_OPT_UNLISTED, .help = "compare's threshold for the sides' verdicts" },
		{ HVS_OPT_FLAG, "unpaired", 0, NULL, RUN_AT(unpaired),
		  .help = "judge the sides' rounds as groups of runs, not paired by round" },
		{ HVS_OPT_FLAG, "fail-on-regression", 0, NULL, RUN_AT(fail_reg), .flags = HVS_OPT_UNLISTED,
		  .help = "exit 1 when a side is slower than the first" },
		{ HVS_OPT_FLAG, "fail-on-inconclusive", 0, NULL, RUN_AT(fail_inc), .flags = HVS_OPT_UNLISTED,
		  .help = "exit 12 when a verdict is inconclusive or a metric missed --target-ci" },
		/* internal: a fresh benchmark process started by the parent */
		{ HVS_OPT_PATH, "child-out", 0, "FILE", RUN_AT(child_out), .flags = HVS_OPT_HIDDEN },
		{ HVS_OPT_INT, "order-seed", 0, "N", RUN_AT(order_seed), HVS_OPT_LIM(HVS_LIM_ORDER_SEED),
		  .flags = HVS_OPT_HIDDEN },
		{ HVS_OPT_STRING, "child-label", 0, "TEXT", RUN_AT(label), .flags = HVS_OPT_HIDDEN },
		{ 0 } },
};

/* ---------------------------------------------------------------- progress */

static void progress(int tty, const char *prefix, size_t done, size_t total, const char *name)
{
	char bar[31];
	size_t fill = total ? done * 30 / total : 30;

	if (!tty)
		return;
	memset(bar, '#', fill);
	memset(bar + fill, ' ', 30 - fill);
	bar[30] = '\0';
	fprintf(stderr, "\r\033[K%s[%s] %zu/%zu %s", prefix, bar, done, total, name ? name : "");
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

/* The runner's start hook: the progress bar on a terminal (prefix: "process 2/3 "). */
static void on_start(void *arg, const struct hvs_bench *b, size_t i, size_t n)
{
	progress(isatty(2), arg, i, n, b ? b->name : "");
}

/* The session's warnings (the checks', the steal seen), on stderr. */
static void on_warn(void *arg, const char *msg)
{
	(void)arg;
	hvs_err("warning: %s", msg);
}

/* ---------------------------------------------------------------- main */

static int parse(int argc, char **argv, struct run_opts *o)
{
	int rc = hvs_opts_parse(&cmd_run_opts, argc, argv, o, NULL);

	if (rc != HVS_OPTS_GO)
		return rc;
	if (o->req.benches && o->req.klass)
		return hvs_opts_fail("run", "--bench and --class exclude each other");
	if (!o->rounds && o->target <= 0 && (o->sides.n || o->seed.set || o->budget > 0 ||
					     o->threshold > 0 || o->fail_reg || o->fail_inc || o->unpaired))
		return hvs_opts_fail("run", "--side, --seed, --budget, --threshold, --unpaired and "
				     "--fail-on-* belong to --rounds or --target-ci");
	if (o->budget > 0 && o->target <= 0)
		return hvs_opts_fail("run", "--budget belongs to --target-ci");
	if (o->json && o->out && strcmp(o->out, "-"))
		return hvs_opts_fail("run", "--json writes the result file to stdout: not with --out %s", o->out);
	if (o->json)
		o->out = "-";
	if ((o->rounds || o->target > 0) && o->json)
		return hvs_opts_fail("run", "--rounds writes a directory: --out DIR, not --json "
				     "(compare --json judges its round files)");
	if ((o->rounds || o->target > 0) && o->out && !strcmp(o->out, "-"))
		return hvs_opts_fail("run", "--rounds writes a directory: --out DIR, not '-'");
	if ((o->rounds || o->target > 0) && o->db && o->sides.n > 1)
		return hvs_opts_fail("run", "--db with sides: ingest the round files (DIR/NAME.K.json)");
	if (o->rounds && o->rounds < HVS_ROUNDS_MIN_TARGET && o->target > 0)
		return hvs_opts_fail("run", "--target-ci needs --rounds %d or more", HVS_ROUNDS_MIN_TARGET);
	return HVS_OPTS_GO;
}

static void print_summary(const struct hvs_metrics *set)
{
	size_t multi = 0;

	hvs_mprint_legend(stdout, "  ");
	for (size_t i = 0; i < set->n; i++) {
		const struct hvs_metric *m = &set->v[i];

		if (m->outcome == HVS_PASS && !m->nsamples) {
			printf("  %-34s %s: %s\n", m->name, hvs_outcome_name(m->outcome),
			       m->reason[0] ? m->reason : "no samples");
			continue;
		}
		hvs_mprint_line(stdout, m, &(struct hvs_mline){ .indent = "  " });
		multi += m->outcome == HVS_PASS && m->nprocesses > 0;
	}
	if (multi)
		printf("  (%zu metric(s) measured in several processes: the spread between processes is in "
		       "the result file's process_medians)\n",
		       multi);
}

/* --db: the run into the history. Returns an exit code. */
static int record(const char *db, const struct hvs_session *r)
{
	char err[512];
	int ret = hvs_session_record(db, &r->info, &r->set, r->host, r->hyp, err, sizeof(err));

	if (ret) {
		hvs_err("run: %s", err);
		return hvs_errno_exit(-ret);
	}
	return HVS_EX_OK;
}

/* A run: its result file, the summary (unless the file is stdout), --db. Returns an exit code. */
static int run_once(const struct run_opts *o, const struct hvs_suite *s, const struct hvs_bench **v, size_t n,
		    int argc, char **argv)
{
	struct hvs_session_hooks h = { .start = on_start, .warn = on_warn, .arg = "" };
	struct hvs_session r;
	char err[4400];
	int ret = hvs_session_run(&o->req, s, v, n, argc, argv, o->out, &h, &r, err, sizeof(err));

	if (ret) {
		if (*err)
			hvs_err("run: %s", err);
		/* a measuring that failed (a fresh process died, ...) was always exit 10 */
		ret = r.failed == HVS_SESSION_MEASURE ? HVS_EX_INTERNAL : hvs_errno_exit(-ret);
	} else {
		if (strcmp(r.path, "-")) {
			printf("run %s: %zu metric(s) -> %s\n", r.info.id, r.set.n, r.path);
			print_summary(&r.set);
		}
		ret = o->db ? record(o->db, &r) : HVS_EX_OK;
	}
	hvs_session_free(&r);
	return ret;
}

/* ---------------------------------------------------------------- rounds */

/* The sides' verdicts: each side against the first through compare (paired.c), the worst code kept. */
struct verdicts {
	const struct run_opts *o;
	const struct hvs_rounds *r;
	struct hvs_paired_flags f;
	int ret;
};

static void judge_side(void *arg, int s, const char *const *base, const char *const *other, size_t n)
{
	struct verdicts *j = arg;
	const struct hvs_rounds *r = j->r;

	printf("\n== %s against %s: %d interleaved round(s), %s\n", r->side[s].name, r->side[0].name, r->done,
	       j->o->unpaired ? "judged as groups of runs (--unpaired)" : "each round's ratio one observation");
	j->ret = hvs_compare_worse(j->ret, hvs_compare_rounds(base, other, n, &j->f));
}

/* Each side against the first, through `compare --paired` (its table and exit codes). */
static int judge_sides(const struct run_opts *o, const struct hvs_sides *sd)
{
	struct verdicts j = { o, &sd->r, { o->unpaired, o->threshold, o->fail_reg, o->fail_inc }, HVS_EX_OK };

	return hvs_sides_each(sd, judge_side, &j) ? HVS_EX_INTERNAL : j.ret;
}

/* One side's rounds into DIR/merged.json, its summary printed, --db. Returns an exit code. */
static int merge_rounds(const struct run_opts *o, struct hvs_sides *sd, const struct hvs_suite *s,
			const struct hvs_bench *const *v, size_t nb, int argc, char **argv)
{
	struct hvs_session m;
	char err[4400];
	int ret = hvs_sides_merge(sd, &o->req, s, v, nb, argc, argv, &m, err, sizeof(err));

	if (ret) {
		if (*err)
			hvs_err("run: %s", err);
		ret = hvs_errno_exit(-ret);
	} else {
		printf("run %s: %d round(s), %zu metric(s) -> %s (process medians = the rounds' medians)\n",
		       m.info.id, sd->r.done, m.set.n, m.path);
		print_summary(&m.set);
		ret = o->db ? record(o->db, &m) : HVS_EX_OK;
	}
	hvs_session_free(&m);
	return ret;
}

/* --target-ci: the judge hook's state (the CLI's: analysis/ sits above run/, tests/layers.t). */
struct target {
	double target;
	struct hvs_cmp_opts cmp;
	struct hvs_precision p;
	int quiet;
};

/* After each round: how wide is every metric's CI (analysis/precision.c)? 1 when all are within. */
static int judge_round(void *arg, const struct hvs_metrics *const *sets, int nsides, int k)
{
	struct target *t = arg;
	int ret = hvs_precision_rounds(sets, nsides, (size_t)k, t->target, &t->cmp, &t->p);

	if (ret)
		return ret;
	if (!t->quiet)
		fprintf(stderr, "round %d: %zu of %zu metric(s) wider than +-%.3g%%\n", k, t->p.nwide,
			t->p.nmetrics, t->target * 100);
	return t->p.nwide == 0;
}

/* rounds.json: the target, and the metrics that missed it. */
static void plan_target(void *arg, struct hvs_jw *w)
{
	struct target *t = arg;

	hvs_jw_num(w, "target_ci", t->target);
	hvs_jw_int(w, "metrics_judged", (long long)t->p.nmetrics);
	hvs_jw_arr(w, "wide");
	for (size_t i = 0; i < t->p.nwide; i++) {
		hvs_jw_obj(w, NULL);
		hvs_jw_str(w, "name", t->p.wide[i].name);
		hvs_jw_num(w, "halfwidth", t->p.wide[i].halfwidth);
		hvs_jw_str(w, "why", t->p.wide[i].why);
		hvs_jw_end(w);
	}
	hvs_jw_end(w);
}

/* --target-ci: what became of it. Returns 1 when some metric missed it. */
static int say_precision(const struct hvs_rounds *r, const struct target *t)
{
	char pct[32];

	if (!t)
		return 0;
	snprintf(pct, sizeof(pct), "%.3g%%", t->target * 100);
	if (!r->judged) {
		printf("\n--target-ci %s: not judged (%d round(s); it needs %d)\n", pct, r->done,
		       HVS_ROUNDS_MIN_TARGET);
		return 1;
	}
	if (!t->p.nwide) {
		printf("\nevery metric's CI half-width within +-%s after %d round(s) (%.0f s)\n", pct, r->done,
		       r->seconds);
		return 0;
	}
	printf("\n%zu of %zu metric(s) not within +-%s after %d round(s) (%.0f s; stopped by %s):\n",
	       t->p.nwide, t->p.nmetrics, pct, r->done, r->seconds,
	       r->stop == HVS_STOP_BUDGET ? "the time budget" : "--rounds");
	for (size_t i = 0; i < t->p.nwide; i++)
		printf("  %-34s +-%.1f%%  %s\n", t->p.wide[i].name, t->p.wide[i].halfwidth * 100,
		       t->p.wide[i].why);
	return 1;
}

/* --rounds / --side / --target-ci. Returns an exit code. */
static int run_rounds(const struct run_opts *o, const struct hvs_suite *s, const struct hvs_bench *const *v,
		      size_t nb, int argc, char **argv)
{
	static struct hvs_sides sd;
	static struct target tg;
	char err[4400];
	int ret, imprecise;

	memset(&tg, 0, sizeof(tg));
	ret = hvs_sides_prepare(&sd, &o->req, o->sides.v, o->sides.n, o->rounds, o->out, o->seed.v, o->seed.set,
				err, sizeof(err));
	if (ret == -HVS_EUSAGE)
		return hvs_opts_fail("run", "%s", err);
	if (ret) {
		hvs_err("run: %s", err);
		return hvs_errno_exit(-ret);
	}
	if (o->target > 0) {
		tg.target = o->target;
		hvs_cmp_opts_default(&tg.cmp);
		tg.cmp.paired = !o->unpaired;
		if (o->threshold > 0)
			tg.cmp.threshold = o->threshold;
		sd.r.judge = judge_round;
		sd.r.plan_extra = plan_target;
		sd.r.judge_arg = &tg;
		sd.r.budget_s = o->budget > 0 ? o->budget : 600;
	}
	printf("rounds: up to %d of %d side(s) in %s, order seed %llu\n", sd.r.max_rounds, sd.r.nsides, sd.r.dir,
	       (unsigned long long)sd.r.seed);
	fflush(stdout);
	ret = hvs_sides_run(&sd, s, err, sizeof(err));
	if (sd.plan_unwritten)
		hvs_err("run: warning: cannot write %s/rounds.json", sd.r.dir);
	if (ret) {
		hvs_err("run: %s", err);
		hvs_precision_free(&tg.p);
		return ret == -ENOMEM ? HVS_EX_INTERNAL : HVS_EX_IO;
	}
	ret = sd.r.nsides == 1 ? merge_rounds(o, &sd, s, v, nb, argc, argv) : judge_sides(o, &sd);
	hvs_sides_free(&sd);
	imprecise = say_precision(&sd.r, o->target > 0 ? &tg : NULL);
	if (imprecise && o->fail_inc && ret == HVS_EX_OK)
		ret = HVS_EX_INCONCLUSIVE;
	hvs_precision_free(&tg.p);
	return ret;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct hvs_suite s;
	const struct hvs_bench **v = NULL;
	char sel[600], err[4400];
	size_t n = 0;
	int ret;

	ret = parse(argc, argv, &o);
	if (ret != HVS_OPTS_GO)
		return ret;
	if (o.db && !(hvs_history_is_conninfo(o.db) ? HAVE_LIBPQ : HAVE_SQLITE)) {
		hvs_err("run: --db needs SQLite, which this build lacks (static build): write --out "
			"and ingest on the host");
		return HVS_EX_NODEV;
	}
	ret = hvs_session_select(&o.req, &s, &v, &n, sel, sizeof(sel), err, sizeof(err));
	if (ret) {
		hvs_err("run: %s", err);
		ret = hvs_errno_exit(-ret);
		goto out;
	}
	if (o.list) {
		for (size_t i = 0; i < n; i++)
			printf("%-32s %-8s %s\n", v[i]->name, v[i]->klass, v[i]->what);
		ret = HVS_EX_OK;
		goto out;
	}
	ret = hvs_session_fits(&s, n, o.sides.n < 2 && (o.rounds || o.target > 0)
					      ? (o.rounds ? o.rounds : HVS_ROUNDS_MAX) : 1, err, sizeof(err));
	if (ret) {
		hvs_err("run: %s", err);
		ret = HVS_EX_USAGE;
		goto out;
	}
	if (n == 0) {
		hvs_err("run: the selection '%s' holds no benchmark", sel);
		ret = HVS_EX_USAGE;
		goto out;
	}
	if (o.rounds || o.target > 0 || o.sides.n)
		ret = run_rounds(&o, &s, v, n, argc, argv);
	else if (o.child_out)
		/* a fresh process of a run (runner.c): its part, into its file */
		ret = hvs_session_child(&s, v, n, o.order_seed, o.child_out,
					&(struct hvs_session_hooks){ .start = on_start,
								     .arg = (void *)(o.label ? o.label : "") })
			      ? HVS_EX_IO : HVS_EX_OK;
	else
		ret = run_once(&o, &s, v, n, argc, argv);
out:
	free(v);
	return ret;
}
