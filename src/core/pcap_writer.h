/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --pcap-file: the packets that skb events carry (VISTA_EVF_HAS_PACKET,
 * bpf/vista.h) written as a capture file that Wireshark and tshark read.
 *
 * A path ending in ".pcapng" gets pcapng: a section header, one interface
 * description block per (netns, ifindex, layer) seen, with the interface's
 * name, its netns and a link type of its own: LINKTYPE_ETHERNET (1) for
 * packets seen from their MAC header, LINKTYPE_RAW (101) for packets that
 * had only a network header where they were seen (the IP version tells
 * IPv4 from IPv6). Each packet is an enhanced packet block whose comment
 * names the hook, the netns, the device, the packet type and, for a freed
 * skb, the verdict (drop and its reason, or consume); its epb_flags carry
 * the direction (outbound for PACKET_OUTGOING) and the reception type. The
 * packet of an XDP or TC program (--filter-trace-xdp, --filter-trace-tc)
 * says at=entry or at=exit after the hook (the program's name), and at
 * exit the action the program returned as its verdict (XDP_PASS,
 * TC_ACT_SHOT...); an XDP frame has no packet type, and is inbound.
 *
 * Any other name gets classic pcap, which has one link type per file:
 * LINKTYPE_ETHERNET, timestamps in nanoseconds. A packet without a MAC
 * header is written behind a made-up Ethernet header (both addresses zero,
 * the EtherType 0x0800 or 0x86dd from the IP version), as a capture on the
 * loopback device shows its packets, so that decoders parse it; its
 * lengths count those 14 bytes.
 *
 * Every integer is written little-endian, whatever the host.
 */
#ifndef VISTA_PCAP_WRITER_H
#define VISTA_PCAP_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vista.h"

#define PCAP_LINKTYPE_ETHERNET 1
#define PCAP_LINKTYPE_RAW      101

struct pcap_writer;

/* One packet to write: an skb event with VISTA_EVF_HAS_PACKET and what names it. */
struct pcap_packet {
	const struct vista_event *event;
	int64_t wall_ns;         /* the event's time on CLOCK_REALTIME, ns since the epoch */
	const char *hook;        /* the hook's name; NULL: "hook#ID" */
	const char *drop_reason; /* the drop reason's name of a kfree_skb event, or NULL */
};

/* Whether path gets pcapng (it ends in ".pcapng") rather than classic pcap. */
bool pcap_path_is_pcapng(const char *path);

/*
 * Creates (or truncates) path, mode 0600, never through a symbolic link,
 * and writes the file header. snaplen is the one the packets were taken
 * with. Returns 0, or -1 with one sentence in err.
 */
int pcap_writer_open(const char *path, uint32_t snaplen, const char *app, struct pcap_writer **out, char *err,
		     size_t errlen);

/*
 * Writes one packet (an event without VISTA_EVF_HAS_PACKET writes nothing
 * and counts as skipped). Output is buffered; 0, or -1 with err (a full
 * disk...), after which every call fails the same way.
 */
int pcap_writer_write(struct pcap_writer *w, const struct pcap_packet *p, char *err, size_t errlen);
int pcap_writer_flush(struct pcap_writer *w, char *err, size_t errlen);
/* Packets written so far. */
uint64_t pcap_writer_count(const struct pcap_writer *w);
/* Flushes, closes and frees w (NULL is fine). 0, or -1 with err. */
int pcap_writer_close(struct pcap_writer *w, char *err, size_t errlen);

#endif
