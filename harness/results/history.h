/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * history.h - the run history: every result appended to a database (SQLite
 * on one machine, history_sqlite.c; the same tables in PostgreSQL for a
 * fleet, history_pg.c; see docs/history.md and docs/fleet.md). Tables:
 * runs, tags, contexts, metrics, samples, digests.
 *
 * Writers: one transaction per run, so several runners (SQLite: on one
 * machine; PostgreSQL: anywhere) can append at once and a crash (even
 * kill -9) leaves whole runs or nothing.
 *
 * Errors: -errno (like result.h) with a one-line message: -EBADMSG a
 * damaged database, -HVS_ESCHEMA not our tables or an empty history,
 * -ETIME busy, -EACCES, -EIO, -ENODEV no such backend built in,
 * -HVS_ECONFLICT, -HVS_EUSAGE a bad --context entry.
 */
#ifndef HVS_HISTORY_H
#define HVS_HISTORY_H

#include "result.h"

#include <stdint.h>

#define HVS_HISTORY_SCHEMA_VERSION 1

struct hvs_history;

/*
 * Is db a PostgreSQL connection string rather than an SQLite file path?
 * Yes when it begins with postgresql:// or postgres://, or with a libpq
 * keyword and '=' ("host=/run/pg dbname=hvs"): lower-case letters and '_'
 * then '='. Any other string is a path (write ./dbname=x for such a file).
 */
int hvs_history_is_conninfo(const char *db);

/*
 * Open db (creating the tables if needed): an SQLite file, or a PostgreSQL
 * database when hvs_history_is_conninfo(db). -ENODEV when built
 * without that backend (SQLite or libpq).
 */
int hvs_history_open(const char *db, struct hvs_history **out, char *err, size_t errlen);
void hvs_history_close(struct hvs_history *h);

/* What hvs_history_add() did with a run (*dup). */
enum {
	HVS_HISTORY_ADDED = 0,    /* a new run id */
	HVS_HISTORY_DUP = 1,      /* the id was there with the same content: nothing written */
	HVS_HISTORY_REPLACED = 2, /* the id was there with other content: replaced */
};

/*
 * Append one run in one transaction. host/hypervisor key the context;
 * digest (struct hvs_result.digest, hvs_result_digest(); NULL = unknown)
 * is kept with it. A run id already there with the same digest (or one
 * side without) is left alone (*dup = HVS_HISTORY_DUP); with another
 * digest it is -HVS_ECONFLICT, or with replace deleted and written anew
 * in the same transaction (HVS_HISTORY_REPLACED). Returns 0 or -errno.
 */
int hvs_history_add(struct hvs_history *h, const struct hvs_run_info *info,
		    const struct hvs_metrics *set, const char *host, const char *hypervisor,
		    const char *digest, int replace, int *dup, char *err, size_t errlen);

/* Same, for a result read from a file. */
int hvs_history_add_result(struct hvs_history *h, const struct hvs_result *r, int replace,
			   int *dup, char *err, size_t errlen);

/*
 * hvs_history_add_result for r[0..n), each run still its own transaction:
 * ret[k] (0 or -errno; 1: not tried, after the database failed), dup[k]
 * and the message at err + k * errlen for each. PostgreSQL sends them all
 * before reading the answers (pipeline mode: one round trip instead of n);
 * SQLite adds them one by one and stops where the database fails.
 */
/* A failure of the database itself (full disk, lost connection, locked, no
 * permission), not of one run: ingest stops there. */
int hvs_history_failed(int ret, const char *err);

#define HVS_HISTORY_BATCH 32 /* what ingest passes at a time */
void hvs_history_add_results(struct hvs_history *h, const struct hvs_result *const *r, size_t n,
			     int replace, int *dup, int *ret, char *err, size_t errlen);

/* One run of a context series, oldest first. */
struct hvs_hrun {
	int64_t id;
	char uid[64];
	char commit[48];
	char started[24];
};

/*
 * The newest run (by start time, then insertion) and up to window runs of
 * its context before and including it: same host, same hypervisor, and the
 * same value (or absence) for every tag named in ctx_tags[0..nctx). An
 * entry KEY=VALUE pins which run is the newest: host=NAME and
 * hypervisor=NAME the newest run of that host or hypervisor, any other KEY
 * the newest run whose tag KEY is VALUE (KEY is then also a shared tag);
 * `regress --context host=web1,config` judges web1's newest run in a fleet
 * history.
 * *runs (oldest first) is malloc'd. Returns 0 or -errno: -HVS_ESCHEMA
 * when the history is empty or no run matches a pin.
 */
int hvs_history_context_runs(struct hvs_history *h, const char *const *ctx_tags, size_t nctx,
			     size_t window, struct hvs_hrun **runs, size_t *n, char *err,
			     size_t errlen);

/*
 * Call fn once per metric of the newest run (runs[n-1]) with that metric's
 * per-run medians over runs[0..n) (NaN where a run lacks it or skipped it).
 * Memory: one series at a time. fn returns 0 to go on. Returns 0, fn's
 * non-zero value, or -errno.
 */
typedef int (*hvs_series_fn)(void *arg, const char *name, const char *unit,
			     enum hvs_direction dir, const double *medians, size_t n);
int hvs_history_series(struct hvs_history *h, const struct hvs_hrun *runs, size_t n,
		       hvs_series_fn fn, void *arg, char *err, size_t errlen);

#endif
