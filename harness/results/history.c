/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * history.c - the history's front door (see history.h, docs/history.md):
 * picks the backend from the --db string, splits the --context entries, and
 * calls the backend through its ops table (history_backend.h). SQLite is in
 * history_sqlite.c, PostgreSQL (libpq) in history_pg.c.
 */
#include "history_backend.h"
#include "core/hvs_features.h"
#include "core/hvscope.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hvs_history_err(char *err, size_t len, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return -code;
}

char *hvs_history_join_argv(const struct hvs_run_info *info)
{
	size_t len = 1;
	char *s, *p;

	for (int i = 0; i < info->argc; i++)
		len += strlen(info->argv[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	p = s;
	*p = '\0';
	for (int i = 0; i < info->argc; i++)
		p += sprintf(p, "%s%s", i ? " " : "", info->argv[i]);
	return s;
}

void hvs_history_reverse(struct hvs_hrun *v, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		struct hvs_hrun tmp = v[i];

		v[i] = v[n - 1 - i];
		v[n - 1 - i] = tmp;
	}
}

int hvs_history_is_conninfo(const char *db)
{
	size_t k;

	if (!strncmp(db, "postgresql://", 13) || !strncmp(db, "postgres://", 11))
		return 1;
	/* libpq's keyword=value form: a leading keyword, letters and '_' only. */
	k = strspn(db, "abcdefghijklmnopqrstuvwxyz_");
	return k > 0 && db[k] == '=';
}

int hvs_history_open(const char *db, struct hvs_history **out, char *err, size_t errlen)
{
	*out = NULL;
	if (hvs_history_is_conninfo(db))
		return hvs_history_pg_ops.open(db, out, err, errlen);
	return hvs_history_sqlite_ops.open(db, out, err, errlen);
}

void hvs_history_close(struct hvs_history *h)
{
	if (h)
		h->ops->close(h);
}

int hvs_history_add(struct hvs_history *h, const struct hvs_run_info *info,
		    const struct hvs_metrics *set, const char *host, const char *hypervisor,
		    const char *digest, int replace, int *dup, char *err, size_t errlen)
{
	*dup = HVS_HISTORY_ADDED;
	return h->ops->add(h, info, set, host, hypervisor, digest, replace, dup, err, errlen);
}

int hvs_history_add_result(struct hvs_history *h, const struct hvs_result *r, int replace,
			   int *dup, char *err, size_t errlen)
{
	return hvs_history_add(h, &r->info, &r->set, r->host, r->hypervisor, r->digest, replace,
			       dup, err, errlen);
}

int hvs_history_failed(int ret, const char *err)
{
	int code = ret < 0 ? hvs_errno_exit(-ret) : 0;

	return (code == HVS_EX_IO || code == HVS_EX_TIMEOUT || code == HVS_EX_NOPERM) &&
	       strncmp(err, "history:", 8) == 0;
}

void hvs_history_add_results(struct hvs_history *h, const struct hvs_result *const *r, size_t n,
			     int replace, int *dup, int *ret, char *err, size_t errlen)
{
	size_t k = 0;

	if (h->ops->add_many) {
		h->ops->add_many(h, r, n, replace, dup, ret, err, errlen);
		return;
	}
	for (; k < n; k++) {
		ret[k] = hvs_history_add_result(h, r[k], replace, &dup[k], err + k * errlen, errlen);
		if (hvs_history_failed(ret[k], err + k * errlen))
			break;
	}
	while (++k < n) /* after the database failed: not tried */
		ret[k] = 1;
}

int hvs_history_context_runs(struct hvs_history *h, const char *const *ctx_tags, size_t nctx,
			     size_t window, struct hvs_hrun **runs, size_t *n, char *err,
			     size_t errlen)
{
	struct hvs_history_ctx c = { 0 };
	char *buf[HVS_HISTORY_MAX_CTX] = { 0 };
	int ret;

	*runs = NULL;
	*n = 0;
	if (nctx > HVS_HISTORY_MAX_CTX)
		return hvs_history_err(err, errlen, HVS_EUSAGE, "at most %d context entries",
				       HVS_HISTORY_MAX_CTX);
	for (size_t i = 0; i < nctx; i++) {
		const char *eq = strchr(ctx_tags[i], '=');
		char *key;

		if (!eq) {
			c.name[c.nname++] = ctx_tags[i];
			continue;
		}
		key = buf[i] = strndup(ctx_tags[i], (size_t)(eq - ctx_tags[i]));
		if (!key) {
			ret = hvs_history_err(err, errlen, ENOMEM, "out of memory");
			goto out;
		}
		if (!key[0]) {
			ret = hvs_history_err(err, errlen, HVS_EUSAGE,
					      "context '%s': expected TAG or KEY=VALUE", ctx_tags[i]);
			goto out;
		}
		if (!strcmp(key, "host")) {
			c.host = eq + 1;
		} else if (!strcmp(key, "hypervisor")) {
			c.hypervisor = eq + 1;
		} else {
			c.pin_key[c.npin] = key;
			c.pin_val[c.npin++] = eq + 1;
			c.name[c.nname++] = key;
		}
	}
	ret = h->ops->context_runs(h, &c, window, runs, n, err, errlen);
out:
	for (size_t i = 0; i < nctx; i++)
		free(buf[i]);
	return ret;
}

int hvs_history_series(struct hvs_history *h, const struct hvs_hrun *runs, size_t n,
		       hvs_series_fn fn, void *arg, char *err, size_t errlen)
{
	if (n == 0)
		return 0;
	return h->ops->series(h, runs, n, fn, arg, err, errlen);
}
