/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * digest.c - the canonical JSON text of a result and its SHA-256, see
 * digest.h. Before this file the digest was json_dump_callback() feeding
 * SHA-256 a few bytes at a time, and 40% of an ingest's CPU (glibc printing
 * every number with "%.17g" through its multi-precision code). The text is
 * the same byte for byte: tests/unit/digest.c checks the number formatter
 * against snprintf on millions of doubles and whole documents against
 * jansson's dumper.
 */
#include "digest.h"
#include "core/sha256.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ %.17g */

static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
				     "25262728293031323334353637383940414243444546474849"
				     "50515253545556575859606162636465666768697071727374"
				     "75767778798081828384858687888990919293949596979899";

/* The 17 decimal digits of q (10^16 <= q < 10^17) into d[0..16]. */
static void put17(uint64_t q, char *d)
{
	int i = 17;

	while (i > 1) {
		unsigned r = (unsigned)(q % 100);

		q /= 100;
		i -= 2;
		memcpy(d + i, digit_pairs + 2 * r, 2);
	}
	d[0] = (char)('0' + q);
}

/* What jansson does to printf's text (strconv.c jsonp_dtostr): ".0" when
 * there is neither '.' nor 'e'; the exponent without '+' and leading zeros. */
static int jansson_fixup(char *b, int n)
{
	char *e, *start, *end;

	if (!strchr(b, '.') && !strchr(b, 'e')) {
		memcpy(b + n, ".0", 3);
		n += 2;
	}
	e = strchr(b, 'e');
	if (e) {
		start = e + 1;
		end = start + 1;
		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		if (end != start) {
			memmove(start, end, (size_t)(n - (end - b)) + 1);
			n -= (int)(end - start);
		}
	}
	return n;
}

static int slow17(double x, char *buf)
{
	int n = snprintf(buf, HVS_REAL17_MAX - 3, "%.17g", x);

	return jansson_fixup(buf, n);
}

#ifdef __SIZEOF_INT128__
typedef unsigned __int128 u128;

static const uint64_t pow10_64[20] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
	100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
	10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL, 10000000000000000000ULL,
};

/* 5^p for 0 <= p <= 32 (5^32 < 2^75: times a 53-bit mantissa stays < 2^128). */
static u128 pow5(int p)
{
	u128 r = 1;

	if (p > 19) {
		r = 19073486328125ULL; /* 5^19 */
		p -= 19;
	}
	return r * (uint64_t)(pow10_64[p] >> p); /* 10^p / 2^p = 5^p, exact for p <= 19 */
}

/*
 * x = m * 2^e (m < 2^53) times 10^p, as an integer q and whether the
 * dropped fraction is below, exactly or above one half (-1, 0, 1; -1 when
 * nothing was dropped). 0, or -1 when outside the exact range.
 */
static int scale(uint64_t m, int e, int p, uint64_t *q, int *half)
{
	u128 n, r, h;

	if (p >= 0) {
		int s;

		if (p > 32)
			return -1;
		n = (u128)m * pow5(p);
		s = e + p; /* x * 10^p = n * 2^s */
		if (s >= 0) {
			if (s > 64 || (n << s) >> s != n || (n << s) >> 64)
				return -1;
			*q = (uint64_t)(n << s);
			*half = -1;
			return 0;
		}
		s = -s;
		if (s >= 127)
			return -1;
		r = n & (((u128)1 << s) - 1);
		n >>= s;
		if (n >> 64)
			return -1;
		*q = (uint64_t)n;
		h = (u128)1 << (s - 1);
		*half = r < h ? -1 : r == h ? 0 : 1;
		return 0;
	}
	/* p < 0: x >= 10^17 > 2^53, so e > 0 and x is an integer */
	if (e < 0 || e > 74 || -p > 38)
		return -1;
	n = (u128)m << e;
	h = 1;
	for (int i = 0; i < -p; i++)
		h *= 10;
	r = n % h;
	n /= h;
	if (n >> 64)
		return -1;
	*q = (uint64_t)n;
	h /= 2;
	*half = r < h ? -1 : r == h ? 0 : 1;
	return 0;
}

