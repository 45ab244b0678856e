/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guest.h - the guest matrix of `hvscope guest --matrix FILE`: a declarative
 * list of targets (native, QEMU, Xen, ssh, the ring-0 image), each started
 * with a watchdog, hvscope run inside it, its results brought home into one
 * directory (one result file per target, tagged with the target's name),
 * and each guest's numbers set beside the native ones.
 *
 * The matrix file format is in docs/matrix.md. Launching goes through the
 * project's scripts: scripts/boot-guest.sh (QEMU and Xen, with the
 * initramfs of scripts/mkinitramfs.sh), scripts/run-image.sh (the ring-0
 * image), and OpenSSH's ssh/scp for existing guests.
 */
#ifndef HVS_GUEST_H
#define HVS_GUEST_H

#include "core/metric.h"

#include <stddef.h>

#define HVS_GT_NAME_MAX 48
#define HVS_GT_MAX_CMDS 16
#define HVS_GT_MAX_QARGS 16
#define HVS_GT_STR 512
#define HVS_MATRIX_MAX_TARGETS 64
#define HVS_MATRIX_MAX_ROUNDS 64 /* = compare's runs a side */

enum hvs_gt_kind {
	HVS_GT_NATIVE = 0,
	HVS_GT_QEMU,
	HVS_GT_XEN,
	HVS_GT_SSH,
	HVS_GT_IMAGE,
	HVS_GT_KVM_AMD, /* Linux with kvm_amd on QEMU TCG's emulated SVM: hvscope kvm runs on a real KVM */
	HVS_GT_KVM_L2,  /* a hardware-assisted L2: QEMU -accel kvm inside that kvm_amd guest */
};

const char *hvs_gt_kind_name(enum hvs_gt_kind k);

struct hvs_gtarget {
	char name[HVS_GT_NAME_MAX]; /* [A-Za-z0-9_.-]: becomes file names and the target tag */
	enum hvs_gt_kind kind;
	int line;                   /* of its [section] in the matrix file */
	unsigned timeout_s;         /* watchdog for the whole target */
	/* hvscope command lines to run inside, without the program name ("probe") */
	char cmds[HVS_GT_MAX_CMDS][HVS_GT_STR];
	int ncmds;
	char workloads[16]; /* "", "quick", "default": add the macro workloads */
	int net;            /* host-side workload.net.rr against an echo server in the target */
	unsigned disk_mib;  /* qemu/xen: a virtio disk of this size, backed by a host file */
	/* qemu / xen */
	char mode[8];       /* xen: pv or pvh */
	char paging[8];     /* kvm-amd, kvm-l2: npt (kvm_amd.npt=1) or shadow (npt=0) */
	char accel[8];      /* tcg or kvm */
	char cpu[128];
	char machine[32];
	unsigned mem_mib, smp;
	char kernel[HVS_GT_STR], initrd[HVS_GT_STR], xen[HVS_GT_STR];
	char append[HVS_GT_STR], xen_append[HVS_GT_STR];
	char qemu_args[HVS_GT_MAX_QARGS][HVS_GT_STR];
	int nqemu_args;
	/* ssh */
	char host[256];     /* [user@]host */
	unsigned port;
	char identity[HVS_GT_STR];
	char remote_dir[256];
	char ssh_opts[HVS_GT_MAX_QARGS][HVS_GT_STR]; /* -o values */
	int nssh_opts;
	/* image */
	char image_append[HVS_GT_STR];
};

struct hvs_matrix {
	struct hvs_gtarget *t;
	size_t n;
	char baseline[HVS_GT_NAME_MAX]; /* "" = the first native target */
	unsigned rounds;                /* [defaults] rounds = N: round-robin rounds (0 = one) */
};

/*
 * Parse a matrix file's text (len bytes). Returns 0, or -HVS_ESCHEMA /
 * -ENOMEM with "LINE: what" in err.
 */
int hvs_matrix_parse(const char *buf, size_t len, struct hvs_matrix *m, char *err, size_t errlen);

/* Read and parse path. Returns as hvs_matrix_parse, or the -errno of reading it. */
int hvs_matrix_load(const char *path, struct hvs_matrix *m, char *err, size_t errlen);

void hvs_matrix_free(struct hvs_matrix *m);

/* Options of one matrix run. */
struct hvs_grun_opts {
	const char *out_dir;   /* results land here */
	const char *src;       /* the source tree (scripts/), from $HVS_SRC or the binary's place */
	const char *self;      /* this hvscope (native targets re-execute it) */
	const char *statbin;   /* hvscope-static (copied into guests) */
	unsigned timeout_s;    /* --timeout: overrides every target's */
	int verbose;
};

/* What became of one target. */
struct hvs_gresult {
	char name[HVS_GT_NAME_MAX];
	enum hvs_outcome outcome;
	char reason[512];      /* why not PASS (one line) */
	char tail[4096];       /* console tail when a guest failed */
	double seconds;
	char result_path[1024]; /* merged result file, "" when none */
	int nmetrics;
};

