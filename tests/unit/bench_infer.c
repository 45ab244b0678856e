/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit test: facts inferred from synthetic metric sets (hardware-assisted
 * guest with EPT, shadow paging, bare metal, inconclusive numbers), steal
 * flagging of a sample window, and the live measurement path. The bounds
 * are the one set of core/exit_bounds.h that `probe --timing` uses too.
 */
#include "microbench/infer.h"
#include "microbench/measure.h"
#include "tap.h"

#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>

static void add(struct hvs_metrics *s, const char *name, double median, double ticks, double kib)
{
	struct hvs_metric *m = hvs_metrics_add(s);
	double *x = malloc(5 * sizeof(*x));

	for (int i = 0; i < 5; i++)
		x[i] = median;
	hvs_strlcpy(m->name, name, sizeof(m->name));
	hvs_strlcpy(m->unit, "ns", sizeof(m->unit));
	m->outcome = HVS_PASS;
	hvs_metric_set_samples(m, x, 5);
	if (ticks > 0)
		hvs_metric_set_extra(m, "cycles_per_op", ticks);
	if (kib > 0)
		hvs_metric_set_extra(m, "touched_kib", kib);
}

static char root[256];

static void clocksource(const char *name)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/sys", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sys/devices", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sys/devices/system", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sys/devices/system/clocksource", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sys/devices/system/clocksource/clocksource0", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sys/devices/system/clocksource/clocksource0/current_clocksource", root);
	f = fopen(p, "w");
	if (f) {
		fprintf(f, "%s\n", name);
		fclose(f);
	}
}

