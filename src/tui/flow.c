// SPDX-License-Identifier: GPL-2.0-only
#include "tui/flow.h"

#include <stdlib.h>
#include <string.h>

static bool push_step(struct flow *f, const struct store_entry *ent, uint64_t seq)
{
	if (f->n == FLOW_MAX_STEPS) {
		f->cut = true;
		return false;
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct flow_step *v = realloc(f->steps, cap * sizeof(*v));

		if (!v)
			return false;
		f->steps = v;
		f->cap = cap;
	}
	f->steps[f->n].ev = ent->ev;
	f->steps[f->n].seq = seq;
	f->n++;
	return true;
}

int flow_build(struct flow *f, const struct event_store *s, uint64_t seq)
{
	uint64_t first = seq, p;

	memset(f, 0, sizeof(*f));
	if (!event_store_get(s, seq))
		return -1;
	while ((p = event_store_prev_in_life(s, first)) != STORE_NO_SEQ)
		first = p;
	f->truncated = event_store_life_truncated(s, first);
	for (uint64_t q = first; q != STORE_NO_SEQ; q = event_store_next_in_life(s, q)) {
		if (!push_step(f, event_store_get(s, q), q)) {
			if (f->cut)
				break;
			flow_free(f);
			return -1;
		}
	}
	return 0;
}

bool flow_extend(struct flow *f, const struct event_store *s)
{
	size_t before = f->n;
	uint64_t q;

	if (!f->n || f->cut || f->lost_tail || flow_ended(f))
		return false;
	if (!event_store_get(s, f->steps[f->n - 1].seq)) {
		/* Its next event, if any came, can no longer be found from it. */
		f->lost_tail = true;
		return true;
	}
	for (q = event_store_next_in_life(s, f->steps[f->n - 1].seq); q != STORE_NO_SEQ;
	     q = event_store_next_in_life(s, q)) {
		if (!push_step(f, event_store_get(s, q), q))
			break;
	}
	return f->n != before;
}

void flow_free(struct flow *f)
{
	free(f->steps);
	memset(f, 0, sizeof(*f));
}

bool flow_ended(const struct flow *f)
{
	return f->n && (f->steps[f->n - 1].ev.flags & VISTA_EVF_SKB_FREED);
}

static bool is_transmit(const struct flow_step *st, const struct event_source *src)
{
	const char *name = event_source_hook_name(src, st->ev.hook_id);

	/* net_dev_xmit: the driver took the packet (net_dev_start_xmit is just before it). */
	return name && strstr(name, "xmit") != NULL;
}

/* The last transmit of the flow, when nothing but its free came after it. */
static const struct flow_step *final_transmit(const struct flow *f, const struct event_source *src)
{
	size_t last = f->n;

	if (flow_ended(f))
		last--;
	if (!last || !is_transmit(&f->steps[last - 1], src))
		return NULL;
	return &f->steps[last - 1];
}

enum flow_fate flow_fate(const struct flow *f, const struct event_source *src)
{
	if (!f->n)
		return FLOW_IN_FLIGHT;
	if (flow_ended(f) && (f->steps[f->n - 1].ev.flags & VISTA_EVF_HAS_REASON))
		return FLOW_DROPPED;
	if (final_transmit(f, src))
		return FLOW_TRANSMITTED;
	return flow_ended(f) ? FLOW_CONSUMED : FLOW_IN_FLIGHT;
}

const struct flow_step *flow_fate_step(const struct flow *f, const struct event_source *src)
{
	if (!f->n)
		return NULL;
	if (flow_fate(f, src) == FLOW_TRANSMITTED)
		return final_transmit(f, src);
	return &f->steps[f->n - 1];
}

const char *flow_fate_name(enum flow_fate fate)
{
	switch (fate) {
	case FLOW_TRANSMITTED:
		return "transmitted";
	case FLOW_CONSUMED:
		return "consumed";
	case FLOW_DROPPED:
		return "dropped";
	default:
		return "in flight";
	}
}
