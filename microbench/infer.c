/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * infer.c - turn benchmark numbers into facts (see infer.h).
 */
#include "infer.h"
#include "bench.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

static const char *const keys[HVS_FACT_COUNT] = {
	[HVS_FACT_CPUID_EXITS] = "cpuid_exits",
	[HVS_FACT_RDTSC_TRAPS] = "rdtsc_traps",
	[HVS_FACT_SLAT] = "slat",
	[HVS_FACT_CLOCKSOURCE_PV] = "clocksource_pv",
	[HVS_FACT_VDSO_WORKS] = "vdso_works",
};
_Static_assert(HVS_ARRAY_SIZE(keys) == HVS_FACT_COUNT, "one key per fact");

/* Paravirtual clocksources as named in /sys/devices/system/clocksource. */
static const char *const pv_clocks[] = {
	"kvm-clock", "xen", "hyperv_clocksource_tsc_page", "hyperv_clocksource_msr", "vmware-clock",
	"pvclock", "acrn", "s390", "jailhouse",
};

const char *hvs_fact_answer_name(enum hvs_fact_answer a)
{
	return a == HVS_FACT_YES ? "yes" : a == HVS_FACT_NO ? "no" : "unknown";
}

static const struct hvs_metric *find(const struct hvs_metrics *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->v[i].name, name) && set->v[i].outcome == HVS_PASS && set->v[i].nsamples)
			return &set->v[i];
	return NULL;
}

static double extra(const struct hvs_metric *m, const char *key)
{
	for (int i = 0; m && i < m->nextra; i++)
		if (!strcmp(m->extra[i].key, key))
			return m->extra[i].val;
	return NAN;
}