int main(void)
{
	struct hvs_metrics s = { 0 };
	struct hvs_inference inf;
	struct hvs_cputime a = { 0 }, b;
	struct hvs_metric m;

	plan(27);
	snprintf(root, sizeof(root), "%s/hvs-infer.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root))
		return 1;

	/* An EPT/NPT guest: CPUID exits (1.2 us), page fault 0.6 us, kvm-clock, vDSO works. */
	clocksource("kvm-clock");
	add(&s, "exit.cpuid.0", 1200, 3000, 0);
	add(&s, "exit.rdtsc.rdtsc", 9, 24, 0);
	add(&s, "mm.pagefault", 600, 0, 0);
	add(&s, "mm.fork", 300000, 0, 16384);
	add(&s, "timer.clock_gettime.vdso", 20, 0, 0);
	add(&s, "timer.clock_gettime.syscall", 200, 0, 0);
	hvs_infer_from_metrics(&s, root, &inf);
	is_int(inf.fact[HVS_FACT_CPUID_EXITS].answer, HVS_FACT_YES, "EPT guest: CPUID exits");
	is_near(inf.fact[HVS_FACT_CPUID_EXITS].value, 1200, 1e-9, "  exit cost is the CPUID figure");
	is_int(inf.fact[HVS_FACT_RDTSC_TRAPS].answer, HVS_FACT_NO, "  RDTSC does not trap");
	is_int(inf.fact[HVS_FACT_SLAT].answer, HVS_FACT_YES, "  SLAT: %s", inf.fact[HVS_FACT_SLAT].evidence);
	is_int(inf.fact[HVS_FACT_CLOCKSOURCE_PV].answer, HVS_FACT_YES, "  kvm-clock is paravirtual");
	is_int(inf.fact[HVS_FACT_VDSO_WORKS].answer, HVS_FACT_YES, "  vDSO works");
	hvs_metrics_free(&s);

	/* Shadow paging: page fault 3 exits, fork a trapped write per PTE; TSC trapped; vDSO falls back. */
	clocksource("hpet");
	add(&s, "exit.cpuid.0", 2000, 5000, 0);
	add(&s, "exit.rdtsc.rdtsc", 1800, 4500, 0);
	add(&s, "mm.pagefault", 6000, 0, 0);
	add(&s, "mm.fork", 9e6, 0, 16384);
	add(&s, "timer.clock_gettime.vdso", 500, 0, 0);
	add(&s, "timer.clock_gettime.syscall", 520, 0, 0);
	hvs_infer_from_metrics(&s, root, &inf);
	is_int(inf.fact[HVS_FACT_SLAT].answer, HVS_FACT_NO, "shadow paging: no SLAT (%s)",
	       inf.fact[HVS_FACT_SLAT].evidence);
	is_int(inf.fact[HVS_FACT_RDTSC_TRAPS].answer, HVS_FACT_YES, "  trapped RDTSC detected");
	is_int(inf.fact[HVS_FACT_CLOCKSOURCE_PV].answer, HVS_FACT_NO, "  hpet is not paravirtual");
	is_int(inf.fact[HVS_FACT_VDSO_WORKS].answer, HVS_FACT_NO, "  vDSO falls back to the syscall");
	hvs_metrics_free(&s);

	/* Bare metal: CPUID native, SLAT cannot be judged without an exit cost. */
	add(&s, "exit.cpuid.0", 50, 130, 0);
	add(&s, "mm.pagefault", 400, 0, 0);
	hvs_infer_from_metrics(&s, root, &inf);
	is_int(inf.fact[HVS_FACT_CPUID_EXITS].answer, HVS_FACT_NO, "bare metal: CPUID does not exit");
	is_int(inf.fact[HVS_FACT_SLAT].answer, HVS_FACT_UNKNOWN, "  SLAT unknown without an exit cost");
	is_int(inf.fact[HVS_FACT_VDSO_WORKS].answer, HVS_FACT_UNKNOWN, "  vDSO unknown when not measured");
	hvs_metrics_free(&s);

	/* Inconclusive: CPUID between the bounds, page fault between the ratios. */
	add(&s, "exit.cpuid.0", 300, 750, 0);
	add(&s, "exit.rdtsc.rdtsc", 100, 400, 0);
	hvs_infer_from_metrics(&s, root, &inf);
	is_int(inf.fact[HVS_FACT_CPUID_EXITS].answer, HVS_FACT_UNKNOWN, "750 ticks: CPUID inconclusive");
	is_int(inf.fact[HVS_FACT_RDTSC_TRAPS].answer, HVS_FACT_UNKNOWN, "400 ticks: RDTSC inconclusive");
	hvs_metrics_free(&s);

	/* Steal: 5% of a window flags the metric, 1% does not. */
	memset(&m, 0, sizeof(m));
	a.user = 1000;
	b = a;
	b.user += 95;
	b.steal += 5;
	hvs_note_steal(&m, &a, &b);
	ok(m.flags & HVS_MF_STEAL, "5%% steal in a window flags the metric");
	is_near(m.extra[0].val, 5.0, 1e-9, "  steal_pct recorded");
	memset(&m, 0, sizeof(m));
	b = a;
	b.user += 99;
	b.steal += 1;
	hvs_note_steal(&m, &a, &b);
	ok(!(m.flags & HVS_MF_STEAL), "1%% steal does not");

	/* Live: the probe path measures and answers something for every fact. */
	is_int(hvs_infer_measure(&inf, &s), 0, "live measurement for probe --timing");
	ok(s.n >= 5, "  %zu metrics measured", s.n);
	hvs_infer_print(&inf, stdout);
	ok(inf.fact[HVS_FACT_CPUID_EXITS].answer != HVS_FACT_UNKNOWN || !isnan(inf.fact[0].value),
	   "  CPUID fact has an answer or a value");
	hvs_metrics_free(&s);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd))
			diag("could not remove %s", root);
	}
	/* One parameter set (core/exit_bounds.h), the same for probe --timing. */
	is_int(hvs_exit_classify(HVS_NATIVE_MAX_CYCLES, HVS_NATIVE_MAX_CYCLES), 0, "CPUID at the native bound: native");
	is_int(hvs_exit_classify(HVS_EXIT_MIN_CYCLES, HVS_NATIVE_MAX_CYCLES), 1, "at the exit bound: exits");
	is_int(hvs_exit_classify(700, HVS_NATIVE_MAX_CYCLES), -1, "between the bounds: inconclusive");
	is_int(hvs_exit_classify(300, HVS_RDTSC_NATIVE_MAX_CYCLES), -1, "RDTSC at 300 cycles: inconclusive");
	is_int(hvs_exit_classify(NAN, HVS_NATIVE_MAX_CYCLES), -1, "not a number: inconclusive");
	add(&s, "exit.rdtsc.rdtsc", 100, 300, 0);
	hvs_infer_from_metrics(&s, root, &inf);
	is_int(inf.fact[HVS_FACT_RDTSC_TRAPS].answer, HVS_FACT_UNKNOWN, "infer: RDTSC at 300 ticks is unknown (%s)",
	       inf.fact[HVS_FACT_RDTSC_TRAPS].evidence);
	hvs_metrics_free(&s);
	return done_testing();
}
