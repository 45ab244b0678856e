/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hvscope.h - definitions every part of hvscope shares: version, exit codes,
 * the one-line error printer and a few small helpers.
 *
 * Library code returns 0 or -errno and never prints or exits; only the
 * command layer (harness/cli/cmd_*.c) prints and chooses the process exit
 * code, through one table: hvs_errno_exit(). Library errors are one
 * negative space, -errno (with the few hvscope errno values below, all
 * >= 4096 so no libc errno can collide with them); no library function
 * returns a negative exit code.
 */
#ifndef HVSCOPE_H
#define HVSCOPE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Build identity (harness/core/version.c; the only file that sees version.h). */
const char *hvs_version(void);
const char *hvs_git_commit(void);
const char *hvs_build_flags(void);
/* The C library linked in: "glibc 2.36", "musl". */
const char *hvs_libc(void);

/*
 * Process exit codes. Every kind of bad input has its own code so a script
 * can tell them apart; 0/1 keep their conventional meaning (success / a
 * negative answer: "none" for detect, "regression" for compare/regress).
 * Anything >= 2 is an error of input or environment, never a verdict, except
 * 12: compare/regress could not tell (inconclusive) and were asked to fail.
 */
enum hvs_exit {
	HVS_EX_OK = 0,
	HVS_EX_FAIL = 1,      /* negative answer: regression found, no virt */
	HVS_EX_USAGE = 2,     /* bad command line */
	HVS_EX_PARSE = 3,     /* malformed or truncated input file */
	HVS_EX_SCHEMA = 4,    /* wrong schema version, wrong type, bad value */
	HVS_EX_TOOBIG = 5,    /* input over the size limit */
	HVS_EX_NODEV = 6,     /* missing device or unsupported here */
	HVS_EX_NOPERM = 7,    /* permission denied */
	HVS_EX_TIMEOUT = 8,   /* a guest or payload hung and was stopped */
	HVS_EX_IO = 9,        /* read/write failure */
	HVS_EX_INTERNAL = 10, /* a bug in hvscope */
	HVS_EX_CONFLICT = 11, /* ingest: another result under a run id the history has */
	HVS_EX_INCONCLUSIVE = 12, /* compare/regress: inconclusive under --fail-on-inconclusive/--require-mde */
};

/* Outcome of one unit of work (benchmark, probe, guest), kselftest style. */
enum hvs_outcome {
	HVS_PASS = 0,
	HVS_FAILED,
	HVS_SKIP,    /* not applicable here; a reason is given */
	HVS_TIMEOUT, /* watchdog fired */
	HVS_INCONCLUSIVE, /* measured, but the data cannot tell the value (a CI across zero); the reason says why */
};

const char *hvs_outcome_name(enum hvs_outcome o);

/* Print "hvscope: <msg>" as one line on stderr. */
void hvs_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same, only when HVSCOPE_DEBUG is set in the environment. */
void hvs_dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Read a whole small file (sysfs, procfs, a dump) into a NUL-terminated
 * buffer. Returns the length or -errno; fails with -EFBIG beyond max bytes.
 * The caller frees *out.
 */
long hvs_read_file(const char *path, size_t max, char **out);

/*
 * Read the first line of a sysfs-style file into buf (trailing newline and
 * spaces removed). Returns the length or -errno.
 */
int hvs_read_line(const char *path, char *buf, size_t len);
/*
 * hvs_read_line() relative to an open directory (openat): reading many
 * files of one sysfs directory skips the path walk for each.
 */
int hvs_read_line_at(int dfd, const char *path, char *buf, size_t len);

/*
 * Call fn(dirfd, name, arg) for each entry of the directory path (relative
 * to dfd) except "." and "..", in the kernel's order, until fn returns
 * non-zero. getdents64 into a stack buffer: opendir() allocates a DIR, and
 * in the musl static build that is an mmap and a munmap per directory, each
 * with page faults that cost ~10 us in a shadow-paged guest. Returns 0, or
 * -errno when the directory cannot be opened or read.
 */
int hvs_dir_each(int dfd, const char *path, int (*fn)(int dirfd, const char *name, void *arg), void *arg);

/* Join root (may be NULL or "") and an absolute path into buf. */
const char *hvs_path(char *buf, size_t len, const char *root, const char *path);

/*
 * Output files (safe_write.c): every file hvscope writes goes through these.
 * A regular file (or nothing, or a symlink: the link itself) at the path is
 * replaced by rename() of a mkostemp() temp file from the same directory;
 * /dev/null, /dev/tty, a FIFO and our own stdout/stderr (/dev/stdout) are
 * written in place; any other device, a socket or a directory is refused
 * (-HVS_ENOTREG, -EISDIR) and left alone. Functions return 0 or -errno.
 */
