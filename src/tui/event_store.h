/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The events vista-top keeps: a fixed-size ring of decoded events that
 * drops the oldest when full (and counts what it dropped), the links that
 * chain the events of one skb life together for the flow drill-down, and
 * the aggregates (per hook, per drop reason and location) that keep their
 * totals whatever the ring had to drop.
 *
 * Every event gets a sequence number, 0 for the first one pushed; an event
 * is still held while its seq is in [event_store_oldest, event_store_end).
 *
 * An skb event is the ring slot alone. The struct that follows an event of
 * another kind (struct vista_nf, vista_tcp, vista_sk) goes to a side table
 * of that kind, indexed by its own count: a trace of skbs pays nothing for
 * the larger kinds, and a side table's pages are only touched as events of
 * its kind arrive. The netfilter, TCP and socket aggregates are fed here too.
 */
#ifndef VISTA_TUI_EVENT_STORE_H
#define VISTA_TUI_EVENT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/nf_stats.h"
#include "core/sk_stats.h"
#include "core/tcp_stats.h"
#include "tui/drop_stats.h"
#include "tui/hook_stats.h"
#include "vista.h"

#define EVENT_STORE_DEFAULT_SIZE 1000000
#define EVENT_STORE_MAX_SIZE     100000000 /* ~18 GB of events: beyond any sensible terminal session */

/* No such event: the end of a life, or a link into what the ring dropped. */
#define STORE_NO_SEQ UINT64_MAX

/* Connections and sockets the aggregates keep (the oldest closed ones, the least recent sockets make room). */
#define EVENT_STORE_TCP_CONNS 16384
#define EVENT_STORE_SOCKETS   16384

struct store_entry {
	struct vista_event ev;
	/* seq + 1 of the previous and next event of the same skb life; 0: none (yet). */
	uint64_t prev1;
	union {
		uint64_t next1; /* VISTA_EV_SKB */
		uint64_t body;  /* other kinds: the index of its struct in the kind's side table */
	};
};

struct event_store;

/* Returns 0, or -1 with one sentence in err (out of memory for that capacity). */
int event_store_create(size_t capacity, struct event_store **out, char *err, size_t errlen);
void event_store_free(struct event_store *s);

/*
 * Appends e (dropping the oldest event when full), links it into its skb's
 * life, counts it. An event of a kind with its own struct (vista_event_size)
 * must be followed by it, as in the ring buffer and struct replay_event.
 */
uint64_t event_store_push(struct event_store *s, const struct vista_event *e);

size_t event_store_capacity(const struct event_store *s);
/* The seq of the oldest event held, and one past the newest: both only grow. */
uint64_t event_store_oldest(const struct event_store *s);
uint64_t event_store_end(const struct event_store *s);
/* Events pushed since the start, and how many of them the ring dropped. */
uint64_t event_store_total(const struct event_store *s);
uint64_t event_store_dropped(const struct event_store *s);

/* The event with this seq, or NULL when it was dropped or is not there yet. */
const struct store_entry *event_store_get(const struct event_store *s, uint64_t seq);

/*
 * The struct of a VISTA_EV_NETFILTER, VISTA_EV_TCP or VISTA_EV_SK event held,
 * or NULL (another kind, or its side table could not be allocated).
 */
const struct vista_nf *event_store_nf(const struct event_store *s, const struct store_entry *ent);
const struct vista_tcp *event_store_tcp(const struct event_store *s, const struct store_entry *ent);
const struct vista_sk *event_store_sk(const struct event_store *s, const struct store_entry *ent);

/* The neighbours of seq within its skb life, or STORE_NO_SEQ (none, or no longer held). */
uint64_t event_store_prev_in_life(const struct event_store *s, uint64_t seq);
uint64_t event_store_next_in_life(const struct event_store *s, uint64_t seq);
/* Whether the life of seq began before what the ring still holds. */
bool event_store_life_truncated(const struct event_store *s, uint64_t seq);

struct hook_stats *event_store_hooks(struct event_store *s);
struct drop_stats *event_store_drops(struct event_store *s);
struct nf_stats *event_store_nf_stats(struct event_store *s);
struct tcp_stats *event_store_tcp_stats(struct event_store *s);
struct sk_stats *event_store_sk_stats(struct event_store *s);
/* Events of another kind than skb pushed, and the bytes their side tables hold now. */
uint64_t event_store_kind_events(const struct event_store *s);
size_t event_store_side_bytes(const struct event_store *s);

/* Once a second or so: turns the counts since the previous tick into rates. */
void event_store_tick(struct event_store *s, uint64_t now_ns);
/* Events per second over the last tick interval. */
uint64_t event_store_rate(const struct event_store *s);

#endif
