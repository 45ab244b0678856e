/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * trend.c - history series for trend charts: the newest run's context
 * (same host and hypervisor) read from the history database
 * (harness/results/history.h), each metric's per-run medians, and the change points
 * hvs_regress_judge() finds in them: the very function and parameters `regress`
 * uses (harness/analysis/regress.h), so both mark the same nights.
 */
#include "trend.h"
#include "core/array.h"
#include "results/history.h"
#include "analysis/hostspeed.h"
#include "analysis/regress.h"
#include "core/stats.h"
#include "core/units.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TREND_WINDOW 100000   /* runs read back at most */
#define TREND_ALPHA 0.01     /* hvs_series_opts_default()'s, for the note */

struct collect {
	const struct hvs_hrun *runs;
	size_t nruns;
	double *t;
	struct hvs_rpt_series *v;
	size_t n, cap;
	size_t nmetrics, nchanged;
	const struct hvs_hostspeed *hs; /* the nights' host speed: judged at it, charted as measured */
	int all; /* keep every series, not only those with a change */
	int err;
};

static double iso_to_epoch(const char *s)
{
	struct tm tm = { 0 };

	if (!strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return NAN;
	return (double)timegm(&tm);
}

static int one_series(void *arg, const char *name, const char *unit, enum hvs_direction dir,
		      const double *med, size_t n)
{
	struct collect *c = arg;
	struct hvs_series_opts so;
	struct hvs_series_verdict sv;
	struct hvs_rpt_series *s;
	double *x = malloc((n ? n : 1) * 2 * sizeof(*x)), *xj = x ? x + (n ? n : 1) : NULL;
	size_t *at = malloc((n ? n : 1) * sizeof(*at));
	size_t k = 0;
	int nc = 0;

	hvs_series_opts_default(&so);
	memset(&sv, 0, sizeof(sv));
	if (!x || !at)
		goto nomem;
	/* Judged at the host's speed, as regress does (xj); charted as measured (x). */
	hvs_hostspeed_apply(c->hs, dir, med, so.min_seg, xj);
	for (size_t i = 0; i < n; i++)
		if (isfinite(med[i]) && med[i] > 0) {
			x[k] = med[i];
			xj[k] = xj[i];
			at[k++] = i;
		}
	c->nmetrics++;
	if (k >= 2 * so.min_seg + 3 && !hvs_regress_judge(xj, k, dir, hvs_hash64(name), &so, &sv))
		nc = (int)sv.nmarks;
	if (nc)
		c->nchanged++;
	if (!k || (!nc && !c->all)) {
		free(x);
		free(at);
		return 0;
	}
	if (HVS_ARRAY_RESERVE(c->v, c->cap, c->n + 1, 16))
		goto nomem;
	s = &c->v[c->n];
	memset(s, 0, sizeof(*s));
	s->metric = strdup(name);
	s->unit = strdup(unit);
	s->context = strdup(c->runs[c->nruns - 1].uid);
	s->changes = NULL;
	s->pt = calloc(k, sizeof(*s->pt));
	c->n++;
	if (!s->metric || !s->unit || !s->context || !s->pt)
		goto nomem;
	for (size_t i = 0; i < k; i++) {
		s->pt[i].t = c->t[at[i]];
		s->pt[i].median = x[i];
		s->pt[i].ci_lo = s->pt[i].ci_hi = NAN;
	}
	for (size_t i = 0; i < k; i++)
		hvs_strlcpy(s->pt[i].commit, c->runs[at[i]].commit, sizeof(s->pt[i].commit));
	for (int j = 0; j < nc; j++)
		if (sv.marks[j] < k)
			s->pt[sv.marks[j]].change = 1;
	s->n = k;
	if (nc) {
		/* The newest change is what an on-call engineer asks about. */
		size_t last = sv.changed ? sv.began : sv.marks[nc - 1];
		const struct hvs_hrun *r = &c->runs[at[last]];

		char from[48], to[48]; /* SI-scaled, never an exponent: "11.7 µs -> 13.1 µs" */

		hvs_fmt_val(from, sizeof(from), sv.changed ? sv.before : x[last ? last - 1 : 0], unit, HVS_U_UTF8);
		hvs_fmt_val(to, sizeof(to), sv.changed ? sv.level : x[last], unit, HVS_U_UTF8);
		if (asprintf(&s->changes, "%s%s%s -> %s from commit %s (run %s, %.10s)%s",
			     sv.changed ? hvs_verdict_name(sv.verdict) : "change", sv.changed ? ": " : " ", from,
			     to, r->commit, r->uid, r->started, nc > 1 ? ", and earlier changes" : "") < 0) {
			s->changes = NULL;
			goto nomem;
		}
	}
	free(x);
	free(at);
	return 0;
nomem:
	free(x);
	free(at);
	c->err = -ENOMEM;
	return 1;
}

void hvs_rpt_series_free(struct hvs_rpt_series *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].metric);
		free(v[i].unit);
		free(v[i].context);
		free(v[i].changes);
		free(v[i].pt);
	}
	free(v);
}

