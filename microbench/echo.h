/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * echo.h - the tiny UDP/TCP echo used by the net.* benchmarks: a loopback
 * server in a child process, the peer address parser, and the unprivileged
 * `hvscope bench --echo-server PORT` mode for the other side of a link.
 */
#ifndef HVS_ECHO_H
#define HVS_ECHO_H

#include <sys/socket.h>
#include <sys/types.h>

#define HVS_ECHO_PORT 7717 /* default port of --echo-server and --peer */

/*
 * Serve UDP and TCP echo on port (IPv4 and IPv6, all addresses) until a
 * signal ends the process, or for `seconds` (0: forever). Returns 0 at the
 * end of the time or -errno when neither socket could be bound.
 */
int hvs_echo_serve(int port, double seconds);

/*
 * Fork a child serving echo of socket type (SOCK_DGRAM/SOCK_STREAM) on
 * 127.0.0.1, ephemeral port. *addr and *alen receive its address, *pid the
 * child (the caller kills and reaps it). Returns 0 or -errno.
 */
int hvs_echo_child(int type, struct sockaddr_storage *addr, socklen_t *alen, pid_t *pid);

/*
 * Resolve "host", "host:port", "[v6]:port" (numeric; names too in the
 * dynamic build). Returns 0 or -EINVAL.
 */
int hvs_echo_parse_peer(const char *s, struct sockaddr_storage *addr, socklen_t *alen);

/*
 * A connected client socket of type to addr (TCP_NODELAY for TCP; a
 * receive timeout of timeout_ms so a lost UDP datagram cannot hang us).
 * Returns the fd or -errno.
 */
int hvs_echo_connect(int type, const struct sockaddr_storage *addr, socklen_t alen, int timeout_ms);

#endif
