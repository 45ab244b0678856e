/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hv_xen.c - Xen's leaves (xen/include/public/arch-x86/cpuid.h):
 *   base+1 EAX: version major<<16 | minor
 *   base+2 EAX: hypercall transfer pages, EBX: MSR that installs them
 *   base+3 subleaf 0: TSC feature flags, tsc_mode, guest TSC kHz, incarnation
 *   base+4 HVM features (EAX flags; EBX vcpu id, ECX domid when flagged)
 *   base+5 PV features (EBX bits 7:0 max machine address width)
 */
#include "hypervisor.h"

static const char *const xen_hvm_names[32] = {
	[0] = "APIC_ACCESS_VIRT", [1] = "X2APIC_VIRT",  [2] = "IOMMU_MAPPINGS",
	[3] = "VCPU_ID_PRESENT",  [4] = "DOMID_PRESENT", [5] = "UPCALL_VECTOR",
};

static const char *const xen_tsc_flag_names[32] = {
	[0] = "VTSC", [1] = "TSC_STABLE", [2] = "RDTSCP",
};

void hvs_hv_decode_xen(const struct hvs_cpuid_src *s, struct hvs_hv_range *r)
{
	static const char *const tsc_modes[] = { "default", "always_emulate", "never_emulate",
						 "pvrdtscp" };
	uint32_t l[4], b = r->base;

	if (r->max >= b + 1 && hvs_cpuid(s, b + 1, 0, l) > 0) {
		hvs_fields_str(&r->f, "xen_version", "%u.%u", l[0] >> 16, l[0] & 0xffff);
		hvs_fields_num(&r->f, "xen_version_major", l[0] >> 16);
		hvs_fields_num(&r->f, "xen_version_minor", l[0] & 0xffff);
	}
	if (r->max >= b + 2 && hvs_cpuid(s, b + 2, 0, l) > 0) {
		hvs_fields_num(&r->f, "xen_hypercall_pages", l[0]);
		hvs_fields_hex(&r->f, "xen_hypercall_msr", l[1]);
	}
	if (r->max >= b + 3 && hvs_cpuid(s, b + 3, 0, l) > 0) {
		hvs_fields_bits(&r->f, "xen_tsc_flags", l[0], xen_tsc_flag_names);
		if (l[1] < 4)
			hvs_fields_str(&r->f, "xen_tsc_mode", "%s", tsc_modes[l[1]]);
		else
			hvs_fields_str(&r->f, "xen_tsc_mode", "unknown (%u)", l[1]);
		hvs_fields_num(&r->f, "xen_tsc_khz", l[2]);
		hvs_fields_num(&r->f, "xen_tsc_incarnation", l[3]);
	}
	if (r->max >= b + 4 && hvs_cpuid(s, b + 4, 0, l) > 0) {
		hvs_fields_bits(&r->f, "xen_hvm_features", l[0], xen_hvm_names);
		if (l[0] & (1u << 3))
			hvs_fields_num(&r->f, "xen_vcpu_id", l[1]);
		if (l[0] & (1u << 4))
			hvs_fields_num(&r->f, "xen_domid", l[2]);
	}
	if (r->max >= b + 5 && hvs_cpuid(s, b + 5, 0, l) > 0) {
		hvs_fields_hex(&r->f, "xen_pv_features_eax", l[0]);
		hvs_fields_num(&r->f, "xen_pv_max_machine_address_bits", l[1] & 0xff);
	}
}
