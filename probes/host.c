/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host.c - collect the host-side facts of host.h: /dev/kvm, KVM
 * capabilities, KVM module parameters, vendor module and paging mode,
 * second-level translation capabilities (/proc/cpuinfo, VMX MSRs) and
 * firmware enablement of VMX/SVM; and print them as text.
 *
 * Cost: a few dozen small sysfs reads, ~60 KVM_CHECK_EXTENSION ioctls and
 * one KVM_CREATE_VM (+ close), which dominates (~0.2-0.5 ms here); see
 * docs/PERFORMANCE.md.
 */
#include "host.h"
#include "core/hvscope.h"
#include "core/timing.h"

#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

const char *hvs_tri_name(enum hvs_tri t)
{
	switch (t) {
	case HVS_TRI_NO: return "no";
	case HVS_TRI_YES: return "yes";
	case HVS_TRI_UNKNOWN: break;
	}
	return "unknown";
}

const char *hvs_paging_name(enum hvs_paging p)
{
	switch (p) {
	case HVS_PAGING_EPT: return "EPT";
	case HVS_PAGING_NPT: return "NPT";
	case HVS_PAGING_SHADOW: return "shadow";
	case HVS_PAGING_UNKNOWN: break;
	}
	return "unknown";
}

/*
 * The capabilities worth reporting. The numbers are stable uapi (they never
 * change once released); they are spelled out so that a binary built against
 * old headers (Debian 12: 6.1) still asks a newer kernel about newer caps.
 */
