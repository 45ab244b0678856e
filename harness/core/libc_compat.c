/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libc_compat.c - what a musl static link needs from glibc's ABI.
 *
 * bin/hvscope-static is linked against musl when musl-gcc is installed
 * (see the Makefile): glibc's static start-up executes ~80 CPUIDs to fill
 * its cpu_features and cache tables, and in a guest each one is a VM exit
 * (~3.7 us on the machine in docs/PERFORMANCE.md, 0.3 ms per process
 * before main()). musl executes none.
 *
 * Debian ships jansson and libcpuid only as glibc-built archives, compiled
 * with _FORTIFY_SOURCE, so they call glibc's checked string functions.
 * musl provides the rest of the glibc ABI they use (__ctype_b_loc,
 * __isoc99_sscanf, __errno_location); these five are what it lacks. They
 * keep glibc's contract: a destination smaller than the caller said aborts.
 */
#if defined(HVS_LIBC_COMPAT)
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...);
int __vsnprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, va_list ap);
int __fprintf_chk(FILE *fp, int flag, const char *fmt, ...);
char *__strcpy_chk(char *dest, const char *src, size_t destlen);
char *__strncpy_chk(char *dest, const char *src, size_t n, size_t destlen);

static _Noreturn void chk_fail(void)
{
	static const char msg[] = "*** buffer overflow detected ***: terminated\n";

	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to say */
	}
	abort();
}

int __vsnprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, va_list ap)
{
	(void)flag;
	if (slen < maxlen)
		chk_fail();
	return vsnprintf(s, maxlen, fmt, ap);
}

int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = __vsnprintf_chk(s, maxlen, flag, slen, fmt, ap);
	va_end(ap);
	return n;
}

int __fprintf_chk(FILE *fp, int flag, const char *fmt, ...)
{
	va_list ap;
	int n;

	(void)flag;
	va_start(ap, fmt);
	n = vfprintf(fp, fmt, ap);
	va_end(ap);
	return n;
}

char *__strcpy_chk(char *dest, const char *src, size_t destlen)
{
	size_t n = strlen(src);

	if (n >= destlen)
		chk_fail();
	return memcpy(dest, src, n + 1);
}

char *__strncpy_chk(char *dest, const char *src, size_t n, size_t destlen)
{
	if (destlen < n)
		chk_fail();
	return strncpy(dest, src, n);
}
#else
/* glibc builds: nothing to add (ISO C wants at least one declaration). */
typedef int hvs_libc_compat_unused;
#endif
