/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exit_timing.c - time CPUID (leaf 0 and 0x40000000), RDTSC and RDTSCP
 * against a chain of dependent ADDs, and decide whether CPUID / RDTSC trap
 * to a hypervisor (thresholds and their justification: exit_timing.h).
 *
 * Method: one sample = one timed region (hvs_tsc_begin .. hvs_tsc_end)
 * around per_sample copies of the instruction; the median cost of an empty
 * region is subtracted and the rest divided by per_sample. The rows are
 * sampled round robin (one sample of each, repeated), so an interrupt or a
 * burst of steal time spreads over all of them instead of biasing one, and
 * the median ignores it. A short warm-up runs first (page faults, caches,
 * the hypervisor's first-exit paths).
 */
#include "exit_timing.h"
#include "core/timing.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#define ADD_CHAIN 1024  /* dependent ADDs per sample: 1 core cycle each */
#define RDTSC_PER 8
#define CPUID_PER 4
#define DEFAULT_SAMPLES 301
#define MAX_SAMPLES 100001
#define WARMUP 16

static const struct {
	const char *name;
	const char *what;
	unsigned per;
} rows[HVS_TROW_COUNT] = {
	[HVS_TROW_ADD] = { "add", "dependent ADD chain: 1 core cycle per ADD, never exits", ADD_CHAIN },
	[HVS_TROW_RDTSC] = { "rdtsc", "RDTSC: exits only when the hypervisor traps the TSC", RDTSC_PER },
	[HVS_TROW_RDTSCP] = { "rdtscp", "RDTSCP: exits only when the hypervisor traps the TSC", RDTSC_PER },
	[HVS_TROW_CPUID0] = { "cpuid.0", "CPUID leaf 0: always intercepted under VMX, by every SVM hypervisor",
			      CPUID_PER },
	[HVS_TROW_CPUID_HV] = { "cpuid.0x40000000", "CPUID hypervisor leaf 0x40000000", CPUID_PER },
};

static inline void cpuid_leaf(uint32_t leaf)
{
	uint32_t a = leaf, b, c = 0, d;

	__asm__ __volatile__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d)::"memory");
}

/*
 * The end of a timed region: RDTSCP;LFENCE (hvs_tsc_end), or, on a CPU
 * without RDTSCP (QEMU's qemu64 model, some old or masked CPUs, where
 * RDTSCP raises #UD), LFENCE;RDTSC;LFENCE, which also waits for the
 * region's instructions to complete.
 */
static inline uint64_t tsc_end(int scp)
{
	return scp ? hvs_tsc_end() : hvs_tsc_begin();
}

/* hvs_tsc_hz() and hvs_tsc_overhead() need RDTSCP: the same without it. */
static double tsc_hz(int scp)
{
	double est[5];

	if (scp)
		return hvs_tsc_hz();
	for (int i = 0; i < 5; i++) {
		uint64_t t0 = hvs_raw_ns(), c0 = hvs_tsc_begin(), t1, c1;

		do
			t1 = hvs_raw_ns();
		while (t1 - t0 < 4000000ull);
		c1 = hvs_tsc_begin();
		est[i] = (double)(c1 - c0) * 1e9 / (double)(t1 - t0);
	}
	return hvs_median(est, 5);
}

static double tsc_overhead(int scp)
{
	double d[1001];

	if (scp)
		return hvs_tsc_overhead();
	for (int i = 0; i < 1001; i++) {
		uint64_t a = hvs_tsc_begin();
		uint64_t b = hvs_tsc_begin();

		d[i] = (double)(b - a);
	}
	return hvs_median(d, 1001);
}

/* One timed region of row r; returns raw TSC ticks. */
static uint64_t sample_once(int r, int scp)
{
	uint64_t t0, t1, x = 0;

	switch (r) {
	case HVS_TROW_ADD:
		t0 = hvs_tsc_begin();
		__asm__ __volatile__(".rept 1024\n\tadd $1, %0\n\t.endr" : "+r"(x));
		t1 = tsc_end(scp);
		break;
	case HVS_TROW_RDTSC:
		t0 = hvs_tsc_begin();
		__asm__ __volatile__(".rept 8\n\trdtsc\n\t.endr" ::: "eax", "edx", "memory");
		t1 = tsc_end(scp);
		break;
	case HVS_TROW_RDTSCP:
		t0 = hvs_tsc_begin();
		__asm__ __volatile__(".rept 8\n\trdtscp\n\t.endr" ::: "eax", "ecx", "edx", "memory");
		t1 = tsc_end(scp);
		break;
	case HVS_TROW_CPUID0:
		t0 = hvs_tsc_begin();
		cpuid_leaf(0);
		cpuid_leaf(0);
		cpuid_leaf(0);
		cpuid_leaf(0);
		t1 = tsc_end(scp);
		break;
	default:
		t0 = hvs_tsc_begin();
		cpuid_leaf(0x40000000);
		cpuid_leaf(0x40000000);
		cpuid_leaf(0x40000000);
		cpuid_leaf(0x40000000);
		t1 = tsc_end(scp);
		break;
	}
	return t1 - t0;
}

