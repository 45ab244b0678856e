/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exit_hypercall.c - VMCALL (Intel) and VMMCALL (AMD) from CPL 3.
 *
 * Under KVM both exit; KVM refuses a hypercall from CPL > 0 and returns
 * -KVM_EPERM (-1) in RAX after a real exit, so the round trip is measurable
 * from user space. KVM on AMD emulates VMCALL (it intercepts #UD to patch
 * Intel guests' hypercalls); measured on this project's AMD host (KVM under
 * kvm_pvm) VMCALL from CPL 3 ends in SIGSEGV (#GP) while VMMCALL returns -1.
 * Xen, Hyper-V and bare metal inject/raise #UD (SIGILL) for the other
 * vendor's instruction or for CPL 3. Each instruction is first tried once
 * in a watched child (a buggy hypervisor may hang on it) and only measured
 * when it returned.
 */
#include "bench.h"
#include "bench_util.h"
#include "measure.h"

#include <errno.h>
#include <stdio.h>

static uint64_t do_vmcall(void)
{
	uint64_t a = 0; /* KVM_HC_*: irrelevant, CPL 3 is refused first */

	__asm__ __volatile__("vmcall" : "+a"(a) : : "rbx", "rcx", "rdx", "rsi", "memory");
	return a;
}

static uint64_t do_vmmcall(void)
{
	uint64_t a = 0;

	__asm__ __volatile__("vmmcall" : "+a"(a) : : "rbx", "rcx", "rdx", "rsi", "memory");
	return a;
}

static void body_vmcall(void *arg, uint64_t iters)
{
	(void)arg;
	for (uint64_t i = 0; i < iters; i++)
		do_vmcall();
}

static void body_vmmcall(void *arg, uint64_t iters)
{
	(void)arg;
	for (uint64_t i = 0; i < iters; i++)
		do_vmmcall();
}

static uint64_t once_vmcall(void *arg)
{
	(void)arg;
	return do_vmcall();
}

static uint64_t once_vmmcall(void *arg)
{
	(void)arg;
	return do_vmmcall();
}

static int one(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx, struct hvs_metrics *out,
	       const char *insn, hvs_loop_fn fn, uint64_t (*once)(void *))
{
	struct hvs_loop l = { .body = fn, .control = hvs_loop_empty };
	struct hvs_metric *m = hvs_bench_metric(self, out, insn);
	struct hvs_insn_probe p;
	int ret;

	if (!m)
		return -ENOMEM;
	ret = hvs_probe_or_skip(once, insn, "no hypercall path here", m, &p);
	if (ret <= 0)
		return ret;
	ret = hvs_measure_loop(ctx, &l, m);
	hvs_metric_set_extra(m, "rax", (double)(int64_t)p.value);
	snprintf(m->reason, sizeof(m->reason), "%s returned RAX=%lld%s", insn, (long long)(int64_t)p.value,
		 (int64_t)p.value == -1 ? " (-KVM_EPERM: KVM refused a CPL 3 hypercall after an exit)" : "");
	return ret;
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	int ret = one(self, ctx, out, "vmcall", body_vmcall, once_vmcall);

	if (ret)
		return ret;
	return one(self, ctx, out, "vmmcall", body_vmmcall, once_vmmcall);
}

const struct hvs_bench hvs_bench_exit_hypercall = {
	.name = "exit.hypercall",
	.klass = "exit",
	.unit = "ns",
	.what = "VMCALL/VMMCALL from CPL 3: KVM returns -KVM_EPERM after an exit, others #UD",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run,
};
