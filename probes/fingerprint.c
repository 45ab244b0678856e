/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fingerprint.c - collect every piece of evidence and turn it into a
 * verdict: an ordered list of layers (innermost first), each with a mode,
 * a confidence and the evidence lines behind it, plus a container layer.
 *
 * How layers are found:
 *   - The Xen PV layer: plain CPUID in a PV guest does not trap (unless
 *     Xen enabled CPUID faulting), so it shows the hypervisor *below* Xen
 *     (e.g. QEMU TCG). Xen's own leaves are seen through the forced-
 *     emulation prefix (cpuid_src.c), which only works in a PV guest, and
 *     through /sys/hypervisor/{type,guest_type}; /proc/xen/capabilities
 *     "control_d" marks dom0. PVH/HVM guests see Xen in plain CPUID.
 *   - Plain CPUID hypervisor ranges: the range at 0x40000000 names the
 *     hypervisor, except that KVM and Xen put a Hyper-V compatible
 *     interface ("Microsoft Hv") first when enlightenments are on and their
 *     own signature at 0x40000100. A "Microsoft Hv" range whose partition
 *     privileges include CreatePartitions is the ROOT partition: the OS we
 *     run in is the Hyper-V host (Windows with Hyper-V/VBS), not a guest.
 *   - DMI, PCI and /sys evidence raise or lower confidence and name what
 *     CPUID cannot (VirtualBox presenting the KVM signature; a hypervisor
 *     bit without leaves).
 *   - Host facts (probes/host.c) say whether we can run guests ourselves
 *     (nested KVM, kvm_pvm).
 * A replayed dump reads nothing live unless a root/dmidecode is given.
 */
#include "fingerprint.h"
#include "cpu.h"
#include "cpuid_src.h"
#include "evidence.h"
#include "exit_timing.h"
#include "host.h"
#include "core/hvscope.h"
#include "hypervisor.h"
#include "sd_detect.h"
#include "core/timing.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define HVS_MAX_LAYERS 4
#define HVS_MAX_EVIDENCE 10

struct hvs_layer {
	char name[96];   /* "Xen PV dom0", "QEMU TCG", "KVM with Hyper-V enlightenments" */
	char id[32];     /* family: xen kvm tcg hyperv vmware vbox ... unknown */
	char mode[32];   /* guest, PV domU, PV dom0, PVH, HVM, root partition */
	const char *detect; /* systemd-detect-virt word for this layer */
	int guest;       /* 1: we are a guest of it; 0: we are its host/root partition */
	int confidence;  /* percent */
	int nev;
	char ev[HVS_MAX_EVIDENCE][192];
};

struct hvs_fingerprint {
	struct hvs_probe_opts o;
	struct hvs_cpuid_src src;
	const char *source_kind; /* "live" or "dump" */
	int nranges;
	struct hvs_hv_range ranges[HVS_HV_MAX_RANGES];
	int xen_forced;          /* 1 available, 0 unavailable, -1 not tried */
	char xen_forced_note[128];
	int nxranges;
	struct hvs_hv_range xranges[HVS_HV_MAX_RANGES];
	struct hvs_cpu cpu;
	struct hvs_evidence ev;
	int have_host;
	struct hvs_host *host;
	struct hvs_exit_timing *timing; /* --timing only */
	int unknown;             /* not enough data for a verdict */
	char unknown_why[160];
	int nlayers;
	struct hvs_layer layers[HVS_MAX_LAYERS];
	int have_container;
	struct hvs_layer container;
	char summary[256];
	struct hvs_sd_result sd; /* systemd-detect-virt's order: the detect word */
	char beyond[320];        /* where hvscope's reading says more, or "" */
};

const char *const hvs_detect_vocabulary[] = {
	"none", "kvm", "amazon", "qemu", "bochs", "xen", "uml", "vmware", "oracle", "microsoft",
	"zvm", "parallels", "bhyve", "qnx", "acrn", "powervm", "apple", "sre", "google",
	"vm-other", "systemd-nspawn", "lxc-libvirt", "lxc", "openvz", "docker", "podman", "rkt",
	"wsl", "proot", "pouch", "container-other", NULL,
};

