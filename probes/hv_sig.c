/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hv_sig.c - the table of known hypervisor signatures and the scan of the
 * hypervisor CPUID ranges.
 *
 * The signature is the 12 bytes of EBX, ECX, EDX of the range's base leaf,
 * little-endian, and padding matters: KVM pads with NULs
 * ("KVMKVMKVM\0\0\0", arch/x86/include/uapi/asm/kvm_para.h), bhyve with a
 * space ("bhyve bhyve "). Parallels returns " lrpepyh  vr", which is
 * "prl hyperv  " with each 4-byte register byte-reversed (systemd virt.c
 * lists the reversed form; some tools list the readable one). Both are
 * accepted. A few projects are quoted with and without outer spaces
 * (" QNXQVMBSQG " / "QNXQVMBSQG", "Apple VZ" + padding): entries match
 * after stripping leading/trailing spaces and NULs on both sides, while the
 * exact bytes seen are always reported (sig_text, sig_hex).
 */
#include "hypervisor.h"

#include <string.h>

static const struct hvs_hv_sig sigs[] = {
	{ "KVMKVMKVM\0\0\0", "kvm", "KVM", "kvm", hvs_hv_decode_kvm },
	{ "Linux KVM Hv", "kvm-hyperv", "KVM (Hyper-V emulation)", "kvm", hvs_hv_decode_hyperv },
	{ "Microsoft Hv", "hyperv", "Microsoft Hyper-V", "microsoft", hvs_hv_decode_hyperv },
	{ "XenVMMXenVMM", "xen", "Xen", "xen", hvs_hv_decode_xen },
	{ "VMwareVMware", "vmware", "VMware", "vmware", NULL },
	{ "TCGTCGTCGTCG", "tcg", "QEMU TCG", "qemu", NULL },
	{ "bhyve bhyve ", "bhyve", "bhyve", "bhyve", NULL },
	{ "BHyVE BHyVE ", "bhyve", "bhyve (old signature)", "bhyve", NULL },
	{ "ACRNACRNACRN", "acrn", "ACRN", "acrn", NULL },
	{ "VBoxVBoxVBox", "vbox", "VirtualBox", "oracle", NULL },
	{ " lrpepyh  vr", "parallels", "Parallels", "parallels", NULL },
	{ "prl hyperv  ", "parallels", "Parallels", "parallels", NULL },
	{ "Jailhouse\0\0\0", "jailhouse", "Jailhouse", NULL, NULL },
	{ "OpenBSDVMM58", "openbsd-vmm", "OpenBSD vmm", NULL, NULL },
	{ "LKVMLKVMLKVM", "lkvm", "kvmtool (lkvm)", "kvm", NULL },
	{ " QNXQVMBSQG ", "qnx", "QNX Hypervisor", "qnx", NULL },
	{ "SRESRESRESRE", "sre", "Lockheed Martin LMHS (SRE)", "sre", NULL },
	{ "Apple VZ\0\0\0\0", "apple", "Apple Virtualization.framework", "apple", NULL },
	{ "EVMMEVMMEVMM", "evmm", "Intel KGT (EVMM)", NULL, NULL },
	{ "HAXMHAXMHAXM", "haxm", "Intel HAXM", NULL, NULL },
	{ "___ NVMM ___", "nvmm", "NetBSD NVMM", NULL, NULL },
	{ "UnisysSpar64", "unisys", "Unisys s-Par", NULL, NULL },
	{ "Napocahv    ", "napoca", "Bitdefender Napoca", NULL, NULL },
	{ "MicrosoftXTA", "xta", "Microsoft x86-on-ARM emulation", NULL, NULL },
	{ "VirtualApple", "rosetta", "Apple Rosetta 2", NULL, NULL },
	{ "IntelTDX    ", "tdx", "Intel TDX module", NULL, NULL },
};

/* [*b, *e) = s without leading/trailing spaces and NULs. */
static void trim(const unsigned char *s, const unsigned char **b, const unsigned char **e)
{
	*b = s;
	*e = s + 12;
	while (*b < *e && (**b == ' ' || **b == 0))
		(*b)++;
	while (*e > *b && ((*e)[-1] == ' ' || (*e)[-1] == 0))
		(*e)--;
}

const struct hvs_hv_sig *hvs_hv_sig_lookup(const unsigned char sig[12])
{
	const unsigned char *b, *e, *tb, *te;

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (!memcmp(sig, sigs[i].sig, 12))
			return &sigs[i];
	trim(sig, &b, &e);
	if (b == e)
		return NULL;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		trim((const unsigned char *)sigs[i].sig, &tb, &te);
		if (te - tb == e - b && !memcmp(b, tb, (size_t)(e - b)))
			return &sigs[i];
	}
	return NULL;
}

int hvs_hv_base_present(uint32_t base, const uint32_t r[4])
{
	if (!(r[1] | r[2] | r[3]))
		return 0;
	if (r[0] >= base && r[0] - base <= 0xff)
		return 1;
	/* Old KVM answered EAX=0 at 0x40000000, meaning "up to 0x40000001". */
	return base == 0x40000000 && r[0] == 0;
}

static void sig_render(struct hvs_hv_range *r)
{
	char *p = r->sig_text, *end = r->sig_text + sizeof(r->sig_text);

	for (int i = 0; i < 12; i++) {
		unsigned char c = r->sig[i];

		if (c == 0)
			p += snprintf(p, (size_t)(end - p), "\\0");
		else if (c == '\\')
			p += snprintf(p, (size_t)(end - p), "\\\\");
		else if (c < 0x20 || c > 0x7e || c == '"')
			p += snprintf(p, (size_t)(end - p), "\\x%02x", c);
		else
			*p++ = (char)c, *p = '\0';
	}
	for (int i = 0; i < 12; i++)
		snprintf(r->sig_hex + 2 * i, 3, "%02x", r->sig[i]);
}

int hvs_hv_scan(const struct hvs_cpuid_src *s, struct hvs_hv_range *out, int max, int contiguous)
{
	int n = 0;

	for (uint32_t i = 0; i < 0x100 && n < max; i++) {
		uint32_t base = 0x40000000 + (i << 8), regs[4];
		struct hvs_hv_range *r;

		if (hvs_cpuid(s, base, 0, regs) <= 0 || !hvs_hv_base_present(base, regs)) {
			if (contiguous)
				break;
			continue;
		}
		r = &out[n++];
		memset(r, 0, sizeof(*r));
		r->base = base;
		memcpy(r->regs, regs, sizeof(regs));
		r->max = regs[0] ? regs[0] : base + 1;
		memcpy(r->sig, &regs[1], 4);
		memcpy(r->sig + 4, &regs[2], 4);
		memcpy(r->sig + 8, &regs[3], 4);
		sig_render(r);
		r->known = hvs_hv_sig_lookup(r->sig);
		if (r->known && r->known->decode) {
			r->known->decode(s, r);
		} else if (r->max >= base + 1) {
			uint32_t l1[4];

			/* Hv#1 at base+1: this hypervisor also speaks Hyper-V's interface */
			if (hvs_cpuid(s, base + 1, 0, l1) > 0 && l1[0] == 0x31237648)
				hvs_hv_decode_hyperv(s, r);
		}
		hvs_hv_decode_timing_leaf(s, r);
	}
	return n;
}

void hvs_hv_range_free(struct hvs_hv_range *r)
{
	hvs_fields_free(&r->f);
}
