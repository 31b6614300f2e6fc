// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for src/core/skb_flow.c: flows built from synthetic events, their fate and their text. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/kallsyms.h"
#include "core/skb_flow.h"
#include "tap.h"

#define SKB 0xffff888100001000ULL

static const char *const hook_names[] = { "net_dev_queue",     "net_dev_start_xmit",      "net_dev_xmit",
					  "netif_receive_skb", "skb_copy_datagram_iovec", "kfree_skb",
					  "consume_skb" };
enum { H_QUEUE, H_START_XMIT, H_XMIT, H_RECEIVE, H_COPY, H_KFREE, H_CONSUME };

static const char *hook_name(const void *ctx, uint32_t id)
{
	(void)ctx;
	return id < sizeof(hook_names) / sizeof(hook_names[0]) ? hook_names[id] : NULL;
}

static const char *drop_reason(const void *ctx, uint32_t reason)
{
	(void)ctx;
	return reason == 1 ? "SKB_CONSUMED" : reason == 6 ? "SKB_DROP_REASON_NETFILTER_DROP" : NULL;
}

static struct format_names names = { .hook_name = hook_name, .drop_reason = drop_reason };

static struct vista_event ev(uint32_t hook, uint64_t ts, uint32_t ifindex, const char *ifname, uint32_t netns,
			     const char *saddr, const char *daddr)
{
	struct vista_event e;

	memset(&e, 0, sizeof(e));
	e.kind = VISTA_EV_SKB;
	e.addr = SKB;
	e.hook_id = hook;
	e.ts_ns = ts;
	e.pid = 77;
	strcpy(e.comm, "ping");
	e.flags = VISTA_EVF_HAS_META | VISTA_EVF_HAS_TUPLE;
	e.meta.ifindex = ifindex;
	e.meta.netns = netns;
	snprintf(e.meta.ifname, sizeof(e.meta.ifname), "%s", ifname);
	e.tuple.l3 = 4;
	e.tuple.l4_proto = 17;
	e.tuple.sport = 4000;
	e.tuple.dport = 53;
	inet_pton(AF_INET, saddr, e.tuple.saddr);
	inet_pton(AF_INET, daddr, e.tuple.daddr);
	if (hook == H_KFREE || hook == H_CONSUME)
		e.flags |= VISTA_EVF_SKB_FREED;
	return e;
}

static struct vista_event freed(uint32_t hook, uint64_t ts, uint32_t reason, uint64_t location)
{
	struct vista_event e = ev(hook, ts, 6, "vb", 2002, "10.0.0.1", "10.0.0.2");

	e.location = location;
	if (hook == H_KFREE) {
		e.flags |= VISTA_EVF_HAS_REASON;
		e.reason = reason;
	}
	return e;
}

