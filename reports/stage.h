/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stage.h - a report is written into a staging directory and put in place
 * at the end in one step (issue 16), so a killed report never leaves
 * half-written files or a mix of two runs in DIR.
 *
 * The stage is PARENT/.NAME.hvscope-report.PID.XXXXXX beside DIR; the
 * commit swaps it with DIR in one renameat2(RENAME_EXCHANGE), after hard
 * links to the files in DIR that are not the report's (anything but
 * index.html, report.md, results.csv, *.tex, gnuplot.log and, in charts/
 * and raw/, the chart files and NN-* raw copies) were made in the stage;
 * anything else of the old DIR's that is not in the new one (a folder, a
 * file that appeared meanwhile) is moved over right after the swap. The new
 * DIR gets the old one's mode and owner.
 *
 * Where that cannot be (the parent is not writable, DIR is a symlink or a
 * mount point, a file system without RENAME_EXCHANGE) the stage is
 * DIR/.hvscope-report.PID.XXXXXX and the files are renamed into place one
 * by one, index.html last: a kill during those renames can still show
 * both runs. A killed report's stage is removed by the next report into DIR.
 */
#ifndef HVS_REPORT_STAGE_H
#define HVS_REPORT_STAGE_H

#include <stddef.h>

struct hvs_rpt_stage {
	char dir[4096];  /* the report directory */
	char path[4096]; /* the stage: write the report here */
	int inside;      /* the stage is inside dir: commit file by file */
	int charts;      /* the report has charts (charts/ and gnuplot.log are its own) */
};

/* Create the stage for dir (which exists). Returns 0 or -errno (err says what). */
int hvs_rpt_stage_open(struct hvs_rpt_stage *s, const char *dir, int charts, char *err, size_t errlen);
/* Put the staged report in place and remove the stage. Returns 0 or -errno. */
int hvs_rpt_stage_commit(struct hvs_rpt_stage *s, char *err, size_t errlen);
/* Remove the stage (after a failure). */
void hvs_rpt_stage_drop(struct hvs_rpt_stage *s);

#endif
