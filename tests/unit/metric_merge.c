/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * metric_merge.c - the merge rules of core/metric.c and the growable array
 * of core/array.c: pooling the processes of one run (samples appended,
 * one median per process, worst outcome kept, a metric only in one process
 * added), taking the better of two runs' metric (passed beats failed, more
 * processes beat fewer, replace always wins), ownership moving with it; the
 * array doubles, keeps its contents and refuses sizes that overflow.
 */
#include "core/array.h"
#include "core/metric.h"
#include "tap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One metric name with samples v[0..n) (copied) and its summary. */
static void put(struct hvs_metrics *set, const char *name, const double *v, size_t n, enum hvs_outcome o,
		size_t nproc)
{
	struct hvs_metric *m = hvs_metrics_add(set);
	double *s = malloc(n * sizeof(*s));

	hvs_strlcpy(m->name, name, sizeof(m->name));
	memcpy(s, v, n * sizeof(*s));
	hvs_metric_set_samples(m, s, n);
	m->outcome = o;
	m->nprocesses = nproc;
	if (nproc) {
		m->process_medians = calloc(nproc, sizeof(double));
	}
	if (o != HVS_PASS)
		hvs_strlcpy(m->reason, "it broke", sizeof(m->reason));
}

static void test_pool(void)
{
	const double a[] = { 1, 2, 3 }, b[] = { 10, 11, 12, 13, 14 };
	struct hvs_metrics p1 = { 0 }, p2 = { 0 }, all = { 0 };
	long i;

	put(&p1, "x", a, 3, HVS_PASS, 0);
	put(&p2, "x", b, 5, HVS_FAILED, 0);
	put(&p2, "only2", a, 3, HVS_PASS, 0);
	p2.v[0].flags = 0x4;
	is_int(hvs_metrics_pool(&all, &p1), 0, "pool: first process");
	is_int(hvs_metrics_pool(&all, &p2), 0, "pool: second process");
	is_int(hvs_metrics_resummarize(&all), 0, "pool: resummarize");
	i = hvs_metrics_find(&all, "x");
	ok(i >= 0 && all.v[i].nsamples == 8 && all.v[i].samples[0] == 1 && all.v[i].samples[7] == 14,
	   "pool: samples of both processes, in order");
	ok(i >= 0 && all.v[i].nprocesses == 2 && all.v[i].process_medians[0] == 2 &&
		   all.v[i].process_medians[1] == 12,
	   "pool: one median per process (2, 12)");
	ok(i >= 0 && all.v[i].outcome == HVS_FAILED && !strcmp(all.v[i].reason, "it broke"),
	   "pool: the worst outcome stays, with its reason");
	ok(i >= 0 && all.v[i].flags == 0x4, "pool: flags are OR'd");
	ok(i >= 0 && all.v[i].summary.n == 8 && all.v[i].summary.median == 10.5, "pool: summary of all 8 samples");
	i = hvs_metrics_find(&all, "only2");
	ok(i >= 0 && all.v[i].nprocesses == 0 && !all.v[i].process_medians,
	   "pool: a metric of one process has no process medians");
	hvs_metrics_free(&p1);
	hvs_metrics_free(&p2);
	hvs_metrics_free(&all);
}

static void test_take(void)
{
	const double a[] = { 1, 2, 3 }, b[] = { 7, 8, 9 };
	struct hvs_metrics dst = { 0 }, src = { 0 };
	long i;

	put(&dst, "x", a, 3, HVS_PASS, 2);
	put(&src, "x", b, 3, HVS_PASS, 1);
	is_int(hvs_metrics_take(&dst, &src.v[0], HVS_TAKE_BETTER), 0, "take: fewer processes: dst's kept");
	hvs_metrics_free(&src);
	put(&src, "x", b, 3, HVS_PASS, 3);
	is_int(hvs_metrics_take(&dst, &src.v[0], HVS_TAKE_BETTER), 1, "take: more processes: taken");
	i = hvs_metrics_find(&dst, "x");
	ok(dst.n == 1 && dst.v[i].samples[0] == 7 && !src.v[0].samples && !src.v[0].nsamples,
	   "take: the samples moved (src left empty)");
	hvs_metrics_free(&src);
	put(&src, "x", a, 3, HVS_FAILED, 9);
	is_int(hvs_metrics_take(&dst, &src.v[0], HVS_TAKE_BETTER), 0, "take: a failed one never beats a pass");
	is_int(hvs_metrics_take(&dst, &src.v[0], HVS_TAKE_REPLACE), 1, "take: replace always wins");
	hvs_metrics_free(&src);
	put(&src, "y", a, 3, HVS_FAILED, 0);
	is_int(hvs_metrics_take(&dst, &src.v[0], HVS_TAKE_BETTER), 1, "take: a new name is added");
	is_int((int)dst.n, 2, "take: two metrics");
	hvs_metrics_free(&src);
	hvs_metrics_free(&dst);
}

static void test_array(void)
{
	int *v = NULL, ok_all = 1;
	size_t cap = 0, n;

	for (n = 0; n < 1000; n++) {
		if (HVS_ARRAY_RESERVE(v, cap, n + 1, 16)) {
			ok_all = 0;
			break;
		}
		v[n] = (int)n;
	}
	for (size_t i = 0; i < n; i++)
		ok_all &= v[i] == (int)i;
	ok(ok_all && cap == 1024, "array: 1000 appends kept, capacity 1024 (16 doubled)");
	is_int(HVS_ARRAY_RESERVE(v, cap, 10, 16), 0, "array: room already there");
	is_int(HVS_ARRAY_RESERVE(v, cap, SIZE_MAX / 2, 16), -EOVERFLOW, "array: an overflowing size is refused");
	ok(cap == 1024 && v[999] == 999, "array: left as it was after a refusal");
	free(v);
}

int main(void)
{
	test_pool();
	test_take();
	test_array();
	return done_testing();
}
