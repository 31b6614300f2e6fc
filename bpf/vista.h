/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Types shared by the BPF programs and user space: the event record that
 * travels through the ring buffer, and the runtime-editable filter state.
 *
 * Everything here is plain fixed-size data so that the same bytes can be
 * read by the CLI, the TUI and (later) written to a record file.
 */
#ifndef VISTA_SHARED_H
#define VISTA_SHARED_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define VISTA_COMM_LEN   16
#define VISTA_IFNAME_LEN 16
#define VISTA_MAX_HOOKS  4096
/* The hook id a kprobe program uses for an address it does not know: never enabled. */
#define VISTA_HOOK_UNKNOWN    (VISTA_MAX_HOOKS - 1)
#define VISTA_MAX_STACK_DEPTH 32

/*
 * Template programs carry this 64-bit immediate; user space replaces it
 * with the hook id of each clone before loading the clone.
 */
#define VISTA_HOOK_ID_MAGIC      0x7e57ab1e7e57ab1eULL
#define VISTA_HOOK_ID_MAGIC_HALF 0x7e57ab1e

/*
 * Every record in the ring buffer starts with a struct vista_event. An skb
 * event is just that; an event of another kind is followed by that kind's
 * own struct (defined below with the kind), so a reader that knows the kind
 * knows the record's size, and an skb event costs no bytes for the others.
 */
enum vista_event_kind {
	VISTA_EV_SKB = 1,
	VISTA_EV_NETFILTER = 2, /* + struct vista_nf: a netfilter table's verdict on an skb */
	VISTA_EV_TCP = 3,       /* + struct vista_tcp: a TCP connection's life (at close, or reset) */
	VISTA_EV_SK = 4,        /* + struct vista_sk: a socket-level event */
};

enum vista_event_flags {
	VISTA_EVF_HAS_META = 1 << 0,
	VISTA_EVF_HAS_TUPLE = 1 << 1,
	VISTA_EVF_HAS_REASON = 1 << 2,
	VISTA_EVF_SKB_FREED = 1 << 3,  /* the skb's life ends here (kfree_skb, consume_skb) */
	VISTA_EVF_HAS_PACKET = 1 << 4, /* a struct vista_packet and its bytes follow (vista_record_size) */
	VISTA_EVF_HAS_SKB = 1 << 5,    /* a struct vista_skb_dump and its text follow (vista_record_size) */
	VISTA_EVF_PROG_EXIT = 1 << 6,  /* an XDP or TC program returned: reason is its action */
	VISTA_EVF_XDP = 1 << 7,        /* an XDP program's frame: addr is its struct xdp_buff, not an skb */
	VISTA_EVF_PROG_ENTRY = 1 << 8, /* an XDP or TC program is about to run (the exit's counterpart) */
};

/* What the BPF side collects for each matching event (runtime-editable). */
enum vista_collect {
	VISTA_COLLECT_META = 1 << 0,
	VISTA_COLLECT_TUPLE = 1 << 1,
	VISTA_COLLECT_STACK = 1 << 2,
	VISTA_COLLECT_PACKET = 1 << 3, /* skb events carry the packet's first snaplen bytes (--pcap-file) */
	VISTA_COLLECT_SKB = 1 << 4,    /* skb events carry their struct sk_buff as text (--output-skb) */
};

/* Which structured filters are active. */
enum vista_filter_flags {
	VISTA_F_NETNS = 1 << 0,
	VISTA_F_MARK = 1 << 1,
	VISTA_F_IFINDEX = 1 << 2,
	VISTA_F_ADDR4 = 1 << 3,
	VISTA_F_ADDR6 = 1 << 4,
	VISTA_F_PORT = 1 << 5,
	VISTA_F_PROTO = 1 << 6,
	VISTA_F_PID = 1 << 7,
	VISTA_F_PCAP = 1 << 8,          /* the pcap program of the active slot (struct vista_pcap) */
	VISTA_F_SK_MARK = 1 << 9,       /* socket and TCP events: sk->sk_mark == sk_mark */
	VISTA_F_TCP_LIFETIME = 1 << 10, /* TCP events: connections that lived at least tcp_lifetime_ns */
	VISTA_F_TRACK = 1 << 11,        /* --filter-track-skb: an skb that matched is reported until it is freed */
};

