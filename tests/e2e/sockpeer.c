// SPDX-License-Identifier: GPL-2.0-only
/*
 * sockpeer: socket traffic of exactly known shape for the end-to-end tests
 * of TCP and socket tracing (tests/e2e/tcp_life.sh, sock_events.sh).
 *
 *   sockpeer [OPTIONS] tcp-server ADDR PORT BYTES   accept one connection, read to EOF, send BYTES, close
 *   sockpeer [OPTIONS] tcp-client ADDR PORT BYTES   connect, send BYTES, shut down, read to EOF, close
 *   sockpeer [OPTIONS] udp-server ADDR PORT         receive one datagram, send it back
 *   sockpeer [OPTIONS] udp-client ADDR PORT BYTES   send one datagram of BYTES, receive the reply
 *   sockpeer [OPTIONS] unix-pair BYTES              a connected AF_UNIX stream pair: BYTES one way
 *   sockpeer [OPTIONS] netlink                      one RTM_GETLINK dump over NETLINK_ROUTE
 *
 * Options: --wait FILE (do nothing until FILE exists), --ready FILE (create
 * FILE once listening), --pause MS (after connecting, before sending),
 * --hold FILE (a TCP client keeps its connection open until FILE exists),
 * --mark N (SO_MARK), --reset (a TCP client aborts with a reset instead of
 * closing). It prints what it received ("received N") and exits 0, or
 * prints why it failed on stderr and exits 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct opts {
	const char *wait, *ready, *hold;
	long pause_ms;
	long mark; /* -1: none */
	bool reset;
};

static int die(const char *what)
{
	fprintf(stderr, "sockpeer: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void wait_for(const char *path)
{
	struct stat st;

	while (path && stat(path, &st) < 0)
		sleep_ms(10);
}

static void touch(const char *path)
{
	int fd;

	if (!path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(path);
	close(fd);
}

/* ADDR PORT as a socket address of the right family. */
static socklen_t parse_addr(const char *addr, const char *port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)atoi(port));
		return sizeof(*in4);
	}
	if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)atoi(port));
		return sizeof(*in6);
	}
	fprintf(stderr, "sockpeer: not an address: %s\n", addr);
	exit(1);
}

static int make_socket(int family, int type, const struct opts *o)
{
	int fd = socket(family, type, 0), one = 1;

	if (fd < 0)
		die("socket");
	if (type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		die("SO_REUSEADDR");
	if (o->mark >= 0) {
		int mark = (int)o->mark;

		if (setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0)
			die("SO_MARK");
	}
	return fd;
}

static void send_all(int fd, size_t n)
{
	char buf[16384];

	memset(buf, 'v', sizeof(buf));
	while (n) {
		ssize_t k = send(fd, buf, n < sizeof(buf) ? n : sizeof(buf), MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			die("send");
		n -= (size_t)k;
	}
}

/* Reads until EOF; a reset ends it too (the peer aborted). Returns the bytes read. */
static size_t read_all(int fd, bool *reset)
{
	char buf[16384];
	size_t total = 0;

	*reset = false;
	for (;;) {
		ssize_t k = recv(fd, buf, sizeof(buf), 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == ECONNRESET) {
			*reset = true;
			return total;
		}
		if (k < 0)
			die("recv");
		if (k == 0)
			return total;
		total += (size_t)k;
	}
}

static void report(size_t received, bool reset)
{
	printf("received %zu%s\n", received, reset ? " reset" : "");
	fflush(stdout);
}

static int tcp_server(const struct opts *o, const char *addr, const char *port, size_t bytes)
{
	struct sockaddr_storage ss;
	socklen_t len = parse_addr(addr, port, &ss);
	int lfd = make_socket(ss.ss_family, SOCK_STREAM, o), fd;
	size_t got;
	bool reset;

	if (bind(lfd, (struct sockaddr *)&ss, len) < 0)
		die("bind");
	if (listen(lfd, 1) < 0)
		die("listen");
	touch(o->ready);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	close(lfd);
	got = read_all(fd, &reset);
	if (!reset)
		send_all(fd, bytes);
	close(fd);
	report(got, reset);
	return 0;
}

static int tcp_client(const struct opts *o, const char *addr, const char *port, size_t bytes)
{
	struct sockaddr_storage ss;
	socklen_t len = parse_addr(addr, port, &ss);
	int fd = make_socket(ss.ss_family, SOCK_STREAM, o);
	size_t got;
	bool reset;

	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		die("connect");
	if (o->pause_ms)
		sleep_ms(o->pause_ms);
	send_all(fd, bytes);
	wait_for(o->hold);
	if (o->reset) {
		/* A zero linger turns close() into an abort: the connection ends with a reset. */
		struct linger lg = { 1, 0 };

		if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) < 0)
			die("SO_LINGER");
		close(fd);
		report(0, false);
		return 0;
	}
	if (shutdown(fd, SHUT_WR) < 0)
		die("shutdown");
	got = read_all(fd, &reset);
	close(fd);
	report(got, reset);
	return 0;
}

