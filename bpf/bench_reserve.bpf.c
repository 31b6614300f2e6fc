// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench/bench_reserve's BPF side: the two ways an event can carry its
 * packet through the ring buffer, timed on the same work.
 *
 *   reserve  what vista does (bpf/packet.bpf.h): bpf_ringbuf_reserve of a
 *            fixed room (the event, a struct vista_packet and
 *            VISTA_PACKET_SMALL bytes), the packet copied straight into it
 *   output   a per-CPU scratch record filled the same way, then
 *            bpf_ringbuf_output of exactly the bytes used (a second copy)
 *
 * Each program runs ITERATIONS events through bpf_loop when user space
 * test-runs it (a syscall program), so the time per event is the BPF side
 * alone; the packet is read with bpf_probe_read_kernel from .bss, as the
 * real programs read skb data.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "vista.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 26);
} ring SEC(".maps");

struct scratch_rec {
	struct vista_event e;
	struct vista_packet p;
	__u8 data[VISTA_PACKET_SMALL];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch_rec);
} scratch SEC(".maps");

/* Set by user space. */
__u32 iterations;
__u32 pkt_len;
__u8 packet[VISTA_PACKET_SMALL];
/* Failed reservations or outputs: the ring was full (user space sizes runs so that it never is). */
__u64 lost;

#define ROOM (sizeof(struct vista_event) + sizeof(struct vista_packet) + VISTA_PACKET_SMALL)

static __always_inline void fill_event(struct vista_event *e, __u32 i)
{
	e->ts_ns = bpf_ktime_get_ns();
	e->addr = i;
	e->location = 0;
	e->hook_id = 1;
	e->kind = VISTA_EV_SKB;
	e->pid = 1;
	e->tid = 1;
	e->cpu = bpf_get_smp_processor_id();
	e->stack_id = -1;
	e->reason = 0;
	e->flags = VISTA_EVF_HAS_PACKET;
	__builtin_memset(&e->meta, 0, sizeof(e->meta));
	__builtin_memset(&e->tuple, 0, sizeof(e->tuple));
}

static __always_inline __u32 fill_packet(struct vista_packet *p)
{
	__u32 n = pkt_len;

	if (n > VISTA_PACKET_SMALL)
		n = VISTA_PACKET_SMALL;
	if (bpf_probe_read_kernel(p + 1, n, packet))
		n = 0;
	p->len = n;
	p->caplen = (__u16)n;
	p->layer = VISTA_PKT_L2;
	p->pad = 0;
	return n;
}

static long reserve_one(__u32 i, void *ctx)
{
	struct vista_event *e = bpf_ringbuf_reserve(&ring, ROOM, 0);

	if (!e) {
		lost++;
		return 0;
	}
	fill_event(e, i);
	fill_packet((struct vista_packet *)(e + 1));
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

static long output_one(__u32 i, void *ctx)
{
	__u32 zero = 0, n, size;
	struct scratch_rec *s = bpf_map_lookup_elem(&scratch, &zero);

	if (!s)
		return 1;
	fill_event(&s->e, i);
	n = fill_packet(&s->p);
	size = sizeof(s->e) + sizeof(s->p) + ((n + 7) & ~7u);
	if (size > sizeof(*s))
		size = sizeof(*s);
	if (bpf_ringbuf_output(&ring, s, size, BPF_RB_NO_WAKEUP))
		lost++;
	return 0;
}

SEC("syscall")
int run_reserve(void *ctx)
{
	bpf_loop(iterations, reserve_one, NULL, 0);
	return 0;
}

SEC("syscall")
int run_output(void *ctx)
{
	bpf_loop(iterations, output_one, NULL, 0);
	return 0;
}
