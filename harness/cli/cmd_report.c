/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_report.c - `hvscope report FILES... --out DIR`: comparison tables
 * (HTML, Markdown, CSV, LaTeX) and gnuplot charts from result files.
 * The work is in reports/; this parses the command line, loads the files
 * and picks the exit code.
 */
#include "commands.h"
#include "core/hvscope.h"
#include "reports/load.h"
#include "reports/report.h"
#include "reports/trend.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILES 1000

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvscope report FILE... --out DIR [--baseline NAME] [--paper] [--title TEXT]\n"
		"                      [--no-charts] [--db FILE [--since DATE] [--all-trends]]\n\n"
		"Compare result files (from `hvscope run`): one column per file, one row per metric.\n"
		"Writes into DIR: index.html (self-contained, charts inline), report.md, results.csv,\n"
		"table.tex and normalized.tex (booktabs + siunitx), charts/*.{gp,dat,svg,png[,pdf]},\n"
		"raw/ (copies of the result files).\n\n"
		"  -o, --out DIR        output directory (created; existing files are replaced)\n"
		"  -b, --baseline NAME  normalize against this column: its label, file name, a tag\n"
		"                       value (e.g. --tag host=native), or its fingerprint summary;\n"
		"                       adds cost ratios, geometric means and normalized charts\n"
		"  -p, --paper          figures for a two-column paper (3.3 in wide, 7 pt), one PDF each\n"
		"  -t, --title TEXT     page title\n"
		"      --no-charts      tables only (no gnuplot needed)\n"
		"      --db FILE        history database (hvscope ingest / run --db): trend charts of\n"
		"                       the newest run's context (same host and hypervisor) with\n"
		"                       change points marked; FILEs are optional with --db\n"
		"      --since DATE     history from DATE on (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)\n"
		"      --all-trends     chart every metric's history, not only those that changed\n"
		"  -h, --help           this text\n\n"
		"Column labels: the run's tag 'label' if set, else host/hypervisor.\n"
		"gnuplot: $HVS_GNUPLOT, else `gnuplot` on PATH (Debian: gnuplot-nox).\n"
		"Exit: 0 ok, 2 usage, 3/4/5 a bad result file, 6 gnuplot missing (tables still\n"
		"written), 7 DIR not writable, 9 cannot write DIR, 10 gnuplot failed.\n");
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },  { "baseline", required_argument, NULL, 'b' },
		{ "paper", no_argument, NULL, 'p' },      { "title", required_argument, NULL, 't' },
		{ "no-charts", no_argument, NULL, 'N' }, { "help", no_argument, NULL, 'h' },
		{ "db", required_argument, NULL, 'D' },   { "since", required_argument, NULL, 'S' },
		{ "all-trends", no_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	struct hvs_report_opts o = { 0 };
	struct hvs_rpt_model m;
	const char *baseline = NULL, *db = NULL, *since = NULL;
	struct hvs_rpt_series *series = NULL;
	size_t nseries = 0;
	char err[512], note[512];
	int c, ret = HVS_EX_OK, all_trends = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:b:pt:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': o.dir = optarg; break;
		case 'b': baseline = optarg; break;
		case 'p': o.paper = 1; break;
		case 't': o.title = optarg; break;
		case 'N': o.no_charts = 1; break;
		case 'D': db = optarg; break;
		case 'S': since = optarg; break;
		case 'A': all_trends = 1; break;
		case 'h': usage(stdout); return HVS_EX_OK;
		default: usage(stderr); return HVS_EX_USAGE;
		}
	}
	if (!o.dir || !*o.dir) {
		hvs_err("report: --out DIR is required");
		return HVS_EX_USAGE;
	}
	if (optind >= argc && !db) {
		hvs_err("report: no result files given (and no --db)");
		return HVS_EX_USAGE;
	}
	if ((since || all_trends) && !db) {
		hvs_err("report: --since and --all-trends need --db");
		return HVS_EX_USAGE;
	}
	if (argc - optind > MAX_FILES) {
		hvs_err("report: %d result files, at most %d", argc - optind, MAX_FILES);
		return HVS_EX_TOOBIG;
	}
	/* gnuplot dying early must not kill us while we feed it. */
	signal(SIGPIPE, SIG_IGN);

	hvs_rpt_model_init(&m);
	for (int i = optind; i < argc; i++) {
		ret = hvs_rpt_load(&m, argv[i], err, sizeof(err));
		if (ret) {
			hvs_err("report: %s", err);
			ret = -ret;
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
		ret = hvs_rpt_history_load(db, since, all_trends, &series, &nseries, note, sizeof(note), err,
					   sizeof(err));
		if (ret) {
			hvs_err("report: %s", err);
			ret = -ret;
			goto out;
		}
		o.series = series;
		o.nseries = nseries;
		o.history_note = note;
	}
	ret = hvs_report_write(&m, &o, err, sizeof(err));
	if (ret) {
		hvs_err("report: %s", err);
		ret = -ret;
		goto out;
	}
	printf("%s/index.html\n", o.dir);
out:
	hvs_rpt_series_free(series, nseries);
	hvs_rpt_model_free(&m);
	return ret;
}
