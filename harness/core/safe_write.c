/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * safe_write.c - the one way hvscope writes an output file (issue 16).
 *
 * What is at the path decides how it is written:
 *
 *   nothing, a regular file  a temp file PATH.tmp.XXXXXX from mkostemp()
 *                            in the same directory (O_CREAT|O_EXCL: a
 *                            planted name or symlink is never opened), then
 *                            rename() over PATH: readers see the old file or
 *                            the whole new one. HVS_W_DURABLE adds fsync of
 *                            the file before and of the directory after.
 *   a symbolic link          to a regular file or to nothing: the link itself
 *                            is replaced by the new file, as above; what it
 *                            pointed to is never written (sed -i does the same).
 *   our stdout or stderr     (/dev/stdout, /dev/fd/2, /proc/self/fd/1, the
 *                            terminal): written there in place, like "-".
 *   /dev/null, /dev/tty,     written in place, never replaced (a FIFO with no
 *   a FIFO                   reader fails with ENXIO instead of blocking).
 *   anything else            another device, a socket, a directory (also
 *                            through a link): refused, nothing is touched:
 *                            -HVS_ENOTREG or -EISDIR.
 *
 * The check is repeated just before the rename; a device node planted in
 * between is in a directory the planter can write, so it is theirs.
 */
#include "cleanup.h"
#include "hvscope.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

enum { W_REPLACE, W_INPLACE };

/* 1 or 2 when st is the file our stdout/stderr is open on, else -1. */
static int std_fd_of(const struct stat *st)
{
	struct stat s;

	for (int fd = 1; fd <= 2; fd++)
		if (!fstat(fd, &s) && s.st_dev == st->st_dev && s.st_ino == st->st_ino)
			return fd;
	return -1;
}

/* Targets a user names to see or discard output: written in place. */
static int inplace_ok(const struct stat *st)
{
	if (S_ISFIFO(st->st_mode))
		return 1;
	return S_ISCHR(st->st_mode) && (st->st_rdev == makedev(1, 3) || st->st_rdev == makedev(5, 0));
}

/*
 * How path is written: W_REPLACE, W_INPLACE (*st is the target, *stdfd 1
 * or 2 when it is our stdout/stderr), or -errno / -HVS_ENOTREG.
 */
static int classify(const char *path, struct stat *st, int *stdfd)
{
	struct stat l;

	*stdfd = -1;
	if (lstat(path, &l))
		return errno == ENOENT ? W_REPLACE : -errno;
	if (S_ISREG(l.st_mode))
		return W_REPLACE;
	if (stat(path, st))
		return S_ISLNK(l.st_mode) && errno == ENOENT ? W_REPLACE : -errno;
	if ((*stdfd = std_fd_of(st)) > 0)
		return W_INPLACE;
	if (S_ISDIR(st->st_mode))
		return -EISDIR;
	if (inplace_ok(st))
		return W_INPLACE;
	if (S_ISLNK(l.st_mode) && S_ISREG(st->st_mode))
		return W_REPLACE;
	return -HVS_ENOTREG;
}

/* Open the in-place target and check it is still the file classify() saw. */
static int open_inplace(const char *path, const struct stat *st, int stdfd)
{
	struct stat now;
	int fd;

	if (stdfd > 0) {
		fflush(stdfd == 1 ? stdout : stderr);
		fd = fcntl(stdfd, F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? -errno : fd;
	}
	fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &now) || now.st_dev != st->st_dev || now.st_ino != st->st_ino || !inplace_ok(&now) ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		close(fd);
		return -HVS_ENOTREG;
	}
	return fd;
}

/* A fresh PATH.tmp.XXXXXX beside path, with the mode a plain create would get. */
static int open_temp(const char *path, char *tmp, size_t len)
{
	mode_t mask;
	int fd;

	if ((size_t)snprintf(tmp, len, "%s.tmp.XXXXXX", path) >= len)
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	hvs_cleanup_add(tmp); /* full table: not removed on a signal, still atomic */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0) {
		int ret = -errno;

		close(fd);
		unlink(tmp);
		hvs_cleanup_forget(tmp);
		return ret;
	}
	hvs_pause_point("write");
	return fd;
}