struct vista_filter {
	__u32 flags;   /* enum vista_filter_flags */
	__u32 collect; /* enum vista_collect */
	__u32 netns;   /* netns inode */
	__u32 mark;    /* compared as (skb->mark & mark_mask) == mark */
	__u32 mark_mask;
	__u32 ifindex;
	__u32 pid;  /* thread-group id */
	__u16 port; /* host order, matches source or destination */
	__u8 l4_proto;
	__u8 pad;
	__u8 addr[16]; /* IPv4 in the first 4 bytes; matches source or destination */
	__u32 sk_mark;
	__u32 snaplen; /* VISTA_COLLECT_PACKET: bytes of each packet at most, <= VISTA_PACKET_MAX */
	__u64 tcp_lifetime_ns;
	__u32 wakeup_every; /* events a CPU submits before it wakes the reader (user space: wakeup_batch.h) */
	__u32 pad2;
};

struct vista_tuple {
	__u8 saddr[16]; /* IPv4 in the first 4 bytes */
	__u8 daddr[16];
	__u16 sport; /* host order; for ICMP: id */
	__u16 dport; /* host order; for ICMP: sequence */
	__u8 l3;     /* 4, 6, or 0 when the skb carried no IP header we could read */
	__u8 l4_proto;
	__u8 tcp_flags;
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 pad[3];
};

struct vista_meta {
	__u32 netns;
	__u32 mark;
	__u32 ifindex;
	__u32 mtu;
	__u32 len;
	__u16 protocol; /* skb->protocol, host order */
	__u8 pkt_type;
	__u8 pad;
	char ifname[VISTA_IFNAME_LEN];
};

struct vista_event {
	__u64 ts_ns;    /* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 addr;     /* skb pointer */
	__u64 location; /* kfree_skb/consume_skb caller address, else 0 */
	__u32 hook_id;
	__u32 kind; /* enum vista_event_kind */
	__u32 pid;  /* thread-group id */
	__u32 tid;
	__u32 cpu;
	__s32 stack_id; /* < 0: no stack */
	__u32 reason;   /* enum skb_drop_reason when VISTA_EVF_HAS_REASON */
	__u32 flags;    /* enum vista_event_flags */
	char comm[VISTA_COMM_LEN];
	struct vista_meta meta;
	struct vista_tuple tuple;
};

/*
 * VISTA_EV_NETFILTER: what one netfilter table (or group of tables at
 * neighbouring priorities) did with an skb on one hook.
 *
 * On kernels without kprobes the BPF side cannot see the tables run: it
 * watches the skb cross netfilter BPF links placed at priorities around the
 * standard table priorities (VISTA_NF_PROBE_PRIOS), and the range between
 * two links holds the tables. The verdict is inferred (see enum
 * vista_nf_method), and user space names the tables of the range.
 */
#define VISTA_NF_NAME_LEN 64

/*
 * The priorities of the probe links, ascending: one just below and one just
 * above each standard table priority (raw -300, mangle -150, dstnat -100,
 * filter 0, security 50, srcnat 100), and the outermost allowed ones
 * (the kernel refuses INT_MIN and INT_MAX for BPF links).
 */
#define VISTA_NF_PROBES 14
#define VISTA_NF_PROBE_PRIOS                                                                       \
	{                                                                                          \
		-2147483647, -301, -299, -151, -149, -101, -99, -1, 1, 49, 51, 99, 101, 2147483646 \
	}

/*
 * The kernel refuses a BPF link at a priority another hook entry already
 * has: user space then moves that link a step or a few away from its table
 * and tells the BPF side where each link really is, per hook.
 */
struct vista_nf_hook_key {
	__u32 netns;
	__u8 pf;
	__u8 hook;
	__u16 pad;
};

struct vista_nf_prios {
	__s32 prio[16]; /* the first VISTA_NF_PROBES are used */
};

