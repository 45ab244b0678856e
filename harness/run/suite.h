/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * suite.h - benchmark suites (harness/run/suites.conf, compiled in) and the
 * selectors that pick benchmarks from the registry (microbench/bench.h).
 */
#ifndef HVS_SUITE_H
#define HVS_SUITE_H

#include "microbench/bench.h"

#include <stddef.h>

struct hvs_suite {
	char name[32];
	char select[512];
	unsigned samples;
	double min_sample_ms;
	double budget_s;
	int processes;
	int quick;
};

/* The built-in suites.conf text. */
const char *hvs_suites_builtin(void);

/*
 * Find suite name in conf text (read from file, named in messages).
 * Every line of every suite is checked. Returns 0, -ENOENT (no such
 * suite: err lists the known ones), -EBADMSG (a line that is not a
 * section or key = value, an unknown key) or -HVS_ESCHEMA (a numeric
 * value that is not a number or outside its range in hvs_limits.h), with
 * "FILE:LINE: samples = -1: out of range [2, 1000000]" in err.
 */
int hvs_suite_find(const char *conf, const char *file, const char *name, struct hvs_suite *out,
		   char *err, size_t errlen);

/*
 * Resolve selectors (see suites.conf) into registry order. *out is
 * malloc'd (may be empty). Returns 0, -ENOENT (a selector matching
 * nothing, err says which) or -ENOMEM.
 */
int hvs_suite_select(const char *selectors, const struct hvs_bench ***out, size_t *n, char *err,
		     size_t errlen);

#endif
