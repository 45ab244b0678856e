/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * evidence.h - platform evidence beside CPUID, each piece optional and
 * never fatal: DMI (sysfs or a dmidecode text file), /sys/hypervisor,
 * /proc/xen/capabilities, PCI vendor/device IDs, VMBus, the clocksource,
 * vPMU presence, steal time, and container markers (a separate layer).
 *
 * Everything is read under a root prefix so tests can replay captured
 * trees. live = 0 disables what cannot come from a tree (perf_event_open).
 */
#ifndef HVS_EVIDENCE_H
#define HVS_EVIDENCE_H

#include "fields.h"

#include <stdint.h>

#define HVS_EV_STR 128
#define HVS_EV_MAX_PCI 64

struct hvs_pci_dev {
	uint16_t vendor, device;
	uint16_t sub_vendor, sub_device;
};

struct hvs_evidence {
	/* DMI: "sysfs", "dmidecode" or "" when none was read */
	const char *dmi_source;
	char sys_vendor[HVS_EV_STR], product_name[HVS_EV_STR], product_version[HVS_EV_STR];
	char bios_vendor[HVS_EV_STR], bios_version[HVS_EV_STR], board_vendor[HVS_EV_STR];
	char chassis_vendor[HVS_EV_STR], board_asset_tag[HVS_EV_STR];
	/*
	 * SMBIOS type 0 (BIOS Information), BIOS Characteristics Extension
	 * Byte 2 bit 4, "System is a virtual machine" (DSP0134 7.1.2.2): 1 set,
	 * 0 clear, -1 unknown (no table, the table too short, or unreadable:
	 * /sys/firmware/dmi/entries/0-0/raw is root's only). smbios_vm_src says
	 * where it was read, or why it is unknown.
	 */
	int smbios_vm;
	char smbios_vm_src[112];

	/* /sys/hypervisor */
	char hv_type[32];       /* "xen", ... "" when absent */
	char hv_guest_type[32]; /* "PV", "PVH", "HVM" */
	char hv_version[32];    /* major.minor+extra */
	char hv_features[32];   /* properties/features, hex */
	int xen_feat_dom0;      /* properties/features has XENFEAT_dom0 (bit 11): hardware domain */
	int xen_caps_read;      /* /proc/xen/capabilities was read */
	int xen_control_d;      /* ... and says control_d (dom0) */
	int proc_xen;           /* /proc/xen exists */

	/* PCI, VMBus */
	int pci_read;
	size_t npci;
	struct hvs_pci_dev pci[HVS_EV_MAX_PCI];
	int pci_virtio, pci_vmware, pci_xen_platform, pci_qemu, pci_redhat, pci_hyperv,
	    pci_vbox, pci_parallels;
	int pci_amazon; /* Amazon (1d0f): ENA, EBS NVMe: the Nitro cards */
	int vmbus; /* /sys/bus/vmbus/devices is non-empty */

	/* clock and counters */
	char clocksource[64];
	char clocksources_available[256];
	int vpmu;              /* -1 unknown (not probed), 0 no, 1 yes */
	char vpmu_note[128];
	int steal_read;
	uint64_t steal_ticks;  /* /proc/stat cpu line, 8th value (USER_HZ ticks) */

	/* containers */
	char container[32];          /* systemd-detect-virt word, "" for none */
	char container_evidence[160];

	int root_given; /* read under a prefix (tests), not the live machine */
	struct hvs_fields f; /* everything found, for printing/JSON */
};

/*
 * Collect. root: prefix or NULL/"" for "/"; dmidecode: dmidecode text file
 * to use for DMI instead of sysfs (NULL: sysfs); read_tree: 0 = read no
 * file under root at all (replay of a dump without --root); live: probe
 * things that have no file (perf_event_open).
 * Return 0, or -EBADMSG/-EFBIG/-errno of reading it for a dmidecode
 * file that was named but cannot be used (*why explains).
 */
int hvs_evidence_collect(const char *root, const char *dmidecode, int read_tree, int live,
			 struct hvs_evidence *ev, char *why, size_t whylen);
void hvs_evidence_free(struct hvs_evidence *ev);

/*
 * The systemd-detect-virt identifier the DMI strings point to (its
 * dmi_vendor_table), or NULL. *which receives the matching field name.
 * hvs_evidence_dmi_vm() also names Hyper-V by "Microsoft Corporation" +
 * "Virtual Machine", which systemd's table does not; hvs_evidence_dmi_table()
 * is the table alone, in systemd's field order.
 */
const char *hvs_evidence_dmi_vm(const struct hvs_evidence *ev, const char **which);
const char *hvs_evidence_dmi_table(const struct hvs_evidence *ev, const char **which);

/* The DMI string of a field name hvs_evidence_dmi_vm() returned in *which. */
const char *hvs_evidence_dmi_value(const struct hvs_evidence *ev, const char *which);

#endif