/* How the verdict of a vista_nf was found. */
enum vista_nf_method {
	VISTA_NF_BY_NEXT_LINK = 1, /* the skb reached the link after the range: the tables let it go on */
	VISTA_NF_BY_DROP_REASON,   /* freed with SKB_DROP_REASON_NETFILTER_DROP inside the range (event reason) */
	VISTA_NF_BY_FREE, /* freed inside the range another way: kfree_skb (DROP, event reason) or consume_skb (STOLEN)
			   */
	VISTA_NF_BY_RETURN, /* the return value of the table's function (kprobe/fentry backends) */
};

struct vista_nf {
	__u64 cost_ns; /* from entering the range to leaving it (or to the free) */
	__s32 prio_lo; /* the range: the priorities of the links around it */
	__s32 prio_hi;
	__u32 netns;  /* inode of the netns whose hook this is */
	__u8 pf;      /* NFPROTO_IPV4 (2) or NFPROTO_IPV6 (10) */
	__u8 hook;    /* NF_INET_PRE_ROUTING (0) .. NF_INET_POST_ROUTING (4) */
	__u8 verdict; /* NF_DROP (0), NF_ACCEPT (1), NF_STOLEN (2), NF_QUEUE (3), NF_REPEAT (4), NF_STOP (5) */
	__u8 method;  /* enum vista_nf_method */
	/* Set by user space (BPF leaves them empty): "name" or "a,b" when several share the range. */
	char table[VISTA_NF_NAME_LEN];
	char chain[VISTA_NF_NAME_LEN];
};

/*
 * VISTA_EV_TCP: one TCP connection, described when it closes, when it sends
 * or receives a reset, or when it is listed while open (at the start of a
 * trace, for the connections that were open before it).
 */
enum vista_tcp_what {
	VISTA_TCP_CLOSE = 1,      /* the connection closed (inet_sock_set_state to TCP_CLOSE): final numbers */
	VISTA_TCP_RESET_SENT = 2, /* tcp:tcp_send_reset */
	VISTA_TCP_RESET_RECV = 3, /* tcp:tcp_receive_reset */
	VISTA_TCP_OPEN = 4,       /* listed by the iter/tcp program: open now, numbers so far */
};

enum vista_tcp_flags {
	VISTA_TCP_PARTIAL = 1 << 0, /* open before vista started: the lifetime counts from the start of the trace */
	VISTA_TCP_NO_SOCK = 1 << 1, /* a reset sent for no connection: the tuple is the packet's, no numbers */
};

/* The seed's reset=SEND/RECV on a closing connection. */
enum vista_tcp_reset {
	VISTA_TCP_RST_NONE = 0,
	VISTA_TCP_RST_SENT = 1,
	VISTA_TCP_RST_RECV = 2,
};

#define VISTA_CONG_LEN 16

struct vista_tcp {
	__u64 rx_bytes;    /* tcp_sock.bytes_received (tcpi_bytes_received) */
	__u64 tx_bytes;    /* tcp_sock.bytes_acked (tcpi_bytes_acked) */
	__u64 lifetime_ns; /* since the connection began (or since the trace began, with VISTA_TCP_PARTIAL) */
	__u32 srtt_us;     /* smoothed round-trip time */
	__u32 retrans;     /* tcp_sock.total_retrans: segments retransmitted over the whole connection */
	__u32 sk_mark;
	__u16 family; /* AF_INET or AF_INET6 */
	__u8 what;    /* enum vista_tcp_what */
	__u8 state;   /* the TCP state the socket was in (for CLOSE: the one it left) */
	__u8 reset;   /* enum vista_tcp_reset: what ended the connection */
	__u8 flags;   /* enum vista_tcp_flags */
	__u8 pad[6];
	char cong[VISTA_CONG_LEN]; /* congestion control algorithm */
};