static int valid_since(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t l = strlen(s);

	if (l != 10 && l != 20)
		return 0;
	for (size_t i = 0; i < l; i++)
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i])
			return 0;
	return 1;
}

/*
 * Every metric's series, then each judged at the nights' host speed
 * (analysis/hostspeed.h, the same estimate as regress's).
 */
static int trend_series(struct hvs_history *h, struct collect *c, char *err, size_t errlen)
{
	struct hvs_hs_set set = { 0 };
	struct hvs_hostspeed hs = { 0 };
	struct hvs_series_opts so;
	int ret;

	hvs_series_opts_default(&so);
	set.nights = c->nruns;
	ret = hvs_history_series(h, c->runs, c->nruns, hvs_hs_set_add, &set, err, errlen);
	if (!ret)
		ret = hvs_hostspeed_estimate(&set, HVS_HOST_REFERENCE, so.threshold, &hs);
	c->hs = &hs;
	for (size_t m = 0; !ret && m < set.n; m++)
		ret = one_series(c, set.v[m].name, set.v[m].unit, set.v[m].dir, set.v[m].med, c->nruns);
	c->hs = NULL;
	if (ret == -ENOMEM) {
		c->err = -ENOMEM;
		ret = 1;
	}
	hvs_hostspeed_free(&hs);
	hvs_hs_set_free(&set);
	return ret;
}

int hvs_rpt_history_load(const char *db, const char *since, int all, struct hvs_rpt_series **out,
			 size_t *nout, char *note, size_t notelen, char *err, size_t errlen)
{
	return hvs_rpt_history_load_ctx(db, NULL, since, all, out, nout, note, notelen, err, errlen);
}

int hvs_rpt_history_load_ctx(const char *db, const char *context, const char *since, int all,
			     struct hvs_rpt_series **out, size_t *nout, char *note, size_t notelen,
			     char *err, size_t errlen)
{
	struct hvs_history *h = NULL;
	struct hvs_hrun *runs = NULL;
	struct collect c = { 0 };
	const char *ctx[64]; /* over the history's limit: its error says it */
	char cbuf[512], what[600] = "the newest run's context";
	char *tok, *save = NULL;
	size_t n = 0, first = 0, nctx = 0;
	int ret;

	*out = NULL;
	*nout = 0;
	if (since && !valid_since(since)) {
		snprintf(err, errlen, "--since '%s': want YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", since);
		return -HVS_EUSAGE;
	}
	if (context && strlen(context) >= sizeof(cbuf)) {
		snprintf(err, errlen, "--context: longer than %zu bytes", sizeof(cbuf) - 1);
		return -HVS_EUSAGE;
	}
	/* TAG,...,KEY=VALUE,... as `regress --context`; one too many is the history's error. */
	hvs_strlcpy(cbuf, context ? context : "", sizeof(cbuf));
	for (tok = strtok_r(cbuf, ",", &save); tok && nctx < HVS_ARRAY_SIZE(ctx);
	     tok = strtok_r(NULL, ",", &save))
		if (*tok)
			ctx[nctx++] = tok;
	if (nctx)
		snprintf(what, sizeof(what), "the context of --context %s", context);
	ret = hvs_history_open(db, &h, err, errlen);
	if (ret)
		return ret;
	ret = hvs_history_context_runs(h, ctx, nctx, TREND_WINDOW, &runs, &n, err, errlen);
	if (ret)
		goto out;
	/* ISO 8601 UTC strings sort like the times they name. */
	while (since && first < n && strncmp(runs[first].started, since, strlen(since)) < 0)
		first++;
	c.runs = runs + first;
	c.nruns = n - first;
	c.all = all;
	if (!c.nruns) {
		snprintf(note, notelen, "History: no run since %s in %s.", since, db);
		goto out;
	}
	c.t = malloc(c.nruns * sizeof(*c.t));
	if (!c.t) {
		ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < c.nruns; i++)
		c.t[i] = iso_to_epoch(c.runs[i].started);
	ret = trend_series(h, &c, err, errlen);
	if (c.err) {
		ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
	} else if (ret > 0) {
		ret = 0;
	}
	if (ret)
		goto out;
	snprintf(note, notelen,
		 "History: %zu runs of %s (%s .. %s, same host and hypervisor) "
		 "in %s; %zu of %zu metrics have a change point (permutation-confirmed, alpha %.2f; judged "
		 "at the host's speed, as regress does, charted as measured)%s.",
		 c.nruns, what, c.runs[0].started, c.runs[c.nruns - 1].started, db, c.nchanged, c.nmetrics,
		 TREND_ALPHA, all ? "" : "; only those are charted");
	*out = c.v;
	*nout = c.n;
	c.v = NULL;
	c.n = 0;
out:
	hvs_rpt_series_free(c.v, c.n);
	free(c.t);
	free(runs);
	hvs_history_close(h);
	return ret;
}
