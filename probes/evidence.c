/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * evidence.c - platform evidence (see evidence.h). Every reader tolerates
 * absence: a missing file is simply no evidence.
 */
#include "evidence.h"
#include "core/hvscope.h"

#include <fcntl.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int rd_line(const char *root, const char *path, char *buf, size_t len)
{
	char p[512];

	buf[0] = '\0';
	return hvs_read_line(hvs_path(p, sizeof(p), root, path), buf, len);
}

static int exists(const char *root, const char *path)
{
	char p[512];
	struct stat st;

	return stat(hvs_path(p, sizeof(p), root, path), &st) == 0;
}

/* Keep printable ASCII only, trim spaces. */
static void clean(char *s)
{
	size_t n = strlen(s), b = 0;

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			s[i] = ' ';
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
	while (s[b] == ' ')
		b++;
	memmove(s, s + b, n - b + 1);
}

/* ---- DMI ---- */

static void dmi_sysfs(const char *root, struct hvs_evidence *ev)
{
	static const struct {
		const char *file;
		size_t off;
	} files[] = {
		{ "sys_vendor", offsetof(struct hvs_evidence, sys_vendor) },
		{ "product_name", offsetof(struct hvs_evidence, product_name) },
		{ "product_version", offsetof(struct hvs_evidence, product_version) },
		{ "bios_vendor", offsetof(struct hvs_evidence, bios_vendor) },
		{ "bios_version", offsetof(struct hvs_evidence, bios_version) },
		{ "board_vendor", offsetof(struct hvs_evidence, board_vendor) },
		{ "chassis_vendor", offsetof(struct hvs_evidence, chassis_vendor) },
		{ "board_asset_tag", offsetof(struct hvs_evidence, board_asset_tag) },
	};
	char p[512];
	int any = 0, dfd;

	/* One failed open when there is no DMI (Firecracker, Xen PV), not eight. */
	dfd = openat(AT_FDCWD, hvs_path(p, sizeof(p), root, "/sys/class/dmi/id"),
		     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	for (size_t i = 0; i < HVS_ARRAY_SIZE(files); i++) {
		char *dst = (char *)ev + files[i].off;

		if (hvs_read_line_at(dfd, files[i].file, dst, HVS_EV_STR) >= 0) {
			clean(dst);
			any = 1;
		}
	}
	close(dfd);
	if (any)
		ev->dmi_source = "sysfs";
}

/*
 * dmidecode text: sections "BIOS Information", "System Information",
 * "Base Board Information", "Chassis Information" with tab-indented
 * "Key: value" lines.
 */
static int dmi_text(const char *file, struct hvs_evidence *ev, char *why, size_t whylen)
{
	char *buf = NULL, *line, *save = NULL;
	long n = hvs_read_file(file, 4u << 20, &buf);
	enum { NONE, BIOS, SYS, BOARD, CHASSIS } sec = NONE;
	int keys = 0, bios_len = -1, ext2 = 0, vm = 0;

	if (n == -EFBIG) {
		snprintf(why, whylen, "%s: dmidecode file over 4 MiB", file);
		return -EFBIG;
	}
	if (n < 0) {
		snprintf(why, whylen, "%s: %s", file, strerror((int)-n));
		return (int)n;
	}
	if (memchr(buf, '\0', (size_t)n)) {
		free(buf);
		snprintf(why, whylen, "%s: binary data, not dmidecode text", file);
		return -EBADMSG;
	}
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon, *val, *dst = NULL;
		const char *key;

		if (line[0] != '\t' && line[0] != ' ') {
			/* "Handle 0x0000, DMI type 0, 24 bytes": type 0's length */
			if (!strncmp(line, "Handle ", 7) && strstr(line, ", DMI type 0,"))
				sscanf(strstr(line, ", DMI type 0,") + 13, "%d bytes", &bios_len);
			if (!strncmp(line, "BIOS Information", 16))
				sec = BIOS;
			else if (!strncmp(line, "System Information", 18))
				sec = SYS;
			else if (!strncmp(line, "Base Board Information", 22))
				sec = BOARD;
			else if (!strncmp(line, "Chassis Information", 19))
				sec = CHASSIS;
			else if (strncmp(line, "Handle ", 7))
				sec = NONE;
			continue;
		}
		key = line + strspn(line, " \t");
		if (sec == BIOS) {
			/*
			 * dmidecode prints Extension Byte 2's flags (and, from 24
			 * bytes on, the revisions) only when the table has the byte
			 * (length >= 20): any of them says the VM bit was readable.
			 */
			if (!strcmp(key, "System is a virtual machine"))
				vm = 1;
			if (!strcmp(key, "System is a virtual machine") ||
			    !strcmp(key, "BIOS boot specification is supported") ||
			    !strcmp(key, "Function key-initiated network boot is supported") ||
			    !strcmp(key, "Targeted content distribution is supported") ||
			    !strcmp(key, "UEFI is supported") || !strncmp(key, "BIOS Revision:", 14) ||
			    !strncmp(key, "Firmware Revision:", 18))
				ext2 = 1;
		}
		colon = strchr(key, ':');
		if (!colon)
			continue;
		val = colon + 1;
		*colon = '\0';
		if (sec == BIOS && !strcmp(key, "Vendor"))
			dst = ev->bios_vendor;
		else if (sec == BIOS && !strcmp(key, "Version"))
			dst = ev->bios_version;
		else if (sec == SYS && !strcmp(key, "Manufacturer"))
			dst = ev->sys_vendor;
		else if (sec == SYS && !strcmp(key, "Product Name"))
			dst = ev->product_name;
		else if (sec == SYS && !strcmp(key, "Version"))
			dst = ev->product_version;
		else if (sec == BOARD && !strcmp(key, "Manufacturer"))
			dst = ev->board_vendor;
		else if (sec == BOARD && !strcmp(key, "Asset Tag"))
			dst = ev->board_asset_tag;
		else if (sec == CHASSIS && !strcmp(key, "Manufacturer"))
			dst = ev->chassis_vendor;
		if (dst && !dst[0]) {
			hvs_strlcpy(dst, val, HVS_EV_STR);
			clean(dst);
			keys++;
		}
	}
	free(buf);
	if (!keys) {
		snprintf(why, whylen, "%s: no BIOS/System/Board/Chassis Information in dmidecode text",
			 file);
		return -EBADMSG;
	}
	ev->dmi_source = "dmidecode";
	if (vm || ext2 || bios_len >= 20) {
		ev->smbios_vm = vm;
		snprintf(ev->smbios_vm_src, sizeof(ev->smbios_vm_src),
			 "dmidecode: BIOS Characteristics %s \"System is a virtual machine\"",
			 vm ? "list" : "do not list");
	} else {
		snprintf(ev->smbios_vm_src, sizeof(ev->smbios_vm_src),
			 "dmidecode: no BIOS Characteristics Extension Byte 2 in the text");
	}
	return 0;
}

