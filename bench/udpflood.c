// SPDX-License-Identifier: GPL-2.0-only
/*
 * udpflood: the traffic generator of the benchmarks (bench/pipeline.sh,
 * bench/memory.sh, bench/filter_cost.sh).
 *
 *   udpflood send ADDR PORT PPS SECONDS [SIZE]
 *       Sends SIZE-byte (default 18) UDP datagrams to ADDR:PORT for SECONDS
 *       seconds, paced at PPS packets per second (0: as fast as possible),
 *       in batches through sendmmsg(2). Prints one line:
 *           sent=N seconds=S pps=R errors=E
 *   udpflood sink PORT
 *       Binds UDP PORT (IPv4, any address) with a small receive buffer and
 *       never reads: once the buffer is full the kernel drops every datagram
 *       (kfree_skb), which costs the receiving side almost nothing. Runs
 *       until killed.
 *
 * Only IPv4 literals are accepted: the benchmarks send between their own
 * network namespaces.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH_MAX      64
#define SIZE_MAX_BYTES 1472

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int usage(void)
{
	fprintf(stderr, "usage: udpflood send ADDR PORT PPS SECONDS [SIZE]\n"
			"       udpflood sink PORT\n");
	return 2;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

static int parse_addr(const char *addr, const char *port, struct sockaddr_in *sa)
{
	uint64_t p;

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (parse_u64(port, 65535, &p) || p == 0) {
		fprintf(stderr, "udpflood: bad port '%s'\n", port);
		return -1;
	}
	sa->sin_port = htons((uint16_t)p);
	if (addr && inet_pton(AF_INET, addr, &sa->sin_addr) != 1) {
		fprintf(stderr, "udpflood: bad IPv4 address '%s'\n", addr);
		return -1;
	}
	return 0;
}

static int do_sink(char **argv)
{
	struct sockaddr_in sa;
	int fd, rcvbuf = 4096;

	if (parse_addr(NULL, argv[0], &sa))
		return 2;
	sa.sin_addr.s_addr = htonl(INADDR_ANY);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("udpflood sink");
		return 1;
	}
	for (;;)
		pause();
}

static int do_send(int argc, char **argv)
{
	static char payload[SIZE_MAX_BYTES];
	struct mmsghdr msgs[BATCH_MAX];
	struct iovec iov;
	struct sockaddr_in sa;
	uint64_t pps, seconds, size = 18, sent = 0, errors = 0, start, end, now;
	int fd;

	if (parse_addr(argv[0], argv[1], &sa))
		return 2;
	if (parse_u64(argv[2], 100000000, &pps) || parse_u64(argv[3], 3600, &seconds) || seconds == 0 ||
	    (argc > 4 && (parse_u64(argv[4], SIZE_MAX_BYTES, &size) || size == 0))) {
		fprintf(stderr, "udpflood: bad PPS, SECONDS or SIZE\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("udpflood send");
		return 1;
	}
	memset(payload, 'v', sizeof(payload));
	iov.iov_base = payload;
	iov.iov_len = size;
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH_MAX; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	start = now_ns();
	end = start + seconds * 1000000000ULL;
	while ((now = now_ns()) < end) {
		uint64_t due = BATCH_MAX;
		int n;

		if (pps) {
			/* Packets that should have left by now, minus those that did. */
			uint64_t target = (uint64_t)((double)(now - start) * (double)pps / 1e9);

			if (target <= sent) {
				/* Sleep until the next packet is due (at most 1 ms). */
				uint64_t next = start + (uint64_t)((double)(sent + 1) * 1e9 / (double)pps);
				struct timespec ts;

				if (next > now + 1000000)
					next = now + 1000000;
				ts.tv_sec = (time_t)(next / 1000000000ULL);
				ts.tv_nsec = (long)(next % 1000000000ULL);
				clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
				continue;
			}
			due = target - sent;
			if (due > BATCH_MAX)
				due = BATCH_MAX;
		}
		n = sendmmsg(fd, msgs, (unsigned int)due, 0);
		if (n < 0) {
			if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR && errno != ECONNREFUSED) {
				perror("udpflood send");
				return 1;
			}
			errors++;
			continue;
		}
		sent += (uint64_t)n;
	}
	now = now_ns();
	printf("sent=%llu seconds=%.3f pps=%.0f errors=%llu\n", (unsigned long long)sent, (double)(now - start) / 1e9,
	       (double)sent * 1e9 / (double)(now - start), (unsigned long long)errors);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "sink") == 0)
		return do_sink(argv + 2);
	if ((argc == 6 || argc == 7) && strcmp(argv[1], "send") == 0)
		return do_send(argc - 2, argv + 2);
	return usage();
}
