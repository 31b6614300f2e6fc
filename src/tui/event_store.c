// SPDX-License-Identifier: GPL-2.0-only
#include "tui/event_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The skb lives in progress: skb address -> seq of its latest event.
 * Linear probing; a free (VISTA_EVF_SKB_FREED) ends a life and removes its
 * entry, and entries whose event the ring dropped are purged when the table
 * fills, so it never holds more than the ring's capacity of live entries.
 */
struct life {
	uint64_t addr; /* 0: empty slot (no skb lives at address 0) */
	uint64_t seq;
};

/*
 * The structs of one kind, in the order their events came: the one of the
 * kind's n-th event is at n % cap. Events of a kind are evicted from the
 * ring in that same order, so a slot is only reused once its event is gone.
 */
struct side_table {
	unsigned char *v; /* cap structs of size elem; allocated at the kind's first event */
	size_t elem;
	uint64_t n;  /* structs stored since the start */
	bool failed; /* the table could not be allocated: the kind's events have no struct */
};

enum { SIDE_NF, SIDE_TCP, SIDE_SK, SIDE_COUNT };

struct event_store {
	struct store_entry *ring;
	size_t cap;
	uint64_t end; /* next seq */
	struct life *lives;
	size_t nlives, used;
	struct hook_stats hooks;
	struct drop_stats drops;
	struct side_table side[SIDE_COUNT];
	struct nf_stats *nf;
	struct tcp_stats *tcp;
	struct sk_stats *sk;
	uint64_t last_tick, at_tick, rate;
};

static size_t pow2_at_least(size_t n)
{
	size_t p = 1024;

	while (p < n)
		p <<= 1;
	return p;
}

int event_store_create(size_t capacity, struct event_store **out, char *err, size_t errlen)
{
	struct event_store *s;

	if (capacity < 1 || capacity > EVENT_STORE_MAX_SIZE) {
		snprintf(err, errlen, "the event store holds 1 to %d events, not %zu", EVENT_STORE_MAX_SIZE, capacity);
		return -1;
	}
	s = calloc(1, sizeof(*s));
	if (s) {
		s->cap = capacity;
		s->nlives = pow2_at_least(capacity * 2);
		/* calloc: pages of the ring are only touched as events arrive. */
		s->ring = calloc(capacity, sizeof(*s->ring));
		s->lives = calloc(s->nlives, sizeof(*s->lives));
		s->nf = nf_stats_new();
		s->tcp = tcp_stats_new(EVENT_STORE_TCP_CONNS, EVENT_STORE_TCP_CONNS);
		s->sk = sk_stats_new(EVENT_STORE_SOCKETS);
	}
	if (!s || !s->ring || !s->lives || !s->nf || !s->tcp || !s->sk) {
		snprintf(err, errlen, "cannot allocate an event store of %zu events (%zu MiB): out of memory", capacity,
			 (capacity * sizeof(struct store_entry) + (capacity * 2) * sizeof(struct life)) >> 20);
		event_store_free(s);
		return -1;
	}
	hook_stats_init(&s->hooks);
	drop_stats_init(&s->drops);
	s->side[SIDE_NF].elem = sizeof(struct vista_nf);
	s->side[SIDE_TCP].elem = sizeof(struct vista_tcp);
	s->side[SIDE_SK].elem = sizeof(struct vista_sk);
	*out = s;
	return 0;
}

void event_store_free(struct event_store *s)
{
	if (!s)
		return;
	drop_stats_free(&s->drops);
	for (int k = 0; k < SIDE_COUNT; k++)
		free(s->side[k].v);
	nf_stats_free(s->nf);
	tcp_stats_free(s->tcp);
	sk_stats_free(s->sk);
	free(s->lives);
	free(s->ring);
	free(s);
}

size_t event_store_capacity(const struct event_store *s)
{
	return s->cap;
}

uint64_t event_store_end(const struct event_store *s)
{
	return s->end;
}

uint64_t event_store_oldest(const struct event_store *s)
{
	return s->end > s->cap ? s->end - s->cap : 0;
}

uint64_t event_store_total(const struct event_store *s)
{
	return s->end;
}

uint64_t event_store_dropped(const struct event_store *s)
{
	return event_store_oldest(s);
}

static bool held(const struct event_store *s, uint64_t seq)
{
	return seq < s->end && seq >= event_store_oldest(s);
}

const struct store_entry *event_store_get(const struct event_store *s, uint64_t seq)
{
	return held(s, seq) ? &s->ring[seq % s->cap] : NULL;
}

