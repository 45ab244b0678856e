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
 * Adaptive precision (target > 0): after each round from min_rounds on,
 * every metric's CI half-width is computed - with two or more sides the
 * paired compare's simultaneous CI of each side's ratio to the first
 * (analysis/compare.c), with one side the simultaneous t interval of the
 * mean of its round locations - and the rounds stop when all are within
 * target, or when the next round would end past the time budget. The
 * metrics left wider are named with why: two states, drifting (a trend
 * over the rounds), or noisy (the round-to-round spread).
 */
#ifndef HVS_ROUNDS_H
#define HVS_ROUNDS_H

#include "analysis/compare.h"

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

/* A metric whose CI half-width stayed above the target. */
struct hvs_round_wide {
	char name[HVS_METRIC_NAME_MAX];
	double halfwidth; /* relative: 0.04 = +-4% */
	char why[128];    /* "two states (...)", "drifting: +1.2% per round", "noisy: ..." */
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
	double target;         /* CI half-width goal (0.02 = 2%), 0 = none */
	double budget_s;       /* with target: time budget */
	struct hvs_cmp_opts cmp;
	int quiet;             /* no progress lines on stderr */
	/* out */
	int done;                                      /* rounds completed */
	unsigned char order[HVS_ROUNDS_MAX][HVS_ROUNDS_MAX_SIDES]; /* side index by position */
	double round_s[HVS_ROUNDS_MAX];
	enum hvs_rounds_stop stop;
	double seconds;
	int judged;                /* the precision was judged (target > 0, enough rounds) */
	struct hvs_round_wide *wide; /* malloc'd */
	size_t nwide, nmetrics;      /* wider than target, of nmetrics judged */
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

/* DIR/rounds.json: the sides, seed, each round's order and time, the stop, the wide metrics. 0 or -errno. */
int hvs_rounds_write_plan(const struct hvs_rounds *r);

void hvs_rounds_free(struct hvs_rounds *r);

const char *hvs_rounds_stop_name(enum hvs_rounds_stop s);

#endif
