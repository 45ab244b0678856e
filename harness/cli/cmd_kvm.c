/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_kvm.c - `hvscope kvm`: ring-0 microbenchmarks in our own minimal VMM
 * on /dev/kvm (harness/vmm/kvm_vmm.c), one fresh VM per benchmark, with KVM's
 * exit counters per operation; or (--serial FILE) the same table from the
 * serial output of the bootable image (scripts/run-image.sh). Here: the
 * options, --list, the table on the screen (hooks) and the exit code; the
 * run itself, either driver, is vmm/ring0_run.c's.
 */
#include "commands.h"
#include "core/cleanup.h"
#include "mprint.h"
#include "options.h"
#include "core/hvscope.h"
#include "vmm/kvm_vmm.h"
#include "core/metric.h"
#include "vmm/ring0_metric.h"
#include "vmm/ring0_run.h"
#include "core/timing.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct kvm_args {
	struct kvm_bench_opts bench;
	int list, exits, json;
	const char *serial, *out, *tags;
};

/* Where the table goes: stdout, or stderr when the result file does (--out -, --json). */
static FILE *screen;

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
		"                   [--out FILE|--json] [--tag k=v,...] [--hyperv]\n\n"
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
			  "'-' for stdout, the table then on stderr): metrics kvm.NAME or\n"
			  "image.NAME with samples, cycles, exits per op; tags\n"
			  "driver=kvm|image and paging=..." },
		{ HVS_OPT_FLAG, "json", 0, NULL, KVM_AT(json),
		  .help = "the result file on stdout (as --out -); the table goes to stderr" },
		{ HVS_OPT_STRING, "tag", 0, "k=v,...", KVM_AT(tags), .help = "extra tags for the result file" },
		{ HVS_OPT_FLAG, "hyperv", 0, NULL, KVM_AT(bench.hyperv),
		  .help = "present KVM's Hyper-V CPUID leaves (KVM_GET_SUPPORTED_HV_CPUID)\n"
			  "at 0x40000000, KVM's at 0x40000100, as QEMU's hv-* flags do:\n"
			  "the hyperv.* rows then call KVM's Hyper-V hypercalls" },
		{ 0 } },
};

static void list(void)
{
	for (int i = 0; i < R0_NBENCH; i++)
		printf("%-22s %-9s %s%s\n", ring0_descs[i].name, ring0_descs[i].klass, ring0_descs[i].what,
		       (ring0_descs[i].expect & R0_X_TEST) ? " [test only]" : "");
}

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
	hvs_mprint_table_row(screen, NAME_W, cols, HVS_ARRAY_SIZE(cols), m, st);
}

static void header(void)
{
	hvs_mprint_table_header(screen, NAME_W, cols, HVS_ARRAY_SIZE(cols));
}

/* --exits: the control loop, the spread and every counter that moved, per operation. */
static void print_exits(const struct hvs_metric *m, const struct kvm_bench_result *res)
{
	double ops = (double)res->r0.iters * res->r0.nsamples;

	if (m->outcome == HVS_PASS || m->outcome == HVS_INCONCLUSIVE) {
		fprintf(screen, "    %-36s %12.1f cycles/op (subtracted), %" PRIu64 " ops x %u samples\n",
		       "control loop", extra(m, "control_cycles"), res->r0.iters, res->r0.nsamples);
		fprintf(screen, "    %-36s median %.1f, MAD %.1f, 95%% CI [%.1f, %.1f], %zu outliers (ns/op)\n",
		       "spread", m->summary.median, m->summary.mad, m->summary.ci_lo, m->summary.ci_hi,
		       m->summary.outliers);
	}
	if (res->have_counters && ops > 0)
		for (int k = 0; k < res->ncounters; k++)
			if (res->counters[k].delta)
				fprintf(screen, "    %-3s %-32s %12.3f /op\n", res->counters[k].vm ? "vm" : "cpu",
				       res->counters[k].name, (double)res->counters[k].delta / ops);
}

/* The hooks of vmm/ring0_run.h: what the screen shows of a run. */
static void on_start(const struct kvm_paging_info *pi, void *arg)
{
	(void)arg;
	fprintf(screen, "# hvscope kvm: paging %s (%s)\n", pi->mode, pi->detail);
	header();
}

static void on_before(int b, void *arg)
{
	(void)b, (void)arg;
	fflush(screen);
}

