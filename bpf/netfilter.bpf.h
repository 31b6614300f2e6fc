/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Netfilter tables seen from netfilter BPF links: included by vista.bpf.c,
 * after its filter and event helpers.
 *
 * Where kprobes and fentry are missing, nothing can watch ipt_do_table or
 * nft_do_chain run. But BPF links can join the hooks themselves, at a
 * priority of their choosing: vista places one just below and one just above
 * each standard table priority (VISTA_NF_PROBE_PRIOS). An skb that passes
 * the link before a range and then the link after it was let through by the
 * tables in between; one freed in between with SKB_DROP_REASON_NETFILTER_DROP
 * was dropped there by a rule (REJECT too: it is a DROP that also sends a
 * reply), one freed with another reason was dropped there too (a queue
 * without a reader...), and one consumed there was taken (stolen) by them.
 * The time between the two is what the tables cost.
 *
 * Per skb, nf_tracks remembers the last link it passed on its current hook.
 * The filters are applied once per hook, at the first link: a NAT table
 * rewriting the addresses halfway does not lose the packet.
 */
#ifndef VISTA_NETFILTER_BPF_H
#define VISTA_NETFILTER_BPF_H

#define NF_DROP_        0
#define NF_ACCEPT_      1
#define NF_STOLEN_      2
#define NFPROTO_IPV4_   2
#define NFPROTO_IPV6_   10
#define NF_INET_HOOKS_  5
#define NF_LAST_PROBE   (VISTA_NF_PROBES - 1)
#define NF_MAX_ENTRIES  64 /* hook entries examined per hook; real hooks have a handful */
#define NF_HOOK_OP_BPF_ 2
#define NF_HOOK_OP_NFT_ 1

struct nf_track {
	__u64 ts;    /* when the skb passed link `probe` */
	__u32 netns; /* of the hook */
	__u16 mask;  /* bit r: a table sits between links r and r + 1 */
	__u8 pf;
	__u8 hook;
	__u8 probe;  /* the last link passed on this hook */
	__u8 traced; /* the skb matched the filters at its first link on this hook */
	__u8 pad[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64); /* the skb */
	__type(value, struct nf_track);
} nf_tracks SEC(".maps");

static const __s32 nf_probe_prio[16] = VISTA_NF_PROBE_PRIOS;

/*
 * Where the links of one hook really are: the kernel refuses a BPF link at a
 * priority another entry already has, so user space may have moved one a
 * little away from its table (struct vista_nf_prios in vista.h).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct vista_nf_hook_key);
	__type(value, struct vista_nf_prios);
} nf_prios SEC(".maps");

/* The priority of link i on this hook: as placed, or as planned when user space has not said. */
static __always_inline __s32 nf_prio_of(const struct vista_nf_prios *p, __u32 i)
{
	return p ? p->prio[i & 15] : nf_probe_prio[i & 15];
}

static __always_inline const struct vista_nf_prios *nf_prios_of(__u32 netns, __u8 pf, __u8 hook)
{
	struct vista_nf_hook_key key = { .netns = netns, .pf = pf, .hook = hook };

	return bpf_map_lookup_elem(&nf_prios, &key);
}

/*
 * The priorities where iptables tables and the NAT core (which runs the nat
 * chains of iptables and nftables alike) register; nftables chains are
 * recognised by their hook type wherever they are.
 */
static __always_inline bool nf_is_table_prio(__s32 prio)
{
	return prio == -300 || prio == -150 || prio == -100 || prio == 0 || prio == 50 || prio == 100;
}

struct nf_walk {
	__u64 ops_base; /* the array of struct nf_hook_ops pointers of the hook's entries */
	__u32 num;      /* entries */
	__s32 r;        /* the last of vista's links passed so far, -1 before the first */
	__u32 mask;
	__s32 prio[16]; /* of vista's links on this hook */
};