static void addev(struct hvs_layer *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addev(struct hvs_layer *l, const char *fmt, ...)
{
	va_list ap;

	if (l->nev >= HVS_MAX_EVIDENCE)
		return;
	va_start(ap, fmt);
	vsnprintf(l->ev[l->nev++], sizeof(l->ev[0]), fmt, ap);
	va_end(ap);
}

static struct hvs_layer *new_layer(struct hvs_fingerprint *fp, const char *name, const char *id,
				   const char *mode, const char *detect, int guest, int conf)
{
	struct hvs_layer *l;

	if (fp->nlayers >= HVS_MAX_LAYERS)
		return NULL;
	l = &fp->layers[fp->nlayers++];
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	snprintf(l->id, sizeof(l->id), "%s", id);
	snprintf(l->mode, sizeof(l->mode), "%s", mode);
	l->detect = detect;
	l->guest = guest;
	l->confidence = conf;
	return l;
}

static const struct hvs_hv_range *range_of(const struct hvs_hv_range *r, int n, const char *id)
{
	for (int i = 0; i < n; i++)
		if (r[i].known && !strcmp(r[i].known->id, id))
			return &r[i];
	return NULL;
}

static int field_bool(const struct hvs_hv_range *r, const char *key)
{
	const struct hvs_field *f = hvs_fields_get(&r->f, key);

	return f && f->t == HVS_F_BOOL && f->num;
}

static const char *field_str(const struct hvs_hv_range *r, const char *key)
{
	const struct hvs_field *f = hvs_fields_get(&r->f, key);

	return f && f->t == HVS_F_STR ? f->str : NULL;
}


/* systemd lets DMI overrule CPUID for these (its detect_vm() order) */
static int dmi_overrules(const char *dmi)
{
	return dmi && (!strcmp(dmi, "amazon") || !strcmp(dmi, "oracle") || !strcmp(dmi, "xen") ||
		       !strcmp(dmi, "parallels") || !strcmp(dmi, "google"));
}

/*
 * Bare metal although DMI names a cloud: EC2 metal (the firmware's VM bit
 * is clear, systemd's rule) and GCE metal (GCE's VMs always show KVM in
 * CPUID; its metal instances keep "Google Compute Engine" in DMI).
 * 1 for EC2, 2 for GCE, 0 for neither.
 */
static int cloud_metal(const struct hvs_fingerprint *fp)
{
	const char *dmi = hvs_evidence_dmi_table(&fp->ev, NULL);

	if (fp->cpu.hypervisor_bit || fp->nranges || !dmi)
		return 0;
	return hvs_sd_ec2_metal(&fp->ev) ? 1 : !strcmp(dmi, "google") ? 2 : 0;
}

/* The Xen layer (PV/PVH/HVM) from forced-emulation CPUID and /sys. */
static void verdict_xen(struct hvs_fingerprint *fp, int *xen_done)
{
	const struct hvs_evidence *ev = &fp->ev;
	const struct hvs_hv_range *xr = range_of(fp->xranges, fp->nxranges, "xen");
	int sys_xen = !strcmp(ev->hv_type, "xen");
	const char *gt = ev->hv_guest_type;
	/*
	 * Older kernels have no guest_type: Xen in /sys but not in plain CPUID
	 * means CPUID does not trap, which only happens in a PV guest.
	 */
	int pv_by_absence = sys_xen && !gt[0] && !range_of(fp->ranges, fp->nranges, "xen");
	int pv = xr || (sys_xen && !strcmp(gt, "PV")) || pv_by_absence;
	struct hvs_layer *l;
	const char *ver;
	char name[64];
	int dom0, known_role;

	*xen_done = 0;
	if (!pv && !(sys_xen && (!strcmp(gt, "PVH") || !strcmp(gt, "HVM"))))
		return;
	/* dom0: XENFEAT_dom0 in /sys/hypervisor (systemd's test) or control_d in /proc/xen */
	dom0 = ev->xen_control_d || ev->xen_feat_dom0;
	known_role = ev->xen_caps_read || ev->hv_features[0];
	if (pv) {
		const char *role = dom0 ? "dom0" : known_role ? "domU" : "";

		snprintf(name, sizeof(name), "Xen PV%s%s", role[0] ? " " : "", role);
		l = new_layer(fp, name, "xen", role[0] ? (dom0 ? "PV dom0" : "PV domU") : "PV",
			      "xen", !dom0, xr && sys_xen ? 98 : 90);
	} else {
		snprintf(name, sizeof(name), "Xen %s%s", gt, dom0 ? " dom0" : "");
		l = new_layer(fp, name, "xen", gt, "xen", !dom0, 95);
	}
	if (!l)
		return;
	*xen_done = 1;
	if (xr) {
		addev(l, "forced-emulation CPUID (ud2a; \"xen\"; cpuid) answered: 0x%08x signature \"%s\"",
		      xr->base, xr->sig_text);
		if ((ver = field_str(xr, "xen_version")))
			addev(l, "Xen version %s (CPUID 0x%08x)", ver, xr->base + 1);
	}
	if (sys_xen)
		addev(l, "/sys/hypervisor/type = xen%s%s", gt[0] ? ", guest_type = " : "", gt);
	{
		const struct hvs_hv_range *pr = range_of(fp->ranges, fp->nranges, "xen");

		if (pr)
			addev(l, "plain CPUID 0x%08x signature \"%s\"%s%s", pr->base, pr->sig_text,
			      field_str(pr, "xen_version") ? ", Xen " : "",
			      field_str(pr, "xen_version") ? field_str(pr, "xen_version") : "");
		else if (!pv && fp->nranges) {
			l->confidence = 60;
			addev(l, "but plain CPUID shows \"%s\", not Xen: unexpected for %s, where CPUID "
				 "traps to Xen", fp->ranges[0].sig_text, gt);
		}
	}
	if (ev->hv_version[0])
		addev(l, "/sys/hypervisor/version = %s", ev->hv_version);
	if (ev->hv_features[0])
		addev(l, "/sys/hypervisor/properties/features = %s: XENFEAT_dom0 %s", ev->hv_features,
		      ev->xen_feat_dom0 ? "set (the hardware domain)" : "clear");
	if (ev->xen_caps_read)
		addev(l, "/proc/xen/capabilities %s control_d%s", ev->xen_control_d ? "has" : "lacks",
		      ev->xen_control_d ? " (dom0: the Xen host's control domain)" : "");
	if (pv_by_absence)
		addev(l, "no guest_type in /sys/hypervisor, and plain CPUID shows no Xen leaves: "
			 "CPUID does not trap, so this is a PV guest");
	else if (pv && !range_of(fp->ranges, fp->nranges, "xen"))
		addev(l, "plain CPUID does not show Xen: in a PV guest CPUID does not trap, so it "
			 "shows the layer below Xen");
}

/* No hypervisor CPUID range: the hypervisor bit, DMI, SMBIOS or timing may still name a layer. */
static void cpuid_no_range(struct hvs_fingerprint *fp, int xen_done, const char *dmi, const char *dmi_which)
{
	const struct hvs_cpu *c = &fp->cpu;
	const struct hvs_evidence *ev = &fp->ev;
	struct hvs_layer *l;

	if (cloud_metal(fp)) /* no layer: verdict_systemd() says which metal */
		return;
	if (c->hypervisor_bit) {
		/* QEMU's named CPU models say so in the brand string */
		int qemu_brand = strstr(c->brand, "QEMU") != NULL;
		const char *id = dmi ? dmi : qemu_brand ? "qemu" : "vm-other";

		l = new_layer(fp, dmi ? "hypervisor (named by DMI only)" :
				  qemu_brand ? "QEMU (named by the CPU brand string only)" :
					"unknown hypervisor (hypervisor bit, no hypervisor leaves)",
			      qemu_brand && !dmi ? "qemu" : "unknown", "guest", id, 1,
			      dmi ? 70 : qemu_brand ? 60 : 50);
		if (!l)
			return;
		addev(l, "CPUID.1:ECX[31] (hypervisor present) = 1");
		if (fp->src.kind == HVS_CPUID_REPLAY && !fp->src.subleaf_aware)
			addev(l, "no hypervisor CPUID range: the %s dump format does not record "
				 "leaves 0x4000xxxx", fp->src.format);
		else
			addev(l, "no hypervisor CPUID range at 0x40000000..0x4000ff00");
		if (qemu_brand)
			addev(l, "CPU brand string \"%.100s\"", c->brand);
		if (dmi)
			addev(l, "DMI %s = \"%s\" points to %s", dmi_which, hvs_evidence_dmi_value(ev, dmi_which), dmi);
	} else if (!dmi && ev->smbios_vm == 1 && !xen_done) {
		l = new_layer(fp, "unknown hypervisor (the firmware says virtual machine)", "unknown",
			      "guest", "vm-other", 1, 60);
		if (!l)
			return;
		addev(l, "CPUID.1:ECX[31] = 0 and no hypervisor leaves");
		addev(l, "SMBIOS BIOS Characteristics: \"System is a virtual machine\" (%.100s)",
		      ev->smbios_vm_src);
		if (ev->sys_vendor[0] || ev->product_name[0])
			addev(l, "DMI \"%.60s\" \"%.60s\" is no hypervisor vendor hvscope knows",
			      ev->sys_vendor, ev->product_name);
		if (fp->timing && fp->timing->cpuid_traps == HVS_TRI_YES)
			addev(l, "timing: %s", fp->timing->verdict);
	} else if ((dmi || (fp->timing && fp->timing->cpuid_traps == HVS_TRI_YES)) && !xen_done) {
		l = new_layer(fp, dmi ? "hypervisor hidden from CPUID (named by DMI)" :
					"hypervisor hidden from CPUID (CPUID exits measured)",
			      dmi ? dmi : "unknown", "guest", dmi ? dmi : "vm-other", 1, 60);
		if (!l)
			return;
		addev(l, "CPUID.1:ECX[31] = 0 and no hypervisor leaves: the hypervisor hides itself");
		if (dmi)
			addev(l, "DMI %s = \"%s\" points to %s", dmi_which, hvs_evidence_dmi_value(ev, dmi_which), dmi);
		if (dmi && ev->smbios_vm == 1)
			addev(l, "SMBIOS BIOS Characteristics: \"System is a virtual machine\"");
		if (fp->timing && fp->timing->cpuid_traps == HVS_TRI_YES)
			addev(l, "timing: %s", fp->timing->verdict);
	}
}

/* "Microsoft Hv" and no other hypervisor's range: the root partition or a Hyper-V guest. */
static void cpuid_hyperv(struct hvs_fingerprint *fp, const struct hvs_hv_range *r0, const char *dmi,
			 const char *dmi_which)
{
	const struct hvs_evidence *ev = &fp->ev;
	struct hvs_layer *l;

	if (field_bool(r0, "hv_root_partition")) {
		l = new_layer(fp, "Hyper-V root partition (host, not a guest)", "hyperv",
			      "root partition", "none", 0, 95);
		if (!l)
			return;
		addev(l, "CPUID 0x%08x signature \"Microsoft Hv\"", r0->base);
		addev(l, "CPUID 0x%08x EBX bit 0 (CreatePartitions) = 1: only the root partition "
			 "may create partitions", r0->base + 3);
		addev(l, "the OS here is the Hyper-V host (e.g. Windows with Hyper-V or VBS on); "
			 "systemd-detect-virt would wrongly say microsoft");
		return;
	}
	l = new_layer(fp, "Microsoft Hyper-V", "hyperv", "guest", "microsoft", 1, 90);
	if (!l)
		return;
	addev(l, "CPUID 0x%08x signature \"Microsoft Hv\", root partition bit clear", r0->base);
	if (field_str(r0, "hv_isolation_type") && strcmp(field_str(r0, "hv_isolation_type"), "none"))
		addev(l, "isolated VM: %s", field_str(r0, "hv_isolation_type"));
	if (dmi && strcmp(dmi, "microsoft")) {
		l->confidence = 60;
		addev(l, "but DMI %s = \"%s\" points to %s: another hypervisor offering Hyper-V's "
			 "interface?", dmi_which, hvs_evidence_dmi_value(ev, dmi_which), dmi);
		if (dmi_overrules(dmi))
			l->detect = dmi;
	} else if (dmi) {
		l->confidence = 98;
		addev(l, "DMI agrees (%s)", dmi_which);
	}
	if (ev->vmbus)
		addev(l, "VMBus devices present");
}

/* KVM's signature: real KVM, or VirtualBox's KVM provider (its feature bits, DMI). */
static void cpuid_kvm_or_vbox(struct hvs_fingerprint *fp, struct hvs_layer *l, const struct hvs_hv_range *own,
			      const char *dmi, const char *dmi_which)
{
	const struct hvs_evidence *ev = &fp->ev;
	const struct hvs_field *kf = hvs_fields_get(&own->f, "kvm_features_eax");
	/*
	 * VirtualBox's KVM provider (src/VBox/VMM/VMMR3/GIMKvm.cpp) offers
	 * only CLOCKSOURCE, CLOCKSOURCE2, PV_UNHALT and, with a fixed-rate
	 * TSC, CLOCKSOURCE_STABLE_BIT: any other feature bit is real KVM.
	 */
	uint64_t beyond = kf ? kf->num & ~(uint64_t)0x01000089 : 0;

	if (!dmi && beyond) {
		l->confidence = 90;
		addev(l, "KVM features 0x%08llx beyond what VirtualBox's KVM provider offers "
			 "(0x01000089 at most): real KVM", (unsigned long long)kf->num);
	} else if (!dmi) {
		l->confidence = 60;
		snprintf(l->name, sizeof(l->name), "KVM or VirtualBox (its KVM interface)");
		addev(l, "VirtualBox's KVM paravirt provider presents the same signature and "
			 "these features (0x%08llx): CPUID alone cannot tell them apart, DMI "
			 "would (none read)", kf ? (unsigned long long)kf->num : 0ULL);
	} else {
		l->confidence = 95;
		addev(l, "DMI %s = \"%s\" points to %s", dmi_which, hvs_evidence_dmi_value(ev, dmi_which), dmi);
	}
}

/* The known hypervisor's other evidence: versions, devices, nested /dev/kvm. */
static void cpuid_known_extras(struct hvs_fingerprint *fp, struct hvs_layer *l, const struct hvs_hv_range *own)
{
	const struct hvs_cpu *c = &fp->cpu;
	const struct hvs_evidence *ev = &fp->ev;
	char name[96];

	if (field_str(own, "xen_version"))
		addev(l, "Xen version %s", field_str(own, "xen_version"));
	if (!strcmp(own->known->id, "vbox") && field_str(own, "hv_interface"))
		addev(l, "also offers Hyper-V's interface (%s) at 0x%08x", field_str(own, "hv_interface"),
		      own->base + 1);
	if (!c->hypervisor_bit) {
		l->confidence -= 20;
		addev(l, "but CPUID.1:ECX[31] (hypervisor present) = 0: inconsistent");
	}
	if (!strcmp(ev->clocksource, "kvm-clock") && !strcmp(own->known->id, "kvm"))
		addev(l, "clocksource kvm-clock");
	if (ev->pci_virtio)
		addev(l, "virtio PCI devices present");
	if (ev->pci_vmware && !strcmp(own->known->id, "vmware"))
		addev(l, "VMware PCI devices present");
	if (ev->pci_xen_platform && !strcmp(own->known->id, "xen"))
		addev(l, "Xen platform PCI device 5853:0001");
	if (!strcmp(own->known->id, "kvm") && fp->have_host && fp->host->kvm_usable) {
		snprintf(name, sizeof(name), "%s", l->name);
		if (fp->host->kvm_pvm.loaded && fp->host->vendor_module &&
		    !strcmp(fp->host->vendor_module, "kvm_pvm")) {
			snprintf(l->name, sizeof(l->name), "%.60s (nested, kvm_pvm available)", name);
			addev(l, "/dev/kvm usable here through kvm_pvm (software virtualization, "
				 "shadow paging)");
		} else {
			snprintf(l->name, sizeof(l->name), "%.56s (nested virtualization available)", name);
			addev(l, "/dev/kvm usable here (%s)",
			      fp->host->vendor_module ? fp->host->vendor_module : "?");
		}
	}
}

/* A hypervisor range hvscope knows (own; r0 the first, "Microsoft Hv" when hyperv_iface). */
static void cpuid_known(struct hvs_fingerprint *fp, const struct hvs_hv_range *r0, const struct hvs_hv_range *own,
			int hyperv_iface, const char *dmi, const char *dmi_which)
{
	const struct hvs_evidence *ev = &fp->ev;
	struct hvs_layer *l;
	const char *id = own->known->id;
	char name[96];
	int conf = 90;
	const char *detect = own->known->detect ? own->known->detect : "vm-other";

	if (!strcmp(id, "tcg"))
		snprintf(name, sizeof(name), "QEMU TCG");
	else if (!strcmp(id, "xen"))
		snprintf(name, sizeof(name), "Xen HVM%s", hyperv_iface ? " with Viridian (Hyper-V interface)" : "");
	else if (!strcmp(id, "kvm") && hyperv_iface)
		snprintf(name, sizeof(name), "KVM with Hyper-V enlightenments");
	else if (!strcmp(id, "kvm") && dmi && !strcmp(dmi, "oracle"))
		snprintf(name, sizeof(name), "VirtualBox (KVM paravirt interface)");
	else if (!strcmp(id, "kvm") && dmi && (!strcmp(dmi, "amazon") || !strcmp(dmi, "google")))
		snprintf(name, sizeof(name), "KVM (%s)",
			 !strcmp(dmi, "amazon") ? "Amazon EC2" : "Google Compute Engine");
	else
		snprintf(name, sizeof(name), "%s", own->known->name);
	if (!strcmp(id, "kvm") && dmi && !strcmp(dmi, "oracle")) {
		id = "vbox";
		detect = "oracle";
	}
	if (dmi_overrules(dmi))
		detect = dmi;
	/* VirtualBox's own signature but Hyper-V's interface */
	l = new_layer(fp, name, id, !strcmp(id, "xen") ? "HVM" : "guest", detect, 1, conf);
	if (!l)
		return;
	if (hyperv_iface)
		addev(l, "CPUID 0x%08x \"Microsoft Hv\" (Hyper-V compatible interface for Windows "
			 "guests), own signature at 0x%08x", r0->base, own->base);
	addev(l, "CPUID 0x%08x signature \"%s\" (max leaf 0x%08x)", own->base, own->sig_text,
	      own->max);
	if (!strcmp(own->known->id, "kvm") && !(dmi && !strcmp(dmi, "oracle"))) {
		cpuid_kvm_or_vbox(fp, l, own, dmi, dmi_which);
	} else if (dmi) {
		int agree = !strcmp(dmi, detect) || (!strcmp(dmi, "qemu") && !strcmp(id, "tcg"));

		l->confidence = agree ? 97 : 70;
		addev(l, "DMI %s = \"%s\" points to %s%s", dmi_which, hvs_evidence_dmi_value(ev, dmi_which), dmi,
		      agree ? "" : " (disagrees)");
	}
	cpuid_known_extras(fp, l, own);
}

/* Name the layer a plain-CPUID range stands for; add it. */
static void verdict_cpuid(struct hvs_fingerprint *fp, int xen_done)
{
	const char *dmi_which = NULL, *dmi = hvs_evidence_dmi_vm(&fp->ev, &dmi_which);
	const struct hvs_hv_range *r0 = fp->nranges ? &fp->ranges[0] : NULL;
	const struct hvs_hv_range *own = r0;
	struct hvs_layer *l;
	int hyperv_iface = 0;

	if (!r0) {
		cpuid_no_range(fp, xen_done, dmi, dmi_which);
		return;
	}
	/* "Microsoft Hv" first, another hypervisor's own range after it */
	if (r0->known && !strcmp(r0->known->id, "hyperv")) {
		hyperv_iface = 1;
		for (int i = 1; i < fp->nranges; i++)
			if (fp->ranges[i].known && strcmp(fp->ranges[i].known->id, "hyperv")) {
				own = &fp->ranges[i];
				break;
			}
	}
	if (own == r0 && r0->known && !strcmp(r0->known->id, "hyperv")) {
		cpuid_hyperv(fp, r0, dmi, dmi_which);
		return;
	}
	if (!own->known) {
		l = new_layer(fp, "unknown hypervisor", "unknown", "guest", dmi ? dmi : "vm-other", 1, 50);
		if (!l)
			return;
		addev(l, "CPUID 0x%08x unknown signature \"%s\" (hex %s)", own->base, own->sig_text,
		      own->sig_hex);
		if (dmi)
			addev(l, "DMI %s = \"%s\" points to %s", dmi_which, hvs_evidence_dmi_value(&fp->ev, dmi_which), dmi);
		return;
	}

	cpuid_known(fp, r0, own, hyperv_iface, dmi, dmi_which);
}

static void verdict_container(struct hvs_fingerprint *fp)
{
	struct hvs_layer *l = &fp->container;

	if (!fp->ev.container[0])
		return;
	fp->have_container = 1;
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "container (%s)", fp->ev.container);
	snprintf(l->id, sizeof(l->id), "%s", fp->ev.container);
	snprintf(l->mode, sizeof(l->mode), "container");
	l->detect = NULL;
	l->guest = 1;
	l->confidence = 90;
	addev(l, "%s", fp->ev.container_evidence);
}

