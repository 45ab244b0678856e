/*
 * report.c - write every output of a report into its directory (the list
 * is in report.h): copy the result files, draw the charts, write the
 * tables, then the HTML page that embeds the charts.
 */
#include "escape.h"
#include "report.h"

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
	int in, out, ret = 0;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
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
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));

			if (w < 0) {
				if (errno == EINTR)
					continue;
				ret = -errno;
				goto out;
			}
			off += w;
		}
	}
out:
	close(in);
	if (close(out) && !ret)
		ret = -errno;
	return ret;
}

/* Write one output file through a writer; path = dir/name. */
static int write_with(const char *dir, const char *name, int (*fn)(const struct hvs_rpt_model *, FILE *),
		      const struct hvs_rpt_model *m, char *err, size_t errlen)
{
	char path[4096];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -HVS_EX_IO;
	}
	ret = fn(m, f);
	if (fclose(f) && !ret)
		ret = -EIO;
	if (ret) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(-ret));
		return -HVS_EX_IO;
	}
	return 0;
}

static int copy_raw(struct hvs_rpt_model *m, const char *dir, char *err, size_t errlen)
{
	char rawdir[4096], path[4096], safe[128];
	int ret;

	snprintf(rawdir, sizeof(rawdir), "%s/raw", dir);
	if ((ret = mkdir_p(rawdir))) {
		snprintf(err, errlen, "cannot create %s: %s", rawdir, strerror(-ret));
		return -HVS_EX_IO;
	}
	for (size_t c = 0; c < m->ncols; c++) {
		struct hvs_rpt_column *col = &m->cols[c];
		const char *b;
		char *name;

		if (!col->file)
			continue;
		b = strrchr(col->file, '/');
		hvs_esc_fname(safe, sizeof(safe), b ? b + 1 : col->file);
		/* Numbered: two runs called result.json in different folders stay apart. */
		if (asprintf(&name, "%02zu-%s", c + 1, safe) < 0)
			return -HVS_EX_INTERNAL;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", rawdir, name) >= sizeof(path)) {
			free(name);
			snprintf(err, errlen, "output directory name too long");
			return -HVS_EX_USAGE;
		}
		free(col->raw_name);
		col->raw_name = name;
		if ((ret = copy_file(col->file, path))) {
			snprintf(err, errlen, "cannot copy %s to %s: %s", col->file, path, strerror(-ret));
			return -HVS_EX_IO;
		}
	}
	return 0;
}

int hvs_report_write(struct hvs_rpt_model *m, const struct hvs_report_opts *o, char *err,
		     size_t errlen)
{
	struct hvs_rpt_charts ch = { 0 };
	struct hvs_rpt_chart_opts co = { 0 };
	char chdir_[4096], path[4096];
	int ret, draw_ret = 0;
	FILE *f;

	if ((ret = mkdir_p(o->dir))) {
		snprintf(err, errlen, "cannot create %s: %s", o->dir, strerror(-ret));
		return -HVS_EX_IO;
	}
	if ((ret = copy_raw(m, o->dir, err, errlen)))
		return ret;
	if (!o->no_charts) {
		snprintf(chdir_, sizeof(chdir_), "%s/charts", o->dir);
		if ((ret = mkdir_p(chdir_))) {
			snprintf(err, errlen, "cannot create %s: %s", chdir_, strerror(-ret));
			return -HVS_EX_IO;
		}
		co.dir = chdir_;
		co.paper = o->paper;
		co.gnuplot = o->gnuplot;
		co.series = o->series;
		co.nseries = o->nseries;
		ret = hvs_rpt_charts_prepare(m, &co, &ch);
		if (ret) {
			snprintf(err, errlen, "cannot write chart scripts in %s: %s", chdir_, strerror(-ret));
			ret = -HVS_EX_IO;
			goto out;
		}
		draw_ret = hvs_rpt_charts_draw(&co, &ch, err, errlen);
	}
	if ((ret = write_with(o->dir, "results.csv", hvs_report_csv, m, err, errlen)) ||
	    (ret = write_with(o->dir, "table.tex", hvs_report_latex, m, err, errlen)))
		goto out;
	snprintf(path, sizeof(path), "%s/report.md", o->dir);
	if (!(f = fopen(path, "w"))) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		ret = -HVS_EX_IO;
		goto out;
	}
	ret = hvs_report_markdown(m, f);
	if (!ret && !o->no_charts && !draw_ret)
		ret = hvs_report_markdown_charts(&ch, f);
	if (!ret && o->history_note) {
		fputs("\n## History\n\n", f);
		hvs_esc_md(f, o->history_note);
		fputc('\n', f);
	}
	if (fclose(f) && !ret)
		ret = -EIO;
	if (ret) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(-ret));
		ret = -HVS_EX_IO;
		goto out;
	}
	if (m->baseline >= 0 && m->ncols > 1) {
		if ((ret = write_with(o->dir, "normalized.tex", hvs_report_latex_norm, m, err, errlen)))
			goto out;
	} else {
		/* No baseline now: an earlier report's ratios must not linger. */
		snprintf(path, sizeof(path), "%s/normalized.tex", o->dir);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/index.html", o->dir);
	if (!(f = fopen(path, "w"))) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		ret = -HVS_EX_IO;
		goto out;
	}
	ret = hvs_report_html(m, o, draw_ret ? NULL : &ch, f);
	if (fclose(f) && !ret)
		ret = -EIO;
	if (ret) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(-ret));
		ret = -HVS_EX_IO;
		goto out;
	}
	/* The tables are out; now say what went wrong with the charts. */
	if (draw_ret == -ENOENT)
		ret = -HVS_EX_NODEV;
	else if (draw_ret)
		ret = -HVS_EX_INTERNAL;
out:
	hvs_rpt_charts_free(&ch);
	return ret;
}
