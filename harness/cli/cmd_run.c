/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_run.c - `hvscope run`: environment checks, the selected benchmarks
 * (a suite, names, or a class) in fresh processes with interleaved order,
 * statistics, the full context -> one result file, and a row in history.
 * The measuring (warm-up, order, fresh processes with --processes N, the
 * pooling of their samples) is harness/run/runner.c's; this file parses,
 * checks, calls it, writes and prints.
 */
#include "microbench/bench.h"
#include "core/cleanup.h"
#include "commands.h"
#include "mprint.h"
#include "core/units.h"
#include "options.h"
#include "results/context.h"
#include "results/history.h"
#include "core/hvs_features.h"
#include "core/hvs_limits.h"
#include "core/hvscope.h"
#include "results/result.h"
#include "analysis/precision.h"
#include "run/rounds.h"
#include "run/runner.h"
#include "run/suite.h"
#include "cli/paired.h"

#include <errno.h>
#include <math.h>
#include <sys/stat.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct run_opts {
	const char *suite, *benches, *klass, *out, *db, *suites_file, *child_out, *label;
	struct run_tags {
		char v[HVS_MAX_TAGS][192];
		int n;
	} tags;
	int processes, quick, no_checks, list;
	unsigned samples;
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
	struct run_tags *t = dst;

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
		"                   [--out FILE] [--db FILE] [--tag k=v,...] [--quick]\n"
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
		{ HVS_OPT_STRING, "suite", 0, "NAME", RUN_AT(suite),
		  .help = "quick, default, full, paper (harness/run/suites.conf; default: default)" },
		{ HVS_OPT_FLAG, "quick", 0, NULL, RUN_AT(quick),
		  .help = "the quick suite (or quick working sets with --bench/--class)" },
		{ HVS_OPT_STRING, "bench", 0, "LIST", RUN_AT(benches),
		  .help = "benchmarks by name or glob, comma separated (instead of a suite)" },
		{ HVS_OPT_STRING, "class", 0, "C", RUN_AT(klass),
		  .help = "all benchmarks of class C (syscall, exit, mm, ...)" },
		{ HVS_OPT_INT, "processes", 0, "N", RUN_AT(processes), HVS_OPT_LIM(HVS_LIM_PROCESSES),
		  .help = "fresh processes (default from the suite)" },
		{ HVS_OPT_PATH, "out", 0, "FILE", RUN_AT(out),
		  .help = "result file (default hvscope-RUNID.json; '-' = stdout)" },
		{ HVS_OPT_PATH, "db", 0, "FILE", RUN_AT(db),
		  .help = "also append the run to this history (SQLite file or PostgreSQL conninfo)" },
		{ HVS_OPT_STRING, "tag", 0, "k=v,...", RUN_AT(tags), .fn = add_tag,
		  .help = "free-form tags, e.g. host=box1,config=ept-off (repeatable)" },
		{ HVS_OPT_INT, "samples", 0, "N", RUN_AT(samples), HVS_OPT_LIM(HVS_LIM_SAMPLES),
		  .flags = HVS_OPT_UNLISTED, .help = "samples per metric per process" },
		{ HVS_OPT_PATH, "suites", 0, "FILE", RUN_AT(suites_file), .flags = HVS_OPT_UNLISTED,
		  .help = "read the suites from FILE" },
		{ HVS_OPT_FLAG, "no-checks", 0, NULL, RUN_AT(no_checks), .help = "skip the environment checks" },
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

/* ---------------------------------------------------------------- child */

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

/* ---------------------------------------------------------------- main */

/*
 * A run whose result file no reader would accept (result.h's budget) is
 * refused before measuring: samples x processes (x rounds merged into one
 * file) per metric, and that for
 * each of the n benchmarks in the file (one metric each, at least).
 */
static int over_budget(const struct hvs_suite *s, size_t n, int rounds)
{
	uint64_t per = (uint64_t)s->samples * (uint64_t)s->processes * (uint64_t)rounds;

	if (per > HVS_RESULT_MAX_SAMPLES) {
		hvs_err("run: %u samples x %d processes%s = %llu per metric, over the limit of %u a "
			"result file may hold",
			s->samples, s->processes, rounds > 1 ? " x the rounds" : "", (unsigned long long)per,
			HVS_RESULT_MAX_SAMPLES);
		return 1;
	}
	if (per * n > HVS_RESULT_MAX_VALUES) {
		hvs_err("run: %llu samples x %zu benchmarks = %llu, over the limit of %u a result "
			"file may hold",
			(unsigned long long)per, n, (unsigned long long)(per * n), HVS_RESULT_MAX_VALUES);
		return 1;
	}
	return 0;
}

