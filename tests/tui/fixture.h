/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Deterministic event streams for the tests, in the shape of real traces
 * across a veth pair (10.199.0.1 in netns A on va0, 10.199.0.2 in netns B
 * on vb0), with the hook ids, drop reasons and stacks of mem_source.h.
 */
#ifndef VISTA_TESTS_FIXTURE_H
#define VISTA_TESTS_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "vista.h"

#define FIXTURE_T0_NS   1000000000ULL /* the first event is just after 1 s of CLOCK_MONOTONIC */
#define FIXTURE_PKT_NS  250000ULL     /* a packet every 250 us */
#define FIXTURE_NETNS_A 4026532100u
#define FIXTURE_NETNS_B 4026532200u

/*
 * Packet i is, by i % 4: an ICMP echo request A->B (consumed by icmp_rcv),
 * its reply B->A (consumed by ping_rcv), a TCP SYN to port 80 dropped by
 * netfilter in B (with a stack), a UDP datagram to port 53 dropped for
 * lack of a socket (with a stack). Skb addresses cycle through three
 * values, so lives follow each other at one address.
 * Fills out (room for 7 events per packet) and returns the event count.
 */
size_t fixture_packets(struct vista_event *out, size_t packets);
/* Events per packet at most, to size out. */
#define FIXTURE_MAX_PER_PACKET 7

/* n events of one hook (napi_gro_receive_entry), each its own skb: a flood. */
void fixture_flood(struct vista_event *out, size_t n);

/*
 * Netfilter, TCP and socket events in netns B (mem_source.h records), over
 * 3 s from FIXTURE_T0_NS, fixed to the nanosecond:
 *  - netfilter verdicts: raw PREROUTING ACCEPT x5 (1 us each), filter INPUT
 *    ACCEPT x3 (2, 4, 6 us), mangle OUTPUT (IPv6) DROP x1 at 1.2 s (3 us),
 *    filter INPUT DROP x2 at 2.0 s and 2.5 s (5.93 us, 7 us) by
 *    NETFILTER_DROP;
 *  - TCP: curl's connection 10.199.0.1:40000->10.199.0.2:80 closed after
 *    1.5 s with rx 123456 and tx 1000000 bytes; one to port 81 reset by
 *    the peer after 2 ms with 2 retransmissions; sshd's 10.199.0.2:22 open
 *    since before the trace (partial, 10 s when listed); a bbr connection to
 *    port 8080 closed after 300 ms with 5 retransmissions;
 *  - sockets: dig's UDP send of 64 bytes, and a unix stream socket's data_ready.
 * Returns the record count (at most FIXTURE_KINDS_MAX).
 */
#define FIXTURE_KINDS_MAX 32
struct mem_event;
size_t fixture_kinds(struct mem_event *out);

#endif
