/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --filter-track-skb: once an skb matches the filters, it is reported at
 * every hook until it is freed, even when it no longer matches (after NAT,
 * encapsulation or decapsulation, in another network namespace).
 *
 * The key is the skb pointer, not skb->head: the head moves when the
 * kernel reallocates the data (skb_cow_head before a tunnel header is
 * pushed, pskb_expand_head), while the struct sk_buff stays the same until
 * it is freed. An skb that is freed leaves the map at once, because the
 * kernel hands its address to the next skb it allocates.
 *
 * Every check starts with the filter's VISTA_F_TRACK bit: a session that
 * does not track never touches the map.
 *
 * On the function backends (kprobe, fentry), clones and copies are followed
 * too: the return value of skb_clone, skb_copy and __pskb_copy_fclone (what
 * pskb_copy calls) joins the map when their source is in it. Tracepoints
 * cannot see those return values.
 *
 * Included by vista.bpf.c after the filter slots (filters, active_filter).
 */
#ifndef VISTA_TRACK_BPF_H
#define VISTA_TRACK_BPF_H

/* Least recently used entries go first: an skb whose free was never seen cannot fill the map for good. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u8);
} tracked_skbs SEC(".maps");

static __always_inline void track_add(__u64 skb)
{
	__u8 one = 1;

	if (!bpf_map_lookup_elem(&tracked_skbs, &skb))
		bpf_map_update_elem(&tracked_skbs, &skb, &one, BPF_NOEXIST);
}

/*
 * Whether an skb is reported: matched says whether it passed the filters
 * (then it is tracked from now on); an skb that did not is reported when it
 * is tracked, with its tuple read for the event (the filters may have
 * stopped before reading it).
 */
static __always_inline bool track_skb(struct sk_buff *skb, const struct vista_filter *f, bool matched,
				      struct vista_tuple *tuple)
{
	__u64 key = (__u64)skb;

	if (!(f->flags & VISTA_F_TRACK))
		return matched;
	if (matched) {
		track_add(key);
		return true;
	}
	if (!bpf_map_lookup_elem(&tracked_skbs, &key))
		return false;
	if (f->collect & VISTA_COLLECT_TUPLE)
		skb_fill_tuple(skb, tuple);
	return true;
}

/*
 * The skb is freed: called by the kfree_skb and consume_skb programs after
 * they reported it, whether or not their hook is enabled, so that a
 * tracked skb never outlives its free.
 */
static __always_inline int track_freed(struct sk_buff *skb)
{
	__u64 key = (__u64)skb;

	if (filters[active_filter & 1].flags & VISTA_F_TRACK)
		bpf_map_delete_elem(&tracked_skbs, &key);
	return 0;
}

/* A new skb made from src (a clone or a copy) is tracked when src is. */
static __always_inline int track_derived(struct sk_buff *src, struct sk_buff *made)
{
	__u64 key = (__u64)src;

	if (!made || !(filters[active_filter & 1].flags & VISTA_F_TRACK))
		return 0;
	if (bpf_map_lookup_elem(&tracked_skbs, &key))
		track_add((__u64)made);
	return 0;
}

/* fentry backend: fexit programs see the argument and the return value together. */
SEC("?fexit/skb_clone")
int BPF_PROG(track_fexit_skb_clone, struct sk_buff *skb, gfp_t gfp, struct sk_buff *ret)
{
	return track_derived(skb, ret);
}

SEC("?fexit/skb_copy")
int BPF_PROG(track_fexit_skb_copy, const struct sk_buff *skb, gfp_t gfp, struct sk_buff *ret)
{
	return track_derived((struct sk_buff *)skb, ret);
}

SEC("?fexit/__pskb_copy_fclone")
int BPF_PROG(track_fexit_pskb_copy, struct sk_buff *skb, int headroom, gfp_t gfp, bool fclone, struct sk_buff *ret)
{
	return track_derived(skb, ret);
}

/*
 * kprobe backend: the source skb is kept per thread from the kprobe to the
 * kretprobe of the same call (these functions do not sleep between the two
 * on one thread, and do not nest into one another).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u64);
} track_sources SEC(".maps");

SEC("?kprobe")
int track_kprobe_copy(struct pt_regs *ctx)
{
	__u64 tid = bpf_get_current_pid_tgid(), src = PT_REGS_PARM1_CORE(ctx);

	if (!(filters[active_filter & 1].flags & VISTA_F_TRACK) || !bpf_map_lookup_elem(&tracked_skbs, &src))
		return 0;
	bpf_map_update_elem(&track_sources, &tid, &src, BPF_ANY);
	return 0;
}

SEC("?kretprobe")
int track_kretprobe_copy(struct pt_regs *ctx)
{
	__u64 tid = bpf_get_current_pid_tgid(), *src = bpf_map_lookup_elem(&track_sources, &tid), made;

	if (!src)
		return 0;
	made = PT_REGS_RC_CORE(ctx);
	if (made)
		track_add(made);
	bpf_map_delete_elem(&track_sources, &tid);
	return 0;
}

#endif /* VISTA_TRACK_BPF_H */