static const struct {
	const char *name;
	int cap;
} cap_table[] = {
	{ "KVM_CAP_IRQCHIP", 0 },
	{ "KVM_CAP_HLT", 1 },
	{ "KVM_CAP_USER_MEMORY", 3 },
	{ "KVM_CAP_SET_TSS_ADDR", 4 },
	{ "KVM_CAP_VAPIC", 6 },
	{ "KVM_CAP_EXT_CPUID", 7 },
	{ "KVM_CAP_CLOCKSOURCE", 8 },
	{ "KVM_CAP_NR_VCPUS", 9 },
	{ "KVM_CAP_NR_MEMSLOTS", 10 },
	{ "KVM_CAP_PIT", 11 },
	{ "KVM_CAP_MP_STATE", 14 },
	{ "KVM_CAP_COALESCED_MMIO", 15 },
	{ "KVM_CAP_SYNC_MMU", 16 },
	{ "KVM_CAP_USER_NMI", 22 },
	{ "KVM_CAP_SET_GUEST_DEBUG", 23 },
	{ "KVM_CAP_IRQ_ROUTING", 25 },
	{ "KVM_CAP_MCE", 31 },
	{ "KVM_CAP_IRQFD", 32 },
	{ "KVM_CAP_PIT2", 33 },
	{ "KVM_CAP_IOEVENTFD", 36 },
	{ "KVM_CAP_SET_IDENTITY_MAP_ADDR", 37 },
	{ "KVM_CAP_XEN_HVM", 38 },
	{ "KVM_CAP_ADJUST_CLOCK", 39 },
	{ "KVM_CAP_VCPU_EVENTS", 41 },
	{ "KVM_CAP_HYPERV", 44 },
	{ "KVM_CAP_HYPERV_VAPIC", 45 },
	{ "KVM_CAP_HYPERV_SPIN", 46 },
	{ "KVM_CAP_DEBUGREGS", 50 },
	{ "KVM_CAP_X86_ROBUST_SINGLESTEP", 51 },
	{ "KVM_CAP_XSAVE", 55 },
	{ "KVM_CAP_XCRS", 56 },
	{ "KVM_CAP_ASYNC_PF", 59 },
	{ "KVM_CAP_TSC_CONTROL", 60 },
	{ "KVM_CAP_GET_TSC_KHZ", 61 },
	{ "KVM_CAP_MAX_VCPUS", 66 },
	{ "KVM_CAP_ONE_REG", 70 },
	{ "KVM_CAP_TSC_DEADLINE_TIMER", 72 },
	{ "KVM_CAP_SYNC_REGS", 74 },
	{ "KVM_CAP_KVMCLOCK_CTRL", 76 },
	{ "KVM_CAP_SIGNAL_MSI", 77 },
	{ "KVM_CAP_READONLY_MEM", 81 },
	{ "KVM_CAP_IRQFD_RESAMPLE", 82 },
	{ "KVM_CAP_EXT_EMUL_CPUID", 95 },
	{ "KVM_CAP_HYPERV_TIME", 96 },
	{ "KVM_CAP_X86_SMM", 117 },
	{ "KVM_CAP_SPLIT_IRQCHIP", 121 },
	{ "KVM_CAP_HYPERV_SYNIC", 123 },
	{ "KVM_CAP_MAX_VCPU_ID", 128 },
	{ "KVM_CAP_X2APIC_API", 129 },
	{ "KVM_CAP_IMMEDIATE_EXIT", 136 },
	{ "KVM_CAP_X86_DISABLE_EXITS", 143 },
	{ "KVM_CAP_HYPERV_SYNIC2", 148 },
	{ "KVM_CAP_HYPERV_VP_INDEX", 149 },
	{ "KVM_CAP_GET_MSR_FEATURES", 153 },
	{ "KVM_CAP_HYPERV_EVENTFD", 154 },
	{ "KVM_CAP_HYPERV_TLBFLUSH", 155 },
	{ "KVM_CAP_NESTED_STATE", 157 },
	{ "KVM_CAP_MSR_PLATFORM_INFO", 159 },
	{ "KVM_CAP_HYPERV_SEND_IPI", 161 },
	{ "KVM_CAP_COALESCED_PIO", 162 },
	{ "KVM_CAP_HYPERV_ENLIGHTENED_VMCS", 163 },
	{ "KVM_CAP_EXCEPTION_PAYLOAD", 164 },
	{ "KVM_CAP_HYPERV_CPUID", 167 },
	{ "KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2", 168 },
	{ "KVM_CAP_PMU_EVENT_FILTER", 173 },
	{ "KVM_CAP_HYPERV_DIRECT_TLBFLUSH", 175 },
	{ "KVM_CAP_HALT_POLL", 182 },
	{ "KVM_CAP_ASYNC_PF_INT", 183 },
	{ "KVM_CAP_SMALLER_MAXPHYADDR", 185 },
	{ "KVM_CAP_STEAL_TIME", 187 },
	{ "KVM_CAP_X86_USER_SPACE_MSR", 188 },
	{ "KVM_CAP_X86_MSR_FILTER", 189 },
	{ "KVM_CAP_ENFORCE_PV_FEATURE_CPUID", 190 },
	{ "KVM_CAP_SYS_HYPERV_CPUID", 191 },
	{ "KVM_CAP_DIRTY_LOG_RING", 192 },
	{ "KVM_CAP_X86_BUS_LOCK_EXIT", 193 },
	{ "KVM_CAP_SET_GUEST_DEBUG2", 195 },
	{ "KVM_CAP_SGX_ATTRIBUTE", 196 },
	{ "KVM_CAP_HYPERV_ENFORCE_CPUID", 199 },
	{ "KVM_CAP_SREGS2", 200 },
	{ "KVM_CAP_EXIT_HYPERCALL", 201 },
	{ "KVM_CAP_BINARY_STATS_FD", 203 },
	{ "KVM_CAP_EXIT_ON_EMULATION_FAILURE", 204 },
	{ "KVM_CAP_XSAVE2", 208 },
	{ "KVM_CAP_SYS_ATTRIBUTES", 209 },
	{ "KVM_CAP_PMU_CAPABILITY", 212 },
	{ "KVM_CAP_DISABLE_QUIRKS2", 213 },
	{ "KVM_CAP_VM_TSC_CONTROL", 214 },
	{ "KVM_CAP_X86_TRIPLE_FAULT_EVENT", 218 },
	{ "KVM_CAP_X86_NOTIFY_VMEXIT", 219 },
	{ "KVM_CAP_VM_DISABLE_NX_HUGE_PAGES", 220 },
	{ "KVM_CAP_DIRTY_LOG_RING_ACQ_REL", 223 },
	{ "KVM_CAP_PMU_EVENT_MASKED_EVENTS", 226 },
	{ "KVM_CAP_USER_MEMORY2", 231 },
	{ "KVM_CAP_MEMORY_FAULT_INFO", 232 },
	{ "KVM_CAP_MEMORY_ATTRIBUTES", 233 },
	{ "KVM_CAP_GUEST_MEMFD", 234 },
	{ "KVM_CAP_VM_TYPES", 235 },
	{ "KVM_CAP_PRE_FAULT_MEMORY", 236 },
	{ "KVM_CAP_X86_APIC_BUS_CYCLES_NS", 237 },
	{ "KVM_CAP_X86_GUEST_MODE", 238 },
};
_Static_assert(HVS_ARRAY_SIZE(cap_table) <= HVS_HOST_MAX_CAPS, "caps[] too small");

/* Check the hand-written numbers against the headers that know them. */
#ifdef KVM_CAP_XEN_HVM
_Static_assert(KVM_CAP_XEN_HVM == 38, "uapi");
#endif
#ifdef KVM_CAP_NESTED_STATE
_Static_assert(KVM_CAP_NESTED_STATE == 157, "uapi");
#endif
#ifdef KVM_CAP_BINARY_STATS_FD
_Static_assert(KVM_CAP_BINARY_STATS_FD == 203, "uapi");
#endif
#ifdef KVM_CAP_EXIT_HYPERCALL
_Static_assert(KVM_CAP_EXIT_HYPERCALL == 201, "uapi");
#endif
#ifdef KVM_CAP_HYPERV_CPUID
_Static_assert(KVM_CAP_HYPERV_CPUID == 167, "uapi");
#endif
#ifdef KVM_CAP_DIRTY_LOG_RING_ACQ_REL
_Static_assert(KVM_CAP_DIRTY_LOG_RING_ACQ_REL == 223, "uapi");
#endif
#ifdef KVM_CAP_X86_GUEST_MODE
_Static_assert(KVM_CAP_X86_GUEST_MODE == 238, "uapi");
#endif
#ifdef KVM_CAP_VM_TYPES
_Static_assert(KVM_CAP_VM_TYPES == 235, "uapi");
#endif

