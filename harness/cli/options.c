/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * options.c - a command's option table (options.h) turned into
 * getopt_long's table, stored values with range checks, and the --help
 * text. Every bad command line of a converted command ends here, in one
 * style: one line on stderr, exit HVS_EX_USAGE.
 */
#include "options.h"
#include "core/hvscope.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OPTS 48
#define LONG_ONLY 256 /* getopt value of an entry without a letter: LONG_ONLY + index */

int hvs_opts_fail(const char *cmd, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hvs_err("%s: %s (try 'hvscope %s --help')", cmd, msg, cmd);
	return HVS_EX_USAGE;
}

int hvs_opt_metric_threshold(void *dst, const char *arg, char *why, size_t whylen)
{
	struct hvs_opt_thresholds *t = dst;
	int ret = hvs_parse_metric_threshold(arg, t->v, &t->n, HVS_ARRAY_SIZE(t->v));

	if (ret == -ENOSPC)
		snprintf(why, whylen, "at most %zu of them", HVS_ARRAY_SIZE(t->v));
	else if (ret)
		snprintf(why, whylen, "expected NAME=5%% (NAME a metric or glob, below 100%%)");
	return ret;
}

static void store_whole(void *dst, size_t size, double x)
{
	if (size == sizeof(uint64_t)) {
		if (x < 0) {
			int64_t v = (int64_t)x;

			memcpy(dst, &v, sizeof(v));
		} else {
			uint64_t v = (uint64_t)x;

			memcpy(dst, &v, sizeof(v));
		}
	} else if (x < 0) {
		int32_t v = (int32_t)x;

		memcpy(dst, &v, sizeof(v));
	} else {
		uint32_t v = (uint32_t)x;

		memcpy(dst, &v, sizeof(v));
	}
}

/* A number without a range in the table: any finite value of its kind. */
static int parse_any(const struct hvs_opt *o, const char *key, const char *v, double *x, char *why,
		     size_t len)
{
	char *end;

	errno = 0;
	*x = o->kind == HVS_OPT_INT ? (double)strtoll(v, &end, 10) : strtod(v, &end);
	if (end == v || *end) {
		snprintf(why, len, "%s = %.40s: not a%s number", key, v, o->kind == HVS_OPT_INT ? " whole" : "");
		return -EINVAL;
	}
	if (errno == ERANGE) {
		snprintf(why, len, "%s = %.40s: out of range", key, v);
		return -ERANGE;
	}
	return 0;
}

/* Check arg against entry o and store it into args. Returns 0 or -errno with why set. */
static int store(const struct hvs_opt *o, const char *arg, void *args, char *why, size_t len)
{
	void *dst = (char *)args + o->off;
	char key[64];
	double x;
	int ret;

	snprintf(key, sizeof(key), "--%s", o->name);
	if (o->fn) {
		char r[200] = "bad value";

		ret = o->fn(dst, arg, r, sizeof(r));
		if (ret)
			snprintf(why, len, "%s = %.40s: %s", key, arg, r);
		return ret;
	}
	switch (o->kind) {
	case HVS_OPT_FLAG:
		*(int *)dst = o->val ? o->val : 1;
		return 0;
	case HVS_OPT_INT:
	case HVS_OPT_DOUBLE:
		ret = o->lim ? hvs_limit_parse((enum hvs_lim)(o->lim - 1), key, arg, &x, why, len)
			     : parse_any(o, key, arg, &x, why, len);
		if (ret)
			return ret;
		if (o->kind == HVS_OPT_DOUBLE)
			*(double *)dst = x;
		else
			store_whole(dst, o->size, x);
		return 0;
	case HVS_OPT_STRING:
	case HVS_OPT_PATH:
		*(const char **)dst = arg;
		return 0;
	case HVS_OPT_ENUM: {
		size_t at = 0;

		for (int i = 0; o->choices[i]; i++) {
			if (!strcmp(o->choices[i], arg)) {
				*(int *)dst = i;
				return 0;
			}
		}
		at = (size_t)snprintf(why, len, "%s = %.40s: expected one of", key, arg);
		for (int i = 0; o->choices[i] && at < len; i++)
			at += (size_t)snprintf(why + at, len - at, "%s %s", i ? "," : "", o->choices[i]);
		return -EINVAL;
	}
	default:
		snprintf(why, len, "%s: not an option", key);
		return -EINVAL;
	}
}

static int takes_arg(const struct hvs_opt *o)
{
	return o->kind != HVS_OPT_FLAG;
}

