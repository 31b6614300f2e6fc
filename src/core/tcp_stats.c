// SPDX-License-Identifier: GPL-2.0-only
#include "core/tcp_stats.h"

#include <stdlib.h>
#include <string.h>

#include "core/slab.h"

/*
 * Entries live in a slab (core/slab.h), found through hash chains on
 * (socket, tuple); a closed one leaves its chain when a newer connection
 * takes its key. The closed ones are also queued in the order they closed,
 * so the oldest makes room first.
 */
struct entry {
	struct slab_link link;
	struct tcp_conn c;
	bool listed; /* seen since tcp_stats_listing_begin */
};

struct tcp_stats {
	struct slab slab;
	int *closed; /* ring of entry indexes in the order they closed */
	size_t closed_head, closed_len;
	size_t n_open;
	size_t max_open, max_closed;
	bool listing;
	struct tcp_totals totals;
};

struct tcp_stats *tcp_stats_new(size_t max_open, size_t max_closed)
{
	struct tcp_stats *s = calloc(1, sizeof(*s));
	size_t max = max_open + max_closed + 1; /* + a closing connection on its way to the closed queue */

	if (!s)
		return NULL;
	s->max_open = max_open;
	s->max_closed = max_closed;
	s->closed = malloc((max_closed + 1) * sizeof(*s->closed));
	if (!s->closed || slab_init(&s->slab, sizeof(struct entry), max, 2 * max)) {
		free(s->closed);
		free(s);
		return NULL;
	}
	return s;
}

void tcp_stats_free(struct tcp_stats *s)
{
	if (!s)
		return;
	slab_destroy(&s->slab);
	free(s->closed);
	free(s);
}

static struct entry *entry(const struct tcp_stats *s, int idx)
{
	return slab_at(&s->slab, idx);
}

static bool same_key(const struct tcp_conn *c, uint64_t sk, const struct vista_tuple *t)
{
	return c->sk == sk && c->tuple.l3 == t->l3 && c->tuple.sport == t->sport && c->tuple.dport == t->dport &&
	       memcmp(c->tuple.saddr, t->saddr, sizeof(t->saddr)) == 0 &&
	       memcmp(c->tuple.daddr, t->daddr, sizeof(t->daddr)) == 0;
}

static size_t bucket_of(const struct tcp_stats *s, uint64_t sk, const struct vista_tuple *t)
{
	uint64_t h = sk * 0x9e3779b97f4a7c15ULL;

	for (size_t i = 0; i < sizeof(t->saddr); i++)
		h = (h ^ t->saddr[i] ^ (uint64_t)t->daddr[i] << 8) * 0x100000001b3ULL;
	h = (h ^ t->sport ^ (uint64_t)t->dport << 16) * 0x9e3779b97f4a7c15ULL;
	return slab_bucket(&s->slab, h);
}

static int find(const struct tcp_stats *s, uint64_t sk, const struct vista_tuple *t)
{
	for (int i = slab_first(&s->slab, bucket_of(s, sk, t)); i >= 0; i = slab_next(&s->slab, i))
		if (same_key(&entry(s, i)->c, sk, t))
			return i;
	return -1;
}

static size_t bucket_of_entry(const struct tcp_stats *s, int idx)
{
	return bucket_of(s, entry(s, idx)->c.sk, &entry(s, idx)->c.tuple);
}

static void release(struct tcp_stats *s, int idx)
{
	slab_release(&s->slab, idx, bucket_of_entry(s, idx));
}

/* A new entry for the key, indexed; -1 when out of memory. */
static int take(struct tcp_stats *s, uint64_t sk, const struct vista_tuple *t)
{
	int idx = slab_take(&s->slab, bucket_of(s, sk, t));

	if (idx >= 0) {
		entry(s, idx)->c.sk = sk;
		entry(s, idx)->c.tuple = *t;
	}
	return idx;
}

/* Queues a connection that just closed, letting the oldest closed one go when there are too many. */
static void closed_push(struct tcp_stats *s, int idx)
{
	if (s->max_closed == 0) {
		release(s, idx);
		s->totals.forgotten++;
		return;
	}
	if (s->closed_len == s->max_closed) {
		release(s, s->closed[s->closed_head]);
		s->closed_head = (s->closed_head + 1) % (s->max_closed + 1);
		s->closed_len--;
		s->totals.forgotten++;
	}
	s->closed[(s->closed_head + s->closed_len) % (s->max_closed + 1)] = idx;
	s->closed_len++;
}

static void update(struct tcp_conn *c, const struct vista_event *e, const struct vista_tcp *t)
{
	/* The owner of a connection accepted by a listener is known only from its first system call on. */
	if (e->pid || e->comm[0]) {
		c->pid = e->pid;
		memcpy(c->comm, e->comm, sizeof(c->comm));
	}
	c->netns = e->meta.netns;
	c->seen_ns = e->ts_ns;
	c->rx_bytes = t->rx_bytes;
	c->tx_bytes = t->tx_bytes;
	c->lifetime_ns = t->lifetime_ns;
	c->birth_ns = e->ts_ns > t->lifetime_ns ? e->ts_ns - t->lifetime_ns : 0;
	c->srtt_us = t->srtt_us;
	c->retrans = t->retrans;
	c->sk_mark = t->sk_mark;
	c->state = t->state;
	c->reset = t->reset;
	c->partial = t->flags & VISTA_TCP_PARTIAL;
	memcpy(c->cong, t->cong, sizeof(c->cong));
}

