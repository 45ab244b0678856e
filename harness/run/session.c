/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session.c - one `hvscope run` (session.h): the request's suite and
 * benchmarks, the result file's size check, the checks, the measuring
 * through the runner (runner.c) and the context around it into one result
 * file, a fresh process's run, and the history row. The command line and
 * every line on stdout are cli/cmd_run.c's.
 */
#include "session.h"
#include "runner.h"
#include "core/cleanup.h"
#include "core/hvs_limits.h"
#include "core/hvscope.h"
#include "core/sha256.h"
#include "results/context.h"
#include "results/history.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hvs_session_select(const struct hvs_run_request *q, struct hvs_suite *s, const struct hvs_bench ***v,
		       size_t *n, char *sel, size_t sellen, char *err, size_t errlen)
{
	char *conf_buf = NULL;
	const char *conf = hvs_suites_builtin();
	int ret;

	if (q->suites_file) {
		long len = hvs_read_file(q->suites_file, 1u << 20, &conf_buf);

		if (len < 0) {
			snprintf(err, errlen, "%s: %s%s", q->suites_file, strerror((int)-len),
				 len == -EFBIG ? " (the limit is 1 MiB)" : "");
			return (int)len;
		}
		conf = conf_buf;
	}
	ret = hvs_suite_find(conf, q->suites_file ? q->suites_file : "suites.conf (built in)",
			     q->suite ? q->suite : q->quick ? "quick" : "default", s, err, errlen);
	free(conf_buf);
	if (ret)
		/* no such suite: the name came from the command line */
		return ret == -ENOENT ? -HVS_EUSAGE : ret;
	if (q->samples)
		s->samples = q->samples;
	if (q->processes)
		s->processes = q->processes;
	if (q->quick)
		s->quick = 1;
	if (q->benches)
		hvs_strlcpy(sel, q->benches, sellen);
	else if (q->klass)
		snprintf(sel, sellen, "class:%s", q->klass);
	else
		hvs_strlcpy(sel, s->select, sellen);
	ret = hvs_suite_select(sel, v, n, err, errlen);
	/* a selector that matches nothing: from --bench/--class, or the suite's */
	return ret == -ENOENT ? -HVS_EUSAGE : ret;
}

int hvs_session_fits(const struct hvs_suite *s, size_t n, int rounds, char *err, size_t errlen)
{
	uint64_t per = (uint64_t)s->samples * (uint64_t)s->processes * (uint64_t)rounds;

	if (per > HVS_RESULT_MAX_SAMPLES) {
		snprintf(err, errlen,
			 "%u samples x %d processes%s = %llu per metric, over the limit of %u a result file "
			 "may hold",
			 s->samples, s->processes, rounds > 1 ? " x the rounds" : "", (unsigned long long)per,
			 HVS_RESULT_MAX_SAMPLES);
		return -HVS_EUSAGE;
	}
	if (per * n > HVS_RESULT_MAX_VALUES) {
		snprintf(err, errlen, "%llu samples x %zu benchmarks = %llu, over the limit of %u a result file may hold",
			 (unsigned long long)per, n, (unsigned long long)(per * n), HVS_RESULT_MAX_VALUES);
		return -HVS_EUSAGE;
	}
	return 0;
}

/* The benchmarks' context from the suite. */
static void suite_ctx(const struct hvs_suite *s, struct hvs_bench_ctx *ctx)
{
	hvs_bench_ctx_default(ctx);
	ctx->samples = s->samples;
	ctx->min_sample_ns = s->min_sample_ms * 1e6;
	ctx->budget_s = s->budget_s;
	ctx->quick = s->quick;
}

static char *join_names(const struct hvs_bench **v, size_t n)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]->name) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(s, ",");
		strcat(s, v[i]->name);
	}
	return s;
}

/*
 * Measure v[0..n): in s->processes fresh processes, or in this one in a
 * shuffled order. Returns 0 or -errno (err says why, or is empty).
 */
static int measure(const struct hvs_run_request *q, const struct hvs_suite *s, const struct hvs_bench **v,
		   size_t n, const struct hvs_session_hooks *h, struct hvs_metrics *set, char *err, size_t errlen)
{
	struct hvs_bench_ctx ctx;
	int ret;

	if (s->processes > 1) {
		struct hvs_runner_procs rp = { .processes = s->processes, .suite = s->name,
					       .suites_file = q->suites_file, .samples = s->samples };
		char *names = join_names(v, n);

		rp.bench_list = names;
		ret = names ? hvs_runner_processes(&rp, set, err, errlen) : -ENOMEM;
		if (!names)
			snprintf(err, errlen, "%s", strerror(ENOMEM));
		free(names);
	} else {
		struct hvs_runner_hooks rh = { .start = h ? h->start : NULL, .arg = h ? h->arg : NULL };
		const struct hvs_bench **shuffled = malloc(n * sizeof(*shuffled));

		ret = shuffled ? 0 : -ENOMEM;
		if (shuffled) {
			suite_ctx(s, &ctx);
			memcpy(shuffled, v, n * sizeof(*shuffled));
			hvs_runner_order(shuffled, n, 1);
			hvs_runner_run(shuffled, n, &ctx, set, &rh);
			free(shuffled);
		}
	}
	return ret;
}

