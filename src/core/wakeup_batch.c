// SPDX-License-Identifier: GPL-2.0-only
#include "core/wakeup_batch.h"

#include <linux/types.h>

#include "vista.h"

#define MAX2(a, b) ((a) > (b) ? (a) : (b))

/* The most ring room one event takes: the largest kind, and what collect adds after an skb event. */
static size_t event_room(uint32_t collect, uint32_t snaplen)
{
	size_t room = sizeof(struct vista_event) +
		      MAX2(MAX2(sizeof(struct vista_nf), sizeof(struct vista_tcp)), sizeof(struct vista_sk));

	if (collect & VISTA_COLLECT_PACKET)
		room += sizeof(struct vista_packet) +
			(snaplen <= VISTA_PACKET_SMALL ? VISTA_PACKET_SMALL : VISTA_PACKET_MAX);
	if (collect & VISTA_COLLECT_SKB)
		room += sizeof(struct vista_skb_dump) + VISTA_SKB_DUMP_TEXT;
	return room;
}

uint32_t wakeup_batch(size_t ring_bytes, int ncpus, uint32_t collect, uint32_t snaplen)
{
	size_t n = ring_bytes / 8 / (size_t)(ncpus > 0 ? ncpus : 1) / event_room(collect, snaplen);

	if (n < 1)
		return 1;
	return n > WAKEUP_BATCH_MAX ? WAKEUP_BATCH_MAX : (uint32_t)n;
}