#define HVS_ENOTREG 4096  /* "errno": the target is a special file we refuse */
/*
 * Input that is readable but wrong, as errno values (the README's exit code
 * in brackets, by hvs_errno_exit()): EBADMSG malformed or truncated (3),
 * HVS_ESCHEMA a wrong schema version, type or value (4), EFBIG over a size
 * limit (5); ENOMEM (10).
 */
#define HVS_ESCHEMA 4097
/*
 * The other conditions a library reports that no libc errno names (exit
 * code in brackets): HVS_EUSAGE a bad argument a user typed, such as a
 * --since or --context value a library parses (2); HVS_ECONFLICT a run id
 * the history holds with other content (11); HVS_EBUG an impossible state,
 * a bug in hvscope (10).
 */
#define HVS_EUSAGE 4098
#define HVS_ECONFLICT 4099
#define HVS_EBUG 4100
#define HVS_W_DURABLE 0x1 /* fsync the file, and its directory after the rename */

struct hvs_wfile {
	FILE *f;        /* write here, then hvs_wcommit() or hvs_wabort() */
	int flags;
	int inplace;    /* writing straight into a FIFO, /dev/null, our stdout */
	char path[4096];
	char tmp[4096]; /* the temp file, "" when in place */
};

int hvs_wopen(struct hvs_wfile *w, const char *path, int flags);
/* Flush, check for errors, rename over the path. Closes w->f either way. */
int hvs_wcommit(struct hvs_wfile *w);
/* Close and remove the temp file: the path is untouched. */
void hvs_wabort(struct hvs_wfile *w);

/* Write data to path through hvs_wopen(path, HVS_W_DURABLE): a crash leaves the old file or the new one. */
int hvs_write_atomic(const char *path, const void *data, size_t len);

/*
 * A new empty file at path, at once (logs, disk images that a child fills):
 * returns an O_CLOEXEC fd or -errno. Same rules as hvs_wopen().
 */
int hvs_wcreate(const char *path, int flags);

/*
 * A new file in a private staging directory (mkdtemp, renamed into place
 * later with hvs_rename_into): O_CREAT|O_EXCL|O_NOFOLLOW. NULL and errno.
 */
FILE *hvs_wfopen_new(const char *path);

/* rename(from, to) only when to may be replaced by the rules above. */
int hvs_rename_into(const char *from, const char *to, int flags);

/* strerror() that also names HVS_ENOTREG (err: positive or negative). */
const char *hvs_strerror(int err);

/* strlcpy-alike: always terminates, returns strlen(src). */
size_t hvs_strlcpy(char *dst, const char *src, size_t len);

/*
 * argv[1] that makes any program linking util.c exit 0 before main() runs:
 * the exec'd child of the fork/exec benchmarks, which exec /proc/self/exe.
 * A constructor does it under glibc, so a unit-test binary cannot recurse
 * into itself; musl gives constructors no argv, so hvscope's main() checks
 * hvs_exec_child() first as well (the musl static build has no unit tests).
 */
#define HVS_EXEC_CHILD_ARG "__exec-child"

/*
 * The one table from an errno (positive) to the README's exit code:
 * EBADMSG -> HVS_EX_PARSE; HVS_ESCHEMA -> HVS_EX_SCHEMA; EFBIG ->
 * HVS_EX_TOOBIG; ENODEV, ENXIO -> HVS_EX_NODEV; EACCES, EPERM ->
 * HVS_EX_NOPERM; ETIME -> HVS_EX_TIMEOUT; ENOMEM, HVS_EBUG ->
 * HVS_EX_INTERNAL; HVS_EUSAGE -> HVS_EX_USAGE; HVS_ECONFLICT ->
 * HVS_EX_CONFLICT; anything else (ENOENT, EISDIR, EROFS, EIO, ENOSPC, ...) -> HVS_EX_IO.
 */
int hvs_errno_exit(int err);
/*
 * The exit code for a failed write (err positive or negative): the same
 * table, narrowed to HVS_EX_NOPERM or HVS_EX_IO (a FIFO without a reader,
 * ENXIO, is a write failure, not a missing device).
 */
int hvs_write_exit(int err);
/*
 * The same narrowing for library code that reports a failed write as
 * -errno: -EACCES or -EPERM as they are, any other err -EIO (so that
 * hvs_errno_exit(-hvs_write_errno(err)) == hvs_write_exit(err)).
 */
int hvs_write_errno(int err);

/* argv is {prog, HVS_EXEC_CHILD_ARG}: the exec'd child, to exit 0 at once. */
int hvs_exec_child(int argc, char **argv);

#define HVS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
