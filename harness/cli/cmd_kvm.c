/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_kvm.c - `hvscope kvm`: ring-0 microbenchmarks in our own minimal VMM
 * on /dev/kvm (harness/vmm/kvm_vmm.c), one fresh VM per benchmark, with KVM's
 * exit counters per operation; or (--serial FILE) the same table from the
 * serial output of the bootable image (scripts/run-image.sh).
 */
#include "commands.h"
#include "core/cleanup.h"
#include "mprint.h"
#include "options.h"
#include "results/context.h"
#include "core/hvscope.h"
#include "vmm/kvm_vmm.h"
#include "core/metric.h"
#include "results/result.h"
#include "vmm/ring0_metric.h"
#include "core/timing.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct kvm_args {
	struct kvm_bench_opts bench;
	int list, exits;
	const char *serial, *out, *tags;
};

#define TSC_KHZ_HOST UINT64_MAX /* --tsc-khz host: measured after parsing */

/* --tsc-khz K|host */
static int parse_tsc_khz(void *dst, const char *arg, char *why, size_t len)
{
	double x;

	if (!strcmp(arg, "host")) {
		*(uint64_t *)dst = TSC_KHZ_HOST;
		return 0;
	}
	if (hvs_limit_parse(HVS_LIM_TSC_KHZ, "--tsc-khz", arg, &x, why, len)) {
		snprintf(why, len, "wants kHz in [%.0f, %.0f] or 'host'", hvs_limits[HVS_LIM_TSC_KHZ].lo,
			 hvs_limits[HVS_LIM_TSC_KHZ].hi);
		return -EINVAL;
	}
	*(uint64_t *)dst = (uint64_t)x;
	return 0;
}

_Static_assert(R0_MAX_SAMPLES == 1024, "hvs_limits' HVS_LIM_KVM_SAMPLES and the --help text say 1024");

