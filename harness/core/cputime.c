/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cputime.c - parse /proc/stat's aggregate cpu line.
 */
#include "cputime.h"
#include "hvscope.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

int hvs_cputime_read(const char *root, struct hvs_cputime *t)
{
	char path[512], line[512];
	int n;

	memset(t, 0, sizeof(*t));
	n = hvs_read_line(hvs_path(path, sizeof(path), root, "/proc/stat"), line, sizeof(line));
	if (n < 0)
		return n;
	/* Older kernels stop before steal (added in 2.6.11): those fields stay 0. */
	n = sscanf(line, "cpu %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
			 " %" SCNu64 " %" SCNu64 " %" SCNu64,
		   &t->user, &t->nice, &t->system, &t->idle, &t->iowait, &t->irq, &t->softirq,
		   &t->steal);
	return n >= 4 ? 0 : -EINVAL;
}

uint64_t hvs_cputime_total(const struct hvs_cputime *t)
{
	return t->user + t->nice + t->system + t->idle + t->iowait + t->irq + t->softirq +
	       t->steal;
}

double hvs_cputime_steal_fraction(const struct hvs_cputime *a, const struct hvs_cputime *b)
{
	uint64_t ta = hvs_cputime_total(a), tb = hvs_cputime_total(b);

	if (tb <= ta || b->steal < a->steal)
		return 0;
	return (double)(b->steal - a->steal) / (double)(tb - ta);
}
