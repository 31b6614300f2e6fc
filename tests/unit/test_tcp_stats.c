// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for src/core/tcp_stats.c: the table of open and closed TCP connections. */
#include <stdlib.h>

#include "core/tcp_stats.h"
#include "tap.h"

#define MS 1000000ULL

/* An event of connection `id` (its socket address and client port) at ts_ms. */
struct ev {
	struct vista_event e;
	struct vista_tcp t;
};

static struct ev ev(int id, uint8_t what, uint64_t ts_ms, uint64_t lifetime_ms)
{
	struct ev x;

	memset(&x, 0, sizeof(x));
	x.e.kind = VISTA_EV_TCP;
	x.e.addr = 0xffff888100000000ULL + (uint64_t)id * 0x800;
	x.e.ts_ns = ts_ms * MS;
	x.e.pid = 100 + (uint32_t)id;
	snprintf(x.e.comm, sizeof(x.e.comm), "proc%d", id);
	x.e.meta.netns = 4026531840u;
	x.e.tuple.l3 = 4;
	x.e.tuple.l4_proto = 6;
	x.e.tuple.saddr[0] = 10, x.e.tuple.saddr[3] = 1;
	x.e.tuple.daddr[0] = 10, x.e.tuple.daddr[3] = 2;
	x.e.tuple.sport = (uint16_t)(40000 + id);
	x.e.tuple.dport = 80;
	x.t.what = what;
	x.t.lifetime_ns = lifetime_ms * MS;
	x.t.family = 2;
	x.t.state = 1;
	memcpy(x.t.cong, "cubic", 6);
	return x;
}

static void add(struct tcp_stats *s, const struct ev *x)
{
	tcp_stats_add(s, &x->e, &x->t);
}

/* The client ports of the connections listed, in order, as "40001 40003". */
static const char *ports(const struct tcp_conn **v, size_t n)
{
	static char buf[512];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && off < sizeof(buf) - 8; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%u", i ? " " : "", v[i]->tuple.sport);
	return buf;
}

static void test_open_then_closed(void)
{
	struct tcp_stats *s = tcp_stats_new(16, 16);
	const struct tcp_conn *v[8];
	struct ev x = ev(1, VISTA_TCP_OPEN, 1000, 300);

	x.t.flags = VISTA_TCP_PARTIAL;
	x.t.rx_bytes = 10;
	x.t.tx_bytes = 20;
	add(s, &x);
	is_int(tcp_stats_count(s, TCP_OPEN), 1, "a connection listed at the start is open");
	is_int(tcp_stats_sorted(s, TCP_SORT_LIFETIME, TCP_OPEN, 1500 * MS, v, 8), 1, "  and listed");
	ok(v[0]->open && v[0]->partial && v[0]->rx_bytes == 10 && v[0]->tx_bytes == 20, "  partial, with its numbers");
	is_int(tcp_conn_lifetime(v[0], 1500 * MS), 800 * MS, "  its lifetime grows with the clock while open");
	is_int(v[0]->birth_ns, 700 * MS, "  born at ts - lifetime");

	x = ev(1, VISTA_TCP_CLOSE, 2000, 1300);
	x.t.flags = VISTA_TCP_PARTIAL;
	x.t.rx_bytes = 5454;
	x.t.tx_bytes = 5885;
	x.t.retrans = 2;
	x.t.srtt_us = 240;
	x.t.state = 9;
	add(s, &x);
	ok(tcp_stats_count(s, TCP_OPEN) == 0 && tcp_stats_count(s, TCP_CLOSED) == 1,
	   "its close moves it to the closed");
	is_int(tcp_stats_sorted(s, TCP_SORT_LIFETIME, TCP_OPEN | TCP_CLOSED, 9000 * MS, v, 8), 1, "  one connection");
	ok(!v[0]->open && v[0]->rx_bytes == 5454 && v[0]->tx_bytes == 5885 && v[0]->retrans == 2 &&
	       v[0]->srtt_us == 240 && v[0]->state == 9 && strcmp(v[0]->cong, "cubic") == 0 &&
	       strcmp(v[0]->comm, "proc1") == 0 && v[0]->pid == 101,
	   "  with its final numbers, owner and congestion control");
	is_int(tcp_conn_lifetime(v[0], 9000 * MS), 1300 * MS, "  its lifetime no longer grows");

	/* An abort closes and then resets: the reset belongs to it and changes nothing else. */
	x = ev(1, VISTA_TCP_RESET_SENT, 2001, 1300);
	x.t.reset = VISTA_TCP_RST_SENT;
	x.t.state = 7;
	add(s, &x);
	tcp_stats_sorted(s, TCP_SORT_RECENT, TCP_CLOSED, 0, v, 8);
	ok(tcp_stats_count(s, TCP_OPEN | TCP_CLOSED) == 1 && v[0]->reset == VISTA_TCP_RST_SENT && v[0]->state == 9 &&
	       v[0]->rx_bytes == 5454 && v[0]->seen_ns == 2000 * MS,
	   "a reset after the close marks it, the rest stays final");

	/* The same socket and tuple again: a new connection, the old one kept. */
	x = ev(1, VISTA_TCP_OPEN, 3000, 10);
	add(s, &x);
	ok(tcp_stats_count(s, TCP_OPEN) == 1 && tcp_stats_count(s, TCP_CLOSED) == 1,
	   "a new connection on a closed one's socket and tuple is another connection");
	{
		const struct tcp_totals *t = tcp_stats_totals(s);

		ok(t->opened == 1 && t->closed == 1 && t->resets_sent == 1 && t->resets_received == 0 &&
		       t->forgotten == 0,
		   "totals: 1 opened under the trace (the partial one was not), 1 closed, 1 reset sent");
	}
	tcp_stats_free(s);
}

