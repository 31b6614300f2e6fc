/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TCP connection lifetimes (--filter-trace-tcp) and socket events
 * (--filter-trace-sk) on tracepoints: loads and attaches the programs of
 * bpf/sock_trace.bpf.h for a session.
 *
 * A loaded BPF object cannot take more programs, so these are loaded into a
 * second instance of the session's object (vista.bpf.c) in which every map
 * is the session's own: the same ring buffer, counters and filter slots.
 * Their events arrive through the session's callback like any other, as
 * VISTA_EV_TCP and VISTA_EV_SK records (bpf/vista.h).
 */
#ifndef VISTA_SOCK_TRACE_H
#define VISTA_SOCK_TRACE_H

#include <stdbool.h>
#include <stddef.h>

struct btf;
struct vista_bpf;

struct sock_trace_config {
	bool tcp; /* connection lifetimes and resets (VISTA_EV_TCP) */
	bool sk;  /* socket events (VISTA_EV_SK) */
};

struct sock_trace;

/*
 * Attaches what cfg asks for; with cfg->tcp, also lists the TCP connections
 * already open in every network namespace (VISTA_TCP_OPEN events), so that
 * their close is reported with a partial lifetime. session is the loaded
 * skeleton whose maps are shared; btf describes the kernel (the session's:
 * --kernel-btf or the running kernel's), kernel_btf is --kernel-btf or NULL.
 * Returns 0 (*out is NULL when cfg asks for nothing), or -1 with one
 * sentence in err and nothing left attached.
 */
int sock_trace_open(struct vista_bpf *session, const struct sock_trace_config *cfg, const struct btf *btf,
		    const char *kernel_btf, struct sock_trace **out, char *err, size_t errlen);

/*
 * Lists the TCP connections open now, in every network namespace, as
 * VISTA_TCP_OPEN events with their numbers so far (what a table of open
 * connections refreshes itself with). Returns 0, or -1 with one sentence in
 * err; fails when the session does not trace TCP.
 */
int sock_trace_list_tcp(struct sock_trace *st, char *err, size_t errlen);

/* Tracepoints attached. */
size_t sock_trace_attached(const struct sock_trace *st);

/*
 * The tracepoints of --filter-trace-sk that this kernel lacks, e.g.
 * "sock:sk_data_ready, sock:sock_send_length", or "" when none: those events
 * cannot be seen, the others are.
 */
const char *sock_trace_missing(const struct sock_trace *st);

/* Detaches every program; events already in the ring buffer stay there. Safe on NULL. */
void sock_trace_detach(struct sock_trace *st);
/* Detaches and frees. Safe on NULL. */
void sock_trace_close(struct sock_trace *st);

#endif
