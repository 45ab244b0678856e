/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rounds.c - the interleaved rounds of rounds.h: the seeded order of the
 * sides in each round, each side's round as a child process tree (its own
 * process group, stopped on a signal), DIR/rounds.json, and the adaptive
 * precision check after each round. The verdicts themselves stay
 * analysis/compare.c's: this file only asks it how wide each CI is.
 */
#include "rounds.h"
#include "core/cleanup.h"
#include "core/hvscope.h"
#include "core/jsonw.h"
#include "core/shquote.h"
#include "core/stats.h"
#include "core/timing.h"
#include "core/units.h"
#include "results/result.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The two-state rule of analysis/compare.c, for one side's rounds. */
#define STATE_MIN_SHARE 0.10
#define STATE_MIN_GAP 0.2231435513142098 /* log(1.25) */

static const char *const kind_names[] = {
	[HVS_SIDE_SELF] = "self", [HVS_SIDE_HOOK] = "hook", [HVS_SIDE_EXEC] = "exec", [HVS_SIDE_CMD] = "cmd",
};

const char *hvs_side_kind_name(enum hvs_side_kind k)
{
	return (unsigned)k < HVS_ARRAY_SIZE(kind_names) ? kind_names[k] : "?";
}

const char *hvs_rounds_stop_name(enum hvs_rounds_stop s)
{
	switch (s) {
	case HVS_STOP_ROUNDS: return "rounds";
	case HVS_STOP_TARGET: return "target";
	case HVS_STOP_BUDGET: return "budget";
	}
	return "?";
}

int hvs_round_side_parse(const char *spec, struct hvs_round_side *s, char *why, size_t whylen)
{
	const char *eq = strchr(spec, '=');
	size_t nl = eq ? (size_t)(eq - spec) : 0;
	const char *v;

	memset(s, 0, sizeof(*s));
	if (!eq || !nl || nl >= sizeof(s->name)) {
		snprintf(why, whylen, "expected NAME=[CMD|exec:PATH|cmd:CMD], NAME under %zu characters",
			 sizeof(s->name));
		return -EINVAL;
	}
	for (size_t i = 0; i < nl; i++) {
		char c = spec[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-')) {
			snprintf(why, whylen, "a side's NAME is [A-Za-z0-9_-] (it names files)");
			return -EINVAL;
		}
	}
	memcpy(s->name, spec, nl);
	v = eq + 1;
	if (!strncmp(v, "exec:", 5)) {
		s->kind = HVS_SIDE_EXEC;
		v += 5;
	} else if (!strncmp(v, "cmd:", 4)) {
		s->kind = HVS_SIDE_CMD;
		v += 4;
	} else {
		s->kind = *v ? HVS_SIDE_HOOK : HVS_SIDE_SELF;
	}
	if (strlen(v) >= sizeof(s->arg)) {
		snprintf(why, whylen, "a side's command is longer than %zu bytes", sizeof(s->arg) - 1);
		return -EINVAL;
	}
	if (s->kind != HVS_SIDE_SELF && s->kind != HVS_SIDE_HOOK && !*v) {
		snprintf(why, whylen, "%s: wants a %s", s->kind == HVS_SIDE_EXEC ? "exec:" : "cmd:",
			 s->kind == HVS_SIDE_EXEC ? "path" : "command");
		return -EINVAL;
	}
	hvs_strlcpy(s->arg, v, sizeof(s->arg));
	return 0;
}

void hvs_rounds_path(const struct hvs_rounds *r, int side, int round, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.%d.json", r->dir, r->side[side].name, round + 1);
}

/*
 * One child in its own process group: argv with stdout and stderr appended
 * to log and the side's environment. Returns its wait status, or -errno.
 */
static int spawn(char *const argv[], const char *log, const struct hvs_rounds *r, int side, int round,
		 const char *out)
{
	char rs[16], args[8192];
	size_t k = 0;
	int status;
	pid_t pid;

	/* Plain words bare (so an unquoted $HVS_RUN_ARGS works), others quoted (for eval, ssh). */
	args[0] = '\0';
	for (int i = 0; i < r->nrun_args; i++) {
		const char *w = r->run_args[i];
		int bare = *w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
					   "_./,=:+-%") == strlen(w);

		if (bare ? (k && hvs_sh_raw(args, sizeof(args), &k, " ")) ||
				   hvs_sh_raw(args, sizeof(args), &k, w)
			 : hvs_shq_append(args, sizeof(args), &k, w))
			break;
	}
	snprintf(rs, sizeof(rs), "%d", round + 1);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

		setpgid(0, 0);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		setenv("HVS_SIDE", r->side[side].name, 1);
		setenv("HVS_ROUND", rs, 1);
		setenv("HVS_OUT", out, 1);
		setenv("HVS_RUN_ARGS", args, 1);
		execv(argv[0], argv);
		if (!strchr(argv[0], '/'))
			execvp(argv[0], argv);
		fprintf(stderr, "hvscope run --rounds: cannot execute %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	hvs_cleanup_watch(-pid);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = -errno;
			break;
		}
	hvs_cleanup_watch(0);
	return status;
}

