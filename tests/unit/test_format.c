// SPDX-License-Identifier: GPL-2.0-only
/* The text layout is vista's compatibility contract: every field is checked exactly. */
#include <arpa/inet.h>
#include <regex.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/format.h"
#include "core/prog_trace.h"
#include "core/kallsyms.h"
#include "tap.h"

static const char *hook_name(const void *ctx, uint32_t id)
{
	static const char *const names[] = { "net_dev_xmit", "kfree_skb", "netif_receive_skb_list_entry" };

	(void)ctx;
	return id < 3 ? names[id] : NULL;
}

static const char *drop_reason(const void *ctx, uint32_t reason)
{
	(void)ctx;
	return reason == 12 ? "SKB_DROP_REASON_NETFILTER_DROP" : NULL;
}

static const struct format_names names = { hook_name, drop_reason, NULL, NULL };

static const char *prog_hook_name(const void *ctx, uint32_t id)
{
	(void)ctx;
	return id == 0 ? "dummy(xdp)" : "dummy(tc)";
}

static struct vista_event icmp_event(void)
{
	struct vista_event e = { 0 };

	e.ts_ns = 1000000000ULL;
	e.addr = 0xffff990282314000ULL;
	e.cpu = 2;
	e.pid = 1234;
	e.hook_id = 0;
	e.kind = VISTA_EV_SKB;
	e.stack_id = -1;
	e.flags = VISTA_EVF_HAS_META | VISTA_EVF_HAS_TUPLE;
	memcpy(e.comm, "ping", 5);
	e.meta.netns = 4026531840u;
	e.meta.ifindex = 2;
	memcpy(e.meta.ifname, "ens33", 6);
	e.meta.protocol = 0x0800;
	e.meta.mtu = 1500;
	e.meta.len = 98;
	e.tuple.l3 = 4;
	inet_pton(AF_INET, "192.168.241.1", e.tuple.saddr);
	inet_pton(AF_INET, "192.168.241.133", e.tuple.daddr);
	e.tuple.l4_proto = 1;
	e.tuple.icmp_type = 8;
	e.tuple.sport = 23089;
	e.tuple.dport = 0;
	return e;
}

static void test_header(void)
{
	struct format_opts o = { .meta = true, .tuple = true };
	char buf[256];

	format_header(buf, sizeof(buf), &o);
	is_str(buf, "            SKB/SK    CPU          PROCESS                     FUNC\n", "header as in vista");
	o.timestamp = TIMESTAMP_RELATIVE;
	format_header(buf, sizeof(buf), &o);
	is_str(buf, "            SKB/SK    CPU          PROCESS                     FUNC        TIMESTAMP\n",
	       "relative timestamps add a TIMESTAMP column");
	o.timestamp = TIMESTAMP_ABSOLUTE;
	format_header(buf, sizeof(buf), &o);
	is_str(buf, "        TIME             SKB/SK    CPU          PROCESS                     FUNC\n",
	       "absolute timestamps add a TIME column first");
}

static void test_icmp_line(struct format_state *st)
{
	struct format_opts o = { .meta = true, .tuple = true };
	struct vista_event e = icmp_event();
	char buf[1024];

	format_event(buf, sizeof(buf), &e, NULL, 0, &names, &o, st);
	is_str(buf,
	       "0xffff990282314000      2     [ping(1234)]             net_dev_xmit netns=4026531840 mark=0x0 "
	       "iface=2(ens33) proto=0x0800 mtu=1500 len=98 pkt_type=HOST "
	       "192.168.241.1->192.168.241.133(icmp request id=23089 seq=0)\n",
	       "ICMP request line with meta and tuple");
	e.tuple.icmp_type = 0;
	e.tuple.dport = 7;
	o.meta = false;
	format_event(buf, sizeof(buf), &e, NULL, 0, &names, &o, st);
	is_str(buf,
	       "0xffff990282314000      2     [ping(1234)]             net_dev_xmit "
	       "192.168.241.1->192.168.241.133(icmp reply id=23089 seq=7)\n",
	       "ICMP reply, tuple only");
	e.tuple.icmp_type = 3;
	e.tuple.icmp_code = 3;
	o.tuple = true;
	format_event(buf, sizeof(buf), &e, NULL, 0, &names, &o, st);
	ok(strstr(buf, "(icmp type=3 code=3)") != NULL, "other ICMP types print type and code: %s", buf);
	o.tuple = false;
	format_event(buf, sizeof(buf), &e, NULL, 0, &names, &o, st);
	is_str(buf, "0xffff990282314000      2     [ping(1234)]             net_dev_xmit\n", "bare line");
}

