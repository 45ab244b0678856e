/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * target_boot.c - the kinds booted through scripts/boot-guest.sh: qemu,
 * xen (pv, pvh), kvm-amd and kvm-l2. One run of the script under the
 * target's watchdog: its argv (machine, kernel, QEMU's own arguments, a
 * virtio disk, the network), the jobs as guest commands (each word quoted
 * for the guest's sh -c), the outputs moved from the boot directory into
 * DIR, and a failed boot told by the script's first complaint, its
 * hang.txt or the console's tail.
 *
 * The network workload (net = yes): the guest runs `hvscope-static bench
 * --echo-server 7717` behind QEMU user networking with
 * hostfwd=tcp:127.0.0.1:P-:7717 (restrict=on: the guest reaches nothing
 * else), announces itself on the console, and the host-side client
 * (workloads/net_rr.c) measures transactions per second against
 * 127.0.0.1:P. A second forward (busybox `nc -l` in the guest) tells the
 * guest the host is done. The host only ever connects to 127.0.0.1.
 */
#include "guest_int.h"
#include "core/cleanup.h"
#include "core/hvscope.h"
#include "core/shquote.h"
#include "core/timing.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define GUEST_ECHO_PORT 7717
#define GUEST_DONE_PORT 7718
#define GUEST_IP "10.0.2.15/24" /* QEMU user networking's default guest address */

/* A free TCP port on 127.0.0.1 (bound, then released), or -errno. */
static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t l = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	if (fd < 0)
		return -errno;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || getsockname(fd, (struct sockaddr *)&a, &l)) {
		port = -errno;
		close(fd);
		return port;
	}
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* Connect to 127.0.0.1:port and close again: the guest's "host is done" signal. */
static void poke_port(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (!connect(fd, (struct sockaddr *)&a, sizeof(a)))
		guest_sleep_ms(300); /* let slirp open the guest side before we close */
	close(fd);
}

/*
 * One run of scripts/boot-guest.sh: its argv and the buffers the argv
 * points into, the network workload's ports and handshake (guest_run_boot()).
 */
struct boot {
	char script[1100], bootdir[1100], blog[1200], console[1200], disk[1200];
	char cmdbuf[HVS_GT_MAX_CMDS + 4][HVS_GT_STR + 700], nic[256], drive[1300];
	char nicdev[128], drivedev[128];
	char tmo[16], mem[16], smp[16], token[40], ready[48], done[48], netcmd[640];
	const char *vopts; /* options of the virtio devices */
	char *argv[160];
	int a, ncmd, first_job, p_echo, p_done;
	/* network workload: 0 waiting for READY, 1 measured (poking until DONE), 2 done */
	int net_state;
	double next_poke;
};

/* The script, the boot directory and the paths the matrix names. 0, or -1 with r's outcome set. */
static int boot_paths(const struct hvs_gtarget *t, const struct hvs_grun_opts *o, struct boot *b,
		      struct hvs_gresult *r)
{
	const char *paths[] = { t->kernel, t->initrd, t->xen };

	snprintf(b->script, sizeof(b->script), "%s/scripts/boot-guest.sh", o->src);
	snprintf(b->bootdir, sizeof(b->bootdir), "%s/%s.boot", o->out_dir, t->name);
	snprintf(b->blog, sizeof(b->blog), "%s/%s.boot.log", o->out_dir, t->name);
	snprintf(b->console, sizeof(b->console), "%s/console.log", b->bootdir);
	if (access(b->script, X_OK)) {
		guest_fail(r, HVS_SKIP, "%s not found (set HVS_SRC to the source tree)", b->script);
		return -1;
	}
	/* A path the matrix names must exist: a typo is a failed target, not a skip. */
	for (size_t i = 0; i < HVS_ARRAY_SIZE(paths); i++)
		if (paths[i][0] && access(paths[i], R_OK)) {
			guest_fail(r, HVS_FAILED, "cannot read %s: %s", paths[i], strerror(errno));
			return -1;
		}
	return 0;
}

