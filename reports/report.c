/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report.c - write every output of a report into its directory (the list
 * is in report.h): copy the result files, draw the charts, write the
 * tables, then the HTML page that embeds the charts.
 *
 * Everything is first written into a staging directory and put in place
 * in one step at the end (stage.c): a report killed while it works leaves
 * DIR as the last finished report left it, never half-written files or a
 * mix of two runs.
 */
#include "escape.h"
#include "report.h"
#include "stage.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int mkdir_p(const char *path)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in, ret = 0;
	FILE *out;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	if (!(out = hvs_wfopen_new(to))) {
		ret = -errno;
		close(in);
		return ret;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (fwrite(buf, 1, (size_t)n, out) != (size_t)n) {
			ret = -EIO;
			break;
		}
	}
	close(in);
	n = ferror(out);
	if ((fclose(out) || n) && !ret)
		ret = -EIO;
	return ret;
}

/* The one-line error for a failed write of path, and its exit code (negative). */
static int write_fail(char *err, size_t errlen, const char *what, const char *path, int ret)
{
	snprintf(err, errlen, "%s %s: %s", what, path, hvs_strerror(ret));
	return hvs_write_errno(ret);
}

/* A new file dir/name in the staging directory. */
static FILE *open_new(const char *dir, const char *name, char *path, size_t len)
{
	if ((size_t)snprintf(path, len, "%s/%s", dir, name) >= len) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return hvs_wfopen_new(path);
}

/* fclose that also reports earlier write errors: 0 or -errno. */
static int close_out(FILE *f, int ret)
{
	int bad = ferror(f);

	if ((fclose(f) || bad) && !ret)
		ret = -EIO;
	return ret;
}

/* Write one output file through a writer; path = dir/name. */
static int write_with(const char *dir, const char *name, int (*fn)(const struct hvs_rpt_model *, FILE *),
		      const struct hvs_rpt_model *m, char *err, size_t errlen)
{
	char path[4096];
	FILE *f = open_new(dir, name, path, sizeof(path));

	if (!f)
		return write_fail(err, errlen, "cannot write", path, -errno);
	if (close_out(f, fn(m, f)))
		return write_fail(err, errlen, "cannot write", path, -EIO);
	return 0;
}

/* A LaTeX table (report.h: hvs_report_latex_part), each of its parts a file. */
static int write_latex(const char *dir, const struct hvs_rpt_model *m, int ratio, int wide, char *err,
		       size_t errlen)
{
	size_t np = hvs_report_latex_nparts(m, ratio, wide);

	for (size_t k = 0; k < np; k++) {
		char name[64], path[4096];
		FILE *f;
		int ret;

		hvs_report_latex_name(ratio, wide, k, name, sizeof(name));
		if (!(f = open_new(dir, name, path, sizeof(path))))
			return write_fail(err, errlen, "cannot write", path, -errno);
		if ((ret = close_out(f, hvs_report_latex_part(m, ratio, wide, k, f))))
			return write_fail(err, errlen, "cannot write", path, ret);
	}
	return 0;
}

static int copy_raw(struct hvs_rpt_model *m, const char *dir, char *err, size_t errlen)
{
	char rawdir[4096], path[4096], safe[128];
	int ret;

	if ((size_t)snprintf(rawdir, sizeof(rawdir), "%s/raw", dir) >= sizeof(rawdir))
		return write_fail(err, errlen, "cannot create raw/ in", dir, -ENAMETOOLONG);
	if ((ret = mkdir_p(rawdir)))
		return write_fail(err, errlen, "cannot create", rawdir, ret);
	for (size_t c = 0; c < m->ncols; c++) {
		struct hvs_rpt_column *col = &m->cols[c];
		const char *b;
		char *name;

		if (!col->file)
			continue;
		b = strrchr(col->file, '/');
		hvs_esc_fname(safe, sizeof(safe), b ? b + 1 : col->file);
		/* Numbered: two runs called result.json in different folders stay apart. */
		if (asprintf(&name, "%02zu-%s", c + 1, safe) < 0) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", rawdir, name) >= sizeof(path)) {
			free(name);
			snprintf(err, errlen, "output directory name too long");
			return -HVS_EUSAGE;
		}
		free(col->raw_name);
		col->raw_name = name;
		if ((ret = copy_file(col->file, path))) {
			snprintf(err, errlen, "cannot copy %s to %s: %s", col->file, path, strerror(-ret));
			return hvs_write_errno(ret);
		}
	}
	return 0;
}

