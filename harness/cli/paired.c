// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * paired.c - rounds judged by `compare` (see paired.h): the argv of one
 * `hvscope compare` call, built from the rounds' result paths and the
 * gate's flags, and the rule that orders compare's exit codes.
 */
#include "cli/paired.h"

#include "cli/commands.h"
#include "core/hvscope.h"

#include <stdio.h>
#include <stdlib.h>

int hvs_compare_rounds(const char *const *a, const char *const *b, size_t n,
		       const struct hvs_paired_flags *f)
{
	char **argv = calloc(2 * n + 12, sizeof(*argv));
	char thr[32];
	int argc = 0, rc;

	if (!argv)
		return HVS_EX_INTERNAL;
	argv[argc++] = "compare";
	if (!f->unpaired)
		argv[argc++] = "--paired";
	if (f->threshold > 0) {
		snprintf(thr, sizeof(thr), "%.10g", f->threshold);
		argv[argc++] = "--threshold";
		argv[argc++] = thr;
	}
	if (f->fail_reg)
		argv[argc++] = "--fail-on-regression";
	if (f->fail_inc)
		argv[argc++] = "--fail-on-inconclusive";
	for (size_t k = 0; k < n; k++)
		argv[argc++] = (char *)a[k];
	argv[argc++] = "--";
	for (size_t k = 0; k < n; k++)
		argv[argc++] = (char *)b[k];
	argv[argc] = NULL;
	fflush(stdout);
	rc = cmd_compare(argc, argv);
	free(argv);
	return rc;
}

int hvs_compare_worse(int a, int b)
{
	int ra = a >= 2 && a != HVS_EX_INCONCLUSIVE ? 3 : a == 1 ? 2 : a ? 1 : 0;
	int rb = b >= 2 && b != HVS_EX_INCONCLUSIVE ? 3 : b == 1 ? 2 : b ? 1 : 0;

	return rb > ra ? b : a;
}