/* boot-guest.sh's options for the machine: mode, accelerator, CPU, memory, kernel, QEMU's own. */
static void boot_argv_machine(const struct hvs_gtarget *t, const struct hvs_grun_opts *o, struct boot *b)
{
	char **argv = b->argv;
	int a = b->a;

	snprintf(b->tmo, sizeof(b->tmo), "%u", t->timeout_s);
	argv[a++] = b->script;
	argv[a++] = "--mode";
	argv[a++] = t->kind == HVS_GT_QEMU	 ? "linux" :
		    t->kind == HVS_GT_KVM_AMD ? "kvm-amd" :
		    t->kind == HVS_GT_KVM_L2  ? "kvm-l2" :
		    !strcmp(t->mode, "pvh")   ? "xen-pvh" :
						"xen-pv";
	if (t->paging[0]) {
		argv[a++] = "--paging";
		argv[a++] = (char *)t->paging;
	}
	argv[a++] = "--out";
	argv[a++] = b->bootdir;
	argv[a++] = "--timeout";
	argv[a++] = b->tmo;
	argv[a++] = "--accel";
	argv[a++] = (char *)t->accel;
	argv[a++] = "--hvscope";
	argv[a++] = (char *)o->statbin;
	if (t->cpu[0]) {
		argv[a++] = "--cpu";
		argv[a++] = (char *)t->cpu;
	}
	if (t->machine[0]) {
		argv[a++] = "--machine";
		argv[a++] = (char *)t->machine;
	}
	if (t->mem_mib) {
		snprintf(b->mem, sizeof(b->mem), "%u", t->mem_mib);
		argv[a++] = "--mem";
		argv[a++] = b->mem;
	}
	snprintf(b->smp, sizeof(b->smp), "%u", t->smp);
	argv[a++] = "--smp";
	argv[a++] = b->smp;
#define OPT(flag, field)                          \
	if (t->field[0]) {                        \
		argv[a++] = flag;                 \
		argv[a++] = (char *)t->field;     \
	}
	OPT("--kernel", kernel)
	OPT("--initrd", initrd)
	OPT("--xen", xen)
	OPT("--append", append)
	OPT("--xen-append", xen_append)
#undef OPT
	for (int i = 0; i < t->nqemu_args; i++) {
		argv[a++] = "--qemu-arg";
		argv[a++] = (char *)t->qemu_args[i];
	}
	if (t->net || t->disk_mib) {
		/* Debian's kernel has virtio-pci, -net and -blk as modules. */
		argv[a++] = "--module";
		argv[a++] = "virtio_pci";
	}
	b->a = a;
}

/*
 * boot-guest.sh's words for one virtio device at argv[a]: the guest
 * module to load and QEMU's backend (-drive/-netdev VALUE) and -device
 * DEV. Returns the next free index.
 */
static int add_device(char **argv, int a, const char *module, const char *backend_opt,
		      const char *backend, const char *dev)
{
	argv[a++] = "--module";
	argv[a++] = (char *)module;
	argv[a++] = "--qemu-arg";
	argv[a++] = (char *)backend_opt;
	argv[a++] = "--qemu-arg";
	argv[a++] = (char *)backend;
	argv[a++] = "--qemu-arg";
	argv[a++] = "-device";
	argv[a++] = "--qemu-arg";
	argv[a++] = (char *)dev;
	return a;
}

/* disk = MiB: a sparse image file and its virtio-blk device. 0, or -1 with r's outcome set. */
static int boot_disk(const struct hvs_gtarget *t, const struct hvs_grun_opts *o, struct boot *b,
		     struct hvs_gresult *r)
{
	char **argv = b->argv;
	int a = b->a, fd;

	snprintf(b->disk, sizeof(b->disk), "%s/%s.disk.img", o->out_dir, t->name);
	fd = hvs_wcreate(b->disk, 0);
	if (fd < 0)
		errno = -fd;
	else
		hvs_cleanup_add(b->disk); /* removed on SIGINT/SIGTERM too */
	if (fd < 0 || ftruncate(fd, (off_t)t->disk_mib << 20)) {
		guest_fail(r, HVS_FAILED, "cannot create the disk image %s: %s", b->disk, hvs_strerror(errno));
		if (fd >= 0) {
			close(fd);
			hvs_cleanup_remove(b->disk);
		}
		return -1;
	}
	close(fd);
	snprintf(b->drive, sizeof(b->drive), "file=%s,if=none,id=hvsdisk,format=raw,cache=writeback", b->disk);
	snprintf(b->drivedev, sizeof(b->drivedev), "virtio-blk-pci,drive=hvsdisk%s", b->vopts);
	a = add_device(argv, a, "virtio_blk", "-drive", b->drive, b->drivedev);
	b->a = a;
	return 0;
}

/*
 * The first guest command: lo up, and with net the virtio-net device on
 * QEMU user networking forwarded from two free host ports. 0, or -1 with
 * r's outcome set.
 */
