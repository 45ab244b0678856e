/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit test: ring-0 samples to a metric (control subtraction, cycles to ns),
 * the verdict rule (never pass across zero), the environment notes, and the
 * reader of the bootable image's serial lines and logs.
 */
#include "vmm/ring0_metric.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static double extra(const struct hvs_metric *m, const char *k)
{
	for (int i = 0; i < m->nextra; i++)
		if (!strcmp(m->extra[i].key, k))
			return m->extra[i].val;
	return NAN;
}

#define RESULT_LINE(bench)                                                                          \
	"{\"type\":\"result\",\"bench\":\"" bench "\",\"status\":\"ok\",\"reason\":\"\",\"iters\":64,"   \
	"\"tsc_khz\":2596000,\"cycles\":[500,600,700],\"control\":[1,2,3]}\n"

/* Write text to a temp file and read it with ring0_serial_metrics(). */
static int serial_file(const char *text, struct hvs_metrics *set, struct ring0_serial_summary *sum)
{
	char path[] = "/tmp/hvs-serial-XXXXXX", why[200];
	int fd = mkstemp(path), ret;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -EIO;
	close(fd);
	ret = ring0_serial_metrics(path, NULL, NULL, 0, set, sum, why, sizeof(why));
	unlink(path);
	return ret;
}

static void test_serial_file(void)
{
	struct hvs_metrics set = { 0 };
	struct ring0_serial_summary sum;
	char why[200];

	is_int(serial_file("SeaBIOS\n{\"type\":\"start\",\"bench\":\"cpuid.0\"}\n" RESULT_LINE("cpuid.0")
			   "{\"type\":\"start\",\"bench\":\"pf.guest\"}\n", &set, &sum),
	       0, "serial file: read");
	ok(set.n == 1 && !strcmp(set.v[0].name, "image.cpuid.0") && set.v[0].outcome == HVS_PASS,
	   "serial file: one passed metric image.cpuid.0");
	ok(sum.results == 1 && !sum.ended && !strcmp(sum.hung, "pf.guest"), "serial file: pf.guest started and hung");
	hvs_metrics_free(&set);
	is_int(serial_file(RESULT_LINE("no.such.bench"), &set, &sum), -HVS_ESCHEMA, "serial file: unknown benchmark");
	hvs_metrics_free(&set);
	is_int(serial_file("{\"type\":\"result\",\"bench\":\"cpuid.0\",\"cycles\":[1,\n", &set, &sum), -EBADMSG,
	       "serial file: a truncated line is malformed");
	hvs_metrics_free(&set);
	is_int(ring0_serial_metrics("/nonexistent/serial.log", NULL, NULL, 0, &set, &sum, why, sizeof(why)), -ENOENT,
	       "serial file: a missing file is its errno");
	hvs_metrics_free(&set);
}

