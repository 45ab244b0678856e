/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session.h - one `hvscope run` without its command line: the suite and
 * the benchmarks a request selects, the check that their result file fits
 * a reader's limits, the measuring (fresh processes or this one) with the
 * context around it into one result file, a fresh process's own run
 * (--child-out), and the row in the history. cli/cmd_run.c parses, calls
 * these, prints and maps their -errno to exit codes; `run --rounds` is
 * run/sides.h, built on the same request.
 *
 * Nothing here prints to stdout: progress and warnings go to the caller's
 * hooks, errors come back as -errno with one line in err.
 */
#ifndef HVS_SESSION_H
#define HVS_SESSION_H

#include "microbench/bench.h"
#include "core/metric.h"
#include "results/result.h"
#include "run/suite.h"

#include <stddef.h>

/* --tag values as given, each "k=v,..." (checked by hvs_run_info_add_tags). */
struct hvs_run_tags {
	char v[HVS_MAX_TAGS][192];
	int n;
};

/* What a run is asked for: the selection, and what each result carries. */
struct hvs_run_request {
	const char *suite;       /* NULL: "quick" with quick, else "default" */
	const char *benches;     /* --bench LIST, or NULL */
	const char *klass;       /* --class C, or NULL */
	const char *suites_file; /* --suites FILE (at most 1 MiB), or NULL: the built-in suites */
	int quick;               /* the quick suite, or quick working sets */
	int processes;           /* 0: the suite's */
	unsigned samples;        /* 0: the suite's */
	int no_checks;           /* skip the environment checks */
	struct hvs_run_tags tags;
};

/*
 * The suite the request names, with its processes, samples and quick
 * overridden by the request's, in s; the benchmarks it (or --bench,
 * --class) selects in *v (malloc'd, registry order), the selector text in
 * sel. Returns 0, -HVS_EUSAGE (no such suite, a selector matching
 * nothing: both from the command line), or -errno of reading the suites
 * file or of hvs_suite_find(), with one line in err.
 */
int hvs_session_select(const struct hvs_run_request *q, struct hvs_suite *s, const struct hvs_bench ***v,
		       size_t *n, char *sel, size_t sellen, char *err, size_t errlen);

/*
 * Would the result file hold what a reader accepts (result.h's budget)?
 * samples x processes (x rounds merged into one file) per metric, and that
 * for each of the n benchmarks (one metric each, at least). Returns 0 or
 * -HVS_EUSAGE with why in err.
 */
int hvs_session_fits(const struct hvs_suite *s, size_t n, int rounds, char *err, size_t errlen);

/* Progress and warnings of a run; either may be NULL. */
struct hvs_session_hooks {
	/* before benchmark i of n measured in this process (i == n: the end) */
	void (*start)(void *arg, const struct hvs_bench *b, size_t i, size_t n);
	/* an environment check's warning, or the steal seen while measuring */
	void (*warn)(void *arg, const char *msg);
	void *arg;
};

/* Which step of hvs_session_run() failed. */
enum hvs_session_step {
	HVS_SESSION_OK = 0,
	HVS_SESSION_TAGS,    /* a bad --tag: -HVS_EUSAGE */
	HVS_SESSION_MEASURE, /* a fresh process died, out of memory, ... */
	HVS_SESSION_WRITE,   /* the result file: -EACCES, -EPERM or -EIO (hvs_write_errno) */
};

/* A run's result: written to path, and what goes into the history with it. */
struct hvs_session {
	struct hvs_run_info info; /* context_json malloc'd */
	struct hvs_metrics set;
	char host[128], hyp[128];
	const char *path;         /* the result file ("-": stdout): out, or pathbuf */
	char pathbuf[4200];
	enum hvs_session_step failed;
};

/*
 * A whole run: the environment checks (unless no_checks; signals stop the
 * children from here on), the measuring of v[0..n) in s->processes fresh
 * processes (or in this one, in a shuffled order), the metrics in registry
 * order, the context after, and the result file at out (NULL:
 * hvscope-RUNID.json), written through a temp name or not at all. argc,
 * argv are the command line recorded. Returns 0 or -errno with one line
 * in err and r->failed saying where; free r with hvs_session_free() either
 * way.
 */
int hvs_session_run(const struct hvs_run_request *q, const struct hvs_suite *s, const struct hvs_bench **v,
		    size_t n, int argc, char **argv, const char *out, const struct hvs_session_hooks *h,
		    struct hvs_session *r, char *err, size_t errlen);

void hvs_session_free(struct hvs_session *r);

/*
 * A fresh process started by hvs_runner_processes(): v[0..n) in the order
 * order_seed gives, into the result file out. Returns 0 or -errno.
 */
int hvs_session_child(const struct hvs_suite *s, const struct hvs_bench **v, size_t n, unsigned order_seed,
		      const char *out, const struct hvs_session_hooks *h);

/*
 * --db: the run into the history (SQLite file or PostgreSQL conninfo), with
 * its digest. Returns 0 or -errno with one line in err.
 */
int hvs_session_record(const char *db, const struct hvs_run_info *info, const struct hvs_metrics *set,
		       const char *host, const char *hyp, char *err, size_t errlen);

#endif
