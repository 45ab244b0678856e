/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit test: ring-0 samples to a metric (control subtraction, cycles to ns)
 * and the reader of the bootable image's serial lines and logs.
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

	plan(26);
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
	test_serial_file();
	return done_testing();
}
