/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A slab of fixed-size records found through hash chains: the tables that
 * aggregate events per socket or connection (sk_stats, tcp_stats) keep
 * their entries in one growable array, linked into buckets by index, with
 * unused entries on a free list through the same link. Indexes stay valid
 * while the array grows, which pointers would not.
 *
 * Every record starts with a struct slab_link. The slab does not hash: the
 * caller computes a key's bucket (below slab_buckets()) and compares keys
 * while walking a chain with slab_first()/slab_next().
 */
#ifndef VISTA_SLAB_H
#define VISTA_SLAB_H

#include <stdbool.h>
#include <stddef.h>

struct slab_link {
	int next;     /* hash chain, or free list */
	bool used;    /* holds a record */
	bool indexed; /* reachable through its bucket's chain */
};

struct slab {
	unsigned char *v;
	size_t elem; /* bytes per record, struct slab_link first */
	size_t cap;  /* records allocated */
	size_t max;  /* records at most (the array never grows past it) */
	size_t used; /* records held */
	int free_head;
	int *buckets;
	size_t nbuckets; /* a power of two */
};

/*
 * Sets up an empty slab of records of elem bytes, at most max of them, with
 * at least want_buckets buckets (64 to 2^20). Returns 0, or -1 when out of memory.
 */
int slab_init(struct slab *s, size_t elem, size_t max, size_t want_buckets);
void slab_destroy(struct slab *s);

static inline void *slab_at(const struct slab *s, int idx)
{
	return s->v + (size_t)idx * s->elem;
}

static inline struct slab_link *slab_link_of(const struct slab *s, int idx)
{
	return (struct slab_link *)slab_at(s, idx);
}

/* The bucket of a hash value. */
static inline size_t slab_bucket(const struct slab *s, unsigned long long hash)
{
	return (size_t)(hash >> 32) & (s->nbuckets - 1);
}

/* Walking one chain: for (int i = slab_first(s, b); i >= 0; i = slab_next(s, i)). */
static inline int slab_first(const struct slab *s, size_t bucket)
{
	return s->buckets[bucket];
}

static inline int slab_next(const struct slab *s, int idx)
{
	return slab_link_of(s, idx)->next;
}

/*
 * A zeroed record, used and linked first into bucket; -1 when out of
 * memory or when max records are held (the caller makes room first).
 */
int slab_take(struct slab *s, size_t bucket);

/* Takes idx out of its chain (bucket: where it was linked); it stays used. */
void slab_unindex(struct slab *s, int idx, size_t bucket);

/* Unindexes idx and puts it on the free list. */
void slab_release(struct slab *s, int idx, size_t bucket);

#endif