_Static_assert(ADD_CHAIN == 1024 && RDTSC_PER == 8 && CPUID_PER == 4,
	       "sample_once() spells these counts out in its asm");

/* Exits or not, by core/exit_bounds.h: RDTSC and RDTSCP have their own native bound. */
static enum hvs_tri classify(int row, double cycles)
{
	int v = hvs_exit_classify(cycles, row == HVS_TROW_RDTSC || row == HVS_TROW_RDTSCP ?
						  HVS_RDTSC_NATIVE_MAX_CYCLES : HVS_NATIVE_MAX_CYCLES);

	return v > 0 ? HVS_TRI_YES : v == 0 ? HVS_TRI_NO : HVS_TRI_UNKNOWN;
}

static void write_verdict(struct hvs_exit_timing *t)
{
	const struct hvs_timing_row *c = &t->row[HVS_TROW_CPUID0];
	const struct hvs_timing_row *r = &t->row[HVS_TROW_RDTSC];
	char cost[64];
	size_t l;

	if (t->ns_known)
		snprintf(cost, sizeof(cost), "~%.0f ns, %.0f cycles", c->ns, c->cycles);
	else
		snprintf(cost, sizeof(cost), "~%.0f cycles", c->cycles);
	switch (t->cpuid_traps) {
	case HVS_TRI_YES:
		snprintf(t->verdict, sizeof(t->verdict),
			 "CPUID traps (exit cost %s): a hypervisor is present even if it hides the hypervisor bit",
			 cost);
		break;
	case HVS_TRI_NO:
		snprintf(t->verdict, sizeof(t->verdict),
			 "CPUID runs natively (%s): no hardware-assisted hypervisor intercepts it (a Xen PV guest also runs CPUID natively)",
			 cost);
		break;
	case HVS_TRI_UNKNOWN:
		snprintf(t->verdict, sizeof(t->verdict),
			 "CPUID costs %s, between the native bound (%.0f) and the exit bound (%.0f cycles): inconclusive",
			 cost, HVS_NATIVE_MAX_CYCLES, HVS_EXIT_MIN_CYCLES);
		break;
	}
	l = strlen(t->verdict);
	if (t->rdtsc_traps == HVS_TRI_YES && l < sizeof(t->verdict))
		snprintf(t->verdict + l, sizeof(t->verdict) - l, "; RDTSC traps (~%.0f cycles): the TSC is emulated",
			 r->cycles);
}

int hvs_exit_timing_run(size_t samples, struct hvs_exit_timing *out)
{
	return hvs_exit_timing_run_flags(samples, 0, out);
}

