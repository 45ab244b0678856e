/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sides.c - `run --rounds` above rounds.c (sides.h): the directory, the
 * options each round's `hvscope run` gets, the seed and this binary's
 * path; the rounds with the context around them; one side's rounds merged
 * into DIR/merged.json by the runner's one pooling rule; the sides' round
 * files paired for the caller's judge. It judges nothing itself.
 */
#include "sides.h"
#include "runner.h"
#include "core/cleanup.h"
#include "core/hvscope.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The selection options a round's `hvscope run` gets (argv points into q and sd). */
static int round_args(const struct hvs_run_request *q, struct hvs_sides *sd)
{
	char **argv = sd->args;
	int n = 0;

	if (q->suite) {
		argv[n++] = "--suite";
		argv[n++] = (char *)q->suite;
	}
	if (q->quick)
		argv[n++] = "--quick";
	if (q->benches) {
		argv[n++] = "--bench";
		argv[n++] = (char *)q->benches;
	}
	if (q->klass) {
		argv[n++] = "--class";
		argv[n++] = (char *)q->klass;
	}
	if (q->processes) {
		snprintf(sd->pbuf, sizeof(sd->pbuf), "%d", q->processes);
		argv[n++] = "--processes";
		argv[n++] = sd->pbuf;
	}
	if (q->samples) {
		snprintf(sd->sbuf, sizeof(sd->sbuf), "%u", q->samples);
		argv[n++] = "--samples";
		argv[n++] = sd->sbuf;
	}
	if (q->suites_file) {
		argv[n++] = "--suites";
		argv[n++] = (char *)q->suites_file;
	}
	if (q->no_checks)
		argv[n++] = "--no-checks";
	for (int i = 0; i < q->tags.n; i++) {
		argv[n++] = "--tag";
		argv[n++] = (char *)q->tags.v[i];
	}
	return n;
}

/* This binary's path, for the rounds' children. */
static void self_path(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);

	if (n > 0)
		buf[n] = '\0';
	else
		hvs_strlcpy(buf, program_invocation_name, len);
}

int hvs_sides_prepare(struct hvs_sides *sd, const struct hvs_run_request *q, const struct hvs_round_side *side,
		      int nsides, int rounds, const char *out, unsigned seed, int seed_set, char *err,
		      size_t errlen)
{
	struct hvs_rounds *r = &sd->r;
	struct hvs_run_info check;
	int ret;

	memset(sd, 0, sizeof(*sd));
	/* the tags go to every round: refuse a bad one before the first */
	hvs_run_info_init(&check);
	for (int i = 0; i < q->tags.n; i++)
		if (hvs_run_info_add_tags(&check, q->tags.v[i])) {
			snprintf(err, errlen,
				 "--tag '%s': expected key=value,... (keys [A-Za-z0-9_.-], values under 128 bytes)",
				 q->tags.v[i]);
			return -HVS_EUSAGE;
		}
	if (!out) {
		snprintf(sd->dir, sizeof(sd->dir), "hvscope-rounds-%s", check.id);
		out = sd->dir;
	}
	if (mkdir(out, 0755) && errno != EEXIST) {
		ret = errno;
		snprintf(err, errlen, "cannot make the directory %s: %s", out, strerror(ret));
		return -ret;
	}
	self_path(sd->self, sizeof(sd->self));
	r->nsides = nsides ? nsides : 1;
	if (nsides)
		memcpy(r->side, side, (size_t)nsides * sizeof(*side));
	else
		hvs_strlcpy(r->side[0].name, "run", sizeof(r->side[0].name));
	r->max_rounds = rounds ? rounds : HVS_ROUNDS_MAX;
	r->dir = out;
	r->self = sd->self;
	r->nrun_args = round_args(q, sd);
	r->run_args = sd->args;
	r->seed = seed_set ? seed : (unsigned)(time(NULL) ^ ((unsigned)getpid() << 16));
	return 0;
}