void tcp_stats_add(struct tcp_stats *s, const struct vista_event *e, const struct vista_tcp *t)
{
	bool is_reset;
	int idx;

	if (e->kind != VISTA_EV_TCP)
		return;
	is_reset = t->what == VISTA_TCP_RESET_SENT || t->what == VISTA_TCP_RESET_RECV;
	if (t->what == VISTA_TCP_RESET_SENT)
		s->totals.resets_sent++;
	else if (t->what == VISTA_TCP_RESET_RECV)
		s->totals.resets_received++;
	if (t->flags & VISTA_TCP_NO_SOCK)
		return; /* no connection to show */
	idx = find(s, e->addr, &e->tuple);
	if (idx >= 0 && !entry(s, idx)->c.open) {
		/* An abort closes, then sends its reset: that belongs to the closed connection. */
		if (is_reset) {
			entry(s, idx)->c.reset = t->reset;
			return;
		}
		slab_unindex(&s->slab, idx,
			     bucket_of_entry(s, idx)); /* the socket carries a new connection on the same tuple */
		idx = -1;
	}
	if (idx < 0) {
		if (t->what != VISTA_TCP_CLOSE && s->n_open >= s->max_open) {
			s->totals.forgotten++;
			return;
		}
		idx = take(s, e->addr, &e->tuple);
		if (idx < 0) {
			s->totals.forgotten++;
			return;
		}
		entry(s, idx)->c.open = true;
		s->n_open++;
		if (!(t->flags & VISTA_TCP_PARTIAL))
			s->totals.opened++;
	}
	update(&entry(s, idx)->c, e, t);
	if (s->listing)
		entry(s, idx)->listed = true;
	if (t->what == VISTA_TCP_CLOSE) {
		entry(s, idx)->c.open = false;
		s->n_open--;
		s->totals.closed++;
		closed_push(s, idx);
	}
}

void tcp_stats_listing_begin(struct tcp_stats *s)
{
	for (size_t i = 0; i < s->slab.cap; i++)
		entry(s, (int)i)->listed = false;
	s->listing = true;
}

size_t tcp_stats_listing_end(struct tcp_stats *s)
{
	size_t gone = 0;

	for (size_t i = 0; i < s->slab.cap; i++) {
		const struct entry *en = entry(s, (int)i);

		if (!en->link.used || !en->c.open || en->listed)
			continue;
		release(s, (int)i);
		s->n_open--;
		gone++;
	}
	s->listing = false;
	return gone;
}

uint64_t tcp_conn_lifetime(const struct tcp_conn *c, uint64_t now_ns)
{
	if (!c->open || now_ns <= c->seen_ns)
		return c->lifetime_ns;
	return c->lifetime_ns + (now_ns - c->seen_ns);
}

struct sort_item {
	uint64_t key, seen;
	const struct tcp_conn *c;
};

static int cmp_items(const void *pa, const void *pb)
{
	const struct sort_item *a = pa, *b = pb;

	if (a->key != b->key)
		return a->key > b->key ? -1 : 1;
	if (a->seen != b->seen)
		return a->seen > b->seen ? -1 : 1;
	return 0;
}

static bool wanted(const struct entry *en, unsigned int which)
{
	return en->link.used && (en->c.open ? (which & TCP_OPEN) : (which & TCP_CLOSED));
}

static uint64_t sort_key(const struct tcp_conn *c, enum tcp_sort key, uint64_t now_ns)
{
	switch (key) {
	case TCP_SORT_LIFETIME:
		return tcp_conn_lifetime(c, now_ns);
	case TCP_SORT_BYTES:
		return c->rx_bytes + c->tx_bytes;
	case TCP_SORT_RETRANS:
		return c->retrans;
	case TCP_SORT_RECENT:
	default:
		return c->seen_ns;
	}
}

size_t tcp_stats_sorted(const struct tcp_stats *s, enum tcp_sort key, unsigned int which, uint64_t now_ns,
			const struct tcp_conn **out, size_t max)
{
	size_t n = 0, k = 0;
	struct sort_item *items;

	for (size_t i = 0; i < s->slab.cap; i++)
		n += wanted(entry(s, (int)i), which);
	items = n ? malloc(n * sizeof(*items)) : NULL;
	if (!items)
		return 0;
	for (size_t i = 0; i < s->slab.cap; i++) {
		const struct entry *en = entry(s, (int)i);

		if (!wanted(en, which))
			continue;
		items[k].key = sort_key(&en->c, key, now_ns);
		items[k].seen = en->c.seen_ns;
		items[k].c = &en->c;
		k++;
	}
	qsort(items, n, sizeof(*items), cmp_items);
	if (n > max)
		n = max;
	for (size_t i = 0; i < n; i++)
		out[i] = items[i].c;
	free(items);
	return n;
}

size_t tcp_stats_count(const struct tcp_stats *s, unsigned int which)
{
	return ((which & TCP_OPEN) ? s->n_open : 0) + ((which & TCP_CLOSED) ? s->closed_len : 0);
}

const struct tcp_totals *tcp_stats_totals(const struct tcp_stats *s)
{
	return &s->totals;
}
