/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Flow summaries: the life of one skb, from the events of its address
 * until it is freed, told as the hooks it passed (with the time between
 * them), the devices and network namespaces it crossed, the rewrites of its
 * addresses seen on the way (NAT, or a tunnel header put on or taken off),
 * and its fate:
 *
 *   delivered    it reached a socket (the hook that shows it, and the process)
 *   transmitted  a device sent it and it was freed after that (which device)
 *   dropped      freed with a drop reason (reason, location, and the
 *                netfilter table when a netfilter event of it said DROP)
 *   consumed     freed normally anywhere else (location)
 *   in flight    no free seen before the trace ended
 *
 * This is what vista --output-flows prints and vista-top's flow drill-down
 * shows. The kernel reuses the address of a freed skb at once, so a free
 * ends a flow and the next event of that address starts a new one.
 */
#ifndef VISTA_SKB_FLOW_H
#define VISTA_SKB_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/format.h"
#include "vista.h"

#define SKB_FLOW_MAX_HOPS 512 /* a longer life keeps its first hops and its last one */

enum skb_flow_fate {
	SKB_FLOW_IN_FLIGHT,
	SKB_FLOW_DELIVERED,
	SKB_FLOW_TRANSMITTED,
	SKB_FLOW_CONSUMED,
	SKB_FLOW_DROPPED,
};

/* One event of the skb; nf is set for a VISTA_EV_NETFILTER event (ev.kind). */
struct skb_flow_hop {
	struct vista_event ev;
	struct vista_nf nf;
};

struct skb_flow {
	uint64_t addr;
	struct skb_flow_hop *hops;
	size_t n, cap;
	size_t skipped; /* hops left out past SKB_FLOW_MAX_HOPS */
};

void skb_flow_init(struct skb_flow *f, uint64_t addr);
/*
 * Appends an event of the skb: kind VISTA_EV_SKB, or VISTA_EV_NETFILTER with
 * its struct vista_nf after it (other kinds are ignored). Returns 0, or -1
 * when memory ran out.
 */
int skb_flow_add(struct skb_flow *f, const struct vista_event *e);
void skb_flow_free(struct skb_flow *f);
/* Whether its last event freed the skb. */
bool skb_flow_ended(const struct skb_flow *f);

/*
 * The fate, and in *why (may be NULL) the hop that decides it: the socket
 * hook, the transmission, or the free. Hook and reason names come from names
 * (a drop whose reason is named SKB_CONSUMED is no drop).
 */
enum skb_flow_fate skb_flow_fate(const struct skb_flow *f, const struct format_names *names,
				 const struct skb_flow_hop **why);
const char *skb_flow_fate_name(enum skb_flow_fate fate);
/* The netfilter event of the flow that said DROP, or NULL. */
const struct skb_flow_hop *skb_flow_nf_drop(const struct skb_flow *f);

/*
 * The flow as vista --output-flows prints it (man/vista.8, FLOW SUMMARIES):
 *
 *   flow skb=0xffff888104a1e300 10.0.0.1->10.0.0.2(icmp request id=7 seq=1) hops=9 time=41.2µs
 *          +0ns         -  net_dev_queue  iface=5(va) netns=4026532301
 *       +1.201µs   1.201µs  net_dev_start_xmit  iface=5(va) netns=4026532301
 *     ...
 *     devices: 5(va)@4026532301 -> 6(vb)@4026532302
 *     netns: 4026532301 -> 4026532302
 *     nat: none
 *     fate: consumed at icmp_rcv+0x1a2
 *
 * like snprintf: returns the length of the whole text (>= len: it was cut).
 * skb_flow_format_summary gives the last four lines alone.
 */
size_t skb_flow_format(char *buf, size_t len, const struct skb_flow *f, const struct format_names *names);
size_t skb_flow_format_summary(char *buf, size_t len, const struct skb_flow *f, const struct format_names *names);

/*
 * The flows of a stream of events, keyed by skb address. A flow that ends
 * is held until the next skb_flows_drain, because the netfilter event that
 * names the table of a drop can follow the free in the stream.
 */
struct skb_flows;
/* Return 0 to go on, non-zero to stop. */
typedef int (*skb_flow_fn)(void *ctx, const struct skb_flow *f);

#define SKB_FLOWS_MAX_OPEN 65536 /* skbs in flight at once; more are counted, not summarised */

struct skb_flows *skb_flows_new(void);
/* Returns 0, or -1 when memory ran out (the event is not in any flow then). */
int skb_flows_feed(struct skb_flows *t, const struct vista_event *e);
/* Hands on every ended flow, in the order they ended, and forgets it; returns fn's non-zero, or 0. */
int skb_flows_drain(struct skb_flows *t, skb_flow_fn fn, void *ctx);
/* The trace is over: drains, then hands on the flows still in flight, oldest first. */
int skb_flows_finish(struct skb_flows *t, skb_flow_fn fn, void *ctx);
/* skbs seen while SKB_FLOWS_MAX_OPEN were in flight: not summarised. */
uint64_t skb_flows_untracked(const struct skb_flows *t);
void skb_flows_free(struct skb_flows *t);

#endif
