/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpuid_src.h - where CPUID answers come from.
 *
 * Every decoder asks a struct hvs_cpuid_src instead of executing CPUID
 * itself, so the whole fingerprint can be replayed from a dump file:
 *   - live:   the CPUID instruction on the CPU we run on;
 *   - replay: a table read from a dump (probes/cpuid_dump.c parses five
 *             formats; see there);
 *   - xen:    Xen's forced-emulation CPUID (`ud2a; .ascii "xen"; cpuid`).
 *             In a Xen PV guest plain CPUID does not trap (without CPUID
 *             faulting), so it shows whatever is below Xen; the forced
 *             prefix makes Xen emulate CPUID and shows Xen's own leaves.
 *             Anywhere else the ud2a raises SIGILL: we catch it and the
 *             source reports itself unavailable.
 */
#ifndef HVS_CPUID_SRC_H
#define HVS_CPUID_SRC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum hvs_cpuid_kind {
	HVS_CPUID_LIVE = 0,
	HVS_CPUID_REPLAY,
	HVS_CPUID_XEN,
};

/* One row of a dump: (leaf, subleaf) -> eax, ebx, ecx, edx. */
struct hvs_cpuid_row {
	uint32_t leaf;
	uint32_t subleaf;
	uint32_t r[4];
	int line; /* replay: line of the dump it came from (0 unknown) */
};

enum { HVS_EAX = 0, HVS_EBX, HVS_ECX, HVS_EDX };

struct hvs_cpuid_cache;

struct hvs_cpuid_src {
	enum hvs_cpuid_kind kind;
	/*
	 * live only: answers already fetched. In a VM every CPUID is an exit
	 * (~4 us here), and the decoders, libcpuid and the writer ask for the
	 * same leaves; each is executed once per process.
	 */
	struct hvs_cpuid_cache *cache;
	/* replay only: sorted by (leaf, subleaf), no duplicates (after _finish) */
	struct hvs_cpuid_row *rows;
	size_t nrows;
	size_t cap;
	int unsorted; /* rows were appended out of order: _finish sorts them */
	const char *format; /* replay: name of the dump format detected */
	int subleaf_aware;  /* replay: the format records subleaves */
	int ncpus_seen;     /* replay: logical CPUs in the file (only the first is kept) */
};

/* Largest dump accepted (bytes); beyond it -EFBIG (exit code 5). */
#define HVS_CPUID_DUMP_MAX (16u << 20)

/* A source that executes CPUID. Return 0. */
int hvs_cpuid_src_live(struct hvs_cpuid_src *s);

/*
 * A source that uses Xen's forced-emulation prefix. Probes once (leaf
 * 0x40000000) with a temporary SIGILL handler; the previous handler is
 * restored before returning.
 * Return: 0 when Xen answered, -ENODEV when the prefix raised SIGILL (not a
 * Xen PV guest, or HVM without hvm_fep), -ENOTSUP on non-x86.
 */
int hvs_cpuid_src_xen(struct hvs_cpuid_src *s);

/*
 * A source that replays a dump file (format auto-detected).
 * Return: 0, -EBADMSG (not a dump, truncated or contradictory rows),
 * -EFBIG (over HVS_CPUID_DUMP_MAX), -ENOMEM or the -errno of reading it. *why (may be NULL) receives a static/allocated-in-s explanation.
 */
int hvs_cpuid_src_replay_file(struct hvs_cpuid_src *s, const char *path, char *why, size_t whylen);
/* Same from memory (used by the fuzz target). buf need not be terminated. */
int hvs_cpuid_src_replay_buf(struct hvs_cpuid_src *s, const char *buf, size_t len, char *why,
			     size_t whylen);

/*
 * Ask the source. Args: leaf, subleaf, r = eax..edx out.
 * Return: 1 when answered (live/xen always; replay: the row exists),
 * 0 when a replay dump lacks the row (r is zeroed), -ENODEV for an
 * unavailable Xen source.
 */
int hvs_cpuid(const struct hvs_cpuid_src *s, uint32_t leaf, uint32_t subleaf, uint32_t r[4]);

void hvs_cpuid_src_free(struct hvs_cpuid_src *s);

/* Raw CPUID instruction (x86 only; zeros elsewhere). */
void hvs_cpuid_insn(uint32_t leaf, uint32_t subleaf, uint32_t r[4]);

/*
 * Replay table helpers (cpuid_dump.c). _add appends a row (amortised O(1),
 * whatever the order of the dump) and returns 0 or -ENOMEM. _finish sorts,
 * drops identical repeats and returns -EBADMSG when the same (leaf,
 * subleaf) came with different values (line1, line2: where); lookups need
 * a finished table.
 */
int hvs_cpuid_src_add(struct hvs_cpuid_src *s, uint32_t leaf, uint32_t subleaf, const uint32_t r[4],
		      int line);
int hvs_cpuid_src_finish(struct hvs_cpuid_src *s, uint32_t *leaf, uint32_t *subleaf, int *line1,
			 int *line2);

/*
 * Write every leaf the source answers, in Todd Allen's `cpuid -r -1`
 * format ("CPU:" then rows "   0x%08x 0x%02x: eax=0x%08x ..."), to f.
 * Which subleaves are enumerated: see cpuid_dump.c. A live or Xen source
 * is read on the lowest CPU this process may use, like the first block of
 * `cpuid -r` (APIC IDs differ per CPU), the affinity restored after.
 * Return 0 or -errno.
 */
int hvs_cpuid_write_dump(const struct hvs_cpuid_src *s, FILE *f);

#endif
