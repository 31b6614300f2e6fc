// SPDX-License-Identifier: GPL-2.0-only
/*
 * The frames of packets.h. Each packet is a line of the table below that says
 * what the frame carries; build_one() turns it into bytes and a description.
 * Lengths and checksums are computed from what was built, so a header lies
 * only where a line asks it to (ip_len_lies) and a frame is short only where a
 * line cuts it (cut).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packets.h"

/* Large enough for the biggest line: QinQ, IPv6 with five extension headers, TCP options and 1400 bytes of data. */
#define FRAME_MAX 2048
#define DESC_MAX  192

enum l3_kind {
	L3_IPV4,
	L3_IPV6,
	L3_ARP,
	L3_RARP,
	L3_ETHER, /* another EtherType (ethertype) followed by opaque data */
	L3_LLC,   /* 802.3: a length instead of an EtherType, then an LLC header */
};

/* Where a frame is truncated; every point is one where a filter's load can fall off the end. */
enum cut {
	CUT_NONE,
	CUT_AT_L3,    /* only the Ethernet header and its tags */
	CUT_IN_L3,    /* inside the fixed IP (or ARP) header, before the addresses */
	CUT_IN_ADDR,  /* inside the addresses (IPv4 source, IPv6 destination, ARP sender) */
	CUT_IN_EXT,   /* four bytes into the first IPv6 extension header */
	CUT_AT_L4,    /* every IP header complete, nothing of L4 */
	CUT_IN_L4,    /* three bytes of L4: the source port and half the destination port */
	CUT_AFTER_L4, /* the L4 header (with options) complete, no data */
};

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20
#define TH_ECE 0x40
#define TH_CWR 0x80

#define IP_DF 0x4000
#define IP_MF 0x2000

/* IPv6 extension headers, by their Next Header value. */
#define EXT_HBH  0
#define EXT_RT   43
#define EXT_FRAG 44
#define EXT_AH   51
#define EXT_DST  60

#define PROTO_NONE6 59 /* IPv6 "no next header" */

struct spec {
	enum l3_kind l3;
	const uint8_t *dmac, *smac;
	uint16_t tci[2]; /* VLAN tags, outermost first (PCP and VID) */
	uint8_t ntags;
	uint16_t outer_tpid;   /* of the outer tag; 0 means 0x8100 */
	uint16_t ethertype;    /* L3_ETHER only */
	const char *src, *dst; /* IP addresses; ARP sender and target */
	uint8_t proto;         /* IPv4 protocol, or the Next Header after the last IPv6 extension header */
	uint8_t tos;           /* IPv4 TOS, IPv6 traffic class */
	uint8_t ttl;           /* IPv4 TTL, IPv6 hop limit; 0 means 64 */
	uint16_t ip_id;        /* 0 means derived from the packet's index */
	uint32_t flow;         /* IPv6 flow label */
	uint8_t ipopt;         /* bytes of IPv4 options: 4 (router alert) or 8..40 (record route) */
	uint16_t frag;         /* IPv4: flags and offset as on the wire; IPv6: fragment header offset (bytes) | M */
	uint8_t ext[4];        /* IPv6 extension headers, in order */
	uint8_t n_ext;
	bool ip_len_lies;
	uint16_t ip_len; /* written into the IPv4 total / IPv6 payload length when ip_len_lies */
	uint16_t sport, dport;
	uint8_t tcp_flags;
	uint8_t tcpopt; /* bytes of TCP options: 4, 12, 20 or 40 */
	uint32_t seq;   /* 0 means derived from the packet's index */
	uint16_t win;   /* 0 means 64240 */
	uint16_t urp;
	uint16_t udp_len; /* UDP length field when it covers more than this fragment; 0 means computed */
	bool no_udp_csum;
	uint8_t icmp_type, icmp_code;
	const char *target; /* ND target; the original destination quoted by an ICMP error */
	uint16_t arp_op;
	uint16_t payload;
	uint8_t seed;    /* first byte of the data, which counts up from it */
	uint16_t pad_to; /* zero padding up to this frame length, as a NIC pads to Ethernet's 60-byte minimum */
	enum cut cut;
	const char *note; /* appended to the description */
};

