/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compare.c - the statistics behind `hvscope compare` (see compare.h).
 */
#include "compare.h"
#include "results/result.h"

#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *hvs_verdict_name(enum hvs_verdict v)
{
	switch (v) {
	case HVS_V_SAME: return "no change";
	case HVS_V_FASTER: return "faster";
	case HVS_V_SLOWER: return "slower";
	case HVS_V_NA: return "n/a";
	}
	return "?";
}

void hvs_cmp_opts_default(struct hvs_cmp_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->threshold = 0.02;
	o->alpha = 0.05;
	o->level = 0.95;
	o->reps = 2000;
	o->seed = 0x68767363; /* "hvsc" */
}

int hvs_parse_fraction(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s)
		return -EINVAL;
	if (*end == '%') {
		v /= 100.0;
		end++;
	}
	if (*end || !isfinite(v) || v < 0 || v >= 1)
		return -EINVAL;
	*out = v;
	return 0;
}

int hvs_parse_metric_threshold(const char *arg, struct hvs_cmp_threshold *per, size_t *n,
			       size_t cap)
{
	const char *eq = strrchr(arg, '=');
	double v;

	if (*n >= cap)
		return -ENOSPC;
	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(per[0].pattern) ||
	    hvs_parse_fraction(eq + 1, &v))
		return -EINVAL;
	memcpy(per[*n].pattern, arg, (size_t)(eq - arg));
	per[*n].pattern[eq - arg] = '\0';
	per[*n].value = v;
	(*n)++;
	return 0;
}

static double threshold_for(const struct hvs_cmp_opts *o, const char *name)
{
	for (size_t i = 0; i < o->nper_metric; i++)
		if (!fnmatch(o->per_metric[i].pattern, name, 0))
			return o->per_metric[i].value;
	return o->threshold;
}

/*
 * Between-process noise of one run: the spread of its per-process medians
 * relative to their median ((max - min) / median); NaN with < 2 processes.
 */
static double process_noise(const struct hvs_metric *m)
{
	double lo, hi, med;

	if (m->nprocesses < 2)
		return NAN;
	lo = hi = m->process_medians[0];
	for (size_t i = 1; i < m->nprocesses; i++) {
		lo = fmin(lo, m->process_medians[i]);
		hi = fmax(hi, m->process_medians[i]);
	}
	med = hvs_median(m->process_medians, m->nprocesses);
	return med > 0 ? (hi - lo) / med : NAN;
}

static int usable(const struct hvs_metric *m)
{
	return m->outcome == HVS_PASS && m->nsamples >= 2 && !(m->flags & HVS_MF_SKIPPED);
}

static void na(struct hvs_cmp_row *r, const char *why)
{
	r->verdict = HVS_V_NA;
	hvs_strlcpy(r->reason, why, sizeof(r->reason));
}

void hvs_cmp_free(struct hvs_cmp *c)
{
	free(c->rows);
	memset(c, 0, sizeof(*c));
}

