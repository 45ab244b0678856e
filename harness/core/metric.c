/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * metric.c - the growable metric set, and the rules for merging sets
 * (metric.h): pooling the processes of one run, taking the better of two
 * runs' measurements of one metric.
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

long hvs_metrics_find(const struct hvs_metrics *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->v[i].name, name))
			return (long)i;
	return -1;
}

int hvs_metrics_pool(struct hvs_metrics *dst, const struct hvs_metrics *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct hvs_metric *s = &src->v[i];
		long j = hvs_metrics_find(dst, s->name);
		struct hvs_metric *d;
		size_t cap;

		if (j < 0) {
			d = hvs_metrics_add(dst);
			if (!d)
				return -ENOMEM;
			*d = *s;
			d->samples = NULL;
			d->nsamples = 0;
			d->process_medians = NULL;
			d->nprocesses = 0;
		} else {
			d = &dst->v[j];
			d->flags |= s->flags;
			if (s->outcome != HVS_PASS && d->outcome == HVS_PASS) {
				d->outcome = s->outcome;
				hvs_strlcpy(d->reason, s->reason, sizeof(d->reason));
			}
		}
		if (!s->nsamples)
			continue;
		cap = d->nsamples;
		if (HVS_ARRAY_RESERVE(d->samples, cap, d->nsamples + s->nsamples, 1))
			return -ENOMEM;
		memcpy(d->samples + d->nsamples, s->samples, s->nsamples * sizeof(*d->samples));
		d->nsamples += s->nsamples;
		cap = d->nprocesses;
		if (HVS_ARRAY_RESERVE(d->process_medians, cap, d->nprocesses + 1, 1))
			return -ENOMEM;
		d->process_medians[d->nprocesses++] = s->summary.median;
	}
	return 0;
}

int hvs_metrics_resummarize(struct hvs_metrics *set)
{
	for (size_t i = 0; i < set->n; i++) {
		struct hvs_metric *m = &set->v[i];

		if (m->nsamples && hvs_summarize(m->samples, m->nsamples, &m->summary))
			return -EINVAL;
		if (m->nprocesses < 2) { /* one process: nothing between processes to show */
			free(m->process_medians);
			m->process_medians = NULL;
			m->nprocesses = 0;
		}
	}
	return 0;
}

int hvs_metrics_take(struct hvs_metrics *dst, struct hvs_metric *m, enum hvs_take how)
{
	long i = hvs_metrics_find(dst, m->name);
	struct hvs_metric *d;

	if (i >= 0 && how == HVS_TAKE_BETTER &&
	    !(m->outcome == HVS_PASS &&
	      (dst->v[i].outcome != HVS_PASS || m->nprocesses > dst->v[i].nprocesses)))
		return 0;
	if (i >= 0) {
		d = &dst->v[i];
		free(d->samples);
		free(d->process_medians);
	} else {
		d = hvs_metrics_add(dst);
		if (!d)
			return -ENOMEM;
	}
	*d = *m;
	m->samples = NULL;
	m->process_medians = NULL;
	m->nsamples = m->nprocesses = 0;
	return 1;
}