/* VISTA_EV_SK: one event of a socket of any family, from a sock:* tracepoint or a struct sock * function. */
enum vista_sk_what {
	VISTA_SK_SET_STATE = 1,  /* sock:inet_sock_set_state: a = old state, b = new state */
	VISTA_SK_SEND = 2,       /* sock:sock_send_length: a = bytes sent or -errno, b = msg flags */
	VISTA_SK_RECV = 3,       /* sock:sock_recv_length: a = bytes received or -errno, b = msg flags */
	VISTA_SK_DATA_READY = 4, /* sock:sk_data_ready */
	VISTA_SK_RCVQ_FULL = 5,  /* sock:sock_rcvqueue_full: a = sk_rmem_alloc, b = the skb's truesize */
	VISTA_SK_BUF_LIMIT = 6,  /* sock:sock_exceed_buf_limit: a = pages allocated, b = 0 send, 1 receive */
	VISTA_SK_ERROR = 7,      /* sock:inet_sk_error_report: a = sk_err */
	VISTA_SK_FUNC = 8,       /* a kernel function taking the socket was called: hook_id names it */
	VISTA_SK__COUNT,
};

struct vista_sk {
	__s64 a, b;  /* the event's own values (enum vista_sk_what) */
	__u64 inode; /* inode of the socket's file, 0 when it has none */
	__u32 bound_ifindex;
	__u32 backlog; /* sk_backlog.len */
	__s32 rcvbuf;
	__s32 sndbuf;
	__u32 priority;
	__u32 mark;
	__u32 socket_flags; /* struct socket .flags */
	__u16 family;       /* AF_* */
	__u16 protocol;     /* sk_protocol: IPPROTO_* for inet, NETLINK_* for netlink, 0 for unix */
	__u16 type;         /* SOCK_STREAM, SOCK_DGRAM... */
	__u8 what;          /* enum vista_sk_what */
	__u8 state;         /* skc_state */
	__u8 socket_state;  /* struct socket .state (SS_*) */
	__u8 reuseport;
	__u8 has_socket; /* the socket, inode and socket_flags fields were read */
	__u8 pad;
};

/*
 * Bytes of a ring buffer record of this kind: the event, then the kind's own
 * struct (an skb event, or one of an unknown kind, is the event alone).
 */
static inline __u32 vista_event_size(__u32 kind)
{
	switch (kind) {
	case VISTA_EV_NETFILTER:
		return sizeof(struct vista_event) + sizeof(struct vista_nf);
	case VISTA_EV_TCP:
		return sizeof(struct vista_event) + sizeof(struct vista_tcp);
	case VISTA_EV_SK:
		return sizeof(struct vista_event) + sizeof(struct vista_sk);
	default:
		return sizeof(struct vista_event);
	}
}

/*
 * The packet an skb event carries with VISTA_EVF_HAS_PACKET: this struct
 * right after the event (skb events have no kind struct), then caplen bytes
 * of the packet, then zeros up to a multiple of 8 bytes. The bytes start
 * where a pcap filter's do (cbpf_skb_view in cbpf_run.h): at the MAC
 * header when the skb has one (VISTA_PKT_L2, Ethernet), else at the
 * network header (VISTA_PKT_L3, a bare IPv4 or IPv6 packet). Only the
 * skb's linear data is copied, so caplen may be less than the snaplen.
 */
#define VISTA_PACKET_MAX   4096 /* the largest --pcap-snaplen */
#define VISTA_PACKET_SMALL 256  /* snaplens up to this reserve this much room in the ring */

enum vista_packet_layer {
	VISTA_PKT_L2 = 1,
	VISTA_PKT_L3 = 2,
};

struct vista_packet {
	__u32 len;    /* the packet's length from its first byte here, paged data included */
	__u16 caplen; /* bytes that follow, at most the snaplen */
	__u8 layer;   /* enum vista_packet_layer */
	__u8 pad;
};

/* The packet of an event with VISTA_EVF_HAS_PACKET (skb events only). */
static inline const struct vista_packet *vista_event_packet(const struct vista_event *e)
{
	return (const struct vista_packet *)((const char *)e + vista_event_size(e->kind));
}

