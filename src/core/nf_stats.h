/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the netfilter tables did, summed up: one row per network namespace,
 * family, hook, table, chain and verdict, with the number of verdicts and
 * their average and largest cost. This is the model of vista-top's
 * netfilter pane (and of anything else that wants the totals): feed it every
 * VISTA_EV_NETFILTER event, then read the rows in the order it sorted them.
 */
#ifndef VISTA_NF_STATS_H
#define VISTA_NF_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "vista.h"

struct nf_stats_key {
	uint32_t netns;
	uint8_t pf;      /* NFPROTO_IPV4 (2), NFPROTO_IPV6 (10) */
	uint8_t hook;    /* NF_INET_PRE_ROUTING .. NF_INET_POST_ROUTING */
	uint8_t verdict; /* NF_DROP, NF_ACCEPT, ... */
	char table[VISTA_NF_NAME_LEN];
	char chain[VISTA_NF_NAME_LEN];
};

struct nf_stats_row {
	struct nf_stats_key key;
	uint64_t count;
	uint64_t total_ns; /* sum of the costs */
	uint64_t max_ns;
	uint64_t last_ns; /* CLOCK_MONOTONIC of its latest verdict (nf_stats_add); 0 when fed by nf_stats_add_nf */
};

enum nf_stats_order {
	NF_STATS_BY_COUNT,       /* most verdicts first */
	NF_STATS_BY_AVG,         /* most expensive on average first */
	NF_STATS_BY_MAX,         /* largest single cost first */
	NF_STATS_BY_KEY,         /* netns, family, hook, table, chain, verdict: a stable listing */
	NF_STATS_BY_RECENT_DROP, /* DROP rows first, the latest drop first; then the rest by count */
};

struct nf_stats;

struct nf_stats *nf_stats_new(void);
void nf_stats_free(struct nf_stats *s);

/*
 * Counts one event: a VISTA_EV_NETFILTER event, its struct vista_nf right
 * after it (as the ring buffer and struct replay_event have it). Events of
 * other kinds are ignored. Returns 0, or -1 when out of memory.
 */
int nf_stats_add(struct nf_stats *s, const struct vista_event *e);
/* The same from the netfilter part alone. */
int nf_stats_add_nf(struct nf_stats *s, const struct vista_nf *nf);

size_t nf_stats_count(const struct nf_stats *s);
/* Row i (0 <= i < nf_stats_count) in the last sort's order (first seen first before any sort). */
const struct nf_stats_row *nf_stats_row(const struct nf_stats *s, size_t i);
/* The row of a key, or NULL. */
const struct nf_stats_row *nf_stats_find(const struct nf_stats *s, const struct nf_stats_key *key);
uint64_t nf_stats_avg_ns(const struct nf_stats_row *r);
/* Sums over every row. */
uint64_t nf_stats_total(const struct nf_stats *s);

/* Reorders the rows; ties keep the key order, so a pane does not flicker. */
void nf_stats_sort(struct nf_stats *s, enum nf_stats_order order);
/* Forgets every row (a pane's "clear"). */
void nf_stats_clear(struct nf_stats *s);

#endif
