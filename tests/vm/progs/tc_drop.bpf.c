// SPDX-License-Identifier: GPL-2.0-only
/*
 * A test TC program for the kernel matrix (tests/vm/scenarios/xdp_tc.sh):
 * drops IPv4 UDP datagrams to port 7777 (TC_ACT_SHOT), lets the rest go
 * on (TC_ACT_OK).
 */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define TC_ACT_OK_   0
#define TC_ACT_SHOT_ 2
#define ETH_P_IP_    0x0800
#define DROP_PORT    7777

char LICENSE[] SEC("license") = "GPL";

SEC("tc")
int vista_test_tc(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP_) || ip->protocol != 17 || ip->ihl != 5)
		return TC_ACT_OK_;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end)
		return TC_ACT_OK_;
	return udp->dest == bpf_htons(DROP_PORT) ? TC_ACT_SHOT_ : TC_ACT_OK_;
}