int hvs_compare(const struct hvs_metrics *a, const struct hvs_metrics *b,
		const struct hvs_cmp_opts *o, struct hvs_cmp *out)
{
	size_t cap = a->n + b->n, n = 0, k = 0, kp = 0;
	double *pv = NULL, *padj = NULL, *logp = NULL, *logreps = NULL, *pp = NULL, *ppadj = NULL;
	size_t *idx = NULL, *pidx = NULL;
	int ret = -ENOMEM;

	memset(out, 0, sizeof(*out));
	out->geomean.ratio = out->geomean.lo = out->geomean.hi = NAN;
	if (!o->reps)
		return -EINVAL;
	out->rows = calloc(cap ? cap : 1, sizeof(*out->rows));
	pv = malloc((cap + 1) * sizeof(*pv));
	padj = malloc((cap + 1) * sizeof(*padj));
	logp = malloc((cap + 1) * sizeof(*logp));
	idx = malloc((cap + 1) * sizeof(*idx));
	logreps = malloc((cap + 1) * o->reps * sizeof(*logreps));
	pp = malloc((cap + 1) * sizeof(*pp));
	ppadj = malloc((cap + 1) * sizeof(*ppadj));
	pidx = malloc((cap + 1) * sizeof(*pidx));
	if (!out->rows || !pv || !padj || !logp || !idx || !logreps || !pp || !ppadj || !pidx)
		goto out;

	for (size_t i = 0; i < a->n + b->n; i++) {
		const struct hvs_metric *ma, *mb;
		struct hvs_cmp_row *r;
		struct hvs_mwu u;
		long j;
		int e;

		if (i < a->n) {
			ma = &a->v[i];
			j = hvs_metrics_find(b, ma->name);
			mb = j >= 0 ? &b->v[j] : NULL;
		} else {
			mb = &b->v[i - a->n];
			if (hvs_metrics_find(a, mb->name) >= 0)
				continue;
			ma = NULL;
		}
		r = &out->rows[n++];
		hvs_strlcpy(r->name, ma ? ma->name : mb->name, sizeof(r->name));
		hvs_strlcpy(r->unit, ma ? ma->unit : mb->unit, sizeof(r->unit));
		r->direction = ma ? ma->direction : mb->direction;
		r->threshold = threshold_for(o, r->name);
		r->median_a = ma && ma->nsamples ? ma->summary.median : NAN;
		r->median_b = mb && mb->nsamples ? mb->summary.median : NAN;
		r->na = ma ? ma->nsamples : 0;
		r->nb = mb ? mb->nsamples : 0;
		r->ratio.ratio = r->ratio.lo = r->ratio.hi = r->cost = NAN;
		r->p = r->p_holm = r->u = r->noise = r->p_process = r->p_process_holm = NAN;
		if (!ma || !mb) {
			na(r, ma ? "only in A" : "only in B");
			continue;
		}
		if (ma->direction != mb->direction || strcmp(ma->unit, mb->unit)) {
			na(r, "unit or direction differ");
			continue;
		}
		if (!usable(ma) || !usable(mb)) {
			na(r, !usable(ma) ? "not measured in A" : "not measured in B");
			continue;
		}
		e = hvs_bootstrap_ratio(ma->samples, ma->nsamples, mb->samples, mb->nsamples,
					o->reps, o->seed ^ hvs_hash64(r->name), o->level, &r->ratio,
					logreps + k * o->reps);
		/*
		 * Runs made of fresh processes: the bootstrap replicates (for the
		 * geometric mean's CI) resample process medians, the process being
		 * the unit that varies (ASLR, page placement, the host's moment).
		 * The row's CI is replaced below by Yuen's interval over the same
		 * process medians: a percentile bootstrap of 3-5 values is coarse,
		 * and one odd process of five stretches it to the odd value.
		 */
		if (!e && ma->nprocesses >= 3 && mb->nprocesses >= 3) {
			struct hvs_ratio pr;

			e = hvs_bootstrap_ratio(ma->process_medians, ma->nprocesses,
						mb->process_medians, mb->nprocesses, o->reps,
						o->seed ^ hvs_hash64(r->name), o->level, &pr,
						logreps + k * o->reps);
			if (!e) {
				r->ratio.lo = pr.lo;
				r->ratio.hi = pr.hi;
				r->ci_processes = 1;
			}
		}
		if (e == -EDOM) {
			na(r, "median <= 0: no ratio");
			continue;
		}
		if (e) {
			ret = e;
			goto out;
		}
		e = hvs_mann_whitney(ma->samples, ma->nsamples, mb->samples, mb->nsamples, &u);
		if (e) {
			ret = e;
			goto out;
		}
		r->u = u.u;
		r->p = u.p;
		/*
		 * The process is the unit that varies between runs: thousands of
		 * samples from three processes are not thousands of independent
		 * observations of the run, and a U test over them calls a shift
		 * between two quiet minutes of the machine significant. Yuen's
		 * test over the log process medians (Welch's test on 20%-trimmed
		 * means: three processes keep all three, five drop the extremes)
		 * asks whether the processes of B differ from those of A by more
		 * than processes of one run differ among themselves (Kalibera and
		 * Jones, "Rigorous benchmarking in reasonable time", 2013: test at
		 * the level of the highest random effect measured). Its interval
		 * is the row's CI.
		 */
		if (ma->nprocesses >= 3 && mb->nprocesses >= 3) {
			double *la = malloc((ma->nprocesses + mb->nprocesses) * sizeof(*la)), *lb;
			size_t nla = 0, nlb = 0;
			struct hvs_yuen y;

			if (!la) {
				ret = -ENOMEM;
				goto out;
			}
			lb = la + ma->nprocesses;
			for (size_t q = 0; q < ma->nprocesses; q++)
				if (ma->process_medians[q] > 0)
					la[nla++] = log(ma->process_medians[q]);
			for (size_t q = 0; q < mb->nprocesses; q++)
				if (mb->process_medians[q] > 0)
					lb[nlb++] = log(mb->process_medians[q]);
			e = hvs_yuen(la, nla, lb, nlb, HVS_CMP_PROCESS_TRIM, &y);
			free(la);
			if (e == -ENOMEM) {
				ret = e;
				goto out;
			}
			if (!e) {
				double q = isnan(y.df) ? 0 : hvs_qt2(1 - o->level, y.df);

				r->p_process = y.p;
				r->ratio.lo = exp(y.diff - q * y.se);
				r->ratio.hi = exp(y.diff + q * y.se);
				r->ci_processes = 1;
				pp[kp] = y.p;
				pidx[kp++] = n - 1;
			}
		}
		r->cost = r->direction == HVS_HIGHER_IS_BETTER ? 1.0 / r->ratio.ratio : r->ratio.ratio;
		/*
		 * The spread between the fresh processes of each run, reported
		 * (and flagged "noisy" in the table); Yuen's test above weighs it.
		 */
		{
			double na_ = process_noise(ma), nb_ = process_noise(mb);

			r->noise = isnan(na_) ? nb_ : isnan(nb_) ? na_ : fmax(na_, nb_);
		}
		/* Orient the replicates like the cost: higher-is-better flips the sign of log. */
		if (r->direction == HVS_HIGHER_IS_BETTER)
			for (unsigned q = 0; q < o->reps; q++)
				logreps[k * o->reps + q] = -logreps[k * o->reps + q];
		logp[k] = log(r->cost);
		pv[k] = u.p;
		idx[k] = n - 1;
		k++;
	}
	out->n = n;
	out->ncompared = k;
	if (kp) {
		ret = hvs_holm(pp, kp, ppadj);
		if (ret)
			goto out;
		for (size_t q = 0; q < kp; q++)
			out->rows[pidx[q]].p_process_holm = ppadj[q];
	}
	if (k) {
		ret = hvs_holm(pv, k, padj);
		if (ret)
			goto out;
		for (size_t q = 0; q < k; q++) {
			struct hvs_cmp_row *r = &out->rows[idx[q]];
			/*
			 * Significant: Holm-adjusted U test below alpha AND the CI of
			 * the ratio excludes 1 AND, for runs of fresh processes, the
			 * Holm-adjusted Yuen test over process medians below alpha.
			 * The U test sees every sample, the process test sees what
			 * varies between runs; a shift between two moments of the
			 * machine often fools the first, rarely the second.
			 */
			int significant = padj[q] < o->alpha && (r->ratio.lo > 1 || r->ratio.hi < 1);

			if (!isnan(r->p_process_holm) && !(r->p_process_holm < o->alpha))
				significant = 0;

			r->p_holm = padj[q];
			if (significant && r->cost > 1 + r->threshold) {
				r->verdict = HVS_V_SLOWER;
				out->slower++;
			} else if (significant && r->cost < 1 - r->threshold) {
				r->verdict = HVS_V_FASTER;
				out->faster++;
			} else {
				r->verdict = HVS_V_SAME;
			}
		}
		ret = hvs_geomean_ratio(logp, logreps, k, o->reps, o->level, &out->geomean);
		if (ret)
			goto out;
	}
	ret = 0;
out:
	free(pv);
	free(padj);
	free(logp);
	free(idx);
	free(logreps);
	free(pp);
	free(ppadj);
	free(pidx);
	if (ret)
		hvs_cmp_free(out);
	return ret;
}
