// SPDX-License-Identifier: GPL-2.0-only
/* Netfilter verdicts summed up per namespace, hook, table, chain and verdict (see nf_stats.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* qsort_r */
#endif
#include "core/nf_stats.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct nf_stats {
	struct nf_stats_row *rows;
	size_t n, cap;
	uint32_t *index; /* open addressing: row number + 1, 0 for an empty slot */
	size_t slots;    /* a power of two, at least twice n */
};

struct nf_stats *nf_stats_new(void)
{
	return calloc(1, sizeof(struct nf_stats));
}

void nf_stats_free(struct nf_stats *s)
{
	if (!s)
		return;
	free(s->rows);
	free(s->index);
	free(s);
}

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL; /* FNV-1a */
	return h;
}

static uint64_t key_hash(const struct nf_stats_key *k)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = mix(h, &k->netns, sizeof(k->netns));
	h = mix(h, &k->pf, 1);
	h = mix(h, &k->hook, 1);
	h = mix(h, &k->verdict, 1);
	h = mix(h, k->table, strnlen(k->table, sizeof(k->table)));
	h = mix(h, "/", 1);
	return mix(h, k->chain, strnlen(k->chain, sizeof(k->chain)));
}

static bool key_equal(const struct nf_stats_key *a, const struct nf_stats_key *b)
{
	return a->netns == b->netns && a->pf == b->pf && a->hook == b->hook && a->verdict == b->verdict &&
	       strncmp(a->table, b->table, sizeof(a->table)) == 0 && strncmp(a->chain, b->chain, sizeof(a->chain)) == 0;
}

static size_t slot_of(const struct nf_stats *s, const struct nf_stats_key *k)
{
	size_t i = (size_t)key_hash(k) & (s->slots - 1);

	while (s->index[i] && !key_equal(&s->rows[s->index[i] - 1].key, k))
		i = (i + 1) & (s->slots - 1);
	return i;
}

static int reindex(struct nf_stats *s, size_t slots)
{
	uint32_t *index = calloc(slots, sizeof(*index));

	if (!index)
		return -1;
	free(s->index);
	s->index = index;
	s->slots = slots;
	for (size_t r = 0; r < s->n; r++)
		s->index[slot_of(s, &s->rows[r].key)] = (uint32_t)(r + 1);
	return 0;
}

/* Room for one more row, in the rows and in the index. */
static int grow(struct nf_stats *s)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct nf_stats_row *rows = realloc(s->rows, cap * sizeof(*rows));

		if (!rows)
			return -1;
		s->rows = rows;
		s->cap = cap;
	}
	if ((s->n + 1) * 2 > s->slots)
		return reindex(s, s->slots ? s->slots * 2 : 64);
	return 0;
}

static int add_row(struct nf_stats *s, const struct vista_nf *nf, uint64_t ts_ns)
{
	struct nf_stats_key k;
	struct nf_stats_row *r;
	size_t slot;

	memset(&k, 0, sizeof(k));
	k.netns = nf->netns;
	k.pf = nf->pf;
	k.hook = nf->hook;
	k.verdict = nf->verdict;
	memcpy(k.table, nf->table, sizeof(k.table));
	memcpy(k.chain, nf->chain, sizeof(k.chain));
	k.table[sizeof(k.table) - 1] = '\0';
	k.chain[sizeof(k.chain) - 1] = '\0';
	if (grow(s))
		return -1;
	slot = slot_of(s, &k);
	if (!s->index[slot]) {
		r = &s->rows[s->n];
		memset(r, 0, sizeof(*r));
		r->key = k;
		s->index[slot] = (uint32_t)++s->n;
	}
	r = &s->rows[s->index[slot] - 1];
	r->count++;
	r->total_ns += nf->cost_ns;
	if (nf->cost_ns > r->max_ns)
		r->max_ns = nf->cost_ns;
	if (ts_ns > r->last_ns)
		r->last_ns = ts_ns;
	return 0;
}

int nf_stats_add_nf(struct nf_stats *s, const struct vista_nf *nf)
{
	return add_row(s, nf, 0);
}

int nf_stats_add(struct nf_stats *s, const struct vista_event *e)
{
	if (e->kind != VISTA_EV_NETFILTER)
		return 0;
	return add_row(s, (const struct vista_nf *)(e + 1), e->ts_ns);
}

size_t nf_stats_count(const struct nf_stats *s)
{
	return s->n;
}

const struct nf_stats_row *nf_stats_row(const struct nf_stats *s, size_t i)
{
	return i < s->n ? &s->rows[i] : NULL;
}

const struct nf_stats_row *nf_stats_find(const struct nf_stats *s, const struct nf_stats_key *key)
{
	size_t slot;

	if (!s->slots)
		return NULL;
	slot = slot_of(s, key);
	return s->index[slot] ? &s->rows[s->index[slot] - 1] : NULL;
}

uint64_t nf_stats_avg_ns(const struct nf_stats_row *r)
{
	return r->count ? r->total_ns / r->count : 0;
}

uint64_t nf_stats_total(const struct nf_stats *s)
{
	uint64_t n = 0;

	for (size_t i = 0; i < s->n; i++)
		n += s->rows[i].count;
	return n;
}

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b;
}

static int cmp_key(const struct nf_stats_key *a, const struct nf_stats_key *b)
{
	int c;

	if (a->netns != b->netns)
		return a->netns < b->netns ? -1 : 1;
	if (a->pf != b->pf)
		return a->pf < b->pf ? -1 : 1;
	if (a->hook != b->hook)
		return a->hook < b->hook ? -1 : 1;
	if ((c = strncmp(a->table, b->table, sizeof(a->table))))
		return c;
	if ((c = strncmp(a->chain, b->chain, sizeof(a->chain))))
		return c;
	return a->verdict < b->verdict ? -1 : a->verdict > b->verdict;
}

static int cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct nf_stats_row *a = pa, *b = pb;
	int c = 0;

	switch (*(const enum nf_stats_order *)arg) {
	case NF_STATS_BY_COUNT:
		c = cmp_u64_desc(a->count, b->count);
		break;
	case NF_STATS_BY_AVG:
		c = cmp_u64_desc(nf_stats_avg_ns(a), nf_stats_avg_ns(b));
		break;
	case NF_STATS_BY_MAX:
		c = cmp_u64_desc(a->max_ns, b->max_ns);
		break;
	case NF_STATS_BY_KEY:
		break;
	case NF_STATS_BY_RECENT_DROP:
		/* NF_DROP is 0: the drops sort first, each group by its own measure. */
		if ((a->key.verdict == 0) != (b->key.verdict == 0))
			c = a->key.verdict == 0 ? -1 : 1;
		else if (a->key.verdict == 0)
			c = cmp_u64_desc(a->last_ns, b->last_ns);
		else
			c = cmp_u64_desc(a->count, b->count);
		break;
	}
	return c ? c : cmp_key(&a->key, &b->key);
}

void nf_stats_sort(struct nf_stats *s, enum nf_stats_order order)
{
	if (s->n < 2)
		return;
	qsort_r(s->rows, s->n, sizeof(*s->rows), cmp_rows, &order);
	/* Rows moved: their numbers in the index are rebuilt in place (no allocation, nothing can fail). */
	memset(s->index, 0, s->slots * sizeof(*s->index));
	for (size_t r = 0; r < s->n; r++)
		s->index[slot_of(s, &s->rows[r].key)] = (uint32_t)(r + 1);
}

void nf_stats_clear(struct nf_stats *s)
{
	s->n = 0;
	if (s->index)
		memset(s->index, 0, s->slots * sizeof(*s->index));
}
