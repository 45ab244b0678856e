/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util.c - small helpers shared by every part of hvscope: error lines,
 * file reading with a size bound (writing files: safe_write.c).
 */
#include "hvscope.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * See HVS_EXEC_CHILD_ARG. glibc passes (argc, argv, envp) to constructors,
 * so every glibc binary that links this file (hvscope, the unit tests) exits
 * here. musl calls constructors with no arguments: there main() checks the
 * same thing first (hvs_exec_child()).
 */
#ifdef __GLIBC__
__attribute__((constructor)) static void exec_child_exit(int argc, char **argv, char **envp)
{
	(void)envp;
	if (hvs_exec_child(argc, argv))
		_exit(0);
}
#endif

int hvs_exec_child(int argc, char **argv)
{
	return argc == 2 && argv && argv[1] && !strcmp(argv[1], HVS_EXEC_CHILD_ARG);
}

const char *hvs_outcome_name(enum hvs_outcome o)
{
	switch (o) {
	case HVS_PASS: return "pass";
	case HVS_FAILED: return "fail";
	case HVS_SKIP: return "skip";
	case HVS_TIMEOUT: return "timeout";
	case HVS_INCONCLUSIVE: return "inconclusive";
	}
	return "?";
}

void hvs_err(const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* One line, always: fold any newline a caller's string carried in. */
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	fprintf(stderr, "hvscope: %s\n", buf);
}

void hvs_dbg(const char *fmt, ...)
{
	va_list ap;

	if (!getenv("HVSCOPE_DEBUG"))
		return;
	va_start(ap, fmt);
	fputs("hvscope[debug]: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/*
 * Files are opened with openat(AT_FDCWD, ...), not open(): musl's open()
 * follows an O_CLOEXEC open with an fcntl(F_SETFD) for kernels older than
 * 2.6.23, one more syscall per file in the static build's probe.
 */
long hvs_read_file(const char *path, size_t max, char **out)
{
	int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, len = 0;
	char *buf = NULL;
	long ret;

	*out = NULL;
	if (fd < 0)
		return -errno;
	buf = malloc(cap + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb;

			if (cap >= max) {
				ret = -EFBIG;
				goto out;
			}
			cap = cap * 2 > max ? max : cap * 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				ret = -ENOMEM;
				goto out;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	buf = NULL;
	ret = (long)len;
out:
	free(buf);
	close(fd);
	return ret;
}

int hvs_read_line_at(int dfd, const char *path, char *buf, size_t len)
{
	int fd;
	ssize_t n;

	if (len == 0)
		return -EINVAL;
	buf[0] = '\0';
	fd = openat(dfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	close(fd);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	n = (ssize_t)strlen(buf);
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	return (int)n;
}

int hvs_read_line(const char *path, char *buf, size_t len)
{
	return hvs_read_line_at(AT_FDCWD, path, buf, len);
}

/* The kernel's record for getdents64(2). */
struct hvs_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

int hvs_dir_each(int dfd, const char *path, int (*fn)(int dirfd, const char *name, void *arg), void *arg)
{
	_Alignas(8) char buf[4096];
	int fd = openat(dfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		for (long off = 0; off < n;) {
			unsigned short reclen;
			const char *name = buf + off + offsetof(struct hvs_dirent64, d_name);

			memcpy(&reclen, buf + off + offsetof(struct hvs_dirent64, d_reclen), sizeof(reclen));
			if (reclen == 0)
				break;
			off += reclen;
			if (!strcmp(name, ".") || !strcmp(name, ".."))
				continue;
			if (fn(fd, name, arg)) {
				close(fd);
				return 0;
			}
		}
	}
	close(fd);
	return rc;
}

int hvs_errno_exit(int err)
{
	switch (err) {
	case EBADMSG:
		return HVS_EX_PARSE;
	case HVS_ESCHEMA:
		return HVS_EX_SCHEMA;
	case ENOMEM:
	case HVS_EBUG:
		return HVS_EX_INTERNAL;
	case HVS_EUSAGE:
		return HVS_EX_USAGE;
	case HVS_ECONFLICT:
		return HVS_EX_CONFLICT;
	case EACCES:
	case EPERM:
		return HVS_EX_NOPERM;
	case EFBIG:
		return HVS_EX_TOOBIG;
	case ETIME:
		return HVS_EX_TIMEOUT;
	case ENODEV:
	case ENXIO:
		return HVS_EX_NODEV;
	default:
		return HVS_EX_IO;
	}
}

int hvs_write_exit(int err)
{
	return hvs_errno_exit(err < 0 ? -err : err) == HVS_EX_NOPERM ? HVS_EX_NOPERM : HVS_EX_IO;
}

int hvs_write_errno(int err)
{
	if (err < 0)
		err = -err;
	return err == EACCES || err == EPERM ? -err : -EIO;
}

const char *hvs_path(char *buf, size_t len, const char *root, const char *path)
{
	snprintf(buf, len, "%s%s", root ? root : "", path);
	return buf;
}

size_t hvs_strlcpy(char *dst, const char *src, size_t len)
{
	size_t n = strlen(src);

	if (len) {
		size_t c = n < len - 1 ? n : len - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}
