/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sd_detect.c - systemd-detect-virt's order, from our evidence (see
 * sd_detect.h). Every step that decides or passes leaves one line in
 * out->step, so `probe` can show why the word is what it is.
 */
#include "sd_detect.h"
#include "core/hvscope.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* systemd's vm_table: exact bytes, NUL-padded to 12 */
static const struct {
	const char sig[13];
	const char *word;
} cpuid_table[] = {
	{ "XenVMMXenVMM", "xen" },
	{ "KVMKVMKVM", "kvm" },
	{ "Linux KVM Hv", "kvm" },
	{ "TCGTCGTCGTCG", "qemu" },
	{ "VMwareVMware", "vmware" },
	{ "Microsoft Hv", "microsoft" },
	{ "bhyve bhyve ", "bhyve" },
	{ "QNXQVMBSQG", "qnx" },
	{ "ACRNACRNACRN", "acrn" },
	{ "SRESRESRESRE", "sre" },
	{ "Apple VZ", "apple" },
};

const char *hvs_sd_cpuid_word(const unsigned char sig[12])
{
	for (size_t i = 0; i < HVS_ARRAY_SIZE(cpuid_table); i++)
		if (!memcmp(sig, cpuid_table[i].sig, 12))
			return cpuid_table[i].word;
	return NULL;
}