/* One hook entry, in priority order (a bpf_loop callback: the verifier sees it once). */
static long nf_walk_entry(__u64 k, void *arg)
{
	struct nf_walk *w = arg;
	struct nf_hook_ops *ops;
	__s32 prio, r = w->r;
	__u8 type;

	if (k >= w->num || bpf_probe_read_kernel(&ops, sizeof(ops), (void *)(w->ops_base + k * sizeof(ops))) || !ops)
		return 1;
	prio = BPF_CORE_READ(ops, priority);
	type = BPF_CORE_READ_BITFIELD_PROBED(ops, hook_ops_type);
	if (r < -1 || r >= NF_LAST_PROBE)
		return r < -1; /* past the last link: nothing more to learn */
	if (type == NF_HOOK_OP_BPF_ && prio == w->prio[(r + 1) & 15]) {
		w->r = r + 1;
		return 0;
	}
	if (r >= 0 && (type == NF_HOOK_OP_NFT_ || nf_is_table_prio(prio)))
		w->mask |= 1u << (r & 15);
	return 0;
}

/*
 * Which ranges between vista's links hold a table on this hook, from the
 * hook's entries (sorted by priority, vista's own links among them). The
 * entries are those the kernel runs for this very pass of the skb.
 */
static __always_inline __u16 nf_table_ranges(const struct nf_hook_state *state, __u8 pf, __u8 hook,
					     const struct vista_nf_prios *prios)
{
	struct nf_hook_entries *entries;
	struct net *net = BPF_CORE_READ(state, net);
	struct nf_walk w = { .r = -1 };

	for (int i = 0; i < VISTA_NF_PROBES; i++)
		w.prio[i] = nf_prio_of(prios, i);
	if (hook >= NF_INET_HOOKS_)
		return 0;
	if (pf == NFPROTO_IPV4_)
		entries = BPF_CORE_READ(net, nf.hooks_ipv4[hook]);
	else
		entries = BPF_CORE_READ(net, nf.hooks_ipv6[hook]);
	if (!entries)
		return 0;
	w.num = BPF_CORE_READ(entries, num_hook_entries);
	/* The array of struct nf_hook_ops pointers follows the num entries. */
	w.ops_base = (__u64)entries + bpf_core_field_offset(struct nf_hook_entries, hooks) +
		     (__u64)w.num * bpf_core_type_size(struct nf_hook_entry);
	bpf_loop(NF_MAX_ENTRIES, nf_walk_entry, &w, 0);
	return w.mask;
}

/*
 * Reserves a netfilter event for skb and fills its common fields (the tuple
 * as the tables left it, after NAT); the caller fills the vista_nf that is
 * returned and submits *out. NULL when the ring is full.
 */
static __always_inline struct vista_nf *nf_begin(struct sk_buff *skb, struct vista_event **out, bool via_task)
{
	__u32 collect = filters[active_filter & 1].collect;
	struct vista_tuple tuple = {};
	struct vista_event *e;
	struct vista_nf *nf;

	if (collect & VISTA_COLLECT_TUPLE)
		skb_fill_tuple(skb, &tuple);
	e = bpf_ringbuf_reserve(&events, sizeof(*e) + sizeof(*nf), 0);
	if (!e) {
		count_lost();
		return NULL;
	}
	event_fill(e, skb, VISTA_EV_NETFILTER, current_pid_tgid(via_task), collect, &tuple, via_task);
	nf = (void *)(e + 1);
	__builtin_memset(nf->table, 0, sizeof(nf->table));
	__builtin_memset(nf->chain, 0, sizeof(nf->chain));
	*out = e;
	return nf;
}

