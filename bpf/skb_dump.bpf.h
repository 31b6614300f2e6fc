/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --output-skb: the skb's struct sk_buff printed by the kernel itself
 * (bpf_snprintf_btf, Linux 5.9) into the event's reservation, after its
 * packet when it has one, as a struct vista_skb_dump and its text
 * (bpf/vista.h).
 *
 * Written straight into the ring buffer rather than through a per-CPU
 * scratch buffer and a second copy: the dump is the largest thing an event
 * carries, and the reservation's room (SKB_ROOM) is paid only by sessions
 * that asked for it. The text is cut where the room ends.
 *
 * Included by packet.bpf.h.
 */
#ifndef VISTA_SKB_DUMP_BPF_H
#define VISTA_SKB_DUMP_BPF_H

#define SKB_ROOM (sizeof(struct vista_skb_dump) + VISTA_SKB_DUMP_TEXT)

/* The dump's room: a global function's argument must have a type of its size. */
struct skb_room {
	struct vista_skb_dump d;
	char text[VISTA_SKB_DUMP_TEXT];
};

/*
 * Prints the skb at address skb into r. Returns VISTA_EVF_HAS_SKB, or 0
 * when the kernel could not print it (then nothing follows).
 *
 * A global function, verified once per program rather than once for every
 * path that reaches it (packet.bpf.h reserves five sizes with a dump).
 */
__noinline __u32 skb_dump(struct skb_room *r, __u64 skb)
{
	struct btf_ptr ptr = {
		.ptr = (void *)skb,
		.type_id = bpf_core_type_id_kernel(struct sk_buff),
	};
	long n;

	if (!r) /* never, but the verifier checks a global function for any argument */
		return 0;
	n = bpf_snprintf_btf(r->text, VISTA_SKB_DUMP_TEXT, &ptr, sizeof(ptr), 0);
	if (n < 0)
		return 0;
	/* n is the length the whole text needs, like snprintf's: what was kept ends before the NUL. */
	if (n > VISTA_SKB_DUMP_TEXT - 1)
		n = VISTA_SKB_DUMP_TEXT - 1;
	r->d.len = (__u16)n;
	r->d.pad[0] = r->d.pad[1] = r->d.pad[2] = 0;
	return VISTA_EVF_HAS_SKB;
}

#endif /* VISTA_SKB_DUMP_BPF_H */
