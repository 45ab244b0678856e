/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guest_run.c - start one matrix target under a watchdog, run hvscope in
 * it, bring the output home, merge its result files into DIR/NAME.json
 * (tagged target=NAME, label=NAME, kind=KIND) and tear it down.
 *
 * Every child (boot-guest.sh with its QEMU, run-image.sh, ssh/scp, a native
 * hvscope) runs in its own process group, so the watchdog ends all of it
 * with one kill(-pgid): SIGTERM first (boot-guest.sh's trap then kills
 * QEMU and removes its temporary files), SIGKILL 3 s later.
 *
 * The network workload (net = yes): the guest runs `hvscope-static bench
 * --echo-server 7717` behind QEMU user networking with
 * hostfwd=tcp:127.0.0.1:P-:7717 (restrict=on: the guest reaches nothing
 * else), announces itself on the console, and the host-side client
 * (workloads/net_rr.c) measures transactions per second against
 * 127.0.0.1:P. A second forward (busybox `nc -l` in the guest) tells the
 * guest the host is done. The host only ever connects to 127.0.0.1.
 */
#include "microbench/bench.h"
#include "guest.h"
#include "core/cleanup.h"
#include "core/shquote.h"
#include "core/hvscope.h"
#include "results/result.h"
#include "core/timing.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GUEST_ECHO_PORT 7717
#define GUEST_DONE_PORT 7718
#define GUEST_IP "10.0.2.15/24" /* QEMU user networking's default guest address */
#define RESULT_MAX (256u << 20)

/* The process group being watched, for cmd_guest's signal handler. */
volatile pid_t hvs_guest_current_pgid;

static double now_s(void)
{
	return (double)hvs_now_ns() / 1e9;
}

static void sleep_ms(unsigned ms)
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

/* Start argv in a new process group. Returns the pid or -errno. */
static pid_t spawn_start(char *const argv[], const char *out_path, const char *err_path,
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
static void spawn_kill(pid_t pid)
{
	int st;

	kill(-pid, SIGTERM);
	for (int i = 0; i < 60; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			kill(-pid, SIGKILL); /* stragglers of the group */
			hvs_guest_current_pgid = 0;
			return;
		}
		sleep_ms(50);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, &st, 0);
	hvs_guest_current_pgid = 0;
}

/*
 * Poll pid until it exits or deadline (now_s() clock). Returns its status
 * (exit code, or 128+signal), SPAWN_RUNNING when still running at the
 * deadline (not killed), or -errno.
 */
enum { SPAWN_RUNNING = 1000 }; /* beyond any exit status (0..255) */

/*
 * What scripts/boot-guest.sh and run-image.sh exit with, and `hvscope kvm`
 * run on a serial log: the README's exit codes.
 */
enum {
	SCRIPT_EX_FAIL = HVS_EX_FAIL,       /* kvm: a benchmark failed */
	SCRIPT_EX_NODEV = HVS_EX_NODEV,     /* cannot start here (no QEMU, no KVM, ...) */
	SCRIPT_EX_TIMEOUT = HVS_EX_TIMEOUT, /* the watchdog stopped the guest */
};

static int spawn_poll(pid_t pid, double deadline)
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
		if (now_s() >= deadline)
			return SPAWN_RUNNING;
		sleep_ms(50);
	}
}

int hvs_guest_spawn(char *const argv[], const char *out_path, const char *err_path,
		    unsigned timeout_s, const char *env_extra)
{
	pid_t pid = spawn_start(argv, out_path, err_path, env_extra);
	int ret;

	if (pid < 0)
		return pid;
	ret = spawn_poll(pid, now_s() + timeout_s);
	if (ret == SPAWN_RUNNING) {
		spawn_kill(pid);
		return -ETIME;
	}
	return ret;
}

/* ---- small helpers ---------------------------------------------------- */

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

static int has_word(const char *s, const char *w)
{
	size_t l = strlen(w);

	for (const char *p = strstr(s, w); p; p = strstr(p + 1, w))
		if ((p == s || p[-1] == ' ') && (p[l] == 0 || p[l] == ' ' || p[l] == '='))
			return 1;
	return 0;
}

/* The target's command list, with the options hvscope needs to bring results home. */
static void make_jobs(const struct hvs_gtarget *t, struct jobs *j)
{
	char tags[160];

	snprintf(tags, sizeof(tags), "target=%s,label=%s,kind=%s", t->name, t->name,
		 hvs_gt_kind_name(t->kind));
	j->n = 0;
	for (int i = 0; i <= t->ncmds; i++) {
		struct job *jb = &j->v[j->n];
		char cmd[HVS_GT_STR + 128];

		if (i < t->ncmds)
			hvs_strlcpy(cmd, t->cmds[i], sizeof(cmd));
		else if (t->workloads[0])
			/* net is measured from the host side (hvs_guest_net_rr) */
			snprintf(cmd, sizeof(cmd), "run --bench workload.cpu.*,workload.mm.*,workload.io.*%s",
				 strcmp(t->workloads, "quick") ? "" : " --quick");
		else
			break;
		if (!strncmp(cmd, "probe", 5) && (cmd[5] == 0 || cmd[5] == ' ')) {
			jb->type = JOB_PROBE;
			snprintf(jb->args, sizeof(jb->args), "%s%s", cmd, has_word(cmd, "--json") ? "" : " --json");
		} else if ((!strncmp(cmd, "run", 3) && (cmd[3] == 0 || cmd[3] == ' ')) ||
			   (!strncmp(cmd, "kvm", 3) && (cmd[3] == 0 || cmd[3] == ' '))) {
			jb->type = cmd[0] == 'r' ? JOB_RUN : JOB_KVM;
			/* later options win in getopt: ours come last */
			snprintf(jb->args, sizeof(jb->args), "%s --tag %s --out -", cmd, tags);
		} else {
			jb->type = JOB_OTHER;
			hvs_strlcpy(jb->args, cmd, sizeof(jb->args));
		}
		j->n++;
	}
}

