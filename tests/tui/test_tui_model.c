// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of vista-top's model: the event store (ring, drops, skb-life
 * links, aggregates), flows and their fates, search, the row layout and
 * vista-top's own options.
 */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "mem_source.h"
#include "tap.h"
#include "tui/app.h"
#include "tui/event_store.h"
#include "tui/flow.h"
#include "tui/row_format.h"
#include "tui/search.h"
#include "tui/tui_options.h"

static struct vista_event ev(uint64_t addr, uint32_t hook, uint64_t ts, uint32_t flags)
{
	struct vista_event e = { 0 };

	e.addr = addr;
	e.hook_id = hook;
	e.ts_ns = ts;
	e.flags = flags;
	e.kind = VISTA_EV_SKB;
	e.stack_id = -1;
	return e;
}

static struct event_store *store_of(size_t cap)
{
	struct event_store *s = NULL;
	char err[128];

	if (event_store_create(cap, &s, err, sizeof(err))) {
		printf("# %s\n", err);
		exit(2);
	}
	return s;
}

static void test_ring(void)
{
	struct event_store *s = store_of(4);
	char err[160];
	struct event_store *bad = NULL;

	for (uint32_t i = 0; i < 6; i++) {
		struct vista_event e = ev(0x1000 + i * 0x100, i, 100 + i, 0);

		is_int(event_store_push(s, &e), i, "push returns consecutive seqs");
	}
	is_int(event_store_total(s), 6, "ring: 6 pushed");
	is_int(event_store_end(s), 6, "ring: end is one past the newest seq");
	is_int(event_store_oldest(s), 2, "ring: the two oldest were dropped");
	is_int(event_store_dropped(s), 2, "ring: drops are counted");
	ok(event_store_get(s, 1) == NULL, "ring: a dropped event is gone");
	ok(event_store_get(s, 6) == NULL, "ring: no event past the end");
	ok(event_store_get(s, 2) && event_store_get(s, 2)->ev.hook_id == 2, "ring: the oldest held is seq 2");
	ok(event_store_get(s, 5) && event_store_get(s, 5)->ev.hook_id == 5, "ring: the newest is seq 5");
	is_int(event_store_capacity(s), 4, "ring: capacity");
	event_store_free(s);

	ok(event_store_create(0, &bad, err, sizeof(err)) == -1 && bad == NULL, "a store of 0 events is refused");
	is_str(err, "the event store holds 1 to 100000000 events, not 0", "its error names the range");
	ok(event_store_create(EVENT_STORE_MAX_SIZE + 1, &bad, err, sizeof(err)) == -1, "too large a store is refused");
}