/* Reports what the tables between link t->probe and link hi did with skb. */
static __always_inline void nf_emit(struct sk_buff *skb, const struct nf_track *t, __u32 hi, __u8 verdict, __u8 method,
				    __u32 reason, __u64 now, bool via_task)
{
	const struct vista_nf_prios *prios;
	struct vista_event *e;
	struct vista_nf *nf = nf_begin(skb, &e, via_task);

	if (!nf)
		return;
	if (method != VISTA_NF_BY_NEXT_LINK && reason) {
		e->reason = reason;
		e->flags |= VISTA_EVF_HAS_REASON;
	}
	if (method != VISTA_NF_BY_NEXT_LINK)
		e->flags |= VISTA_EVF_SKB_FREED;
	prios = nf_prios_of(t->netns, t->pf, t->hook);
	nf->cost_ns = now - t->ts;
	nf->prio_lo = nf_prio_of(prios, t->probe);
	nf->prio_hi = nf_prio_of(prios, hi);
	nf->netns = t->netns;
	nf->pf = t->pf;
	nf->hook = t->hook;
	nf->verdict = verdict;
	nf->method = method;
	bpf_ringbuf_submit(e, wakeup_flags());
}

static __always_inline int nf_probe(struct bpf_nf_ctx *ctx, __u32 i)
{
	const struct nf_hook_state *state = ctx->state;
	struct sk_buff *skb = ctx->skb;
	__u64 key = (__u64)skb, now = bpf_ktime_get_ns();
	struct vista_tuple tuple = {};
	struct nf_track *t, fresh = {};
	__u32 netns, slot;
	__u8 pf, hook;

	if (!skb || !state)
		return NF_ACCEPT_;
	pf = BPF_CORE_READ(state, pf);
	hook = BPF_CORE_READ(state, hook);
	netns = BPF_CORE_READ(state, net, ns.inum);
	t = bpf_map_lookup_elem(&nf_tracks, &key);
	if (t && t->pf == pf && t->hook == hook && t->netns == netns && t->probe < i) {
		/* The skb left the range after link t->probe: the tables there let it go on. */
		if (t->traced && (((t->mask >> t->probe) & 1) || i > t->probe + 1u))
			nf_emit(skb, t, i, NF_ACCEPT_, VISTA_NF_BY_NEXT_LINK, 0, now, true);
		if (i == NF_LAST_PROBE) {
			bpf_map_delete_elem(&nf_tracks, &key);
		} else if (t->traced) {
			t->probe = i;
			t->ts = now;
		}
		return NF_ACCEPT_;
	}
	/* A new pass through this hook (a stale entry of another pass is replaced). */
	if (i == NF_LAST_PROBE) {
		if (t)
			bpf_map_delete_elem(&nf_tracks, &key);
		return NF_ACCEPT_;
	}
	slot = active_filter & 1;
	fresh.ts = now;
	fresh.netns = netns;
	fresh.pf = pf;
	fresh.hook = hook;
	fresh.probe = i;
	fresh.traced = skb_matches(skb, &filters[slot], slot, true, &tuple);
	if (fresh.traced)
		fresh.mask = nf_table_ranges(state, pf, hook, nf_prios_of(netns, pf, hook));
	bpf_map_update_elem(&nf_tracks, &key, &fresh, BPF_ANY);
	return NF_ACCEPT_;
}

/* The skb's life ends: inside a range, that is what the tables there did with it. */
static __always_inline int nf_freed(struct sk_buff *skb, __u32 reason, bool dropped)
{
	__u64 key = (__u64)skb, now = bpf_ktime_get_ns();
	struct nf_track *t = bpf_map_lookup_elem(&nf_tracks, &key);
	struct nf_track copy;
	bool nf_drop;

	if (!t)
		return 0;
	copy = *t;
	bpf_map_delete_elem(&nf_tracks, &key);
	if (!copy.traced || copy.probe >= NF_LAST_PROBE)
		return 0;
	nf_drop = dropped && reason == bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_NETFILTER_DROP);
	/* A kfree_skb is a drop, whatever its reason says; a consume_skb means the tables took the skb. */
	nf_emit(skb, &copy, copy.probe + 1, dropped ? NF_DROP_ : NF_STOLEN_,
		nf_drop ? VISTA_NF_BY_DROP_REASON : VISTA_NF_BY_FREE, dropped ? reason : 0, now, false);
	return 0;
}

