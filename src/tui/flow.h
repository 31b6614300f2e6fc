/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The journey of one skb: every event of the same skb address within one
 * life (a life ends at an event flagged VISTA_EVF_SKB_FREED, because the
 * kernel recycles skb addresses), in order, and how it ended.
 *
 * The steps are copies, so a flow stays whole while the store drops old
 * events; flow_extend picks up events of a life still in progress.
 */
#ifndef VISTA_TUI_FLOW_H
#define VISTA_TUI_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui/event_source.h"
#include "tui/event_store.h"

#define FLOW_MAX_STEPS 65536 /* a longer life is cut here (a busy skb never freed) */

enum flow_fate {
	FLOW_IN_FLIGHT,   /* no free seen (yet) */
	FLOW_TRANSMITTED, /* handed to a device, and not freed since, or freed after transmission */
	FLOW_CONSUMED,    /* freed normally (consume_skb) */
	FLOW_DROPPED,     /* freed with a drop reason (kfree_skb) */
};

struct flow_step {
	struct vista_event ev;
	uint64_t seq;
};

struct flow {
	struct flow_step *steps;
	size_t n, cap;
	bool truncated; /* its first events were dropped by the store before the flow was built */
	bool cut;       /* FLOW_MAX_STEPS reached */
	bool lost_tail; /* the store dropped its last step before later ones could be linked */
};

/* Builds the life of event seq; returns 0, or -1 when the store no longer holds it or memory ran out. */
int flow_build(struct flow *f, const struct event_store *s, uint64_t seq);
/* Appends events of the life that arrived since; returns true when some did. */
bool flow_extend(struct flow *f, const struct event_store *s);
void flow_free(struct flow *f);

/* Whether the life has ended (its last event freed the skb). */
bool flow_ended(const struct flow *f);
enum flow_fate flow_fate(const struct flow *f, const struct event_source *src);
/*
 * The step that decides the fate: the free, or for a transmission the last
 * transmit event; NULL for an empty flow.
 */
const struct flow_step *flow_fate_step(const struct flow *f, const struct event_source *src);
/* "consumed", "dropped", "transmitted", "in flight". */
const char *flow_fate_name(enum flow_fate fate);

#endif
