/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading an skb's metadata and L3/L4 headers from BPF.
 *
 * Each reader takes `direct`, a constant at every call site: true where the
 * skb pointer is one the verifier types (tp_btf and fentry arguments), so
 * the skb's own number fields are plain loads (about a nanosecond each);
 * false for a kprobe register, where every field costs a
 * bpf_probe_read_kernel call. Pointers in the skb (dev, sk, head, data) and
 * what they point to are always read with bpf_probe_read_kernel (see
 * SKB_RD). The packet bytes themselves always need bpf_probe_read_kernel;
 * the headers are read in one call where they fit.
 */
#ifndef VISTA_SKB_PARSE_H
#define VISTA_SKB_PARSE_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#define ETH_HLEN_         14
#define ETH_P_IP_         0x0800
#define ETH_P_IPV6_       0x86DD
#define IPPROTO_HOPOPTS_  0
#define IPPROTO_ICMP_     1
#define IPPROTO_TCP_      6
#define IPPROTO_UDP_      17
#define IPPROTO_ROUTING_  43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_AH_       51
#define IPPROTO_ICMPV6_   58
#define IPPROTO_DSTOPTS_  60
#define IP_OFFSET_MASK_   0x1fff
#define IPV6_EXT_HDR_MAX  4

/*
 * skb->FIELD, for the skb's number fields only. Pointer fields are read
 * with BPF_CORE_READ, as numbers the verifier does not track:
 * - skb->head and skb->data loaded directly from a trusted skb are memory
 *   pointers of size 0 to the verifier, which then refuses the arithmetic
 *   and 32-bit spills done on them;
 * - for every pointer loaded from a trusted skb (tp_btf arguments), and from
 *   the socket that gives, the verifier looks up the field's type in the
 *   whole kernel BTF up to four times (is it an RCU or trusted pointer?),
 *   on every path it walks: with skb->dev and skb->sk loaded directly, a
 *   tracepoint program took 3 times as long to verify, and the tracer as
 *   long to become ready (482 ms to 1072 ms for 30 tracepoints).
 */
#define SKB_RD(direct, src, field) ((direct) ? (src)->field : BPF_CORE_READ(src, field))

/* The netns of the skb's device, or of its socket before a device is set; dev is skb->dev, already read. */
static __always_inline __u32 skb_netns_of(struct sk_buff *skb, struct net_device *dev)
{
	struct sock *sk;

	if (dev)
		return BPF_CORE_READ(dev, nd_net.net, ns.inum);
	sk = BPF_CORE_READ(skb, sk);
	return sk ? BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum) : 0;
}

static __always_inline __u32 skb_netns(struct sk_buff *skb)
{
	return skb_netns_of(skb, BPF_CORE_READ(skb, dev));
}

static __always_inline __u32 skb_ifindex(struct sk_buff *skb)
{
	struct net_device *dev = BPF_CORE_READ(skb, dev);

	return dev ? BPF_CORE_READ(dev, ifindex) : 0;
}

static __always_inline void skb_read_meta(struct sk_buff *skb, struct vista_meta *m, bool direct)
{
	struct net_device *dev = BPF_CORE_READ(skb, dev);

	m->len = SKB_RD(direct, skb, len);
	m->mark = SKB_RD(direct, skb, mark);
	m->protocol = bpf_ntohs(SKB_RD(direct, skb, protocol));
	m->pkt_type = direct ? BPF_CORE_READ_BITFIELD(skb, pkt_type) : BPF_CORE_READ_BITFIELD_PROBED(skb, pkt_type);
	if (dev) {
		m->ifindex = BPF_CORE_READ(dev, ifindex);
		m->mtu = BPF_CORE_READ(dev, mtu);
		bpf_probe_read_kernel_str(m->ifname, sizeof(m->ifname), dev->name);
	}
	m->netns = skb_netns_of(skb, dev);
}

/*
 * Where the L3 header starts, as an offset from skb->head, or 0 when the
 * skb has none yet (early on the transmit path the network header is not
 * set; on receive before eth_type_trans only the MAC header is).
 */
static __always_inline __u32 skb_l3_offset(struct sk_buff *skb, bool direct)
{
	__u16 nh = SKB_RD(direct, skb, network_header);
	__u16 mh;

	if (nh != 0 && nh != (__u16)~0U)
		return nh;
	mh = SKB_RD(direct, skb, mac_header);
	if (mh != (__u16)~0U && BPF_CORE_READ(skb, dev, type) == 1 /* ARPHRD_ETHER */)
		return mh + ETH_HLEN_;
	return 0;
}

/* The ports (ICMP: id and sequence), TCP flags, ICMP type and code, from the first 14 bytes of the L4 header. */
static __always_inline void parse_l4_bytes(const __u8 *b, __u8 proto, struct vista_tuple *t)
{
	t->l4_proto = proto;
	switch (proto) {
	case IPPROTO_TCP_:
		t->sport = (b[0] << 8) | b[1];
		t->dport = (b[2] << 8) | b[3];
		t->tcp_flags = b[13];
		break;
	case IPPROTO_UDP_:
		t->sport = (b[0] << 8) | b[1];
		t->dport = (b[2] << 8) | b[3];
		break;
	case IPPROTO_ICMP_:
	case IPPROTO_ICMPV6_:
		t->icmp_type = b[0];
		t->icmp_code = b[1];
		t->sport = (b[4] << 8) | b[5]; /* echo identifier */
		t->dport = (b[6] << 8) | b[7]; /* echo sequence */
		break;
	}
}

