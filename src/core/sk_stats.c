// SPDX-License-Identifier: GPL-2.0-only
#include "core/sk_stats.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/slab.h"

/* Sockets in a slab (core/slab.h), found through hash chains on their address. */
struct sk_entry {
	struct slab_link link;
	struct sk_sock k;
};

struct sk_stats {
	struct slab slab;
	size_t max;
	struct sk_family_row *families;
	size_t nfamilies, families_cap;
	uint64_t forgotten;
};

struct sk_stats *sk_stats_new(size_t max)
{
	struct sk_stats *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->max = max;
	if (slab_init(&s->slab, sizeof(struct sk_entry), max, 2 * max)) {
		free(s);
		return NULL;
	}
	return s;
}

void sk_stats_free(struct sk_stats *s)
{
	if (!s)
		return;
	slab_destroy(&s->slab);
	free(s->families);
	free(s);
}

static struct sk_entry *entry(const struct sk_stats *s, int idx)
{
	return slab_at(&s->slab, idx);
}

static size_t bucket_of(const struct sk_stats *s, uint64_t sk)
{
	return slab_bucket(&s->slab, (sk >> 6) * 0x9e3779b97f4a7c15ULL);
}

static int find(const struct sk_stats *s, uint64_t sk)
{
	for (int i = slab_first(&s->slab, bucket_of(s, sk)); i >= 0; i = slab_next(&s->slab, i))
		if (entry(s, i)->k.sk == sk)
			return i;
	return -1;
}

static void release(struct sk_stats *s, int idx)
{
	slab_release(&s->slab, idx, bucket_of(s, entry(s, idx)->k.sk));
}

/* The least recently seen socket goes, to make room. */
static void evict_oldest(struct sk_stats *s)
{
	int oldest = -1;

	for (size_t i = 0; i < s->slab.cap; i++)
		if (entry(s, (int)i)->link.used &&
		    (oldest < 0 || entry(s, (int)i)->k.last_ns < entry(s, oldest)->k.last_ns))
			oldest = (int)i;
	if (oldest >= 0) {
		release(s, oldest);
		s->forgotten++;
	}
}

static int take(struct sk_stats *s, uint64_t sk)
{
	int idx;

	if (s->slab.used >= s->max)
		evict_oldest(s);
	idx = slab_take(&s->slab, bucket_of(s, sk));
	if (idx >= 0)
		entry(s, idx)->k.sk = sk;
	return idx;
}

static struct sk_family_row *family_row(struct sk_stats *s, uint16_t family, uint16_t protocol)
{
	for (size_t i = 0; i < s->nfamilies; i++)
		if (s->families[i].family == family && s->families[i].protocol == protocol)
			return &s->families[i];
	if (s->nfamilies == s->families_cap) {
		size_t cap = s->families_cap ? s->families_cap * 2 : 16;
		struct sk_family_row *v = realloc(s->families, cap * sizeof(*v));

		if (!v)
			return NULL;
		s->families = v;
		s->families_cap = cap;
	}
	memset(&s->families[s->nfamilies], 0, sizeof(s->families[0]));
	s->families[s->nfamilies].family = family;
	s->families[s->nfamilies].protocol = protocol;
	return &s->families[s->nfamilies++];
}

void sk_stats_add(struct sk_stats *s, const struct vista_event *e, const struct vista_sk *k)
{
	struct sk_family_row *row;
	struct sk_sock *c;
	bool fresh = false;
	int idx;

	if (e->kind != VISTA_EV_SK || s->max == 0)
		return;
	idx = find(s, e->addr);
	/* Freed and allocated again for another socket: the old row is that socket's, and ends. */
	if (idx >= 0 && entry(s, idx)->k.inode && k->has_socket && k->inode && k->inode != entry(s, idx)->k.inode) {
		release(s, idx);
		idx = -1;
	}
	if (idx < 0) {
		idx = take(s, e->addr);
		if (idx < 0) {
			s->forgotten++;
			return;
		}
		fresh = true;
	}
	c = &entry(s, idx)->k;
	if (fresh) {
		c->first_ns = e->ts_ns;
		c->family = k->family;
		c->protocol = k->protocol;
		c->type = k->type;
	}
	if (k->has_socket && k->inode)
		c->inode = k->inode;
	if (e->flags & VISTA_EVF_HAS_TUPLE)
		c->tuple = e->tuple;
	c->state = k->state;
	c->mark = k->mark;
	c->netns = e->meta.netns;
	c->last_ns = e->ts_ns;
	if (k->what < VISTA_SK__COUNT)
		c->events[k->what]++;
	c->total++;
	row = family_row(s, c->family, c->protocol);
	if (row) {
		row->sockets += fresh;
		row->events++;
	}
	if (k->what != VISTA_SK_SEND && k->what != VISTA_SK_RECV)
		return;
	/* Only system calls tell whose a socket is: readiness happens in whoever delivered the data. */
	c->pid = e->pid;
	memcpy(c->comm, e->comm, sizeof(c->comm));
	if (k->a < 0) {
		c->errors++;
		if (row)
			row->errors++;
	} else if (k->what == VISTA_SK_SEND) {
		c->bytes_sent += (uint64_t)k->a;
		if (row)
			row->bytes_sent += (uint64_t)k->a;
	} else {
		c->bytes_received += (uint64_t)k->a;
		if (row)
			row->bytes_received += (uint64_t)k->a;
	}
}

struct sort_item {
	uint64_t key, seen;
	const struct sk_sock *c;
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

size_t sk_stats_sorted(const struct sk_stats *s, enum sk_sort key, const struct sk_sock **out, size_t max)
{
	struct sort_item *items = s->slab.used ? malloc(s->slab.used * sizeof(*items)) : NULL;
	size_t n = 0;

	if (!items)
		return 0;
	for (size_t i = 0; i < s->slab.cap; i++) {
		const struct sk_sock *c = &entry(s, (int)i)->k;

		if (!entry(s, (int)i)->link.used)
			continue;
		items[n].key = key == SK_SORT_EVENTS  ? c->total
			       : key == SK_SORT_BYTES ? c->bytes_sent + c->bytes_received
						      : c->last_ns;
		items[n].seen = c->last_ns;
		items[n].c = c;
		n++;
	}
	qsort(items, n, sizeof(*items), cmp_items);
	if (n > max)
		n = max;
	for (size_t i = 0; i < n; i++)
		out[i] = items[i].c;
	free(items);
	return n;
}

static int cmp_rows(const void *pa, const void *pb)
{
	const struct sk_family_row *a = pa, *b = pb;

	if (a->events != b->events)
		return a->events > b->events ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return a->protocol < b->protocol ? -1 : a->protocol > b->protocol;
}

size_t sk_stats_families(const struct sk_stats *s, struct sk_family_row *rows, size_t max)
{
	size_t n = s->nfamilies;
	struct sk_family_row *all = n ? malloc(n * sizeof(*all)) : NULL;

	if (!all)
		return 0;
	memcpy(all, s->families, n * sizeof(*all));
	qsort(all, n, sizeof(*all), cmp_rows);
	if (n > max)
		n = max;
	memcpy(rows, all, n * sizeof(*rows));
	free(all);
	return n;
}

size_t sk_stats_count(const struct sk_stats *s)
{
	return s->slab.used;
}

uint64_t sk_stats_forgotten(const struct sk_stats *s)
{
	return s->forgotten;
}
