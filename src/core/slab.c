// SPDX-License-Identifier: GPL-2.0-only
#include "core/slab.h"

#include <stdlib.h>
#include <string.h>

int slab_init(struct slab *s, size_t elem, size_t max, size_t want_buckets)
{
	memset(s, 0, sizeof(*s));
	s->elem = elem;
	s->max = max;
	s->free_head = -1;
	for (s->nbuckets = 64; s->nbuckets < want_buckets && s->nbuckets < (1u << 20); s->nbuckets <<= 1)
		;
	s->buckets = malloc(s->nbuckets * sizeof(*s->buckets));
	if (!s->buckets)
		return -1;
	for (size_t i = 0; i < s->nbuckets; i++)
		s->buckets[i] = -1;
	return 0;
}

void slab_destroy(struct slab *s)
{
	free(s->v);
	free(s->buckets);
	memset(s, 0, sizeof(*s));
	s->free_head = -1;
}

/* Doubles the array (up to max) and puts the new records on the free list, lowest index first. */
static int grow(struct slab *s)
{
	size_t cap = s->cap ? s->cap * 2 : 64;
	unsigned char *v;

	if (cap > s->max)
		cap = s->max;
	if (cap <= s->cap)
		return -1;
	v = realloc(s->v, cap * s->elem);
	if (!v)
		return -1;
	s->v = v;
	for (size_t i = cap; i > s->cap; i--) {
		struct slab_link *l = slab_link_of(s, (int)(i - 1));

		l->used = false;
		l->indexed = false;
		l->next = s->free_head;
		s->free_head = (int)(i - 1);
	}
	s->cap = cap;
	return 0;
}

int slab_take(struct slab *s, size_t bucket)
{
	struct slab_link *l;
	int idx;

	if (s->used >= s->max || (s->free_head < 0 && grow(s)))
		return -1;
	idx = s->free_head;
	l = slab_link_of(s, idx);
	s->free_head = l->next;
	memset(l, 0, s->elem);
	l->used = true;
	l->indexed = true;
	l->next = s->buckets[bucket];
	s->buckets[bucket] = idx;
	s->used++;
	return idx;
}

void slab_unindex(struct slab *s, int idx, size_t bucket)
{
	int *link = &s->buckets[bucket];

	if (!slab_link_of(s, idx)->indexed)
		return;
	while (*link != idx)
		link = &slab_link_of(s, *link)->next;
	*link = slab_link_of(s, idx)->next;
	slab_link_of(s, idx)->indexed = false;
}

void slab_release(struct slab *s, int idx, size_t bucket)
{
	struct slab_link *l = slab_link_of(s, idx);

	slab_unindex(s, idx, bucket);
	l->used = false;
	l->next = s->free_head;
	s->free_head = idx;
	s->used--;
}
