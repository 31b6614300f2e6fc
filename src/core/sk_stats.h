/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The sockets of a trace as a table, from its VISTA_EV_SK events: per
 * socket, how many events of each kind, the bytes it sent and received, its
 * errors; and the same summed per family and protocol. What a vista-top pane
 * of sockets shows; it knows nothing of the screen.
 *
 * A socket is known by its address; when the address comes back with
 * another file (inode), it is another socket, and its row starts again.
 */
#ifndef VISTA_SK_STATS_H
#define VISTA_SK_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "vista.h"

struct sk_sock {
	uint64_t sk;    /* the socket's address */
	uint64_t inode; /* of its file, 0 while it has none */
	struct vista_tuple tuple;
	uint16_t family, protocol, type;
	uint8_t state; /* skc_state at its latest event */
	uint32_t mark;
	uint32_t netns;
	char comm[VISTA_COMM_LEN]; /* who last sent or received on it, "" before */
	uint32_t pid;
	uint64_t first_ns, last_ns;
	uint64_t events[VISTA_SK__COUNT]; /* by enum vista_sk_what */
	uint64_t total;                   /* all of them */
	uint64_t bytes_sent, bytes_received;
	uint64_t errors; /* sends and receives that failed */
};

/* A family and protocol: the sockets, events and bytes of all its sockets seen. */
struct sk_family_row {
	uint16_t family, protocol;
	uint64_t sockets, events, bytes_sent, bytes_received, errors;
};

enum sk_sort {
	SK_SORT_EVENTS, /* most events first */
	SK_SORT_BYTES,  /* most bytes sent + received first */
	SK_SORT_RECENT, /* latest event first */
};

struct sk_stats;

/* A table of at most max sockets: the least recently seen makes room. NULL when out of memory. */
struct sk_stats *sk_stats_new(size_t max);
void sk_stats_free(struct sk_stats *s);

/* Folds in one event; an event of another kind is ignored. k is the struct that follows a VISTA_EV_SK event. */
void sk_stats_add(struct sk_stats *s, const struct vista_event *e, const struct vista_sk *k);

/*
 * Up to max sockets into out[], sorted by key, ties by latest event first;
 * returns how many. The pointers stay valid until the next sk_stats_add.
 */
size_t sk_stats_sorted(const struct sk_stats *s, enum sk_sort key, const struct sk_sock **out, size_t max);

/*
 * The rows per family and protocol, most events first, into rows[max];
 * returns how many. They count every socket seen, the forgotten ones too.
 */
size_t sk_stats_families(const struct sk_stats *s, struct sk_family_row *rows, size_t max);

size_t sk_stats_count(const struct sk_stats *s);
/* Sockets dropped to make room. */
uint64_t sk_stats_forgotten(const struct sk_stats *s);

#endif
