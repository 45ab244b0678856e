/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host.c - unit tests of probes/host.c: fake /proc, /sys, /dev trees
 * (tests/data/host/<case>, see its README), fake MSR files made here, the
 * live machine, and the same collection run as an unprivileged user.
 *
 * Run alone: build/tests/host (HVS_SRC must point at the repository root,
 * make check sets it). With HVS_HOST_SHOW=1 it also prints the live "Host"
 * section as TAP comments.
 */
#include "probes/host.h"
#include "core/hvscope.h"
#include "core/stats.h"
#include "tap.h"

#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct hvs_host h; /* big: keep it off the stack */

static const char *case_dir(const char *name)
{
	static char buf[4096];
	const char *src = getenv("HVS_SRC");

	snprintf(buf, sizeof(buf), "%s/tests/data/host/%s", src ? src : ".", name);
	return buf;
}

static int collect_case(const char *name, int privileged)
{
	return hvs_host_collect(case_dir(name), privileged, &h);
}

/* The whole text section in a string (caller frees). */
static char *printed(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	hvs_host_print(&h, f);
	fclose(f);
	return buf;
}

static int contains(const char *hay, const char *needle)
{
	return hay && needle && strstr(hay, needle) != NULL;
}

#if HAVE_JANSSON
static const char *json_path_str(json_t *o, const char *a, const char *b)
{
	json_t *x = json_object_get(o, a);

	x = b ? json_object_get(x, b) : x;
	return json_string_value(x);
}
#endif

/*
 * With HVS_JSON_OUT=DIR, write the JSON of the current facts to
 * DIR/host-<name>.json (tests/host-schema.t validates them).
 */
static void dump_json(const char *name)
{
#if HAVE_JANSSON
	const char *dir = getenv("HVS_JSON_OUT");
	char path[4096];
	json_t *j;

	if (!dir)
		return;
	j = hvs_host_json(&h);
	snprintf(path, sizeof(path), "%s/host-%s.json", dir, name);
	if (!j || json_dump_file(j, path, JSON_INDENT(1)) < 0)
		diag("could not write %s", path);
	json_decref(j);
#else
	(void)name;
#endif
}

static void test_intel_ept(void)
{
	char *txt;

	is_int(collect_case("intel_ept", 0), 0, "intel_ept: collect returns 0");
	ok(h.kvm_present && !h.kvm_usable, "intel_ept: /dev/kvm present, not usable (a plain file)");
	ok(contains(h.kvm_note, "not a character device"), "intel_ept: note says why: %s", h.kvm_note);
	dump_json("intel_ept");
	is_str(h.vendor_module, "kvm_intel", "intel_ept: vendor module kvm_intel");
	is_int(h.paging, HVS_PAGING_EPT, "intel_ept: paging EPT");
	is_str(h.paging_evidence, "kvm_intel.ept=Y", "intel_ept: evidence is the ept parameter");
	is_str(h.cpu_vendor, "GenuineIntel", "intel_ept: vendor_id");
	ok(h.cpu_vmx && !h.cpu_svm, "intel_ept: vmx flag; svm of the 2nd processor block not read");
	ok(h.vmx.present && h.vmx.ept && h.vmx.vpid && h.vmx.unrestricted_guest && h.vmx.ept_ad &&
		   h.vmx.ept_1gb && !h.vmx.ept_5level && h.vmx.pml && h.vmx.shadow_vmcs,
	   "intel_ept: vmx flags decoded (ept vpid unrestricted_guest ept_ad ept_1gb pml shadow_vmcs, no ept_5level)");
	ok(h.kvm_intel.loaded && h.kvm.loaded && !h.kvm_amd.loaded && !h.kvm_pvm.loaded,
	   "intel_ept: modules kvm + kvm_intel loaded, not kvm_amd/kvm_pvm");
	is_int(h.kvm_intel.nparams, 10, "intel_ept: all 10 kvm_intel parameters read");
	is_str(hvs_kmod_param(&h.kvm, "tdp_mmu"), "Y", "intel_ept: kvm.tdp_mmu=Y");
	ok(!strcmp(h.kvm_intel.params[0].name, "emulate_invalid_guest_state") &&
		   !strcmp(h.kvm_intel.params[9].name, "vpid"),
	   "intel_ept: parameters sorted by name");
	ok(hvs_kmod_param(&h.kvm_intel, "no_such") == NULL, "intel_ept: absent parameter is NULL");
	is_int(h.msr_state, HVS_MSR_NOT_REQUESTED, "intel_ept: MSRs not read without privileged");
	ok(contains(h.msr_note, "/dev/cpu/N/msr"), "intel_ept: note says how MSRs would be read");
	is_int(h.virt_disabled_by_firmware, HVS_TRI_NO, "intel_ept: vmx flag => not disabled by firmware");
	txt = printed();
	ok(contains(txt, "paging: EPT (kvm_intel.ept=Y)") && contains(txt, "vendor module: kvm_intel") &&
		   contains(txt, "ept_1gb yes"),
	   "intel_ept: text section names paging, vendor and EPT flags");
	free(txt);
#if HAVE_JANSSON
	{
		json_t *j = hvs_host_json(&h);

		ok(j != NULL, "intel_ept: JSON built");
		is_str(json_path_str(j, "paging", "mode"), "EPT", "intel_ept: JSON paging.mode");
		is_str(json_string_value(json_object_get(
			       json_object_get(json_object_get(json_object_get(j, "modules"), "kvm_intel"),
					       "parameters"),
			       "ept")),
		       "Y", "intel_ept: JSON modules.kvm_intel.parameters.ept");
		ok(json_is_true(json_object_get(json_object_get(json_object_get(j, "cpu"), "vmx_flags"), "ept_ad")),
		   "intel_ept: JSON cpu.vmx_flags.ept_ad");
		json_decref(j);
	}
#else
	skip(4, "built without jansson");
#endif
}