static int parse(int argc, char **argv, struct run_opts *o)
{
	int rc = hvs_opts_parse(&cmd_run_opts, argc, argv, o, NULL);

	if (rc != HVS_OPTS_GO)
		return rc;
	if (o->benches && o->klass)
		return hvs_opts_fail("run", "--bench and --class exclude each other");
	if (!o->rounds && o->target <= 0 && (o->sides.n || o->seed.set || o->budget > 0 ||
					     o->threshold > 0 || o->fail_reg || o->fail_inc || o->unpaired))
		return hvs_opts_fail("run", "--side, --seed, --budget, --threshold, --unpaired and "
				     "--fail-on-* belong to --rounds or --target-ci");
	if (o->budget > 0 && o->target <= 0)
		return hvs_opts_fail("run", "--budget belongs to --target-ci");
	if ((o->rounds || o->target > 0) && o->out && !strcmp(o->out, "-"))
		return hvs_opts_fail("run", "--rounds writes a directory: --out DIR, not '-'");
	if ((o->rounds || o->target > 0) && o->db && o->sides.n > 1)
		return hvs_opts_fail("run", "--db with sides: ingest the round files (DIR/NAME.K.json)");
	if (o->rounds && o->rounds < HVS_ROUNDS_MIN_TARGET && o->target > 0)
		return hvs_opts_fail("run", "--target-ci needs --rounds %d or more", HVS_ROUNDS_MIN_TARGET);
	return HVS_OPTS_GO;
}

static char *join_names(const struct hvs_bench **v, size_t n)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]->name) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(s, ",");
		strcat(s, v[i]->name);
	}
	return s;
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

/*
 * Measure v[0..n): in o->processes fresh processes, or in this one in a
 * shuffled order. Returns 0 or an exit code (said why).
 */
static int measure(const struct run_opts *o, const struct hvs_suite *s, const struct hvs_bench **v, size_t n,
		   const struct hvs_bench_ctx *ctx, struct hvs_metrics *set)
{
	char err[512];
	int ret;

	if (o->processes > 1) {
		struct hvs_runner_procs rp = { .processes = o->processes, .suite = s->name,
					       .suites_file = o->suites_file, .samples = s->samples };
		char *names = join_names(v, n);

		rp.bench_list = names;
		ret = names ? hvs_runner_processes(&rp, set, err, sizeof(err)) : -ENOMEM;
		if (ret)
			hvs_err("run: %s", names ? err : strerror(-ret));
		free(names);
	} else {
		struct hvs_runner_hooks h = { .start = on_start, .arg = "" };
		const struct hvs_bench **shuffled = malloc(n * sizeof(*shuffled));

		ret = shuffled ? 0 : -ENOMEM;
		if (shuffled) {
			memcpy(shuffled, v, n * sizeof(*shuffled));
			hvs_runner_order(shuffled, n, 1);
			hvs_runner_run(shuffled, n, ctx, set, &h);
			free(shuffled);
		}
	}
	return ret ? HVS_EX_INTERNAL : 0;
}

/* --db: the run into the history. Returns an exit code. */
static int record(const char *db, const struct hvs_run_info *info, const struct hvs_metrics *set,
		  const char *host, const char *hyp)
{
	struct hvs_history *h = NULL;
	char digest[HVS_SHA256_HEX], err[512];
	int dup, ret;

	hvs_pause_point("db");
	ret = hvs_history_open(db, &h, err, sizeof(err));
	if (!ret && hvs_result_digest(info, set, digest))
		digest[0] = '\0';
	if (!ret)
		ret = hvs_history_add(h, info, set, host, hyp, digest, 0, &dup, err, sizeof(err));
	hvs_history_close(h);
	if (ret) {
		hvs_err("run: %s", err);
		return hvs_errno_exit(-ret);
	}
	return HVS_EX_OK;
}