/* hvscope's own word: the innermost guest layer's */
static const char *own_word(const struct hvs_fingerprint *fp)
{
	for (int i = 0; i < fp->nlayers; i++)
		if (fp->layers[i].guest)
			return fp->layers[i].detect ? fp->layers[i].detect : "vm-other";
	return "none";
}

/*
 * The detect word in systemd-detect-virt's order (sd_detect.c), and where
 * hvscope's layers say more than that word.
 */
static void verdict_systemd(struct hvs_fingerprint *fp)
{
	const struct hvs_evidence *ev = &fp->ev;
	const char *which = NULL, *own = own_word(fp), *dmi = hvs_evidence_dmi_table(ev, &which);
	struct hvs_sd_input in = { .ev = ev, .hypervisor_bit = fp->cpu.hypervisor_bit,
				   .cpuid_fallback = own };
	uint32_t r[4] = { 0 };
	unsigned char sig[12];
	char *b = fp->beyond;
	size_t bl = sizeof(fp->beyond);

	if (hvs_cpuid(&fp->src, 0x40000000, 0, r) > 0) {
		in.leaf_known = 1;
		memcpy(sig, &r[1], 4);
		memcpy(sig + 4, &r[2], 4);
		memcpy(sig + 8, &r[3], 4);
		in.sig = sig;
	}
	hvs_sd_detect_vm(&in, &fp->sd);
	if (cloud_metal(fp) == 1) {
		snprintf(b, bl, "EC2 bare metal: no hypervisor (DMI \"%.40s\" \"%.40s\", %s)%s",
			 ev->sys_vendor[0] ? ev->sys_vendor : ev->bios_vendor, ev->product_name,
			 ev->smbios_vm == 0 ? "SMBIOS VM bit clear" : "\".metal\" product, VM bit unread",
			 ev->pci_amazon ? "; Nitro card present (Amazon PCI devices 1d0f)" : "");
	} else if (cloud_metal(fp) == 2) {
		snprintf(b, bl, "Google Compute Engine bare metal: no hypervisor (CPUID.1:ECX[31] = 0 "
				"and no hypervisor leaves; GCE's VMs show KVM). systemd-detect-virt lets "
				"DMI win and says google");
	} else if (dmi && !strcmp(fp->sd.word, dmi) && fp->nlayers && fp->layers[0].guest &&
		   strcmp(fp->layers[0].id, "unknown") && strcmp(fp->layers[0].id, dmi) &&
		   !(!strcmp(dmi, "oracle") && !strcmp(fp->layers[0].id, "vbox"))) {
		snprintf(b, bl, "%s, operated as %s: systemd-detect-virt names the operator from DMI "
				"(%s \"%.60s\"), CPUID names the hypervisor", fp->layers[0].name, dmi,
			 which, hvs_evidence_dmi_value(ev, which));
	} else if (strcmp(fp->sd.word, own)) {
		snprintf(b, bl, "%s: systemd-detect-virt says %s", fp->nlayers ? fp->summary :
			 "no hypervisor", fp->sd.word);
	} else if (fp->nlayers > 1) {
		snprintf(b, bl, "%d layers: %s (systemd-detect-virt names one)", fp->nlayers, fp->summary);
	}
}

