/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_util.h - small pieces several benchmarks share: CPUID, running an
 * instruction that may fault or hang in a watched child process, choosing
 * and naming the CPU pair of a cross-CPU benchmark.
 */
#ifndef HVS_BENCH_UTIL_H
#define HVS_BENCH_UTIL_H

#include "bench.h"

#include <stdint.h>

static inline void hvs_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ __volatile__("cpuid"
			     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			     : "a"(leaf), "c"(sub));
}

/* How an instruction probed in a child ended. */
enum hvs_insn_end {
	HVS_INSN_RETURNED = 0, /* value holds what the probe returned */
	HVS_INSN_SIGNAL,       /* sig holds the signal (SIGILL = #UD, SIGSEGV = #GP) */
	HVS_INSN_HUNG,         /* killed by the watchdog */
};

struct hvs_insn_probe {
	enum hvs_insn_end end;
	int sig;
	uint64_t value;
};

/*
 * Run fn(arg) once in a forked child with a watchdog of timeout_ms: an
 * instruction that raises #UD/#GP or that a broken hypervisor never
 * completes cannot take hvscope down. Returns 0 (result in *r) or -errno
 * when the child could not be started.
 */
int hvs_probe_insn(uint64_t (*fn)(void *arg), void *arg, unsigned timeout_ms,
		   struct hvs_insn_probe *r);

/* "SIGILL (#UD)", "SIGSEGV (#GP)", ... */
const char *hvs_fault_name(int sig);

/*
 * Before timing an instruction that may fault or hang at CPL 3 (a
 * hypercall, RDTSC under CR4.TSD): try once(NULL) in a watched child (2 s).
 * Returns 1 when it returned (p->value holds what it returned: measure it),
 * 0 when it did not: m is then skipped, flagged timeout when it hung, its
 * "signal" extra set, and its reason says "INSN at CPL 3 raises SIGILL
 * (#UD): WHY" or "INSN at CPL 3 hung (watchdog 2 s): the hypervisor never
 * resumed it". -errno when the child could not be run.
 */
int hvs_probe_or_skip(uint64_t (*once)(void *), const char *insn, const char *why,
		      struct hvs_metric *m, struct hvs_insn_probe *p);

/*
 * The CPU pair for a cross-CPU benchmark: ctx's choice, else from the
 * topology (farthest pair). *a and *b get Linux CPU numbers, desc a name such
 * as "cpu0-cpu1 (share-L3)". Returns the relation (enum hvs_topo_rel) or
 * -ENODEV with one CPU.
 */
int hvs_bench_pair(const struct hvs_bench_ctx *ctx, int *a, int *b, char *desc, size_t len);

/* Record the pair on a metric: extras cpu_a, cpu_b, pair_relation. */
void hvs_bench_note_pair(struct hvs_metric *m, int a, int b, int rel);

/* Number of online CPUs (the benchmark may itself be pinned to one). */
int hvs_bench_ncpus(void);

/* xorshift64 step: cheap random numbers for access patterns. */
static inline uint64_t hvs_xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}



/*
 * A thread of this process spinning on another CPU: it keeps our mm live
 * there, so a TLB shootdown or membarrier must send that CPU an IPI.
 */
struct hvs_spinner {
	unsigned long thread; /* pthread_t */
	volatile int stop;
	volatile int running;
	volatile int tid;
	int cpu;
	uint64_t run0, wall0; /* for the on-CPU share */
};

/* Start and wait until it runs on cpu. Returns 0 or -errno. */
int hvs_spinner_start(struct hvs_spinner *s, int cpu);
void hvs_spinner_stop(struct hvs_spinner *s);

/*
 * Share (0..1) of the wall time since start (or the last call) the spinner
 * was really on its CPU, from /proc/self/task/TID/schedstat; -1 if unknown.
 * On a busy machine other tasks run there too, and then no IPI is needed
 * for those operations: the metric says so.
 */
double hvs_spinner_share(struct hvs_spinner *s);

/* Note the spinner's share on m (extra "remote_oncpu_pct"; a note when < 90%). */
void hvs_spinner_note(struct hvs_spinner *s, struct hvs_metric *m);
#endif
