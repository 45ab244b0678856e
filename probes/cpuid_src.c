/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpuid_src.c - CPUID sources: the live instruction, Xen's forced-emulation
 * CPUID behind a SIGILL handler, and lookups into a replayed dump.
 */
#include "cpuid_src.h"
#include "core/array.h"
#include "core/hvscope.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

void hvs_cpuid_insn(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(subleaf));
#else
	(void)leaf;
	(void)subleaf;
	r[0] = r[1] = r[2] = r[3] = 0;
#endif
}

#if defined(__x86_64__) || defined(__i386__)
/*
 * Xen's forced emulation prefix: ud2a (0f 0b) followed by the bytes "xen".
 * A PV guest's #UD is delivered to Xen, which recognises the signature and
 * emulates the CPUID that follows (arch/x86/pv/emul-inv-op.c). Under any
 * other hypervisor, or on bare metal, the ud2a is a plain #UD -> SIGILL.
 */
static void xen_cpuid_insn(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	__asm__ volatile("ud2a\n\t.ascii \"xen\"\n\tcpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(subleaf));
}

static sigjmp_buf xen_jmp;
static volatile sig_atomic_t xen_probing;

static void xen_sigill(int sig)
{
	(void)sig;
	if (xen_probing)
		siglongjmp(xen_jmp, 1);
}

/* Execute one forced-emulation CPUID with SIGILL caught; 0 or -ENODEV. */
static int xen_cpuid_guarded(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	struct sigaction sa, old;
	volatile int rc = 0; /* set after siglongjmp: must not live in a register */

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = xen_sigill;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGILL, &sa, &old))
		return -errno;
	if (sigsetjmp(xen_jmp, 1) == 0) {
		xen_probing = 1;
		xen_cpuid_insn(leaf, subleaf, r);
	} else {
		rc = -ENODEV;
		r[0] = r[1] = r[2] = r[3] = 0;
	}
	xen_probing = 0;
	sigaction(SIGILL, &old, NULL);
	return rc;
}
#endif

/* Open-addressing table of live answers; full = no more caching. */
#define CACHE_SLOTS 1024
struct hvs_cpuid_cache {
	size_t used;
	struct {
		uint8_t valid;
		uint32_t leaf, sub, r[4];
	} slot[CACHE_SLOTS];
};

static void live_cpuid(struct hvs_cpuid_cache *c, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	size_t h;

	if (!c) {
		hvs_cpuid_insn(leaf, sub, r);
		return;
	}
	h = ((leaf * 2654435761u) ^ (sub * 40503u) ^ (leaf >> 16)) % CACHE_SLOTS;
	for (size_t i = 0; i < CACHE_SLOTS; i++, h = (h + 1) % CACHE_SLOTS) {
		if (!c->slot[h].valid)
			break;
		if (c->slot[h].leaf == leaf && c->slot[h].sub == sub) {
			memcpy(r, c->slot[h].r, sizeof(c->slot[h].r));
			return;
		}
	}
	hvs_cpuid_insn(leaf, sub, r);
	if (c->used >= CACHE_SLOTS * 3 / 4 || c->slot[h].valid)
		return;
	c->slot[h].valid = 1;
	c->slot[h].leaf = leaf;
	c->slot[h].sub = sub;
	memcpy(c->slot[h].r, r, sizeof(c->slot[h].r));
	c->used++;
}

int hvs_cpuid_src_live(struct hvs_cpuid_src *s)
{
	memset(s, 0, sizeof(*s));
	s->kind = HVS_CPUID_LIVE;
	s->cache = calloc(1, sizeof(*s->cache)); /* NULL: uncached, still correct */
	s->format = "live";
	s->subleaf_aware = 1;
	return 0;
}

int hvs_cpuid_src_xen(struct hvs_cpuid_src *s)
{
	memset(s, 0, sizeof(*s));
	s->kind = HVS_CPUID_XEN;
	s->format = "xen-forced-emulation";
	s->subleaf_aware = 1;
#if defined(__x86_64__) || defined(__i386__)
	uint32_t r[4];

	return xen_cpuid_guarded(0x40000000, 0, r);
#else
	return -ENOTSUP;
#endif
}

