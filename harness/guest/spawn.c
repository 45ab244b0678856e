/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spawn.c - the children of a matrix target (boot-guest.sh with its QEMU,
 * run-image.sh, ssh/scp, a native hvscope), each in its own process group,
 * so the watchdog ends all of it with one kill(-pgid): SIGTERM first
 * (boot-guest.sh's trap then kills QEMU and removes its temporary files),
 * SIGKILL 3 s later. And what a child leaves behind for a one-line reason:
 * the tail of its log.
 */
#include "guest_int.h"
#include "core/hvscope.h"
#include "core/timing.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The process group being watched, for the matrix run's signal handler (matrix_run.c). */
volatile pid_t hvs_guest_current_pgid;

double guest_now_s(void)
{
	return (double)hvs_now_ns() / 1e9;
}

void guest_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* A child's log: a new file through the safe writer (harness/core/safe_write.c), or /dev/null. */
static int open_log(const char *path)
{
	int fd;

	if (!path)
		return open("/dev/null", O_WRONLY | O_CLOEXEC);
	fd = hvs_wcreate(path, 0);
	if (fd < 0) {
		errno = -fd;
		return -1;
	}
	return fd;
}

/* Start argv in a new process group (guest_int.h). */
pid_t guest_spawn_start(char *const argv[], const char *out_path, const char *err_path,
			const char *env_extra)
{
	int o, e, ret;
	pid_t pid;

	fflush(NULL);
	o = open_log(out_path);
	if (o < 0)
		return -errno;
	e = open_log(err_path);
	if (e < 0) {
		ret = -errno;
		close(o);
		return ret;
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(o);
		close(e);
		return ret;
	}
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		if (in < 0 || o < 0 || e < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		if (env_extra)
			putenv((char *)env_extra);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execvp(argv[0], argv);
		dprintf(2, "hvscope: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(o);
	close(e);
	setpgid(pid, pid); /* both sides, so no kill can miss the group */
	hvs_guest_current_pgid = pid;
	return pid;
}

/* End the process group of pid: SIGTERM, then SIGKILL after 3 s. Reaps pid. */
void guest_spawn_kill(pid_t pid)
{
	int st;

	kill(-pid, SIGTERM);
	for (int i = 0; i < 60; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			kill(-pid, SIGKILL); /* stragglers of the group */
			hvs_guest_current_pgid = 0;
			return;
		}
		guest_sleep_ms(50);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, &st, 0);
	hvs_guest_current_pgid = 0;
}

/* Poll pid until it exits or the deadline (guest_int.h). */
int guest_spawn_poll(pid_t pid, double deadline)
{
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid) {
			hvs_guest_current_pgid = 0;
			kill(-pid, SIGKILL); /* leftovers of its group (e.g. a QEMU) */
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		if (r < 0 && errno != EINTR)
			return -errno;
		if (guest_now_s() >= deadline)
			return GUEST_SPAWN_RUNNING;
		guest_sleep_ms(50);
	}
}

int hvs_guest_spawn(char *const argv[], const char *out_path, const char *err_path,
		    unsigned timeout_s, const char *env_extra)
{
	pid_t pid = guest_spawn_start(argv, out_path, err_path, env_extra);
	int ret;

	if (pid < 0)
		return pid;
	ret = guest_spawn_poll(pid, guest_now_s() + timeout_s);
	if (ret == GUEST_SPAWN_RUNNING) {
		guest_spawn_kill(pid);
		return -ETIME;
	}
	return ret;
}

/* The last lines of a file (at most cap bytes) into buf. */
void guest_file_tail(const char *path, int lines, char *buf, size_t cap)
{
	char *data = NULL;
	long n = hvs_read_file(path, 64u << 20, &data);
	long p;
	int seen = 0;
	size_t k = 0;

	buf[0] = 0;
	if (n <= 0) {
		free(data);
		return;
	}
	for (p = n - 1; p > 0; p--)
		if (data[p - 1] == '\n' && ++seen >= lines)
			break;
	if ((size_t)(n - p) >= cap)
		p = n - (long)cap + 1;
	for (long i = p; i < n && k + 1 < cap; i++)
		if (data[i] != '\r' && (data[i] == '\n' || data[i] == '\t' || (unsigned char)data[i] >= 0x20))
			buf[k++] = data[i];
	buf[k] = 0;
	free(data);
}

/* The last non-empty line of a file, for a one-line reason. */
void guest_last_line(const char *path, char *buf, size_t cap)
{
	char tail[2048], *e, *s;

	guest_file_tail(path, 3, tail, sizeof(tail));
	e = tail + strlen(tail);
	while (e > tail && (e[-1] == '\n' || e[-1] == ' '))
		*--e = 0;
	s = strrchr(tail, '\n');
	hvs_strlcpy(buf, s ? s + 1 : tail, cap);
}

/* The first line of a file starting with prefix (without it), else its last line. */
void guest_first_line_of(const char *path, const char *prefix, char *buf, size_t cap)
{
	char *data = NULL, *p;
	long n = hvs_read_file(path, 1u << 20, &data);
	size_t l = strlen(prefix);

	buf[0] = 0;
	for (p = n > 0 ? data : NULL; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, prefix, l)) {
			char *e = strchr(p, '\n');

			if (e)
				*e = 0;
			hvs_strlcpy(buf, p + l, cap);
			break;
		}
	}
	free(data);
	if (!buf[0])
		guest_last_line(path, buf, cap);
}