/*
 * The raw SMBIOS type 0 structure, as systemd's detect_vm_smbios() reads
 * it: byte 1 is the structure's length, byte 0x13 Extension Byte 2.
 */
static void smbios_raw(const char *root, struct hvs_evidence *ev)
{
	static const char raw[] = "/sys/firmware/dmi/entries/0-0/raw";
	char p[512], *b = NULL;
	long n = hvs_read_file(hvs_path(p, sizeof(p), root, raw), 4096, &b);

	if (n < 0)
		snprintf(ev->smbios_vm_src, sizeof(ev->smbios_vm_src), "%s: %s", raw,
			 n == -EACCES || n == -EPERM ? "root only" : strerror((int)-n));
	else if (n < 20 || (unsigned char)b[1] < 20)
		snprintf(ev->smbios_vm_src, sizeof(ev->smbios_vm_src),
			 "%s: too short, no Extension Byte 2", raw);
	else {
		ev->smbios_vm = (unsigned char)b[19] >> 4 & 1;
		snprintf(ev->smbios_vm_src, sizeof(ev->smbios_vm_src),
			 "%s: Extension Byte 2 = 0x%02x", raw, (unsigned char)b[19]);
	}
	free(b);
}

/* systemd's dmi_vendor_table (src/basic/virt.c), prefix matches. */
static const struct {
	const char *vendor;
	const char *id;
} dmi_table[] = {
	{ "KVM", "kvm" },
	{ "OpenStack", "kvm" },
	{ "KubeVirt", "kvm" },
	{ "Amazon EC2", "amazon" },
	{ "QEMU", "qemu" },
	{ "VMware", "vmware" },
	{ "VMW", "vmware" },
	{ "innotek GmbH", "oracle" },
	{ "VirtualBox", "oracle" },
	{ "Oracle Corporation", "oracle" },
	{ "Xen", "xen" },
	{ "Bochs", "bochs" },
	{ "Parallels", "parallels" },
	{ "BHYVE", "bhyve" },
	{ "Hyper-V", "microsoft" },
	{ "Apple Virtualization", "apple" },
	{ "Google Compute Engine", "google" },
};

