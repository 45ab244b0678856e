/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cleanup.h - what a SIGINT, SIGTERM or SIGHUP must undo: temp paths to
 * remove (files, or directory trees like /tmp/hvscope-run-XXXXXX) and the
 * one child (or process group) to stop first. The handler then dies by the
 * same signal, so the caller's shell sees 128+N (130 for Ctrl-C, 143 for
 * SIGTERM: README, exit codes). Everything the handler does is
 * async-signal-safe (kill, waitpid, nanosleep, getdents64, unlinkat, write).
 */
#ifndef HVS_CORE_CLEANUP_H
#define HVS_CORE_CLEANUP_H

#include <sys/types.h>

/*
 * hvs_cleanup_add - remove path (a file, or a directory and what it holds)
 * if a signal ends the process before hvs_cleanup_forget(path).
 * Return: 0, -ENAMETOOLONG, or -ENOSPC when the table (8 paths) is full.
 */
int hvs_cleanup_add(const char *path);
/* hvs_cleanup_forget - path is no longer ours to remove (renamed, removed). */
void hvs_cleanup_forget(const char *path);
/* hvs_cleanup_remove - remove path (a tree) now and forget it. Return 0 or -errno. */
int hvs_cleanup_remove(const char *path);
/*
 * hvs_cleanup_watch - the child to stop on a signal before the paths go:
 * pid > 0 a process, pid < 0 the process group -pid, 0 none. It gets
 * SIGTERM, then SIGKILL after 3 s, and is reaped when it is our child.
 */
void hvs_cleanup_watch(pid_t pid);
/* hvs_cleanup_on_signals - install hvs_cleanup_handler for SIGINT, SIGTERM,
 * SIGHUP, except those ignored at start (nohup, a shell's background job). */
void hvs_cleanup_on_signals(void);
/* hvs_cleanup_handler - stop the watched child, remove the paths, die by sig. */
void hvs_cleanup_handler(int sig);
/*
 * hvs_pause_point - a test seam: when $HVSCOPE_PAUSE_AT names phase, say so
 * on stderr and sleep 60 s there (tests/interrupt.t interrupts each phase).
 */
void hvs_pause_point(const char *phase);

#endif
