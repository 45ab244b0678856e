/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exit_rdtsc.c - RDTSC and RDTSCP from ring 3. Native: ~10-40 cycles. A
 * hypervisor that traps the TSC (TSC scaling emulated in software, VMware
 * with monitor_control.virtual_rdtsc, Xen's tsc_mode=always_emulate, some
 * migration setups) turns each into an exit of thousands of cycles. CR4.TSD
 * set by the guest kernel would raise #GP instead (probed in a child first).
 */
#include "bench.h"
#include "bench_util.h"
#include "measure.h"
#include "core/timing.h"

#include <errno.h>
#include <stdio.h>

static void body_rdtsc(void *arg, uint64_t iters)
{
	(void)arg;
	for (uint64_t i = 0; i < iters; i++) {
		uint32_t lo, hi;

		__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	}
}

static void body_rdtscp(void *arg, uint64_t iters)
{
	(void)arg;
	for (uint64_t i = 0; i < iters; i++) {
		uint32_t lo, hi, aux;

		__asm__ __volatile__("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux)::"memory");
	}
}

static uint64_t once_rdtsc(void *arg)
{
	body_rdtsc(arg, 1);
	return 0;
}

static uint64_t once_rdtscp(void *arg)
{
	body_rdtscp(arg, 1);
	return 0;
}

static int one(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx, struct hvs_metrics *out,
	       const char *suffix, hvs_loop_fn fn, uint64_t (*once)(void *))
{
	struct hvs_loop l = { .body = fn, .control = hvs_loop_empty };
	struct hvs_metric *m = hvs_bench_metric(self, out, suffix);
	struct hvs_insn_probe p;
	int ret;

	if (!m)
		return -ENOMEM;
	ret = hvs_probe_or_skip(once, suffix, "CR4.TSD set?", m, &p);
	if (ret <= 0)
		return ret;
	return hvs_measure_loop(ctx, &l, m);
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	int ret = one(self, ctx, out, "rdtsc", body_rdtsc, once_rdtsc);

	if (ret)
		return ret;
	if (hvs_rdtscp_probe())
		return one(self, ctx, out, "rdtscp", body_rdtscp, once_rdtscp);
	{
		struct hvs_metric *m = hvs_bench_metric(self, out, "rdtscp");

		if (!m)
			return -ENOMEM;
		m->outcome = HVS_SKIP;
		m->flags |= HVS_MF_SKIPPED;
		snprintf(m->reason, sizeof(m->reason), "CPUID 0x80000001 EDX[27] (RDTSCP) is clear");
	}
	return 0;
}

const struct hvs_bench hvs_bench_exit_rdtsc = {
	.name = "exit.rdtsc",
	.klass = "exit",
	.unit = "ns",
	.what = "RDTSC and RDTSCP from ring 3: native tens of cycles, thousands when the TSC is trapped",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run,
};
