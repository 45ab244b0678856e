/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * counters_perf.c - the perf_event_open(2) backend: generic hardware events
 * for cycles and instructions, the generic dTLB read-miss cache event. There
 * is no generic page-walk-cycles event (it is model specific), so that one
 * is left to PAPI's native event names.
 */
#include "counters.h"
#include "core/hvscope.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int open_one(struct perf_event_attr *a, int group)
{
	int fd;

	a->size = sizeof(*a);
	a->disabled = group < 0;
	a->read_format = 0;
	fd = (int)syscall(SYS_perf_event_open, a, 0, -1, group, 0);
	if (fd < 0 && (errno == EACCES || errno == EPERM) && !a->exclude_kernel) {
		/* perf_event_paranoid >= 2: user-space counts only. */
		a->exclude_kernel = 1;
		a->exclude_hv = 1;
		fd = (int)syscall(SYS_perf_event_open, a, 0, -1, group, 0);
	}
	return fd < 0 ? -errno : fd;
}

int hvs_counters_perf_open(struct hvs_counters *c)
{
	struct perf_event_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_HARDWARE;
	a.config = PERF_COUNT_HW_CPU_CYCLES;
	fd = open_one(&a, -1);
	if (fd < 0) {
		snprintf(c->reason, sizeof(c->reason), "perf_event_open(cycles): %s%s", strerror(-fd),
			 fd == -ENOENT || fd == -EOPNOTSUPP ? " (no PMU in this guest)" : "");
		return fd;
	}
	c->fd[HVS_CTR_CYCLES] = fd;
	c->have[HVS_CTR_CYCLES] = 1;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_HARDWARE;
	a.config = PERF_COUNT_HW_INSTRUCTIONS;
	fd = open_one(&a, c->fd[HVS_CTR_CYCLES]);
	if (fd >= 0) {
		c->fd[HVS_CTR_INSTRUCTIONS] = fd;
		c->have[HVS_CTR_INSTRUCTIONS] = 1;
	}
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_HW_CACHE;
	a.config = PERF_COUNT_HW_CACHE_DTLB | (PERF_COUNT_HW_CACHE_OP_READ << 8) |
		   (PERF_COUNT_HW_CACHE_RESULT_MISS << 16);
	fd = open_one(&a, c->fd[HVS_CTR_CYCLES]);
	if (fd >= 0) {
		c->fd[HVS_CTR_DTLB_MISSES] = fd;
		c->have[HVS_CTR_DTLB_MISSES] = 1;
	}
	hvs_strlcpy(c->reason, "perf_event", sizeof(c->reason));
	return 0;
}

int hvs_counters_perf_start(struct hvs_counters *c)
{
	int lead = c->fd[HVS_CTR_CYCLES];

	if (ioctl(lead, PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP) < 0 ||
	    ioctl(lead, PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP) < 0)
		return -errno;
	return 0;
}

int hvs_counters_perf_stop(struct hvs_counters *c, uint64_t val[HVS_CTR_COUNT])
{
	if (ioctl(c->fd[HVS_CTR_CYCLES], PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP) < 0)
		return -errno;
	for (int i = 0; i < HVS_CTR_COUNT; i++) {
		uint64_t v;

		if (c->fd[i] < 0)
			continue;
		if (read(c->fd[i], &v, sizeof(v)) == (ssize_t)sizeof(v))
			val[i] = v;
	}
	return 0;
}

void hvs_counters_perf_close(struct hvs_counters *c)
{
	for (int i = 0; i < HVS_CTR_COUNT; i++)
		if (c->fd[i] >= 0) {
			close(c->fd[i]);
			c->fd[i] = -1;
		}
}
