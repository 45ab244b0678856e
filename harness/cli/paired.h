/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * paired.h - judge groups of interleaved rounds with `compare`, for the two
 * commands that make them: `run --rounds --side` (each side against the
 * first) and `guest --matrix` with `rounds` (each target against the
 * baseline). One place builds the compare command line, so both judge
 * rounds the same way and print compare's own table and exit codes.
 */
#ifndef HVS_PAIRED_H
#define HVS_PAIRED_H

#include <stddef.h>

/* compare's options for a group judgement. */
struct hvs_paired_flags {
	int unpaired;     /* groups of runs (--unpaired) rather than paired rounds */
	double threshold; /* --threshold when > 0 */
	int fail_reg;     /* --fail-on-regression */
	int fail_inc;     /* --fail-on-inconclusive */
};

/*
 * `hvscope compare [--paired] ... a[0..n) -- b[0..n)`: round k of a paired
 * with round k of b. Returns compare's exit code, or HVS_EX_INTERNAL when
 * out of memory.
 */
int hvs_compare_rounds(const char *const *a, const char *const *b, size_t n,
		       const struct hvs_paired_flags *f);

/* The more serious of two compare exit codes: bad input, then 1, then 12, then 0. */
int hvs_compare_worse(int a, int b);

#endif
