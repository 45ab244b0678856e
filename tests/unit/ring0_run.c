/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit test: one run of the ring-0 benchmarks without the command
 * (vmm/ring0_run.c): which benchmarks NAME operands select, a serial log's
 * status and the order its hooks are called in, the result file's bad tags,
 * and an empty /dev/kvm run (or its error when /dev/kvm is unusable).
 */
#include "vmm/ring0_run.h"
#include "core/hvscope.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RESULT_LINE(bench, status)                                                                       \
	"{\"type\":\"result\",\"bench\":\"" bench "\",\"status\":\"" status "\",\"reason\":\"r\",\"iters\":64," \
	"\"tsc_khz\":2596000,\"cycles\":[500,600,700],\"control\":[1,2,3]}\n"
#define END_LINE "{\"type\":\"end\"}\n"

/* What the hooks saw: their order as letters, and the table's rows and status. */
struct seen {
	char order[16];
	size_t rows;
	char first[64], hung[64];
	int st;
};

static void add(struct seen *s, char c)
{
	size_t n = strlen(s->order);

	if (n + 1 < sizeof(s->order))
		s->order[n] = c, s->order[n + 1] = '\0';
}

static void on_start(const struct kvm_paging_info *pi, void *arg)
{
	(void)pi;
	add(arg, 'S');
}

static void on_table(const struct hvs_metrics *set, const struct ring0_serial_summary *sum,
		     enum ring0_run_status st, void *arg)
{
	struct seen *s = arg;

	add(s, 'T');
	s->rows = set->n;
	s->st = st;
	hvs_strlcpy(s->first, set->n ? set->v[0].name : "", sizeof(s->first));
	hvs_strlcpy(s->hung, sum->hung, sizeof(s->hung));
}

static void on_notes(unsigned notes, void *arg)
{
	(void)notes;
	add(arg, 'N');
}

static void on_warn(const char *msg, void *arg)
{
	(void)msg;
	add(arg, 'W');
}

/* Write text to a temp file and summarise it as `kvm --serial` would, names as operands. */
static int serial(const char *text, char **names, int n, const struct ring0_run_out *w, struct seen *s,
		  char *why, size_t whylen)
{
	const struct ring0_run_hooks h = { on_start, NULL, NULL, on_table, on_notes, on_warn, s };
	char path[] = "/tmp/hvs-run-serial-XXXXXX";
	int fd = mkstemp(path), ret;

	memset(s, 0, sizeof(*s));
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -EIO;
	close(fd);
	ret = ring0_run_serial(path, names, n, 0, w, &h, why, whylen);
	unlink(path);
	return ret;
}

static void test_select(void)
{
	int sel[R0_NBENCH] = { 0 }, all_default = 1, tlb_only = 1, ntlb = 0;
	int hang = ring0_find("selftest.hang"), cpuid0 = ring0_find("cpuid.0");
	char *pat[] = { "tlb.*" }, *hangpat[] = { "selftest.*" }, *hangname[] = { "selftest.hang" },
	     *badnames[] = { "cpuid.0", "no.such" };
	const char *bad = NULL;

	is_int(ring0_run_select(NULL, 0, sel, &bad), 0, "select: no operands");
	for (int b = 0; b < R0_NBENCH; b++)
		all_default &= sel[b] == !(ring0_descs[b].expect & R0_X_TEST);
	ok(all_default && !sel[hang] && sel[cpuid0], "select: no operands is every benchmark but the test-only ones");

	memset(sel, 0, sizeof(sel));
	is_int(ring0_run_select(pat, 1, sel, &bad), 0, "select: tlb.*");
	for (int b = 0; b < R0_NBENCH; b++) {
		tlb_only &= sel[b] == !strncmp(ring0_descs[b].name, "tlb.", 4);
		ntlb += sel[b];
	}
	ok(tlb_only && ntlb > 1, "select: a pattern is a prefix (%d tlb.* benchmarks)", ntlb);

	memset(sel, 0, sizeof(sel));
	is_int(ring0_run_select(hangpat, 1, sel, &bad), 0, "select: selftest.* matches");
	ok(!sel[hang], "select: a pattern never pulls in a test-only benchmark");
	ring0_run_select(hangname, 1, sel, &bad);
	ok(sel[hang], "select: its full name does");

	is_int(ring0_run_select(badnames, 2, sel, &bad), -HVS_EUSAGE, "select: an unknown name is a usage error");
	ok(bad && !strcmp(bad, "no.such"), "select: ... and the operand is named (%s)", bad ? bad : "NULL");
}

