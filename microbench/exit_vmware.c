/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exit_vmware.c - the VMware backdoor from CPL 3: GETVERSION, i.e. IN from
 * port 0x5658 with EAX = 0x564D5868 (the magic) and ECX = 10; a
 * VMware-compatible hypervisor answers EBX = the magic, EAX = its version,
 * ECX = the product type. The number is a port-I/O exit to the VMM's user
 * space (QEMU's vmport device, VMware's VMX) plus the protocol: the VMM reads
 * the vCPU's registers, answers, writes them back.
 *
 * VMware lets CPL 3 use the port without I/O permission (it exempts the
 * backdoor from the TSS bitmap check); KVM does the same only with the kvm
 * module's enable_vmware_backdoor=1 (it intercepts #GP for that); QEMU TCG
 * checks the permission like a CPU: there the IN raises #GP (SIGSEGV) unless
 * the process has ioperm() on the port, which needs CAP_SYS_RAWIO. So: try
 * without permission in a watched child; on SIGSEGV, try ioperm() (root
 * only) and measure with it, saying so; otherwise skip with the reason.
 */
#include "bench.h"
#include "bench_util.h"
#include "measure.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/io.h>

#define VMW_MAGIC 0x564D5868u
#define VMW_PORT 0x5658u
#define VMW_CMD_GETVERSION 10u

static uint32_t getversion(uint32_t *ebx, uint32_t *ecx)
{
	uint32_t a = VMW_MAGIC, b = 0, c = VMW_CMD_GETVERSION, d = VMW_PORT;

	__asm__ __volatile__("inl %%dx, %%eax" : "+a"(a), "+b"(b), "+c"(c), "+d"(d)::"memory");
	*ebx = b;
	*ecx = c;
	return a;
}

static void body(void *arg, uint64_t iters)
{
	uint32_t b, c;

	(void)arg;
	for (uint64_t i = 0; i < iters; i++)
		getversion(&b, &c);
}

static void control(void *arg, uint64_t iters)
{
	(void)arg;
	for (uint64_t i = 0; i < iters; i++)
		__asm__ __volatile__("" ::: "memory");
}

/* EBX in the high half, EAX in the low; arg != NULL: ioperm() first. */
static uint64_t once(void *arg)
{
	uint32_t a, b, c;

	if (arg && ioperm(VMW_PORT, 4, 1) != 0)
		return 0;
	a = getversion(&b, &c);
	return ((uint64_t)b << 32) | a;
}

static struct hvs_insn_probe plain, perm;
static int with_perm = 1;
static int probed, perm_tried, perm_errno;

static int probe(void)
{
	int ret;

	if (probed)
		return 0;
	ret = hvs_probe_insn(once, NULL, 2000, &plain);
	if (ret)
		return ret;
	if (plain.end == HVS_INSN_SIGNAL && plain.sig == SIGSEGV) {
		/* Is ioperm() allowed here at all (the child cannot say why it failed)? */
		perm_tried = 1;
		if (ioperm(VMW_PORT, 4, 1) == 0) {
			ioperm(VMW_PORT, 4, 0);
			ret = hvs_probe_insn(once, &with_perm, 2000, &perm);
			if (ret)
				return ret;
		} else {
			perm_errno = errno;
		}
	}
	probed = 1;
	return 0;
}

static const char *supported(char *why, size_t len)
{
	if (probe()) {
		snprintf(why, len, "could not fork a probe child");
		return why;
	}
	if (plain.end == HVS_INSN_HUNG || (perm_tried && perm.end == HVS_INSN_HUNG)) {
		snprintf(why, len, "IN from port 0x5658 at CPL 3 hung (watchdog 2 s): the hypervisor never resumed it");
		return why;
	}
	if (plain.end == HVS_INSN_SIGNAL && !(perm_tried && !perm_errno && perm.end == HVS_INSN_RETURNED)) {
		if (perm_tried && perm_errno)
			snprintf(why, len, "IN port 0x5658 at CPL 3 raises %s, ioperm(): %s: no ring-3 backdoor here "
				 "(VMware has one; KVM with kvm.enable_vmware_backdoor=1)", hvs_fault_name(plain.sig),
				 perm_errno == EPERM ? "EPERM, needs CAP_SYS_RAWIO" : strerror(perm_errno));
		else
			snprintf(why, len, "IN from port 0x5658 at CPL 3 raises %s%s: no VMware backdoor for ring 3 here",
				 hvs_fault_name(plain.sig), perm_tried ? ", also with ioperm()" : "");
		return why;
	}
	{
		const struct hvs_insn_probe *p = plain.end == HVS_INSN_RETURNED ? &plain : &perm;
		uint32_t ebx = (uint32_t)(p->value >> 32);

		if (ebx != VMW_MAGIC) {
			snprintf(why, len, "no VMware backdoor: GETVERSION%s left EBX 0x%x, EAX 0x%x (not the magic 0x%x)",
				 p == &perm ? " (with ioperm)" : "", ebx, (uint32_t)p->value, VMW_MAGIC);
			return why;
		}
	}
	return NULL;
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx, struct hvs_metrics *out)
{
	struct hvs_loop l = { .body = body, .control = control };
	struct hvs_metric *m = hvs_bench_metric(self, out, NULL);
	int need_perm = plain.end != HVS_INSN_RETURNED, ret;
	uint32_t ebx, ecx, eax;

	if (!m)
		return -ENOMEM;
	if (need_perm && ioperm(VMW_PORT, 4, 1) != 0)
		return -errno;
	eax = getversion(&ebx, &ecx);
	ret = hvs_measure_loop(ctx, &l, m);
	if (need_perm)
		ioperm(VMW_PORT, 4, 0);
	hvs_metric_set_extra(m, "vmware_version", eax);
	hvs_metric_set_extra(m, "vmware_type", ecx);
	hvs_metric_set_extra(m, "ioperm", need_perm);
	snprintf(m->reason, sizeof(m->reason), "EBX=magic, version %u, type %u; %s", eax & 0xffff, ecx & 0xffff,
		 need_perm ? "needed ioperm() (root): I/O permission is checked at CPL 3 here (QEMU TCG, Xen PV, KVM "
			     "without enable_vmware_backdoor)"
			   : "a PIO exit to the VMM's user space plus the protocol");
	return ret;
}

const struct hvs_bench hvs_bench_exit_vmware = {
	.name = "exit.vmware.getversion",
	.klass = "exit",
	.unit = "ns",
	.what = "VMware backdoor GETVERSION from CPL 3 (IN port 0x5658, magic checked): a PIO exit to the VMM's user space plus the protocol",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.supported = supported,
	.run = run,
};
