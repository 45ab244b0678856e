/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ring0_metric.c - ring-0 samples to metrics, and the reader of the
 * bootable image's serial lines (a fixed, flat JSON shape written by
 * microbench/ring0/main.c: a tiny purpose-built scanner suffices and keeps
 * the static binary free of a JSON dependency for this path).
 */
#include "ring0_metric.h"
#include "core/array.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define R0_DESC(id, nm, kl, ex, wh) [R0_B_##id] = { nm, kl, wh, ex },
const struct ring0_desc ring0_descs[R0_NBENCH] = { R0_BENCHES(R0_DESC) };
#undef R0_DESC

int ring0_find(const char *name)
{
	for (int i = 0; i < R0_NBENCH; i++)
		if (!strcmp(ring0_descs[i].name, name))
			return i;
	return -1;
}

int ring0_fill_metric(struct hvs_metric *m, const char *prefix, int id, const uint64_t *cycles,
		      const uint64_t *control, uint32_t n, uint64_t iters, uint64_t tsc_khz)
{
	const struct ring0_desc *d = &ring0_descs[id];
	double *ctl, *s, ctl_med, cyc_med, ns_per_cycle;
	int r;

	snprintf(m->name, sizeof(m->name), "%s%s", prefix, d->name);
	hvs_strlcpy(m->unit, "ns", sizeof(m->unit));
	hvs_strlcpy(m->klass, d->klass, sizeof(m->klass));
	hvs_strlcpy(m->what, d->what, sizeof(m->what));
	m->direction = HVS_LOWER_IS_BETTER;
	if (!n || !iters || !tsc_khz)
		return -EINVAL;
	ns_per_cycle = 1e6 / (double)tsc_khz;
	ctl = malloc(n * sizeof(*ctl));
	s = malloc(n * sizeof(*s));
	if (!ctl || !s) {
		free(ctl);
		free(s);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++)
		ctl[i] = (double)control[i];
	ctl_med = hvs_median(ctl, n);
	for (uint32_t i = 0; i < n; i++)
		s[i] = ((double)cycles[i] - ctl_med) / (double)iters;
	cyc_med = hvs_median(s, n);
	for (uint32_t i = 0; i < n; i++)
		s[i] *= ns_per_cycle;
	free(ctl);
	m->iterations = iters;
	m->overhead = ctl_med / (double)iters * ns_per_cycle;
	r = hvs_metric_set_samples(m, s, n);
	hvs_metric_set_extra(m, "cycles", cyc_med);
	hvs_metric_set_extra(m, "control_cycles", ctl_med / (double)iters);
	hvs_metric_set_extra(m, "tsc_khz", (double)tsc_khz);
	return r;
}

/* Pointer just past `"key":` in line, or NULL. */
static const char *field(const char *line, const char *key)
{
	char pat[48];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	return p ? p + strlen(pat) : NULL;
}

static int get_str(const char *line, const char *key, char *out, size_t len)
{
	const char *p = field(line, key);
	size_t k = 0;

	if (!p || *p != '"')
		return -EINVAL;
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		if (k + 1 < len)
			out[k++] = *p;
	}
	out[k] = 0;
	return *p == '"' ? 0 : -EINVAL;
}

static int get_u64(const char *line, const char *key, uint64_t *v)
{
	const char *p = field(line, key);
	char *end;

	if (!p)
		return -EINVAL;
	errno = 0;
	*v = strtoull(p, &end, 10);
	return (end == p || errno) ? -EINVAL : 0;
}

static int get_array(const char *line, const char *key, uint64_t **out, uint32_t *n)
{
	const char *p = field(line, key);
	uint64_t *v = NULL;
	uint32_t k = 0;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (!p || *p != '[')
		return -EINVAL;
	for (p++; *p && *p != ']';) {
		char *end;

		if (k == cap && (cap >= 1u << 20 || HVS_ARRAY_RESERVE(v, cap, k + 1, 64)))
			goto bad;
		errno = 0;
		v[k] = strtoull(p, &end, 10);
		if (end == p || errno)
			goto bad;
		k++;
		p = end;
		if (*p == ',')
			p++;
	}
	if (*p != ']')
		goto bad;
	*out = v;
	*n = k;
	return 0;
bad:
	free(v);
	return -EINVAL;
}

