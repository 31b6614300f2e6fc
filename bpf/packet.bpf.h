/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What an skb event carries after itself: its packet for --pcap-file, its
 * skb's text for --output-skb (skb_dump.bpf.h).
 *
 * Packet capture for --pcap-file: an skb event reserved with room for the
 * packet's first bytes, which follow it as a struct vista_packet and the
 * bytes themselves (bpf/vista.h).
 *
 * Why a reservation of fixed room rather than bpf_ringbuf_output() of a
 * per-CPU scratch record sized to the packet: a reservation size must be a
 * constant, so the room is VISTA_PACKET_SMALL for snaplens up to it and
 * VISTA_PACKET_MAX above, and the unused end of it is ring space wasted
 * until the reader consumes the record. A scratch record would need a slot
 * per nesting level (a softirq can interrupt a program on the same CPU, as
 * in cbpf_run.h) and a second copy of every event; the reservation costs
 * neither, and sessions without --pcap-file reserve exactly what they did.
 *
 * Each size is a path of its own to the verifier, and so is everything after
 * it: the copy of the packet and the dump are global functions, verified once
 * per program instead of once per path (tracepoint programs verified 16653
 * instructions with them inline, 10974 without). Global functions take no
 * skb pointer before Linux 6.8 (__arg_trusted): they get its address as a
 * number, and read its fields with bpf_probe_read_kernel.
 *
 * Included by vista.bpf.c after the events map and before handle_skb.
 */
#ifndef VISTA_PACKET_BPF_H
#define VISTA_PACKET_BPF_H

#include "skb_dump.bpf.h"

#define PACKET_ROOM(room) (sizeof(struct vista_event) + sizeof(struct vista_packet) + (room))

/* The packet's room: a global function's argument must have a type of its size. */
struct packet_room_small {
	struct vista_packet p;
	__u8 bytes[VISTA_PACKET_SMALL];
};

struct packet_room_max {
	struct vista_packet p;
	__u8 bytes[VISTA_PACKET_MAX];
};

/*
 * Copies at most room (a constant) and snaplen of the caplen bytes at data
 * (kernel memory) after p, a packet of wirelen bytes seen from layer.
 * Returns VISTA_EVF_HAS_PACKET.
 */
static __always_inline __u32 packet_bytes(struct vista_packet *p, const void *data, __u32 caplen, __u32 wirelen,
					  __u32 snaplen, const __u32 room, __u8 layer)
{
	__u32 n = caplen < snaplen ? caplen : snaplen;

	/* Keeps the verifier's bound on n from the comparison below, whatever the compiler made of the one above. */
	asm volatile("" : "+r"(n));
	if (n > room)
		n = room;
	if (bpf_probe_read_kernel(p + 1, n, data))
		n = 0;
	p->len = wirelen;
	p->caplen = (__u16)n;
	p->layer = layer;
	p->pad = 0;
	return VISTA_EVF_HAS_PACKET;
}

/*
 * Copies at most room (a constant) and snaplen bytes of the packet of the
 * skb at address skb after p. Returns VISTA_EVF_HAS_PACKET, or 0 when the
 * skb has neither a MAC nor a network header yet (then no packet follows).
 */
static __always_inline __u32 packet_copy(struct vista_packet *p, __u64 skb, __u32 snaplen, const __u32 room)
{
	struct cbpf_view v;

	if (!cbpf_skb_view((struct sk_buff *)skb, CBPF_LAYER_AUTO, &v, false))
		return 0;
	return packet_bytes(p, (const void *)v.data, v.caplen, v.wirelen, snaplen, room,
			    v.l2 ? VISTA_PKT_L2 : VISTA_PKT_L3);
}

/* The verifier checks a global function for any argument: r is never NULL here. */
__noinline __u32 packet_copy_small(struct packet_room_small *r, __u64 skb, __u32 snaplen)
{
	return r ? packet_copy(&r->p, skb, snaplen, VISTA_PACKET_SMALL) : 0;
}

__noinline __u32 packet_copy_max(struct packet_room_max *r, __u64 skb, __u32 snaplen)
{
	return r ? packet_copy(&r->p, skb, snaplen, VISTA_PACKET_MAX) : 0;
}

/*
 * The packet and, with dump, the skb's text after it, in a reservation of
 * PACKET_ROOM(room) (+ SKB_ROOM with dump) bytes.
 */
