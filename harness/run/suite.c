/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * suite.c - parse suites.conf and resolve benchmark selectors. Numeric
 * keys are range-checked with hvs_limits.h (the same ranges as run's
 * options); errors are one line, "FILE:LINE: what".
 */
#include "suite.h"
#include "core/hvs_limits.h"
#include "core/hvscope.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char builtin[] =
#include "suites_conf.h"
	;

const char *hvs_suites_builtin(void)
{
	return builtin;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* "FILE:LINE: " in front of what went wrong. */
static int serr(char *err, size_t errlen, int code, const char *file, int line, const char *fmt,
		...) __attribute__((format(printf, 6, 7)));
static int serr(char *err, size_t errlen, int code, const char *file, int line, const char *fmt,
		...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s:%d: ", file, line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -code;
}

/* The numeric keys of a suite, each with its range in hvs_limits.h. */
static const struct {
	const char *key;
	enum hvs_lim lim;
} num_keys[] = {
	{ "samples", HVS_LIM_SAMPLES },
	{ "processes", HVS_LIM_PROCESSES },
	{ "min_sample_ms", HVS_LIM_MIN_SAMPLE_MS },
	{ "budget_s", HVS_LIM_BUDGET_S },
	{ "quick", HVS_LIM_QUICK },
};

static void set_num(struct hvs_suite *s, enum hvs_lim l, double v)
{
	switch (l) {
	case HVS_LIM_SAMPLES: s->samples = (unsigned)v; break;
	case HVS_LIM_PROCESSES: s->processes = (int)v; break;
	case HVS_LIM_MIN_SAMPLE_MS: s->min_sample_ms = v; break;
	case HVS_LIM_BUDGET_S: s->budget_s = v; break;
	default: s->quick = (int)v; break;
	}
}

/* key = v of the suite being read. 0 or -errno (-HVS_ESCHEMA, -EBADMSG) with err set. */
static int suite_key(struct hvs_suite *s, const char *k, const char *v, const char *file,
		     int line, char *err, size_t errlen)
{
	char why[160];
	double x;

	if (!strcmp(k, "select")) {
		hvs_strlcpy(s->select, v, sizeof(s->select));
		return 0;
	}
	for (size_t i = 0; i < HVS_ARRAY_SIZE(num_keys); i++) {
		if (strcmp(k, num_keys[i].key))
			continue;
		if (hvs_limit_parse(num_keys[i].lim, k, v, &x, why, sizeof(why)))
			return serr(err, errlen, HVS_ESCHEMA, file, line, "%s", why);
		set_num(s, num_keys[i].lim, x);
		return 0;
	}
	return serr(err, errlen, EBADMSG, file, line, "unknown key '%.40s'", k);
}

int hvs_suite_find(const char *conf, const char *file, const char *name, struct hvs_suite *out,
		   char *err, size_t errlen)
{
	char *text = strdup(conf), *line, known[256] = "";
	struct hvs_suite other; /* the keys of other suites are checked too */
	int lineno = 0, in = 0, found = 0, ret = 0;

	if (!text)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	out->samples = 31;
	out->min_sample_ms = 1;
	out->budget_s = 5;
	out->processes = 1;
	/* strsep, not strtok: empty lines count, so line numbers are right. */
	for (char *rest = text; (line = strsep(&rest, "\n"));) {
		char *s = trim(line), *eq, *k, *v;

		lineno++;
		if (!*s || *s == '#')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');

			if (!close || close[1]) {
				ret = serr(err, errlen, EBADMSG, file, lineno, "bad section header");
				goto out;
			}
			*close = '\0';
			in = !strcmp(s + 1, name);
			found |= in;
			if (in)
				hvs_strlcpy(out->name, s + 1, sizeof(out->name));
			if (strlen(known) + strlen(s + 1) + 2 < sizeof(known))
				snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s",
					 known[0] ? ", " : "", s + 1);
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			ret = serr(err, errlen, EBADMSG, file, lineno, "expected key = value");
			goto out;
		}
		*eq = '\0';
		k = trim(s);
		v = trim(eq + 1);
		if ((ret = suite_key(in ? out : &other, k, v, file, lineno, err, errlen)))
			goto out;
	}
	if (!found) {
		snprintf(err, errlen, "no suite '%s' (known: %s)", name, known);
		ret = -ENOENT;
	}
out:
	free(text);
	return ret;
}

static int matches(const struct hvs_bench *b, const char *sel)
{
	if (!strcmp(sel, "all"))
		return 1;
	if (!strncmp(sel, "set:", 4)) {
		const char *s = sel + 4;
		unsigned bit = !strcmp(s, "quick") ? HVS_SET_QUICK :
			       !strcmp(s, "default") ? HVS_SET_DEFAULT :
			       !strcmp(s, "full") ? HVS_SET_FULL : 0;

		return (b->sets & bit) != 0;
	}
	if (!strncmp(sel, "class:", 6))
		return !strcmp(b->klass, sel + 6);
	return !fnmatch(sel, b->name, 0);
}

int hvs_suite_select(const char *selectors, const struct hvs_bench ***out, size_t *n, char *err,
		     size_t errlen)
{
	size_t nall, cnt = 0;
	const struct hvs_bench *const *all = hvs_bench_all(&nall);
	char *text = strdup(selectors), *tok, *save = NULL;
	unsigned char *on = calloc(nall + 1, 1);
	const struct hvs_bench **v = calloc(nall + 1, sizeof(*v));
	int ret = 0;

	*out = NULL;
	*n = 0;
	if (!text || !on || !v) {
		ret = -ENOMEM;
		goto out;
	}
	for (tok = strtok_r(text, " ,\t", &save); tok; tok = strtok_r(NULL, " ,\t", &save)) {
		int neg = tok[0] == '-', any = 0;
		const char *sel = tok + neg;

		for (size_t i = 0; i < nall; i++)
			if (matches(all[i], sel)) {
				on[i] = !neg;
				any = 1;
			}
		/* A name that matches nothing is a typo; an empty set/class is not. */
		if (!any && strncmp(sel, "set:", 4) && strncmp(sel, "class:", 6)) {
			snprintf(err, errlen, "no benchmark matches '%s' (see hvscope bench --list)", sel);
			ret = -ENOENT;
			goto out;
		}
	}
	for (size_t i = 0; i < nall; i++)
		if (on[i])
			v[cnt++] = all[i];
	*out = v;
	*n = cnt;
	v = NULL;
out:
	free(text);
	free(on);
	free(v);
	return ret;
}