int ring0_parse_serial_line(const char *line, struct ring0_serial_result *r)
{
	char type[16];

	memset(r, 0, sizeof(*r));
	line = strchr(line, '{');
	if (!line || get_str(line, "type", type, sizeof(type)) < 0)
		return R0_LINE_NOISE;
	if (!strcmp(type, "start"))
		return get_str(line, "bench", r->bench, sizeof(r->bench)) < 0 ? -EINVAL : R0_LINE_START;
	if (!strcmp(type, "end"))
		return R0_LINE_END;
	if (!strcmp(type, "hello"))
		return get_u64(line, "tsc_khz", &r->tsc_khz) < 0 ? -EINVAL : R0_LINE_HELLO;
	if (strcmp(type, "result"))
		return R0_LINE_NOISE;
	if (get_str(line, "bench", r->bench, sizeof(r->bench)) < 0 ||
	    get_str(line, "status", r->status, sizeof(r->status)) < 0 ||
	    get_str(line, "reason", r->reason, sizeof(r->reason)) < 0 || get_u64(line, "iters", &r->iters) < 0 ||
	    get_u64(line, "tsc_khz", &r->tsc_khz) < 0)
		return -EINVAL;
	if (get_array(line, "cycles", &r->cycles, &r->n) < 0)
		return -EINVAL;
	if (get_array(line, "control", &r->control, &r->nctl) < 0 || r->nctl != r->n) {
		free(r->cycles);
		free(r->control);
		r->cycles = r->control = NULL;
		return -EINVAL;
	}
	return R0_LINE_RESULT;
}

/* A result line's status as the metric's outcome, flags and reason. */
static void take_status(struct hvs_metric *m, const struct ring0_serial_result *r, struct ring0_serial_summary *sum)
{
	if (!strcmp(r->status, "skip")) {
		m->outcome = HVS_SKIP;
		m->flags |= HVS_MF_SKIPPED;
	} else if (!strcmp(r->status, "timeout")) {
		m->outcome = HVS_TIMEOUT;
		m->flags |= HVS_MF_TIMEOUT;
		sum->any_timeout = 1;
	} else {
		m->outcome = HVS_FAILED;
		sum->any_fail = 1;
	}
	hvs_strlcpy(m->reason, r->reason, sizeof(m->reason));
}

/* One result line into set. 0, or -HVS_ESCHEMA / -ENOMEM with why set. */
static int take_result(struct ring0_serial_result *r, int (*keep)(const char *bench, void *arg), void *arg,
		       uint64_t tsc_khz, struct hvs_metrics *set, struct ring0_serial_summary *sum, char *why,
		       size_t whylen)
{
	int id = ring0_find(r->bench);
	struct hvs_metric *m;

	if (id < 0) {
		snprintf(why, whylen, "unknown benchmark '%.60s'", r->bench);
		return -HVS_ESCHEMA;
	}
	if (keep && !keep(r->bench, arg))
		return 0;
	m = hvs_metrics_add(set);
	if (!m) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	sum->results++;
	if (strcmp(r->status, "ok")) {
		ring0_fill_metric(m, "image.", id, NULL, NULL, 0, 0, 0);
		take_status(m, r, sum);
	} else if (ring0_fill_metric(m, "image.", id, r->cycles, r->control, r->n, r->iters,
				     tsc_khz ? tsc_khz : r->tsc_khz) < 0) {
		m->outcome = HVS_FAILED;
		sum->any_fail = 1;
		hvs_strlcpy(m->reason, "no samples or no TSC rate", sizeof(m->reason));
	} else {
		m->outcome = HVS_PASS;
	}
	return 0;
}

int ring0_serial_metrics(const char *path, int (*keep)(const char *bench, void *arg), void *arg,
			 uint64_t tsc_khz, struct hvs_metrics *set, struct ring0_serial_summary *sum, char *why,
			 size_t whylen)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	memset(sum, 0, sizeof(*sum));
	if (!f) {
		ret = -errno;
		snprintf(why, whylen, "cannot open %s: %s", path, strerror(-ret));
		return ret;
	}
	while (!ret && getline(&line, &cap, f) > 0) {
		struct ring0_serial_result r;
		int t = ring0_parse_serial_line(line, &r);

		if (t == R0_LINE_START) {
			hvs_strlcpy(sum->hung, r.bench, sizeof(sum->hung));
		} else if (t == R0_LINE_END) {
			sum->ended = 1;
		} else if (t == -EINVAL) {
			snprintf(why, whylen, "%s: malformed result line", path);
			ret = -EBADMSG;
		} else if (t == R0_LINE_RESULT) {
			char w[120];

			sum->hung[0] = '\0';
			ret = take_result(&r, keep, arg, tsc_khz, set, sum, w, sizeof(w));
			if (ret)
				snprintf(why, whylen, "%s: %s", path, w);
			free(r.cycles);
			free(r.control);
		}
	}
	free(line);
	fclose(f);
	return ret;
}
