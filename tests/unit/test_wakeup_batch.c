// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for src/core/wakeup_batch.c: how many events a CPU writes
 * before it wakes the reader, for the ring sizes and outputs users pick.
 */
#include <linux/types.h>
#include <stdio.h>

#include "core/wakeup_batch.h"
#include "tap.h"
#include "vista.h"

#define MIB (1u << 20)

/* All CPUs' batches of the largest events fit in an eighth of the ring. */
static void fits(size_t ring, int ncpus, uint32_t collect, uint32_t snaplen, const char *what)
{
	uint32_t n = wakeup_batch(ring, ncpus, collect, snaplen);
	size_t room = sizeof(struct vista_event) + sizeof(struct vista_nf);

	if (collect & VISTA_COLLECT_PACKET)
		room += sizeof(struct vista_packet) +
			(snaplen <= VISTA_PACKET_SMALL ? VISTA_PACKET_SMALL : VISTA_PACKET_MAX);
	if (collect & VISTA_COLLECT_SKB)
		room += sizeof(struct vista_skb_dump) + VISTA_SKB_DUMP_TEXT;
	ok(n >= 1 && (n == 1 || (size_t)n * (size_t)ncpus * room <= ring / 8),
	   "%s: %u events per CPU, %zu bytes each at most, fill at most an eighth of the ring", what, n, room);
}

int main(void)
{
	is_int(wakeup_batch(16 * MIB, 2, VISTA_COLLECT_META | VISTA_COLLECT_TUPLE, 0), WAKEUP_BATCH_MAX,
	       "the default ring, text output, 2 CPUs: the largest batch");
	is_int(wakeup_batch(16 * MIB, 256, VISTA_COLLECT_META | VISTA_COLLECT_TUPLE, 0) < WAKEUP_BATCH_MAX, 1,
	       "the default ring, 256 CPUs: a smaller batch");
	is_int(wakeup_batch(4096, 2, 0, 0), 1, "a one-page ring: every event wakes the reader");
	is_int(wakeup_batch(16 * MIB, 0, 0, 0), WAKEUP_BATCH_MAX, "no CPU count (an error upstream) counts as one CPU");
	ok(wakeup_batch(16 * MIB, 2, VISTA_COLLECT_PACKET, VISTA_PACKET_MAX) <
	       wakeup_batch(16 * MIB, 2, VISTA_COLLECT_PACKET, VISTA_PACKET_SMALL),
	   "a larger snaplen makes a smaller batch");
	fits(16 * MIB, 2, VISTA_COLLECT_META | VISTA_COLLECT_TUPLE, 0, "default ring, text");
	fits(16 * MIB, 64, VISTA_COLLECT_META | VISTA_COLLECT_TUPLE, 0, "default ring, 64 CPUs");
	fits(16 * MIB, 2, VISTA_COLLECT_PACKET, 200, "default ring, --pcap-snaplen 200");
	fits(16 * MIB, 2, VISTA_COLLECT_PACKET | VISTA_COLLECT_SKB, VISTA_PACKET_MAX,
	     "default ring, full packets and --output-skb");
	fits(1 * MIB, 8, VISTA_COLLECT_PACKET | VISTA_COLLECT_SKB, VISTA_PACKET_MAX,
	     "1 MiB ring, 8 CPUs, full packets and skbs");
	fits(64 * 1024, 2, VISTA_COLLECT_META, 0, "64 KiB ring");
	return tap_done();
}
