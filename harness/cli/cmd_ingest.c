/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_ingest.c - `hvscope ingest --db FILE RESULT...`: import result files
 * into the history, one transaction per file. Files already there (same
 * run id, same content digest) are skipped; a file with a run id already
 * there but other content is an error (exit 11) unless --replace; a bad
 * file is reported on one line and the others still go in.
 *
 * Exit: 0 all ingested (or already there), otherwise the code of the first
 * bad file (3 malformed, 4 schema, 5 too big, 9 I/O, 11 run id with other
 * content), 6 without SQLite.
 */
#include "commands.h"
#include "options.h"
#include "results/history.h"
#include "core/hvscope.h"
#include "core/jsonw.h"
#include "results/result.h"

#include <stdlib.h>
#include <string.h>

struct ingest_args {
	const char *db;
	int quiet, replace, json;
};

const struct hvs_cmdopts cmd_ingest_opts = {
	.name = "ingest",
	.head = "usage: hvscope ingest --db FILE [--replace] [--quiet] [--json] RESULT...\n\n"
		"Append result files to the history: an SQLite file (WAL; created if\n"
		"missing) or a PostgreSQL conninfo (postgresql://... or 'host=... dbname=...';\n"
		"docs/history.md). One transaction per file; a file whose run id is already in the\n"
		"history with the same content is skipped, with different content it is an\n"
		"error. A bad file gets one error line and the rest go on.\n\n",
	.tail = "\nexit: 0 ok, 3/4/5/9 the first bad file's code (malformed, schema, too big,\n"
		"I/O), 11 a run id already there with different content, 6 built without\n"
		"SQLite (or libpq, for a conninfo), 2 usage.\n",
	.col = 14,
	.operands = "RESULT...",
	.operand_files = 1,
	.opts = (const struct hvs_opt[]){
		{ HVS_OPT_PATH, "db", 0, "FILE", HVS_OPT_AT(struct ingest_args, db), .flags = HVS_OPT_REQUIRED | HVS_OPT_UNLISTED,
		  .help = "the history database" },
		{ HVS_OPT_FLAG, "replace", 0, NULL, HVS_OPT_AT(struct ingest_args, replace),
		  .help = "replace a run whose id is there with different content" },
		{ HVS_OPT_FLAG, "quiet", 'q', NULL, HVS_OPT_AT(struct ingest_args, quiet), .help = "no summary line" },
		{ HVS_OPT_FLAG, "json", 0, NULL, HVS_OPT_AT(struct ingest_args, json),
		  .help = "the summary and each file's outcome as JSON\n"
			  "(results-schema/ingest.schema.json)" },
		{ 0 } },
};

/* One element of --json's "files": what happened to one result file. */
static void json_file(struct hvs_jw *w, const char *path, const char *status, int code, const char *err)
{
	hvs_jw_obj(w, NULL);
	hvs_jw_str(w, "path", path);
	hvs_jw_str(w, "status", status);
	hvs_jw_int(w, "exit_code", code);
	if (err)
		hvs_jw_str(w, "error", err);
	hvs_jw_end(w);
}

/* One batch of files: read, then added together. */
struct batch {
	struct hvs_result *r[HVS_HISTORY_BATCH];
	const struct hvs_result *ok[HVS_HISTORY_BATCH]; /* the files read, */
	int sel[HVS_HISTORY_BATCH];                     /* and their index in r */
	int ret[HVS_HISTORY_BATCH], dup[HVS_HISTORY_BATCH];
	int mret[HVS_HISTORY_BATCH], mdup[HVS_HISTORY_BATCH];
	char err[HVS_HISTORY_BATCH][512], merr[HVS_HISTORY_BATCH][512];
};

/* What happened to the files so far. */
struct tally {
	size_t added, dups, replaced, bad;
	int first_bad, stop; /* stop: the database itself failed */
	struct hvs_jw *w;    /* --json, or NULL */
};

