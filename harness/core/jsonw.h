/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jsonw.h - a small streaming JSON writer for the commands' --json outputs
 * (detect, version, ingest, bench, guest): no DOM, no jansson needed, so
 * the static build and a build without jansson print the same document.
 * Values are written in order; the writer puts the commas and the
 * indentation (two spaces, like `probe --json`).
 *
 *   struct hvs_jw w;
 *   hvs_jw_init(&w, stdout);
 *   hvs_jw_obj(&w, NULL);
 *   hvs_jw_str(&w, "id", "kvm");
 *   hvs_jw_end(&w);                  // closes the object
 *   rc = hvs_jw_finish(&w);          // newline, flush; 0 or -EIO
 */
#ifndef HVS_JSONW_H
#define HVS_JSONW_H

#include <stdint.h>
#include <stdio.h>

#define HVS_JW_DEPTH 16

struct hvs_jw {
	FILE *f;
	int depth;
	int n[HVS_JW_DEPTH]; /* values written at each depth */
	char array[HVS_JW_DEPTH]; /* the container at that depth is an array */
	int err;             /* nesting too deep or unbalanced */
};

void hvs_jw_init(struct hvs_jw *w, FILE *f);
/* key is the member name inside an object, NULL inside an array or at the top. */
void hvs_jw_obj(struct hvs_jw *w, const char *key);
void hvs_jw_arr(struct hvs_jw *w, const char *key);
void hvs_jw_end(struct hvs_jw *w);
void hvs_jw_str(struct hvs_jw *w, const char *key, const char *s); /* NULL -> null */
void hvs_jw_int(struct hvs_jw *w, const char *key, long long v);
void hvs_jw_num(struct hvs_jw *w, const char *key, double v); /* not finite -> null */
void hvs_jw_bool(struct hvs_jw *w, const char *key, int v);
/* The final newline and a flush. Returns 0, or -EIO (write error) / -EINVAL (unbalanced). */
int hvs_jw_finish(struct hvs_jw *w);

#endif
