/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * history_pg.c - the PostgreSQL history backend (libpq), for a fleet: many
 * machines (or one controller ingesting for them) appending to one history.
 * Same tables, columns and guarantees as history_sqlite.c, in PostgreSQL's
 * types (identity ids, JSONB context); see docs/history.md and docs/fleet.md.
 * The only file that includes libpq-fe.h.
 *
 * Writes: a run is ONE statement (a chain of data-modifying CTEs: the run,
 * its tags, context, digest and metrics, arrays passed as binary
 * parameters: no number is printed by hvscope or parsed by the server), so
 * it is one transaction and one round trip, and a killed writer leaves
 * nothing of it (the server rolls the statement back). A metric's samples
 * are one float8[] column of its row (schema version 2; `samples` is a view
 * with the SQLite table's columns), so a run of 5 metrics x 20 samples is
 * 5 metric rows rather than 5 + 100: the per-row heap, index and WAL work
 * was half the server's time.
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

/*
 * This backend's table layout (meta.schema_version): 1 had a samples table
 * (metric_id, seq, value), one row per sample; 2 keeps a metric's samples
 * in metrics.sample_values and `samples` is a view giving the same rows
 * (SQLite's history stays at its version 1 layout, the same in meaning).
 */
#define PG_SCHEMA_VERSION 2

/* The view that gives version 1's samples rows (migration and fresh schema). */
#define SAMPLES_VIEW \
	"CREATE OR REPLACE VIEW samples AS SELECT m.id AS metric_id, (u.k - 1)::integer AS seq, " \
	"u.value FROM metrics m CROSS JOIN LATERAL unnest(m.sample_values) " \
	"WITH ORDINALITY AS u(value, k);\n"
/* No sample is NULL (SQLite's NOT NULL value; a non-finite sample fails its run). */
#define SAMPLES_CHECK "CHECK (array_position(sample_values, NULL) IS NULL)"

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
	"  sample_values DOUBLE PRECISION[] NOT NULL DEFAULT '{}' " SAMPLES_CHECK ",\n"
	"  UNIQUE (run_id, name));\n"
	SAMPLES_VIEW
	"CREATE TABLE IF NOT EXISTS digests (\n"
	"  run_id BIGINT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,\n"
	"  sha256 TEXT NOT NULL);\n"
	"INSERT INTO meta (key, value) VALUES ('schema_version', '2') ON CONFLICT DO NOTHING;\n";

/*
 * Version 1 -> 2, in one transaction: every metric's samples (in seq
 * order) into its array, the table replaced by the view. Samples without
 * their metric (version 1 had no foreign key) go with the table.
 */
static const char migrate_1_2_sql[] =
	"ALTER TABLE metrics ADD COLUMN sample_values DOUBLE PRECISION[] NOT NULL DEFAULT '{}';\n"
	"UPDATE metrics m SET sample_values = s.v FROM (SELECT metric_id, "
	"  array_agg(value ORDER BY seq) AS v FROM samples GROUP BY metric_id) s "
	"  WHERE s.metric_id = m.id;\n"
	"ALTER TABLE metrics ADD CONSTRAINT metrics_sample_values_check " SAMPLES_CHECK ";\n"
	"DROP TABLE samples;\n"
	SAMPLES_VIEW
	"UPDATE meta SET value = '2' WHERE key = 'schema_version';\n";

/*
 * One run, one statement. $1..$10 the run, $11/$12 tag keys/values,
 * $13 context, $14 digest (NULL: none), $15..$32 the metrics' columns as
 * arrays (one element per metric), $33 each metric's first sample's offset
 * in $34, every sample of the run in metric order (a metric's count is its
 * n, $24). $11, $12 and $15..$34 are binary arrays. Returns the new run id,
 * or no row when run_uid is there.
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
	"m AS (INSERT INTO metrics (run_id, name, unit, class, direction, outcome, flags, reason, "
	"  iterations, overhead, n, median, mean, mad, min, max, ci_lo, ci_hi, outliers, "
	"  sample_values) "
	"  SELECT r.id, u.name, u.unit, u.class, u.direction, u.outcome, u.flags, "
	"  u.reason, u.iterations, u.overhead, u.n, u.median, u.mean, u.mad, u.min, "
	"  u.max, u.ci_lo, u.ci_hi, u.outliers, ($34::float8[])[u.off + 1 : u.off + u.n] "
	"  FROM r, unnest($15::text[], $16::text[], $17::text[], $18::text[], "
	"  $19::text[], $20::int[], $21::text[], $22::bigint[], $23::float8[], $24::int[], "
	"  $25::float8[], $26::float8[], $27::float8[], $28::float8[], $29::float8[], "
	"  $30::float8[], $31::float8[], $32::int[], $33::int[]) WITH ORDINALITY AS u(name, "
	"  unit, class, direction, outcome, flags, reason, iterations, overhead, n, median, "
	"  mean, mad, min, max, ci_lo, ci_hi, outliers, off, k) ORDER BY u.k) "
	"SELECT id FROM r";
#define ADD_NPARAM 34

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

static void arr_int(struct sbuf *b, long long v)
{
	arr_sep(b);
	sb_num(b, "%lld", v);
}

/*
 * A one-dimensional array in PostgreSQL's binary format (array_send):
 * ndim, has-nulls flag, element type, then (length, lower bound) of the
 * dimension, then each element as a 4-byte length (-1: NULL) and its bytes,
 * all integers big-endian. The 20-byte head is written by barr_end().
 */
#define OID_INT4 23
#define OID_INT8 20
#define OID_TEXT 25
#define OID_FLOAT8 701
#define BARR_HEAD 20

struct barr {
	struct sbuf b;
	uint32_t oid;
	int32_t n;
	int hasnull;
};

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void barr_init(struct barr *a, uint32_t oid)
{
	static const char zero[BARR_HEAD];

	memset(a, 0, sizeof(*a));
	a->oid = oid;
	sb_put(&a->b, zero, sizeof(zero));
}

/* One element: len bytes at p, or NULL when p is NULL. */
static void barr_elem(struct barr *a, const void *p, size_t len)
{
	unsigned char h[4];

	if (len > INT32_MAX)
		a->b.oom = 1;
	put_be32(h, p ? (uint32_t)len : UINT32_MAX);
	sb_put(&a->b, (const char *)h, 4);
	if (p)
		sb_put(&a->b, p, len);
	a->hasnull |= !p;
	a->n++;
}

/* NULL -> NULL, and "" -> NULL when nullable (as history_sqlite.c's binding). */
static void barr_text(struct barr *a, const char *s, int nullable)
{
	if (!s || (nullable && !s[0]))
		barr_elem(a, NULL, 0);
	else
		barr_elem(a, s, strlen(s));
}

static void barr_i4(struct barr *a, long long v)
{
	unsigned char e[4];

	put_be32(e, (uint32_t)(int32_t)v);
	barr_elem(a, e, 4);
}

static void barr_i8(struct barr *a, long long v)
{
	unsigned char e[8];

	put_be32(e, (uint32_t)((unsigned long long)v >> 32));
	put_be32(e + 4, (uint32_t)v);
	barr_elem(a, e, 8);
}

/* A float8 element; not finite -> NULL (as history_sqlite.c's bind_num). */
static void barr_f8(struct barr *a, double v)
{
	unsigned char e[8];
	uint64_t u;

	if (!isfinite(v)) {
		barr_elem(a, NULL, 0);
		return;
	}
	memcpy(&u, &v, sizeof(u));
	put_be32(e, (uint32_t)(u >> 32));
	put_be32(e + 4, (uint32_t)u);
	barr_elem(a, e, 8);
}

/* Write the head; an empty array is ndim 0 and no dimension (12 bytes). */
static int barr_end(struct barr *a)
{
	unsigned char *p = (unsigned char *)a->b.p;

	if (a->b.oom)
		return -1;
	put_be32(p, a->n ? 1 : 0);
	put_be32(p + 4, (uint32_t)a->hasnull);
	put_be32(p + 8, a->oid);
	put_be32(p + 12, (uint32_t)a->n);
	put_be32(p + 16, 1);
	if (!a->n)
		a->b.len = 12;
	return 0;
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

/*
 * schema_version from meta: >= 0, or -1 when the table is not there
 * (asked without an error, so it can run inside a transaction; from
 * pg_tables with the statement's snapshot, as to_regclass() may answer from
 * a cache that has not yet seen another writer's CREATE TABLE).
 */
static int read_version(struct hist_pg *h, int *ver, char *err, size_t errlen)
{
	PGresult *res = PQexec(h->conn, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables "
					"WHERE schemaname = current_schema() AND tablename = 'meta')");
	int ret = 0;

	*ver = 0;
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		ret = pgerr(h, res, err, errlen, "schema version");
	} else if (strcmp(PQgetvalue(res, 0, 0), "t")) {
		*ver = -1;
	} else {
		PQclear(res);
		res = PQexec(h->conn, "SELECT value FROM meta WHERE key = 'schema_version'");
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			ret = pgerr(h, res, err, errlen, "schema version");
		else if (PQntuples(res) == 1)
			*ver = atoi(PQgetvalue(res, 0, 0));
	}
	PQclear(res);
	return ret;
}

/*
 * Create the tables when meta is absent, or migrate an older layout, under
 * an advisory lock and in one transaction, so racing first writers of a
 * fleet do not collide in the catalog (two concurrent CREATE TABLE can fail
 * on pg_type's unique index) and a killed migration leaves the old layout.
 * The version is read again under the lock: another writer may have done it.
 */
static int migrate(struct hist_pg *h, const char *spec, char *err, size_t errlen)
{
	int ver, ret = read_version(h, &ver, err, errlen);

	if (ret)
		return ret;
	if (ver < 0 || (ver >= 1 && ver < PG_SCHEMA_VERSION)) {
		/*
		 * Waiting writers of a fleet wait out the migration (seconds per
		 * million samples, see docs/history.md), not the session's 60 s.
		 */
		ret = exec_ok(h, "BEGIN; SET LOCAL lock_timeout = '15min'; "
				 "SELECT pg_advisory_xact_lock(" SCHEMA_LOCK ")",
			      err, errlen, "create tables");
		if (!ret)
			ret = read_version(h, &ver, err, errlen);
		if (!ret && ver < 0)
			ret = exec_ok(h, schema_sql, err, errlen, "create tables");
		if (!ret && ver == 1)
			ret = exec_ok(h, migrate_1_2_sql, err, errlen, "migrate schema 1 to 2");
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
	if (ver != PG_SCHEMA_VERSION)
		return herr(err, errlen, HVS_ESCHEMA,
			    "history: %s: schema version %d, this hvscope uses %d", spec, ver,
			    PG_SCHEMA_VERSION);
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

/* The arrays of add_sql for one run ($11, $12, $15..$34), freed by free_params. */
struct add_params {
	struct barr a[ADD_NPARAM - 12];
};

static void free_params(struct add_params *p)
{
	for (size_t i = 0; i < HVS_ARRAY_SIZE(p->a); i++)
		free(p->a[i].b.p);
}

/* Index into add_params.a: parameter 11, 12, then 15.. (13, 14 are text). */
enum { TK, TV, NAME, UNIT, CLASS, DIR, OUTC, FLAGS, REASON, ITER, OVH, N, MED, MEAN, MAD, MIN,
       MAX, CILO, CIHI, OUTL, SOFF, SVAL, NA };
_Static_assert(NA == ADD_NPARAM - 12, "one array per array parameter");

static int build_params(struct add_params *p, const struct hvs_run_info *info,
			const struct hvs_metrics *set)
{
	static const uint32_t oid[NA] = {
		[TK] = OID_TEXT, [TV] = OID_TEXT, [NAME] = OID_TEXT, [UNIT] = OID_TEXT,
		[CLASS] = OID_TEXT, [DIR] = OID_TEXT, [OUTC] = OID_TEXT, [FLAGS] = OID_INT4,
		[REASON] = OID_TEXT, [ITER] = OID_INT8, [OVH] = OID_FLOAT8, [N] = OID_INT4,
		[MED] = OID_FLOAT8, [MEAN] = OID_FLOAT8, [MAD] = OID_FLOAT8, [MIN] = OID_FLOAT8,
		[MAX] = OID_FLOAT8, [CILO] = OID_FLOAT8, [CIHI] = OID_FLOAT8, [OUTL] = OID_INT4,
		[SOFF] = OID_INT4, [SVAL] = OID_FLOAT8,
	};
	size_t i, total = 0;

	for (i = 0; i < NA; i++)
		barr_init(&p->a[i], oid[i]);
	for (int t = 0; t < info->ntags; t++) {
		barr_text(&p->a[TK], info->tags[t].key, 0);
		barr_text(&p->a[TV], info->tags[t].val, 0);
	}
	for (i = 0; i < set->n; i++)
		total += set->v[i].nsamples;
	/* The samples' offsets are int4 (and an array's length int32). */
	if (total > INT32_MAX / 2)
		return -1;
	sb_grow(&p->a[SVAL].b, total * 12);
	for (i = 0; i < set->n; i++) {
		const struct hvs_metric *m = &set->v[i];
		const struct hvs_summary *sm = &m->summary;
		int has = m->nsamples > 0;

		barr_i4(&p->a[SOFF], p->a[SVAL].n);
		barr_text(&p->a[NAME], m->name, 1);
		barr_text(&p->a[UNIT], m->unit, 0);
		barr_text(&p->a[CLASS], m->klass, 1);
		barr_text(&p->a[DIR], hvs_direction_name(m->direction), 0);
		barr_text(&p->a[OUTC], hvs_outcome_name(m->outcome), 0);
		barr_i4(&p->a[FLAGS], (long long)m->flags);
		barr_text(&p->a[REASON], m->reason, 1);
		barr_i8(&p->a[ITER], (long long)m->iterations);
		barr_f8(&p->a[OVH], m->overhead);
		barr_i4(&p->a[N], (long long)m->nsamples);
		barr_f8(&p->a[MED], has ? sm->median : NAN);
		barr_f8(&p->a[MEAN], has ? sm->mean : NAN);
		barr_f8(&p->a[MAD], has ? sm->mad : NAN);
		barr_f8(&p->a[MIN], has ? sm->min : NAN);
		barr_f8(&p->a[MAX], has ? sm->max : NAN);
		barr_f8(&p->a[CILO], has ? sm->ci_lo : NAN);
		barr_f8(&p->a[CIHI], has ? sm->ci_hi : NAN);
		barr_i4(&p->a[OUTL], (long long)sm->outliers);
		/* A non-finite sample is a NULL element: the CHECK fails the run, as SQLite's NOT NULL. */
		for (size_t j = 0; j < m->nsamples; j++)
			barr_f8(&p->a[SVAL], m->samples[j]);
	}
	for (i = 0; i < NA; i++)
		if (barr_end(&p->a[i]))
			return -1;
	return 0;
}

/* The run's one statement, ready to send: add_sql's parameters. */
struct add_call {
	struct add_params p;
	const char *v[ADD_NPARAM];
	int len[ADD_NPARAM], fmt[ADD_NPARAM];
	char procs[16], *argv;
};

static void add_call_free(struct add_call *c)
{
	free_params(&c->p);
	free(c->argv);
}

static int add_call_build(struct add_call *c, const struct hvs_run_info *info,
			  const struct hvs_metrics *set, const char *host, const char *hypervisor,
			  const char *digest, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->argv = hvs_history_join_argv(info);
	if (!c->argv || build_params(&c->p, info, set)) {
		add_call_free(c);
		return herr(err, errlen, ENOMEM, "out of memory");
	}
	snprintf(c->procs, sizeof(c->procs), "%d", info->processes);
	c->v[0] = info->id;
	c->v[1] = info->started;
	c->v[2] = info->finished[0] ? info->finished : info->started;
	c->v[3] = info->hvscope_version;
	c->v[4] = info->git_commit;
	c->v[5] = info->suite[0] ? info->suite : NULL;
	c->v[6] = info->processes > 0 ? c->procs : NULL;
	c->v[7] = host && host[0] ? host : "unknown";
	c->v[8] = hypervisor && hypervisor[0] ? hypervisor : "unknown";
	c->v[9] = c->argv;
	c->v[12] = info->context_json ? info->context_json : "{}";
	c->v[13] = digest && digest[0] ? digest : NULL;
	/* The arrays, binary: $11, $12 (p.a[0], [1]) and $15..$34 (p.a[2]..). */
	for (int i = 10; i < ADD_NPARAM; i++) {
		struct barr *a;

		if (i == 12 || i == 13)
			continue;
		a = &c->p.a[i < 12 ? i - 10 : i - 12];
		c->v[i] = a->b.p;
		c->len[i] = (int)a->b.len;
		c->fmt[i] = 1;
	}
	return 0;
}

/* Prepared once per connection: parsing and planning it was most of the server's time. */
static int add_prepare(struct hist_pg *h, char *err, size_t errlen)
{
	PGresult *res;
	int ret = 0;

	if (h->prepared)
		return 0;
	res = PQprepare(h->conn, "hvs_add", add_sql, ADD_NPARAM, NULL);
	h->prepared = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!h->prepared)
		ret = pgerr(h, res, err, errlen, "prepare");
	PQclear(res);
	return ret;
}

/* add_sql's result: 0 with *added (1: written, 0: the run id was there), or -errno. */
static int add_result(struct hist_pg *h, PGresult *res, const char *id, int *added, char *err,
		      size_t errlen)
{
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pgerr(h, res, err, errlen, id);
	*added = PQntuples(res) == 1;
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
	struct add_call c;
	PGresult *res;
	int ret;

	*added = 0;
	if ((ret = add_call_build(&c, info, set, host, hypervisor, digest, err, errlen)))
		return ret;
	if (!(ret = add_prepare(h, err, errlen))) {
		res = PQexecPrepared(h->conn, "hvs_add", ADD_NPARAM, c.v, c.len, c.fmt, 0);
		ret = add_result(h, res, info->id, added, err, errlen);
		PQclear(res);
	}
	add_call_free(&c);
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
	/* Tags, context, digest and metrics (with their samples) cascade. */
	res = PQexecParams(h->conn, "DELETE FROM runs WHERE id = $1::bigint", 1, NULL, v, NULL,
			   NULL, 0);
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

#ifdef LIBPQ_HAS_PIPELINING
/*
 * n runs, each its own transaction as pg_add would write it, but sent in
 * one go (libpq pipeline mode, a Sync after each run's statement: every
 * run is an implicit transaction of its own, a failing one aborts only
 * itself) and their results read afterwards: no round trip per run. Runs
 * whose id was there take pg_add's slow path afterwards, one by one.
 */
static void pg_add_many(struct hvs_history *hh, const struct hvs_result *const *r, size_t n,
			int replace, int *dup, int *ret, char *err, size_t errlen)
{
	struct hist_pg *h = (struct hist_pg *)hh;
	char *sent = calloc(n ? n : 1, 1), *ek;
	int *added = calloc(n ? n : 1, sizeof(*added));
	size_t k;
	int broken = 0;

	for (k = 0; k < n; k++) {
		dup[k] = HVS_HISTORY_ADDED;
		ret[k] = 0;
	}
	if (!sent || !added || n < 2 || add_prepare(h, err, errlen) ||
	    !PQenterPipelineMode(h->conn)) {
		free(sent);
		free(added);
		for (k = 0; k < n; k++) /* one at a time */
			ret[k] = pg_add(hh, &r[k]->info, &r[k]->set, r[k]->host, r[k]->hypervisor,
					r[k]->digest, replace, &dup[k], err + k * errlen, errlen);
		return;
	}
	for (k = 0; k < n; k++) {
		struct add_call c;

		ek = err + k * errlen;
		if (broken) {
			ret[k] = herr(ek, errlen, EIO, "history: %s: not sent (the connection failed)",
				      r[k]->info.id);
			continue;
		}
		if ((ret[k] = add_call_build(&c, &r[k]->info, &r[k]->set, r[k]->host,
					     r[k]->hypervisor, r[k]->digest, ek, errlen)))
			continue;
		if (PQsendQueryPrepared(h->conn, "hvs_add", ADD_NPARAM, c.v, c.len, c.fmt, 0) &&
		    PQpipelineSync(h->conn))
			sent[k] = 1;
		else
			ret[k] = pgerr(h, NULL, ek, errlen, r[k]->info.id), broken = 1;
		add_call_free(&c);
	}
	/* Each sent run: its statement's result, the end of its results, its Sync. */
	for (k = 0; k < n; k++) {
		PGresult *res;
		int step = 1;

		if (!sent[k])
			continue;
		ek = err + k * errlen;
		res = broken ? NULL : PQgetResult(h->conn);
		if (res) {
			ret[k] = add_result(h, res, r[k]->info.id, &added[k], ek, errlen);
			PQclear(res);
			res = PQgetResult(h->conn);
			step = !res; /* the end of its results */
			PQclear(res);
			res = step ? PQgetResult(h->conn) : NULL;
			step = res && PQresultStatus(res) == PGRES_PIPELINE_SYNC;
			PQclear(res);
		} else {
			step = 0;
		}
		if (!step) {
			/* Its Sync may or may not have committed it: say so. */
			broken = 1;
			ret[k] = herr(ek, errlen, EIO,
				      "history: %s: no answer from the server (written or not: "
				      "ingest it again)",
				      r[k]->info.id);
		}
	}
	PQexitPipelineMode(h->conn);
	for (k = 0; k < n; k++)
		if (sent[k] && !ret[k] && !added[k])
			ret[k] = add_slow(h, &r[k]->info, &r[k]->set, r[k]->host,
					  r[k]->hypervisor, r[k]->digest, replace, &dup[k],
					  err + k * errlen, errlen);
	free(sent);
	free(added);
}
#endif

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
#ifdef LIBPQ_HAS_PIPELINING
	.add_many = pg_add_many,
#endif
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
