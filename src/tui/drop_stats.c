// SPDX-License-Identifier: GPL-2.0-only
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* qsort_r */
#endif
#include "tui/drop_stats.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void drop_stats_init(struct drop_stats *d)
{
	memset(d, 0, sizeof(*d));
}

void drop_stats_free(struct drop_stats *d)
{
	free(d->v);
	free(d->slots);
	memset(d, 0, sizeof(*d));
}

static size_t slot_of(uint32_t reason, uint64_t location, size_t nslots)
{
	uint64_t h = (location ^ ((uint64_t)reason << 48) ^ reason) * 0x9E3779B97F4A7C15ULL;

	return (size_t)(h >> 32) & (nslots - 1);
}

static bool rehash(struct drop_stats *d, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof(*slots));

	if (!slots)
		return false;
	for (size_t i = 0; i < d->n; i++) {
		size_t k = slot_of(d->v[i].reason, d->v[i].location, nslots);

		while (slots[k])
			k = (k + 1) & (nslots - 1);
		slots[k] = (uint32_t)i + 1;
	}
	free(d->slots);
	d->slots = slots;
	d->nslots = nslots;
	return true;
}

/* The row of (reason, location), added when new; NULL when memory ran out. */
static struct drop_stat *row_for(struct drop_stats *d, uint32_t reason, uint64_t location)
{
	size_t k;

	if (d->nslots) {
		for (k = slot_of(reason, location, d->nslots); d->slots[k]; k = (k + 1) & (d->nslots - 1)) {
			struct drop_stat *st = &d->v[d->slots[k] - 1];

			if (st->reason == reason && st->location == location)
				return st;
		}
	}
	if ((d->n + 1) * 2 > d->nslots && !rehash(d, d->nslots ? d->nslots * 2 : 64))
		return NULL;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		struct drop_stat *v = realloc(d->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		d->v = v;
		d->cap = cap;
	}
	for (k = slot_of(reason, location, d->nslots); d->slots[k]; k = (k + 1) & (d->nslots - 1))
		;
	d->slots[k] = (uint32_t)d->n + 1;
	d->v[d->n] = (struct drop_stat){ .reason = reason, .location = location };
	return &d->v[d->n++];
}

void drop_stats_count(struct drop_stats *d, const struct vista_event *e, uint64_t seq)
{
	struct drop_stat *st;

	if (!(e->flags & VISTA_EVF_HAS_REASON))
		return;
	d->total++;
	st = row_for(d, e->reason, e->location);
	if (!st)
		return;
	st->count++;
	if (e->ts_ns >= st->last_ts) {
		st->last_ts = e->ts_ns;
		st->last_seq = seq;
	}
}

static int most_recent_first(const void *a, const void *b, void *ctx)
{
	const struct drop_stats *d = ctx;
	const struct drop_stat *x = &d->v[*(const uint32_t *)a], *y = &d->v[*(const uint32_t *)b];

	if (x->last_ts != y->last_ts)
		return x->last_ts > y->last_ts ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->reason != y->reason)
		return x->reason < y->reason ? -1 : 1;
	return x->location < y->location ? -1 : x->location > y->location;
}

size_t drop_stats_order(const struct drop_stats *d, uint32_t *order)
{
	for (size_t i = 0; i < d->n; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, d->n, sizeof(*order), most_recent_first, (void *)d);
	return d->n;
}