static void set_fact(struct hvs_fact *f, enum hvs_fact_answer a, double v, const char *unit,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void set_fact(struct hvs_fact *f, enum hvs_fact_answer a, double v, const char *unit,
		     const char *fmt, ...)
{
	va_list ap;

	f->answer = a;
	f->value = v;
	f->unit = unit;
	va_start(ap, fmt);
	vsnprintf(f->evidence, sizeof(f->evidence), fmt, ap);
	va_end(ap);
}

int hvs_infer_from_metrics(const struct hvs_metrics *set, const char *root, struct hvs_inference *out)
{
	const struct hvs_metric *cpuid = find(set, "exit.cpuid.0");
	const struct hvs_metric *rdtsc = find(set, "exit.rdtsc.rdtsc");
	const struct hvs_metric *pf = find(set, "mm.pagefault");
	const struct hvs_metric *fork = find(set, "mm.fork");
	const struct hvs_metric *vdso = find(set, "timer.clock_gettime.vdso");
	const struct hvs_metric *sys = find(set, "timer.clock_gettime.syscall");
	double exit_ns = NAN;
	int cpuid_exits = HVS_FACT_UNKNOWN;
	char path[512];

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < HVS_FACT_COUNT; i++) {
		out->fact[i].key = keys[i];
		set_fact(&out->fact[i], HVS_FACT_UNKNOWN, NAN, "", "not measured");
	}

	/* CPUID: ticks decide (independent of the TSC rate), ns are reported. */
	if (cpuid) {
		double t = extra(cpuid, "cycles_per_op"), ns = cpuid->summary.median;

		switch (hvs_exit_classify(t, HVS_NATIVE_MAX_CYCLES)) {
		case 1:
			cpuid_exits = HVS_FACT_YES;
			break;
		case 0:
			cpuid_exits = HVS_FACT_NO;
			break;
		}
		if (cpuid_exits == HVS_FACT_YES)
			exit_ns = ns;
		set_fact(&out->fact[HVS_FACT_CPUID_EXITS], cpuid_exits, ns, "ns",
			 "CPUID leaf 0 takes %.0f TSC ticks (%.0f ns, 95%% CI %.0f-%.0f); native <= %.0f, "
			 "an exit >= %.0f",
			 t, ns, cpuid->summary.ci_lo, cpuid->summary.ci_hi, HVS_NATIVE_MAX_CYCLES,
			 HVS_EXIT_MIN_CYCLES);
	}
	if (rdtsc) {
		double t = extra(rdtsc, "cycles_per_op"), ns = rdtsc->summary.median;
		int v = hvs_exit_classify(t, HVS_RDTSC_NATIVE_MAX_CYCLES);
		int a = v > 0 ? HVS_FACT_YES : v == 0 ? HVS_FACT_NO : HVS_FACT_UNKNOWN;

		set_fact(&out->fact[HVS_FACT_RDTSC_TRAPS], a, ns, "ns",
			 "RDTSC takes %.0f TSC ticks (%.1f ns); native <= %.0f, trapped >= %.0f", t, ns,
			 HVS_RDTSC_NATIVE_MAX_CYCLES, HVS_EXIT_MIN_CYCLES);
	}

	/*
	 * SLAT: under shadow paging a fresh-page fault costs at least two exits
	 * (the #PF intercept and the trapped PTE write, or a sync of the shadow
	 * entry), and fork write-protects every PTE of the parent (one trapped
	 * write each unless the hypervisor unsyncs the page tables). With
	 * EPT/NPT neither needs an exit once the guest page is backed.
	 */
	if (pf && cpuid_exits == HVS_FACT_YES) {
		double r = pf->summary.median / exit_ns;
		double per_page = NAN, fr = NAN;
		int a = HVS_FACT_UNKNOWN;

		if (fork) {
			double kib = extra(fork, "touched_kib");

			per_page = extra(fork, "per_page_ns");
			/* Without a baseline, charge the whole fork to its pages (an upper bound). */
			if (isnan(per_page) && kib > 0)
				per_page = fork->summary.median / (kib / 4);
			if (!isnan(per_page))
				fr = (per_page > 0 ? per_page : 0) / exit_ns;
		}
		if (r >= HVS_INFER_SHADOW_PF_RATIO || (!isnan(fr) && fr >= 1))
			a = HVS_FACT_NO;
		else if (r < HVS_INFER_SLAT_PF_RATIO && (isnan(fr) || fr < 0.5))
			a = HVS_FACT_YES;
		if (isnan(fr))
			set_fact(&out->fact[HVS_FACT_SLAT], a, r, "exits",
				 "a page fault costs %.2f CPUID exits (%.0f vs %.0f ns); shadow paging needs >= %.0f",
				 r, pf->summary.median, exit_ns, HVS_INFER_SHADOW_PF_RATIO);
		else
			set_fact(&out->fact[HVS_FACT_SLAT], a, r, "exits",
				 "a page fault costs %.2f CPUID exits (%.0f vs %.0f ns), fork %.0f ns per 4 KiB page "
				 "(%.3f exits); shadow paging needs >= %.0f per fault, ~1 per page",
				 r, pf->summary.median, exit_ns, per_page, fr, HVS_INFER_SHADOW_PF_RATIO);
	} else if (pf) {
		set_fact(&out->fact[HVS_FACT_SLAT], HVS_FACT_UNKNOWN, NAN, "",
			 "no measured exit cost to compare the page fault (%.0f ns) with", pf->summary.median);
	}

	hvs_read_line(hvs_path(path, sizeof(path), root, "/sys/devices/system/clocksource/clocksource0/current_clocksource"),
		      out->clocksource, sizeof(out->clocksource));
	if (out->clocksource[0]) {
		int pv = HVS_FACT_NO;

		for (size_t i = 0; i < HVS_ARRAY_SIZE(pv_clocks); i++)
			if (!strcmp(out->clocksource, pv_clocks[i]))
				pv = HVS_FACT_YES;
		set_fact(&out->fact[HVS_FACT_CLOCKSOURCE_PV], pv, NAN, "", "current clocksource is %s",
			 out->clocksource);
	}
	if (vdso && sys && sys->summary.median > 0) {
		double r = vdso->summary.median / sys->summary.median;
		int a = r < HVS_INFER_VDSO_OK_RATIO		? HVS_FACT_YES
			: r >= HVS_INFER_VDSO_FALLBACK_RATIO ? HVS_FACT_NO
							     : HVS_FACT_UNKNOWN;

		set_fact(&out->fact[HVS_FACT_VDSO_WORKS], a, r, "ratio",
			 "clock_gettime via vDSO %.1f ns vs syscall %.1f ns (ratio %.2f) with clocksource %s", vdso->summary.median,
			 sys->summary.median, r, out->clocksource[0] ? out->clocksource : "unknown");
	}
	return 0;
}

int hvs_infer_measure(struct hvs_inference *out, struct hvs_metrics *set)
{
	static const char *const needed[] = { "exit.cpuid", "exit.rdtsc", "mm.pagefault", "mm.fork",
					      "timer.clock_gettime" };
	struct hvs_metrics local = { 0 }, *s = set ? set : &local;
	struct hvs_bench_ctx ctx;
	int ret = 0;

	hvs_bench_ctx_default(&ctx);
	ctx.quick = 1;
	ctx.samples = 11;
	ctx.min_sample_ns = 2e5;
	ctx.budget_s = 1;
	for (size_t i = 0; i < HVS_ARRAY_SIZE(needed); i++) {
		const struct hvs_bench *b = hvs_bench_find(needed[i]);

		if (!b) {
			ret = -ENOENT;
			break;
		}
		hvs_bench_run(b, &ctx, s);
	}
	if (!ret)
		ret = hvs_infer_from_metrics(s, NULL, out);
	if (!set)
		hvs_metrics_free(&local);
	return ret;
}

void hvs_infer_print(const struct hvs_inference *inf, FILE *f)
{
	for (int i = 0; i < HVS_FACT_COUNT; i++)
		fprintf(f, "  %-15s %-7s %s\n", inf->fact[i].key, hvs_fact_answer_name(inf->fact[i].answer),
			inf->fact[i].evidence);
}
