/*
 * cmd_kvm.c - `hvscope kvm`: ring-0 microbenchmarks in our own minimal VMM
 * on /dev/kvm (harness/vmm/kvm_vmm.c), one fresh VM per benchmark, with KVM's
 * exit counters per operation; or (--serial FILE) the same table from the
 * serial output of the bootable image (scripts/run-image.sh).
 */
#include "commands.h"
#include "results/context.h"
#include "core/hvscope.h"
#include "vmm/kvm_vmm.h"
#include "core/metric.h"
#include "results/result.h"
#include "vmm/ring0_metric.h"
#include "core/timing.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvscope kvm [NAME...] [--list] [--quick] [--timeout S] [--samples N]\n"
		"                   [--sample-us N] [--exits] [--serial FILE] [--tsc-khz K|host]\n"
		"                   [--out FILE] [--tag k=v,...]\n\n"
		"Ring-0 microbenchmarks (VM exits, hypercalls, I/O exits, paging) run by\n"
		"hvscope's own minimal VMM on /dev/kvm: one fresh VM per benchmark, a\n"
		"watchdog on every KVM_RUN, KVM's exit counters read around the measurement.\n\n"
		"  NAME          benchmarks to run (default: all but test-only ones);\n"
		"                a trailing '*' matches a prefix (tlb.*)\n"
		"  --list        list the benchmarks and what they measure\n"
		"  --quick       fewer, shorter samples (tests)\n"
		"  --timeout S   watchdog per benchmark, seconds (default 5)\n"
		"  --samples N   samples per benchmark (default 201, quick 15; max %d)\n"
		"  --sample-us N target length of one sample in microseconds (default 500)\n"
		"  --exits       also print the control loop, MAD and CI, and every KVM\n"
		"                counter that moved, per operation\n"
		"  --serial FILE summarise the bootable image's serial output instead\n"
		"  --tsc-khz K   TSC rate for cycles -> ns: kHz, or 'host' (measured here;\n"
		"                right for QEMU -accel kvm/tcg without TSC scaling); default:\n"
		"                KVM_GET_TSC_KHZ, or what the image calibrated\n"
		"  --out FILE    also write a result file (results-schema/result.schema.json;\n"
		"                '-' for stdout): metrics kvm.NAME or image.NAME with samples,\n"
		"                cycles, exits per op; tags driver=kvm|image and paging=...\n"
		"  --tag k=v,... extra tags for the result file\n\n"
		"Columns: median ns per operation with the loop's own cost (control loop)\n"
		"subtracted, half-width of its 95%% CI, cycles per op, VM exits and\n"
		"instructions emulated by KVM per op (KVM binary stats 'exits' and\n"
		"'insn_emulation'; '-' when unreadable; kvm_pvm emulates the guest's\n"
		"instructions without counting exits), status.\n\n"
		"Status 'inconclusive': measured, but the median is negative or its 95%% CI\n"
		"reaches zero, so the data cannot tell the cost (never 'pass'; it does not\n"
		"change the exit code: nothing failed). '# note:' lines say when the numbers\n"
		"are instruction-emulation costs or the TSC is trapped/emulated.\n\n"
		"Exit codes: 0 all ran (pass or inconclusive) or were skipped, 1 a benchmark failed, 2 usage,\n"
		"6 no /dev/kvm (or no VM could be set up at all), 7 no permission,\n"
		"8 a benchmark timed out (the others ran);\n"
		"with --serial: 3 malformed line, 4 unknown benchmark name, 9 unreadable file.\n",
		R0_MAX_SAMPLES);
}

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

static double extra(const struct hvs_metric *m, const char *key)
{
	for (int i = 0; i < m->nextra; i++)
		if (!strcmp(m->extra[i].key, key))
			return m->extra[i].val;
	return NAN;
}

