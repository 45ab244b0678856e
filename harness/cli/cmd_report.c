/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_report.c - `hvscope report FILES... --out DIR`: comparison tables
 * (HTML, Markdown, CSV, LaTeX) and gnuplot charts from result files.
 * The work is in reports/; this parses the command line, loads the files
 * and picks the exit code.
 */
#include "commands.h"
#include "options.h"
#include "core/array.h"
#include "core/hvscope.h"
#include "reports/load.h"
#include "reports/report.h"
#include "reports/trend.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FILES 1000

/* The result files to load, from the FILE and DIR arguments. */
struct inputs {
	char **v;
	size_t n, cap;
	size_t nonjson; /* files in directories that are not *.json */
};

static int inputs_add(struct inputs *in, const char *dir, const char *name)
{
	char *p;

	if (HVS_ARRAY_RESERVE(in->v, in->cap, in->n + 1, 16))
		return -ENOMEM;
	if (dir ? asprintf(&p, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name) < 0
		: !(p = strdup(name)))
		return -ENOMEM;
	in->v[in->n++] = p;
	return 0;
}

static void inputs_free(struct inputs *in)
{
	for (size_t i = 0; i < in->n; i++)
		free(in->v[i]);
	free(in->v);
}

struct dir_walk {
	struct inputs *in;
	const char *dir;
	int ret;
};