static void test_intel_shadow(void)
{
	is_int(collect_case("intel_shadow", 0), 0, "intel_shadow: collect returns 0");
	is_str(h.vendor_module, "kvm_intel", "intel_shadow: vendor module kvm_intel");
	dump_json("intel_shadow");
	is_int(h.paging, HVS_PAGING_SHADOW, "intel_shadow: ept=N => shadow paging");
	is_str(h.paging_evidence, "kvm_intel.ept=N", "intel_shadow: evidence");
	ok(h.vmx.ept && !h.vmx.ept_ad && !h.vmx.ept_1gb && h.vmx.unrestricted_guest,
	   "intel_shadow: old CPU: ept without A/D or 1G pages");
}

static void test_amd_npt(void)
{
	is_int(collect_case("amd_npt", 0), 0, "amd_npt: collect returns 0");
	is_str(h.vendor_module, "kvm_amd", "amd_npt: built-in kvm_intel entry ignored on an AMD CPU");
	dump_json("amd_npt");
	is_int(h.paging, HVS_PAGING_NPT, "amd_npt: paging NPT");
	is_str(h.paging_evidence, "kvm_amd.npt=1", "amd_npt: evidence (integer parameter)");
	ok(h.cpu_svm && !h.cpu_vmx && !h.vmx.present, "amd_npt: svm flag, no vmx flags line");
	ok(h.svm.npt && h.svm.nrip_save && h.svm.avic && h.svm.vgif && h.svm.v_vmsave_vmload &&
		   h.svm.decodeassists && h.svm.vmcb_clean && !h.svm.x2avic,
	   "amd_npt: svm feature flags decoded");
	is_int(h.virt_disabled_by_firmware, HVS_TRI_UNKNOWN, "amd_npt: firmware state unknown without MSRs");
	ok(contains(h.firmware_evidence, "--privileged"), "amd_npt: evidence says --privileged would tell");
}

static void test_pvm(void)
{
	is_int(collect_case("pvm", 0), 0, "pvm: collect returns 0");
	is_str(h.vendor_module, "kvm_pvm", "pvm: vendor module kvm_pvm");
	is_int(h.paging, HVS_PAGING_SHADOW, "pvm: shadow paging");
	ok(contains(h.paging_evidence, "kvm_pvm") && contains(h.paging_evidence, "kvm.tdp_mmu=N"),
	   "pvm: evidence names kvm_pvm and tdp_mmu=N: %s", h.paging_evidence);
	ok(h.cpu_hypervisor && !h.cpu_svm && !h.cpu_vmx, "pvm: a guest without VMX/SVM");
	is_str(hvs_kmod_param(&h.kvm_pvm, "pvm_native"), "Y", "pvm: kvm_pvm parameters read");
	/* privileged on a tree without dev/cpu: a note, not an error */
	is_int(collect_case("pvm", 1), 0, "pvm: privileged collect without an msr device returns 0");
	is_int(h.msr_state, HVS_MSR_NO_DEVICE, "pvm: msr state 'no device'");
	dump_json("pvm");
	ok(contains(h.msr_note, "msr driver"), "pvm: note: %s", h.msr_note);
}