/*
 * Run target t: start it under a watchdog, run its commands, write
 * DIR/NAME.json (the result, tagged target=NAME) and side files
 * (NAME.probe.json, NAME.console.log, ...), tear it down. Never exits:
 * every failure lands in r. Returns 0 (even when the target failed) or
 * -errno for a failure of the host side itself (cannot write DIR).
 */
int hvs_guest_run_target(const struct hvs_gtarget *t, const struct hvs_grun_opts *o,
			 struct hvs_gresult *r);

/*
 * Run cmd (argv, NULL-terminated) in its own process group with stdout to
 * out_path and stderr to err_path (either may be NULL: /dev/null), killing
 * the group after timeout_s (SIGTERM, then SIGKILL 3 s later). Returns the
 * exit status (0..255), 128+signal, -ETIME on timeout or -errno.
 */
int hvs_guest_spawn(char *const argv[], const char *out_path, const char *err_path,
		    unsigned timeout_s, const char *env_extra);

/*
 * Host-side network request/response against an echo server at peer
 * ("127.0.0.1:PORT"), or a local echo child when peer is NULL: the
 * workload.net.rr metric appended to set. Returns 0 or -errno.
 */
int hvs_guest_net_rr(const char *peer, const char *what, struct hvs_metrics *set);

/*
 * The overhead table: every target's metrics against the baseline's, as a
 * percentage of the baseline's performance (higher = closer to native) with
 * the 95% bootstrap CI of the ratio of medians (harness/analysis/compare.c). Writes
 * DIR/summary.md and DIR/summary.json (the command prints summary.md).
 * Returns 0 or -errno.
 */
int hvs_guest_summary(const char *out_dir, const struct hvs_gresult *res, size_t n,
		      const char *baseline);

/* ---- a whole matrix run (matrix_run.c) ---------------------------------- */

/* Whether name is one of list's comma-separated names. */
int hvs_matrix_in_list(const char *list, const char *name);

/* The index of target name in m, or -1. */
long hvs_matrix_find(const struct hvs_matrix *m, const char *name);

/* An unset m->baseline becomes the first native target's name (if any). */
void hvs_matrix_default_baseline(struct hvs_matrix *m);

/* The baseline the summary names: m->baseline, else "native". */
const char *hvs_matrix_baseline(const struct hvs_matrix *m);

/* hvscope-matrix-YYYYMMDDTHHMMSS (now, UTC) in buf. */
const char *hvs_matrix_default_out(char *buf, size_t len);

/*
 * What a run needs to find: src (the source tree with scripts/: $HVS_SRC,
 * else two levels above this binary when scripts/boot-guest.sh is there,
 * else "."), self (/proc/self/exe) and statbin (the binary copied into
 * guests: $HVSCOPE_STATIC, else hvscope-static beside self, else self).
 * Returns 0 or -errno (self not found).
 */
int hvs_guest_locate(char *src, size_t srclen, char *self, size_t selflen, char *statbin, size_t statlen);

/* The output directory: created when missing, writable. Returns 0 or -errno (of hvs_write_errno) with err. */
int hvs_matrix_out_dir(const char *out, char *err, size_t errlen);

/* What the caller sees of a run as it goes; each may be NULL. */
struct hvs_mrun_hooks {
	void (*round)(void *arg, unsigned k, unsigned rounds); /* round k (from 0) starts; only with rounds > 1 */
	void (*start)(void *arg, const struct hvs_gtarget *t); /* a target starts */
	void (*done)(void *arg, const struct hvs_gresult *r);  /* it ended: r */
	void (*warn)(void *arg, const char *msg);              /* a problem the run goes on after */
};

struct hvs_history;

struct hvs_mrun {
	/* in */
	const struct hvs_matrix *m; /* its baseline set (hvs_matrix_default_baseline) */
	const char *only;           /* comma-separated target names; NULL: every target */
	unsigned rounds;            /* >= 1; > 1: round-robin into DIR/round-K/ */
	struct hvs_grun_opts ro;    /* ro.out_dir is DIR (exists: hvs_matrix_out_dir) */
	struct hvs_history *h;      /* each target's result appended to it; NULL: no history */
	const char *db;             /* h's file, for the warnings */
	const struct hvs_mrun_hooks *hooks;
	void *arg;                  /* the hooks' */
	/* out */
	struct hvs_gresult *res;    /* round k's target i at res[k * per + i]; nres of them */
	size_t nres, per;
	struct hvs_gresult *fin;    /* per: each target's rounds merged into DIR/NAME.json (one round: res) */
	int hung, bad;              /* a target timed out; another failed (or missed the history) */
};

/*
 * Run the matrix: every round, every target (a failing one is recorded and
 * the run goes on), the rounds merged, DIR/summary.md and .json written
 * (hvs_guest_summary). A SIGINT or SIGTERM while a target runs stops its
 * process group first. Returns 0, or -errno for what stops the run (err
 * says why; "" when out of memory). Free with hvs_mrun_free, either way.
 */
int hvs_matrix_run(struct hvs_mrun *mr, char *err, size_t errlen);

void hvs_mrun_free(struct hvs_mrun *mr);

#endif