/* XDP and TC programs' entry and exit (--filter-trace-xdp, --filter-trace-tc): the exit names the action. */
static void test_prog_lines(struct format_state *st)
{
	static const struct format_names prog_names = { prog_hook_name, NULL, NULL, NULL };
	struct format_opts o = { .meta = true, .tuple = true };
	struct vista_event e = icmp_event();
	char buf[1024];

	memcpy(e.comm, "<empty>", 8);
	e.pid = 0;
	e.hook_id = 0;
	e.meta.protocol = 0x0800;
	e.flags |= VISTA_EVF_XDP;
	format_event(buf, sizeof(buf), &e, NULL, 0, &prog_names, &o, st);
	is_str(buf,
	       "0xffff990282314000      2     [<empty>(0)]               dummy(xdp) netns=4026531840 mark=0x0 "
	       "iface=2(ens33) proto=0x0800 mtu=1500 len=98 pkt_type=HOST "
	       "192.168.241.1->192.168.241.133(icmp request id=23089 seq=0)\n",
	       "an XDP program's entry: the seed's line");
	e.flags |= VISTA_EVF_PROG_EXIT;
	e.reason = 1;
	o.meta = false;
	format_event(buf, sizeof(buf), &e, NULL, 0, &prog_names, &o, st);
	ok(strstr(buf, " dummy(xdp) 192.168.241.1->192.168.241.133(icmp request id=23089 seq=0) action=XDP_DROP\n") !=
	       NULL,
	   "its exit ends with the action: %s", buf);
	e.reason = 9;
	format_event(buf, sizeof(buf), &e, NULL, 0, &prog_names, &o, st);
	ok(strstr(buf, ") action=9\n") != NULL, "an unknown action as a number: %s", buf);
	e.flags &= ~VISTA_EVF_XDP;
	e.hook_id = 1;
	e.reason = 2;
	format_event(buf, sizeof(buf), &e, NULL, 0, &prog_names, &o, st);
	ok(strstr(buf, " dummy(tc) 192.168.241.1->192.168.241.133(icmp request id=23089 seq=0) action=TC_ACT_SHOT\n") !=
	       NULL,
	   "a TC program's exit: %s", buf);
	e.reason = (uint32_t)-1;
	format_event(buf, sizeof(buf), &e, NULL, 0, &prog_names, &o, st);
	ok(strstr(buf, " action=TC_ACT_UNSPEC\n") != NULL, "TC_ACT_UNSPEC is -1: %s", buf);
	is_str(prog_trace_action(true, 4), "XDP_REDIRECT", "XDP actions by name");
	is_str(prog_trace_action(false, 7), "TC_ACT_REDIRECT", "TC actions by name");
	ok(prog_trace_action(true, -1) == NULL && prog_trace_action(false, 99) == NULL, "no name for others");
}

static void test_tuples(void)
{
	struct vista_tuple t = { 0 };
	char buf[256];

	t.l3 = 4;
	inet_pton(AF_INET, "10.199.0.1", t.saddr);
	inet_pton(AF_INET, "10.199.0.2", t.daddr);
	t.l4_proto = 6;
	t.sport = 41234;
	t.dport = 80;
	format_tuple(buf, sizeof(buf), &t);
	is_str(buf, "10.199.0.1:41234->10.199.0.2:80(tcp)", "TCP over IPv4");
	t.l4_proto = 17;
	t.dport = 53;
	format_tuple(buf, sizeof(buf), &t);
	is_str(buf, "10.199.0.1:41234->10.199.0.2:53(udp)", "UDP over IPv4");
	t.l4_proto = 47;
	format_tuple(buf, sizeof(buf), &t);
	is_str(buf, "10.199.0.1->10.199.0.2(proto=47)", "other protocols show their number");

	memset(&t, 0, sizeof(t));
	t.l3 = 6;
	inet_pton(AF_INET6, "fd00:199::1", t.saddr);
	inet_pton(AF_INET6, "fd00:199::2", t.daddr);
	t.l4_proto = 6;
	t.sport = 5555;
	t.dport = 443;
	format_tuple(buf, sizeof(buf), &t);
	is_str(buf, "[fd00:199::1]:5555->[fd00:199::2]:443(tcp)", "TCP over IPv6 in brackets");
	t.l4_proto = 58;
	t.icmp_type = 128;
	t.sport = 9;
	t.dport = 3;
	format_tuple(buf, sizeof(buf), &t);
	is_str(buf, "fd00:199::1->fd00:199::2(icmp6 request id=9 seq=3)", "ICMPv6 echo request");
	t.icmp_type = 129;
	format_tuple(buf, sizeof(buf), &t);
	is_str(buf, "fd00:199::1->fd00:199::2(icmp6 reply id=9 seq=3)", "ICMPv6 echo reply");

	const char *addrs[] = { "::",        "::1", "1::", "2001:db8::1:0:0:1", "2001:db8:0:1:1:1:1:1", "fe80::1:2:3:4",
				"1:0:0:2::3" };
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		char want[128], exp[INET6_ADDRSTRLEN];

		inet_pton(AF_INET6, addrs[i], t.saddr);
		inet_ntop(AF_INET6, t.saddr, exp, sizeof(exp));
		snprintf(want, sizeof(want), "%s->fd00:199::2(icmp6 reply id=9 seq=3)", exp);
		format_tuple(buf, sizeof(buf), &t);
		is_str(buf, want, "IPv6 text matches inet_ntop");
	}
	memset(&t, 0, sizeof(t));
	is_int(format_tuple(buf, sizeof(buf), &t), 0, "no tuple without an IP header");
}

