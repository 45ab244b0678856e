/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * options.c - the option tables of harness/cli/options.h: every kind stores
 * where its entry says (flag value, int of 4 and 8 bytes, double, string,
 * enum index, custom function), defaults are applied first, ranges come
 * from hvs_limits, a required option, a stray operand, an unknown option
 * and a missing argument are one usage error each (exit 2), --help is
 * exit 0, and the help lines are padded to the table's column; percent
 * and open-ended ranges, the repeatable --metric-threshold, and long
 * options aligned under lettered ones (align_long).
 */
#include "cli/options.h"
#include "core/hvscope.h"
#include "tap.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct args {
	int flag, pick, color;
	unsigned samples;
	uint64_t big;
	double secs;
	const char *name, *file;
	int evens;
};

static int even(void *dst, const char *arg, char *why, size_t len)
{
	int v = atoi(arg);

	if (v % 2) {
		snprintf(why, len, "wants an even number");
		return -EINVAL;
	}
	*(int *)dst = v;
	return 0;
}

static const char *const colors[] = { "red", "green", "blue", NULL };

#define AT(f) HVS_OPT_AT(struct args, f)
static const struct hvs_cmdopts spec = {
	.name = "demo",
	.head = "usage: hvscope demo\n\n",
	.tail = "exit: 0\n",
	.col = 16,
	.show_letters = 1,
	.opts = (const struct hvs_opt[]){
		{ HVS_OPT_FLAG, "flag", 'f', NULL, AT(flag), .help = "a flag" },
		{ HVS_OPT_FLAG, "second", 0, NULL, AT(pick), .val = 7, .help = "stores 7" },
		{ HVS_OPT_INT, "samples", 0, "N", AT(samples), HVS_OPT_LIM(HVS_LIM_SAMPLES), .def = "41",
		  .help = "two lines\nof help" },
		{ HVS_OPT_INT, "big", 0, "N", AT(big), .help = "64 bits" },
		{ HVS_OPT_DOUBLE, "seconds", 0, "S", AT(secs), HVS_OPT_LIM(HVS_LIM_BUDGET_S), .help = "s" },
		{ HVS_OPT_STRING, "name", 'n', "NAME", AT(name), .flags = HVS_OPT_REQUIRED, .help = "n" },
		{ HVS_OPT_PATH, "file-with-a-long-name", 0, "FILE", AT(file), .help = "overflows the column" },
		{ HVS_OPT_ENUM, "color", 0, "C", AT(color), .choices = colors, .help = "c" },
		{ HVS_OPT_STRING, "even", 0, "N", AT(evens), .fn = even, .help = "e" },
		{ HVS_OPT_STRING, "secret", 0, "X", AT(name), .flags = HVS_OPT_HIDDEN },
		{ 0 } },
};

/* Parse a NULL-terminated argument list; stderr to /dev/null. */
static int run(struct args *a, int *first, ...)
{
	char *argv[32] = { "demo" };
	int argc = 1, rc, saved = dup(2);
	va_list ap;
	FILE *null = fopen("/dev/null", "w");

	va_start(ap, first);
	for (char *s; (s = va_arg(ap, char *));)
		argv[argc++] = s;
	va_end(ap);
	memset(a, 0, sizeof(*a));
	fflush(stderr);
	dup2(fileno(null), 2);
	rc = hvs_opts_parse(&spec, argc, argv, a, first);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	fclose(null);
	return rc;
}

