/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpuid_dump.c - read CPUID dumps in the formats real captures come in, and
 * write our own in Todd Allen's `cpuid -r -1` format.
 *
 * Formats recognised (auto-detected; only the FIRST logical CPU is kept):
 *   todd      `cpuid -r` / `cpuid -r -1`: "CPU:" or "CPU 0:" headers, rows
 *             "   0x40000000 0x00: eax=0x... ebx=0x... ecx=0x... edx=0x..."
 *             (any leading indentation, 2 or 3 spaces in the wild);
 *   instlat   InstLatx64/AIDA64: "CPU#000 AffMask: ..." blocks of
 *             "CPUID 40000000: A-B-C-D [SL 01]";
 *   rjcp      RJCP.DLL.CpuId XML: <processor> blocks of
 *             <register eax="40000000" ecx="00000000">A,B,C,D</register>,
 *             with or without a UTF-8 BOM;
 *   manusov   IC Book Labs report table "Function Subfunction Pass EAX..";
 *   libcpuid  libcpuid .test/raw: basic_cpuid[n]=, ext_cpuid[n]=,
 *             intel_fn4[n]=, intel_fn11[n]=, intel_fn12h[n]=,
 *             intel_fn14h[n]=, amd_fn8000001dh[n]= (no subleaves except
 *             those arrays).
 * A row that starts like a row but does not parse is a truncated or
 * damaged dump: -EBADMSG with the line number. The same (leaf,
 * subleaf) twice with different values inside one CPU block is a
 * contradiction: -EBADMSG.
 */
#include "cpuid_src.h"
#include "core/hvscope.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct lineiter {
	const char *p, *end;
	int lineno;
};

