/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * history_sqlite.c - the SQLite history backend (see history.h,
 * history_backend.h and docs/history.md). The only file that includes
 * sqlite3.h. history_pg.c holds the same schema in PostgreSQL's types.
 */
#include "history_backend.h"
#include "core/hvs_features.h"
#include "core/hvscope.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define herr hvs_history_err

#if HAVE_SQLITE
#include <sqlite3.h>

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS runs (\n"
	"  id INTEGER PRIMARY KEY,\n" /* PostgreSQL: BIGINT GENERATED ALWAYS AS IDENTITY */
	"  run_uid TEXT NOT NULL UNIQUE,\n"
	"  started TEXT NOT NULL, finished TEXT NOT NULL,\n"
	"  hvscope_version TEXT NOT NULL, git_commit TEXT NOT NULL,\n"
	"  suite TEXT, processes INTEGER,\n"
	"  host TEXT NOT NULL, hypervisor TEXT NOT NULL,\n"
	"  command_line TEXT NOT NULL);\n"
	"CREATE INDEX IF NOT EXISTS runs_context ON runs (host, hypervisor, started);\n"
	"CREATE INDEX IF NOT EXISTS runs_started ON runs (started, id);\n" /* the newest run */
	"CREATE TABLE IF NOT EXISTS tags (\n"
	"  run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,\n"
	"  key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key));\n"
	"CREATE TABLE IF NOT EXISTS contexts (\n"
	"  run_id BIGINT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,\n"
	"  context_json TEXT NOT NULL);\n" /* PostgreSQL: JSONB */
	"CREATE TABLE IF NOT EXISTS metrics (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,\n"
	"  name TEXT NOT NULL, unit TEXT NOT NULL, class TEXT,\n"
	"  direction TEXT NOT NULL, outcome TEXT NOT NULL, flags INTEGER NOT NULL, reason TEXT,\n"
	"  iterations BIGINT, overhead DOUBLE PRECISION, n INTEGER,\n"
	"  median DOUBLE PRECISION, mean DOUBLE PRECISION, mad DOUBLE PRECISION,\n"
	"  min DOUBLE PRECISION, max DOUBLE PRECISION,\n"
	"  ci_lo DOUBLE PRECISION, ci_hi DOUBLE PRECISION, outliers INTEGER,\n"
	"  UNIQUE (run_id, name));\n"
	/* (run_id, name) serves both the join of regress and lookups by run. */
	"CREATE TABLE IF NOT EXISTS samples (\n"
	"  metric_id BIGINT NOT NULL REFERENCES metrics (id) ON DELETE CASCADE,\n"
	"  seq INTEGER NOT NULL, value DOUBLE PRECISION NOT NULL,\n"
	"  PRIMARY KEY (metric_id, seq)) WITHOUT ROWID;\n" /* SQLite: WITHOUT ROWID */
	/*
	 * The content digest of each run (result.h), added after version 1
	 * without changing it: older hvscope ignore the table, runs they add
	 * have no row here and are taken as the same content.
	 */
	"CREATE TABLE IF NOT EXISTS digests (\n"
	"  run_id BIGINT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,\n"
	"  sha256 TEXT NOT NULL);\n"
	"INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '1');\n";

enum { S_RUN, S_TAG, S_CTX, S_METRIC, S_SAMPLE, S_DUP, S_DIGEST, S_DELETE, S_NSTMT };

static const char *const stmt_sql[S_NSTMT] = {
	[S_RUN] = "INSERT INTO runs (run_uid, started, finished, hvscope_version, git_commit, "
		  "suite, processes, host, hypervisor, command_line) "
		  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[S_TAG] = "INSERT INTO tags (run_id, key, value) VALUES (?1, ?2, ?3)",
	[S_CTX] = "INSERT INTO contexts (run_id, context_json) VALUES (?1, ?2)",
	[S_METRIC] = "INSERT INTO metrics (run_id, name, unit, class, direction, outcome, flags, "
		     "reason, iterations, overhead, n, median, mean, mad, min, max, ci_lo, ci_hi, "
		     "outliers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
		     "?15, ?16, ?17, ?18, ?19)",
	[S_SAMPLE] = "INSERT INTO samples (metric_id, seq, value) VALUES (?1, ?2, ?3)",
	[S_DUP] = "SELECT r.id, d.sha256 FROM runs r LEFT JOIN digests d ON d.run_id = r.id "
		  "WHERE r.run_uid = ?1",
	[S_DIGEST] = "INSERT INTO digests (run_id, sha256) VALUES (?1, ?2)",
	[S_DELETE] = "DELETE FROM runs WHERE id = ?1", /* cascades to every table */
};

struct hist_sqlite {
	struct hvs_history base; /* first: history.c sees only this */
	sqlite3 *db;
	sqlite3_stmt *st[S_NSTMT];
};


static int dberr(struct hist_sqlite *h, char *err, size_t len, const char *what)
{
	int rc = sqlite3_extended_errcode(h->db);
	int code = rc == SQLITE_FULL || (rc & 0xff) == SQLITE_IOERR ? EIO :
		   (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB ? EBADMSG :
		   (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED ? ETIME :
		   (rc & 0xff) == SQLITE_READONLY || (rc & 0xff) == SQLITE_PERM ||
			   (rc & 0xff) == SQLITE_CANTOPEN ? EACCES : EIO;

	return herr(err, len, code, "history: %s: %s", what, sqlite3_errmsg(h->db));
}

static void sq_free(struct hist_sqlite *h)
{
	if (!h)
		return;
	for (int i = 0; i < S_NSTMT; i++)
		sqlite3_finalize(h->st[i]);
	sqlite3_close(h->db);
	free(h);
}

/*
 * What SQLite would report as "unable to open database file" or "readonly"
 * (both read as permission problems before): a directory named as the
 * database, or a file system mounted read-only, is a write failure, not a
 * permission one (README exit codes 9 and 7).
 */
/* How long concurrent runners wait for each other's locks. */
#define BUSY_MS 60000

static int writable_place(const char *path, char *err, size_t errlen)
{
	char dir[4096];
	struct statvfs vfs;
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return herr(err, errlen, EIO, "history: %s: is a directory", path);
	hvs_strlcpy(dir, path, sizeof(dir));
	if (statvfs(dirname(dir), &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
		return herr(err, errlen, EIO, "history: %s: read-only file system", path);
	return 0;
}

/*
 * sqlite3_exec, again while another process holds the lock. Two processes
 * creating a history at once (a fleet's first night, parallel ingests) race
 * on the switch to WAL, which fails at once with SQLITE_BUSY instead of
 * waiting in the busy handler: measured here, 20-23 of 40 pairs of
 * concurrent first ingests lost one side ("database is locked"). Waits up
 * to the busy timeout (60 s), 10-30 ms at a time.
 */
static int exec_retry(sqlite3 *db, const char *sql, char **msg)
{
	for (int waited = 0;; ) {
		int rc = sqlite3_exec(db, sql, NULL, NULL, msg), ms;

		if (((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) || waited >= BUSY_MS)
			return rc;
		sqlite3_free(*msg);
		*msg = NULL;
		ms = 10 + (int)((unsigned)getpid() * 7u + (unsigned)waited) % 20;
		sqlite3_sleep(ms);
		waited += ms;
	}
}

static int sq_open(const char *path, struct hvs_history **out, char *err, size_t errlen)
{
	struct hist_sqlite *h = calloc(1, sizeof(*h));
	char *msg = NULL;
	int ret;

	*out = NULL;
	if (!h)
		return herr(err, errlen, ENOMEM, "out of memory");
	h->base.ops = &hvs_history_sqlite_ops;
	ret = writable_place(path, err, errlen);
	if (ret) {
		free(h);
		return ret;
	}
	if (sqlite3_open_v2(path, &h->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		ret = h->db ? dberr(h, err, errlen, path) :
			      herr(err, errlen, EIO, "history: cannot open %s", path);
		goto fail;
	}
	/* Concurrent runners wait for each other instead of failing. */
	sqlite3_busy_timeout(h->db, BUSY_MS);
	if (exec_retry(h->db,
		       "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
		       "PRAGMA wal_autocheckpoint=8192;",
		       &msg) != SQLITE_OK) {
		sqlite3_free(msg);
		ret = dberr(h, err, errlen, path);
		goto fail;
	}
	/* Creating tables is itself one transaction: racing creators are fine. */
	if (exec_retry(h->db, "BEGIN IMMEDIATE", &msg) != SQLITE_OK ||
	    sqlite3_exec(h->db, schema_sql, NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		ret = herr(err, errlen, EBADMSG, "history: %s: %s", path,
			   msg ? msg : sqlite3_errmsg(h->db));
		sqlite3_free(msg);
		goto fail;
	}
	{
		sqlite3_stmt *s;
		int ver = 0;

		if (sqlite3_prepare_v2(h->db, "SELECT value FROM meta WHERE key = 'schema_version'",
				       -1, &s, NULL) == SQLITE_OK &&
		    sqlite3_step(s) == SQLITE_ROW)
			ver = atoi((const char *)sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
		if (ver != HVS_HISTORY_SCHEMA_VERSION) {
			ret = herr(err, errlen, HVS_ESCHEMA,
				   "history: %s: schema version %d, this hvscope uses %d", path, ver,
				   HVS_HISTORY_SCHEMA_VERSION);
			goto fail;
		}
	}
	for (int i = 0; i < S_NSTMT; i++)
		if (sqlite3_prepare_v3(h->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &h->st[i],
				       NULL) != SQLITE_OK) {
			ret = dberr(h, err, errlen, "prepare");
			goto fail;
		}
	*out = &h->base;
	return 0;
fail:
	sq_free(h);
	return ret;
}

static int step_done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v && v[0])
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

static void bind_num(sqlite3_stmt *s, int i, double v)
{
	if (isfinite(v))
		sqlite3_bind_double(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

static int add_metric(struct hist_sqlite *h, int64_t run, const struct hvs_metric *m)
{
	sqlite3_stmt *s = h->st[S_METRIC];
	const struct hvs_summary *sm = &m->summary;
	int64_t mid;
	int has = m->nsamples > 0;

	sqlite3_bind_int64(s, 1, run);
	bind_text(s, 2, m->name);
	sqlite3_bind_text(s, 3, m->unit, -1, SQLITE_STATIC);
	bind_text(s, 4, m->klass);
	sqlite3_bind_text(s, 5, hvs_direction_name(m->direction), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, hvs_outcome_name(m->outcome), -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 7, (int)m->flags);
	bind_text(s, 8, m->reason);
	sqlite3_bind_int64(s, 9, (sqlite3_int64)m->iterations);
	bind_num(s, 10, m->overhead);
	sqlite3_bind_int64(s, 11, (sqlite3_int64)m->nsamples);
	bind_num(s, 12, has ? sm->median : NAN);
	bind_num(s, 13, has ? sm->mean : NAN);
	bind_num(s, 14, has ? sm->mad : NAN);
	bind_num(s, 15, has ? sm->min : NAN);
	bind_num(s, 16, has ? sm->max : NAN);
	bind_num(s, 17, has ? sm->ci_lo : NAN);
	bind_num(s, 18, has ? sm->ci_hi : NAN);
	sqlite3_bind_int64(s, 19, (sqlite3_int64)sm->outliers);
	if (step_done(s))
		return -1;
	mid = sqlite3_last_insert_rowid(h->db);
	s = h->st[S_SAMPLE];
	for (size_t i = 0; i < m->nsamples; i++) {
		sqlite3_bind_int64(s, 1, mid);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
		sqlite3_bind_double(s, 3, m->samples[i]);
		if (step_done(s))
			return -1;
	}
	return 0;
}

/*
 * Is run id info->id there already? Sets *dup (HVS_HISTORY_*) and returns
 * 0: absent (ADDED, go on), same content or unknown (DUP, stop), other
 * content with replace (REPLACED: deleted, go on); other content without
 * replace is -HVS_ECONFLICT. Inside the write transaction.
 */
static int check_dup(struct hist_sqlite *h, const struct hvs_run_info *info, const char *digest,
		     int replace, int *dup, char *err, size_t errlen)
{
	sqlite3_stmt *s = h->st[S_DUP];
	int64_t old;
	const char *had;
	int same;

	sqlite3_bind_text(s, 1, info->id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		*dup = HVS_HISTORY_ADDED;
		return 0;
	}
	old = sqlite3_column_int64(s, 0);
	had = (const char *)sqlite3_column_text(s, 1);
	/* No digest on either side (an older hvscope added it): cannot tell, keep it. */
	same = !had || !digest || !digest[0] || !strcmp(had, digest);
	sqlite3_reset(s);
	if (same) {
		*dup = HVS_HISTORY_DUP;
		return 0;
	}
	if (!replace)
		return herr(err, errlen, HVS_ECONFLICT,
			    "run id %s is already in the history with different content "
			    "(use --replace to replace it)",
			    info->id);
	s = h->st[S_DELETE];
	sqlite3_bind_int64(s, 1, old);
	if (step_done(s))
		return dberr(h, err, errlen, info->id);
	*dup = HVS_HISTORY_REPLACED;
	return 0;
}

static int sq_add(struct hvs_history *hh, const struct hvs_run_info *info,
		  const struct hvs_metrics *set, const char *host, const char *hypervisor,
		  const char *digest, int replace, int *dup, char *err, size_t errlen)
{
	sqlite3_stmt *s;
	struct hist_sqlite *h = (struct hist_sqlite *)hh;
	char *argv = hvs_history_join_argv(info);
	int64_t run;
	int ret;

	*dup = HVS_HISTORY_ADDED;
	if (!argv)
		return herr(err, errlen, ENOMEM, "out of memory");
	/* IMMEDIATE: take the write lock now (waiting up to the busy timeout). */
	if (sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		free(argv);
		return dberr(h, err, errlen, "begin");
	}
	ret = check_dup(h, info, digest, replace, dup, err, errlen);
	if (ret || *dup == HVS_HISTORY_DUP)
		goto rollback;
	s = h->st[S_RUN];
	sqlite3_bind_text(s, 1, info->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, info->started, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, info->finished[0] ? info->finished : info->started, -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(s, 4, info->hvscope_version, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, info->git_commit, -1, SQLITE_STATIC);
	bind_text(s, 6, info->suite);
	if (info->processes > 0)
		sqlite3_bind_int(s, 7, info->processes);
	else
		sqlite3_bind_null(s, 7);
	sqlite3_bind_text(s, 8, host && host[0] ? host : "unknown", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, hypervisor && hypervisor[0] ? hypervisor : "unknown", -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(s, 10, argv, -1, SQLITE_STATIC);
	if (step_done(s))
		goto dberror;
	run = sqlite3_last_insert_rowid(h->db);
	s = h->st[S_TAG];
	for (int i = 0; i < info->ntags; i++) {
		sqlite3_bind_int64(s, 1, run);
		sqlite3_bind_text(s, 2, info->tags[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, info->tags[i].val, -1, SQLITE_STATIC);
		if (step_done(s))
			goto dberror;
	}
	s = h->st[S_CTX];
	sqlite3_bind_int64(s, 1, run);
	sqlite3_bind_text(s, 2, info->context_json ? info->context_json : "{}", -1, SQLITE_STATIC);
	if (step_done(s))
		goto dberror;
	for (size_t i = 0; i < set->n; i++)
		if (add_metric(h, run, &set->v[i]))
			goto dberror;
	if (digest && digest[0]) {
		s = h->st[S_DIGEST];
		sqlite3_bind_int64(s, 1, run);
		sqlite3_bind_text(s, 2, digest, -1, SQLITE_STATIC);
		if (step_done(s))
			goto dberror;
	}
	if (sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto dberror;
	free(argv);
	return 0;
dberror:
	ret = dberr(h, err, errlen, info->id);
rollback:
	sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	free(argv);
	return ret;
}

/*
 * The newest run, or the newest of the pinned host/hypervisor/tags
 * (history.c splits --context). Same SQL as PostgreSQL but for `IS`.
 */
static int sq_context_runs(struct hvs_history *hh, const struct hvs_history_ctx *c,
			   size_t window, struct hvs_hrun **runs, size_t *n, char *err,
			   size_t errlen)
{
	struct hist_sqlite *h = (struct hist_sqlite *)hh;
	sqlite3_stmt *s = NULL, *t = NULL;
	char *sql = NULL;
	size_t cap, len = 0;
	int64_t newest;
	char host[128], hyp[128], started[24];
	struct hvs_hrun *v = NULL;
	int ret, rc, k = 1;

	*runs = NULL;
	*n = 0;
	cap = 512 + (c->nname + c->npin) * 160;
	sql = malloc(cap);
	if (!sql)
		return herr(err, errlen, ENOMEM, "out of memory");
	len = (size_t)snprintf(sql, cap, "SELECT id, host, hypervisor, started FROM runs r WHERE 1");
	if (c->host)
		len += (size_t)snprintf(sql + len, cap - len, " AND r.host = ?%d", k++);
	if (c->hypervisor)
		len += (size_t)snprintf(sql + len, cap - len, " AND r.hypervisor = ?%d", k++);
	for (size_t i = 0; i < c->npin; i++, k += 2)
		len += (size_t)snprintf(sql + len, cap - len,
					" AND EXISTS (SELECT 1 FROM tags WHERE run_id = r.id AND key = ?%d"
					" AND value = ?%d)", k, k + 1);
	snprintf(sql + len, cap - len, " ORDER BY started DESC, id DESC LIMIT 1");
	if (sqlite3_prepare_v2(h->db, sql, -1, &s, NULL) != SQLITE_OK) {
		ret = dberr(h, err, errlen, "newest run");
		goto out;
	}
	k = 1;
	if (c->host)
		sqlite3_bind_text(s, k++, c->host, -1, SQLITE_STATIC);
	if (c->hypervisor)
		sqlite3_bind_text(s, k++, c->hypervisor, -1, SQLITE_STATIC);
	for (size_t i = 0; i < c->npin; i++) {
		sqlite3_bind_text(s, k++, c->pin_key[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(s, k++, c->pin_val[i], -1, SQLITE_STATIC);
	}
	if (sqlite3_step(s) != SQLITE_ROW) {
		ret = c->host || c->hypervisor || c->npin ?
			      herr(err, errlen, HVS_ESCHEMA,
				   "no run in the history matches the pinned context: nothing to check") :
			      herr(err, errlen, HVS_ESCHEMA, "history is empty: nothing to check");
		goto out;
	}
	newest = sqlite3_column_int64(s, 0);
	hvs_strlcpy(host, (const char *)sqlite3_column_text(s, 1), sizeof(host));
	hvs_strlcpy(hyp, (const char *)sqlite3_column_text(s, 2), sizeof(hyp));
	hvs_strlcpy(started, (const char *)sqlite3_column_text(s, 3), sizeof(started));

	/* Same host, hypervisor and named tags (absent matches absent: IS). */
	len = (size_t)snprintf(sql, cap,
			       "SELECT r.id, r.run_uid, r.git_commit, r.started FROM runs r "
			       "WHERE r.host = ?1 AND r.hypervisor = ?2 "
			       "AND (r.started < ?3 OR (r.started = ?3 AND r.id <= ?4))");
	for (size_t i = 0; i < c->nname; i++)
		/* PostgreSQL: IS NOT DISTINCT FROM */
		len += (size_t)snprintf(sql + len, cap - len,
					" AND (SELECT value FROM tags WHERE run_id = r.id AND key = ?%zu)"
					" IS (SELECT value FROM tags WHERE run_id = ?4 AND key = ?%zu)",
					5 + i, 5 + i);
	snprintf(sql + len, cap - len, " ORDER BY r.started DESC, r.id DESC LIMIT ?%zu",
		 5 + c->nname);
	if (sqlite3_prepare_v2(h->db, sql, -1, &t, NULL) != SQLITE_OK) {
		ret = dberr(h, err, errlen, "context query");
		goto out;
	}
	sqlite3_bind_text(t, 1, host, -1, SQLITE_STATIC);
	sqlite3_bind_text(t, 2, hyp, -1, SQLITE_STATIC);
	sqlite3_bind_text(t, 3, started, -1, SQLITE_STATIC);
	sqlite3_bind_int64(t, 4, newest);
	for (size_t i = 0; i < c->nname; i++)
		sqlite3_bind_text(t, (int)(5 + i), c->name[i], -1, SQLITE_STATIC);
	sqlite3_bind_int64(t, (int)(5 + c->nname), (sqlite3_int64)window);
	v = calloc(window ? window : 1, sizeof(*v));
	if (!v) {
		ret = herr(err, errlen, ENOMEM, "out of memory");
		goto out;
	}
	len = 0;
	while ((rc = sqlite3_step(t)) == SQLITE_ROW && len < window) {
		struct hvs_hrun *r = &v[len++];

		r->id = sqlite3_column_int64(t, 0);
		hvs_strlcpy(r->uid, (const char *)sqlite3_column_text(t, 1), sizeof(r->uid));
		hvs_strlcpy(r->commit, (const char *)sqlite3_column_text(t, 2), sizeof(r->commit));
		hvs_strlcpy(r->started, (const char *)sqlite3_column_text(t, 3), sizeof(r->started));
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		ret = dberr(h, err, errlen, "context query");
		goto out;
	}
	hvs_history_reverse(v, len); /* oldest first */
	*runs = v;
	*n = len;
	v = NULL;
	ret = 0;
out:
	sqlite3_finalize(s);
	sqlite3_finalize(t);
	free(sql);
	free(v);
	return ret;
}

static int sq_series(struct hvs_history *hh, const struct hvs_hrun *runs, size_t n,
		     hvs_series_fn fn, void *arg, char *err, size_t errlen)
{
	struct hist_sqlite *h = (struct hist_sqlite *)hh;
	sqlite3_stmt *ins = NULL, *q = NULL;
	double *med = NULL;
	char name[HVS_METRIC_NAME_MAX] = "", unit[16] = "";
	enum hvs_direction dir = HVS_LOWER_IS_BETTER;
	int ret = 0, rc, have = 0;

	if (n == 0)
		return 0;
	med = malloc(n * sizeof(*med));
	if (!med)
		return herr(err, errlen, ENOMEM, "out of memory");
	/* SQLite: TEMP table (PostgreSQL: CREATE TEMPORARY TABLE ... ON COMMIT DROP). */
	if (sqlite3_exec(h->db,
			 "CREATE TEMP TABLE IF NOT EXISTS win (run_id INTEGER PRIMARY KEY, pos INTEGER);"
			 "DELETE FROM win;",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h->db, "INSERT INTO win (run_id, pos) VALUES (?1, ?2)", -1, &ins,
			       NULL) != SQLITE_OK) {
		ret = dberr(h, err, errlen, "window");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(ins, 1, runs[i].id);
		sqlite3_bind_int64(ins, 2, (sqlite3_int64)i);
		if (step_done(ins)) {
			ret = dberr(h, err, errlen, "window");
			goto out;
		}
	}
	if (sqlite3_prepare_v2(h->db,
			       "SELECT m.name, m.unit, m.direction, w.pos, m.median, m.outcome "
			       "FROM metrics m JOIN win w ON w.run_id = m.run_id "
			       "WHERE m.name IN (SELECT name FROM metrics WHERE run_id = ?1) "
			       "ORDER BY m.name, w.pos",
			       -1, &q, NULL) != SQLITE_OK) {
		ret = dberr(h, err, errlen, "series query");
		goto out;
	}
	sqlite3_bind_int64(q, 1, runs[n - 1].id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *nm = (const char *)sqlite3_column_text(q, 0);
		int64_t pos = sqlite3_column_int64(q, 3);

		if (!have || strcmp(nm, name)) {
			if (have && (ret = fn(arg, name, unit, dir, med, n)))
				goto out;
			hvs_strlcpy(name, nm, sizeof(name));
			hvs_strlcpy(unit, (const char *)sqlite3_column_text(q, 1), sizeof(unit));
			dir = !strcmp((const char *)sqlite3_column_text(q, 2), "higher_is_better") ?
				      HVS_HIGHER_IS_BETTER : HVS_LOWER_IS_BETTER;
			for (size_t i = 0; i < n; i++)
				med[i] = NAN;
			have = 1;
		}
		if (pos >= 0 && (size_t)pos < n && sqlite3_column_type(q, 4) != SQLITE_NULL &&
		    !strcmp((const char *)sqlite3_column_text(q, 5), "pass"))
			med[pos] = sqlite3_column_double(q, 4);
	}
	if (rc != SQLITE_DONE) {
		ret = dberr(h, err, errlen, "series query");
		goto out;
	}
	if (have)
		ret = fn(arg, name, unit, dir, med, n);
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(q);
	free(med);
	return ret;
}

static void sq_close(struct hvs_history *h)
{
	sq_free((struct hist_sqlite *)h);
}

const struct hvs_history_ops hvs_history_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.add = sq_add,
	.context_runs = sq_context_runs,
	.series = sq_series,
};

#else /* !HAVE_SQLITE */

static int sq_open(const char *path, struct hvs_history **out, char *err, size_t errlen)
{
	(void)path;
	*out = NULL;
	return herr(err, errlen, ENODEV,
		    "history needs SQLite, which this build lacks (the static build has none: "
		    "use the dynamic hvscope on the host)");
}

/* Never called: no handle is ever opened. */
const struct hvs_history_ops hvs_history_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
};

#endif