static size_t life_slot(const struct event_store *s, uint64_t addr)
{
	/* Skb pointers are 256-byte aligned slab objects: drop the low bits before mixing. */
	return (size_t)(((addr >> 8) * 0x9E3779B97F4A7C15ULL) >> 20) & (s->nlives - 1);
}

static struct life *life_find(struct event_store *s, uint64_t addr)
{
	for (size_t k = life_slot(s, addr);; k = (k + 1) & (s->nlives - 1)) {
		if (s->lives[k].addr == addr || !s->lives[k].addr)
			return &s->lives[k];
	}
}

/* Backward-shift deletion keeps every probe chain unbroken without tombstones. */
static void life_remove(struct event_store *s, struct life *l)
{
	size_t mask = s->nlives - 1, hole = (size_t)(l - s->lives);

	for (size_t k = (hole + 1) & mask; s->lives[k].addr; k = (k + 1) & mask) {
		size_t home = life_slot(s, s->lives[k].addr);

		/* Move k into the hole unless its home lies cyclically in (hole, k]. */
		if (((k - home) & mask) >= ((k - hole) & mask)) {
			s->lives[hole] = s->lives[k];
			hole = k;
		}
	}
	s->lives[hole].addr = 0;
	s->used--;
}

/* Drops the lives whose latest event the ring no longer holds. */
static void life_purge(struct event_store *s)
{
	uint64_t oldest = event_store_oldest(s);
	struct life *old = s->lives;

	s->lives = calloc(s->nlives, sizeof(*s->lives));
	if (!s->lives) {
		/* Keep the old table; stale lives only cost links into dropped events. */
		s->lives = old;
		return;
	}
	s->used = 0;
	for (size_t i = 0; i < s->nlives; i++) {
		if (old[i].addr && old[i].seq >= oldest) {
			*life_find(s, old[i].addr) = old[i];
			s->used++;
		}
	}
	free(old);
}

static void link_life(struct event_store *s, struct store_entry *ent, uint64_t seq)
{
	struct life *l = life_find(s, ent->ev.addr);

	if (l->addr) {
		/* The previous event may be the one this push evicts: check against the new oldest. */
		uint64_t oldest = seq + 1 > s->cap ? seq + 1 - s->cap : 0;

		if (l->seq >= oldest) {
			ent->prev1 = l->seq + 1;
			s->ring[l->seq % s->cap].next1 = seq + 1;
		} else {
			/* A life whose earlier events were dropped: remember that it had some. */
			ent->prev1 = l->seq + 1;
		}
		if (ent->ev.flags & VISTA_EVF_SKB_FREED)
			life_remove(s, l);
		else
			l->seq = seq;
		return;
	}
	if (ent->ev.flags & VISTA_EVF_SKB_FREED)
		return;
	l->addr = ent->ev.addr;
	l->seq = seq;
	s->used++;
	if (s->used * 4 > s->nlives * 3)
		life_purge(s);
}

static int side_of(uint32_t kind)
{
	switch (kind) {
	case VISTA_EV_NETFILTER:
		return SIDE_NF;
	case VISTA_EV_TCP:
		return SIDE_TCP;
	case VISTA_EV_SK:
		return SIDE_SK;
	default:
		return -1;
	}
}

/* Keeps the struct after e; the entry's body says where (UINT64_MAX: nowhere, out of memory). */
static void side_store(struct event_store *s, struct store_entry *ent, const struct vista_event *e)
{
	struct side_table *t = &s->side[side_of(e->kind)];

	ent->body = UINT64_MAX;
	if (!t->v && !t->failed) {
		/* calloc: only the pages the kind's events reach are ever touched. */
		t->v = calloc(s->cap, t->elem);
		t->failed = !t->v;
	}
	if (!t->v)
		return;
	memcpy(t->v + (t->n % s->cap) * t->elem, e + 1, t->elem);
	ent->body = t->n++;
}

static void count_kind(struct event_store *s, const struct vista_event *e)
{
	switch (e->kind) {
	case VISTA_EV_NETFILTER:
		/* Out of memory for a new row: the totals miss one verdict, the events still show it. */
		(void)nf_stats_add(s->nf, e);
		break;
	case VISTA_EV_TCP:
		tcp_stats_add(s->tcp, e, (const struct vista_tcp *)(e + 1));
		break;
	case VISTA_EV_SK:
		sk_stats_add(s->sk, e, (const struct vista_sk *)(e + 1));
		break;
	}
}