static void print_row(const struct hvs_metric *m, const char *status)
{
	double ex = extra(m, "exits_per_op"), em = extra(m, "insn_emulation_per_op");
	char exs[24] = "-", ems[24] = "-";

	if (!isnan(ex))
		snprintf(exs, sizeof(exs), "%.2f", ex);
	if (!isnan(em))
		snprintf(ems, sizeof(ems), "%.2f", em);
	if (m->nsamples)
		printf("%-26s %11.1f %9.1f %10.0f %8s %8s  %s\n", m->name, m->summary.median,
		       (m->summary.ci_hi - m->summary.ci_lo) / 2, extra(m, "cycles"), exs, ems, status);
	else
		printf("%-26s %11s %9s %10s %8s %8s  %s\n", m->name, "-", "-", "-", exs, ems, status);
}

static void header(void)
{
	printf("%-26s %11s %9s %10s %8s %8s  %s\n", "benchmark", "median ns", "+-CI ns", "cycles", "exits/op",
	       "emul/op", "status");
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

/* `hvscope kvm --serial FILE`: the bootable image's lines to the same table. */
static int from_serial(const char *path, char **names, int nnames, uint64_t tsc_khz, const char *out,
		       const char *tags, int argc, char **argv)
{
	FILE *f = fopen(path, "r");
	struct hvs_metrics set = { 0 };
	char *line = NULL, started[64] = "";
	size_t cap = 0;
	int rc = HVS_EX_OK, nres = 0, ended = 0, any_fail = 0, any_timeout = 0, nmeas = 0;
	unsigned notes = 0, emul = RING0_NOTE_EMULATED; /* emulated: every row's loop, not one */
	struct ring0_guest_view gv;

	if (!f) {
		hvs_err("kvm: cannot open %s: %s", path, strerror(errno));
		return HVS_EX_IO;
	}
	ring0_guest_view_init(&gv);
	header();
	while (getline(&line, &cap, f) > 0) {
		struct ring0_serial_result r;
		int t = ring0_parse_serial_line(line, &r), id;
		struct hvs_metric *m;

		if (t == 2) {
			hvs_strlcpy(started, r.bench, sizeof(started));
			continue;
		}
		if (t == 3) {
			ended = 1;
			continue;
		}
		if (t == 4 || t == 5) {
			ring0_guest_view_add(&gv, t, &r); /* the guest's own facts and CPUID */
			continue;
		}
		if (t == -EINVAL) {
			hvs_err("kvm: %s: malformed result line", path);
			rc = HVS_EX_PARSE;
			break;
		}
		if (t != 1)
			continue;
		started[0] = 0;
		id = ring0_find(r.bench);
		if (id < 0) {
			hvs_err("kvm: %s: unknown benchmark '%s'", path, r.bench);
			free(r.cycles);
			free(r.control);
			rc = HVS_EX_SCHEMA;
			break;
		}
		int want = !nnames;

		for (int i = 0; i < nnames; i++)
			want |= match(names[i], r.bench);
		m = want ? hvs_metrics_add(&set) : NULL;
		if (m) {
			nres++;
			if (!strcmp(r.status, "ok")) {
				if (ring0_fill_metric(m, "image.", id, r.cycles, r.control, r.n, r.iters,
						      tsc_khz ? tsc_khz : r.tsc_khz) < 0) {
					m->outcome = HVS_FAILED;
					any_fail = 1;
					hvs_strlcpy(m->reason, "no samples or no TSC rate", sizeof(m->reason));
				} else {
					unsigned nn = ring0_notes(extra(m, "control_cycles"), r.iters, gv.tsc_gap, gv.xen_vtsc,
								  gv.hypervisor);

					ring0_judge(m);
					notes |= nn & ~RING0_NOTE_EMULATED;
					emul &= nn;
					nmeas++;
				}
			} else {
				ring0_fill_metric(m, "image.", id, NULL, NULL, 0, 0, 0);
				if (!strcmp(r.status, "skip")) {
					m->outcome = HVS_SKIP;
					m->flags |= HVS_MF_SKIPPED;
				} else if (!strcmp(r.status, "timeout")) {
					m->outcome = HVS_TIMEOUT;
					m->flags |= HVS_MF_TIMEOUT;
					any_timeout = 1;
				} else {
					m->outcome = HVS_FAILED;
					any_fail = 1;
				}
				hvs_strlcpy(m->reason, r.reason, sizeof(m->reason));
			}
			char st[240];

			snprintf(st, sizeof(st), "%s%s%s", hvs_outcome_name(m->outcome), m->reason[0] ? ": " : "",
				 m->reason);
			print_row(m, st);
		}
		free(r.cycles);
		free(r.control);
	}
	free(line);
	fclose(f);
	if (rc == HVS_EX_OK && started[0]) {
		/* A benchmark started and never reported: the image hung there. */
		printf("image.%-20s %11s %9s %10s %8s %8s  %s\n", started, "-", "-", "-", "-", "-",
		       "timeout: no result on the console");
		rc = HVS_EX_TIMEOUT;
	} else if (rc == HVS_EX_OK && !ended && !nres) {
		hvs_err("kvm: %s: no result lines from the ring-0 image", path);
		rc = HVS_EX_PARSE;
	} else if (rc == HVS_EX_OK && any_fail) {
		rc = HVS_EX_FAIL;
	} else if (rc == HVS_EX_OK && any_timeout) {
		rc = HVS_EX_TIMEOUT;
	}
	if (nmeas)
		notes |= emul;
	ring0_notes_print(notes, stdout);
	if (out && (rc == HVS_EX_OK || rc == HVS_EX_FAIL || rc == HVS_EX_TIMEOUT)) {
		struct hvs_context c;
		char gt[160], why[160];
		int w;

		/* The context is this host's, where the serial log is read, but
		 * the fingerprint is the guest's: its own CPUID leaves, decoded
		 * by the probe; its boot protocol and signature become tags. */
		memset(&c, 0, sizeof(c));
		hvs_context_collect(&c, 0, 0);
		if (gv.dlen && ring0_guest_context(&c, gv.dump, gv.dlen, why, sizeof(why)) < 0)
			hvs_err("kvm: %s: %s (the reading host's fingerprint is kept)", path, why);
		ring0_guest_view_tags(&gv, gt, sizeof(gt));
		w = write_result(out, argc, argv, &set, "image", NULL, tags, &c, notes, gt);
		hvs_context_free(&c);
		if (w != HVS_EX_OK)
			rc = w;
	}
	hvs_metrics_free(&set);
	ring0_guest_view_free(&gv);
	return rc;
}

int cmd_kvm(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },	     { "list", no_argument, NULL, 'l' },
		{ "quick", no_argument, NULL, 'q' },	     { "timeout", required_argument, NULL, 't' },
		{ "samples", required_argument, NULL, 'n' }, { "sample-us", required_argument, NULL, 'u' },
		{ "exits", no_argument, NULL, 'e' },	     { "serial", required_argument, NULL, 's' },
		{ "tsc-khz", required_argument, NULL, 'k' }, { "out", required_argument, NULL, 'o' },
		{ "tag", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	struct kvm_bench_opts o = { .timeout_s = 5.0 };
	struct kvm_paging_info pi;
	struct hvs_metrics set = { 0 };
	const char *serial = NULL, *out = NULL, *tags = NULL;
	struct hvs_context ctx;
	int c, do_list = 0, show_exits = 0, kvm_fd, rc = HVS_EX_OK, any_timeout = 0, any_fail = 0;
	int nsel = 0, nsetup_fail = 0, nmeasured = 0;
	unsigned notes = 0, emul = RING0_NOTE_EMULATED; /* emulated: every row's loop, not one */
	char *end;
	int selected[R0_NBENCH] = { 0 };

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hlq", lo, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return HVS_EX_OK;
		case 'l':
			do_list = 1;
			break;
		case 'q':
			o.quick = 1;
			break;
		case 't':
			o.timeout_s = strtod(optarg, &end);
			if (*end || !(o.timeout_s > 0) || o.timeout_s > 3600) {
				hvs_err("kvm: --timeout wants seconds in (0, 3600], not '%s'", optarg);
				return HVS_EX_USAGE;
			}
			break;
		case 'n':
		case 'u': {
			unsigned long v = strtoul(optarg, &end, 10);

			if (*end || !v || v > (c == 'n' ? R0_MAX_SAMPLES : 1000000)) {
				hvs_err("kvm: bad --%s '%s'", c == 'n' ? "samples" : "sample-us", optarg);
				return HVS_EX_USAGE;
			}
			if (c == 'n')
				o.nsamples = (uint32_t)v;
			else
				o.sample_us = (uint32_t)v;
			break;
		}
		case 'e':
			show_exits = 1;
			break;
		case 'k':
			if (!strcmp(optarg, "host")) {
				o.tsc_khz = (uint64_t)(hvs_tsc_hz() / 1000.0);
				if (!o.tsc_khz) {
					hvs_err("kvm: --tsc-khz host: this host's TSC is not usable");
					return HVS_EX_NODEV;
				}
			} else {
				unsigned long long v = strtoull(optarg, &end, 10);

				if (*end || !v || v > 100000000ull) {
					hvs_err("kvm: --tsc-khz wants kHz or 'host', not '%s'", optarg);
					return HVS_EX_USAGE;
				}
				o.tsc_khz = v;
			}
			break;
		case 's':
			serial = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'g':
			tags = optarg;
			break;
		default:
			hvs_err("kvm: unknown option '%s' (try 'hvscope kvm --help')", argv[optind - 1]);
			return HVS_EX_USAGE;
		}
	}
	if (do_list) {
		list();
		return HVS_EX_OK;
	}
	for (int i = optind; i < argc; i++) {
		int hit = 0;

		for (int b = 0; b < R0_NBENCH; b++)
			if (match(argv[i], ring0_descs[b].name)) {
				/* a pattern never pulls in test-only benchmarks */
				if (!strchr(argv[i], '*') || !(ring0_descs[b].expect & R0_X_TEST))
					selected[b] = 1;
				hit = 1;
			}
		if (!hit) {
			hvs_err("kvm: no benchmark named '%s' (see 'hvscope kvm --list')", argv[i]);
			return HVS_EX_USAGE;
		}
	}
	if (serial)
		return from_serial(serial, argv + optind, argc - optind, o.tsc_khz, out, tags, argc, argv);
	if (optind == argc)
		for (int b = 0; b < R0_NBENCH; b++)
			selected[b] = !(ring0_descs[b].expect & R0_X_TEST);

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
	for (int b = 0; b < R0_NBENCH; b++) {
		struct kvm_bench_result res;
		struct hvs_metric *m;
		double ops, exits_per_op = 0;
		char st[260];
		int r;

		if (!selected[b])
			continue;
		nsel++;
		fflush(stdout);
		r = kvm_bench_run(kvm_fd, (enum r0_bench_id)b, &o, &res);
		m = hvs_metrics_add(&set);
		if (!m) {
			kvm_bench_result_free(&res);
			rc = HVS_EX_INTERNAL;
			break;
		}
		ring0_fill_metric(m, "kvm.", b, NULL, NULL, 0, 0, 0);
		if (r < 0) {
			/* The VMM could not even start this VM: skip with the reason. */
			nsetup_fail++;
			m->outcome = HVS_SKIP;
			m->flags |= HVS_MF_SKIPPED;
			snprintf(m->reason, sizeof(m->reason), "VMM setup: %.180s", res.reason);
		} else if (res.status == KVM_BENCH_OK) {
			if (ring0_fill_metric(m, "kvm.", b, res.cycles, res.control, res.r0.nsamples, res.r0.iters,
					      res.tsc_khz) < 0) {
				m->outcome = HVS_FAILED;
				hvs_strlcpy(m->reason, "no samples", sizeof(m->reason));
				any_fail = 1;
			} else {
				unsigned nn = ring0_notes(extra(m, "control_cycles"), res.r0.iters, res.r0.tsc_gap, -1, NULL);

				ring0_judge(m);
				notes |= nn & ~RING0_NOTE_EMULATED;
				emul &= nn;
				nmeasured++;
			}
		} else if (res.status == KVM_BENCH_SKIP) {
			m->outcome = HVS_SKIP;
			m->flags |= HVS_MF_SKIPPED;
			hvs_strlcpy(m->reason, res.reason, sizeof(m->reason));
		} else if (res.status == KVM_BENCH_TIMEOUT) {
			m->outcome = HVS_TIMEOUT;
			m->flags |= HVS_MF_TIMEOUT;
			hvs_strlcpy(m->reason, res.reason, sizeof(m->reason));
			any_timeout = 1;
		} else {
			m->outcome = HVS_FAILED;
			hvs_strlcpy(m->reason, res.reason, sizeof(m->reason));
			any_fail = 1;
		}
		ops = (double)res.r0.iters * res.r0.nsamples;
		if (res.have_counters && ops > 0 && (m->outcome == HVS_PASS || m->outcome == HVS_INCONCLUSIVE)) {
			exits_per_op = (double)res.exits / ops;
			hvs_metric_set_extra(m, "exits_per_op", exits_per_op);
			for (size_t k = 0; k < HVS_ARRAY_SIZE(counter_extras); k++) {
				long long v = kvm_counter_get(&res, counter_extras[k]);
				char key[40];

				if (v < 0)
					continue;
				snprintf(key, sizeof(key), "%s_per_op", counter_extras[k]);
				hvs_metric_set_extra(m, key, (double)v / ops);
			}
		}
		hvs_metric_set_extra(m, "tdp", pi.tdp);
		snprintf(st, sizeof(st), "%s%s%s", hvs_outcome_name(m->outcome), m->reason[0] ? ": " : "", m->reason);
		print_row(m, st);
		if (show_exits && (m->outcome == HVS_PASS || m->outcome == HVS_INCONCLUSIVE)) {
			printf("    %-36s %12.1f cycles/op (subtracted), %" PRIu64 " ops x %u samples\n",
			       "control loop", extra(m, "control_cycles"), res.r0.iters, res.r0.nsamples);
			printf("    %-36s median %.1f, MAD %.1f, 95%% CI [%.1f, %.1f], %zu outliers (ns/op)\n",
			       "spread", m->summary.median, m->summary.mad, m->summary.ci_lo, m->summary.ci_hi,
			       m->summary.outliers);
		}
		if (show_exits && res.have_counters && ops > 0)
			for (int k = 0; k < res.ncounters; k++)
				if (res.counters[k].delta)
					printf("    %-3s %-32s %12.3f /op\n", res.counters[k].vm ? "vm" : "cpu",
					       res.counters[k].name, (double)res.counters[k].delta / ops);
		kvm_bench_result_free(&res);
	}
	close(kvm_fd);
	if (nmeasured)
		notes |= emul;
	ring0_notes_print(notes, stdout);
	if (out && rc == HVS_EX_OK) {
		int w = write_result(out, argc, argv, &set, "kvm", pi.mode, tags, &ctx, notes, NULL);

		if (w != HVS_EX_OK)
			rc = w;
	}
	if (out)
		hvs_context_free(&ctx);
	hvs_metrics_free(&set);
	if (rc != HVS_EX_OK)
		return rc;
	if (nsel && nsetup_fail == nsel) {
		fflush(stdout);
		hvs_err("kvm: no VM could be set up here (see the reasons above)");
		return HVS_EX_NODEV;
	}
	if (any_fail)
		return HVS_EX_FAIL;
	if (any_timeout)
		return HVS_EX_TIMEOUT;
	return HVS_EX_OK;
}
