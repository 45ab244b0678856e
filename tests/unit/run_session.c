/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run_session.c - the library under `hvscope run` without its command line
 * (run/session.h, run/sides.h): a request selects the suite and benchmarks
 * it names, with its overrides, and says usage errors as -HVS_EUSAGE; the
 * size check refuses what no reader would accept; the rounds' set-up makes
 * the directory, hands every round the request's options (all 32 tags
 * fit), keeps a given seed, refuses a bad tag before any round; the sides'
 * judge gets each side's round files beside the first's.
 */
#include "core/hvscope.h"
#include "run/session.h"
#include "run/sides.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_select(void)
{
	struct hvs_run_request q = { 0 };
	const struct hvs_bench **v = NULL;
	struct hvs_suite s;
	char sel[600], err[600];
	size_t n = 0;
	int ret, all_syscall = 1;

	ret = hvs_session_select(&q, &s, &v, &n, sel, sizeof(sel), err, sizeof(err));
	ok(!ret && !strcmp(s.name, "default") && n > 0 && !strcmp(sel, s.select),
	   "no options: the default suite, its selector, %zu benchmark(s)", n);
	free(v);
	v = NULL;

	q.quick = 1;
	q.samples = 7;
	q.processes = 2;
	ret = hvs_session_select(&q, &s, &v, &n, sel, sizeof(sel), err, sizeof(err));
	ok(!ret && !strcmp(s.name, "quick") && s.quick && s.samples == 7 && s.processes == 2,
	   "--quick --samples 7 --processes 2: the quick suite, overridden");
	free(v);
	v = NULL;

	q = (struct hvs_run_request){ .klass = "syscall" };
	ret = hvs_session_select(&q, &s, &v, &n, sel, sizeof(sel), err, sizeof(err));
	for (size_t i = 0; i < n; i++)
		all_syscall &= !strcmp(v[i]->klass, "syscall");
	ok(!ret && !strcmp(sel, "class:syscall") && n > 0 && all_syscall, "--class syscall: only syscall benchmarks");
	free(v);
	v = NULL;

	q = (struct hvs_run_request){ .suite = "nosuch" };
	ret = hvs_session_select(&q, &s, &v, &n, sel, sizeof(sel), err, sizeof(err));
	ok(ret == -HVS_EUSAGE && strstr(err, "no suite 'nosuch'"), "no such suite: -HVS_EUSAGE (%s)", err);
	free(v);
	v = NULL;

	q = (struct hvs_run_request){ .benches = "nosuch.*" };
	ret = hvs_session_select(&q, &s, &v, &n, sel, sizeof(sel), err, sizeof(err));
	ok(ret == -HVS_EUSAGE && strstr(err, "nosuch.*"), "a selector matching nothing: -HVS_EUSAGE (%s)", err);
	free(v);
	v = NULL;

	q = (struct hvs_run_request){ .suites_file = "/nonexistent/suites.conf" };
	ret = hvs_session_select(&q, &s, &v, &n, sel, sizeof(sel), err, sizeof(err));
	ok(ret == -ENOENT && !strncmp(err, "/nonexistent/suites.conf: ", 26),
	   "an unreadable suites file: its -errno, not a usage error (%s)", err);
	free(v);
}

static void test_fits(void)
{
	struct hvs_suite s = { .samples = 1000000, .processes = 100 };
	char err[600];

	ok(hvs_session_fits(&s, 1, 1, err, sizeof(err)) == -HVS_EUSAGE && strstr(err, "per metric") &&
		   !strstr(err, "rounds"),
	   "1e6 samples x 100 processes: refused (%s)", err);
	s.samples = 100000;
	s.processes = 3;
	ok(hvs_session_fits(&s, 1, 64, err, sizeof(err)) == -HVS_EUSAGE && strstr(err, " x the rounds"),
	   "x 64 rounds merged: refused, the rounds named");
	s.samples = 1000;
	s.processes = 1;
	ok(hvs_session_fits(&s, 10000, 1, err, sizeof(err)) == -HVS_EUSAGE && strstr(err, "benchmarks"),
	   "too many values over all benchmarks: refused (%s)", err);
	ok(hvs_session_fits(&s, 10, 3, err, sizeof(err)) == 0, "a run of ordinary size fits");
}

static int args_have(const struct hvs_rounds *r, const char *a, const char *b)
{
	for (int i = 0; i + 1 < r->nrun_args; i++)
		if (!strcmp(r->run_args[i], a) && (!b || !strcmp(r->run_args[i + 1], b)))
			return 1;
	return 0;
}