static void verdict(struct hvs_fingerprint *fp)
{
	int xen_done = 0;
	char *p = fp->summary, *end = fp->summary + sizeof(fp->summary);

	if (!fp->cpu.have_leaf0 || hvs_cpuid(&fp->src, 1, 0, (uint32_t[4]){ 0 }) <= 0) {
		fp->unknown = 1;
		snprintf(fp->unknown_why, sizeof(fp->unknown_why), "the CPUID source has no leaf %s",
			 fp->cpu.have_leaf0 ? "1" : "0");
		snprintf(fp->summary, sizeof(fp->summary), "unknown");
		verdict_container(fp);
		return;
	}
	verdict_xen(fp, &xen_done);
	/* With Xen PV(H) found, plain CPUID showing Xen is the same layer. */
	if (!(xen_done && fp->nranges && fp->ranges[0].known && !strcmp(fp->ranges[0].known->id, "xen"))) {
		verdict_cpuid(fp, xen_done);
	} else {
		/*
		 * Xen hides what runs below it from CPUID (PVH/HVM trap CPUID), but
		 * dom0 sees the machine's real SMBIOS: DMI naming a hypervisor there
		 * is the layer under Xen (e.g. Xen PVH dom0 inside QEMU).
		 */
		const char *which = NULL, *dmi = hvs_evidence_dmi_vm(&fp->ev, &which);
		struct hvs_layer *l;
		char name[96];

		/* only dom0 sees the machine's SMBIOS; a domU's comes from its own Xen */
		if (dmi && strcmp(dmi, "xen") && fp->nlayers && !fp->layers[0].guest) {
			snprintf(name, sizeof(name), "%s (named by DMI, below Xen)", dmi);
			l = new_layer(fp, name, dmi, "guest", dmi, 1, 70);
			if (l)
				addev(l, "DMI %s = \"%s\" points to %s; CPUID shows only Xen's leaves", which,
				      hvs_evidence_dmi_value(&fp->ev, which), dmi);
		}
	}
	verdict_container(fp);
	if (!fp->nlayers) {
		snprintf(fp->summary, sizeof(fp->summary), "no hypervisor");
	} else {
		for (int i = 0; i < fp->nlayers && p < end; i++)
			p += snprintf(p, (size_t)(end - p), "%s%s", i ? " on " : "", fp->layers[i].name);
	}
	verdict_systemd(fp);
}