#define KVM_AT(f) HVS_OPT_AT(struct kvm_args, f)
const struct hvs_cmdopts cmd_kvm_opts = {
	.name = "kvm",
	.head = "usage: hvscope kvm [NAME...] [--list] [--quick] [--timeout S] [--samples N]\n"
		"                   [--sample-us N] [--exits] [--serial FILE] [--tsc-khz K|host]\n"
		"                   [--out FILE] [--tag k=v,...] [--hyperv]\n\n"
		"Ring-0 microbenchmarks (VM exits, hypercalls, I/O exits, paging) run by\n"
		"hvscope's own minimal VMM on /dev/kvm: one fresh VM per benchmark, a\n"
		"watchdog on every KVM_RUN, KVM's exit counters read around the measurement.\n\n",
	.tail = "\nColumns: median ns per operation with the loop's own cost (control loop)\n"
		"subtracted, half-width of its 95% CI, cycles per op, VM exits and\n"
		"instructions emulated by KVM per op (KVM binary stats 'exits' and\n"
		"'insn_emulation'; '-' when unreadable; kvm_pvm emulates the guest's\n"
		"instructions without counting exits), status.\n\n"
		"Status 'inconclusive': measured, but the median is negative or its 95% CI\n"
		"reaches zero, so the data cannot tell the cost (never 'pass'; it does not\n"
		"change the exit code: nothing failed). '# note:' lines say when the numbers\n"
		"are instruction-emulation costs or the TSC is trapped/emulated.\n\n"
		"Exit codes: 0 all ran (pass or inconclusive) or were skipped, 1 a benchmark failed, 2 usage,\n"
		"6 no /dev/kvm (or no VM could be set up at all), 7 no permission,\n"
		"8 a benchmark timed out (the others ran);\n"
		"with --serial: 3 malformed line, 4 unknown benchmark name, 9 unreadable file.\n",
	.col = 16,
	.operands = "NAME...",
	.operand_list = "--list",
	.opts = (const struct hvs_opt[]){
		{ HVS_OPT_OPERAND, "NAME", .help = "benchmarks to run (default: all but test-only ones);\n"
						   "a trailing '*' matches a prefix (tlb.*)" },
		{ HVS_OPT_FLAG, "list", 'l', NULL, KVM_AT(list), .help = "list the benchmarks and what they measure" },
		{ HVS_OPT_FLAG, "quick", 'q', NULL, KVM_AT(bench.quick), .help = "fewer, shorter samples (tests)" },
		{ HVS_OPT_DOUBLE, "timeout", 0, "S", KVM_AT(bench.timeout_s), HVS_OPT_LIM(HVS_LIM_KVM_TIMEOUT_S),
		  .def = "5", .help = "watchdog per benchmark, seconds (default 5)" },
		{ HVS_OPT_INT, "samples", 0, "N", KVM_AT(bench.nsamples), HVS_OPT_LIM(HVS_LIM_KVM_SAMPLES),
		  .help = "samples per benchmark (default 201, quick 15; max " HVS_STR(R0_MAX_SAMPLES) ")" },
		{ HVS_OPT_INT, "sample-us", 0, "N", KVM_AT(bench.sample_us), HVS_OPT_LIM(HVS_LIM_KVM_SAMPLE_US),
		  .help = "target length of one sample in microseconds (default 500)" },
		{ HVS_OPT_FLAG, "exits", 0, NULL, KVM_AT(exits),
		  .help = "also print the control loop, MAD and CI, and every KVM\n"
			  "counter that moved, per operation" },
		{ HVS_OPT_PATH, "serial", 0, "FILE", KVM_AT(serial),
		  .help = "summarise the bootable image's serial output instead" },
		{ HVS_OPT_STRING, "tsc-khz", 0, "K", KVM_AT(bench.tsc_khz), .fn = parse_tsc_khz,
		  .help = "TSC rate for cycles -> ns: kHz, or 'host' (measured here;\n"
			  "right for QEMU -accel kvm/tcg without TSC scaling); default:\n"
			  "KVM_GET_TSC_KHZ, or what the image calibrated" },
		{ HVS_OPT_PATH, "out", 0, "FILE", KVM_AT(out),
		  .help = "also write a result file (results-schema/result.schema.json;\n"
			  "'-' for stdout): metrics kvm.NAME or image.NAME with samples,\n"
			  "cycles, exits per op; tags driver=kvm|image and paging=..." },
		{ HVS_OPT_STRING, "tag", 0, "k=v,...", KVM_AT(tags), .help = "extra tags for the result file" },
		{ HVS_OPT_FLAG, "hyperv", 0, NULL, KVM_AT(bench.hyperv),
		  .help = "present KVM's Hyper-V CPUID leaves (KVM_GET_SUPPORTED_HV_CPUID)\n"
			  "at 0x40000000, KVM's at 0x40000100, as QEMU's hv-* flags do:\n"
			  "the hyperv.* rows then call KVM's Hyper-V hypercalls" },
		{ 0 } },
};

static int match(const char *pat, const char *name)
{
	size_t n = strlen(pat);

	if (n && pat[n - 1] == '*')
		return !strncmp(pat, name, n - 1);
	return !strcmp(pat, name);
}

static void list(void)
{
	for (int i = 0; i < R0_NBENCH; i++)
		printf("%-22s %-9s %s%s\n", ring0_descs[i].name, ring0_descs[i].klass, ring0_descs[i].what,
		       (ring0_descs[i].expect & R0_X_TEST) ? " [test only]" : "");
}

static const char *const counter_extras[] = { "io_exits", "mmio_exits", "halt_exits", "irq_exits",
					      "hypercalls", "insn_emulation", "pf_taken" };

#define extra hvs_mprint_extra

