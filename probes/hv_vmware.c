/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hv_vmware.c - the timing leaf base+0x10, introduced by VMware
 * (EAX = (virtual) TSC frequency in kHz, EBX = APIC bus / timer frequency
 * in kHz) and offered by others too (QEMU's vmware-cpuid-freq, VirtualBox,
 * Firecracker CPU templates). Decoded for any range that reaches it. The
 * VMware signature range itself has no other documented leaves; VMware's
 * Hyper-V compatible interface ("Hv#1" at base+1) is decoded by hv_hyperv.c.
 */
#include "hypervisor.h"

void hvs_hv_decode_timing_leaf(const struct hvs_cpuid_src *s, struct hvs_hv_range *r)
{
	uint32_t l[4];

	if (r->max < r->base + 0x10 || hvs_cpuid(s, r->base + 0x10, 0, l) <= 0)
		return;
	if (!l[0] && !l[1])
		return;
	hvs_fields_num(&r->f, "tsc_khz", l[0]);
	hvs_fields_num(&r->f, "apic_bus_khz", l[1]);
}
