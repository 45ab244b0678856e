/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sides.h - `hvscope run --rounds N [--side NAME=SPEC]... [--target-ci P%]`
 * without its command line, on top of rounds.h: the rounds' directory
 * (default hvscope-rounds-RUNID), the selection options every round's
 * `hvscope run` gets, the seed, this binary's path; the rounds run with
 * the context around them (one side) and DIR/rounds.json; then either
 * one side's rounds merged into DIR/merged.json (each round one
 * "process", session.h's result) or, with sides, the round files of each
 * side and the first handed to the caller's judge (cli/paired.c's
 * `compare` sits above this floor, as analysis/precision.h does for
 * --target-ci's judge hook in struct hvs_rounds).
 *
 * Nothing here prints to stdout; the rounds' progress goes to stderr as
 * rounds.c writes it. Errors are -errno with one line in err.
 */
#ifndef HVS_SIDES_H
#define HVS_SIDES_H

#include "results/context.h"
#include "results/result.h"
#include "run/rounds.h"
#include "run/session.h"

#include <stddef.h>

struct hvs_sides {
	/*
	 * The rounds, set up by hvs_sides_prepare(); the caller may then set
	 * judge, plan_extra, judge_arg and budget_s (--target-ci).
	 */
	struct hvs_rounds r;
	int plan_unwritten; /* out: DIR/rounds.json could not be written */
	/* private: what r points into, and the context of one side's rounds */
	char *args[2 * HVS_MAX_TAGS + 16];
	char pbuf[16], sbuf[16], dir[256], self[4096];
	struct hvs_context c;
	int have_context;
};

/*
 * Set up the rounds of nsides sides side[] (none: one side, "run", this
 * hvscope), at most rounds of them (0: HVS_ROUNDS_MAX), in the directory
 * out (NULL: hvscope-rounds-RUNID; made if missing), ordered by seed
 * (unless seed_set, one from the clock), each round's `hvscope run` getting
 * q's selection options and tags. Returns 0, -HVS_EUSAGE (a bad --tag:
 * refused before the first round) or -errno (the directory), with one
 * line in err.
 */
int hvs_sides_prepare(struct hvs_sides *sd, const struct hvs_run_request *q, const struct hvs_round_side *side,
		      int nsides, int rounds, const char *out, unsigned seed, int seed_set, char *err,
		      size_t errlen);

/*
 * Run the rounds (hvs_rounds_run; a signal stops the running child), then
 * write DIR/rounds.json (plan_unwritten when that failed). With one side
 * the context (s->quick's check time) is taken around the rounds for
 * hvs_sides_merge(). Returns 0 or hvs_rounds_run()'s -errno with err.
 */
int hvs_sides_run(struct hvs_sides *sd, const struct hvs_suite *s, char *err, size_t errlen);

/*
 * One side: its rounds pooled into DIR/merged.json (a round's samples one
 * process; the rounds' medians are the process medians), metrics in the
 * order of v[0..nb), q's tags and "rounds=K,side=NAME", argc/argv the
 * command line recorded; into *out (free with hvs_session_free()).
 * Returns 0 or -errno: a round file that does not read back (-EIO), out of
 * memory (err may be empty), or the write (-EACCES, -EPERM, -EIO).
 */
int hvs_sides_merge(struct hvs_sides *sd, const struct hvs_run_request *q, const struct hvs_suite *s,
		    const struct hvs_bench *const *v, size_t nb, int argc, char **argv, struct hvs_session *out,
		    char *err, size_t errlen);

/*
 * Sides: for each side after the first, its round files and the first's,
 * round k of one beside round k of the other, handed to judge (base[k],
 * other[k], k < n = rounds done). Returns 0 or -ENOMEM.
 */
typedef void hvs_sides_judge_fn(void *arg, int side, const char *const *base, const char *const *other,
				size_t n);
int hvs_sides_each(const struct hvs_sides *sd, hvs_sides_judge_fn *judge, void *arg);

void hvs_sides_free(struct hvs_sides *sd);

#endif