int hvs_exit_timing_run_flags(size_t samples, unsigned flags, struct hvs_exit_timing *out)
{
	uint64_t t_start = 0;
	double *buf[HVS_TROW_COUNT] = { 0 };
	int ret = 0, scp, tsc_mode = 0;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	for (int r = 0; r < HVS_TROW_COUNT; r++) {
		out->row[r].name = rows[r].name;
		out->row[r].what = rows[r].what;
		out->row[r].per_sample = rows[r].per;
		out->row[r].exits = HVS_TRI_UNKNOWN;
	}
	out->cpuid_traps = out->rdtsc_traps = HVS_TRI_UNKNOWN;
	out->core_per_tick = 1.0;
	/*
	 * prctl(PR_SET_TSC, PR_TSC_SIGSEGV) makes RDTSC fault, and with it the
	 * vDSO clock_gettime: check before touching any clock.
	 */
	if (prctl(PR_GET_TSC, &tsc_mode, 0, 0, 0) == 0 && tsc_mode == PR_TSC_SIGSEGV) {
		snprintf(out->verdict, sizeof(out->verdict),
			 "not measured: RDTSC is disabled for this process (PR_TSC_SIGSEGV)");
		return -EPERM;
	}
	t_start = hvs_now_ns();
	scp = !(flags & HVS_TIMING_F_NO_RDTSCP) && hvs_rdtscp_probe();
	out->rdtscp = scp;
	if (samples == 0)
		samples = DEFAULT_SAMPLES;
	if (samples > MAX_SAMPLES)
		samples = MAX_SAMPLES;
	out->samples = samples;
	for (int r = 0; r < HVS_TROW_COUNT; r++) {
		buf[r] = malloc(samples * sizeof(double));
		if (!buf[r]) {
			ret = -ENOMEM;
			goto out;
		}
	}
	out->tsc_hz = tsc_hz(scp);
	out->ns_known = out->tsc_hz > 0 && isfinite(out->tsc_hz);
	out->overhead_ticks = tsc_overhead(scp);

	for (int w = 0; w < WARMUP; w++)
		for (int r = 0; r < HVS_TROW_COUNT; r++)
			if (scp || r != HVS_TROW_RDTSCP)
				(void)sample_once(r, scp);
	for (size_t s = 0; s < samples; s++)
		for (int r = 0; r < HVS_TROW_COUNT; r++)
			if (scp || r != HVS_TROW_RDTSCP)
				buf[r][s] = ((double)sample_once(r, scp) - out->overhead_ticks) / rows[r].per;

	for (int r = 0; r < HVS_TROW_COUNT; r++) {
		if (!scp && r == HVS_TROW_RDTSCP)
			continue; /* stays invalid: "not measured" */
		if (hvs_summarize(buf[r], samples, &out->row[r].ticks) == 0)
			out->row[r].valid = 1;
	}

	/*
	 * TSC ticks run at a fixed rate; the core may run faster (turbo) or
	 * slower. The ADD chain costs exactly ADD_CHAIN core cycles, so it
	 * gives the ratio; a ratio outside [0.2, 5] means the chain was
	 * disturbed (or the TSC is odd): use 1 rather than a wild guess.
	 */
	out->core_per_tick = 1.0;
	if (out->row[HVS_TROW_ADD].valid && out->row[HVS_TROW_ADD].ticks.median > 0) {
		double k = 1.0 / out->row[HVS_TROW_ADD].ticks.median;

		if (k >= 0.2 && k <= 5.0)
			out->core_per_tick = k;
	}
	for (int r = 0; r < HVS_TROW_COUNT; r++) {
		struct hvs_timing_row *row = &out->row[r];

		if (!row->valid)
			continue;
		row->cycles = row->ticks.median * out->core_per_tick;
		row->ns = out->ns_known ? row->ticks.median * 1e9 / out->tsc_hz : 0;
		row->exits = r == HVS_TROW_ADD ? HVS_TRI_NO : classify(r, row->cycles);
	}

	out->cpuid_traps = out->row[HVS_TROW_CPUID0].exits;
	if (out->cpuid_traps == HVS_TRI_UNKNOWN)
		out->cpuid_traps = out->row[HVS_TROW_CPUID_HV].exits;
	out->rdtsc_traps = out->row[HVS_TROW_RDTSC].exits;
	if (out->cpuid_traps == HVS_TRI_YES) {
		out->exit_cost_cycles = out->row[HVS_TROW_CPUID0].cycles;
		out->exit_cost_ns = out->row[HVS_TROW_CPUID0].ns;
	}
	write_verdict(out);
out:
	for (int r = 0; r < HVS_TROW_COUNT; r++)
		free(buf[r]);
	out->elapsed_ns = hvs_now_ns() - t_start;
	return ret;
}

void hvs_exit_timing_print(const struct hvs_exit_timing *t, FILE *f)
{
	fprintf(f, "Timing (--timing)\n");
	fprintf(f, "  TSC %.3f MHz, timer overhead %.1f ticks subtracted (%s), core/TSC %.3f, %zu samples per row\n",
		t->tsc_hz / 1e6, t->overhead_ticks, t->rdtscp ? "lfence;rdtsc .. rdtscp" : "lfence;rdtsc .. lfence;rdtsc",
		t->core_per_tick, t->samples);
	fprintf(f, "  %-18s %10s %10s %10s %21s %8s\n", "instruction", "cycles", "ns", "MAD(tk)",
		"95% CI (ticks)", "exits");
	for (int r = 0; r < HVS_TROW_COUNT; r++) {
		const struct hvs_timing_row *row = &t->row[r];

		if (!row->valid) {
			fprintf(f, "  %-18s not measured%s\n", row->name ? row->name : "?",
				r == HVS_TROW_RDTSCP && !t->rdtscp ? " (no RDTSCP on this CPU)" : "");
			continue;
		}
		fprintf(f, "  %-18s %10.1f %10.1f %10.1f %10.1f..%-10.1f %8s\n", row->name, row->cycles,
			t->ns_known ? row->ns : NAN, row->ticks.mad, row->ticks.ci_lo, row->ticks.ci_hi,
			r == HVS_TROW_ADD ? "(ref)" : hvs_tri_name(row->exits));
	}
	fprintf(f, "  verdict: %s\n", t->verdict);
	fprintf(f, "  measured in %.1f ms\n", (double)t->elapsed_ns / 1e6);
}
