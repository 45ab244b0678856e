/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exit_timing.c - live test of probes/exit_timing.c on this machine.
 *
 * No timing thresholds are asserted: only plausibility (CPUID costs more
 * than the native instructions) and, where this machine is known to run
 * under a hardware-assisted hypervisor (the CPUID hypervisor bit is set and
 * this is not a Xen PV guest, whose CPUID does not trap), that the verdict
 * says CPUID traps with a positive cost. A real exit costs thousands of
 * cycles; interference only makes the median larger, so that verdict cannot
 * flip under load. Run alone: build/tests/exit_timing (HVS_TIMING_SHOW=1
 * prints the section as TAP comments).
 */
#include "probes/exit_timing.h"
#include "core/hvscope.h"
#include "tap.h"

#include <cpuid.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* With HVS_JSON_OUT=DIR, write DIR/timing-<name>.json (tests/host-schema.t). */
static void dump_json(const struct hvs_exit_timing *t, const char *name)
{
#if HAVE_JANSSON
	const char *dir = getenv("HVS_JSON_OUT");
	char path[4096];
	json_t *j;

	if (!dir)
		return;
	j = hvs_exit_timing_json(t);
	snprintf(path, sizeof(path), "%s/timing-%s.json", dir, name);
	if (!j || json_dump_file(j, path, JSON_INDENT(1)) < 0)
		diag("could not write %s", path);
	json_decref(j);
#else
	(void)t;
	(void)name;
#endif
}

static int hypervisor_bit(void)
{
	unsigned a, b, c, d;

	return __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 31));
}

static int xen_pv(void)
{
	char buf[32];

	return hvs_read_line("/sys/hypervisor/guest_type", buf, sizeof(buf)) > 0 && !strcmp(buf, "PV");
}

int main(void)
{
	static struct hvs_exit_timing t;
	const struct hvs_timing_row *add = &t.row[HVS_TROW_ADD], *rdtsc = &t.row[HVS_TROW_RDTSC];
	const struct hvs_timing_row *c0 = &t.row[HVS_TROW_CPUID0], *chv = &t.row[HVS_TROW_CPUID_HV];
	char *txt = NULL;
	size_t len = 0;
	FILE *f;

	is_int(hvs_exit_timing_run(0, NULL), -EINVAL, "NULL out: -EINVAL");
	is_int(hvs_exit_timing_run(101, &t), 0, "run returns 0");
	ok(t.samples == 101, "101 samples per row");
	dump_json(&t, "live");
	ok(add->valid && rdtsc->valid && t.row[HVS_TROW_RDTSCP].valid && c0->valid && chv->valid,
	   "every row measured");
	ok(add->ticks.n == 101 && c0->ticks.n == 101, "summaries over all samples");
	ok(t.core_per_tick >= 0.2 && t.core_per_tick <= 5.0, "core/TSC ratio plausible (%.3f)", t.core_per_tick);
	ok(c0->cycles > add->cycles && c0->cycles > rdtsc->cycles,
	   "CPUID costs more than an ADD and than RDTSC (%.0f vs %.1f / %.1f cycles)", c0->cycles,
	   add->cycles, rdtsc->cycles);
	ok(t.overhead_ticks > 0, "timer overhead measured (%.1f ticks)", t.overhead_ticks);
	ok(t.elapsed_ns > 0, "elapsed time recorded (%.1f ms)", (double)t.elapsed_ns / 1e6);
	ok(t.verdict[0] != '\0', "verdict written: %s", t.verdict);
	if (hypervisor_bit() && !xen_pv()) {
		is_int(t.cpuid_traps, HVS_TRI_YES, "under a hardware hypervisor: CPUID traps");
		ok(t.exit_cost_cycles > 0 && (!t.ns_known || t.exit_cost_ns > 0),
		   "exit cost positive (%.0f cycles, %.0f ns)", t.exit_cost_cycles, t.exit_cost_ns);
		ok(!strncmp(t.verdict, "CPUID traps (exit cost ~", 24), "verdict says CPUID traps");
	} else {
		skip(3, "no hypervisor bit (or Xen PV): whether CPUID traps is not known in advance here");
	}
	f = open_memstream(&txt, &len);
	if (f) {
		hvs_exit_timing_print(&t, f);
		fclose(f);
	}
	ok(txt && strstr(txt, "cpuid.0x40000000") && strstr(txt, "verdict: "), "text section printed");
	if (txt && getenv("HVS_TIMING_SHOW"))
		for (char *l = strtok(txt, "\n"); l; l = strtok(NULL, "\n"))
			diag("%s", l);
	free(txt);
	{
		/* The path for CPUs without RDTSCP (e.g. QEMU -cpu qemu64). */
		static struct hvs_exit_timing t2;
		double hz = t.tsc_hz;

		is_int(hvs_exit_timing_run_flags(51, HVS_TIMING_F_NO_RDTSCP, &t2), 0, "no-RDTSCP run returns 0");
		ok(!t2.rdtscp && !t2.row[HVS_TROW_RDTSCP].valid && t2.row[HVS_TROW_RDTSC].valid &&
			   t2.row[HVS_TROW_CPUID0].valid,
		   "no-RDTSCP: rdtscp row not measured, the others are");
		ok(hz <= 0 || fabs(t2.tsc_hz - hz) / hz < 0.05, "no-RDTSCP: TSC rate agrees (%.1f vs %.1f MHz)",
		   t2.tsc_hz / 1e6, hz / 1e6);
		is_int(t2.cpuid_traps, t.cpuid_traps, "no-RDTSCP: same CPUID verdict");
		dump_json(&t2, "nordtscp");
	}
	{
		/* RDTSC disabled for the process: a clean refusal, not SIGSEGV. */
		pid_t pid;
		int status = -1;

		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			static struct hvs_exit_timing t3;

			if (prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) < 0)
				_exit(77);
			_exit(hvs_exit_timing_run(11, &t3) == -EPERM && strstr(t3.verdict, "disabled") ? 0 : 1);
		}
		if (pid > 0)
			waitpid(pid, &status, 0);
		if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 77)
			skip(1, "prctl(PR_SET_TSC) not supported");
		else
			ok(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
			   "RDTSC disabled (PR_TSC_SIGSEGV): -EPERM and a verdict, no crash (status 0x%x)", status);
	}
#if HAVE_JANSSON
	{
		json_t *j = hvs_exit_timing_json(&t);
		json_t *rows = json_object_get(j, "instructions");

		ok(j && json_object_size(rows) == HVS_TROW_COUNT, "JSON: one object per instruction");
		ok(json_is_string(json_object_get(j, "verdict")) &&
			   json_real_value(json_object_get(json_object_get(rows, "cpuid.0"), "median_cycles")) > 0,
		   "JSON: verdict and cpuid.0 median");
		json_decref(j);
	}
#else
	skip(2, "built without jansson");
#endif
	return done_testing();
}
