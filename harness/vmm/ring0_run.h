/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ring0_run.h - one run of the ring-0 benchmarks as `hvscope kvm` makes it,
 * either driver: live in our VMM on /dev/kvm (kvm_vmm.h, one fresh VM per
 * benchmark, KVM's exit counters per operation) or read back from the
 * bootable image's serial log (ring0_metric.h). Which benchmarks the NAME
 * operands select, each row's outcome and counters, what the run came to,
 * and its result file. Prints nothing: rows, the table and the notes reach
 * the caller through hooks, errors come back as -errno with one line in why.
 */
#ifndef HVS_RING0_RUN_H
#define HVS_RING0_RUN_H

#include "core/metric.h"
#include "vmm/kvm_vmm.h"
#include "vmm/ring0_metric.h"

#include <stddef.h>
#include <stdint.h>

/*
 * The NAME operands (a trailing '*' matches a prefix: "tlb.*") to
 * selected[]: 1 for each benchmark to run. No operands: all but the
 * test-only ones; a pattern never pulls in a test-only benchmark, its full
 * name does. Returns 0, or -HVS_EUSAGE with *bad the operand that names no
 * benchmark.
 */
int ring0_run_select(char *const *names, int n, int selected[R0_NBENCH], const char **bad);

/* What a run came to, worst first as the command tells it (never an error: those are -errno). */
enum ring0_run_status {
	RING0_RUN_OK = 0,     /* every row passed, was inconclusive or skipped */
	RING0_RUN_FAIL,       /* a benchmark failed */
	RING0_RUN_TIMEOUT,    /* a benchmark timed out, or the image hung in one; the others ran */
	RING0_RUN_NO_VM,      /* /dev/kvm: not one VM could be set up (every row says why) */
	RING0_RUN_NO_RESULTS, /* serial log: not one result line, and no end line */
};

/* The result file of a run: none when out is NULL. */
struct ring0_run_out {
	const char *out;  /* the file ("-": stdout) */
	const char *tags; /* the user's k=v,... or NULL */
	int argc;         /* the command line, for the run record */
	char **argv;
};

/*
 * What the caller sees of a run, in this order; any hook may be NULL.
 * /dev/kvm: start, then before and row per benchmark, then notes.
 * Serial log: table, then notes. The result file is written after notes.
 */
struct ring0_run_hooks {
	/* /dev/kvm is open; its paging mode in force */
	void (*start)(const struct kvm_paging_info *pi, void *arg);
	/* benchmark b is about to run (rows appear as they are measured: flush here) */
	void (*before)(int b, void *arg);
	/* benchmark b's row, as soon as it is measured; res: what the VMM saw (counters) */
	void (*row)(const struct hvs_metric *m, const struct kvm_bench_result *res, void *arg);
	/* the serial log's rows, and sum->hung: a benchmark that started and never reported */
	void (*table)(const struct hvs_metrics *set, const struct ring0_serial_summary *sum,
		      enum ring0_run_status st, void *arg);
	/* the run's RING0_NOTE_* (0: none) */
	void (*notes)(unsigned notes, void *arg);
	/* something that does not stop the run (one line, no newline) */
	void (*warn)(const char *msg, void *arg);
	void *arg;
};

/*
 * Run the selected benchmarks on /dev/kvm, one fresh VM each, options o;
 * metrics "kvm.NAME" with KVM's counters per operation as extras, judged
 * by ring0_judge(); the result file (tags driver=kvm, paging=..., notes=...)
 * when w->out is set and every row could be stored. Returns an enum
 * ring0_run_status, or -errno with one line in why (why "" for -ENOMEM):
 * -EACCES/-EPERM no permission on /dev/kvm, -ENODEV no usable /dev/kvm,
 * -HVS_EUSAGE a bad --tag, the result file's write errno
 * (hvs_write_errno()), -ENOMEM.
 */
int ring0_run_kvm(const int selected[R0_NBENCH], const struct kvm_bench_opts *o, const struct ring0_run_out *w,
		  const struct ring0_run_hooks *h, char *why, size_t whylen);

/*
 * Summarise the image's serial log at path: one "image.NAME" row per result
 * line whose benchmark the NAME operands match (names: as for
 * ring0_run_select(), but a pattern keeps test-only rows too; none: all),
 * converted with tsc_khz (0: the rate the image calibrated). The result
 * file (tags driver=image, notes=..., guest.*; the guest's own fingerprint
 * from its CPUID lines, else the reading host's, with a warning) unless the
 * status is RING0_RUN_NO_RESULTS. Returns an enum ring0_run_status, or
 * -errno with one line in why: those of ring0_serial_metrics() before any
 * hook ran, then -HVS_EUSAGE a bad --tag or the write errno.
 */
int ring0_run_serial(const char *path, char *const *names, int n, uint64_t tsc_khz, const struct ring0_run_out *w,
		     const struct ring0_run_hooks *h, char *why, size_t whylen);

#endif