SEC("?tp_btf/kfree_skb")
int vista_nf_kfree(__u64 *ctx)
{
	return nf_freed((struct sk_buff *)ctx[0], (__u32)ctx[2], true);
}

SEC("?tp_btf/consume_skb")
int vista_nf_consume(__u64 *ctx)
{
	return nf_freed((struct sk_buff *)ctx[0], 0, false);
}

/* One program per link position: the position is all that tells them apart. */
#define NF_PROBE(i)                               \
	SEC("?netfilter")                         \
	int vista_nfp_##i(struct bpf_nf_ctx *ctx) \
	{                                         \
		return nf_probe(ctx, i);          \
	}

NF_PROBE(0)
NF_PROBE(1)
NF_PROBE(2)
NF_PROBE(3)
NF_PROBE(4)
NF_PROBE(5)
NF_PROBE(6)
NF_PROBE(7)
NF_PROBE(8)
NF_PROBE(9)
NF_PROBE(10)
NF_PROBE(11)
NF_PROBE(12)
NF_PROBE(13)

/* ---------------------------------------------------------------- the table functions themselves */

/*
 * Where kprobes or fentry work, the tables are watched where they run:
 * ipt_do_table, ip6t_do_table, arpt_do_table and nft_do_chain, each entry
 * paired with its return, and nf_hook_slow for a hook as a whole. The
 * verdict is the function's return value, the cost the time in between.
 *
 * Entries and returns nest last-in first-out on a CPU (a softirq that
 * interrupts a table runs its own tables to the end), so each CPU keeps a
 * small stack of the calls in progress; a kretprobe sees no arguments, so
 * they are kept there too.
 */
enum nf_fn {
	NF_FN_IPT,
	NF_FN_IP6T,
	NF_FN_ARPT,
	NF_FN_NFT,
	NF_FN_HOOK_SLOW,
};

/*
 * Set by user space from the kernel's BTF before loading: 1 when the x_tables
 * function of ipt, ip6t, arpt takes (skb, state, table), as before Linux
 * 5.16; 0 for (priv, skb, state), priv being the table.
 */
const volatile __u8 nf_xt_args_old[3];

#define NF_CALL_DEPTH 8

struct nf_frame {
	__u64 ts;
	__u64 arg[3];
	__u64 skb;
	__u32 fn;
	__u32 traced;
	__u32 freed;  /* kfree_skb ran on the skb during the call (nftables drops that way) */
	__u32 reason; /* its drop reason */
};

struct nf_call_stack {
	__u32 depth;
	__u32 pad;
	struct nf_frame f[NF_CALL_DEPTH];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nf_call_stack);
} nf_calls SEC(".maps");

static __always_inline struct sk_buff *nf_call_skb(__u32 fn, const __u64 *arg)
{
	if (fn == NF_FN_NFT)
		return BPF_CORE_READ((struct nft_pktinfo *)arg[0], skb);
	if (fn == NF_FN_HOOK_SLOW)
		return (struct sk_buff *)arg[0];
	return (struct sk_buff *)(nf_xt_args_old[fn] ? arg[0] : arg[1]);
}

static __always_inline const struct nf_hook_state *nf_call_state(__u32 fn, const __u64 *arg)
{
	if (fn == NF_FN_NFT)
		return BPF_CORE_READ((struct nft_pktinfo *)arg[0], state);
	if (fn == NF_FN_HOOK_SLOW)
		return (const struct nf_hook_state *)arg[1];
	return (const struct nf_hook_state *)(nf_xt_args_old[fn] ? arg[1] : arg[2]);
}