static int sh_c(const char *cmd, const char *log, const struct hvs_rounds *r, int side, int round,
		const char *out)
{
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };

	return spawn(argv, log, r, side, round, out);
}

/* `BIN run ARGS --tag side=NAME,round=K --out FILE`. */
static int run_hvscope(const char *bin, const char *log, const struct hvs_rounds *r, int side, int round,
		       const char *out)
{
	char tag[96], **argv = calloc((size_t)r->nrun_args + 8, sizeof(*argv));
	int n = 0, st;

	if (!argv)
		return -ENOMEM;
	snprintf(tag, sizeof(tag), "side=%s,round=%d", r->side[side].name, round + 1);
	argv[n++] = (char *)bin;
	argv[n++] = "run";
	for (int i = 0; i < r->nrun_args; i++)
		argv[n++] = r->run_args[i];
	argv[n++] = "--tag";
	argv[n++] = tag;
	argv[n++] = "--out";
	argv[n++] = (char *)out;
	argv[n] = NULL;
	st = spawn(argv, log, r, side, round, out);
	free(argv);
	return st;
}

/* Side s's round k. Returns 0, or the failing wait status (> 0) or -errno. */
static int one_round(const struct hvs_rounds *r, int s, int k)
{
	const struct hvs_round_side *sd = &r->side[s];
	char out[4200], log[4200];
	int st;

	hvs_rounds_path(r, s, k, out, sizeof(out));
	snprintf(log, sizeof(log), "%s/%s.%d.log", r->dir, sd->name, k + 1);
	unlink(out);
	switch (sd->kind) {
	case HVS_SIDE_HOOK:
		st = sh_c(sd->arg, log, r, s, k, out);
		if (st)
			return st;
		/* fall through */
	case HVS_SIDE_SELF:
		return run_hvscope(r->self, log, r, s, k, out);
	case HVS_SIDE_EXEC:
		return run_hvscope(sd->arg, log, r, s, k, out);
	case HVS_SIDE_CMD:
		st = sh_c(sd->arg, log, r, s, k, out);
		if (!st && access(out, R_OK))
			return 1 << 8; /* "exit 1": it wrote no result */
		return st;
	}
	return -EINVAL;
}

/* ------------------------------------------------------------ precision */

/* A round's log location of a metric: mean log process median, else log median; NaN if unusable. */
static double location(const struct hvs_metrics *set, const char *name)
{
	long j = hvs_metrics_find(set, name);
	const struct hvs_metric *m;
	double s = 0;

	if (j < 0)
		return NAN;
	m = &set->v[j];
	if (m->outcome != HVS_PASS || !m->nsamples || !(m->summary.median > 0))
		return NAN;
	if (m->nprocesses >= 2) {
		for (size_t i = 0; i < m->nprocesses; i++) {
			if (!(m->process_medians[i] > 0))
				return log(m->summary.median);
			s += log(m->process_medians[i]);
		}
		return s / (double)m->nprocesses;
	}
	return log(m->summary.median);
}

/* Least-squares slope of y[0..n) over 0..n-1 and its two-sided p (NaN when n < 4). */
static double trend(const double *y, size_t n, double *p)
{
	double mx = (double)(n - 1) / 2, my = 0, sxx = 0, sxy = 0, rss = 0, b;

	*p = NAN;
	if (n < 4)
		return NAN;
	for (size_t i = 0; i < n; i++)
		my += y[i] / (double)n;
	for (size_t i = 0; i < n; i++) {
		sxx += ((double)i - mx) * ((double)i - mx);
		sxy += ((double)i - mx) * (y[i] - my);
	}
	b = sxy / sxx;
	for (size_t i = 0; i < n; i++) {
		double e = y[i] - my - b * ((double)i - mx);

		rss += e * e;
	}
	*p = rss > 0 ? hvs_pt2(b / sqrt(rss / (double)(n - 2) / sxx), (double)(n - 2)) : (b ? 0 : 1);
	return b;
}