struct seen {
	int calls, sides[4];
	int paths_ok;
};

static void judge(void *arg, int side, const char *const *base, const char *const *other, size_t n)
{
	struct seen *s = arg;
	char want[256];

	s->sides[s->calls++] = side;
	for (size_t k = 0; k < n; k++) {
		snprintf(want, sizeof(want), "d/A.%zu.json", k + 1);
		s->paths_ok &= !strcmp(base[k], want);
		snprintf(want, sizeof(want), "d/%s.%zu.json", side == 1 ? "B" : "C", k + 1);
		s->paths_ok &= !strcmp(other[k], want);
	}
}

static void test_sides(const char *tmp)
{
	static struct hvs_sides sd;
	struct hvs_run_request q = { .suite = "quick", .quick = 1, .benches = "syscall.*", .processes = 2,
				     .samples = 9, .suites_file = "x.conf", .no_checks = 1 };
	struct hvs_round_side side[3] = { { .name = "A" }, { .name = "B" }, { .name = "C" } };
	struct seen seen = { .paths_ok = 1 };
	char dir[512], err[600];
	struct stat st;
	int ret;

	for (int i = 0; i < HVS_MAX_TAGS; i++)
		snprintf(q.tags.v[q.tags.n++], sizeof(q.tags.v[0]), "k%d=v", i);
	snprintf(dir, sizeof(dir), "%s/rounds", tmp);
	ret = hvs_sides_prepare(&sd, &q, NULL, 0, 0, dir, 42, 1, err, sizeof(err));
	ok(!ret && !stat(dir, &st) && S_ISDIR(st.st_mode), "the rounds' directory is made");
	ok(sd.r.nsides == 1 && !strcmp(sd.r.side[0].name, "run") && sd.r.max_rounds == HVS_ROUNDS_MAX &&
		   sd.r.seed == 42,
	   "no sides: one side 'run', up to %d rounds, the seed given", HVS_ROUNDS_MAX);
	ok(sd.r.nrun_args == 2 * HVS_MAX_TAGS + 12 && args_have(&sd.r, "--suite", "quick") &&
		   args_have(&sd.r, "--bench", "syscall.*") && args_have(&sd.r, "--processes", "2") &&
		   args_have(&sd.r, "--samples", "9") && args_have(&sd.r, "--suites", "x.conf") &&
		   args_have(&sd.r, "--tag", "k31=v") && !strcmp(sd.r.run_args[2], "--quick") &&
		   !strcmp(sd.r.run_args[sd.r.nrun_args - 2 * HVS_MAX_TAGS - 1], "--no-checks"),
	   "every round gets the selection and all %d tags (%d words)", HVS_MAX_TAGS, sd.r.nrun_args);
	hvs_sides_free(&sd);

	strcpy(q.tags.v[3], "not a tag");
	snprintf(dir, sizeof(dir), "%s/refused", tmp);
	ret = hvs_sides_prepare(&sd, &q, side, 3, 5, dir, 0, 0, err, sizeof(err));
	ok(ret == -HVS_EUSAGE && strstr(err, "--tag 'not a tag'") && stat(dir, &st),
	   "a bad tag: refused before the directory is made (%s)", err);

	q.tags.n = 0;
	ret = hvs_sides_prepare(&sd, &q, side, 3, 5, "/proc/nope/dir", 0, 0, err, sizeof(err));
	ok(ret == -ENOENT && strstr(err, "cannot make the directory /proc/nope/dir"), "no directory: -errno (%s)",
	   err);

	ret = hvs_sides_prepare(&sd, &q, side, 3, 5, dir, 0, 0, err, sizeof(err));
	ok(!ret && sd.r.nsides == 3 && sd.r.max_rounds == 5 && !strcmp(sd.r.side[2].name, "C"),
	   "three sides, 5 rounds");
	sd.r.dir = "d";
	sd.r.done = 2;
	ret = hvs_sides_each(&sd, judge, &seen);
	ok(!ret && seen.calls == 2 && seen.sides[0] == 1 && seen.sides[1] == 2 && seen.paths_ok,
	   "the judge sees B then C, round k of each beside round k of A");
	hvs_sides_free(&sd);
}

int main(void)
{
	char tmp[] = "/tmp/hvs-run-session.XXXXXX";
	char cmd[128];

	plan(17);
	test_select();
	test_fits();
	if (!mkdtemp(tmp)) {
		skip(7, "no temp directory");
		return done_testing();
	}
	test_sides(tmp);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd))
		diag("could not remove %s", tmp);
	return done_testing();
}
