/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpuid_dump.c - unit tests of the CPUID sources, the dump parser (every
 * format, first CPU only, contradictions) and the writer (round trip), the
 * signature table (exact padding) and the Xen forced-emulation source
 * (unavailable outside a Xen PV guest, SIGILL handler restored).
 */
#include "probes/cpuid_src.h"
#include "core/hvscope.h"
#include "probes/hypervisor.h"
#include "tap.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static int parse(struct hvs_cpuid_src *s, const char *txt)
{
	char why[256];

	return hvs_cpuid_src_replay_buf(s, txt, strlen(txt), why, sizeof(why));
}

static uint32_t q(const struct hvs_cpuid_src *s, uint32_t leaf, uint32_t sub, int reg)
{
	uint32_t r[4];

	if (hvs_cpuid(s, leaf, sub, r) <= 0)
		return 0xdeadbeef;
	return r[reg];
}

static void dummy_handler(int sig)
{
	(void)sig;
}

int main(void)
{
	struct hvs_cpuid_src s;
	int rc;

	plan(39);

	/* todd, two CPUs: the first is kept, 2-space indent tolerated */
	rc = parse(&s, "CPU 0:\n  0x00000000 0x00: eax=0x0000000d ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69\n"
		       "   0x00000004 0x01: eax=0x00000122 ebx=0x01c0003f ecx=0x0000003f edx=0x00000000\n"
		       "CPU 1:\n   0x00000000 0x00: eax=0x00000099 ebx=0x1 ecx=0x2 edx=0x3\n");
	is_int(rc, 0, "todd: parses");
	is_str(s.format, "todd", "todd: format detected");
	is_int(s.ncpus_seen, 2, "todd: two CPUs seen");
	is_int(q(&s, 0, 0, HVS_EAX), 0xd, "todd: first CPU's leaf 0 kept");
	is_int(q(&s, 4, 1, HVS_EAX), 0x122, "todd: subleaf 1 of leaf 4");
	is_int(hvs_cpuid(&s, 4, 2, (uint32_t[4]){ 0 }), 0, "todd: absent row answers 0 (not present)");
	hvs_cpuid_src_free(&s);

	/* instlat */
	rc = parse(&s, "CPU#000 AffMask: 0x1\nCPUID 00000000: 0000000D-68747541-444D4163-69746E65 [AuthenticAMD]\n"
		       "CPUID 00000007: 00000000-00000008-00000000-00000000 [SL 00]\n"
		       "CPUID 0000000D: 00000001-00000002-00000003-00000004 [SL 01]\n"
		       "CPU#001 AffMask: 0x2\nCPUID 00000000: 00000001-68747541-444D4163-69746E65\n");
	is_int(rc, 0, "instlat: parses");
	is_str(s.format, "instlat", "instlat: format detected");
	is_int(q(&s, 0xd, 1, HVS_EDX), 4, "instlat: [SL 01] is subleaf 1");
	is_int(q(&s, 0, 0, HVS_EAX), 0xd, "instlat: first CPU only");
	hvs_cpuid_src_free(&s);

	/* rjcp, with a BOM */
	rc = parse(&s, "\xef\xbb\xbf<?xml version=\"1.0\"?>\n<cpuid type=\"x86\">\n<processor>\n"
		       "<register eax=\"40000000\" ecx=\"00000000\">40000001,4B4D564B,564B4D56,0000004D</register>\n"
		       "<register eax=\"00000000\" ecx=\"00000000\">00000016,756E6547,6C65746E,49656E69</register>\n"
		       "</processor>\n<processor>\n"
		       "<register eax=\"00000000\" ecx=\"00000000\">00000001,756E6547,6C65746E,49656E69</register>\n"
		       "</processor>\n</cpuid>");
	is_int(rc, 0, "rjcp: parses (BOM, no trailing newline)");
	is_str(s.format, "rjcp", "rjcp: format detected");
	is_int(s.ncpus_seen, 2, "rjcp: two processors seen");
	is_int(q(&s, 0, 0, HVS_EAX), 0x16, "rjcp: first processor kept");
	is_int(q(&s, 0x40000000, 0, HVS_EDX), 0x4d, "rjcp: hypervisor leaf");
	hvs_cpuid_src_free(&s);

	/* manusov: Pass != 0 rows are ignored */
	rc = parse(&s, "  Function    Subfunction   Pass        EAX         EBX         ECX         EDX\n"
		       "------------\n"
		       "  00000000    00000000      00000000    0000000D    756E6547    6C65746E    49656E69  \n"
		       "  00000002    00000000      00000001    11111111    00000000    00000000    00000000  \n"
		       "------------\n");
	is_int(rc, 0, "manusov: parses");
	is_int(hvs_cpuid(&s, 2, 0, (uint32_t[4]){ 0 }), 0, "manusov: pass 1 rows ignored");
	hvs_cpuid_src_free(&s);

	/* libcpuid: rows beyond the max leaf dropped, intel_fn4 wins */
	rc = parse(&s, "version=0.4.1\nbasic_cpuid[0]=00000004 756e6547 6c65746e 49656e69\n"
		       "basic_cpuid[4]=00000121 01c0003f 0000003f 00000001\n"
		       "basic_cpuid[5]=00000121 01c0003f 0000003f 00000001\n"
		       "ext_cpuid[0]=80000008 00000000 00000000 00000000\n"
		       "intel_fn4[0]=00000121 01c0003f 0000003f 00000002\n"
		       "intel_fn4[1]=00000122 01c0003f 0000003f 00000001\n");
	is_int(rc, 0, "libcpuid: parses");
	is_int(hvs_cpuid(&s, 5, 0, (uint32_t[4]){ 0 }), 0, "libcpuid: leaf beyond max dropped");
	is_int(q(&s, 4, 0, HVS_EDX), 2, "libcpuid: intel_fn4[0] overrides basic_cpuid[4]");
	is_int(q(&s, 4, 1, HVS_EAX), 0x122, "libcpuid: intel_fn4[1] is leaf 4 subleaf 1");
	is_int(q(&s, 0x80000000, 0, HVS_EAX), 0x80000008, "libcpuid: ext_cpuid[0]");
	hvs_cpuid_src_free(&s);

	/* errors */
	is_int(parse(&s, "CPU:\n   0x00000000 0x00: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4\n"
			 "   0x00000000 0x00: eax=0x1 ebx=0x2 ecx=0x3 edx=0x5\n"),
	       -EBADMSG, "contradictory rows -> parse error");
	is_int(parse(&s, "CPU:\n   0x00000000 0x00: eax=0x1 ebx=0x2 ec"), -EBADMSG,
	       "truncated row -> parse error");
	is_int(parse(&s, "nothing here\n"), -EBADMSG, "no format -> parse error");
	{
		char z[4] = { 'C', 'P', 0, 'U' };
		char why[128];

		is_int(hvs_cpuid_src_replay_buf(&s, z, sizeof(z), why, sizeof(why)), -EBADMSG,
		       "NUL bytes -> parse error");
	}

	/* writer round trip on the live CPU: write, read back, write again: identical */
	{
		struct hvs_cpuid_src live, back;
		char *b1 = NULL, *b2 = NULL, why[256];
		size_t l1 = 0, l2 = 0;
		FILE *f1 = open_memstream(&b1, &l1), *f2 = open_memstream(&b2, &l2);

		hvs_cpuid_src_live(&live);
		hvs_cpuid_write_dump(&live, f1);
		fclose(f1);
		rc = hvs_cpuid_src_replay_buf(&back, b1, l1, why, sizeof(why));
		is_int(rc, 0, "live dump parses back");
		hvs_cpuid_write_dump(&back, f2);
		fclose(f2);
		ok(l1 == l2 && !memcmp(b1, b2, l1), "dump -> parse -> dump is byte-identical (%zu bytes)", l1);
		ok(!strncmp(b1, "CPU:\n   0x00000000 0x00: eax=0x", 31), "dump starts like cpuid -r -1");
		hvs_cpuid_src_free(&back);
		hvs_cpuid_src_free(&live);
		free(b1);
		free(b2);
	}

	/* signatures: exact padding and trimmed variants */
	{
		const struct hvs_hv_sig *k;

		k = hvs_hv_sig_lookup((const unsigned char *)"KVMKVMKVM\0\0\0");
		ok(k && !strcmp(k->id, "kvm"), "KVMKVMKVM\\0\\0\\0 is KVM");
		k = hvs_hv_sig_lookup((const unsigned char *)"bhyve bhyve ");
		ok(k && !strcmp(k->detect, "bhyve"), "'bhyve bhyve ' is bhyve");
		k = hvs_hv_sig_lookup((const unsigned char *)" lrpepyh  vr");
		ok(k && !strcmp(k->id, "parallels"), "' lrpepyh  vr' is Parallels");
		k = hvs_hv_sig_lookup((const unsigned char *)"QNXQVMBSQG\0\0");
		ok(k && !strcmp(k->id, "qnx"), "QNXQVMBSQG with NUL padding is QNX");
		k = hvs_hv_sig_lookup((const unsigned char *)"KVMKVMKVMKVM");
		ok(k == NULL, "KVMKVMKVMKVM is not a known signature");
		ok(!hvs_hv_base_present(0x40000100, (uint32_t[4]){ 0, 0, 0, 0 }), "all-zero range is absent");
		ok(hvs_hv_base_present(0x40000000, (uint32_t[4]){ 0, 0x4b4d564b, 0x564b4d56, 0x4d }),
		   "old KVM (EAX=0) range is present");
	}

	/* Xen forced emulation: SIGILL here (not Xen PV), old handler restored */
	{
		struct sigaction sa, now;
		struct hvs_cpuid_src xs;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = dummy_handler;
		sigaction(SIGILL, &sa, NULL);
		rc = hvs_cpuid_src_xen(&xs);
		ok(rc == 0 || rc == -ENODEV, "xen source: available (Xen PV) or -ENODEV (rc %d)", rc);
		sigaction(SIGILL, NULL, &now);
		ok(now.sa_handler == dummy_handler, "xen source: previous SIGILL handler restored");
		if (rc == -ENODEV)
			is_int(hvs_cpuid(&xs, 0x40000000, 0, (uint32_t[4]){ 0 }), -ENODEV,
			       "xen source: queries say unavailable");
		else
			is_int(hvs_cpuid(&xs, 0x40000000, 0, (uint32_t[4]){ 0 }), 1,
			       "xen source: queries answered");
		hvs_cpuid_src_free(&xs);
	}
	return done_testing();
}
