// SPDX-License-Identifier: GPL-2.0-only
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* qsort_r */
#endif
#include "tui/hook_stats.h"

#include <stdlib.h>
#include <string.h>

void hook_stats_init(struct hook_stats *h)
{
	memset(h, 0, sizeof(*h));
}

void hook_stats_count(struct hook_stats *h, uint32_t hook_id, uint64_t ts_ns)
{
	struct hook_stat *st;

	if (hook_id >= VISTA_MAX_HOOKS) {
		h->other++;
		return;
	}
	st = &h->v[hook_id];
	st->total++;
	/* Events of different CPUs arrive slightly out of order: keep the latest. */
	if (ts_ns > st->last_ts)
		st->last_ts = ts_ns;
	if (hook_id >= h->span)
		h->span = hook_id + 1;
}

void hook_stats_tick(struct hook_stats *h, uint64_t now_ns)
{
	uint64_t elapsed = now_ns - h->last_tick;

	if (h->last_tick && now_ns > h->last_tick) {
		for (uint32_t i = 0; i < h->span; i++) {
			struct hook_stat *st = &h->v[i];
			uint64_t n = st->total - st->at_tick;

			/* n * 1e9 overflows only past 1.8e10 events in one interval. */
			st->rate = (n * 1000000000ULL + elapsed / 2) / elapsed;
		}
	}
	if (!h->last_tick || now_ns > h->last_tick) {
		for (uint32_t i = 0; i < h->span; i++)
			h->v[i].at_tick = h->v[i].total;
		h->last_tick = now_ns ? now_ns : 1;
	}
}

const struct hook_stat *hook_stats_get(const struct hook_stats *h, uint32_t hook_id)
{
	return hook_id < VISTA_MAX_HOOKS ? &h->v[hook_id] : NULL;
}

static int by_total(const void *a, const void *b, void *ctx)
{
	const struct hook_stats *h = ctx;
	uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	uint64_t ta = h->v[ia].total, tb = h->v[ib].total;

	if (ta != tb)
		return ta > tb ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

void hook_stats_order(const struct hook_stats *h, uint32_t nhooks, uint32_t *ids)
{
	if (nhooks > VISTA_MAX_HOOKS)
		nhooks = VISTA_MAX_HOOKS;
	for (uint32_t i = 0; i < nhooks; i++)
		ids[i] = i;
	qsort_r(ids, nhooks, sizeof(*ids), by_total, (void *)h);
}
