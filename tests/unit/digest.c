/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * digest.c - harness/results/digest.c against jansson itself: the number
 * formatter (hvs_real17) against json_dumps of a real with
 * JSON_REAL_PRECISION(17) on ~1 M doubles (HVS_DIGEST_N sets how many per
 * family: random bit patterns with subnormals, NaN and infinities, the
 * exact range, short decimals, powers and their neighbours, exact ties at
 * the 17th digit), and the digest of random documents (some with strings
 * over 8 KiB) against SHA-256 of json_dump_callback's canonical text (the
 * digest before digest.c).
 */
#include "core/sha256.h"
#include "results/digest.h"
#include "tap.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if HAVE_JANSSON

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double from_bits(uint64_t b)
{
	double x;

	memcpy(&x, &b, sizeof(x));
	return x;
}

/* What jansson writes for x (finite), or for NaN and infinities what its
 * jsonp_dtostr would make of printf's text: "%.17g" and ".0". */
static void reference(double x, char *out, size_t len)
{
	if (isfinite(x)) {
		json_t *r = json_real(x);
		char *s = json_dumps(r, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));

		snprintf(out, len, "%s", s ? s : "(null)");
		free(s);
		json_decref(r);
	} else {
		snprintf(out, len, "%.17g.0", x);
	}
}

static long bad;

static void check(double x)
{
	char want[64], got[HVS_REAL17_MAX];
	int n = hvs_real17(x, got);

	reference(x, want, sizeof(want));
	if (strcmp(got, want) || n != (int)strlen(got)) {
		if (bad++ < 10)
			diag("%a: got \"%s\" (%d), want \"%s\"", x, got, n, want);
	}
}

static int family(const char *name, long n, double (*gen)(long))
{
	bad = 0;
	for (long i = 0; i < n; i++) {
		double x = gen(i);

		check(x);
		check(-x);
	}
	return ok_(bad == 0, "%s: %ld doubles (and their negatives) as jansson prints them", name, n);
}

static double g_bits(long i)
{
	(void)i;
	return from_bits(next());
}

/* 2^e2 <= |x| < 2^(e2+1) with e2 in [-80, 140]: the exact path and both ends. */
static double g_range(long i)
{
	uint64_t e2 = (uint64_t)(i % 221) + 1023 - 80;

	return from_bits(e2 << 52 | (next() & ((1ULL << 52) - 1)));
}

/* Short decimals, like a benchmark's medians: strtod of 1-17 digits. */
static double g_decimal(long i)
{
	char b[64];
	int digits = (int)(i % 17) + 1, exp10 = (int)(next() % 50) - 25;
	uint64_t m = next() % 100000000000000000ULL;

	for (int k = 17; k > digits; k--)
		m /= 10;
	snprintf(b, sizeof(b), "%llue%d", (unsigned long long)m, exp10);
	return strtod(b, NULL);
}

/* Powers of 2 and 10, integers, and their neighbours one ulp away. */
static double g_powers(long i)
{
	int k = (int)(i / 3 % 700) - 350, side = (int)(i % 3) - 1;
	double x;

	switch (i / 2100 % 3) {
	case 0: x = ldexp(1.0, k * 3); break;
	case 1: x = pow(10.0, k % 330); break;
	default: x = (double)(i * 7919 % 100000000) * (i % 2 ? 1.0 : 1e9); break;
	}
	if (side < 0)
		x = nextafter(x, 0);
	else if (side > 0)
		x = nextafter(x, INFINITY);
	return x == 0 ? 1.0 : x;
}

/* Exact ties: m * 2^-j (m odd, < 2^53) is m * 5^j * 10^-j, 18 significant
 * digits ending in 5 when m * 5^j has 18 digits: half way at the 17th. */
static double g_ties(long i)
{
	int j = (int)(i % 22) + 2;
	uint64_t p5 = 1, lo, hi, m;

	for (int k = 0; k < j; k++)
		p5 *= 5;
	lo = (100000000000000000ULL + p5 - 1) / p5;
	hi = 999999999999999999ULL / p5;
	if (hi >= 1ULL << 53)
		hi = (1ULL << 53) - 1;
	m = (lo + next() % (hi - lo + 1)) | 1;
	if (m > hi)
		m -= 2;
	return ldexp((double)m, -j);
}

/* ---- documents */

static json_t *real_value(void)
{
	switch (next() % 4) {
	case 0: return json_real(g_decimal((long)(next() % 1000)));
	case 1: return json_real(g_range((long)(next() % 1000)));
	case 2: return json_real(g_ties((long)(next() % 1000)));
	default: {
		double x = g_bits(0);

		return json_real(isfinite(x) ? x : 0.5);
	}
	}
}

