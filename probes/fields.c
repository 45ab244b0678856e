/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fields.c - ordered key/value lists of decoded facts (see fields.h).
 * Allocation failures drop the field silently: the probe never aborts for
 * lack of memory in a decoder, it just reports less.
 */
#include "fields.h"
#include "core/array.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static struct hvs_field *fnew(struct hvs_fields *f, const char *key, enum hvs_ftype t)
{
	struct hvs_field *x;

	if (HVS_ARRAY_RESERVE(f->v, f->cap, f->n + 1, 16))
		return NULL;
	x = &f->v[f->n++];
	memset(x, 0, sizeof(*x));
	snprintf(x->key, sizeof(x->key), "%s", key);
	x->t = t;
	return x;
}

void hvs_fields_num(struct hvs_fields *f, const char *key, uint64_t v)
{
	struct hvs_field *x = fnew(f, key, HVS_F_NUM);

	if (x)
		x->num = v;
}

void hvs_fields_hex(struct hvs_fields *f, const char *key, uint64_t v)
{
	struct hvs_field *x = fnew(f, key, HVS_F_HEX);

	if (x)
		x->num = v;
}

void hvs_fields_bool(struct hvs_fields *f, const char *key, int v)
{
	struct hvs_field *x = fnew(f, key, HVS_F_BOOL);

	if (x)
		x->num = !!v;
}

void hvs_fields_str(struct hvs_fields *f, const char *key, const char *fmt, ...)
{
	struct hvs_field *x = fnew(f, key, HVS_F_STR);
	va_list ap;

	if (!x)
		return;
	va_start(ap, fmt);
	if (vasprintf(&x->str, fmt, ap) < 0)
		x->str = NULL;
	va_end(ap);
	if (!x->str)
		f->n--;
}

static struct hvs_field *find(const struct hvs_fields *f, const char *key)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].key, key))
			return &f->v[i];
	return NULL;
}

void hvs_fields_list(struct hvs_fields *f, const char *key)
{
	if (!find(f, key))
		fnew(f, key, HVS_F_LIST);
}

void hvs_fields_list_add(struct hvs_fields *f, const char *key, const char *name)
{
	struct hvs_field *x = find(f, key);
	size_t ol, nl = strlen(name);
	char *ns;

	if (!x)
		x = fnew(f, key, HVS_F_LIST);
	if (!x)
		return;
	ol = x->str ? strlen(x->str) : 0;
	ns = realloc(x->str, ol + nl + 2);
	if (!ns)
		return;
	if (ol)
		ns[ol++] = '\n';
	memcpy(ns + ol, name, nl + 1);
	x->str = ns;
}

void hvs_fields_bits(struct hvs_fields *f, const char *key, uint32_t v, const char *const names[32])
{
	hvs_fields_list(f, key);
	for (int b = 0; b < 32; b++) {
		char tmp[16];

		if (!(v >> b & 1))
			continue;
		if (names && names[b]) {
			hvs_fields_list_add(f, key, names[b]);
		} else {
			snprintf(tmp, sizeof(tmp), "bit%d", b);
			hvs_fields_list_add(f, key, tmp);
		}
	}
}

const struct hvs_field *hvs_fields_get(const struct hvs_fields *f, const char *key)
{
	return find(f, key);
}

int hvs_fields_has(const struct hvs_fields *f, const char *key, const char *name)
{
	const struct hvs_field *x = find(f, key);
	size_t nl = strlen(name);

	if (!x || x->t != HVS_F_LIST || !x->str)
		return 0;
	for (const char *p = x->str; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, nl) && (p[nl] == '\n' || p[nl] == '\0'))
			return 1;
	return 0;
}

void hvs_fields_print(const struct hvs_fields *f, FILE *out, const char *indent)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct hvs_field *x = &f->v[i];

		fprintf(out, "%s%s: ", indent, x->key);
		switch (x->t) {
		case HVS_F_NUM:
			fprintf(out, "%llu\n", (unsigned long long)x->num);
			break;
		case HVS_F_HEX:
			fprintf(out, "0x%08llx\n", (unsigned long long)x->num);
			break;
		case HVS_F_BOOL:
			fprintf(out, "%s\n", x->num ? "yes" : "no");
			break;
		case HVS_F_STR:
			fprintf(out, "%s\n", x->str);
			break;
		case HVS_F_LIST:
			if (!x->str) {
				fprintf(out, "(none)\n");
				break;
			}
			for (const char *p = x->str; *p; p++)
				fputc(*p == '\n' ? ' ' : *p, out);
			fputc('\n', out);
			break;
		}
	}
}

void hvs_fields_free(struct hvs_fields *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].str);
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}

#if HAVE_JANSSON
void hvs_fields_to_json(const struct hvs_fields *f, json_t *obj)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct hvs_field *x = &f->v[i];
		json_t *v = NULL;

		switch (x->t) {
		case HVS_F_NUM:
		case HVS_F_HEX:
			v = json_integer((json_int_t)x->num);
			break;
		case HVS_F_BOOL:
			v = json_boolean(x->num);
			break;
		case HVS_F_STR:
			v = json_string(x->str);
			break;
		case HVS_F_LIST:
			v = json_array();
			if (x->str) {
				const char *p = x->str;

				while (*p) {
					const char *e = strchr(p, '\n');
					size_t l = e ? (size_t)(e - p) : strlen(p);

					json_array_append_new(v, json_stringn(p, l));
					p += l + (e ? 1 : 0);
				}
			}
			break;
		}
		if (v)
			json_object_set_new(obj, x->key, v);
	}
}
#endif