/* A veth crossing: A's device, then B's, then consumed in B. */
static void test_veth_consumed(void)
{
	struct ksym syms[] = { { 0xffffffff81000000ULL, "icmp_rcv", NULL } };
	struct kallsyms *ks = kallsyms_from_symbols(syms, 1);
	struct vista_event evs[] = {
		ev(H_QUEUE, 1000, 5, "va", 2001, "10.0.0.1", "10.0.0.2"),
		ev(H_START_XMIT, 2500, 5, "va", 2001, "10.0.0.1", "10.0.0.2"),
		ev(H_RECEIVE, 4000, 6, "vb", 2002, "10.0.0.1", "10.0.0.2"),
		freed(H_CONSUME, 5000, 0, 0xffffffff81000010ULL),
	};
	const struct skb_flow_hop *why;
	struct skb_flow f;
	char text[4096];
	size_t n;

	names.ksyms = ks;
	skb_flow_init(&f, SKB);
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		is_int(skb_flow_add(&f, &evs[i]), 0, "an event joins the flow");
	ok(skb_flow_ended(&f), "a consume_skb ends it");
	is_int(skb_flow_fate(&f, &names, &why), SKB_FLOW_CONSUMED, "its fate is consumed");
	ok(why == &f.hops[3], "decided by the free");
	n = skb_flow_format(text, sizeof(text), &f, &names);
	is_int(n, strlen(text), "the whole text fits");
	is_str(text,
	       "flow skb=0xffff888100001000 10.0.0.1:4000->10.0.0.2:53(udp) hops=4 time=4µs\n"
	       "            0s            -  net_dev_queue iface=5(va) netns=2001\n"
	       "         1.5µs        1.5µs  net_dev_start_xmit iface=5(va) netns=2001\n"
	       "           3µs        1.5µs  netif_receive_skb iface=6(vb) netns=2002\n"
	       "           4µs          1µs  consume_skb iface=6(vb) netns=2002\n"
	       "  devices: 5(va)@2001 -> 6(vb)@2002\n"
	       "  netns: 2001 -> 2002\n"
	       "  nat: none\n"
	       "  fate: consumed at icmp_rcv+0x10\n",
	       "the block lists hooks, times, devices, namespaces and the fate");
	n = skb_flow_format(text, 20, &f, &names);
	ok(n > 20 && strlen(text) == 19, "a short buffer is cut and terminated, the length needed returned");
	skb_flow_free(&f);
	names.ksyms = NULL;
	kallsyms_free(ks);
}

static void test_fates(void)
{
	struct skb_flow f;
	char text[2048];
	struct {
		struct vista_event e;
		struct vista_nf nf;
	} nf;

	/* DNAT, then a drop by a netfilter table. */
	skb_flow_init(&f, SKB);
	{
		struct vista_event a = ev(H_RECEIVE, 10, 6, "vb", 2002, "10.0.0.1", "198.51.100.7");
		struct vista_event b = ev(H_RECEIVE, 20, 6, "vb", 2002, "10.0.0.1", "10.0.0.2");
		struct vista_event c = freed(H_KFREE, 30, 6, 0);

		skb_flow_add(&f, &a);
		skb_flow_add(&f, &b);
		skb_flow_add(&f, &c);
	}
	memset(&nf, 0, sizeof(nf));
	nf.e.kind = VISTA_EV_NETFILTER;
	nf.e.addr = SKB;
	nf.e.ts_ns = 25;
	nf.nf.verdict = 0;
	nf.nf.hook = 1;
	strcpy(nf.nf.table, "filter");
	skb_flow_add(&f, &nf.e);
	ok(skb_flow_ended(&f), "a netfilter event after the free leaves the flow ended");
	is_int(skb_flow_fate(&f, &names, NULL), SKB_FLOW_DROPPED, "kfree_skb with a reason: dropped");
	ok(skb_flow_nf_drop(&f) == &f.hops[3], "the netfilter DROP is found");
	skb_flow_format_summary(text, sizeof(text), &f, &names);
	is_str(text,
	       "  devices: 6(vb)@2002\n"
	       "  netns: 2002\n"
	       "  nat: 10.0.0.1:4000->198.51.100.7:53(udp) => 10.0.0.1:4000->10.0.0.2:53(udp)\n"
	       "  fate: dropped SKB_DROP_REASON_NETFILTER_DROP table=filter hook=INPUT\n",
	       "the summary names the rewrite, the reason and the table");
	skb_flow_free(&f);

	/* kfree_skb with SKB_CONSUMED is no drop. */
	skb_flow_init(&f, SKB);
	{
		struct vista_event c = freed(H_KFREE, 30, 1, 0);

		skb_flow_add(&f, &c);
	}
	is_int(skb_flow_fate(&f, &names, NULL), SKB_FLOW_CONSUMED, "kfree_skb(SKB_CONSUMED): consumed, not dropped");
	skb_flow_free(&f);

	/* Copied to a process: delivered. */
	skb_flow_init(&f, SKB);
	{
		struct vista_event a = ev(H_COPY, 10, 0, "", 2001, "10.0.0.2", "10.0.0.1");
		struct vista_event c = freed(H_CONSUME, 20, 0, 0);

		skb_flow_add(&f, &a);
		skb_flow_add(&f, &c);
	}
	skb_flow_format_summary(text, sizeof(text), &f, &names);
	ok(strstr(text, "  fate: delivered to a socket at skb_copy_datagram_iovec in ping(77)\n") != NULL,
	   "a copy to a process is a delivery, with the process");
	skb_flow_free(&f);

	/* Transmitted, then freed. */
	skb_flow_init(&f, SKB);
	{
		struct vista_event a = ev(H_XMIT, 10, 5, "eth0", 2001, "10.0.0.1", "10.0.0.2");
		struct vista_event c = freed(H_CONSUME, 20, 0, 0);

		skb_flow_add(&f, &a);
		skb_flow_add(&f, &c);
	}
	skb_flow_format_summary(text, sizeof(text), &f, &names);
	ok(strstr(text, "  fate: transmitted on 5(eth0)\n") != NULL,
	   "freed right after net_dev_xmit: transmitted, on that device");
	skb_flow_free(&f);

	/* No free: in flight; a change of protocol is a tunnel. */
	skb_flow_init(&f, SKB);
	{
		struct vista_event a = ev(H_QUEUE, 10, 5, "vx", 2001, "10.0.0.1", "10.0.0.2");
		struct vista_event b = ev(H_QUEUE, 20, 3, "eth0", 2001, "192.0.2.1", "192.0.2.2");

		a.tuple.l4_proto = 1;
		skb_flow_add(&f, &a);
		skb_flow_add(&f, &b);
	}
	ok(!skb_flow_ended(&f), "no free: not ended");
	skb_flow_format_summary(text, sizeof(text), &f, &names);
	ok(strstr(text,
		  "  tunnel: 10.0.0.1->10.0.0.2(icmp reply id=4000 seq=53) => 192.0.2.1:4000->192.0.2.2:53(udp)\n") !=
	       NULL,
	   "a change of protocol is a tunnel header");
	ok(strstr(text, "  fate: in flight (no free seen)\n") != NULL, "in flight");
	skb_flow_free(&f);
}

