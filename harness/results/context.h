/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * context.h - everything a number must carry besides itself: the machine,
 * the hypervisor fingerprint, kernel, build, power settings, load and steal
 * time before and after measuring, plus the environment warnings
 * `hvscope run` prints before it measures (pyperf-style, guest-aware).
 */
#ifndef HVS_CONTEXT_H
#define HVS_CONTEXT_H

#include "core/cputime.h"

#include <stddef.h>

#define HVS_CONTEXT_MAX_WARN 16

struct hvs_snapshot {
	double loadavg[3];
	struct hvs_cputime ticks;
	int ok; /* 1 when read */
};

struct hvs_context {
	char host[128];
	char hypervisor[128]; /* fingerprint summary, else CPUID signature, "none" on bare metal */
	int in_guest;         /* CPUID.1:ECX[31] */
	char governor[64];    /* "" = not readable */
	int turbo;            /* 1 on, 0 off, -1 unknown */
	char smt[32];         /* /sys/devices/system/cpu/smt/control, "" unknown */
	int aslr;             /* randomize_va_space, -1 unknown */
	int online_cpus;
	struct hvs_snapshot before, after;
	char *warnings[HVS_CONTEXT_MAX_WARN];
	int nwarnings;
	void *fingerprint_json; /* json_t *, or NULL */
	char fingerprint_why[160];
};

/*
 * Collect the static context and the "before" snapshot; with check, also
 * measure steal for check_ms milliseconds and compose the warnings.
 * Returns 0 or -ENOMEM; unreadable settings are recorded as unknown.
 */
int hvs_context_collect(struct hvs_context *c, int check, unsigned check_ms);

/* Take the "after" snapshot. */
void hvs_context_finish(struct hvs_context *c);

/* Steal fraction between the snapshots (0 when unknown). */
double hvs_context_steal(const struct hvs_context *c);

/* The context object as compact JSON (malloc'd), or NULL (no memory / no jansson). */
char *hvs_context_to_json(const struct hvs_context *c);

/*
 * The conditions a recorded context (hvs_context_to_json's text, as a result
 * file keeps it) was measured in: *load the 1-minute load per online CPU
 * (mean of before and after), *steal the steal fraction; NaN when unknown.
 */
void hvs_context_conditions(const char *json, double *load, double *steal);

void hvs_context_free(struct hvs_context *c);

#endif
