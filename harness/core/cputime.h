/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cputime.h - the aggregate "cpu" line of /proc/stat, for steal time and
 * load accounting around a measurement. Steal is what the hypervisor took
 * from us while we were runnable: a sample window with much steal did not
 * measure the guest alone.
 */
#ifndef HVS_CPUTIME_H
#define HVS_CPUTIME_H

#include <stdint.h>

struct hvs_cputime {
	/* In USER_HZ ticks, as the kernel reports them. */
	uint64_t user, nice, system, idle, iowait, irq, softirq, steal;
};

/* Read the first line of <root>/proc/stat. Returns 0 or -errno / -EINVAL. */
int hvs_cputime_read(const char *root, struct hvs_cputime *t);

/* Total ticks (all fields). */
uint64_t hvs_cputime_total(const struct hvs_cputime *t);

/* Steal as a fraction (0..1) of all ticks elapsed between a and b; 0 if none elapsed. */
double hvs_cputime_steal_fraction(const struct hvs_cputime *a, const struct hvs_cputime *b);

#endif
