/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net_rr.c - UDP and TCP request/response round trips of one byte (netperf
 * UDP_RR/TCP_RR style) over loopback (an echo child process: the
 * guest's network stack and two wake-ups, no device) and, with --peer, to
 * `hvscope bench --echo-server` on another machine (adds the virtual NIC:
 * virtio-net/netfront kicks, interrupts, the host's bridge or vswitch).
 */
#include "bench.h"
#include "bench_util.h"
#include "echo.h"
#include "measure.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct rr {
	int fd;
	int err;
};

static void body(void *arg, uint64_t iters)
{
	struct rr *r = arg;
	char c = 'x';

	for (uint64_t i = 0; i < iters && !r->err; i++)
		if (send(r->fd, &c, 1, 0) != 1 || recv(r->fd, &c, 1, 0) != 1)
			r->err = errno ? errno : EIO;
}

static int measure_to(const struct hvs_bench_ctx *ctx, struct hvs_metric *m, int type,
		      const struct sockaddr_storage *a, socklen_t al, const char *where)
{
	struct rr r = { 0 };
	struct hvs_loop l = { .body = body, .arg = &r };
	int ret;

	r.fd = hvs_echo_connect(type, a, al, 1000);
	if (r.fd < 0) {
		m->outcome = HVS_SKIP;
		m->flags |= HVS_MF_SKIPPED;
		snprintf(m->reason, sizeof(m->reason), "connect to %s: %s", where, strerror(-r.fd));
		return 0;
	}
	ret = hvs_measure_loop(ctx, &l, m);
	close(r.fd);
	if (!ret && r.err) {
		m->outcome = HVS_SKIP;
		m->flags |= HVS_MF_SKIPPED;
		snprintf(m->reason, sizeof(m->reason), "round trip to %s failed: %s%s", where, strerror(r.err),
			 r.err == EAGAIN ? " (no echo within 1 s: is the echo server running?)" : "");
	}
	return ret;
}

static int run_type(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
		    struct hvs_metrics *out, int type)
{
	struct sockaddr_storage a;
	socklen_t al;
	struct hvs_metric *m = hvs_bench_metric(self, out, "loopback");
	pid_t pid;
	int ret, st;

	if (!m)
		return -ENOMEM;
	ret = hvs_echo_child(type, &a, &al, &pid);
	if (ret)
		return ret;
	ret = measure_to(ctx, m, type, &a, al, "127.0.0.1");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	if (ret || !ctx->peer)
		return ret;
	m = hvs_bench_metric(self, out, "peer");
	if (!m)
		return -ENOMEM;
	if (hvs_echo_parse_peer(ctx->peer, &a, &al)) {
		m->outcome = HVS_SKIP;
		m->flags |= HVS_MF_SKIPPED;
		snprintf(m->reason, sizeof(m->reason), "cannot parse peer address '%.80s'", ctx->peer);
		return 0;
	}
	ret = measure_to(ctx, m, type, &a, al, ctx->peer);
	snprintf(m->what, sizeof(m->what), "%s 1-byte round trip to the echo server at %.80s",
		 type == SOCK_DGRAM ? "UDP" : "TCP", ctx->peer);
	return ret;
}

static int run_udp(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
		   struct hvs_metrics *out)
{
	return run_type(self, ctx, out, SOCK_DGRAM);
}

static int run_tcp(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
		   struct hvs_metrics *out)
{
	return run_type(self, ctx, out, SOCK_STREAM);
}

const struct hvs_bench hvs_bench_net_udp = {
	.name = "net.udp",
	.klass = "net",
	.unit = "ns",
	.what = "UDP 1-byte round trip: loopback echo child, and the --peer echo server",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_QUICK | HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run_udp,
};

const struct hvs_bench hvs_bench_net_tcp = {
	.name = "net.tcp",
	.klass = "net",
	.unit = "ns",
	.what = "TCP 1-byte round trip (TCP_NODELAY): loopback echo child, and the --peer echo server",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run_tcp,
};
