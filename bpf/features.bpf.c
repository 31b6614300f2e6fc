// SPDX-License-Identifier: GPL-2.0-only
/*
 * Minimal programs that tell whether this kernel can run the kprobe
 * backends: user space tries to load and attach them, which is the only
 * reliable test (loading a kprobe-multi program succeeds even where
 * attaching one cannot). fentry and tp_btf are probed without an object
 * (src/core/features.c: probe_tracing).
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
