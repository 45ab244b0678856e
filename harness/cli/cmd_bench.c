/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_bench.c - `hvscope bench`: run guest-side microbenchmarks
 * (microbench/) unprivileged, and print every number with its unit and
 * spread (median, 95% CI of the median, MAD, n).
 *
 *   hvscope bench [NAME|PREFIX...] [--list] [--quick|--full] [--peer ADDR[:PORT]]
 *                 [--cpus A,B] [--scratch DIR] [--samples N] [--verbose] [--infer]
 *                 [--out FILE [--tag K=V,...]]
 *   hvscope bench --echo-server PORT [--seconds S]   (the peer side of net.*)
 */
#include "microbench/bench.h"
#include "commands.h"
#include "core/units.h"
#include "results/context.h"
#include "results/result.h"
#include "microbench/counters.h"
#include "microbench/echo.h"
#include "core/hvscope.h"
#include "microbench/infer.h"
#include "microbench/measure.h"
#include "core/timing.h"
#include "core/topology.h"

#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvscope bench [NAME|PREFIX...] [--list] [--quick|--full] [--peer ADDR[:PORT]]\n"
		"                     [--cpus A,B] [--scratch DIR] [--samples N] [--verbose] [--infer]\n"
		"                     [--out FILE [--tag K=V,...]]\n"
		"       hvscope bench --echo-server PORT [--seconds S]\n\n"
		"Guest-side microbenchmarks, unprivileged: exit-causing instructions, kernel\n"
		"paths virtualization changes, memory translation, I/O. Each number is printed\n"
		"as median, 95%% CI of the median, MAD and n, in its unit.\n\n"
		"  --list          what each benchmark measures, its unit, whether it runs here\n"
		"  --quick         the quick set, fewer samples (for slow guests: < 20 s under TCG)\n"
		"  --full          the full set (pointer chase up to 4 GiB)\n"
		"  --peer ADDR     also measure UDP/TCP round trips to an echo server there\n"
		"                  (default port %d; start it with --echo-server)\n"
		"  --cpus A,B      CPU pair for cross-CPU benchmarks (default: from topology)\n"
		"  --scratch DIR   directory on a block device for io.* (default: TMPDIR, /var/tmp, /tmp, .)\n"
		"  --samples N     samples per metric (default 41, quick 11)\n"
		"  --verbose       also what each metric measured, its extras and overhead\n"
		"  --infer         end with the facts inferred from the numbers (CPUID exit cost,\n"
		"                  RDTSC trapping, SLAT, paravirtual clocksource, vDSO)\n"
		"  --out FILE      also write a result file (results-schema/result.schema.json)\n"
		"                  with the context it was measured in; `hvscope run` adds suites,\n"
		"                  fresh processes and environment checks\n"
		"  --tag K=V,...   free-form tags for the result file\n"
		"  --echo-server PORT  serve UDP and TCP echo on PORT (all addresses) until killed\n"
		"                  or --seconds S have passed\n\n"
		"Environment: HVSCOPE_COUNTERS=auto|papi|perf|none chooses the counter backend.\n"
		"Exit: 0 all ran or skipped with a reason, 2 usage, 10 a benchmark failed.\n",
		HVS_ECHO_PORT);
}

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

static void print_metric(const struct hvs_metric *m, int verbose)
{
	const struct hvs_summary *s = &m->summary;
	const char *unit = m->unit;

	if (m->outcome != HVS_PASS) {
		printf("%-34s %s: %s\n", m->name, m->outcome == HVS_SKIP ? "SKIP" : hvs_outcome_name(m->outcome),
		       m->reason[0] ? m->reason : "(no reason)");
		return;
	}
	{
		char ci[160], mad[64];

		hvs_fmt_ci(ci, sizeof(ci), s->median, s->ci_lo, s->ci_hi, unit, HVS_U_TERM);
		hvs_fmt_val(mad, sizeof(mad), s->mad, unit, HVS_U_TERM);
		printf("%-34s %s  MAD %s  n=%zu", m->name, ci, mad, s->n);
	}
	if (s->outliers)
		printf("  outliers %zu", s->outliers);
	if (m->flags & HVS_MF_STEAL)
		printf("  STEAL");
	printf("\n");
	if (m->reason[0])
		printf("%-34s   note: %s\n", "", m->reason);
	if (verbose) {
		char ov[64], x[48];

		printf("%-34s   %s; %llu op(s)/sample, overhead %s subtracted\n", "", m->what,
		       (unsigned long long)m->iterations, hvs_fmt_val(ov, sizeof(ov), m->overhead, m->unit, HVS_U_TERM));
		if (m->nextra) {
			printf("%-34s  ", "");
			for (int i = 0; i < m->nextra; i++)
				printf(" %s=%s", m->extra[i].key, hvs_fmt_num(x, sizeof(x), m->extra[i].val));
			printf("\n");
		}
		if (m->flags & HVS_MF_NO_COUNTERS)
			printf("%-34s   counters: unavailable\n", "");
	}
}

