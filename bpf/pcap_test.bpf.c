// SPDX-License-Identifier: GPL-2.0-only
/*
 * The differential test's way into the kernel: a tc program that runs the
 * very interpreter vista's tracing programs run (bpf/cbpf_run.h) on the
 * real sk_buff that BPF_PROG_TEST_RUN builds from given bytes, and returns
 * its verdict. tests/pcap/test_pcap_diff.c compares it with libpcap's.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "vista.h"
#include "cbpf_run.h"

char LICENSE[] SEC("license") = "GPL";

extern void *bpf_cast_to_kern_ctx(void *obj) __ksym;

struct vista_pcap test_pcap; /* written by the test before each expression */
__u32 test_layer;            /* enum cbpf_layer */
/*
 * When non-zero, the frame was padded (BPF_PROG_TEST_RUN refuses frames cut
 * inside the IP header) and only this many bytes from skb->data are real:
 * the view is cut there, as a truncated capture would be.
 */
__u32 test_caplen;

/* Where the view the interpreter saw began, so the test feeds libpcap the same bytes. */
__s32 view_ok;
__u32 view_offset; /* from skb->data */
__u32 view_caplen;
__u32 view_wirelen;

SEC("tc")
int pcap_verdict(struct __sk_buff *ctx)
{
	struct sk_buff *skb = bpf_cast_to_kern_ctx(ctx);
	struct cbpf_view v;

	view_ok = cbpf_skb_view(skb, test_layer, &v, true); /* a trusted pointer, as in tp_btf */
	if (!view_ok)
		return 0;
	view_offset = v.data - (__u64)BPF_CORE_READ(skb, data);
	if (test_caplen) {
		__u32 real = test_caplen > view_offset ? test_caplen - view_offset : 0;

		v.caplen = v.caplen < real ? v.caplen : real;
		v.wirelen = v.wirelen < real ? v.wirelen : real;
	}
	view_caplen = v.caplen;
	view_wirelen = v.wirelen;
	return cbpf_run(v.l2 ? &test_pcap.l2 : &test_pcap.l3, &v);
}
