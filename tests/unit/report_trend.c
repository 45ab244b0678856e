/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_trend.c - `report --db`'s history series (reports/trend.c) in a
 * fleet history: by default the newest run's host, with a context pin
 * (host=NAME, as `regress --context`) that host's runs; a pin nothing
 * matches and a malformed one are errors. A real SQLite file in TMPDIR.
 */
#include "reports/trend.h"
#include "results/history.h"
#include "results/result.h"
#include "core/hvscope.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One run of host with one metric whose 9 samples sit around center. */
static int add_run(struct hvs_history *h, const char *host, int i, const char *started, double center)
{
	struct hvs_run_info info;
	struct hvs_metrics set = { 0 };
	struct hvs_metric *m = hvs_metrics_add(&set);
	double *x = malloc(9 * sizeof(*x));
	char err[256];
	int dup = 0, r;

	if (!m || !x) {
		free(x);
		hvs_metrics_free(&set);
		return -1;
	}
	hvs_run_info_init(&info);
	snprintf(info.id, sizeof(info.id), "%s-run-%d", host, i);
	snprintf(info.git_commit, sizeof(info.git_commit), "c%d", i);
	hvs_strlcpy(info.started, started, sizeof(info.started));
	hvs_strlcpy(info.finished, started, sizeof(info.finished));
	hvs_strlcpy(m->name, "syscall.getppid", sizeof(m->name));
	hvs_strlcpy(m->unit, "ns", sizeof(m->unit));
	m->direction = HVS_LOWER_IS_BETTER;
	for (int k = 0; k < 9; k++)
		x[k] = center * (1 + (k - 4) * 0.01);
	hvs_metric_set_samples(m, x, 9);
	r = hvs_history_add(h, &info, &set, host, "kvm", NULL, 0, &dup, err, sizeof(err));
	if (r)
		diag("add %s: %s", info.id, err);
	hvs_metrics_free(&set);
	return r;
}

int main(void)
{
	const char *td = getenv("TMPDIR");
	char db[4096], note[1024], err[512], started[24];
	struct hvs_rpt_series *s = NULL;
	struct hvs_history *h = NULL;
	size_t n = 0;
	int r, bad = 0;

	plan(12);
	snprintf(db, sizeof(db), "%s/hvs-trend-XXXXXX", td && *td ? td : "/tmp");
	close(mkstemp(db));
	unlink(db);
	if (hvs_history_open(db, &h, err, sizeof(err)) == -ENODEV) {
		skip(12, "built without SQLite");
		return done_testing();
	}
	ok(h != NULL, "a fresh SQLite history opens");
	if (!h)
		return done_testing();
	/* web1: 6 nights at 100 ns in January; web2: 4 nights at 300 ns in February (newest). */
	for (int i = 1; i <= 6; i++) {
		snprintf(started, sizeof(started), "2026-01-%02dT00:00:00Z", i);
		bad |= add_run(h, "web1", i, started, 100) != 0;
	}
	for (int i = 1; i <= 4; i++) {
		snprintf(started, sizeof(started), "2026-02-%02dT00:00:00Z", i);
		bad |= add_run(h, "web2", i, started, 300) != 0;
	}
	hvs_history_close(h);
	ok(!bad, "10 runs of two hosts added");

	/* No pin: the newest run's host (web2), as before. */
	r = hvs_rpt_history_load(db, NULL, 1, &s, &n, note, sizeof(note), err, sizeof(err));
	is_int(r, 0, "no --context: loads (%s)", r ? err : note);
	ok(n == 1 && s[0].n == 4 && s[0].pt[0].median > 250, "... web2's 4 nights at 300 ns");
	ok(strstr(note, "4 runs of the newest run's context") != NULL, "... and the note says so: %s", note);
	hvs_rpt_series_free(s, n);

	/* host=web1: the older host's own series. */
	r = hvs_rpt_history_load_ctx(db, "host=web1", NULL, 1, &s, &n, note, sizeof(note), err, sizeof(err));
	is_int(r, 0, "--context host=web1: loads (%s)", r ? err : note);
	ok(n == 1 && s[0].n == 6 && s[0].pt[0].median < 150 && s[0].pt[5].median < 150,
	   "... web1's 6 nights at 100 ns, none of web2's");
	ok(strstr(note, "6 runs of the context of --context host=web1 (") != NULL, "... the note names the pin: %s",
	   note);
	hvs_rpt_series_free(s, n);

	/* With --since too, and "" as no pin. */
	r = hvs_rpt_history_load_ctx(db, "host=web1", "2026-01-04", 1, &s, &n, note, sizeof(note), err,
				     sizeof(err));
	ok(r == 0 && n == 1 && s[0].n == 3, "--context host=web1 --since 2026-01-04: its last 3 nights");
	hvs_rpt_series_free(s, n);
	r = hvs_rpt_history_load_ctx(db, "", NULL, 1, &s, &n, note, sizeof(note), err, sizeof(err));
	ok(r == 0 && n == 1 && s[0].n == 4, "--context '': the newest run's host, as without");
	hvs_rpt_series_free(s, n);

	/* Errors: a host with no run, a malformed entry. */
	s = NULL;
	n = 0;
	r = hvs_rpt_history_load_ctx(db, "host=db9", NULL, 1, &s, &n, note, sizeof(note), err, sizeof(err));
	ok(r == -HVS_ESCHEMA && !s && strstr(err, "no run") != NULL, "--context host=db9: no run: %d, %s", r, err);
	r = hvs_rpt_history_load_ctx(db, "=x", NULL, 1, &s, &n, note, sizeof(note), err, sizeof(err));
	ok(r == -HVS_EUSAGE && !s, "--context '=x': usage error: %d, %s", r, err);
	unlink(db);
	return done_testing();
}
