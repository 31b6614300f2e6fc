/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The TCP connections of a trace as a table, from its VISTA_EV_TCP events:
 * the open ones (listed at the start, or seen since) with their numbers so
 * far, and the closed ones with their final numbers, sortable by lifetime,
 * bytes or retransmissions. What a vista-top pane of connections shows; it
 * knows nothing of the screen.
 *
 * A connection is known by its socket's address and its tuple. Its numbers
 * come from its latest event; once it is closed they no longer change, but
 * for what its reset, reported after the close, adds.
 */
#ifndef VISTA_TCP_STATS_H
#define VISTA_TCP_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vista.h"

struct tcp_conn {
	uint64_t sk; /* the socket's address */
	struct vista_tuple tuple;
	char comm[VISTA_COMM_LEN]; /* the owner, "" when not known yet */
	uint32_t pid;
	uint32_t netns;
	uint64_t seen_ns;  /* CLOCK_MONOTONIC of its latest event */
	uint64_t birth_ns; /* when it began (when the trace began, when partial) */
	uint64_t rx_bytes, tx_bytes;
	uint64_t lifetime_ns; /* as of seen_ns; final once closed */
	uint32_t srtt_us, retrans, sk_mark;
	uint8_t state; /* its TCP state (the one it left, once closed) */
	uint8_t reset; /* enum vista_tcp_reset */
	bool partial;  /* open before the trace began */
	bool open;
	char cong[VISTA_CONG_LEN];
};

enum tcp_sort {
	TCP_SORT_LIFETIME, /* longest first; an open connection's grows with the clock */
	TCP_SORT_BYTES,    /* most rx + tx first */
	TCP_SORT_RETRANS,  /* most retransmissions first */
	TCP_SORT_RECENT,   /* latest event first */
};

/* Which connections a listing includes. */
enum tcp_which {
	TCP_OPEN = 1 << 0,
	TCP_CLOSED = 1 << 1,
};

struct tcp_totals {
	uint64_t opened;      /* connections that began under the trace */
	uint64_t closed;      /* close events */
	uint64_t resets_sent; /* on a connection or for none */
	uint64_t resets_received;
	uint64_t forgotten; /* closed connections dropped to keep max_closed, open ones beyond max_open */
};

struct tcp_stats;

/*
 * A table that keeps up to max_open open connections and the max_closed
 * most recently closed ones (the oldest closed ones make room). NULL when
 * out of memory.
 */
struct tcp_stats *tcp_stats_new(size_t max_open, size_t max_closed);
void tcp_stats_free(struct tcp_stats *s);

/* Folds in one event; an event of another kind is ignored. t is the struct that follows a VISTA_EV_TCP event. */
void tcp_stats_add(struct tcp_stats *s, const struct vista_event *e, const struct vista_tcp *t);

/*
 * A refresh of the open connections (sock_trace_list_tcp lists them as
 * VISTA_TCP_OPEN events): call tcp_stats_listing_begin before the listing
 * and tcp_stats_listing_end once its events are folded in. Open connections
 * the listing did not mention are gone without a close seen (its event was
 * lost): they are dropped. Returns how many.
 */
void tcp_stats_listing_begin(struct tcp_stats *s);
size_t tcp_stats_listing_end(struct tcp_stats *s);

/* A connection's lifetime at now_ns (CLOCK_MONOTONIC): its final one once closed. */
uint64_t tcp_conn_lifetime(const struct tcp_conn *c, uint64_t now_ns);

/*
 * Up to max connections (which: enum tcp_which) into out[], sorted by key,
 * ties by latest event first; returns how many. The pointers stay valid until
 * the next tcp_stats_add or tcp_stats_listing_end.
 */
size_t tcp_stats_sorted(const struct tcp_stats *s, enum tcp_sort key, unsigned int which, uint64_t now_ns,
			const struct tcp_conn **out, size_t max);

size_t tcp_stats_count(const struct tcp_stats *s, unsigned int which);
const struct tcp_totals *tcp_stats_totals(const struct tcp_stats *s);

#endif