static int boot_net(const struct hvs_gtarget *t, struct boot *b, struct hvs_gresult *r)
{
	char **argv = b->argv;
	int a = b->a;

	if (!t->net) {
		snprintf(b->cmdbuf[b->ncmd], sizeof(b->cmdbuf[b->ncmd]), "ip link set lo up");
		argv[a++] = "--cmd";
		argv[a++] = b->cmdbuf[b->ncmd++];
		b->a = a;
		return 0;
	}
	b->p_echo = free_port();
	b->p_done = free_port();
	if (b->p_echo < 0 || b->p_done < 0 || b->p_echo == b->p_done) {
		guest_fail(r, HVS_FAILED, "no free port on 127.0.0.1 for the network workload");
		return -1;
	}
	/*
	 * User networking, host side bound to 127.0.0.1 only; restrict=on
	 * cuts the guest off from the host and the outside except for
	 * these forwards.
	 */
	snprintf(b->nic, sizeof(b->nic),
		 "user,id=hvsnet,restrict=on,hostfwd=tcp:127.0.0.1:%d-:%d,"
		 "hostfwd=tcp:127.0.0.1:%d-:%d",
		 b->p_echo, GUEST_ECHO_PORT, b->p_done, GUEST_DONE_PORT);
	snprintf(b->nicdev, sizeof(b->nicdev), "virtio-net-pci,netdev=hvsnet%s", b->vopts);
	a = add_device(argv, a, "virtio_net", "-netdev", b->nic, b->nicdev);
	/* first command: bring up lo and eth0 (output not collected) */
	snprintf(b->cmdbuf[b->ncmd], sizeof(b->cmdbuf[b->ncmd]),
		 "ip link set lo up; ip addr add %s dev eth0 && ip link set eth0 up", GUEST_IP);
	argv[a++] = "--cmd";
	argv[a++] = b->cmdbuf[b->ncmd++];
	b->a = a;
	return 0;
}

/* The jobs as guest commands. 0, or -1 with r's outcome set. */
static int boot_jobs(const struct hvs_gtarget *t, const struct jobs *j, struct boot *b,
		     struct hvs_gresult *r)
{
	b->first_job = b->ncmd;
	for (int i = 0; i < j->n; i++) {
		char *cmd = b->cmdbuf[b->ncmd];
		size_t k;

		/* the guest runs it with sh -c: every configured word quoted; kvm's
		 * table goes to stderr and its result file to stdout */
		if (guest_job_command(j->v[i].args, t->disk_mib ? "HVSCOPE_SCRATCH=/dev/vda hvscope-static" :
								 "hvscope-static", NULL,
				      j->v[i].type == JOB_KVM ? "/tmp/hvs-kvm.json" : NULL, cmd,
				      sizeof(b->cmdbuf[b->ncmd])) ||
		    (k = strlen(cmd), j->v[i].type == JOB_KVM &&
			 hvs_sh_raw(cmd, sizeof(b->cmdbuf[b->ncmd]), &k,
				    " >&2; rc=$?; cat /tmp/hvs-kvm.json; exit $rc"))) {
			guest_fail(r, HVS_FAILED, "'hvscope %.200s': command line too long for the guest",
				   j->v[i].args);
			return -1;
		}
		b->argv[b->a++] = "--cmd";
		b->argv[b->a++] = b->cmdbuf[b->ncmd++];
	}
	return 0;
}

/* The network workload's last guest command: the echo server and its handshake. */
static void boot_handshake(const struct hvs_gtarget *t, struct boot *b)
{
	/*
	 * The guest announces its echo server on the console (READY), the
	 * host measures, then connects to the guest's "done" port to let
	 * it go on; the guest says DONE once it saw the connection. One
	 * connection is not enough: slirp accepts on the host side at
	 * once and may drop the guest side if we close first or nc is
	 * not listening yet (seen under Xen PV on TCG: the guest waited
	 * out its watchdog), so the host pokes every second until DONE.
	 */
	snprintf(b->token, sizeof(b->token), "HVSNET:%08x", (unsigned)(hvs_now_ns() ^ (uint64_t)getpid()));
	/* matched at a line start: the console also echoes the command itself */
	snprintf(b->ready, sizeof(b->ready), "\n%s:READY", b->token);
	snprintf(b->done, sizeof(b->done), "\n%s:DONE", b->token);
	snprintf(b->netcmd, sizeof(b->netcmd),
		 "hvscope-static bench --echo-server %d --seconds %u & e=$!; sleep 1; "
		 "echo %s > /dev/console; timeout %u nc -l -p %d </dev/null >/dev/null 2>&1; "
		 "echo %s > /dev/console; kill $e; wait $e; echo net-done",
		 GUEST_ECHO_PORT, t->timeout_s, b->ready + 1, t->timeout_s, GUEST_DONE_PORT, b->done + 1);
	b->argv[b->a++] = "--cmd";
	b->argv[b->a++] = b->netcmd;
}

