/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_bench.c - `hvscope bench`: run guest-side microbenchmarks
 * (microbench/) unprivileged with the runner of `hvscope run`
 * (harness/run/runner.c), and print every number with its unit and
 * spread (median, 95% CI of the median, MAD, n).
 *
 *   hvscope bench [NAME|PREFIX...] [--list] [--quick|--full] [--peer ADDR[:PORT]]
 *                 [--cpus A,B] [--scratch DIR] [--samples N] [--verbose] [--infer]
 *                 [--out FILE [--tag K=V,...]]
 *   hvscope bench --echo-server PORT [--seconds S]   (the peer side of net.*)
 */
#include "microbench/bench.h"
#include "commands.h"
#include "core/cleanup.h"
#include "core/units.h"
#include "options.h"
#include "results/context.h"
#include "results/result.h"
#include "microbench/counters.h"
#include "microbench/echo.h"
#include "core/hvscope.h"
#include "core/jsonw.h"
#include "microbench/infer.h"
#include "microbench/measure.h"
#include "mprint.h"
#include "core/timing.h"
#include "core/topology.h"
#include "run/runner.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

struct bench_args {
	int list, quick, full, verbose, infer, echo_port, json;
	int cpus[2];
	unsigned samples; /* 0: the set's default */
	double echo_seconds;
	const char *peer, *scratch, *out, *tags;
};

/* --cpus A,B: two different CPU numbers. */
static int parse_cpus(void *dst, const char *s, char *why, size_t len)
{
	int *ab = dst;
	char *end;

	snprintf(why, len, "wants two different CPU numbers A,B");
	ab[0] = (int)strtol(s, &end, 10);
	if (end == s || *end != ',' || ab[0] < 0)
		return -EINVAL;
	s = end + 1;
	ab[1] = (int)strtol(s, &end, 10);
	if (end == s || *end || ab[1] < 0 || ab[0] == ab[1] || ab[0] >= CPU_SETSIZE || ab[1] >= CPU_SETSIZE)
		return -EINVAL;
	return 0;
}

#define BENCH_AT(f) HVS_OPT_AT(struct bench_args, f)
const struct hvs_cmdopts cmd_bench_opts = {
	.name = "bench",
	.head = "usage: hvscope bench [NAME|PREFIX...] [--list] [--quick|--full] [--peer ADDR[:PORT]]\n"
		"                     [--cpus A,B] [--scratch DIR] [--samples N] [--verbose] [--infer]\n"
		"                     [--out FILE [--tag K=V,...]] [--json]\n"
		"       hvscope bench --echo-server PORT [--seconds S]\n\n"
		"Guest-side microbenchmarks, unprivileged: exit-causing instructions, kernel\n"
		"paths virtualization changes, memory translation, I/O. Each number is printed\n"
		"as median, 95% CI of the median, MAD and n, in its unit.\n\n",
	.tail = "\nEnvironment: HVSCOPE_COUNTERS=auto|papi|perf|none chooses the counter backend.\n"
		"Exit: 0 all ran or skipped with a reason, 2 usage, 10 a benchmark failed.\n",
	.col = 18,
	.operands = "NAME...",
	.operand_list = "--list",
	.opts = (const struct hvs_opt[]){
		{ HVS_OPT_FLAG, "list", 0, NULL, BENCH_AT(list),
		  .help = "what each benchmark measures, its unit, whether it runs here" },
		{ HVS_OPT_FLAG, "quick", 0, NULL, BENCH_AT(quick),
		  .help = "the quick set, fewer samples (for slow guests: < 20 s under TCG)" },
		{ HVS_OPT_FLAG, "full", 0, NULL, BENCH_AT(full), .help = "the full set (pointer chase up to 4 GiB)" },
		{ HVS_OPT_STRING, "peer", 0, "ADDR", BENCH_AT(peer),
		  .help = "also measure UDP/TCP round trips to an echo server there\n"
			  "(default port " HVS_STR(HVS_ECHO_PORT) "; start it with --echo-server)" },
		{ HVS_OPT_STRING, "cpus", 0, "A,B", BENCH_AT(cpus), .fn = parse_cpus,
		  .help = "CPU pair for cross-CPU benchmarks (default: from topology)" },
		{ HVS_OPT_PATH, "scratch", 0, "DIR", BENCH_AT(scratch),
		  .help = "directory on a block device for io.* (default: TMPDIR, /var/tmp, /tmp, .)" },
		{ HVS_OPT_INT, "samples", 0, "N", BENCH_AT(samples), HVS_OPT_LIM(HVS_LIM_BENCH_SAMPLES),
		  .help = "samples per metric (default 41, quick 11)" },
		{ HVS_OPT_FLAG, "verbose", 'v', NULL, BENCH_AT(verbose),
		  .help = "also what each metric measured, its extras and overhead" },
		{ HVS_OPT_FLAG, "infer", 0, NULL, BENCH_AT(infer),
		  .help = "end with the facts inferred from the numbers (CPUID exit cost,\n"
			  "RDTSC trapping, SLAT, paravirtual clocksource, vDSO)" },
		{ HVS_OPT_PATH, "out", 0, "FILE", BENCH_AT(out),
		  .help = "also write a result file (results-schema/result.schema.json)\n"
			  "with the context it was measured in; `hvscope run` adds suites,\n"
			  "fresh processes and environment checks" },
		{ HVS_OPT_STRING, "tag", 0, "K=V,...", BENCH_AT(tags), .help = "free-form tags for the result file" },
		{ HVS_OPT_FLAG, "json", 0, NULL, BENCH_AT(json),
		  .help = "print the metrics as JSON (results-schema/bench.schema.json)\n"
			  "instead of the table" },
		{ HVS_OPT_INT, "echo-server", 0, "PORT", BENCH_AT(echo_port), HVS_OPT_LIM(HVS_LIM_PORT),
		  .help = "serve UDP and TCP echo on PORT (all addresses) until killed\n"
			  "or --seconds S have passed" },
		{ HVS_OPT_DOUBLE, "seconds", 0, "S", BENCH_AT(echo_seconds), HVS_OPT_LIM(HVS_LIM_ECHO_SECONDS),
		  .flags = HVS_OPT_UNLISTED, .help = "how long the echo server serves" },
		{ 0 } },
};