static void test_serial(void)
{
	const struct ring0_run_out none = { 0 };
	char *names[] = { "cpuid.hv" }, why[300];
	struct seen s;
	int r;

	r = serial(RESULT_LINE("cpuid.0", "ok") RESULT_LINE("cpuid.hv", "ok") END_LINE, names, 1, &none, &s, why,
		   sizeof(why));
	is_int(r, RING0_RUN_OK, "serial: a complete log is OK");
	ok(s.rows == 1 && !strcmp(s.first, "image.cpuid.hv") && s.st == RING0_RUN_OK,
	   "serial: the operand keeps one row, image.cpuid.hv (%zu rows, %s)", s.rows, s.first);
	ok(!strcmp(s.order, "TN"), "serial: table, then notes (%s)", s.order);

	is_int(serial(RESULT_LINE("cpuid.0", "fail") END_LINE, NULL, 0, &none, &s, why, sizeof(why)), RING0_RUN_FAIL,
	       "serial: a failed row fails the run");
	is_int(serial(RESULT_LINE("cpuid.0", "timeout") END_LINE, NULL, 0, &none, &s, why, sizeof(why)),
	       RING0_RUN_TIMEOUT, "serial: a timed-out row times the run out");
	is_int(serial(RESULT_LINE("cpuid.0", "skip") END_LINE, NULL, 0, &none, &s, why, sizeof(why)), RING0_RUN_OK,
	       "serial: a skipped row is OK");
	r = serial(RESULT_LINE("cpuid.0", "ok") "{\"type\":\"start\",\"bench\":\"pf.guest\"}\n", NULL, 0, &none, &s,
		   why, sizeof(why));
	ok(r == RING0_RUN_TIMEOUT && !strcmp(s.hung, "pf.guest") && s.rows == 1,
	   "serial: a started benchmark without a result is a timeout, named (%d, %s)", r, s.hung);
	r = serial("SeaBIOS\nLinux\n", NULL, 0, &none, &s, why, sizeof(why));
	ok(r == RING0_RUN_NO_RESULTS && s.st == RING0_RUN_NO_RESULTS && !strcmp(s.order, "TN"),
	   "serial: a log without result lines is told to the table hook (%d, %s)", r, s.order);
	r = serial("{\"type\":\"result\",\"bench\":\"cpuid.0\",\"cycles\":[1,\n", NULL, 0, &none, &s, why,
		   sizeof(why));
	ok(r == -EBADMSG && !s.order[0] && why[0], "serial: a malformed line is -EBADMSG before any hook (%s)", why);
}

static void test_serial_out(void)
{
	char out[] = "/tmp/hvs-run-out-XXXXXX", *argv[] = { "kvm", NULL }, why[300];
	struct ring0_run_out w = { out, "bad tag", 1, argv };
	struct seen s;
	int fd = mkstemp(out), r;

	if (fd < 0) {
		skip(3, "no temp file");
		return;
	}
	close(fd);
	unlink(out);
	r = serial(RESULT_LINE("cpuid.0", "ok") END_LINE, NULL, 0, &w, &s, why, sizeof(why));
	ok(r == -HVS_EUSAGE && strstr(why, "--tag 'bad tag'") && access(out, F_OK) != 0,
	   "serial --out: a bad tag is a usage error and writes nothing (%s)", why);
	w.tags = "ci=1";
	r = serial(RESULT_LINE("cpuid.0", "fail") END_LINE, NULL, 0, &w, &s, why, sizeof(why));
	ok(r == RING0_RUN_FAIL && access(out, F_OK) == 0, "serial --out: a failed run still writes its result (%d)", r);
	unlink(out);
	r = serial("noise\n", NULL, 0, &w, &s, why, sizeof(why));
	ok(r == RING0_RUN_NO_RESULTS && access(out, F_OK) != 0, "serial --out: no result lines, no result file");
	unlink(out);
}

static void test_kvm_empty(void)
{
	struct seen s = { 0 };
	const struct ring0_run_hooks h = { on_start, NULL, NULL, on_table, on_notes, on_warn, &s };
	const struct ring0_run_out none = { 0 };
	const struct kvm_bench_opts o = { .quick = 1 };
	int sel[R0_NBENCH] = { 0 }, r;
	char why[300];

	r = ring0_run_kvm(sel, &o, &none, &h, why, sizeof(why));
	if (access("/dev/kvm", R_OK | W_OK) == 0)
		ok(r == RING0_RUN_OK && !strcmp(s.order, "SN"),
		   "kvm: nothing selected: start and notes, status OK (%d, %s)", r, s.order);
	else
		ok((r == -ENODEV || r == -EACCES || r == -EPERM) && !strncmp(why, "/dev/kvm", 8) && !s.order[0],
		   "kvm: no usable /dev/kvm: %d with the reason (%s), no hook", r, why);
}

int main(void)
{
	plan(22);
	test_select();
	test_serial();
	test_serial_out();
	test_kvm_empty();
	return done_testing();
}
