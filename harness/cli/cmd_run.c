/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_run.c - `hvscope run`: environment checks, the selected benchmarks
 * (a suite, names, or a class) in fresh processes with interleaved order,
 * statistics, the full context -> one result file, and a row in history.
 *
 * Fresh processes: with --processes N the parent re-executes itself N times
 * (one after the other, never in parallel); each child runs every selected
 * benchmark, in an order rotated and shuffled by its index so no benchmark
 * always runs first or last (drift bias), and writes its metrics to a temp
 * file. The parent merges samples and keeps each child's median, which
 * shows the between-process variance (ASLR, page placement, cache colouring)
 * that many samples from one process hide.
 */
#include "microbench/bench.h"
#include "core/cleanup.h"
#include "commands.h"
#include "core/units.h"
#include "results/context.h"
#include "core/cputime.h"
#include "results/history.h"
#include "core/hvs_features.h"
#include "core/hvs_limits.h"
#include "core/hvscope.h"
#include "results/result.h"
#include "run/suite.h"
#include "core/timing.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define STEAL_FLAG_FRACTION 0.02 /* a benchmark window with > 2% steal is flagged */

struct run_opts {
	const char *suite, *benches, *klass, *out, *db, *suites_file, *child_out, *label;
	char tags[HVS_MAX_TAGS][192];
	int ntags;
	int processes, quick, no_checks, list;
	unsigned samples;
	unsigned order_seed;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvscope run [--suite NAME] [--bench NAME,...|--class C] [--processes N]\n"
		"                   [--out FILE] [--db FILE] [--tag k=v,...] [--quick]\n"
		"                   [--samples N] [--suites FILE] [--no-checks] [--list]\n\n"
		"Check the environment, run the selected benchmarks in N fresh processes\n"
		"(interleaved order, warm-up, calibrated iterations), and write one result\n"
		"file with every sample, its statistics and the full context (fingerprint, CPU,\n"
		"kernel, build, power settings, load and steal before/after, tags).\n\n"
		"  --suite NAME    quick, default, full, paper (harness/run/suites.conf; default: default)\n"
		"  --quick         the quick suite (or quick working sets with --bench/--class)\n"
		"  --bench LIST    benchmarks by name or glob, comma separated (instead of a suite)\n"
		"  --class C       all benchmarks of class C (syscall, exit, mm, ...)\n"
		"  --processes N   fresh processes (default from the suite)\n"
		"  --out FILE      result file (default hvscope-RUNID.json; '-' = stdout)\n"
		"  --db FILE       also append the run to this history (SQLite file or PostgreSQL conninfo)\n"
		"  --tag k=v,...   free-form tags, e.g. host=box1,config=ept-off (repeatable)\n"
		"  --no-checks     skip the environment checks\n"
		"  --list          print the selected benchmarks and exit\n\n"
		"exit: 0 ok, 2 usage, 3 malformed suites file, 4 a suites value out of range,\n"
		"5 a suites file over 1 MiB, 6 --db without SQLite (static build), 7 permission\n"
		"denied, 9 cannot write (or FILE is a device, socket or directory).\n");
}

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

