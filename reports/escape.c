/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * escape.c - escaping of hostile strings for HTML, LaTeX, CSV, Markdown and
 * gnuplot (see escape.h for the rules of each).
 */
#include "escape.h"

#include <string.h>

/*
 * Decode one UTF-8 character at s. Returns its length (1..4) and the code
 * point in *cp, or 1 with *cp = -1 for an invalid byte (overlong forms,
 * surrogates and truncated sequences included).
 */
static int utf8_next(const unsigned char *s, long *cp)
{
	unsigned c = s[0];
	int n, i;
	long v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 2, v = c & 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3, v = c & 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		*cp = -1;
		return 1;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = -1;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
		*cp = -1;
		return 1;
	}
	*cp = v;
	return n;
}

/*
 * Walk s character by character: control characters become ' ', invalid
 * bytes '?'; each resulting character goes to put() (ASCII) or is copied
 * as its UTF-8 bytes when put() returns 0 for it.
 */
/* The next code point of p, made safe for every output: '?' for invalid
 * UTF-8, ' ' for controls and line/paragraph separators. Returns its length. */
static int next_cp(const unsigned char *p, long *cp)
{
	int n = utf8_next(p, cp);

	if (*cp < 0)
		*cp = '?';
	else if (*cp < 0x20 || *cp == 0x7f || (*cp >= 0x80 && *cp < 0xa0) || *cp == 0x2028 || *cp == 0x2029)
		*cp = ' ';
	return n;
}

typedef int (*put_fn)(FILE *f, long cp);

static void walk(FILE *f, const char *s, put_fn put)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		long cp;
		int n = next_cp(p, &cp);

		if (!put(f, cp)) {
			if (cp == '?' || cp == ' ')
				fputc((int)cp, f);
			else
				fwrite(p, 1, (size_t)n, f);
		}
		p += n;
	}
}

static int put_html(FILE *f, long cp)
{
	switch (cp) {
	case '&': fputs("&amp;", f); return 1;
	case '<': fputs("&lt;", f); return 1;
	case '>': fputs("&gt;", f); return 1;
	case '"': fputs("&quot;", f); return 1;
	case '\'': fputs("&#39;", f); return 1;
	}
	return 0;
}

void hvs_esc_html(FILE *f, const char *s)
{
	walk(f, s, put_html);
}

static int put_latex(FILE *f, long cp)
{
	switch (cp) {
	case '\\': fputs("\\textbackslash{}", f); return 1;
	case '{': fputs("\\{", f); return 1;
	case '}': fputs("\\}", f); return 1;
	case '$': fputs("\\$", f); return 1;
	case '&': fputs("\\&", f); return 1;
	case '#': fputs("\\#", f); return 1;
	case '%': fputs("\\%", f); return 1;
	case '_': fputs("\\_", f); return 1;
	case '^': fputs("\\textasciicircum{}", f); return 1;
	case '~': fputs("\\textasciitilde{}", f); return 1;
	case '<': fputs("\\textless{}", f); return 1;
	case '>': fputs("\\textgreater{}", f); return 1;
	case '|': fputs("\\textbar{}", f); return 1;
	case '"': fputs("\\textquotedbl{}", f); return 1;
	case 0xb5: fputs("\\textmu{}", f); return 1;
	case 0x3bc: fputs("\\textmu{}", f); return 1;
	case 0xb1: fputs("\\textpm{}", f); return 1;
	case 0xb0: fputs("\\textdegree{}", f); return 1;
	}
	if (cp >= 0x80) {
		/* Keep any paper compiling: unknown glyphs would stop pdflatex. */
		fputc('?', f);
		return 1;
	}
	return 0;
}

void hvs_esc_latex(FILE *f, const char *s)
{
	walk(f, s, put_latex);
}

void hvs_esc_latex_break(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	int run = 0;

	while (*p) {
		long cp;
		int n = next_cp(p, &cp);

		if (!put_latex(f, cp))
			fputc((int)cp, f);
		p += n;
		if (cp == ' ') {
			run = 0;
		} else if (strchr("._-/,:=", (int)(cp < 0x80 ? cp : 'x')) || ++run >= 10) {
			if (*p)
				fputs("\\allowbreak{}", f);
			run = 0;
		}
	}
}

static int put_csv(FILE *f, long cp)
{
	if (cp == '"') {
		fputs("\"\"", f);
		return 1;
	}
	return 0;
}

void hvs_esc_csv(FILE *f, const char *s)
{
	fputc('"', f);
	if (s && strchr("=+-@", s[0]) && s[0])
		fputc('\'', f);
	walk(f, s, put_csv);
	fputc('"', f);
}

static int put_md(FILE *f, long cp)
{
	if (put_html(f, cp))
		return 1;
	if (cp < 0x80 && strchr("\\`*_[]!|~", (int)cp)) {
		fputc('\\', f);
		fputc((int)cp, f);
		return 1;
	}
	return 0;
}

void hvs_esc_md(FILE *f, const char *s)
{
	walk(f, s, put_md);
}

static int put_gp(FILE *f, long cp)
{
	if (cp == '\'') {
		fputs("''", f);
		return 1;
	}
	return 0;
}

void hvs_esc_gp(FILE *f, const char *s)
{
	fputc('\'', f);
	walk(f, s, put_gp);
	fputc('\'', f);
}

void hvs_esc_fname(char *dst, size_t len, const char *s)
{
	size_t i = 0;

	if (!len)
		return;
	for (; s && *s && i + 1 < len; s++)
		dst[i++] = ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			    (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' || *s == '_')
				   ? *s
				   : '_';
	dst[i] = 0;
	if (i && dst[0] == '.')
		dst[0] = '_';
}
