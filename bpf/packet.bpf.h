/* SPDX-License-Identifier: GPL-2.0-only */
/*
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
 * Included by vista.bpf.c after the events map and before handle_skb.
 */
#ifndef VISTA_PACKET_BPF_H
#define VISTA_PACKET_BPF_H

#define PACKET_ROOM(room) (sizeof(struct vista_event) + sizeof(struct vista_packet) + (room))

/*
 * Copies at most room (a constant) and snaplen bytes of skb's packet after
 * the event e. Returns VISTA_EVF_HAS_PACKET, or 0 when the skb has neither
 * a MAC nor a network header yet (then no packet follows).
 */
static __always_inline __u32 packet_copy(struct vista_event *e, struct sk_buff *skb, __u32 snaplen, const __u32 room,
					 bool direct)
{
	struct vista_packet *p = (struct vista_packet *)(e + 1);
	struct cbpf_view v;
	__u32 n;

	if (!cbpf_skb_view(skb, CBPF_LAYER_AUTO, &v, direct))
		return 0;
	n = v.caplen < snaplen ? v.caplen : snaplen;
	/* Keeps the verifier's bound on n from the comparison below, whatever the compiler made of the one above. */
	asm volatile("" : "+r"(n));
	if (n > room)
		n = room;
	if (bpf_probe_read_kernel(p + 1, n, (const void *)v.data))
		n = 0;
	p->len = v.wirelen;
	p->caplen = (__u16)n;
	p->layer = v.l2 ? VISTA_PKT_L2 : VISTA_PKT_L3;
	p->pad = 0;
	return VISTA_EVF_HAS_PACKET;
}

/*
 * Reserves an skb event with room for its packet and copies the packet in;
 * *flags receives VISTA_EVF_HAS_PACKET when it did. event_fill leaves
 * what follows the event alone. direct: see skb_parse.h.
 */
static __always_inline struct vista_event *packet_reserve(struct sk_buff *skb, __u32 snaplen, __u32 *flags, bool direct)
{
	struct vista_event *e;

	if (snaplen <= VISTA_PACKET_SMALL) {
		e = bpf_ringbuf_reserve(&events, PACKET_ROOM(VISTA_PACKET_SMALL), 0);
		if (e)
			*flags = packet_copy(e, skb, snaplen, VISTA_PACKET_SMALL, direct);
	} else {
		e = bpf_ringbuf_reserve(&events, PACKET_ROOM(VISTA_PACKET_MAX), 0);
		if (e)
			*flags = packet_copy(e, skb, snaplen, VISTA_PACKET_MAX, direct);
	}
	return e;
}

#endif /* VISTA_PACKET_BPF_H */
