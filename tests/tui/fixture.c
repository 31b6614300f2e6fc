// SPDX-License-Identifier: GPL-2.0-only
#include "fixture.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "mem_source.h"

#define STEP_NS 1500ULL /* between two hooks of one packet */
#define VETH_NS 2000ULL /* extra time to cross the veth pair */

struct packet {
	const char *comm;
	uint32_t pid;
	const char *saddr, *daddr;
	uint8_t proto, icmp_type, tcp_flags;
	uint16_t sport, dport;
	bool from_b; /* sent from netns B */
	uint32_t len;
};

static void side(struct vista_event *e, bool b, uint32_t len)
{
	e->meta.netns = b ? FIXTURE_NETNS_B : FIXTURE_NETNS_A;
	e->meta.ifindex = b ? 3 : 2;
	memcpy(e->meta.ifname, b ? "vb0" : "va0", 4);
	e->meta.mtu = 1500;
	e->meta.len = len;
	e->meta.protocol = 0x0800;
}

static size_t emit(struct vista_event *out, size_t i, const struct packet *p, const uint32_t *hooks, size_t nhooks,
		   uint32_t reason, uint64_t location, int32_t stack)
{
	for (size_t j = 0; j < nhooks; j++) {
		struct vista_event *e = &out[j];
		bool rx = j >= 3; /* the first three hooks are on the sending side */

		memset(e, 0, sizeof(*e));
		e->ts_ns = FIXTURE_T0_NS + 1000 + i * FIXTURE_PKT_NS + j * STEP_NS + (rx ? VETH_NS : 0);
		e->addr = 0xffff888004a1c000ULL + (i % 3) * 0x100;
		e->hook_id = hooks[j];
		e->kind = VISTA_EV_SKB;
		e->pid = p->pid;
		e->tid = p->pid;
		e->cpu = (uint32_t)(i % 2);
		e->stack_id = -1;
		e->flags = VISTA_EVF_HAS_META | VISTA_EVF_HAS_TUPLE;
		strncpy(e->comm, p->comm, sizeof(e->comm) - 1);
		side(e, p->from_b != rx, rx ? p->len - 14 : p->len);
		e->tuple.l3 = 4;
		inet_pton(AF_INET, p->saddr, e->tuple.saddr);
		inet_pton(AF_INET, p->daddr, e->tuple.daddr);
		e->tuple.l4_proto = p->proto;
		e->tuple.sport = p->sport;
		e->tuple.dport = p->dport;
		e->tuple.icmp_type = p->icmp_type;
		e->tuple.tcp_flags = p->tcp_flags;
		if (j == nhooks - 1) {
			e->flags |= VISTA_EVF_SKB_FREED;
			e->location = location;
			if (hooks[j] == H_KFREE) {
				e->flags |= VISTA_EVF_HAS_REASON;
				e->reason = reason;
				e->stack_id = stack;
			}
		}
	}
	return nhooks;
}

size_t fixture_packets(struct vista_event *out, size_t packets)
{
	static const uint32_t request[] = { H_QUEUE, H_START_XMIT, H_XMIT, H_RX, H_RECEIVE, H_CONSUME };
	static const uint32_t reply[] = { H_QUEUE, H_START_XMIT, H_XMIT, H_RX, H_RECEIVE, H_COPY_DGRAM, H_CONSUME };
	static const uint32_t dropped[] = { H_QUEUE, H_START_XMIT, H_XMIT, H_RX, H_RECEIVE, H_KFREE };
	size_t n = 0;

	for (size_t i = 0; i < packets; i++) {
		uint16_t seq = (uint16_t)(i / 4 + 1);
		struct packet p;

		switch (i % 4) {
		case 0:
			p = (struct packet){ "ping", 4242, "10.199.0.1", "10.199.0.2", 1, 8, 0, 4242, seq, false, 98 };
			n += emit(out + n, i, &p, request, 6, 0, 0xffffffff81b901d2ULL, -1);
			break;
		case 1:
			p = (struct packet){ "ping", 4242, "10.199.0.2", "10.199.0.1", 1, 0, 0, 4242, seq, true, 98 };
			n += emit(out + n, i, &p, reply, 7, 0, 0xffffffff81b9a040ULL, -1);
			break;
		case 2:
			p = (struct packet){ "curl", 777,  "10.199.0.1",          "10.199.0.2", 6,
					     0,      0x02, (uint16_t)(40000 + i), 80,           false,
					     74 };
			n += emit(out + n, i, &p, dropped, 6, R_NETFILTER_DROP, 0xffffffff81a0009aULL, STACK_NETFILTER);
			break;
		default:
			p = (struct packet){ "dig", 555, "10.199.0.1",          "10.199.0.2", 17,
					     0,     0,   (uint16_t)(50000 + i), 53,           false,
					     70 };
			n += emit(out + n, i, &p, dropped, 6, R_NO_SOCKET, 0xffffffff81b8005bULL, STACK_UDP);
			break;
		}
	}
	return n;
}

