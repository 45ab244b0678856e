/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * verdict.c - the verdict logic on CPUID tables for which the corpus has no
 * real capture (SOURCES.md "Not found"): KVM with Hyper-V enlightenments,
 * Xen HVM with Viridian, QEMU TCG, bhyve, an unknown signature, a Hyper-V
 * root partition nested under nothing, hypervisor bit without leaves.
 * The register values are the signatures and leaf layouts documented in
 * the hypervisors' sources (Linux arch/x86/include/asm/hyperv-tlfs.h and
 * uapi/asm/kvm_para.h, Xen public/arch-x86/cpuid.h, QEMU target/i386
 * kvm.c/cpu.c); these are unit inputs of the decision logic, not dumps.
 * detect is systemd-detect-virt's word for this evidence (CPUID alone: no
 * DMI, no /proc/xen): "Microsoft Hv" at 0x40000000 reads microsoft in its
 * order whatever offers it; the verdict names the hypervisor behind it.
 */
#include "probes/fingerprint.h"
#include "core/hvscope.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct row {
	uint32_t leaf, eax, ebx, ecx, edx;
};

#define BASIC_INTEL_HV                                                            \
	{ 0x00000000, 0x00000001, 0x756e6547, 0x6c65746e, 0x49656e69 },           \
	{ 0x00000001, 0x000306f2, 0x00000800, 0x80000001, 0x078bfbff }
#define MSHV(max, ebx3)                                                           \
	{ 0x40000000, max, 0x7263694d, 0x666f736f, 0x76482074 },                  \
	{ 0x40000001, 0x31237648, 0, 0, 0 }, { 0x40000002, 0x00004f7c, 0x000a0000, 0, 0 }, \
	{ 0x40000003, 0x00002e7f, ebx3, 0, 0 }
#define END { 0xffffffff, 0, 0, 0, 0 }

static const char *run(const struct row *rows, const char **detect, char *summary, size_t len)
{
	char why[200];
	char path[] = "/tmp/hvs-verdict-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	struct hvs_probe_opts o = { 0 };
	struct hvs_fingerprint *fp;
	static char det[32];

	if (!f)
		return NULL;
	fprintf(f, "CPU:\n");
	for (; rows->leaf != 0xffffffff; rows++)
		fprintf(f, "   0x%08x 0x00: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x\n", rows->leaf,
			rows->eax, rows->ebx, rows->ecx, rows->edx);
	fclose(f);
	o.cpuid_dump = path;
	if (hvs_fingerprint_collect(&o, &fp, why, sizeof(why))) {
		unlink(path);
		return NULL;
	}
	unlink(path);
	snprintf(summary, len, "%s", hvs_fingerprint_summary(fp));
	snprintf(det, sizeof(det), "%s", hvs_fingerprint_detect(fp, HVS_DETECT_VM) ?: "(null)");
	*detect = det;
	hvs_fingerprint_free(fp);
	return summary;
}

static void check(const char *what, const struct row *rows, const char *want_sum, const char *want_det)
{
	char sum[256] = "";
	const char *det = "";

	if (!run(rows, &det, sum, sizeof(sum))) {
		ok(0, "%s: collect failed", what);
		ok(0, "%s: detect", what);
		return;
	}
	is_str(sum, want_sum, "%s: verdict", what);
	is_str(det, want_det, "%s: detect", what);
}

int main(void)
{
	static const struct row kvm_hv[] = {
		BASIC_INTEL_HV, MSHV(0x4000000a, 0x00000000),
		{ 0x40000100, 0x40000101, 0x4b4d564b, 0x564b4d56, 0x0000004d },
		{ 0x40000101, 0x01007afb, 0, 0, 0 }, END,
	};
	static const struct row xen_viridian[] = {
		BASIC_INTEL_HV, MSHV(0x40000005, 0x00000000),
		{ 0x40000100, 0x40000105, 0x566e6558, 0x65584d4d, 0x4d4d566e },
		{ 0x40000101, 0x0004000b, 0, 0, 0 }, END,
	};
	static const struct row root[] = { BASIC_INTEL_HV, MSHV(0x4000000b, 0x002bb9ff), END };
	static const struct row hyperv[] = { BASIC_INTEL_HV, MSHV(0x4000000b, 0x003b8030), END };
	static const struct row tcg[] = {
		BASIC_INTEL_HV, { 0x40000000, 0x40000001, 0x54474354, 0x43544743, 0x47435447 }, END,
	};
	static const struct row bhyve[] = {
		BASIC_INTEL_HV, { 0x40000000, 0x40000000, 0x76796862, 0x68622065, 0x20657679 }, END,
	};
	static const struct row unknown[] = {
		BASIC_INTEL_HV, { 0x40000000, 0x40000000, 0x44434241, 0x48474645, 0x4c4b4a49 }, END,
	};
	static const struct row bit_only[] = { BASIC_INTEL_HV, END };
	static const struct row bare[] = {
		{ 0x00000000, 0x00000001, 0x756e6547, 0x6c65746e, 0x49656e69 },
		{ 0x00000001, 0x000306f2, 0x00000800, 0x00000001, 0x078bfbff }, END,
	};

	plan(18);
	check("KVM with Hyper-V enlightenments", kvm_hv, "KVM with Hyper-V enlightenments", "microsoft");
	check("Xen HVM with Viridian", xen_viridian, "Xen HVM with Viridian (Hyper-V interface)", "microsoft");
	check("Hyper-V root partition", root, "Hyper-V root partition (host, not a guest)", "microsoft");
	check("Hyper-V guest", hyperv, "Microsoft Hyper-V", "microsoft");
	check("QEMU TCG", tcg, "QEMU TCG", "qemu");
	check("bhyve", bhyve, "bhyve", "bhyve");
	check("unknown signature", unknown, "unknown hypervisor", "vm-other");
	check("hypervisor bit, no leaves", bit_only,
	      "unknown hypervisor (hypervisor bit, no hypervisor leaves)", "vm-other");
	check("bare metal", bare, "no hypervisor", "none");
	return done_testing();
}