const char *hvs_evidence_dmi_table(const struct hvs_evidence *ev, const char **which)
{
	/* product_name before sys_vendor: KVM over QEMU (systemd's order) */
	const struct {
		const char *name;
		const char *val;
	} f[] = {
		{ "product_name", ev->product_name },
		{ "sys_vendor", ev->sys_vendor },
		{ "board_vendor", ev->board_vendor },
		{ "bios_vendor", ev->bios_vendor },
		{ "product_version", ev->product_version },
	};

	for (size_t i = 0; i < HVS_ARRAY_SIZE(f); i++)
		for (size_t j = 0; j < HVS_ARRAY_SIZE(dmi_table); j++)
			if (f[i].val[0] &&
			    !strncmp(f[i].val, dmi_table[j].vendor, strlen(dmi_table[j].vendor))) {
				if (which)
					*which = f[i].name;
				return dmi_table[j].id;
			}
	return NULL;
}

const char *hvs_evidence_dmi_vm(const struct hvs_evidence *ev, const char **which)
{
	const char *id = hvs_evidence_dmi_table(ev, which);

	if (id)
		return id;
	/* Hyper-V: "Microsoft Corporation" + "Virtual Machine" */
	if (!strcmp(ev->sys_vendor, "Microsoft Corporation") &&
	    !strcmp(ev->product_name, "Virtual Machine")) {
		if (which)
			*which = "sys_vendor+product_name";
		return "microsoft";
	}
	return NULL;
}

const char *hvs_evidence_dmi_value(const struct hvs_evidence *ev, const char *which)
{
	if (!which)
		return "";
	if (!strcmp(which, "product_name"))
		return ev->product_name;
	if (!strcmp(which, "board_vendor"))
		return ev->board_vendor;
	if (!strcmp(which, "bios_vendor"))
		return ev->bios_vendor;
	if (!strcmp(which, "product_version"))
		return ev->product_version;
	return ev->sys_vendor;
}

/* ---- /sys/hypervisor, /proc/xen ---- */

static void hypervisor_sysfs(const char *root, struct hvs_evidence *ev)
{
	char maj[16], min[16], extra[32], caps[256];
	char p[512];
	char *buf = NULL;

	if (rd_line(root, "/sys/hypervisor/type", ev->hv_type, sizeof(ev->hv_type)) >= 0)
		clean(ev->hv_type);
	if (rd_line(root, "/sys/hypervisor/guest_type", ev->hv_guest_type,
		    sizeof(ev->hv_guest_type)) >= 0)
		clean(ev->hv_guest_type);
	if (rd_line(root, "/sys/hypervisor/version/major", maj, sizeof(maj)) >= 0 &&
	    rd_line(root, "/sys/hypervisor/version/minor", min, sizeof(min)) >= 0) {
		if (rd_line(root, "/sys/hypervisor/version/extra", extra, sizeof(extra)) < 0)
			extra[0] = '\0';
		snprintf(ev->hv_version, sizeof(ev->hv_version), "%.8s.%.8s%.12s", maj, min, extra);
		clean(ev->hv_version);
	}
	if (rd_line(root, "/sys/hypervisor/properties/features", ev->hv_features,
		    sizeof(ev->hv_features)) >= 0) {
		clean(ev->hv_features);
		/* hex without 0x; XENFEAT_dom0 = 11 (xen/include/public/features.h) */
		ev->xen_feat_dom0 = strtoul(ev->hv_features, NULL, 16) >> 11 & 1;
	}
	ev->proc_xen = exists(root, "/proc/xen");
	if (hvs_read_file(hvs_path(p, sizeof(p), root, "/proc/xen/capabilities"), 4096, &buf) >= 0) {
		ev->xen_caps_read = 1;
		hvs_strlcpy(caps, buf, sizeof(caps));
		ev->xen_control_d = strstr(caps, "control_d") != NULL;
	}
	free(buf);
}

