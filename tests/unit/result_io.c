/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit test: result files round-trip through the writer and the reader
 * (raw samples, the histogram form above the size limit, skipped metrics,
 * tags, extras), and the writer refuses what the schema forbids (NaN).
 * The reader's errors are -errno, mapped to the README's exit codes by the
 * one table, hvs_errno_exit().
 */
#include "results/result.h"
#include "core/hvscope.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char dir[] = "/tmp/hvs-result-XXXXXX", path[256], err[512];
	struct hvs_run_info info;
	struct hvs_metrics set = { 0 };
	struct hvs_metric *m;
	struct hvs_result *r = NULL;
	char *argv[] = { "hvscope", "run", "--quick" };
	double *x;
	size_t big = HVS_RESULT_MAX_RAW + 1000;
	int ret;

	plan(33);
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/r.json", dir);
	hvs_run_info_init(&info);
	info.argc = 3;
	info.argv = argv;
	hvs_strlcpy(info.suite, "quick", sizeof(info.suite));
	ok(hvs_run_info_add_tags(&info, "host=box1,config=default") == 0, "tags parse");
	ok(hvs_run_info_add_tags(&info, "bad key=1") == -EINVAL, "a bad tag key is refused");
	ok(hvs_run_info_add_tags(&info, "noequals") == -EINVAL, "a tag without = is refused");
	is_str(hvs_run_info_tag(&info, "config"), "default", "tag lookup");

	m = hvs_metrics_add(&set);
	hvs_strlcpy(m->name, "t.small", sizeof(m->name));
	hvs_strlcpy(m->unit, "ns", sizeof(m->unit));
	x = malloc(5 * sizeof(*x));
	for (int i = 0; i < 5; i++)
		x[i] = 10.0 + i * 0.1;
	hvs_metric_set_samples(m, x, 5);
	m->iterations = 1024;
	m->overhead = 0.25;
	hvs_metric_set_extra(m, "cycles_per_op", 31.5);

	m = hvs_metrics_add(&set);
	hvs_strlcpy(m->name, "t.big", sizeof(m->name));
	hvs_strlcpy(m->unit, "MB/s", sizeof(m->unit));
	m->direction = HVS_HIGHER_IS_BETTER;
	x = malloc(big * sizeof(*x));
	for (size_t i = 0; i < big; i++)
		x[i] = 100.0 + (double)(i % 100);
	x[0] = 0; /* zero has its own count */
	x[1] = -3;
	hvs_metric_set_samples(m, x, big);

	m = hvs_metrics_add(&set);
	hvs_strlcpy(m->name, "t.skipped", sizeof(m->name));
	hvs_strlcpy(m->unit, "ns", sizeof(m->unit));
	m->outcome = HVS_SKIP;
	m->flags = HVS_MF_SKIPPED;
	hvs_strlcpy(m->reason, "no /dev/kvm", sizeof(m->reason));

	hvs_iso8601_now(info.finished, sizeof(info.finished));
	ok(hvs_result_write(path, &info, &set) == 0, "write");
	ret = hvs_result_read(path, &r, err, sizeof(err));
	ok(ret == 0, "read back (%s)", err);
	if (!r) {
		skip(18, "no result");
		return done_testing();
	}
	is_int(r->schema_version, 1, "schema version 1");
	is_str(r->info.id, info.id, "run id");
	is_str(r->info.suite, "quick", "suite");
	is_int(r->info.argc, 3, "command line length");
	is_str(r->info.argv[2], "--quick", "command line");
	is_str(hvs_run_info_tag(&r->info, "host"), "box1", "tags");
	is_int(r->set.n, 3, "three metrics");
	is_int(r->set.v[0].nsamples, 5, "raw samples kept");
	is_near(r->set.v[0].samples[3], 10.3, 0, "samples exact (17 digits)");
	is_near(r->set.v[0].extra[0].val, 31.5, 0, "extra value");
	ok(r->set.v[0].iterations == 1024 && r->set.v[0].overhead == 0.25, "iterations, overhead");
	ok(r->set.v[1].flags & HVS_MF_HISTOGRAM, "big metric stored as a histogram");
	is_int(r->set.v[1].nsamples, big, "histogram keeps the count");
	is_near(r->set.v[1].summary.median, set.v[1].summary.median,
		set.v[1].summary.median * 0.006, "histogram median within half a bin (0.55%%)");
	ok(r->set.v[1].direction == HVS_HIGHER_IS_BETTER, "direction");
	ok(r->set.v[2].outcome == HVS_SKIP && (r->set.v[2].flags & HVS_MF_SKIPPED) &&
		   !strcmp(r->set.v[2].reason, "no /dev/kvm"),
	   "skipped metric with reason");
	hvs_result_free(r);

	set.v[0].samples[2] = 0.0 / 0.0;
	ok(hvs_result_write(path, &info, &set) == -EINVAL, "writer refuses NaN");
	ok(hvs_result_read(path, &r, err, sizeof(err)) == 0, "the old file is intact after a refused write");
	hvs_result_free(r);

	/* One negative error space: -errno, mapped once to exit codes. */
	ret = hvs_result_parse("{\"schema_version\": 1", strlen("{\"schema_version\": 1"), &r, err, sizeof(err));
	ok(ret == -EBADMSG && hvs_errno_exit(-ret) == HVS_EX_PARSE, "truncated JSON: -EBADMSG, exit 3 (%d)", ret);
	ret = hvs_result_parse("{\"schema_version\": 99}", strlen("{\"schema_version\": 99}"), &r, err, sizeof(err));
	ok(ret == -HVS_ESCHEMA && hvs_errno_exit(-ret) == HVS_EX_SCHEMA, "unknown schema: exit 4 (%d)", ret);
	ret = hvs_result_read("/nonexistent/r.json", &r, err, sizeof(err));
	ok(ret == -ENOENT && hvs_errno_exit(-ret) == HVS_EX_IO, "missing file: -ENOENT, exit 9 (%d)", ret);
	is_int(hvs_errno_exit(EFBIG), HVS_EX_TOOBIG, "EFBIG: exit 5");
	is_int(hvs_errno_exit(HVS_EUSAGE), HVS_EX_USAGE, "HVS_EUSAGE: exit 2");
	is_int(hvs_errno_exit(HVS_ECONFLICT), HVS_EX_CONFLICT, "HVS_ECONFLICT: exit 11");
	is_int(hvs_errno_exit(HVS_EBUG), HVS_EX_INTERNAL, "HVS_EBUG: exit 10");
	is_int(hvs_errno_exit(ENOMEM), HVS_EX_INTERNAL, "ENOMEM: exit 10, not 12 (the collision -ENOMEM == -12 had)");
	ok(hvs_write_exit(ENOSPC) == hvs_errno_exit(-hvs_write_errno(ENOSPC)) &&
		   hvs_write_exit(-EPERM) == hvs_errno_exit(-hvs_write_errno(-EPERM)),
	   "hvs_write_errno narrows as hvs_write_exit does");
	unlink(path);
	rmdir(dir);
	hvs_metrics_free(&set);
	return done_testing();
}
