/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpu_intmix.c - a CPU-bound integer mix: xorshift generation, a hash-table
 * insert/lookup round, a small insertion sort and a CRC-32 over 16 KiB that
 * stays in L1/L2. It exits to no hypervisor, so under any hardware-assisted
 * virtualization it should run at native speed: it is the control workload
 * (TCG and binary translation are where it is not).
 */
#include "workload.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#define INTMIX_WORDS 4096

struct intmix {
	uint32_t buf[INTMIX_WORDS];
	uint32_t table[1024];
	volatile uint32_t sink;
};

static uint32_t crc32_word(uint32_t crc, uint32_t w)
{
	crc ^= w;
	for (int k = 0; k < 32; k++)
		crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
	return crc;
}

/* One op = one round over the 16 KiB buffer. */
static void body(void *arg, uint64_t iters)
{
	struct intmix *s = arg;
	uint64_t x = 0x9E3779B97F4A7C15ull;

	for (uint64_t it = 0; it < iters; it++) {
		uint32_t crc = ~0u, hits = 0;

		for (int i = 0; i < INTMIX_WORDS; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			s->buf[i] = (uint32_t)x;
		}
		for (int i = 0; i < INTMIX_WORDS; i++) {
			uint32_t h = (s->buf[i] * 2654435761u) >> 22;

			hits += s->table[h] == s->buf[i];
			s->table[h] = s->buf[i];
		}
		/* insertion sort of 64 words: branchy, data dependent */
		for (int i = 1; i < 64; i++) {
			uint32_t v = s->buf[i];
			int j = i - 1;

			while (j >= 0 && s->buf[j] > v) {
				s->buf[j + 1] = s->buf[j];
				j--;
			}
			s->buf[j + 1] = v;
		}
		for (int i = 0; i < INTMIX_WORDS; i += 8)
			crc = crc32_word(crc, s->buf[i]);
		s->sink = crc ^ hits;
	}
}

static struct intmix state;

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	struct hvs_loop l = { body, NULL, &state };
	struct hvs_metric *m = hvs_bench_metric(self, out, NULL);

	if (!m)
		return -ENOMEM;
	memset(&state, 0, sizeof(state));
	return hvs_workload_rate(ctx, &l, 1.0, m);
}

const struct hvs_bench hvs_bench_wl_cpu_intmix = {
	.name = "workload.cpu.intmix",
	.klass = "workload",
	.unit = "rounds/s",
	.what = "CPU-bound integer mix (xorshift, hashing, sort, CRC-32 over 16 KiB): no exits",
	.direction = HVS_HIGHER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run,
};
