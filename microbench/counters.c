/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * counters.c - backend choice and the verification that a counter really
 * counts (a guest without vPMU may accept perf_event_open and read 0).
 */
#include "counters.h"
#include "core/hvscope.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { BK_NONE = 0, BK_PAPI = 1, BK_PERF = 2 };

static const char *const names[HVS_CTR_COUNT] = {
	[HVS_CTR_CYCLES] = "cycles",
	[HVS_CTR_INSTRUCTIONS] = "instructions",
	[HVS_CTR_DTLB_MISSES] = "dtlb_misses",
	[HVS_CTR_WALK_CYCLES] = "walk_cycles",
};
_Static_assert(HVS_ARRAY_SIZE(names) == HVS_CTR_COUNT, "one name per counter");

const char *hvs_counter_name(enum hvs_ctr i)
{
	return (unsigned)i < HVS_CTR_COUNT ? names[i] : "?";
}

static void reset(struct hvs_counters *c)
{
	memset(c, 0, sizeof(*c));
	for (int i = 0; i < HVS_CTR_COUNT; i++)
		c->fd[i] = -1;
	c->papi_set = -1;
}

int hvs_counters_start(struct hvs_counters *c)
{
	if (c->backend == BK_PAPI)
		return hvs_counters_papi_start(c);
	if (c->backend == BK_PERF)
		return hvs_counters_perf_start(c);
	return 0;
}

int hvs_counters_stop(struct hvs_counters *c, uint64_t val[HVS_CTR_COUNT])
{
	for (int i = 0; i < HVS_CTR_COUNT; i++)
		val[i] = HVS_CTR_NONE;
	if (c->backend == BK_PAPI)
		return hvs_counters_papi_stop(c, val);
	if (c->backend == BK_PERF)
		return hvs_counters_perf_stop(c, val);
	return 0;
}

void hvs_counters_close(struct hvs_counters *c)
{
	if (c->backend == BK_PAPI)
		hvs_counters_papi_close(c);
	else if (c->backend == BK_PERF)
		hvs_counters_perf_close(c);
	c->backend = BK_NONE;
}

/*
 * A guest without vPMU can hand out perf events that never tick: count a
 * short busy loop and require a non-zero cycle (or instruction) count.
 */
static int verify(struct hvs_counters *c)
{
	uint64_t v[HVS_CTR_COUNT];
	volatile unsigned sink = 0;
	int ret = hvs_counters_start(c);

	if (ret)
		return ret;
	for (unsigned i = 0; i < 100000; i++)
		sink += i;
	ret = hvs_counters_stop(c, v);
	if (ret)
		return ret;
	for (int i = HVS_CTR_CYCLES; i <= HVS_CTR_INSTRUCTIONS; i++)
		if (v[i] != HVS_CTR_NONE && v[i] > 0)
			return 0;
	return -ENODATA;
}

static int try_backend(struct hvs_counters *c, int bk, char *why, size_t len)
{
	int ret = bk == BK_PAPI ? hvs_counters_papi_open(c) : hvs_counters_perf_open(c);

	if (ret == 0) {
		c->backend = bk;
		ret = verify(c);
		if (ret) {
			snprintf(c->reason, sizeof(c->reason), "%s: counters open but count nothing (no vPMU?)",
				 bk == BK_PAPI ? "PAPI" : "perf_event");
			hvs_counters_close(c);
		}
	}
	if (ret) {
		size_t used = strlen(why);

		snprintf(why + used, len - used, "%s%s", used ? "; " : "", c->reason);
	}
	return ret;
}

int hvs_counters_open(struct hvs_counters *c)
{
	const char *pol = getenv("HVSCOPE_COUNTERS");
	char why[sizeof(c->reason)] = "";
	int ret = -ENODEV;

	reset(c);
	if (!pol || !*pol)
		pol = "auto";
	if (!strcmp(pol, "none")) {
		hvs_strlcpy(c->reason, "disabled by HVSCOPE_COUNTERS=none", sizeof(c->reason));
		return -ENODEV;
	}
	if (strcmp(pol, "auto") && strcmp(pol, "papi") && strcmp(pol, "perf")) {
		snprintf(c->reason, sizeof(c->reason), "unknown HVSCOPE_COUNTERS=%.40s (auto, papi, perf, none)", pol);
		return -EINVAL;
	}
	if (strcmp(pol, "perf")) {
		ret = try_backend(c, BK_PAPI, why, sizeof(why));
		if (!ret)
			return 0;
		reset(c);
	}
	if (strcmp(pol, "papi")) {
		ret = try_backend(c, BK_PERF, why, sizeof(why));
		if (!ret)
			return 0;
		reset(c);
	}
	hvs_strlcpy(c->reason, why, sizeof(c->reason));
	return ret;
}

struct hvs_counters *hvs_counters_shared(void)
{
	static struct hvs_counters c;
	static int opened;

	if (!opened) {
		opened = 1;
		hvs_counters_open(&c);
	}
	return &c;
}