void fixture_flood(struct vista_event *out, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		struct vista_event *e = &out[k];

		memset(e, 0, sizeof(*e));
		e->ts_ns = FIXTURE_T0_NS + 1000 + k * 100;
		e->addr = 0xffff888100000000ULL + k * 0x100;
		e->hook_id = H_GRO;
		e->kind = VISTA_EV_SKB;
		e->cpu = (uint32_t)(k % 2);
		e->stack_id = -1;
		memcpy(e->comm, "swapper/0", 10);
	}
}

/* ------------------------------------------------------------ other kinds */

static struct mem_event *kind_event(struct mem_event *r, uint32_t kind, uint64_t at_ns, const char *comm, uint32_t pid,
				    uint64_t addr)
{
	memset(r, 0, sizeof(*r));
	r->ev.ts_ns = FIXTURE_T0_NS + at_ns;
	r->ev.kind = kind;
	r->ev.addr = addr;
	r->ev.pid = pid;
	r->ev.tid = pid;
	r->ev.stack_id = -1;
	r->ev.hook_id = VISTA_HOOK_UNKNOWN;
	strncpy(r->ev.comm, comm, sizeof(r->ev.comm) - 1);
	return r;
}

static void tcp_tuple(struct vista_event *e, const char *saddr, uint16_t sport, const char *daddr, uint16_t dport)
{
	e->flags |= VISTA_EVF_HAS_TUPLE;
	e->tuple.l3 = 4;
	e->tuple.l4_proto = 6;
	inet_pton(AF_INET, saddr, e->tuple.saddr);
	inet_pton(AF_INET, daddr, e->tuple.daddr);
	e->tuple.sport = sport;
	e->tuple.dport = dport;
}

/* The chain of a standard table on each hook has the hook's name. */
static const char *hook_chain(uint8_t hook)
{
	static const char *const chains[] = { "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING" };

	return hook < 5 ? chains[hook] : "?";
}

static void nf(struct mem_event *r, uint8_t pf, uint8_t hook, const char *table, uint8_t verdict, uint64_t cost_ns)
{
	r->body.nf.cost_ns = cost_ns;
	r->body.nf.netns = FIXTURE_NETNS_B;
	r->body.nf.pf = pf;
	r->body.nf.hook = hook;
	r->body.nf.verdict = verdict;
	r->body.nf.method = verdict ? VISTA_NF_BY_NEXT_LINK : VISTA_NF_BY_DROP_REASON;
	r->body.nf.prio_lo = strcmp(table, "raw") == 0 ? -301 : strcmp(table, "mangle") == 0 ? -151 : -1;
	r->body.nf.prio_hi = r->body.nf.prio_lo + 2;
	snprintf(r->body.nf.table, sizeof(r->body.nf.table), "%s", table);
	snprintf(r->body.nf.chain, sizeof(r->body.nf.chain), "%s", hook_chain(hook));
	if (!verdict) {
		r->ev.flags |= VISTA_EVF_HAS_REASON;
		r->ev.reason = R_NETFILTER_DROP;
	}
}

static void tcp(struct mem_event *r, uint8_t what, uint64_t rx, uint64_t tx, uint64_t life_ns, uint32_t retrans,
		const char *cong)
{
	r->body.tcp.what = what;
	r->body.tcp.rx_bytes = rx;
	r->body.tcp.tx_bytes = tx;
	r->body.tcp.lifetime_ns = life_ns;
	r->body.tcp.srtt_us = 240;
	r->body.tcp.retrans = retrans;
	r->body.tcp.family = AF_INET;
	r->body.tcp.state = what == VISTA_TCP_OPEN ? 1 /* ESTABLISHED */ : 7 /* CLOSE */;
	snprintf(r->body.tcp.cong, sizeof(r->body.tcp.cong), "%s", cong);
}