static const char *job_suffix(const struct job *jb, int i, char *buf, size_t len)
{
	if (jb->type == JOB_PROBE)
		snprintf(buf, len, "%d.probe.json", i + 1);
	else if (jb->type == JOB_RUN)
		snprintf(buf, len, "%d.run.json", i + 1);
	else if (jb->type == JOB_KVM)
		snprintf(buf, len, "%d.kvm.json", i + 1);
	else
		snprintf(buf, len, "%d.out", i + 1);
	return buf;
}

/* The last lines of a file (at most cap bytes) into buf. */
static void file_tail(const char *path, int lines, char *buf, size_t cap)
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
static void last_line(const char *path, char *buf, size_t cap)
{
	char tail[2048], *e, *s;

	file_tail(path, 3, tail, sizeof(tail));
	e = tail + strlen(tail);
	while (e > tail && (e[-1] == '\n' || e[-1] == ' '))
		*--e = 0;
	s = strrchr(tail, '\n');
	hvs_strlcpy(buf, s ? s + 1 : tail, cap);
}

/* The first line of a file starting with prefix (without it), else its last line. */
static void first_line_of(const char *path, const char *prefix, char *buf, size_t cap)
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
		last_line(path, buf, cap);
}

static int split_words(char *s, char **argv, int max)
{
	int n = 0;

	for (char *tok = strtok(s, " \t"); tok && n < max - 1; tok = strtok(NULL, " \t"))
		argv[n++] = tok;
	argv[n] = NULL;
	return n;
}

/*
 * A shell command line for job args: prefix (constant text from this file,
 * NULL for none), then path quoted (NULL for none), then every word of args
 * quoted (shquote.h). With out set, the word after "--out" that is "-"
 * becomes out. Return 0 or -E2BIG.
 */
static int job_command(const char *args, const char *prefix, const char *path, const char *out,
		       char *cmd, size_t len)
{
	char buf[HVS_GT_STR + 700], *w[64];
	size_t k = 0;
	int nw, rc = 0;

	if (!len)
		return -E2BIG;
	cmd[0] = '\0';
	hvs_strlcpy(buf, args, sizeof(buf));
	nw = split_words(buf, w, 64);
	if (prefix)
		rc = hvs_sh_raw(cmd, len, &k, prefix);
	if (path && !rc)
		rc = hvs_shq_append(cmd, len, &k, path);
	for (int x = 0; x < nw && !rc; x++) {
		const char *word = w[x];

		if (out && !strcmp(word, "-") && x > 0 && !strcmp(w[x - 1], "--out"))
			word = out;
		rc = hvs_shq_append(cmd, len, &k, word);
	}
	return rc;
}

/* A free TCP port on 127.0.0.1 (bound, then released), or -errno. */
static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t l = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	if (fd < 0)
		return -errno;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || getsockname(fd, (struct sockaddr *)&a, &l)) {
		port = -errno;
		close(fd);
		return port;
	}
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* Connect to 127.0.0.1:port and close again: the guest's "host is done" signal. */
static void poke_port(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (!connect(fd, (struct sockaddr *)&a, sizeof(a)))
		sleep_ms(300); /* let slirp open the guest side before we close */
	close(fd);
}

int hvs_guest_net_rr(const char *peer, const char *what, struct hvs_metrics *set)
{
	const struct hvs_bench *b = hvs_bench_find("workload.net.rr");
	struct hvs_bench_ctx ctx;
	size_t before = set->n;

	if (!b)
		return -ENOENT;
	hvs_bench_ctx_default(&ctx);
	ctx.quick = 1;
	ctx.samples = 11;
	ctx.budget_s = 3;
	ctx.peer = peer;
	hvs_bench_run(b, &ctx, set);
	if (what && set->n > before)
		hvs_strlcpy(set->v[before].what, what, sizeof(set->v[before].what));
	return 0;
}

/* ---- merging results -------------------------------------------------- */

struct merged {
	struct hvs_result *base; /* the first run's result: its context and run info */
	struct hvs_metrics extra; /* metrics of later runs and the host side */
	int retried;              /* kvm-l2: boot-guest.sh retried a stalled boot (tag retried=l1-stall) */
};

/* Move metric m into set unless a metric of that name is there (replace: overwrite it). */
static int merge_file(struct merged *mg, const char *path, char *err, size_t errlen)
{
	struct hvs_result *r = NULL;
	int ret = hvs_result_read(path, &r, err, errlen);

	if (ret)
		return ret;
	if (!mg->base) {
		mg->base = r;
		return 0;
	}
	/* the same metric twice (a suite and the workloads): core/metric.c keeps the better */
	for (size_t i = 0; i < r->set.n; i++)
		if ((ret = hvs_metrics_take(&mg->base->set, &r->set.v[i], HVS_TAKE_BETTER)) < 0)
			break;
	hvs_result_free(r);
	return ret < 0 ? ret : 0;
}

/* Write DIR/NAME.json from what was merged. */
static int write_merged(const struct hvs_gtarget *t, struct merged *mg, const char *path,
			int *nmetrics)
{
	struct hvs_run_info info, *ip;
	struct hvs_metrics *set;
	char tags[200];
	int ret;

	if (mg->base) {
		ip = &mg->base->info;
		set = &mg->base->set;
	} else {
		/* Only host-side metrics: a minimal context. */
		memset(&info, 0, sizeof(info));
		hvs_run_info_init(&info);
		hvs_iso8601_now(info.finished, sizeof(info.finished));
		ip = &info;
		set = &mg->extra;
	}
	if (mg->base)
		for (size_t i = 0; i < mg->extra.n; i++)
			if ((ret = hvs_metrics_take(set, &mg->extra.v[i], HVS_TAKE_REPLACE)) < 0)
				return ret;
	snprintf(tags, sizeof(tags), "target=%s,label=%s,kind=%s", t->name, t->name,
		 hvs_gt_kind_name(t->kind));
	hvs_run_info_add_tags(ip, tags);
	if (t->paging[0]) {
		snprintf(tags, sizeof(tags), "paging=%s", t->paging);
		hvs_run_info_add_tags(ip, tags);
	}
	if (mg->retried)
		hvs_run_info_add_tags(ip, "retried=l1-stall");
	*nmetrics = (int)set->n;
	return hvs_result_write(path, ip, set);
}