/* Rotate by seed and shuffle deterministically: every process gets its own order. */
static void order(const struct hvs_bench **v, size_t n, unsigned seed)
{
	struct hvs_rng r;

	if (n < 2)
		return;
	hvs_rng_seed(&r, seed);
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = hvs_rng_below(&r, i + 1);
		const struct hvs_bench *t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

/* A short busy loop so the first benchmark does not pay for a cold, slow CPU. */
static void warm_up(double seconds)
{
	uint64_t end = hvs_now_ns() + (uint64_t)(seconds * 1e9);
	volatile uint64_t x = 0;

	while (hvs_now_ns() < end)
		for (int i = 0; i < 10000; i++)
			x += (uint64_t)i;
}

static void run_benches(const struct hvs_bench **v, size_t n, const struct hvs_bench_ctx *ctx,
			struct hvs_metrics *set, const char *prefix)
{
	int tty = isatty(2);

	warm_up(ctx->quick ? 0.05 : 0.2);
	for (size_t i = 0; i < n; i++) {
		struct hvs_cputime a, b;
		size_t before = set->n;
		int have = hvs_cputime_read(NULL, &a) == 0;

		progress(tty, prefix, i, n, v[i]->name);
		hvs_bench_run(v[i], ctx, set);
		if (have && hvs_cputime_read(NULL, &b) == 0 &&
		    hvs_cputime_steal_fraction(&a, &b) > STEAL_FLAG_FRACTION)
			for (size_t k = before; k < set->n; k++)
				set->v[k].flags |= HVS_MF_STEAL;
	}
	progress(tty, prefix, n, n, "");
}

/* ---------------------------------------------------------------- merge */

static int merge_into(struct hvs_metrics *dst, const struct hvs_metrics *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct hvs_metric *s = &src->v[i];
		long j = hvs_metrics_find(dst, s->name);
		struct hvs_metric *d;
		double *pm;

		if (j < 0) {
			d = hvs_metrics_add(dst);
			if (!d)
				return -ENOMEM;
			*d = *s;
			d->samples = NULL;
			d->nsamples = 0;
			d->process_medians = NULL;
			d->nprocesses = 0;
		} else {
			d = &dst->v[j];
			d->flags |= s->flags;
			/* One failing process makes the metric suspect: keep the worst outcome. */
			if (s->outcome != HVS_PASS && d->outcome == HVS_PASS) {
				d->outcome = s->outcome;
				hvs_strlcpy(d->reason, s->reason, sizeof(d->reason));
			}
		}
		if (s->nsamples) {
			double *x = realloc(d->samples, (d->nsamples + s->nsamples) * sizeof(*x));

			if (!x)
				return -ENOMEM;
			memcpy(x + d->nsamples, s->samples, s->nsamples * sizeof(*x));
			d->samples = x;
			d->nsamples += s->nsamples;
			pm = realloc(d->process_medians, (d->nprocesses + 1) * sizeof(*pm));
			if (!pm)
				return -ENOMEM;
			pm[d->nprocesses++] = s->summary.median;
			d->process_medians = pm;
		}
	}
	return 0;
}

static int resummarize(struct hvs_metrics *set)
{
	for (size_t i = 0; i < set->n; i++) {
		struct hvs_metric *m = &set->v[i];

		if (m->nsamples && hvs_summarize(m->samples, m->nsamples, &m->summary))
			return -EINVAL;
		if (m->nprocesses < 2) { /* one process: nothing between processes to show */
			free(m->process_medians);
			m->process_medians = NULL;
			m->nprocesses = 0;
		}
	}
	return 0;
}