/* ---- PCI, VMBus ---- */

/* A hex sysfs file of one device, relative to the devices directory. */
static unsigned long rd_hexfile(int dfd, const char *dev, const char *name, int *ok)
{
	char path[320], line[32];

	snprintf(path, sizeof(path), "%s/%s", dev, name);
	*ok = hvs_read_line_at(dfd, path, line, sizeof(line)) >= 0;
	return *ok ? strtoul(line, NULL, 16) : 0;
}

/*
 * One read of the device's uevent gives vendor, device and subsystem IDs
 * ("PCI_ID=1AF4:1045", "PCI_SUBSYS_ID=1AF4:1100"): a third of the sysfs
 * reads of the separate files, each ~7 us in a guest here. Trees without
 * uevent (captured evidence in tests/corpus) fall back to the files.
 * Return 1 when PCI_ID was found.
 */
static int pci_uevent(int dfd, const char *dev, struct hvs_pci_dev *x)
{
	char path[320], buf[1024];
	unsigned v, d;
	int fd, found = 0;
	ssize_t n;
	char *line, *save = NULL;

	snprintf(path, sizeof(path), "%s/uevent", dev);
	fd = openat(dfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "PCI_ID=%x:%x", &v, &d) == 2 && v <= 0xffff && d <= 0xffff) {
			x->vendor = (uint16_t)v;
			x->device = (uint16_t)d;
			found = 1;
		} else if (sscanf(line, "PCI_SUBSYS_ID=%x:%x", &v, &d) == 2 && v <= 0xffff && d <= 0xffff) {
			x->sub_vendor = (uint16_t)v;
			x->sub_device = (uint16_t)d;
		}
	}
	return found;
}

static int pci_dev(int dfd, const char *name, void *arg)
{
	struct hvs_evidence *ev = arg;
	struct hvs_pci_dev *x;
	int ok1, ok2, ok;

	if (ev->npci >= HVS_EV_MAX_PCI)
		return 1;
	if (name[0] == '.')
		return 0;
	x = &ev->pci[ev->npci];
	memset(x, 0, sizeof(*x));
	if (!pci_uevent(dfd, name, x)) {
		x->vendor = (uint16_t)rd_hexfile(dfd, name, "vendor", &ok1);
		x->device = (uint16_t)rd_hexfile(dfd, name, "device", &ok2);
		if (!ok1 || !ok2)
			return 0;
		/* subsystem IDs only matter for QEMU's emulated Intel chipset devices */
		if (x->vendor == 0x8086) {
			x->sub_vendor = (uint16_t)rd_hexfile(dfd, name, "subsystem_vendor", &ok);
			x->sub_device = (uint16_t)rd_hexfile(dfd, name, "subsystem_device", &ok);
		}
	}
	ev->npci++;
	switch (x->vendor) {
	case 0x1af4: /* Red Hat / virtio */
		if (x->device >= 0x1000 && x->device <= 0x107f)
			ev->pci_virtio = 1;
		else
			ev->pci_redhat = 1;
		break;
	case 0x1b36: /* Red Hat, QEMU's own devices */
		ev->pci_redhat = 1;
		ev->pci_qemu = 1;
		break;
	case 0x1234: /* QEMU/Bochs stdvga */
		ev->pci_qemu = 1;
		break;
	case 0x15ad:
		ev->pci_vmware = 1;
		break;
	case 0x5853: /* XenSource platform device 0001 */
		if (x->device == 0x0001)
			ev->pci_xen_platform = 1;
		break;
	case 0x1414:
		ev->pci_hyperv = 1;
		break;
	case 0x80ee:
		ev->pci_vbox = 1;
		break;
	case 0x1ab8:
		ev->pci_parallels = 1;
		break;
	case 0x1d0f: /* Amazon: ENA, EBS NVMe (the Nitro cards' functions) */
		ev->pci_amazon = 1;
		break;
	}
	/* QEMU's subsystem ID on emulated Intel chipsets */
	if (x->sub_vendor == 0x1af4 && x->sub_device == 0x1100)
		ev->pci_qemu = 1;
	return 0;
}

static void pci_scan(const char *root, struct hvs_evidence *ev)
{
	char p[512];

	if (hvs_dir_each(AT_FDCWD, hvs_path(p, sizeof(p), root, "/sys/bus/pci/devices"), pci_dev, ev) == 0)
		ev->pci_read = 1;
}