/* One look at the console while the guest runs: measure after READY, poke until DONE. */
static void boot_net_step(struct boot *b, struct merged *mg)
{
	char *log = NULL;
	long n = hvs_read_file(b->console, 64u << 20, &log);

	if (b->net_state == 0 && n > 0 && strstr(log, b->ready)) {
		char peer[32], what[160];

		b->net_state = 1;
		snprintf(peer, sizeof(peer), "127.0.0.1:%d", b->p_echo);
		snprintf(what, sizeof(what),
			 "TCP request/response, 64 bytes each way, host -> QEMU user net "
			 "(127.0.0.1:%d) -> guest echo server", b->p_echo);
		hvs_guest_net_rr(peer, what, &mg->extra);
	}
	if (b->net_state == 1 && n > 0 && strstr(log, b->done)) {
		b->net_state = 2;
	} else if (b->net_state == 1 && guest_now_s() >= b->next_poke) {
		poke_port(b->p_done);
		b->next_poke = guest_now_s() + 1;
	}
	free(log);
}

/* Wait for boot-guest.sh (the network handshake meanwhile); its exit status, or SCRIPT_EX_TIMEOUT. */
static int boot_wait(const struct hvs_gtarget *t, struct boot *b, pid_t pid, double deadline,
		     struct merged *mg)
{
	for (;;) {
		int rc = guest_spawn_poll(pid, t->net && b->net_state < 2 ? guest_now_s() + 0.2 : deadline + 20);

		if (rc != GUEST_SPAWN_RUNNING)
			return rc;
		if (guest_now_s() >= deadline + 20) {
			guest_spawn_kill(pid);
			return SCRIPT_EX_TIMEOUT;
		}
		if (t->net && b->net_state < 2)
			boot_net_step(b, mg);
	}
}

/* boot-guest.sh exited with rc != 0: the outcome, its first complaint and the console's tail. */
static void boot_failed(const struct boot *b, int rc, struct hvs_gresult *r)
{
	char why[400], hang[1200];

	guest_first_line_of(b->blog, "boot-guest.sh: ", why, sizeof(why));
	/* boot-guest.sh's account of a failure (phase, registers at the
	 * watchdog, console tail), else the console's last lines */
	snprintf(hang, sizeof(hang), "%s/hang.txt", b->bootdir);
	guest_file_tail(hang, 40, r->tail, sizeof(r->tail));
	if (!r->tail[0])
		guest_file_tail(b->console, 20, r->tail, sizeof(r->tail));
	if (!r->tail[0])
		hvs_strlcpy(r->tail, "(the console stayed empty)\n", sizeof(r->tail));
	if (rc == SCRIPT_EX_NODEV)
		guest_fail(r, HVS_SKIP, "cannot start here: %.300s", why);
	else
		guest_fail(r, rc == SCRIPT_EX_TIMEOUT ? HVS_TIMEOUT : HVS_FAILED, "%s (boot-guest.sh exit %d): %.300s",
			   rc == SCRIPT_EX_TIMEOUT ? "watchdog timeout" : "guest failed", rc, why);
}

/*
 * kvm-l2: boot-guest.sh retried a boot whose L1 stalled (BOOTDIR/retry.txt;
 * the K-th stalled boot's account in BOOTDIR/stall-K/hang.txt). Never silent:
 * a pass says so in its reason (the matrix's log and summary), the result
 * carries retried=l1-stall, and a failure names the stalls before it too.
 */