static void test_lives(void)
{
	struct event_store *s = store_of(100);
	const uint64_t A = 0xffff888000001000ULL, B = 0xffff888000002000ULL;
	struct vista_event e[] = {
		ev(A, 0, 10, 0),                   /* 0: A, first life */
		ev(B, 0, 11, 0),                   /* 1: B */
		ev(A, 1, 12, 0),                   /* 2: A */
		ev(A, 6, 13, VISTA_EVF_SKB_FREED), /* 3: A freed: the life ends */
		ev(A, 0, 14, 0),                   /* 4: A again: a new life at a recycled address */
		ev(B, 5, 15, VISTA_EVF_SKB_FREED | VISTA_EVF_HAS_REASON),
	};

	for (size_t i = 0; i < 6; i++)
		event_store_push(s, &e[i]);
	is_int(event_store_next_in_life(s, 0), 2, "life: A's first event leads to its second");
	is_int(event_store_next_in_life(s, 2), 3, "life: then to its free");
	is_int(event_store_next_in_life(s, 3), STORE_NO_SEQ, "life: nothing follows a free");
	is_int(event_store_prev_in_life(s, 3), 2, "life: back links");
	is_int(event_store_prev_in_life(s, 0), STORE_NO_SEQ, "life: the first event has no previous one");
	is_int(event_store_prev_in_life(s, 4), STORE_NO_SEQ, "life: a recycled address starts a new life");
	is_int(event_store_prev_in_life(s, 5), 1, "life: B's events are linked across A's");
	ok(!event_store_life_truncated(s, 3), "life: a whole life is not truncated");
	event_store_free(s);

	/* A life whose first events the ring dropped. */
	s = store_of(3);
	e[0] = ev(A, 0, 1, 0);
	e[1] = ev(A, 1, 2, 0);
	e[2] = ev(B, 0, 3, 0);
	e[3] = ev(A, 2, 4, 0);
	e[4] = ev(B, 1, 5, 0);
	for (size_t i = 0; i < 4; i++)
		event_store_push(s, &e[i]);
	is_int(event_store_prev_in_life(s, 3), 1, "truncation: the previous event is still held");
	event_store_push(s, &e[4]);
	is_int(event_store_prev_in_life(s, 3), STORE_NO_SEQ, "truncation: ... then dropped");
	ok(event_store_life_truncated(s, 3), "truncation: the life is marked truncated");
	ok(!event_store_life_truncated(s, 4) || event_store_prev_in_life(s, 4) == 2,
	   "truncation: B's life still starts at a held event");
	event_store_free(s);

	/* Skbs that are never freed: the life table is purged of dropped ones and keeps linking. */
	s = store_of(8);
	for (uint64_t i = 0; i < 100000; i++) {
		struct vista_event x = ev(0xffff880000000000ULL + i * 0x100, 0, i, 0);

		event_store_push(s, &x);
	}
	{
		struct vista_event x = ev(0xffff880000000000ULL + 99999 * 0x100, 1, 100000, 0);
		uint64_t seq = event_store_push(s, &x);

		is_int(event_store_prev_in_life(s, seq), 99999, "many lives: a recent skb is still linked");
	}
	event_store_free(s);
}

static void test_aggregates(void)
{
	struct event_store *s = store_of(2);
	const struct hook_stats *hs = event_store_hooks(s);
	const struct drop_stats *ds = event_store_drops(s);
	uint32_t order[MEM_HOOKS];
	uint32_t dorder[8];

	event_store_tick(s, 1000000000ULL);
	for (int i = 0; i < 5; i++) {
		struct vista_event e = ev(0x1000 + i * 0x100, 3, 1000 + i, 0);

		event_store_push(s, &e);
	}
	{
		struct vista_event e = ev(0x9000, 1, 2000, 0);

		event_store_push(s, &e);
	}
	is_int(hook_stats_get(hs, 3)->total, 5, "hook totals count events the ring dropped");
	is_int(hook_stats_get(hs, 3)->last_ts, 1004, "hook: last seen is the latest event time");
	is_int(event_store_dropped(s), 4, "4 of 6 dropped by the ring");
	event_store_tick(s, 3000000000ULL);
	is_int(event_store_rate(s), 3, "6 events in 2 s: 3 ev/s");
	is_int(hook_stats_get(hs, 3)->rate, 3, "hook 3: 5 events in 2 s rounds to 3 ev/s");
	is_int(hook_stats_get(hs, 1)->rate, 1, "hook 1: 1 event in 2 s rounds to 1 ev/s");
	event_store_tick(s, 4000000000ULL);
	is_int(event_store_rate(s), 0, "no events in the next second: 0 ev/s");
	hook_stats_order(hs, MEM_HOOKS, order);
	ok(order[0] == 3 && order[1] == 1 && order[2] == 0 && order[3] == 2, "hooks ordered by total, then id");

	{
		struct vista_event d1 = ev(0xa000, 5, 10, VISTA_EVF_HAS_REASON | VISTA_EVF_SKB_FREED);
		struct vista_event d2 = d1, d3 = d1;

		d1.reason = 3;
		d1.location = 0x111;
		d2.reason = 9;
		d2.location = 0x222;
		d2.ts_ns = 20;
		d3.reason = 3;
		d3.location = 0x111;
		d3.ts_ns = 30;
		event_store_push(s, &d1);
		event_store_push(s, &d2);
		event_store_push(s, &d3);
	}
	is_int(ds->total, 3, "three drops counted");
	is_int(ds->n, 2, "two reason/location pairs");
	is_int(drop_stats_order(ds, dorder), 2, "ordering returns both rows");
	ok(ds->v[dorder[0]].reason == 3 && ds->v[dorder[0]].count == 2 && ds->v[dorder[0]].last_ts == 30 &&
	       ds->v[dorder[0]].last_seq == 8,
	   "the most recent drop is on top, with its count and latest seq");
	ok(ds->v[dorder[1]].reason == 9 && ds->v[dorder[1]].location == 0x222, "then the older one");
	event_store_free(s);

	/* Many distinct pairs: the table grows. */
	s = store_of(16);
	for (uint32_t i = 0; i < 500; i++) {
		struct vista_event d = ev(0xb000, 5, i, VISTA_EVF_HAS_REASON);

		d.reason = i % 50;
		d.location = 0x1000 + i % 10;
		event_store_push(s, &d);
	}
	is_int(event_store_drops(s)->n, 50, "500 drops over 50 pairs");
	is_int(event_store_drops(s)->total, 500, "all 500 counted");
	event_store_free(s);
}