/*
 * The suite (built in, or from --suites FILE) with the command line's
 * overrides in s, and the benchmarks it or --bench/--class select in *v
 * (malloc'd), the selector text in sel. Returns 0 or an exit code (said why).
 */
static int select_benches(struct run_opts *o, struct hvs_suite *s, const struct hvs_bench ***v, size_t *n,
			  char *sel, size_t sellen)
{
	char *conf_buf = NULL, err[512];
	const char *conf = hvs_suites_builtin();
	int ret;

	if (o->suites_file) {
		long len = hvs_read_file(o->suites_file, 1u << 20, &conf_buf);

		if (len < 0) {
			hvs_err("run: %s: %s%s", o->suites_file, strerror((int)-len),
				len == -EFBIG ? " (the limit is 1 MiB)" : "");
			return hvs_errno_exit((int)-len);
		}
		conf = conf_buf;
	}
	ret = hvs_suite_find(conf, o->suites_file ? o->suites_file : "suites.conf (built in)",
			     o->suite ? o->suite : o->quick ? "quick" : "default", s, err, sizeof(err));
	free(conf_buf);
	if (ret) {
		hvs_err("run: %s", err);
		/* no such suite: the name came from the command line */
		return ret == -ENOENT ? HVS_EX_USAGE : hvs_errno_exit(-ret);
	}
	if (o->samples)
		s->samples = o->samples;
	if (o->processes)
		s->processes = o->processes;
	if (o->quick)
		s->quick = 1;
	o->processes = s->processes;
	if (o->benches)
		hvs_strlcpy(sel, o->benches, sellen);
	else if (o->klass)
		snprintf(sel, sellen, "class:%s", o->klass);
	else
		hvs_strlcpy(sel, s->select, sellen);
	ret = hvs_suite_select(sel, v, n, err, sizeof(err));
	if (ret) {
		hvs_err("run: %s", err);
		/* a selector that matches nothing: from --bench/--class, or the suite's */
		return ret == -ENOENT ? HVS_EX_USAGE : hvs_errno_exit(-ret);
	}
	return 0;
}

/* ---------------------------------------------------------------- rounds */

/* The selection options a round's `hvscope run` gets (argv points into o). */
static int round_args(const struct run_opts *o, int processes, char **argv, char *pbuf, size_t plen,
		      char *sbuf, size_t slen)
{
	int n = 0;

	if (o->suite) {
		argv[n++] = "--suite";
		argv[n++] = (char *)o->suite;
	}
	if (o->quick)
		argv[n++] = "--quick";
	if (o->benches) {
		argv[n++] = "--bench";
		argv[n++] = (char *)o->benches;
	}
	if (o->klass) {
		argv[n++] = "--class";
		argv[n++] = (char *)o->klass;
	}
	if (processes) {
		snprintf(pbuf, plen, "%d", processes);
		argv[n++] = "--processes";
		argv[n++] = pbuf;
	}
	if (o->samples) {
		snprintf(sbuf, slen, "%u", o->samples);
		argv[n++] = "--samples";
		argv[n++] = sbuf;
	}
	if (o->suites_file) {
		argv[n++] = "--suites";
		argv[n++] = (char *)o->suites_file;
	}
	if (o->no_checks)
		argv[n++] = "--no-checks";
	for (int i = 0; i < o->tags.n; i++) {
		argv[n++] = "--tag";
		argv[n++] = (char *)o->tags.v[i];
	}
	return n;
}

/* This binary's path, for the rounds' children. */
static void self_path(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);

	if (n > 0)
		buf[n] = '\0';
	else
		hvs_strlcpy(buf, program_invocation_name, len);
}