/* ---- /dev/kvm ---------------------------------------------------------- */

static void collect_kvm(const char *root, struct hvs_host *h)
{
	char path[4096];
	struct stat st;
	int fd, vm;

	h->kvm_api_version = -1;
	h->kvm_create_vm_errno = -1;
	hvs_path(path, sizeof(path), root, "/dev/kvm");
	if (stat(path, &st) < 0) {
		h->kvm_open_errno = errno;
		snprintf(h->kvm_note, sizeof(h->kvm_note), "no /dev/kvm (%s)", strerror(errno));
		return;
	}
	h->kvm_present = 1;
	if (!S_ISCHR(st.st_mode)) {
		/* A fake tree (or a broken /dev): nothing to open or ask. */
		h->kvm_open_errno = ENODEV;
		snprintf(h->kvm_note, sizeof(h->kvm_note), "/dev/kvm is not a character device");
		return;
	}
	fd = openat(AT_FDCWD, path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		h->kvm_open_errno = errno;
		if (errno == EACCES || errno == EPERM)
			snprintf(h->kvm_note, sizeof(h->kvm_note),
				 "no permission to open /dev/kvm (%s): join its group (usually kvm)",
				 strerror(errno));
		else
			snprintf(h->kvm_note, sizeof(h->kvm_note), "cannot open /dev/kvm: %s",
				 strerror(errno));
		return;
	}
	h->kvm_api_version = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (h->kvm_api_version != KVM_API_VERSION) {
		snprintf(h->kvm_note, sizeof(h->kvm_note), "KVM_GET_API_VERSION gave %d, want %d",
			 h->kvm_api_version, KVM_API_VERSION);
		goto out;
	}
	for (size_t i = 0; i < HVS_ARRAY_SIZE(cap_table); i++) {
		int r = ioctl(fd, KVM_CHECK_EXTENSION, cap_table[i].cap);

		h->caps[h->ncaps].name = cap_table[i].name;
		h->caps[h->ncaps].cap = cap_table[i].cap;
		h->caps[h->ncaps].value = r < 0 ? 0 : r;
		h->ncaps++;
	}
	/*
	 * Creating (and at once destroying) a VM proves the vendor module can
	 * actually enable virtualization; /dev/kvm exists even when it cannot
	 * (e.g. VMX disabled by firmware makes this fail with EIO/ENODEV).
	 */
	vm = ioctl(fd, KVM_CREATE_VM, 0);
	if (vm < 0) {
		h->kvm_create_vm_errno = errno;
		snprintf(h->kvm_note, sizeof(h->kvm_note), "KVM_CREATE_VM failed: %s",
			 strerror(errno));
		goto out;
	}
	close(vm);
	h->kvm_create_vm_errno = 0;
	h->kvm_usable = 1;
out:
	close(fd);
}

/* ---- modules ------------------------------------------------------------ */

static int param_cmp(const void *a, const void *b)
{
	return strcmp(((const struct hvs_modparam *)a)->name, ((const struct hvs_modparam *)b)->name);
}

/*
 * The parameters read per module. Each sysfs read costs a few microseconds
 * (about 6 us here, in a nested guest), and kvm alone has 30+ parameters,
 * so only those that change how guests run are read; kvm_pvm (few, and an
 * out-of-tree vocabulary) is read whole.
 */
static const char *const kvm_params[] = {
	"tdp_mmu", "nx_huge_pages", "enable_pmu", "eager_page_split", "mmio_caching",
	"halt_poll_ns", "ignore_msrs", "enable_vmware_backdoor", "force_emulation_prefix",
	"enable_virt_at_load", "lapic_timer_advance", NULL,
};
static const char *const kvm_intel_params[] = {
	"ept", "eptad", "unrestricted_guest", "nested", "enable_apicv", "enable_ipiv", "vpid", "pml",
	"enable_shadow_vmcs", "flexpriority", "emulate_invalid_guest_state", "preemption_timer", "vnmi",
	"allow_smaller_maxphyaddr", "ple_gap", NULL,
};
static const char *const kvm_amd_params[] = {
	"npt", "nested", "avic", "force_avic", "vls", "vgif", "vnmi", "lbrv", "nrips", "tsc_scaling",
	"sev", "sev_es", "sev_snp", "intercept_smi", "pause_filter_count", NULL,
};

static int wanted(const char *const *want, const char *name)
{
	if (!want)
		return 1;
	for (; *want; want++)
		if (!strcmp(*want, name))
			return 1;
	return 0;
}

struct module_walk {
	const char *const *want;
	struct hvs_kmod *m;
};

static int module_param(int dfd, const char *name, void *arg)
{
	struct module_walk *w = arg;
	struct hvs_modparam *p;

	if (w->m->nparams >= HVS_HOST_MAX_PARAMS)
		return 1;
	if (name[0] == '.' || !wanted(w->want, name))
		return 0;
	p = &w->m->params[w->m->nparams];
	if (hvs_strlcpy(p->name, name, sizeof(p->name)) >= sizeof(p->name))
		return 0;
	/* Write-only parameters fail to read: keep the name, value "". */
	if (hvs_read_line_at(dfd, name, p->value, sizeof(p->value)) < 0)
		p->value[0] = '\0';
	w->m->nparams++;
	return 0;
}

