/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * history_pg.c - the PostgreSQL history backend (libpq), for a fleet: many
 * machines (or one controller ingesting for them) appending to one history.
 * Same tables, columns and guarantees as history_sqlite.c, in PostgreSQL's
 * types (identity ids, JSONB context); see docs/history.md and docs/fleet.md.
 * The only file that includes libpq-fe.h.
 *
 * Writes: a run is ONE statement (a chain of data-modifying CTEs: the run,
 * its tags, context, digest, metrics and samples, arrays passed as
 * parameters), so it is one transaction and one round trip, and a killed
 * writer leaves nothing of it (the server rolls the statement back).
 * `INSERT ... ON CONFLICT (run_uid) DO NOTHING` makes concurrent writers of
 * the same run id safe: the second waits for the first to commit, then
 * writes nothing and falls to the slow path, which takes a transaction-level
 * advisory lock on the run id, compares digests and (with replace) deletes
 * and rewrites the run in one transaction.
 */
#include "history_backend.h"
#include "core/hvs_features.h"
#include "core/hvscope.h"
#include "core/stats.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define herr hvs_history_err

#if HAVE_LIBPQ
#include <libpq-fe.h>

/* One transaction-level advisory lock serializes creating and migrating the schema. */
#define SCHEMA_LOCK "6876730001"

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS runs (\n"
	"  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
	"  run_uid TEXT NOT NULL UNIQUE,\n"
	"  started TEXT NOT NULL, finished TEXT NOT NULL,\n"
	"  hvscope_version TEXT NOT NULL, git_commit TEXT NOT NULL,\n"
	"  suite TEXT, processes INTEGER,\n"
	"  host TEXT NOT NULL, hypervisor TEXT NOT NULL,\n"
	"  command_line TEXT NOT NULL);\n"
	/* A fleet's context query: one host's runs, newest first, no sort. */
	"CREATE INDEX IF NOT EXISTS runs_context ON runs (host, hypervisor, started, id);\n"
	"CREATE INDEX IF NOT EXISTS runs_started ON runs (started, id);\n"
	"CREATE TABLE IF NOT EXISTS tags (\n"
	"  run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,\n"
	"  key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key));\n"
	"CREATE TABLE IF NOT EXISTS contexts (\n"
	"  run_id BIGINT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,\n"
	"  context_json JSONB NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS metrics (\n"
	"  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
	"  run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,\n"
	"  name TEXT NOT NULL, unit TEXT NOT NULL, class TEXT,\n"
	"  direction TEXT NOT NULL, outcome TEXT NOT NULL, flags INTEGER NOT NULL, reason TEXT,\n"
	"  iterations BIGINT, overhead DOUBLE PRECISION, n INTEGER,\n"
	"  median DOUBLE PRECISION, mean DOUBLE PRECISION, mad DOUBLE PRECISION,\n"
	"  min DOUBLE PRECISION, max DOUBLE PRECISION,\n"
	"  ci_lo DOUBLE PRECISION, ci_hi DOUBLE PRECISION, outliers INTEGER,\n"
	"  UNIQUE (run_id, name));\n"
	/*
	 * samples.metric_id has no REFERENCES here: the foreign key's check is a
	 * trigger per row, and samples are nearly all the rows (measured: 8
	 * writers, 1 M samples, 12.2 s with it, 8.6 s without, on the loaded
	 * 2-vCPU machine). Samples are written only in the statement that
	 * writes their metric, and deleted with it (delete_run()).
	 */
	"CREATE TABLE IF NOT EXISTS samples (\n"
	"  metric_id BIGINT NOT NULL,\n"
	"  seq INTEGER NOT NULL, value DOUBLE PRECISION NOT NULL,\n"
	"  PRIMARY KEY (metric_id, seq));\n"
	"CREATE TABLE IF NOT EXISTS digests (\n"
	"  run_id BIGINT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,\n"
	"  sha256 TEXT NOT NULL);\n"
	"INSERT INTO meta (key, value) VALUES ('schema_version', '1') ON CONFLICT DO NOTHING;\n";

/*
 * One run, one statement. $1..$10 the run, $11/$12 tag keys/values,
 * $13 context, $14 digest (NULL: none), $15..$32 the metrics' columns as
 * arrays (one element per metric), $33..$35 the samples (metric ordinal,
 * seq, value). Returns the new run id, or no row when run_uid is there.
 */
static const char add_sql[] =
	"WITH r AS (INSERT INTO runs (run_uid, started, finished, hvscope_version, git_commit, "
	"  suite, processes, host, hypervisor, command_line) "
	"  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
	"  ON CONFLICT (run_uid) DO NOTHING RETURNING id), "
	"t AS (INSERT INTO tags (run_id, key, value) "
	"  SELECT r.id, u.k, u.v FROM r, unnest($11::text[], $12::text[]) AS u(k, v)), "
	"c AS (INSERT INTO contexts (run_id, context_json) SELECT r.id, $13::jsonb FROM r), "
	"d AS (INSERT INTO digests (run_id, sha256) SELECT r.id, $14::text FROM r WHERE $14::text IS NOT NULL), "
	"mu AS (SELECT * FROM unnest($15::text[], $16::text[], $17::text[], $18::text[], "
	"  $19::text[], $20::int[], $21::text[], $22::bigint[], $23::float8[], $24::int[], "
	"  $25::float8[], $26::float8[], $27::float8[], $28::float8[], $29::float8[], "
	"  $30::float8[], $31::float8[], $32::int[]) WITH ORDINALITY AS u(name, unit, class, "
	"  direction, outcome, flags, reason, iterations, overhead, n, median, mean, mad, min, "
	"  max, ci_lo, ci_hi, outliers, k)), "
	"m AS (INSERT INTO metrics (run_id, name, unit, class, direction, outcome, flags, reason, "
	"  iterations, overhead, n, median, mean, mad, min, max, ci_lo, ci_hi, outliers) "
	"  SELECT r.id, mu.name, mu.unit, mu.class, mu.direction, mu.outcome, mu.flags, "
	"  mu.reason, mu.iterations, mu.overhead, mu.n, mu.median, mu.mean, mu.mad, mu.min, "
	"  mu.max, mu.ci_lo, mu.ci_hi, mu.outliers FROM r, mu RETURNING id, name), "
	"s AS (INSERT INTO samples (metric_id, seq, value) "
	"  SELECT m.id, u.seq, u.value FROM unnest($33::int[], $34::int[], $35::float8[]) "
	"  AS u(k, seq, value) JOIN mu ON mu.k = u.k JOIN m ON m.name = mu.name) "
	"SELECT id FROM r";
#define ADD_NPARAM 35

struct hist_pg {
	struct hvs_history base; /* first: history.c sees only this */
	PGconn *conn;
	int prepared; /* add_sql prepared as "hvs_add" on this connection */
};

/* A growing string (the array literals of add_sql). */
struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
};

