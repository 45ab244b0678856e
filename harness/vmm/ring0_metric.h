/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ring0_metric.h - from the ring-0 payload's raw samples (either driver:
 * the /dev/kvm VMM or the bootable image's serial lines) to struct
 * hvs_metric, and the reader of the image's serial JSON lines.
 */
#ifndef HVS_RING0_METRIC_H
#define HVS_RING0_METRIC_H

#include "core/metric.h"
#include "microbench/ring0/ring0_abi.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ring0_desc {
	const char *name, *klass, *what;
	uint32_t expect; /* R0_X_* */
};
extern const struct ring0_desc ring0_descs[R0_NBENCH];

/* Index of the benchmark called name, or -1. */
int ring0_find(const char *name);

/*
 * Fill m (name = prefix + benchmark name, unit ns) from n pairs of
 * benchmark/control loop cycle counts of iters operations each: per-op
 * sample i = (cycles[i] - median(control)) / iters, converted with tsc_khz.
 * Extras: cycles (median per op), control_cycles, tsc_khz. Returns 0 or
 * -errno (-EINVAL: no samples or no TSC rate).
 */
int ring0_fill_metric(struct hvs_metric *m, const char *prefix, int id, const uint64_t *cycles,
		      const uint64_t *control, uint32_t n, uint64_t iters, uint64_t tsc_khz);

/*
 * The verdict on a filled metric (the rule for every ring-0 row, either
 * driver): pass only when the median and the lower end of its 95% CI are
 * both above zero. A negative median, or a CI that reaches zero, means the
 * operation cannot be told from the control loop's own noise (an op cheaper
 * than the loop's jitter, a TSC that is trapped or emulated, a preempted
 * vCPU): the row is HVS_INCONCLUSIVE with the numbers in m->reason, never a
 * pass and never a failure (the measurement ran; the data cannot say).
 * Sets m->outcome and m->reason; returns the outcome.
 */
enum hvs_outcome ring0_judge(struct hvs_metric *m);

/*
 * What the environment makes of the numbers, as bits (one result file or one
 * screen can carry several): each with a sentence for the screen and a
 * short token for the result file's tags.
 */
#define RING0_NOTE_EMULATED (1u << 0)    /* control loop >= RING0_EMULATED_CYCLES per op */
#define RING0_NOTE_TSC_TRAPPED (1u << 1) /* back-to-back RDTSC >= RING0_TSC_TRAPPED_CYCLES apart */
#define RING0_NOTE_TSC_XEN (1u << 2)     /* Xen says it emulates the TSC (CPUID base+3.0 EAX[0]) */
#define RING0_NOTE_TCG (1u << 3)         /* QEMU TCG ("TCGTCGTCGTCG" at 0x40000000) */
#define RING0_NOTE_MAX 4
/* A native loop of a handful of instructions costs a few cycles per op; one
 * that costs this many is being emulated instruction by instruction (kvm_pvm:
 * ~2,400 cycles for ~7 instructions). */
#define RING0_EMULATED_CYCLES 500.0
/* Two back-to-back LFENCE;RDTSC take ~20-80 cycles on hardware; a TSC read
 * that exits to the hypervisor takes thousands. */
#define RING0_TSC_TRAPPED_CYCLES 1000u

/* The sentence for one note bit ("" for an unknown bit). */
const char *ring0_note_text(unsigned bit);
/* Its token for a result-file tag: "emulation", "tsc-trapped", "tsc-xen-emulated", "tcg". */
const char *ring0_note_token(unsigned bit);

/*
 * The notes that follow from what the payload saw: control loop cycles per
 * op (NAN: unknown) over iters ops per sample, the fewest cycles between two
 * back-to-back RDTSCs (0: unknown), Xen's TSC-emulated bit (-1: not Xen)
 * and the hypervisor signature ("" or NULL: none). The loop counts as
 * emulated when its cost per op stays >= RING0_EMULATED_CYCLES after the
 * timer's own share (one TSC read per sample, tsc_gap / iters) is taken
 * out: with a trapped TSC and few ops per sample the timer alone makes a
 * loop look expensive (Xen PVH on TCG: one op per sample). Emulation is a
 * property of the run: a caller sets RING0_NOTE_EMULATED only when every
 * measured row has it (one row's loop can be slow for its own reasons:
 * pf.first_touch's control loop misses TCG's software TLB on every page).
 */
unsigned ring0_notes(double control_cycles, uint64_t iters, uint32_t tsc_gap, int xen_vtsc, const char *hv_sig);

/* The tag value for a set of notes: tokens joined by '+' ("" for none). */
void ring0_notes_tag(unsigned notes, char *buf, size_t len);

/* Print each note as a "# note: ..." line. */
void ring0_notes_print(unsigned notes, FILE *f);

struct hvs_context;
/* (ring0_guest.c) Add each note's sentence to the context's warnings (the result file's
 * context.warnings, shown by reports beside the platform). */
