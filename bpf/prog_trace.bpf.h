/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * XDP and TC BPF programs as hooks (--filter-trace-xdp, --filter-trace-tc):
 * fentry and fexit programs attached to the main function of each loaded
 * program, one clone per program and direction, the hook id patched in.
 *
 * Attached to a BPF program, a tracing program sees its context as the
 * kernel's type: struct xdp_buff for XDP (struct xdp_md to the program),
 * struct sk_buff for TC (struct __sk_buff). ctx[0] is that pointer; at
 * fexit, ctx[1] is the returned action.
 *
 * A TC event is an skb event like any other. An XDP event has no skb: its
 * addr is the xdp_buff, its meta and tuple are read from the frame, and it
 * carries VISTA_EVF_XDP. An entry carries VISTA_EVF_PROG_ENTRY, an exit
 * VISTA_EVF_PROG_EXIT and the action in reason.
 *
 * With --pcap-file an event carries the packet as the program saw it at
 * entry, or as it left it at exit (--pcap-mode leaves one out through
 * VISTA_HOOK_NO_PACKET): for TC the skb's data as at every skb hook
 * (packet.bpf.h), for XDP the frame from data to data_end.
 */
#ifndef VISTA_PROG_TRACE_BPF_H
#define VISTA_PROG_TRACE_BPF_H

/*
 * The meta of an XDP program's frame (from data to data_end, its Ethernet
 * header first) and, with tuple, its addresses and ports. Returns data.
 */
static __always_inline unsigned char *xdp_frame_read(struct xdp_buff *xdp, struct vista_meta *m, struct vista_tuple *t,
						     bool tuple)
{
	unsigned char *data = BPF_CORE_READ(xdp, data);
	unsigned char *end = BPF_CORE_READ(xdp, data_end);
	struct net_device *dev = BPF_CORE_READ(xdp, rxq, dev);
	__u16 proto = 0;
	__u8 eth_type[2];

	if (!bpf_probe_read_kernel(eth_type, sizeof(eth_type), data + 12))
		proto = (eth_type[0] << 8) | eth_type[1];
	m->len = end > data ? end - data : 0;
	m->protocol = proto;
	if (dev) {
		m->ifindex = BPF_CORE_READ(dev, ifindex);
		m->mtu = BPF_CORE_READ(dev, mtu);
		m->netns = BPF_CORE_READ(dev, nd_net.net, ns.inum);
		bpf_probe_read_kernel_str(m->ifname, sizeof(m->ifname), dev->name);
	}
	if (tuple && (proto == ETH_P_IP_ || proto == ETH_P_IPV6_))
		parse_l3(data + ETH_HLEN_, t);
	return data;
}

/*
 * Reserves an XDP event with room for its frame (len bytes at data) when
 * collect asks for the packet, as event_reserve does for an skb (an XDP
 * frame has no skb to dump; a program sees every frame from its MAC
 * header); *tail receives VISTA_EVF_HAS_PACKET when the frame follows.
 * Returns false when the ring buffer is full.
 */
static __always_inline bool xdp_event_reserve(const unsigned char *data, __u32 len, __u32 collect, __u32 snaplen,
					      struct vista_event **out, __u32 *tail)
{
	if (!(collect & VISTA_COLLECT_PACKET))
		RESERVE_FILL(sizeof(struct vista_event), 0);
	if (snaplen <= VISTA_PACKET_SMALL)
		RESERVE_FILL(PACKET_ROOM(VISTA_PACKET_SMALL),
			     packet_bytes((struct vista_packet *)(r + 1), data, len, len, snaplen, VISTA_PACKET_SMALL,
					  VISTA_PKT_L2));
	RESERVE_FILL(PACKET_ROOM(VISTA_PACKET_MAX), packet_bytes((struct vista_packet *)(r + 1), data, len, len,
								 snaplen, VISTA_PACKET_MAX, VISTA_PKT_L2));
}

static __always_inline int handle_xdp(void *ctx, struct xdp_buff *xdp, __u32 hook, __u32 event_flags, __u32 action)
{
	struct vista_tuple tuple = {};
	struct vista_meta meta = {};
	struct vista_event *e;
	struct hook_ctx h;
	unsigned char *data;
	__u64 pid_tgid;
	__u32 flags, tail = 0;
	bool need_tuple;

	if (!xdp || !hook_begin(hook, &h))
		return 0;
	flags = h.f->flags;
	pid_tgid = bpf_get_current_pid_tgid();
	/* A frame has no mark yet: an skb mark filter leaves XDP out. */
	if (flags & VISTA_F_MARK)
		return 0;
	if ((flags & VISTA_F_PID) && (pid_tgid >> 32) != h.f->pid)
		return 0;
	need_tuple = (h.collect & VISTA_COLLECT_TUPLE) ||
		     (flags & (VISTA_F_ADDR4 | VISTA_F_ADDR6 | VISTA_F_PORT | VISTA_F_PROTO));
	data = xdp_frame_read(xdp, &meta, &tuple, need_tuple);
	if ((flags & VISTA_F_IFINDEX) && meta.ifindex != h.f->ifindex)
		return 0;
	if ((flags & VISTA_F_NETNS) && meta.netns != h.f->netns)
		return 0;
	if (need_tuple && !tuple_matches(h.f, &tuple))
		return 0;
	if (flags & VISTA_F_PCAP) {
		struct cbpf_view view = {};

		view.data = (__u64)data;
		view.caplen = view.wirelen = meta.len;
		view.l2 = true;
		if (!pcap_matches(&view, h.slot))
			return 0;
	}
	if (!xdp_event_reserve(data, meta.len, h.collect, h.f->snaplen, &e, &tail)) {
		count_lost();
		return 0;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->addr = (__u64)xdp;
	e->location = 0;
	e->hook_id = h.hook;
	e->kind = VISTA_EV_SKB;
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->cpu = bpf_get_smp_processor_id();
	e->reason = action;
	e->flags = VISTA_EVF_XDP | event_flags | tail;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	__builtin_memset(&e->meta, 0, sizeof(e->meta));
	if (h.collect & VISTA_COLLECT_META) {
		e->meta = meta;
		e->flags |= VISTA_EVF_HAS_META;
	}
	e->tuple = tuple;
	if (h.collect & VISTA_COLLECT_TUPLE)
		e->flags |= VISTA_EVF_HAS_TUPLE;
	e->stack_id = hook_stack_id(ctx, &h);
	bpf_ringbuf_submit(e, wakeup_flags());
	return 0;
}

SEC("?fentry/vista_template")
int fentry_xdp(__u64 *ctx)
{
	return handle_xdp(ctx, (struct xdp_buff *)ctx[0], patched_hook_id(), VISTA_EVF_PROG_ENTRY, 0);
}

SEC("?fexit/vista_template")
int fexit_xdp(__u64 *ctx)
{
	return handle_xdp(ctx, (struct xdp_buff *)ctx[0], patched_hook_id(), VISTA_EVF_PROG_EXIT, (__u32)ctx[1]);
}

SEC("?fentry/vista_template")
int fentry_tc(__u64 *ctx)
{
	return handle_skb(ctx, (struct sk_buff *)ctx[0], patched_hook_id(), 0, 0, VISTA_EVF_PROG_ENTRY, false);
}

SEC("?fexit/vista_template")
int fexit_tc(__u64 *ctx)
{
	return handle_skb(ctx, (struct sk_buff *)ctx[0], patched_hook_id(), 0, (__u32)ctx[1], VISTA_EVF_PROG_EXIT,
			  false);
}

#endif /* VISTA_PROG_TRACE_BPF_H */
