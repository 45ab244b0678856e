/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stage.c - build a report in a staging directory and put it in place in
 * one step: rename(RENAME_EXCHANGE) of the stage with DIR, the files of
 * DIR that are not the report's carried over (stage.h says which and how).
 */
#include "charts.h"
#include "core/hvscope.h"
#include "stage.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

#define STAGE_TAG ".hvscope-report."

/* One line into err; returns ret (a -errno). */
static int fail(char *err, size_t errlen, const char *what, const char *path, int ret)
{
	if (snprintf(err, errlen, "%s %s: %s", what, path, hvs_strerror(ret)) < 0)
		err[0] = '\0';
	return ret;
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static void remove_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

struct stale {
	const char *dir, *prefix;
};

/* A stage of a report that was killed (its pid is gone): remove it. */
static int drop_stale(int dfd, const char *name, void *arg)
{
	const struct stale *st = arg;
	size_t pl = strlen(st->prefix);
	char path[8192];
	long pid;

	(void)dfd;
	if (strncmp(name, st->prefix, pl))
		return 0;
	pid = strtol(name + pl, NULL, 10);
	if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", st->dir, name) < sizeof(path))
		remove_tree(path);
	return 0;
}

static void drop_stale_in(const char *dir, const char *prefix)
{
	struct stale st = { dir, prefix };

	hvs_dir_each(AT_FDCWD, dir, drop_stale, &st);
}

/* parent and base name of dir; 0 when the stage may go beside dir (same file system, not a link). */
static int beside(const char *dir, char *parent, char *base)
{
	char a[4096], b[4096];
	struct stat sd, sp;

	hvs_strlcpy(a, dir, sizeof(a));
	hvs_strlcpy(b, dir, sizeof(b));
	hvs_strlcpy(parent, dirname(a), 4096);
	hvs_strlcpy(base, basename(b), 4096);
	if (lstat(dir, &sd) || !S_ISDIR(sd.st_mode) || stat(parent, &sp) || sp.st_dev != sd.st_dev)
		return -1;
	return !strcmp(base, ".") || !strcmp(base, "..") || !strcmp(base, "/") ? -1 : 0;
}

int hvs_rpt_stage_open(struct hvs_rpt_stage *s, const char *dir, int charts, char *err, size_t errlen)
{
	char parent[4096], base[4096], prefix[4200], sub[8192];

	memset(s, 0, sizeof(*s));
	s->charts = charts;
	if (hvs_strlcpy(s->dir, dir, sizeof(s->dir)) >= sizeof(s->dir))
		return fail(err, errlen, "cannot write", dir, -ENAMETOOLONG);
	drop_stale_in(dir, STAGE_TAG);
	if (beside(dir, parent, base) == 0) {
		snprintf(prefix, sizeof(prefix), ".%s" STAGE_TAG, base);
		drop_stale_in(parent, prefix);
		if ((size_t)snprintf(s->path, sizeof(s->path), "%s/%s%ld.XXXXXX", parent, prefix,
				     (long)getpid()) < sizeof(s->path) && mkdtemp(s->path))
			goto made;
	}
	s->inside = 1;
	if ((size_t)snprintf(s->path, sizeof(s->path), "%s/" STAGE_TAG "%ld.XXXXXX", dir, (long)getpid()) >=
		    sizeof(s->path) || !mkdtemp(s->path))
		return fail(err, errlen, "cannot create a staging directory in", dir, -errno);
made:
	snprintf(sub, sizeof(sub), "%s/charts", s->path);
	if (charts && mkdir(sub, 0755)) {
		int ret = fail(err, errlen, "cannot create", sub, -errno);

		hvs_rpt_stage_drop(s);
		return ret;
	}
	return 0;
}

void hvs_rpt_stage_drop(struct hvs_rpt_stage *s)
{
	if (s->path[0])
		remove_tree(s->path);
	s->path[0] = '\0';
}

/* A raw copy a report made (NN-name). */
static int is_raw_copy(const char *name)
{
	return name[0] >= '0' && name[0] <= '9' && name[1] >= '0' && name[1] <= '9' && name[2] == '-';
}

/* A further part of a LaTeX table taller than a page: table-2.tex, normalized-wide-3.tex, ... */
static int is_tex_part(const char *name)
{
	static const char *const stem[] = { "table-wide-", "table-", "normalized-wide-", "normalized-" };

	for (size_t i = 0; i < HVS_ARRAY_SIZE(stem); i++) {
		const char *p = name + strlen(stem[i]);

		if (strncmp(name, stem[i], strlen(stem[i])) || *p < '1' || *p > '9')
			continue;
		while (*p >= '0' && *p <= '9')
			p++;
		if (!strcmp(p, ".tex"))
			return 1;
	}
	return 0;
}

/* Is name (in sub: "", "charts" or "raw") a file the report writes? */
static int is_ours(const char *sub, const char *name, int charts)
{
	static const char *const top[] = { "index.html",     "report.md",      "results.csv",
					   "table.tex",      "table-wide.tex", "normalized.tex",
					   "normalized-wide.tex" };

	if (!strcmp(sub, "raw"))
		return is_raw_copy(name);
	if (!strcmp(sub, "charts"))
		return charts && hvs_rpt_charts_is_ours(name);
	for (size_t i = 0; i < HVS_ARRAY_SIZE(top); i++)
		if (!strcmp(name, top[i]))
			return 1;
	return is_tex_part(name) || (charts && !strcmp(name, "gnuplot.log"));
}

struct carry {
	const char *from, *to, *sub;
	int charts, move;
};

static int carry_dir(const char *from, const char *to, const char *sub, int charts, int move);

/*
 * One entry of the old DIR that is not the report's and not in the new one:
 * a hard link (move = 0: before the swap, so it never goes missing) or a
 * rename (move = 1: after the swap, for what could not be linked).
 */
static int carry_one(int dfd, const char *name, void *arg)
{
	const struct carry *c = arg;
	char from[8192], to[8192];
	struct stat st, nst;

	if (is_ours(c->sub, name, c->charts) || fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return 0;
	if ((size_t)snprintf(from, sizeof(from), "%s/%s", c->from, name) >= 4096 ||
	    (size_t)snprintf(to, sizeof(to), "%s/%s", c->to, name) >= 4096)
		return 0;
	if (!c->sub[0] && S_ISDIR(st.st_mode) && (!strcmp(name, "charts") || !strcmp(name, "raw"))) {
		if (mkdir(to, 0755) == 0 || errno == EEXIST)
			carry_dir(from, to, name, c->charts, c->move);
		return 0;
	}
	if (!lstat(to, &nst))
		return 0;
	if (c->move)
		rename(from, to);
	else if (S_ISREG(st.st_mode))
		link(from, to);
	return 0;
}

static int carry_dir(const char *from, const char *to, const char *sub, int charts, int move)
{
	struct carry c = { from, to, sub, charts, move };

	return hvs_dir_each(AT_FDCWD, from, carry_one, &c);
}

/* The new DIR gets the old one's mode and owner (not its ACLs). */
static void same_owner(const char *stage, const char *dir)
{
	struct stat st;

	if (stat(dir, &st))
		return;
	if (chown(stage, st.st_uid, st.st_gid) && errno != EPERM)
		return;
	chmod(stage, st.st_mode & 07777);
}

/* Swap stage and dir in one step. 0 or -errno. */
static int exchange(const char *stage, const char *dir)
{
	if (syscall(SYS_renameat2, AT_FDCWD, stage, AT_FDCWD, dir, RENAME_EXCHANGE) < 0)
		return -errno;
	return 0;
}

struct move {
	const char *from, *to;
	const char *skip; /* a name left for later (index.html), or NULL */
	int ret, moved;
	char bad[4096];
};

/* Rename one staged regular file into the report. */
static int move_one(int dfd, const char *name, void *arg)
{
	struct move *mv = arg;
	char from[4096], to[4096];
	struct stat st;

	if ((mv->skip && !strcmp(name, mv->skip)) || fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) ||
	    !S_ISREG(st.st_mode))
		return 0;
	snprintf(from, sizeof(from), "%s/%s", mv->from, name);
	snprintf(to, sizeof(to), "%s/%s", mv->to, name);
	if ((mv->ret = hvs_rename_into(from, to, 0))) {
		hvs_strlcpy(mv->bad, to, sizeof(mv->bad));
		return 1;
	}
	mv->moved++;
	return 0;
}

/* Every regular file of from into to (again while a pass moves any: readdir while renaming). */
static int move_all(const char *from, const char *to, const char *skip, char *err, size_t errlen)
{
	struct move mv = { .from = from, .to = to, .skip = skip, .moved = 1 };
	int ret;

	if (mkdir(to, 0755) && errno != EEXIST)
		return fail(err, errlen, "cannot create", to, -errno);
	while (mv.moved) {
		mv.moved = 0;
		if ((ret = hvs_dir_each(AT_FDCWD, from, move_one, &mv)))
			return fail(err, errlen, "cannot read", from, ret);
		if (mv.ret)
			return fail(err, errlen, "cannot write", mv.bad, mv.ret);
	}
	return 0;
}

/* A file of an earlier report that this one (staged in arg) does not have: remove it. */
static int drop_old(int dfd, const char *name, void *arg)
{
	if (hvs_rpt_charts_is_ours(name) || is_raw_copy(name) || is_tex_part(name)) {
		char p[4096];

		snprintf(p, sizeof(p), "%s/%s", (const char *)arg, name);
		if (access(p, F_OK))
			unlinkat(dfd, name, 0);
	}
	return 0;
}

/* from = stage/name, to = dir/name (buffers of 4096). */
static int pair(char *from, char *to, const char *stage, const char *dir, const char *name)
{
	if ((size_t)snprintf(from, 4096, "%s/%s", stage, name) >= 4096 ||
	    (size_t)snprintf(to, 4096, "%s/%s", dir, name) >= 4096)
		return -ENAMETOOLONG;
	return 0;
}

/* The fallback: the staged files into dir one by one: raw/, charts/, the tables, index.html last. */
static int commit_files(const char *stage, const char *dir, int charts, char *err, size_t errlen)
{
	char from[4096], to[4096];
	int ret;

	if ((ret = pair(from, to, stage, dir, "raw")))
		return fail(err, errlen, "cannot write", dir, ret);
	hvs_dir_each(AT_FDCWD, to, drop_old, from);
	if ((ret = move_all(from, to, NULL, err, errlen)))
		return ret;
	if (charts) {
		if ((ret = pair(from, to, stage, dir, "charts")))
			return fail(err, errlen, "cannot write", dir, ret);
		hvs_dir_each(AT_FDCWD, to, drop_old, from);
		if ((ret = move_all(from, to, NULL, err, errlen)))
			return ret;
	}
	hvs_dir_each(AT_FDCWD, dir, drop_old, (void *)stage); /* table-2.tex, ...: parts no longer written */
	for (size_t i = 0; i < 2; i++) {
		static const char *const norm[] = { "normalized.tex", "normalized-wide.tex" };

		if ((ret = pair(from, to, stage, dir, norm[i])))
			return fail(err, errlen, "cannot write", dir, ret);
		if (access(from, F_OK))
			unlink(to); /* no baseline now: an earlier report's ratios must not linger */
	}
	if ((ret = move_all(stage, dir, "index.html", err, errlen)))
		return ret;
	if ((ret = pair(from, to, stage, dir, "index.html")) || (ret = hvs_rename_into(from, to, 0)))
		return fail(err, errlen, "cannot write", to, ret);
	return 0;
}

/*
 * What the swap will drop from the old DIR must be the report's regular
 * files (or links): a device, FIFO or socket under a report name is never
 * replaced (the same rule as harness/core/safe_write.c). 0 or -errno.
 */
struct odd {
	const char *dir;
	char bad[4096];
};

/* A LaTeX part name held by something other than a regular file or link: odd->bad. */
static int odd_part(int dfd, const char *name, void *arg)
{
	struct odd *o = arg;
	struct stat st;

	if (!is_tex_part(name) || fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) || S_ISREG(st.st_mode) ||
	    S_ISLNK(st.st_mode))
		return 0;
	snprintf(o->bad, sizeof(o->bad), "%s/%s", o->dir, name);
	return 1;
}

