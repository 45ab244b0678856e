/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * twostate.h - a fixture for the compare unit tests (header only): one run
 * of a two-state metric built from a seeded PRNG, so verdicts.c and
 * compare_family.c draw the same kind of runs the same way.
 */
#ifndef HVS_TWOSTATE_H
#define HVS_TWOSTATE_H

#include "core/metric.h"
#include "core/stats.h"

#include <stdio.h>
#include <stdlib.h>

/*
 * A run of a two-state metric "m": 3 processes x 20 samples, nhi of each
 * process's samples in the upper state (around hi, +-jhi uniform), the
 * rest around lo (+-1%), the whole run offset by the factor run.
 */
static inline void mkrun2(struct hvs_metrics *set, double lo, double hi, double jhi, size_t nhi,
		   double run, struct hvs_rng *r)
{
	struct hvs_metric *m = hvs_metrics_add(set);
	double *s = malloc(60 * sizeof(*s));

	snprintf(m->name, sizeof(m->name), "m");
	snprintf(m->unit, sizeof(m->unit), "ns");
	m->outcome = HVS_PASS;
	m->process_medians = malloc(3 * sizeof(double));
	m->nprocesses = 3;
	for (size_t p = 0; p < 3; p++) {
		for (size_t i = 0; i < 20; i++)
			s[p * 20 + i] = run * (i < nhi ? hi * (1 + 2 * jhi * (hvs_rng_uniform(r) - 0.5))
						  : lo * (1 + 0.02 * (hvs_rng_uniform(r) - 0.5)));
		m->process_medians[p] = hvs_median(s + p * 20, 20);
	}
	hvs_metric_set_samples(m, s, 60);
}

#endif