static void random_string(char *b, size_t *len)
{
	static const char *const pieces[] = { "a", "Z", "metric.", "\"", "\\", "/", "\n", "\t",
					      "\x01", "\x1f", "\x7f", "\xc3\xa9", "\xe2\x82\xac",
					      "\xf0\x9f\x98\x80", " ", "\b", "\f", "\r", "0" };
	size_t n = next() % 12, l = 0;

	for (size_t i = 0; i < n; i++) {
		const char *p = pieces[next() % (sizeof(pieces) / sizeof(pieces[0]))];

		memcpy(b + l, p, strlen(p));
		l += strlen(p);
	}
	b[l] = '\0';
	*len = l;
}

static json_t *random_value(int depth)
{
	char s[128];
	size_t len;

	switch (next() % (depth > 4 ? 7 : 9)) {
	case 0: return json_null();
	case 1: return json_true();
	case 2: return json_false();
	case 3: {
		static const json_int_t edge[] = { 0, 1, -1, INT64_MAX, INT64_MIN, 100, -100 };

		return json_integer(next() % 2 ? edge[next() % 7] : (json_int_t)next());
	}
	case 4:
	case 5: return real_value();
	case 6: random_string(s, &len); return json_stringn(s, len);
	case 7: {
		json_t *a = json_array();
		size_t n = next() % 30;

		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, random_value(depth + 1));
		return a;
	}
	default: {
		json_t *o = json_object();
		size_t n = next() % 20;

		for (size_t i = 0; i < n; i++) {
			random_string(s, &len);
			json_object_setn_new(o, s, len, random_value(depth + 1));
		}
		return o;
	}
	}
}

static int dump_sha(const char *buf, size_t len, void *arg)
{
	hvs_sha256_update(arg, buf, len);
	return 0;
}

/* The digest before digest.c: jansson's dumper into SHA-256. */
static void old_digest(const json_t *root, char *hex)
{
	struct hvs_sha256 c;

	hvs_sha256_init(&c);
	json_dump_callback(root, dump_sha, &c,
			   JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17) | JSON_ENCODE_ANY);
	hvs_sha256_hex(&c, hex);
}

static int documents(long n)
{
	long differ = 0, reparsed = 0;

	for (long i = 0; i < n; i++) {
		json_t *doc = json_object(), *back;
		char want[HVS_SHA256_HEX], got[HVS_SHA256_HEX], *text;

		json_object_set_new(doc, "metrics", random_value(0));
		json_object_set_new(doc, "run", random_value(0));
		json_object_set_new(doc, "samples", random_value(5));
		if (i % 50 == 0) { /* runs of text longer than digest.c's 8 KiB buffer */
			static const char alphabet[] = "ab\"\\\ncd\x01" "e"; /* 9 bytes */
			static char big[40000];
			size_t len = 8000 + (size_t)(next() % 32000);

			for (size_t j = 0; j < len; j++)
				big[j] = next() % 5000 ? (char)('a' + next() % 26) :
							  alphabet[next() % (sizeof(alphabet) - 1)];
			json_object_set_new(doc, "long", json_stringn(big, len));
		}
		old_digest(doc, want);
		if (hvs_json_digest(doc, got) || strcmp(want, got))
			differ++;
		/* what ingest digests: the parsed text */
		text = json_dumps(doc, JSON_REAL_PRECISION(17 - (int)(next() % 3)));
		back = text ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;
		if (back) {
			reparsed++;
			old_digest(back, want);
			if (hvs_json_digest(back, got) || strcmp(want, got))
				differ++;
		}
		if (differ == 1 && i < 3)
			diag("first document differs: %s", text ? text : "?");
		free(text);
		json_decref(back);
		json_decref(doc);
	}
	return ok_(differ == 0 && reparsed == n,
		   "%ld random documents (and %ld parsed back): the digest of jansson's canonical text",
		   n, reparsed);
}

int main(void)
{
	const char *e = getenv("HVS_DIGEST_N");
	long n = e ? atol(e) : 100000;

	plan(7);
	family("random bit patterns (subnormals, NaN, infinities)", n, g_bits);
	family("1e-24 < x < 2^141", n, g_range);
	family("short decimals", n, g_decimal);
	family("powers of 2 and 10, integers, one ulp either side", n, g_powers);
	family("exact ties at the 17th digit", n, g_ties);
	{
		char b[HVS_REAL17_MAX];

		hvs_real17(0.0, b);
		ok_(!strcmp(b, "0.0") && (hvs_real17(-0.0, b), !strcmp(b, "-0.0")), "0.0 and -0.0");
	}
	documents(n / 50 > 200 ? n / 50 : 200);
	return done_testing();
}

#else
int main(void)
{
	plan(1);
	skip(1, "built without jansson");
	return done_testing();
}
#endif
