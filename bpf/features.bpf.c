// SPDX-License-Identifier: GPL-2.0-only
/*
 * Minimal programs that tell whether this kernel can run each tracing
 * backend: user space tries to load and attach them, which is the only
 * reliable test (loading a kprobe-multi program succeeds even where
 * attaching one cannot).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("?kprobe")
int probe_kprobe(struct pt_regs *ctx)
{
	return 0;
}

SEC("?kprobe.multi")
int probe_kprobe_multi(struct pt_regs *ctx)
{
	return 0;
}

SEC("?fentry/ip_rcv")
int BPF_PROG(probe_fentry)
{
	return 0;
}

SEC("?tp_btf/kfree_skb")
int BPF_PROG(probe_tp_btf)
{
	return 0;
}