static double sd_of(const double *y, size_t n)
{
	double m = 0, v = 0;

	for (size_t i = 0; i < n; i++)
		m += y[i] / (double)n;
	for (size_t i = 0; i < n; i++)
		v += (y[i] - m) * (y[i] - m);
	return n > 1 ? sqrt(v / (double)(n - 1)) : NAN;
}

/* Why a metric's rounds stay wide, from its per-round series y (log locations or log ratios). */
static void why_wide(char *buf, size_t len, const double *y, size_t n, int states, double cut,
		     const char *unit)
{
	double p, b;

	if (states) {
		char c[48];

		hvs_fmt_val(c, sizeof(c), cut, unit, HVS_U_TERM);
		snprintf(buf, len, "two states (split at %s): judge them per state, or pin the host", c);
		return;
	}
	b = trend(y, n, &p);
	if (isfinite(p) && p < 0.05)
		snprintf(buf, len, "drifting: %+.1f%% per round over %zu rounds (trend p = %.2g)",
			 (exp(b) - 1) * 100, n, p);
	else
		snprintf(buf, len, "noisy: the rounds spread by %.1f%% (sd); more rounds narrow it",
			 sd_of(y, n) * 100);
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* Two states in the pooled samples of one side's rounds (compare.c's split, without its per-process home test). */
static int two_states(const struct hvs_metrics *const *sets, size_t k, const char *name, double *cut)
{
	size_t tot = 0, n = 0;
	double *x, d;
	int bi;

	for (size_t q = 0; q < k; q++) {
		long j = hvs_metrics_find(sets[q], name);

		if (j >= 0)
			tot += sets[q]->v[j].nsamples;
	}
	x = malloc((tot ? tot : 1) * sizeof(*x));
	if (!x)
		return 0;
	for (size_t q = 0; q < k; q++) {
		long j = hvs_metrics_find(sets[q], name);

		if (j < 0)
			continue;
		for (size_t i = 0; i < sets[q]->v[j].nsamples; i++)
			if (sets[q]->v[j].samples[i] > 0)
				x[n++] = log(sets[q]->v[j].samples[i]);
	}
	qsort(x, n, sizeof(*x), cmp_double);
	bi = n >= 8 ? hvs_two_states(x, n, STATE_MIN_SHARE, STATE_MIN_GAP, cut, &d) == 1 : 0;
	if (bi)
		*cut = exp(*cut);
	free(x);
	return bi;
}

static int add_wide(struct hvs_rounds *r, const char *name, double hw, const char *why)
{
	struct hvs_round_wide *w;

	for (size_t i = 0; i < r->nwide; i++)
		if (!strcmp(r->wide[i].name, name)) {
			if (hw > r->wide[i].halfwidth) {
				r->wide[i].halfwidth = hw;
				hvs_strlcpy(r->wide[i].why, why, sizeof(r->wide[i].why));
			}
			return 0;
		}
	w = realloc(r->wide, (r->nwide + 1) * sizeof(*w));
	if (!w)
		return -ENOMEM;
	r->wide = w;
	w = &r->wide[r->nwide++];
	hvs_strlcpy(w->name, name, sizeof(w->name));
	w->halfwidth = hw;
	hvs_strlcpy(w->why, why, sizeof(w->why));
	return 0;
}

/* With >= 2 sides: each side against the first, paired by round (the compare's CI). */
static int precision_paired(struct hvs_rounds *r, struct hvs_result *res[][HVS_ROUNDS_MAX], size_t k)
{
	const struct hvs_metrics *sa[HVS_ROUNDS_MAX], *sb[HVS_ROUNDS_MAX];
	struct hvs_cmp_opts o = r->cmp;
	int ret = 0;

	o.paired = 1;
	for (size_t q = 0; q < k; q++)
		sa[q] = &res[0][q]->set;
	r->nmetrics = 0;
	for (int s = 1; s < r->nsides && !ret; s++) {
		struct hvs_cmp c = { 0 };

		for (size_t q = 0; q < k; q++)
			sb[q] = &res[s][q]->set;
		ret = hvs_compare_runs(sa, k, sb, k, &o, &c);
		if (ret)
			break;
		if (c.ncompared > r->nmetrics)
			r->nmetrics = c.ncompared;
		for (size_t i = 0; i < c.n && !ret; i++) {
			const struct hvs_cmp_row *row = &c.rows[i];
			double hw, y[HVS_ROUNDS_MAX];
			size_t n = 0;
			char why[128];

			if (row->verdict == HVS_V_NA || !(row->ratio.lo > 0) || !isfinite(row->ratio.hi))
				continue;
			hw = sqrt(row->ratio.hi / row->ratio.lo) - 1;
			if (hw <= r->target)
				continue;
			for (size_t q = 0; q < k; q++) {
				double la = location(sa[q], row->name), lb = location(sb[q], row->name);

				if (isfinite(la) && isfinite(lb))
					y[n++] = lb - la;
			}
			why_wide(why, sizeof(why), y, n, row->states, row->state_cut, row->unit);
			ret = add_wide(r, row->name, hw, why);
		}
		hvs_cmp_free(&c);
	}
	return ret;
}

