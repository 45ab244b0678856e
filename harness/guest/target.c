/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * target.c - one matrix target: its jobs (the hvscope command lines it
 * runs inside, with the options that bring results home), the dispatch to
 * its kind's file (target_native.c, target_boot.c, target_ssh.c,
 * target_image.c), then its result files collected and merged into
 * DIR/NAME.json (tagged target=NAME, label=NAME, kind=KIND). The host side
 * of the network workload (workloads/net_rr.c) is measured from here too.
 */
#include "microbench/bench.h"
#include "guest_int.h"
#include "core/hvscope.h"
#include "core/shquote.h"
#include "results/result.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RESULT_MAX (256u << 20)

/* ---- jobs ---------------------------------------------------------------- */

static int has_word(const char *s, const char *w)
{
	size_t l = strlen(w);

	for (const char *p = strstr(s, w); p; p = strstr(p + 1, w))
		if ((p == s || p[-1] == ' ') && (p[l] == 0 || p[l] == ' ' || p[l] == '='))
			return 1;
	return 0;
}

/* The target's command list, with the options hvscope needs to bring results home. */
static void make_jobs(const struct hvs_gtarget *t, struct jobs *j)
{
	char tags[160];

	snprintf(tags, sizeof(tags), "target=%s,label=%s,kind=%s", t->name, t->name,
		 hvs_gt_kind_name(t->kind));
	j->n = 0;
	for (int i = 0; i <= t->ncmds; i++) {
		struct job *jb = &j->v[j->n];
		char cmd[HVS_GT_STR + 128];

		if (i < t->ncmds)
			hvs_strlcpy(cmd, t->cmds[i], sizeof(cmd));
		else if (t->workloads[0])
			/* net is measured from the host side (hvs_guest_net_rr) */
			snprintf(cmd, sizeof(cmd), "run --bench workload.cpu.*,workload.mm.*,workload.io.*%s",
				 strcmp(t->workloads, "quick") ? "" : " --quick");
		else
			break;
		if (!strncmp(cmd, "probe", 5) && (cmd[5] == 0 || cmd[5] == ' ')) {
			jb->type = JOB_PROBE;
			snprintf(jb->args, sizeof(jb->args), "%s%s", cmd, has_word(cmd, "--json") ? "" : " --json");
		} else if ((!strncmp(cmd, "run", 3) && (cmd[3] == 0 || cmd[3] == ' ')) ||
			   (!strncmp(cmd, "kvm", 3) && (cmd[3] == 0 || cmd[3] == ' '))) {
			jb->type = cmd[0] == 'r' ? JOB_RUN : JOB_KVM;
			/* later options win in getopt: ours come last */
			snprintf(jb->args, sizeof(jb->args), "%s --tag %s --out -", cmd, tags);
		} else {
			jb->type = JOB_OTHER;
			hvs_strlcpy(jb->args, cmd, sizeof(jb->args));
		}
		j->n++;
	}
}

const char *guest_job_suffix(const struct job *jb, int i, char *buf, size_t len)
{
	if (jb->type == JOB_PROBE)
		snprintf(buf, len, "%d.probe.json", i + 1);
	else if (jb->type == JOB_RUN)
		snprintf(buf, len, "%d.run.json", i + 1);
	else if (jb->type == JOB_KVM)
		snprintf(buf, len, "%d.kvm.json", i + 1);
	else
		snprintf(buf, len, "%d.out", i + 1);
	return buf;
}

/* Split s at blanks (guest_int.h). */
int guest_split_words(char *s, char **argv, int max)
{
	int n = 0;

	for (char *tok = strtok(s, " \t"); tok && n < max - 1; tok = strtok(NULL, " \t"))
		argv[n++] = tok;
	argv[n] = NULL;
	return n;
}

/*
 * A shell command line for job args: prefix (constant text from the kind's
 * file, NULL for none), then path quoted (NULL for none), then every word of args
 * quoted (shquote.h). With out set, the word after "--out" that is "-"
 * becomes out. Return 0 or -E2BIG.
 */