int main(void)
{
	struct args a;
	int first = -1;
	char *help = NULL;
	size_t len = 0;
	FILE *m;

	is_int(run(&a, &first, "-f", "--second", "--samples", "9", "--big", "5000000000", "--seconds", "0.5",
		   "-n", "x", "--color", "blue", "--even", "4", (char *)NULL),
	       HVS_OPTS_GO, "every kind parses");
	ok(a.flag == 1 && a.pick == 7 && a.samples == 9 && a.big == 5000000000ull && a.secs == 0.5 &&
		   !strcmp(a.name, "x") && a.color == 2 && a.evens == 4,
	   "each value lands in its field");
	is_int(run(&a, &first, "-n", "x", (char *)NULL), HVS_OPTS_GO, "only the required one");
	is_int((int)a.samples, 41, "the default applies");
	is_int(run(&a, &first, "--samples", "1", "-n", "x", (char *)NULL), HVS_EX_USAGE,
	       "below hvs_limits' range: usage");
	is_int(run(&a, &first, "--samples", "5x", "-n", "x", (char *)NULL), HVS_EX_USAGE, "not a number: usage");
	is_int(run(&a, &first, "--color", "pink", "-n", "x", (char *)NULL), HVS_EX_USAGE, "not a choice: usage");
	is_int(run(&a, &first, "--even", "3", "-n", "x", (char *)NULL), HVS_EX_USAGE, "custom check refuses");
	is_int(run(&a, &first, (char *)NULL), HVS_EX_USAGE, "required option missing: usage");
	is_int(run(&a, &first, "-n", "x", "stray", (char *)NULL), HVS_EX_USAGE, "an operand where none is allowed");
	is_int(run(&a, &first, "-n", "x", "--nope", (char *)NULL), HVS_EX_USAGE, "unknown option");
	is_int(run(&a, &first, "-n", "x", "-z", (char *)NULL), HVS_EX_USAGE, "unknown letter");
	is_int(run(&a, &first, "-n", (char *)NULL), HVS_EX_USAGE, "missing argument");
	is_int(run(&a, &first, "--secret", "s", (char *)NULL), HVS_EX_USAGE, "a hidden option parses (name still required)");

	m = open_memstream(&help, &len);
	hvs_opts_usage(&spec, m);
	fclose(m);
	ok(strstr(help, "\n  -f, --flag    a flag\n") != NULL, "a letter and the help at column 16");
	ok(strstr(help, "\n  --samples N   two lines\n                of help\n") != NULL,
	   "a continuation line starts at the column");
	ok(strstr(help, "\n  --file-with-a-long-name FILE  overflows the column\n") != NULL,
	   "a label past the column keeps two spaces");
	ok(!strstr(help, "secret"), "a hidden option is not in the help");
	ok(!strncmp(help, "usage: hvscope demo\n\n", 21) && strstr(help, "exit: 0\n"), "head and tail verbatim");
	free(help);

	{
		struct hvs_cmdopts aligned = spec;
		struct hvs_opt_thresholds t = { 0 };
		char why[200];
		double x = -1;

		aligned.align_long = 1;
		m = open_memstream(&help, &len);
		hvs_opts_usage(&aligned, m);
		fclose(m);
		ok(strstr(help, "\n  -f, --flag    a flag\n") && strstr(help, "\n      --second  stores 7\n"),
		   "align_long: a long-only option under the long names of lettered ones");
		free(help);

		ok(!hvs_limit_parse(HVS_LIM_FRACTION, "--threshold", "5%", &x, why, sizeof(why)) && x == 0.05,
		   "a percent limit takes 5%%");
		ok(!hvs_limit_parse(HVS_LIM_FRACTION, "--threshold", "0.02", &x, why, sizeof(why)) && x == 0.02,
		   "... and a plain fraction");
		ok(hvs_limit_parse(HVS_LIM_FRACTION, "--threshold", "100%", &x, why, sizeof(why)) == -ERANGE &&
			   strstr(why, "out of range [0%, 100%)"),
		   "100%% is past the open end, said as a percent range (%s)", why);
		ok(hvs_limit_parse(HVS_LIM_SAMPLES, "--samples", "5%", &x, why, sizeof(why)) == -EINVAL,
		   "a limit without the percent flag refuses 5%%");
		ok(hvs_limit_parse(HVS_LIM_ALPHA, "--alpha", "0", &x, why, sizeof(why)) == -ERANGE &&
			   hvs_limit_parse(HVS_LIM_ALPHA, "--alpha", "0.5", &x, why, sizeof(why)) == -ERANGE &&
			   strstr(why, "(0, 0.5)"),
		   "an open interval refuses both ends (%s)", why);
		ok(!hvs_limit_parse(HVS_LIM_ALPHA, "--alpha", "0.01", &x, why, sizeof(why)) && x == 0.01,
		   "... and takes what is inside");
		ok(!hvs_opt_metric_threshold(&t, "exit.*=10%", why, sizeof(why)) &&
			   !hvs_opt_metric_threshold(&t, "mm.fault=2%", why, sizeof(why)) && t.n == 2,
		   "--metric-threshold repeats");
		ok(hvs_opt_metric_threshold(&t, "nothing", why, sizeof(why)) == -EINVAL && t.n == 2,
		   "--metric-threshold without NAME= is refused (%s)", why);
		for (size_t i = t.n; i < HVS_ARRAY_SIZE(t.v); i++)
			hvs_opt_metric_threshold(&t, "x=1%", why, sizeof(why));
		ok(hvs_opt_metric_threshold(&t, "x=1%", why, sizeof(why)) == -ENOSPC && strstr(why, "at most 64"),
		   "one --metric-threshold too many is refused (%s)", why);
	}
	return done_testing();
}
