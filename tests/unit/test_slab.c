// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for src/core/slab.c: records, chains, the free list and the bound. */
#include <stdint.h>

#include "core/slab.h"
#include "tap.h"

struct rec {
	struct slab_link link;
	uint64_t key;
};

static struct rec *rec(const struct slab *s, int idx)
{
	return slab_at(s, idx);
}

/* How many records of bucket b's chain hold key (and whether the walk ends). */
static int count_in_chain(const struct slab *s, size_t b, uint64_t key)
{
	int n = 0, steps = 0;

	for (int i = slab_first(s, b); i >= 0 && steps < 1000; i = slab_next(s, i), steps++)
		n += rec(s, i)->key == key;
	return steps < 1000 ? n : -1;
}

int main(void)
{
	struct slab s;
	int a, b, c, d;

	ok(slab_init(&s, sizeof(struct rec), 100, 10) == 0, "a slab of 100 records");
	is_int(s.nbuckets, 64, "at least 64 buckets, a power of two");
	a = slab_take(&s, 3);
	rec(&s, a)->key = 1;
	b = slab_take(&s, 3);
	rec(&s, b)->key = 2;
	c = slab_take(&s, 5);
	rec(&s, c)->key = 3;
	ok(a >= 0 && b >= 0 && c >= 0 && a != b && b != c && a != c, "three distinct records");
	is_int(s.used, 3, "three held");
	is_int(slab_first(&s, 3), b, "the newest record heads its chain");
	is_int(slab_next(&s, b), a, "then the older one");
	is_int(slab_next(&s, a), -1, "and the chain ends");
	ok(rec(&s, a)->link.used && rec(&s, a)->link.indexed, "a taken record is used and indexed");

	slab_unindex(&s, b, 3);
	is_int(count_in_chain(&s, 3, 2), 0, "unindexed: out of its chain");
	ok(rec(&s, b)->link.used && !rec(&s, b)->link.indexed, "  but still used");
	is_int(count_in_chain(&s, 3, 1), 1, "  the other record stays in the chain");
	slab_release(&s, b, 3);
	is_int(s.used, 2, "released: two held");
	d = slab_take(&s, 7);
	is_int(d, b, "the released record is taken again first");
	is_int(rec(&s, d)->key, 0, "  zeroed");
	slab_release(&s, a, 3);
	is_int(slab_first(&s, 3), -1, "the last record of a chain released: the chain is empty");

	slab_destroy(&s);
	ok(slab_init(&s, sizeof(struct rec), 70, 0) == 0, "a slab of 70 records");
	for (int i = 0; i < 70; i++)
		if (slab_take(&s, (size_t)i % 64) < 0)
			break;
	is_int(s.used, 70, "it grows past its first 64 records to its bound");
	is_int(s.cap, 70, "  and no further");
	is_int(slab_take(&s, 0), -1, "a record past the bound is refused");
	slab_release(&s, 69, 69 % 64);
	ok(slab_take(&s, 1) == 69, "room made: the freed record serves");
	slab_destroy(&s);
	return tap_done();
}