static int selected(const struct hvs_bench *b, char **names, int nnames, unsigned set)
{
	if (!nnames)
		return (b->sets & set) != 0;
	for (int i = 0; i < nnames; i++) {
		size_t l = strlen(names[i]);

		if (!strcmp(b->name, names[i]) || (!strncmp(b->name, names[i], l) && b->name[l] == '.'))
			return 1;
	}
	return 0;
}

static const char *set_names(unsigned s, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", s & HVS_SET_QUICK ? "quick " : "", s & HVS_SET_DEFAULT ? "default " : "",
		 s & HVS_SET_FULL ? "full" : "");
	return buf;
}

static int list(void)
{
	size_t n;
	const struct hvs_bench *const *all = hvs_bench_all(&n);

	for (size_t i = 0; i < n; i++) {
		char why[200], sets[40];
		const char *r = all[i]->supported ? all[i]->supported(why, sizeof(why)) : NULL;

		printf("%-22s %-6s %-8s %s\n", all[i]->name, all[i]->unit, all[i]->klass, all[i]->what);
		printf("%-22s sets: %s; %s%s\n", "", set_names(all[i]->sets, sets, sizeof(sets)),
		       r ? "NOT supported here: " : "supported here", r ? r : "");
	}
	return HVS_EX_OK;
}

/* --json: the run as one document (results-schema/bench.schema.json). */
static int print_json(const char *topo, const char *pair, const struct hvs_metrics *set, int ran, int failed,
		      double seconds)
{
	struct hvs_counters *ctr = hvs_counters_shared();
	struct hvs_jw w;

	hvs_jw_init(&w, stdout);
	hvs_jw_obj(&w, NULL);
	hvs_jw_str(&w, "topology", topo);
	hvs_jw_str(&w, "cross_cpu_pair", pair);
	hvs_jw_str(&w, "counters", ctr->backend ? ctr->reason : NULL);
	if (!ctr->backend)
		hvs_jw_str(&w, "counters_unavailable", ctr->reason);
	hvs_jw_num(&w, "tsc_hz", hvs_tsc_hz());
	hvs_jw_num(&w, "timer_overhead_ticks", hvs_tsc_overhead());
	hvs_jw_int(&w, "benchmarks", ran);
	hvs_jw_int(&w, "failed", failed);
	hvs_jw_num(&w, "seconds", seconds);
	hvs_jw_arr(&w, "metrics");
	for (size_t i = 0; i < set->n; i++) {
		const struct hvs_metric *m = &set->v[i];

		hvs_jw_obj(&w, NULL);
		hvs_jw_str(&w, "name", m->name);
		hvs_jw_str(&w, "unit", m->unit);
		hvs_jw_str(&w, "outcome", hvs_outcome_name(m->outcome));
		hvs_jw_str(&w, "reason", m->reason);
		hvs_jw_str(&w, "what", m->what);
		if (m->outcome == HVS_PASS) {
			hvs_jw_num(&w, "median", m->summary.median);
			hvs_jw_num(&w, "ci_lo", m->summary.ci_lo);
			hvs_jw_num(&w, "ci_hi", m->summary.ci_hi);
			hvs_jw_num(&w, "mad", m->summary.mad);
			hvs_jw_int(&w, "n", (long long)m->summary.n);
			hvs_jw_int(&w, "outliers", (long long)m->summary.outliers);
			hvs_jw_int(&w, "iterations", (long long)m->iterations);
			hvs_jw_num(&w, "overhead", m->overhead);
			hvs_jw_bool(&w, "steal", (m->flags & HVS_MF_STEAL) != 0);
		}
		hvs_jw_end(&w);
	}
	hvs_jw_end(&w);
	hvs_jw_end(&w);
	if (hvs_jw_finish(&w)) {
		hvs_err("bench: writing the output failed");
		return -EIO;
	}
	return 0;
}

