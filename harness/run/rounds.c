/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rounds.c - the interleaved rounds of rounds.h: the seeded order of the
 * sides in each round, each side's round as a child process tree (its own
 * process group, stopped on a signal), DIR/rounds.json, and the caller's
 * precision hook after each round. It judges nothing itself.
 */
#include "rounds.h"
#include "core/cleanup.h"
#include "core/hvscope.h"
#include "core/jsonw.h"
#include "core/shquote.h"
#include "core/stats.h"
#include "core/timing.h"
#include "results/result.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
		if (r->judge && r->done >= HVS_ROUNDS_MIN_TARGET) {
			const struct hvs_metrics *sets[HVS_ROUNDS_MAX_SIDES * HVS_ROUNDS_MAX];
			double spent = (double)(hvs_now_ns() - t0) / 1e9;
			int enough;

			for (int s = 0; s < r->nsides; s++)
				for (int q = 0; q < r->done; q++)
					sets[s * r->done + q] = &res[s][q]->set;
			enough = r->judge(r->judge_arg, sets, r->nsides, r->done);
			if (enough < 0) {
				snprintf(err, errlen, "judging the precision: %s", strerror(-enough));
				ret = enough;
				break;
			}
			r->judged = 1;
			if (enough) {
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
	if (r->plan_extra)
		r->plan_extra(r->judge_arg, &w);
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

