/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * options.h - a command's options as data: one table per command gives
 * getopt_long's table, the range checks, the --help text and the shell
 * completion (cmd_completion.c). Ideas from kvmtool's parse_options
 * (OPT_BOOLEAN/OPT_STRING + usage_with_options) and fio's struct fio_option
 * (range, default and help as data); the code is ours.
 *
 * Each entry says where its value lands as an offset into the command's own
 * argument struct (HVS_OPT_AT), so the table can be a file-scope constant
 * that the completion generator reads too.
 */
#ifndef HVS_CLI_OPTIONS_H
#define HVS_CLI_OPTIONS_H

#include "analysis/compare.h"
#include "core/hvs_limits.h"

#include <stddef.h>
#include <stdio.h>

enum hvs_opt_kind {
	HVS_OPT_END = 0,
	HVS_OPT_FLAG,    /* no argument: stores .val (1 unless given) into an int */
	HVS_OPT_INT,     /* whole number in .lim's range: int/unsigned (4 bytes) or 64-bit */
	HVS_OPT_DOUBLE,  /* decimal number in .lim's range */
	HVS_OPT_STRING,  /* const char * (the last one given wins) */
	HVS_OPT_PATH,    /* like STRING; completes file names */
	HVS_OPT_ENUM,    /* one of .choices: stores its index into an int */
	HVS_OPT_OPERAND, /* not an option: a help line for the operands (NAME...) */
};

/*
 * A custom check/store for an argument a kind cannot express (a CPU pair,
 * "host" or kHz, repeatable tags). dst points at the entry's field. Returns
 * 0, or -EINVAL/-ERANGE with a short reason in why ("wants two different
 * CPU numbers A,B").
 */
typedef int (*hvs_opt_fn)(void *dst, const char *arg, char *why, size_t whylen);

#define HVS_OPT_HIDDEN 0x1   /* internal: not in --help, not completed */
#define HVS_OPT_REQUIRED 0x2 /* the command cannot run without it */
#define HVS_OPT_UNLISTED 0x4 /* only in the synopsis: no line of its own in --help */

struct hvs_opt {
	enum hvs_opt_kind kind;
	const char *name;  /* long name, without "--" ("samples"); operand: its metavariable */
	int letter;        /* short option letter, 0 for none */
	const char *arg;   /* metavariable in the help ("FILE", "N"); NULL for a flag */
	size_t off, size;  /* where the value lands: HVS_OPT_AT(struct, field) */
	int lim;           /* INT/DOUBLE: enum hvs_lim + 1 (HVS_OPT_LIM(x)); 0 = any */
	int val;           /* FLAG: the value stored */
	const char *const *choices; /* ENUM: NULL-terminated */
	const char *def;   /* default, parsed like the argument before argv is; NULL: the struct's */
	hvs_opt_fn fn;     /* custom check/store (STRING kinds) */
	unsigned flags;    /* HVS_OPT_HIDDEN, HVS_OPT_REQUIRED, HVS_OPT_UNLISTED */
	const char *help;  /* help text; '\n' starts a continuation line at the help column */
};

#define HVS_OPT_AT(type, field) offsetof(type, field), sizeof(((type *)0)->field)
#define HVS_OPT_LIM(l) ((int)(l) + 1)

/* A command: its synopsis and prose around the generated option lines. */
struct hvs_cmdopts {
	const char *name;  /* "detect" */
	const char *head;  /* "usage: ..." up to the option lines, verbatim */
	const char *tail;  /* after the option lines ("exit: ..."), verbatim; may be NULL */
	int col;           /* column where the help text of an option starts */
	int show_letters;  /* print "-v, --vm" rather than "--vm" */
	int align_long;    /* with show_letters: "    --db" under "-o, --out" for an option without a letter */
	const char *operands; /* what follows the options ("NAME..."); NULL: none allowed */
	int operand_files;    /* the operands are files (completion) */
	const char *operand_list; /* completion: `hvscope NAME THIS` lists the operands, one a line */
	const struct hvs_opt *opts; /* ends with { 0 } (HVS_OPT_END) */
};

/* A number macro as a string, for help texts: HVS_STR(HVS_ECHO_PORT) -> "7717". */
#define HVS_STR_(x) #x
#define HVS_STR(x) HVS_STR_(x)

/* hvs_opts_parse() returns this when the command should go on. */
#define HVS_OPTS_GO (-1)

/*
 * Parse argv into args (the command's argument struct, zeroed or preset by
 * the caller; entries with .def are set first). --help/-h print the help to
 * stdout and return HVS_EX_OK; a bad option, a missing or out-of-range
 * argument, a stray operand or a missing required option prints one line
 * on stderr ("CMD: ... (try 'hvscope CMD --help')") and returns
 * HVS_EX_USAGE. Otherwise HVS_OPTS_GO with *first set to the index of the
 * first operand.
 */
int hvs_opts_parse(const struct hvs_cmdopts *c, int argc, char **argv, void *args, int *first);

/* The --help text. */
void hvs_opts_usage(const struct hvs_cmdopts *c, FILE *f);

/* The one bad-usage line: "CMD: MSG (try 'hvscope CMD --help')". Returns HVS_EX_USAGE. */
int hvs_opts_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * A repeatable --metric-threshold NAME=X% (compare, regress): the .fn of an
 * entry whose field is a struct hvs_opt_thresholds.
 */
struct hvs_opt_thresholds {
	struct hvs_cmp_threshold v[64];
	size_t n;
};
int hvs_opt_metric_threshold(void *dst, const char *arg, char *why, size_t whylen);

/* The commands whose options are tables (completion, tests): X(name). */
#define HVS_OPT_COMMANDS(X) \
	X(version) X(bench) X(probe) X(detect) X(cpuid) X(run) X(ingest) X(kvm) X(guest) X(compare) \
	X(regress) X(report) X(completion)

#define HVS_DECLARE_OPTS(name) extern const struct hvs_cmdopts cmd_##name##_opts;
HVS_OPT_COMMANDS(HVS_DECLARE_OPTS)
#undef HVS_DECLARE_OPTS

#endif
