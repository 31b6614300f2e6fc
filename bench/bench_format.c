// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_format: nanoseconds per event of vista's text formatting, on
 * synthetic events shaped like real ones (--output-meta --output-tuple).
 *
 *   bench_format [ITERATIONS [RUNS]]     (default 1000000 iterations, 7 runs)
 *
 * Prints one line per case, tab-separated, for bench/run to pick up:
 *   case  median_ns  min_ns  max_ns  runs  iterations  bytes_per_line
 *
 * Cases:
 *   text_icmp     format_event on an ICMP echo request (IPv4)
 *   text_tcp      format_event on a TCP segment (IPv4)
 *   text_mix      format_event cycling over 64 events (ICMP, TCP, UDP,
 *                 IPv6, drop reasons), so no single line stays in the
 *                 branch predictor
 *   text_stdio    text_mix plus fwrite(3) of each line to /dev/null, as
 *                 vista does with --output-file (fully buffered stdio)
 *   text_relative text_mix with --timestamp relative (the per-skb clock)
 *
 * Every case reports the median and the range of RUNS runs, each timing
 * ITERATIONS calls with CLOCK_MONOTONIC; the runs of the cases alternate
 * (run 1 of every case, then run 2 of every case...). With an even RUNS the
 * median is the upper of the middle two.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/format.h"

#define NEVENTS  64
#define MAX_RUNS 101

static const char *const hook_names[] = {
	"net_dev_queue",           "net_dev_start_xmit", "net_dev_xmit", "netif_rx_entry", "netif_rx",
	"netif_receive_skb",       "kfree_skb",          "consume_skb",  "qdisc_enqueue",  "qdisc_dequeue",
	"skb_copy_datagram_iovec", "tcp_probe",
};
#define NHOOKS (sizeof(hook_names) / sizeof(hook_names[0]))

static const char *hook_name(const void *ctx, uint32_t id)
{
	(void)ctx;
	return id < NHOOKS ? hook_names[id] : NULL;
}