static int vmbus_dev(int dfd, const char *name, void *arg)
{
	(void)dfd;
	if (name[0] == '.')
		return 0;
	*(int *)arg = 1;
	return 1;
}

static void vmbus_scan(const char *root, struct hvs_evidence *ev)
{
	char p[512];

	hvs_dir_each(AT_FDCWD, hvs_path(p, sizeof(p), root, "/sys/bus/vmbus/devices"), vmbus_dev, &ev->vmbus);
}

/* ---- clock, vPMU, steal ---- */

static void clock_read(const char *root, struct hvs_evidence *ev)
{
	if (rd_line(root, "/sys/devices/system/clocksource/clocksource0/current_clocksource",
		    ev->clocksource, sizeof(ev->clocksource)) >= 0)
		clean(ev->clocksource);
	if (rd_line(root, "/sys/devices/system/clocksource/clocksource0/available_clocksource",
		    ev->clocksources_available, sizeof(ev->clocksources_available)) >= 0)
		clean(ev->clocksources_available);
}

/*
 * vPMU: can we count CPU cycles? A guest without a virtual PMU gets
 * ENOENT/EOPNOTSUPP from perf_event_open for hardware events. EACCES/EPERM
 * (perf_event_paranoid) is "unknown", not "no".
 */
static void vpmu_probe(struct hvs_evidence *ev)
{
	struct perf_event_attr a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_HARDWARE;
	a.size = sizeof(a);
	a.config = PERF_COUNT_HW_CPU_CYCLES;
	a.disabled = 1;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (fd >= 0) {
		close((int)fd);
		ev->vpmu = 1;
		snprintf(ev->vpmu_note, sizeof(ev->vpmu_note), "perf_event_open(cycles) works");
		return;
	}
	if (errno == EACCES || errno == EPERM) {
		ev->vpmu = -1;
		snprintf(ev->vpmu_note, sizeof(ev->vpmu_note),
			 "perf_event_open(cycles): %s (perf_event_paranoid?)", strerror(errno));
		return;
	}
	ev->vpmu = 0;
	snprintf(ev->vpmu_note, sizeof(ev->vpmu_note), "perf_event_open(cycles): %s",
		 strerror(errno));
}

static void steal_read(const char *root, struct hvs_evidence *ev)
{
	char line[512];
	unsigned long long v[8];

	if (rd_line(root, "/proc/stat", line, sizeof(line)) < 0 || strncmp(line, "cpu ", 4))
		return;
	if (sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &v[6], &v[7]) == 8) {
		ev->steal_read = 1;
		ev->steal_ticks = v[7];
	}
}

/* ---- containers (systemd detect_container order, simplified) ---- */