static void test_meta(void)
{
	struct vista_meta m = { 0 };
	char buf[256];

	m.netns = 4026531840u;
	format_meta(buf, sizeof(buf), &m);
	is_str(buf, "netns=4026531840 mark=0x0 iface=0 proto=0x0000 mtu=0 len=0 pkt_type=HOST",
	       "zero fields print as in vista (iface=0, proto=0x0000)");
	m.mark = 0xbeef;
	m.protocol = 0x86dd;
	m.pkt_type = 4;
	m.ifindex = 7;
	memcpy(m.ifname, "veth-a", 7);
	format_meta(buf, sizeof(buf), &m);
	is_str(buf, "netns=4026531840 mark=0xbeef iface=7(veth-a) proto=0x86dd mtu=0 len=0 pkt_type=OUTGOING",
	       "mark, iface, IPv6 protocol, OUTGOING");
	is_str(format_pkt_type(1), "BROADCAST", "pkt_type 1");
	is_str(format_pkt_type(5), "LOOPBACK", "pkt_type 5");
	is_str(format_pkt_type(9), "UNKNOWN", "pkt_type out of range");
}

static void test_drop_reason(struct format_state *st)
{
	struct format_opts o = { 0 };
	struct vista_event e = icmp_event();
	char buf[512];

	e.hook_id = 1;
	e.flags |= VISTA_EVF_HAS_REASON;
	e.reason = 12;
	format_func(buf, sizeof(buf), &e, &names);
	is_str(buf, "kfree_skb(SKB_DROP_REASON_NETFILTER_DROP)", "drop reason by name");
	e.reason = 999;
	format_func(buf, sizeof(buf), &e, &names);
	is_str(buf, "kfree_skb(reason=999)", "unknown drop reason by number");
	e.reason = 12;
	format_event(buf, sizeof(buf), &e, NULL, 0, &names, &o, st);
	is_str(buf, "0xffff990282314000      2     [ping(1234)] kfree_skb(SKB_DROP_REASON_NETFILTER_DROP)\n",
	       "a function longer than its column is kept whole");
	e.hook_id = 77;
	e.flags &= ~VISTA_EVF_HAS_REASON;
	format_func(buf, sizeof(buf), &e, &names);
	is_str(buf, "hook#77", "unknown hook id");
}

static void test_relative(void)
{
	struct format_opts o = { .timestamp = TIMESTAMP_RELATIVE };
	struct vista_event e = icmp_event(), other = icmp_event();
	struct format_state st;
	char buf[512];

	format_state_init(&st);
	format_event(buf, sizeof(buf), &e, NULL, 0, &names, &o, &st);
	ok(strstr(buf, "net_dev_xmit                0\n") != NULL, "first event of an skb: 0 (%s)", buf);
	other.addr += 0x100;
	other.ts_ns += 700;
	format_event(buf, sizeof(buf), &other, NULL, 0, &names, &o, &st);
	ok(strstr(buf, "net_dev_xmit                0\n") != NULL, "another skb starts at 0");
	e.ts_ns += 1500;
	format_event(buf, sizeof(buf), &e, NULL, 0, &names, &o, &st);
	ok(strstr(buf, "net_dev_xmit             1500\n") != NULL, "delta since this skb's previous event (%s)", buf);
	e.ts_ns += 100;
	e.flags |= VISTA_EVF_SKB_FREED;
	format_event(buf, sizeof(buf), &e, NULL, 0, &names, &o, &st);
	ok(strstr(buf, "net_dev_xmit              100\n") != NULL, "the free still shows its delta (%s)", buf);
	e.ts_ns += 5000;
	e.flags &= ~VISTA_EVF_SKB_FREED;
	format_event(buf, sizeof(buf), &e, NULL, 0, &names, &o, &st);
	ok(strstr(buf, "net_dev_xmit                0\n") != NULL, "a recycled address starts again at 0 (%s)", buf);
	format_state_free(&st);
}

