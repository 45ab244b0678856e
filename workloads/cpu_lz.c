/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpu_lz.c - a CPU-bound compression kernel: greedy LZ77 (hash of the next
 * 4 bytes, one candidate, 64 KiB window) over 256 KiB of generated
 * text-like data. Memory-bound in a way intmix is not (the input and hash
 * table exceed L1), still exit-free. Throughput in MB/s of input.
 */
#include "workload.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LZ_IN (256u * 1024u)
#define LZ_HASH_BITS 14

struct lz {
	uint8_t *in, *out;
	uint32_t *head;
	volatile size_t sink;
};

static void make_text(uint8_t *p, size_t n)
{
	static const char *const words[] = { "the ", "hypervisor ", "exit ", "guest ", "page ",
					     "table ", "shadow ", "nested ", "cpuid ", "of ",
					     "and ", "vcpu ", "memory ", "translation ", "\n" };
	uint64_t x = 88172645463325252ull;
	size_t i = 0;

	while (i < n) {
		const char *w;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		w = words[x % HVS_ARRAY_SIZE(words)];
		for (; *w && i < n; w++)
			p[i++] = (uint8_t)*w;
	}
}

static size_t compress(struct lz *s)
{
	size_t ip = 0, op = 0;

	memset(s->head, 0xff, sizeof(uint32_t) << LZ_HASH_BITS);
	while (ip + 4 <= LZ_IN) {
		uint32_t v, h, cand;
		size_t len = 0;

		memcpy(&v, s->in + ip, 4);
		h = (v * 2654435761u) >> (32 - LZ_HASH_BITS);
		cand = s->head[h];
		s->head[h] = (uint32_t)ip;
		if (cand != UINT32_MAX && ip - cand < 65536) {
			while (ip + len < LZ_IN && len < 255 && s->in[cand + len] == s->in[ip + len])
				len++;
		}
		if (len >= 4) {
			/* match: marker, 16-bit distance, length */
			s->out[op++] = 0xff;
			s->out[op++] = (uint8_t)((ip - cand) & 0xff);
			s->out[op++] = (uint8_t)((ip - cand) >> 8);
			s->out[op++] = (uint8_t)len;
			ip += len;
		} else {
			s->out[op++] = s->in[ip++];
		}
	}
	while (ip < LZ_IN)
		s->out[op++] = s->in[ip++];
	return op;
}

static void body(void *arg, uint64_t iters)
{
	struct lz *s = arg;

	for (uint64_t i = 0; i < iters; i++)
		s->sink = compress(s);
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	struct lz s = { 0 };
	struct hvs_loop l = { body, NULL, &s };
	struct hvs_metric *m = hvs_bench_metric(self, out, NULL);
	int ret = -ENOMEM;

	if (!m)
		return -ENOMEM;
	s.in = malloc(LZ_IN);
	s.out = malloc(LZ_IN * 2);
	s.head = malloc(sizeof(uint32_t) << LZ_HASH_BITS);
	if (s.in && s.out && s.head) {
		make_text(s.in, LZ_IN);
		ret = hvs_workload_rate(ctx, &l, LZ_IN / 1e6, m);
		if (!ret)
			hvs_metric_set_extra(m, "ratio", (double)LZ_IN / (double)s.sink);
	}
	free(s.in);
	free(s.out);
	free(s.head);
	return ret;
}

const struct hvs_bench hvs_bench_wl_cpu_lz = {
	.name = "workload.cpu.lz",
	.klass = "workload",
	.unit = "MB/s",
	.what = "LZ77 compression of 256 KiB of generated text: CPU and cache bound, no exits",
	.direction = HVS_HIGHER_IS_BETTER,
	.sets = HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run,
};
