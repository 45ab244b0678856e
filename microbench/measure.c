/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * measure.c - calibrated, control-subtracted loop timing with steal and
 * counter accounting (see measure.h).
 */
#include "measure.h"
#include "core/timing.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct run_state {
	const struct hvs_loop *l;
	struct hvs_loop_hooks h;
	struct hvs_counters *ctr;
	uint64_t ctr_sum[HVS_CTR_COUNT];
	uint64_t ctr_ops;
	int ctr_ok;
};

static double time_ticks(struct run_state *s, hvs_loop_fn fn, uint64_t iters, int count)
{
	const struct hvs_loop *l = s->l;
	uint64_t t0, t1, v[HVS_CTR_COUNT];

	if (s->h.prepare)
		s->h.prepare(l->arg, iters);
	if (count && s->ctr_ok && hvs_counters_start(s->ctr))
		count = 0;
	t0 = hvs_tsc_begin();
	fn(l->arg, iters);
	t1 = hvs_tsc_end();
	if (count && s->ctr_ok && !hvs_counters_stop(s->ctr, v)) {
		for (int i = 0; i < HVS_CTR_COUNT; i++)
			if (v[i] != HVS_CTR_NONE)
				s->ctr_sum[i] += v[i];
		s->ctr_ops += iters;
	}
	if (s->h.finish)
		s->h.finish(l->arg);
	return (double)(t1 - t0);
}

void hvs_note_steal(struct hvs_metric *m, const struct hvs_cputime *a, const struct hvs_cputime *b)
{
	double f = hvs_cputime_steal_fraction(a, b);
	double prev = 0;

	for (int i = 0; i < m->nextra; i++)
		if (!strcmp(m->extra[i].key, "steal_pct"))
			prev = m->extra[i].val;
	/* Keep the worst window. */
	if (f * 100 >= prev)
		hvs_metric_set_extra(m, "steal_pct", f * 100);
	if (f > HVS_STEAL_THRESHOLD)
		m->flags |= HVS_MF_STEAL;
}

static void note_counters(struct hvs_metric *m, struct hvs_counters *c, const uint64_t *sum,
			  uint64_t ops)
{
	char key[40];

	if (c->backend == 0) {
		m->flags |= HVS_MF_NO_COUNTERS;
		return;
	}
	for (int i = 0; i < HVS_CTR_COUNT; i++) {
		if (!c->have[i] || !ops)
			continue;
		snprintf(key, sizeof(key), "pmu_%s_per_op", hvs_counter_name(i));
		hvs_metric_set_extra(m, key, (double)sum[i] / (double)ops);
	}
}

void hvs_window_begin(struct hvs_window *w)
{
	struct hvs_counters *c = hvs_counters_shared();

	memset(w, 0, sizeof(*w));
	w->have_t0 = hvs_cputime_read(NULL, &w->t0) == 0;
	w->counting = c->backend != 0 && hvs_counters_start(c) == 0;
}

void hvs_window_end(struct hvs_window *w, uint64_t ops, struct hvs_metric *m)
{
	struct hvs_counters *c = hvs_counters_shared();
	uint64_t v[HVS_CTR_COUNT];
	struct hvs_cputime t1;

	if (w->have_t0 && hvs_cputime_read(NULL, &t1) == 0)
		hvs_note_steal(m, &w->t0, &t1);
	if (w->counting && hvs_counters_stop(c, v) == 0) {
		for (int i = 0; i < HVS_CTR_COUNT; i++)
			if (v[i] == HVS_CTR_NONE)
				v[i] = 0;
		note_counters(m, c, v, ops);
	} else {
		note_counters(m, c, v, 0);
	}
}

int hvs_measure_loop(const struct hvs_bench_ctx *ctx, const struct hvs_loop *l,
		     struct hvs_metric *m)
{
	return hvs_measure_loop_hooks(ctx, l, NULL, m);
}

int hvs_measure_loop_hooks(const struct hvs_bench_ctx *ctx, const struct hvs_loop *l,
			   const struct hvs_loop_hooks *h, struct hvs_metric *m)
{
	double hz = hvs_tsc_hz(), timer = hvs_tsc_overhead();
	double min_ticks, *samples = NULL, *cyc = NULL, *ctl = NULL, ctl_med = 0;
	unsigned n = ctx->samples ? ctx->samples : 31;
	uint64_t iters = 1, cap = h && h->max_iters ? h->max_iters : (1ull << 40);
	uint64_t deadline, win_start;
	struct run_state s = { .l = l, .ctr = hvs_counters_shared() };

	if (h)
		s.h = *h;
	struct hvs_cputime st0, st1;
	int have_st;
	unsigned got = 0;
	int ret;

	if (hz <= 0)
		return -ENODEV;
	s.ctr_ok = s.ctr->backend != 0;
	min_ticks = ctx->min_sample_ns * hz / 1e9;
	deadline = hvs_now_ns() + (uint64_t)(ctx->budget_s * 1e9);

	/* Warm-up (caches, TLB, branch predictors, lazy binding) and calibration. */
	time_ticks(&s, l->body, 1, 0);
	while (iters < cap && time_ticks(&s, l->body, iters, 0) < min_ticks)
		iters *= 2;
	if (iters > cap)
		iters = cap;
	time_ticks(&s, l->body, iters, 0);
	if (l->control)
		time_ticks(&s, l->control, iters, 0);

	samples = calloc(n, sizeof(*samples));
	cyc = calloc(n, sizeof(*cyc));
	ctl = calloc(n, sizeof(*ctl));
	if (!samples || !cyc || !ctl) {
		ret = -ENOMEM;
		goto fail;
	}
	have_st = hvs_cputime_read(NULL, &st0) == 0;
	win_start = hvs_now_ns();
	/* Interleave body and control so drift hits both alike. */
	while (got < n) {
		uint64_t now;

		cyc[got] = time_ticks(&s, l->body, iters, 1);
		ctl[got] = l->control ? time_ticks(&s, l->control, iters, 0) : timer;
		got++;
		now = hvs_now_ns();
		if (have_st && (now - win_start >= HVS_STEAL_WINDOW_NS || got == n) &&
		    hvs_cputime_read(NULL, &st1) == 0) {
			hvs_note_steal(m, &st0, &st1);
			st0 = st1;
			win_start = now;
		}
		if (got >= 5 && now > deadline)
			break; /* over budget: fewer samples, said by n */
	}
	if (have_st && got < n && hvs_cputime_read(NULL, &st1) == 0)
		hvs_note_steal(m, &st0, &st1);
	ctl_med = hvs_median(ctl, got);
	for (unsigned i = 0; i < got; i++) {
		double per = (cyc[i] - ctl_med) / (double)iters;

		cyc[i] = per;
		samples[i] = per * 1e9 / hz;
	}
	m->iterations = iters;
	m->overhead = ctl_med / (double)iters * 1e9 / hz;
	hvs_metric_set_extra(m, "cycles_per_op", hvs_median(cyc, got));
	hvs_metric_set_extra(m, "tsc_hz", hz);
	note_counters(m, s.ctr, s.ctr_sum, s.ctr_ops);
	free(cyc);
	free(ctl);
	return hvs_metric_set_samples(m, samples, got);
fail:
	free(samples);
	free(cyc);
	free(ctl);
	return ret;
}

void hvs_loop_empty(void *arg, uint64_t iters)
{
	(void)arg;
	for (uint64_t i = 0; i < iters; i++)
		__asm__ __volatile__("" ::: "memory");
}