static void test_absolute(void)
{
	struct format_opts o = { .timestamp = TIMESTAMP_ABSOLUTE };
	struct vista_event e = icmp_event();
	struct format_state st;
	regex_t re;
	char buf[512];

	format_state_init(&st);
	format_event(buf, sizeof(buf), &e, NULL, 0, &names, &o, &st);
	regcomp(&re, "^[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\\.[0-9]{3} 0xffff990282314000 ", REG_EXTENDED | REG_NOSUB);
	ok(regexec(&re, buf, 0, NULL, 0) == 0, "absolute time HH:MM:SS.mmm first (%s)", buf);
	regfree(&re);
	format_state_free(&st);
}

static void test_truncation(struct format_state *st)
{
	struct format_opts o = { .meta = true, .tuple = true };
	struct vista_event e = icmp_event();
	char full[1024], small[40];
	size_t need = format_event(full, sizeof(full), &e, NULL, 0, &names, &o, st);
	size_t got = format_event(small, sizeof(small), &e, NULL, 0, &names, &o, st);

	is_int(got, need, "a short buffer still reports the full length");
	is_int(strlen(small), sizeof(small) - 1, "and is filled and terminated");
	ok(strncmp(small, full, sizeof(small) - 1) == 0, "with the start of the line");
	is_int(format_event(NULL, 0, &e, NULL, 0, &names, &o, st), need, "a NULL buffer measures");
}

static void test_stack(struct format_state *st)
{
	char path[] = "/tmp/vista-test-ksyms-XXXXXX";
	int fd = mkstemp(path);
	const char *text = "ffffffff80f00000 T bpf_trace_run1\nffffffff80f10000 T __traceiter_netif_receive_skb\n"
			   "ffffffff81000000 T ip_rcv\nffffffff81000100 T ip_rcv_finish\n"
			   "ffffffffc0001000 t nft_do_chain\t[nf_tables]\n";
	struct kallsyms *ks;
	uint64_t ips[] = { 0xffffffff81000010ULL, 0xffffffff81000105ULL, 0xffffffffc0001020ULL, 0x10ULL };
	struct format_names with_syms = names;
	struct format_opts o = { 0 };
	struct vista_event e = icmp_event();
	char buf[1024];

	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	ks = kallsyms_load(path);
	unlink(path);
	ok(ks != NULL, "synthetic kallsyms loads");
	format_stack(buf, sizeof(buf), ips, 4, ks);
	is_str(buf, "\n    ip_rcv+0x10\n    ip_rcv_finish+0x5\n    nft_do_chain+0x20 [nf_tables]\n    0x10",
	       "frames: symbol+offset, module, raw address when unknown");
	with_syms.ksyms = ks;
	format_event(buf, sizeof(buf), &e, ips, 1, &with_syms, &o, st);
	is_str(buf, "0xffff990282314000      2     [ping(1234)]             net_dev_xmit\n    ip_rcv+0x10\n",
	       "stack frames follow the line");
	uint64_t glued[] = { 0xffffffff80f00010ULL, 0xffffffff80f10029ULL, 0xffffffff81000010ULL };
	format_stack(buf, sizeof(buf), glued, 3, ks);
	is_str(buf, "\n    ip_rcv+0x10", "bpf_trace_run* and __traceiter_* frames are trimmed");
	kallsyms_free(ks);
}

/* Durations are shared by TCP lifetimes and netfilter costs. */
static void test_durations(void)
{
	static const struct {
		uint64_t ns;
		const char *text;
	} cases[] = {
		{ 0, "0s" },
		{ 1, "1ns" },
		{ 930, "930ns" },
		{ 999, "999ns" },
		{ 1000, "1µs" },
		{ 1500, "1.5µs" },
		{ 5932, "5.932µs" },
		{ 6100, "6.1µs" },
		{ 240000, "240µs" },
		{ 999999, "999.999µs" },
		{ 1000000, "1ms" },
		{ 35200000, "35.2ms" },
		{ 939570803, "939.570803ms" },
		{ 1000000000, "1s" },
		{ 1500000000, "1.5s" },
		{ 59999999999ULL, "59.999999999s" },
		{ 61500000000ULL, "1m1.5s" },
		{ 90000000000ULL, "1m30s" },
		{ 3600000000000ULL, "1h0m0s" },
		{ 3723000000001ULL, "1h2m3.000000001s" },
	};
	char buf[64], what[64];

	/* Go's time.Duration.String(), which the seed prints TCP lifetimes and netfilter costs with. */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		format_duration(buf, sizeof(buf), cases[i].ns);
		snprintf(what, sizeof(what), "%llu ns is %s", (unsigned long long)cases[i].ns, cases[i].text);
		is_str(buf, cases[i].text, what);
	}
}

/* ---------------------------------------------------------------- TCP and socket events */

