/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rounds.h - randomized interleaved rounds (Abedi & Brecht, "Conducting
 * Repeatable Experiments in Highly Variable Cloud Computing Environments",
 * ICPE 2017) for `hvscope run --rounds N [--side NAME=SPEC]...`: each round
 * runs every side once, in an order shuffled per round (seeded, recorded),
 * so the sides of a round share the host's moment; each round of each side
 * is one whole `hvscope run` (a fresh process tree) writing DIR/NAME.K.json.
 *
 * A side is whatever a command can switch:
 *   NAME=            this hvscope, nothing switched (an A/A check)
 *   NAME=CMD         the hook CMD (sh -c) first, then this hvscope: a module
 *                    parameter, a sysctl, a CPU governor
 *   NAME=exec:PATH   another hvscope binary runs the round (two builds)
 *   NAME=cmd:CMD     CMD (sh -c) runs the whole round and writes the result
 *                    file to $HVS_OUT: a guest, a remote host
 * Hooks and commands get HVS_SIDE, HVS_ROUND, HVS_OUT and HVS_RUN_ARGS (the
 * run's selection options, shell-quoted) in their environment; their
 * output and the round's go to DIR/NAME.K.log.
 *
 * Adaptive precision: with a judge hook, after each round from the third
 * the hook sees every round's metric set (the caller asks
 * analysis/precision.h how wide each CI is: run/ sits below analysis/) and
 * says whether the target is met; the rounds stop then, or when the next
 * round would end past the time budget.
 */
#ifndef HVS_ROUNDS_H
#define HVS_ROUNDS_H

#include "core/jsonw.h"
#include "core/metric.h"

#include <stddef.h>
#include <stdint.h>

#define HVS_ROUNDS_MAX 64 /* = compare's runs a side */
#define HVS_ROUNDS_MAX_SIDES 8
#define HVS_ROUNDS_MIN_TARGET 3 /* rounds before the precision is first judged */

enum hvs_side_kind {
	HVS_SIDE_SELF = 0, /* this hvscope */
	HVS_SIDE_HOOK,     /* sh -c arg, then this hvscope */
	HVS_SIDE_EXEC,     /* arg is another hvscope binary */
	HVS_SIDE_CMD,      /* sh -c arg writes $HVS_OUT */
};

struct hvs_round_side {
	char name[32]; /* [A-Za-z0-9_-] */
	enum hvs_side_kind kind;
	char arg[1024];
};

/* Parse "NAME=SPEC" (above). Returns 0 or -EINVAL with why. */
int hvs_round_side_parse(const char *spec, struct hvs_round_side *s, char *why, size_t whylen);

const char *hvs_side_kind_name(enum hvs_side_kind k);

enum hvs_rounds_stop {
	HVS_STOP_ROUNDS = 0, /* all max_rounds ran */
	HVS_STOP_TARGET,     /* every metric within the target */
	HVS_STOP_BUDGET,     /* the next round would end past the budget */
};

struct hvs_rounds {
	/* in */
	struct hvs_round_side side[HVS_ROUNDS_MAX_SIDES];
	int nsides;            /* >= 1 (the first is the baseline) */
	int max_rounds;        /* 1..HVS_ROUNDS_MAX */
	const char *dir;       /* exists */
	const char *self;      /* this hvscope's path */
	char *const *run_args; /* the selection options for `hvscope run` */
	int nrun_args;
	uint64_t seed;
	/*
	 * After each round from HVS_ROUNDS_MIN_TARGET on (NULL: never): sets[s
	 * * k + q] is side s's round q. Returns 1 precise enough (stop), 0 go
	 * on, -errno.
	 */
	int (*judge)(void *arg, const struct hvs_metrics *const *sets, int nsides, int k);
	void (*plan_extra)(void *arg, struct hvs_jw *w); /* more members of rounds.json; may be NULL */
	void *judge_arg;
	double budget_s;       /* with judge: the time budget */
	int quiet;             /* no progress lines on stderr */
	/* out */
	int done;                                      /* rounds completed */
	unsigned char order[HVS_ROUNDS_MAX][HVS_ROUNDS_MAX_SIDES]; /* side index by position */
	double round_s[HVS_ROUNDS_MAX];
	enum hvs_rounds_stop stop;
	double seconds;
	int judged;                /* the judge ran at least once */
	int failed_side, failed_round, failed_status; /* when a round failed */
};

/*
 * Run the rounds. Returns 0, or -ECHILD (a hook or round failed: failed_*
 * and err say which), -errno (with err). A signal stops the running child
 * (core/cleanup.h); the files written so far stay.
 */
int hvs_rounds_run(struct hvs_rounds *r, char *err, size_t errlen);

/* DIR/NAME.K.json (K from 1) into buf. */
void hvs_rounds_path(const struct hvs_rounds *r, int side, int round, char *buf, size_t len);

/* DIR/rounds.json: the sides, seed, each round's order and time, the stop, plan_extra's. 0 or -errno. */
int hvs_rounds_write_plan(const struct hvs_rounds *r);

const char *hvs_rounds_stop_name(enum hvs_rounds_stop s);

#endif
