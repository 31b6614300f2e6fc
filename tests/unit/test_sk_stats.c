// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for src/core/sk_stats.c: the table of sockets and its per-family rows. */
#include <stdlib.h>

#include "core/sk_stats.h"
#include "tap.h"

struct ev {
	struct vista_event e;
	struct vista_sk k;
};

/* An event of socket `id` (family, protocol) at ts, in process pid. */
static struct ev ev(int id, uint16_t family, uint16_t protocol, uint8_t what, int64_t a, uint64_t ts, uint32_t pid)
{
	struct ev x;

	memset(&x, 0, sizeof(x));
	x.e.kind = VISTA_EV_SK;
	x.e.addr = 0xffff888200000000ULL + (uint64_t)id * 0x400;
	x.e.ts_ns = ts;
	x.e.pid = pid;
	snprintf(x.e.comm, sizeof(x.e.comm), "p%u", pid);
	x.e.meta.netns = 4026531840u;
	x.k.what = what;
	x.k.a = a;
	x.k.family = family;
	x.k.protocol = protocol;
	x.k.type = family == 1 ? 1 : 2;
	x.k.state = 7;
	x.k.has_socket = 1;
	x.k.inode = 1000 + (uint64_t)id;
	if (family == 2) {
		x.e.flags = VISTA_EVF_HAS_TUPLE;
		x.e.tuple.l3 = 4;
		x.e.tuple.l4_proto = (uint8_t)protocol;
		x.e.tuple.sport = (uint16_t)(5000 + id);
	}
	return x;
}

static void add(struct sk_stats *s, const struct ev *x)
{
	sk_stats_add(s, &x->e, &x->k);
}

static void test_one_socket(void)
{
	struct sk_stats *s = sk_stats_new(16);
	const struct sk_sock *v[4];
	struct ev x;

	x = ev(1, 2, 17, VISTA_SK_SEND, 100, 10, 42);
	add(s, &x);
	x = ev(1, 2, 17, VISTA_SK_DATA_READY, 0, 11, 99); /* delivered in another process's context */
	add(s, &x);
	x = ev(1, 2, 17, VISTA_SK_RECV, 300, 12, 42);
	add(s, &x);
	x = ev(1, 2, 17, VISTA_SK_RECV, -11, 13, 42);
	add(s, &x);
	is_int(sk_stats_count(s), 1, "four events of one UDP socket: one row");
	sk_stats_sorted(s, SK_SORT_RECENT, v, 4);
	ok(v[0]->total == 4 && v[0]->events[VISTA_SK_SEND] == 1 && v[0]->events[VISTA_SK_RECV] == 2 &&
	       v[0]->events[VISTA_SK_DATA_READY] == 1,
	   "  counted by kind");
	ok(v[0]->bytes_sent == 100 && v[0]->bytes_received == 300 && v[0]->errors == 1,
	   "  100 bytes sent, 300 received, one failed receive not counted as bytes");
	ok(v[0]->pid == 42 && strcmp(v[0]->comm, "p42") == 0,
	   "  its process is the one of its system calls, not of the readiness");
	ok(v[0]->family == 2 && v[0]->protocol == 17 && v[0]->tuple.sport == 5001 && v[0]->inode == 1001 &&
	       v[0]->first_ns == 10 && v[0]->last_ns == 13,
	   "  family, protocol, tuple, inode, first and last event");
	/* The address again, with another file: another socket. */
	x = ev(1, 1, 0, VISTA_SK_SEND, 5, 20, 43);
	x.k.inode = 5555;
	add(s, &x);
	sk_stats_sorted(s, SK_SORT_RECENT, v, 4);
	ok(sk_stats_count(s) == 1 && v[0]->family == 1 && v[0]->total == 1 && v[0]->bytes_sent == 5 &&
	       v[0]->inode == 5555,
	   "an address reused by a socket with another inode starts a new row");
	/* A socket without a file yet (a connection not accepted) keeps its row when it gets one. */
	x = ev(2, 2, 6, VISTA_SK_DATA_READY, 0, 30, 0);
	x.k.has_socket = 0;
	x.k.inode = 0;
	add(s, &x);
	x = ev(2, 2, 6, VISTA_SK_RECV, 7, 31, 44);
	add(s, &x);
	ok(sk_stats_count(s) == 2 && sk_stats_sorted(s, SK_SORT_RECENT, v, 4) == 2 && v[0]->total == 2 &&
	       v[0]->inode == 1002,
	   "a socket that gets its file keeps its row");
	sk_stats_free(s);
}

