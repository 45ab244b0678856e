/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jsonw.c - the streaming JSON writer of jsonw.h: escaping by RFC 8259
 * (quote, backslash, control characters as \u00XX; other bytes as they
 * are), numbers with 17 significant digits so doubles read back exactly.
 */
#include "jsonw.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

void hvs_jw_init(struct hvs_jw *w, FILE *f)
{
	w->f = f;
	w->depth = 0;
	w->n[0] = 0;
	w->err = 0;
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* Comma, newline and indentation before a value, then "key": when in an object. */
static void member(struct hvs_jw *w, const char *key)
{
	if (w->depth > 0) {
		fputs(w->n[w->depth]++ ? ",\n" : "\n", w->f);
		fprintf(w->f, "%*s", 2 * w->depth, "");
	} else if (w->n[0]++) {
		w->err = 1; /* a second top-level value */
	}
	if (key) {
		put_string(w->f, key);
		fputs(": ", w->f);
	}
}

static void open_value(struct hvs_jw *w, const char *key, char c)
{
	member(w, key);
	fputc(c, w->f);
	if (w->depth + 1 >= HVS_JW_DEPTH) {
		w->err = 1;
		return;
	}
	w->depth++;
	w->n[w->depth] = 0;
	w->array[w->depth] = c == '[';
}

void hvs_jw_obj(struct hvs_jw *w, const char *key)
{
	open_value(w, key, '{');
}

void hvs_jw_arr(struct hvs_jw *w, const char *key)
{
	open_value(w, key, '[');
}

void hvs_jw_end(struct hvs_jw *w)
{
	int empty, array;

	if (w->depth == 0) {
		w->err = 1;
		return;
	}
	empty = w->n[w->depth] == 0;
	array = w->array[w->depth];
	w->depth--;
	if (!empty)
		fprintf(w->f, "\n%*s", 2 * w->depth, "");
	fputc(array ? ']' : '}', w->f);
}

void hvs_jw_str(struct hvs_jw *w, const char *key, const char *s)
{
	member(w, key);
	if (s)
		put_string(w->f, s);
	else
		fputs("null", w->f);
}

void hvs_jw_int(struct hvs_jw *w, const char *key, long long v)
{
	member(w, key);
	fprintf(w->f, "%lld", v);
}

void hvs_jw_num(struct hvs_jw *w, const char *key, double v)
{
	member(w, key);
	if (isfinite(v)) {
		char b[32];

		/* the shortest of 15 or 17 digits that reads back as the same double */
		snprintf(b, sizeof(b), "%.15g", v);
		if (strtod(b, NULL) != v)
			snprintf(b, sizeof(b), "%.17g", v);
		fputs(b, w->f);
	}
	else
		fputs("null", w->f);
}

void hvs_jw_bool(struct hvs_jw *w, const char *key, int v)
{
	member(w, key);
	fputs(v ? "true" : "false", w->f);
}

int hvs_jw_finish(struct hvs_jw *w)
{
	fputc('\n', w->f);
	if (fflush(w->f) || ferror(w->f))
		return -EIO;
	return w->err || w->depth ? -EINVAL : 0;
}