/* A store holding the fixture's first `packets` packets, and a source that names their hooks. */
static struct event_store *fixture_store(size_t packets, struct event_source **src)
{
	struct vista_event *events = calloc(packets * FIXTURE_MAX_PER_PACKET, sizeof(*events));
	size_t n = fixture_packets(events, packets);
	struct event_store *s = store_of(1000);

	*src = mem_source_create(events, n, FIXTURE_T0_NS, NULL);
	for (size_t i = 0; i < n; i++)
		event_store_push(s, &events[i]);
	free(events);
	return s;
}

static void test_flows(void)
{
	struct event_source *src;
	struct event_store *s = fixture_store(4, &src);
	struct flow f;
	char err[64];

	/* Packet 0: request, events 0..5; packet 1: reply, 6..12; 2: SYN 13..18; 3: UDP 19..24. */
	ok(flow_build(&f, s, 3) == 0, "flow of a middle event");
	is_int(f.n, 6, "request: its six hooks");
	is_int(f.steps[0].seq, 0, "request: from its first event");
	is_int(f.steps[5].ev.hook_id, H_CONSUME, "request: to its free");
	is_str(flow_fate_name(flow_fate(&f, src)), "consumed", "request: consumed");
	ok(!f.truncated, "request: whole");
	flow_free(&f);
	ok(flow_build(&f, s, 12) == 0 && f.n == 7, "reply: seven hooks");
	is_str(flow_fate_name(flow_fate(&f, src)), "consumed", "reply: consumed");
	flow_free(&f);
	ok(flow_build(&f, s, 13) == 0 && f.n == 6, "SYN: six hooks");
	is_str(flow_fate_name(flow_fate(&f, src)), "dropped", "SYN: dropped");
	is_int(flow_fate_step(&f, src)->ev.reason, R_NETFILTER_DROP, "SYN: the fate step carries the reason");
	flow_free(&f);
	ok(flow_build(&f, s, 1000) == -1, "no flow for an event not held");
	event_store_free(s);
	event_source_close(src);

	/* A life in progress: transmitted, then extended as events arrive. */
	src = mem_source_create(NULL, 0, FIXTURE_T0_NS, NULL);
	s = store_of(100);
	{
		struct vista_event q = ev(0xc000, H_QUEUE, 1, 0), x = ev(0xc000, H_XMIT, 2, 0);
		struct vista_event fr = ev(0xc000, H_CONSUME, 3, VISTA_EVF_SKB_FREED);
		struct vista_event other = ev(0xd000, H_QUEUE, 2, 0);

		event_store_push(s, &q);
		ok(flow_build(&f, s, 0) == 0 && f.n == 1, "in flight: one event");
		is_str(flow_fate_name(flow_fate(&f, src)), "in flight", "in flight: no free yet");
		event_store_push(s, &other);
		event_store_push(s, &x);
		ok(flow_extend(&f, s) && f.n == 2, "extend: the transmit arrives");
		ok(!flow_extend(&f, s), "extend: nothing new");
		is_str(flow_fate_name(flow_fate(&f, src)), "transmitted", "transmitted, not freed yet");
		event_store_push(s, &fr);
		ok(flow_extend(&f, s) && f.n == 3 && flow_ended(&f), "extend: the free ends the life");
		is_str(flow_fate_name(flow_fate(&f, src)), "transmitted", "freed after its transmission");
		is_int(flow_fate_step(&f, src)->ev.hook_id, H_XMIT, "the fate step is the transmit");
		flow_free(&f);
	}
	event_store_free(s);
	event_source_close(src);
	(void)err;
}

