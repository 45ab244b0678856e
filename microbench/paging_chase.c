/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * paging_chase.c - dependent pointer chase over working sets from 16 KiB
 * up (default 256 MiB, full 4 GiB, quick three points; never more than a
 * quarter of MemAvailable), each access to a random cache line of the set
 * (one random cycle, Sattolo's algorithm, built in place). Once the set
 * outgrows the TLB reach every access also walks the page tables; in a
 * guest with nested paging (EPT/NPT) that walk is two-dimensional (up to 24
 * memory references for 4-level guest and host tables), under shadow
 * paging it is a native walk. The same with 2 MiB pages (THP through
 * madvise(MADV_HUGEPAGE), and hugetlbfs when pages are reserved) shows how
 * much of the cost is translation: the ratio is the page-walk penalty.
 *
 * Metrics: paging.chase.<4k|2m|hugetlb>.<size>, ns per access; extras
 * working_set_kib, thp_pct (share of the set THP really backed, from
 * /proc/self/smaps AnonHugePages), vs_4k (ratio to 4 KiB pages at the same
 * size), knee_ratio on the point where the cost jumps by >= 1.5x.
 */
#include "bench.h"
#include "bench_util.h"
#include "measure.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define LINE 64
#define HUGE_2M (2ull << 20)
#define KNEE_RATIO 1.5

enum kind { K_4K, K_THP, K_HUGETLB, K_COUNT };
static const char *const kind_names[K_COUNT] = { "4k", "2m", "hugetlb" };

struct chase {
	void *map;     /* what mmap returned */
	size_t maplen;
	char *base;    /* aligned start of the set */
	size_t size;
	void **p;      /* current position (kept across samples) */
};

static void body(void *arg, uint64_t iters)
{
	struct chase *c = arg;
	void **p = c->p;

	for (uint64_t i = 0; i < iters; i++)
		p = (void **)*p;
	c->p = p;
}

/* A meminfo field in KiB, or -1. */
static long long meminfo_kib(const char *key)
{
	char *buf = NULL, *at;
	long long v = -1;
	size_t kl = strlen(key);

	if (hvs_read_file("/proc/meminfo", 1 << 16, &buf) < 0)
		return -1;
	for (at = buf; at && *at; at = strchr(at, '\n'), at = at ? at + 1 : NULL)
		if (!strncmp(at, key, kl) && at[kl] == ':') {
			v = strtoll(at + kl + 1, NULL, 10);
			break;
		}
	free(buf);
	return v;
}

/* AnonHugePages (KiB) of the mapping that contains addr, or -1. */
static long long smaps_thp_kib(const void *addr)
{
	char *buf = NULL, *at;
	long long v = -1;
	int inside = 0;

	if (hvs_read_file("/proc/self/smaps", 64 << 20, &buf) < 0)
		return -1;
	for (at = buf; at && *at; at = strchr(at, '\n'), at = at ? at + 1 : NULL) {
		uintptr_t lo, hi;

		if (sscanf(at, "%" SCNxPTR "-%" SCNxPTR " ", &lo, &hi) == 2 && strchr(at, '-') < strchr(at, ' '))
			inside = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
		else if (inside && !strncmp(at, "AnonHugePages:", 14)) {
			v = strtoll(at + 14, NULL, 10);
			break;
		}
	}
	free(buf);
	return v;
}

static void chase_free(struct chase *c)
{
	if (c->map && c->map != MAP_FAILED)
		munmap(c->map, c->maplen);
	memset(c, 0, sizeof(*c));
}

/* Map and link the set. Returns 0 or -errno. */
static int chase_build(struct chase *c, size_t size, enum kind k, uint64_t seed)
{
	size_t n = size / LINE;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;

	memset(c, 0, sizeof(*c));
	c->size = size;
	c->maplen = k == K_THP ? size + HUGE_2M : size;
	if (k == K_HUGETLB)
		flags |= MAP_HUGETLB;
	c->map = mmap(NULL, c->maplen, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (c->map == MAP_FAILED) {
		c->map = NULL;
		return -errno;
	}
	c->base = c->map;
	if (k == K_THP) {
		c->base = (char *)(((uintptr_t)c->map + HUGE_2M - 1) & ~(uintptr_t)(HUGE_2M - 1));
		madvise(c->base, size, MADV_HUGEPAGE);
	} else if (k == K_4K) {
		madvise(c->base, size, MADV_NOHUGEPAGE);
	}
	/* Sattolo: in-place uniform random cycle of the n lines. */
	for (size_t i = 0; i < n; i++)
		*(uint64_t *)(c->base + i * LINE) = i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)(hvs_xorshift(&seed) % i);
		uint64_t *a = (uint64_t *)(c->base + i * LINE), *b = (uint64_t *)(c->base + j * LINE), t = *a;

		*a = *b;
		*b = t;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t *s = (uint64_t *)(c->base + i * LINE);

		*(void **)s = c->base + *s * LINE;
	}
	c->p = (void **)c->base;
	return 0;
}

