/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * echo.c - UDP/TCP echo server and client sockets (see echo.h).
 */
#include "echo.h"
#include "core/hvs_features.h"
#include "core/hvscope.h"
#include "core/timing.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_CONN 16

static int bind_any(int type, int port)
{
	struct sockaddr_in6 a6;
	int fd, one = 1, zero = 0;

	fd = socket(AF_INET6, type, 0);
	if (fd >= 0) {
		/* Dual stack: IPv4 peers arrive as v4-mapped addresses. */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		memset(&a6, 0, sizeof(a6));
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((uint16_t)port);
		a6.sin6_addr = in6addr_any;
		if (bind(fd, (struct sockaddr *)&a6, sizeof(a6)) == 0)
			return fd;
		close(fd);
	}
	{
		/* No IPv6 in this guest (a minimal initramfs): IPv4 only. */
		struct sockaddr_in a4;

		fd = socket(AF_INET, type, 0);
		if (fd < 0)
			return -errno;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		memset(&a4, 0, sizeof(a4));
		a4.sin_family = AF_INET;
		a4.sin_port = htons((uint16_t)port);
		a4.sin_addr.s_addr = htonl(INADDR_ANY);
		if (bind(fd, (struct sockaddr *)&a4, sizeof(a4)) == 0)
			return fd;
		one = -errno;
		close(fd);
		return one;
	}
}

/* Serve the already-bound sockets udp/tcp (either may be < 0). */
static int serve(int udp, int tcp, double seconds)
{
	struct pollfd p[2 + MAX_CONN];
	uint64_t end = seconds > 0 ? hvs_now_ns() + (uint64_t)(seconds * 1e9) : 0;
	char buf[65536];
	int nconn = 0;

	if (tcp >= 0 && listen(tcp, 16) < 0)
		return -errno;
	for (;;) {
		int np = 0, timeout = -1, r;

		if (end) {
			uint64_t now = hvs_now_ns();

			if (now >= end)
				break;
			timeout = (int)((end - now) / 1000000) + 1;
		}
		p[np++] = (struct pollfd){ .fd = udp, .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = tcp, .events = POLLIN };
		for (int i = 0; i < nconn; i++)
			p[np++].events = POLLIN;
		r = poll(p, (nfds_t)np, timeout);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (udp >= 0 && (p[0].revents & POLLIN)) {
			struct sockaddr_storage from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(udp, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);

			if (n >= 0)
				sendto(udp, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
		}
		for (int i = 2; i < np; i++) {
			ssize_t n;

			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n <= 0 || write(p[i].fd, buf, (size_t)n) != n) {
				close(p[i].fd);
				p[i].fd = -1;
			}
		}
		/* Compact closed connections. */
		{
			int k = 0;

			for (int i = 2; i < np; i++)
				if (p[i].fd >= 0)
					p[2 + k++].fd = p[i].fd;
			nconn = k;
			for (int i = 0; i < nconn; i++)
				p[2 + i].events = POLLIN;
		}
		if (tcp >= 0 && (p[1].revents & POLLIN)) {
			int fd = accept(tcp, NULL, NULL), one = 1;

			if (fd >= 0 && nconn < MAX_CONN) {
				setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
				p[2 + nconn++].fd = fd;
			} else if (fd >= 0) {
				close(fd);
			}
		}
	}
	for (int i = 0; i < nconn; i++)
		close(p[2 + i].fd);
	return 0;
}

int hvs_echo_serve(int port, double seconds)
{
	int udp = bind_any(SOCK_DGRAM, port), tcp = bind_any(SOCK_STREAM, port), ret;

	if (udp < 0 && tcp < 0)
		return udp;
	fprintf(stderr, "hvscope: echo server on port %d (%s%s%s)\n", port, udp >= 0 ? "udp" : "",
		udp >= 0 && tcp >= 0 ? "+" : "", tcp >= 0 ? "tcp" : "");
	ret = serve(udp, tcp, seconds);
	if (udp >= 0)
		close(udp);
	if (tcp >= 0)
		close(tcp);
	return ret;
}

int hvs_echo_child(int type, struct sockaddr_storage *addr, socklen_t *alen, pid_t *pid)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);
	int fd = socket(AF_INET, type, 0), ret;

	if (fd < 0)
		return -errno;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &l) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 4) < 0)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	fflush(NULL);
	*pid = fork();
	if (*pid < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	if (*pid == 0) {
		/* Die with the parent, whatever happens to it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		serve(type == SOCK_DGRAM ? fd : -1, type == SOCK_STREAM ? fd : -1, 0);
		_exit(0);
	}
	close(fd);
	memcpy(addr, &a, sizeof(a));
	*alen = sizeof(a);
	return 0;
}

#if HVS_STATIC
/* Name lookup in a static glibc needs the NSS libraries at run time: numeric only. */
static int resolve(const char *host, const char *port, struct sockaddr_storage *addr, socklen_t *alen)
{
	(void)host;
	(void)port;
	(void)addr;
	(void)alen;
	return -EINVAL;
}
#else
static int resolve(const char *host, const char *port, struct sockaddr_storage *addr, socklen_t *alen)
{
	struct addrinfo hints, *res = NULL;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(host, port, &hints, &res) || !res)
		return -EINVAL;
	memcpy(addr, res->ai_addr, res->ai_addrlen);
	*alen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}
#endif

int hvs_echo_parse_peer(const char *s, struct sockaddr_storage *addr, socklen_t *alen)
{
	char host[256], port[16];
	const char *colon;
	snprintf(port, sizeof(port), "%d", HVS_ECHO_PORT);
	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '[') {
		const char *close_br = strchr(s, ']');

		if (!close_br || (size_t)(close_br - s - 1) >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, (size_t)(close_br - s - 1));
		host[close_br - s - 1] = 0;
		if (close_br[1] == ':')
			hvs_strlcpy(port, close_br + 2, sizeof(port));
		else if (close_br[1])
			return -EINVAL;
	} else if ((colon = strchr(s, ':')) && !strchr(colon + 1, ':')) {
		if ((size_t)(colon - s) >= sizeof(host))
			return -EINVAL;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = 0;
		hvs_strlcpy(port, colon + 1, sizeof(port));
	} else {
		if (hvs_strlcpy(host, s, sizeof(host)) >= sizeof(host))
			return -EINVAL;
	}
	{
		char *end;
		long p = strtol(port, &end, 10);

		if (end == port || *end || p < 1 || p > 65535)
			return -EINVAL;
	}
	{
		struct sockaddr_in *a4 = (struct sockaddr_in *)addr;
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)addr;
		uint16_t pn = htons((uint16_t)atoi(port));

		memset(addr, 0, sizeof(*addr));
		if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
			a4->sin_family = AF_INET;
			a4->sin_port = pn;
			*alen = sizeof(*a4);
			return 0;
		}
		if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
			a6->sin6_family = AF_INET6;
			a6->sin6_port = pn;
			*alen = sizeof(*a6);
			return 0;
		}
	}
	return resolve(host, port, addr, alen);
}

int hvs_echo_connect(int type, const struct sockaddr_storage *addr, socklen_t alen, int timeout_ms)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	int fd = socket(addr->ss_family, type, 0), one = 1, ret;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (type == SOCK_STREAM)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)addr, alen) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}