static void test_none(void)
{
	char *txt;

	is_int(collect_case("none", 0), 0, "none: collect returns 0");
	ok(!h.kvm_present && h.kvm_open_errno == ENOENT, "none: /dev/kvm absent (ENOENT)");
	dump_json("none");
	ok(h.vendor_module == NULL && h.paging == HVS_PAGING_UNKNOWN, "none: no vendor module, paging unknown");
	ok(!h.kvm.loaded && !h.kvm_intel.loaded && !h.kvm_amd.loaded && !h.kvm_pvm.loaded,
	   "none: no kvm module");
	is_int(h.ncaps, 0, "none: no capabilities");
	txt = printed();
	ok(contains(txt, "/dev/kvm: absent") && contains(txt, "vendor module: none"),
	   "none: text says absent / none");
	free(txt);
	is_int(hvs_host_collect("/nonexistent/hvscope-root", 1, &h), 0, "empty root: collect returns 0");
	ok(!h.cpuinfo_read && !h.kvm_present && h.paging == HVS_PAGING_UNKNOWN,
	   "empty root: nothing read, nothing invented");
	is_int(hvs_host_collect(NULL, 0, NULL), -EINVAL, "NULL out: -EINVAL");
}

/* ---- fake MSR files ---- */

static char tmproot[64];

static int put_msr(int fd, uint32_t msr, uint64_t v)
{
	return pwrite(fd, &v, sizeof(v), (off_t)msr) == (ssize_t)sizeof(v) ? 0 : -1;
}

