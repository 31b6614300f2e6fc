// SPDX-License-Identifier: GPL-2.0-only
/* A test XDP program for the kernel matrix (tests/vm/scenarios/xdp_tc.sh): lets every frame pass. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int vista_test_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}