static void step(struct hvs_sd_result *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void step(struct hvs_sd_result *out, const char *fmt, ...)
{
	va_list ap;

	if (out->nsteps >= HVS_SD_MAX_STEPS)
		return;
	va_start(ap, fmt);
	vsnprintf(out->step[out->nsteps++], sizeof(out->step[0]), fmt, ap);
	va_end(ap);
}

/* ".metal" at the end of the product name or before a '-' (systemd's test) */
static int metal_name(const char *product)
{
	const char *e = strstr(product, ".metal");

	return e && (e[6] == '\0' || e[6] == '-');
}

/* Step 1: detect_vm_dmi(). NULL for none. */
static const char *dmi_step(const struct hvs_evidence *ev, struct hvs_sd_result *out)
{
	const char *which = NULL, *id;

	if (!ev->dmi_source || !ev->dmi_source[0]) {
		step(out, "DMI: none read");
		return NULL;
	}
	id = hvs_evidence_dmi_table(ev, &which);
	if (id && !strcmp(id, "amazon")) {
		const char *v = hvs_evidence_dmi_value(ev, which);
		int metal = hvs_sd_ec2_metal(ev);

		if (ev->smbios_vm >= 0)
			step(out, "DMI %s \"%.60s\": amazon%s (%.80s): %s", which, v,
			     ev->smbios_vm ? "; the SMBIOS VM bit is set" : ", but the SMBIOS VM bit is clear",
			     ev->smbios_vm_src, metal ? "EC2 bare metal, none" : "an EC2 virtual machine");
		else
			step(out, "DMI %s \"%.60s\": amazon; SMBIOS VM bit unknown (%.60s), product name "
				  "\"%.40s\" is %s: %s", which, v, ev->smbios_vm_src, ev->product_name,
			     metal ? ".metal" : "not .metal",
			     metal ? "EC2 bare metal, none" : "an EC2 virtual machine");
		return metal ? NULL : id;
	}
	if (id) {
		step(out, "DMI %s \"%.80s\" is in systemd's vendor table: %s", which,
		     hvs_evidence_dmi_value(ev, which), id);
		return id;
	}
	if (ev->smbios_vm == 1) {
		step(out, "DMI names no vendor in systemd's table, but the SMBIOS VM bit is set "
			  "(%.80s): vm-other", ev->smbios_vm_src);
		return "vm-other";
	}
	step(out, "DMI names no vendor in systemd's table%s%.80s", ev->smbios_vm_src[0] ? "; " : "",
	     ev->smbios_vm_src);
	return NULL;
}

/* Step 2: -1 no /proc/xen, 0 domU, 1 dom0 */
static int xen_step(const struct hvs_evidence *ev, struct hvs_sd_result *out)
{
	if (!ev->proc_xen)
		return -1;
	if (ev->hv_features[0]) {
		step(out, "/proc/xen exists; /sys/hypervisor/properties/features = %s: XENFEAT_dom0 %s",
		     ev->hv_features, ev->xen_feat_dom0 ? "set (dom0: CPUID decides)" : "clear: xen");
		return ev->xen_feat_dom0;
	}
	if (ev->xen_caps_read) {
		step(out, "/proc/xen exists; /proc/xen/capabilities %s", ev->xen_control_d ?
			  "has control_d (dom0: CPUID decides)" : "lacks control_d: xen");
		return ev->xen_control_d;
	}
	step(out, "/proc/xen exists, no features and no capabilities file: a domU, xen");
	return 0;
}

void hvs_sd_detect_vm(const struct hvs_sd_input *in, struct hvs_sd_result *out)
{
	const struct hvs_evidence *ev = in->ev;
	const char *dmi, *v = NULL;
	int hyperv = 0, other = 0, dom0;

	memset(out, 0, sizeof(*out));
	dmi = dmi_step(ev, out);
	if (dmi && (!strcmp(dmi, "oracle") || !strcmp(dmi, "xen") || !strcmp(dmi, "amazon") ||
		    !strcmp(dmi, "parallels") || !strcmp(dmi, "google"))) {
		step(out, "%s wins before CPUID (systemd's first step)", dmi);
		out->word = dmi;
		return;
	}
	dom0 = xen_step(ev, out);
	if (dom0 == 0) {
		out->word = "xen";
		return;
	}
	/* Step 3: CPUID */
	if (!in->hypervisor_bit) {
		step(out, "CPUID.1:ECX[31] = 0: no hypervisor in CPUID");
	} else if (!in->leaf_known) {
		v = in->cpuid_fallback && strcmp(in->cpuid_fallback, "none") ? in->cpuid_fallback : NULL;
		step(out, "CPUID.1:ECX[31] = 1; leaf 0x40000000 is not in the source: hvscope's reading "
			  "(%s) stands in", v ? v : "none");
		if (v && !strcmp(v, "vm-other"))
			other = 1, v = NULL;
		else if (v && !strcmp(v, "microsoft"))
			hyperv = 1, v = NULL;
	} else {
		static const unsigned char zero[12];
		const unsigned char *sig = in->sig ? in->sig : zero;
		char txt[64];
		size_t k = 0;

		for (int i = 0; i < 12 && k + 5 < sizeof(txt); i++)
			k += (size_t)snprintf(txt + k, sizeof(txt) - k, sig[i] >= 0x20 && sig[i] < 0x7f &&
					      sig[i] != '"' && sig[i] != '\\' ? "%c" : "\\x%02x", sig[i]);
		v = hvs_sd_cpuid_word(sig);
		if (!v) {
			other = 1;
			step(out, "CPUID 0x40000000 \"%s\" is not in systemd's table: vm-other unless a "
				  "later step names it", txt);
		} else if (!strcmp(v, "microsoft")) {
			hyperv = 1;
			v = NULL;
			step(out, "CPUID 0x40000000 \"Microsoft Hv\": microsoft unless a later step names "
				  "another hypervisor (QEMU and others offer Hyper-V's interface)");
		} else {
			step(out, "CPUID 0x40000000 \"%s\": %s", txt, v);
		}
	}
	if (v) {
		out->word = v;
		return;
	}
	if (dom0 == 1) {
		step(out, "a Xen dom0 with nothing below it in CPUID");
		goto finish;
	}
	/* Step 4: the rest of DMI, /sys/hypervisor */
	if (dmi && !strcmp(dmi, "vm-other")) {
		other = 1;
	} else if (dmi) {
		step(out, "back to DMI: %s", dmi);
		out->word = dmi;
		return;
	}
	if (!strcmp(ev->hv_type, "xen")) {
		step(out, "/sys/hypervisor/type = xen");
		out->word = "xen";
		return;
	}
	if (ev->hv_type[0]) {
		other = 1;
		step(out, "/sys/hypervisor/type = %.40s: vm-other", ev->hv_type);
	}
finish:
	out->word = hyperv ? "microsoft" : other ? "vm-other" : "none";
	if (hyperv || other)
		step(out, "nothing named it: %s", out->word);
}

int hvs_sd_ec2_metal(const struct hvs_evidence *ev)
{
	const char *id = hvs_evidence_dmi_table(ev, NULL);

	if (!id || strcmp(id, "amazon"))
		return 0;
	if (ev->smbios_vm >= 0)
		return !ev->smbios_vm;
	return ev->product_name[0] && metal_name(ev->product_name);
}