/* Each side against the first, through `compare --paired` (its table and exit codes). */
static int judge_sides(const struct run_opts *o, const struct hvs_rounds *r)
{
	struct hvs_paired_flags f = { o->unpaired, o->threshold, o->fail_reg, o->fail_inc };
	size_t n = (size_t)r->done;
	char **paths = calloc(2 * n + 1, sizeof(*paths));
	int ret = HVS_EX_OK;

	if (!paths)
		return HVS_EX_INTERNAL;
	for (int s = 1; s < r->nsides; s++) {
		char buf[4200];

		for (size_t k = 0; k < 2 * n; k++) {
			hvs_rounds_path(r, k < n ? 0 : s, (int)(k % n), buf, sizeof(buf));
			free(paths[k]);
			if (!(paths[k] = strdup(buf))) {
				ret = HVS_EX_INTERNAL;
				goto out;
			}
		}
		printf("\n== %s against %s: %d interleaved round(s), %s\n", r->side[s].name, r->side[0].name,
		       r->done, o->unpaired ? "judged as groups of runs (--unpaired)"
					    : "each round's ratio one observation");
		ret = hvs_compare_worse(ret, hvs_compare_rounds((const char *const *)paths,
								(const char *const *)paths + n, n, &f));
	}
out:
	for (size_t k = 0; k < 2 * n; k++)
		free(paths[k]);
	free(paths);
	return ret;
}

/* One side's rounds into DIR/merged.json (each round one "process"), its summary printed. */
static int merge_rounds(const struct run_opts *o, const struct hvs_rounds *r, const struct hvs_suite *s,
			const struct hvs_bench *const *v, size_t nb, struct hvs_context *c, int argc,
			char **argv)
{
	struct hvs_metrics set = { 0 };
	struct hvs_run_info info;
	char path[4200], err[512], tag[64];
	char host[128], hyp[128];
	int ret = 0;

	for (int k = 0; k < r->done && !ret; k++) {
		hvs_rounds_path(r, 0, k, path, sizeof(path));
		ret = hvs_runner_pool_file(path, &set, NULL, err, sizeof(err));
		if (ret)
			hvs_err("run: %s", err);
		ret = ret == -ENOMEM ? HVS_EX_INTERNAL : ret ? HVS_EX_IO : 0;
	}
	if (!ret && hvs_metrics_resummarize(&set))
		ret = HVS_EX_INTERNAL;
	if (ret) {
		hvs_metrics_free(&set);
		return ret;
	}
	hvs_runner_sort(&set, v, nb);
	hvs_run_info_init(&info);
	info.argc = argc;
	info.argv = argv;
	hvs_strlcpy(info.suite, o->benches || o->klass ? "" : s->name, sizeof(info.suite));
	info.processes = r->done;
	for (int i = 0; i < o->tags.n; i++)
		hvs_run_info_add_tags(&info, o->tags.v[i]);
	snprintf(tag, sizeof(tag), "rounds=%d,side=%s", r->done, r->side[0].name);
	hvs_run_info_add_tags(&info, tag);
	info.context_json = hvs_context_to_json(c);
	hvs_strlcpy(host, c->host, sizeof(host));
	hvs_strlcpy(hyp, c->hypervisor, sizeof(hyp));
	hvs_iso8601_now(info.finished, sizeof(info.finished));
	snprintf(path, sizeof(path), "%s/merged.json", r->dir);
	ret = hvs_result_write(path, &info, &set);
	if (ret) {
		hvs_err("run: cannot write %s: %s", path, hvs_strerror(ret));
		ret = hvs_write_exit(ret);
	} else {
		printf("run %s: %d round(s), %zu metric(s) -> %s (process medians = the rounds' medians)\n",
		       info.id, r->done, set.n, path);
		print_summary(&set);
		ret = o->db ? record(o->db, &info, &set, host, hyp) : HVS_EX_OK;
	}
	free(info.context_json);
	hvs_metrics_free(&set);
	return ret;
}