static void collect_module(const char *root, const char *name, const char *const *want, struct hvs_kmod *m)
{
	char base[3072], dir[3200];
	struct module_walk w = { want, m };
	struct stat st;

	hvs_strlcpy(m->name, name, sizeof(m->name));
	snprintf(base, sizeof(base), "%s/sys/module/%s", root ? root : "", name);
	if (stat(base, &st) < 0 || !S_ISDIR(st.st_mode))
		return;
	m->loaded = 1;
	snprintf(dir, sizeof(dir), "%s/parameters", base);
	hvs_dir_each(AT_FDCWD, dir, module_param, &w);
	qsort(m->params, m->nparams, sizeof(m->params[0]), param_cmp);
}

const char *hvs_kmod_param(const struct hvs_kmod *m, const char *name)
{
	for (size_t i = 0; i < m->nparams; i++)
		if (!strcmp(m->params[i].name, name))
			return m->params[i].value;
	return NULL;
}

const struct hvs_kvm_cap *hvs_host_cap(const struct hvs_host *h, const char *name)
{
	for (size_t i = 0; i < h->ncaps; i++)
		if (!strcmp(h->caps[i].name, name))
			return &h->caps[i];
	return NULL;
}

/* A boolean module parameter: Y/N (bool) or 1/0 (int). -1 when absent. */
static int param_bool(const struct hvs_kmod *m, const char *name)
{
	const char *v = hvs_kmod_param(m, name);

	if (!v || !*v)
		return -1;
	if (v[0] == 'Y' || v[0] == 'y' || (v[0] >= '1' && v[0] <= '9'))
		return 1;
	if (v[0] == 'N' || v[0] == 'n' || v[0] == '0')
		return 0;
	return -1;
}

/* Loadable modules expose initstate ("live", "coming", "going"). */
static int module_live(const char *root, const char *name)
{
	char path[4096], st[32];

	snprintf(path, sizeof(path), "%s/sys/module/%s/initstate", root ? root : "", name);
	if (hvs_read_line(path, st, sizeof(st)) < 0)
		return 1; /* built in: present means initialised (or harmlessly idle) */
	return !strcmp(st, "live");
}

static void pick_vendor(const char *root, struct hvs_host *h)
{
	char other[64] = "";
	const struct hvs_kmod *cand[3] = { &h->kvm_intel, &h->kvm_amd, &h->kvm_pvm };
	const struct hvs_kmod *pick = NULL;
	int n = 0;

	for (int i = 0; i < 3; i++) {
		const struct hvs_kmod *m = cand[i];

		if (!m->loaded || !module_live(root, m->name))
			continue;
		/*
		 * A built-in kvm_intel/kvm_amd keeps its /sys/module entry even
		 * when its init failed for lack of VMX/SVM: it is only a
		 * candidate when the CPU flag is there (Linux clears the vmx
		 * flag when firmware disabled VMX, so that case is covered).
		 */
		if (h->cpuinfo_read && m == &h->kvm_intel && !h->cpu_vmx)
			continue;
		if (h->cpuinfo_read && m == &h->kvm_amd && !h->cpu_svm)
			continue;
		if (!pick) {
			pick = m;
		} else {
			size_t l = strlen(other);

			snprintf(other + l, sizeof(other) - l, "%s%s", l ? ", " : "", m->name);
		}
		n++;
	}
	if (!pick) {
		h->paging = HVS_PAGING_UNKNOWN;
		snprintf(h->paging_evidence, sizeof(h->paging_evidence),
			 "no KVM vendor module (kvm_intel, kvm_amd, kvm_pvm) is loaded");
		return;
	}
	h->vendor_module = pick == &h->kvm_intel ? "kvm_intel" :
			   pick == &h->kvm_amd	 ? "kvm_amd" :
						   "kvm_pvm";
	if (pick == &h->kvm_pvm) {
		/*
		 * PVM (Pagetable-based Virtual Machine) runs guests in
		 * hardware ring 3 without VMX/SVM, so there is no EPT/NPT: it
		 * always uses KVM's shadow MMU.
		 */
		h->paging = HVS_PAGING_SHADOW;
		snprintf(h->paging_evidence, sizeof(h->paging_evidence),
			 "kvm_pvm drives /dev/kvm: PVM has no EPT/NPT and always uses shadow paging%s",
			 param_bool(&h->kvm, "tdp_mmu") == 0 ? " (kvm.tdp_mmu=N)" : "");
	} else if (pick == &h->kvm_intel) {
		int ept = param_bool(&h->kvm_intel, "ept");

		h->paging = ept == 1 ? HVS_PAGING_EPT : ept == 0 ? HVS_PAGING_SHADOW : HVS_PAGING_UNKNOWN;
		snprintf(h->paging_evidence, sizeof(h->paging_evidence), "kvm_intel.ept=%s",
			 ept < 0 ? "(unreadable)" : hvs_kmod_param(&h->kvm_intel, "ept"));
	} else {
		int npt = param_bool(&h->kvm_amd, "npt");

		h->paging = npt == 1 ? HVS_PAGING_NPT : npt == 0 ? HVS_PAGING_SHADOW : HVS_PAGING_UNKNOWN;
		snprintf(h->paging_evidence, sizeof(h->paging_evidence), "kvm_amd.npt=%s",
			 npt < 0 ? "(unreadable)" : hvs_kmod_param(&h->kvm_amd, "npt"));
	}
	if (n > 1) {
		size_t l = strlen(h->paging_evidence);

		snprintf(h->paging_evidence + l, sizeof(h->paging_evidence) - l,
			 "; also present: %s", other);
	}
}

