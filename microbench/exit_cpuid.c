/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exit_cpuid.c - CPUID from ring 3, several leaves. CPUID is
 * unconditionally intercepted under VMX and by every SVM hypervisor in
 * practice, so each one is a full exit/entry round trip plus the
 * hypervisor's handler: leaf 0 and 1 are handled in the kernel (KVM), the
 * hypervisor leaf 0x40000000 names the hypervisor, and a leaf beyond the
 * maximum takes the "invalid leaf" path (Intel returns the highest basic
 * leaf's data, AMD zeros -- both still exit). Bare metal: ~100-250 cycles.
 */
#include "bench.h"
#include "bench_util.h"
#include "measure.h"

#include <errno.h>

static void body(void *arg, uint64_t iters)
{
	uint32_t leaf = *(const uint32_t *)arg, r[4];

	for (uint64_t i = 0; i < iters; i++)
		hvs_cpuid(leaf, 0, r);
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	static const struct {
		uint32_t leaf;
		const char *suffix;
	} leaves[] = {
		{ 0, "0" }, { 1, "1" }, { 0x40000000, "0x40000000" }, { 0x0fffffff, "invalid" },
	};
	int ret = 0;

	for (size_t i = 0; i < HVS_ARRAY_SIZE(leaves) && !ret; i++) {
		uint32_t leaf = leaves[i].leaf;
		struct hvs_loop l = { .body = body, .control = hvs_loop_empty, .arg = &leaf };
		struct hvs_metric *m = hvs_bench_metric(self, out, leaves[i].suffix);

		if (!m)
			return -ENOMEM;
		ret = hvs_measure_loop(ctx, &l, m);
		hvs_metric_set_extra(m, "leaf", leaf);
	}
	return ret;
}

const struct hvs_bench hvs_bench_exit_cpuid = {
	.name = "exit.cpuid",
	.klass = "exit",
	.unit = "ns",
	.what = "CPUID from ring 3 (leaves 0, 1, 0x40000000, invalid): one VM exit round trip each",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run,
};