/* fsync the directory that holds path (a rename is durable only then). */
static int sync_dir_of(const char *path)
{
	char buf[4096];
	int fd, ret = 0;

	if (hvs_strlcpy(buf, path, sizeof(buf)) >= sizeof(buf))
		return -ENAMETOOLONG;
	fd = open(dirname(buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0 && errno != EINVAL)
		ret = -errno;
	close(fd);
	return ret;
}

int hvs_rename_into(const char *from, const char *to, int flags)
{
	struct stat st;
	int stdfd, k = classify(to, &st, &stdfd);

	if (k < 0)
		return k;
	if (k != W_REPLACE)
		return -HVS_ENOTREG;
	if (rename(from, to) < 0)
		return -errno;
	return flags & HVS_W_DURABLE ? sync_dir_of(to) : 0;
}

int hvs_wopen(struct hvs_wfile *w, const char *path, int flags)
{
	struct stat st;
	int stdfd, fd, k;

	memset(w, 0, sizeof(*w));
	w->flags = flags;
	if (hvs_strlcpy(w->path, path, sizeof(w->path)) >= sizeof(w->path))
		return -ENAMETOOLONG;
	k = classify(path, &st, &stdfd);
	if (k < 0)
		return k;
	w->inplace = k == W_INPLACE;
	fd = w->inplace ? open_inplace(path, &st, stdfd) : open_temp(path, w->tmp, sizeof(w->tmp));
	if (fd < 0)
		return fd;
	w->f = fdopen(fd, "w");
	if (!w->f) {
		hvs_wabort(w);
		close(fd);
		return -ENOMEM;
	}
	return 0;
}

void hvs_wabort(struct hvs_wfile *w)
{
	if (w->f)
		fclose(w->f);
	w->f = NULL;
	if (!w->inplace && w->tmp[0]) {
		unlink(w->tmp);
		hvs_cleanup_forget(w->tmp);
	}
	w->tmp[0] = '\0';
}

/* Flush and close w->f (fsync first when durable). Returns 0 or -errno. */
static int wclose(struct hvs_wfile *w)
{
	int ret = 0;

	if (fflush(w->f) || ferror(w->f))
		ret = errno ? -errno : -EIO;
	if (!ret && !w->inplace && (w->flags & HVS_W_DURABLE) && fsync(fileno(w->f)) < 0 && errno != EINVAL)
		ret = -errno;
	if (fclose(w->f) && !ret)
		ret = errno ? -errno : -EIO;
	w->f = NULL;
	return ret;
}

int hvs_wcommit(struct hvs_wfile *w)
{
	int ret;

	errno = 0;
	ret = wclose(w);
	if (w->inplace || !w->tmp[0])
		return ret;
	if (!ret)
		ret = hvs_rename_into(w->tmp, w->path, w->flags);
	if (ret)
		unlink(w->tmp);
	hvs_cleanup_forget(w->tmp);
	w->tmp[0] = '\0';
	return ret;
}

FILE *hvs_wfopen_new(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	FILE *f;

	if (fd < 0)
		return NULL;
	if (!(f = fdopen(fd, "w"))) {
		close(fd);
		unlink(path);
	}
	return f;
}

int hvs_write_atomic(const char *path, const void *data, size_t len)
{
	struct hvs_wfile w;
	int ret = hvs_wopen(&w, path, HVS_W_DURABLE);

	if (ret)
		return ret;
	if (len && fwrite(data, 1, len, w.f) != len) {
		ret = errno ? -errno : -EIO;
		hvs_wabort(&w);
		return ret;
	}
	return hvs_wcommit(&w);
}

int hvs_wcreate(const char *path, int flags)
{
	struct hvs_wfile w;
	int ret = hvs_wopen(&w, path, flags), fd;

	if (ret)
		return ret;
	fd = fcntl(fileno(w.f), F_DUPFD_CLOEXEC, 3);
	if (fd < 0) {
		ret = -errno;
		hvs_wabort(&w);
		return ret;
	}
	ret = hvs_wcommit(&w);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

const char *hvs_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err == HVS_ENOTREG)
		return "not a regular file (hvscope never replaces a device, socket or other special file)";
	if (err == HVS_ESCHEMA)
		return "wrong schema version, type or value";
	if (err == HVS_EUSAGE)
		return "bad argument";
	if (err == HVS_ECONFLICT)
		return "a run id the history holds with other content";
	if (err == HVS_EBUG)
		return "internal error (a bug in hvscope)";
	return strerror(err);
}