int hvs_fingerprint_collect(const struct hvs_probe_opts *o, struct hvs_fingerprint **out, char *why,
			    size_t whylen)
{
	struct hvs_fingerprint *fp;
	int rc, replay = o->cpuid_dump != NULL, root = o->root && o->root[0];

	uint64_t t0 = hvs_now_ns(), t1;

	*out = NULL;
	if (whylen)
		why[0] = '\0';
	fp = calloc(1, sizeof(*fp));
	if (!fp) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	fp->o = *o;
	if (replay) {
		rc = hvs_cpuid_src_replay_file(&fp->src, o->cpuid_dump, why, whylen);
		if (rc < 0) {
			free(fp);
			return rc;
		}
		fp->source_kind = "dump";
	} else {
		hvs_cpuid_src_live(&fp->src);
		fp->source_kind = "live";
	}
	fp->nranges = hvs_hv_scan(&fp->src, fp->ranges, HVS_HV_MAX_RANGES, o->detect_only);
	t1 = hvs_now_ns();
	hvs_dbg("fingerprint: source + hypervisor scan %.3f ms", (t1 - t0) / 1e6);
	t0 = t1;

	/* Xen forced emulation: only on the live machine */
	fp->xen_forced = -1;
	if (!replay) {
		struct hvs_cpuid_src xs;

		rc = hvs_cpuid_src_xen(&xs);
		if (rc == 0) {
			fp->xen_forced = 1;
			fp->nxranges = hvs_hv_scan(&xs, fp->xranges, HVS_HV_MAX_RANGES, 1);
			snprintf(fp->xen_forced_note, sizeof(fp->xen_forced_note),
				 "available: Xen emulated CPUID (a Xen PV guest)");
		} else {
			fp->xen_forced = 0;
			snprintf(fp->xen_forced_note, sizeof(fp->xen_forced_note),
				 "unavailable: the ud2a prefix raised SIGILL (not a Xen PV guest)");
		}
		hvs_cpuid_src_free(&xs);
	} else {
		snprintf(fp->xen_forced_note, sizeof(fp->xen_forced_note),
			 "not tried: replaying a dump");
	}
	t1 = hvs_now_ns();
	hvs_dbg("fingerprint: Xen forced-emulation probe %.3f ms", (t1 - t0) / 1e6);
	t0 = t1;
	hvs_cpu_collect(&fp->src, &fp->cpu, !o->detect_only);
	t1 = hvs_now_ns();
	hvs_dbg("fingerprint: CPU facts (libcpuid) %.3f ms", (t1 - t0) / 1e6);
	t0 = t1;

	rc = hvs_evidence_collect(o->root, o->dmidecode, !replay || root, !replay && !root, &fp->ev,
				  why, whylen);
	if (rc < 0) {
		hvs_fingerprint_free(fp);
		return rc;
	}
	t1 = hvs_now_ns();
	hvs_dbg("fingerprint: platform evidence %.3f ms", (t1 - t0) / 1e6);
	t0 = t1;
	if ((!replay || root) && !o->detect_only) {
		fp->host = calloc(1, sizeof(*fp->host));
		if (fp->host && hvs_host_collect(o->root, o->privileged, fp->host) == 0)
			fp->have_host = 1;
	}
	t1 = hvs_now_ns();
	hvs_dbg("fingerprint: host facts %.3f ms", (t1 - t0) / 1e6);
	if (o->timing && !replay) {
		fp->timing = calloc(1, sizeof(*fp->timing));
		if (fp->timing && hvs_exit_timing_run(0, fp->timing)) {
			free(fp->timing);
			fp->timing = NULL;
		}
	}
	verdict(fp);
	*out = fp;
	return 0;
}

