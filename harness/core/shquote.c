/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * shquote.c - quoting words for a POSIX shell (see shquote.h).
 */
#include "shquote.h"

#include <errno.h>
#include <string.h>

static size_t quoted_len(const char *w)
{
	size_t n = 2;

	for (; *w; w++)
		n += *w == '\'' ? 4 : 1;
	return n;
}

int hvs_shq_append(char *buf, size_t len, size_t *k, const char *word)
{
	size_t need = quoted_len(word) + (*k ? 1 : 0), p = *k;

	if (*k >= len || need >= len - *k)
		return -E2BIG;
	if (p)
		buf[p++] = ' ';
	buf[p++] = '\'';
	for (; *word; word++) {
		if (*word == '\'') {
			memcpy(buf + p, "'\\''", 4);
			p += 4;
		} else {
			buf[p++] = *word;
		}
	}
	buf[p++] = '\'';
	buf[p] = '\0';
	*k = p;
	return 0;
}

int hvs_sh_raw(char *buf, size_t len, size_t *k, const char *text)
{
	size_t n = strlen(text);

	if (*k >= len || n >= len - *k)
		return -E2BIG;
	memcpy(buf + *k, text, n + 1);
	*k += n;
	return 0;
}

const char *hvs_shq(char *buf, size_t len, const char *word)
{
	size_t k = 0;

	if (len)
		buf[0] = '\0';
	return hvs_shq_append(buf, len, &k, word) ? NULL : buf;
}
