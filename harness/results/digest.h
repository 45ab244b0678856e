/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * digest.h - the content digest of a result file: SHA-256 of its canonical
 * JSON text (sorted keys, compact, every real as jansson's dumper prints it
 * with JSON_REAL_PRECISION(17)). Stored digests decide "the same run ingested
 * again" (history.c), so the text must stay byte-identical to what
 * json_dump_callback(root, ..., JSON_COMPACT | JSON_SORT_KEYS |
 * JSON_REAL_PRECISION(17)) writes; this writer only produces it faster
 * (no printf for the numbers, one SHA-256 update per 8 KiB).
 * tests/unit/digest.c compares both, number by number and document by document.
 */
#ifndef HVS_DIGEST_H
#define HVS_DIGEST_H

#include <stddef.h>

#define HVS_REAL17_MAX 32 /* longest text of hvs_real17, NUL included */

/*
 * The text jansson writes for a real with JSON_REAL_PRECISION(17): printf's
 * "%.17g", then ".0" appended when there is neither '.' nor 'e', then the
 * exponent without '+' and leading zeros ("1e17", "1.5e-5"). Exact (integer
 * arithmetic, rounding half to even on the binary value, as glibc does) for
 * 1e-16 <= |x| < 2^128 and zero; other values go through snprintf. Returns the
 * length written to buf[HVS_REAL17_MAX].
 */
int hvs_real17(double x, char *buf);

#if HAVE_JANSSON
#include <jansson.h>
/* SHA-256 (lower-case hex, HVS_SHA256_HEX bytes) of root's canonical text;
 * root comes from jansson's parser (valid UTF-8). 0, or -ENOMEM. */
int hvs_json_digest(const json_t *root, char *hex);
#endif

#endif