static int check_names(const char *dir, int charts, char *err, size_t errlen)
{
	struct odd odd = { dir, "" };
	static const char *const top[] = { "index.html",     "report.md",           "results.csv",
					   "table.tex",      "table-wide.tex",      "normalized.tex",
					   "normalized-wide.tex", "gnuplot.log", "charts", "raw" };
	char p[8192];
	struct stat st;

	for (size_t i = 0; i < HVS_ARRAY_SIZE(top); i++) {
		int isdir = i >= HVS_ARRAY_SIZE(top) - 2;

		if (!charts && (!strcmp(top[i], "gnuplot.log") || !strcmp(top[i], "charts")))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, top[i]);
		if (lstat(p, &st) || S_ISLNK(st.st_mode) || (isdir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)))
			continue;
		return fail(err, errlen, "cannot write", p, isdir ? -ENOTDIR : -HVS_ENOTREG);
	}
	return hvs_dir_each(AT_FDCWD, dir, odd_part, &odd) < 0 || !odd.bad[0]
		       ? 0
		       : fail(err, errlen, "cannot write", odd.bad, -HVS_ENOTREG);
}

int hvs_rpt_stage_commit(struct hvs_rpt_stage *s, char *err, size_t errlen)
{
	int ret;

	if ((ret = check_names(s->dir, s->charts, err, errlen))) {
		hvs_rpt_stage_drop(s);
		return ret;
	}
	if (!s->inside) {
		carry_dir(s->dir, s->path, "", s->charts, 0);
		same_owner(s->path, s->dir);
		if (exchange(s->path, s->dir) == 0) {
			/* s->path is now the old report: what is left of others' moves over. */
			carry_dir(s->path, s->dir, "", s->charts, 1);
			hvs_rpt_stage_drop(s);
			return 0;
		}
	}
	ret = commit_files(s->path, s->dir, s->charts, err, errlen);
	hvs_rpt_stage_drop(s);
	return ret;
}