/* ---- /proc/cpuinfo ------------------------------------------------------ */

/* Is word w in the space-separated list s? */
static int has_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = s; (p = strstr(p, w)); p += n)
		if ((p == s || p[-1] == ' ' || p[-1] == '\t') && (p[n] == ' ' || p[n] == '\0' || p[n] == '\n'))
			return 1;
	return 0;
}

/*
 * Read the first processor's block only: on a big machine /proc/cpuinfo is
 * megabytes, and procfs generates it as it is read.
 */
static int read_cpuinfo_head(const char *root, char *buf, size_t len)
{
	char path[4096];
	size_t got = 0;
	int fd;

	hvs_path(path, sizeof(path), root, "/proc/cpuinfo");
	fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (got < len - 1) {
		ssize_t n = read(fd, buf + got, len - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
		if (strstr(buf, "\n\n"))
			break;
	}
	buf[got] = '\0';
	close(fd);
	return (int)got;
}

static void collect_cpuinfo(const char *root, struct hvs_host *h)
{
	static const char *const svm_names[] = { "npt", "nrip_save", "avic", "vgif", "v_vmsave_vmload",
						 "decodeassists", "vmcb_clean", "flushbyasid", "lbrv",
						 "tsc_scale", "pausefilter", "x2avic", "v_spec_ctrl", "vnmi" };
	int *svm_fields[] = { &h->svm.npt, &h->svm.nrip_save, &h->svm.avic, &h->svm.vgif,
			      &h->svm.v_vmsave_vmload, &h->svm.decodeassists, &h->svm.vmcb_clean,
			      &h->svm.flushbyasid, &h->svm.lbrv, &h->svm.tsc_scale, &h->svm.pausefilter,
			      &h->svm.x2avic, &h->svm.v_spec_ctrl, &h->svm.vnmi };
	char buf[16384];
	char *line, *save = NULL, *end;

	_Static_assert(HVS_ARRAY_SIZE(svm_names) == HVS_ARRAY_SIZE(svm_fields), "svm table");
	if (read_cpuinfo_head(root, buf, sizeof(buf)) <= 0)
		return;
	h->cpuinfo_read = 1;
	end = strstr(buf, "\n\n");
	if (end)
		end[1] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');
		char *key = line, *val;
		size_t kl;

		if (!colon)
			continue;
		val = colon + 1;
		while (*val == ' ')
			val++;
		kl = (size_t)(colon - line);
		while (kl > 0 && (key[kl - 1] == ' ' || key[kl - 1] == '\t'))
			kl--;
		if (kl == 9 && !strncmp(key, "vendor_id", kl)) {
			hvs_strlcpy(h->cpu_vendor, val, sizeof(h->cpu_vendor));
		} else if (kl == 5 && !strncmp(key, "flags", kl)) {
			h->cpu_vmx = has_word(val, "vmx");
			h->cpu_svm = has_word(val, "svm");
			h->cpu_hypervisor = has_word(val, "hypervisor");
			for (size_t i = 0; i < HVS_ARRAY_SIZE(svm_names); i++)
				*svm_fields[i] = has_word(val, svm_names[i]);
		} else if (kl == 9 && !strncmp(key, "vmx flags", kl)) {
			struct hvs_vmx_flags *v = &h->vmx;

			v->present = 1;
			hvs_strlcpy(v->raw, val, sizeof(v->raw));
			v->ept = has_word(val, "ept");
			v->vpid = has_word(val, "vpid");
			v->unrestricted_guest = has_word(val, "unrestricted_guest");
			v->ept_ad = has_word(val, "ept_ad");
			v->ept_1gb = has_word(val, "ept_1gb");
			v->ept_5level = has_word(val, "ept_5level");
			v->ept_x_only = has_word(val, "ept_x_only");
			v->ept_mode_based_exec = has_word(val, "ept_mode_based_exec");
			v->pml = has_word(val, "pml");
			v->shadow_vmcs = has_word(val, "shadow_vmcs");
			v->posted_intr = has_word(val, "posted_intr");
			v->apicv = has_word(val, "apicv");
			v->tsc_scaling = has_word(val, "tsc_scaling");
		}
	}
}

/* ---- MSRs (privileged) ------------------------------------------------- */

#define MSR_IA32_FEATURE_CONTROL 0x3Au
#define MSR_VM_CR 0xC0010114u
#define FC_LOCKED (1ull << 0)
#define FC_VMX_OUTSIDE_SMX (1ull << 2)
#define VM_CR_LOCK (1ull << 3)
#define VM_CR_SVMDIS (1ull << 4)

