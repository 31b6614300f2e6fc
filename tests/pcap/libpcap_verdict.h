/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libpcap's verdict on given bytes, behind a plain interface: <pcap/pcap.h>
 * and <linux/bpf.h> cannot meet in one file (both define struct bpf_insn).
 */
#ifndef VISTA_TESTS_LIBPCAP_VERDICT_H
#define VISTA_TESTS_LIBPCAP_VERDICT_H

#include <stdint.h>
#include "vista.h"

/* pcap_offline_filter() of prog on bytes[0..caplen), the packet being wirelen long. */
uint32_t libpcap_verdict(const struct vista_cbpf_prog *prog, const uint8_t *bytes, uint32_t caplen, uint32_t wirelen);

#endif