/* The 17 significant digits of |x| (normal, nonzero) rounded half to even,
 * and the decimal exponent of the first. 0, or -1 outside the exact range. */
static int digits17(uint64_t bits, uint64_t *q, int *k)
{
	int be = (int)(bits >> 52) & 0x7ff, e, e2, p, half;
	uint64_t m = (bits & ((1ULL << 52) - 1)) | (1ULL << 52);

	if (be == 0 || be == 0x7ff)
		return -1;
	e = be - 1075;
	e2 = e + 52; /* 2^e2 <= x < 2^(e2+1) */
	/* floor(e2 * log10(2)), maybe one too small or large: corrected below */
	*k = e2 >= 0 ? (e2 * 78913) >> 18 : -((-e2 * 78913 + (1 << 18) - 1) >> 18);
	for (int tries = 0; tries < 3; tries++) {
		p = 16 - *k;
		if (scale(m, e, p, q, &half))
			return -1;
		if (*q >= pow10_64[17]) {
			(*k)++;
			continue;
		}
		if (*q < pow10_64[16]) {
			(*k)--;
			continue;
		}
		if (half > 0 || (half == 0 && (*q & 1))) /* a tie goes to even */
			(*q)++;
		if (*q == pow10_64[17]) {
			*q = pow10_64[16];
			(*k)++;
		}
		return 0;
	}
	return -1;
}
#endif

int hvs_real17(double x, char *buf)
{
	uint64_t bits;
	char *o = buf;

	memcpy(&bits, &x, sizeof(bits));
	if ((bits & ~(1ULL << 63)) == 0) {
		memcpy(buf, bits ? "-0.0" : "0.0", bits ? 5 : 4);
		return bits ? 4 : 3;
	}
#ifdef __SIZEOF_INT128__
	uint64_t q;
	int k, nd;
	char d[17];

	if (digits17(bits, &q, &k))
		return slow17(x, buf);
	put17(q, d);
	for (nd = 17; d[nd - 1] == '0'; nd--)
		;
	if (bits >> 63)
		*o++ = '-';
	if (k < -4 || k >= 17) { /* %e style: d[.ddd]e[-]X */
		int a = k < 0 ? -k : k;

		*o++ = d[0];
		if (nd > 1) {
			*o++ = '.';
			memcpy(o, d + 1, (size_t)nd - 1);
			o += nd - 1;
		}
		*o++ = 'e';
		if (k < 0)
			*o++ = '-';
		if (a >= 100)
			*o++ = (char)('0' + a / 100);
		if (a >= 10)
			*o++ = (char)('0' + a / 10 % 10);
		*o++ = (char)('0' + a % 10);
	} else if (k >= 0) { /* k+1 integer digits, then the fraction or ".0" */
		memcpy(o, d, (size_t)k + 1);
		o += k + 1;
		*o++ = '.';
		if (nd > k + 1) {
			memcpy(o, d + k + 1, (size_t)(nd - k - 1));
			o += nd - k - 1;
		} else {
			*o++ = '0';
		}
	} else { /* 0.000ddd */
		*o++ = '0';
		*o++ = '.';
		for (int i = -1; i > k; i--)
			*o++ = '0';
		memcpy(o, d, (size_t)nd);
		o += nd;
	}
	*o = '\0';
	return (int)(o - buf);
#else
	(void)o;
	return slow17(x, buf);
#endif
}

/* ------------------------------------------------------------ the text */

#if HAVE_JANSSON

struct out {
	struct hvs_sha256 sha;
	size_t n;
	char buf[8192];
};

static void flush(struct out *o)
{
	hvs_sha256_update(&o->sha, o->buf, o->n);
	o->n = 0;
}

/* Room for k more bytes (k <= sizeof(buf)). */
static char *room(struct out *o, size_t k)
{
	if (o->n + k > sizeof(o->buf))
		flush(o);
	return o->buf + o->n;
}

