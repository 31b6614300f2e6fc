/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading an skb's metadata and L3/L4 headers from BPF.
 *
 * Every read goes through BPF_CORE_READ / bpf_probe_read_kernel so the same
 * code works whether the skb pointer came from a tp_btf argument, a kprobe
 * register or an fentry argument.
 */
#ifndef VISTA_SKB_PARSE_H
#define VISTA_SKB_PARSE_H

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
	return BPF_CORE_READ(skb, dev, ifindex);
}

static __always_inline void skb_read_meta(struct sk_buff *skb, struct vista_meta *m)
{
	struct net_device *dev = BPF_CORE_READ(skb, dev);

	m->len = BPF_CORE_READ(skb, len);
	m->mark = BPF_CORE_READ(skb, mark);
	m->protocol = bpf_ntohs(BPF_CORE_READ(skb, protocol));
	m->pkt_type = BPF_CORE_READ_BITFIELD_PROBED(skb, pkt_type);
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
static __always_inline __u32 skb_l3_offset(struct sk_buff *skb)
{
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__u16 mh = BPF_CORE_READ(skb, mac_header);

	if (nh != 0 && nh != (__u16)~0U)
		return nh;
	if (mh != (__u16)~0U && BPF_CORE_READ(skb, dev, type) == 1 /* ARPHRD_ETHER */)
		return mh + ETH_HLEN_;
	return 0;
}

static __always_inline void parse_l4(const unsigned char *l4, __u8 proto, struct vista_tuple *t)
{
	__u8 buf[14];

	t->l4_proto = proto;
	switch (proto) {
	case IPPROTO_TCP_:
		if (bpf_probe_read_kernel(buf, 14, l4))
			return;
		t->sport = (buf[0] << 8) | buf[1];
		t->dport = (buf[2] << 8) | buf[3];
		t->tcp_flags = buf[13];
		break;
	case IPPROTO_UDP_:
		if (bpf_probe_read_kernel(buf, 4, l4))
			return;
		t->sport = (buf[0] << 8) | buf[1];
		t->dport = (buf[2] << 8) | buf[3];
		break;
	case IPPROTO_ICMP_:
	case IPPROTO_ICMPV6_:
		if (bpf_probe_read_kernel(buf, 8, l4))
			return;
		t->icmp_type = buf[0];
		t->icmp_code = buf[1];
		t->sport = (buf[4] << 8) | buf[5]; /* echo identifier */
		t->dport = (buf[6] << 8) | buf[7]; /* echo sequence */
		break;
	}
}

static __always_inline void parse_ipv4(const unsigned char *l3, struct vista_tuple *t)
{
	struct iphdr ip;

	if (bpf_probe_read_kernel(&ip, sizeof(ip), l3))
		return;
	t->l3 = 4;
	__builtin_memcpy(t->saddr, &ip.saddr, 4);
	__builtin_memcpy(t->daddr, &ip.daddr, 4);
	t->l4_proto = ip.protocol;
	/* Non-first fragments carry no L4 header. */
	if (bpf_ntohs(ip.frag_off) & IP_OFFSET_MASK_)
		return;
	parse_l4(l3 + ip.ihl * 4, ip.protocol, t);
}

static __always_inline void parse_ipv6(const unsigned char *l3, struct vista_tuple *t)
{
	struct ipv6hdr ip6;
	const unsigned char *p;
	__u8 next;

	if (bpf_probe_read_kernel(&ip6, sizeof(ip6), l3))
		return;
	t->l3 = 6;
	__builtin_memcpy(t->saddr, &ip6.saddr, 16);
	__builtin_memcpy(t->daddr, &ip6.daddr, 16);
	next = ip6.nexthdr;
	p = l3 + sizeof(ip6);

#pragma unroll
	for (int i = 0; i < IPV6_EXT_HDR_MAX; i++) {
		__u8 ext[4];

		if (next != IPPROTO_HOPOPTS_ && next != IPPROTO_ROUTING_ && next != IPPROTO_DSTOPTS_ &&
		    next != IPPROTO_FRAGMENT_ && next != IPPROTO_AH_)
			break;
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

static __always_inline void skb_read_tuple(struct sk_buff *skb, struct vista_tuple *t)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u32 off = skb_l3_offset(skb);
	__u8 version;

	if (!off || bpf_probe_read_kernel(&version, 1, head + off))
		return;
	version >>= 4;
	if (version == 4)
		parse_ipv4(head + off, t);
	else if (version == 6)
		parse_ipv6(head + off, t);
}

#endif /* VISTA_SKB_PARSE_H */