static void container_detect(const char *root, struct hvs_evidence *ev)
{
	char buf[256], p[512];
	char *env = NULL;
	long n;

	if (exists(root, "/proc/vz") && !exists(root, "/proc/bc")) {
		snprintf(ev->container, sizeof(ev->container), "openvz");
		snprintf(ev->container_evidence, sizeof(ev->container_evidence),
			 "/proc/vz exists, /proc/bc does not");
		return;
	}
	if (rd_line(root, "/proc/sys/kernel/osrelease", buf, sizeof(buf)) >= 0 &&
	    (strstr(buf, "Microsoft") || strstr(buf, "WSL"))) {
		snprintf(ev->container, sizeof(ev->container), "wsl");
		snprintf(ev->container_evidence, sizeof(ev->container_evidence),
			 "kernel release %.100s", buf);
		return;
	}
	if (rd_line(root, "/run/host/container-manager", buf, sizeof(buf)) > 0 ||
	    rd_line(root, "/run/systemd/container", buf, sizeof(buf)) > 0) {
		clean(buf);
		snprintf(ev->container, sizeof(ev->container), "%.31s", buf);
		snprintf(ev->container_evidence, sizeof(ev->container_evidence),
			 "/run/systemd/container or /run/host/container-manager says %.60s", buf);
		return;
	}
	/* PID 1's environment (readable as root or in our own user namespace) */
	n = hvs_read_file(hvs_path(p, sizeof(p), root, "/proc/1/environ"), 1u << 20, &env);
	if (n > 0) {
		for (char *e = env; e < env + n; e += strlen(e) + 1)
			if (!strncmp(e, "container=", 10) && e[10]) {
				snprintf(ev->container, sizeof(ev->container), "%.31s", e + 10);
				snprintf(ev->container_evidence, sizeof(ev->container_evidence),
					 "/proc/1/environ has container=%.60s", e + 10);
				free(env);
				return;
			}
	}
	free(env);
	/*
	 * /proc/1/sched names PID 1 with the host's PID: anything but "(1," means
	 * we are in a PID namespace, i.e. a container of some kind. Checked after
	 * the markers that name the manager.
	 */
	if (exists(root, "/run/.containerenv")) {
		snprintf(ev->container, sizeof(ev->container), "podman");
		snprintf(ev->container_evidence, sizeof(ev->container_evidence),
			 "/run/.containerenv exists");
		return;
	}
	if (exists(root, "/.dockerenv")) {
		snprintf(ev->container, sizeof(ev->container), "docker");
		snprintf(ev->container_evidence, sizeof(ev->container_evidence), "/.dockerenv exists");
		return;
	}
	/* NSpid in our own status lists one PID per PID namespace level */
	if (hvs_read_file(hvs_path(p, sizeof(p), root, "/proc/self/status"), 1u << 16, &env) > 0) {
		const char *ns = strstr(env, "\nNSpid:");
		unsigned long a, b;

		if (ns && sscanf(ns + 7, "%lu %lu", &a, &b) == 2) {
			snprintf(ev->container, sizeof(ev->container), "container-other");
			snprintf(ev->container_evidence, sizeof(ev->container_evidence),
				 "/proc/self/status NSpid lists PIDs %lu and %lu: a PID namespace", a, b);
			free(env);
			return;
		}
	}
	free(env);
	env = NULL;
	if (rd_line(root, "/proc/1/sched", buf, sizeof(buf)) >= 0) {
		const char *t = strrchr(buf, '(');

		if (t && strncmp(t, "(1,", 3)) {
			snprintf(ev->container, sizeof(ev->container), "container-other");
			snprintf(ev->container_evidence, sizeof(ev->container_evidence),
				 "/proc/1/sched shows PID 1 as host %.40s: a PID namespace", t);
			return;
		}
	}
	/* cgroup v1 paths naming the container runtime */
	if (hvs_read_file(hvs_path(p, sizeof(p), root, "/proc/self/cgroup"), 1u << 16, &env) > 0) {
		const char *w = strstr(env, "/docker/") ? "docker" :
				strstr(env, "/lxc/")	? "lxc" :
				strstr(env, "libpod")	? "podman" :
							  NULL;

		if (w) {
			snprintf(ev->container, sizeof(ev->container), "%s", w);
			snprintf(ev->container_evidence, sizeof(ev->container_evidence),
				 "/proc/self/cgroup names %s", w);
		}
	}
	free(env);
}

