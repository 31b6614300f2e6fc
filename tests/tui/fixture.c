// SPDX-License-Identifier: GPL-2.0-only
#include "fixture.h"

#include <arpa/inet.h>
#include <string.h>

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
