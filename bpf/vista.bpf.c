// SPDX-License-Identifier: GPL-2.0-only
/*
 * vista's BPF side.
 *
 * The programs here are templates: user space loads each one once against
 * a first target, then clones its instructions for every hook it traces,
 * patching VISTA_HOOK_ID_MAGIC into that hook's id (see src/core/prog_clone.c).
 * All state the programs read at every hit (filters, hook enable bits) lives
 * in .bss, which user space edits in place while tracing runs.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "vista.h"
#include "skb_parse.h"
#include "cbpf_run.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24); /* resized by user space */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vista_counters);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16384);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, VISTA_MAX_STACK_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

/*
 * Two slots of everything a user can change while tracing (structured
 * filter, pcap programs, per-hook bits): user space fills the inactive slot,
 * then flips active_filter, so a program never sees a half-written change.
 * A program reads active_filter once and uses that one slot throughout.
 */
struct vista_filter filters[2];
struct vista_pcap pcap_progs[2];
__u8 hook_flags[2][VISTA_MAX_HOOKS];
volatile __u32 active_filter;

static __always_inline __u32 patched_hook_id(void)
{
	__u64 id;

	asm volatile("%0 = 0x7e57ab1e7e57ab1e ll" : "=r"(id));
	return id;
}

static __always_inline bool addr_matches(const struct vista_filter *f, const struct vista_tuple *t)
{
	if (f->flags & VISTA_F_ADDR4) {
		if (t->l3 != 4)
			return false;
		return *(__u32 *)t->saddr == *(__u32 *)f->addr || *(__u32 *)t->daddr == *(__u32 *)f->addr;
	}
	if (t->l3 != 6)
		return false;
	return (*(__u64 *)t->saddr == *(__u64 *)f->addr && *(__u64 *)&t->saddr[8] == *(__u64 *)&f->addr[8]) ||
	       (*(__u64 *)t->daddr == *(__u64 *)f->addr && *(__u64 *)&t->daddr[8] == *(__u64 *)&f->addr[8]);
}

static __always_inline bool tuple_matches(const struct vista_filter *f, const struct vista_tuple *t)
{
	if ((f->flags & (VISTA_F_ADDR4 | VISTA_F_ADDR6)) && !addr_matches(f, t))
		return false;
	if ((f->flags & VISTA_F_PROTO) && (!t->l3 || t->l4_proto != f->l4_proto))
		return false;
	if (f->flags & VISTA_F_PORT) {
		if (t->l4_proto != IPPROTO_TCP_ && t->l4_proto != IPPROTO_UDP_)
			return false;
		if (t->sport != f->port && t->dport != f->port)
			return false;
	}
	return true;
}

/*
 * Whether the bytes of view pass the pcap programs of filter slot slot: the
 * one for a view from the MAC header, else the one from the network header.
 * A global function, so the verifier checks the interpreter's bpf_loop
 * callback once per program rather than on every path to it: a tracepoint
 * program verified 18,522 instructions with it inline and 11,176 without.
 * view is never NULL (the verifier checks a global function for any
 * argument); callers test only the verdict.
 */
__noinline __u32 pcap_matches(const struct cbpf_view *view, __u32 slot)
{
	const struct vista_pcap *pcap = &pcap_progs[slot & 1];

	if (!view)
		return 0;
	return cbpf_run(view->l2 ? &pcap->l2 : &pcap->l3, view);
}

static __always_inline struct vista_counters *cpu_counters(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&counters, &zero);
}

/* Submit flags: wake the reader only every wakeup_every events (of the active slot) on this CPU. */
static __always_inline __u64 wakeup_flags(void)
{
	struct vista_counters *c = cpu_counters();

	if (!c || ++c->since_wakeup >= filters[active_filter & 1].wakeup_every) {
		if (c)
			c->since_wakeup = 0;
		return BPF_RB_FORCE_WAKEUP;
	}
	return BPF_RB_NO_WAKEUP;
}

/*
 * The current task's ids. Netfilter link programs may not call
 * bpf_get_current_pid_tgid or bpf_get_current_comm before Linux 6.18: they
 * read the task instead (via_task, a constant at each call site).
 */