static void boot_retried(const struct boot *b, int rc, struct merged *mg, struct hvs_gresult *r)
{
	char path[1200], where[1400];
	int stalls = 0;

	snprintf(path, sizeof(path), "%s/retry.txt", b->bootdir);
	if (access(path, R_OK))
		return;
	mg->retried = 1;
	for (int k = 1; k <= 9; k++) {
		snprintf(path, sizeof(path), "%s/stall-%d/hang.txt", b->bootdir, k);
		if (access(path, R_OK))
			break;
		stalls = k;
	}
	if (stalls > 1)
		snprintf(where, sizeof(where), "%d earlier boots' L1 stalled (QEMU's emulated SVM), their accounts in "
			 "%.200s/stall-1/hang.txt to stall-%d/hang.txt", stalls, b->bootdir, stalls);
	else
		snprintf(where, sizeof(where), "the first boot's L1 stalled (QEMU's emulated SVM), its account in "
			 "%.200s/stall-1/hang.txt", b->bootdir);
	if (rc == 0) {
		snprintf(r->reason, sizeof(r->reason), "passed on a retry: %.400s", where);
	} else {
		size_t k = strlen(r->reason);

		snprintf(r->reason + k, sizeof(r->reason) - k, "%sthis was a retry; %.400s", k ? "; " : "", where);
	}
}

/* boot-guest.sh wrote N.out/N.err/N.rc; move the job outputs next to the others, exit codes to rcs. */
static void boot_outputs(const struct hvs_gtarget *t, const struct hvs_grun_opts *o,
			 const struct jobs *j, const struct boot *b, int *rcs)
{
	for (int i = 0; i < j->n; i++) {
		char from[1200], to[1200], suf[32], *rcs_txt = NULL;

		snprintf(from, sizeof(from), "%s/%d.rc", b->bootdir, b->first_job + i + 1);
		if (hvs_read_file(from, 64, &rcs_txt) > 0)
			rcs[i] = atoi(rcs_txt);
		else
			rcs[i] = -1;
		free(rcs_txt);
		snprintf(from, sizeof(from), "%s/%d.out", b->bootdir, b->first_job + i + 1);
		snprintf(to, sizeof(to), "%s/%s.%s", o->out_dir, t->name,
			 guest_job_suffix(&j->v[i], i, suf, sizeof(suf)));
		rename(from, to);
		snprintf(from, sizeof(from), "%s/%d.err", b->bootdir, b->first_job + i + 1);
		snprintf(to, sizeof(to), "%s/%s.%d.err", o->out_dir, t->name, i + 1);
		rename(from, to);
	}
}

/* QEMU, Xen, kvm-amd and kvm-l2 through scripts/boot-guest.sh: argv, disk image, handshake, polling, exit decoding. */
int guest_run_boot(const struct hvs_gtarget *t, const struct hvs_grun_opts *o, const struct jobs *j,
		   double deadline, struct merged *mg, struct hvs_gresult *r)
{
	struct boot boot = { 0 }, *b = &boot;
	int rcs[HVS_GT_MAX_CMDS + 2] = { 0 };
	pid_t pid;
	int rc;

	/*
	 * Under a PVH dom0 the machine has an (emulated) AMD IOMMU that Xen
	 * programs with dom0's guest-physical addresses; a virtio device that
	 * bypasses the IOMMU (QEMU's default) then DMAs to the wrong memory and
	 * the dom0 locks up (seen here: soft lockup in `ip link set eth0 up`).
	 * iommu_platform=on makes the device translate like real hardware.
	 */
	b->vopts = t->kind == HVS_GT_XEN && !strcmp(t->mode, "pvh") ? ",iommu_platform=on,disable-legacy=on" : "";
	if (boot_paths(t, o, b, r))
		return 0;
	boot_argv_machine(t, o, b);
	if ((t->disk_mib && boot_disk(t, o, b, r)) || boot_net(t, b, r) || boot_jobs(t, j, b, r))
		return 0;
	if (t->net)
		boot_handshake(t, b);
	b->argv[b->a] = NULL;

	pid = guest_spawn_start(b->argv, NULL, b->blog, NULL);
	if (pid < 0) {
		guest_fail(r, HVS_FAILED, "cannot start %s: %s", b->script, strerror((int)-pid));
		return 0;
	}
	rc = boot_wait(t, b, pid, deadline, mg);
	if (b->disk[0])
		hvs_cleanup_remove(b->disk);
	if (rc != 0) {
		boot_failed(b, rc, r);
		boot_retried(b, rc, mg, r);
		return 0;
	}
	boot_retried(b, rc, mg, r);
	boot_outputs(t, o, j, b, rcs);
	guest_collect(t, o, j, rcs, mg, r);
	if (t->net && b->net_state == 0)
		guest_fail(r, HVS_FAILED, "the guest's echo server never announced itself: no network numbers");
	return 0;
}