static void test_byte_counts(void)
{
	static const struct {
		uint64_t bytes;
		const char *text;
	} cases[] = {
		{ 0, "0B" },
		{ 1023, "1023B" },
		{ 1024, "1.000KiB" },
		{ 5454, "5.326KiB" },
		{ 123457, "120.563KiB" },
		{ 1000000, "976.562KiB" }, /* exactly 976.5625: the tie goes to the even digit, as in Go */
		{ 1048576, "1.000MiB" },
		{ 1073741824, "1.000GiB" },
		{ 1649267441664ULL, "1.500TiB" },
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		format_bytes(buf, sizeof(buf), cases[i].bytes);
		is_str(buf, cases[i].text, "bytes as the seed prints them");
	}
}

static struct vista_event tcp_event(struct vista_tcp *t)
{
	struct vista_event e = { 0 };

	e.ts_ns = 2000000000ULL;
	e.addr = 0xffff8c1f06684600ULL;
	e.kind = VISTA_EV_TCP;
	e.cpu = 2;
	e.pid = 2000;
	e.stack_id = -1;
	e.flags = VISTA_EVF_HAS_META | VISTA_EVF_HAS_TUPLE;
	memcpy(e.comm, "gdbus", 6);
	e.meta.netns = 4026531840u;
	e.tuple.l3 = 4;
	e.tuple.l4_proto = 6;
	inet_pton(AF_INET, "192.168.241.133", e.tuple.saddr);
	inet_pton(AF_INET, "192.168.241.1", e.tuple.daddr);
	e.tuple.sport = 22;
	e.tuple.dport = 63174;
	memset(t, 0, sizeof(*t));
	t->rx_bytes = 5454;
	t->tx_bytes = 5885;
	t->lifetime_ns = 939570803;
	t->srtt_us = 240;
	t->family = AF_INET;
	t->what = VISTA_TCP_CLOSE;
	t->state = 9;
	memcpy(t->cong, "cubic", 6);
	return e;
}

/* The seed's TCP line, then what vista adds after it. */
static void test_tcp_line(struct format_state *st)
{
	static const char seed[] =
	    "0xffff8c1f06684600      2    [gdbus(2000)]                      TCP netns=4026531840 mark=0x0 iface=0 "
	    "proto=0x0000 mtu=0 len=0 pkt_type=HOST 192.168.241.133:22->192.168.241.1:63174(tcp) rx=5.326KiB "
	    "tx=5.747KiB lifetime=939.570803ms srtt=240µs retrans=0 sk_mark=0x0 cong=cubic";
	struct format_opts o = { .meta = true, .tuple = true, .tcp = true };
	struct vista_tcp t;
	struct vista_event e = tcp_event(&t);
	char buf[1024], want[1024];

	format_tcp(buf, sizeof(buf), &e, &t, &o, st);
	ok(strncmp(buf, seed, strlen(seed)) == 0, "the seed's TCP line, field for field: %s", buf);
	snprintf(want, sizeof(want), "%s rx_bytes=5454 tx_bytes=5885 state=LAST_ACK\n", seed);
	is_str(buf, want, "then the exact byte counts and the state it left");

	t.flags = VISTA_TCP_PARTIAL;
	t.reset = VISTA_TCP_RST_SENT;
	t.retrans = 17;
	t.sk_mark = 0x2a;
	t.srtt_us = 1500;
	o.meta = false;
	format_tcp(buf, sizeof(buf), &e, &t, &o, st);
	is_str(buf,
	       "0xffff8c1f06684600      2    [gdbus(2000)]                      TCP "
	       "192.168.241.133:22->192.168.241.1:63174(tcp) rx=5.326KiB tx=5.747KiB lifetime=939.570803ms(partial) "
	       "srtt=1.5ms retrans=17 sk_mark=0x2a cong=cubic reset=SEND rx_bytes=5454 tx_bytes=5885 state=LAST_ACK\n",
	       "a partial lifetime, a reset, retransmits, a mark");
	t.reset = VISTA_TCP_RST_RECV;
	t.what = VISTA_TCP_RESET_RECV;
	t.state = 1;
	format_tcp(buf, sizeof(buf), &e, &t, &o, st);
	ok(strstr(buf, "   tcp_receive_reset 192.168.241.133:22->") && strstr(buf, " reset=RECV ") &&
	       strstr(buf, " state=ESTABLISHED\n"),
	   "a received reset: %s", buf);

	o.tcp = false;
	format_tcp(buf, sizeof(buf), &e, &t, &o, st);
	is_str(buf,
	       "0xffff8c1f06684600      2    [gdbus(2000)]        tcp_receive_reset "
	       "192.168.241.133:22->192.168.241.1:63174(tcp)\n",
	       "without --output-tcp: no numbers");

	/* IPv6, an owner never seen, a reset for no connection. */
	memset(e.comm, 0, sizeof(e.comm));
	e.pid = 0;
	e.addr = 0;
	e.tuple.l3 = 6;
	inet_pton(AF_INET6, "fd00:199::2", e.tuple.saddr);
	inet_pton(AF_INET6, "fd00:199::1", e.tuple.daddr);
	t.what = VISTA_TCP_RESET_SENT;
	t.flags = VISTA_TCP_NO_SOCK;
	o.tcp = true;
	format_tcp(buf, sizeof(buf), &e, &t, &o, st);
	is_str(buf,
	       "               0x0      2     [<empty>(0)]           tcp_send_reset "
	       "[fd00:199::2]:22->[fd00:199::1]:63174(tcp) conn=none\n",
	       "a reset sent for no connection, over IPv6, by no known process");
	t.what = VISTA_TCP_OPEN;
	t.flags = 0;
	format_tcp(buf, sizeof(buf), &e, &t, &o, st);
	ok(strstr(buf, "                TCP_OPEN [fd00:199::2]:22->") != NULL, "a connection listed while open");
	is_str(format_tcp_what(9), "TCP?", "an unknown TCP event");
}

