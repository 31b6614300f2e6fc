/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-hook counters: how many events each hook produced, when it was last
 * seen, and its rate over the last tick. They count every event received,
 * including those the event store later drops.
 */
#ifndef VISTA_TUI_HOOK_STATS_H
#define VISTA_TUI_HOOK_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "vista.h"

struct hook_stat {
	uint64_t total;
	uint64_t last_ts; /* event time (CLOCK_MONOTONIC ns) of the latest one */
	uint64_t rate;    /* events per second over the last tick interval */
	uint64_t at_tick; /* total at the previous tick */
};

struct hook_stats {
	struct hook_stat v[VISTA_MAX_HOOKS];
	uint32_t span;      /* highest hook id seen + 1 */
	uint64_t other;     /* events with an id beyond VISTA_MAX_HOOKS (never from our BPF side) */
	uint64_t last_tick; /* 0: no tick yet */
};

void hook_stats_init(struct hook_stats *h);
void hook_stats_count(struct hook_stats *h, uint32_t hook_id, uint64_t ts_ns);
void hook_stats_tick(struct hook_stats *h, uint64_t now_ns);
/* NULL for an id out of range. */
const struct hook_stat *hook_stats_get(const struct hook_stats *h, uint32_t hook_id);

/*
 * Fills ids with the hooks 0..nhooks-1 ordered for display: most events
 * first, then by id (stable while the counts stand still).
 */
void hook_stats_order(const struct hook_stats *h, uint32_t nhooks, uint32_t *ids);

#endif
