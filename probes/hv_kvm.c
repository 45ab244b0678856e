/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hv_kvm.c - KVM's feature leaf base+1 (KVM_CPUID_FEATURES): EAX is the
 * KVM_FEATURE_* bit set, EDX the hints (KVM_HINTS_REALTIME: vCPUs are
 * pinned and never preempted). Bit numbers from
 * arch/x86/include/uapi/asm/kvm_para.h.
 */
#include "hypervisor.h"

const char *const hvs_kvm_feature_names[32] = {
	[0] = "CLOCKSOURCE",
	[1] = "NOP_IO_DELAY",
	[2] = "MMU_OP",
	[3] = "CLOCKSOURCE2",
	[4] = "ASYNC_PF",
	[5] = "STEAL_TIME",
	[6] = "PV_EOI",
	[7] = "PV_UNHALT",
	[9] = "PV_TLB_FLUSH",
	[10] = "ASYNC_PF_VMEXIT",
	[11] = "PV_SEND_IPI",
	[12] = "POLL_CONTROL",
	[13] = "PV_SCHED_YIELD",
	[14] = "ASYNC_PF_INT",
	[15] = "MSI_EXT_DEST_ID",
	[16] = "HC_MAP_GPA_RANGE",
	[17] = "MIGRATION_CONTROL",
	[24] = "CLOCKSOURCE_STABLE_BIT",
};

static const char *const kvm_hint_names[32] = {
	[0] = "REALTIME",
};

void hvs_hv_decode_kvm(const struct hvs_cpuid_src *s, struct hvs_hv_range *r)
{
	uint32_t l[4];

	if (r->max < r->base + 1 || hvs_cpuid(s, r->base + 1, 0, l) <= 0)
		return;
	hvs_fields_hex(&r->f, "kvm_features_eax", l[0]);
	hvs_fields_bits(&r->f, "kvm_features", l[0], hvs_kvm_feature_names);
	hvs_fields_hex(&r->f, "kvm_hints_edx", l[3]);
	hvs_fields_bits(&r->f, "kvm_hints", l[3], kvm_hint_names);
	hvs_fields_bool(&r->f, "kvm_hints_realtime", l[3] & 1);
}
