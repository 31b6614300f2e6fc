/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A tracing session: discovers the hooks, loads and attaches the BPF
 * programs, drains the ring buffer into a callback, and detaches. Every
 * front end (the vista CLI, vista-top) drives the kernel through this.
 */
#ifndef VISTA_SESSION_H
#define VISTA_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/features.h"
#include "core/sock_trace.h"
#include "filter/filter_set.h"
#include "vista.h"

struct session;

/* Return 0 to go on, or non-zero to stop draining (session_poll then returns -ECANCELED). */
typedef int (*session_event_fn)(void *ctx, const struct vista_event *e);

struct session_config {
	const char *kernel_btf;     /* NULL: the running kernel's /sys/kernel/btf/vmlinux */
	enum backend backend;       /* resolved by backend_choose() */
	bool trace_skb;             /* the skb hooks (all, or those matching skb_func_regex) */
	const char *skb_func_regex; /* hooks attached; NULL: every skb hook */
	bool drop_stack;            /* kfree_skb with a kernel stack for every drop */
	/*
	 * TCP connections and socket events (core/sock_trace.h). On the kprobe,
	 * kprobe-multi and fentry backends sock.sk traces every kernel function
	 * taking a struct sock * (or those matching sk_func_regex) instead of
	 * the socket tracepoints: VISTA_SK_FUNC events named by their hook.
	 */
	struct sock_trace_config sock;
	const char *sk_func_regex; /* NULL: every socket function */
	/* Function backends: the functions of these kernel modules too (NULL-terminated), or of all of them. */
	const char *const *kmods;
	bool all_kmods;
	bool track_skb;       /* --filter-track-skb: follow copies too (core/skb_track.h) */
	bool trace_netfilter; /* --filter-trace-iptables: the tables' verdicts (core/nf_trace.h) */
	bool trace_xdp;       /* --filter-trace-xdp: entry and exit of the loaded XDP programs (needs fentry) */
	bool trace_tc;        /* --filter-trace-tc: the same for TC programs */
	/* --pcap-mode: the packets the programs' hooks leave out of a capture (enum prog_trace_pcap_skip; 0: none). */
	unsigned int prog_pcap_skip;
	/* The filters to start with; filters.kernel.collect says what events carry (enum vista_collect). */
	struct filter_set filters;
	size_t ringbuf_bytes;      /* 0: the default (16 MiB) */
	unsigned int attach_batch; /* hooks attached and detached at a time, in threads (0 or 1: one by one) */
	bool progress;             /* a progress bar on stderr for attach and detach, when it is a terminal */
	session_event_fn on_event;
	void *ctx;
};

/* Returns 0, or -1 with one clear sentence in err; nothing stays attached on failure. */
int session_open(const struct session_config *cfg, struct session **out, char *err, size_t errlen);
void session_close(struct session *s);

/*
 * Detaches every hook but keeps the ring buffer, so that the events already
 * in it can still be drained (session_consume) before session_close.
 */
void session_detach(struct session *s);

/* Waits up to timeout_ms and drains; returns events handled, or a negative errno. */
int session_poll(struct session *s, int timeout_ms);
/* Drains whatever is ready without waiting. */
int session_consume(struct session *s);
/*
 * An fd that becomes readable when events are ready (for a poll() loop).
 * It is signalled once per batch of events per CPU (wakeup_batch.h), not per event:
 * a loop built on it must also call session_consume on its timeouts.
 */
int session_event_fd(const struct session *s);

/*
 * Replaces every filter at once while tracing: structured filters, the pcap
 * expression (compiled here), and func_regex, which enables or disables
 * attached hooks without detaching anything. The change is visible to
 * every event that starts after this returns (it waits for programs still
 * running with the old set). Returns 0, or -1 with one sentence in err
 * (libpcap's message, a bad regex, a regex matching no attached hook) and
 * the previous set still active. fs->kernel.collect is ignored.
 */
int session_apply_filters(struct session *s, const struct filter_set *fs, char *err, size_t errlen);
/* What events carry from now on (enum vista_collect), the filters unchanged. */
int session_set_collect(struct session *s, uint32_t collect, char *err, size_t errlen);
const struct filter_set *session_filters(const struct session *s);
uint32_t session_collect(const struct session *s);

size_t session_hook_count(const struct session *s);
/* Hooks with a program attached (the hook table may hold functions the kernel refused). */
size_t session_attached_count(const struct session *s);
/* Functions found in BTF but left out because the kernel cannot trace them (not in ftrace, refused). */
size_t session_skipped_count(const struct session *s);
enum backend session_backend(const struct session *s);
/* The netfilter tracing of the session (core/nf_trace.h), or NULL when it traces no netfilter tables. */
const struct nf_trace *session_netfilter(const struct session *s);
const char *session_hook_name(const struct session *s, uint32_t hook_id);
/* Name of a drop reason (enum skb_drop_reason in the kernel's BTF), or NULL. */
const char *session_drop_reason(const struct session *s, uint32_t reason);
/* Reads a stack recorded by the BPF side; returns the number of frames (0 if gone). */
int session_stack(const struct session *s, int32_t stack_id, uint64_t *ips, int max);

/* The TCP and socket tracing of the session, NULL when it has none. */
struct sock_trace *session_sock_trace(struct session *s);

/* Failed ring buffer reservations so far, summed over CPUs. */
uint64_t session_lost(const struct session *s);

#endif
