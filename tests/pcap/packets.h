/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fixed corpus of Ethernet frames for testing pcap-filter evaluation: IPv4
 * and IPv6 with TCP, UDP, ICMP and ICMPv6, ARP, VLAN and QinQ tags, IP
 * options, fragments, IPv6 extension headers, truncated frames and headers
 * whose lengths lie. The frames are built by code, not read from a file, so
 * that every one of them is described and the same on every run.
 */
#ifndef VISTA_TEST_PACKETS_H
#define VISTA_TEST_PACKETS_H

#include <stddef.h>
#include <stdint.h>

struct test_packet {
	const char *desc; /* "ipv4 tcp syn 10.199.0.1:40000 -> 10.199.0.2:80 vlan 100"; unique in the corpus */
	uint8_t *bytes;   /* Ethernet frame, without FCS */
	size_t len;
	size_t l3_offset; /* where the IP/IPv6/ARP header starts (after any VLAN tags); always <= len */
};

/*
 * Builds the whole corpus and points *out at it; returns the count, or 0 if
 * memory ran out. The array is owned by the module: a second call returns the
 * same array, and test_packets_free() releases it.
 */
size_t test_packets_build(const struct test_packet **out);
void test_packets_free(void);

#endif