/*
 * --output-skb: the skb's struct sk_buff as the kernel's bpf_snprintf_btf()
 * prints it ("(struct sk_buff){ .len = (unsigned int)84, ... }", fields
 * that are zero left out), carried by an skb event with VISTA_EVF_HAS_SKB:
 * this struct after the event's packet (or after the event when it has
 * none), then len bytes of text, a NUL, and zeros up to a multiple of 8
 * bytes. A longer dump is cut at VISTA_SKB_DUMP_TEXT - 1 bytes.
 */
#define VISTA_SKB_DUMP_TEXT 4088 /* the text and its NUL at most: the struct and its text fill 4 KiB */

struct vista_skb_dump {
	__u16 len; /* bytes of text, its NUL excluded */
	__u16 pad[3];
};

/* Bytes of the packet part of a record: 0 without VISTA_EVF_HAS_PACKET. */
static inline __u32 vista_packet_bytes(const struct vista_event *e)
{
	if (!(e->flags & VISTA_EVF_HAS_PACKET))
		return 0;
	return sizeof(struct vista_packet) + ((vista_event_packet(e)->caplen + 7u) & ~7u);
}

/* The dump of an event with VISTA_EVF_HAS_SKB (skb events only). */
static inline const struct vista_skb_dump *vista_event_skb(const struct vista_event *e)
{
	return (const struct vista_skb_dump *)((const char *)e + vista_event_size(e->kind) + vista_packet_bytes(e));
}

/*
 * Bytes of the whole record e starts: the event, its kind's struct, its
 * packet and its skb dump. Every reader of replayed records sizes them with
 * this; a reader of ring buffer records checks them with vista_record_fits
 * first.
 */
static inline __u32 vista_record_size(const struct vista_event *e)
{
	__u32 size = vista_event_size(e->kind) + vista_packet_bytes(e);

	if (e->flags & VISTA_EVF_HAS_SKB)
		size += sizeof(struct vista_skb_dump) + ((vista_event_skb(e)->len + 1u + 7u) & ~7u);
	return size;
}

/* Whether a record of size bytes holds all that e says follows it: each header is read only once it is there. */
static inline int vista_record_fits(const struct vista_event *e, __u32 size)
{
	__u32 need;

	if (size < sizeof(*e))
		return 0;
	need = vista_event_size(e->kind);
	if (size < need)
		return 0;
	if (e->flags & VISTA_EVF_HAS_PACKET) {
		if (size < need + sizeof(struct vista_packet))
			return 0;
		need += vista_packet_bytes(e);
	}
	if ((e->flags & VISTA_EVF_HAS_SKB) && size < need + sizeof(struct vista_skb_dump))
		return 0;
	return size >= vista_record_size(e);
}

/*
 * A classic-BPF program as libpcap emits it (the layout of struct bpf_insn
 * in <pcap/bpf.h> and of the kernel's struct sock_filter). 4096 is the
 * kernel's own limit for classic programs.
 */
#define VISTA_CBPF_MAX_INSNS 4096

struct vista_cbpf_insn {
	__u16 code;
	__u8 jt;
	__u8 jf;
	__u32 k;
};

struct vista_cbpf_prog {
	__u32 len; /* instructions in insns[] */
	__u32 pad;
	struct vista_cbpf_insn insns[VISTA_CBPF_MAX_INSNS];
};

/*
 * One pcap-filter expression compiled twice: for skbs seen with their MAC
 * header (DLT_EN10MB) and for those seen from the network header (DLT_RAW).
 */
struct vista_pcap {
	struct vista_cbpf_prog l2;
	struct vista_cbpf_prog l3;
};

/* Per-hook bits in hook_flags[], editable while tracing. */
enum vista_hook_flags {
	VISTA_HOOK_ENABLED = 1 << 0,
	VISTA_HOOK_STACK = 1 << 1,     /* collect a stack here even without VISTA_COLLECT_STACK */
	VISTA_HOOK_NO_PACKET = 1 << 2, /* no packet here even with VISTA_COLLECT_PACKET (--pcap-mode) */
};

/* Per-CPU counters, summed by user space. */
struct vista_counters {
	__u64 lost;         /* failed ring buffer reservations */
	__u64 since_wakeup; /* events submitted without waking the reader */
};

#endif /* VISTA_SHARED_H */