int hvs_sides_run(struct hvs_sides *sd, const struct hvs_suite *s, char *err, size_t errlen)
{
	int ret;

	hvs_cleanup_on_signals();
	if (sd->r.nsides == 1) {
		hvs_context_collect(&sd->c, 0, s->quick ? 100 : 250);
		sd->have_context = 1;
	}
	ret = hvs_rounds_run(&sd->r, err, errlen);
	sd->plan_unwritten = hvs_rounds_write_plan(&sd->r) != 0;
	if (ret) {
		hvs_sides_free(sd);
		return ret;
	}
	if (sd->have_context)
		hvs_context_finish(&sd->c);
	return 0;
}

/* Every round of side 0 pooled into set (resummarised). Returns 0 or -errno (err may be empty). */
static int pool_rounds(const struct hvs_rounds *r, struct hvs_metrics *set, char *err, size_t errlen)
{
	char path[4200];
	int ret = 0;

	err[0] = '\0';
	for (int k = 0; k < r->done && !ret; k++) {
		hvs_rounds_path(r, 0, k, path, sizeof(path));
		ret = hvs_runner_pool_file(path, set, NULL, err, errlen);
	}
	if (!ret && hvs_metrics_resummarize(set)) {
		err[0] = '\0';
		ret = -ENOMEM;
	}
	return ret;
}

int hvs_sides_merge(struct hvs_sides *sd, const struct hvs_run_request *q, const struct hvs_suite *s,
		    const struct hvs_bench *const *v, size_t nb, int argc, char **argv, struct hvs_session *out,
		    char *err, size_t errlen)
{
	const struct hvs_rounds *r = &sd->r;
	struct hvs_run_info *info = &out->info;
	char tag[64];
	int ret;

	memset(out, 0, sizeof(*out));
	ret = pool_rounds(r, &out->set, err, errlen);
	if (ret) {
		out->failed = HVS_SESSION_MEASURE;
		return ret;
	}
	hvs_runner_sort(&out->set, v, nb);
	hvs_run_info_init(info);
	info->argc = argc;
	info->argv = argv;
	hvs_strlcpy(info->suite, q->benches || q->klass ? "" : s->name, sizeof(info->suite));
	info->processes = r->done;
	for (int i = 0; i < q->tags.n; i++)
		hvs_run_info_add_tags(info, q->tags.v[i]);
	snprintf(tag, sizeof(tag), "rounds=%d,side=%s", r->done, r->side[0].name);
	hvs_run_info_add_tags(info, tag);
	info->context_json = hvs_context_to_json(&sd->c);
	hvs_strlcpy(out->host, sd->c.host, sizeof(out->host));
	hvs_strlcpy(out->hyp, sd->c.hypervisor, sizeof(out->hyp));
	hvs_iso8601_now(info->finished, sizeof(info->finished));
	snprintf(out->pathbuf, sizeof(out->pathbuf), "%s/merged.json", r->dir);
	out->path = out->pathbuf;
	ret = hvs_result_write(out->path, info, &out->set);
	if (ret) {
		snprintf(err, errlen, "cannot write %s: %s", out->path, hvs_strerror(ret));
		out->failed = HVS_SESSION_WRITE;
		return hvs_write_errno(ret);
	}
	return 0;
}

int hvs_sides_each(const struct hvs_sides *sd, hvs_sides_judge_fn *judge, void *arg)
{
	const struct hvs_rounds *r = &sd->r;
	size_t n = (size_t)r->done;
	char **paths = calloc(2 * n + 1, sizeof(*paths));
	int ret = 0;

	if (!paths)
		return -ENOMEM;
	for (int s = 1; s < r->nsides && !ret; s++) {
		char buf[4200];

		for (size_t k = 0; k < 2 * n; k++) {
			hvs_rounds_path(r, k < n ? 0 : s, (int)(k % n), buf, sizeof(buf));
			free(paths[k]);
			if (!(paths[k] = strdup(buf))) {
				ret = -ENOMEM;
				break;
			}
		}
		if (!ret)
			judge(arg, s, (const char *const *)paths, (const char *const *)paths + n, n);
	}
	for (size_t k = 0; k < 2 * n; k++)
		free(paths[k]);
	free(paths);
	return ret;
}

void hvs_sides_free(struct hvs_sides *sd)
{
	if (sd->have_context)
		hvs_context_free(&sd->c);
	sd->have_context = 0;
}