int guest_job_command(const char *args, const char *prefix, const char *path, const char *out,
		      char *cmd, size_t len)
{
	char buf[HVS_GT_STR + 700], *w[64];
	size_t k = 0;
	int nw, rc = 0;

	if (!len)
		return -E2BIG;
	cmd[0] = '\0';
	hvs_strlcpy(buf, args, sizeof(buf));
	nw = guest_split_words(buf, w, 64);
	if (prefix)
		rc = hvs_sh_raw(cmd, len, &k, prefix);
	if (path && !rc)
		rc = hvs_shq_append(cmd, len, &k, path);
	for (int x = 0; x < nw && !rc; x++) {
		const char *word = w[x];

		if (out && !strcmp(word, "-") && x > 0 && !strcmp(w[x - 1], "--out"))
			word = out;
		rc = hvs_shq_append(cmd, len, &k, word);
	}
	return rc;
}

/* ---- the host side of the network workload ------------------------------ */

int hvs_guest_net_rr(const char *peer, const char *what, struct hvs_metrics *set)
{
	const struct hvs_bench *b = hvs_bench_find("workload.net.rr");
	struct hvs_bench_ctx ctx;
	size_t before = set->n;

	if (!b)
		return -ENOENT;
	hvs_bench_ctx_default(&ctx);
	ctx.quick = 1;
	ctx.samples = 11;
	ctx.budget_s = 3;
	ctx.peer = peer;
	hvs_bench_run(b, &ctx, set);
	if (what && set->n > before)
		hvs_strlcpy(set->v[before].what, what, sizeof(set->v[before].what));
	return 0;
}

/* ---- merging results -------------------------------------------------- */

/* Move metric m into set unless a metric of that name is there (replace: overwrite it). */
static int merge_file(struct merged *mg, const char *path, char *err, size_t errlen)
{
	struct hvs_result *r = NULL;
	int ret = hvs_result_read(path, &r, err, errlen);

	if (ret)
		return ret;
	if (!mg->base) {
		mg->base = r;
		return 0;
	}
	/* the same metric twice (a suite and the workloads): core/metric.c keeps the better */
	for (size_t i = 0; i < r->set.n; i++)
		if ((ret = hvs_metrics_take(&mg->base->set, &r->set.v[i], HVS_TAKE_BETTER)) < 0)
			break;
	hvs_result_free(r);
	return ret < 0 ? ret : 0;
}

/* Write DIR/NAME.json from what was merged. */
static int write_merged(const struct hvs_gtarget *t, struct merged *mg, const char *path,
			int *nmetrics)
{
	struct hvs_run_info info, *ip;
	struct hvs_metrics *set;
	char tags[200];
	int ret;

	if (mg->base) {
		ip = &mg->base->info;
		set = &mg->base->set;
	} else {
		/* Only host-side metrics: a minimal context. */
		memset(&info, 0, sizeof(info));
		hvs_run_info_init(&info);
		hvs_iso8601_now(info.finished, sizeof(info.finished));
		ip = &info;
		set = &mg->extra;
	}
	if (mg->base)
		for (size_t i = 0; i < mg->extra.n; i++)
			if ((ret = hvs_metrics_take(set, &mg->extra.v[i], HVS_TAKE_REPLACE)) < 0)
				return ret;
	snprintf(tags, sizeof(tags), "target=%s,label=%s,kind=%s", t->name, t->name,
		 hvs_gt_kind_name(t->kind));
	hvs_run_info_add_tags(ip, tags);
	if (t->paging[0]) {
		snprintf(tags, sizeof(tags), "paging=%s", t->paging);
		hvs_run_info_add_tags(ip, tags);
	}
	if (mg->retried)
		hvs_run_info_add_tags(ip, "retried=l1-stall");
	*nmetrics = (int)set->n;
	return hvs_result_write(path, ip, set);
}

static void merged_free(struct merged *mg)
{
	if (mg->base)
		hvs_result_free(mg->base);
	hvs_metrics_free(&mg->extra);
	memset(mg, 0, sizeof(*mg));
}

/* ---- one target --------------------------------------------------------- */