static void warn(const struct hvs_session_hooks *h, const char *msg)
{
	if (h && h->warn)
		h->warn(h->arg, msg);
}

/* The checks, the measuring, the context after: into r. Returns 0 or -errno. */
static int measure_in_context(const struct hvs_run_request *q, const struct hvs_suite *s,
			      const struct hvs_bench **v, size_t n, const struct hvs_session_hooks *h,
			      struct hvs_session *r, char *err, size_t errlen)
{
	struct hvs_context c;
	char msg[160];
	int ret;

	/* From here on a signal stops the children and removes the temp files;
	 * the result file is written last, through a temp name, or not at all. */
	hvs_cleanup_on_signals();
	hvs_pause_point("checks");
	hvs_context_collect(&c, !q->no_checks, s->quick ? 100 : 250);
	for (int i = 0; i < c.nwarnings; i++)
		warn(h, c.warnings[i]);
	ret = measure(q, s, v, n, h, &r->set, err, errlen);
	if (ret) {
		hvs_context_free(&c);
		return ret;
	}
	hvs_runner_sort(&r->set, v, n);
	hvs_context_finish(&c);
	if (hvs_context_steal(&c) > HVS_RUNNER_STEAL_FRACTION) {
		snprintf(msg, sizeof(msg),
			 "steal time was %.1f%% during the run: numbers include the hypervisor's other work",
			 hvs_context_steal(&c) * 100);
		warn(h, msg);
	}
	r->info.context_json = hvs_context_to_json(&c);
	hvs_strlcpy(r->host, c.host, sizeof(r->host));
	hvs_strlcpy(r->hyp, c.hypervisor, sizeof(r->hyp));
	hvs_context_free(&c);
	return 0;
}

int hvs_session_run(const struct hvs_run_request *q, const struct hvs_suite *s, const struct hvs_bench **v,
		    size_t n, int argc, char **argv, const char *out, const struct hvs_session_hooks *h,
		    struct hvs_session *r, char *err, size_t errlen)
{
	int ret;

	memset(r, 0, sizeof(*r));
	err[0] = '\0';
	hvs_run_info_init(&r->info);
	r->info.argc = argc;
	r->info.argv = argv;
	hvs_strlcpy(r->info.suite, q->benches || q->klass ? "" : s->name, sizeof(r->info.suite));
	r->info.processes = s->processes;
	for (int i = 0; i < q->tags.n; i++)
		if (hvs_run_info_add_tags(&r->info, q->tags.v[i])) {
			snprintf(err, errlen,
				 "--tag '%s': expected key=value,... (keys [A-Za-z0-9_.-], values under 128 bytes)",
				 q->tags.v[i]);
			r->failed = HVS_SESSION_TAGS;
			return -HVS_EUSAGE;
		}
	ret = measure_in_context(q, s, v, n, h, r, err, errlen);
	if (ret) {
		r->failed = HVS_SESSION_MEASURE;
		return ret;
	}
	hvs_iso8601_now(r->info.finished, sizeof(r->info.finished));
	if (!out) {
		snprintf(r->pathbuf, sizeof(r->pathbuf), "hvscope-%s.json", r->info.id);
		out = r->pathbuf;
	}
	r->path = out;
	ret = hvs_result_write(out, &r->info, &r->set);
	if (ret) {
		snprintf(err, errlen, "cannot write %s: %s", out, hvs_strerror(ret));
		r->failed = HVS_SESSION_WRITE;
		return hvs_write_errno(ret);
	}
	return 0;
}

void hvs_session_free(struct hvs_session *r)
{
	free(r->info.context_json);
	r->info.context_json = NULL;
	hvs_metrics_free(&r->set);
}

int hvs_session_child(const struct hvs_suite *s, const struct hvs_bench **v, size_t n, unsigned order_seed,
		      const char *out, const struct hvs_session_hooks *h)
{
	struct hvs_runner_hooks rh = { .start = h ? h->start : NULL, .arg = h ? h->arg : NULL };
	struct hvs_metrics set = { 0 };
	struct hvs_bench_ctx ctx;
	struct hvs_run_info info;
	int ret;

	suite_ctx(s, &ctx);
	hvs_run_info_init(&info);
	hvs_runner_order(v, n, order_seed);
	hvs_runner_run(v, n, &ctx, &set, &rh);
	hvs_iso8601_now(info.finished, sizeof(info.finished));
	ret = hvs_result_write(out, &info, &set);
	hvs_metrics_free(&set);
	return ret;
}

int hvs_session_record(const char *db, const struct hvs_run_info *info, const struct hvs_metrics *set,
		       const char *host, const char *hyp, char *err, size_t errlen)
{
	struct hvs_history *h = NULL;
	char digest[HVS_SHA256_HEX];
	int dup, ret;

	hvs_pause_point("db");
	ret = hvs_history_open(db, &h, err, errlen);
	if (!ret && hvs_result_digest(info, set, digest))
		digest[0] = '\0';
	if (!ret)
		ret = hvs_history_add(h, info, set, host, hyp, digest, 0, &dup, err, errlen);
	hvs_history_close(h);
	return ret;
}