/* One MSR through the msr driver: the file offset is the MSR number. */
static int rdmsr_fd(int fd, uint32_t msr, uint64_t *val)
{
	ssize_t n = pread(fd, val, sizeof(*val), (off_t)msr);

	if (n == (ssize_t)sizeof(*val))
		return 0;
	return n < 0 ? -errno : -EIO; /* EIO: the MSR does not exist (#GP) */
}

static void decode_ept_cap(uint64_t v, struct hvs_ept_cap *c)
{
#define B(n) ((int)((v >> (n)) & 1))
	c->exec_only = B(0);
	c->walk4 = B(6);
	c->walk5 = B(7);
	c->uc = B(8);
	c->wb = B(14);
	c->pde_2m = B(16);
	c->pdpte_1g = B(17);
	c->invept = B(20);
	c->ad = B(21);
	c->adv_exit = B(22);
	c->sss = B(23);
	c->invept_single = B(25);
	c->invept_all = B(26);
	c->invvpid = B(32);
	c->invvpid_addr = B(40);
	c->invvpid_single = B(41);
	c->invvpid_all = B(42);
	c->invvpid_single_nonglobal = B(43);
#undef B
}

static void collect_msrs(const char *root, struct hvs_host *h)
{
	char path[4096];
	int fd, intel, amd;
	uint64_t v;

	hvs_path(path, sizeof(path), root, "/dev/cpu/0/msr");
	fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		h->msr_errno = errno;
		if (errno == EACCES || errno == EPERM) {
			h->msr_state = HVS_MSR_NO_PERMISSION;
			snprintf(h->msr_note, sizeof(h->msr_note),
				 "needs root: reads MSRs through /dev/cpu/N/msr (%s)", strerror(errno));
		} else if (errno == ENOENT || errno == ENXIO || errno == ENODEV) {
			h->msr_state = HVS_MSR_NO_DEVICE;
			snprintf(h->msr_note, sizeof(h->msr_note),
				 "no /dev/cpu/0/msr: the msr driver is not available (modprobe msr)");
		} else {
			h->msr_state = HVS_MSR_ERROR;
			snprintf(h->msr_note, sizeof(h->msr_note), "cannot open /dev/cpu/0/msr: %s",
				 strerror(errno));
		}
		return;
	}
	/* Zhaoxin's "  Shanghai  " loses its leading blanks in cpuinfo parsing. */
	intel = !strcmp(h->cpu_vendor, "GenuineIntel") || !strcmp(h->cpu_vendor, "CentaurHauls") ||
		!strncmp(h->cpu_vendor, "Shanghai", 8);
	amd = !strcmp(h->cpu_vendor, "AuthenticAMD") || !strcmp(h->cpu_vendor, "HygonGenuine");
	if (intel) {
		if (rdmsr_fd(fd, MSR_IA32_FEATURE_CONTROL, &v) == 0) {
			h->feature_control = v;
			h->feature_control_valid = 1;
		}
		/* The VMX capability MSRs exist only when CPUID says VMX. */
		for (unsigned i = 0; i < HVS_VMX_MSR_COUNT; i++) {
			if (rdmsr_fd(fd, HVS_VMX_MSR_FIRST + i, &v) == 0) {
				h->vmx_msr[i] = v;
				h->vmx_msr_valid |= 1u << i;
			}
		}
		if (h->vmx_msr_valid & (1u << 0xC)) {
			decode_ept_cap(h->vmx_msr[0xC], &h->ept_cap);
			h->ept_cap_valid = 1;
		}
	} else if (amd) {
		if (rdmsr_fd(fd, MSR_VM_CR, &v) == 0) {
			h->vm_cr = v;
			h->vm_cr_valid = 1;
		}
	}
	close(fd);
	if (h->feature_control_valid || h->vmx_msr_valid || h->vm_cr_valid) {
		h->msr_state = HVS_MSR_READ;
	} else {
		h->msr_state = HVS_MSR_ERROR;
		h->msr_errno = EIO;
		snprintf(h->msr_note, sizeof(h->msr_note), "%s",
			 intel || amd ? "no virtualization MSR could be read (the hypervisor hides them)" :
				        "unknown CPU vendor: no MSRs read");
	}
}

/* ---- firmware ------------------------------------------------------------ */