int hvs_opts_parse(const struct hvs_cmdopts *c, int argc, char **argv, void *args, int *first)
{
	struct option lo[MAX_OPTS + 2];
	char shorts[2 * MAX_OPTS + 4] = ":", why[400];
	unsigned char seen[MAX_OPTS] = { 0 };
	size_t nlo = 0, ns = 1, n;
	int help_letter = 1, ch;

	for (n = 0; c->opts[n].kind != HVS_OPT_END; n++)
		if (c->opts[n].letter == 'h')
			help_letter = 0;
	if (n > MAX_OPTS) {
		hvs_err("%s: %zu options, over the %d the parser holds", c->name, n, MAX_OPTS);
		return HVS_EX_INTERNAL;
	}
	for (size_t i = 0; i < n; i++) {
		const struct hvs_opt *o = &c->opts[i];

		if (o->kind == HVS_OPT_OPERAND)
			continue;
		lo[nlo++] = (struct option){ o->name, takes_arg(o) ? required_argument : no_argument, NULL,
					     o->letter ? o->letter : LONG_ONLY + (int)i };
		if (o->letter) {
			shorts[ns++] = (char)o->letter;
			if (takes_arg(o))
				shorts[ns++] = ':';
		}
		if (o->def && store(o, o->def, args, why, sizeof(why))) {
			hvs_err("%s: default %s", c->name, why); /* a bug in the table */
			return HVS_EX_INTERNAL;
		}
	}
	lo[nlo++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[nlo] = (struct option){ NULL, 0, NULL, 0 };
	if (help_letter)
		shorts[ns++] = 'h';
	shorts[ns] = '\0';

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		size_t i;

		if (ch == 'h' && help_letter) {
			hvs_opts_usage(c, stdout);
			return HVS_EX_OK;
		}
		if (ch == ':')
			return hvs_opts_fail(c->name, "option '%s' needs an argument", argv[optind - 1]);
		for (i = 0; i < n; i++)
			if (c->opts[i].kind != HVS_OPT_OPERAND &&
			    (c->opts[i].letter ? c->opts[i].letter : LONG_ONLY + (int)i) == ch)
				break;
		if (ch == '?' || i == n) {
			if (optopt && optopt < LONG_ONLY && argv[optind - 1][0] == '-' && argv[optind - 1][1] != '-')
				return hvs_opts_fail(c->name, "bad option '-%c'", optopt);
			return hvs_opts_fail(c->name, "bad option '%s'", argv[optind - 1]);
		}
		if (store(&c->opts[i], optarg, args, why, sizeof(why)))
			return hvs_opts_fail(c->name, "%s", why);
		seen[i] = 1;
	}
	for (size_t i = 0; i < n; i++)
		if ((c->opts[i].flags & HVS_OPT_REQUIRED) && !seen[i])
			return hvs_opts_fail(c->name, "--%s %s is required", c->opts[i].name,
					     c->opts[i].arg ? c->opts[i].arg : "");
	if (!c->operands && optind < argc)
		return hvs_opts_fail(c->name, "unexpected argument '%s'", argv[optind]);
	if (first)
		*first = optind;
	return HVS_OPTS_GO;
}

void hvs_opts_usage(const struct hvs_cmdopts *c, FILE *f)
{
	fputs(c->head, f);
	for (const struct hvs_opt *o = c->opts; o->kind != HVS_OPT_END; o++) {
		char label[96];
		int len;

		if (o->flags & (HVS_OPT_HIDDEN | HVS_OPT_UNLISTED))
			continue;
		if (o->kind == HVS_OPT_OPERAND)
			len = snprintf(label, sizeof(label), "%s", o->name);
		else if (c->show_letters && o->letter)
			len = snprintf(label, sizeof(label), "-%c, --%s%s%s", o->letter, o->name,
				       o->arg ? " " : "", o->arg ? o->arg : "");
		else
			len = snprintf(label, sizeof(label), "%s--%s%s%s",
				       c->show_letters && c->align_long ? "    " : "", o->name, o->arg ? " " : "",
				       o->arg ? o->arg : "");
		/* Pad to the help column; a label too long for it keeps two spaces. */
		fprintf(f, "  %s%*s", label, 2 + len < c->col ? c->col - 2 - len : 2, "");
		for (const char *p = o->help; *p; p++) {
			fputc(*p, f);
			if (*p == '\n')
				fprintf(f, "%*s", c->col, "");
		}
		fputc('\n', f);
	}
	if (c->tail)
		fputs(c->tail, f);
}