static const char *size_name(size_t size, char *buf, size_t len)
{
	if (size >= (1ull << 30))
		snprintf(buf, len, "%zuGiB", size >> 30);
	else if (size >= (1ull << 20))
		snprintf(buf, len, "%zuMiB", size >> 20);
	else
		snprintf(buf, len, "%zuKiB", size >> 10);
	return buf;
}

static void skip(struct hvs_metric *m, const char *fmt, const char *arg)
{
	m->outcome = HVS_SKIP;
	m->flags |= HVS_MF_SKIPPED;
	snprintf(m->reason, sizeof(m->reason), fmt, arg);
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	static const size_t quick[] = { 16u << 10, 1u << 20, 16u << 20 };
	size_t sizes[16], nsizes = 0, max;
	long long avail = meminfo_kib("MemAvailable"), hfree = meminfo_kib("HugePages_Free");
	long long hsize = meminfo_kib("Hugepagesize");
	double med4k[16] = { 0 };
	struct hvs_bench_ctx c2 = *ctx;
	char nm[48], sz[16];
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	int ret = 0;

	max = ctx->sets_full ? (4ull << 30) : (256u << 20);
	if (avail > 0 && (size_t)avail * 1024 / 4 < max)
		max = (size_t)avail * 1024 / 4;
	if (ctx->quick) {
		for (size_t i = 0; i < HVS_ARRAY_SIZE(quick); i++)
			if (quick[i] <= max)
				sizes[nsizes++] = quick[i];
	} else {
		for (size_t s = 16u << 10; s <= max && nsizes < HVS_ARRAY_SIZE(sizes); s *= 4)
			sizes[nsizes++] = s;
	}
	/* Each sample: at least 2000 accesses even in quick mode. */
	c2.budget_s = ctx->budget_s / 2;

	for (int k = K_4K; k < K_COUNT && !ret; k++) {
		double prev = 0;

		if (k == K_HUGETLB && (hfree <= 0 || hsize != 2048)) {
			struct hvs_metric *m;

			snprintf(nm, sizeof(nm), "hugetlb");
			m = hvs_bench_metric(self, out, nm);
			if (!m)
				return -ENOMEM;
			skip(m, "%s", hfree <= 0 ? "no hugetlbfs pages reserved (HugePages_Free is 0; "
						   "root: echo N > /proc/sys/vm/nr_hugepages)"
						 : "hugetlbfs default page size is not 2 MiB");
			break;
		}
		for (size_t i = 0; i < nsizes && !ret; i++) {
			struct hvs_loop l = { .body = body };
			struct hvs_metric *m;
			struct chase c;

			if (k == K_HUGETLB && sizes[i] > (size_t)hfree * HUGE_2M)
				break;
			snprintf(nm, sizeof(nm), "%s.%s", kind_names[k], size_name(sizes[i], sz, sizeof(sz)));
			m = hvs_bench_metric(self, out, nm);
			if (!m)
				return -ENOMEM;
			ret = chase_build(&c, sizes[i], (enum kind)k, seed);
			if (ret == -ENOMEM && sizes[i] >= (64u << 20)) {
				skip(m, "%s: mmap failed (not enough memory)", nm);
				ret = 0;
				break;
			}
			if (ret)
				return ret;
			l.arg = &c;
			ret = hvs_measure_loop(&c2, &l, m);
			hvs_metric_set_extra(m, "working_set_kib", (double)(sizes[i] >> 10));
			if (k != K_4K) {
				long long thp = k == K_THP ? smaps_thp_kib(c.base) : -1;

				if (thp >= 0) {
					double pct = 100.0 * (double)thp * 1024 / (double)sizes[i];

					hvs_metric_set_extra(m, "thp_pct", pct > 100 ? 100 : pct);
				}
				if (med4k[i] > 0)
					hvs_metric_set_extra(m, "vs_4k", m->summary.median / med4k[i]);
			} else {
				med4k[i] = m->summary.median;
			}
			if (prev > 0 && m->summary.median >= KNEE_RATIO * prev)
				hvs_metric_set_extra(m, "knee_ratio", m->summary.median / prev);
			prev = m->summary.median;
			chase_free(&c);
		}
	}
	return ret;
}

const struct hvs_bench hvs_bench_paging_chase = {
	.name = "paging.chase",
	.klass = "paging",
	.unit = "ns",
	.what = "pointer chase, ns per access, 16 KiB..256 MiB (full: 4 GiB) with 4 KiB, THP and hugetlb pages",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run,
};