/* The same from kernel memory at l4 (an L4 header not in the bytes already read). */
static __always_inline void parse_l4(const unsigned char *l4, __u8 proto, struct vista_tuple *t)
{
	__u8 buf[14] = {};

	t->l4_proto = proto;
	/* A UDP header is 8 bytes: reading 14 could fail at the very end of the data. */
	if (bpf_probe_read_kernel(buf, proto == IPPROTO_TCP_ ? 14 : 8, l4))
		return;
	parse_l4_bytes(buf, proto, t);
}

/*
 * The bytes at the network header read at once: an IPv6 header, or an IPv4
 * one without options, followed by the part of a TCP header we use.
 */
#define L3_READ_LEN 56

static __always_inline void parse_ipv4(const unsigned char *l3, const __u8 *bytes, struct vista_tuple *t)
{
	const struct iphdr *ip = (const void *)bytes;

	t->l3 = 4;
	__builtin_memcpy(t->saddr, &ip->saddr, 4);
	__builtin_memcpy(t->daddr, &ip->daddr, 4);
	t->l4_proto = ip->protocol;
	/* Non-first fragments carry no L4 header. */
	if (bpf_ntohs(ip->frag_off) & IP_OFFSET_MASK_)
		return;
	if (ip->ihl == 5)
		parse_l4_bytes(bytes + 20, ip->protocol, t);
	else
		parse_l4(l3 + ip->ihl * 4, ip->protocol, t);
}

static __always_inline void parse_ipv6(const unsigned char *l3, const __u8 *bytes, struct vista_tuple *t)
{
	const struct ipv6hdr *ip6 = (const void *)bytes;
	const unsigned char *p;
	__u8 next;

	t->l3 = 6;
	__builtin_memcpy(t->saddr, &ip6->saddr, 16);
	__builtin_memcpy(t->daddr, &ip6->daddr, 16);
	next = ip6->nexthdr;
	p = l3 + sizeof(*ip6);

#pragma unroll
	for (int i = 0; i < IPV6_EXT_HDR_MAX; i++) {
		__u8 ext[4];

		if (next != IPPROTO_HOPOPTS_ && next != IPPROTO_ROUTING_ && next != IPPROTO_DSTOPTS_ &&
		    next != IPPROTO_FRAGMENT_ && next != IPPROTO_AH_) {
			if (i == 0) {
				parse_l4_bytes(bytes + sizeof(*ip6), next, t);
				return;
			}
			break;
		}
		if (bpf_probe_read_kernel(ext, sizeof(ext), p))
			return;
		if (next == IPPROTO_FRAGMENT_) {
			/* Only the first fragment (offset 0) has the L4 header. */
			if ((((ext[2] << 8) | ext[3]) & 0xfff8) != 0) {
				t->l4_proto = ext[0];
				return;
			}
			p += 8;
		} else if (next == IPPROTO_AH_) {
			p += (ext[1] + 2) * 4;
		} else {
			p += (ext[1] + 1) * 8;
		}
		next = ext[0];
	}
	parse_l4(p, next, t);
}

/*
 * The tuple of the IP packet at l3 (kernel memory). One read for the
 * headers: an skb's buffer always extends past its data (struct
 * skb_shared_info follows), so reading a little beyond a short packet
 * stays inside it.
 */
static __always_inline void parse_l3(const unsigned char *l3, struct vista_tuple *t)
{
	__u8 bytes[L3_READ_LEN];

	if (bpf_probe_read_kernel(bytes, sizeof(bytes), l3))
		return;
	if ((bytes[0] >> 4) == 4)
		parse_ipv4(l3, bytes, t);
	else if ((bytes[0] >> 4) == 6)
		parse_ipv6(l3, bytes, t);
}

/* The kernel address of the skb's L3 header, or 0 when it has none yet (skb_l3_offset). */
static __always_inline __u64 skb_l3_addr(struct sk_buff *skb, bool direct)
{
	unsigned char *head = BPF_CORE_READ(skb, head); /* a number, not a tracked pointer: see SKB_RD */
	__u32 off = skb_l3_offset(skb, direct);

	return off ? (__u64)head + off : 0;
}

/* The tuple of the skb, for a caller that goes on to test it (a filter). */
static __always_inline void skb_read_tuple_by(struct sk_buff *skb, struct vista_tuple *t, bool direct)
{
	__u64 l3 = skb_l3_addr(skb, direct);

	if (l3)
		parse_l3((const unsigned char *)l3, t);
}

static __always_inline void skb_read_tuple(struct sk_buff *skb, struct vista_tuple *t)
{
	skb_read_tuple_by(skb, t, false);
}

/*
 * The same parse as a global function: the verifier checks it once per
 * program rather than on every path that reaches it (with the tracking
 * path's parse inline, a tracepoint program verified 3,600 instructions
 * more). It writes to its caller's stack, and the verifier checks a global
 * function apart from its callers: what it believes of the tuple after the
 * call need not include those writes. So only callers that copy the tuple
 * into an event, and never test it, use this (skb_fill_tuple). t is never
 * NULL, but the verifier checks a global function for any argument.
 */
__noinline __u32 tuple_parse_at(struct vista_tuple *t, __u64 l3)
{
	if (t && l3)
		parse_l3((const unsigned char *)l3, t);
	return 0;
}

/* The tuple of the skb for an event that carries it, and nothing tests it: see tuple_parse_at. */
static __always_inline void skb_fill_tuple(struct sk_buff *skb, struct vista_tuple *t)
{
	tuple_parse_at(t, skb_l3_addr(skb, false));
}

#endif /* VISTA_SKB_PARSE_H */