/* --target-ci: the judge hook's state. */
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
static int run_rounds(struct run_opts *o, int processes, const struct hvs_suite *s,
		      const struct hvs_bench *const *v, size_t nb, int argc, char **argv)
{
	static struct hvs_rounds r;
	static struct target tg;
	char *args[64], pbuf[16], sbuf[16], dirbuf[256], self[4096], err[600];
	struct hvs_context c;
	int ret, imprecise;

	memset(&r, 0, sizeof(r));
	memset(&tg, 0, sizeof(tg));
	{
		/* the tags go to every round: refuse a bad one before the first */
		struct hvs_run_info check;

		hvs_run_info_init(&check);
		for (int i = 0; i < o->tags.n; i++)
			if (hvs_run_info_add_tags(&check, o->tags.v[i]))
				return hvs_opts_fail("run", "--tag '%s': expected key=value,... (keys "
						     "[A-Za-z0-9_.-], values under 128 bytes)", o->tags.v[i]);
	}
	if (!o->out) {
		struct hvs_run_info info;

		hvs_run_info_init(&info);
		snprintf(dirbuf, sizeof(dirbuf), "hvscope-rounds-%s", info.id);
		o->out = dirbuf;
	}
	if (mkdir(o->out, 0755) && errno != EEXIST) {
		ret = errno;
		hvs_err("run: cannot make the directory %s: %s", o->out, strerror(ret));
		return hvs_errno_exit(ret);
	}
	self_path(self, sizeof(self));
	r.nsides = o->sides.n ? o->sides.n : 1;
	if (o->sides.n)
		memcpy(r.side, o->sides.v, sizeof(r.side));
	else
		hvs_strlcpy(r.side[0].name, "run", sizeof(r.side[0].name));
	r.max_rounds = o->rounds ? o->rounds : HVS_ROUNDS_MAX;
	r.dir = o->out;
	r.self = self;
	r.nrun_args = round_args(o, processes, args, pbuf, sizeof(pbuf), sbuf, sizeof(sbuf));
	r.run_args = args;
	r.seed = o->seed.set ? o->seed.v : (unsigned)(time(NULL) ^ ((unsigned)getpid() << 16));
	if (o->target > 0) {
		tg.target = o->target;
		hvs_cmp_opts_default(&tg.cmp);
		tg.cmp.paired = !o->unpaired;
		if (o->threshold > 0)
			tg.cmp.threshold = o->threshold;
		r.judge = judge_round;
		r.plan_extra = plan_target;
		r.judge_arg = &tg;
		r.budget_s = o->budget > 0 ? o->budget : 600;
	}
	printf("rounds: up to %d of %d side(s) in %s, order seed %llu\n", r.max_rounds, r.nsides, r.dir,
	       (unsigned long long)r.seed);
	fflush(stdout);
	hvs_cleanup_on_signals();
	if (r.nsides == 1)
		hvs_context_collect(&c, 0, s->quick ? 100 : 250);
	ret = hvs_rounds_run(&r, err, sizeof(err));
	if (hvs_rounds_write_plan(&r))
		hvs_err("run: warning: cannot write %s/rounds.json", r.dir);
	if (ret) {
		hvs_err("run: %s", err);
		if (r.nsides == 1)
			hvs_context_free(&c);
		hvs_precision_free(&tg.p);
		return ret == -ENOMEM ? HVS_EX_INTERNAL : HVS_EX_IO;
	}
	if (r.nsides == 1) {
		hvs_context_finish(&c);
		ret = merge_rounds(o, &r, s, v, nb, &c, argc, argv);
		hvs_context_free(&c);
	} else {
		ret = judge_sides(o, &r);
	}
	imprecise = say_precision(&r, o->target > 0 ? &tg : NULL);
	if (imprecise && o->fail_inc && (ret == HVS_EX_OK))
		ret = HVS_EX_INCONCLUSIVE;
	hvs_precision_free(&tg.p);
	return ret;
}

/* A child: run, write metrics, done. Returns an exit code. */
static int run_child(const struct run_opts *o, const struct hvs_bench **v, size_t n,
		     struct hvs_bench_ctx *ctx, struct hvs_metrics *set)
{
	struct hvs_runner_hooks h = { .start = on_start, .arg = (void *)(o->label ? o->label : "") };
	struct hvs_run_info info;

	hvs_run_info_init(&info);
	hvs_runner_order(v, n, o->order_seed);
	hvs_runner_run(v, n, ctx, set, &h);
	hvs_iso8601_now(info.finished, sizeof(info.finished));
	return hvs_result_write(o->child_out, &info, set) ? HVS_EX_IO : HVS_EX_OK;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct hvs_suite s;
	struct hvs_bench_ctx ctx;
	struct hvs_context c;
	struct hvs_run_info info;
	struct hvs_metrics set = { 0 };
	const struct hvs_bench **v = NULL;
	char outbuf[256], sel[600];
	char host[128] = "unknown", hyp[128] = "unknown";
	size_t n = 0;
	int ret, given_processes;

