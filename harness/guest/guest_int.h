/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guest_int.h - what the pieces of one matrix target share, private to
 * harness/guest/ (the public face is guest.h):
 *
 *   spawn.c          children in their own process group under a watchdog,
 *                    polled, killed as a group; the tails of their logs
 *   target.c         one target: its jobs (the hvscope command lines run
 *                    inside), collecting and merging their results into
 *                    DIR/NAME.json, the dispatch to the kind's file
 *   target_native.c  native: this hvscope re-executed on the host
 *   target_boot.c    qemu, xen, kvm-amd, kvm-l2: scripts/boot-guest.sh
 *   target_ssh.c     ssh: an existing machine over OpenSSH
 *   target_image.c   image: the ring-0 image through scripts/run-image.sh
 */
#ifndef HVS_GUEST_INT_H
#define HVS_GUEST_INT_H

#include "guest.h"
#include "core/hvscope.h"
#include "results/result.h"

#include <stddef.h>
#include <sys/types.h>

/* ---- spawn.c ------------------------------------------------------------ */

/* The process group being watched, for the matrix run's signal handler. */
extern volatile pid_t hvs_guest_current_pgid;

/* Seconds on the monotonic clock of core/timing.h. */
double guest_now_s(void);
void guest_sleep_ms(unsigned ms);

/* Start argv in a new process group (stdout, stderr to new files or /dev/null). Returns the pid or -errno. */
pid_t guest_spawn_start(char *const argv[], const char *out_path, const char *err_path,
			const char *env_extra);

/*
 * Poll pid until it exits or deadline (guest_now_s() clock). Returns its
 * status (exit code, or 128+signal), GUEST_SPAWN_RUNNING when still running
 * at the deadline (not killed), or -errno.
 */
int guest_spawn_poll(pid_t pid, double deadline);
enum { GUEST_SPAWN_RUNNING = 1000 }; /* beyond any exit status (0..255) */

/* End the process group of pid: SIGTERM, then SIGKILL after 3 s. Reaps pid. */
void guest_spawn_kill(pid_t pid);

/*
 * What scripts/boot-guest.sh and run-image.sh exit with, and `hvscope kvm`
 * run on a serial log: the README's exit codes.
 */
enum {
	SCRIPT_EX_FAIL = HVS_EX_FAIL,       /* kvm: a benchmark failed */
	SCRIPT_EX_NODEV = HVS_EX_NODEV,     /* cannot start here (no QEMU, no KVM, ...) */
	SCRIPT_EX_TIMEOUT = HVS_EX_TIMEOUT, /* the watchdog stopped the guest */
};

/* The last lines of a file (at most cap bytes) into buf. */
void guest_file_tail(const char *path, int lines, char *buf, size_t cap);
/* The last non-empty line of a file, for a one-line reason. */
void guest_last_line(const char *path, char *buf, size_t cap);
/* The first line of a file starting with prefix (without it), else its last line. */
void guest_first_line_of(const char *path, const char *prefix, char *buf, size_t cap);

/* ---- target.c ----------------------------------------------------------- */

struct job {
	char args[HVS_GT_STR + 400]; /* hvscope subcommand and options */
	/* JOB_KVM: `hvscope kvm`, whose table goes to stdout: its result file is
	 * written to a path (not stdout) and merged like a run's */
	enum { JOB_PROBE, JOB_RUN, JOB_KVM, JOB_OTHER } type;
};

/* A job whose --out result is merged into the target's result file. */
#define JOB_RESULT(jb) ((jb)->type == JOB_RUN || (jb)->type == JOB_KVM)

struct jobs {
	struct job v[HVS_GT_MAX_CMDS + 2];
	int n;
};

/* What a target's jobs brought home, merged into DIR/NAME.json at the end. */
struct merged {
	struct hvs_result *base; /* the first run's result: its context and run info */
	struct hvs_metrics extra; /* metrics of later runs and the host side */
	int retried;              /* kvm-l2: boot-guest.sh retried a stalled boot (tag retried=l1-stall) */
};

/* Job i's output file suffix ("1.probe.json", "2.run.json", "3.out", ...) in buf. */
const char *guest_job_suffix(const struct job *jb, int i, char *buf, size_t len);

/* Split s in place at blanks into argv (NULL-terminated, at most max - 1 words). */
int guest_split_words(char *s, char **argv, int max);

/*
 * A shell command line for job args: prefix (constant text, NULL for none),
 * then path quoted (NULL for none), then every word of args quoted
 * (shquote.h). With out set, the word after "--out" that is "-" becomes out.
 * Return 0 or -E2BIG.
 */
int guest_job_command(const char *args, const char *prefix, const char *path, const char *out,
		      char *cmd, size_t len);

/* r's outcome o with a reason, unless an earlier failure set one. */
void guest_fail(struct hvs_gresult *r, enum hvs_outcome o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Collect the job outputs in DIR (named NAME.<suffix>; rcs[i] job i's exit
 * status): run results are merged, probe output must at least be
 * JSON-looking, failures noted.
 */
void guest_collect(const struct hvs_gtarget *t, const struct hvs_grun_opts *o, const struct jobs *j,
		   const int *rcs, struct merged *mg, struct hvs_gresult *r);

/*
 * ---- one file per kind --------------------------------------------------
 * Each runs target t's jobs j before deadline (guest_now_s() clock), its
 * results into mg (the image writes DIR/NAME.json itself), its failures
 * into r. Each returns 0: every failure lands in r.
 */
int guest_run_native(const struct hvs_gtarget *t, const struct hvs_grun_opts *o, const struct jobs *j,
		     double deadline, struct merged *mg, struct hvs_gresult *r);
int guest_run_boot(const struct hvs_gtarget *t, const struct hvs_grun_opts *o, const struct jobs *j,
		   double deadline, struct merged *mg, struct hvs_gresult *r);
int guest_run_ssh(const struct hvs_gtarget *t, const struct hvs_grun_opts *o, const struct jobs *j,
		  double deadline, struct merged *mg, struct hvs_gresult *r);
int guest_run_image(const struct hvs_gtarget *t, const struct hvs_grun_opts *o, double deadline,
		    struct hvs_gresult *r);

#endif