/* Next line as [*ls, *le) without the newline (and without a trailing \r). */
static int next_line(struct lineiter *it, const char **ls, const char **le)
{
	const char *nl;

	if (it->p >= it->end)
		return 0;
	*ls = it->p;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	*le = nl ? nl : it->end;
	it->p = nl ? nl + 1 : it->end;
	if (*le > *ls && (*le)[-1] == '\r')
		(*le)--;
	it->lineno++;
	return 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read 1..8 hex digits (optional 0x); advance *pp. Return 0 or -1. */
static int rd_hex(const char **pp, const char *end, uint32_t *v)
{
	const char *p = *pp;
	uint32_t x = 0;
	int n = 0;

	if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	while (p < end && hexval(*p) >= 0) {
		if (++n > 8)
			return -1;
		x = (x << 4) | (uint32_t)hexval(*p);
		p++;
	}
	if (!n)
		return -1;
	*v = x;
	*pp = p;
	return 0;
}

/* Read a decimal index (at most 6 digits). */
static int rd_dec(const char **pp, const char *end, uint32_t *v)
{
	const char *p = *pp;
	uint32_t x = 0;
	int n = 0;

	while (p < end && *p >= '0' && *p <= '9') {
		if (++n > 6)
			return -1;
		x = x * 10 + (uint32_t)(*p - '0');
		p++;
	}
	if (!n)
		return -1;
	*v = x;
	*pp = p;
	return 0;
}

static const char *skip_sp(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* Match literal lit at *pp; advance. */
static int lit(const char **pp, const char *end, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(end - *pp) < n || memcmp(*pp, s, n))
		return -1;
	*pp += n;
	return 0;
}

static int starts(const char *ls, const char *le, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(le - ls) >= n && !memcmp(ls, s, n);
}

static const char *memstr(const char *h, const char *end, const char *n)
{
	size_t nl = strlen(n);

	for (; h && (size_t)(end - h) >= nl; h++)
		if (!memcmp(h, n, nl))
			return h;
	return NULL;
}

struct pctx {
	struct hvs_cpuid_src *s;
	char *why;
	size_t whylen;
};

static int fail(struct pctx *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct pctx *c, int code, const char *fmt, ...)
{
	va_list ap;

	if (c->why && c->whylen) {
		va_start(ap, fmt);
		vsnprintf(c->why, c->whylen, fmt, ap);
		va_end(ap);
	}
	return -code;
}

static int add(struct pctx *c, int lineno, uint32_t leaf, uint32_t sub, const uint32_t r[4])
{
	if (hvs_cpuid_src_add(c->s, leaf, sub, r, lineno) < 0)
		return fail(c, ENOMEM, "out of memory");
	return 0;
}

/* Sort the table; a (leaf, subleaf) given twice with other values is an error. */
static int finish(struct pctx *c)
{
	uint32_t leaf = 0, sub = 0;
	int l1 = 0, l2 = 0;

	if (hvs_cpuid_src_finish(c->s, &leaf, &sub, &l1, &l2) < 0)
		return fail(c, EBADMSG,
			    "leaf 0x%08x subleaf 0x%x appears twice with different values (lines %d "
			    "and %d): contradictory dump", leaf, sub, l1, l2);
	return 0;
}

/* ---- todd: cpuid -r ---- */
static int parse_todd(struct pctx *c, const char *buf, const char *end)
{
	struct lineiter it = { buf, end, 0 };
	const char *ls, *le;
	int cpus = 0, rows = 0;

	while (next_line(&it, &ls, &le)) {
		const char *p = skip_sp(ls, le);
		uint32_t leaf, sub, r[4];
		static const char *const names[4] = { "eax=", "ebx=", "ecx=", "edx=" };

		if (starts(p, le, "CPU")) {
			const char *q = p + 3;

			q = skip_sp(q, le);
			while (q < le && *q >= '0' && *q <= '9')
				q++;
			if (q < le && *q == ':') {
				if (++cpus > 1 && rows)
					continue; /* count further CPUs, keep the first */
				continue;
			}
		}
		if (!starts(p, le, "0x"))
			continue;
		if (cpus > 1)
			continue;
		if (rd_hex(&p, le, &leaf) || (p = skip_sp(p, le), rd_hex(&p, le, &sub)) ||
		    lit(&p, le, ":"))
			return fail(c, EBADMSG, "line %d: malformed or truncated row", it.lineno);
		for (int i = 0; i < 4; i++) {
			p = skip_sp(p, le);
			if (lit(&p, le, names[i]) || rd_hex(&p, le, &r[i]))
				return fail(c, EBADMSG, "line %d: malformed or truncated row",
					    it.lineno);
		}
		if (add(c, it.lineno, leaf, sub, r))
			return -ENOMEM;
		rows++;
	}
	c->s->ncpus_seen = cpus ? cpus : 1;
	return rows;
}

/* ---- instlat: CPUID 40000000: A-B-C-D [SL 01] ---- */
static int parse_instlat(struct pctx *c, const char *buf, const char *end)
{
	struct lineiter it = { buf, end, 0 };
	const char *ls, *le;
	int cpus = 0, rows = 0;

	while (next_line(&it, &ls, &le)) {
		const char *p = skip_sp(ls, le), *sl;
		uint32_t leaf, sub = 0, r[4];

		if (starts(p, le, "CPU#")) {
			cpus++;
			continue;
		}
		if (!starts(p, le, "CPUID ") || cpus > 1)
			continue;
		p += 6;
		if (rd_hex(&p, le, &leaf) || lit(&p, le, ":"))
			continue; /* "CPUID ..." prose, not a row */
		for (int i = 0; i < 4; i++) {
			p = skip_sp(p, le);
			if ((i && lit(&p, le, "-")) || rd_hex(&p, le, &r[i]))
				return fail(c, EBADMSG, "line %d: malformed or truncated row",
					    it.lineno);
		}
		sl = memstr(p, le, "[SL ");
		if (sl) {
			sl += 4;
			if (rd_hex(&sl, le, &sub))
				return fail(c, EBADMSG, "line %d: bad subleaf", it.lineno);
		}
		if (add(c, it.lineno, leaf, sub, r))
			return -ENOMEM;
		rows++;
	}
	c->s->ncpus_seen = cpus ? cpus : 1;
	return rows;
}

/* ---- rjcp: XML ---- */
static int parse_rjcp(struct pctx *c, const char *buf, const char *end)
{
	const char *p = memstr(buf, end, "<processor"), *pend, *q0;
	int rows = 0, cpus = 0;
	int lineno;

	if (!p)
		return fail(c, EBADMSG, "XML dump without a <processor> element");
	for (const char *q = p; (q = memstr(q, end, "<processor")); q++)
		cpus++;
	pend = memstr(p, end, "</processor>");
	if (!pend)
		return fail(c, EBADMSG, "XML dump truncated: no </processor> after the first CPU");
	lineno = 1;
	for (const char *t = buf; t < p; t++)
		lineno += *t == '\n';
	while ((q0 = memstr(p, pend, "<register"))) {
		uint32_t leaf, sub, r[4];
		const char *q;

		for (const char *t = p; t < q0; t++) /* count lines since the last register */
			lineno += *t == '\n';
		p = q0;
		p += 9;
		q = memstr(p, pend, "eax=\"");
		if (!q || (q += 5, rd_hex(&q, pend, &leaf)) || lit(&q, pend, "\""))
			return fail(c, EBADMSG, "line %d: <register> without a valid eax", lineno);
		q = skip_sp(q, pend);
		if (lit(&q, pend, "ecx=\"") || rd_hex(&q, pend, &sub) || lit(&q, pend, "\"") ||
		    (q = skip_sp(q, pend), lit(&q, pend, ">")))
			return fail(c, EBADMSG, "line %d: <register> without a valid ecx", lineno);
		for (int i = 0; i < 4; i++) {
			q = skip_sp(q, pend);
			if ((i && lit(&q, pend, ",")) || (q = skip_sp(q, pend), rd_hex(&q, pend, &r[i])))
				return fail(c, EBADMSG, "line %d: malformed register values", lineno);
		}
		if (lit(&q, pend, "</register>"))
			return fail(c, EBADMSG, "line %d: malformed <register> element", lineno);
		if (add(c, lineno, leaf, sub, r))
			return -ENOMEM;
		rows++;
		p = q;
	}
	c->s->ncpus_seen = cpus;
	return rows;
}

/* ---- manusov: Function Subfunction Pass EAX EBX ECX EDX ---- */
static int parse_manusov(struct pctx *c, const char *buf, const char *end)
{
	struct lineiter it = { buf, end, 0 };
	const char *ls, *le;
	int state = 0, rows = 0; /* 0 before header, 1 header seen, 2 in rows, 3 closed */

	while (state < 3 && next_line(&it, &ls, &le)) {
		const char *p = skip_sp(ls, le);
		uint32_t v[7];

		if (state == 0) {
			if (memstr(p, le, "Function") && memstr(p, le, "Subfunction"))
				state = 1;
			continue;
		}
		if (starts(p, le, "----")) {
			state = state == 1 ? 2 : 3;
			continue;
		}
		if (p == le)
			continue;
		if (state != 2)
			continue;
		for (int i = 0; i < 7; i++) {
			p = skip_sp(p, le);
			if (rd_hex(&p, le, &v[i]) || (p < le && *p != ' ' && *p != '\t'))
				return fail(c, EBADMSG, "line %d: malformed or truncated row",
					    it.lineno);
		}
		if (v[2] != 0)
			continue; /* a repeated pass of the same function */
		if (add(c, it.lineno, v[0], v[1], &v[3]))
			return -ENOMEM;
		rows++;
	}
	if (state != 3)
		return fail(c, EBADMSG, "table truncated: no closing dashed line");
	c->s->ncpus_seen = 1;
	return rows;
}

/* ---- libcpuid raw ---- */
static const struct {
	const char *key;
	uint32_t leaf;
	int is_sub; /* index is a subleaf of leaf, else added to leaf */
} lc_keys[] = {
	{ "basic_cpuid[", 0, 0 },	      { "ext_cpuid[", 0x80000000, 0 },
	{ "intel_fn4[", 4, 1 },		      { "intel_fn11[", 0xb, 1 },
	{ "intel_fn12h[", 0x12, 1 },	      { "intel_fn14h[", 0x14, 1 },
	{ "amd_fn8000001dh[", 0x8000001d, 1 },
};

/* Index of (leaf, sub) in a finished table, or -1. */
static long row_index(const struct hvs_cpuid_src *s, uint32_t leaf, uint32_t sub)
{
	size_t lo = 0, hi = s->nrows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct hvs_cpuid_row *r = &s->rows[mid];

		if (r->leaf == leaf && r->subleaf == sub)
			return (long)mid;
		if (r->leaf < leaf || (r->leaf == leaf && r->subleaf < sub))
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

#define LC_MAX_INDEX 256 /* libcpuid's arrays are far smaller; larger indices are ignored */

static int parse_libcpuid(struct pctx *c, const char *buf, const char *end)
{
	struct lineiter it = { buf, end, 0 };
	const char *ls, *le;
	int rows = 0;
	struct hvs_cpuid_src tmp[HVS_ARRAY_SIZE(lc_keys)];
	static unsigned char seen[HVS_ARRAY_SIZE(lc_keys)][LC_MAX_INDEX];
	int rc = 0;

	memset(tmp, 0, sizeof(tmp));
	memset(seen, 0, sizeof(seen));
	while (next_line(&it, &ls, &le)) {
		const char *p = skip_sp(ls, le);
		size_t k;
		uint32_t idx, r[4];

		for (k = 0; k < HVS_ARRAY_SIZE(lc_keys); k++)
			if (starts(p, le, lc_keys[k].key))
				break;
		if (k == HVS_ARRAY_SIZE(lc_keys))
			continue;
		p += strlen(lc_keys[k].key);
		if (rd_dec(&p, le, &idx) || lit(&p, le, "]=")) {
			rc = fail(c, EBADMSG, "line %d: malformed or truncated row", it.lineno);
			goto out;
		}
		for (int i = 0; i < 4; i++) {
			p = skip_sp(p, le);
			if (rd_hex(&p, le, &r[i])) {
				rc = fail(c, EBADMSG, "line %d: malformed or truncated row",
					  it.lineno);
				goto out;
			}
		}
		if (idx >= LC_MAX_INDEX)
			continue;
		if (seen[k][idx])
			break; /* the same index again: the next CPU's block begins */
		seen[k][idx] = 1;
		if (hvs_cpuid_src_add(&tmp[k], idx, 0, r, it.lineno) < 0) {
			rc = fail(c, ENOMEM, "out of memory");
			goto out;
		}
		rows++;
	}
	/* Basic/extended rows first; rows beyond the maximum leaf are garbage libcpuid keeps. */
	for (size_t k = 0; k < HVS_ARRAY_SIZE(lc_keys); k++) {
		uint32_t max = 0xffffffff;

		hvs_cpuid_src_finish(&tmp[k], NULL, NULL, NULL, NULL);
		if (lc_keys[k].is_sub)
			continue;
		if (tmp[k].nrows && tmp[k].rows[0].leaf == 0)
			max = tmp[k].rows[0].r[0] - lc_keys[k].leaf;
		for (size_t i = 0; i < tmp[k].nrows; i++)
			if (tmp[k].rows[i].leaf <= max &&
			    add(c, tmp[k].rows[i].line, lc_keys[k].leaf + tmp[k].rows[i].leaf, 0,
				tmp[k].rows[i].r)) {
				rc = -ENOMEM;
				goto out;
			}
	}
	if (finish(c)) {
		rc = -EBADMSG;
		goto out;
	}
	/* Then the subleaf arrays: intel_fnN[0] repeats basic_cpuid[N]; the array wins. */
	for (size_t k = 0; k < HVS_ARRAY_SIZE(lc_keys); k++) {
		if (!lc_keys[k].is_sub)
			continue;
		for (size_t i = 0; i < tmp[k].nrows; i++) {
			const struct hvs_cpuid_row *t = &tmp[k].rows[i];
			long at = row_index(c->s, lc_keys[k].leaf, t->leaf);

			if (at >= 0) {
				memcpy(c->s->rows[at].r, t->r, sizeof(t->r));
				continue;
			}
			if (add(c, t->line, lc_keys[k].leaf, t->leaf, t->r)) {
				rc = -ENOMEM;
				goto out;
			}
		}
	}
	c->s->ncpus_seen = 1;
	rc = rows;
out:
	for (size_t k = 0; k < HVS_ARRAY_SIZE(lc_keys); k++)
		hvs_cpuid_src_free(&tmp[k]);
	return rc;
}

/* Which format is this? Decided by the first line that looks like one. */
static const char *sniff(const char *buf, const char *end)
{
	struct lineiter it = { buf, end, 0 };
	const char *ls, *le;

	if (memstr(buf, end, "<register") && memstr(buf, end, "<processor"))
		return "rjcp";
	while (next_line(&it, &ls, &le)) {
		const char *p = skip_sp(ls, le);
		uint32_t v;

		if (starts(p, le, "CPU#"))
			return "instlat";
		if (starts(p, le, "CPUID ")) {
			const char *q = p + 6;

			if (!rd_hex(&q, le, &v) && !lit(&q, le, ":"))
				return "instlat";
		}
		if (starts(p, le, "basic_cpuid[") || starts(p, le, "ext_cpuid["))
			return "libcpuid";
		if (memstr(p, le, "Function") && memstr(p, le, "Subfunction"))
			return "manusov";
		if (starts(p, le, "0x") && memstr(p, le, "eax="))
			return "todd";
		if (starts(p, le, "CPU:"))
			return "todd";
	}
	return NULL;
}

int hvs_cpuid_src_replay_buf(struct hvs_cpuid_src *s, const char *buf, size_t len, char *why,
			     size_t whylen)
{
	struct pctx c = { s, why, whylen };
	const char *end = buf + len, *fmt;
	int rows;

	memset(s, 0, sizeof(*s));
	s->kind = HVS_CPUID_REPLAY;
	s->subleaf_aware = 1;
	if (why && whylen)
		why[0] = '\0';
	if (len > HVS_CPUID_DUMP_MAX)
		return fail(&c, EFBIG, "dump is %zu bytes, over the %u byte limit", len,
			    HVS_CPUID_DUMP_MAX);
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		buf += 3; /* UTF-8 byte order mark (RJCP files have one) */
	if (memchr(buf, '\0', (size_t)(end - buf)))
		return fail(&c, EBADMSG, "binary data (NUL bytes) in a text dump");
	fmt = sniff(buf, end);
	if (!fmt)
		return fail(&c, EBADMSG, "no CPUID rows in any known dump format");
	s->format = fmt;
	if (!strcmp(fmt, "todd"))
		rows = parse_todd(&c, buf, end);
	else if (!strcmp(fmt, "instlat"))
		rows = parse_instlat(&c, buf, end);
	else if (!strcmp(fmt, "rjcp"))
		rows = parse_rjcp(&c, buf, end);
	else if (!strcmp(fmt, "manusov"))
		rows = parse_manusov(&c, buf, end);
	else {
		s->subleaf_aware = 0;
		rows = parse_libcpuid(&c, buf, end);
	}
	if (rows < 0)
		goto bad;
	if (finish(&c)) {
		rows = -EBADMSG;
		goto bad;
	}
	if (rows == 0) {
		rows = fail(&c, EBADMSG, "%s dump without any CPUID row", fmt);
		goto bad;
	}
	return 0;
bad:
	hvs_cpuid_src_free(s);
	return rows;
}

int hvs_cpuid_src_replay_file(struct hvs_cpuid_src *s, const char *path, char *why, size_t whylen)
{
	char *buf = NULL;
	long n;
	int rc;

	memset(s, 0, sizeof(*s));
	s->kind = HVS_CPUID_REPLAY;
	n = hvs_read_file(path, HVS_CPUID_DUMP_MAX, &buf);
	if (n == -EFBIG) {
		snprintf(why, whylen, "%s: over the %u MiB dump size limit", path, HVS_CPUID_DUMP_MAX >> 20);
		return -EFBIG;
	}
	if (n < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror((int)-n));
		return (int)n;
	}
	rc = hvs_cpuid_src_replay_buf(s, buf, (size_t)n, why, whylen);
	free(buf);
	return rc;
}

/* ---- writer ---- */

static int emit(const struct hvs_cpuid_src *s, FILE *f, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	int rc = hvs_cpuid(s, leaf, sub, r);

	if (rc < 0)
		return rc;
	if (rc == 0)
		return 0; /* a replayed dump without this row: leave it out */
	fprintf(f, "   0x%08x 0x%02x: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x\n", leaf, sub, r[0],
		r[1], r[2], r[3]);
	return 1;
}

/*
 * Subleaf enumeration of the basic leaves, as `cpuid -r` 20230120 does it
 * (compared row by row with it on an AMD EPYC KVM guest; see
 * docs/cpuid-dump.md for the differences that remain).
 */
static void emit_basic(const struct hvs_cpuid_src *s, FILE *f, uint32_t leaf)
{
	uint32_t r[4], r0[4], r1[4];
	uint32_t n;

	if (emit(s, f, leaf, 0, r0) <= 0)
		return;
	switch (leaf) {
	case 4: /* deterministic cache parameters: until cache type 0, which is printed */
		if ((r0[0] & 0x1f) == 0)
			break;
		for (uint32_t i = 1; i < 64; i++) {
			if (emit(s, f, leaf, i, r) <= 0 || (r[0] & 0x1f) == 0)
				break;
		}
		break;
	case 7: case 0x14: case 0x17: case 0x18: case 0x1d: case 0x20: case 0x23: case 0x24:
		/* EAX of subleaf 0 is the highest subleaf */
		n = r0[0] > 63 ? 63 : r0[0];
		for (uint32_t i = 1; i <= n; i++)
			emit(s, f, leaf, i, r);
		break;
	case 0xb: case 0x1f: /* topology: until level type 0, which is printed */
		if (((r0[2] >> 8) & 0xff) == 0)
			break;
		for (uint32_t i = 1; i < 64; i++) {
			if (emit(s, f, leaf, i, r) <= 0 || ((r[2] >> 8) & 0xff) == 0)
				break;
		}
		break;
	case 0xd: { /* XSAVE: 1, then every component set in XCR0 | XSS masks */
		uint64_t mask;

		if (emit(s, f, leaf, 1, r1) <= 0)
			break;
		mask = ((uint64_t)r0[3] << 32 | r0[0]) | ((uint64_t)r1[3] << 32 | r1[2]);
		for (uint32_t i = 2; i < 63; i++)
			if (mask >> i & 1)
				emit(s, f, leaf, i, r);
		break;
	}
	case 0xf: /* RDT monitoring: subleaf 1 when L3 monitoring is enumerated */
		if (r0[3] & 2)
			emit(s, f, leaf, 1, r);
		break;
	case 0x10: /* RDT allocation: a subleaf per resource bit in EBX */
		for (uint32_t i = 1; i < 4; i++)
			if (r0[1] >> i & 1)
				emit(s, f, leaf, i, r);
		break;
	case 0x12: /* SGX: 1, then EPC sections until type 0 (printed) */
		emit(s, f, leaf, 1, r);
		for (uint32_t i = 2; i < 64; i++)
			if (emit(s, f, leaf, i, r) <= 0 || (r[0] & 0xf) == 0)
				break;
		break;
	case 0x1b: /* PCONFIG: until type 0 (printed) */
		for (uint32_t i = 1; i < 64; i++)
			if (emit(s, f, leaf, i, r) <= 0 || (r[0] & 0xfff) == 0)
				break;
		break;
	default:
		break;
	}
}

static void emit_ext(const struct hvs_cpuid_src *s, FILE *f, uint32_t leaf)
{
	uint32_t r[4], r0[4];

	if (emit(s, f, leaf, 0, r0) <= 0)
		return;
	switch (leaf) {
	case 0x8000001d: /* AMD cache topology: until type 0 (not printed) */
		for (uint32_t i = 1; i < 64; i++) {
			if (hvs_cpuid(s, leaf, i, r) <= 0 || (r[0] & 0x1f) == 0)
				break;
			emit(s, f, leaf, i, r);
		}
		break;
	case 0x80000020: /* AMD PQoS: a subleaf per resource bit in EBX */
		for (uint32_t i = 1; i < 4; i++)
			if (r0[1] >> i & 1)
				emit(s, f, leaf, i, r);
		break;
	case 0x80000026: /* AMD extended topology: until level type 0 */
		for (uint32_t i = 1; i < 64; i++)
			if (emit(s, f, leaf, i, r) <= 0 || ((r[2] >> 8) & 0xff) == 0)
				break;
		break;
	default:
		break;
	}
}

/* Highest leaf of a range whose base reports it in EAX, bounded. */
static uint32_t range_max(uint32_t base, uint32_t eax, uint32_t span)
{
	if (eax < base || eax - base > span)
		return base;
	return eax;
}

/* Is this hypervisor base leaf in use? (Same test as probes/hv_scan.c.) */
static int hv_base_present(uint32_t base, const uint32_t r[4])
{
	if (r[0] >= base && r[0] - base <= 0xff && (r[1] | r[2] | r[3]))
		return 1;
	/* Old KVM answered EAX=0 at 0x40000000 meaning "up to 0x40000001". */
	return base == 0x40000000 && r[0] == 0 && (r[1] | r[2] | r[3]);
}

/* Every leaf the source answers, in `cpuid -r -1` format (hvs_cpuid_write_dump() without the pinning). */
static int write_dump(const struct hvs_cpuid_src *s, FILE *f)
{
	uint32_t r[4], max;
	int last_present = -1;

	fprintf(f, "CPU:\n");
	if (hvs_cpuid(s, 0, 0, r) < 0)
		return -ENODEV;
	max = r[0] > 0xff ? 0xff : r[0]; /* guard against garbage in a replayed dump */
	for (uint32_t l = 0; l <= max; l++)
		emit_basic(s, f, l);

	/* Xeon Phi range, printed once like cpuid does */
	if (emit(s, f, 0x20000000, 0, r) > 0) {
		uint32_t m = range_max(0x20000000, r[0], 0xff);

		for (uint32_t l = 0x20000001; l <= m; l++)
			emit(s, f, l, 0, r);
	}

	/*
	 * Hypervisor ranges: every base 0x40000000..0x4000ff00. A base is
	 * printed when in use (and the first base, always), plus the base just
	 * after the last one in use (cpuid -r prints that terminating row too).
	 */
	for (uint32_t i = 0; i < 0x100; i++) {
		uint32_t base = 0x40000000 + (i << 8);

		if (hvs_cpuid(s, base, 0, r) <= 0)
			continue;
		if (hv_base_present(base, r))
			last_present = (int)i;
	}
	for (uint32_t i = 0; i < 0x100 && (int)i <= last_present + 1; i++) {
		uint32_t base = 0x40000000 + (i << 8), m;
		int xen;

		if (hvs_cpuid(s, base, 0, r) <= 0)
			continue;
		if (i && !hv_base_present(base, r) && (int)i != last_present + 1)
			continue;
		emit(s, f, base, 0, r);
		if (!hv_base_present(base, r))
			continue;
		m = r[0] == 0 ? base + 1 : range_max(base, r[0], 0xff);
		/* Xen's base+3 (TSC info) has subleaves 0..2 */
		xen = r[1] == 0x566e6558 && r[2] == 0x65584d4d && r[3] == 0x4d4d566e;
		for (uint32_t l = base + 1; l <= m; l++) {
			emit(s, f, l, 0, r);
			if (xen && l == base + 3) {
				emit(s, f, l, 1, r);
				emit(s, f, l, 2, r);
			}
		}
	}

	if (hvs_cpuid(s, 0x80000000, 0, r) > 0) {
		uint32_t m = range_max(0x80000000, r[0], 0xff);

		for (uint32_t l = 0x80000000; l <= m; l++)
			emit_ext(s, f, l);
	}
	/* Transmeta and Centaur ranges, once each as cpuid does */
	if (emit(s, f, 0x80860000, 0, r) > 0) {
		uint32_t m = range_max(0x80860000, r[0], 0xff);

		for (uint32_t l = 0x80860001; l <= m; l++)
			emit(s, f, l, 0, r);
	}
	if (emit(s, f, 0xc0000000, 0, r) > 0) {
		uint32_t m = range_max(0xc0000000, r[0], 0xff);

		for (uint32_t l = 0xc0000001; l <= m; l++)
			emit(s, f, l, 0, r);
	}
	return ferror(f) ? -EIO : 0;
}

/*
 * APIC IDs (leaves 1, 0xB, 0x1F, 0x8000001E) differ per logical CPU: run on
 * the lowest CPU we may use, like the first block of `cpuid -r`, so a dump
 * does not depend on where the scheduler put us. Returns 0 when pinned (the
 * old mask is in *old), -1 otherwise (dump from wherever we are).
 */
static int pin_first_cpu(cpu_set_t *old)
{
	cpu_set_t one;

	if (sched_getaffinity(0, sizeof(*old), old))
		return -1;
	for (int i = 0; i < CPU_SETSIZE; i++) {
		if (!CPU_ISSET(i, old))
			continue;
		CPU_ZERO(&one);
		CPU_SET(i, &one);
		return sched_setaffinity(0, sizeof(one), &one) ? -1 : 0;
	}
	return -1;
}

int hvs_cpuid_write_dump(const struct hvs_cpuid_src *s, FILE *f)
{
	cpu_set_t old;
	int pinned = s->kind != HVS_CPUID_REPLAY && pin_first_cpu(&old) == 0, r;

	r = write_dump(s, f);
	if (pinned)
		sched_setaffinity(0, sizeof(old), &old);
	return r;
}