static __always_inline __u64 current_pid_tgid(bool via_task)
{
	struct task_struct *t;

	if (!via_task)
		return bpf_get_current_pid_tgid();
	t = (struct task_struct *)bpf_get_current_task();
	return ((__u64)BPF_CORE_READ(t, tgid) << 32) | (__u32)BPF_CORE_READ(t, pid);
}

/*
 * Whether skb passes the structured and pcap filters of the active slot f
 * (slot is its index). tuple is filled when the filters or collect need it.
 * Shared by every program that reports skbs, so all apply the same filters.
 * direct: the skb's fields can be loaded directly (see skb_parse.h);
 * via_task: see current_pid_tgid.
 */
static __always_inline bool skb_matches_by(struct sk_buff *skb, const struct vista_filter *f, __u32 slot, bool via_task,
					   struct vista_tuple *tuple, bool direct)
{
	__u32 flags = f->flags;

	/* Cheapest rejections first: each reads one field. */
	if ((flags & VISTA_F_MARK) && (SKB_RD(direct, skb, mark) & f->mark_mask) != f->mark)
		return false;
	if ((flags & VISTA_F_IFINDEX) && skb_ifindex(skb) != f->ifindex)
		return false;
	if ((flags & VISTA_F_NETNS) && skb_netns(skb) != f->netns)
		return false;
	if (flags & VISTA_F_PCAP) {
		struct cbpf_view view = {};

		if (!cbpf_skb_view(skb, CBPF_LAYER_AUTO, &view, direct) || !pcap_matches(&view, slot))
			return false;
	}
	if ((f->collect & VISTA_COLLECT_TUPLE) ||
	    (flags & (VISTA_F_ADDR4 | VISTA_F_ADDR6 | VISTA_F_PORT | VISTA_F_PROTO))) {
		skb_read_tuple_by(skb, tuple, direct);
		if (!tuple_matches(f, tuple))
			return false;
	}
	/* Last: the helper call it makes would otherwise part the verifier's paths early. */
	return !(flags & VISTA_F_PID) || (current_pid_tgid(via_task) >> 32) == f->pid;
}

static __always_inline bool skb_matches(struct sk_buff *skb, const struct vista_filter *f, __u32 slot, bool via_task,
					struct vista_tuple *tuple)
{
	return skb_matches_by(skb, f, slot, via_task, tuple, false);
}

/* The counters' record of a failed reservation: the reader reports it as lost. */
static __always_inline void count_lost(void)
{
	struct vista_counters *c = cpu_counters();

	if (c)
		c->lost++;
}

/* The current task's name: see current_pid_tgid. */
static __always_inline void current_comm(char *comm, __u32 len, bool via_task)
{
	struct task_struct *t;

	if (!via_task) {
		bpf_get_current_comm(comm, len);
		return;
	}
	t = (struct task_struct *)bpf_get_current_task();
	bpf_probe_read_kernel_str(comm, len, &t->comm);
}

/* Fills the fields every event kind has; stack_id is left to the caller. direct: see skb_parse.h. */
static __always_inline void event_fill_by(struct vista_event *e, struct sk_buff *skb, __u32 kind, __u64 pid_tgid,
					  __u32 collect, const struct vista_tuple *tuple, bool via_task, bool direct)
{
	e->ts_ns = bpf_ktime_get_ns();
	e->addr = (__u64)skb;
	e->location = 0;
	e->hook_id = 0;
	e->kind = kind;
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->cpu = bpf_get_smp_processor_id();
	e->reason = 0;
	e->flags = 0;
	e->stack_id = -1;
	current_comm(e->comm, sizeof(e->comm), via_task);
	__builtin_memset(&e->meta, 0, sizeof(e->meta));
	if (collect & VISTA_COLLECT_META) {
		skb_read_meta(skb, &e->meta, direct);
		e->flags |= VISTA_EVF_HAS_META;
	}
	e->tuple = *tuple;
	if (collect & VISTA_COLLECT_TUPLE)
		e->flags |= VISTA_EVF_HAS_TUPLE;
}

