/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fields.h - an ordered list of decoded facts (key -> number, hex, string,
 * bool or list of names). Decoders fill one per CPUID range or evidence
 * source; the probe command prints them as text and as JSON.
 */
#ifndef HVS_FIELDS_H
#define HVS_FIELDS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/hvs_features.h"
#if HAVE_JANSSON
#include <jansson.h>
#endif

enum hvs_ftype { HVS_F_NUM, HVS_F_HEX, HVS_F_STR, HVS_F_BOOL, HVS_F_LIST };

struct hvs_field {
	char key[48];
	enum hvs_ftype t;
	uint64_t num;
	char *str;   /* STR: the value; LIST: names separated by '\n' */
};

struct hvs_fields {
	struct hvs_field *v;
	size_t n, cap;
};

void hvs_fields_num(struct hvs_fields *f, const char *key, uint64_t v);
void hvs_fields_hex(struct hvs_fields *f, const char *key, uint64_t v);
void hvs_fields_bool(struct hvs_fields *f, const char *key, int v);
void hvs_fields_str(struct hvs_fields *f, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Append name to the list called key (created empty on first use). */
void hvs_fields_list_add(struct hvs_fields *f, const char *key, const char *name);
/* Make sure an (empty) list called key exists. */
void hvs_fields_list(struct hvs_fields *f, const char *key);
/* For each set bit of v, add names[bit] (or "bitN") to the list key. */
void hvs_fields_bits(struct hvs_fields *f, const char *key, uint32_t v, const char *const names[32]);

const struct hvs_field *hvs_fields_get(const struct hvs_fields *f, const char *key);
/* Is name in the list key? */
int hvs_fields_has(const struct hvs_fields *f, const char *key, const char *name);

void hvs_fields_print(const struct hvs_fields *f, FILE *out, const char *indent);
void hvs_fields_free(struct hvs_fields *f);
#if HAVE_JANSSON
/* Add every field to obj (numbers as integers, lists as arrays). */
void hvs_fields_to_json(const struct hvs_fields *f, json_t *obj);
#endif

#endif