static struct vista_event sk_event(struct vista_sk *s)
{
	struct vista_event e = { 0 };

	e.ts_ns = 3000000000ULL;
	e.addr = 0xffff8c1f06683200ULL;
	e.kind = VISTA_EV_SK;
	e.cpu = 4;
	e.pid = 1407;
	e.stack_id = -1;
	e.flags = VISTA_EVF_HAS_META | VISTA_EVF_HAS_TUPLE;
	memcpy(e.comm, "sshd", 5);
	e.meta.netns = 4026531840u;
	e.tuple.l3 = 4;
	e.tuple.l4_proto = 6;
	inet_pton(AF_INET, "192.168.241.133", e.tuple.saddr);
	inet_pton(AF_INET, "192.168.241.1", e.tuple.daddr);
	e.tuple.sport = 22;
	e.tuple.dport = 60271;
	memset(s, 0, sizeof(*s));
	s->what = VISTA_SK_SEND;
	s->a = 36;
	s->family = AF_INET;
	s->protocol = 6;
	s->type = 1;
	s->state = 1;
	s->rcvbuf = 614849;
	s->sndbuf = 87040;
	s->priority = 6;
	s->socket_state = 3;
	s->inode = 15100;
	s->socket_flags = 32;
	s->has_socket = 1;
	return e;
}

static const char *sk_func_name(const void *ctx, uint32_t id)
{
	(void)ctx;
	return id == 7 ? "tcp_sendmsg" : NULL;
}

/* A socket function's event (function backends) is named by its hook, like an skb function's. */
static void test_sk_func_line(struct format_state *st)
{
	struct format_opts o = { .tuple = true, .sk = true };
	struct format_names sk_names = { .hook_name = sk_func_name };
	struct vista_sk s;
	struct vista_event e = sk_event(&s);
	char buf[1024];

	s.what = VISTA_SK_FUNC;
	e.hook_id = 7;
	format_sk_named(buf, sizeof(buf), &e, &s, &sk_names, &o, st);
	is_str(buf,
	       "0xffff8c1f06683200      4     [sshd(1407)]              tcp_sendmsg "
	       "192.168.241.133:22->192.168.241.1:60271(tcp) family=AF_INET "
	       "protocol=IPPROTO_TCP skc_state=ESTABLISHED skc_reuseport=false skc_bound_ifindex=0 sk_backlog=0 "
	       "sk_rcv_buff=614849 sk_snd_buff=87040 sk_priority=6 sk_mark=0x0 sk_type=SOCK_STREAM "
	       "socket_state=CONNECTED socket_file_inode=15100 socket_flags=32\n",
	       "a socket function: its name, the socket's tuple and fields, no values of its own");
	e.hook_id = 8;
	format_sk_named(buf, sizeof(buf), &e, &s, &sk_names, &o, st);
	ok(strstr(buf, "]               sock_func? 192.168.241.133:22") != NULL, "an unknown hook: %s", buf);
	format_sk(buf, sizeof(buf), &e, &s, &o, st);
	ok(strstr(buf, " sock_func? 192.168.241.133:22") != NULL, "format_sk, without names: %s", buf);
}