void hvs_fingerprint_free(struct hvs_fingerprint *fp)
{
	if (!fp)
		return;
	for (int i = 0; i < fp->nranges; i++)
		hvs_hv_range_free(&fp->ranges[i]);
	for (int i = 0; i < fp->nxranges; i++)
		hvs_hv_range_free(&fp->xranges[i]);
	hvs_cpu_free(&fp->cpu);
	hvs_evidence_free(&fp->ev);
	hvs_cpuid_src_free(&fp->src);
	free(fp->host);
	free(fp->timing);
	free(fp);
}

const char *hvs_fingerprint_summary(const struct hvs_fingerprint *fp)
{
	return fp->summary;
}

const char *hvs_fingerprint_detect(const struct hvs_fingerprint *fp, enum hvs_detect_what what)
{
	if (what != HVS_DETECT_VM && fp->have_container) {
		for (int i = 0; hvs_detect_vocabulary[i]; i++)
			if (!strcmp(hvs_detect_vocabulary[i], fp->container.id))
				return hvs_detect_vocabulary[i];
		return "container-other";
	}
	if (what == HVS_DETECT_CONTAINER)
		return "none";
	if (fp->unknown)
		return NULL;
	return fp->sd.word ? fp->sd.word : own_word(fp);
}

/* ---- text ---- */