static void test_search(void)
{
	struct search s;

	search_set(&s, "xmit");
	is_int(search_in(&s, "net_dev_XMIT net_dev_xmit", 25, 0), 8, "lower-case pattern: any case");
	is_int(search_in(&s, "net_dev_XMIT net_dev_xmit", 25, 9), 21, "from an offset");
	search_set(&s, "XMIT");
	is_int(search_in(&s, "net_dev_xmit net_dev_XMIT", 25, 0), 21, "an upper-case letter: exact case");
	search_set(&s, "");
	is_int(search_in(&s, "abc", 3, 0), -1, "an empty pattern matches nothing");
	ok(search_append(&s, "\xc3\xa9", 2) && s.len == 2, "a two-byte character");
	ok(search_append(&s, "a", 1) && s.len == 3, "then an ASCII one");
	search_backspace(&s);
	is_int(s.len, 2, "backspace removes one byte for ASCII");
	search_backspace(&s);
	is_int(s.len, 0, "backspace removes a whole UTF-8 character");
	search_backspace(&s);
	is_int(s.len, 0, "backspace on empty does nothing");
}

static void test_rows(void)
{
	struct event_source *src;
	struct event_store *s = fixture_store(4, &src);
	struct row_style plain = { 0 }, full = { .tuple = true, .meta = true },
			 rel = { .timestamp = TIMESTAMP_RELATIVE };
	struct row_ctx c;
	char buf[1024], err[64];

	ok(row_ctx_init(&c, src, s, FIXTURE_T0_NS, err, sizeof(err)) == 0, "row context");
	row_header(buf, sizeof(buf), &plain);
	is_str(buf, "       TIME                SKB CPU PROCESS          FUNC", "header: the default columns");
	row_header(buf, sizeof(buf), &full);
	is_str(buf,
	       "       TIME                SKB CPU PROCESS          FUNC                     TUPLE"
	       "                                        META",
	       "header: tuple and meta");
	row_header(buf, sizeof(buf), &rel);
	is_str(buf, "       TIME     DELTA                SKB CPU PROCESS          FUNC",
	       "header: relative adds DELTA");
	row_text(buf, sizeof(buf), &c, 0, &plain);
	is_str(buf, "   0.000001 0xffff888004a1c000   0 [ping(4242)]     net_dev_queue", "row: default columns");
	row_text(buf, sizeof(buf), &c, 0, &full);
	is_str(buf,
	       "   0.000001 0xffff888004a1c000   0 [ping(4242)]     net_dev_queue            "
	       "10.199.0.1->10.199.0.2(icmp request id=4242 seq=1)"
	       " netns=4026532100 mark=0x0 iface=2(va0) proto=0x0800 mtu=1500 len=98 pkt_type=HOST",
	       "row: tuple and meta from format.c");
	row_text(buf, sizeof(buf), &c, 18, &plain);
	is_str(buf, "   0.000510 0xffff888004a1c200   0 [curl(777)]      kfree_skb(SKB_DROP_REASON_NETFILTER_DROP)",
	       "row: a drop with its reason");
	row_text(buf, sizeof(buf), &c, 4, &rel);
	is_str(buf, "   0.000009    1.50us 0xffff888004a1c000   0 [ping(4242)]     netif_receive_skb",
	       "row: DELTA since the skb's previous hook");
	row_text(buf, sizeof(buf), &c, 0, &rel);
	is_str(buf, "   0.000001         - 0xffff888004a1c000   0 [ping(4242)]     net_dev_queue",
	       "row: no DELTA for the first hook");
	is_int(row_text(buf, sizeof(buf), &c, 5000, &plain), 0, "row: nothing for an event not held");
	row_ctx_free(&c);

	seconds_text(buf, sizeof(buf), -3000);
	is_str(buf, "-0.000003", "seconds: negative");
	seconds_text(buf, sizeof(buf), 12000250000LL);
	is_str(buf, "12.000250", "seconds: microseconds");
	duration_text(buf, sizeof(buf), 850);
	is_str(buf, "850ns", "duration: ns");
	duration_text(buf, sizeof(buf), 1500);
	is_str(buf, "1.50us", "duration: us");
	duration_text(buf, sizeof(buf), 12300);
	is_str(buf, "12.3us", "duration: tens of us");
	duration_text(buf, sizeof(buf), 4560000);
	is_str(buf, "4.56ms", "duration: ms");
	duration_text(buf, sizeof(buf), 1230000000);
	is_str(buf, "1.23s", "duration: s");
	ago_text(buf, sizeof(buf), 10000000000ULL, 9600000000ULL);
	is_str(buf, "0.4s ago", "ago: tenths");
	ago_text(buf, sizeof(buf), 200000000000ULL, 15000000000ULL);
	is_str(buf, "3m05s ago", "ago: minutes");
	ago_text(buf, sizeof(buf), 1, 0);
	is_str(buf, "-", "ago: never");
	reason_text(buf, sizeof(buf), src, R_NO_SOCKET);
	is_str(buf, "NO_SOCKET", "reason without the SKB_DROP_REASON_ prefix");
	reason_text(buf, sizeof(buf), src, 77);
	is_str(buf, "reason=77", "unknown reason as a number");
	{
		struct vista_event e = ev(1, 0, 0, 0);

		memcpy(e.comm, "a\tb\xff", 5);
		e.pid = 9;
		process_text(buf, sizeof(buf), &e);
		is_str(buf, "[a?b?(9)]", "process: unprintable bytes as ?");
	}
	event_store_free(s);
	event_source_close(src);
}