static void sb_grow(struct sbuf *b, size_t more)
{
	char *np;
	size_t cap;

	if (b->oom || b->len + more + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	np = realloc(b->p, cap);
	if (!np) {
		b->oom = 1;
		return;
	}
	b->p = np;
	b->cap = cap;
}

static void sb_putc(struct sbuf *b, char c)
{
	sb_grow(b, 1);
	if (b->oom)
		return;
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	sb_grow(b, (size_t)k);
	if (b->oom)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)k;
}

static void sb_put(struct sbuf *b, const char *s, size_t k)
{
	sb_grow(b, k);
	if (b->oom)
		return;
	memcpy(b->p + b->len, s, k);
	b->len += k;
	b->p[b->len] = '\0';
}

/* A number formatted once (sb_printf formats twice: size, then text). */
static void sb_num(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_num(struct sbuf *b, const char *fmt, ...)
{
	char tmp[40];
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (k > 0 && (size_t)k < sizeof(tmp))
		sb_put(b, tmp, (size_t)k);
}

/* Array literal elements: ',' between them, '{' / '}' by the caller. */
static void arr_sep(struct sbuf *b)
{
	if (b->len && b->p[b->len - 1] != '{')
		sb_putc(b, ',');
}

/* A text element, double-quoted with '"' and '\' escaped; NULL or "" -> NULL when nullable. */
static void arr_text(struct sbuf *b, const char *s, int nullable)
{
	arr_sep(b);
	if (!s || (nullable && !s[0])) {
		sb_put(b, "NULL", 4);
		return;
	}
	sb_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_putc(b, '\\');
		sb_putc(b, *s);
	}
	sb_putc(b, '"');
}

