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

#include <stdint.h>

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

/* One result line of the image's serial output, parsed. */
struct ring0_serial_result {
	char bench[64];
	char status[16];  /* ok, skip, fail */
	char reason[200];
	uint64_t iters, tsc_khz;
	uint64_t *cycles, *control; /* owned */
	uint32_t n, nctl;
};

/* What a line of the image's serial output is (ring0_parse_serial_line()). */
enum ring0_line {
	R0_LINE_NOISE = 0,  /* not ours: firmware, kernel messages */
	R0_LINE_RESULT = 1, /* r filled; free r->cycles and r->control */
	R0_LINE_START = 2,  /* a benchmark starts: r->bench set */
	R0_LINE_END = 3,    /* the image finished */
	R0_LINE_HELLO = 4,  /* the image's greeting: r->tsc_khz set */
};

/*
 * Parse one line: returns an enum ring0_line, or -EINVAL for a malformed
 * line of ours.
 */
int ring0_parse_serial_line(const char *line, struct ring0_serial_result *r);

/* What a serial log held besides its metrics (ring0_serial_metrics()). */
struct ring0_serial_summary {
	int results;   /* result lines taken into the set */
	int ended;     /* the image's end line was seen */
	char hung[64]; /* a benchmark that started and never reported, "" if none */
	int any_fail, any_timeout;
};

/*
 * The bootable image's serial log at path as metrics: one "image.NAME" per
 * result line whose benchmark keep() accepts (keep NULL: all), converted
 * with tsc_khz (0: the rate the image calibrated), outcome and reason from
 * the line's status. Prints nothing. Returns 0, or -errno with one line in
 * why: -EBADMSG a malformed line of ours, -HVS_ESCHEMA a benchmark name
 * this build does not know, -ENOMEM, or the errno of opening the file.
 */
int ring0_serial_metrics(const char *path, int (*keep)(const char *bench, void *arg), void *arg,
			 uint64_t tsc_khz, struct hvs_metrics *set, struct ring0_serial_summary *sum, char *why,
			 size_t whylen);

#endif