static void test_sorting_and_families(void)
{
	struct sk_stats *s = sk_stats_new(16);
	const struct sk_sock *v[8];
	struct sk_family_row rows[8];
	struct vista_event skb = { 0 };
	struct ev x;
	size_t n;

	/* 1: UDP, 3 events, 30 bytes; 2: unix, 2 events, 9000 bytes; 3: netlink, 1 event; 4: UDP, 1 event. */
	for (int i = 0; i < 3; i++) {
		x = ev(1, 2, 17, VISTA_SK_SEND, 10, 100 + (uint64_t)i, 1);
		add(s, &x);
	}
	x = ev(2, 1, 0, VISTA_SK_SEND, 4500, 200, 2);
	add(s, &x);
	x = ev(2, 1, 0, VISTA_SK_RECV, 4500, 201, 2);
	add(s, &x);
	x = ev(3, 16, 0, VISTA_SK_SEND, 32, 300, 3);
	add(s, &x);
	x = ev(4, 2, 17, VISTA_SK_RECV, 1, 400, 4);
	add(s, &x);
	skb.kind = VISTA_EV_SKB;
	sk_stats_add(s, &skb, &x.k);
	is_int(sk_stats_count(s), 4, "four sockets; an skb event is ignored");
	n = sk_stats_sorted(s, SK_SORT_EVENTS, v, 8);
	ok(n == 4 && v[0]->inode == 1001 && v[1]->inode == 1002 && v[2]->inode == 1004 && v[3]->inode == 1003,
	   "by events, ties by latest event");
	n = sk_stats_sorted(s, SK_SORT_BYTES, v, 2);
	ok(n == 2 && v[0]->inode == 1002 && v[1]->inode == 1003, "by bytes, at most max of them");
	n = sk_stats_sorted(s, SK_SORT_RECENT, v, 8);
	ok(n == 4 && v[0]->inode == 1004 && v[3]->inode == 1001, "by latest event");
	n = sk_stats_families(s, rows, 8);
	is_int(n, 3, "three families and protocols");
	ok(rows[0].family == 2 && rows[0].protocol == 17 && rows[0].sockets == 2 && rows[0].events == 4 &&
	       rows[0].bytes_sent == 30 && rows[0].bytes_received == 1,
	   "  UDP first: 2 sockets, 4 events, 30 bytes sent, 1 received");
	ok(rows[1].family == 1 && rows[1].sockets == 1 && rows[1].events == 2 && rows[1].bytes_sent == 4500 &&
	       rows[1].bytes_received == 4500,
	   "  then unix");
	ok(rows[2].family == 16 && rows[2].protocol == 0 && rows[2].events == 1, "  then netlink (NETLINK_ROUTE)");
	sk_stats_free(s);
}

static void test_limit(void)
{
	struct sk_stats *s = sk_stats_new(3);
	const struct sk_sock *v[4];
	struct sk_family_row rows[2];
	struct ev x;

	for (int i = 1; i <= 3; i++) {
		x = ev(i, 2, 17, VISTA_SK_SEND, 1, (uint64_t)i * 10, 1);
		add(s, &x);
	}
	x = ev(1, 2, 17, VISTA_SK_SEND, 1, 40, 1); /* 1 is now the most recent, 2 the least */
	add(s, &x);
	x = ev(4, 2, 17, VISTA_SK_SEND, 1, 50, 1);
	add(s, &x);
	sk_stats_sorted(s, SK_SORT_RECENT, v, 4);
	ok(sk_stats_count(s) == 3 && v[0]->inode == 1004 && v[1]->inode == 1001 && v[2]->inode == 1003,
	   "at most 3 sockets: the least recently seen makes room");
	is_int(sk_stats_forgotten(s), 1, "  counted as forgotten");
	ok(sk_stats_families(s, rows, 2) == 1 && rows[0].sockets == 4 && rows[0].events == 5,
	   "  the family row still counts every socket and event");
	sk_stats_free(s);
	s = sk_stats_new(0);
	x = ev(1, 2, 17, VISTA_SK_SEND, 1, 1, 1);
	add(s, &x);
	ok(s && sk_stats_count(s) == 0, "a table of 0 keeps nothing");
	sk_stats_free(s);
}

/* Many sockets: the table grows up to its limit, and every one is found again. */
static void test_many(void)
{
	struct sk_stats *s = sk_stats_new(5000);
	const struct sk_sock **v = malloc(5000 * sizeof(*v));
	bool right = true;
	size_t n;
	struct ev x;

	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 5000; i++) {
			x = ev(i, 2, 6, VISTA_SK_SEND, i, (uint64_t)(round * 5000 + i), 1);
			add(s, &x);
		}
	n = v ? sk_stats_sorted(s, SK_SORT_BYTES, v, 5000) : 0;
	for (size_t i = 0; i < n; i++)
		right &= v[i]->total == 2 && v[i]->bytes_sent == 2 * (uint64_t)(4999 - i);
	ok(n == 5000 && right && sk_stats_forgotten(s) == 0, "5000 sockets, two events each, each found again");
	free(v);
	sk_stats_free(s);
}

int main(void)
{
	test_one_socket();
	test_sorting_and_families();
	test_limit();
	test_many();
	return tap_done();
}