static void decide_firmware(const char *root, struct hvs_host *h)
{
	int live = !root || !*root;
	unsigned a, b, c, d;
	int cpuid_vmx = -1, cpuid_svm = -1;

	h->virt_disabled_by_firmware = HVS_TRI_UNKNOWN;
	if (h->feature_control_valid) {
		int locked = !!(h->feature_control & FC_LOCKED);
		int on = !!(h->feature_control & FC_VMX_OUTSIDE_SMX);

		/*
		 * Unlocked means the OS may still enable VMX itself (Linux does
		 * so at boot); locked with the enable bit clear is final until
		 * the next reset.
		 */
		h->virt_disabled_by_firmware = locked && !on ? HVS_TRI_YES : HVS_TRI_NO;
		snprintf(h->firmware_evidence, sizeof(h->firmware_evidence),
			 "IA32_FEATURE_CONTROL=0x%llx: %s, VMX outside SMX %s",
			 (unsigned long long)h->feature_control, locked ? "locked" : "unlocked",
			 on ? "enabled" : "disabled");
		return;
	}
	if (h->vm_cr_valid) {
		int dis = !!(h->vm_cr & VM_CR_SVMDIS);

		h->virt_disabled_by_firmware = dis ? HVS_TRI_YES : HVS_TRI_NO;
		snprintf(h->firmware_evidence, sizeof(h->firmware_evidence),
			 "VM_CR=0x%llx: SVMDIS=%d, LOCK=%d", (unsigned long long)h->vm_cr, dis,
			 !!(h->vm_cr & VM_CR_LOCK));
		return;
	}
	if (live) {
		if (__get_cpuid(1, &a, &b, &c, &d))
			cpuid_vmx = !!(c & (1u << 5));
		if (__get_cpuid(0x80000001, &a, &b, &c, &d))
			cpuid_svm = !!(c & (1u << 2));
	}
	if (h->cpu_vmx) {
		h->virt_disabled_by_firmware = HVS_TRI_NO;
		snprintf(h->firmware_evidence, sizeof(h->firmware_evidence),
			 "vmx in /proc/cpuinfo flags (Linux >= 5.6 clears it when firmware disables VMX)");
	} else if (h->cpuinfo_read && cpuid_vmx == 1) {
		h->virt_disabled_by_firmware = HVS_TRI_YES;
		snprintf(h->firmware_evidence, sizeof(h->firmware_evidence),
			 "CPUID.1:ECX.VMX=1 but Linux removed vmx from /proc/cpuinfo (IA32_FEATURE_CONTROL disables it)");
	} else if (h->cpu_svm) {
		snprintf(h->firmware_evidence, sizeof(h->firmware_evidence),
			 "svm in /proc/cpuinfo flags; VM_CR.SVMDIS needs --privileged (root)");
	} else if (h->cpuinfo_read && cpuid_vmx != 1 && cpuid_svm != 1 && live) {
		snprintf(h->firmware_evidence, sizeof(h->firmware_evidence),
			 "the CPU offers neither VMX nor SVM%s: not a firmware setting",
			 h->cpu_hypervisor ? " (the hypervisor does not expose nested virtualization)" : "");
	} else {
		snprintf(h->firmware_evidence, sizeof(h->firmware_evidence),
			 "no evidence (needs root for IA32_FEATURE_CONTROL / VM_CR)");
	}
}

/* ---- entry ---------------------------------------------------------------- */

int hvs_host_collect(const char *root, int privileged, struct hvs_host *out)
{
	uint64_t t0 = hvs_now_ns();

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (root && !*root)
		root = NULL;
	collect_cpuinfo(root, out);
	collect_module(root, "kvm", kvm_params, &out->kvm);
	collect_module(root, "kvm_intel", kvm_intel_params, &out->kvm_intel);
	collect_module(root, "kvm_amd", kvm_amd_params, &out->kvm_amd);
	collect_module(root, "kvm_pvm", NULL, &out->kvm_pvm);
	pick_vendor(root, out);
	collect_kvm(root, out);
	if (privileged) {
		collect_msrs(root, out);
	} else {
		out->msr_state = HVS_MSR_NOT_REQUESTED;
		snprintf(out->msr_note, sizeof(out->msr_note),
			 "not read: --privileged (root) reads MSRs through /dev/cpu/N/msr");
	}
	decide_firmware(root, out);
	out->collect_ns = hvs_now_ns() - t0;
	return 0;
}

/* ---- text ------------------------------------------------------------------ */

static const char *msr_state_name(enum hvs_msr_state s)
{
	switch (s) {
	case HVS_MSR_NOT_REQUESTED: return "not requested";
	case HVS_MSR_READ: return "read";
	case HVS_MSR_NO_PERMISSION: return "no permission";
	case HVS_MSR_NO_DEVICE: return "no device";
	case HVS_MSR_ERROR: return "error";
	}
	return "?";
}

static const char *const vmx_msr_names[HVS_VMX_MSR_COUNT] = {
	"IA32_VMX_BASIC", "IA32_VMX_PINBASED_CTLS", "IA32_VMX_PROCBASED_CTLS", "IA32_VMX_EXIT_CTLS",
	"IA32_VMX_ENTRY_CTLS", "IA32_VMX_MISC", "IA32_VMX_CR0_FIXED0", "IA32_VMX_CR0_FIXED1",
	"IA32_VMX_CR4_FIXED0", "IA32_VMX_CR4_FIXED1", "IA32_VMX_VMCS_ENUM", "IA32_VMX_PROCBASED_CTLS2",
	"IA32_VMX_EPT_VPID_CAP", "IA32_VMX_TRUE_PINBASED_CTLS", "IA32_VMX_TRUE_PROCBASED_CTLS",
	"IA32_VMX_TRUE_EXIT_CTLS", "IA32_VMX_TRUE_ENTRY_CTLS", "IA32_VMX_VMFUNC",
};

const char *hvs_vmx_msr_name(unsigned idx)
{
	return idx < HVS_VMX_MSR_COUNT ? vmx_msr_names[idx] : NULL;
}

