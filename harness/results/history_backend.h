/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * history_backend.h - what a history backend provides (private to
 * harness/results/history*.c). history.c picks the backend from the --db
 * string (hvs_history_is_conninfo()) and calls it through this table, so
 * callers never know which database they write.
 *
 * A backend's struct hvs_history starts with `const struct hvs_history_ops
 * *ops`; the rest is its own.
 */
#ifndef HVS_HISTORY_BACKEND_H
#define HVS_HISTORY_BACKEND_H

#include "history.h"

#include <stddef.h>

/*
 * The --context entries split (history.c): tag names the series must share
 * with the newest run, and KEY=VALUE pins choosing which run is "newest"
 * (host=, hypervisor= pin the columns, any other key a tag; a pinned tag is
 * also a shared name).
 */
#define HVS_HISTORY_MAX_CTX 32
struct hvs_history_ctx {
	const char *name[HVS_HISTORY_MAX_CTX];
	size_t nname;
	const char *host, *hypervisor; /* NULL: any */
	const char *pin_key[HVS_HISTORY_MAX_CTX], *pin_val[HVS_HISTORY_MAX_CTX];
	size_t npin;
};

struct hvs_history_ops {
	const char *name; /* "sqlite", "postgresql" */
	int (*open)(const char *spec, struct hvs_history **out, char *err, size_t errlen);
	void (*close)(struct hvs_history *h);
	int (*add)(struct hvs_history *h, const struct hvs_run_info *info,
		   const struct hvs_metrics *set, const char *host, const char *hypervisor,
		   const char *digest, int replace, int *dup, char *err, size_t errlen);
	/* Optional: n results in one go, each its own transaction as add would
	 * write it; ret[k], dup[k] and err + k * errlen for each. */
	void (*add_many)(struct hvs_history *h, const struct hvs_result *const *r, size_t n,
			 int replace, int *dup, int *ret, char *err, size_t errlen);
	int (*context_runs)(struct hvs_history *h, const struct hvs_history_ctx *ctx,
			    size_t window, struct hvs_hrun **runs, size_t *n, char *err,
			    size_t errlen);
	int (*series)(struct hvs_history *h, const struct hvs_hrun *runs, size_t n,
		      hvs_series_fn fn, void *arg, char *err, size_t errlen);
};

/* The common head of every backend's handle. */
struct hvs_history {
	const struct hvs_history_ops *ops;
};

extern const struct hvs_history_ops hvs_history_sqlite_ops;
extern const struct hvs_history_ops hvs_history_pg_ops;

/* Format into err and return -code (code: a positive errno). */
int hvs_history_err(char *err, size_t len, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* info->argv joined by blanks (malloc'd; NULL when out of memory). */
char *hvs_history_join_argv(const struct hvs_run_info *info);

/* Reverse runs[0..n) in place (the queries read newest first). */
void hvs_history_reverse(struct hvs_hrun *v, size_t n);

#endif