	ret = parse(argc, argv, &o);
	if (ret != HVS_OPTS_GO)
		return ret;
	given_processes = o.processes;
	if (o.db && !(hvs_history_is_conninfo(o.db) ? HAVE_LIBPQ : HAVE_SQLITE)) {
		hvs_err("run: --db needs SQLite, which this build lacks (static build): write --out "
			"and ingest on the host");
		return HVS_EX_NODEV;
	}
	ret = select_benches(&o, &s, &v, &n, sel, sizeof(sel));
	if (ret)
		goto out;
	if (o.list) {
		for (size_t i = 0; i < n; i++)
			printf("%-32s %-8s %s\n", v[i]->name, v[i]->klass, v[i]->what);
		ret = HVS_EX_OK;
		goto out;
	}
	if (over_budget(&s, n, o.sides.n < 2 && (o.rounds || o.target > 0)
					? (o.rounds ? o.rounds : HVS_ROUNDS_MAX) : 1)) {
		ret = HVS_EX_USAGE;
		goto out;
	}
	if (n == 0) {
		hvs_err("run: the selection '%s' holds no benchmark", sel);
		ret = HVS_EX_USAGE;
		goto out;
	}
	if (o.rounds || o.target > 0 || o.sides.n) {
		ret = run_rounds(&o, given_processes, &s, v, n, argc, argv);
		goto out;
	}
	hvs_bench_ctx_default(&ctx);
	ctx.samples = s.samples;
	ctx.min_sample_ns = s.min_sample_ms * 1e6;
	ctx.budget_s = s.budget_s;
	ctx.quick = s.quick;

	if (o.child_out) {
		ret = run_child(&o, v, n, &ctx, &set);
		goto out;
	}

	hvs_run_info_init(&info);
	info.argc = argc;
	info.argv = argv;
	hvs_strlcpy(info.suite, o.benches || o.klass ? "" : s.name, sizeof(info.suite));
	info.processes = o.processes;
	for (int i = 0; i < o.tags.n; i++)
		if (hvs_run_info_add_tags(&info, o.tags.v[i])) {
			hvs_err("run: --tag '%s': expected key=value,... (keys [A-Za-z0-9_.-], values "
				"under 128 bytes)",
				o.tags.v[i]);
			ret = HVS_EX_USAGE;
			goto out;
		}
	/* From here on a signal stops the children and removes the temp files;
	 * the result file is written last, through a temp name, or not at all. */
	hvs_cleanup_on_signals();
	hvs_pause_point("checks");
	hvs_context_collect(&c, !o.no_checks, s.quick ? 100 : 250);
	for (int i = 0; i < c.nwarnings; i++)
		hvs_err("warning: %s", c.warnings[i]);

	ret = measure(&o, &s, v, n, &ctx, &set);
	if (ret) {
		hvs_context_free(&c);
		goto out;
	}
	hvs_runner_sort(&set, v, n);
	hvs_context_finish(&c);
	if (hvs_context_steal(&c) > HVS_RUNNER_STEAL_FRACTION)
		hvs_err("warning: steal time was %.1f%% during the run: numbers include the "
			"hypervisor's other work",
			hvs_context_steal(&c) * 100);
	info.context_json = hvs_context_to_json(&c);
	hvs_strlcpy(host, c.host, sizeof(host));
	hvs_strlcpy(hyp, c.hypervisor, sizeof(hyp));
	hvs_context_free(&c);
	hvs_iso8601_now(info.finished, sizeof(info.finished));
	if (!o.out) {
		snprintf(outbuf, sizeof(outbuf), "hvscope-%s.json", info.id);
		o.out = outbuf;
	}
	ret = hvs_result_write(o.out, &info, &set);
	if (ret) {
		hvs_err("run: cannot write %s: %s", o.out, hvs_strerror(ret));
		free(info.context_json);
		ret = hvs_write_exit(ret);
		goto out;
	}
	if (strcmp(o.out, "-")) {
		printf("run %s: %zu metric(s) -> %s\n", info.id, set.n, o.out);
		print_summary(&set);
	}
	ret = o.db ? record(o.db, &info, &set, host, hyp) : HVS_EX_OK;
	free(info.context_json);
out:
	hvs_metrics_free(&set);
	free(v);
	return ret;
}