static void on_row(const struct hvs_metric *m, const struct kvm_bench_result *res, void *arg)
{
	const struct kvm_args *a = arg;

	print_row(m);
	if (a->exits)
		print_exits(m, res);
}

static void on_table(const struct hvs_metrics *set, const struct ring0_serial_summary *sum,
		     enum ring0_run_status st, void *arg)
{
	const struct kvm_args *a = arg;

	header();
	for (size_t i = 0; i < set->n; i++)
		print_row(&set->v[i]);
	if (sum->hung[0]) {
		/* A benchmark started and never reported: the image hung there. */
		struct hvs_metric hung = { .outcome = HVS_TIMEOUT };

		snprintf(hung.name, sizeof(hung.name), "image.%s", sum->hung);
		hvs_mprint_table_row(screen, NAME_W, cols, HVS_ARRAY_SIZE(cols), &hung,
				     "timeout: no result on the console");
	} else if (st == RING0_RUN_NO_RESULTS) {
		hvs_err("kvm: %s: no result lines from the ring-0 image", a->serial);
	}
}

static void on_notes(unsigned notes, void *arg)
{
	(void)arg;
	ring0_notes_print(notes, screen);
}

static void on_warn(const char *msg, void *arg)
{
	(void)arg;
	hvs_err("kvm: %s", msg);
}

/* A run's status, or -errno, to the exit code (--help's list). */
static int exit_code(int r, const char *why)
{
	static const int code[] = { [RING0_RUN_OK] = HVS_EX_OK,
				    [RING0_RUN_FAIL] = HVS_EX_FAIL,
				    [RING0_RUN_TIMEOUT] = HVS_EX_TIMEOUT,
				    [RING0_RUN_NO_VM] = HVS_EX_NODEV,
				    [RING0_RUN_NO_RESULTS] = HVS_EX_PARSE };

	if (r < 0) {
		if (why[0])
			hvs_err("kvm: %s", why);
		return hvs_errno_exit(-r);
	}
	if (r == RING0_RUN_NO_VM) {
		fflush(screen);
		hvs_err("kvm: no VM could be set up here (see the reasons above)");
	}
	return code[r];
}

int cmd_kvm(int argc, char **argv)
{
	struct kvm_args a = { 0 };
	const struct ring0_run_hooks hooks = { on_start, on_before, on_row, on_table, on_notes, on_warn, &a };
	int selected[R0_NBENCH] = { 0 };
	struct ring0_run_out w;
	const char *bad;
	char why[1024]; /* hvs_err()'s own limit */
	int rc, op;

	rc = hvs_opts_parse(&cmd_kvm_opts, argc, argv, &a, &op);
	if (rc != HVS_OPTS_GO)
		return rc;
	if (a.bench.tsc_khz == TSC_KHZ_HOST) {
		a.bench.tsc_khz = (uint64_t)(hvs_tsc_hz() / 1000.0);
		if (!a.bench.tsc_khz) {
			hvs_err("kvm: --tsc-khz host: this host's TSC is not usable");
			return HVS_EX_NODEV;
		}
	}
	if (a.list) {
		list();
		return HVS_EX_OK;
	}
	if (a.json && a.out && strcmp(a.out, "-"))
		return hvs_opts_fail("kvm", "--json writes the result file to stdout: not with --out %s", a.out);
	if (a.json)
		a.out = "-";
	screen = a.out && !strcmp(a.out, "-") ? stderr : stdout;
	if (ring0_run_select(argv + op, argc - op, selected, &bad)) {
		hvs_err("kvm: no benchmark named '%s' (see 'hvscope kvm --list')", bad);
		return HVS_EX_USAGE;
	}
	/* From here on SIGINT/SIGTERM/SIGHUP remove our temp files (the result's,
	 * the guest's CPUID dump) and die by the signal: 130/143. The VM and
	 * vCPU fds need nothing: the kernel frees them with the process. */
	hvs_cleanup_on_signals();
	w = (struct ring0_run_out){ a.out, a.tags, argc, argv };
	if (a.serial)
		rc = ring0_run_serial(a.serial, argv + op, argc - op, a.bench.tsc_khz, &w, &hooks, why, sizeof(why));
	else
		rc = ring0_run_kvm(selected, &a.bench, &w, &hooks, why, sizeof(why));
	return exit_code(rc, why);
}
