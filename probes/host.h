/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host.h - host-side facts: can this machine run guests, and how?
 *
 * /dev/kvm (present, openable, usable), the KVM capabilities it reports
 * (KVM_CHECK_EXTENSION), the KVM module parameters (kvm, kvm_intel, kvm_amd,
 * kvm_pvm), which vendor module drives /dev/kvm and the paging mode it uses
 * (two-dimensional EPT/NPT or shadow paging), the second-level translation
 * capabilities of the CPU (/proc/cpuinfo "vmx flags", or with privileged the
 * IA32_VMX_* capability MSRs), and whether firmware disabled VMX/SVM.
 *
 * Everything is read under a root prefix so tests can point it at a fake
 * tree; nothing here is fatal: a fact that cannot be read is "unknown" with
 * a reason. The struct is plain data with public fields (no allocation, no
 * free): the verdict code and the printers read it directly.
 */
#ifndef HVS_HOST_H
#define HVS_HOST_H

#include "core/hvs_features.h"

#include <stdint.h>
#include <stdio.h>

#if HAVE_JANSSON
#include <jansson.h>
#endif

/* A yes/no fact that may be unknown. */
enum hvs_tri {
	HVS_TRI_UNKNOWN = -1,
	HVS_TRI_NO = 0,
	HVS_TRI_YES = 1,
};

const char *hvs_tri_name(enum hvs_tri t); /* "unknown" / "no" / "yes" */

/* One KVM_CHECK_EXTENSION answer. */
struct hvs_kvm_cap {
	const char *name; /* "KVM_CAP_IRQCHIP" (static string) */
	int cap;          /* KVM_CAP_* number (stable uapi) */
	long value;       /* ioctl result: 0 = absent, >0 capability value */
};

#define HVS_HOST_MAX_CAPS 128
#define HVS_HOST_MAX_PARAMS 64

/* One module parameter from /sys/module/<mod>/parameters/<name>. */
struct hvs_modparam {
	char name[48];
	char value[64]; /* first line of the file; "" when unreadable */
};

/* A KVM kernel module (loadable or built in: /sys/module/<name> exists). */
struct hvs_kmod {
	char name[16];
	int loaded;     /* /sys/module/<name> exists */
	size_t nparams; /* params[] sorted by name: the behaviour-changing ones (host.c lists them) */
	struct hvs_modparam params[HVS_HOST_MAX_PARAMS];
};

/* Paging mode KVM uses for guests. */
enum hvs_paging {
	HVS_PAGING_UNKNOWN = 0, /* no vendor module, or no evidence */
	HVS_PAGING_EPT,         /* Intel two-dimensional paging */
	HVS_PAGING_NPT,         /* AMD nested paging (RVI) */
	HVS_PAGING_SHADOW,      /* shadow page tables (ept=N / npt=0 / kvm_pvm) */
};

const char *hvs_paging_name(enum hvs_paging p); /* "unknown" "EPT" "NPT" "shadow" */

/* State of the privileged MSR reads. */
enum hvs_msr_state {
	HVS_MSR_NOT_REQUESTED = 0, /* privileged == 0 */
	HVS_MSR_READ,              /* at least one MSR read */
	HVS_MSR_NO_PERMISSION,     /* /dev/cpu/0/msr: EACCES/EPERM (needs root) */
	HVS_MSR_NO_DEVICE,         /* no /dev/cpu/0/msr (msr driver not loaded) */
	HVS_MSR_ERROR,             /* other error: msr_errno */
};

/* Decoded IA32_VMX_EPT_VPID_CAP (MSR 0x48C), Intel SDM Vol. 3 Appendix A.10. */
struct hvs_ept_cap {
	int exec_only;   /* bit 0: execute-only translations */
	int walk4;       /* bit 6: page-walk length 4 */
	int walk5;       /* bit 7: page-walk length 5 */
	int uc;          /* bit 8: EPT paging structures may be uncacheable */
	int wb;          /* bit 14: ... write-back */
	int pde_2m;      /* bit 16: 2 MiB EPT pages */
	int pdpte_1g;    /* bit 17: 1 GiB EPT pages */
	int invept;      /* bit 20: INVEPT */
	int ad;          /* bit 21: accessed/dirty flags */
	int adv_exit;    /* bit 22: advanced VM-exit info for EPT violations */
	int sss;         /* bit 23: supervisor shadow-stack control */
	int invept_single; /* bit 25: single-context INVEPT */
	int invept_all;    /* bit 26: all-context INVEPT */
	int invvpid;       /* bit 32: INVVPID */
	int invvpid_addr;  /* bit 40: individual-address INVVPID */
	int invvpid_single; /* bit 41: single-context */
	int invvpid_all;    /* bit 42: all-context */
	int invvpid_single_nonglobal; /* bit 43 */
};