/* One side: the simultaneous t interval of the mean of each metric's round locations. */
static int precision_single(struct hvs_rounds *r, struct hvs_result *res[][HVS_ROUNDS_MAX], size_t k)
{
	const struct hvs_metrics *sets[HVS_ROUNDS_MAX];
	const struct hvs_metrics *first = &res[0][0]->set;
	double t;
	int ret = 0;

	for (size_t q = 0; q < k; q++)
		sets[q] = &res[0][q]->set;
	r->nmetrics = 0;
	for (size_t i = 0; i < first->n; i++)
		r->nmetrics += isfinite(location(first, first->v[i].name));
	if (!r->nmetrics)
		return 0;
	t = hvs_qt2(r->cmp.alpha / (double)r->nmetrics, (double)(k - 1));
	for (size_t i = 0; i < first->n && !ret; i++) {
		const struct hvs_metric *m = &first->v[i];
		double y[HVS_ROUNDS_MAX], hw, cut = NAN;
		size_t n = 0;
		char why[128];
		int states;

		for (size_t q = 0; q < k; q++) {
			double l = location(sets[q], m->name);

			if (isfinite(l))
				y[n++] = l;
		}
		if (n < k)
			continue; /* failed or skipped in some round: not judged */
		hw = exp(t * sd_of(y, n) / sqrt((double)n)) - 1;
		if (hw <= r->target)
			continue;
		states = two_states(sets, k, m->name, &cut);
		why_wide(why, sizeof(why), y, n, states, cut, m->unit);
		ret = add_wide(r, m->name, hw, why);
	}
	return ret;
}

/* ------------------------------------------------------------ the rounds */