static const uint8_t MAC_A[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 }; /* 10.199.0.1, fd00:199::1 */
static const uint8_t MAC_B[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 }; /* 10.199.0.2, fd00:199::2 */
static const uint8_t MAC_R[6] = { 0x52, 0x54, 0x00, 0xc0, 0x00, 0x02 }; /* router to 192.0.2/24, 2001:db8::/32 */
static const uint8_t MAC_BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MAC_MDNS4[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
static const uint8_t MAC_IGMP[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const uint8_t MAC_ALLNODES[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t MAC_ALLROUTERS[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t MAC_MLD2[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x16 };
static const uint8_t MAC_MDNS6[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0xfb };
static const uint8_t MAC_DHCP6[6] = { 0x33, 0x33, 0x00, 0x01, 0x00, 0x02 };
static const uint8_t MAC_SOLICIT_B[6] = { 0x33, 0x33, 0xff, 0x00, 0x00, 0x02 };
static const uint8_t MAC_LLDP[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };
static const uint8_t MAC_STP[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };

#define A4 "10.199.0.1"
#define B4 "10.199.0.2"
#define N4 "192.0.2.10"
#define M4 "192.0.2.200"
#define X4 "198.51.100.7"
#define A6 "fd00:199::1"
#define B6 "fd00:199::2"
#define D6 "2001:db8::5"
#define E6 "2001:db8:1::9"

/* Endpoints of a line: the frame's MACs and the IP addresses that go with them. */
#define IP4(sm, dm, s, d) .l3 = L3_IPV4, .smac = (sm), .dmac = (dm), .src = (s), .dst = (d)
#define IP6(sm, dm, s, d) .l3 = L3_IPV6, .smac = (sm), .dmac = (dm), .src = (s), .dst = (d)
#define V4_AB             IP4(MAC_A, MAC_B, A4, B4)
#define V4_BA             IP4(MAC_B, MAC_A, B4, A4)
#define V4_AN             IP4(MAC_A, MAC_R, A4, N4)
#define V4_NA             IP4(MAC_R, MAC_A, N4, A4)
#define V6_AB             IP6(MAC_A, MAC_B, A6, B6)
#define V6_BA             IP6(MAC_B, MAC_A, B6, A6)
#define V6_DA             IP6(MAC_R, MAC_A, D6, A6)
#define V6_AD             IP6(MAC_A, MAC_R, A6, D6)

#define TCP(s, d, f)     .proto = IPPROTO_TCP, .sport = (s), .dport = (d), .tcp_flags = (f)
#define UDP(s, d)        .proto = IPPROTO_UDP, .sport = (s), .dport = (d)
#define ICMP(t, c)       .proto = IPPROTO_ICMP, .icmp_type = (t), .icmp_code = (c)
#define ICMP6(t, c)      .proto = IPPROTO_ICMPV6, .icmp_type = (t), .icmp_code = (c)
#define VLAN(t)          .ntags = 1, .tci = { (t) }
#define QINQ(p, o, i)    .ntags = 2, .outer_tpid = (p), .tci = { (o), (i) }
#define EXT1(a)          .n_ext = 1, .ext = { (a) }
#define EXT2(a, b)       .n_ext = 2, .ext = { (a), (b) }
#define EXT4(a, b, c, d) .n_ext = 4, .ext = { (a), (b), (c), (d) }

static const struct spec corpus_specs[] = {
	/* ---- IPv4 TCP: a connection's life, odd flag combinations, options */
	{ V4_AB, TCP(40000, 80, TH_SYN), .tcpopt = 20, .frag = IP_DF },
	{ V4_BA, TCP(80, 40000, TH_SYN | TH_ACK), .tcpopt = 20, .frag = IP_DF },
	{ V4_AB, TCP(40000, 80, TH_ACK), .tcpopt = 12, .frag = IP_DF },
	{ V4_AB, TCP(40000, 80, TH_PSH | TH_ACK), .tcpopt = 12, .payload = 100, .frag = IP_DF },
	{ V4_BA, TCP(80, 40000, TH_ACK), .payload = 1400, .frag = IP_DF },
	{ V4_AB, TCP(40000, 80, TH_FIN | TH_ACK), .frag = IP_DF },
	{ V4_BA, TCP(80, 40000, TH_RST), .pad_to = 60 },
	{ V4_BA, TCP(80, 40000, TH_RST | TH_ACK) },
	{ V4_AB, TCP(40000, 80, TH_URG | TH_PSH | TH_ACK), .urp = 10, .payload = 20 },
	{ V4_AB, TCP(40001, 443, TH_SYN | TH_ECE | TH_CWR), .tcpopt = 20, .frag = IP_DF },
	{ V4_AB, TCP(40002, 22, TH_FIN | TH_PSH | TH_URG), .urp = 1, .note = "xmas" },
	{ V4_AB, TCP(40003, 22, 0), .note = "null scan" },
	{ V4_AB, TCP(40004, 5201, TH_SYN | TH_FIN) },
	{ V4_AB, TCP(5201, 5201, TH_ACK), .payload = 10 },
	{ V4_NA, TCP(40010, 22, TH_SYN), .tcpopt = 4, .ttl = 51 },
	{ V4_AN, TCP(22, 40010, TH_PSH | TH_ACK), .payload = 512, .frag = IP_DF },
	{ V4_AB, TCP(40005, 65535, TH_SYN), .tcpopt = 40, .seq = 0x01020304 },
	{ V4_BA, TCP(65535, 40005, TH_ACK), .win = 512, .payload = 64 },
	{ IP4(MAC_A, MAC_R, A4, M4), TCP(40006, 443, TH_PSH | TH_ACK), .payload = 1000, .tos = 0x10, .ip_id = 0x1234 },
	{ IP4(MAC_R, MAC_A, X4, A4), TCP(1024, 80, TH_PSH | TH_ACK), .ttl = 128, .payload = 7 },
	{ V4_AB, TCP(0, 0, TH_SYN), .note = "port 0" },
	{ V4_AB, TCP(40030, 53, TH_PSH | TH_ACK), .payload = 60, .frag = IP_DF, .note = "dns over tcp" },

	/* ---- IPv6 TCP */
	{ V6_AB, TCP(40000, 443, TH_SYN), .tcpopt = 20, .flow = 0x12345 },
	{ V6_BA, TCP(443, 40000, TH_SYN | TH_ACK), .tcpopt = 20, .flow = 0xabcde },
	{ V6_AB, TCP(40000, 443, TH_PSH | TH_ACK), .tcpopt = 12, .payload = 300, .tos = 0x28, .flow = 0x12345 },
	{ V6_BA, TCP(443, 40000, TH_FIN | TH_ACK) },
	{ V6_AB, TCP(40001, 22, TH_RST) },
	{ V6_DA, TCP(50000, 80, TH_SYN), .tcpopt = 20, .ttl = 50 },
	{ V6_AD, TCP(80, 50000, TH_ACK), .payload = 1400 },
	{ IP6(MAC_A, MAC_R, A6, E6), TCP(40002, 5201, TH_SYN), .ttl = 255 },
	{ V6_AB, TCP(40003, 22, TH_FIN | TH_PSH | TH_URG), .note = "xmas" },

	/* ---- IPv4 UDP, unicast, multicast and broadcast */
	{ V4_AB, UDP(40001, 53), .payload = 30 },
	{ V4_BA, UDP(53, 40001), .payload = 120 },
	{ V4_AN, UDP(40002, 53), .payload = 40, .no_udp_csum = true },
	{ V4_AB, UDP(40003, 5201), .payload = 1400, .tos = 0xb8 },
	{ V4_AB, UDP(65535, 65535), .payload = 20 },
	{ V4_AB, UDP(40004, 9), .pad_to = 60 },
	{ IP4(MAC_A, MAC_MDNS4, A4, "224.0.0.251"), UDP(5353, 5353), .ttl = 255, .payload = 50 },
	{ IP4(MAC_A, MAC_BCAST, "0.0.0.0", "255.255.255.255"), UDP(68, 67), .payload = 300 },
	{ IP4(MAC_A, MAC_BCAST, A4, "10.199.0.255"), UDP(137, 137), .payload = 50 },
	{ V4_AN, UDP(40005, 33434), .ttl = 1, .payload = 32, .note = "traceroute probe" },
	{ V4_AB, UDP(40006, 5201), .payload = 1, .seed = 0x55 },

	/* ---- IPv6 UDP */
	{ V6_AB, UDP(40000, 53), .payload = 30 },
	{ V6_BA, UDP(53, 40000), .payload = 200 },
	{ V6_DA, UDP(53, 40001), .payload = 100 },
	{ V6_AB, UDP(40002, 5201), .payload = 1400 },
	{ IP6(MAC_A, MAC_MDNS6, A6, "ff02::fb"), UDP(5353, 5353), .ttl = 255, .payload = 60 },
	{ IP6(MAC_A, MAC_DHCP6, "fe80::a", "ff02::1:2"), UDP(546, 547), .ttl = 1, .payload = 40 },
	{ V6_BA, UDP(65535, 65535) },
	{ V6_AB, UDP(40031, 443), .payload = 1200, .flow = 0x54321, .note = "quic" },

	/* ---- ICMP */
	{ V4_AB, ICMP(8, 0), .payload = 56 },
	{ V4_BA, ICMP(0, 0), .payload = 56 },
	{ V4_AN, ICMP(8, 0), .payload = 1400, .note = "big ping" },
	{ V4_BA, ICMP(3, 3), .note = "port unreachable" },
	{ V4_NA, ICMP(11, 0), .ttl = 255, .target = "203.0.113.9" },
	{ V4_NA, ICMP(3, 1), .target = "203.0.113.9", .note = "host unreachable" },
	{ V4_AB, ICMP(8, 0), .payload = 20, .ip_id = 0x1234 },
	{ V4_BA, ICMP(0, 0), .pad_to = 60 },

	/* ---- ICMPv6: echo, neighbour discovery, errors, MLD */
	{ V6_AB, ICMP6(128, 0), .payload = 56 },
	{ V6_BA, ICMP6(129, 0), .payload = 56 },
	{ IP6(MAC_A, MAC_SOLICIT_B, A6, "ff02::1:ff00:2"), ICMP6(135, 0), .ttl = 255, .target = B6 },
	{ V6_BA, ICMP6(136, 0), .ttl = 255, .target = B6 },
	{ IP6(MAC_A, MAC_ALLROUTERS, "fe80::a", "ff02::2"), ICMP6(133, 0), .ttl = 255 },
	{ IP6(MAC_R, MAC_ALLNODES, "fe80::1", "ff02::1"), ICMP6(134, 0), .ttl = 255 },
	{ V6_BA, ICMP6(1, 4), .note = "port unreachable" },
	{ V6_DA, ICMP6(128, 0), .payload = 1000 },
	{ IP6(MAC_A, MAC_MLD2, "fe80::a", "ff02::16"), ICMP6(143, 0), .ttl = 1, EXT1(EXT_HBH) },

	/* ---- ARP and RARP */
	{ .l3 = L3_ARP, .arp_op = 1, .smac = MAC_A, .dmac = MAC_BCAST, .src = A4, .dst = B4, .pad_to = 60 },
	{ .l3 = L3_ARP, .arp_op = 2, .smac = MAC_B, .dmac = MAC_A, .src = B4, .dst = A4 },
	{ .l3 = L3_ARP, .arp_op = 1, .smac = MAC_B, .dmac = MAC_BCAST, .src = B4, .dst = B4, .note = "gratuitous" },
	{ .l3 = L3_ARP, .arp_op = 1, .smac = MAC_B, .dmac = MAC_A, .src = B4, .dst = A4, .note = "unicast probe" },
	{ .l3 = L3_ARP, .arp_op = 2, .smac = MAC_R, .dmac = MAC_A, .src = "10.199.0.254", .dst = A4 },
	{ .l3 = L3_RARP, .arp_op = 3, .smac = MAC_A, .dmac = MAC_BCAST, .src = "0.0.0.0", .dst = "0.0.0.0" },

	/* ---- other protocols on the wire */
	{ .l3 = L3_ETHER, .ethertype = 0x88cc, .smac = MAC_A, .dmac = MAC_LLDP, .payload = 40, .note = "lldp" },
	{ .l3 = L3_LLC, .smac = MAC_B, .dmac = MAC_STP, .payload = 35, .note = "stp" },
	{ .l3 = L3_ETHER, .ethertype = 0x88b5, .smac = MAC_A, .dmac = MAC_B, .payload = 46 },
	{ V4_AB, .proto = IPPROTO_GRE, .payload = 24 },
	{ IP4(MAC_A, MAC_IGMP, A4, "224.0.0.1"), .proto = IPPROTO_IGMP, .ttl = 1, .ipopt = 4 },
	{ V6_AB, .proto = PROTO_NONE6 },

	/* ---- one 802.1Q tag (PCP bits set on some) */
	{ V4_AB, TCP(40000, 80, TH_SYN), .tcpopt = 20, .frag = IP_DF, VLAN(100) },
	{ V4_BA, TCP(80, 40000, TH_SYN | TH_ACK), .tcpopt = 20, .frag = IP_DF, VLAN(100) },
	{ V4_AB, UDP(40001, 53), .payload = 30, VLAN(100) },
	{ V4_AB, UDP(40001, 53), .payload = 30, VLAN(200) },
	{ V4_AB, ICMP(8, 0), .payload = 56, VLAN(100) },
	{ .l3 = L3_ARP, .arp_op = 1, .smac = MAC_A, .dmac = MAC_BCAST, .src = A4, .dst = B4, VLAN(100) },
	{ .l3 = L3_ARP, .arp_op = 2, .smac = MAC_B, .dmac = MAC_A, .src = B4, .dst = A4, VLAN(100) },
	{ V6_AB, TCP(40000, 443, TH_SYN), .tcpopt = 20, VLAN(100) },
	{ V6_AB, TCP(40000, 443, TH_PSH | TH_ACK), .payload = 300, VLAN(200) },
	{ IP6(MAC_A, MAC_SOLICIT_B, A6, "ff02::1:ff00:2"), ICMP6(135, 0), .ttl = 255, .target = B6, VLAN(100) },
	{ IP4(MAC_A, MAC_R, A4, M4), TCP(40006, 443, TH_PSH | TH_ACK), .payload = 200, VLAN(0xa064) },
	{ V4_AB, UDP(40003, 5201), .payload = 1400, VLAN(4094) },
	{ V4_AB, TCP(40007, 80, TH_ACK), .payload = 10, VLAN(0x6000), .note = "priority tagged" },
	{ V6_BA, UDP(53, 40000), .payload = 80, VLAN(300) },

	/* ---- QinQ */
	{ V6_AB, TCP(40000, 80, TH_SYN), .tcpopt = 20, QINQ(0x88a8, 300, 100) },
	{ V4_AB, UDP(40001, 53), .payload = 30, QINQ(0x8100, 200, 100) },
	{ .l3 = L3_ARP, .arp_op = 1, .smac = MAC_A, .dmac = MAC_BCAST, .src = A4, .dst = B4, QINQ(0x88a8, 300, 100) },
	{ V4_AB, TCP(40000, 80, TH_SYN), QINQ(0x8100, 100, 200) },

	/* ---- IPv4 options (IHL > 5) */
	{ V4_AB, TCP(40000, 80, TH_SYN), .ipopt = 4 },
	{ V4_AB, UDP(40001, 53), .ipopt = 8, .payload = 30 },
	{ V4_AB, ICMP(8, 0), .ipopt = 12, .payload = 56 },
	{ V4_AB, TCP(40000, 80, TH_PSH | TH_ACK), .ipopt = 40, .tcpopt = 40, .payload = 100 },
	{ V4_BA, TCP(80, 40000, TH_ACK), .ipopt = 20, .payload = 50, VLAN(100) },

	/* ---- IPv4 fragments: one 3008-byte UDP datagram in three, small TCP and ICMP ones */
	{ V4_AB, UDP(40010, 5201), .udp_len = 3008, .payload = 1472, .frag = IP_MF, .ip_id = 0x4242 },
	{ V4_AB, .proto = IPPROTO_UDP, .payload = 1480, .frag = IP_MF | 185, .ip_id = 0x4242 },
	{ V4_AB, .proto = IPPROTO_UDP, .payload = 48, .frag = 370, .ip_id = 0x4242 },
	{ V4_AB, TCP(40011, 80, TH_PSH | TH_ACK), .payload = 100, .frag = IP_MF, .ip_id = 0x4243 },
	{ V4_AB, .proto = IPPROTO_TCP, .payload = 40, .frag = 15, .ip_id = 0x4243 },
	{ V4_AB, ICMP(8, 0), .payload = 1472, .frag = IP_MF, .ip_id = 0x4244 },
	{ V4_AB, .proto = IPPROTO_ICMP, .payload = 528, .frag = 185, .ip_id = 0x4244 },
	{ V4_AB, .proto = IPPROTO_UDP, .payload = 200, .frag = IP_MF | 100, .ip_id = 0x4245, VLAN(100) },

	/* ---- IPv6 extension headers before the upper layer */
	{ V6_AB, TCP(40000, 80, TH_SYN), EXT1(EXT_HBH) },
	{ V6_AB, UDP(40000, 53), .payload = 30, EXT1(EXT_RT) },
	{ V6_AB, TCP(40003, 80, TH_PSH | TH_ACK), .payload = 1212, .frag = 1, EXT1(EXT_FRAG) },
	{ V6_AB, .proto = IPPROTO_TCP, .payload = 200, .frag = 1232, EXT1(EXT_FRAG) },
	{ V6_AB, UDP(40002, 5201), .payload = 1400, .frag = 1, EXT1(EXT_FRAG) },
	{ V6_BA, UDP(53, 40000), .payload = 64, EXT1(EXT_DST) },
	{ V6_AB, TCP(40004, 443, TH_SYN), .tcpopt = 20, EXT4(EXT_HBH, EXT_DST, EXT_RT, EXT_FRAG) },
	{ V6_AB, TCP(40005, 22, TH_PSH | TH_ACK), .payload = 48, EXT1(EXT_AH) },
	{ V6_AB, ICMP6(128, 0), .payload = 32, EXT1(EXT_DST) },
	{ V6_AB, TCP(40006, 80, TH_SYN), EXT2(EXT_HBH, EXT_RT), VLAN(100) },
	{ V6_AB, UDP(40007, 53), .payload = 30, EXT2(EXT_HBH, EXT_FRAG), .note = "atomic fragment" },

	/* ---- truncated frames */
	{ V4_AB, TCP(40000, 80, TH_SYN), .tcpopt = 20, .cut = CUT_AT_L3 },
	{ V4_AB, TCP(40000, 80, TH_SYN), .tcpopt = 20, .cut = CUT_IN_L3 },
	{ V4_AB, TCP(40000, 80, TH_SYN), .tcpopt = 20, .cut = CUT_IN_ADDR },
	{ V4_AB, TCP(40000, 80, TH_PSH | TH_ACK), .payload = 100, .cut = CUT_AT_L4 },
	{ V4_AB, TCP(40000, 80, TH_PSH | TH_ACK), .payload = 100, .cut = CUT_IN_L4 },
	{ V4_AB, TCP(40000, 80, TH_PSH | TH_ACK), .tcpopt = 12, .payload = 100, .cut = CUT_AFTER_L4 },
	{ V4_AB, UDP(40001, 53), .payload = 30, .cut = CUT_IN_L4 },
	{ V4_AB, UDP(40001, 53), .payload = 30, .cut = CUT_AFTER_L4 },
	{ V4_AB, ICMP(8, 0), .payload = 56, .cut = CUT_IN_L4 },
	{ V4_AB, TCP(40000, 80, TH_ACK), .ipopt = 12, .payload = 20, .cut = CUT_AT_L4 },
	{ V6_AB, TCP(40000, 443, TH_SYN), .tcpopt = 20, .cut = CUT_IN_L3 },
	{ V6_AB, TCP(40000, 443, TH_SYN), .tcpopt = 20, .cut = CUT_IN_ADDR },
	{ V6_AB, TCP(40000, 443, TH_SYN), .tcpopt = 20, .cut = CUT_AT_L4 },
	{ V6_AB, TCP(40000, 443, TH_SYN), .tcpopt = 20, .cut = CUT_IN_L4 },
	{ V6_AB, UDP(40000, 53), .payload = 30, .cut = CUT_AFTER_L4 },
	{ V6_AB, TCP(40000, 80, TH_SYN), EXT1(EXT_HBH), .cut = CUT_IN_EXT },
	{ V6_AB, TCP(40004, 443, TH_SYN), EXT4(EXT_HBH, EXT_DST, EXT_RT, EXT_FRAG), .cut = CUT_AT_L4 },
	{ V4_AB, TCP(40000, 80, TH_SYN), VLAN(100), .cut = CUT_AT_L3 },
	{ V4_AB, TCP(40000, 80, TH_SYN), VLAN(100), .cut = CUT_IN_L4 },
	{ .l3 = L3_ARP, .arp_op = 1, .smac = MAC_A, .dmac = MAC_BCAST, .src = A4, .dst = B4, .cut = CUT_IN_ADDR },

	/* ---- IP length fields that lie about the frame */
	{ V4_AB, TCP(40000, 80, TH_PSH | TH_ACK), .payload = 40, .ip_len_lies = true, .ip_len = 1500 },
	{ V4_AB, UDP(40001, 53), .payload = 100, .ip_len_lies = true, .ip_len = 28 },
	{ V4_AB, TCP(40000, 80, TH_ACK), .ip_len_lies = true, .ip_len = 10 },
	{ V4_AB, ICMP(8, 0), .payload = 56, .ip_len_lies = true, .ip_len = 0 },
	{ V6_AB, TCP(40000, 443, TH_PSH | TH_ACK), .payload = 100, .ip_len_lies = true, .ip_len = 0 },
	{ V6_AB, UDP(40000, 53), .payload = 30, .ip_len_lies = true, .ip_len = 65535 },
};

/* Data sizes swept on top of the table, so that length tests meet every side of their bound. */
static const uint16_t tcp4_sweep[] = { 0, 1, 63, 64, 255, 256, 511, 513, 1023, 1399 };
static const uint16_t udp6_sweep[] = { 0, 1, 17, 128, 700, 1024, 1399 };

#define SWEEP_COUNT (sizeof(tcp4_sweep) / sizeof(tcp4_sweep[0]) + sizeof(udp6_sweep) / sizeof(udp6_sweep[0]))
#define SPEC_COUNT  (sizeof(corpus_specs) / sizeof(corpus_specs[0]))

struct frame {
	uint8_t b[FRAME_MAX];
	size_t len;
	bool broken; /* a line asked for more than FRAME_MAX bytes or named an invalid address */
};

/* Offsets recorded while building, for length fields, checksums and cuts. */
struct layout {
	size_t l3, ext, l4, l4_end;
	size_t final_dst; /* where the routing header keeps the final destination, or 0 */
	bool has_l4;
};

static void put_mem(struct frame *f, const void *p, size_t n)
{
	if (f->broken || f->len + n > FRAME_MAX) {
		f->broken = true;
		return;
	}
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void put8(struct frame *f, uint8_t v)
{
	put_mem(f, &v, 1);
}

static void put16(struct frame *f, uint16_t v)
{
	uint8_t b[2] = { v >> 8, v & 0xff };

	put_mem(f, b, 2);
}

static void put32(struct frame *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

static void put_zero(struct frame *f, size_t n)
{
	static const uint8_t zero[FRAME_MAX];

	put_mem(f, zero, n);
}

static void set16(struct frame *f, size_t off, uint16_t v)
{
	if (f->broken || off + 2 > f->len)
		return;
	f->b[off] = v >> 8;
	f->b[off + 1] = v & 0xff;
}

static void put_addr(struct frame *f, int family, const char *text)
{
	uint8_t a[16];

	if (!text || inet_pton(family, text, a) != 1) {
		f->broken = true;
		return;
	}
	put_mem(f, a, family == AF_INET ? 4 : 16);
}

static void put_data(struct frame *f, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		put8(f, (uint8_t)(seed + i));
}

/* The Internet checksum (RFC 1071), summed over pieces of even length but the last. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put_eth(struct frame *f, const struct spec *s, uint16_t type)
{
	put_mem(f, s->dmac, 6);
	put_mem(f, s->smac, 6);
	for (unsigned i = 0; i < s->ntags; i++) {
		put16(f, i == 0 && s->outer_tpid ? s->outer_tpid : 0x8100);
		put16(f, s->tci[i]);
	}
	put16(f, type);
}

/* A router alert for 4 bytes (what IGMP carries), otherwise an empty record route and an end of list. */
static void put_ipv4_options(struct frame *f, uint8_t len)
{
	if (len % 4 || len > 40) {
		f->broken = true;
		return;
	}
	if (len == 4) {
		put32(f, 0x94040000);
		return;
	}
	put8(f, 7);
	put8(f, len - 1);
	put8(f, 4);
	put_zero(f, len - 4);
	put8(f, 0);
}

/* MSS; NOP NOP timestamps; Linux's SYN options; the same with two SACK blocks. */
static void put_tcp_options(struct frame *f, uint8_t len)
{
	static const uint8_t syn[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0x10, 0, 0, 0, 0, 0, 1, 3, 3, 7 };
	static const uint8_t ts[12] = { 1, 1, 8, 10, 0, 0, 0x10, 0x20, 0, 0, 0x0f, 0xf0 };
	static const uint8_t sack[20] = { 5, 18, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 1, 1 };

	if (len == 4)
		put_mem(f, syn, 4);
	else if (len == 12)
		put_mem(f, ts, 12);
	else if (len >= 20)
		put_mem(f, syn, 20);
	if (len == 40)
		put_mem(f, sack, 20);
	if (len != 0 && len != 4 && len != 12 && len != 20 && len != 40)
		f->broken = true;
}

static void put_tcp(struct frame *f, const struct spec *s, size_t idx)
{
	uint32_t seq = s->seq ? s->seq : 0x10000000 + (uint32_t)idx * 0x1000;

	put16(f, s->sport);
	put16(f, s->dport);
	put32(f, seq);
	put32(f, s->tcp_flags & TH_ACK ? 0x20000000 + (uint32_t)idx * 0x10 : 0);
	put8(f, (uint8_t)((20 + s->tcpopt) / 4) << 4);
	put8(f, s->tcp_flags);
	put16(f, s->win ? s->win : 64240);
	put16(f, 0);
	put16(f, s->urp);
	put_tcp_options(f, s->tcpopt);
}

static void put_udp(struct frame *f, const struct spec *s)
{
	put16(f, s->sport);
	put16(f, s->dport);
	put16(f, s->udp_len ? s->udp_len : 8 + s->payload);
	put16(f, 0);
}

/* The datagram an ICMP error quotes: an IPv4 or IPv6 header and the first 8 bytes of UDP, sent to the error's sender.
 */
static void put_quoted_datagram(struct frame *f, const struct spec *s, int family)
{
	const char *orig_dst = s->target ? s->target : s->src;
	size_t start = f->len;

	if (family == AF_INET) {
		put32(f, 0x45000000 | 58);
		put32(f, 0x00010000);
		put32(f, 0x40110000);
		put_addr(f, AF_INET, s->dst);
		put_addr(f, AF_INET, orig_dst);
		set16(f, start + 10, csum_fold(csum_add(0, f->b + start, 20)));
	} else {
		put32(f, 0x60000000);
		put16(f, 38);
		put8(f, IPPROTO_UDP);
		put8(f, 64);
		put_addr(f, AF_INET6, s->dst);
		put_addr(f, AF_INET6, orig_dst);
	}
	put16(f, 40001);
	put16(f, 53);
	put16(f, 38);
	put16(f, 0);
}

static void put_icmp(struct frame *f, const struct spec *s, size_t idx)
{
	put8(f, s->icmp_type);
	put8(f, s->icmp_code);
	put16(f, 0);
	if (s->icmp_type == 3 || s->icmp_type == 11) {
		put32(f, 0);
		put_quoted_datagram(f, s, AF_INET);
		return;
	}
	put16(f, 0x1234);
	put16(f, (uint16_t)idx);
}

static void put_icmp6(struct frame *f, const struct spec *s, size_t idx)
{
	put8(f, s->icmp_type);
	put8(f, s->icmp_code);
	put16(f, 0);
	switch (s->icmp_type) {
	case 1: /* destination unreachable */
		put32(f, 0);
		put_quoted_datagram(f, s, AF_INET6);
		break;
	case 133: /* router solicitation, with the source link-layer address */
		put32(f, 0);
		put16(f, 0x0101);
		put_mem(f, s->smac, 6);
		break;
	case 134: /* router advertisement */
		put32(f, 0x40000708);
		put32(f, 0);
		put32(f, 0);
		put16(f, 0x0101);
		put_mem(f, s->smac, 6);
		break;
	case 135: /* neighbour solicitation */
	case 136: /* neighbour advertisement: solicited, override */
		put32(f, s->icmp_type == 136 ? 0x60000000 : 0);
		put_addr(f, AF_INET6, s->target);
		put16(f, s->icmp_type == 136 ? 0x0201 : 0x0101);
		put_mem(f, s->smac, 6);
		break;
	case 143: /* MLDv2 report: one record, joining ff02::fb */
		put16(f, 0);
		put16(f, 1);
		put32(f, 0x04000000);
		put_addr(f, AF_INET6, "ff02::fb");
		break;
	default: /* echo request and reply */
		put16(f, 0x1234);
		put16(f, (uint16_t)idx);
		break;
	}
}

static void put_l4(struct frame *f, const struct spec *s, size_t idx)
{
	switch (s->proto) {
	case IPPROTO_TCP:
		put_tcp(f, s, idx);
		break;
	case IPPROTO_UDP:
		put_udp(f, s);
		break;
	case IPPROTO_ICMP:
		put_icmp(f, s, idx);
		break;
	case IPPROTO_ICMPV6:
		put_icmp6(f, s, idx);
		break;
	case IPPROTO_IGMP: /* a general membership query */
		put32(f, 0x11640000);
		put32(f, 0);
		break;
	case IPPROTO_GRE: /* no flags, carrying IPv4 */
		put32(f, 0x00000800);
		break;
	default:
		break;
	}
}

/* Where an upper layer keeps its checksum, and whether a pseudo-header is part of it. */
static int l4_csum_offset(uint8_t proto, bool *pseudo)
{
	*pseudo = true;
	switch (proto) {
	case IPPROTO_TCP:
		return 16;
	case IPPROTO_UDP:
		return 6;
	case IPPROTO_ICMPV6:
		return 2;
	case IPPROTO_ICMP:
	case IPPROTO_IGMP:
		*pseudo = false;
		return 2;
	default:
		return -1;
	}
}

/*
 * The checksum over what this frame holds; a first fragment's therefore
 * covers only its own part of the datagram, which no filter looks at.
 */
static void fill_l4_csum(struct frame *f, const struct spec *s, const struct layout *lo, bool v6)
{
	size_t l4len = f->len - lo->l4;
	uint32_t sum = 0;
	bool pseudo;
	int off = l4_csum_offset(s->proto, &pseudo);
	uint16_t csum;

	if (!lo->has_l4 || off < 0 || lo->l4_end < lo->l4 + (size_t)off + 2)
		return;
	if (pseudo && v6) {
		/* With a routing header, the pseudo-header names the final destination (RFC 8200 8.1). */
		sum = csum_add(sum, f->b + lo->l3 + 8, 16);
		sum = csum_add(sum, f->b + (lo->final_dst ? lo->final_dst : lo->l3 + 24), 16);
		sum += (uint32_t)(l4len >> 16) + (uint32_t)(l4len & 0xffff) + s->proto;
	} else if (pseudo) {
		sum = csum_add(sum, f->b + lo->l3 + 12, 8);
		sum += (uint32_t)l4len + s->proto;
	}
	csum = csum_fold(csum_add(sum, f->b + lo->l4, l4len));
	if (s->proto == IPPROTO_UDP && csum == 0)
		csum = 0xffff;
	if (s->proto == IPPROTO_UDP && s->no_udp_csum)
		csum = 0;
	set16(f, lo->l4 + (size_t)off, csum);
}

static void build_ipv4(struct frame *f, const struct spec *s, struct layout *lo, size_t idx)
{
	size_t hlen = 20 + s->ipopt;

	put8(f, 0x40 | (uint8_t)(hlen / 4));
	put8(f, s->tos);
	put16(f, 0);
	put16(f, s->ip_id ? s->ip_id : (uint16_t)(0x100 + idx));
	put16(f, s->frag);
	put8(f, s->ttl ? s->ttl : 64);
	put8(f, s->proto);
	put16(f, 0);
	put_addr(f, AF_INET, s->src);
	put_addr(f, AF_INET, s->dst);
	if (s->ipopt)
		put_ipv4_options(f, s->ipopt);
	lo->l4 = lo->ext = f->len;
	/* Only the fragment at offset 0 carries the upper-layer header. */
	lo->has_l4 = (s->frag & 0x1fff) == 0;
	if (lo->has_l4)
		put_l4(f, s, idx);
	lo->l4_end = f->len;
	put_data(f, s->payload, s->seed);
	set16(f, lo->l3 + 2, s->ip_len_lies ? s->ip_len : (uint16_t)(f->len - lo->l3));
	if (!f->broken)
		set16(f, lo->l3 + 10, csum_fold(csum_add(0, f->b + lo->l3, hlen)));
	fill_l4_csum(f, s, lo, false);
}

static void put_ipv6_ext(struct frame *f, const struct spec *s, struct layout *lo, uint8_t type, uint8_t next)
{
	put8(f, next);
	switch (type) {
	case EXT_HBH: /* router alert, then PadN */
		put8(f, 0);
		put32(f, 0x05020000);
		put16(f, 0x0100);
		break;
	case EXT_DST: /* PadN only */
		put8(f, 0);
		put16(f, 0x0104);
		put32(f, 0);
		break;
	case EXT_RT: /* type 2 (Mobile IPv6), one segment left */
		put8(f, 2);
		put8(f, 2);
		put8(f, 1);
		put32(f, 0);
		lo->final_dst = f->len;
		put_addr(f, AF_INET6, D6);
		break;
	case EXT_FRAG:
		put8(f, 0);
		put16(f, s->frag);
		put32(f, 0x00c0ffee);
		break;
	case EXT_AH: /* 24 bytes: SPI, sequence and a 96-bit ICV */
		put8(f, 4);
		put16(f, 0);
		put32(f, 0x100);
		put32(f, 1);
		put_data(f, 12, 0xa0);
		break;
	default:
		f->broken = true;
		break;
	}
}

static void build_ipv6(struct frame *f, const struct spec *s, struct layout *lo, size_t idx)
{
	put32(f, 0x60000000 | (uint32_t)s->tos << 20 | (s->flow & 0xfffff));
	put16(f, 0);
	put8(f, s->n_ext ? s->ext[0] : s->proto);
	put8(f, s->ttl ? s->ttl : 64);
	put_addr(f, AF_INET6, s->src);
	put_addr(f, AF_INET6, s->dst);
	lo->ext = f->len;
	lo->has_l4 = s->proto != PROTO_NONE6;
	for (unsigned i = 0; i < s->n_ext; i++) {
		put_ipv6_ext(f, s, lo, s->ext[i], i + 1 < s->n_ext ? s->ext[i + 1] : s->proto);
		if (s->ext[i] == EXT_FRAG && (s->frag & 0xfff8))
			lo->has_l4 = false;
	}
	lo->l4 = f->len;
	if (lo->has_l4)
		put_l4(f, s, idx);
	lo->l4_end = f->len;
	put_data(f, s->payload, s->seed);
	set16(f, lo->l3 + 4, s->ip_len_lies ? s->ip_len : (uint16_t)(f->len - lo->l3 - 40));
	fill_l4_csum(f, s, lo, true);
}

static void build_arp(struct frame *f, const struct spec *s, struct layout *lo)
{
	bool request = s->arp_op == 1 || s->arp_op == 3;

	put16(f, 1);
	put16(f, 0x0800);
	put8(f, 6);
	put8(f, 4);
	put16(f, s->arp_op);
	put_mem(f, s->smac, 6);
	put_addr(f, AF_INET, s->src);
	if (s->arp_op == 3)
		put_mem(f, s->smac, 6);
	else if (request)
		put_zero(f, 6);
	else
		put_mem(f, s->dmac, 6);
	put_addr(f, AF_INET, s->dst);
	lo->l4 = lo->ext = lo->l4_end = f->len;
}

/* The frame length a cut leaves, or the whole frame. */
static size_t cut_length(const struct spec *s, const struct layout *lo, size_t len)
{
	bool v6 = s->l3 == L3_IPV6;
	bool v4 = s->l3 == L3_IPV4;

	switch (s->cut) {
	case CUT_AT_L3:
		return lo->l3;
	case CUT_IN_L3:
		return lo->l3 + (v6 ? 7 : v4 ? 10 : 6);
	case CUT_IN_ADDR:
		return lo->l3 + (v6 ? 30 : v4 ? 14 : 10);
	case CUT_IN_EXT:
		return lo->ext + 4;
	case CUT_AT_L4:
		return lo->l4;
	case CUT_IN_L4:
		return lo->l4 + 3;
	case CUT_AFTER_L4:
		return lo->l4_end;
	default:
		return len;
	}
}

static const char *cut_name(enum cut c)
{
	switch (c) {
	case CUT_AT_L3:
		return "before the l3 header";
	case CUT_IN_L3:
		return "in the l3 header";
	case CUT_IN_ADDR:
		return "in an address";
	case CUT_IN_EXT:
		return "in an extension header";
	case CUT_AT_L4:
		return "before the l4 header";
	case CUT_IN_L4:
		return "in the l4 header";
	case CUT_AFTER_L4:
		return "right after the l4 header";
	default:
		return "";
	}
}

struct text {
	char s[DESC_MAX];
	size_t n;
};

__attribute__((format(printf, 2, 3))) static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->n >= sizeof(t->s) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->s + t->n, sizeof(t->s) - t->n, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->n += (size_t)n < sizeof(t->s) - t->n ? (size_t)n : sizeof(t->s) - 1 - t->n;
}

static void describe_tcp_flags(struct text *t, uint8_t flags)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} names[] = { { TH_SYN, "syn" }, { TH_FIN, "fin" }, { TH_RST, "rst" }, { TH_PSH, "psh" },
		      { TH_ACK, "ack" }, { TH_URG, "urg" }, { TH_ECE, "ece" }, { TH_CWR, "cwr" } };
	const char *sep = " ";

	if (!flags)
		text_add(t, " none");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (flags & names[i].bit) {
			text_add(t, "%s%s", sep, names[i].name);
			sep = "-";
		}
	}
}

static const char *icmp_name(uint8_t proto, uint8_t type)
{
	if (proto == IPPROTO_ICMP) {
		switch (type) {
		case 0:
			return "echo-reply";
		case 3:
			return "unreach";
		case 8:
			return "echo";
		case 11:
			return "time-exceeded";
		}
	} else {
		switch (type) {
		case 1:
			return "unreach";
		case 128:
			return "echo";
		case 129:
			return "echo-reply";
		case 133:
			return "router-solicit";
		case 134:
			return "router-advert";
		case 135:
			return "neighbor-solicit";
		case 136:
			return "neighbor-advert";
		case 143:
			return "mld2-report";
		}
	}
	return "other";
}

static const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_IGMP:
		return "igmp";
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_GRE:
		return "gre";
	case IPPROTO_ICMPV6:
		return "icmp6";
	case PROTO_NONE6:
		return "no-next-header";
	default:
		return "proto";
	}
}