/* Netfilter, TCP and socket events keep their structs in the kind's side table, through the ring's turns. */
static void test_kinds(void)
{
	struct mem_event k[FIXTURE_KINDS_MAX], skb;
	size_t n = fixture_kinds(k);
	struct event_store *s = store_of(8);
	struct event_source *src = mem_source_create(NULL, 0, FIXTURE_T0_NS, NULL);
	struct row_style plain = { 0 }, all = { .tcp = true, .sk = true, .iptables = true };
	const struct store_entry *ent;
	struct row_ctx c;
	char buf[1024], err[64];
	uint64_t seq;

	is_int(n, 18, "fixture_kinds: 18 events");
	is_int(event_store_side_bytes(s), 0, "no side table used before the first event of a kind");
	memset(&skb, 0, sizeof(skb));
	skb.ev.kind = VISTA_EV_SKB;
	skb.ev.addr = 0xffff888000000100ULL;
	for (size_t i = 0; i < n; i++) {
		event_store_push(s, &k[i].ev);
		event_store_push(s, &skb.ev); /* skb events between them: the side tables index by their own counts */
	}
	is_int(event_store_kind_events(s), 18, "18 events of other kinds");
	is_int(event_store_side_bytes(s),
	       8 * sizeof(struct vista_nf) + 5 * sizeof(struct vista_tcp) + 2 * sizeof(struct vista_sk),
	       "side tables hold at most the ring's capacity of each kind");
	/* The ring of 8 holds the last 4 kinds events: tcp reset, tcp close (bbr), sk send, sk data_ready. */
	seq = event_store_end(s) - 8;
	ent = event_store_get(s, seq);
	ok(ent && event_store_tcp(s, ent) && event_store_tcp(s, ent)->what == VISTA_TCP_RESET_RECV,
	   "the oldest held: the reset received, with its struct");
	ok(!event_store_nf(s, ent) && !event_store_sk(s, ent), "  and no struct of another kind");
	ent = event_store_get(s, seq + 2);
	ok(ent && event_store_tcp(s, ent) && strcmp(event_store_tcp(s, ent)->cong, "bbr") == 0 &&
	       event_store_tcp(s, ent)->retrans == 5,
	   "the bbr close: its numbers");
	ent = event_store_get(s, seq + 4);
	ok(ent && event_store_sk(s, ent) && event_store_sk(s, ent)->a == 64, "the UDP send: 64 bytes");
	ok(!event_store_tcp(s, event_store_get(s, seq + 1)), "an skb event has no struct");
	is_int(event_store_next_in_life(s, seq), STORE_NO_SEQ, "a TCP event is in no skb life");

	/* The aggregates count every event, those the ring dropped too. */
	is_int(nf_stats_total(event_store_nf_stats(s)), 11, "netfilter: 11 verdicts");
	is_int(nf_stats_count(event_store_nf_stats(s)), 4, "  in 4 rows");
	is_int(tcp_stats_count(event_store_tcp_stats(s), TCP_CLOSED), 3, "TCP: 3 closed");
	is_int(tcp_stats_count(event_store_tcp_stats(s), TCP_OPEN), 1, "  1 open");
	is_int(sk_stats_count(event_store_sk_stats(s)), 2, "sockets: 2");

	ok(row_ctx_init(&c, src, s, FIXTURE_T0_NS, err, sizeof(err)) == 0, "row context");
	row_text(buf, sizeof(buf), &c, seq + 2, &plain);
	is_str(buf, "   2.200000 0xffff888012340200   0 [wget(702)]      TCP", "TCP row without its fields");
	row_text(buf, sizeof(buf), &c, seq + 2, &all);
	is_str(buf,
	       "   2.200000 0xffff888012340200   0 [wget(702)]      TCP                      rx=1.953KiB tx=2.930KiB "
	       "lifetime=300ms srtt=240µs retrans=5 sk_mark=0x0 cong=bbr rx_bytes=2000 tx_bytes=3000 state=CLOSE",
	       "TCP row with --output-tcp's fields, as format_tcp writes them");
	row_text(buf, sizeof(buf), &c, seq + 4, &plain);
	is_str(buf,
	       "   2.600000 0xffff888012340800   0 [dig(800)]       sock_send_length         family=AF_INET "
	       "protocol=IPPROTO_UDP len=64 flags=0x0",
	       "socket row: family, protocol and the tracepoint's values always");
	row_kind_fields(buf, sizeof(buf), &c, event_store_get(s, seq + 6), &all);
	is_str(buf,
	       "family=AF_UNIX protocol=0 skc_state=ESTABLISHED skc_reuseport=false skc_bound_ifindex=0 sk_backlog=0 "
	       "sk_rcv_buff=212992 sk_snd_buff=212992 sk_priority=0 sk_mark=0x0 sk_type=SOCK_STREAM "
	       "socket_state=CONNECTED socket_file_inode=4343 socket_flags=0",
	       "socket fields with --output-sk");
	row_ctx_free(&c);
	event_store_free(s);

	/* The netfilter fields, on a store that still holds the verdicts. */
	s = store_of(64);
	for (size_t i = 0; i < n; i++)
		event_store_push(s, &k[i].ev);
	ok(row_ctx_init(&c, src, s, FIXTURE_T0_NS, err, sizeof(err)) == 0, "row context");
	row_kind_fields(buf, sizeof(buf), &c, event_store_get(s, 9), &all);
	is_str(buf,
	       "pf=PF_INET table=filter chain=INPUT hook=INPUT verdict=DROP cost=5.93µs prio=-1..1 "
	       "via=kfree_skb(SKB_DROP_REASON_NETFILTER_DROP)",
	       "netfilter fields with --output-iptables, the drop reason named");
	row_kind_fields(buf, sizeof(buf), &c, event_store_get(s, 0), &plain);
	is_str(buf, "", "  none without it");
	row_ctx_free(&c);
	event_store_free(s);
	event_source_close(src);
}

