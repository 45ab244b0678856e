/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hv_hyperv.c - the Hyper-V TLFS leaves base+1..base+0xC (Hypervisor
 * Top-Level Functional Specification, "Feature Discovery"):
 *   +1 interface signature ("Hv#1")
 *   +2 version: EAX build, EBX major.minor, ECX service pack,
 *      EDX service branch (31:24) and number (23:0)
 *   +3 partition privilege mask (EAX low, EBX high 32 bits), ECX power
 *      management, EDX feature flags. EBX bit 0 (CreatePartitions) is set
 *      only in the ROOT partition: the OS we run in is the host (e.g.
 *      Windows with Hyper-V/VBS), not a guest.
 *   +4 implementation recommendations (EAX), spinlock retries (EBX)
 *   +5 implementation limits, +6 hardware features in use,
 *   +7 CPU management (root only), +8 shared virtual memory,
 *   +9 nested hypervisor features, +A nested optimizations,
 *   +C isolation configuration (paravisor, VBS/SNP/TDX).
 * The same decoder serves KVM's "Linux KVM Hv" range and any other
 * hypervisor announcing "Hv#1" at base+1 (VMware, VirtualBox, Xen viridian).
 */
#include "hypervisor.h"

static const char *const priv_lo[32] = {
	[0] = "AccessVpRunTimeReg", [1] = "AccessPartitionReferenceCounter",
	[2] = "AccessSynicRegs", [3] = "AccessSyntheticTimerRegs",
	[4] = "AccessIntrCtrlRegs", [5] = "AccessHypercallMsrs", [6] = "AccessVpIndex",
	[7] = "AccessResetReg", [8] = "AccessStatsReg",
	[9] = "AccessPartitionReferenceTsc", [10] = "AccessGuestIdleReg",
	[11] = "AccessFrequencyRegs", [12] = "AccessDebugRegs",
	[13] = "AccessReenlightenmentControls", [14] = "AccessRootSchedulerReg",
	[15] = "AccessTscInvariantControls",
};

static const char *const priv_hi[32] = {
	[0] = "CreatePartitions", [1] = "AccessPartitionId", [2] = "AccessMemoryPool",
	[4] = "PostMessages", [5] = "SignalEvents", [6] = "CreatePort", [7] = "ConnectPort",
	[8] = "AccessStats", [11] = "Debugging", [12] = "CpuManagement",
	[16] = "AccessVSM", [17] = "AccessVpRegisters", [20] = "EnableExtendedHypercalls",
	[21] = "StartVirtualProcessor", [22] = "Isolation",
};

static const char *const feat_edx[32] = {
	[0] = "MwaitAvailable", [1] = "GuestDebugging", [2] = "PerformanceMonitor",
	[3] = "CpuDynamicPartitioning", [4] = "XmmRegistersForFastHypercall",
	[5] = "GuestIdle", [6] = "HypervisorSleepState", [7] = "NumaDistanceQuery",
	[8] = "TimerFrequenciesQuery", [9] = "SyntheticMachineCheck",
	[10] = "GuestCrashMsrs", [11] = "DebugMsrs", [12] = "NPIEP",
	[13] = "DisableHypervisor", [14] = "ExtendedGvaRangesForFlushVirtualAddressList",
	[15] = "FastHypercallOutputXmm", [17] = "SintPollingMode",
	[18] = "HypercallMsrLock", [19] = "DirectSyntheticTimers", [20] = "RegisterPat",
	[21] = "RegisterBndcfgs", [22] = "WatchdogTimer",
};

static const char *const recommend[32] = {
	[0] = "HypercallAddressSpaceSwitch", [1] = "HypercallLocalFlush",
	[2] = "HypercallRemoteFlush", [3] = "MsrApicAccess", [4] = "MsrSystemReset",
	[5] = "RelaxedTiming", [6] = "DmaRemapping", [7] = "InterruptRemapping",
	[8] = "X2ApicMsrs", [9] = "DeprecateAutoEoi", [10] = "SyntheticClusterIpi",
	[11] = "ExProcessorMasks", [12] = "Nested", [13] = "IntForMbecSyscalls",
	[14] = "NestedEvmcs", [15] = "SyncedTimeline", [17] = "DirectLocalFlushEntire",
	[18] = "NoNonArchitecturalCoreSharing",
};

static const char *const hwfeat[32] = {
	[0] = "ApicOverlayAssist", [1] = "MsrBitmaps", [2] = "ArchitecturalPerformanceCounters",
	[3] = "SecondLevelAddressTranslation", [4] = "DmaRemapping",
	[5] = "InterruptRemapping", [6] = "MemoryPatrolScrubber", [7] = "DmaProtection",
	[8] = "HpetRequested", [9] = "SyntheticTimersVolatile",
};