static void test_sorting(void)
{
	struct tcp_stats *s = tcp_stats_new(16, 16);
	const struct tcp_conn *v[8];
	struct ev x;

	/* 1: open, long-lived, few bytes; 2: closed, many bytes; 3: open, many retransmits; 4: closed, short. */
	x = ev(1, VISTA_TCP_OPEN, 1000, 900);
	x.t.rx_bytes = 1;
	add(s, &x);
	x = ev(2, VISTA_TCP_CLOSE, 1100, 500);
	x.t.rx_bytes = 1000000;
	x.t.tx_bytes = 5;
	add(s, &x);
	x = ev(3, VISTA_TCP_OPEN, 1200, 100);
	x.t.retrans = 40;
	x.t.tx_bytes = 300;
	add(s, &x);
	x = ev(4, VISTA_TCP_CLOSE, 1300, 2);
	x.t.retrans = 1;
	add(s, &x);

	is_str(ports(v, tcp_stats_sorted(s, TCP_SORT_LIFETIME, TCP_OPEN | TCP_CLOSED, 1200 * MS, v, 8)),
	       "40001 40002 40003 40004", "by lifetime at t=1.2 s: 1.1 s, 500 ms, 100 ms, 2 ms");
	is_str(ports(v, tcp_stats_sorted(s, TCP_SORT_LIFETIME, TCP_OPEN | TCP_CLOSED, 1700 * MS, v, 8)),
	       "40001 40003 40002 40004", "at t=1.7 s the open one passes the closed one (600 ms > 500 ms)");
	is_str(ports(v, tcp_stats_sorted(s, TCP_SORT_BYTES, TCP_OPEN | TCP_CLOSED, 0, v, 8)), "40002 40003 40001 40004",
	       "by bytes, rx + tx");
	is_str(ports(v, tcp_stats_sorted(s, TCP_SORT_RETRANS, TCP_OPEN | TCP_CLOSED, 0, v, 8)),
	       "40003 40004 40002 40001", "by retransmissions, ties by latest event");
	is_str(ports(v, tcp_stats_sorted(s, TCP_SORT_RECENT, TCP_OPEN | TCP_CLOSED, 0, v, 8)),
	       "40004 40003 40002 40001", "by latest event");
	is_str(ports(v, tcp_stats_sorted(s, TCP_SORT_BYTES, TCP_OPEN, 0, v, 8)), "40003 40001", "open ones only");
	is_str(ports(v, tcp_stats_sorted(s, TCP_SORT_BYTES, TCP_CLOSED, 0, v, 8)), "40002 40004", "closed ones only");
	is_str(ports(v, tcp_stats_sorted(s, TCP_SORT_BYTES, TCP_OPEN | TCP_CLOSED, 0, v, 2)), "40002 40003",
	       "at most max of them");
	tcp_stats_free(s);
}

