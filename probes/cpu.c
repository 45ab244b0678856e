/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpu.c - decode the CPU identification leaves (see cpu.h).
 */
#include "cpu.h"

#include <string.h>

const char *const hvs_svm_feature_names[32] = {
	[0] = "NP",		/* nested paging (RVI) */
	[1] = "LbrVirt",	[2] = "SVML",	     [3] = "NRIPS",
	[4] = "TscRateMsr",	[5] = "VmcbClean",   [6] = "FlushByAsid",
	[7] = "DecodeAssists", [10] = "PauseFilter", [12] = "PauseFilterThreshold",
	[13] = "AVIC",		[15] = "VMSAVEvirt", [16] = "VGIF",
	[17] = "GMET",		[18] = "x2AVIC",     [19] = "SSSCheck",
	[20] = "SpecCtrl",	[21] = "ROGPT",	     [23] = "HOST_MCE_OVERRIDE",
	[24] = "TlbiCtl",	[25] = "VNMI",	     [26] = "IbsVirt",
	[27] = "ExtLvtAvicAccessChg", [28] = "NestedVirtVmcbAddrChk",
	[29] = "BusLockThreshold",
};

static void trim_copy(char *dst, size_t len, const char *src, size_t n)
{
	size_t b = 0, e = strnlen(src, n);

	while (b < e && (src[b] == ' ' || src[b] == '\0'))
		b++;
	while (e > b && (src[e - 1] == ' ' || src[e - 1] == '\0'))
		e--;
	if (e - b >= len)
		e = b + len - 1;
	for (size_t i = b; i < e; i++)
		dst[i - b] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[e - b] = '\0';
}

int hvs_cpu_collect(const struct hvs_cpuid_src *s, struct hvs_cpu *c, int with_uarch)
{
	uint32_t r[4], r1[4] = { 0 }, e1[4] = { 0 };
	char raw[48];

	memset(c, 0, sizeof(*c));
	if (hvs_cpuid(s, 0, 0, r) > 0) {
		c->have_leaf0 = 1;
		c->max_basic = r[0];
		memcpy(c->vendor, &r[1], 4);
		memcpy(c->vendor + 4, &r[3], 4);
		memcpy(c->vendor + 8, &r[2], 4);
		for (int i = 0; i < 12; i++)
			if (c->vendor[i] && (c->vendor[i] < 0x20 || c->vendor[i] > 0x7e))
				c->vendor[i] = '?';
		hvs_fields_str(&c->f, "vendor", "%s", c->vendor);
		hvs_fields_hex(&c->f, "max_basic_leaf", c->max_basic);
	}
	if (hvs_cpuid(s, 1, 0, r1) > 0) {
		unsigned fam = (r1[0] >> 8) & 0xf, mod = (r1[0] >> 4) & 0xf;

		c->sig = r1[0];
		c->family = fam == 0xf ? fam + ((r1[0] >> 20) & 0xff) : fam;
		c->model = (fam == 0x6 || fam == 0xf) ? mod | ((r1[0] >> 12) & 0xf0) : mod;
		c->stepping = r1[0] & 0xf;
		c->hypervisor_bit = r1[2] >> 31 & 1;
		c->vmx = r1[2] >> 5 & 1;
		hvs_fields_hex(&c->f, "signature", c->sig);
		hvs_fields_num(&c->f, "family", c->family);
		hvs_fields_num(&c->f, "model", c->model);
		hvs_fields_num(&c->f, "stepping", c->stepping);
		hvs_fields_bool(&c->f, "hypervisor_bit", c->hypervisor_bit);
	}
	if (hvs_cpuid(s, 0x80000000, 0, r) > 0 && r[0] >= 0x80000000 && r[0] - 0x80000000 < 0x100) {
		c->max_ext = r[0];
		hvs_fields_hex(&c->f, "max_extended_leaf", c->max_ext);
		if (c->max_ext >= 0x80000001 && hvs_cpuid(s, 0x80000001, 0, e1) > 0) {
			c->nx = e1[3] >> 20 & 1;
			c->svm = e1[2] >> 2 & 1;
		}
		if (c->max_ext >= 0x80000004) {
			int ok = 1;

			for (uint32_t l = 0; l < 3; l++) {
				if (hvs_cpuid(s, 0x80000002 + l, 0, r) <= 0)
					ok = 0;
				memcpy(raw + 16 * l, r, 16);
			}
			if (ok)
				trim_copy(c->brand, sizeof(c->brand), raw, sizeof(raw));
		}
	}
	if (c->brand[0])
		hvs_fields_str(&c->f, "brand", "%s", c->brand);
	hvs_fields_bool(&c->f, "nx", c->nx);
	hvs_fields_bool(&c->f, "vmx", c->vmx);
	hvs_fields_bool(&c->f, "svm", c->svm);
	if (c->svm && c->max_ext >= 0x8000000a && hvs_cpuid(s, 0x8000000a, 0, r) > 0) {
		c->have_svm_leaf = 1;
		c->svm_rev = r[0] & 0xff;
		c->svm_nasid = r[1];
		c->svm_edx = r[3];
		hvs_fields_num(&c->f, "svm_revision", c->svm_rev);
		hvs_fields_num(&c->f, "svm_nasid", c->svm_nasid);
		hvs_fields_bits(&c->f, "svm_features", c->svm_edx, hvs_svm_feature_names);
		hvs_fields_bool(&c->f, "npt", c->svm_edx & 1);
	}
	if (!with_uarch)
		return 0;
	if (hvs_cpu_uarch(s, c->uarch, sizeof(c->uarch), c->uarch_note, sizeof(c->uarch_note)) == 0 &&
	    c->uarch[0])
		hvs_fields_str(&c->f, "microarchitecture", "%s", c->uarch);
	else
		hvs_fields_str(&c->f, "microarchitecture_note", "%s",
			       c->uarch_note[0] ? c->uarch_note : "unknown");
	return 0;
}

void hvs_cpu_free(struct hvs_cpu *c)
{
	hvs_fields_free(&c->f);
}