static void fill_fields(struct hvs_evidence *ev)
{
	struct hvs_fields *f = &ev->f;

	if (ev->dmi_source && ev->dmi_source[0]) {
		const char *which = NULL, *id = hvs_evidence_dmi_vm(ev, &which);

		hvs_fields_str(f, "dmi_source", "%s", ev->dmi_source);
		if (ev->sys_vendor[0])
			hvs_fields_str(f, "dmi_sys_vendor", "%s", ev->sys_vendor);
		if (ev->product_name[0])
			hvs_fields_str(f, "dmi_product_name", "%s", ev->product_name);
		if (ev->product_version[0])
			hvs_fields_str(f, "dmi_product_version", "%s", ev->product_version);
		if (ev->bios_vendor[0])
			hvs_fields_str(f, "dmi_bios_vendor", "%s", ev->bios_vendor);
		if (ev->bios_version[0])
			hvs_fields_str(f, "dmi_bios_version", "%s", ev->bios_version);
		if (ev->board_vendor[0])
			hvs_fields_str(f, "dmi_board_vendor", "%s", ev->board_vendor);
		if (ev->chassis_vendor[0])
			hvs_fields_str(f, "dmi_chassis_vendor", "%s", ev->chassis_vendor);
		if (id)
			hvs_fields_str(f, "dmi_points_to", "%s (%s)", id, which);
	}
	if (ev->smbios_vm >= 0)
		hvs_fields_bool(f, "smbios_vm_bit", ev->smbios_vm);
	if (ev->smbios_vm_src[0] && (ev->smbios_vm >= 0 || (ev->dmi_source && ev->dmi_source[0])))
		hvs_fields_str(f, "smbios_vm_bit_source", "%s", ev->smbios_vm_src);
	if (ev->hv_type[0])
		hvs_fields_str(f, "sys_hypervisor_type", "%s", ev->hv_type);
	if (ev->hv_guest_type[0])
		hvs_fields_str(f, "sys_hypervisor_guest_type", "%s", ev->hv_guest_type);
	if (ev->hv_version[0])
		hvs_fields_str(f, "sys_hypervisor_version", "%s", ev->hv_version);
	if (ev->hv_features[0])
		hvs_fields_str(f, "sys_hypervisor_features", "%s", ev->hv_features);
	if (ev->hv_features[0])
		hvs_fields_bool(f, "xen_feature_dom0", ev->xen_feat_dom0);
	if (ev->xen_caps_read)
		hvs_fields_bool(f, "xen_control_d", ev->xen_control_d);
	if (ev->pci_read) {
		hvs_fields_num(f, "pci_devices", ev->npci);
		hvs_fields_list(f, "pci_hypervisor_devices");
		if (ev->pci_virtio)
			hvs_fields_list_add(f, "pci_hypervisor_devices", "virtio (1af4)");
		if (ev->pci_redhat)
			hvs_fields_list_add(f, "pci_hypervisor_devices", "Red Hat (1af4/1b36)");
		if (ev->pci_qemu)
			hvs_fields_list_add(f, "pci_hypervisor_devices", "QEMU (1234/1b36)");
		if (ev->pci_vmware)
			hvs_fields_list_add(f, "pci_hypervisor_devices", "VMware (15ad)");
		if (ev->pci_xen_platform)
			hvs_fields_list_add(f, "pci_hypervisor_devices", "Xen platform (5853:0001)");
		if (ev->pci_hyperv)
			hvs_fields_list_add(f, "pci_hypervisor_devices", "Microsoft Hyper-V (1414)");
		if (ev->pci_vbox)
			hvs_fields_list_add(f, "pci_hypervisor_devices", "VirtualBox (80ee)");
		if (ev->pci_parallels)
			hvs_fields_list_add(f, "pci_hypervisor_devices", "Parallels (1ab8)");
		if (ev->pci_amazon)
			hvs_fields_list_add(f, "pci_hypervisor_devices", "Amazon Nitro (1d0f)");
	}
	if (ev->vmbus)
		hvs_fields_bool(f, "hyperv_vmbus", 1);
	if (ev->clocksource[0])
		hvs_fields_str(f, "clocksource", "%s", ev->clocksource);
	if (ev->clocksources_available[0])
		hvs_fields_str(f, "clocksources_available", "%s", ev->clocksources_available);
	if (ev->vpmu >= 0)
		hvs_fields_bool(f, "vpmu", ev->vpmu);
	if (ev->vpmu_note[0])
		hvs_fields_str(f, "vpmu_note", "%s", ev->vpmu_note);
	if (ev->steal_read)
		hvs_fields_num(f, "steal_ticks", ev->steal_ticks);
}

int hvs_evidence_collect(const char *root, const char *dmidecode, int read_tree, int live,
			 struct hvs_evidence *ev, char *why, size_t whylen)
{
	int rc = 0;

	memset(ev, 0, sizeof(*ev));
	ev->dmi_source = "";
	ev->vpmu = -1;
	ev->smbios_vm = -1;
	ev->root_given = root && root[0];
	if (dmidecode) {
		rc = dmi_text(dmidecode, ev, why, whylen);
		if (rc)
			return rc;
	}
	if (read_tree) {
		if (!dmidecode)
			dmi_sysfs(root, ev);
		if (!dmidecode)
			smbios_raw(root, ev);
		hypervisor_sysfs(root, ev);
		pci_scan(root, ev);
		vmbus_scan(root, ev);
		clock_read(root, ev);
		steal_read(root, ev);
		container_detect(root, ev);
	}
	if (live)
		vpmu_probe(ev);
	fill_fields(ev);
	return 0;
}

void hvs_evidence_free(struct hvs_evidence *ev)
{
	hvs_fields_free(&ev->f);
}
