/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sha256.c - harness/core/sha256.c against the FIPS 180-4 examples and a
 * message fed in uneven pieces (the streaming path the result digest uses),
 * with the portable code and with the x86 SHA extensions when the CPU has
 * them; and both on 2,000 random messages of random lengths and pieces.
 */
#include "core/sha256.h"
#include "tap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void digest(const char *msg, size_t piece, char *hex)
{
	struct hvs_sha256 c;
	size_t len = strlen(msg);

	hvs_sha256_init(&c);
	for (size_t i = 0; i < len; i += piece)
		hvs_sha256_update(&c, msg + i, len - i < piece ? len - i : piece);
	hvs_sha256_hex(&c, hex);
}

static int vectors(const char *impl)
{
	static const char two_blocks[] =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char hex[HVS_SHA256_HEX], a1000[1001];
	int good = 1;

	digest("", 1, hex);
	good &= ok_(!strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
		    "%s: empty message", impl);
	digest("abc", 3, hex);
	good &= ok_(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
		    "%s: abc", impl);
	digest(two_blocks, 7, hex);
	good &= ok_(!strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
		    "%s: the 448-bit message (two blocks), in 7-byte pieces", impl);
	memset(a1000, 'a', 1000);
	a1000[1000] = '\0';
	digest(a1000, 63, hex);
	good &= ok_(!strcmp(hex, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"),
		    "%s: 1000 x 'a' in 63-byte pieces", impl);
	digest(a1000, 1000, hex);
	good &= ok_(!strcmp(hex, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"),
		    "%s: 1000 x 'a' at once (whole blocks from the caller's buffer)", impl);
	return good;
}

static void digest_bytes(const unsigned char *m, size_t len, size_t piece, char *hex)
{
	struct hvs_sha256 c;

	hvs_sha256_init(&c);
	for (size_t i = 0; i < len; i += piece)
		hvs_sha256_update(&c, m + i, len - i < piece ? len - i : piece);
	hvs_sha256_hex(&c, hex);
}

int main(void)
{
	const char *fast;
	static unsigned char m[20000];
	uint64_t r = 88172645463325252ULL;
	int differ = 0;

	plan(11);
	vectors(hvs_sha256_impl(1));
	fast = hvs_sha256_impl(0);
	if (strcmp(fast, "portable")) {
		vectors(fast);
		for (int i = 0; i < 2000; i++) {
			char a[HVS_SHA256_HEX], b[HVS_SHA256_HEX];
			size_t len, piece;

			for (size_t k = 0; k < sizeof(m); k++) {
				r ^= r << 13, r ^= r >> 7, r ^= r << 17;
				m[k] = (unsigned char)r;
			}
			len = (size_t)(r % sizeof(m));
			piece = 1 + (size_t)(r >> 32) % 9000;
			hvs_sha256_impl(1);
			digest_bytes(m, len, piece, a);
			hvs_sha256_impl(0);
			digest_bytes(m, len, piece, b);
			differ += strcmp(a, b) != 0;
		}
		ok_(differ == 0, "%s and portable agree on 2000 random messages (%d differ)", fast,
		    differ);
	} else {
		skip(6, "this CPU has no SHA extensions (or not x86)");
	}
	return done_testing();
}
