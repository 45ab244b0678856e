/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * counters_papi.c - the PAPI backend (dynamic build only). Presets for
 * cycles, instructions and data-TLB misses; page-walk cycles only exist as
 * model-specific native events, tried by name (Intel, then AMD). Each event
 * that the PMU lacks is simply left out; with none at all the backend fails
 * with PAPI's own reason.
 */
#include "counters.h"
#include "core/hvs_features.h"
#include "core/hvscope.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#if HAVE_PAPI
#include <papi.h>

static int papi_add(struct hvs_counters *c, enum hvs_ctr which, const char *const *names)
{
	for (; *names; names++) {
		int code;

		if (PAPI_event_name_to_code((char *)*names, &code) != PAPI_OK)
			continue;
		if (PAPI_add_event(c->papi_set, code) != PAPI_OK)
			continue;
		c->papi_slot[which] = c->papi_n++;
		c->have[which] = 1;
		return 0;
	}
	return -ENOENT;
}

int hvs_counters_papi_open(struct hvs_counters *c)
{
	static const char *const cyc[] = { "PAPI_TOT_CYC", NULL };
	static const char *const ins[] = { "PAPI_TOT_INS", NULL };
	static const char *const tlb[] = { "PAPI_TLB_DM", NULL };
	static const char *const walk[] = { "DTLB_LOAD_MISSES:WALK_ACTIVE",
					    "DTLB_LOAD_MISSES:WALK_DURATION",
					    "LS_TABLEWALKER", NULL };
	const char *force = getenv("HVSCOPE_FORCE_NO_PAPI");
	int ret;

	if (force && *force && strcmp(force, "0")) {
		hvs_strlcpy(c->reason, "PAPI: initialisation failed (forced by HVSCOPE_FORCE_NO_PAPI)",
			    sizeof(c->reason));
		return -ENODEV;
	}
	ret = PAPI_is_initialized() ? (int)PAPI_VER_CURRENT : PAPI_library_init(PAPI_VER_CURRENT);
	if (ret != (int)PAPI_VER_CURRENT) {
		snprintf(c->reason, sizeof(c->reason), "PAPI_library_init: %s",
			 ret > 0 ? "version mismatch" : PAPI_strerror(ret));
		return -ENODEV;
	}
	c->papi_set = PAPI_NULL;
	ret = PAPI_create_eventset(&c->papi_set);
	if (ret != PAPI_OK) {
		snprintf(c->reason, sizeof(c->reason), "PAPI_create_eventset: %s", PAPI_strerror(ret));
		return -ENODEV;
	}
	papi_add(c, HVS_CTR_CYCLES, cyc);
	papi_add(c, HVS_CTR_INSTRUCTIONS, ins);
	papi_add(c, HVS_CTR_DTLB_MISSES, tlb);
	papi_add(c, HVS_CTR_WALK_CYCLES, walk);
	if (!c->papi_n) {
		hvs_strlcpy(c->reason, "PAPI: no cycle/instruction/TLB event available (no vPMU in this guest?)",
			    sizeof(c->reason));
		hvs_counters_papi_close(c);
		return -ENOENT;
	}
	hvs_strlcpy(c->reason, "PAPI", sizeof(c->reason));
	return 0;
}

int hvs_counters_papi_start(struct hvs_counters *c)
{
	int ret = PAPI_start(c->papi_set);

	if (ret != PAPI_OK) {
		snprintf(c->reason, sizeof(c->reason), "PAPI_start: %s", PAPI_strerror(ret));
		return -EIO;
	}
	return 0;
}

int hvs_counters_papi_stop(struct hvs_counters *c, uint64_t val[HVS_CTR_COUNT])
{
	long long v[HVS_CTR_COUNT] = { 0 };
	int ret = PAPI_stop(c->papi_set, v);

	if (ret != PAPI_OK)
		return -EIO;
	for (int i = 0; i < HVS_CTR_COUNT; i++)
		if (c->have[i])
			val[i] = (uint64_t)v[c->papi_slot[i]];
	return 0;
}

void hvs_counters_papi_close(struct hvs_counters *c)
{
	if (c->papi_set != PAPI_NULL && c->papi_set != -1) {
		PAPI_cleanup_eventset(c->papi_set);
		PAPI_destroy_eventset(&c->papi_set);
	}
	c->papi_set = -1;
}

#else /* !HAVE_PAPI */

int hvs_counters_papi_open(struct hvs_counters *c)
{
	hvs_strlcpy(c->reason, "PAPI: not in this build", sizeof(c->reason));
	return -ENOSYS;
}

int hvs_counters_papi_start(struct hvs_counters *c)
{
	(void)c;
	return -ENOSYS;
}

int hvs_counters_papi_stop(struct hvs_counters *c, uint64_t val[HVS_CTR_COUNT])
{
	(void)c;
	(void)val;
	return -ENOSYS;
}

void hvs_counters_papi_close(struct hvs_counters *c)
{
	(void)c;
}

#endif
