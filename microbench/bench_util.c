/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_util.c - shared helpers for benchmarks (see bench_util.h).
 */
#include "bench_util.h"
#include "core/timing.h"
#include "core/topology.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

const char *hvs_fault_name(int sig)
{
	switch (sig) {
	case SIGILL:
		return "SIGILL (#UD)";
	case SIGSEGV:
		return "SIGSEGV (#GP)";
	case SIGBUS:
		return "SIGBUS";
	case SIGTRAP:
		return "SIGTRAP";
	case SIGALRM:
		return "SIGALRM (watchdog)";
	default:
		return "another signal";
	}
}

int hvs_probe_insn(uint64_t (*fn)(void *arg), void *arg, unsigned timeout_ms,
		   struct hvs_insn_probe *r)
{
	int fds[2], st = 0, ret = 0;
	struct pollfd p;
	uint64_t v;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (pipe(fds) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(fds[0]);
		close(fds[1]);
		return ret;
	}
	if (pid == 0) {
		/* Default dispositions: the fault must kill the child, visibly. */
		signal(SIGILL, SIG_DFL);
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		close(fds[0]);
		alarm((timeout_ms + 999) / 1000);
		v = fn(arg);
		if (write(fds[1], &v, sizeof(v)) != (ssize_t)sizeof(v))
			_exit(3);
		_exit(0);
	}
	close(fds[1]);
	p.fd = fds[0];
	p.events = POLLIN;
	/*
	 * The child's alarm() cannot interrupt a vCPU stuck in the hypervisor;
	 * the parent (on another CPU, or after the timeslice) kills it.
	 */
	if (poll(&p, 1, (int)timeout_ms + 500) <= 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		r->end = HVS_INSN_HUNG;
		goto out;
	}
	if (read(fds[0], &v, sizeof(v)) == (ssize_t)sizeof(v)) {
		r->end = HVS_INSN_RETURNED;
		r->value = v;
		waitpid(pid, &st, 0);
		goto out;
	}
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st)) {
		r->end = WTERMSIG(st) == SIGALRM || WTERMSIG(st) == SIGKILL ? HVS_INSN_HUNG : HVS_INSN_SIGNAL;
		r->sig = WTERMSIG(st);
	} else {
		ret = -EIO;
	}
out:
	close(fds[0]);
	return ret;
}

int hvs_probe_or_skip(uint64_t (*once)(void *), const char *insn, const char *why,
		      struct hvs_metric *m, struct hvs_insn_probe *p)
{
	int ret = hvs_probe_insn(once, NULL, 2000, p);

	if (ret)
		return ret;
	if (p->end == HVS_INSN_RETURNED)
		return 1;
	m->outcome = HVS_SKIP;
	m->flags |= HVS_MF_SKIPPED;
	if (p->end == HVS_INSN_HUNG) {
		m->flags |= HVS_MF_TIMEOUT;
		snprintf(m->reason, sizeof(m->reason),
			 "%s at CPL 3 hung (watchdog 2 s): the hypervisor never resumed it", insn);
	} else {
		snprintf(m->reason, sizeof(m->reason), "%s at CPL 3 raises %s: %s", insn,
			 hvs_fault_name(p->sig), why);
	}
	hvs_metric_set_extra(m, "signal", p->sig);
	return 0;
}

int hvs_bench_pair(const struct hvs_bench_ctx *ctx, int *a, int *b, char *desc, size_t len)
{
	struct hvs_topology *t;
	int rel;

	*a = ctx->cpu_a;
	*b = ctx->cpu_b;
	if (hvs_topology_load(NULL, &t))
		return -ENODEV;
	rel = hvs_topology_pick_pair(t, 1, a, b);
	if (rel >= 0)
		hvs_topology_pair_name(t, *a, *b, desc, len);
	hvs_topology_free(t);
	return rel;
}

void hvs_bench_note_pair(struct hvs_metric *m, int a, int b, int rel)
{
	hvs_metric_set_extra(m, "cpu_a", a);
	hvs_metric_set_extra(m, "cpu_b", b);
	hvs_metric_set_extra(m, "pair_relation", rel);
}

int hvs_bench_ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

static void *spin(void *arg)
{
	struct hvs_spinner *s = arg;

	s->tid = (int)syscall(SYS_gettid);
	if (hvs_pin_cpu(s->cpu) == 0)
		s->running = 1;
	else
		s->running = -1;
	while (!s->stop)
		__asm__ __volatile__("pause" ::: "memory");
	return NULL;
}

int hvs_spinner_start(struct hvs_spinner *s, int cpu)
{
	pthread_t t;
	int ret;

	memset(s, 0, sizeof(*s));
	s->cpu = cpu;
	ret = pthread_create(&t, NULL, spin, s);
	if (ret)
		return -ret;
	s->thread = (unsigned long)t;
	while (!s->running)
		sched_yield();
	if (s->running < 0) {
		hvs_spinner_stop(s);
		return -EINVAL;
	}
	hvs_spinner_share(s);
	return 0;
}

static int64_t task_runtime_ns(int tid)
{
	char path[64], line[128];
	unsigned long long v;

	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", tid);
	if (hvs_read_line(path, line, sizeof(line)) < 0 || sscanf(line, "%llu", &v) != 1)
		return -1;
	return (int64_t)v;
}

double hvs_spinner_share(struct hvs_spinner *s)
{
	int64_t run = task_runtime_ns(s->tid);
	uint64_t wall = hvs_now_ns();
	double share = -1;

	if (run < 0)
		return -1;
	if (s->wall0 && wall > s->wall0)
		share = (double)((uint64_t)run - s->run0) / (double)(wall - s->wall0);
	s->run0 = (uint64_t)run;
	s->wall0 = wall;
	return share > 1 ? 1 : share;
}

void hvs_spinner_note(struct hvs_spinner *s, struct hvs_metric *m)
{
	double share = hvs_spinner_share(s);

	if (share < 0)
		return;
	hvs_metric_set_extra(m, "remote_oncpu_pct", share * 100);
	if (share < 0.9)
		snprintf(m->reason, sizeof(m->reason),
			 "the remote thread was on cpu%d only %.0f%% of the time (busy machine): "
			 "some operations needed no IPI",
			 s->cpu, share * 100);
}

void hvs_spinner_stop(struct hvs_spinner *s)
{
	s->stop = 1;
	pthread_join((pthread_t)s->thread, NULL);
}