void guest_fail(struct hvs_gresult *r, enum hvs_outcome o, const char *fmt, ...)
{
	va_list ap;

	if (r->outcome != HVS_PASS)
		return; /* keep the first reason */
	r->outcome = o;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

/*
 * kvm-amd: the paging mode the target asked for must be the one `hvscope kvm`
 * found in force inside (its result's paging tag: "NPT" or "shadow"), or the
 * module parameter did not take and the column would be mislabelled.
 * Returns 0, or -1 with the reason in err.
 */
static int kvm_paging_check(const struct hvs_gtarget *t, const char *path, char *err, size_t errlen)
{
	struct hvs_result *res = NULL;
	const char *want = !strcmp(t->paging, "shadow") ? "shadow" : "NPT", *got = "";

	if (t->kind != HVS_GT_KVM_AMD)
		return 0;
	if (hvs_result_read(path, &res, err, errlen))
		return -1;
	for (int i = 0; i < res->info.ntags; i++)
		if (!strcmp(res->info.tags[i].key, "paging"))
			got = res->info.tags[i].val;
	if (strcmp(got, want)) {
		snprintf(err, errlen, "asked for paging %s (kvm_amd.npt=%s), KVM in the guest runs '%s'", t->paging,
			 strcmp(want, "NPT") ? "0" : "1", got);
		hvs_result_free(res);
		return -1;
	}
	hvs_result_free(res);
	return 0;
}

/*
 * Collect the job outputs in DIR (named NAME.<suffix>): run results are
 * merged, probe output must at least be JSON-looking, failures noted.
 */
void guest_collect(const struct hvs_gtarget *t, const struct hvs_grun_opts *o, const struct jobs *j,
		   const int *rcs, struct merged *mg, struct hvs_gresult *r)
{
	char path[1024], suf[32], err[300];

	for (int i = 0; i < j->n; i++) {
		snprintf(path, sizeof(path), "%s/%s.%s", o->out_dir, t->name,
			 guest_job_suffix(&j->v[i], i, suf, sizeof(suf)));
		if (rcs[i] != 0 && !JOB_RESULT(&j->v[i]))
			guest_fail(r, HVS_FAILED, "'hvscope %.200s' exited with %d", j->v[i].args, rcs[i]);
		if (JOB_RESULT(&j->v[i])) {
			int ret = j->v[i].type == JOB_KVM ? kvm_paging_check(t, path, err, sizeof(err)) : 0;

			if (ret)
				guest_fail(r, HVS_FAILED, "'hvscope %.120s': %.300s", j->v[i].args, err);
			else if ((ret = merge_file(mg, path, err, sizeof(err))))
				guest_fail(r, HVS_FAILED, "'hvscope %.120s' (exit %d): no valid result: %.200s",
					   j->v[i].args, rcs[i], err);
		} else if (j->v[i].type == JOB_PROBE) {
			char *data = NULL;
			long n = hvs_read_file(path, RESULT_MAX, &data);

			if (n <= 0 || data[0] != '{')
				guest_fail(r, HVS_FAILED, "'hvscope %.200s' printed no JSON fingerprint", j->v[i].args);
			free(data);
		}
	}
}

int hvs_guest_run_target(const struct hvs_gtarget *t, const struct hvs_grun_opts *o,
			 struct hvs_gresult *r)
{
	struct hvs_gtarget eff = *t;
	struct merged mg = { 0 };
	struct jobs j;
	double t0 = guest_now_s(), deadline;
	char path[1024];
	int ret = 0;

	memset(r, 0, sizeof(*r));
	hvs_strlcpy(r->name, t->name, sizeof(r->name));
	r->outcome = HVS_PASS;
	if (o->timeout_s)
		eff.timeout_s = o->timeout_s;
	deadline = t0 + eff.timeout_s;
	make_jobs(&eff, &j);
	switch (eff.kind) {
	case HVS_GT_NATIVE:
		ret = guest_run_native(&eff, o, &j, deadline, &mg, r);
		break;
	case HVS_GT_QEMU:
	case HVS_GT_XEN:
	case HVS_GT_KVM_AMD:
	case HVS_GT_KVM_L2:
		ret = guest_run_boot(&eff, o, &j, deadline, &mg, r);
		break;
	case HVS_GT_SSH:
		ret = guest_run_ssh(&eff, o, &j, deadline, &mg, r);
		break;
	case HVS_GT_IMAGE:
		ret = guest_run_image(&eff, o, deadline, r);
		break;
	}
	if (mg.base || mg.extra.n) {
		int n = 0, w;

		snprintf(path, sizeof(path), "%s/%s.json", o->out_dir, t->name);
		w = write_merged(&eff, &mg, path, &n);
		if (w)
			guest_fail(r, HVS_FAILED, "cannot write %s: %s", path, hvs_strerror(w));
		else {
			hvs_strlcpy(r->result_path, path, sizeof(r->result_path));
			r->nmetrics = n;
		}
	}
	merged_free(&mg);
	r->seconds = guest_now_s() - t0;
	return ret;
}
