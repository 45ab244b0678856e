/*
 * suite.c - parse suites.conf and resolve benchmark selectors.
 */
#include "suite.h"
#include "hvscope.h"

#include <errno.h>
#include <fnmatch.h>
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

int hvs_suite_find(const char *conf, const char *name, struct hvs_suite *out, char *err,
		   size_t errlen)
{
	char *text = strdup(conf), *line, *save = NULL, known[256] = "";
	int lineno = 0, in = 0, found = 0, ret = 0;

	if (!text)
		return -HVS_EX_INTERNAL;
	memset(out, 0, sizeof(*out));
	out->samples = 31;
	out->min_sample_ms = 1;
	out->budget_s = 5;
	out->processes = 1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *s = trim(line), *eq, *k, *v, *end;

		lineno++;
		if (!*s || *s == '#')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');

			if (!close || close[1]) {
				snprintf(err, errlen, "suites line %d: bad section header", lineno);
				ret = -HVS_EX_PARSE;
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
			snprintf(err, errlen, "suites line %d: expected key = value", lineno);
			ret = -HVS_EX_PARSE;
			goto out;
		}
		*eq = '\0';
		k = trim(s);
		v = trim(eq + 1);
		if (!in)
			continue;
		errno = 0;
		if (!strcmp(k, "select")) {
			hvs_strlcpy(out->select, v, sizeof(out->select));
			continue;
		} else if (!strcmp(k, "samples")) {
			out->samples = (unsigned)strtoul(v, &end, 10);
		} else if (!strcmp(k, "min_sample_ms")) {
			out->min_sample_ms = strtod(v, &end);
		} else if (!strcmp(k, "budget_s")) {
			out->budget_s = strtod(v, &end);
		} else if (!strcmp(k, "processes")) {
			out->processes = (int)strtol(v, &end, 10);
		} else if (!strcmp(k, "quick")) {
			out->quick = (int)strtol(v, &end, 10);
		} else {
			snprintf(err, errlen, "suites line %d: unknown key '%s'", lineno, k);
			ret = -HVS_EX_PARSE;
			goto out;
		}
		if (*end || errno || end == v) {
			snprintf(err, errlen, "suites line %d: bad value for '%s'", lineno, k);
			ret = -HVS_EX_PARSE;
			goto out;
		}
	}
	if (!found) {
		snprintf(err, errlen, "no suite '%s' (known: %s)", name, known);
		ret = -HVS_EX_USAGE;
	} else if (out->samples < 2 || out->processes < 1 || out->processes > 1000 ||
		   !(out->min_sample_ms > 0) || !(out->budget_s > 0)) {
		snprintf(err, errlen, "suite '%s': samples >= 2, processes 1..1000, positive times", name);
		ret = -HVS_EX_PARSE;
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
		ret = -HVS_EX_INTERNAL;
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
			ret = -HVS_EX_USAGE;
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
