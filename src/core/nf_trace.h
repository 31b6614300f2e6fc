/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --filter-trace-iptables on kernels with netfilter BPF links: the session
 * calls this to load and attach the netfilter programs of bpf/netfilter.bpf.h
 * and to name the tables of their events.
 *
 * Netfilter hooks belong to a network namespace, so the links do too: they
 * are attached in the namespace of --filter-netns alone when it is given;
 * otherwise in vista's own namespace and in every namespace named in
 * /run/netns (those of "ip netns"), as found when tracing starts.
 */
#ifndef VISTA_NF_TRACE_H
#define VISTA_NF_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "core/features.h"
#include "vista.h"

struct vista_bpf;
struct nf_trace;

/* What nf_trace_deliver hands on: 0 to go on, non-zero to stop (a session_event_fn). */
typedef int (*nf_trace_event_fn)(void *ctx, const struct vista_event *e);

/*
 * Before the BPF object is loaded: marks the netfilter programs of the
 * session's backend for loading. On the tracepoint backend those are the
 * netfilter link programs; it fails, with one sentence in err, when the
 * kernel has none (Linux 6.4 and later with CONFIG_NETFILTER_BPF_LINK have
 * them). On the kprobe, kprobe-multi (which uses kprobes here) and fentry
 * backends, the entry and return programs of each of ipt_do_table,
 * ip6t_do_table, arpt_do_table, nft_do_chain and nf_hook_slow that the
 * kernel's BTF (or a loaded module's) describes, with the argument order of
 * the x_tables ones (it changed in Linux 5.16) read from it.
 */
int nf_trace_select(struct vista_bpf *skel, enum backend backend, char *err, size_t errlen);

/*
 * After loading, on the tracepoint backend: attaches a link at each probe
 * priority of each IPv4 and IPv6 hook in the namespace with inode
 * netns_inode, or, when it is 0, in ours and those of /run/netns; and reads
 * the tables of each. On the others: attaches the function programs, which
 * see every namespace (the netns filter still applies). Returns 0, or -1
 * with one sentence in err and nothing left attached.
 */
int nf_trace_open(struct vista_bpf *skel, enum backend backend, uint32_t netns_inode, struct nf_trace **out, char *err,
		  size_t errlen);

/* Detaches every link (events already in the ring can still be delivered). */
void nf_trace_detach(struct nf_trace *t);
void nf_trace_close(struct nf_trace *t);

size_t nf_trace_netns_count(const struct nf_trace *t);
/* BPF links attached: netfilter links, or function probes. */
size_t nf_trace_link_count(const struct nf_trace *t);

/*
 * A VISTA_EV_NETFILTER record from the ring (size bytes): fills in the
 * names of the tables of its range and hands it to fn, or swallows it when
 * it says only that the skb went through a range where no table runs (a
 * hook entry of the kernel's own, such as conntrack). Returns fn's result.
 */
int nf_trace_deliver(struct nf_trace *t, const void *data, size_t size, nf_trace_event_fn fn, void *ctx);

#endif
