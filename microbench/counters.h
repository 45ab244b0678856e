/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * counters.h - hardware performance counters around a measured region:
 * cycles, instructions, dTLB misses and page-walk cycles, through PAPI
 * (dynamic build, HAVE_PAPI) or the raw perf_event_open(2) interface.
 *
 * Most guests have no virtual PMU (this project's own CI machine has none):
 * then every counter is unavailable and the reason says why; a benchmark
 * never fails for lack of counters. Backend choice: env HVSCOPE_COUNTERS =
 * auto (default: PAPI, then perf), papi, perf or none. For tests, env
 * HVSCOPE_FORCE_NO_PAPI=1 makes PAPI's initialisation fail as if the library
 * were broken, which must degrade to "unavailable" (or to perf under auto).
 */
#ifndef HVS_COUNTERS_H
#define HVS_COUNTERS_H

#include <stdint.h>

enum hvs_ctr {
	HVS_CTR_CYCLES = 0,
	HVS_CTR_INSTRUCTIONS,
	HVS_CTR_DTLB_MISSES,
	HVS_CTR_WALK_CYCLES,
	HVS_CTR_COUNT
};

#define HVS_CTR_NONE UINT64_MAX /* value of a counter that is not counted */

struct hvs_counters {
	int backend;              /* 0 none, 1 PAPI, 2 perf_event */
	int have[HVS_CTR_COUNT];  /* counted by this set */
	int fd[HVS_CTR_COUNT];    /* perf: one fd per counter, -1 if absent */
	int papi_set;             /* PAPI event set */
	int papi_slot[HVS_CTR_COUNT];
	int papi_n;
	char reason[200];         /* why unavailable (backend 0), or which backend */
};

/*
 * Open counters by the HVSCOPE_COUNTERS policy. Returns 0 when at least one
 * counter counts (verified by a short test region), else -ENODEV/-ENOENT/...
 * with c->reason set and c->backend 0; c is usable (start/stop are no-ops).
 */
int hvs_counters_open(struct hvs_counters *c);
void hvs_counters_close(struct hvs_counters *c);

/* Reset and start counting. Returns 0 or -errno. */
int hvs_counters_start(struct hvs_counters *c);

/* Stop; val[i] = count or HVS_CTR_NONE. Returns 0 or -errno. */
int hvs_counters_stop(struct hvs_counters *c, uint64_t val[HVS_CTR_COUNT]);

/* "cycles", "instructions", "dtlb_misses", "walk_cycles". */
const char *hvs_counter_name(enum hvs_ctr i);

/*
 * The process-wide set (opened on first use, never closed): every
 * benchmark's measurement loop uses it. Never NULL.
 */
struct hvs_counters *hvs_counters_shared(void);

/* Backends (counters_papi.c, counters_perf.c): same contract as open. */
int hvs_counters_papi_open(struct hvs_counters *c);
int hvs_counters_papi_start(struct hvs_counters *c);
int hvs_counters_papi_stop(struct hvs_counters *c, uint64_t val[HVS_CTR_COUNT]);
void hvs_counters_papi_close(struct hvs_counters *c);
int hvs_counters_perf_open(struct hvs_counters *c);
int hvs_counters_perf_start(struct hvs_counters *c);
int hvs_counters_perf_stop(struct hvs_counters *c, uint64_t val[HVS_CTR_COUNT]);
void hvs_counters_perf_close(struct hvs_counters *c);

#endif
