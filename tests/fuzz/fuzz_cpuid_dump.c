/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_cpuid_dump.c - libFuzzer target for the CPUID dump parser and what
 * runs on its output: format sniffing and all five parsers, the dump writer,
 * the hypervisor range scan with every decoder, and the CPU decoder
 * (including libcpuid's cpu_identify on the replayed data).
 *
 *   make fuzz              build and run for FUZZ_TIME seconds (default 60)
 *   build/fuzz/fuzz_cpuid_dump tests/fuzz/corpus   run by hand
 */
#include "probes/cpu.h"
#include "probes/cpuid_src.h"
#include "core/hvscope.h"
#include "probes/hypervisor.h"

#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct hvs_cpuid_src s;
	struct hvs_hv_range r[HVS_HV_MAX_RANGES];
	struct hvs_cpu c;
	char why[256];
	int n;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (hvs_cpuid_src_replay_buf(&s, (const char *)data, size, why, sizeof(why)) < 0)
		return 0;
	if (devnull)
		hvs_cpuid_write_dump(&s, devnull);
	n = hvs_hv_scan(&s, r, HVS_HV_MAX_RANGES, 0);
	for (int i = 0; i < n; i++) {
		if (devnull)
			hvs_fields_print(&r[i].f, devnull, "");
		hvs_hv_range_free(&r[i]);
	}
	hvs_cpu_collect(&s, &c, 1);
	if (devnull)
		hvs_fields_print(&c.f, devnull, "");
	hvs_cpu_free(&c);
	hvs_cpuid_src_free(&s);
	return 0;
}