static __always_inline void event_fill(struct vista_event *e, struct sk_buff *skb, __u32 kind, __u64 pid_tgid,
				       __u32 collect, const struct vista_tuple *tuple, bool via_task)
{
	event_fill_by(e, skb, kind, pid_tgid, collect, tuple, via_task, false);
}

#include "track.bpf.h"
#include "packet.bpf.h"

/*
 * What a handler of skbs or XDP frames knows once it has found its hook
 * enabled: the slot it reads, that slot's filter, and what the event
 * carries at this hook.
 */
struct hook_ctx {
	const struct vista_filter *f;
	__u32 slot;
	__u32 hook;
	__u32 collect;
	__u8 bits; /* enum vista_hook_flags */
};

/* Whether hook is enabled in the active slot; fills h for the rest of the handler when it is. */
static __always_inline bool hook_begin(__u32 hook, struct hook_ctx *h)
{
	/*
	 * Masked rather than compared: a template is loaded with the id
	 * placeholder, and a comparison would let the verifier drop the whole
	 * body as dead code, and with it the function records clones need.
	 */
	h->hook = hook & (VISTA_MAX_HOOKS - 1);
	h->slot = active_filter & 1;
	h->bits = hook_flags[h->slot][h->hook];
	if (!(h->bits & VISTA_HOOK_ENABLED))
		return false;
	h->f = &filters[h->slot];
	h->collect = h->f->collect;
	if (h->bits & VISTA_HOOK_NO_PACKET)
		h->collect &= ~VISTA_COLLECT_PACKET;
	return true;
}

/* Whether the event carries a stack: --output-stack, or the hook asks for one. */
static __always_inline bool hook_wants_stack(const struct hook_ctx *h)
{
	return (h->collect & VISTA_COLLECT_STACK) || (h->bits & VISTA_HOOK_STACK);
}

static __always_inline __s32 hook_stack_id(void *ctx, const struct hook_ctx *h)
{
	return hook_wants_stack(h) ? bpf_get_stackid(ctx, &stacks, 0) : -1;
}

/* direct: skb is a typed argument (tp_btf, fentry) whose fields can be loaded directly. */
static __always_inline int handle_skb(void *ctx, struct sk_buff *skb, __u32 hook, __u64 location, __u32 reason,
				      __u32 event_flags, bool direct)
{
	struct vista_tuple tuple = {};
	struct vista_event *e;
	struct hook_ctx h;
	__u64 pid_tgid;
	__u32 tail = 0;

	if (!skb || !hook_begin(hook, &h))
		return 0;
	if (!track_skb(skb, h.f, skb_matches_by(skb, h.f, h.slot, false, &tuple, direct), &tuple))
		return 0;
	/* Only now: an skb the filters reject then costs one helper call less. */
	pid_tgid = bpf_get_current_pid_tgid();

	if (!event_reserve(skb, h.collect, h.f->snaplen, &e, &tail)) {
		count_lost();
		return 0;
	}
	event_fill_by(e, skb, VISTA_EV_SKB, pid_tgid, h.collect, &tuple, false, direct);
	e->location = location;
	e->hook_id = h.hook;
	e->reason = reason;
	e->flags |= event_flags | tail;
	e->stack_id = hook_stack_id(ctx, &h);
	bpf_ringbuf_submit(e, wakeup_flags());
	return 0;
}

/*
 * One template per position of the skb among the tracepoint's arguments
 * (tp_btf context: ctx[i] is argument i, after the tracepoint's __data).
 */
#define SKB_TP_TEMPLATE(pos)                                                                          \
	SEC("?tp_btf/vista_template")                                                                 \
	int tp_skb_##pos(__u64 *ctx)                                                                  \
	{                                                                                             \
		return handle_skb(ctx, (struct sk_buff *)ctx[pos], patched_hook_id(), 0, 0, 0, true); \
	}

SKB_TP_TEMPLATE(0)
SKB_TP_TEMPLATE(1)
SKB_TP_TEMPLATE(2)
SKB_TP_TEMPLATE(3)
SKB_TP_TEMPLATE(4)