static void test_options(void)
{
	char a0[] = "vista-top", a1[] = "--event-store-size", a2[] = "5", a3[] = "--no-color", a4[] = "--filter-addr",
	     a5[] = "10.0.0.1", a6[] = "--no-mouse=false", a7[] = "--", a8[] = "--no-color";
	char *argv[] = { a0, a1, a2, a3, a4, a5, a6, a7, a8, NULL };
	struct tui_options o;
	char err[256];

	ok(tui_options_parse(9, argv, &o, err, sizeof(err)) == 0, "options: parse");
	is_int(o.store_size, 5, "options: --event-store-size 5");
	ok(!o.color, "options: --no-color");
	ok(o.mouse, "options: --no-mouse=false keeps the mouse");
	is_int(o.argc, 5, "options: vista's words are left");
	ok(o.argc == 5 && strcmp(o.argv[1], "--filter-addr") == 0 && strcmp(o.argv[2], "10.0.0.1") == 0 &&
	       strcmp(o.argv[3], "--") == 0 && strcmp(o.argv[4], "--no-color") == 0 && o.argv[5] == NULL,
	   "options: in order, and nothing after -- is taken");
	tui_options_free(&o);

	{
		char *args[] = { a0, NULL };

		ok(tui_options_parse(1, args, &o, err, sizeof(err)) == 0, "options: defaults");
		ok(o.store_size == EVENT_STORE_DEFAULT_SIZE && o.color && o.mouse,
		   "options: 1000000 events, color, mouse");
		tui_options_free(&o);
	}
	{
		static const struct {
			const char *arg, *arg2, *want;
		} bad[] = {
			{ "--event-store-size", NULL, "flag needs an argument: --event-store-size" },
			{ "--event-store-size=0", NULL,
			  "invalid argument \"0\" for \"--event-store-size\" flag: must be at least 1" },
			{ "--event-store-size", "lots",
			  "invalid argument \"lots\" for \"--event-store-size\" flag: invalid syntax" },
			{ "--event-store-size", "100000001",
			  "invalid argument \"100000001\" for \"--event-store-size\" flag: value out of range (max "
			  "100000000)" },
			{ "--no-color=maybe", NULL,
			  "invalid argument \"maybe\" for \"--no-color\" flag: invalid syntax" },
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char *args[] = { a0, (char *)bad[i].arg, (char *)bad[i].arg2, NULL };

			ok(tui_options_parse(bad[i].arg2 ? 3 : 2, args, &o, err, sizeof(err)) == -1,
			   "options: %s %s fails", bad[i].arg, bad[i].arg2 ? bad[i].arg2 : "");
			is_str(err, bad[i].want, "options: its message");
		}
	}
}