/* The table's columns (mprint.h), after the name. */
#define NAME_W 26
static const struct hvs_mcol cols[] = {
	{ "median ns", 11, 1, HVS_MCOL_MEDIAN, NULL, 0 },
	{ "+-CI ns", 9, 1, HVS_MCOL_CI_HALF, NULL, 0 },
	{ "cycles", 10, 0, HVS_MCOL_EXTRA, "cycles", 0 },
	{ "exits/op", 8, 2, HVS_MCOL_EXTRA, "exits_per_op", 1 },
	{ "emul/op", 8, 2, HVS_MCOL_EXTRA, "insn_emulation_per_op", 1 },
};

static void print_row(const struct hvs_metric *m)
{
	char st[260];

	hvs_mprint_status(m, st, sizeof(st));
	hvs_mprint_table_row(stdout, NAME_W, cols, HVS_ARRAY_SIZE(cols), m, st);
}

static void header(void)
{
	hvs_mprint_table_header(stdout, NAME_W, cols, HVS_ARRAY_SIZE(cols));
}

/*
 * Write the metric set as a result file with the run's context. Returns an
 * exit code (HVS_EX_OK, HVS_EX_USAGE for a bad tag, HVS_EX_IO).
 */
static int write_result(const char *out, int argc, char **argv, const struct hvs_metrics *set,
			const char *driver, const char *paging, const char *tags, struct hvs_context *c,
			unsigned notes, const char *guest_tags)
{
	struct hvs_run_info info;
	char t[160];
	int r;

	hvs_run_info_init(&info);
	info.argc = argc;
	info.argv = argv;
	snprintf(t, sizeof(t), "driver=%s", driver);
	hvs_run_info_add_tags(&info, t);
	if (paging && paging[0]) {
		snprintf(t, sizeof(t), "paging=%s", paging);
		hvs_run_info_add_tags(&info, t);
	}
	if (notes) {
		char nt[96];

		ring0_notes_tag(notes, nt, sizeof(nt));
		snprintf(t, sizeof(t), "notes=%s", nt);
		hvs_run_info_add_tags(&info, t);
		ring0_notes_to_context(notes, c);
	}
	if (guest_tags && guest_tags[0])
		hvs_run_info_add_tags(&info, guest_tags);
	if (tags && hvs_run_info_add_tags(&info, tags)) {
		hvs_err("kvm: --tag '%s': expected key=value,... (keys [A-Za-z0-9_.-])", tags);
		return HVS_EX_USAGE;
	}
	hvs_context_finish(c);
	info.context_json = hvs_context_to_json(c);
	hvs_iso8601_now(info.finished, sizeof(info.finished));
	r = hvs_result_write(out, &info, set);
	free(info.context_json);
	if (r) {
		hvs_err("kvm: cannot write %s: %s", out, hvs_strerror(r));
		return hvs_write_exit(r);
	}
	return HVS_EX_OK;
}

struct name_list {
	char **names;
	int n;
};

/* ring0_serial_metrics()'s filter: the NAME operands (none: all). */
static int wanted(const char *bench, void *arg)
{
	const struct name_list *l = arg;
	int want = !l->n;

	for (int i = 0; i < l->n; i++)
		want |= match(l->names[i], bench);
	return want;
}

