/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sha256.c - harness/core/sha256.c against the FIPS 180-4 examples and a
 * message fed in uneven pieces (the streaming path the result digest uses).
 */
#include "core/sha256.h"
#include "tap.h"

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

int main(void)
{
	static const char two_blocks[] =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char hex[HVS_SHA256_HEX], a1000[1001];

	plan(4);
	digest("", 1, hex);
	ok_(!strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
	    "empty message");
	digest("abc", 3, hex);
	ok_(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
	    "abc");
	digest(two_blocks, 7, hex);
	ok_(!strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
	    "the 448-bit message (two blocks), in 7-byte pieces");
	memset(a1000, 'a', 1000);
	a1000[1000] = '\0';
	digest(a1000, 63, hex);
	ok_(!strcmp(hex, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"),
	    "1000 x 'a' in 63-byte pieces");
	return done_testing();
}