static int udp_server(const struct opts *o, const char *addr, const char *port)
{
	struct sockaddr_storage ss, from;
	socklen_t len = parse_addr(addr, port, &ss), flen = sizeof(from);
	int fd = make_socket(ss.ss_family, SOCK_DGRAM, o);
	char buf[65536];
	ssize_t k;

	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		die("bind");
	touch(o->ready);
	k = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	if (k < 0)
		die("recvfrom");
	if (sendto(fd, buf, (size_t)k, 0, (struct sockaddr *)&from, flen) != k)
		die("sendto");
	close(fd);
	report((size_t)k, false);
	return 0;
}

static int udp_client(const struct opts *o, const char *addr, const char *port, size_t bytes)
{
	struct sockaddr_storage ss;
	socklen_t len = parse_addr(addr, port, &ss);
	int fd = make_socket(ss.ss_family, SOCK_DGRAM, o);
	char buf[65536];
	ssize_t k;

	if (bytes > sizeof(buf)) {
		fprintf(stderr, "sockpeer: at most %zu bytes in a datagram\n", sizeof(buf));
		return 1;
	}
	memset(buf, 'u', bytes);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		die("connect");
	if (send(fd, buf, bytes, 0) != (ssize_t)bytes)
		die("send");
	k = recv(fd, buf, sizeof(buf), 0);
	if (k < 0)
		die("recv");
	close(fd);
	report((size_t)k, false);
	return 0;
}

static int unix_pair(size_t bytes)
{
	int sv[2];
	size_t got;
	bool reset;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		die("socketpair");
	send_all(sv[0], bytes);
	close(sv[0]);
	got = read_all(sv[1], &reset);
	close(sv[1]);
	report(got, reset);
	return 0;
}

static int netlink_dump(void)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = { 0 };
	char buf[65536];
	size_t total = 0;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		die("socket(AF_NETLINK)");
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = RTM_GETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = 1;
	req.ifi.ifi_family = AF_UNSPEC;
	if (send(fd, &req, sizeof(req), 0) != (ssize_t)sizeof(req))
		die("send(netlink)");
	for (;;) {
		ssize_t k = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;
		bool done = false;

		if (k < 0)
			die("recv(netlink)");
		total += (size_t)k;
		for (; NLMSG_OK(nh, (size_t)k); nh = NLMSG_NEXT(nh, k))
			done |= nh->nlmsg_type == NLMSG_DONE || nh->nlmsg_type == NLMSG_ERROR;
		if (done)
			break;
	}
	close(fd);
	report(total, false);
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: sockpeer [--wait FILE] [--ready FILE] [--pause MS] [--hold FILE] [--mark N] [--reset]\n"
		"       tcp-server|tcp-client ADDR PORT BYTES | udp-server ADDR PORT | udp-client ADDR PORT BYTES\n"
		"       | unix-pair BYTES | netlink\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct opts o = { .mark = -1 };
	int i = 1;

	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--reset") == 0)
			o.reset = true;
		else if (i + 1 >= argc)
			return usage();
		else if (strcmp(argv[i], "--wait") == 0)
			o.wait = argv[++i];
		else if (strcmp(argv[i], "--ready") == 0)
			o.ready = argv[++i];
		else if (strcmp(argv[i], "--hold") == 0)
			o.hold = argv[++i];
		else if (strcmp(argv[i], "--pause") == 0)
			o.pause_ms = atol(argv[++i]);
		else if (strcmp(argv[i], "--mark") == 0)
			o.mark = strtol(argv[++i], NULL, 0);
		else
			return usage();
	}
	if (i >= argc)
		return usage();
	wait_for(o.wait);
	argv += i;
	argc -= i;
	if (strcmp(argv[0], "tcp-server") == 0 && argc == 4)
		return tcp_server(&o, argv[1], argv[2], strtoul(argv[3], NULL, 10));
	if (strcmp(argv[0], "tcp-client") == 0 && argc == 4)
		return tcp_client(&o, argv[1], argv[2], strtoul(argv[3], NULL, 10));
	if (strcmp(argv[0], "udp-server") == 0 && argc == 3)
		return udp_server(&o, argv[1], argv[2]);
	if (strcmp(argv[0], "udp-client") == 0 && argc == 4)
		return udp_client(&o, argv[1], argv[2], strtoul(argv[3], NULL, 10));
	if (strcmp(argv[0], "unix-pair") == 0 && argc == 2)
		return unix_pair(strtoul(argv[1], NULL, 10));
	if (strcmp(argv[0], "netlink") == 0 && argc == 1)
		return netlink_dump();
	return usage();
}