/* `hvscope kvm --serial FILE`: the bootable image's lines to the same table (vmm/ring0_metric.c). */
static int from_serial(const char *path, char **names, int nnames, uint64_t tsc_khz, const char *out,
		       const char *tags, int argc, char **argv)
{
	struct name_list l = { names, nnames };
	struct ring0_serial_summary sum;
	struct hvs_metrics set = { 0 };
	char why[300];
	int rc = ring0_serial_metrics(path, wanted, &l, tsc_khz, &set, &sum, why, sizeof(why));

	if (rc) {
		hvs_err("kvm: %s", why);
		hvs_metrics_free(&set);
		ring0_serial_summary_free(&sum);
		return hvs_errno_exit(-rc);
	}
	header();
	for (size_t i = 0; i < set.n; i++)
		print_row(&set.v[i]);
	if (sum.hung[0]) {
		/* A benchmark started and never reported: the image hung there. */
		struct hvs_metric hung = { .outcome = HVS_TIMEOUT };

		snprintf(hung.name, sizeof(hung.name), "image.%s", sum.hung);
		hvs_mprint_table_row(stdout, NAME_W, cols, HVS_ARRAY_SIZE(cols), &hung,
				     "timeout: no result on the console");
		rc = HVS_EX_TIMEOUT;
	} else if (!sum.ended && !sum.results) {
		hvs_err("kvm: %s: no result lines from the ring-0 image", path);
		rc = HVS_EX_PARSE;
	} else {
		rc = sum.any_fail ? HVS_EX_FAIL : sum.any_timeout ? HVS_EX_TIMEOUT : HVS_EX_OK;
	}
	ring0_notes_print(sum.notes, stdout);
	if (out && (rc == HVS_EX_OK || rc == HVS_EX_FAIL || rc == HVS_EX_TIMEOUT)) {
		struct hvs_context c;
		char gt[160], gwhy[160];
		int w;

		/* The context is this host's, where the serial log is read, but
		 * the fingerprint is the guest's: its own CPUID leaves, decoded
		 * by the probe; its boot protocol and signature become tags. */
		memset(&c, 0, sizeof(c));
		hvs_context_collect(&c, 0, 0);
		if (sum.gv.dlen && ring0_guest_context(&c, sum.gv.dump, sum.gv.dlen, gwhy, sizeof(gwhy)) < 0)
			hvs_err("kvm: %s: %s (the reading host's fingerprint is kept)", path, gwhy);
		ring0_guest_view_tags(&sum.gv, gt, sizeof(gt));
		w = write_result(out, argc, argv, &set, "image", NULL, tags, &c, sum.notes, gt);
		hvs_context_free(&c);
		if (w != HVS_EX_OK)
			rc = w;
	}
	hvs_metrics_free(&set);
	ring0_serial_summary_free(&sum);
	return rc;
}

/* The metric's outcome and reason from what kvm_bench_run() returned (r) and said (res). */
static void take_outcome(struct hvs_metric *m, int b, int r, const struct kvm_bench_result *res)
{
	if (r < 0) {
		/* The VMM could not even start this VM: skip with the reason. */
		m->outcome = HVS_SKIP;
		m->flags |= HVS_MF_SKIPPED;
		snprintf(m->reason, sizeof(m->reason), "VMM setup: %.180s", res->reason);
	} else if (res->status == KVM_BENCH_OK) {
		if (ring0_fill_metric(m, "kvm.", b, res->cycles, res->control, res->r0.nsamples, res->r0.iters,
				      res->tsc_khz) < 0) {
			m->outcome = HVS_FAILED;
			hvs_strlcpy(m->reason, "no samples", sizeof(m->reason));
		} else {
			ring0_judge(m); /* pass, or inconclusive when the CI reaches zero */
		}
	} else if (res->status == KVM_BENCH_SKIP) {
		m->outcome = HVS_SKIP;
		m->flags |= HVS_MF_SKIPPED;
		hvs_strlcpy(m->reason, res->reason, sizeof(m->reason));
	} else if (res->status == KVM_BENCH_TIMEOUT) {
		m->outcome = HVS_TIMEOUT;
		m->flags |= HVS_MF_TIMEOUT;
		hvs_strlcpy(m->reason, res->reason, sizeof(m->reason));
	} else {
		m->outcome = HVS_FAILED;
		hvs_strlcpy(m->reason, res->reason, sizeof(m->reason));
	}
}

/* KVM's counters per operation as extras of a passed metric (exits_per_op, io_exits_per_op, ...). */
static void take_counters(struct hvs_metric *m, const struct kvm_bench_result *res)
{
	double ops = (double)res->r0.iters * res->r0.nsamples;

	if (!res->have_counters || ops <= 0 || (m->outcome != HVS_PASS && m->outcome != HVS_INCONCLUSIVE))
		return;
	hvs_metric_set_extra(m, "exits_per_op", (double)res->exits / ops);
	for (size_t k = 0; k < HVS_ARRAY_SIZE(counter_extras); k++) {
		long long v = kvm_counter_get(res, counter_extras[k]);
		char key[40];

		if (v < 0)
			continue;
		snprintf(key, sizeof(key), "%s_per_op", counter_extras[k]);
		hvs_metric_set_extra(m, key, (double)v / ops);
	}
}