static void test_sk_line(struct format_state *st)
{
	struct format_opts o = { .meta = true, .tuple = true, .sk = true };
	struct vista_sk s;
	struct vista_event e = sk_event(&s);
	char buf[1024];

	format_sk(buf, sizeof(buf), &e, &s, &o, st);
	is_str(buf,
	       "0xffff8c1f06683200      4     [sshd(1407)]         sock_send_length netns=4026531840 mark=0x0 iface=0 "
	       "proto=0x0000 mtu=0 len=0 pkt_type=HOST 192.168.241.133:22->192.168.241.1:60271(tcp) family=AF_INET "
	       "protocol=IPPROTO_TCP skc_state=ESTABLISHED skc_reuseport=false skc_bound_ifindex=0 sk_backlog=0 "
	       "sk_rcv_buff=614849 sk_snd_buff=87040 sk_priority=6 sk_mark=0x0 sk_type=SOCK_STREAM "
	       "socket_state=CONNECTED socket_file_inode=15100 socket_flags=32 len=36 flags=0x0\n",
	       "the seed's sock fields, the family and protocol, the length sent");

	o.meta = o.tuple = o.sk = false;
	s.what = VISTA_SK_RECV;
	s.a = -11;
	s.b = 0x40;
	format_sk(buf, sizeof(buf), &e, &s, &o, st);
	is_str(buf,
	       "0xffff8c1f06683200      4     [sshd(1407)]         sock_recv_length family=AF_INET "
	       "protocol=IPPROTO_TCP error=-11 flags=0x40\n",
	       "without --output-sk: family, protocol and the event's values; a failed receive");

	/* A unix socket pair: no tuple, no protocol number worth a name. */
	e.flags = VISTA_EVF_HAS_META;
	e.tuple.l3 = 0;
	s.family = 1;
	s.protocol = 0;
	s.type = 5;
	s.what = VISTA_SK_DATA_READY;
	o.tuple = o.sk = true;
	format_sk(buf, sizeof(buf), &e, &s, &o, st);
	ok(strstr(buf, "    sk_data_ready family=AF_UNIX protocol=0 skc_state=ESTABLISHED ") &&
	       strstr(buf, " sk_type=SOCK_SEQPACKET socket_state=CONNECTED"),
	   "a unix socket: %s", buf);

	s.family = 16;
	s.protocol = 0;
	s.type = 3;
	s.has_socket = 0;
	s.what = VISTA_SK_RCVQ_FULL;
	s.a = 213000;
	s.b = 768;
	format_sk(buf, sizeof(buf), &e, &s, &o, st);
	ok(strstr(buf, " family=AF_NETLINK protocol=NETLINK_ROUTE ") &&
	       strstr(buf, " sk_type=SOCK_RAW rmem_alloc=213000 truesize=768\n"),
	   "a netlink socket, no struct socket fields without one: %s", buf);

	o.sk = false;
	s.family = AF_INET6;
	s.protocol = 17;
	s.what = VISTA_SK_SET_STATE;
	s.a = 7;
	s.b = 1;
	format_sk(buf, sizeof(buf), &e, &s, &o, st);
	ok(strstr(buf,
		  " inet_sock_set_state family=AF_INET6 protocol=IPPROTO_UDP oldstate=CLOSE newstate=ESTABLISHED\n"),
	   "a state change: %s", buf);
	s.what = VISTA_SK_BUF_LIMIT;
	s.a = 12;
	s.b = 1;
	format_sk(buf, sizeof(buf), &e, &s, &o, st);
	ok(strstr(buf, " sock_exceed_buf_limit family=AF_INET6 protocol=IPPROTO_UDP allocated=12 kind=RECV\n"),
	   "over the buffer limit: %s", buf);
	s.what = VISTA_SK_ERROR;
	s.a = 111;
	s.family = 99;
	s.protocol = 7;
	format_sk(buf, sizeof(buf), &e, &s, &o, st);
	ok(strstr(buf, " inet_sk_error_report family=99 protocol=7 sk_err=111\n"),
	   "an error, unknown names as numbers: %s", buf);
	is_str(format_sk_what(0), "sock?", "an unknown socket event");
	is_str(format_sk_protocol(16, 16), "NETLINK_GENERIC", "netlink protocols by name");
	ok(format_tcp_state(14) == NULL, "no name past BOUND_INACTIVE");
}

/* ---------------------------------------------------------------- netfilter events */

/* The event and its netfilter part, contiguous as in the ring buffer. */
struct nf_ev {
	struct vista_event e;
	struct vista_nf nf;
};

static struct nf_ev nf_drop(void)
{
	struct nf_ev n = { .e = icmp_event() };

	n.e.kind = VISTA_EV_NETFILTER;
	n.e.flags = VISTA_EVF_HAS_TUPLE | VISTA_EVF_HAS_REASON | VISTA_EVF_SKB_FREED;
	n.e.reason = 12;
	n.nf.cost_ns = 5932;
	n.nf.prio_lo = -1;
	n.nf.prio_hi = 1;
	n.nf.pf = 2;
	n.nf.hook = 1;
	n.nf.verdict = 0;
	n.nf.method = VISTA_NF_BY_DROP_REASON;
	memcpy(n.nf.table, "filter", 7);
	memcpy(n.nf.chain, "INPUT", 6);
	return n;
}

