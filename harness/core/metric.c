/*
 * metric.c - the growable metric set.
 */
#include "metric.h"
#include "array.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct hvs_metric *hvs_metrics_add(struct hvs_metrics *set)
{
	if (HVS_ARRAY_RESERVE(set->v, set->cap, set->n + 1, 16))
		return NULL;
	memset(&set->v[set->n], 0, sizeof(set->v[0]));
	return &set->v[set->n++];
}

void hvs_metrics_free(struct hvs_metrics *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->v[i].samples);
		free(set->v[i].process_medians);
	}
	free(set->v);
	memset(set, 0, sizeof(*set));
}

int hvs_metric_set_extra(struct hvs_metric *m, const char *key, double val)
{
	for (int i = 0; i < m->nextra; i++)
		if (!strcmp(m->extra[i].key, key)) {
			m->extra[i].val = val;
			return 0;
		}
	if (m->nextra >= HVS_METRIC_EXTRA_MAX)
		return -ENOSPC;
	hvs_strlcpy(m->extra[m->nextra].key, key, sizeof(m->extra[0].key));
	m->extra[m->nextra++].val = val;
	return 0;
}

int hvs_metric_set_samples(struct hvs_metric *m, double *samples, size_t n)
{
	free(m->samples);
	m->samples = samples;
	m->nsamples = n;
	return hvs_summarize(samples, n, &m->summary);
}
