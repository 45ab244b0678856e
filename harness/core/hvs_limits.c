/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hvs_limits.c - the ranges of numeric settings (hvs_limits.h) and their one
 * parser: strtoll/strtod with errno and end-pointer checks, so "-1",
 * "99999999999999999", "5x" and "" are refused instead of wrapping.
 */
#include "hvs_limits.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

const struct hvs_limit hvs_limits[HVS_NLIMITS] = {
	[HVS_LIM_SAMPLES] = { 2, 1000000, 0 },
	[HVS_LIM_PROCESSES] = { 1, 1000, 0 },
	[HVS_LIM_MIN_SAMPLE_MS] = { 0.001, 60000, 1 },
	[HVS_LIM_BUDGET_S] = { 0.01, 86400, 1 },
	[HVS_LIM_QUICK] = { 0, 1, 0 },
	[HVS_LIM_TIMEOUT_S] = { 1, 86400, 0 },
	[HVS_LIM_DISK_MIB] = { 0, 65536, 0 },
	[HVS_LIM_MEM_MIB] = { 64, 1048576, 0 },
	[HVS_LIM_SMP] = { 1, 256, 0 },
	[HVS_LIM_PORT] = { 1, 65535, 0 },
	[HVS_LIM_BENCH_SAMPLES] = { 5, 100000, 0 },
	[HVS_LIM_ECHO_SECONDS] = { 0.001, 31536000, 1 },
	[HVS_LIM_KVM_TIMEOUT_S] = { 0.001, 3600, 1 },
	[HVS_LIM_KVM_SAMPLES] = { 1, 1024, 0 },
	[HVS_LIM_KVM_SAMPLE_US] = { 1, 1000000, 0 },
	[HVS_LIM_TSC_KHZ] = { 1, 100000000, 0 },
	[HVS_LIM_ORDER_SEED] = { 0, 4294967295.0, 0 },
	[HVS_LIM_FRACTION] = { 0, 1, 1, HVS_LIMF_OPEN_HI | HVS_LIMF_PERCENT },
	[HVS_LIM_ALPHA] = { 0, 0.5, 1, HVS_LIMF_OPEN_LO | HVS_LIMF_OPEN_HI },
	[HVS_LIM_WINDOW] = { 3, 1000000, 0 },
	[HVS_LIM_PERMUTATIONS] = { 19, 100000, 0 },
	[HVS_LIM_MIN_SEGMENT] = { 1, 1000, 0 },
};

static int parse_whole(const char *v, double *out)
{
	char *end;
	long long x;

	errno = 0;
	x = strtoll(v, &end, 10);
	if (end == v || *end)
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	*out = (double)x;
	return 0;
}

static int parse_real(const char *v, int pct, double *out)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(v, &end);
	if (pct && end != v && *end == '%') {
		x /= 100.0;
		end++;
	}
	if (end == v || *end || isnan(x))
		return -EINVAL;
	if (errno == ERANGE || !isfinite(x))
		return -ERANGE;
	*out = x;
	return 0;
}

int hvs_limit_parse(enum hvs_lim l, const char *key, const char *v, double *out, char *why,
		    size_t whylen)
{
	const struct hvs_limit *lim = &hvs_limits[l];
	double x = 0;
	int pct = !!(lim->flags & HVS_LIMF_PERCENT);
	int ret = lim->real ? parse_real(v, pct, &x) : parse_whole(v, &x);

	if (!ret && (x < lim->lo || x > lim->hi || (x == lim->lo && (lim->flags & HVS_LIMF_OPEN_LO)) ||
		     (x == lim->hi && (lim->flags & HVS_LIMF_OPEN_HI))))
		ret = -ERANGE;
	if (ret == -EINVAL)
		snprintf(why, whylen, "%s = %.40s: not a%s number%s", key, v, lim->real ? "" : " whole",
			 pct ? " (e.g. 5% or 0.05)" : "");
	else if (ret)
		snprintf(why, whylen, "%s = %.40s: out of range %c%.15g%s, %.15g%s%c", key, v,
			 lim->flags & HVS_LIMF_OPEN_LO ? '(' : '[', pct ? lim->lo * 100 : lim->lo,
			 pct ? "%" : "", pct ? lim->hi * 100 : lim->hi, pct ? "%" : "",
			 lim->flags & HVS_LIMF_OPEN_HI ? ')' : ']');
	else
		*out = x;
	return ret;
}
