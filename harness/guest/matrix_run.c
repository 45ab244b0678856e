/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * matrix_run.c - a whole matrix run of `hvscope guest --matrix FILE`: every
 * target (or --only's) one after the other, each under its watchdog
 * (target.c), in rounds when asked (round-robin: each target once per
 * round, in the matrix's order, into DIR/round-K/); each target's rounds
 * pooled into DIR/NAME.json (run/runner.c's one pooling rule), every result
 * optionally into the history, and the summary written (guest_summary.c).
 * A target that fails is recorded and the run goes on.
 *
 * Prints nothing: the caller's hooks see each round and target start and
 * end and the problems the run goes on after (a result not added to the
 * history, a round's result that does not pool); a failure that stops the
 * run comes back as -errno with its reason. Also here: what the command
 * needs around a run (the matrix's names, the default output directory,
 * the source tree and the binaries).
 */
#include "guest_int.h"
#include "core/cleanup.h"
#include "core/hvscope.h"
#include "results/history.h"
#include "results/result.h"
#include "run/runner.h"

#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the matrix's names ------------------------------------------------- */

int hvs_matrix_in_list(const char *list, const char *name)
{
	size_t l = strlen(name);

	for (const char *p = list; p && *p;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);

		if (n == l && !strncmp(p, name, l))
			return 1;
		p = c ? c + 1 : NULL;
	}
	return 0;
}

long hvs_matrix_find(const struct hvs_matrix *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->t[i].name, name))
			return (long)i;
	return -1;
}

void hvs_matrix_default_baseline(struct hvs_matrix *m)
{
	for (size_t i = 0; i < m->n && !m->baseline[0]; i++)
		if (m->t[i].kind == HVS_GT_NATIVE)
			hvs_strlcpy(m->baseline, m->t[i].name, sizeof(m->baseline));
}

const char *hvs_matrix_baseline(const struct hvs_matrix *m)
{
	return m->baseline[0] ? m->baseline : "native";
}

/* ---- around a run --------------------------------------------------------- */

const char *hvs_matrix_default_out(char *buf, size_t len)
{
	char stamp[24];

	hvs_iso8601_now(stamp, sizeof(stamp));
	/* 2026-11-21T12:00:00Z -> 20261121T120000 */
	snprintf(buf, len, "hvscope-matrix-%.4s%.2s%.2sT%.2s%.2s%.2s", stamp, stamp + 5, stamp + 8,
		 stamp + 11, stamp + 14, stamp + 17);
	return buf;
}

/* $HVS_SRC, else dirname(dirname(/proc/self/exe)) when it holds scripts/boot-guest.sh, else ".". */
static void find_src(char *buf, size_t len)
{
	char exe[1024], probe[1100];
	ssize_t n;
	const char *env = getenv("HVS_SRC");

	if (env && *env) {
		hvs_strlcpy(buf, env, len);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	buf[0] = 0;
	if (n <= 0)
		return;
	exe[n] = 0;
	hvs_strlcpy(buf, dirname(dirname(exe)), len);
	snprintf(probe, sizeof(probe), "%s/scripts/boot-guest.sh", buf);
	if (access(probe, R_OK))
		hvs_strlcpy(buf, ".", len);
}

int hvs_guest_locate(char *src, size_t srclen, char *self, size_t selflen, char *statbin, size_t statlen)
{
	ssize_t n;
	const char *env = getenv("HVSCOPE_STATIC");
	char tmp[1024];

	find_src(src, srclen);
	n = readlink("/proc/self/exe", self, selflen - 1);
	if (n <= 0)
		return n < 0 ? -errno : -ENOENT;
	self[n] = 0;
	if (env && *env) {
		hvs_strlcpy(statbin, env, statlen);
		return 0;
	}
	hvs_strlcpy(tmp, self, sizeof(tmp));
	snprintf(statbin, statlen, "%s/hvscope-static", dirname(tmp));
	if (access(statbin, X_OK))
		hvs_strlcpy(statbin, self, statlen);
	return 0;
}

int hvs_matrix_out_dir(const char *out, char *err, size_t errlen)
{
	int e;

	if (mkdir(out, 0755) && errno != EEXIST) {
		e = errno;
		snprintf(err, errlen, "cannot create %s: %s", out, strerror(e));
		return hvs_write_errno(e);
	}
	if (access(out, W_OK)) {
		e = errno;
		snprintf(err, errlen, "cannot write into %s: %s", out, strerror(e));
		return hvs_write_errno(e);
	}
	return 0;
}

/* ---- the run -------------------------------------------------------------- */

/* Stop the target's process group (boot-guest.sh's trap stops QEMU and
 * removes its files; SIGKILL after 3 s), remove the disk image, die by sig. */
static void on_signal(int sig)
{
	pid_t g = hvs_guest_current_pgid;

	if (g > 0)
		hvs_cleanup_watch(-g);
	hvs_cleanup_handler(sig);
}

/* A problem the run goes on after, to the warn hook. */
static void warn(const struct hvs_mrun *mr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(const struct hvs_mrun *mr, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!mr->hooks || !mr->hooks->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mr->hooks->warn(mr->arg, msg);
}

/* The target's result file into the history. Returns 0, or 1 (warned why) when it did not go in. */
static int record(const struct hvs_mrun *mr, const struct hvs_gresult *r)
{
	struct hvs_result *rr = NULL;
	char err[400];
	int dup = 0, bad = 0;

	if (hvs_result_read(r->result_path, &rr, err, sizeof(err)) ||
	    hvs_history_add_result(mr->h, rr, 0, &dup, err, sizeof(err))) {
		warn(mr, "%s: not added to %s: %s", r->name, mr->db, err);
		bad = 1;
	}
	hvs_result_free(rr);
	return bad;
}

/*
 * One round: the matrix's targets (--only's) one after the other into
 * res[nres..), each reported through the hooks as it starts and ends and,
 * with a history, recorded. Returns 0 or -EIO (err says why).
 */
static int run_targets(struct hvs_mrun *mr, char *err, size_t errlen)
{
	const struct hvs_mrun_hooks *hk = mr->hooks;
	const struct hvs_matrix *m = mr->m;
	int ret = 0;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (size_t i = 0; i < m->n; i++) {
		struct hvs_gresult *r = &mr->res[mr->nres];

		if (mr->only && !hvs_matrix_in_list(mr->only, m->t[i].name))
			continue;
		if (hk && hk->start)
			hk->start(mr->arg, &m->t[i]);
		ret = hvs_guest_run_target(&m->t[i], &mr->ro, r);
		mr->nres++;
		if (ret) {
			snprintf(err, errlen, "%s: %s", m->t[i].name, strerror(-ret));
			return -EIO;
		}
		if (hk && hk->done)
			hk->done(mr->arg, r);
		if (r->outcome == HVS_TIMEOUT)
			mr->hung = 1;
		else if (r->outcome != HVS_PASS)
			mr->bad = 1;
		if (mr->h && r->result_path[0] && record(mr, r))
			mr->bad = 1;
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	return 0;
}

/*
 * Every round of the matrix (rounds > 1 write into DIR/round-K/); per is
 * the number of targets of one round. Returns 0 or -errno (err says why).
 */
static int run_rounds(struct hvs_mrun *mr, char *err, size_t errlen)
{
	const char *out = mr->ro.out_dir;

	for (unsigned k = 0; k < mr->rounds; k++) {
		char rdir[1200];
		int ret;

		if (mr->rounds > 1) {
			snprintf(rdir, sizeof(rdir), "%s/round-%u", out, k + 1);
			if (mkdir(rdir, 0755) && errno != EEXIST) {
				int e = errno;

				snprintf(err, errlen, "cannot create %s: %s", rdir, strerror(e));
				return hvs_write_errno(e);
			}
			mr->ro.out_dir = rdir;
			if (mr->hooks && mr->hooks->round)
				mr->hooks->round(mr->arg, k, mr->rounds);
		}
		ret = run_targets(mr, err, errlen);
		mr->ro.out_dir = out;
		if (ret)
			return ret;
		if (!k)
			mr->per = mr->nres;
	}
	return 0;
}

/* The run info of target i's pooled rounds: first's, with rounds=have. */
static void merged_info(const struct hvs_result *first, int have, struct hvs_run_info *info)
{
	char tag[32];

	hvs_run_info_init(info);
	hvs_strlcpy(info->suite, first->info.suite, sizeof(info->suite));
	info->processes = have;
	info->argc = first->info.argc;
	info->argv = first->info.argv;
	for (int t = 0; t < first->info.ntags; t++)
		info->tags[info->ntags++] = first->info.tags[t];
	snprintf(tag, sizeof(tag), "rounds=%d", have);
	hvs_run_info_add_tags(info, tag);
	info->context_json = first->info.context_json;
	hvs_iso8601_now(info->finished, sizeof(info->finished));
}

/*
 * Rounds: target i's round files (DIR/round-K/NAME.json) pooled into
 * DIR/NAME.json as fin[i], each round one "process" (its median a process
 * median), tagged rounds=N; the merged outcome is the worst round's.
 * Returns 0 or -errno (err says why; "" when out of memory).
 */
static int merge_target(struct hvs_mrun *mr, size_t i, char *err, size_t errlen)
{
	const char *out = mr->ro.out_dir;
	struct hvs_gresult *f = &mr->fin[i];
	struct hvs_metrics set = { 0 };
	struct hvs_run_info info;
	struct hvs_result *first = NULL;
	char why[512];
	int ret = 0, have = 0;

	*f = mr->res[i];
	f->result_path[0] = '\0';
	f->seconds = 0;
	for (unsigned k = 0; k < mr->rounds && !ret; k++) {
		const struct hvs_gresult *r = &mr->res[k * mr->per + i];
		int rc;

		f->seconds += r->seconds;
		if (r->outcome != HVS_PASS && f->outcome == HVS_PASS) {
			f->outcome = r->outcome;
			hvs_strlcpy(f->reason, r->reason, sizeof(f->reason));
		}
		if (!r->result_path[0])
			continue;
		rc = hvs_runner_pool_file(r->result_path, &set, first ? NULL : &first, why, sizeof(why));
		if (rc == -ENOMEM)
			ret = -ENOMEM;
		else if (rc)
			warn(mr, "%s", why);
		else
			have++;
	}
	if (!ret && have && hvs_metrics_resummarize(&set))
		ret = -ENOMEM;
	if (!ret && have) {
		merged_info(first, have, &info);
		snprintf(f->result_path, sizeof(f->result_path), "%s/%s.json", out, f->name);
		f->nmetrics = (int)set.n;
		ret = hvs_result_write(f->result_path, &info, &set);
		if (ret) {
			snprintf(err, errlen, "cannot write %s: %s", f->result_path, hvs_strerror(ret));
			ret = hvs_write_errno(ret);
		}
	}
	hvs_result_free(first);
	hvs_metrics_free(&set);
	return ret;
}

int hvs_matrix_run(struct hvs_mrun *mr, char *err, size_t errlen)
{
	const char *out = mr->ro.out_dir;
	int ret;

	err[0] = '\0';
	mr->nres = mr->per = 0;
	mr->hung = mr->bad = 0;
	mr->res = calloc(mr->m->n * mr->rounds, sizeof(*mr->res));
	mr->fin = calloc(mr->m->n, sizeof(*mr->fin));
	if (!mr->res || !mr->fin)
		return -ENOMEM;
	if ((ret = run_rounds(mr, err, errlen)))
		return ret;
	if (mr->rounds > 1) {
		for (size_t i = 0; i < mr->per; i++)
			if ((ret = merge_target(mr, i, err, errlen)))
				return ret;
	} else {
		memcpy(mr->fin, mr->res, mr->nres * sizeof(*mr->res));
		mr->per = mr->nres;
	}
	ret = hvs_guest_summary(out, mr->fin, mr->per, hvs_matrix_baseline(mr->m));
	if (ret) {
		snprintf(err, errlen, "cannot write the summary into %s: %s", out, hvs_strerror(ret));
		return hvs_write_errno(ret);
	}
	return 0;
}

void hvs_mrun_free(struct hvs_mrun *mr)
{
	free(mr->res);
	free(mr->fin);
	mr->res = mr->fin = NULL;
}
