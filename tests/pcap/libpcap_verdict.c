// SPDX-License-Identifier: GPL-2.0-only
#include "libpcap_verdict.h"

#include <pcap/pcap.h>

uint32_t libpcap_verdict(const struct vista_cbpf_prog *prog, const uint8_t *bytes, uint32_t caplen, uint32_t wirelen)
{
	struct bpf_program bp = { .bf_len = prog->len, .bf_insns = (struct bpf_insn *)prog->insns };
	struct pcap_pkthdr h = { .caplen = caplen, .len = wirelen };

	return (uint32_t)pcap_offline_filter(&bp, &h, bytes);
}
