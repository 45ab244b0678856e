/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sha256.h - SHA-256 (FIPS 180-4), streaming: the content digest of a
 * result, which tells "the same run ingested again" from "another result
 * under a run id already in the history" (history.c).
 */
#ifndef HVS_SHA256_H
#define HVS_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define HVS_SHA256_HEX 65 /* 64 hex digits and a NUL */

struct hvs_sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes so far */
	unsigned char buf[64];
	size_t nbuf;
};

void hvs_sha256_init(struct hvs_sha256 *c);
void hvs_sha256_update(struct hvs_sha256 *c, const void *data, size_t len);
/* Finish and write the digest as lower-case hex into hex[HVS_SHA256_HEX]. */
void hvs_sha256_hex(struct hvs_sha256 *c, char *hex);
/* For tests and benchmarks: use the portable code (portable != 0) or the
 * fastest this CPU has (the default); returns which ("portable" or "x86 SHA
 * extensions"). */
const char *hvs_sha256_impl(int portable);

#endif