static const char *drop_reason(const void *ctx, uint32_t reason)
{
	(void)ctx;
	return reason == 2 ? "SKB_DROP_REASON_NOT_SPECIFIED" : "SKB_DROP_REASON_SOCKET_RCVBUFF";
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void base_event(struct vista_event *e, uint32_t hook, const char *comm, uint32_t pid)
{
	memset(e, 0, sizeof(*e));
	e->ts_ns = 123456789012345ULL;
	e->addr = 0xffff888104fa3300ULL;
	e->cpu = 1;
	e->pid = pid;
	e->tid = pid;
	e->hook_id = hook;
	e->kind = VISTA_EV_SKB;
	e->stack_id = -1;
	e->flags = VISTA_EVF_HAS_META | VISTA_EVF_HAS_TUPLE;
	snprintf(e->comm, sizeof(e->comm), "%s", comm);
	e->meta.netns = 4026532177u;
	e->meta.ifindex = 2;
	snprintf(e->meta.ifname, sizeof(e->meta.ifname), "veth0");
	e->meta.protocol = 0x0800;
	e->meta.mtu = 1500;
	e->meta.pkt_type = 0;
	e->tuple.l3 = 4;
	inet_pton(AF_INET, "10.198.0.1", e->tuple.saddr);
	inet_pton(AF_INET, "10.198.0.2", e->tuple.daddr);
}

static void icmp_event(struct vista_event *e)
{
	base_event(e, 0, "ping", 27646);
	e->meta.len = 98;
	e->tuple.l4_proto = 1;
	e->tuple.icmp_type = 8;
	e->tuple.sport = 27646;
	e->tuple.dport = 1;
}

static void tcp_event(struct vista_event *e)
{
	base_event(e, 5, "iperf3", 31337);
	e->meta.ifindex = 3;
	snprintf(e->meta.ifname, sizeof(e->meta.ifname), "veth1");
	e->meta.len = 65226;
	e->tuple.l4_proto = 6;
	e->tuple.sport = 46580;
	e->tuple.dport = 5201;
	e->tuple.tcp_flags = 0x18;
}

/* 64 different events: protocols, families, hooks, drop reasons, skbs. */
static void mixed_events(struct vista_event *ev)
{
	for (int i = 0; i < NEVENTS; i++) {
		struct vista_event *e = &ev[i];

		switch (i % 4) {
		case 0:
			icmp_event(e);
			break;
		case 1:
			tcp_event(e);
			break;
		case 2:
			base_event(e, 0, "udpflood", 4242);
			e->meta.len = 46;
			e->tuple.l4_proto = 17;
			e->tuple.sport = (uint16_t)(40000 + i);
			e->tuple.dport = 9000;
			break;
		default:
			base_event(e, 0, "socat", 777);
			e->meta.protocol = 0x86dd;
			e->meta.len = 1280;
			e->tuple.l3 = 6;
			inet_pton(AF_INET6, "fd00:198::1", e->tuple.saddr);
			inet_pton(AF_INET6, "fd00:198::2", e->tuple.daddr);
			e->tuple.l4_proto = 6;
			e->tuple.sport = 8080;
			e->tuple.dport = (uint16_t)(50000 + i);
			break;
		}
		e->hook_id = (uint32_t)(i % NHOOKS);
		e->addr = 0xffff888104000000ULL + (uint64_t)(i % 16) * 0x100;
		e->ts_ns += (uint64_t)i * 1000;
		e->cpu = (uint32_t)(i & 1);
		if (hook_names[e->hook_id][0] == 'k') {
			e->flags |= VISTA_EVF_HAS_REASON | VISTA_EVF_SKB_FREED;
			e->reason = (uint32_t)(2 + (i & 1));
		}
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct bench_case {
	const char *name;
	const struct vista_event *events;
	int nevents;
	struct format_opts opts;
	FILE *sink; /* NULL: format only */
};

static volatile size_t sink_bytes; /* keeps the compiler from dropping the work */

static double run_once(const struct bench_case *c, const struct format_names *names, struct format_state *st,
		       uint64_t iterations, size_t *line_bytes)
{
	char line[8192];
	size_t total = 0;
	uint64_t t0, t1;

	t0 = now_ns();
	for (uint64_t i = 0; i < iterations; i++) {
		const struct vista_event *e = &c->events[i % (uint64_t)c->nevents];
		size_t n = format_event(line, sizeof(line), e, NULL, 0, names, &c->opts, st);

		if (c->sink && fwrite(line, 1, n, c->sink) != n) {
			perror("bench_format: fwrite");
			exit(1);
		}
		total += n;
	}
	if (c->sink)
		fflush(c->sink);
	t1 = now_ns();
	sink_bytes += total;
	*line_bytes = total / iterations;
	return (double)(t1 - t0) / (double)iterations;
}

int main(int argc, char **argv)
{
	static struct vista_event icmp[1], tcp[1], mix[NEVENTS];
	struct format_names names = { hook_name, drop_reason, NULL, NULL };
	struct format_opts plain = { .meta = true, .tuple = true, .timestamp = TIMESTAMP_NONE };
	struct format_opts relative = { .meta = true, .tuple = true, .timestamp = TIMESTAMP_RELATIVE };
	uint64_t iterations = 1000000, runs = 7;
	FILE *devnull;

	if (argc > 1)
		iterations = strtoull(argv[1], NULL, 10);
	if (argc > 2)
		runs = strtoull(argv[2], NULL, 10);
	if (iterations == 0 || runs == 0 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: bench_format [ITERATIONS [RUNS (1-%d)]]\n", MAX_RUNS);
		return 2;
	}
	devnull = fopen("/dev/null", "w");
	if (!devnull) {
		perror("bench_format: /dev/null");
		return 1;
	}
	icmp_event(&icmp[0]);
	tcp_event(&tcp[0]);
	mixed_events(mix);

	const struct bench_case cases[] = {
		{ "text_icmp", icmp, 1, plain, NULL },
		{ "text_tcp", tcp, 1, plain, NULL },
		{ "text_mix", mix, NEVENTS, plain, NULL },
		{ "text_stdio", mix, NEVENTS, plain, devnull },
		{ "text_relative", mix, NEVENTS, relative, NULL },
	};

	enum { NCASES = sizeof(cases) / sizeof(cases[0]) };
	static uint64_t ns[NCASES][MAX_RUNS];
	struct format_state st[NCASES];
	size_t bytes[NCASES];

	for (size_t c = 0; c < NCASES; c++) {
		if (format_state_init(&st[c])) {
			fprintf(stderr, "bench_format: out of memory\n");
			return 1;
		}
		/* One untimed warm-up run: page faults, caches, the CPU's clock. */
		run_once(&cases[c], &names, &st[c], iterations / 10 + 1, &bytes[c]);
	}
	/* Runs alternate between the cases, so that a noisy moment hits them all alike. */
	for (uint64_t r = 0; r < runs; r++)
		for (size_t c = 0; c < NCASES; c++)
			ns[c][r] =
			    (uint64_t)(run_once(&cases[c], &names, &st[c], iterations, &bytes[c]) * 1000.0); /* ps */
	for (size_t c = 0; c < NCASES; c++) {
		format_state_free(&st[c]);
		qsort(ns[c], runs, sizeof(ns[c][0]), cmp_u64);
		printf("%s\t%.1f\t%.1f\t%.1f\t%llu\t%llu\t%zu\n", cases[c].name, (double)ns[c][runs / 2] / 1000.0,
		       (double)ns[c][0] / 1000.0, (double)ns[c][runs - 1] / 1000.0, (unsigned long long)runs,
		       (unsigned long long)iterations, bytes[c]);
	}
	fclose(devnull);
	return 0;
}