static __always_inline int nf_call_enter(__u32 fn, __u64 a0, __u64 a1, __u64 a2)
{
	__u32 zero = 0, slot = active_filter & 1;
	struct nf_call_stack *st = bpf_map_lookup_elem(&nf_calls, &zero);
	struct vista_tuple tuple = {};
	struct nf_frame *fr;
	struct sk_buff *skb;
	__u32 d;

	if (!st)
		return 0;
	d = st->depth;
	st->depth = d + 1; /* counted even when too deep, so that the returns pair up */
	if (d >= NF_CALL_DEPTH)
		return 0;
	fr = &st->f[d];
	fr->fn = fn;
	fr->arg[0] = a0;
	fr->arg[1] = a1;
	fr->arg[2] = a2;
	skb = nf_call_skb(fn, fr->arg);
	fr->skb = (__u64)skb;
	fr->freed = 0;
	fr->reason = 0;
	fr->traced = skb && skb_matches(skb, &filters[slot], slot, false, &tuple);
	fr->ts = bpf_ktime_get_ns();
	return 0;
}

/* The table's name and priority, and for nftables the chain's name. */
static __always_inline void nf_call_names(__u32 fn, const __u64 *arg, struct vista_nf *nf)
{
	if (fn == NF_FN_NFT) {
		struct nft_chain *chain = (struct nft_chain *)arg[1];
		struct nft_base_chain *base =
		    (void *)((__u64)chain - bpf_core_field_offset(struct nft_base_chain, chain));

		bpf_probe_read_kernel_str(nf->chain, sizeof(nf->chain), BPF_CORE_READ(chain, name));
		bpf_probe_read_kernel_str(nf->table, sizeof(nf->table), BPF_CORE_READ(chain, table, name));
		/* nft_do_chain runs base chains only: their hook ops hold the priority. */
		nf->prio_lo = nf->prio_hi = BPF_CORE_READ(base, ops.priority);
	} else if (fn == NF_FN_HOOK_SLOW) {
		nf->prio_lo = -2147483647 - 1;
		nf->prio_hi = 2147483647;
	} else {
		struct xt_table *t = (struct xt_table *)(nf_xt_args_old[fn] ? arg[2] : arg[0]);

		bpf_probe_read_kernel_str(nf->table, sizeof(nf->table), t->name);
		nf->prio_lo = nf->prio_hi = BPF_CORE_READ(t, priority);
	}
}

static __always_inline int nf_call_exit(__u32 fn, long ret)
{
	__u32 zero = 0;
	struct nf_call_stack *st = bpf_map_lookup_elem(&nf_calls, &zero);
	const struct nf_hook_state *state;
	struct nf_frame fr;
	struct vista_event *e;
	struct vista_nf *nf;
	struct sk_buff *skb;
	__u64 now = bpf_ktime_get_ns();
	__u32 d;

	if (!st || !st->depth)
		return 0;
	d = st->depth - 1;
	st->depth = d;
	if (d >= NF_CALL_DEPTH)
		return 0;
	fr = st->f[d];
	if (fr.fn != fn || !fr.traced)
		return 0;
	skb = nf_call_skb(fn, fr.arg);
	state = nf_call_state(fn, fr.arg);
	if (!skb || !state)
		return 0;
	nf = nf_begin(skb, &e, false);
	if (!nf)
		return 0;
	nf->cost_ns = now - fr.ts;
	nf->netns = BPF_CORE_READ(state, net, ns.inum);
	nf->pf = BPF_CORE_READ(state, pf);
	nf->hook = BPF_CORE_READ(state, hook);
	/* nf_hook_slow says 1 when every entry accepted, 0 when one took the skb, -errno when one dropped it. */
	if (fn == NF_FN_HOOK_SLOW)
		nf->verdict = ret == 1 ? NF_ACCEPT_ : ret == 0 ? NF_STOLEN_ : NF_DROP_;
	else
		nf->verdict = ret & 0xff; /* NF_VERDICT_MASK: the rest may carry an errno */
	nf->method = VISTA_NF_BY_RETURN;
	/*
	 * nf_tables frees a dropped skb itself, with its drop reason, and
	 * returns NF_STOLEN (NF_DROP_REASON): that is a DROP, the reason says why.
	 */
	if (fr.freed) {
		if (nf->verdict == NF_STOLEN_)
			nf->verdict = NF_DROP_;
		nf->method = fr.reason == bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_NETFILTER_DROP)
				 ? VISTA_NF_BY_DROP_REASON
				 : VISTA_NF_BY_FREE;
		e->reason = fr.reason;
		e->flags |= VISTA_EVF_HAS_REASON | VISTA_EVF_SKB_FREED;
	}
	nf_call_names(fn, fr.arg, nf);
	bpf_ringbuf_submit(e, wakeup_flags());
	return 0;
}

