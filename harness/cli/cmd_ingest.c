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
#include "results/history.h"
#include "core/hvscope.h"
#include "results/result.h"

#include <getopt.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: hvscope ingest --db FILE [--replace] [--quiet] RESULT...\n\n"
		   "Append result files to the history: an SQLite file (WAL; created if\n"
		   "missing) or a PostgreSQL conninfo (postgresql://... or 'host=... dbname=...';\n"
		   "docs/history.md). One transaction per file; a file whose run id is already in the\n"
		   "history with the same content is skipped, with different content it is an\n"
		   "error. A bad file gets one error line and the rest go on.\n\n"
		   "  --replace   replace a run whose id is there with different content\n"
		   "  --quiet     no summary line\n\n"
		   "exit: 0 ok, 3/4/5/9 the first bad file's code (malformed, schema, too big,\n"
		   "I/O), 11 a run id already there with different content, 6 built without\n"
		   "SQLite (or libpq, for a conninfo), 2 usage.\n");
}

int cmd_ingest(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "replace", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL;
	struct hvs_history *h = NULL;
	size_t added = 0, dups = 0, replaced = 0, bad = 0;
	int quiet = 0, replace = 0, first_bad = 0, ch, ret;
	char err[512];

	optind = 1;
	while ((ch = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'q': quiet = 1; break;
		case 'r': replace = 1; break;
		case 'h': usage(stdout); return HVS_EX_OK;
		default: usage(stderr); return HVS_EX_USAGE;
		}
	}
	if (!db || optind >= argc) {
		hvs_err("ingest: expected --db FILE and at least one result file (try --help)");
		return HVS_EX_USAGE;
	}
	ret = hvs_history_open(db, &h, err, sizeof(err));
	if (ret) {
		hvs_err("ingest: %s", err);
		return -ret;
	}
	for (int i = optind; i < argc; i++) {
		struct hvs_result *r = NULL;
		int dup = 0;

		ret = hvs_result_read(argv[i], &r, err, sizeof(err));
		if (!ret)
			ret = hvs_history_add_result(h, r, replace, &dup, err, sizeof(err));
		hvs_result_free(r);
		if (ret) {
			if (-ret == HVS_EX_CONFLICT) /* the reader's messages name the file already */
				hvs_err("ingest: %s: %s", argv[i], err);
			else
				hvs_err("ingest: %s", err);
			bad++;
			if (!first_bad)
				first_bad = -ret;
			/* The database itself failing (full disk, locked) stops everything. */
			if (-ret == HVS_EX_IO || -ret == HVS_EX_TIMEOUT || -ret == HVS_EX_NOPERM)
				if (strncmp(err, "history:", 8) == 0)
					break;
			continue;
		}
		if (dup == HVS_HISTORY_DUP)
			dups++;
		else if (dup == HVS_HISTORY_REPLACED)
			replaced++;
		else
			added++;
	}
	hvs_history_close(h);
	if (!quiet) {
		printf("ingested %zu run(s) into %s; %zu already there, ", added, db, dups);
		if (replaced)
			printf("%zu replaced, ", replaced);
		printf("%zu bad\n", bad);
	}
	return first_bad;
}
