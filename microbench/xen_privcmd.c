/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen_privcmd.c - Xen hypercalls from user space through Linux's privcmd
 * driver (/dev/xen/privcmd, IOCTL_PRIVCMD_HYPERCALL): the path Xen's own
 * tools (libxencall) take. Two rows:
 *   xen.privcmd.version      xen_version(XENVER_version): Xen answers from a
 *                            constant, the bare round trip;
 *   xen.privcmd.sched_yield  sched_op(SCHEDOP_yield): Xen runs its
 *                            scheduler and comes back;
 *   xen.privcmd.evtchn_send  event_channel_op(EVTCHNOP_send) on a port bound
 *                            (through /dev/xen/evtchn) to another port of
 *                            ours: after the first event the receiving port
 *                            stays masked and pending, so each send is Xen's
 *                            port lookup and pending test-and-set.
 * Each number is one ioctl() (a system call into the domain's kernel) plus
 * the hypercall from there: in a PV domain the kernel runs in ring 3 (64-bit)
 * and a hypercall is a SYSCALL into Xen; in PVH/HVM it is VMCALL/VMMCALL, a
 * VM exit. Needs root (the device is root's) in a domain with the
 * xen_privcmd driver (dom0 or a domU); elsewhere it skips with the reason.
 *
 * Our own definitions of the ABI (Linux include/uapi/xen/privcmd.h and
 * evtchn.h, Xen public/xen.h, public/version.h, public/sched.h,
 * public/event_channel.h).
 */
#include "bench.h"
#include "measure.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct hvs_privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};
#define HVS_IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct hvs_privcmd_hypercall))
struct hvs_evtchn_bind_interdomain {
	unsigned int remote_domain, remote_port;
};
struct hvs_evtchn_bind_unbound_port {
	unsigned int remote_domain;
};
#define HVS_IOCTL_EVTCHN_BIND_INTERDOMAIN \
	_IOC(_IOC_NONE, 'E', 1, sizeof(struct hvs_evtchn_bind_interdomain))
#define HVS_IOCTL_EVTCHN_BIND_UNBOUND_PORT \
	_IOC(_IOC_NONE, 'E', 2, sizeof(struct hvs_evtchn_bind_unbound_port))

#define XEN_HC_XEN_VERSION 17
#define XEN_HC_SCHED_OP 29
#define XEN_HC_EVENT_CHANNEL_OP 32
#define EVTCHNOP_SEND 4
#define DOMID_SELF 0x7ff0u
#define XENVER_VERSION 0
#define SCHEDOP_YIELD 0

static int privcmd_fd = -1, evtchn_fd = -1;
static long xen_ver;
static uint32_t send_port; /* EVTCHNOP_send's struct evtchn_send */

struct call {
	const char *name;
	uint64_t op, cmd;
	void *arg;
};
static const struct call calls[] = {
	{ "version", XEN_HC_XEN_VERSION, XENVER_VERSION, NULL },
	{ "sched_yield", XEN_HC_SCHED_OP, SCHEDOP_YIELD, NULL },
	{ "evtchn_send", XEN_HC_EVENT_CHANNEL_OP, EVTCHNOP_SEND, &send_port },
};

static long hypercall(const struct call *c)
{
	struct hvs_privcmd_hypercall h = { .op = c->op, .arg = { c->cmd, (uint64_t)(uintptr_t)c->arg, 0, 0, 0 } };

	return ioctl(privcmd_fd, HVS_IOCTL_PRIVCMD_HYPERCALL, &h);
}

static void body(void *arg, uint64_t iters)
{
	const struct call *c = arg;

	for (uint64_t i = 0; i < iters; i++)
		hypercall(c);
}

static void control(void *arg, uint64_t iters)
{
	(void)arg;
	for (uint64_t i = 0; i < iters; i++)
		__asm__ __volatile__("" ::: "memory");
}

static const char *supported(char *why, size_t len)
{
	char type[16] = "";

	if (privcmd_fd >= 0)
		return NULL;
	privcmd_fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	if (privcmd_fd < 0) {
		int e = errno;

		if (hvs_read_line("/sys/hypervisor/type", type, sizeof(type)) < 0)
			type[0] = 0;
		if (e == EACCES || e == EPERM)
			snprintf(why, len, "/dev/xen/privcmd: %s (the device is root's)", strerror(e));
		else if (e == ENOENT && !strcmp(type, "xen"))
			snprintf(why, len, "a Xen domain without /dev/xen/privcmd (the xen_privcmd driver is not loaded)");
		else if (e == ENOENT)
			snprintf(why, len, "not a Xen domain (no /dev/xen/privcmd; /sys/hypervisor/type says '%s')",
				 type[0] ? type : "nothing");
		else
			snprintf(why, len, "/dev/xen/privcmd: %s", strerror(e));
		return why;
	}
	xen_ver = hypercall(&calls[0]);
	if (xen_ver <= 0) {
		snprintf(why, len, "IOCTL_PRIVCMD_HYPERCALL xen_version(XENVER_version) failed: %s",
			 xen_ver < 0 ? strerror(errno) : "returned 0");
		close(privcmd_fd);
		privcmd_fd = -1;
		return why;
	}
	return NULL;
}

/*
 * Two ports of ours bound to each other through /dev/xen/evtchn (the driver
 * owns them; the hypercall only names the sending one). 0 or -1 with
 * evtchn_why set.
 */
static char evtchn_why[160];

static int bind_self(void)
{
	struct hvs_evtchn_bind_unbound_port u = { .remote_domain = DOMID_SELF };
	struct hvs_evtchn_bind_interdomain b = { .remote_domain = DOMID_SELF };
	int a, l;

	if (send_port)
		return 0;
	if (evtchn_fd < 0)
		evtchn_fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
	if (evtchn_fd < 0) {
		snprintf(evtchn_why, sizeof(evtchn_why), "/dev/xen/evtchn: %s (the xen_evtchn driver binds the ports)",
			 strerror(errno));
		return -1;
	}
	a = ioctl(evtchn_fd, HVS_IOCTL_EVTCHN_BIND_UNBOUND_PORT, &u);
	if (a < 0) {
		snprintf(evtchn_why, sizeof(evtchn_why), "IOCTL_EVTCHN_BIND_UNBOUND_PORT: %s", strerror(errno));
		return -1;
	}
	b.remote_port = (unsigned int)a;
	l = ioctl(evtchn_fd, HVS_IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
	if (l <= 0) {
		snprintf(evtchn_why, sizeof(evtchn_why), "IOCTL_EVTCHN_BIND_INTERDOMAIN: %s",
			 l < 0 ? strerror(errno) : "port 0");
		return -1;
	}
	send_port = (uint32_t)l;
	return 0;
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx, struct hvs_metrics *out)
{
	int ret = 0;

	for (size_t i = 0; i < HVS_ARRAY_SIZE(calls) && !ret; i++) {
		struct hvs_loop l = { .body = body, .control = control, .arg = (void *)&calls[i] };
		struct hvs_metric *m = hvs_bench_metric(self, out, calls[i].name);
		long r;

		if (!m)
			return -ENOMEM;
		if (calls[i].arg == &send_port && (r = bind_self()) < 0) {
			m->outcome = HVS_SKIP;
			m->flags |= HVS_MF_SKIPPED;
			snprintf(m->reason, sizeof(m->reason), "%s", evtchn_why);
			continue;
		}
		r = hypercall(&calls[i]);
		if (r < 0) {
			m->outcome = HVS_SKIP;
			m->flags |= HVS_MF_SKIPPED;
			snprintf(m->reason, sizeof(m->reason), "the hypercall failed: %s", strerror(errno));
			continue;
		}
		ret = hvs_measure_loop(ctx, &l, m);
		hvs_metric_set_extra(m, "xen_version_major", (double)(xen_ver >> 16));
		hvs_metric_set_extra(m, "xen_version_minor", (double)(xen_ver & 0xffff));
		hvs_metric_set_extra(m, "returned", (double)r);
		snprintf(m->reason, sizeof(m->reason),
			 "Xen %ld.%ld; an ioctl() into the kernel plus the hypercall (PV: a SYSCALL to Xen; PVH/HVM: a VM exit)",
			 xen_ver >> 16, xen_ver & 0xffff);
	}
	return ret;
}

const struct hvs_bench hvs_bench_xen_privcmd = {
	.name = "xen.privcmd",
	.klass = "exit",
	.unit = "ns",
	.what = "Xen hypercalls from user space via /dev/xen/privcmd: xen_version, sched_op(yield), evtchn send to ourselves",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.supported = supported,
	.run = run,
};