static void print_range(const struct hvs_hv_range *r, FILE *f)
{
	fprintf(f, "  0x%08x..0x%08x  \"%s\"  %s\n", r->base, r->max, r->sig_text,
		r->known ? r->known->name : "(unknown signature)");
	if (!r->known)
		fprintf(f, "    signature_hex: %s\n", r->sig_hex);
	hvs_fields_print(&r->f, f, "    ");
}

static void print_layer(const struct hvs_layer *l, int n, FILE *f)
{
	if (n)
		fprintf(f, "  %d. %s\n", n, l->name);
	else
		fprintf(f, "  %s\n", l->name);
	fprintf(f, "     mode: %s, confidence: %d%%, %s", l->mode, l->confidence,
		l->guest ? "we are its guest" : "we are its host/root partition");
	if (l->detect)
		fprintf(f, ", detect: %s", l->detect);
	fputc('\n', f);
	for (int i = 0; i < l->nev; i++)
		fprintf(f, "     - %s\n", l->ev[i]);
}

void hvs_fingerprint_print(const struct hvs_fingerprint *fp, FILE *f)
{
	fprintf(f, "Verdict: %s\n", fp->summary);
	if (fp->unknown)
		fprintf(f, "  (%s)\n", fp->unknown_why);
	if (fp->nlayers) {
		fprintf(f, "Layers (innermost first):\n");
		for (int i = 0; i < fp->nlayers; i++)
			print_layer(&fp->layers[i], i + 1, f);
	}
	if (fp->have_container) {
		fprintf(f, "Container:\n");
		print_layer(&fp->container, 0, f);
	}
	if (!fp->unknown && fp->sd.word) {
		fprintf(f, "systemd-detect-virt's order (detect: %s):\n", fp->sd.word);
		for (int i = 0; i < fp->sd.nsteps; i++)
			fprintf(f, "  %d. %s\n", i + 1, fp->sd.step[i]);
	}
	if (fp->beyond[0])
		fprintf(f, "Beyond systemd: %s\n", fp->beyond);
	fprintf(f, "Source: %s", fp->source_kind);
	if (fp->o.cpuid_dump)
		fprintf(f, " %s (format %s, %d logical CPU%s in file, first kept)", fp->o.cpuid_dump,
			fp->src.format, fp->src.ncpus_seen, fp->src.ncpus_seen == 1 ? "" : "s");
	fputc('\n', f);
	fprintf(f, "CPU:\n");
	hvs_fields_print(&fp->cpu.f, f, "  ");
	fprintf(f, "Hypervisor CPUID ranges (0x40000000..0x4000ff00):\n");
	if (!fp->nranges)
		fprintf(f, "  (none)\n");
	for (int i = 0; i < fp->nranges; i++)
		print_range(&fp->ranges[i], f);
	fprintf(f, "Xen forced-emulation CPUID: %s\n", fp->xen_forced_note);
	for (int i = 0; i < fp->nxranges; i++)
		print_range(&fp->xranges[i], f);
	fprintf(f, "Platform evidence:\n");
	if (!fp->ev.f.n)
		fprintf(f, "  (none read%s)\n", fp->o.cpuid_dump ? ": a replay reads only the dump and "
								   "files named with --root/--dmidecode" : "");
	hvs_fields_print(&fp->ev.f, f, "  ");
	if (fp->have_host) {
		hvs_host_print(fp->host, f);
	}
	if (fp->timing) {
		fprintf(f, "Timing:\n");
		hvs_exit_timing_print(fp->timing, f);
	}
}