static int dir_entry(int dfd, const char *name, void *arg)
{
	struct dir_walk *w = arg;
	size_t l = strlen(name);
	struct stat st;

	if (name[0] == '.' || fstatat(dfd, name, &st, 0) || !S_ISREG(st.st_mode))
		return 0;
	if (l <= 5 || strcmp(name + l - 5, ".json")) {
		w->in->nonjson++;
		return 0;
	}
	return (w->ret = inputs_add(w->in, w->dir, name));
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A directory (a matrix's --out, a folder of runs) gives its *.json files,
 * in name order; a file is taken as it is. Returns 0 or -errno.
 */
static int expand_arg(struct inputs *in, const char *arg)
{
	struct dir_walk w = { in, arg, 0 };
	struct stat st;
	size_t first = in->n;
	int ret;

	if (stat(arg, &st) || !S_ISDIR(st.st_mode))
		return inputs_add(in, NULL, arg);
	if ((ret = hvs_dir_each(AT_FDCWD, arg, dir_entry, &w)))
		return ret;
	if (w.ret)
		return w.ret;
	qsort(in->v + first, in->n - first, sizeof(*in->v), path_cmp);
	return 0;
}

/*
 * A matrix writes NAME.json and, per command, NAME.N.run.json: the step's
 * own result, whose metrics NAME.json already holds. Is path such a step
 * while its NAME.json is among the inputs too?
 */
static int is_step_of_given(const struct inputs *in, size_t k, const char **whole)
{
	const char *p = in->v[k], *b = strrchr(p, '/');
	size_t dl = b ? (size_t)(b + 1 - p) : 0;
	const char *dot;

	b = b ? b + 1 : p;
	/* NAME.N.WORD.json: the first dot followed by digits and a dot. */
	for (dot = strchr(b, '.'); dot; dot = strchr(dot + 1, '.')) {
		const char *q = dot + 1;

		if (*q < '0' || *q > '9')
			continue;
		while (*q >= '0' && *q <= '9')
			q++;
		if (*q != '.')
			continue;
		for (size_t i = 0; i < in->n; i++) {
			const char *o = in->v[i];
			size_t nl = (size_t)(dot - b);

			if (i != k && in->v[i] && strlen(o) == dl + nl + 5 && !strncmp(o, p, dl + nl) &&
			    !strcmp(o + dl + nl, ".json")) {
				*whole = o;
				return 1;
			}
		}
	}
	return 0;
}

/*
 * Keep the result files; say in one line each why another JSON file is
 * left out. Returns the number kept.
 */
static size_t inputs_filter(struct inputs *in)
{
	size_t kept = 0;
	char why[128];

	for (size_t k = 0; k < in->n; k++) {
		const char *whole;
		int kind = hvs_rpt_file_kind(in->v[k], why, sizeof(why));

		if (kind == 0) {
			hvs_err("report: note: skipped %s (%s)", in->v[k], why);
		} else if (kind == 1 && is_step_of_given(in, k, &whole)) {
			hvs_err("report: note: skipped %s (one step of %s, which holds its metrics)", in->v[k],
				whole);
		} else {
			continue;
		}
		free(in->v[k]);
		in->v[k] = NULL;
	}
	for (size_t k = 0; k < in->n; k++)
		if (in->v[k])
			in->v[kept++] = in->v[k];
	in->n = kept;
	if (in->nonjson)
		hvs_err("report: note: skipped %zu file(s) in the directories that are not *.json (logs, "
			"images)",
			in->nonjson);
	return kept;
}

struct report_args {
	struct hvs_report_opts o;
	const char *baseline, *db, *since, *label_by, *context;
	int all_trends;
};

#define RPT_AT(f) HVS_OPT_AT(struct report_args, f)
const struct hvs_cmdopts cmd_report_opts = {
	.name = "report",
	.head = "usage: hvscope report FILE|DIR... --out DIR [--baseline NAME] [--paper] [--title TEXT]\n"
		"                      [--label KEY,...] [--no-charts]\n"
		"                      [--db FILE [--since DATE] [--all-trends] [--context TAG,...,KEY=VALUE]]\n\n"
		"Compare result files (from `hvscope run`): one column per file, one row per metric.\n"
		"A DIR argument (e.g. the --out DIR of a guest matrix) gives its *.json result\n"
		"files; fingerprints, probe outputs, summaries and a matrix's per-step NAME.N.run.json\n"
		"(when NAME.json is there too) are skipped with a note.\n"
		"Writes into DIR: index.html (self-contained, charts inline), report.md, results.csv,\n"
		"table.tex and normalized.tex (one 3.3 in column; booktabs + siunitx S columns),\n"
		"table-wide.tex and normalized-wide.tex (table*, with intervals; a table taller\n"
		"than a page comes in parts: table-2.tex, ..., cut between classes),\n"
		"charts/*.{gp,dat,svg,png[,pdf]}, raw/ (copies of the result files). The page also\n"
		"sets claims from the literature beside what the files measured.\n\n",
	.tail = "  -h, --help           this text\n\n"
		"Column labels: the runs' tag 'label' when each has its own, else the tags whose\n"
		"values differ between the runs (config=a, config=b), else host/hypervisor.\n"
		"gnuplot: $HVS_GNUPLOT, else `gnuplot` on PATH (Debian: gnuplot-nox).\n"
		"Exit: 0 ok, 2 usage, 3/4/5 a bad result file, 6 gnuplot missing (tables still\n"
		"written), 7 DIR not writable, 9 cannot write DIR, 10 gnuplot failed.\n",
	.col = 23,
	.show_letters = 1,
	.align_long = 1,
	.operands = "FILE|DIR...",
	.operand_files = 1,
	.opts = (const struct hvs_opt[]){
		{ HVS_OPT_PATH, "out", 'o', "DIR", RPT_AT(o.dir), .flags = HVS_OPT_REQUIRED,
		  .help = "output directory (created; existing files are replaced)" },
		{ HVS_OPT_STRING, "baseline", 'b', "NAME", RPT_AT(baseline),
		  .help = "normalize against this column: its label, file name, a tag\n"
			  "value (e.g. host=native, as run tagged it), or its fingerprint summary;\n"
			  "adds cost ratios, geometric means and normalized charts" },
		{ HVS_OPT_FLAG, "paper", 'p', NULL, RPT_AT(o.paper),
		  .help = "figures for a two-column paper (3.3 in wide, 7 pt), one PDF each" },
		{ HVS_OPT_STRING, "title", 't', "TEXT", RPT_AT(o.title), .help = "page title" },
		{ HVS_OPT_STRING, "label", 'l', "KEY,...", RPT_AT(label_by),
		  .help = "name the columns by these tags' values (host, hypervisor and\n"
			  "file name the host, the fingerprint and the file name)" },
		{ HVS_OPT_FLAG, "no-charts", 0, NULL, RPT_AT(o.no_charts), .help = "tables only (no gnuplot needed)" },
		{ HVS_OPT_PATH, "db", 0, "FILE", RPT_AT(db),
		  .help = "history database (hvscope ingest / run --db): trend charts of\n"
			  "the newest run's context (same host and hypervisor) with\n"
			  "change points marked; FILEs are optional with --db" },
		{ HVS_OPT_STRING, "since", 0, "DATE", RPT_AT(since),
		  .help = "history from DATE on (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)" },
		{ HVS_OPT_FLAG, "all-trends", 0, NULL, RPT_AT(all_trends),
		  .help = "chart every metric's history, not only those that changed" },
		{ HVS_OPT_STRING, "context", 0, "TAG,...", RPT_AT(context),
		  .help = "with --db: chart this context, not the newest run's:\n"
			  "host=NAME (a fleet's host), KEY=VALUE, TAG (as regress --context)" },
		{ 0 } },
};

int cmd_report(int argc, char **argv)
{
	struct report_args a = { 0 };
	struct hvs_report_opts o;
	struct inputs in = { 0 };
	struct hvs_rpt_model m;
	const char *baseline, *db, *since, *label_by;
	struct hvs_rpt_series *series = NULL;
	size_t nseries = 0;
	char err[512], note[1024];
	int first, ret, all_trends;

	ret = hvs_opts_parse(&cmd_report_opts, argc, argv, &a, &first);
	if (ret != HVS_OPTS_GO)
		return ret;
	ret = HVS_EX_OK;
	o = a.o;
	baseline = a.baseline;
	db = a.db;
	since = a.since;
	label_by = a.label_by;
	all_trends = a.all_trends;
	if (!*o.dir)
		return hvs_opts_fail("report", "--out DIR is empty");
	if (first >= argc && !db)
		return hvs_opts_fail("report", "no result files given (and no --db)");
	if ((since || all_trends || a.context) && !db)
		return hvs_opts_fail("report", "--since, --all-trends and --context need --db");
	for (int i = first; i < argc; i++)
		if ((ret = expand_arg(&in, argv[i]))) {
			hvs_err("report: %s: %s", argv[i], strerror(-ret));
			ret = ret == -ENOMEM ? HVS_EX_INTERNAL : hvs_errno_exit(-ret);
			inputs_free(&in);
			return ret;
		}
	if (first < argc && !inputs_filter(&in) && !db) {
		hvs_err("report: no result files among the arguments");
		inputs_free(&in);
		return HVS_EX_USAGE;
	}
	if (in.n > MAX_FILES) {
		hvs_err("report: %zu result files, at most %d", in.n, MAX_FILES);
		inputs_free(&in);
		return HVS_EX_TOOBIG;
	}
	/* gnuplot dying early must not kill us while we feed it. */
	signal(SIGPIPE, SIG_IGN);

	hvs_rpt_model_init(&m);
	m.label_by = label_by;
	for (size_t i = 0; i < in.n; i++) {
		ret = hvs_rpt_load(&m, in.v[i], err, sizeof(err));
		if (ret) {
			hvs_err("report: %s", err);
			ret = hvs_errno_exit(-ret);
			goto out;
		}
	}
	if (hvs_rpt_model_finish(&m)) {
		hvs_err("report: out of memory");
		ret = HVS_EX_INTERNAL;
		goto out;
	}
	if (baseline && !m.ncols) {
		hvs_err("report: --baseline needs result files");
		ret = HVS_EX_USAGE;
		goto out;
	}
	if (baseline) {
		int b = hvs_rpt_model_set_baseline(&m, baseline);

		if (b == -EINVAL) {
			hvs_err("report: --baseline '%s' matches more than one result file; use its label", baseline);
			ret = HVS_EX_USAGE;
			goto out;
		}
		if (b < 0) {
			hvs_err("report: --baseline '%s' matches no result file (labels: %s%s)", baseline,
				m.cols[0].label, m.ncols > 1 ? ", ..." : "");
			ret = HVS_EX_USAGE;
			goto out;
		}
	}
	if (db) {
		ret = hvs_rpt_history_load_ctx(db, a.context, since, all_trends, &series, &nseries, note, sizeof(note), err,
					   sizeof(err));
		if (ret) {
			hvs_err("report: %s", err);
			ret = hvs_errno_exit(-ret);
			goto out;
		}
		o.series = series;
		o.nseries = nseries;
		o.history_note = note;
	}
	ret = hvs_report_write(&m, &o, err, sizeof(err));
	if (ret) {
		hvs_err("report: %s", err);
		ret = hvs_errno_exit(-ret);
		goto out;
	}
	printf("%s/index.html\n", o.dir);
out:
	hvs_rpt_series_free(series, nseries);
	hvs_rpt_model_free(&m);
	inputs_free(&in);
	return ret;
}