/* A float8 element; not finite -> NULL (as history_sqlite.c's bind_num). */
static void arr_num(struct sbuf *b, double v)
{
	arr_sep(b);
	if (isfinite(v))
		sb_num(b, "%.17g", v);
	else
		sb_put(b, "NULL", 4);
}

static void arr_int(struct sbuf *b, long long v)
{
	arr_sep(b);
	sb_num(b, "%lld", v);
}

/* First line of a libpq message, without its "ERROR:  " and newline. */
static const char *first_line(const char *msg, char *buf, size_t len)
{
	size_t k;

	if (!msg || !msg[0])
		return "unknown error";
	if (!strncmp(msg, "ERROR:  ", 8))
		msg += 8;
	k = strcspn(msg, "\n");
	if (k >= len)
		k = len - 1;
	memcpy(buf, msg, k);
	buf[k] = '\0';
	return buf;
}

/* SQLSTATE -> exit code (README exit table), message prefixed "history:". */
static int pgerr(struct hist_pg *h, const PGresult *res, char *err, size_t len, const char *what)
{
	const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : NULL;
	char line[400];
	int code = EIO;

	if (!msg || !msg[0])
		msg = PQerrorMessage(h->conn);
	if (st) {
		if (!strncmp(st, "28", 2) || !strcmp(st, "42501"))
			code = EACCES;
		else if (!strcmp(st, "55P03") || !strcmp(st, "57014") || !strncmp(st, "40", 2))
			code = ETIME;
		else if (!strncmp(st, "22", 2) || !strncmp(st, "23", 2))
			code = HVS_ESCHEMA;
		else if (!strcmp(st, "42P01") || !strcmp(st, "42703"))
			code = HVS_ESCHEMA; /* not our tables */
	}
	return herr(err, len, code, "history: %s: %s", what, first_line(msg, line, sizeof(line)));
}

/* Run sql (no parameters, maybe several statements); 0 or -errno. */
static int exec_ok(struct hist_pg *h, const char *sql, char *err, size_t errlen, const char *what)
{
	PGresult *res = PQexec(h->conn, sql);
	ExecStatusType st = PQresultStatus(res);
	int ret = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		ret = pgerr(h, res, err, errlen, what);
	PQclear(res);
	return ret;
}

static void rollback(struct hist_pg *h)
{
	PQclear(PQexec(h->conn, "ROLLBACK"));
}

static void quiet_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static void pg_free(struct hist_pg *h)
{
	if (!h)
		return;
	PQfinish(h->conn);
	free(h);
}

static void pg_close(struct hvs_history *hh)
{
	pg_free((struct hist_pg *)hh);
}

/* schema_version from meta: >= 0, or -1 when the table is not there. */
static int read_version(struct hist_pg *h, int *ver, char *err, size_t errlen)
{
	PGresult *res = PQexec(h->conn, "SELECT value FROM meta WHERE key = 'schema_version'");
	const char *st;
	int ret = 0;

	*ver = 0;
	if (PQresultStatus(res) == PGRES_TUPLES_OK) {
		if (PQntuples(res) == 1)
			*ver = atoi(PQgetvalue(res, 0, 0));
	} else if ((st = PQresultErrorField(res, PG_DIAG_SQLSTATE)) && !strcmp(st, "42P01")) {
		*ver = -1;
	} else {
		ret = pgerr(h, res, err, errlen, "schema version");
	}
	PQclear(res);
	return ret;
}

/*
 * Create the tables when meta is absent, under an advisory lock so racing
 * first writers of a fleet do not collide in the catalog (two concurrent
 * CREATE TABLE IF NOT EXISTS can fail on pg_type's unique index). A later
 * schema version adds its migration here, under the same lock.
 */
