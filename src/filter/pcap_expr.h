/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pcap-filter expressions (man 7 pcap-filter) compiled by libpcap into the
 * classic-BPF programs the BPF side interprets (bpf/cbpf_run.h).
 */
#ifndef VISTA_PCAP_EXPR_H
#define VISTA_PCAP_EXPR_H

#include <stddef.h>
#include "vista.h"

/* What a match returns, as tcpdump's default snapshot length. */
#define PCAP_EXPR_SNAPLEN 262144

/*
 * Compiles expr twice: for skbs seen from their Ethernet header
 * (DLT_EN10MB, into out->l2) and for skbs seen from their network header
 * (DLT_RAW, into out->l3). An expression that only makes sense with a link
 * layer ("arp", "ether host ...") gets a reject-all program at L3.
 * Returns 0, or -1 with libpcap's message in err (out is then unchanged).
 */
int pcap_expr_compile(const char *expr, struct vista_pcap *out, char *err, size_t errlen);

/* Only checks that expr compiles: 0, or -1 with libpcap's message in err. */
int pcap_expr_check(const char *expr, char *err, size_t errlen);

#endif
