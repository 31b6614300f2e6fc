/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A test-only event source: events from memory, released a few at a time
 * by the test, with fixed hook names, drop reasons and stacks symbolized
 * from a kallsyms file of the test's own, and a filter set ("addr
 * 10.199.0.2" at first) that `:` commands change as a session's would.
 * Renders are deterministic.
 */
#ifndef VISTA_TESTS_MEM_SOURCE_H
#define VISTA_TESTS_MEM_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "tui/event_source.h"

#define MEM_HOOKS 10

/* CLOCK_REALTIME at the fixture's origin: 2025-01-01 12:00:00 UTC. */
#define MEM_REALTIME_ORIGIN_NS (1735732800LL * 1000000000LL)

/* Hook ids of the fixture (names in mem_source.c). */
enum mem_hook {
	H_QUEUE,
	H_START_XMIT,
	H_XMIT,
	H_RX,
	H_RECEIVE,
	H_KFREE,
	H_CONSUME,
	H_COPY_DGRAM,
	H_GRO,
	H_TCP_RETRANS,
};

/* Drop reasons the fixture uses (names in mem_source.c). */
#define R_NOT_SPECIFIED  2
#define R_NO_SOCKET      3
#define R_NETFILTER_DROP 9

/* Stacks: ids 0 and 1 exist. */
#define STACK_NETFILTER 0
#define STACK_UDP       1

/*
 * A record as the ring buffer has it: an event, then its kind's struct
 * (nothing for an skb event). vista_event's size is a multiple of 8, so
 * body starts right after ev, where event_store_push looks for it.
 */
struct mem_event {
	struct vista_event ev;
	union {
		struct vista_nf nf;
		struct vista_tcp tcp;
		struct vista_sk sk;
	} body;
};

/*
 * events are copied; origin_ns is the trace's start on the events' clock;
 * kallsyms_path may be NULL (no symbols). Returns NULL when memory or the
 * file ran out.
 */
struct event_source *mem_source_create(const struct vista_event *events, size_t n, uint64_t origin_ns,
				       const char *kallsyms_path);
/* The same from records of every kind. */
struct event_source *mem_source_create_records(const struct mem_event *events, size_t n, uint64_t origin_ns,
					       const char *kallsyms_path);
/* Makes n more events ready to consume (SIZE_MAX: all of them). */
void mem_source_release(struct event_source *src, size_t n);
/* Sets what lost() reports. */
void mem_source_set_lost(struct event_source *src, uint64_t lost);
/* Makes the next consume fail with this message (NULL: succeed again). */
void mem_source_fail(struct event_source *src, const char *message);
/* How many consume calls were made, and the largest batch asked for. */
size_t mem_source_consumes(const struct event_source *src);
/* The frames of the fixture's stack stack_id into ips (room for 5); returns how many, 0 for none. */
int mem_source_stack(int32_t stack_id, uint64_t *ips);
/* How many filter sets were applied. */
size_t mem_source_applies(const struct event_source *src);

#endif