static int migrate(struct hist_pg *h, const char *spec, char *err, size_t errlen)
{
	int ver, ret = read_version(h, &ver, err, errlen);

	if (ret)
		return ret;
	if (ver < 0) {
		ret = exec_ok(h, "BEGIN; SELECT pg_advisory_xact_lock(" SCHEMA_LOCK ")", err, errlen,
			      "create tables");
		if (!ret)
			ret = exec_ok(h, schema_sql, err, errlen, "create tables");
		if (!ret)
			ret = exec_ok(h, "COMMIT", err, errlen, "create tables");
		if (ret) {
			rollback(h);
			return ret;
		}
		ret = read_version(h, &ver, err, errlen);
		if (ret)
			return ret;
	}
	if (ver != HVS_HISTORY_SCHEMA_VERSION)
		return herr(err, errlen, HVS_ESCHEMA,
			    "history: %s: schema version %d, this hvscope uses %d", spec, ver,
			    HVS_HISTORY_SCHEMA_VERSION);
	return 0;
}

static int pg_open(const char *spec, struct hvs_history **out, char *err, size_t errlen)
{
	struct hist_pg *h = calloc(1, sizeof(*h));
	char line[400];
	int ret;

	*out = NULL;
	if (!h)
		return herr(err, errlen, ENOMEM, "out of memory");
	h->base.ops = &hvs_history_pg_ops;
	h->conn = PQconnectdb(spec);
	if (!h->conn || PQstatus(h->conn) != CONNECTION_OK) {
		const char *m = h->conn ? PQerrorMessage(h->conn) : "out of memory";

		/* libpq's messages name the server/socket, never the password. */
		ret = herr(err, errlen,
			   strstr(m, "authentication failed") || strstr(m, "permission denied") ?
				   EACCES : EIO,
			   "history: cannot connect to PostgreSQL: %s",
			   first_line(m, line, sizeof(line)));
		goto fail;
	}
	PQsetNoticeProcessor(h->conn, quiet_notice, NULL);
	/*
	 * Concurrent writers wait for each other's row locks, up to 60 s
	 * (SQLite's busy timeout). synchronous_commit off is SQLite's
	 * synchronous=NORMAL in WAL mode: a server crash or power cut can lose
	 * the last runs committed (up to 3 x wal_writer_delay), never leave one
	 * half-written or corrupt the database; the result files stay the
	 * source of truth and ingesting them again is a no-op for what is there.
	 */
	ret = exec_ok(h, "SET lock_timeout = '60s'; SET client_min_messages = warning; "
			 "SET application_name = 'hvscope'; SET synchronous_commit = off",
		      err, errlen, "session");
	if (!ret)
		ret = migrate(h, PQdb(h->conn), err, errlen);
	if (ret)
		goto fail;
	*out = &h->base;
	return 0;
fail:
	pg_free(h);
	return ret;
}

/* The arrays of add_sql for one run ($11..$35 as text), freed by free_params. */
struct add_params {
	struct sbuf a[ADD_NPARAM - 10];
};

static void free_params(struct add_params *p)
{
	for (size_t i = 0; i < HVS_ARRAY_SIZE(p->a); i++)
		free(p->a[i].p);
}

