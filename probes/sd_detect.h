/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sd_detect.h - the word systemd-detect-virt --vm would print, from the same
 * evidence, in systemd's order (src/basic/virt.c detect_vm()), step by step:
 *
 *   1. DMI (product_name, sys_vendor, board_vendor, bios_vendor,
 *      product_version against its vendor table). "Amazon EC2" is then
 *      split by the SMBIOS "System is a virtual machine" bit (clear: bare
 *      metal, "none"), or, when that bit is unreadable, by a product name
 *      with ".metal" at its end or before a '-'. No vendor but the bit set:
 *      "vm-other". Oracle, Xen, Amazon, Parallels and Google win here,
 *      before CPUID (they run on KVM or cloak as Hyper-V).
 *   2. Xen: /proc/xen exists. A domU is "xen" at once; a dom0 (XENFEAT_dom0
 *      in /sys/hypervisor/properties/features, else control_d in
 *      /proc/xen/capabilities) goes on to CPUID and ends with its answer.
 *   3. CPUID: the hypervisor bit, then the exact 12 bytes at 0x40000000
 *      against its table ("Microsoft Hv" is only remembered: QEMU and others
 *      offer Hyper-V's interface too; an unknown signature is "vm-other"
 *      unless something better follows).
 *   4. The rest of DMI, then /sys/hypervisor/type.
 *
 * This is our own code after reading systemd's; hvscope's own reading of
 * the layers (probes/fingerprint.c) is often finer, and probe says so.
 */
#ifndef HVS_SD_DETECT_H
#define HVS_SD_DETECT_H

#include "evidence.h"

#define HVS_SD_MAX_STEPS 8

struct hvs_sd_input {
	const struct hvs_evidence *ev;
	int hypervisor_bit;       /* CPUID.1:ECX[31] */
	int leaf_known;           /* 0: the source does not have leaf 0x40000000 (a replay) */
	const unsigned char *sig; /* its 12 signature bytes (EBX ECX EDX), NULL: all zero */
	/* leaf unknown: the word hvscope's own CPUID reading gives (a stand-in) */
	const char *cpuid_fallback;
};

struct hvs_sd_result {
	const char *word; /* the systemd-detect-virt --vm word */
	int nsteps;
	char step[HVS_SD_MAX_STEPS][208]; /* how each step decided, in order */
};

/* Follow systemd's order; fill *out. */
void hvs_sd_detect_vm(const struct hvs_sd_input *in, struct hvs_sd_result *out);

/*
 * DMI "Amazon EC2" on bare metal: the SMBIOS VM bit clear, or, when it is
 * unknown, a product name ending in ".metal" (or ".metal-..."): systemd's
 * rule. 0 when DMI is not Amazon's or says a VM.
 */
int hvs_sd_ec2_metal(const struct hvs_evidence *ev);

/* systemd's CPUID table: the word for 12 signature bytes, NULL if not in it. */
const char *hvs_sd_cpuid_word(const unsigned char sig[12]);

#endif