static void test_netfilter(struct format_state *st)
{
	struct format_opts o = { .tuple = true, .iptables = true };
	struct nf_ev n = nf_drop();
	char buf[1024];

	format_nf(buf, sizeof(buf), &n.e, &names, &o, st);
	is_str(
	    buf,
	    "0xffff990282314000      2     [ping(1234)]             nf_hook_slow 192.168.241.1->192.168.241.133(icmp "
	    "request id=23089 seq=0) pf=PF_INET table=filter chain=INPUT hook=INPUT verdict=DROP cost=5.932µs "
	    "prio=-1..1 via=kfree_skb(SKB_DROP_REASON_NETFILTER_DROP)\n",
	    "a netfilter drop, found by its drop reason");
	o.iptables = false;
	format_nf(buf, sizeof(buf), &n.e, &names, &o, st);
	is_str(
	    buf,
	    "0xffff990282314000      2     [ping(1234)]             nf_hook_slow 192.168.241.1->192.168.241.133(icmp "
	    "request id=23089 seq=0)\n",
	    "without --output-iptables: the plain line, as vista prints it");
	o = (struct format_opts){ .iptables = true };
	n.e.flags = VISTA_EVF_SKB_FREED;
	n.nf.verdict = 2;
	n.nf.method = VISTA_NF_BY_FREE;
	n.nf.pf = 10;
	n.nf.hook = 0;
	n.nf.prio_lo = -2147483647;
	n.nf.prio_hi = -301;
	n.nf.cost_ns = 12;
	n.nf.table[0] = n.nf.chain[0] = '\0';
	format_nf(buf, sizeof(buf), &n.e, &names, &o, st);
	ok(strstr(buf, " pf=PF_INET6 table= chain= hook=PREROUTING verdict=STOLEN cost=12ns prio=-2147483647..-301 "
		       "via=consume_skb\n") != NULL,
	   "consumed inside a range no table is known for: STOLEN, empty names, via consume_skb (%s)", buf);
	n.e.flags = VISTA_EVF_HAS_REASON;
	n.e.reason = 99;
	n.nf.pf = 7;
	n.nf.hook = 9;
	n.nf.verdict = 200;
	n.nf.method = VISTA_NF_BY_NEXT_LINK;
	format_nf(buf, sizeof(buf), &n.e, &names, &o, st);
	ok(strstr(buf, " pf=7 table= chain= hook=9 verdict=200 cost=12ns prio=-2147483647..-301 via=next-link\n") !=
	       NULL,
	   "unknown family, hook and verdict as numbers (%s)", buf);
	n.nf.method = VISTA_NF_BY_FREE;
	format_nf(buf, sizeof(buf), &n.e, &names, &o, st);
	ok(strstr(buf, " via=kfree_skb(reason=99)\n") != NULL, "an unnamed drop reason as its number");
	n.nf.method = VISTA_NF_BY_RETURN;
	n.nf.prio_lo = n.nf.prio_hi = -150;
	format_nf(buf, sizeof(buf), &n.e, &names, &o, st);
	ok(strstr(buf, " prio=-150 via=return\n") != NULL, "the kprobe backends' method, at the table's priority");
	is_str(format_nf_verdict(5), "STOP", "verdict 5 is STOP");
	ok(format_nf_verdict(6) == NULL && format_nf_hook(5) == NULL && format_nf_pf(3) == NULL,
	   "no names past the known values");
}

/* A replayed file's clocks can be anything: the sum wraps (no overflow), times before 1970 round down. */
static void test_clock_extremes(void)
{
	struct format_state st = { .fixed_zone = true };
	char buf[FORMAT_CLOCK_LEN + 1];

	st.realtime_offset_ns = -1;
	format_clock(buf, sizeof(buf), &st, 0);
	is_str(buf, "23:59:59.999", "a clock 1 ns before 1970 shows the last millisecond of 1969");
	st.realtime_offset_ns = INT64_MAX;
	format_clock(buf, sizeof(buf), &st, (uint64_t)INT64_MAX);
	is_str(buf, "23:59:59.999", "a sum beyond INT64_MAX wraps (to -2 ns) instead of overflowing");
	st.realtime_offset_ns = 3723004000000LL; /* 1h 2m 3.004s */
	st.utc_offset_s = -3600;
	format_clock(buf, sizeof(buf), &st, 0);
	is_str(buf, "00:02:03.004", "the recording's zone applies");
}

int main(void)
{
	struct format_state st;

	format_state_init(&st);
	test_header();
	test_icmp_line(&st);
	test_tuples();
	test_meta();
	test_drop_reason(&st);
	test_relative();
	test_absolute();
	test_clock_extremes();
	test_truncation(&st);
	test_stack(&st);
	test_durations();
	test_byte_counts();
	test_tcp_line(&st);
	test_sk_line(&st);
	test_sk_func_line(&st);
	test_prog_lines(&st);
	test_netfilter(&st);
	format_state_free(&st);
	return tap_done();
}