static int build_params(struct add_params *p, const struct hvs_run_info *info,
			const struct hvs_metrics *set)
{
	/* Index into p->a: parameter number - 11. */
	enum { TK, TV, CTX, DIG, NAME, UNIT, CLASS, DIR, OUTC, FLAGS, REASON, ITER, OVH, N, MED,
	       MEAN, MAD, MIN, MAX, CILO, CIHI, OUTL, SK, SSEQ, SVAL, NA };
	_Static_assert(NA == ADD_NPARAM - 10, "one sbuf per array parameter");
	size_t i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < NA; i++)
		if (i != CTX && i != DIG)
			sb_putc(&p->a[i], '{');
	for (int t = 0; t < info->ntags; t++) {
		arr_text(&p->a[TK], info->tags[t].key, 0);
		arr_text(&p->a[TV], info->tags[t].val, 0);
	}
	for (i = 0; i < set->n; i++) {
		const struct hvs_metric *m = &set->v[i];
		const struct hvs_summary *sm = &m->summary;
		int has = m->nsamples > 0;

		arr_text(&p->a[NAME], m->name, 1);
		arr_text(&p->a[UNIT], m->unit, 0);
		arr_text(&p->a[CLASS], m->klass, 1);
		arr_text(&p->a[DIR], hvs_direction_name(m->direction), 0);
		arr_text(&p->a[OUTC], hvs_outcome_name(m->outcome), 0);
		arr_int(&p->a[FLAGS], (long long)m->flags);
		arr_text(&p->a[REASON], m->reason, 1);
		arr_int(&p->a[ITER], (long long)m->iterations);
		arr_num(&p->a[OVH], m->overhead);
		arr_int(&p->a[N], (long long)m->nsamples);
		arr_num(&p->a[MED], has ? sm->median : NAN);
		arr_num(&p->a[MEAN], has ? sm->mean : NAN);
		arr_num(&p->a[MAD], has ? sm->mad : NAN);
		arr_num(&p->a[MIN], has ? sm->min : NAN);
		arr_num(&p->a[MAX], has ? sm->max : NAN);
		arr_num(&p->a[CILO], has ? sm->ci_lo : NAN);
		arr_num(&p->a[CIHI], has ? sm->ci_hi : NAN);
		arr_int(&p->a[OUTL], (long long)sm->outliers);
		for (size_t j = 0; j < m->nsamples; j++) {
			arr_int(&p->a[SK], (long long)i + 1);
			arr_int(&p->a[SSEQ], (long long)j);
			/* NOT NULL column: a non-finite sample fails the run, as in SQLite. */
			arr_sep(&p->a[SVAL]);
			if (isfinite(m->samples[j]))
				sb_num(&p->a[SVAL], "%.17g", m->samples[j]);
			else
				sb_put(&p->a[SVAL], "NULL", 4);
		}
	}
	for (i = 0; i < NA; i++) {
		if (i != CTX && i != DIG)
			sb_putc(&p->a[i], '}');
		if (p->a[i].oom)
			return -1;
	}
	return 0;
}

/*
 * The run's one statement: 0 with *added set (1: written, 0: the run id
 * was there), or -errno.
 */