static __always_inline __u32 packet_fill(struct vista_event *e, __u64 skb, __u32 snaplen, const __u32 room, bool dump)
{
	__u32 flags, off = 0;

	if (room == VISTA_PACKET_SMALL)
		flags = packet_copy_small((struct packet_room_small *)(e + 1), skb, snaplen);
	else
		flags = packet_copy_max((struct packet_room_max *)(e + 1), skb, snaplen);
	if (!dump)
		return flags;
	if (flags) {
		off = sizeof(struct vista_packet) + ((((struct vista_packet *)(e + 1))->caplen + 7u) & ~7u);
		/* The verifier must see the dump's room end within the reservation. */
		asm volatile("" : "+r"(off));
		if (off > sizeof(struct vista_packet) + room)
			return flags;
	}
	return flags | skb_dump((struct skb_room *)((char *)(e + 1) + off), skb);
}

/*
 * The caller learns whether the reservation succeeded from the value
 * returned, not by testing the event pointer again: a verifier before
 * Linux 6.2 does not know that a reservation tested once is not NULL, and
 * on a second test it follows a path where the event is neither submitted
 * nor discarded, and refuses the program. Constants returned are threaded
 * into the caller's branch by the compiler; a pointer tested twice is not
 * always.
 */
#define RESERVE_FILL(size, fill)                                                 \
	do {                                                                     \
		struct vista_event *r = bpf_ringbuf_reserve(&events, (size), 0); \
		if (!r)                                                          \
			return false;                                            \
		*tail = (fill);                                                  \
		*out = r;                                                        \
		return true;                                                     \
	} while (0)

/*
 * The skb's address as a number for the fills: a tp_btf or fentry skb is a
 * typed pointer whatever it is cast to, which a global function refuses;
 * written to the event's addr (which event_fill writes anyway) and read
 * back, it is a number the verifier does not track.
 */
static __always_inline __u64 event_skb_addr(struct vista_event *r, struct sk_buff *skb)
{
	r->addr = (__u64)skb;
	return *(volatile __u64 *)&r->addr;
}

/*
 * Reserves an skb event with room for what collect asks it to carry (its
 * packet, its skb's text) and fills that in; *tail receives
 * VISTA_EVF_HAS_PACKET and VISTA_EVF_HAS_SKB for what it did. Returns
 * false when the ring buffer is full. event_fill leaves what follows the
 * event alone.
 * The fills get the skb's address as a number (event_skb_addr).
 */
static __always_inline bool event_reserve(struct sk_buff *skb, __u32 collect, __u32 snaplen, struct vista_event **out,
					  __u32 *tail)
{
	bool dump = collect & VISTA_COLLECT_SKB;

	/*
	 * One call per size, each followed by its own fill: a size chosen by
	 * a conditional expression reaches the helper as a value the verifier
	 * refuses (a reservation's size must be a known constant).
	 */
	if (!(collect & VISTA_COLLECT_PACKET) && !dump)
		RESERVE_FILL(sizeof(struct vista_event), 0);
	if (!(collect & VISTA_COLLECT_PACKET))
		RESERVE_FILL(sizeof(struct vista_event) + SKB_ROOM,
			     skb_dump((struct skb_room *)(r + 1), event_skb_addr(r, skb)));
	if (snaplen <= VISTA_PACKET_SMALL && dump)
		RESERVE_FILL(PACKET_ROOM(VISTA_PACKET_SMALL) + SKB_ROOM,
			     packet_fill(r, event_skb_addr(r, skb), snaplen, VISTA_PACKET_SMALL, true));
	if (snaplen <= VISTA_PACKET_SMALL)
		RESERVE_FILL(PACKET_ROOM(VISTA_PACKET_SMALL),
			     packet_fill(r, event_skb_addr(r, skb), snaplen, VISTA_PACKET_SMALL, false));
	if (dump)
		RESERVE_FILL(PACKET_ROOM(VISTA_PACKET_MAX) + SKB_ROOM,
			     packet_fill(r, event_skb_addr(r, skb), snaplen, VISTA_PACKET_MAX, true));
	RESERVE_FILL(PACKET_ROOM(VISTA_PACKET_MAX),
		     packet_fill(r, event_skb_addr(r, skb), snaplen, VISTA_PACKET_MAX, false));
}

#endif /* VISTA_PACKET_BPF_H */