/* ---- JSON ---- */
#if HAVE_JANSSON
static json_t *layer_json(const struct hvs_layer *l)
{
	json_t *o = json_object(), *ev = json_array();

	json_object_set_new(o, "name", json_string(l->name));
	json_object_set_new(o, "id", json_string(l->id));
	json_object_set_new(o, "mode", json_string(l->mode));
	json_object_set_new(o, "guest", json_boolean(l->guest));
	json_object_set_new(o, "confidence", json_integer(l->confidence));
	json_object_set_new(o, "detect", l->detect ? json_string(l->detect) : json_null());
	for (int i = 0; i < l->nev; i++)
		json_array_append_new(ev, json_string(l->ev[i]));
	json_object_set_new(o, "evidence", ev);
	return o;
}

static json_t *ranges_json(const struct hvs_hv_range *r, int n)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++) {
		json_t *o = json_object(), *d = json_object();

		json_object_set_new(o, "base", json_integer(r[i].base));
		json_object_set_new(o, "max_leaf", json_integer(r[i].max));
		json_object_set_new(o, "signature", json_string(r[i].sig_text));
		json_object_set_new(o, "signature_hex", json_string(r[i].sig_hex));
		json_object_set_new(o, "known", json_boolean(r[i].known != NULL));
		json_object_set_new(o, "id", r[i].known ? json_string(r[i].known->id) : json_null());
		json_object_set_new(o, "name", r[i].known ? json_string(r[i].known->name) : json_null());
		hvs_fields_to_json(&r[i].f, d);
		json_object_set_new(o, "decoded", d);
		json_array_append_new(a, o);
	}
	return a;
}

json_t *hvs_fingerprint_json(const struct hvs_fingerprint *fp)
{
	json_t *o = json_object(), *v = json_object(), *layers = json_array(), *src = json_object();
	json_t *cpu = json_object(), *ev = json_object(), *xen = json_object();
	const char *det = hvs_fingerprint_detect(fp, HVS_DETECT_VM);

	json_object_set_new(o, "schema_version", json_integer(HVS_FINGERPRINT_SCHEMA_VERSION));
	json_object_set_new(o, "tool", json_string("hvscope"));
	json_object_set_new(o, "version", json_string(hvs_version()));
	json_object_set_new(src, "kind", json_string(fp->source_kind));
	json_object_set_new(src, "file", fp->o.cpuid_dump ? json_string(fp->o.cpuid_dump) : json_null());
	json_object_set_new(src, "format", json_string(fp->src.format ? fp->src.format : "live"));
	json_object_set_new(src, "root", fp->o.root && fp->o.root[0] ? json_string(fp->o.root) : json_null());
	json_object_set_new(src, "dmidecode", fp->o.dmidecode ? json_string(fp->o.dmidecode) : json_null());
	json_object_set_new(o, "source", src);

	json_object_set_new(v, "summary", json_string(fp->summary));
	json_object_set_new(v, "unknown", json_boolean(fp->unknown));
	if (fp->unknown)
		json_object_set_new(v, "unknown_reason", json_string(fp->unknown_why));
	json_object_set_new(v, "detect", det ? json_string(det) : json_null());
	{
		json_t *steps = json_array();

		for (int i = 0; !fp->unknown && i < fp->sd.nsteps; i++)
			json_array_append_new(steps, json_string(fp->sd.step[i]));
		json_object_set_new(v, "detect_steps", steps);
	}
	json_object_set_new(v, "beyond_systemd", fp->beyond[0] ? json_string(fp->beyond) : json_null());
	for (int i = 0; i < fp->nlayers; i++)
		json_array_append_new(layers, layer_json(&fp->layers[i]));
	json_object_set_new(v, "layers", layers);
	json_object_set_new(v, "container", fp->have_container ? layer_json(&fp->container) : json_null());
	json_object_set_new(o, "verdict", v);

	hvs_fields_to_json(&fp->cpu.f, cpu);
	json_object_set_new(o, "cpu", cpu);
	json_object_set_new(o, "hypervisor_ranges", ranges_json(fp->ranges, fp->nranges));
	json_object_set_new(xen, "tried", json_boolean(fp->xen_forced >= 0));
	json_object_set_new(xen, "available", json_boolean(fp->xen_forced == 1));
	json_object_set_new(xen, "note", json_string(fp->xen_forced_note));
	json_object_set_new(xen, "ranges", ranges_json(fp->xranges, fp->nxranges));
	json_object_set_new(o, "xen_forced_cpuid", xen);
	hvs_fields_to_json(&fp->ev.f, ev);
	json_object_set_new(o, "evidence", ev);
	json_object_set_new(o, "host", fp->have_host ? hvs_host_json(fp->host) : json_null());
	json_object_set_new(o, "timing", fp->timing ? hvs_exit_timing_json(fp->timing) : json_null());
	return o;
}
#endif
