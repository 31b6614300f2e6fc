/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel functions taking a struct sock * (--filter-trace-sk on the kprobe,
 * kprobe-multi and fentry backends), one template per position of the
 * socket among the first five arguments, as for the skb functions.
 *
 * Included once, after sock_trace.bpf.h, whose sk_emit() reads the socket
 * and applies the socket filters, so a function's event is the same
 * VISTA_EV_SK record as a tracepoint's, with what = VISTA_SK_FUNC and the
 * function's hook id.
 */
#ifndef VISTA_SOCK_FUNC_BPF_H
#define VISTA_SOCK_FUNC_BPF_H

/*
 * The hooks of the socket functions by address, like func_hooks for the
 * skb ones. A separate map: a function taking both an skb and a socket
 * (tcp_v4_do_rcv) is one hook of each kind at the same address.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* resized by user space */
	__type(key, __u64);
	__type(value, __u32);
} sk_func_hooks SEC(".maps");

static __always_inline __u32 sk_hook_of_ip(void *ctx)
{
	__u64 ip = bpf_get_func_ip(ctx);
	__u32 *id = bpf_map_lookup_elem(&sk_func_hooks, &ip);

	return id ? *id : VISTA_HOOK_UNKNOWN;
}

static __always_inline int handle_sk_func(void *ctx, struct sock *sk, __u32 hook)
{
	struct hook_ctx h;

	if (!hook_begin(hook, &h))
		return 0;
	return sk_emit(ctx, sk, VISTA_SK_FUNC, 0, 0, h.hook, hook_wants_stack(&h));
}

#define KPROBE_SK_TEMPLATE(pos, parm)                                                                          \
	SEC("?kprobe")                                                                                         \
	int kprobe_sk_##pos(struct pt_regs *ctx)                                                               \
	{                                                                                                      \
		return handle_sk_func(ctx, (struct sock *)PT_REGS_PARM##parm##_CORE(ctx), sk_hook_of_ip(ctx)); \
	}                                                                                                      \
	SEC("?kprobe.multi")                                                                                   \
	int kmulti_sk_##pos(struct pt_regs *ctx)                                                               \
	{                                                                                                      \
		return handle_sk_func(ctx, (struct sock *)PT_REGS_PARM##parm##_CORE(ctx), sk_hook_of_ip(ctx)); \
	}

KPROBE_SK_TEMPLATE(0, 1)
KPROBE_SK_TEMPLATE(1, 2)
KPROBE_SK_TEMPLATE(2, 3)
KPROBE_SK_TEMPLATE(3, 4)
KPROBE_SK_TEMPLATE(4, 5)

/* fentry: one clone per function, the hook id patched in (ctx[i] is argument i). */
#define FENTRY_SK_TEMPLATE(pos)                                                         \
	SEC("?fentry/vista_template")                                                   \
	int fentry_sk_##pos(__u64 *ctx)                                                 \
	{                                                                               \
		return handle_sk_func(ctx, (struct sock *)ctx[pos], patched_hook_id()); \
	}

FENTRY_SK_TEMPLATE(0)
FENTRY_SK_TEMPLATE(1)
FENTRY_SK_TEMPLATE(2)
FENTRY_SK_TEMPLATE(3)
FENTRY_SK_TEMPLATE(4)

#endif /* VISTA_SOCK_FUNC_BPF_H */