/* The context from the options; returns the set to run (HVS_SET_*). */
static unsigned setup_ctx(const struct bench_args *a, struct hvs_bench_ctx *ctx)
{
	unsigned which = HVS_SET_DEFAULT;

	hvs_bench_ctx_default(ctx);
	if (a->quick) {
		which = HVS_SET_QUICK;
		ctx->quick = 1;
		ctx->samples = 11;
		ctx->min_sample_ns = 2e5;
		ctx->budget_s = 1.5;
	} else if (a->full) {
		which = HVS_SET_FULL;
		ctx->sets_full = 1;
	}
	if (a->samples)
		ctx->samples = a->samples;
	ctx->cpu_a = a->cpus[0];
	ctx->cpu_b = a->cpus[1];
	ctx->peer = a->peer;
	ctx->scratch = a->scratch;
	return which;
}

/* What the numbers below were measured with: topology (NULL: none), counters, TSC. */
static void print_header(const char *topo, const char *pair)
{
	struct hvs_counters *ctr = hvs_counters_shared();

	if (topo)
		printf("topology: %s; cross-CPU pair %s\n", topo, pair);
	else
		printf("topology: unavailable (no sysfs CPU topology)\n");
	if (ctr->backend)
		printf("counters: %s\n", ctr->reason);
	else
		printf("counters: unavailable (%s)\n", ctr->reason);
	printf("tsc: %.1f MHz, timer overhead %.0f ticks (subtracted); steal flagged above %.0f%%\n",
	       hvs_tsc_hz() / 1e6, hvs_tsc_overhead(), 100 * HVS_STEAL_THRESHOLD);
	fflush(stdout);
}

/* --out FILE: the result file with its context. Returns 0 or an exit code (said why). */
static int write_out(const char *out, struct hvs_run_info *info, struct hvs_context *cx,
		     const struct hvs_metrics *set)
{
	int w;

	hvs_context_finish(cx);
	info->context_json = hvs_context_to_json(cx);
	hvs_iso8601_now(info->finished, sizeof(info->finished));
	w = hvs_result_write(out, info, set);
	free(info->context_json);
	info->context_json = NULL;
	if (w) {
		hvs_err("bench: cannot write %s: %s", out, hvs_strerror(w));
		return hvs_write_exit(w);
	}
	return 0;
}

/* The runner's done hook: each metric as soon as its benchmark ends. */
static void print_done(void *arg, const struct hvs_bench *b, const struct hvs_metrics *set, size_t first,
		       enum hvs_outcome o)
{
	const int *verbose = arg;
	struct hvs_mline line = { .details = 1, .verbose = *verbose };

	(void)b;
	(void)o;
	for (size_t j = first; j < set->n; j++)
		hvs_mprint_line(stdout, &set->v[j], &line);
	fflush(stdout);
}

/* Every NAME operand names a benchmark or a prefix of some. Returns 0 or HVS_EX_USAGE (said why). */
static int check_names(char **names, int nnames, const struct hvs_bench *const *all, size_t n)
{
	for (int i = 0; i < nnames; i++) {
		int found = 0;

		for (size_t j = 0; j < n; j++)
			found |= selected(all[j], &names[i], 1, 0);
		if (!found) {
			hvs_err("bench: no benchmark named '%s' (see hvscope bench --list)", names[i]);
			return HVS_EX_USAGE;
		}
	}
	return 0;
}

/*
 * Run the selected benchmarks (pinned to ctx->cpu_a) into set and print
 * them, the table or --json. topo: the topology's description (NULL: none).
 * Returns 0 or an exit code (said why); *failed: benchmarks that failed.
 */