/* --exits: the control loop, the spread and every counter that moved, per operation. */
static void print_exits(const struct hvs_metric *m, const struct kvm_bench_result *res)
{
	double ops = (double)res->r0.iters * res->r0.nsamples;

	if (m->outcome == HVS_PASS || m->outcome == HVS_INCONCLUSIVE) {
		printf("    %-36s %12.1f cycles/op (subtracted), %" PRIu64 " ops x %u samples\n",
		       "control loop", extra(m, "control_cycles"), res->r0.iters, res->r0.nsamples);
		printf("    %-36s median %.1f, MAD %.1f, 95%% CI [%.1f, %.1f], %zu outliers (ns/op)\n",
		       "spread", m->summary.median, m->summary.mad, m->summary.ci_lo, m->summary.ci_hi,
		       m->summary.outliers);
	}
	if (res->have_counters && ops > 0)
		for (int k = 0; k < res->ncounters; k++)
			if (res->counters[k].delta)
				printf("    %-3s %-32s %12.3f /op\n", res->counters[k].vm ? "vm" : "cpu",
				       res->counters[k].name, (double)res->counters[k].delta / ops);
}

/* The NAME operands to selected[]; none: all but the test-only ones. Returns 0 or HVS_EX_USAGE (said why). */
static int select_benches(char **names, int n, int *selected)
{
	for (int i = 0; i < n; i++) {
		int hit = 0;

		for (int b = 0; b < R0_NBENCH; b++)
			if (match(names[i], ring0_descs[b].name)) {
				/* a pattern never pulls in test-only benchmarks */
				if (!strchr(names[i], '*') || !(ring0_descs[b].expect & R0_X_TEST))
					selected[b] = 1;
				hit = 1;
			}
		if (!hit) {
			hvs_err("kvm: no benchmark named '%s' (see 'hvscope kvm --list')", names[i]);
			return HVS_EX_USAGE;
		}
	}
	if (!n)
		for (int b = 0; b < R0_NBENCH; b++)
			selected[b] = !(ring0_descs[b].expect & R0_X_TEST);
	return 0;
}

/* What the benchmarks in this VMM came to (cmd_kvm's exit code and notes). */
struct kvm_tally {
	int nsel, nsetup_fail, nmeasured, any_fail, any_timeout;
	unsigned notes, emul; /* emul: RING0_NOTE_EMULATED while every measured row's loop was emulated */
};

/* Run benchmark b in a fresh VM into a new metric of set, print its row. 0, or -ENOMEM. */
static int run_one(int kvm_fd, int b, const struct kvm_bench_opts *o, const struct kvm_paging_info *pi,
		   int show_exits, struct hvs_metrics *set, struct kvm_tally *t)
{
	struct kvm_bench_result res;
	struct hvs_metric *m;
	int r;

	t->nsel++;
	fflush(stdout);
	r = kvm_bench_run(kvm_fd, (enum r0_bench_id)b, o, &res);
	m = hvs_metrics_add(set);
	if (!m) {
		kvm_bench_result_free(&res);
		return -ENOMEM;
	}
	ring0_fill_metric(m, "kvm.", b, NULL, NULL, 0, 0, 0);
	take_outcome(m, b, r, &res);
	if (r >= 0 && res.status == KVM_BENCH_OK && m->nsamples) {
		unsigned nn = ring0_notes(extra(m, "control_cycles"), res.r0.iters, res.r0.tsc_gap, -1, NULL);

		t->notes |= nn & ~RING0_NOTE_EMULATED;
		t->emul &= nn;
		t->nmeasured++;
	}
	t->nsetup_fail += r < 0;
	t->any_fail |= m->outcome == HVS_FAILED;
	t->any_timeout |= m->outcome == HVS_TIMEOUT;
	take_counters(m, &res);
	hvs_metric_set_extra(m, "tdp", pi->tdp);
	print_row(m);
	if (show_exits)
		print_exits(m, &res);
	kvm_bench_result_free(&res);
	return 0;
}

