/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Text rendering of events in the vista layout:
 *
 *             SKB/SK    CPU          PROCESS                     FUNC
 *   0xffff8c1f06684600      2      [ping(1234)]             net_dev_xmit netns=... 10.0.0.1->10.0.0.2(icmp request id=1
 * seq=1)
 *
 * The pieces (tuple, meta, function) are separate so vista-top can put
 * them in columns.
 */
#ifndef VISTA_FORMAT_H
#define VISTA_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vista.h"

struct kallsyms;

enum timestamp_mode {
	TIMESTAMP_NONE,
	TIMESTAMP_RELATIVE, /* ns since the previous event of the same skb */
	TIMESTAMP_ABSOLUTE, /* wall-clock time of the event */
};

struct format_opts {
	bool meta;
	bool tuple;
	bool tcp;      /* --output-tcp: a TCP event's numbers */
	bool sk;       /* --output-sk: a socket event's socket fields */
	bool iptables; /* --output-iptables: a netfilter event's pf, table, chain, hook, verdict, cost */
	bool skb;      /* --output-skb: an skb event's struct sk_buff text (VISTA_EVF_HAS_SKB) */
	enum timestamp_mode timestamp;
};

/* How ids in an event become names; any callback may be NULL. */
struct format_names {
	const char *(*hook_name)(const void *ctx, uint32_t hook_id);
	const char *(*drop_reason)(const void *ctx, uint32_t reason);
	const void *ctx;
	const struct kallsyms *ksyms; /* for stack frames */
};

/* Per-stream state: the previous timestamp of each skb, the clock offset. */
struct format_state {
	struct format_last_seen *last; /* direct-mapped, bounded */
	int64_t realtime_offset_ns;    /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	/*
	 * A replay shows absolute times in the zone of the recording, not in
	 * the one it is replayed in: then fixed_zone is set and times are
	 * UTC + utc_offset_s. Otherwise they are local times.
	 */
	bool fixed_zone;
	int32_t utc_offset_s;
};

int format_state_init(struct format_state *st);
void format_state_free(struct format_state *st);

/* Bytes of format_clock()'s text, "HH:MM:SS.mmm", without its NUL. */
#define FORMAT_CLOCK_LEN 12

/*
 * Each writes into buf (always NUL-terminated when len > 0) and returns the
 * length the full text needs, like snprintf: a result >= len means it was cut.
 * format_clock gives the wall-clock time of an event (ts_ns on the events'
 * clock) as "HH:MM:SS.mmm", local or in st's fixed zone: the column that
 * --timestamp absolute starts each line with.
 */
size_t format_clock(char *buf, size_t len, const struct format_state *st, uint64_t ts_ns);
size_t format_header(char *buf, size_t len, const struct format_opts *o);
size_t format_event(char *buf, size_t len, const struct vista_event *e, const uint64_t *stack, int nstack,
		    const struct format_names *names, const struct format_opts *o, struct format_state *st);
/*
 * A TCP event (VISTA_EV_TCP), with t its struct vista_tcp, in the seed's
 * layout: "... TCP netns=... 10.0.0.1:22->10.0.0.2:5000(tcp) rx=5.326KiB
 * tx=5.747KiB lifetime=939.570803ms srtt=240µs retrans=0 sk_mark=0x0
 * cong=cubic", the numbers with --output-tcp.
 */
size_t format_tcp(char *buf, size_t len, const struct vista_event *e, const struct vista_tcp *t,
		  const struct format_opts *o, struct format_state *st);
/*
 * A socket event (VISTA_EV_SK), with s its struct vista_sk: the tracepoint,
 * the family and protocol, the socket's fields with --output-sk (the seed's
 * skc_state= ... socket_flags=), then the tracepoint's own values.
 */
size_t format_sk(char *buf, size_t len, const struct vista_event *e, const struct vista_sk *s,
		 const struct format_opts *o, struct format_state *st);
/*
 * The same, naming the function of a VISTA_SK_FUNC event (a kernel function
 * taking the socket, on the function backends) by names->hook_name.
 */
size_t format_sk_named(char *buf, size_t len, const struct vista_event *e, const struct vista_sk *s,
		       const struct format_names *names, const struct format_opts *o, struct format_state *st);
size_t format_tuple(char *buf, size_t len, const struct vista_tuple *t);
size_t format_meta(char *buf, size_t len, const struct vista_meta *m);
size_t format_func(char *buf, size_t len, const struct vista_event *e, const struct format_names *names);
size_t format_stack(char *buf, size_t len, const uint64_t *ips, int n, const struct kallsyms *ksyms);
/*
 * --output-skb: the struct sk_buff text an skb event carries
 * (VISTA_EVF_HAS_SKB), as the kernel printed it, and a newline; nothing
 * for an event without one. Printed after the event's line, as pwru does.
 */
size_t format_skb_dump(char *buf, size_t len, const struct vista_event *e);
const char *format_pkt_type(uint8_t pkt_type);
/* Go's time.Duration text, as the seed prints lifetimes and costs: "930ns", "5.932µs", "1m30.5s", "0s". */
size_t format_duration(char *buf, size_t len, uint64_t ns);
/* The seed's byte counts: "512B", "5.326KiB", "1.500MiB". */
size_t format_bytes(char *buf, size_t len, uint64_t bytes);
/* Names, or NULL when the number has none here. */
const char *format_tcp_state(unsigned int state); /* "ESTABLISHED"... (also skc_state of other sockets) */
const char *format_family(unsigned int family);   /* "AF_INET"... */
const char *format_sk_protocol(unsigned int family, unsigned int protocol); /* "IPPROTO_UDP", "NETLINK_ROUTE"... */
/* What a TCP or socket event is, as its FUNC column shows it: "TCP", "tcp_send_reset", "sock_send_length"... */
const char *format_tcp_what(uint8_t what);
const char *format_sk_what(uint8_t what);

/*
 * A VISTA_EV_NETFILTER event (its struct vista_nf follows e), in the vista
 * seed's layout: FUNC is nf_hook_slow, where the tables run; with
 * o->iptables, " pf=PF_INET table=filter chain=INPUT hook=INPUT verdict=DROP
 * cost=5.932µs prio=-1..1 via=kfree_skb(SKB_DROP_REASON_NETFILTER_DROP)"
 * follows: prio is the range between vista's links that holds the tables,
 * via how the verdict was found (enum vista_nf_method).
 */
size_t format_nf(char *buf, size_t len, const struct vista_event *e, const struct format_names *names,
		 const struct format_opts *o, struct format_state *st);
/* PF_INET / PF_INET6, PREROUTING..POSTROUTING, DROP..STOP; NULL for other values. */
const char *format_nf_pf(uint8_t pf);
const char *format_nf_hook(uint8_t hook);
const char *format_nf_verdict(uint8_t verdict);

#endif