void ring0_notes_to_context(unsigned notes, struct hvs_context *c);

/*
 * The guest's own view in an image result's context: dump (dlen bytes) is
 * the guest's CPUID in `cpuid -r` text form (from the image's cpuid lines),
 * decoded by the probe (probes/fingerprint.h, as `hvscope probe
 * --cpuid-dump` would) into the fingerprint and hypervisor summary that
 * replace the reading host's. Returns 0, or -errno
 * with c unchanged and the reason in why.
 */
int ring0_guest_context(struct hvs_context *c, const char *dump, size_t dlen, char *why, size_t whylen);

/*
 * What the image said about itself, gathered while its
 * serial lines are read: the hello line's facts and its cpuid lines as a
 * `cpuid -r` text dump (at most 1 MiB).
 */
struct ring0_guest_view {
	char boot[16], vendor[16], hypervisor[16];
	uint32_t tsc_gap;
	int xen_vtsc;    /* -1: not Xen, or not said */
	char *dump;      /* owned; NULL until a cpuid line */
	size_t dlen, dcap;
};
struct ring0_serial_result;
void ring0_guest_view_init(struct ring0_guest_view *v);
/* Take a parsed hello (type 4) or cpuid (type 5) line; others are ignored. */
void ring0_guest_view_add(struct ring0_guest_view *v, int type, const struct ring0_serial_result *r);
/* The result-file tags "guest.boot=..,guest.vendor=..,guest.hypervisor=..". */
void ring0_guest_view_tags(const struct ring0_guest_view *v, char *buf, size_t len);
void ring0_guest_view_free(struct ring0_guest_view *v);

/* One result line of the image's serial output, parsed. */
struct ring0_serial_result {
	char bench[64];
	char status[16];  /* ok, skip, fail */
	char reason[200];
	uint64_t iters, tsc_khz;
	uint64_t *cycles, *control; /* owned */
	uint32_t n, nctl;
	/* hello: the guest's own view (empty / 0 / -1 when the line lacks them) */
	char boot[16], vendor[16], hypervisor[16];
	uint32_t tsc_gap;
	int xen_vtsc;
	/* cpuid: one leaf of the guest's CPUID */
	uint32_t leaf, subleaf, regs[4];
};

/* What a line of the image's serial output is (ring0_parse_serial_line()). */
enum ring0_line {
	R0_LINE_NOISE = 0,  /* not ours: firmware, kernel messages */
	R0_LINE_RESULT = 1, /* r filled; free r->cycles and r->control */
	R0_LINE_START = 2,  /* a benchmark starts: r->bench set */
	R0_LINE_END = 3,    /* the image finished */
	R0_LINE_HELLO = 4,  /* the image's greeting: r->tsc_khz set */
	R0_LINE_CPUID = 5,  /* one CPUID row of the guest's view: leaf, subleaf, regs */
};

/*
 * Parse one line: returns an enum ring0_line, or -EINVAL for a malformed
 * line of ours. "hello" fills tsc_khz and, when present, boot, vendor,
 * hypervisor, tsc_gap, xen_vtsc; "cpuid" fills leaf, subleaf, regs.
 */
int ring0_parse_serial_line(const char *line, struct ring0_serial_result *r);

/* What a serial log held besides its metrics (ring0_serial_metrics()). */
struct ring0_serial_summary {
	int results;   /* result lines taken into the set */
	int ended;     /* the image's end line was seen */
	char hung[64]; /* a benchmark that started and never reported, "" if none */
	int any_fail, any_timeout;
	unsigned notes; /* RING0_NOTE_* for the run (EMULATED only if every measured row's loop is) */
	int measured;   /* rows with samples (judged by ring0_judge()) */
	struct ring0_guest_view gv; /* the image's own facts and CPUID; ring0_serial_summary_free() */
};
void ring0_serial_summary_free(struct ring0_serial_summary *sum);

/*
 * The bootable image's serial log at path as metrics: one "image.NAME" per
 * result line whose benchmark keep() accepts (keep NULL: all), converted
 * with tsc_khz (0: the rate the image calibrated), outcome and reason from
 * the line's status, measured rows judged by ring0_judge() (pass or
 * inconclusive); the hello and cpuid lines go to sum->gv and the run's
 * notes to sum->notes. Prints nothing; free sum with
 * ring0_serial_summary_free() whatever it returns. Returns 0, or -errno with one line in
 * why: -EBADMSG a malformed line of ours, -HVS_ESCHEMA a benchmark name
 * this build does not know, -ENOMEM, or the errno of opening the file.
 */
int ring0_serial_metrics(const char *path, int (*keep)(const char *bench, void *arg), void *arg,
			 uint64_t tsc_khz, struct hvs_metrics *set, struct ring0_serial_summary *sum, char *why,
			 size_t whylen);

#endif
