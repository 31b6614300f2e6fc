/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Drops by reason and location: one row per (drop reason, kfree_skb
 * caller) pair with its count and the latest drop, for the Drops pane.
 */
#ifndef VISTA_TUI_DROP_STATS_H
#define VISTA_TUI_DROP_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "vista.h"

struct drop_stat {
	uint32_t reason;
	uint64_t location; /* kernel address of the caller of kfree_skb, 0 when unknown */
	uint64_t count;
	uint64_t last_ts;  /* event time of the latest drop */
	uint64_t last_seq; /* event store seq of the latest drop */
};

struct drop_stats {
	struct drop_stat *v;
	size_t n, cap;
	uint32_t *slots; /* open addressing: index + 1 into v, 0 = empty */
	size_t nslots;   /* power of two, at least twice n */
	uint64_t total;  /* every drop counted, even one no row could be made for */
};

void drop_stats_init(struct drop_stats *d);
void drop_stats_free(struct drop_stats *d);

/* Counts e when it is a drop (it carries a drop reason); seq is its event store seq. */
void drop_stats_count(struct drop_stats *d, const struct vista_event *e, uint64_t seq);

/*
 * Fills order with indexes into d->v for display, most recent drop first
 * (then larger count, then reason); returns d->n. order holds d->n entries.
 */
size_t drop_stats_order(const struct drop_stats *d, uint32_t *order);

#endif
