/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net_rr.c - network request/response (netperf TCP_RR style): one TCP
 * connection, a 64-byte request, wait for the 64-byte answer, repeat.
 * Throughput in transactions per second.
 *
 * Where the echo server is:
 *   - ctx->peer, else $HVSCOPE_NET_PEER ("ADDR[:PORT]", numeric in the
 *     static build): `hvscope bench --echo-server PORT` elsewhere. The guest
 *     matrix (hvscope guest) uses this from the host side: the guest runs
 *     the echo server and QEMU user networking forwards 127.0.0.1:PORT on
 *     the host to it (hostfwd), so each transaction crosses the guest's
 *     virtual NIC (virtio-net kicks and interrupts, slirp on the host).
 *   - otherwise an echo child process on 127.0.0.1 (microbench/echo.c):
 *     the native reference, the same client code against a local server.
 * The client never picks an address itself: only the one it is given.
 */
#include "workload.h"
#include "microbench/echo.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define RR_BYTES 64
#define RR_TIMEOUT_MS 3000 /* a lost answer ends the run instead of hanging it */

struct rr {
	int fd;
	int err;
	char buf[RR_BYTES];
};

/* Read exactly len bytes (TCP may split the echo). 0 or an errno. */
static int recv_all(int fd, char *p, size_t len)
{
	while (len) {
		ssize_t n = recv(fd, p, len, 0);

		if (n == 0)
			return ECONNRESET;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void body(void *arg, uint64_t iters)
{
	struct rr *r = arg;

	for (uint64_t i = 0; i < iters && !r->err; i++) {
		r->buf[0] = (char)i;
		if (send(r->fd, r->buf, RR_BYTES, MSG_NOSIGNAL) != RR_BYTES)
			r->err = errno ? errno : EIO;
		else
			r->err = recv_all(r->fd, r->buf, RR_BYTES);
	}
}

static const char *peer_of(const struct hvs_bench_ctx *ctx)
{
	const char *p = ctx->peer ? ctx->peer : getenv("HVSCOPE_NET_PEER");

	return p && *p ? p : NULL;
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	struct rr r = { .fd = -1 };
	struct hvs_loop l = { body, NULL, &r };
	struct hvs_metric *m = hvs_bench_metric(self, out, NULL);
	struct sockaddr_storage a;
	socklen_t al;
	const char *peer = peer_of(ctx);
	pid_t child = -1;
	int ret, st;

	if (!m)
		return -ENOMEM;
	if (peer) {
		if (hvs_echo_parse_peer(peer, &a, &al)) {
			m->outcome = HVS_SKIP;
			m->flags |= HVS_MF_SKIPPED;
			snprintf(m->reason, sizeof(m->reason), "cannot parse peer address '%.80s'", peer);
			return 0;
		}
		snprintf(m->what, sizeof(m->what),
			 "TCP request/response, 64 bytes each way, to the echo server at %.80s", peer);
	} else {
		ret = hvs_echo_child(SOCK_STREAM, &a, &al, &child);
		if (ret)
			return ret;
	}
	r.fd = hvs_echo_connect(SOCK_STREAM, &a, al, RR_TIMEOUT_MS);
	if (r.fd < 0) {
		m->outcome = HVS_SKIP;
		m->flags |= HVS_MF_SKIPPED;
		snprintf(m->reason, sizeof(m->reason), "connect to %s: %s",
			 peer ? peer : "the local echo child", strerror(-r.fd));
		ret = 0;
		goto out;
	}
	ret = hvs_workload_rate(ctx, &l, 1.0, m);
	if (r.err) {
		/* The rate of a loop that stopped early means nothing. */
		m->outcome = HVS_SKIP;
		m->flags |= HVS_MF_SKIPPED;
		snprintf(m->reason, sizeof(m->reason), "transaction with %s failed: %s%s",
			 peer ? peer : "the local echo child", strerror(r.err),
			 r.err == EAGAIN ? " (no answer within 3 s)" : "");
		ret = 0;
	}
	hvs_metric_set_extra(m, "bytes_each_way", RR_BYTES);
out:
	if (r.fd >= 0)
		close(r.fd);
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, &st, 0);
	}
	return ret;
}

const struct hvs_bench hvs_bench_wl_net_rr = {
	.name = "workload.net.rr",
	.klass = "workload",
	.unit = "trans/s",
	.what = "TCP request/response, 64 bytes each way, one connection (netperf TCP_RR style)",
	.direction = HVS_HIGHER_IS_BETTER,
	/* not quick: in a guest, `run --suite quick` would measure only its loopback */
	.sets = HVS_SET_DEFAULT | HVS_SET_FULL,
	.run = run,
};