static const char *ext_name(uint8_t type)
{
	switch (type) {
	case EXT_HBH:
		return "hbh";
	case EXT_RT:
		return "rt";
	case EXT_FRAG:
		return "frag";
	case EXT_AH:
		return "ah";
	default:
		return "dst";
	}
}

static void describe_ip(struct text *t, const struct spec *s, const struct layout *lo)
{
	bool v6 = s->l3 == L3_IPV6;
	bool ports = lo->has_l4 && (s->proto == IPPROTO_TCP || s->proto == IPPROTO_UDP);

	text_add(t, "%s %s", v6 ? "ipv6" : "ipv4", proto_name(s->proto));
	if (lo->has_l4 && s->proto == IPPROTO_TCP)
		describe_tcp_flags(t, s->tcp_flags);
	if (lo->has_l4 && (s->proto == IPPROTO_ICMP || s->proto == IPPROTO_ICMPV6))
		text_add(t, " %s", icmp_name(s->proto, s->icmp_type));
	if (ports && v6)
		text_add(t, " [%s]:%u -> [%s]:%u", s->src, s->sport, s->dst, s->dport);
	else if (ports)
		text_add(t, " %s:%u -> %s:%u", s->src, s->sport, s->dst, s->dport);
	else
		text_add(t, " %s -> %s", s->src, s->dst);
	if (s->payload)
		text_add(t, " payload %u", s->payload);
	if (s->tcpopt)
		text_add(t, " tcpopts %u", s->tcpopt);
	if (s->ipopt)
		text_add(t, " ipopts %u", s->ipopt);
	if (s->tos)
		text_add(t, " %s 0x%02x", v6 ? "tclass" : "tos", s->tos);
	if (s->ttl)
		text_add(t, " %s %u", v6 ? "hlim" : "ttl", s->ttl);
	if (s->flow)
		text_add(t, " flow 0x%05x", s->flow);
	if (!v6 && (s->frag & IP_DF))
		text_add(t, " df");
	if (!v6 && (s->frag & (IP_MF | 0x1fff)))
		text_add(t, " fragment%s off %u", s->frag & IP_MF ? " mf" : "", (s->frag & 0x1fff) * 8u);
	for (unsigned i = 0; i < s->n_ext; i++)
		text_add(t, "%s%s", i ? "," : " ext ", ext_name(s->ext[i]));
	if (v6 && s->n_ext && (s->frag & 0xfff9))
		text_add(t, " fragment%s off %u", s->frag & 1 ? " mf" : "", s->frag & 0xfff8u);
}