/* A kfree_skb inside a table function: its frame (the innermost one on this CPU for skb) remembers it. */
static __always_inline void nf_call_freed(struct sk_buff *skb, __u32 reason)
{
	__u32 zero = 0;
	struct nf_call_stack *st = bpf_map_lookup_elem(&nf_calls, &zero);
	__u32 d;

	if (!st || !st->depth)
		return;
	d = st->depth - 1;
	if (d >= NF_CALL_DEPTH || st->f[d].skb != (__u64)skb)
		return;
	st->f[d].freed = 1;
	st->f[d].reason = reason;
}

SEC("?tp_btf/kfree_skb")
int vista_nf_kfree_fn(__u64 *ctx)
{
	nf_call_freed((struct sk_buff *)ctx[0], (__u32)ctx[2]);
	return 0;
}

/* kprobe backends: arguments from the registers at entry, the verdict at return. */
#define NF_KPROBES(name, fn)                                                                                    \
	SEC("?kprobe/" #fn)                                                                                     \
	int vista_nfk_##name(struct pt_regs *ctx)                                                               \
	{                                                                                                       \
		return nf_call_enter(NF_FN_##name, PT_REGS_PARM1(ctx), PT_REGS_PARM2(ctx), PT_REGS_PARM3(ctx)); \
	}                                                                                                       \
	SEC("?kretprobe/" #fn)                                                                                  \
	int vista_nfr_##name(struct pt_regs *ctx)                                                               \
	{                                                                                                       \
		return nf_call_exit(NF_FN_##name, (long)PT_REGS_RC(ctx));                                       \
	}

NF_KPROBES(IPT, ipt_do_table)
NF_KPROBES(IP6T, ip6t_do_table)
NF_KPROBES(ARPT, arpt_do_table)
NF_KPROBES(NFT, nft_do_chain)
NF_KPROBES(HOOK_SLOW, nf_hook_slow)

/* fentry: the return value follows the nargs arguments in the fexit context. */
#define NF_FENTRY(name, fn, nargs)                                                                  \
	SEC("?fentry/" #fn)                                                                         \
	int vista_nfe_##name(__u64 *ctx)                                                            \
	{                                                                                           \
		return nf_call_enter(NF_FN_##name, ctx[0], ctx[1], nargs > 2 ? ctx[2 % nargs] : 0); \
	}                                                                                           \
	SEC("?fexit/" #fn)                                                                          \
	int vista_nfx_##name(__u64 *ctx)                                                            \
	{                                                                                           \
		return nf_call_exit(NF_FN_##name, (long)ctx[nargs]);                                \
	}

NF_FENTRY(IPT, ipt_do_table, 3)
NF_FENTRY(IP6T, ip6t_do_table, 3)
NF_FENTRY(ARPT, arpt_do_table, 3)
NF_FENTRY(NFT, nft_do_chain, 2)
NF_FENTRY(HOOK_SLOW, nf_hook_slow, 4)

#endif /* VISTA_NETFILTER_BPF_H */
