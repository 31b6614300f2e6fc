// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for src/core/nf_stats.c: rows per key, count, average and maximum cost, orders, clear. */
#include "config.h"

#include <stdlib.h>

#include "core/nf_stats.h"
#include "tap.h"

/* An event and its netfilter part, contiguous as in the ring buffer. */
struct nf_ev {
	struct vista_event e;
	struct vista_nf nf;
};

static struct nf_ev ev(uint32_t netns, uint8_t pf, uint8_t hook, const char *table, const char *chain, uint8_t verdict,
		       uint64_t cost)
{
	struct nf_ev n;

	memset(&n, 0, sizeof(n));
	n.e.kind = VISTA_EV_NETFILTER;
	n.nf.netns = netns;
	n.nf.pf = pf;
	n.nf.hook = hook;
	n.nf.verdict = verdict;
	n.nf.cost_ns = cost;
	snprintf(n.nf.table, sizeof(n.nf.table), "%s", table);
	snprintf(n.nf.chain, sizeof(n.nf.chain), "%s", chain);
	return n;
}

static struct nf_stats_key key(uint32_t netns, uint8_t pf, uint8_t hook, const char *table, const char *chain,
			       uint8_t verdict)
{
	struct nf_stats_key k;

	memset(&k, 0, sizeof(k));
	k.netns = netns;
	k.pf = pf;
	k.hook = hook;
	k.verdict = verdict;
	snprintf(k.table, sizeof(k.table), "%s", table);
	snprintf(k.chain, sizeof(k.chain), "%s", chain);
	return k;
}

static void add(struct nf_stats *s, struct nf_ev n)
{
	nf_stats_add(s, &n.e);
}

static void test_rows(void)
{
	struct nf_stats *s = nf_stats_new();
	struct nf_stats_key k;
	const struct nf_stats_row *r;
	struct vista_event skb = { .kind = VISTA_EV_SKB };

	add(s, ev(100, 2, 1, "filter", "INPUT", 0, 5000));
	add(s, ev(100, 2, 1, "filter", "INPUT", 0, 1000));
	add(s, ev(100, 2, 1, "filter", "INPUT", 0, 3000));
	add(s, ev(100, 2, 1, "filter", "INPUT", 1, 700));      /* another verdict */
	add(s, ev(100, 10, 1, "filter", "INPUT", 0, 900));     /* another family */
	add(s, ev(200, 2, 1, "filter", "INPUT", 0, 900));      /* another namespace */
	add(s, ev(100, 2, 3, "filter", "OUTPUT", 1, 100));     /* another hook and chain */
	add(s, ev(100, 2, 1, "vtest", "filter_in", 1, 40000)); /* another table */
	is_int(nf_stats_add(s, &skb), 0, "an skb event is ignored");
	is_int(nf_stats_count(s), 6, "6 keys from 8 netfilter events");
	is_int(nf_stats_total(s), 8, "8 verdicts in all");
	k = key(100, 2, 1, "filter", "INPUT", 0);
	r = nf_stats_find(s, &k);
	if (ok(r != NULL, "the filter INPUT DROP row of netns 100")) {
		is_int(r->count, 3, "  3 drops");
		is_int(nf_stats_avg_ns(r), 3000, "  average cost 3000 ns");
		is_int(r->max_ns, 5000, "  largest cost 5000 ns");
		is_int(r->total_ns, 9000, "  total 9000 ns");
	}
	k = key(100, 2, 1, "filter", "INPUT", 2);
	ok(nf_stats_find(s, &k) == NULL, "no STOLEN row");
	r = nf_stats_row(s, 0);
	ok(r && r->key.verdict == 0 && r->count == 3, "before any sort, rows come in the order first seen");
	ok(nf_stats_row(s, 6) == NULL, "no row past the count");

	nf_stats_sort(s, NF_STATS_BY_COUNT);
	r = nf_stats_row(s, 0);
	ok(r && r->count == 3, "by count: the 3 drops first");
	r = nf_stats_row(s, 1);
	ok(r && r->key.netns == 100 && r->key.pf == 2 && r->key.hook == 1 && strcmp(r->key.table, "filter") == 0 &&
	       r->key.verdict == 1,
	   "  ties in key order: netns 100, IPv4, INPUT, filter, ACCEPT next");
	nf_stats_sort(s, NF_STATS_BY_AVG);
	r = nf_stats_row(s, 0);
	ok(r && strcmp(r->key.table, "vtest") == 0, "by average: the 40 µs vtest row first");
	r = nf_stats_row(s, nf_stats_count(s) - 1);
	ok(r && r->key.hook == 3 && r->max_ns == 100, "  the 100 ns OUTPUT row last");
	nf_stats_sort(s, NF_STATS_BY_MAX);
	r = nf_stats_row(s, 1);
	ok(r && r->max_ns == 5000, "by maximum: the 5 µs drop second");
	nf_stats_sort(s, NF_STATS_BY_KEY);
	r = nf_stats_row(s, nf_stats_count(s) - 1);
	ok(r && r->key.netns == 200, "by key: netns 200 last");
	/* The index follows the rows that moved. */
	add(s, ev(100, 2, 1, "filter", "INPUT", 0, 8000));
	k = key(100, 2, 1, "filter", "INPUT", 0);
	r = nf_stats_find(s, &k);
	ok(r && r->count == 4 && r->max_ns == 8000 && nf_stats_count(s) == 6,
	   "after sorting, a verdict adds to its row");
	nf_stats_clear(s);
	is_int(nf_stats_count(s), 0, "clear forgets every row");
	ok(nf_stats_find(s, &k) == NULL, "  and every key");
	add(s, ev(100, 2, 1, "filter", "INPUT", 0, 8000));
	is_int(nf_stats_count(s), 1, "  and counting starts again");
	nf_stats_free(s);
}

static void test_many(void)
{
	struct nf_stats *s = nf_stats_new();
	char name[32];
	bool all = true;

	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 5000; i++) {
			snprintf(name, sizeof(name), "t%d", i);
			add(s, ev((uint32_t)i % 7, 2, (uint8_t)(i % 5), name, "c", 1, (uint64_t)i));
		}
	is_int(nf_stats_count(s), 5000, "5000 keys seen twice: 5000 rows");
	for (size_t i = 0; i < nf_stats_count(s); i++)
		all &= nf_stats_row(s, i)->count == 2;
	ok(all, "  each counted twice");
	nf_stats_sort(s, NF_STATS_BY_MAX);
	ok(nf_stats_row(s, 0)->max_ns == 4999 && strcmp(nf_stats_row(s, 0)->key.table, "t4999") == 0,
	   "  the largest cost first");
	nf_stats_free(s);
}

int main(void)
{
	test_rows();
	test_many();
	return tap_done();
}