static void test_events_not_connections(void)
{
	struct tcp_stats *s = tcp_stats_new(16, 16);
	struct ev x = ev(1, VISTA_TCP_RESET_SENT, 1000, 0);
	struct vista_event skb = { 0 };
	const struct tcp_conn *v[2];

	x.t.flags = VISTA_TCP_NO_SOCK;
	add(s, &x);
	is_int(tcp_stats_count(s, TCP_OPEN | TCP_CLOSED), 0, "a reset sent for no connection is no connection");
	is_int(tcp_stats_totals(s)->resets_sent, 1, "  but a reset sent");
	skb.kind = VISTA_EV_SKB;
	tcp_stats_add(s, &skb, &x.t);
	is_int(tcp_stats_count(s, TCP_OPEN | TCP_CLOSED), 0, "an skb event is ignored");
	/* A received reset on an open connection, then its close. */
	x = ev(2, VISTA_TCP_RESET_RECV, 1000, 50);
	x.t.reset = VISTA_TCP_RST_RECV;
	add(s, &x);
	x = ev(2, VISTA_TCP_CLOSE, 1001, 51);
	x.t.reset = VISTA_TCP_RST_RECV;
	add(s, &x);
	ok(tcp_stats_sorted(s, TCP_SORT_RECENT, TCP_CLOSED, 0, v, 2) == 1 && v[0]->reset == VISTA_TCP_RST_RECV &&
	       tcp_stats_totals(s)->resets_received == 1,
	   "a connection reset by its peer closes marked reset=RECV");
	tcp_stats_free(s);
}

static void test_owner(void)
{
	struct tcp_stats *s = tcp_stats_new(16, 16);
	struct ev x = ev(1, VISTA_TCP_OPEN, 1000, 1);
	const struct tcp_conn *v[1];

	x.e.pid = 0;
	memset(x.e.comm, 0, sizeof(x.e.comm));
	add(s, &x);
	tcp_stats_sorted(s, TCP_SORT_RECENT, TCP_OPEN, 0, v, 1);
	ok(v[0]->pid == 0 && v[0]->comm[0] == 0, "a connection accepted by a listener has no owner yet");
	x = ev(1, VISTA_TCP_RESET_SENT, 1001, 2);
	add(s, &x);
	tcp_stats_sorted(s, TCP_SORT_RECENT, TCP_OPEN, 0, v, 1);
	ok(v[0]->pid == 101 && strcmp(v[0]->comm, "proc1") == 0, "  until an event names it");
	x = ev(1, VISTA_TCP_CLOSE, 1002, 3);
	x.e.pid = 0;
	memset(x.e.comm, 0, sizeof(x.e.comm));
	add(s, &x);
	tcp_stats_sorted(s, TCP_SORT_RECENT, TCP_CLOSED, 0, v, 1);
	ok(v[0]->pid == 101 && strcmp(v[0]->comm, "proc1") == 0, "  and an event without one does not forget it");
	tcp_stats_free(s);
}