/* tmproot/{proc,sys} -> the case's; tmproot/dev/cpu/0/msr made here. */
static int make_msr_root(const char *base, int (*fill)(int fd))
{
	char a[4200], b[4200];
	int fd, r = -1;

	snprintf(tmproot, sizeof(tmproot), "/tmp/hvs-host-XXXXXX");
	if (!mkdtemp(tmproot))
		return -1;
	snprintf(a, sizeof(a), "%s/proc", case_dir(base));
	snprintf(b, sizeof(b), "%s/proc", tmproot);
	if (symlink(a, b) < 0)
		return -1;
	snprintf(a, sizeof(a), "%s/sys", case_dir(base));
	snprintf(b, sizeof(b), "%s/sys", tmproot);
	if (symlink(a, b) < 0)
		return -1;
	snprintf(b, sizeof(b), "%s/dev", tmproot);
	mkdir(b, 0755);
	snprintf(b, sizeof(b), "%s/dev/cpu", tmproot);
	mkdir(b, 0755);
	snprintf(b, sizeof(b), "%s/dev/cpu/0", tmproot);
	mkdir(b, 0755);
	snprintf(b, sizeof(b), "%s/dev/cpu/0/msr", tmproot);
	fd = open(b, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	r = fill(fd);
	close(fd);
	return r;
}

static void rm_msr_root(void)
{
	char b[200];

	if (!tmproot[0])
		return;
	snprintf(b, sizeof(b), "%s/dev/cpu/0/msr", tmproot);
	unlink(b);
	snprintf(b, sizeof(b), "%s/dev/cpu/0", tmproot);
	rmdir(b);
	snprintf(b, sizeof(b), "%s/dev/cpu", tmproot);
	rmdir(b);
	snprintf(b, sizeof(b), "%s/dev", tmproot);
	rmdir(b);
	snprintf(b, sizeof(b), "%s/proc", tmproot);
	unlink(b);
	snprintf(b, sizeof(b), "%s/sys", tmproot);
	unlink(b);
	rmdir(tmproot);
	tmproot[0] = '\0';
}

/* An Intel core: FEATURE_CONTROL locked+enabled, the EPT/VPID capabilities of Skylake. */
static int fill_intel(int fd)
{
	return put_msr(fd, 0x3A, 0x5) | put_msr(fd, 0x480, 0xda040000000004ull) |
	       put_msr(fd, 0x48C, 0xf0106734141ull);
}

/* Locked with VMX disabled: what a BIOS "VT-x off" leaves. */
static int fill_intel_off(int fd)
{
	return put_msr(fd, 0x3A, 0x1);
}

/* AMD VM_CR with LOCK and SVMDIS (offset ~3 GiB: a sparse file). */
static int fill_amd_off(int fd)
{
	return put_msr(fd, 0xC0010114u, 0x18);
}

static void test_msrs(void)
{
	const struct hvs_ept_cap *c = &h.ept_cap;
	char *txt;

	if (make_msr_root("intel_ept", fill_intel) < 0) {
		rm_msr_root();
		skip(9, "cannot make a fake msr tree in /tmp");
		return;
	}
	is_int(hvs_host_collect(tmproot, 1, &h), 0, "msr intel: collect returns 0");
	is_int(h.msr_state, HVS_MSR_READ, "msr intel: MSRs read");
	dump_json("msr_intel");
	ok(h.feature_control_valid && h.feature_control == 0x5, "msr intel: IA32_FEATURE_CONTROL = 0x5");
	ok((h.vmx_msr_valid & 1) && h.vmx_msr[0] == 0xda040000000004ull, "msr intel: IA32_VMX_BASIC read");
	ok(h.ept_cap_valid && c->exec_only && c->walk4 && !c->walk5 && c->uc && c->wb && c->pde_2m &&
		   c->pdpte_1g && c->invept && c->ad && c->adv_exit && !c->sss && c->invept_single &&
		   c->invept_all,
	   "msr intel: EPT caps 0xf0106734141 decoded (4-level, UC/WB, 2M/1G, INVEPT, A/D)");
	ok(c->invvpid && c->invvpid_addr && c->invvpid_single && c->invvpid_all && c->invvpid_single_nonglobal,
	   "msr intel: INVVPID types decoded");
	is_int(h.virt_disabled_by_firmware, HVS_TRI_NO, "msr intel: locked + enabled => not disabled");
	ok(contains(h.firmware_evidence, "locked") && contains(h.firmware_evidence, "VMX outside SMX enabled"),
	   "msr intel: evidence: %s", h.firmware_evidence);
	txt = printed();
	ok(contains(txt, "IA32_VMX_EPT_VPID_CAP (0x48c) = 0x00000f0106734141") && contains(txt, "1G 1"),
	   "msr intel: text lists the MSR and the decoded EPT line");
	free(txt);
	rm_msr_root();

	if (make_msr_root("intel_ept", fill_intel_off) == 0) {
		hvs_host_collect(tmproot, 1, &h);
		is_int(h.virt_disabled_by_firmware, HVS_TRI_YES, "msr intel off: locked + disabled => disabled by firmware");
	} else {
		skip(1, "cannot make a fake msr tree in /tmp");
	}
	rm_msr_root();

	if (make_msr_root("amd_npt", fill_amd_off) == 0) {
		hvs_host_collect(tmproot, 1, &h);
		ok(h.vm_cr_valid && h.vm_cr == 0x18, "msr amd: VM_CR read at 0xc0010114");
		dump_json("msr_amd");
		is_int(h.virt_disabled_by_firmware, HVS_TRI_YES, "msr amd: SVMDIS => disabled by firmware");
		ok(contains(h.firmware_evidence, "SVMDIS=1, LOCK=1"), "msr amd: evidence: %s", h.firmware_evidence);
	} else {
		skip(3, "cannot make a sparse fake msr file in /tmp");
	}
	rm_msr_root();
}

/* ---- the live machine ---- */

static void test_live(void)
{
	struct stat st;
	int have_kvm = stat("/dev/kvm", &st) == 0;
	int can_open = access("/dev/kvm", R_OK | W_OK) == 0;

	is_int(hvs_host_collect("", 0, &h), 0, "live: collect returns 0");
	ok(h.collect_ns > 0, "live: collect time recorded (%.3f ms)", (double)h.collect_ns / 1e6);
	dump_json("live");
	ok(h.cpuinfo_read && h.cpu_vendor[0], "live: /proc/cpuinfo read (vendor %s)", h.cpu_vendor);
	is_int(h.kvm_present, have_kvm, "live: /dev/kvm presence matches stat()");
	if (have_kvm && can_open) {
		const struct hvs_kvm_cap *um = hvs_host_cap(&h, "KVM_CAP_USER_MEMORY");

		ok(h.kvm_usable && h.kvm_api_version == 12 && h.kvm_create_vm_errno == 0,
		   "live: /dev/kvm usable (API 12, KVM_CREATE_VM ok)%s%s", h.kvm_note[0] ? ": " : "", h.kvm_note);
		ok(um && um->value > 0, "live: KVM_CAP_USER_MEMORY reported");
		ok(hvs_host_cap(&h, "KVM_CAP_NO_SUCH") == NULL, "live: unknown capability name is NULL");
	} else {
		skip(3, have_kvm ? "/dev/kvm not accessible to this user" : "no /dev/kvm here");
	}
	if (stat("/sys/module/kvm_pvm", &st) == 0) {
		is_str(h.vendor_module, "kvm_pvm", "live: kvm_pvm is the vendor module");
		is_int(h.paging, HVS_PAGING_SHADOW, "live: kvm_pvm => shadow paging");
		ok(h.kvm_pvm.loaded && h.kvm_pvm.nparams > 0, "live: kvm_pvm parameters read (%zu)",
		   h.kvm_pvm.nparams);
	} else {
		skip(3, "kvm_pvm is not loaded on this machine (/sys/module/kvm_pvm absent)");
	}
	{
		/* Not asserted (timing belongs in docs/PERFORMANCE.md): reported. */
		double ms[21];

		for (int i = 0; i < 21; i++) {
			hvs_host_collect(NULL, 0, &h);
			ms[i] = (double)h.collect_ns / 1e6;
		}
		hvs_sort(ms, 21);
		diag("collect time (live, 21 runs, euid %d): median %.3f ms, min %.3f, max %.3f", (int)geteuid(),
		     ms[10], ms[0], ms[20]);
	}
	if (getenv("HVS_HOST_SHOW")) {
		char *txt = printed();

		for (char *l = strtok(txt, "\n"); l; l = strtok(NULL, "\n"))
			diag("%s", l);
		free(txt);
	}
}

/*
 * The same collection as an unprivileged user (nobody) in a child process:
 * /dev/kvm (0660 root:kvm) and /dev/cpu/N/msr (0600) must give a clean
 * "no permission" fact and a normal exit, never a crash.
 */
struct perm_result {
	double ms;
	int rc, present, open_errno, usable, msr_state, note_perm, printed_ok, json_ok;
};

static void test_unprivileged(void)
{
	struct perm_result r = { 0 };
	struct stat st;
	int pfd[2], status = 0;
	pid_t pid;
	int have_kvm = stat("/dev/kvm", &st) == 0;
	int world = have_kvm && (st.st_mode & (S_IROTH | S_IWOTH)) == (S_IROTH | S_IWOTH);

	if (geteuid() != 0 && have_kvm && access("/dev/kvm", R_OK | W_OK) == 0) {
		skip(5, "not root and already allowed to open /dev/kvm: cannot test the denied path");
		return;
	}
	if (pipe(pfd) < 0) {
		skip(5, "pipe failed");
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		if (geteuid() == 0 &&
		    (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0))
			_exit(77);
		r.rc = hvs_host_collect(NULL, 1, &h);
		r.ms = (double)h.collect_ns / 1e6;
		r.present = h.kvm_present;
		r.open_errno = h.kvm_open_errno;
		r.usable = h.kvm_usable;
		r.msr_state = h.msr_state;
		r.note_perm = strstr(h.kvm_note, "no permission") != NULL;
		{
			FILE *f = fopen("/dev/null", "w");

			if (f) {
				hvs_host_print(&h, f);
				fclose(f);
				r.printed_ok = 1;
			}
		}
#if HAVE_JANSSON
		{
			json_t *j = hvs_host_json(&h);

			r.json_ok = j && json_is_true(json_object_get(json_object_get(j, "dev_kvm"),
								      "permission_denied")) == (r.open_errno == EACCES);
			json_decref(j);
		}
#else
		r.json_ok = 1;
#endif
		if (write(pfd[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(3);
		_exit(0);
	}
	close(pfd[1]);
	if (pid < 0 || read(pfd[0], &r, sizeof(r)) != (ssize_t)sizeof(r)) {
		close(pfd[0]);
		if (pid > 0)
			waitpid(pid, &status, 0);
		if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 77)
			skip(5, "cannot drop to uid 65534");
		else
			ok(0, "unprivileged: child reported back (status 0x%x)", status);
		return;
	}
	close(pfd[0]);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0 && r.rc == 0,
	   "unprivileged: collect returned 0 and the child exited normally (%.3f ms)", r.ms);
	if (have_kvm && !world) {
		ok(r.present && r.open_errno == EACCES && !r.usable && r.note_perm,
		   "unprivileged: /dev/kvm present, open EACCES, a 'no permission' note, not usable");
	} else {
		skip(1, have_kvm ? "/dev/kvm is world read/write here" : "no /dev/kvm here");
	}
	ok(r.msr_state == HVS_MSR_NO_PERMISSION || r.msr_state == HVS_MSR_NO_DEVICE,
	   "unprivileged: MSRs: no permission (or no msr device), state %d", r.msr_state);
	if (stat("/dev/cpu/0/msr", &st) == 0)
		is_int(r.msr_state, HVS_MSR_NO_PERMISSION, "unprivileged: /dev/cpu/0/msr denied");
	else
		skip(1, "no /dev/cpu/0/msr on this machine (msr driver absent)");
	ok(r.printed_ok && r.json_ok, "unprivileged: text and JSON built (JSON says permission_denied)");
}

int main(void)
{
	test_intel_ept();
	test_intel_shadow();
	test_amd_npt();
	test_pvm();
	test_none();
	test_msrs();
	test_live();
	test_unprivileged();
	return done_testing();
}
