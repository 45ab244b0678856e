/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * infer.h - measured facts about the virtualization layer, inferred from
 * guest-side benchmark numbers (for `hvscope probe --timing` and result
 * files):
 *
 *   cpuid_exits     CPUID traps to a hypervisor; value = its cost (ns)
 *   rdtsc_traps     RDTSC is trapped/emulated; value = its cost (ns)
 *   slat            second-level translation (EPT/NPT) is probably in use:
 *                   a page fault and a fork's per-page cost are small
 *                   against one exit (shadow paging needs exits for both)
 *   clocksource_pv  the kernel's clocksource is paravirtual (kvm-clock,
 *                   xen, hyperv_clocksource_tsc_page, ...)
 *   vdso_works      clock_gettime through the vDSO avoids the kernel
 *                   (it is much cheaper than the syscall)
 *
 * Each fact is yes / no / unknown (inconclusive numbers are never forced
 * into an answer) with the value it rests on and the evidence in words.
 */
#ifndef HVS_INFER_H
#define HVS_INFER_H

#include "core/exit_bounds.h"
#include "core/hvs_features.h"
#include "core/metric.h"

#include <stdio.h>

#if HAVE_JANSSON
#include <jansson.h>
#endif

enum hvs_fact_answer {
	HVS_FACT_UNKNOWN = -1,
	HVS_FACT_NO = 0,
	HVS_FACT_YES = 1,
};

enum hvs_fact_id {
	HVS_FACT_CPUID_EXITS = 0,
	HVS_FACT_RDTSC_TRAPS,
	HVS_FACT_SLAT,
	HVS_FACT_CLOCKSOURCE_PV,
	HVS_FACT_VDSO_WORKS,
	HVS_FACT_COUNT
};

/* CPUID and RDTSC exits: the one set of core/exit_bounds.h, compared with the benchmarks' TSC ticks. */
/* Page fault below this many exits: no exit per fault (SLAT); at or above SHADOW: shadow paging. */
#define HVS_INFER_SLAT_PF_RATIO 1.0
#define HVS_INFER_SHADOW_PF_RATIO 2.0
/* vDSO below this share of the syscall's cost: it works in user space; above VDSO_FALLBACK: it falls back. */
#define HVS_INFER_VDSO_OK_RATIO 0.5
#define HVS_INFER_VDSO_FALLBACK_RATIO 0.8

struct hvs_fact {
	const char *key;  /* "cpuid_exits", ... */
	enum hvs_fact_answer answer;
	double value;     /* the number it rests on (NaN if none) */
	const char *unit; /* of value */
	char evidence[240];
};

struct hvs_inference {
	struct hvs_fact fact[HVS_FACT_COUNT];
	char clocksource[64];
};

/*
 * Infer from a metric set produced by the benchmarks (exit.cpuid,
 * exit.rdtsc, mm.pagefault, mm.fork, timer.clock_gettime; missing ones
 * leave their facts unknown). root prefixes /sys (NULL or "" = live).
 * Returns 0 (never fails on missing data).
 */
int hvs_infer_from_metrics(const struct hvs_metrics *set, const char *root, struct hvs_inference *out);

/*
 * Measure what the inference needs (quick settings, about 0.5 s here) and
 * infer. set, if not NULL, receives the metrics (caller frees). Returns 0
 * or -errno.
 */
int hvs_infer_measure(struct hvs_inference *out, struct hvs_metrics *set);

/* "yes", "no", "unknown". */
const char *hvs_fact_answer_name(enum hvs_fact_answer a);

/* The facts as text, one per line ("  cpuid_exits: yes (3480 ns): ..."). */
void hvs_infer_print(const struct hvs_inference *inf, FILE *f);

#if HAVE_JANSSON
/* {"cpuid_exits": {"answer": "yes", "value": 3480, "unit": "ns", "evidence": "..."}, ...} */
json_t *hvs_infer_json(const struct hvs_inference *inf);
#endif

#endif