struct seen {
	uint64_t addrs[8];
	size_t n;
};

static int collect(void *ctx, const struct skb_flow *f)
{
	struct seen *s = ctx;

	s->addrs[s->n++] = f->addr;
	return 0;
}

static void test_table(void)
{
	struct skb_flows *t = skb_flows_new();
	struct vista_event a = ev(H_QUEUE, 10, 5, "va", 1, "10.0.0.1", "10.0.0.2"), b = a, fa, fb;
	struct seen seen = { 0 };

	b.addr = SKB + 0x100;
	fa = freed(H_CONSUME, 30, 0, 0);
	fb = fa;
	fb.addr = b.addr;
	ok(t != NULL, "a flow table");
	skb_flows_feed(t, &a);
	skb_flows_feed(t, &b);
	skb_flows_feed(t, &fb);
	is_int(skb_flows_drain(t, collect, &seen), 0, "drain");
	is_int(seen.n, 1, "only the ended flow is handed on");
	ok(seen.addrs[0] == b.addr, "the one freed");
	/* The address is reused at once: a new life. */
	skb_flows_feed(t, &b);
	skb_flows_feed(t, &fa);
	skb_flows_drain(t, collect, &seen);
	is_int(seen.n, 2, "the other ends");
	ok(seen.addrs[1] == a.addr, "in its turn");
	skb_flows_finish(t, collect, &seen);
	is_int(seen.n, 3, "finish hands on the one still in flight");
	ok(seen.addrs[2] == b.addr, "the reused address's new life");
	is_int(skb_flows_untracked(t), 0, "none left out");
	skb_flows_free(t);
}

int main(void)
{
	test_veth_consumed();
	test_fates();
	test_table();
	return tap_done();
}