/* kfree_skb(skb, location, reason[, rx_sk]) since Linux 5.17: keep the reason and the caller. */
SEC("?tp_btf/kfree_skb")
int tp_kfree_skb_reason(__u64 *ctx)
{
	handle_skb(ctx, (struct sk_buff *)ctx[0], patched_hook_id(), ctx[1], (__u32)ctx[2],
		   VISTA_EVF_HAS_REASON | VISTA_EVF_SKB_FREED, true);
	return track_freed((struct sk_buff *)ctx[0]);
}

/* consume_skb(skb[, location]) and kfree_skb before 5.17: keep the caller. */
SEC("?tp_btf/consume_skb")
int tp_skb_location(__u64 *ctx)
{
	handle_skb(ctx, (struct sk_buff *)ctx[0], patched_hook_id(), ctx[1], 0, VISTA_EVF_SKB_FREED, true);
	return track_freed((struct sk_buff *)ctx[0]);
}

/* consume_skb(skb) before Linux 6.3: no caller to keep, but the skb's life ends here all the same. */
SEC("?tp_btf/consume_skb")
int tp_skb_freed(__u64 *ctx)
{
	handle_skb(ctx, (struct sk_buff *)ctx[0], patched_hook_id(), 0, 0, VISTA_EVF_SKB_FREED, true);
	return track_freed((struct sk_buff *)ctx[0]);
}

/*
 * Kernel functions. A kprobe or kprobe-multi program serves every function
 * whose skb sits at the same position, and finds the hook from the address
 * of the function that ran (func_hooks, filled by user space).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* resized by user space */
	__type(key, __u64);
	__type(value, __u32);
} func_hooks SEC(".maps");

/* func_hooks holds each function's address and, for IBT kernels' kprobes, the one after its ENDBR64. */
static __always_inline __u32 hook_of_ip(void *ctx)
{
	__u64 ip = bpf_get_func_ip(ctx);
	__u32 *id = bpf_map_lookup_elem(&func_hooks, &ip);

	return id ? *id : VISTA_HOOK_UNKNOWN;
}

#define KPROBE_SKB_TEMPLATE(pos, parm)                                                                             \
	SEC("?kprobe")                                                                                             \
	int kprobe_skb_##pos(struct pt_regs *ctx)                                                                  \
	{                                                                                                          \
		return handle_skb(ctx, (struct sk_buff *)PT_REGS_PARM##parm##_CORE(ctx), hook_of_ip(ctx), 0, 0, 0, \
				  false);                                                                          \
	}                                                                                                          \
	SEC("?kprobe.multi")                                                                                       \
	int kmulti_skb_##pos(struct pt_regs *ctx)                                                                  \
	{                                                                                                          \
		return handle_skb(ctx, (struct sk_buff *)PT_REGS_PARM##parm##_CORE(ctx), hook_of_ip(ctx), 0, 0, 0, \
				  false);                                                                          \
	}

KPROBE_SKB_TEMPLATE(0, 1)
KPROBE_SKB_TEMPLATE(1, 2)
KPROBE_SKB_TEMPLATE(2, 3)
KPROBE_SKB_TEMPLATE(3, 4)
KPROBE_SKB_TEMPLATE(4, 5)

/* fentry: one clone per function, like the tracepoints (ctx[i] is argument i). */
#define FENTRY_SKB_TEMPLATE(pos)                                                                      \
	SEC("?fentry/vista_template")                                                                 \
	int fentry_skb_##pos(__u64 *ctx)                                                              \
	{                                                                                             \
		return handle_skb(ctx, (struct sk_buff *)ctx[pos], patched_hook_id(), 0, 0, 0, true); \
	}

FENTRY_SKB_TEMPLATE(0)
FENTRY_SKB_TEMPLATE(1)
FENTRY_SKB_TEMPLATE(2)
FENTRY_SKB_TEMPLATE(3)
FENTRY_SKB_TEMPLATE(4)

#include "sock_trace.bpf.h"
#include "sock_func.bpf.h"
#include "prog_trace.bpf.h"
#include "netfilter.bpf.h"