int cmd_kvm(int argc, char **argv)
{
	struct kvm_args a = { 0 };
	struct kvm_bench_opts o;
	struct kvm_paging_info pi;
	struct hvs_metrics set = { 0 };
	const char *out;
	struct hvs_context ctx;
	int kvm_fd, rc = HVS_EX_OK, op;
	struct kvm_tally t = { .emul = RING0_NOTE_EMULATED }; /* emulated: every row's loop, not one */
	int selected[R0_NBENCH] = { 0 };

	rc = hvs_opts_parse(&cmd_kvm_opts, argc, argv, &a, &op);
	if (rc != HVS_OPTS_GO)
		return rc;
	rc = HVS_EX_OK;
	o = a.bench;
	if (o.tsc_khz == TSC_KHZ_HOST) {
		o.tsc_khz = (uint64_t)(hvs_tsc_hz() / 1000.0);
		if (!o.tsc_khz) {
			hvs_err("kvm: --tsc-khz host: this host's TSC is not usable");
			return HVS_EX_NODEV;
		}
	}
	out = a.out;
	if (a.list) {
		list();
		return HVS_EX_OK;
	}
	if ((rc = select_benches(argv + op, argc - op, selected)))
		return rc;
	/* From here on SIGINT/SIGTERM/SIGHUP remove our temp files (the result's,
	 * the guest's CPUID dump) and die by the signal: 130/143. The VM and
	 * vCPU fds need nothing: the kernel frees them with the process. */
	hvs_cleanup_on_signals();
	if (a.serial)
		return from_serial(a.serial, argv + op, argc - op, o.tsc_khz, out, a.tags, argc, argv);

	kvm_fd = kvm_open();
	if (kvm_fd < 0) {
		if (kvm_fd == -EACCES || kvm_fd == -EPERM) {
			hvs_err("kvm: /dev/kvm: permission denied (join group kvm)");
			return HVS_EX_NOPERM;
		}
		hvs_err("kvm: /dev/kvm unusable: %s", kvm_fd == -EPROTO ? "wrong KVM API version" : strerror(-kvm_fd));
		return HVS_EX_NODEV;
	}
	kvm_paging_info(&pi);
	memset(&ctx, 0, sizeof(ctx));
	if (out)
		hvs_context_collect(&ctx, 0, 0);
	printf("# hvscope kvm: paging %s (%s)\n", pi.mode, pi.detail);
	header();
	for (int b = 0; b < R0_NBENCH; b++)
		if (selected[b] && run_one(kvm_fd, b, &o, &pi, a.exits, &set, &t)) {
			rc = HVS_EX_INTERNAL;
			break;
		}
	close(kvm_fd);
	if (t.nmeasured)
		t.notes |= t.emul;
	ring0_notes_print(t.notes, stdout);
	if (out && rc == HVS_EX_OK) {
		int w = write_result(out, argc, argv, &set, "kvm", pi.mode, a.tags, &ctx, t.notes, NULL);

		if (w != HVS_EX_OK)
			rc = w;
	}
	if (out)
		hvs_context_free(&ctx);
	hvs_metrics_free(&set);
	if (rc != HVS_EX_OK)
		return rc;
	if (t.nsel && t.nsetup_fail == t.nsel) {
		fflush(stdout);
		hvs_err("kvm: no VM could be set up here (see the reasons above)");
		return HVS_EX_NODEV;
	}
	if (t.any_fail)
		return HVS_EX_FAIL;
	if (t.any_timeout)
		return HVS_EX_TIMEOUT;
	return HVS_EX_OK;
}