/* Names of the IA32_VMX_* capability MSRs 0x480..0x491, index msr-0x480. */
#define HVS_VMX_MSR_FIRST 0x480u
#define HVS_VMX_MSR_COUNT 18

/* "IA32_VMX_BASIC" ... for idx = msr - 0x480; NULL when out of range. */
const char *hvs_vmx_msr_name(unsigned idx);

/* "vmx flags" of /proc/cpuinfo that matter for second-level translation. */
struct hvs_vmx_flags {
	int present; /* the "vmx flags" line exists */
	int ept, vpid, unrestricted_guest, ept_ad, ept_1gb, ept_5level, ept_x_only;
	int ept_mode_based_exec, pml, shadow_vmcs, posted_intr, apicv, tsc_scaling;
	char raw[1024]; /* the whole line, after the colon */
};

/* AMD SVM feature flags from /proc/cpuinfo "flags" (from CPUID 0x8000000A). */
struct hvs_svm_flags {
	int npt, nrip_save, avic, vgif, v_vmsave_vmload, decodeassists, vmcb_clean,
	    flushbyasid, lbrv, tsc_scale, pausefilter, x2avic, v_spec_ctrl, vnmi;
};

struct hvs_host {
	/* /dev/kvm */
	int kvm_present;         /* the node exists */
	int kvm_open_errno;      /* 0 = opened read/write, else errno (EACCES, ENOENT; ENODEV: not a char device) */
	int kvm_api_version;     /* KVM_GET_API_VERSION, -1 not asked */
	int kvm_create_vm_errno; /* 0 = KVM_CREATE_VM worked, -1 not tried, else errno */
	int kvm_usable;          /* api == 12 and a VM could be created (then closed) */
	char kvm_note[160];      /* why not usable, in words ("" when usable) */
	size_t ncaps;            /* caps[]: the interesting capabilities, by name */
	struct hvs_kvm_cap caps[HVS_HOST_MAX_CAPS];

	/* modules */
	struct hvs_kmod kvm, kvm_intel, kvm_amd, kvm_pvm;
	const char *vendor_module; /* "kvm_intel" | "kvm_amd" | "kvm_pvm" | NULL */
	enum hvs_paging paging;
	char paging_evidence[192];

	/* CPU, from /proc/cpuinfo (first processor) */
	int cpuinfo_read;    /* /proc/cpuinfo was readable */
	char cpu_vendor[16]; /* vendor_id: GenuineIntel, AuthenticAMD, ... */
	int cpu_vmx, cpu_svm, cpu_hypervisor; /* "flags" has vmx / svm / hypervisor */
	struct hvs_vmx_flags vmx;
	struct hvs_svm_flags svm;

	/* privileged: MSRs through /dev/cpu/0/msr */
	enum hvs_msr_state msr_state;
	int msr_errno;
	char msr_note[160];        /* e.g. "needs root: reads MSRs through /dev/cpu/N/msr" */
	uint32_t vmx_msr_valid;    /* bit i: vmx_msr[i] (MSR 0x480+i) was read */
	uint64_t vmx_msr[HVS_VMX_MSR_COUNT];
	int ept_cap_valid;         /* vmx_msr[0xC] read and decoded */
	struct hvs_ept_cap ept_cap;
	int feature_control_valid; /* IA32_FEATURE_CONTROL (0x3A), Intel */
	uint64_t feature_control;
	int vm_cr_valid;           /* VM_CR (0xC0010114), AMD */
	uint64_t vm_cr;

	/* firmware */
	enum hvs_tri virt_disabled_by_firmware;
	char firmware_evidence[192];

	uint64_t collect_ns; /* wall time hvs_host_collect took */
};

/*
 * Collect every host fact.
 *   root:       prefix for /dev, /sys, /proc ("" or NULL: the live machine).
 *               With a prefix the live CPUID is never used.
 *   privileged: also read MSRs through <root>/dev/cpu/0/msr (root only);
 *               failure to do so is noted in msr_state/msr_note, not fatal.
 *   out:        filled (zeroed first).
 * Return: 0 (a missing fact is never an error), or -EINVAL for out == NULL.
 */
int hvs_host_collect(const char *root, int privileged, struct hvs_host *out);

/* Look up a capability by name ("KVM_CAP_IRQCHIP"); NULL when not in the table. */
const struct hvs_kvm_cap *hvs_host_cap(const struct hvs_host *h, const char *name);

/* Look up a module parameter's value; NULL when absent. */
const char *hvs_kmod_param(const struct hvs_kmod *m, const char *name);

/* The "Host" section as indented text lines. */
void hvs_host_print(const struct hvs_host *h, FILE *f);

#if HAVE_JANSSON
/* The host facts as a JSON object (key "host" of the fingerprint). NULL on ENOMEM. */
json_t *hvs_host_json(const struct hvs_host *h);
#endif

#endif
