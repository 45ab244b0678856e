/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap.h - a tiny TAP 13 producer for C unit tests (header only).
 *
 *   plan(3); ok(x == 1, "x is one"); is_int(a, b, "..."); skip(n, "why");
 *   return done_testing();
 */
#ifndef HVS_TAP_H
#define HVS_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed, tap_planned = -1;

static inline void plan(int n)
{
	tap_planned = n;
	printf("TAP version 13\n1..%d\n", n);
}

static inline void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
}

static inline int ok_(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int ok_(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}
#define ok(cond, ...) ok_(!!(cond), __VA_ARGS__)

#define is_int(got, want, ...)                                                               \
	do {                                                                                 \
		long long g_ = (long long)(got), w_ = (long long)(want);                     \
		if (!ok(g_ == w_, __VA_ARGS__))                                              \
			diag("  got %lld, want %lld", g_, w_);                               \
	} while (0)

#define is_str(got, want, ...)                                                               \
	do {                                                                                 \
		const char *g_ = (got), *w_ = (want);                                        \
		if (!ok(g_ && w_ && !strcmp(g_, w_), __VA_ARGS__))                           \
			diag("  got '%s', want '%s'", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
	} while (0)

#define is_near(got, want, tol, ...)                                                         \
	do {                                                                                 \
		double g_ = (got), w_ = (want);                                              \
		if (!ok(fabs(g_ - w_) <= (tol), __VA_ARGS__))                                \
			diag("  got %.9g, want %.9g (tolerance %g)", g_, w_, (double)(tol)); \
	} while (0)

static inline void skip(int n, const char *why)
{
	for (int i = 0; i < n; i++)
		printf("ok %d # SKIP %s\n", ++tap_n, why);
}

static inline int done_testing(void)
{
	if (tap_planned < 0)
		printf("1..%d\n", tap_n);
	else if (tap_planned != tap_n)
		printf("# planned %d tests but ran %d\n", tap_planned, tap_n);
	return tap_failed || (tap_planned >= 0 && tap_planned != tap_n);
}

#endif