static void shuffle(unsigned char *v, int n, struct hvs_rng *g)
{
	for (int i = 0; i < n; i++)
		v[i] = (unsigned char)i;
	for (int i = n - 1; i > 0; i--) {
		size_t j = hvs_rng_below(g, (size_t)i + 1);
		unsigned char t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

static void say_status(char *buf, size_t len, int st)
{
	if (st < 0)
		snprintf(buf, len, "%s", strerror(-st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "signal %d", WTERMSIG(st));
	else
		snprintf(buf, len, "exit %d", WEXITSTATUS(st));
}

int hvs_rounds_run(struct hvs_rounds *r, char *err, size_t errlen)
{
	static struct hvs_result *res[HVS_ROUNDS_MAX_SIDES][HVS_ROUNDS_MAX];
	struct hvs_rng g;
	uint64_t t0 = hvs_now_ns();
	int ret = 0;

	memset(res, 0, sizeof(res));
	r->done = 0;
	r->stop = HVS_STOP_ROUNDS;
	r->judged = 0;
	r->failed_side = r->failed_round = -1;
	hvs_rng_seed(&g, r->seed);
	for (int k = 0; k < r->max_rounds && !ret; k++) {
		uint64_t rt = hvs_now_ns();

		shuffle(r->order[k], r->nsides, &g);
		for (int p = 0; p < r->nsides; p++) {
			int s = r->order[k][p], st;
			char path[4200], how[64];

			if (!r->quiet)
				fprintf(stderr, "round %d/%d: %s (%d of %d)\n", k + 1, r->max_rounds,
					r->side[s].name, p + 1, r->nsides);
			st = one_round(r, s, k);
			if (st) {
				say_status(how, sizeof(how), st);
				snprintf(err, errlen, "round %d, side %s: %s (see %s/%s.%d.log)", k + 1,
					 r->side[s].name, how, r->dir, r->side[s].name, k + 1);
				r->failed_side = s;
				r->failed_round = k;
				r->failed_status = st;
				ret = -ECHILD;
				break;
			}
			hvs_rounds_path(r, s, k, path, sizeof(path));
			if (hvs_result_read(path, &res[s][k], how, sizeof(how))) {
				snprintf(err, errlen, "round %d, side %s: %s", k + 1, r->side[s].name, how);
				r->failed_side = s;
				r->failed_round = k;
				ret = -EIO;
				break;
			}
		}
		if (ret)
			break;
		r->round_s[k] = (double)(hvs_now_ns() - rt) / 1e9;
		r->done = k + 1;
		if (r->target > 0 && r->done >= HVS_ROUNDS_MIN_TARGET) {
			double spent = (double)(hvs_now_ns() - t0) / 1e9;

			r->nwide = 0;
			ret = r->nsides > 1 ? precision_paired(r, res, (size_t)r->done)
					    : precision_single(r, res, (size_t)r->done);
			if (ret) {
				snprintf(err, errlen, "judging the precision: %s", strerror(-ret));
				break;
			}
			r->judged = 1;
			if (!r->quiet)
				fprintf(stderr, "round %d: %zu of %zu metric(s) wider than +-%.3g%%\n", k + 1,
					r->nwide, r->nmetrics, r->target * 100);
			if (!r->nwide) {
				r->stop = HVS_STOP_TARGET;
				break;
			}
			if (k + 1 < r->max_rounds && spent + spent / (double)r->done > r->budget_s) {
				r->stop = HVS_STOP_BUDGET;
				break;
			}
		}
	}
	r->seconds = (double)(hvs_now_ns() - t0) / 1e9;
	for (int s = 0; s < HVS_ROUNDS_MAX_SIDES; s++)
		for (int k = 0; k < HVS_ROUNDS_MAX; k++)
			hvs_result_free(res[s][k]);
	return ret;
}

int hvs_rounds_write_plan(const struct hvs_rounds *r)
{
	char path[4200], tmp[4300];
	struct hvs_jw w;
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/rounds.json", r->dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	hvs_jw_init(&w, f);
	hvs_jw_obj(&w, NULL);
	hvs_jw_str(&w, "type", "hvscope-rounds");
	hvs_jw_int(&w, "seed", (long long)r->seed);
	hvs_jw_int(&w, "max_rounds", r->max_rounds);
	hvs_jw_int(&w, "rounds", r->done);
	hvs_jw_arr(&w, "sides");
	for (int s = 0; s < r->nsides; s++) {
		hvs_jw_obj(&w, NULL);
		hvs_jw_str(&w, "name", r->side[s].name);
		hvs_jw_str(&w, "kind", hvs_side_kind_name(r->side[s].kind));
		hvs_jw_str(&w, "arg", r->side[s].arg);
		hvs_jw_end(&w);
	}
	hvs_jw_end(&w);
	hvs_jw_arr(&w, "order");
	for (int k = 0; k < r->done; k++) {
		hvs_jw_obj(&w, NULL);
		hvs_jw_int(&w, "round", k + 1);
		hvs_jw_num(&w, "seconds", r->round_s[k]);
		hvs_jw_arr(&w, "sides");
		for (int p = 0; p < r->nsides; p++)
			hvs_jw_str(&w, NULL, r->side[r->order[k][p]].name);
		hvs_jw_end(&w);
		hvs_jw_end(&w);
	}
	hvs_jw_end(&w);
	hvs_jw_num(&w, "seconds", r->seconds);
	hvs_jw_str(&w, "stopped_by", hvs_rounds_stop_name(r->stop));
	if (r->target > 0) {
		hvs_jw_num(&w, "target_ci", r->target);
		hvs_jw_num(&w, "budget_s", r->budget_s);
		hvs_jw_int(&w, "metrics_judged", (long long)r->nmetrics);
		hvs_jw_arr(&w, "wide");
		for (size_t i = 0; r->judged && i < r->nwide; i++) {
			hvs_jw_obj(&w, NULL);
			hvs_jw_str(&w, "name", r->wide[i].name);
			hvs_jw_num(&w, "halfwidth", r->wide[i].halfwidth);
			hvs_jw_str(&w, "why", r->wide[i].why);
			hvs_jw_end(&w);
		}
		hvs_jw_end(&w);
	}
	hvs_jw_end(&w);
	ret = hvs_jw_finish(&w);
	if (fclose(f) && !ret)
		ret = -EIO;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

void hvs_rounds_free(struct hvs_rounds *r)
{
	free(r->wide);
	r->wide = NULL;
	r->nwide = 0;
}