static int row_cmp(uint32_t l1, uint32_t s1, uint32_t l2, uint32_t s2)
{
	if (l1 != l2)
		return l1 < l2 ? -1 : 1;
	if (s1 != s2)
		return s1 < s2 ? -1 : 1;
	return 0;
}

/* Binary search; returns the index where (leaf, sub) is or would go. */
static size_t row_find(const struct hvs_cpuid_src *s, uint32_t leaf, uint32_t sub, int *found)
{
	size_t lo = 0, hi = s->nrows;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = row_cmp(s->rows[mid].leaf, s->rows[mid].subleaf, leaf, sub);

		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int hvs_cpuid_src_add(struct hvs_cpuid_src *s, uint32_t leaf, uint32_t subleaf, const uint32_t r[4],
		      int line)
{
	struct hvs_cpuid_row *x;

	if (HVS_ARRAY_RESERVE(s->rows, s->cap, s->nrows + 1, 128))
		return -ENOMEM;
	if (s->nrows && row_cmp(s->rows[s->nrows - 1].leaf, s->rows[s->nrows - 1].subleaf, leaf,
				subleaf) >= 0)
		s->unsorted = 1;
	x = &s->rows[s->nrows++];
	x->leaf = leaf;
	x->subleaf = subleaf;
	memcpy(x->r, r, sizeof(x->r));
	x->line = line;
	return 0;
}

/* Order by (leaf, subleaf), then by line so the first occurrence comes first. */
static int row_qcmp(const void *a, const void *b)
{
	const struct hvs_cpuid_row *x = a, *y = b;
	int c = row_cmp(x->leaf, x->subleaf, y->leaf, y->subleaf);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

int hvs_cpuid_src_finish(struct hvs_cpuid_src *s, uint32_t *leaf, uint32_t *subleaf, int *line1,
			 int *line2)
{
	size_t w = 0;

	if (s->unsorted && s->nrows > 1)
		qsort(s->rows, s->nrows, sizeof(*s->rows), row_qcmp);
	s->unsorted = 0;
	for (size_t i = 0; i < s->nrows; i++) {
		if (w && !row_cmp(s->rows[w - 1].leaf, s->rows[w - 1].subleaf, s->rows[i].leaf,
				  s->rows[i].subleaf)) {
			if (memcmp(s->rows[w - 1].r, s->rows[i].r, sizeof(s->rows[i].r))) {
				if (leaf)
					*leaf = s->rows[i].leaf;
				if (subleaf)
					*subleaf = s->rows[i].subleaf;
				if (line1)
					*line1 = s->rows[w - 1].line;
				if (line2)
					*line2 = s->rows[i].line;
				return -EBADMSG;
			}
			continue; /* the same row again, same values: keep one */
		}
		s->rows[w++] = s->rows[i];
	}
	s->nrows = w;
	return 0;
}

int hvs_cpuid(const struct hvs_cpuid_src *s, uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	int found;
	size_t i;

	switch (s->kind) {
	case HVS_CPUID_LIVE:
		live_cpuid(s->cache, leaf, subleaf, r);
		return 1;
	case HVS_CPUID_XEN:
#if defined(__x86_64__) || defined(__i386__)
		return xen_cpuid_guarded(leaf, subleaf, r) ? -ENODEV : 1;
#else
		r[0] = r[1] = r[2] = r[3] = 0;
		return -ENODEV;
#endif
	case HVS_CPUID_REPLAY:
		i = row_find(s, leaf, subleaf, &found);
		if (!found) {
			r[0] = r[1] = r[2] = r[3] = 0;
			return 0;
		}
		memcpy(r, s->rows[i].r, 4 * sizeof(uint32_t));
		return 1;
	}
	return 0;
}

void hvs_cpuid_src_free(struct hvs_cpuid_src *s)
{
	free(s->cache);
	s->cache = NULL;
	free(s->rows);
	s->rows = NULL;
	s->nrows = s->cap = 0;
}
