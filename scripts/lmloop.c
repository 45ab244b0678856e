/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lmloop.c - lmbench-style reference loops for docs/PERFORMANCE.md (not part
 * of hvscope; scripts/bench-guest.sh compiles it into build/): each try
 * times enough operations to last >= 5 ms with gettimeofday (lmbench's
 * ENOUGH), 11 tries, the median reported (lmbench's TRIES / median).
 *
 *   lmloop null   getppid through syscall(2), ns per call (lat_syscall null)
 *   lmloop fault  first write to fresh anonymous 4 KiB pages, ns per page
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#define TRIES 11
#define ENOUGH_US 5000.0

static double now_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec * 1e6 + tv.tv_usec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double null_try(long n)
{
	double t0 = now_us();

	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return now_us() - t0;
}

static double fault_try(long n)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, (size_t)(n * pg), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double t0, t;

	if (p == MAP_FAILED)
		exit(1);
	madvise(p, (size_t)(n * pg), MADV_NOHUGEPAGE);
	t0 = now_us();
	for (long i = 0; i < n; i++)
		p[i * pg] = 1;
	t = now_us() - t0;
	munmap(p, (size_t)(n * pg));
	return t;
}

int main(int argc, char **argv)
{
	double (*fn)(long) = argc > 1 && !strcmp(argv[1], "fault") ? fault_try : null_try;
	double r[TRIES];
	long n = 1;

	if (argc < 2 || (strcmp(argv[1], "null") && strcmp(argv[1], "fault"))) {
		fprintf(stderr, "usage: lmloop null|fault\n");
		return 2;
	}
	while (fn(n) < ENOUGH_US && n < (1L << 26))
		n *= 2;
	for (int i = 0; i < TRIES; i++)
		r[i] = fn(n) * 1000.0 / (double)n;
	qsort(r, TRIES, sizeof(r[0]), cmp);
	printf("%s %.1f ns (median of %d tries of %ld ops; min %.1f, max %.1f)\n", argv[1], r[TRIES / 2],
	       TRIES, n, r[0], r[TRIES - 1]);
	return 0;
}