static void describe_mac(struct text *t, const uint8_t *m)
{
	text_add(t, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void describe(struct text *t, const struct spec *s, const struct layout *lo, size_t frame_len)
{
	switch (s->l3) {
	case L3_IPV4:
	case L3_IPV6:
		describe_ip(t, s, lo);
		break;
	case L3_ARP:
	case L3_RARP:
		text_add(t, "%s %s %s -> %s", s->l3 == L3_RARP ? "rarp" : "arp",
			 s->arp_op == 1 || s->arp_op == 3 ? "request" : "reply", s->src, s->dst);
		break;
	case L3_ETHER:
	case L3_LLC:
		if (s->l3 == L3_ETHER)
			text_add(t, "ethertype 0x%04x ", s->ethertype);
		else
			text_add(t, "802.3 llc ");
		describe_mac(t, s->smac);
		text_add(t, " -> ");
		describe_mac(t, s->dmac);
		text_add(t, " payload %u", s->payload);
		break;
	}
	for (unsigned i = 0; i < s->ntags; i++) {
		uint16_t tpid = i == 0 && s->outer_tpid ? s->outer_tpid : 0x8100;

		text_add(t, " vlan %u", s->tci[i] & 0x0fff);
		if (s->tci[i] >> 13)
			text_add(t, " pcp %u", s->tci[i] >> 13);
		if (tpid != 0x8100)
			text_add(t, " tpid 0x%04x", tpid);
	}
	if (s->ip_len_lies)
		text_add(t, " %s says %u", s->l3 == L3_IPV6 ? "payload length" : "total length", s->ip_len);
	if (s->pad_to)
		text_add(t, " padded to %u", s->pad_to);
	if (s->cut)
		text_add(t, " cut to %zu bytes %s", frame_len, cut_name(s->cut));
	if (s->note)
		text_add(t, " (%s)", s->note);
}

static int build_one(const struct spec *s, size_t idx, struct test_packet *p)
{
	static const uint16_t ethertypes[] = {
		[L3_IPV4] = 0x0800, [L3_IPV6] = 0x86dd, [L3_ARP] = 0x0806, [L3_RARP] = 0x8035
	};
	struct frame *f = calloc(1, sizeof(*f));
	struct layout lo = { 0 };
	struct text t = { .n = 0 };
	size_t len;

	if (!f)
		return -1;
	if (s->l3 == L3_ETHER)
		put_eth(f, s, s->ethertype);
	else if (s->l3 == L3_LLC)
		put_eth(f, s, 3 + s->payload);
	else
		put_eth(f, s, ethertypes[s->l3]);
	lo.l3 = f->len;
	switch (s->l3) {
	case L3_IPV4:
		build_ipv4(f, s, &lo, idx);
		break;
	case L3_IPV6:
		build_ipv6(f, s, &lo, idx);
		break;
	case L3_ARP:
	case L3_RARP:
		build_arp(f, s, &lo);
		break;
	case L3_LLC: /* STP's SAPs, unnumbered information */
		put8(f, 0x42);
		put8(f, 0x42);
		put8(f, 0x03);
		/* fall through */
	case L3_ETHER:
		lo.l4 = lo.ext = lo.l4_end = f->len;
		put_data(f, s->payload, s->seed);
		break;
	}
	if (f->len < s->pad_to)
		put_zero(f, s->pad_to - f->len);
	len = cut_length(s, &lo, f->len);
	describe(&t, s, &lo, len);
	if (f->broken || len > f->len || len < lo.l3) {
		free(f);
		return -1;
	}
	p->bytes = malloc(len ? len : 1);
	p->desc = strdup(t.s);
	if (!p->bytes || !p->desc) {
		free(p->bytes);
		free((char *)p->desc);
		free(f);
		return -1;
	}
	memcpy(p->bytes, f->b, len);
	p->len = len;
	p->l3_offset = lo.l3;
	free(f);
	return 0;
}

static struct test_packet *corpus;
static size_t corpus_count;

void test_packets_free(void)
{
	for (size_t i = 0; i < corpus_count; i++) {
		free(corpus[i].bytes);
		free((char *)corpus[i].desc);
	}
	free(corpus);
	corpus = NULL;
	corpus_count = 0;
}

static int add(const struct spec *s)
{
	if (build_one(s, corpus_count, &corpus[corpus_count]))
		return -1;
	corpus_count++;
	return 0;
}

size_t test_packets_build(const struct test_packet **out)
{
	size_t i;

	*out = corpus;
	if (corpus)
		return corpus_count;
	corpus = calloc(SPEC_COUNT + SWEEP_COUNT, sizeof(*corpus));
	if (!corpus)
		return 0;
	for (i = 0; i < SPEC_COUNT; i++)
		if (add(&corpus_specs[i]))
			goto fail;
	for (i = 0; i < sizeof(tcp4_sweep) / sizeof(tcp4_sweep[0]); i++) {
		struct spec s = { V4_AB, TCP(40020, 80, TH_PSH | TH_ACK), .payload = tcp4_sweep[i] };

		if (add(&s))
			goto fail;
	}
	for (i = 0; i < sizeof(udp6_sweep) / sizeof(udp6_sweep[0]); i++) {
		struct spec s = { V6_AB, UDP(40020, 5201), .payload = udp6_sweep[i], .seed = (uint8_t)(i * 37) };

		if (add(&s))
			goto fail;
	}
	*out = corpus;
	return corpus_count;
fail:
	test_packets_free();
	*out = NULL;
	return 0;
}