static int measure(const struct bench_args *a, char **names, int nnames, unsigned which,
		   struct hvs_bench_ctx *ctx, const char *topo, const char *pair, struct hvs_metrics *set,
		   int *failed)
{
	size_t n;
	const struct hvs_bench *const *all = hvs_bench_all(&n);
	const struct hvs_bench **v = calloc(n ? n : 1, sizeof(*v));
	struct hvs_runner_hooks hooks = { .done = print_done, .arg = (void *)&a->verbose };
	int ran = 0, rc = HVS_EX_OK;
	double seconds;
	uint64_t t0;

	if (!v) {
		hvs_err("bench: out of memory");
		return HVS_EX_INTERNAL;
	}
	for (size_t i = 0; i < n; i++)
		if (selected(all[i], names, nnames, which))
			v[ran++] = all[i];
	if (!a->json)
		hvs_mprint_legend(stdout, "");
	t0 = hvs_now_ns();
	*failed = hvs_runner_run(v, (size_t)ran, ctx, set, a->json ? NULL : &hooks);
	seconds = (double)(hvs_now_ns() - t0) / 1e9;
	if (a->json) {
		if (print_json(topo, topo ? pair : NULL, set, ran, *failed, seconds))
			rc = HVS_EX_IO;
	} else {
		printf("%d benchmark(s), %zu metric(s), %d failed, %.1f s\n", ran, set->n, *failed, seconds);
	}
	if (a->infer) {
		struct hvs_inference inf;

		hvs_infer_from_metrics(set, NULL, &inf);
		printf("inferred (from the numbers above):\n");
		hvs_infer_print(&inf, stdout);
	}
	free(v);
	return rc;
}

int cmd_bench(int argc, char **argv)
{
	struct bench_args a = { .cpus = { -1, -1 } };
	struct hvs_bench_ctx ctx;
	struct hvs_metrics set = { 0 };
	struct hvs_topology *topo = NULL;
	int failed = 0, op;
	struct hvs_context cx;
	struct hvs_run_info info;
	int rc = HVS_EX_OK;
	unsigned which;
	cpu_set_t saved;
	char buf[200] = "", pair[64] = "none (one CPU)";
	size_t n;
	const struct hvs_bench *const *all = hvs_bench_all(&n);

	rc = hvs_opts_parse(&cmd_bench_opts, argc, argv, &a, &op);
	if (rc != HVS_OPTS_GO)
		return rc;
	if (a.quick && a.full)
		return hvs_opts_fail("bench", "--quick and --full exclude each other");
	if (a.json && (a.infer || a.list || a.echo_port))
		return hvs_opts_fail("bench", "--json goes with a run of benchmarks only (for inferred facts: "
				     "'hvscope probe --timing --json')");
	which = setup_ctx(&a, &ctx);
	if (a.echo_port > 0) {
		int ret = hvs_echo_serve(a.echo_port, a.echo_seconds);

		if (ret) {
			hvs_err("bench: echo server on port %d: %s", a.echo_port, strerror(-ret));
			return hvs_errno_exit(-ret);
		}
		return HVS_EX_OK;
	}
	if (a.list)
		return list();
	if ((rc = check_names(argv + op, argc - op, all, n)))
		return rc;

	hvs_run_info_init(&info);
	info.argc = argc;
	info.argv = argv;
	if (a.tags && hvs_run_info_add_tags(&info, a.tags)) {
		hvs_err("bench: --tag '%s': expected key=value,... (keys [A-Za-z0-9_.-])", a.tags);
		return HVS_EX_USAGE;
	}
	/* From here on SIGINT/SIGTERM/SIGHUP remove the result's temp file
	 * (core/safe_write.c registers it) and die by the signal: 130/143. */
	hvs_cleanup_on_signals();
	memset(&cx, 0, sizeof(cx));
	if (a.out && hvs_context_collect(&cx, 0, 0)) {
		hvs_err("bench: out of memory collecting the context");
		return HVS_EX_INTERNAL;
	}

	/* Context: clock, topology, counters; then pin to cpu_a for stability. */
	if (hvs_tsc_hz() <= 0) {
		hvs_err("bench: no usable TSC on this CPU");
		hvs_context_free(&cx);
		return HVS_EX_NODEV;
	}
	if (hvs_topology_load(NULL, &topo) == 0) {
		if (hvs_topology_pick_pair(topo, 1, &ctx.cpu_a, &ctx.cpu_b) >= 0)
			hvs_topology_pair_name(topo, ctx.cpu_a, ctx.cpu_b, pair, sizeof(pair));
		hvs_topology_describe(topo, buf, sizeof(buf));
	}
	if (!a.json)
		print_header(topo ? buf : NULL, pair);
	sched_getaffinity(0, sizeof(saved), &saved);
	if (ctx.cpu_a >= 0)
		hvs_pin_cpu(ctx.cpu_a);
	rc = measure(&a, argv + op, argc - op, which, &ctx, topo ? buf : NULL, pair, &set, &failed);
	sched_setaffinity(0, sizeof(saved), &saved);
	if (rc != HVS_EX_INTERNAL && a.out) {
		int w = write_out(a.out, &info, &cx, &set);

		rc = w ? w : rc;
	}
	hvs_context_free(&cx);
	hvs_topology_free(topo);
	hvs_metrics_free(&set);
	if (rc != HVS_EX_OK)
		return rc;
	return failed ? HVS_EX_INTERNAL : HVS_EX_OK;
}