static int insert_run(struct hist_pg *h, const struct hvs_run_info *info,
		      const struct hvs_metrics *set, const char *host, const char *hypervisor,
		      const char *digest, int *added, char *err, size_t errlen)
{
	struct add_params p;
	const char *v[ADD_NPARAM];
	char procs[16], *argv = hvs_history_join_argv(info);
	PGresult *res;
	int ret = 0;

	*added = 0;
	memset(&p, 0, sizeof(p));
	if (!argv || build_params(&p, info, set)) {
		free(argv);
		free_params(&p);
		return herr(err, errlen, ENOMEM, "out of memory");
	}
	snprintf(procs, sizeof(procs), "%d", info->processes);
	v[0] = info->id;
	v[1] = info->started;
	v[2] = info->finished[0] ? info->finished : info->started;
	v[3] = info->hvscope_version;
	v[4] = info->git_commit;
	v[5] = info->suite[0] ? info->suite : NULL;
	v[6] = info->processes > 0 ? procs : NULL;
	v[7] = host && host[0] ? host : "unknown";
	v[8] = hypervisor && hypervisor[0] ? hypervisor : "unknown";
	v[9] = argv;
	for (int i = 10; i < ADD_NPARAM; i++)
		v[i] = p.a[i - 10].p;
	v[12] = info->context_json ? info->context_json : "{}";
	v[13] = digest && digest[0] ? digest : NULL;
	/* Prepared once per connection: parsing and planning it was most of the server's time. */
	if (!h->prepared) {
		res = PQprepare(h->conn, "hvs_add", add_sql, ADD_NPARAM, NULL);
		h->prepared = PQresultStatus(res) == PGRES_COMMAND_OK;
		if (!h->prepared)
			ret = pgerr(h, res, err, errlen, "prepare");
		PQclear(res);
		if (ret)
			goto out;
	}
	res = PQexecPrepared(h->conn, "hvs_add", ADD_NPARAM, v, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		ret = pgerr(h, res, err, errlen, info->id);
	else
		*added = PQntuples(res) == 1;
	PQclear(res);
out:
	free_params(&p);
	free(argv);
	return ret;
}

/*
 * The run id is there (or was written concurrently): compare digests under
 * an advisory lock on the id, in one transaction with the replacement.
 */
static int add_slow(struct hist_pg *h, const struct hvs_run_info *info,
		    const struct hvs_metrics *set, const char *host, const char *hypervisor,
		    const char *digest, int replace, int *dup, char *err, size_t errlen)
{
	char sql[96];
	const char *v[1] = { info->id };
	PGresult *res;
	const char *had = NULL;
	char old[24] = "";
	int ret, same, added;

	snprintf(sql, sizeof(sql), "BEGIN; SELECT pg_advisory_xact_lock(%lld)",
		 (long long)hvs_hash64(info->id));
	ret = exec_ok(h, sql, err, errlen, "begin");
	if (ret)
		goto rollback; /* BEGIN may have gone through */
	res = PQexecParams(h->conn,
			   "SELECT r.id, d.sha256 FROM runs r LEFT JOIN digests d ON d.run_id = r.id "
			   "WHERE r.run_uid = $1",
			   1, NULL, v, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		ret = pgerr(h, res, err, errlen, info->id);
		PQclear(res);
		goto rollback;
	}
	if (PQntuples(res) == 0) {
		/* Replaced and gone meanwhile: write it now. */
		PQclear(res);
		ret = insert_run(h, info, set, host, hypervisor, digest, &added, err, errlen);
		*dup = HVS_HISTORY_ADDED;
		goto commit;
	}
	hvs_strlcpy(old, PQgetvalue(res, 0, 0), sizeof(old));
	if (!PQgetisnull(res, 0, 1))
		had = PQgetvalue(res, 0, 1);
	/* No digest on either side (an older hvscope added it): cannot tell, keep it. */
	same = !had || !digest || !digest[0] || !strcmp(had, digest);
	PQclear(res);
	if (same) {
		*dup = HVS_HISTORY_DUP;
		goto rollback;
	}
	if (!replace) {
		ret = herr(err, errlen, HVS_ECONFLICT,
			   "run id %s is already in the history with different content "
			   "(use --replace to replace it)",
			   info->id);
		goto rollback;
	}
	v[0] = old;
	/* Samples by hand (no foreign key, see schema_sql); the rest cascades. */
	res = PQexecParams(h->conn,
			   "WITH s AS (DELETE FROM samples WHERE metric_id IN "
			   "(SELECT id FROM metrics WHERE run_id = $1::bigint)) "
			   "DELETE FROM runs WHERE id = $1::bigint",
			   1, NULL, v, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		ret = pgerr(h, res, err, errlen, info->id);
	PQclear(res);
	if (ret)
		goto rollback;
	ret = insert_run(h, info, set, host, hypervisor, digest, &added, err, errlen);
	*dup = HVS_HISTORY_REPLACED;
commit:
	if (!ret && !added)
		ret = herr(err, errlen, HVS_EBUG, "history: %s: not written", info->id);
	if (ret)
		goto rollback;
	return exec_ok(h, "COMMIT", err, errlen, info->id);
rollback:
	rollback(h);
	return ret;
}

static int pg_add(struct hvs_history *hh, const struct hvs_run_info *info,
		  const struct hvs_metrics *set, const char *host, const char *hypervisor,
		  const char *digest, int replace, int *dup, char *err, size_t errlen)
{
	struct hist_pg *h = (struct hist_pg *)hh;
	int added, ret;

	/* The common case: a new run id, one statement in autocommit. */
	ret = insert_run(h, info, set, host, hypervisor, digest, &added, err, errlen);
	if (ret || added) {
		*dup = HVS_HISTORY_ADDED;
		return ret;
	}
	return add_slow(h, info, set, host, hypervisor, digest, replace, dup, err, errlen);
}

/* Grow a parameter list (the context query's). */
struct params {
	const char *v[8 + 3 * HVS_HISTORY_MAX_CTX];
	int n;
};

static int param(struct params *p, const char *v)
{
	p->v[p->n] = v;
	return ++p->n;
}

static int pg_context_runs(struct hvs_history *hh, const struct hvs_history_ctx *c, size_t window,
			   struct hvs_hrun **runs, size_t *n, char *err, size_t errlen)
{
	struct hist_pg *h = (struct hist_pg *)hh;
	struct sbuf q = { 0 };
	struct params p = { 0 };
	PGresult *res = NULL;
	char newest[24], host[128], hyp[128], started[24], win[24];
	struct hvs_hrun *v = NULL;
	size_t k;
	int ret;

	*runs = NULL;
	*n = 0;
	sb_printf(&q, "SELECT id, host, hypervisor, started FROM runs r WHERE TRUE");
	if (c->host)
		sb_printf(&q, " AND r.host = $%d", param(&p, c->host));
	if (c->hypervisor)
		sb_printf(&q, " AND r.hypervisor = $%d", param(&p, c->hypervisor));
	for (size_t i = 0; i < c->npin; i++) {
		int a = param(&p, c->pin_key[i]), b = param(&p, c->pin_val[i]);

		sb_printf(&q, " AND EXISTS (SELECT 1 FROM tags WHERE run_id = r.id AND key = $%d "
			      "AND value = $%d)", a, b);
	}
	sb_printf(&q, " ORDER BY started DESC, id DESC LIMIT 1");
	if (q.oom) {
		ret = herr(err, errlen, ENOMEM, "out of memory");
		goto out;
	}
	res = PQexecParams(h->conn, q.p, p.n, NULL, p.v, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		ret = pgerr(h, res, err, errlen, "newest run");
		goto out;
	}
	if (PQntuples(res) == 0) {
		ret = c->host || c->hypervisor || c->npin ?
			      herr(err, errlen, HVS_ESCHEMA,
				   "no run in the history matches the pinned context: nothing to check") :
			      herr(err, errlen, HVS_ESCHEMA, "history is empty: nothing to check");
		goto out;
	}
	hvs_strlcpy(newest, PQgetvalue(res, 0, 0), sizeof(newest));
	hvs_strlcpy(host, PQgetvalue(res, 0, 1), sizeof(host));
	hvs_strlcpy(hyp, PQgetvalue(res, 0, 2), sizeof(hyp));
	hvs_strlcpy(started, PQgetvalue(res, 0, 3), sizeof(started));
	PQclear(res);
	res = NULL;

	/* Same host, hypervisor and named tags (absent matches absent). */
	q.len = 0;
	p.n = 0;
	param(&p, host);
	param(&p, hyp);
	param(&p, started);
	param(&p, newest);
	sb_printf(&q, "SELECT r.id, r.run_uid, r.git_commit, r.started FROM runs r "
		      "WHERE r.host = $1 AND r.hypervisor = $2 "
		      "AND (r.started < $3 OR (r.started = $3 AND r.id <= $4::bigint))");
	for (size_t i = 0; i < c->nname; i++) {
		int a = param(&p, c->name[i]);

		sb_printf(&q, " AND (SELECT value FROM tags WHERE run_id = r.id AND key = $%d)"
			      " IS NOT DISTINCT FROM "
			      "(SELECT value FROM tags WHERE run_id = $4::bigint AND key = $%d)", a, a);
	}
	snprintf(win, sizeof(win), "%zu", window);
	sb_printf(&q, " ORDER BY r.started DESC, r.id DESC LIMIT $%d::bigint", param(&p, win));
	if (q.oom) {
		ret = herr(err, errlen, ENOMEM, "out of memory");
		goto out;
	}
	res = PQexecParams(h->conn, q.p, p.n, NULL, p.v, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		ret = pgerr(h, res, err, errlen, "context query");
		goto out;
	}
	k = (size_t)PQntuples(res);
	v = calloc(k ? k : 1, sizeof(*v));
	if (!v) {
		ret = herr(err, errlen, ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < k; i++) {
		v[i].id = strtoll(PQgetvalue(res, (int)i, 0), NULL, 10);
		hvs_strlcpy(v[i].uid, PQgetvalue(res, (int)i, 1), sizeof(v[i].uid));
		hvs_strlcpy(v[i].commit, PQgetvalue(res, (int)i, 2), sizeof(v[i].commit));
		hvs_strlcpy(v[i].started, PQgetvalue(res, (int)i, 3), sizeof(v[i].started));
	}
	hvs_history_reverse(v, k); /* oldest first */
	*runs = v;
	*n = k;
	v = NULL;
	ret = 0;
out:
	PQclear(res);
	free(q.p);
	free(v);
	return ret;
}

/*
 * Rows streamed one at a time (libpq's single-row mode), so memory stays
 * one series, however long the window (as history_sqlite.c's stepping).
 */
static int pg_series(struct hvs_history *hh, const struct hvs_hrun *runs, size_t n,
		     hvs_series_fn fn, void *arg, char *err, size_t errlen)
{
	struct hist_pg *h = (struct hist_pg *)hh;
	struct sbuf ids = { 0 };
	char last[24], name[HVS_METRIC_NAME_MAX] = "", unit[16] = "";
	const char *v[2];
	double *med = NULL;
	PGresult *res;
	enum hvs_direction dir = HVS_LOWER_IS_BETTER;
	int ret = 0, have = 0;

	med = malloc(n * sizeof(*med));
	if (!med)
		return herr(err, errlen, ENOMEM, "out of memory");
	sb_putc(&ids, '{');
	for (size_t i = 0; i < n; i++)
		arr_int(&ids, (long long)runs[i].id);
	sb_putc(&ids, '}');
	if (ids.oom) {
		ret = herr(err, errlen, ENOMEM, "out of memory");
		goto out;
	}
	snprintf(last, sizeof(last), "%lld", (long long)runs[n - 1].id);
	v[0] = ids.p;
	v[1] = last;
	/* The window as an array parameter (SQLite: a TEMP table); "C": byte order, as SQLite. */
	if (!PQsendQueryParams(h->conn,
			       "SELECT m.name, m.unit, m.direction, w.pos - 1, m.median, m.outcome "
			       "FROM unnest($1::bigint[]) WITH ORDINALITY AS w(run_id, pos) "
			       "JOIN metrics m ON m.run_id = w.run_id "
			       "WHERE m.name IN (SELECT name FROM metrics WHERE run_id = $2::bigint) "
			       "ORDER BY m.name COLLATE \"C\", w.pos",
			       2, NULL, v, NULL, NULL, 0)) {
		ret = pgerr(h, NULL, err, errlen, "series query");
		goto out;
	}
	PQsetSingleRowMode(h->conn); /* if refused, rows come in one result: same loop */
	/* Read every result to the end (libpq needs it), acting on rows while ret is 0. */
	while ((res = PQgetResult(h->conn))) {
		ExecStatusType st = PQresultStatus(res);

		if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK) {
			if (!ret)
				ret = pgerr(h, res, err, errlen, "series query");
			PQclear(res);
			continue;
		}
		for (int r = 0; r < PQntuples(res) && !ret; r++) {
			const char *nm = PQgetvalue(res, r, 0);
			long long pos = strtoll(PQgetvalue(res, r, 3), NULL, 10);

			if (!have || strcmp(nm, name)) {
				if (have && (ret = fn(arg, name, unit, dir, med, n)))
					break;
				hvs_strlcpy(name, nm, sizeof(name));
				hvs_strlcpy(unit, PQgetvalue(res, r, 1), sizeof(unit));
				dir = !strcmp(PQgetvalue(res, r, 2), "higher_is_better") ?
					      HVS_HIGHER_IS_BETTER : HVS_LOWER_IS_BETTER;
				for (size_t i = 0; i < n; i++)
					med[i] = NAN;
				have = 1;
			}
			if (pos >= 0 && (size_t)pos < n && !PQgetisnull(res, r, 4) &&
			    !strcmp(PQgetvalue(res, r, 5), "pass"))
				med[pos] = strtod(PQgetvalue(res, r, 4), NULL);
		}
		PQclear(res);
	}
	if (have && !ret)
		ret = fn(arg, name, unit, dir, med, n);
out:
	free(ids.p);
	free(med);
	return ret;
}

const struct hvs_history_ops hvs_history_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.add = pg_add,
	.context_runs = pg_context_runs,
	.series = pg_series,
};

#else /* !HAVE_LIBPQ */

static int pg_open(const char *spec, struct hvs_history **out, char *err, size_t errlen)
{
	(void)spec;
	*out = NULL;
	return herr(err, errlen, ENODEV,
		    "a PostgreSQL history needs libpq, which this build lacks (the static build "
		    "has none: write result files and ingest them where hvscope has libpq)");
}

/* Never called: no handle is ever opened. */
const struct hvs_history_ops hvs_history_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
};

#endif
