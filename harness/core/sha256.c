/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sha256.c - SHA-256 (FIPS 180-4), see sha256.h. It digests every result
 * an ingest reads (~5 KB each, 10,000 files in docs/PERFORMANCE.md's fleet
 * benchmark), so it uses the x86 SHA extensions when CPUID has them (about
 * 5x the portable code here) and the portable code everywhere else;
 * tests/unit/sha256.c checks both against FIPS 180-4 and each other.
 */
#include "sha256.h"

#include <stdio.h>
#include <string.h>

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define HVS_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static uint32_t ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

#define S0(a) (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22))
#define S1(e) (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25))
#define ROUND(a, b, c, d, e, f, g, h, i)                                            \
	do {                                                                        \
		uint32_t t1_ = h + S1(e) + ((e & f) ^ (~e & g)) + K[i] + w[i];      \
		d += t1_;                                                           \
		h = t1_ + S0(a) + ((a & b) ^ (a & c) ^ (b & c));                    \
	} while (0)

static void blocks_portable(uint32_t *h, const unsigned char *p, size_t n)
{
	for (; n--; p += 64) {
		uint32_t w[64], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5],
				g = h[6], hh = h[7];
		int i;

		for (i = 0; i < 16; i++)
			w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
			       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
		for (; i < 64; i++)
			w[i] = w[i - 16] + (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
			       w[i - 7] + (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10));
		for (i = 0; i < 64; i += 8) {
			ROUND(a, b, c, d, e, f, g, hh, i);
			ROUND(hh, a, b, c, d, e, f, g, i + 1);
			ROUND(g, hh, a, b, c, d, e, f, i + 2);
			ROUND(f, g, hh, a, b, c, d, e, i + 3);
			ROUND(e, f, g, hh, a, b, c, d, i + 4);
			ROUND(d, e, f, g, hh, a, b, c, i + 5);
			ROUND(c, d, e, f, g, hh, a, b, i + 6);
			ROUND(b, c, d, e, f, g, hh, a, i + 7);
		}
		h[0] += a;
		h[1] += b;
		h[2] += c;
		h[3] += d;
		h[4] += e;
		h[5] += f;
		h[6] += g;
		h[7] += hh;
	}
}

#if HVS_SHA_NI
/* The SHA extensions (SHA256RNDS2 does two rounds, SHA256MSG1/2 the message
 * schedule), in the state layout they want: ABEF and CDGH. */
__attribute__((target("sha,sse4.1,ssse3"))) static void blocks_shani(uint32_t *h,
								     const unsigned char *p,
								     size_t n)
{
	const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i t = _mm_loadu_si128((const __m128i *)h);
	__m128i s1 = _mm_loadu_si128((const __m128i *)(h + 4));
	__m128i s0;

	t = _mm_shuffle_epi32(t, 0xB1);        /* CDAB */
	s1 = _mm_shuffle_epi32(s1, 0x1B);      /* EFGH */
	s0 = _mm_alignr_epi8(t, s1, 8);        /* ABEF */
	s1 = _mm_blend_epi16(s1, t, 0xF0);     /* CDGH */
	for (; n--; p += 64) {
		__m128i abef = s0, cdgh = s1, m[4];

		for (int i = 0; i < 4; i++)
			m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), swap);
		for (int i = 0; i < 16; i++) {
			__m128i k = _mm_add_epi32(m[i & 3], _mm_loadu_si128((const __m128i *)(K + 4 * i)));

			s1 = _mm_sha256rnds2_epu32(s1, s0, k);
			s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(k, 0x0E));
			if (i < 12) /* the words of rounds 4i+16 .. 4i+19 */
				m[i & 3] = _mm_sha256msg2_epu32(
					_mm_add_epi32(_mm_sha256msg1_epu32(m[i & 3], m[(i + 1) & 3]),
						      _mm_alignr_epi8(m[(i + 3) & 3], m[(i + 2) & 3], 4)),
					m[(i + 3) & 3]);
		}
		s0 = _mm_add_epi32(s0, abef);
		s1 = _mm_add_epi32(s1, cdgh);
	}
	t = _mm_shuffle_epi32(s0, 0x1B);       /* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xB1);      /* DCHG */
	s0 = _mm_blend_epi16(t, s1, 0xF0);     /* DCBA */
	s1 = _mm_alignr_epi8(s1, t, 8);        /* ABEF */
	_mm_storeu_si128((__m128i *)h, s0);
	_mm_storeu_si128((__m128i *)(h + 4), s1);
}

static int have_shani(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3))
		return 0;
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}
#endif

/* -1: not decided yet; 0: portable; 1: SHA extensions. */
static int impl = -1;

static void blocks(struct hvs_sha256 *c, const unsigned char *p, size_t n)
{
#if HVS_SHA_NI
	if (impl < 0)
		impl = have_shani();
	if (impl) {
		blocks_shani(c->h, p, n);
		return;
	}
#endif
	blocks_portable(c->h, p, n);
}

const char *hvs_sha256_impl(int portable)
{
#if HVS_SHA_NI
	impl = portable ? 0 : have_shani();
#else
	(void)portable;
	impl = 0;
#endif
	return impl ? "x86 SHA extensions" : "portable";
}

void hvs_sha256_init(struct hvs_sha256 *c)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(c->h, iv, sizeof(iv));
	c->len = 0;
	c->nbuf = 0;
}

void hvs_sha256_update(struct hvs_sha256 *c, const void *data, size_t len)
{
	const unsigned char *p = data;

	c->len += len;
	if (c->nbuf) {
		size_t k = sizeof(c->buf) - c->nbuf;

		if (k > len)
			k = len;
		memcpy(c->buf + c->nbuf, p, k);
		c->nbuf += k;
		p += k;
		len -= k;
		if (c->nbuf < sizeof(c->buf))
			return;
		blocks(c, c->buf, 1);
		c->nbuf = 0;
	}
	if (len >= 64) { /* whole blocks straight from the caller's buffer */
		blocks(c, p, len / 64);
		p += len & ~(size_t)63;
		len &= 63;
	}
	memcpy(c->buf, p, len);
	c->nbuf = len;
}

void hvs_sha256_hex(struct hvs_sha256 *c, char *hex)
{
	uint64_t bits = c->len * 8;
	unsigned char pad = 0x80, len[8];

	hvs_sha256_update(c, &pad, 1);
	pad = 0;
	while (c->nbuf != 56)
		hvs_sha256_update(c, &pad, 1);
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (56 - 8 * i));
	hvs_sha256_update(c, len, 8);
	for (int i = 0; i < 8; i++)
		snprintf(hex + 8 * i, 9, "%08x", c->h[i]);
}
