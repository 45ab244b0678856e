/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mm_mmapchurn.c - mmap 4 MiB of anonymous memory, touch every page, munmap,
 * repeat: page faults, page-table allocation and teardown, TLB flushes.
 * With a second thread alive on another CPU, munmap must shoot down its TLB
 * (an IPI, which exits under most hypervisors).
 */
#include "workload.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHURN_BYTES (4u << 20)

static atomic_int stop_spinner;

static void *spinner(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&stop_spinner, memory_order_relaxed))
		__asm__ __volatile__("pause");
	return NULL;
}

static void body(void *arg, uint64_t iters)
{
	long page = sysconf(_SC_PAGESIZE);
	int *failed = arg;

	for (uint64_t i = 0; i < iters; i++) {
		volatile char *p = mmap(NULL, CHURN_BYTES, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			*failed = 1;
			return;
		}
		for (size_t off = 0; off < CHURN_BYTES; off += (size_t)page)
			p[off] = 1;
		munmap((void *)p, CHURN_BYTES);
	}
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	int failed = 0, threaded;
	struct hvs_loop l = { body, NULL, &failed };
	struct hvs_metric *m = hvs_bench_metric(self, out, NULL);
	pthread_t t;
	int ret;

	if (!m)
		return -ENOMEM;
	atomic_store(&stop_spinner, 0);
	/* The spinner only matters with 2+ CPUs; on one CPU it would steal time. */
	threaded = sysconf(_SC_NPROCESSORS_ONLN) > 1 && pthread_create(&t, NULL, spinner, NULL) == 0;
	ret = hvs_workload_rate(ctx, &l, CHURN_BYTES / 1e6, m);
	if (threaded) {
		atomic_store(&stop_spinner, 1);
		pthread_join(t, NULL);
	}
	hvs_metric_set_extra(m, "second_thread", threaded);
	if (!ret && failed)
		ret = -ENOMEM;
	return ret;
}

const struct hvs_bench hvs_bench_wl_mm_mmapchurn = {
	.name = "workload.mm.mmapchurn",
	.klass = "workload",
	.unit = "MB/s",
	.what = "mmap/touch/munmap churn of 4 MiB with a second thread alive (TLB shootdowns)",
	.direction = HVS_HIGHER_IS_BETTER,
	.sets = HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run,
};