static void test_limits(void)
{
	struct tcp_stats *s = tcp_stats_new(2, 2);
	const struct tcp_conn *v[8];
	struct ev x;

	for (int i = 1; i <= 3; i++) {
		x = ev(i, VISTA_TCP_CLOSE, 1000 + (uint64_t)i, 1);
		add(s, &x);
	}
	is_str(ports(v, tcp_stats_sorted(s, TCP_SORT_RECENT, TCP_CLOSED, 0, v, 8)), "40003 40002",
	       "max_closed 2: the oldest closed makes room");
	for (int i = 4; i <= 6; i++) {
		x = ev(i, VISTA_TCP_OPEN, 2000 + (uint64_t)i, 1);
		add(s, &x);
	}
	is_str(ports(v, tcp_stats_sorted(s, TCP_SORT_RECENT, TCP_OPEN, 0, v, 8)), "40005 40004",
	       "max_open 2: no room for a third open one");
	is_int(tcp_stats_totals(s)->forgotten, 2, "both counted as forgotten");
	x = ev(6, VISTA_TCP_CLOSE, 3000, 5);
	add(s, &x);
	is_str(ports(v, tcp_stats_sorted(s, TCP_SORT_RECENT, TCP_CLOSED, 0, v, 8)), "40006 40003",
	       "the close of one that found no room is still kept");
	tcp_stats_free(s);

	s = tcp_stats_new(4, 0);
	x = ev(1, VISTA_TCP_CLOSE, 1000, 1);
	add(s, &x);
	ok(s && tcp_stats_count(s, TCP_OPEN | TCP_CLOSED) == 0 && tcp_stats_totals(s)->closed == 1,
	   "max_closed 0: closes are counted, not kept");
	tcp_stats_free(s);
}

static void test_listing(void)
{
	struct tcp_stats *s = tcp_stats_new(16, 16);
	const struct tcp_conn *v[8];
	struct ev x;

	for (int i = 1; i <= 3; i++) {
		x = ev(i, VISTA_TCP_OPEN, 1000, 10);
		add(s, &x);
	}
	x = ev(4, VISTA_TCP_CLOSE, 1000, 10);
	add(s, &x);
	tcp_stats_listing_begin(s);
	x = ev(1, VISTA_TCP_OPEN, 2000, 1010);
	x.t.rx_bytes = 777;
	add(s, &x);
	x = ev(3, VISTA_TCP_CLOSE, 2000, 1010);
	add(s, &x);
	is_int(tcp_stats_listing_end(s), 1,
	       "a listing drops the one open connection it did not see (its close was lost)");
	is_str(ports(v, tcp_stats_sorted(s, TCP_SORT_RECENT, TCP_OPEN, 0, v, 8)), "40001",
	       "  the listed one stays open");
	ok(v[0]->rx_bytes == 777 && v[0]->lifetime_ns == 1010 * MS, "  with its refreshed numbers");
	is_int(tcp_stats_count(s, TCP_CLOSED), 2, "  closed ones are kept (one closed during the listing)");
	tcp_stats_free(s);
}

/* Many connections: the table grows, and every one is found again. */
static void test_many(void)
{
	struct tcp_stats *s = tcp_stats_new(20000, 5000);
	const struct tcp_conn **v = malloc(30000 * sizeof(*v));
	size_t n;
	struct ev x;
	bool right = true;

	for (int i = 0; i < 20000; i++) {
		x = ev(i, VISTA_TCP_OPEN, 1000, (uint64_t)i);
		add(s, &x);
	}
	for (int i = 0; i < 20000; i += 2) {
		x = ev(i, VISTA_TCP_CLOSE, 2000, (uint64_t)i + 1000);
		add(s, &x);
	}
	ok(tcp_stats_count(s, TCP_OPEN) == 10000 && tcp_stats_count(s, TCP_CLOSED) == 5000,
	   "20000 connections, half closed: 10000 open, the 5000 latest closed");
	n = v ? tcp_stats_sorted(s, TCP_SORT_LIFETIME, TCP_CLOSED, 0, v, 30000) : 0;
	for (size_t i = 0; i < n; i++)
		right &= v[i]->lifetime_ns == (uint64_t)(19998 - 2 * i + 1000) * MS;
	ok(n == 5000 && right, "the closed ones kept are the last to close, each with its own numbers");
	free(v);
	tcp_stats_free(s);
}

int main(void)
{
	test_open_then_closed();
	test_sorting();
	test_events_not_connections();
	test_owner();
	test_limits();
	test_listing();
	test_many();
	return tap_done();
}