uint64_t event_store_push(struct event_store *s, const struct vista_event *e)
{
	uint64_t seq = s->end;
	struct store_entry *ent = &s->ring[seq % s->cap];

	ent->ev = *e;
	ent->prev1 = 0;
	ent->next1 = 0;
	if (e->kind == VISTA_EV_SKB && e->addr)
		link_life(s, ent, seq);
	else if (side_of(e->kind) >= 0)
		side_store(s, ent, e);
	s->end++;
	hook_stats_count(&s->hooks, e->hook_id, e->ts_ns);
	drop_stats_count(&s->drops, e, seq);
	count_kind(s, e);
	return seq;
}

static const void *side_get(const struct event_store *s, const struct store_entry *ent, uint32_t kind)
{
	const struct side_table *t;

	if (!ent || ent->ev.kind != kind || ent->body == UINT64_MAX)
		return NULL;
	t = &s->side[side_of(kind)];
	/* Always true while the entry is held: the body was stored after every older one of its kind. */
	if (!t->v || ent->body >= t->n || t->n - ent->body > s->cap)
		return NULL;
	return t->v + (ent->body % s->cap) * t->elem;
}

const struct vista_nf *event_store_nf(const struct event_store *s, const struct store_entry *ent)
{
	return side_get(s, ent, VISTA_EV_NETFILTER);
}

const struct vista_tcp *event_store_tcp(const struct event_store *s, const struct store_entry *ent)
{
	return side_get(s, ent, VISTA_EV_TCP);
}

const struct vista_sk *event_store_sk(const struct event_store *s, const struct store_entry *ent)
{
	return side_get(s, ent, VISTA_EV_SK);
}

uint64_t event_store_prev_in_life(const struct event_store *s, uint64_t seq)
{
	const struct store_entry *ent = event_store_get(s, seq);

	if (!ent || !ent->prev1 || !held(s, ent->prev1 - 1))
		return STORE_NO_SEQ;
	return ent->prev1 - 1;
}

uint64_t event_store_next_in_life(const struct event_store *s, uint64_t seq)
{
	const struct store_entry *ent = event_store_get(s, seq);

	if (!ent || ent->ev.kind != VISTA_EV_SKB || !ent->next1 || !held(s, ent->next1 - 1))
		return STORE_NO_SEQ;
	return ent->next1 - 1;
}

bool event_store_life_truncated(const struct event_store *s, uint64_t seq)
{
	const struct store_entry *ent = event_store_get(s, seq);
	uint64_t p;

	while (ent && (p = event_store_prev_in_life(s, seq)) != STORE_NO_SEQ) {
		seq = p;
		ent = event_store_get(s, seq);
	}
	return ent && ent->prev1 != 0;
}

struct hook_stats *event_store_hooks(struct event_store *s)
{
	return &s->hooks;
}

struct drop_stats *event_store_drops(struct event_store *s)
{
	return &s->drops;
}

struct nf_stats *event_store_nf_stats(struct event_store *s)
{
	return s->nf;
}

struct tcp_stats *event_store_tcp_stats(struct event_store *s)
{
	return s->tcp;
}

struct sk_stats *event_store_sk_stats(struct event_store *s)
{
	return s->sk;
}

uint64_t event_store_kind_events(const struct event_store *s)
{
	uint64_t n = 0;

	for (int k = 0; k < SIDE_COUNT; k++)
		n += s->side[k].n;
	return n;
}

size_t event_store_side_bytes(const struct event_store *s)
{
	size_t bytes = 0;

	for (int k = 0; k < SIDE_COUNT; k++) {
		uint64_t used = s->side[k].n < s->cap ? s->side[k].n : s->cap;

		bytes += (size_t)used * s->side[k].elem;
	}
	return bytes;
}

void event_store_tick(struct event_store *s, uint64_t now_ns)
{
	if (s->last_tick && now_ns > s->last_tick) {
		uint64_t elapsed = now_ns - s->last_tick;

		s->rate = ((s->end - s->at_tick) * 1000000000ULL + elapsed / 2) / elapsed;
	}
	if (!s->last_tick || now_ns > s->last_tick) {
		s->at_tick = s->end;
		s->last_tick = now_ns ? now_ns : 1;
	}
	hook_stats_tick(&s->hooks, now_ns);
}

uint64_t event_store_rate(const struct event_store *s)
{
	return s->rate;
}