size_t fixture_kinds(struct mem_event *out)
{
	static const struct {
		uint64_t at_us;
		uint8_t pf, hook;
		const char *table;
		uint8_t verdict;
		uint64_t cost_ns;
	} verdicts[] = {
		{ 100000, 2, 0, "raw", 1, 1000 },      { 100100, 2, 1, "filter", 1, 2000 },
		{ 200000, 2, 0, "raw", 1, 1000 },      { 200100, 2, 1, "filter", 1, 4000 },
		{ 300000, 2, 0, "raw", 1, 1000 },      { 300100, 2, 1, "filter", 1, 6000 },
		{ 400000, 2, 0, "raw", 1, 1000 },      { 500000, 2, 0, "raw", 1, 1000 },
		{ 1200000, 10, 3, "mangle", 0, 3000 }, { 2000000, 2, 1, "filter", 0, 5930 },
		{ 2500000, 2, 1, "filter", 0, 7000 },
	};
	const uint64_t sock = 0xffff888012340000ULL;
	size_t n = 0;
	struct mem_event *r;

	for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		r = kind_event(&out[n++], VISTA_EV_NETFILTER, verdicts[i].at_us * 1000, "swapper/1", 0,
			       0xffff888004b00000ULL + i * 0x100);
		r->ev.cpu = 1;
		tcp_tuple(&r->ev, "10.199.0.1", (uint16_t)(40000 + i), "10.199.0.2", verdicts[i].verdict ? 80 : 23);
		nf(r, verdicts[i].pf, verdicts[i].hook, verdicts[i].table, verdicts[i].verdict, verdicts[i].cost_ns);
	}

	/* sshd's connection, listed as open when the trace began. */
	r = kind_event(&out[n++], VISTA_EV_TCP, 0, "sshd", 310, sock + 0x400);
	tcp_tuple(&r->ev, "10.199.0.2", 22, "10.199.0.1", 50000);
	tcp(r, VISTA_TCP_OPEN, 5000, 800, 10000000000ULL, 1, "cubic");
	r->body.tcp.flags = VISTA_TCP_PARTIAL;

	r = kind_event(&out[n++], VISTA_EV_TCP, 1600000000ULL, "curl", 700, sock);
	tcp_tuple(&r->ev, "10.199.0.1", 40000, "10.199.0.2", 80);
	tcp(r, VISTA_TCP_CLOSE, 123456, 1000000, 1500000000ULL, 0, "cubic");

	/* Reset by the peer: the close, then the reset received. */
	r = kind_event(&out[n++], VISTA_EV_TCP, 1700000000ULL, "curl", 701, sock + 0x100);
	tcp_tuple(&r->ev, "10.199.0.1", 40001, "10.199.0.2", 81);
	tcp(r, VISTA_TCP_CLOSE, 0, 0, 2000000ULL, 2, "cubic");
	r->body.tcp.reset = VISTA_TCP_RST_RECV;
	r = kind_event(&out[n++], VISTA_EV_TCP, 1700000100ULL, "curl", 701, sock + 0x100);
	tcp_tuple(&r->ev, "10.199.0.1", 40001, "10.199.0.2", 81);
	tcp(r, VISTA_TCP_RESET_RECV, 0, 0, 2000000ULL, 2, "cubic");
	r->body.tcp.reset = VISTA_TCP_RST_RECV;

	r = kind_event(&out[n++], VISTA_EV_TCP, 2200000000ULL, "wget", 702, sock + 0x200);
	tcp_tuple(&r->ev, "10.199.0.1", 40002, "10.199.0.2", 8080);
	tcp(r, VISTA_TCP_CLOSE, 2000, 3000, 300000000ULL, 5, "bbr");

	r = kind_event(&out[n++], VISTA_EV_SK, 2600000000ULL, "dig", 800, sock + 0x800);
	r->ev.flags |= VISTA_EVF_HAS_TUPLE;
	r->ev.tuple.l3 = 4;
	r->ev.tuple.l4_proto = 17;
	inet_pton(AF_INET, "10.199.0.1", r->ev.tuple.saddr);
	inet_pton(AF_INET, "10.199.0.2", r->ev.tuple.daddr);
	r->ev.tuple.sport = 33333;
	r->ev.tuple.dport = 53;
	r->body.sk = (struct vista_sk){ .what = VISTA_SK_SEND,
					.a = 64,
					.family = AF_INET,
					.protocol = 17,
					.type = 2,
					.state = 7,
					.rcvbuf = 212992,
					.sndbuf = 212992,
					.has_socket = 1,
					.socket_state = 1,
					.inode = 4242 };

	r = kind_event(&out[n++], VISTA_EV_SK, 2700000000ULL, "dbus-daemon", 900, sock + 0xc00);
	r->body.sk = (struct vista_sk){ .what = VISTA_SK_DATA_READY,
					.family = AF_UNIX,
					.type = 1,
					.state = 1,
					.rcvbuf = 212992,
					.sndbuf = 212992,
					.has_socket = 1,
					.socket_state = 3,
					.inode = 4343 };
	return n;
}