static void put(struct out *o, const char *s, size_t k)
{
	if (o->n + k > sizeof(o->buf)) {
		flush(o);
		if (k > sizeof(o->buf)) { /* a long string: straight to SHA-256 */
			hvs_sha256_update(&o->sha, s, k);
			return;
		}
	}
	memcpy(o->buf + o->n, s, k);
	o->n += k;
}

static void putc1(struct out *o, char c)
{
	*room(o, 1) = c;
	o->n++;
}

/* jansson's dump_string without JSON_ENSURE_ASCII or JSON_ESCAPE_SLASH: '"',
 * '\\' and control characters escaped, the rest (valid UTF-8) verbatim. */
static void put_string(struct out *o, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0, run = 0;

	putc1(o, '"');
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = { '\\', 0, '0', '0', 0, 0 };
		size_t el = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(o, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			esc[1] = 'u';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			el = 6;
		}
		put(o, esc, el);
	}
	put(o, s + run, len - run);
	putc1(o, '"');
}

struct key {
	const char *s;
	size_t len;
	const json_t *v;
};

/* jansson's compare_keys: bytes, then the shorter first. */
static int key_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int r = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);

	return r ? r : (x->len > y->len) - (x->len < y->len);
}

static int put_value(struct out *o, const json_t *v, int depth)
{
	size_t i, n;

	if (depth > 2048) /* jansson's parser stops at 2048 levels */
		return -EINVAL;
	switch (json_typeof(v)) {
	case JSON_NULL:
		put(o, "null", 4);
		return 0;
	case JSON_TRUE:
		put(o, "true", 4);
		return 0;
	case JSON_FALSE:
		put(o, "false", 5);
		return 0;
	case JSON_INTEGER: {
		json_int_t x = json_integer_value(v);
		uint64_t u = x < 0 ? -(uint64_t)x : (uint64_t)x;
		char b[24], *p = b + sizeof(b);

		do {
			*--p = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		if (x < 0)
			*--p = '-';
		put(o, p, (size_t)(b + sizeof(b) - p));
		return 0;
	}
	case JSON_REAL: {
		char *p = room(o, HVS_REAL17_MAX);

		o->n += (size_t)hvs_real17(json_real_value(v), p);
		return 0;
	}
	case JSON_STRING:
		put_string(o, json_string_value(v), json_string_length(v));
		return 0;
	case JSON_ARRAY:
		putc1(o, '[');
		n = json_array_size(v);
		for (i = 0; i < n; i++) {
			int ret;

			if (i)
				putc1(o, ',');
			if ((ret = put_value(o, json_array_get(v, i), depth + 1)))
				return ret;
		}
		putc1(o, ']');
		return 0;
	case JSON_OBJECT: {
		struct key few[16], *keys = few;
		void *it;
		int ret = 0;

		n = json_object_size(v);
		if (n > sizeof(few) / sizeof(few[0]) && !(keys = malloc(n * sizeof(*keys))))
			return -ENOMEM;
		i = 0;
		for (it = json_object_iter((json_t *)v); it && i < n;
		     it = json_object_iter_next((json_t *)v, it), i++) {
			keys[i].s = json_object_iter_key(it);
			keys[i].len = json_object_iter_key_len(it);
			keys[i].v = json_object_iter_value(it);
		}
		n = i;
		qsort(keys, n, sizeof(*keys), key_cmp);
		putc1(o, '{');
		for (i = 0; i < n && !ret; i++) {
			if (i)
				putc1(o, ',');
			put_string(o, keys[i].s, keys[i].len);
			putc1(o, ':');
			ret = put_value(o, keys[i].v, depth + 1);
		}
		putc1(o, '}');
		if (keys != few)
			free(keys);
		return ret;
	}
	}
	return -EINVAL;
}

int hvs_json_digest(const json_t *root, char *hex)
{
	struct out *o = malloc(sizeof(*o));
	int ret;

	if (!o)
		return -ENOMEM;
	hvs_sha256_init(&o->sha);
	o->n = 0;
	ret = put_value(o, root, 0);
	if (!ret) {
		flush(o);
		hvs_sha256_hex(&o->sha, hex);
	}
	free(o);
	return ret;
}

#endif