/* One file's outcome: counted; a bad one named on stderr. */
static void tally(struct tally *t, const char *path, int ret, int dup, const char *msg)
{
	const char *status;

	if (ret) {
		int code = hvs_errno_exit(-ret);

		if (ret == -HVS_ECONFLICT) /* the reader's messages name the file already */
			hvs_err("ingest: %s: %s", path, msg);
		else
			hvs_err("ingest: %s", msg);
		t->bad++;
		if (!t->first_bad)
			t->first_bad = code;
		if (t->w)
			json_file(t->w, path, "bad", code, msg);
		/* The database itself failing (full disk, locked) stops everything. */
		if (hvs_history_failed(ret, msg))
			t->stop = 1;
		return;
	}
	if (dup == HVS_HISTORY_DUP) {
		t->dups++;
		status = "already_there";
	} else if (dup == HVS_HISTORY_REPLACED) {
		t->replaced++;
		status = "replaced";
	} else {
		t->added++;
		status = "ingested";
	}
	if (t->w)
		json_file(t->w, path, status, HVS_EX_OK, NULL);
}

int cmd_ingest(int argc, char **argv)
{
	struct batch *b;
	struct tally t = { 0 };
	int n;
	struct ingest_args a = { 0 };
	const char *db;
	struct hvs_history *h = NULL;
	struct hvs_jw w;
	int quiet, replace, ret, first;
	char err[512];

	ret = hvs_opts_parse(&cmd_ingest_opts, argc, argv, &a, &first);
	if (ret != HVS_OPTS_GO)
		return ret;
	db = a.db;
	quiet = a.quiet;
	replace = a.replace;
	if (first >= argc)
		return hvs_opts_fail("ingest", "expected at least one result file");
	ret = hvs_history_open(db, &h, err, sizeof(err));
	if (ret) {
		hvs_err("ingest: %s", err);
		return hvs_errno_exit(-ret);
	}
	hvs_jw_init(&w, stdout);
	if (a.json) {
		hvs_jw_obj(&w, NULL);
		hvs_jw_str(&w, "db", db);
		hvs_jw_arr(&w, "files");
		t.w = &w;
	}
	/* HVS_HISTORY_BATCH files at a time: read, then added together (one
	 * round trip to PostgreSQL for all, each still its own transaction). */
	b = calloc(1, sizeof(*b));
	if (!b) {
		hvs_history_close(h);
		hvs_err("ingest: out of memory");
		return HVS_EX_INTERNAL;
	}
	for (int i = first; i < argc && !t.stop; i += n) {
		size_t m = 0;

		for (n = 0; i + n < argc && n < HVS_HISTORY_BATCH; n++) {
			b->r[n] = NULL;
			b->dup[n] = 0;
			b->ret[n] = hvs_result_read(argv[i + n], &b->r[n], b->err[n], sizeof(b->err[n]));
			if (!b->ret[n]) {
				b->sel[m] = n;
				b->ok[m++] = b->r[n];
			}
		}
		hvs_history_add_results(h, b->ok, m, replace, b->mdup, b->mret, &b->merr[0][0],
					sizeof(b->merr[0]));
		for (size_t j = 0; j < m; j++) {
			b->ret[b->sel[j]] = b->mret[j];
			b->dup[b->sel[j]] = b->mdup[j];
			if (b->mret[j])
				memcpy(b->err[b->sel[j]], b->merr[j], sizeof(b->merr[j]));
		}
		for (int k = 0; k < n; k++) {
			int was_read = b->r[k] != NULL;

			hvs_result_free(b->r[k]);
			/* after the database failed: only what was sent to it */
			if (b->ret[k] == 1 || (t.stop && !was_read))
				continue;
			tally(&t, argv[i + k], b->ret[k], b->dup[k], b->err[k]);
		}
	}
	free(b);
	hvs_history_close(h);
	if (a.json) {
		hvs_jw_end(&w);
		hvs_jw_int(&w, "ingested", (long long)t.added);
		hvs_jw_int(&w, "already_there", (long long)t.dups);
		hvs_jw_int(&w, "replaced", (long long)t.replaced);
		hvs_jw_int(&w, "bad", (long long)t.bad);
		hvs_jw_int(&w, "exit_code", t.first_bad);
		hvs_jw_end(&w);
		if (hvs_jw_finish(&w)) {
			hvs_err("ingest: writing the output failed");
			return t.first_bad ? t.first_bad : HVS_EX_IO;
		}
	} else if (!quiet) {
		printf("ingested %zu run(s) into %s; %zu already there, ", t.added, db, t.dups);
		if (t.replaced)
			printf("%zu replaced, ", t.replaced);
		printf("%zu bad\n", t.bad);
	}
	return t.first_bad;
}