static void merged_free(struct merged *mg)
{
	if (mg->base)
		hvs_result_free(mg->base);
	hvs_metrics_free(&mg->extra);
	memset(mg, 0, sizeof(*mg));
}

/* ---- the kinds ---------------------------------------------------------- */

static void fail(struct hvs_gresult *r, enum hvs_outcome o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(struct hvs_gresult *r, enum hvs_outcome o, const char *fmt, ...)
{
	va_list ap;

	if (r->outcome != HVS_PASS)
		return; /* keep the first reason */
	r->outcome = o;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

/*
 * kvm-amd: the paging mode the target asked for must be the one `hvscope kvm`
 * found in force inside (its result's paging tag: "NPT" or "shadow"), or the
 * module parameter did not take and the column would be mislabelled.
 * Returns 0, or -1 with the reason in err.
 */
static int kvm_paging_check(const struct hvs_gtarget *t, const char *path, char *err, size_t errlen)
{
	struct hvs_result *res = NULL;
	const char *want = !strcmp(t->paging, "shadow") ? "shadow" : "NPT", *got = "";

	if (t->kind != HVS_GT_KVM_AMD)
		return 0;
	if (hvs_result_read(path, &res, err, errlen))
		return -1;
	for (int i = 0; i < res->info.ntags; i++)
		if (!strcmp(res->info.tags[i].key, "paging"))
			got = res->info.tags[i].val;
	if (strcmp(got, want)) {
		snprintf(err, errlen, "asked for paging %s (kvm_amd.npt=%s), KVM in the guest runs '%s'", t->paging,
			 strcmp(want, "NPT") ? "0" : "1", got);
		hvs_result_free(res);
		return -1;
	}
	hvs_result_free(res);
	return 0;
}

/*
 * Collect the job outputs in DIR (named NAME.<suffix>): run results are
 * merged, probe output must at least be JSON-looking, failures noted.
 */
static void collect(const struct hvs_gtarget *t, const struct hvs_grun_opts *o,
		    const struct jobs *j, const int *rcs, struct merged *mg, struct hvs_gresult *r)
{
	char path[1024], suf[32], err[300];

	for (int i = 0; i < j->n; i++) {
		snprintf(path, sizeof(path), "%s/%s.%s", o->out_dir, t->name,
			 job_suffix(&j->v[i], i, suf, sizeof(suf)));
		if (rcs[i] != 0 && !JOB_RESULT(&j->v[i]))
			fail(r, HVS_FAILED, "'hvscope %.200s' exited with %d", j->v[i].args, rcs[i]);
		if (JOB_RESULT(&j->v[i])) {
			int ret = j->v[i].type == JOB_KVM ? kvm_paging_check(t, path, err, sizeof(err)) : 0;

			if (ret)
				fail(r, HVS_FAILED, "'hvscope %.120s': %.300s", j->v[i].args, err);
			else if ((ret = merge_file(mg, path, err, sizeof(err))))
				fail(r, HVS_FAILED, "'hvscope %.120s' (exit %d): no valid result: %.200s",
				     j->v[i].args, rcs[i], err);
		} else if (j->v[i].type == JOB_PROBE) {
			char *data = NULL;
			long n = hvs_read_file(path, RESULT_MAX, &data);

			if (n <= 0 || data[0] != '{')
				fail(r, HVS_FAILED, "'hvscope %.200s' printed no JSON fingerprint", j->v[i].args);
			free(data);
		}
	}
}

static int run_native(const struct hvs_gtarget *t, const struct hvs_grun_opts *o,
		      const struct jobs *j, double deadline, struct merged *mg, struct hvs_gresult *r)
{
	int rcs[HVS_GT_MAX_CMDS + 2] = { 0 };

	for (int i = 0; i < j->n; i++) {
		char buf[sizeof(j->v[i].args)], *argv[64], out[1024], errp[1024], suf[32], table[1100];
		double left = deadline - now_s();
		int rc, nw;

		hvs_strlcpy(buf, j->v[i].args, sizeof(buf));
		argv[0] = (char *)o->self;
		nw = split_words(buf, argv + 1, 63);
		snprintf(out, sizeof(out), "%s/%s.%s", o->out_dir, t->name,
			 job_suffix(&j->v[i], i, suf, sizeof(suf)));
		snprintf(errp, sizeof(errp), "%s/%s.%d.err", o->out_dir, t->name, i + 1);
		if (j->v[i].type == JOB_KVM) {
			/* the result to its file, the table beside it */
			for (int w = 2; w <= nw; w++)
				if (!strcmp(argv[w], "-") && !strcmp(argv[w - 1], "--out"))
					argv[w] = out;
			snprintf(table, sizeof(table), "%s/%s.%d.kvm.txt", o->out_dir, t->name, i + 1);
		}
		if (left < 1) {
			fail(r, HVS_TIMEOUT, "watchdog: %u s used up before 'hvscope %.200s'", t->timeout_s,
			     j->v[i].args);
			return 0;
		}
		rc = hvs_guest_spawn(argv, j->v[i].type == JOB_KVM ? table : out, errp, (unsigned)left + 1, NULL);
		if (rc == -ETIME) {
			fail(r, HVS_TIMEOUT, "watchdog (%u s): 'hvscope %.200s' killed", t->timeout_s,
			     j->v[i].args);
			last_line(errp, r->tail, sizeof(r->tail));
			return 0;
		}
		rcs[i] = rc;
		if (rc)
			last_line(errp, r->tail, sizeof(r->tail));
	}
	collect(t, o, j, rcs, mg, r);
	if (t->net)
		hvs_guest_net_rr(NULL, "TCP request/response, 64 bytes each way, to an echo process on "
				       "127.0.0.1 (native reference)", &mg->extra);
	return 0;
}

/*
 * One run of scripts/boot-guest.sh: its argv and the buffers the argv
 * points into, the network workload's ports and handshake (run_boot()).
 */
struct boot {
	char script[1100], bootdir[1100], blog[1200], console[1200], disk[1200];
	char cmdbuf[HVS_GT_MAX_CMDS + 4][HVS_GT_STR + 700], nic[256], drive[1300];
	char nicdev[128], drivedev[128];
	char tmo[16], mem[16], smp[16], token[40], ready[48], done[48], netcmd[640];
	const char *vopts; /* options of the virtio devices */
	char *argv[160];
	int a, ncmd, first_job, p_echo, p_done;
	/* network workload: 0 waiting for READY, 1 measured (poking until DONE), 2 done */
	int net_state;
	double next_poke;
};

/* The script, the boot directory and the paths the matrix names. 0, or -1 with r's outcome set. */
static int boot_paths(const struct hvs_gtarget *t, const struct hvs_grun_opts *o, struct boot *b,
		      struct hvs_gresult *r)
{
	const char *paths[] = { t->kernel, t->initrd, t->xen };

	snprintf(b->script, sizeof(b->script), "%s/scripts/boot-guest.sh", o->src);
	snprintf(b->bootdir, sizeof(b->bootdir), "%s/%s.boot", o->out_dir, t->name);
	snprintf(b->blog, sizeof(b->blog), "%s/%s.boot.log", o->out_dir, t->name);
	snprintf(b->console, sizeof(b->console), "%s/console.log", b->bootdir);
	if (access(b->script, X_OK)) {
		fail(r, HVS_SKIP, "%s not found (set HVS_SRC to the source tree)", b->script);
		return -1;
	}
	/* A path the matrix names must exist: a typo is a failed target, not a skip. */
	for (size_t i = 0; i < HVS_ARRAY_SIZE(paths); i++)
		if (paths[i][0] && access(paths[i], R_OK)) {
			fail(r, HVS_FAILED, "cannot read %s: %s", paths[i], strerror(errno));
			return -1;
		}
	return 0;
}

/* boot-guest.sh's options for the machine: mode, accelerator, CPU, memory, kernel, QEMU's own. */
static void boot_argv_machine(const struct hvs_gtarget *t, const struct hvs_grun_opts *o, struct boot *b)
{
	char **argv = b->argv;
	int a = b->a;

	snprintf(b->tmo, sizeof(b->tmo), "%u", t->timeout_s);
	argv[a++] = b->script;
	argv[a++] = "--mode";
	argv[a++] = t->kind == HVS_GT_QEMU	 ? "linux" :
		    t->kind == HVS_GT_KVM_AMD ? "kvm-amd" :
		    t->kind == HVS_GT_KVM_L2  ? "kvm-l2" :
		    !strcmp(t->mode, "pvh")   ? "xen-pvh" :
						"xen-pv";
	if (t->paging[0]) {
		argv[a++] = "--paging";
		argv[a++] = (char *)t->paging;
	}
	argv[a++] = "--out";
	argv[a++] = b->bootdir;
	argv[a++] = "--timeout";
	argv[a++] = b->tmo;
	argv[a++] = "--accel";
	argv[a++] = (char *)t->accel;
	argv[a++] = "--hvscope";
	argv[a++] = (char *)o->statbin;
	if (t->cpu[0]) {
		argv[a++] = "--cpu";
		argv[a++] = (char *)t->cpu;
	}
	if (t->machine[0]) {
		argv[a++] = "--machine";
		argv[a++] = (char *)t->machine;
	}
	if (t->mem_mib) {
		snprintf(b->mem, sizeof(b->mem), "%u", t->mem_mib);
		argv[a++] = "--mem";
		argv[a++] = b->mem;
	}
	snprintf(b->smp, sizeof(b->smp), "%u", t->smp);
	argv[a++] = "--smp";
	argv[a++] = b->smp;
#define OPT(flag, field)                          \
	if (t->field[0]) {                        \
		argv[a++] = flag;                 \
		argv[a++] = (char *)t->field;     \
	}
	OPT("--kernel", kernel)
	OPT("--initrd", initrd)
	OPT("--xen", xen)
	OPT("--append", append)
	OPT("--xen-append", xen_append)
#undef OPT
	for (int i = 0; i < t->nqemu_args; i++) {
		argv[a++] = "--qemu-arg";
		argv[a++] = (char *)t->qemu_args[i];
	}
	if (t->net || t->disk_mib) {
		/* Debian's kernel has virtio-pci, -net and -blk as modules. */
		argv[a++] = "--module";
		argv[a++] = "virtio_pci";
	}
	b->a = a;
}

/* disk = MiB: a sparse image file and its virtio-blk device. 0, or -1 with r's outcome set. */
static int boot_disk(const struct hvs_gtarget *t, const struct hvs_grun_opts *o, struct boot *b,
		     struct hvs_gresult *r)
{
	char **argv = b->argv;
	int a = b->a, fd;

	snprintf(b->disk, sizeof(b->disk), "%s/%s.disk.img", o->out_dir, t->name);
	fd = hvs_wcreate(b->disk, 0);
	if (fd < 0)
		errno = -fd;
	else
		hvs_cleanup_add(b->disk); /* removed on SIGINT/SIGTERM too */
	if (fd < 0 || ftruncate(fd, (off_t)t->disk_mib << 20)) {
		fail(r, HVS_FAILED, "cannot create the disk image %s: %s", b->disk, hvs_strerror(errno));
		if (fd >= 0) {
			close(fd);
			hvs_cleanup_remove(b->disk);
		}
		return -1;
	}
	close(fd);
	snprintf(b->drive, sizeof(b->drive), "file=%s,if=none,id=hvsdisk,format=raw,cache=writeback", b->disk);
	snprintf(b->drivedev, sizeof(b->drivedev), "virtio-blk-pci,drive=hvsdisk%s", b->vopts);
	argv[a++] = "--module";
	argv[a++] = "virtio_blk";
	argv[a++] = "--qemu-arg";
	argv[a++] = "-drive";
	argv[a++] = "--qemu-arg";
	argv[a++] = b->drive;
	argv[a++] = "--qemu-arg";
	argv[a++] = "-device";
	argv[a++] = "--qemu-arg";
	argv[a++] = b->drivedev;
	b->a = a;
	return 0;
}

/*
 * The first guest command: lo up, and with net the virtio-net device on
 * QEMU user networking forwarded from two free host ports. 0, or -1 with
 * r's outcome set.
 */
static int boot_net(const struct hvs_gtarget *t, struct boot *b, struct hvs_gresult *r)
{
	char **argv = b->argv;
	int a = b->a;

	if (!t->net) {
		snprintf(b->cmdbuf[b->ncmd], sizeof(b->cmdbuf[b->ncmd]), "ip link set lo up");
		argv[a++] = "--cmd";
		argv[a++] = b->cmdbuf[b->ncmd++];
		b->a = a;
		return 0;
	}
	b->p_echo = free_port();
	b->p_done = free_port();
	if (b->p_echo < 0 || b->p_done < 0 || b->p_echo == b->p_done) {
		fail(r, HVS_FAILED, "no free port on 127.0.0.1 for the network workload");
		return -1;
	}
	/*
	 * User networking, host side bound to 127.0.0.1 only; restrict=on
	 * cuts the guest off from the host and the outside except for
	 * these forwards.
	 */
	snprintf(b->nic, sizeof(b->nic),
		 "user,id=hvsnet,restrict=on,hostfwd=tcp:127.0.0.1:%d-:%d,"
		 "hostfwd=tcp:127.0.0.1:%d-:%d",
		 b->p_echo, GUEST_ECHO_PORT, b->p_done, GUEST_DONE_PORT);
	snprintf(b->nicdev, sizeof(b->nicdev), "virtio-net-pci,netdev=hvsnet%s", b->vopts);
	argv[a++] = "--module";
	argv[a++] = "virtio_net";
	argv[a++] = "--qemu-arg";
	argv[a++] = "-netdev";
	argv[a++] = "--qemu-arg";
	argv[a++] = b->nic;
	argv[a++] = "--qemu-arg";
	argv[a++] = "-device";
	argv[a++] = "--qemu-arg";
	argv[a++] = b->nicdev;
	/* first command: bring up lo and eth0 (output not collected) */
	snprintf(b->cmdbuf[b->ncmd], sizeof(b->cmdbuf[b->ncmd]),
		 "ip link set lo up; ip addr add %s dev eth0 && ip link set eth0 up", GUEST_IP);
	argv[a++] = "--cmd";
	argv[a++] = b->cmdbuf[b->ncmd++];
	b->a = a;
	return 0;
}

/* The jobs as guest commands. 0, or -1 with r's outcome set. */
static int boot_jobs(const struct hvs_gtarget *t, const struct jobs *j, struct boot *b,
		     struct hvs_gresult *r)
{
	b->first_job = b->ncmd;
	for (int i = 0; i < j->n; i++) {
		char *cmd = b->cmdbuf[b->ncmd];
		size_t k;

		/* the guest runs it with sh -c: every configured word quoted; kvm's
		 * table goes to stderr and its result file to stdout */
		if (job_command(j->v[i].args, t->disk_mib ? "HVSCOPE_SCRATCH=/dev/vda hvscope-static" :
							   "hvscope-static", NULL,
				j->v[i].type == JOB_KVM ? "/tmp/hvs-kvm.json" : NULL, cmd,
				sizeof(b->cmdbuf[b->ncmd])) ||
		    (k = strlen(cmd), j->v[i].type == JOB_KVM &&
			 hvs_sh_raw(cmd, sizeof(b->cmdbuf[b->ncmd]), &k,
				    " >&2; rc=$?; cat /tmp/hvs-kvm.json; exit $rc"))) {
			fail(r, HVS_FAILED, "'hvscope %.200s': command line too long for the guest",
			     j->v[i].args);
			return -1;
		}
		b->argv[b->a++] = "--cmd";
		b->argv[b->a++] = b->cmdbuf[b->ncmd++];
	}
	return 0;
}

/* The network workload's last guest command: the echo server and its handshake. */
static void boot_handshake(const struct hvs_gtarget *t, struct boot *b)
{
	/*
	 * The guest announces its echo server on the console (READY), the
	 * host measures, then connects to the guest's "done" port to let
	 * it go on; the guest says DONE once it saw the connection. One
	 * connection is not enough: slirp accepts on the host side at
	 * once and may drop the guest side if we close first or nc is
	 * not listening yet (seen under Xen PV on TCG: the guest waited
	 * out its watchdog), so the host pokes every second until DONE.
	 */
	snprintf(b->token, sizeof(b->token), "HVSNET:%08x", (unsigned)(hvs_now_ns() ^ (uint64_t)getpid()));
	/* matched at a line start: the console also echoes the command itself */
	snprintf(b->ready, sizeof(b->ready), "\n%s:READY", b->token);
	snprintf(b->done, sizeof(b->done), "\n%s:DONE", b->token);
	snprintf(b->netcmd, sizeof(b->netcmd),
		 "hvscope-static bench --echo-server %d --seconds %u & e=$!; sleep 1; "
		 "echo %s > /dev/console; timeout %u nc -l -p %d </dev/null >/dev/null 2>&1; "
		 "echo %s > /dev/console; kill $e; wait $e; echo net-done",
		 GUEST_ECHO_PORT, t->timeout_s, b->ready + 1, t->timeout_s, GUEST_DONE_PORT, b->done + 1);
	b->argv[b->a++] = "--cmd";
	b->argv[b->a++] = b->netcmd;
}

/* One look at the console while the guest runs: measure after READY, poke until DONE. */
static void boot_net_step(struct boot *b, struct merged *mg)
{
	char *log = NULL;
	long n = hvs_read_file(b->console, 64u << 20, &log);

	if (b->net_state == 0 && n > 0 && strstr(log, b->ready)) {
		char peer[32], what[160];

		b->net_state = 1;
		snprintf(peer, sizeof(peer), "127.0.0.1:%d", b->p_echo);
		snprintf(what, sizeof(what),
			 "TCP request/response, 64 bytes each way, host -> QEMU user net "
			 "(127.0.0.1:%d) -> guest echo server", b->p_echo);
		hvs_guest_net_rr(peer, what, &mg->extra);
	}
	if (b->net_state == 1 && n > 0 && strstr(log, b->done)) {
		b->net_state = 2;
	} else if (b->net_state == 1 && now_s() >= b->next_poke) {
		poke_port(b->p_done);
		b->next_poke = now_s() + 1;
	}
	free(log);
}

/* Wait for boot-guest.sh (the network handshake meanwhile); its exit status, or SCRIPT_EX_TIMEOUT. */
static int boot_wait(const struct hvs_gtarget *t, struct boot *b, pid_t pid, double deadline,
		     struct merged *mg)
{
	for (;;) {
		int rc = spawn_poll(pid, t->net && b->net_state < 2 ? now_s() + 0.2 : deadline + 20);

		if (rc != SPAWN_RUNNING)
			return rc;
		if (now_s() >= deadline + 20) {
			spawn_kill(pid);
			return SCRIPT_EX_TIMEOUT;
		}
		if (t->net && b->net_state < 2)
			boot_net_step(b, mg);
	}
}

/* boot-guest.sh exited with rc != 0: the outcome, its first complaint and the console's tail. */
static void boot_failed(const struct boot *b, int rc, struct hvs_gresult *r)
{
	char why[400], hang[1200];

	first_line_of(b->blog, "boot-guest.sh: ", why, sizeof(why));
	/* boot-guest.sh's account of a failure (phase, registers at the
	 * watchdog, console tail), else the console's last lines */
	snprintf(hang, sizeof(hang), "%s/hang.txt", b->bootdir);
	file_tail(hang, 40, r->tail, sizeof(r->tail));
	if (!r->tail[0])
		file_tail(b->console, 20, r->tail, sizeof(r->tail));
	if (!r->tail[0])
		hvs_strlcpy(r->tail, "(the console stayed empty)\n", sizeof(r->tail));
	if (rc == SCRIPT_EX_NODEV)
		fail(r, HVS_SKIP, "cannot start here: %.300s", why);
	else
		fail(r, rc == SCRIPT_EX_TIMEOUT ? HVS_TIMEOUT : HVS_FAILED, "%s (boot-guest.sh exit %d): %.300s",
		     rc == SCRIPT_EX_TIMEOUT ? "watchdog timeout" : "guest failed", rc, why);
}

/*
 * kvm-l2: boot-guest.sh retried a boot whose L1 stalled (BOOTDIR/retry.txt;
 * the first boot's account in BOOTDIR/stall-1/hang.txt). Never silent: a
 * pass says so in its reason (the matrix's log and summary), the result
 * carries retried=l1-stall, and a failure names the first stall too.
 */
static void boot_retried(const struct boot *b, int rc, struct merged *mg, struct hvs_gresult *r)
{
	char path[1200];

	snprintf(path, sizeof(path), "%s/retry.txt", b->bootdir);
	if (access(path, R_OK))
		return;
	mg->retried = 1;
	if (rc == 0) {
		snprintf(r->reason, sizeof(r->reason),
			 "passed on a retry: the first boot's L1 stalled (QEMU's emulated SVM), its account in "
			 "%.200s/stall-1/hang.txt",
			 b->bootdir);
	} else {
		size_t k = strlen(r->reason);

		snprintf(r->reason + k, sizeof(r->reason) - k,
			 "%sthis was the retry; the first boot's L1 stalled (%.200s/stall-1/hang.txt)", k ? "; " : "",
			 b->bootdir);
	}
}

/* boot-guest.sh wrote N.out/N.err/N.rc; move the job outputs next to the others, exit codes to rcs. */
static void boot_outputs(const struct hvs_gtarget *t, const struct hvs_grun_opts *o,
			 const struct jobs *j, const struct boot *b, int *rcs)
{
	for (int i = 0; i < j->n; i++) {
		char from[1200], to[1200], suf[32], *rcs_txt = NULL;

		snprintf(from, sizeof(from), "%s/%d.rc", b->bootdir, b->first_job + i + 1);
		if (hvs_read_file(from, 64, &rcs_txt) > 0)
			rcs[i] = atoi(rcs_txt);
		else
			rcs[i] = -1;
		free(rcs_txt);
		snprintf(from, sizeof(from), "%s/%d.out", b->bootdir, b->first_job + i + 1);
		snprintf(to, sizeof(to), "%s/%s.%s", o->out_dir, t->name,
			 job_suffix(&j->v[i], i, suf, sizeof(suf)));
		rename(from, to);
		snprintf(from, sizeof(from), "%s/%d.err", b->bootdir, b->first_job + i + 1);
		snprintf(to, sizeof(to), "%s/%s.%d.err", o->out_dir, t->name, i + 1);
		rename(from, to);
	}
}

/* QEMU and Xen through scripts/boot-guest.sh: argv, disk image, handshake, polling, exit decoding. */
static int run_boot(const struct hvs_gtarget *t, const struct hvs_grun_opts *o,
		    const struct jobs *j, double deadline, struct merged *mg, struct hvs_gresult *r)
{
	struct boot boot = { 0 }, *b = &boot;
	int rcs[HVS_GT_MAX_CMDS + 2] = { 0 };
	pid_t pid;
	int rc;

	/*
	 * Under a PVH dom0 the machine has an (emulated) AMD IOMMU that Xen
	 * programs with dom0's guest-physical addresses; a virtio device that
	 * bypasses the IOMMU (QEMU's default) then DMAs to the wrong memory and
	 * the dom0 locks up (seen here: soft lockup in `ip link set eth0 up`).
	 * iommu_platform=on makes the device translate like real hardware.
	 */
	b->vopts = t->kind == HVS_GT_XEN && !strcmp(t->mode, "pvh") ? ",iommu_platform=on,disable-legacy=on" : "";
	if (boot_paths(t, o, b, r))
		return 0;
	boot_argv_machine(t, o, b);
	if ((t->disk_mib && boot_disk(t, o, b, r)) || boot_net(t, b, r) || boot_jobs(t, j, b, r))
		return 0;
	if (t->net)
		boot_handshake(t, b);
	b->argv[b->a] = NULL;

	pid = spawn_start(b->argv, NULL, b->blog, NULL);
	if (pid < 0) {
		fail(r, HVS_FAILED, "cannot start %s: %s", b->script, strerror((int)-pid));
		return 0;
	}
	rc = boot_wait(t, b, pid, deadline, mg);
	if (b->disk[0])
		hvs_cleanup_remove(b->disk);
	if (rc != 0) {
		boot_failed(b, rc, r);
		boot_retried(b, rc, mg, r);
		return 0;
	}
	boot_retried(b, rc, mg, r);
	boot_outputs(t, o, j, b, rcs);
	collect(t, o, j, rcs, mg, r);
	if (t->net && b->net_state == 0)
		fail(r, HVS_FAILED, "the guest's echo server never announced itself: no network numbers");
	return 0;
}

/* An existing machine over OpenSSH: scp hvscope-static, run, scp the results back. */
static int run_ssh(const struct hvs_gtarget *t, const struct hvs_grun_opts *o,
		   const struct jobs *j, double deadline, struct merged *mg, struct hvs_gresult *r)
{
	char port[16], rbin[400], rdest[1024], remote[2000], errp[1024], out[1024], suf[32];
	char *base[40];
	int nb = 0, rcs[HVS_GT_MAX_CMDS + 2] = { 0 }, rc;
	unsigned id = (unsigned)(hvs_now_ns() ^ (uint64_t)getpid()) & 0xffffff;

	snprintf(port, sizeof(port), "%u", t->port ? t->port : 22);
	snprintf(rbin, sizeof(rbin), "%s/hvscope-static.%06x", t->remote_dir, id);
	snprintf(errp, sizeof(errp), "%s/%s.ssh.log", o->out_dir, t->name);
	/* common options: never prompt, bounded connect */
	base[nb++] = "-o";
	base[nb++] = "BatchMode=yes";
	base[nb++] = "-o";
	base[nb++] = "ConnectTimeout=10";
	if (t->identity[0]) {
		base[nb++] = "-i";
		base[nb++] = (char *)t->identity;
	}
	for (int i = 0; i < t->nssh_opts && nb < 36; i++) {
		base[nb++] = "-o";
		base[nb++] = (char *)t->ssh_opts[i];
	}
	{
		char *argv[50];
		int a = 0;

		argv[a++] = "scp";
		argv[a++] = "-q";
		argv[a++] = "-P";
		argv[a++] = port;
		for (int i = 0; i < nb; i++)
			argv[a++] = base[i];
		argv[a++] = (char *)o->statbin;
		snprintf(rdest, sizeof(rdest), "%s:%s", t->host, rbin);
		argv[a++] = rdest;
		argv[a] = NULL;
		rc = hvs_guest_spawn(argv, NULL, errp, (unsigned)(deadline - now_s()) + 1, NULL);
		if (rc) {
			last_line(errp, r->tail, sizeof(r->tail));
			fail(r, rc == -ETIME ? HVS_TIMEOUT : HVS_FAILED, "scp of hvscope-static to %s failed (%d): %.300s",
			     t->host, rc, r->tail);
			return 0;
		}
	}
	for (int i = 0; i <= j->n; i++) {
		char *argv[50], rres[500];
		int a = 0;

		argv[a++] = "ssh";
		argv[a++] = "-p";
		argv[a++] = port;
		for (int k = 0; k < nb; k++)
			argv[a++] = base[k];
		argv[a++] = (char *)t->host;
		if (i == j->n) {
			/* teardown: remove what we copied; the glob stays outside the quotes */
			char pat[32];
			size_t k = 0;

			snprintf(pat, sizeof(pat), "/hvs-%06x-*.json", id);
			if (hvs_sh_raw(remote, sizeof(remote), &k, "rm -f --") ||
			    hvs_shq_append(remote, sizeof(remote), &k, rbin) ||
			    hvs_shq_append(remote, sizeof(remote), &k, t->remote_dir) ||
			    hvs_sh_raw(remote, sizeof(remote), &k, pat))
				break;
			argv[a++] = remote;
			argv[a] = NULL;
			hvs_guest_spawn(argv, NULL, NULL, 30, NULL);
			break;
		}
		snprintf(out, sizeof(out), "%s/%s.%s", o->out_dir, t->name,
			 job_suffix(&j->v[i], i, suf, sizeof(suf)));
		snprintf(rres, sizeof(rres), "%s/hvs-%06x-%d.json", t->remote_dir, id, i + 1);
		/* words of the job, each quoted for the remote shell; a run's
		 * result goes to a remote file, fetched with scp */
		if (job_command(j->v[i].args, NULL, rbin, JOB_RESULT(&j->v[i]) ? rres : NULL, remote,
				sizeof(remote))) {
			fail(r, HVS_FAILED, "'hvscope %.200s': command line too long for %s", j->v[i].args,
			     t->host);
			continue;
		}
		argv[a++] = remote;
		argv[a] = NULL;
		snprintf(errp, sizeof(errp), "%s/%s.%d.err", o->out_dir, t->name, i + 1);
		rc = hvs_guest_spawn(argv, JOB_RESULT(&j->v[i]) ? NULL : out, errp,
				     (unsigned)(deadline - now_s()) + 1, NULL);
		if (rc == -ETIME) {
			fail(r, HVS_TIMEOUT, "watchdog (%u s) during 'hvscope %.200s' on %s", t->timeout_s,
			     j->v[i].args, t->host);
			continue;
		}
		rcs[i] = rc;
		if (JOB_RESULT(&j->v[i])) {
			char *sargv[50];
			int s = 0;

			sargv[s++] = "scp";
			sargv[s++] = "-q";
			sargv[s++] = "-P";
			sargv[s++] = port;
			for (int k = 0; k < nb; k++)
				sargv[s++] = base[k];
			snprintf(rdest, sizeof(rdest), "%s:%s", t->host, rres);
			sargv[s++] = rdest;
			sargv[s++] = out;
			sargv[s] = NULL;
			if (hvs_guest_spawn(sargv, NULL, NULL, 60, NULL))
				fail(r, HVS_FAILED, "cannot fetch %s from %s", rres, t->host);
		}
	}
	collect(t, o, j, rcs, mg, r);
	return 0;
}

/* The ring-0 image through scripts/run-image.sh; its JSON lines summarised by `hvscope kvm --serial`. */
static int run_image(const struct hvs_gtarget *t, const struct hvs_grun_opts *o, double deadline,
		     struct hvs_gresult *r)
{
	char script[1024], jsonl[1024], txt[1024], errp[1024], env[1100], res[1024];
	char *argv[16];
	int a = 0, rc;

	snprintf(script, sizeof(script), "%s/scripts/run-image.sh", o->src);
	snprintf(jsonl, sizeof(jsonl), "%s/%s.image.jsonl", o->out_dir, t->name);
	snprintf(txt, sizeof(txt), "%s/%s.image.txt", o->out_dir, t->name);
	snprintf(errp, sizeof(errp), "%s/%s.image.log", o->out_dir, t->name);
	snprintf(env, sizeof(env), "HVSCOPE=%s", o->self);
	if (access(script, X_OK)) {
		fail(r, HVS_SKIP, "%s not found (set HVS_SRC to the source tree)", script);
		return 0;
	}
	argv[a++] = script;
	argv[a++] = "--accel";
	argv[a++] = (char *)t->accel;
	argv[a++] = "--out";
	argv[a++] = jsonl;
	argv[a++] = "--quiet";
	if (t->image_append[0]) {
		argv[a++] = "--append";
		argv[a++] = (char *)t->image_append;
	}
	argv[a] = NULL;
	rc = hvs_guest_spawn(argv, NULL, errp, (unsigned)(deadline - now_s()) + 1, env);
	if (rc && rc != SCRIPT_EX_TIMEOUT) {
		char why[sizeof(r->reason)];

		last_line(errp, why, sizeof(why));
		fail(r, rc == SCRIPT_EX_NODEV ? HVS_SKIP : rc == -ETIME ? HVS_TIMEOUT : HVS_FAILED,
		     "run-image.sh exit %d: %.400s", rc, why);
		return 0;
	}
	if (rc == SCRIPT_EX_TIMEOUT)
		fail(r, HVS_TIMEOUT, "run-image.sh: some ring-0 benchmarks hung (recorded as timeout)");
	/* the JSON lines become a result file (ring0's `kvm --serial ... --out`) */
	{
		char tags[200], *kargv[12];
		int k = 0, krc;

		snprintf(res, sizeof(res), "%s/%s.json", o->out_dir, t->name);
		snprintf(tags, sizeof(tags), "target=%s,label=%s,kind=image", t->name, t->name);
		kargv[k++] = (char *)o->self;
		kargv[k++] = "kvm";
		kargv[k++] = "--serial";
		kargv[k++] = jsonl;
		kargv[k++] = "--tsc-khz";
		kargv[k++] = "host";
		kargv[k++] = "--out";
		kargv[k++] = res;
		kargv[k++] = "--tag";
		kargv[k++] = tags;
		kargv[k] = NULL;
		krc = hvs_guest_spawn(kargv, txt, errp, 60, NULL);
		if (krc && krc != SCRIPT_EX_TIMEOUT && krc != SCRIPT_EX_FAIL)
			fail(r, HVS_FAILED, "hvscope kvm --serial %s: exit %d", jsonl, krc);
		if (!access(res, R_OK)) {
			struct hvs_result *rr = NULL;
			char err[200];

			if (!hvs_result_read(res, &rr, err, sizeof(err))) {
				hvs_strlcpy(r->result_path, res, sizeof(r->result_path));
				r->nmetrics = (int)rr->set.n;
			}
			hvs_result_free(rr);
		}
	}
	return 0;
}

int hvs_guest_run_target(const struct hvs_gtarget *t, const struct hvs_grun_opts *o,
			 struct hvs_gresult *r)
{
	struct hvs_gtarget eff = *t;
	struct merged mg = { 0 };
	struct jobs j;
	double t0 = now_s(), deadline;
	char path[1024];
	int ret = 0;

	memset(r, 0, sizeof(*r));
	hvs_strlcpy(r->name, t->name, sizeof(r->name));
	r->outcome = HVS_PASS;
	if (o->timeout_s)
		eff.timeout_s = o->timeout_s;
	deadline = t0 + eff.timeout_s;
	make_jobs(&eff, &j);
	switch (eff.kind) {
	case HVS_GT_NATIVE:
		ret = run_native(&eff, o, &j, deadline, &mg, r);
		break;
	case HVS_GT_QEMU:
	case HVS_GT_XEN:
	case HVS_GT_KVM_AMD:
	case HVS_GT_KVM_L2:
		ret = run_boot(&eff, o, &j, deadline, &mg, r);
		break;
	case HVS_GT_SSH:
		ret = run_ssh(&eff, o, &j, deadline, &mg, r);
		break;
	case HVS_GT_IMAGE:
		ret = run_image(&eff, o, deadline, r);
		break;
	}
	if (mg.base || mg.extra.n) {
		int n = 0, w;

		snprintf(path, sizeof(path), "%s/%s.json", o->out_dir, t->name);
		w = write_merged(&eff, &mg, path, &n);
		if (w)
			fail(r, HVS_FAILED, "cannot write %s: %s", path, hvs_strerror(w));
		else {
			hvs_strlcpy(r->result_path, path, sizeof(r->result_path));
			r->nmetrics = n;
		}
	}
	merged_free(&mg);
	r->seconds = now_s() - t0;
	return ret;
}