int main(void)
{
	/* 100 ops per sample; control loop 1000 cycles (median of {900,1000,5000}),
	 * so per-op cycles are (c - 1000) / 100 = {10, 20, 30}; 1 GHz: ns == cycles. */
	uint64_t cyc[] = { 2000, 3000, 4000 }, ctl[] = { 900, 1000, 5000 };
	struct hvs_metric m;
	struct ring0_serial_result r;
	int id = ring0_find("cpuid.0");

	plan(59);
	ok(id >= 0 && ring0_find("no.such") == -1, "benchmarks are found by name");
	memset(&m, 0, sizeof(m));
	is_int(ring0_fill_metric(&m, "kvm.", id, cyc, ctl, 3, 100, 1000000), 0, "fill from three samples");
	is_str(m.name, "kvm.cpuid.0", "name is prefix + benchmark");
	is_str(m.unit, "ns", "unit ns");
	is_near(m.summary.median, 20, 1e-9, "median with the control median subtracted");
	is_near(extra(&m, "cycles"), 20, 1e-9, "cycles per op");
	is_near(extra(&m, "control_cycles"), 10, 1e-9, "control cycles per op");
	is_near(m.overhead, 10, 1e-9, "overhead in ns per op");
	is_int(m.iterations, 100, "iterations per sample");
	free(m.samples);
	memset(&m, 0, sizeof(m));
	is_int(ring0_fill_metric(&m, "kvm.", id, cyc, ctl, 3, 100, 2000000), 0, "2 GHz TSC");
	is_near(m.summary.median, 10, 1e-9, "cycles -> ns at 2 GHz");
	free(m.samples);
	memset(&m, 0, sizeof(m));
	is_int(ring0_fill_metric(&m, "kvm.", id, cyc, ctl, 0, 100, 1000000), -EINVAL, "no samples: -EINVAL");

	is_int(ring0_parse_serial_line("SeaBIOS noise {\"type\":\"result\",\"bench\":\"cpuid.0\",\"status\":\"ok\","
				       "\"reason\":\"a \\\"q\\\"\",\"iters\":64,\"tsc_khz\":2596000,"
				       "\"cycles\":[5,6,7],\"control\":[1,2,3]}", &r),
	       R0_LINE_RESULT, "a result line after firmware noise");
	ok(r.n == 3 && r.cycles[2] == 7 && r.control[0] == 1 && r.iters == 64 && r.tsc_khz == 2596000,
	   "arrays and numbers parsed");
	is_str(r.reason, "a \"q\"", "escaped quotes in a string");
	free(r.cycles);
	free(r.control);
	is_int(ring0_parse_serial_line("{\"type\":\"start\",\"bench\":\"pf.guest\"}", &r), R0_LINE_START, "start line");
	is_str(r.bench, "pf.guest", "start names its benchmark");
	is_int(ring0_parse_serial_line("{\"type\":\"result\",\"bench\":\"x\",\"status\":\"ok\",\"reason\":\"\","
				       "\"iters\":1,\"tsc_khz\":1,\"cycles\":[1,2],\"control\":[1]}", &r),
	       -EINVAL, "sample arrays of different length are rejected");
	is_int(ring0_parse_serial_line("{\"type\":\"result\",\"bench\":\"x\",\"status\":\"ok\",\"reason\":\"\","
				       "\"iters\":1,\"tsc_khz\":1,\"cycles\":[1,2", &r),
	       -EINVAL, "a truncated line is rejected");
	is_int(ring0_parse_serial_line("plain console text", &r), R0_LINE_NOISE, "text that is not ours is ignored");

	/* The verdict: a clean positive sample set passes. */
	memset(&m, 0, sizeof(m));
	ring0_fill_metric(&m, "kvm.", id, cyc, ctl, 3, 100, 1000000);
	is_int(ring0_judge(&m), HVS_PASS, "median 20 ns with a CI above zero: pass");
	is_str(m.reason, "", "a pass has no reason");
	free(m.samples);
	/* Negative median: the op measured cheaper than its control loop
	 * (Xen's emulated TSC: cr.cr8.write -4468.8 ns was reported as pass). */
	{
		uint64_t c2[] = { 500, 400, 600, 450, 550 }, k2[] = { 1000, 1000, 1000, 1000, 1000 };

		memset(&m, 0, sizeof(m));
		ring0_fill_metric(&m, "image.", id, c2, k2, 5, 1, 1000000);
		is_int(ring0_judge(&m), HVS_INCONCLUSIVE, "negative median: inconclusive, never pass");
		ok(strstr(m.reason, "below zero") && strstr(m.reason, "-500 ns"), "the reason names the median");
		is_str(hvs_outcome_name(m.outcome), "inconclusive", "its word in result files");
		free(m.samples);
	}
	/* Positive median, CI reaching below zero (kvm.tlb.chase.2m.1m). */
	{
		uint64_t c3[] = { 900, 1000, 1001, 1002, 1003, 1004, 5000 }, k3[] = { 1000, 1000, 1000, 1000, 1000, 1000, 1000 };

		memset(&m, 0, sizeof(m));
		ring0_fill_metric(&m, "kvm.", id, c3, k3, 7, 1, 1000000);
		ok(m.summary.median > 0 && m.summary.ci_lo <= 0, "fixture: median above zero, CI reaching zero");
		is_int(ring0_judge(&m), HVS_INCONCLUSIVE, "CI across zero: inconclusive");
		ok(strstr(m.reason, "95% CI") && strstr(m.reason, "reaches zero"), "the reason gives the interval");
		free(m.samples);
	}
	/* Exactly zero lower bound is not a pass either. */
	memset(&m, 0, sizeof(m));
	m.nsamples = 3;
	m.summary.median = 5;
	m.summary.ci_lo = 0;
	m.summary.ci_hi = 9;
	is_int(ring0_judge(&m), HVS_INCONCLUSIVE, "CI lower end at exactly zero: inconclusive");
	m.nsamples = 0;
	is_int(ring0_judge(&m), HVS_FAILED, "no samples: failed");
	/* SI scaling in the reason. */
	m.nsamples = 3;
	m.summary.median = -15395;
	is_int(ring0_judge(&m), HVS_INCONCLUSIVE, "-15.4 us median");
	ok(strstr(m.reason, "-15.39 us") || strstr(m.reason, "-15.4 us"), "the reason scales to us");

	/* Notes: what the environment makes of the numbers. */
	is_int(ring0_notes(2447.6, 64, 40, -1, "KVMKVMKVM"), RING0_NOTE_EMULATED, "kvm_pvm's control loop: emulation");
	is_int(ring0_notes(2447.6, 64, 1200, -1, "KVMKVMKVM"), RING0_NOTE_EMULATED | RING0_NOTE_TSC_TRAPPED,
	       "kvm_pvm: emulated loop and emulated RDTSC (1200/64 of timer per op)");
	is_int(ring0_notes(3.0, 64, 40, -1, "KVMKVMKVM"), 0, "a native loop and a fast TSC: no note");
	is_int(ring0_notes(NAN, 0, 0, -1, NULL), 0, "nothing known: no note");
	is_int(ring0_notes(3.0, 64, 2500, -1, ""), RING0_NOTE_TSC_TRAPPED, "back-to-back RDTSC 2500 cycles apart: trapped");
	is_int(ring0_notes(30100, 1, 30000, 1, "XenVMMXenVMM"), RING0_NOTE_TSC_TRAPPED | RING0_NOTE_TSC_XEN,
	       "Xen's emulated TSC, one op per sample: the timer, not the loop, is costly");
	is_int(ring0_notes(3.0, 64, 40, 0, "XenVMMXenVMM"), 0, "Xen without vtsc");
	is_int(ring0_notes(3.0, 64, 40, -1, "TCGTCGTCGTCG"), RING0_NOTE_TCG, "QEMU TCG's signature");
	ok(strstr(ring0_note_text(RING0_NOTE_EMULATED), "not hardware exit costs") != NULL,
	   "the emulation note says what the numbers are not");
	is_str(ring0_note_token(RING0_NOTE_TSC_XEN), "tsc-xen-emulated", "token for the result file");

	/* hello with the guest's view, and cpuid lines. */
	is_int(ring0_parse_serial_line("{\"type\":\"hello\",\"abi\":1,\"boot\":\"pvh\",\"vendor\":\"AuthenticAMD\","
				       "\"hypervisor\":\"XenVMMXenVMM\",\"tsc_khz\":2000000,\"tsc_gap\":4100,\"xen_vtsc\":1}", &r),
	       4, "hello line");
	ok(!strcmp(r.boot, "pvh") && !strcmp(r.hypervisor, "XenVMMXenVMM") && r.tsc_gap == 4100 && r.xen_vtsc == 1,
	   "hello carries boot protocol, signature, TSC gap and Xen's vtsc");
	is_int(ring0_parse_serial_line("{\"type\":\"hello\",\"abi\":1,\"tsc_khz\":1}", &r), 4, "an older hello");
	is_int(r.xen_vtsc, -1, "older hello: vtsc unknown");
	is_int(ring0_parse_serial_line("{\"type\":\"cpuid\",\"leaf\":1073741824,\"sub\":0,\"eax\":1073741825,"
				       "\"ebx\":1263359563,\"ecx\":1447775574,\"edx\":77}", &r),
	       5, "cpuid line");
	ok(r.leaf == 0x40000000u && r.regs[0] == 0x40000001u && r.regs[3] == 77, "leaf and registers");
	is_int(ring0_parse_serial_line("{\"type\":\"cpuid\",\"leaf\":1,\"sub\":0,\"eax\":1}", &r), -EINVAL,
	       "a cpuid line without all four registers is rejected");
	is_int(ring0_parse_serial_line("{\"type\":\"cpuid\",\"leaf\":1,\"sub\":0,\"eax\":4294967296,\"ebx\":0,"
				       "\"ecx\":0,\"edx\":0}", &r),
	       -EINVAL, "a register over 32 bits is rejected");

	/* The guest's view: hello facts, cpuid lines as a dump, tags. */
	{
		struct ring0_guest_view gv;
		char tags[160];

		ring0_guest_view_init(&gv);
		ring0_parse_serial_line("{\"type\":\"hello\",\"abi\":1,\"boot\":\"pvh\",\"vendor\":\"Odd,Vendor\","
					"\"hypervisor\":\"XenVMMXenVMM\",\"tsc_khz\":1,\"tsc_gap\":9,\"xen_vtsc\":1}", &r);
		ring0_guest_view_add(&gv, 4, &r);
		ring0_parse_serial_line("{\"type\":\"cpuid\",\"leaf\":0,\"sub\":0,\"eax\":13,\"ebx\":1,\"ecx\":2,\"edx\":3}", &r);
		ring0_guest_view_add(&gv, 5, &r);
		ring0_parse_serial_line("{\"type\":\"cpuid\",\"leaf\":4,\"sub\":1,\"eax\":0,\"ebx\":0,\"ecx\":0,\"edx\":255}", &r);
		ring0_guest_view_add(&gv, 5, &r);
		is_str(gv.dump, "CPU:\n   0x00000000 0x00: eax=0x0000000d ebx=0x00000001 ecx=0x00000002 edx=0x00000003\n"
				"   0x00000004 0x01: eax=0x00000000 ebx=0x00000000 ecx=0x00000000 edx=0x000000ff\n",
		       "cpuid lines become a `cpuid -r` dump");
		ok(gv.tsc_gap == 9 && gv.xen_vtsc == 1, "hello's TSC facts kept");
		ring0_guest_view_tags(&gv, tags, sizeof(tags));
		is_str(tags, "guest.boot=pvh,guest.vendor=Odd_Vendor,guest.hypervisor=XenVMMXenVMM",
		       "tags; a comma from the guest cannot split them");
		ring0_guest_view_free(&gv);
	}
	test_serial_file();
	return done_testing();
}