static int run_children(const struct run_opts *o, const char *bench_list,
			const struct hvs_suite *s, struct hvs_metrics *set)
{
	char tmpdir[4096], out[4352], samples[16], seed[16], procs[32], err[512];
	const char *td = getenv("TMPDIR");
	int ret = 0;

	/* Removed on SIGINT/SIGTERM too (core/cleanup.h), with the child stopped first. */
	snprintf(tmpdir, sizeof(tmpdir), "%s/hvscope-run-XXXXXX", td && *td == '/' ? td : "/tmp");
	if (!mkdtemp(tmpdir))
		return -errno;
	hvs_cleanup_add(tmpdir);
	for (int p = 0; p < o->processes && !ret; p++) {
		struct hvs_result *r = NULL;
		pid_t pid;
		int status;

		snprintf(out, sizeof(out), "%s/p%d.json", tmpdir, p);
		snprintf(samples, sizeof(samples), "%u", s->samples);
		snprintf(seed, sizeof(seed), "%d", p + 1);
		snprintf(procs, sizeof(procs), "process %d/%d ", p + 1, o->processes);
		pid = fork();
		if (pid < 0) {
			ret = -errno;
			break;
		}
		if (pid == 0) {
			char *args[] = { "hvscope", "run", "--child-out", out, "--bench",
					 (char *)bench_list, "--samples", samples, "--order-seed",
					 seed, "--child-label", procs, "--suite", (char *)s->name,
					 o->suites_file ? "--suites" : NULL, (char *)o->suites_file,
					 NULL };

			execv("/proc/self/exe", args);
			/* No /proc (a minimal guest): the name we were started by. */
			execvp(program_invocation_name, args);
			_exit(127);
		}
		hvs_cleanup_watch(pid);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		hvs_cleanup_watch(0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			hvs_err("run: benchmark process %d died (%s %d)", p + 1,
				WIFSIGNALED(status) ? "signal" : "exit",
				WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
			ret = -ECHILD;
			break;
		}
		if (hvs_result_read(out, &r, err, sizeof(err))) {
			hvs_err("run: %s", err);
			ret = -EIO;
		} else {
			ret = merge_into(set, &r->set);
		}
		hvs_result_free(r);
		unlink(out);
	}
	hvs_cleanup_remove(tmpdir);
	return ret ? ret : resummarize(set);
}

/* ---------------------------------------------------------------- main */

/*
 * A run whose result file no reader would accept (result.h's budget) is
 * refused before measuring: samples x processes per metric, and that for
 * each of the n benchmarks in the file (one metric each, at least).
 */
static int over_budget(const struct hvs_suite *s, size_t n)
{
	uint64_t per = (uint64_t)s->samples * (uint64_t)s->processes;

	if (per > HVS_RESULT_MAX_SAMPLES) {
		hvs_err("run: %u samples x %d processes = %llu per metric, over the limit of %u a "
			"result file may hold",
			s->samples, s->processes, (unsigned long long)per, HVS_RESULT_MAX_SAMPLES);
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
	static const struct option opts[] = {
		{ "suite", required_argument, NULL, 's' },
		{ "bench", required_argument, NULL, 'b' },
		{ "class", required_argument, NULL, 'c' },
		{ "processes", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "db", required_argument, NULL, 'd' },
		{ "tag", required_argument, NULL, 't' },
		{ "quick", no_argument, NULL, 'q' },
		{ "samples", required_argument, NULL, 'n' },
		{ "suites", required_argument, NULL, 'S' },
		{ "no-checks", no_argument, NULL, 'N' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		/* internal: a fresh benchmark process started by the parent */
		{ "child-out", required_argument, NULL, 'C' },
		{ "order-seed", required_argument, NULL, 'O' },
		{ "child-label", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	char *end, why[160];
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 's': o->suite = optarg; break;
		case 'b': o->benches = optarg; break;
		case 'c': o->klass = optarg; break;
		case 'o': o->out = optarg; break;
		case 'd': o->db = optarg; break;
		case 'q': o->quick = 1; break;
		case 'S': o->suites_file = optarg; break;
		case 'N': o->no_checks = 1; break;
		case 'l': o->list = 1; break;
		case 'C': o->child_out = optarg; break;
		case 'L': o->label = optarg; break;
		case 't':
			if (o->ntags >= HVS_MAX_TAGS || strlen(optarg) >= sizeof(o->tags[0])) {
				hvs_err("run: too many or too long --tag values");
				return HVS_EX_USAGE;
			}
			hvs_strlcpy(o->tags[o->ntags++], optarg, sizeof(o->tags[0]));
			break;
		case 'p':
		case 'n': {
			double x;

			if (hvs_limit_parse(ch == 'p' ? HVS_LIM_PROCESSES : HVS_LIM_SAMPLES,
					    ch == 'p' ? "--processes" : "--samples", optarg, &x, why,
					    sizeof(why))) {
				hvs_err("run: %s", why);
				return HVS_EX_USAGE;
			}
			if (ch == 'p')
				o->processes = (int)x;
			else
				o->samples = (unsigned)x;
			break;
		}
		case 'O':
			o->order_seed = (unsigned)strtoul(optarg, &end, 10);
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			usage(stderr);
			return HVS_EX_USAGE;
		}
	}
	if (optind < argc) {
		hvs_err("run: unexpected argument '%s' (try --help)", argv[optind]);
		return HVS_EX_USAGE;
	}
	if (o->benches && o->klass) {
		hvs_err("run: --bench and --class exclude each other");
		return HVS_EX_USAGE;
	}
	return 0;
}

/*
 * Report metrics in registry order (the benchmark whose name prefixes the
 * metric), whatever order the processes ran them in. Stable within a
 * benchmark. n is small (hundreds): insertion sort.
 */
static long bench_rank(const struct hvs_bench **v, size_t n, const char *metric)
{
	long best = (long)n, blen = -1;

	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(v[i]->name);

		if (!strncmp(metric, v[i]->name, l) && (metric[l] == '\0' || metric[l] == '.') &&
		    (long)l > blen) {
			best = (long)i;
			blen = (long)l;
		}
	}
	return best;
}

static void sort_metrics(struct hvs_metrics *set, const struct hvs_bench **v, size_t n)
{
	for (size_t i = 1; i < set->n; i++) {
		struct hvs_metric m = set->v[i];
		long r = bench_rank(v, n, m.name);
		size_t j = i;

		while (j > 0 && bench_rank(v, n, set->v[j - 1].name) > r) {
			set->v[j] = set->v[j - 1];
			j--;
		}
		set->v[j] = m;
	}
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

	printf("  (each metric: median and its 95%% CI, %s when symmetric, else [low, high]; MAD; n samples)\n",
	       hvs_units_pm(HVS_U_TERM));
	for (size_t i = 0; i < set->n; i++) {
		const struct hvs_metric *m = &set->v[i];
		char ci[160], mad[64];

		if (m->outcome != HVS_PASS || !m->nsamples) {
			printf("  %-34s %s: %s\n", m->name, hvs_outcome_name(m->outcome), m->reason);
			continue;
		}
		hvs_fmt_ci(ci, sizeof(ci), m->summary.median, m->summary.ci_lo, m->summary.ci_hi, m->unit,
			   HVS_U_TERM);
		hvs_fmt_val(mad, sizeof(mad), m->summary.mad, m->unit, HVS_U_TERM);
		printf("  %-34s %s  MAD %s  n=%zu\n", m->name, ci, mad, m->summary.n);
		multi += m->nprocesses > 0;
	}
	if (multi)
		printf("  (%zu metric(s) measured in several processes: the spread between processes is in "
		       "the result file's process_medians)\n",
		       multi);
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
	const char *conf;
	char *conf_buf = NULL, *names = NULL, err[512], outbuf[256], sel[600];
	char host[128] = "unknown", hyp[128] = "unknown";
	size_t n = 0;
	int ret;

	ret = parse(argc, argv, &o);
	if (ret)
		return ret < 0 ? HVS_EX_OK : ret;
	if (o.db && !(hvs_history_is_conninfo(o.db) ? HAVE_LIBPQ : HAVE_SQLITE)) {
		hvs_err("run: --db needs SQLite, which this build lacks (static build): write --out "
			"and ingest on the host");
		return HVS_EX_NODEV;
	}
	if (o.suites_file) {
		long len = hvs_read_file(o.suites_file, 1u << 20, &conf_buf);

		if (len < 0) {
			hvs_err("run: %s: %s%s", o.suites_file, strerror((int)-len),
				len == -EFBIG ? " (the limit is 1 MiB)" : "");
			return hvs_errno_exit((int)-len);
		}
		conf = conf_buf;
	} else {
		conf = hvs_suites_builtin();
	}
	ret = hvs_suite_find(conf, o.suites_file ? o.suites_file : "suites.conf (built in)",
			     o.suite ? o.suite : o.quick ? "quick" : "default", &s, err, sizeof(err));
	if (ret) {
		hvs_err("run: %s", err);
		ret = -ret;
		goto out;
	}
	if (o.samples)
		s.samples = o.samples;
	if (o.processes)
		s.processes = o.processes;
	if (o.quick)
		s.quick = 1;
	o.processes = s.processes;
	if (o.benches)
		hvs_strlcpy(sel, o.benches, sizeof(sel));
	else if (o.klass)
		snprintf(sel, sizeof(sel), "class:%s", o.klass);
	else
		hvs_strlcpy(sel, s.select, sizeof(sel));
	ret = hvs_suite_select(sel, &v, &n, err, sizeof(err));
	if (ret) {
		hvs_err("run: %s", err);
		ret = -ret;
		goto out;
	}
	if (o.list) {
		for (size_t i = 0; i < n; i++)
			printf("%-32s %-8s %s\n", v[i]->name, v[i]->klass, v[i]->what);
		ret = HVS_EX_OK;
		goto out;
	}
	if (over_budget(&s, n)) {
		ret = HVS_EX_USAGE;
		goto out;
	}
	if (n == 0) {
		hvs_err("run: the selection '%s' holds no benchmark", sel);
		ret = HVS_EX_USAGE;
		goto out;
	}
	hvs_bench_ctx_default(&ctx);
	ctx.samples = s.samples;
	ctx.min_sample_ns = s.min_sample_ms * 1e6;
	ctx.budget_s = s.budget_s;
	ctx.quick = s.quick;

	/* A child: run, write metrics, done. */
	if (o.child_out) {
		hvs_run_info_init(&info);
		order(v, n, o.order_seed);
		run_benches(v, n, &ctx, &set, o.label ? o.label : "");
		hvs_iso8601_now(info.finished, sizeof(info.finished));
		ret = hvs_result_write(o.child_out, &info, &set) ? HVS_EX_IO : HVS_EX_OK;
		goto out;
	}

	hvs_run_info_init(&info);
	info.argc = argc;
	info.argv = argv;
	hvs_strlcpy(info.suite, o.benches || o.klass ? "" : s.name, sizeof(info.suite));
	info.processes = o.processes;
	for (int i = 0; i < o.ntags; i++)
		if (hvs_run_info_add_tags(&info, o.tags[i])) {
			hvs_err("run: --tag '%s': expected key=value,... (keys [A-Za-z0-9_.-], values "
				"under 128 bytes)",
				o.tags[i]);
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

	if (o.processes > 1) {
		names = join_names(v, n);
		ret = names ? run_children(&o, names, &s, &set) : -ENOMEM;
		if (ret) {
			hvs_err("run: %s", strerror(-ret));
			hvs_context_free(&c);
			ret = HVS_EX_INTERNAL;
			goto out;
		}
	} else {
		const struct hvs_bench **shuffled = malloc(n * sizeof(*shuffled));

		if (!shuffled) {
			hvs_context_free(&c);
			ret = HVS_EX_INTERNAL;
			goto out;
		}
		memcpy(shuffled, v, n * sizeof(*shuffled));
		order(shuffled, n, 1);
		run_benches(shuffled, n, &ctx, &set, "");
		free(shuffled);
	}
	sort_metrics(&set, v, n);
	hvs_context_finish(&c);
	if (hvs_context_steal(&c) > STEAL_FLAG_FRACTION)
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
	if (o.db) {
		struct hvs_history *h = NULL;
		int dup;

		char digest[HVS_SHA256_HEX];

		hvs_pause_point("db");
		ret = hvs_history_open(o.db, &h, err, sizeof(err));
		if (!ret && hvs_result_digest(&info, &set, digest))
			digest[0] = '\0';
		if (!ret)
			ret = hvs_history_add(h, &info, &set, host, hyp, digest, 0, &dup, err,
					      sizeof(err));
		hvs_history_close(h);
		if (ret) {
			hvs_err("run: %s", err);
			free(info.context_json);
			ret = -ret;
			goto out;
		}
	}
	free(info.context_json);
	ret = HVS_EX_OK;
out:
	hvs_metrics_free(&set);
	free(v);
	free(names);
	free(conf_buf);
	return ret;
}