static const char *yn(int v)
{
	return v ? "yes" : "no";
}

static void print_module(const struct hvs_kmod *m, FILE *f)
{
	if (!m->loaded) {
		fprintf(f, "  module %-10s not loaded\n", m->name);
		return;
	}
	fprintf(f, "  module %-10s loaded:", m->name);
	for (size_t i = 0; i < m->nparams; i++)
		fprintf(f, " %s=%s", m->params[i].name, m->params[i].value[0] ? m->params[i].value : "?");
	fputc('\n', f);
}

void hvs_host_print(const struct hvs_host *h, FILE *f)
{
	fprintf(f, "Host\n");
	fprintf(f, "  /dev/kvm: %s", !h->kvm_present ? "absent" : h->kvm_usable ? "usable" : "present, not usable");
	if (h->kvm_usable)
		fprintf(f, " (API %d, KVM_CREATE_VM ok)", h->kvm_api_version);
	if (h->kvm_note[0])
		fprintf(f, " - %s", h->kvm_note);
	fputc('\n', f);
	if (h->ncaps) {
		int col = 0;

		fprintf(f, "  KVM capabilities (KVM_CHECK_EXTENSION, absent ones omitted):\n");
		for (size_t i = 0; i < h->ncaps; i++) {
			if (!h->caps[i].value)
				continue;
			if (col == 0)
				fprintf(f, "   ");
			fprintf(f, " %s=%ld", h->caps[i].name + 8, h->caps[i].value);
			if (++col == 4) {
				fputc('\n', f);
				col = 0;
			}
		}
		if (col)
			fputc('\n', f);
	}
	fprintf(f, "  vendor module: %s\n", h->vendor_module ? h->vendor_module : "none");
	fprintf(f, "  paging: %s (%s)\n", hvs_paging_name(h->paging), h->paging_evidence);
	print_module(&h->kvm, f);
	print_module(&h->kvm_intel, f);
	print_module(&h->kvm_amd, f);
	print_module(&h->kvm_pvm, f);
	if (h->cpuinfo_read) {
		fprintf(f, "  cpu: %s, vmx %s, svm %s\n", h->cpu_vendor[0] ? h->cpu_vendor : "?",
			yn(h->cpu_vmx), yn(h->cpu_svm));
		if (h->vmx.present)
			fprintf(f, "  vmx flags: ept %s, vpid %s, unrestricted_guest %s, ept_ad %s, ept_1gb %s, ept_5level %s\n",
				yn(h->vmx.ept), yn(h->vmx.vpid),
				yn(h->vmx.unrestricted_guest), yn(h->vmx.ept_ad),
				yn(h->vmx.ept_1gb), yn(h->vmx.ept_5level));
		if (h->cpu_svm)
			fprintf(f, "  svm flags: npt %s, nrip_save %s, avic %s, vgif %s, v_vmsave_vmload %s, decodeassists %s, vmcb_clean %s\n",
				yn(h->svm.npt), yn(h->svm.nrip_save),
				yn(h->svm.avic), yn(h->svm.vgif),
				yn(h->svm.v_vmsave_vmload), yn(h->svm.decodeassists),
				yn(h->svm.vmcb_clean));
	} else {
		fprintf(f, "  cpu: /proc/cpuinfo unreadable\n");
	}
	fprintf(f, "  MSRs: %s", msr_state_name(h->msr_state));
	if (h->msr_note[0])
		fprintf(f, " - %s", h->msr_note);
	fputc('\n', f);
	if (h->feature_control_valid)
		fprintf(f, "    IA32_FEATURE_CONTROL (0x3a) = 0x%016llx\n", (unsigned long long)h->feature_control);
	for (unsigned i = 0; i < HVS_VMX_MSR_COUNT; i++)
		if (h->vmx_msr_valid & (1u << i))
			fprintf(f, "    %s (0x%x) = 0x%016llx\n", vmx_msr_names[i], HVS_VMX_MSR_FIRST + i,
				(unsigned long long)h->vmx_msr[i]);
	if (h->ept_cap_valid) {
		const struct hvs_ept_cap *c = &h->ept_cap;

		fprintf(f, "    EPT: walk4 %d, walk5 %d, UC %d, WB %d, 2M %d, 1G %d, INVEPT %d (single %d, all %d), A/D %d, exec-only %d\n",
			c->walk4, c->walk5, c->uc, c->wb, c->pde_2m, c->pdpte_1g, c->invept,
			c->invept_single, c->invept_all, c->ad, c->exec_only);
		fprintf(f, "    VPID: INVVPID %d (address %d, single %d, all %d, single-non-global %d)\n",
			c->invvpid, c->invvpid_addr, c->invvpid_single, c->invvpid_all,
			c->invvpid_single_nonglobal);
	}
	if (h->vm_cr_valid)
		fprintf(f, "    VM_CR (0xc0010114) = 0x%016llx\n", (unsigned long long)h->vm_cr);
	fprintf(f, "  virtualization disabled by firmware: %s (%s)\n",
		hvs_tri_name(h->virt_disabled_by_firmware), h->firmware_evidence);
	fprintf(f, "  collected in %.3f ms\n", (double)h->collect_ns / 1e6);
}