/* The Markdown page: tables, chart links, the history note. */
static int write_md(const char *dir, const struct hvs_rpt_model *m, const struct hvs_report_opts *o,
		    const struct hvs_rpt_charts *ch, char *err, size_t errlen)
{
	char path[4096];
	FILE *f = open_new(dir, "report.md", path, sizeof(path));
	int ret;

	if (!f)
		return write_fail(err, errlen, "cannot write", path, -errno);
	ret = hvs_report_markdown(m, f);
	if (!ret && ch)
		ret = hvs_report_markdown_charts(ch, f);
	if (!ret && o->history_note) {
		fputs("\n## History\n\n", f);
		hvs_esc_md(f, o->history_note);
		fputc('\n', f);
	}
	if (close_out(f, ret))
		return write_fail(err, errlen, "cannot write", path, -EIO);
	return 0;
}

static int write_html(const char *dir, const struct hvs_rpt_model *m, const struct hvs_report_opts *o,
		      const struct hvs_rpt_charts *ch, char *err, size_t errlen)
{
	char path[4096];
	FILE *f = open_new(dir, "index.html", path, sizeof(path));

	if (!f)
		return write_fail(err, errlen, "cannot write", path, -errno);
	if (close_out(f, hvs_report_html(m, o, ch, f)))
		return write_fail(err, errlen, "cannot write", path, -EIO);
	return 0;
}

/* Charts into stage/charts: scripts, then gnuplot. Returns 0 or -EIO; *draw_ret: the drawing. */
static int charts(struct hvs_rpt_model *m, const struct hvs_report_opts *o, const char *stage,
		  struct hvs_rpt_charts *ch, int *draw_ret, char *err, size_t errlen)
{
	struct hvs_rpt_chart_opts co = { 0 };
	char dir[4096];
	int ret;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/charts", stage) >= sizeof(dir))
		return write_fail(err, errlen, "cannot write charts in", stage, -ENAMETOOLONG);
	co.dir = dir;
	co.paper = o->paper;
	co.gnuplot = o->gnuplot;
	co.series = o->series;
	co.nseries = o->nseries;
	if ((ret = hvs_rpt_charts_prepare(m, &co, ch)))
		return write_fail(err, errlen, "cannot write chart scripts in", dir, ret);
	*draw_ret = hvs_rpt_charts_draw(&co, ch, err, errlen);
	return 0;
}

/* Everything into stage; 0 or -errno. */
static int write_stage(struct hvs_rpt_model *m, const struct hvs_report_opts *o, const char *stage,
		       struct hvs_rpt_charts *ch, int *draw_ret, char *err, size_t errlen)
{
	struct hvs_report_opts so = *o; /* the page inlines the SVGs from the stage, not DIR */
	const struct hvs_rpt_charts *drawn;
	int ret;

	so.dir = stage;
	if ((ret = copy_raw(m, stage, err, errlen)))
		return ret;
	if (!o->no_charts && (ret = charts(m, o, stage, ch, draw_ret, err, errlen)))
		return ret;
	/* Charts gnuplot drew are shown even when another failed (those are marked failed). */
	drawn = o->no_charts || *draw_ret == -ENOENT ? NULL : ch;
	if ((ret = write_with(stage, "results.csv", hvs_report_csv, m, err, errlen)) ||
	    (ret = write_latex(stage, m, 0, 0, err, errlen)) || (ret = write_latex(stage, m, 0, 1, err, errlen)) ||
	    (ret = write_md(stage, m, o, drawn, err, errlen)))
		return ret;
	if (m->baseline >= 0 && m->ncols > 1 &&
	    ((ret = write_latex(stage, m, 1, 0, err, errlen)) || (ret = write_latex(stage, m, 1, 1, err, errlen))))
		return ret;
	return write_html(stage, m, &so, drawn, err, errlen);
}

int hvs_report_write(struct hvs_rpt_model *m, const struct hvs_report_opts *o, char *err,
		     size_t errlen)
{
	struct hvs_rpt_charts ch = { 0 };
	struct hvs_rpt_stage st;
	int ret, draw_ret = 0;

	if ((ret = mkdir_p(o->dir)))
		return write_fail(err, errlen, "cannot create", o->dir, ret);
	if ((ret = hvs_rpt_stage_open(&st, o->dir, !o->no_charts, err, errlen)))
		return hvs_write_errno(ret);
	/* err keeps gnuplot's complaint unless a later step fails. */
	ret = write_stage(m, o, st.path, &ch, &draw_ret, err, errlen);
	if (ret)
		hvs_rpt_stage_drop(&st);
	else if ((ret = hvs_rpt_stage_commit(&st, err, errlen)))
		ret = hvs_write_errno(ret);
	hvs_rpt_charts_free(&ch);
	if (ret)
		return ret;
	/* The tables are out; now say what went wrong with the charts. */
	if (draw_ret == -ENOENT)
		return -ENODEV;
	return draw_ret ? -HVS_EBUG : 0;
}