/* The loop's pacing: how long it may sleep in poll() (no screen is needed for this). */
static void test_timeout(void)
{
	struct event_source *src = mem_source_create(NULL, 0, FIXTURE_T0_NS, NULL);
	struct event_store *s = store_of(10);
	struct app_config c = { .src = src, .store = s, .start_ns = FIXTURE_T0_NS };
	struct app a;
	char err[128];

	ok(app_init(&a, &c, err, sizeof(err)) == 0, "app without a screen");
	a.dirty = 0;
	is_int(app_timeout_ms(&a, 100), 100, "idle: sleep up to the drain interval");
	is_int(app_timeout_ms(&a, 5000), 1000, "idle: wake for the next tick");
	app_set_time(&a, FIXTURE_T0_NS + 990000000ULL);
	is_int(app_timeout_ms(&a, 100), 10, "the tick is due in 10 ms");
	a.dirty = DIRTY_STATUS;
	a.last_frame_ns = FIXTURE_T0_NS + 980000000ULL;
	is_int(app_timeout_ms(&a, 100), 10, "a frame due after the tick: wake for the tick");
	a.last_frame_ns = FIXTURE_T0_NS + 962000000ULL;
	is_int(app_timeout_ms(&a, 100), 5, "a frame due before the tick: wake for the frame (33 ms after the last)");
	a.last_frame_ns = FIXTURE_T0_NS;
	is_int(app_timeout_ms(&a, 100), 0, "a frame is due now");
	a.dirty = 0;
	a.full_batch = true;
	is_int(app_timeout_ms(&a, 100), 0, "more events wait: no sleep");
	a.full_batch = false;
	a.working = true;
	is_int(app_timeout_ms(&a, 100), 0, "a search is running: no sleep");
	app_free(&a);
	event_store_free(s);
	event_source_close(src);
}

int main(void)
{
	test_ring();
	test_lives();
	test_aggregates();
	test_flows();
	test_search();
	test_rows();
	test_kinds();
	test_options();
	test_timeout();
	return tap_done();
}
