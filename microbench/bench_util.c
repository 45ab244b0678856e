/*
 * bench_util.c - shared helpers for benchmarks (see bench_util.h).
 */
#include "bench_util.h"
#include "topology.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
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
	return 0;
}

void hvs_spinner_stop(struct hvs_spinner *s)
{
	s->stop = 1;
	pthread_join((pthread_t)s->thread, NULL);
}
