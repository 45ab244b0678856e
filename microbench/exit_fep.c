/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exit_fep.c - CPUID behind a forced-emulation prefix. Xen recognises
 * "ud2a; .ascii \"xen\"; cpuid" in PV guests (always) and HVM guests (only
 * with hvm_fep, a debug option) and emulates the CPUID with Xen's policy:
 * the way a PV guest sees Xen's own leaves. KVM has the same with "ud2;
 * .ascii \"kvm\"" when the module parameter force_emulation_prefix is set.
 * Elsewhere the UD2 raises SIGILL: the benchmark is then unsupported, with
 * the reason. Each prefix is tried once in a watched child.
 */
#include "bench.h"
#include "bench_util.h"
#include "measure.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static uint64_t xen_cpuid(void)
{
	uint32_t a = 0x40000000, b, c = 0, d;

	__asm__ __volatile__("ud2a; .ascii \"xen\"; cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d)::"memory");
	return ((uint64_t)b << 32) | c; /* signature, first 8 bytes */
}

static uint64_t kvm_cpuid(void)
{
	uint32_t a = 0x40000000, b, c = 0, d;

	__asm__ __volatile__("ud2; .ascii \"kvm\"; cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d)::"memory");
	return ((uint64_t)b << 32) | c;
}

static void body_xen(void *arg, uint64_t iters)
{
	(void)arg;
	for (uint64_t i = 0; i < iters; i++)
		xen_cpuid();
}

static void body_kvm(void *arg, uint64_t iters)
{
	(void)arg;
	for (uint64_t i = 0; i < iters; i++)
		kvm_cpuid();
}

static uint64_t once_xen(void *arg)
{
	(void)arg;
	return xen_cpuid();
}

static uint64_t once_kvm(void *arg)
{
	(void)arg;
	return kvm_cpuid();
}

static const struct {
	const char *name;
	uint64_t (*once)(void *);
	hvs_loop_fn body;
} prefixes[] = {
	{ "xen", once_xen, body_xen },
	{ "kvm", once_kvm, body_kvm },
};

/* Probe results, cached: the prefixes do not come and go. */
static struct hvs_insn_probe probed[2];
static int probed_done;

static int probe(void)
{
	if (probed_done)
		return 0;
	for (size_t i = 0; i < HVS_ARRAY_SIZE(prefixes); i++) {
		int ret = hvs_probe_insn(prefixes[i].once, NULL, 2000, &probed[i]);

		if (ret)
			return ret;
	}
	probed_done = 1;
	return 0;
}

static const char *supported(char *why, size_t len)
{
	if (probe()) {
		snprintf(why, len, "could not fork a probe child");
		return why;
	}
	for (size_t i = 0; i < HVS_ARRAY_SIZE(prefixes); i++)
		if (probed[i].end == HVS_INSN_RETURNED)
			return NULL;
	snprintf(why, len, "Xen prefix raises %s, KVM prefix raises %s: not Xen PV, no hvm_fep, "
		 "no KVM force_emulation_prefix",
		 probed[0].end == HVS_INSN_HUNG ? "a hang" : hvs_fault_name(probed[0].sig),
		 probed[1].end == HVS_INSN_HUNG ? "a hang" : hvs_fault_name(probed[1].sig));
	return why;
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	int ret = probe();

	if (ret)
		return ret;
	for (size_t i = 0; i < HVS_ARRAY_SIZE(prefixes) && !ret; i++) {
		struct hvs_loop l = { .body = prefixes[i].body, .control = hvs_loop_empty };
		struct hvs_metric *m = hvs_bench_metric(self, out, prefixes[i].name);
		char sig[9];

		if (!m)
			return -ENOMEM;
		if (probed[i].end != HVS_INSN_RETURNED) {
			m->outcome = HVS_SKIP;
			m->flags |= HVS_MF_SKIPPED;
			snprintf(m->reason, sizeof(m->reason), "%s prefix raises %s", prefixes[i].name,
				 probed[i].end == HVS_INSN_HUNG ? "a hang" : hvs_fault_name(probed[i].sig));
			continue;
		}
		ret = hvs_measure_loop(ctx, &l, m);
		{
			/* EBX then ECX, as in the signature "XenVMMXenVMM". */
			uint32_t b = (uint32_t)(probed[i].value >> 32), c = (uint32_t)probed[i].value;

			memcpy(sig, &b, 4);
			memcpy(sig + 4, &c, 4);
		}
		sig[8] = 0;
		for (int k = 0; k < 8; k++)
			if (sig[k] < 0x20 || sig[k] > 0x7e)
				sig[k] = '.';
		snprintf(m->reason, sizeof(m->reason), "emulated CPUID 0x40000000 signature starts \"%s\"", sig);
	}
	return ret;
}

const struct hvs_bench hvs_bench_exit_fep = {
	.name = "exit.fep",
	.klass = "exit",
	.unit = "ns",
	.what = "CPUID behind the Xen (ud2a;\"xen\") or KVM (ud2;\"kvm\") forced-emulation prefix",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.supported = supported,
	.run = run,
};