static const char *const nested_opt[32] = {
	[17] = "DirectVirtualFlush", [18] = "FlushGuestPhysicalHypercall",
	[19] = "EnlightenedMsrBitmap", [20] = "CombineVirtualizationExceptions",
	[22] = "EnlightenedTlb",
};

void hvs_hv_decode_hyperv(const struct hvs_cpuid_src *s, struct hvs_hv_range *r)
{
	static const char *const iso[] = { "none", "vbs", "snp", "tdx" };
	uint32_t l[4], b = r->base;

	if (r->max < b + 1 || hvs_cpuid(s, b + 1, 0, l) <= 0)
		return;
	hvs_fields_str(&r->f, "hv_interface", "%c%c%c%c", (char)(l[0] & 0x7f) ?: '.',
		       (char)(l[0] >> 8 & 0x7f) ?: '.', (char)(l[0] >> 16 & 0x7f) ?: '.',
		       (char)(l[0] >> 24 & 0x7f) ?: '.');
	if (l[0] != 0x31237648) /* "Hv#1" */
		return;
	if (r->max >= b + 2 && hvs_cpuid(s, b + 2, 0, l) > 0) {
		hvs_fields_str(&r->f, "hv_version", "%u.%u.%u", l[1] >> 16, l[1] & 0xffff, l[0]);
		hvs_fields_num(&r->f, "hv_build", l[0]);
		hvs_fields_num(&r->f, "hv_service_pack", l[2]);
		hvs_fields_num(&r->f, "hv_service_branch", l[3] >> 24);
		hvs_fields_num(&r->f, "hv_service_number", l[3] & 0xffffff);
	}
	if (r->max >= b + 3 && hvs_cpuid(s, b + 3, 0, l) > 0) {
		hvs_fields_hex(&r->f, "hv_privileges_eax", l[0]);
		hvs_fields_hex(&r->f, "hv_privileges_ebx", l[1]);
		hvs_fields_bits(&r->f, "hv_privileges", l[0], priv_lo);
		hvs_fields_bits(&r->f, "hv_partition_flags", l[1], priv_hi);
		hvs_fields_bool(&r->f, "hv_root_partition", l[1] & 1);
		hvs_fields_num(&r->f, "hv_max_power_state", l[2] & 0xf);
		hvs_fields_bits(&r->f, "hv_features_edx", l[3], feat_edx);
	}
	if (r->max >= b + 4 && hvs_cpuid(s, b + 4, 0, l) > 0) {
		hvs_fields_bits(&r->f, "hv_recommendations", l[0], recommend);
		/* 0xffffffff: never notify the hypervisor about a long spin */
		hvs_fields_num(&r->f, "hv_spinlock_retries", l[1]);
		hvs_fields_bool(&r->f, "hv_spinlock_never_notify", l[1] == 0xffffffff);
	}
	if (r->max >= b + 5 && hvs_cpuid(s, b + 5, 0, l) > 0) {
		hvs_fields_num(&r->f, "hv_max_vcpus", l[0]);
		hvs_fields_num(&r->f, "hv_max_lps", l[1]);
	}
	if (r->max >= b + 6 && hvs_cpuid(s, b + 6, 0, l) > 0)
		hvs_fields_bits(&r->f, "hv_hardware_features", l[0], hwfeat);
	if (r->max >= b + 7 && hvs_cpuid(s, b + 7, 0, l) > 0 && (l[0] | l[1] | l[2]))
		hvs_fields_hex(&r->f, "hv_cpu_management_eax", l[0]);
	if (r->max >= b + 9 && hvs_cpuid(s, b + 9, 0, l) > 0 && (l[0] | l[3])) {
		hvs_fields_hex(&r->f, "hv_nested_features_eax", l[0]);
		hvs_fields_hex(&r->f, "hv_nested_features_edx", l[3]);
	}
	if (r->max >= b + 0xa && hvs_cpuid(s, b + 0xa, 0, l) > 0) {
		if (l[0] & 0xffff)
			hvs_fields_str(&r->f, "hv_enlightened_vmcs", "%u..%u", l[0] & 0xff,
				       (l[0] >> 8) & 0xff);
		hvs_fields_bits(&r->f, "hv_nested_optimizations", l[0] & ~0xffffu, nested_opt);
	}
	if (r->max >= b + 0xc && hvs_cpuid(s, b + 0xc, 0, l) > 0) {
		uint32_t t = l[1] & 0xf;

		hvs_fields_bool(&r->f, "hv_paravisor_present", l[0] & 1);
		if (t < 4)
			hvs_fields_str(&r->f, "hv_isolation_type", "%s", iso[t]);
		else
			hvs_fields_str(&r->f, "hv_isolation_type", "unknown (%u)", t);
		if (l[1] & (1u << 5))
			hvs_fields_num(&r->f, "hv_shared_gpa_boundary_bits", (l[1] >> 6) & 0x3f);
	}
}