static int parse_cpus(const char *s, int *a, int *b)
{
	char *end;

	*a = (int)strtol(s, &end, 10);
	if (end == s || *end != ',' || *a < 0)
		return -EINVAL;
	s = end + 1;
	*b = (int)strtol(s, &end, 10);
	if (end == s || *end || *b < 0 || *a == *b || *a >= CPU_SETSIZE || *b >= CPU_SETSIZE)
		return -EINVAL;
	return 0;
}

int cmd_bench(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },	    { "quick", no_argument, NULL, 'q' },
		{ "full", no_argument, NULL, 'F' },	    { "peer", required_argument, NULL, 'p' },
		{ "cpus", required_argument, NULL, 'c' },   { "scratch", required_argument, NULL, 's' },
		{ "samples", required_argument, NULL, 'n' }, { "echo-server", required_argument, NULL, 'e' },
		{ "seconds", required_argument, NULL, 'S' }, { "help", no_argument, NULL, 'h' },
		{ "verbose", no_argument, NULL, 'v' },	    { "infer", no_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'o' },    { "tag", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct hvs_bench_ctx ctx;
	struct hvs_metrics set = { 0 };
	struct hvs_topology *topo = NULL;
	int do_list = 0, verbose = 0, infer = 0, echo_port = -1, failed = 0, ran = 0, c;
	const char *out = NULL, *tags = NULL;
	struct hvs_context cx;
	struct hvs_run_info info;
	int rc = HVS_EX_OK;
	unsigned which = HVS_SET_DEFAULT;
	double echo_seconds = 0;
	cpu_set_t saved;
	uint64_t t0;
	char buf[200];
	size_t n;
	const struct hvs_bench *const *all = hvs_bench_all(&n);

	hvs_bench_ctx_default(&ctx);
	optind = 1;
	while ((c = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		char *end;
		long v;

		switch (c) {
		case 'l':
			do_list = 1;
			break;
		case 'q':
			which = HVS_SET_QUICK;
			ctx.quick = 1;
			ctx.samples = 11;
			ctx.min_sample_ns = 2e5;
			ctx.budget_s = 1.5;
			break;
		case 'F':
			which = HVS_SET_FULL;
			ctx.sets_full = 1;
			break;
		case 'p':
			ctx.peer = optarg;
			break;
		case 'c':
			if (parse_cpus(optarg, &ctx.cpu_a, &ctx.cpu_b)) {
				hvs_err("bench: --cpus wants two different CPU numbers A,B, got '%s'", optarg);
				return HVS_EX_USAGE;
			}
			break;
		case 's':
			ctx.scratch = optarg;
			break;
		case 'n':
			v = strtol(optarg, &end, 10);
			if (end == optarg || *end || v < 5 || v > 100000) {
				hvs_err("bench: --samples wants a number from 5 to 100000, got '%s'", optarg);
				return HVS_EX_USAGE;
			}
			ctx.samples = (unsigned)v;
			break;
		case 'e':
			v = strtol(optarg, &end, 10);
			if (end == optarg || *end || v < 1 || v > 65535) {
				hvs_err("bench: --echo-server wants a port 1-65535, got '%s'", optarg);
				return HVS_EX_USAGE;
			}
			echo_port = (int)v;
			break;
		case 'S':
			echo_seconds = strtod(optarg, &end);
			if (end == optarg || *end || echo_seconds <= 0) {
				hvs_err("bench: --seconds wants a positive number, got '%s'", optarg);
				return HVS_EX_USAGE;
			}
			break;
		case 'v':
			verbose = 1;
			break;
		case 'o':
			out = optarg;
			break;
		case 't':
			tags = optarg;
			break;
		case 'i':
			infer = 1;
			break;
		case 'h':
			usage(stdout);
			return HVS_EX_OK;
		default:
			usage(stderr);
			return HVS_EX_USAGE;
		}
	}
	if (echo_port > 0) {
		int ret = hvs_echo_serve(echo_port, echo_seconds);

		if (ret) {
			hvs_err("bench: echo server on port %d: %s", echo_port, strerror(-ret));
			return hvs_errno_exit(-ret);
		}
		return HVS_EX_OK;
	}
	if (do_list)
		return list();
	for (int i = optind; i < argc; i++) {
		int found = 0;

		for (size_t j = 0; j < n; j++)
			found |= selected(all[j], &argv[i], 1, 0);
		if (!found) {
			hvs_err("bench: no benchmark named '%s' (see hvscope bench --list)", argv[i]);
			return HVS_EX_USAGE;
		}
	}

	hvs_run_info_init(&info);
	info.argc = argc;
	info.argv = argv;
	if (tags && hvs_run_info_add_tags(&info, tags)) {
		hvs_err("bench: --tag '%s': expected key=value,... (keys [A-Za-z0-9_.-])", tags);
		return HVS_EX_USAGE;
	}
	memset(&cx, 0, sizeof(cx));
	if (out && hvs_context_collect(&cx, 0, 0)) {
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
		char pair[64] = "none (one CPU)";

		if (hvs_topology_pick_pair(topo, 1, &ctx.cpu_a, &ctx.cpu_b) >= 0)
			hvs_topology_pair_name(topo, ctx.cpu_a, ctx.cpu_b, pair, sizeof(pair));
		printf("topology: %s; cross-CPU pair %s\n", hvs_topology_describe(topo, buf, sizeof(buf)),
		       pair);
	} else {
		printf("topology: unavailable (no sysfs CPU topology)\n");
	}
	{
		struct hvs_counters *ctr = hvs_counters_shared();

		if (ctr->backend)
			printf("counters: %s\n", ctr->reason);
		else
			printf("counters: unavailable (%s)\n", ctr->reason);
	}
	printf("tsc: %.1f MHz, timer overhead %.0f ticks (subtracted); steal flagged above %.0f%%\n",
	       hvs_tsc_hz() / 1e6, hvs_tsc_overhead(), 100 * HVS_STEAL_THRESHOLD);
	fflush(stdout);
	sched_getaffinity(0, sizeof(saved), &saved);
	if (ctx.cpu_a >= 0)
		hvs_pin_cpu(ctx.cpu_a);

	printf("(each metric: median and its 95%% CI, %s when symmetric, else [low, high]; MAD; n samples)\n",
	       hvs_units_pm(HVS_U_TERM));
	t0 = hvs_now_ns();
	for (size_t i = 0; i < n; i++) {
		size_t first = set.n;
		enum hvs_outcome o;

		if (!selected(all[i], &argv[optind], argc - optind, which))
			continue;
		o = hvs_bench_run(all[i], &ctx, &set);
		ran++;
		if (o == HVS_FAILED)
			failed++;
		for (size_t j = first; j < set.n; j++)
			print_metric(&set.v[j], verbose);
		fflush(stdout);
	}
	printf("%d benchmark(s), %zu metric(s), %d failed, %.1f s\n", ran, set.n, failed,
	       (double)(hvs_now_ns() - t0) / 1e9);
	if (infer) {
		struct hvs_inference inf;

		hvs_infer_from_metrics(&set, NULL, &inf);
		printf("inferred (from the numbers above):\n");
		hvs_infer_print(&inf, stdout);
	}
	sched_setaffinity(0, sizeof(saved), &saved);
	if (out) {
		int w;

		hvs_context_finish(&cx);
		info.context_json = hvs_context_to_json(&cx);
		hvs_iso8601_now(info.finished, sizeof(info.finished));
		w = hvs_result_write(out, &info, &set);
		free(info.context_json);
		if (w) {
			hvs_err("bench: cannot write %s: %s", out, hvs_strerror(w));
			rc = hvs_write_exit(w);
		}
	}
	hvs_context_free(&cx);
	hvs_topology_free(topo);
	hvs_metrics_free(&set);
	if (rc != HVS_EX_OK)
		return rc;
	return failed ? HVS_EX_INTERNAL : HVS_EX_OK;
}
