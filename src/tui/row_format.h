/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One event as a row of text in vista-top's tables, in vista's columns:
 *
 *        TIME                SKB CPU PROCESS          FUNC                     TUPLE   META
 *    1.250000 0xffff8c1f06684600   2 [ping(1234)]     net_dev_queue            10.0.0.1->10.0.0.2(icmp ...
 *
 * The fields come from src/core/format.c (format_func, format_tuple,
 * format_meta); this module only lays them out and adds the times.
 *
 * A netfilter, TCP or socket event has the same columns (SKB is the
 * socket's address for the last two; FUNC is what vista prints there:
 * nf_hook_slow, TCP, tcp_send_reset, sock_send_length...), then the fields
 * vista prints after them, exactly as format_nf/format_tcp/format_sk
 * write them: pf= table= ... verdict= cost= with the iptables column on,
 * rx= tx= lifetime= ... with the TCP one, family= protocol= and the
 * socket's skc_state= ... with the sk one.
 */
#ifndef VISTA_TUI_ROW_FORMAT_H
#define VISTA_TUI_ROW_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/format.h"
#include "tui/event_source.h"
#include "tui/event_store.h"

/* Which columns the events table shows. */
struct row_style {
	bool tuple;
	bool meta;
	bool tcp;                      /* --output-tcp: a TCP event's numbers */
	bool sk;                       /* --output-sk: a socket event's socket fields */
	bool iptables;                 /* --output-iptables: a netfilter event's table, chain, hook, verdict, cost */
	enum timestamp_mode timestamp; /* none: seconds since start; relative: plus the skb's delta */
};

struct row_ctx {
	const struct event_source *src;
	const struct event_store *store;
	struct format_names names; /* hook and drop reason names from src */
	struct format_state clock; /* CLOCK_REALTIME - CLOCK_MONOTONIC, for absolute times */
	uint64_t t0_ns;            /* the origin of the TIME column (CLOCK_MONOTONIC ns) */
};

int row_ctx_init(struct row_ctx *c, const struct event_source *src, const struct event_store *store, uint64_t t0_ns,
		 char *err, size_t errlen);
void row_ctx_free(struct row_ctx *c);

/* Column positions of a row (for the header and for mouse hit tests). */
size_t row_header(char *buf, size_t len, const struct row_style *st);
/* The row of event seq; "" when the store no longer holds it. Returns the text length. */
size_t row_text(char *buf, size_t len, struct row_ctx *c, uint64_t seq, const struct row_style *st);

/*
 * The fields vista prints after the columns of a netfilter, TCP or socket
 * event (those st asks for), without a leading blank; "" for an skb event.
 * Returns the text length.
 */
size_t row_kind_fields(char *buf, size_t len, struct row_ctx *c, const struct store_entry *ent,
		       const struct row_style *st);
/* What the FUNC column shows for an event. */
size_t row_func_text(char *buf, size_t len, struct row_ctx *c, const struct store_entry *ent);

/* "[comm(pid)]", with unprintable bytes of comm as '?'. */
size_t process_text(char *buf, size_t len, const struct vista_event *e);
/* Seconds with microseconds ("12.000250", "-0.000003"). */
size_t seconds_text(char *buf, size_t len, int64_t ns);
/* A short human duration: "850ns", "12.3us", "4.56ms", "1.23s". */
size_t duration_text(char *buf, size_t len, uint64_t ns);
/* Time since an event, for "last seen" columns: "0.4s ago", "12s ago", "3m05s ago", "-" for never. */
size_t ago_text(char *buf, size_t len, uint64_t now_ns, uint64_t then_ns);
/* Drop reason without the kernel's SKB_DROP_REASON_ prefix, or "reason=N". */
size_t reason_text(char *buf, size_t len, const struct event_source *src, uint32_t reason);

#endif
