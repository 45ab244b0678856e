/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cleanup.c - remove temp paths and stop a child on SIGINT/SIGTERM/SIGHUP
 * (cleanup.h). The table is fixed-size and static so the handler needs no
 * allocation; a slot is published by setting its flag after its path is
 * complete and retired by clearing the flag first.
 */
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CLEANUP_SLOTS 8
#define CLEANUP_PATH 4096
#define TREE_DEPTH 8

static char paths[CLEANUP_SLOTS][CLEANUP_PATH];
static volatile sig_atomic_t used[CLEANUP_SLOTS];
static volatile pid_t watched;

int hvs_cleanup_add(const char *path)
{
	size_t len = strlen(path);

	if (len >= CLEANUP_PATH)
		return -ENAMETOOLONG;
	for (int i = 0; i < CLEANUP_SLOTS; i++)
		if (!used[i]) {
			memcpy(paths[i], path, len + 1);
			used[i] = 1;
			return 0;
		}
	return -ENOSPC;
}

void hvs_cleanup_forget(const char *path)
{
	for (int i = 0; i < CLEANUP_SLOTS; i++)
		if (used[i] && !strcmp(paths[i], path))
			used[i] = 0;
}

void hvs_cleanup_watch(pid_t pid)
{
	watched = pid;
}

/* Remove name (relative to dirfd) and, for a directory, what it holds. */
static int rm_at(int dirfd, const char *name, int depth)
{
	unsigned long long buf[256]; /* 8-aligned, as getdents64 records are */
	int fd, ret = 0;
	long n;

	if (!unlinkat(dirfd, name, 0) || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -errno;
	if (depth >= TREE_DEPTH)
		return -ELOOP;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* getdents64 and not readdir(): no malloc, so a signal handler may call it. */
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct {
				unsigned long long ino;
				long long off;
				unsigned short reclen;
				unsigned char type;
				char name[];
			} *d = (void *)((char *)buf + off);

			off += d->reclen;
			if (!strcmp(d->name, ".") || !strcmp(d->name, ".."))
				continue;
			if (rm_at(fd, d->name, depth + 1) && !ret)
				ret = -EIO;
		}
	}
	close(fd);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) && errno != ENOENT && !ret)
		ret = -errno;
	return ret;
}

int hvs_cleanup_remove(const char *path)
{
	int ret = rm_at(AT_FDCWD, path, 0);

	hvs_cleanup_forget(path);
	return ret;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void put(const char *s)
{
	ssize_t r = write(2, s, strlen(s));

	(void)r;
}

void hvs_cleanup_handler(int sig)
{
	pid_t pid = watched;
	int saved = errno, st, removed = 0;

	if (pid) {
		pid_t reap = pid < 0 ? -pid : pid;

		kill(pid, SIGTERM);
		for (int i = 0; i < 60 && waitpid(reap, &st, WNOHANG) == 0; i++)
			nap_ms(50);
		kill(pid, SIGKILL); /* stragglers (of the group) */
		waitpid(reap, &st, WNOHANG);
		watched = 0;
	}
	for (int i = 0; i < CLEANUP_SLOTS; i++)
		if (used[i]) {
			used[i] = 0;
			rm_at(AT_FDCWD, paths[i], 0);
			removed++;
		}
	put(sig == SIGINT ? "hvscope: interrupted (SIGINT)" :
	    sig == SIGTERM ? "hvscope: terminated (SIGTERM)" : "hvscope: hung up (SIGHUP)");
	put(removed ? "; temp files removed\n" : "\n");
	errno = saved;
	signal(sig, SIG_DFL);
	raise(sig);
}

void hvs_cleanup_on_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = hvs_cleanup_handler;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGHUP);
	for (int i = 0; i < 3; i++) {
		int sig = i == 0 ? SIGINT : i == 1 ? SIGTERM : SIGHUP;
		struct sigaction old;

		/* Ignored when we started (nohup, a background job): stays ignored. */
		if (!sigaction(sig, NULL, &old) && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sig, &sa, NULL);
	}
}

void hvs_pause_point(const char *phase)
{
	const char *at = getenv("HVSCOPE_PAUSE_AT");

	if (!at || strcmp(at, phase))
		return;
	fprintf(stderr, "hvscope: pause at %s (HVSCOPE_PAUSE_AT)\n", phase);
	nap_ms(60000);
}
