// SPDX-License-Identifier: GPL-2.0-only
#include "filter/pcap_expr.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DLT_FOR_L2 DLT_EN10MB
#define DLT_FOR_L3 DLT_RAW

/* Compiles for one link type; returns 0, or -1 with libpcap's message. */
static int compile_for(int linktype, const char *expr, struct vista_cbpf_prog *out, char *err, size_t errlen)
{
	struct bpf_program prog;
	pcap_t *p = pcap_open_dead(linktype, PCAP_EXPR_SNAPLEN);
	int rc = -1;

	if (!p) {
		snprintf(err, errlen, "libpcap cannot open a handle for link type %d", linktype);
		return -1;
	}
	/* PCAP_NETMASK_UNKNOWN: there is no one interface whose netmask "ip broadcast" could use. */
	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		snprintf(err, errlen, "%s", pcap_geterr(p));
		goto out;
	}
	if (prog.bf_len > VISTA_CBPF_MAX_INSNS) {
		snprintf(err, errlen, "the expression compiles to %u instructions, more than the %d vista can run",
			 prog.bf_len, VISTA_CBPF_MAX_INSNS);
	} else {
		_Static_assert(sizeof(struct bpf_insn) == sizeof(struct vista_cbpf_insn), "cBPF layouts differ");
		memset(out, 0, sizeof(*out));
		out->len = prog.bf_len;
		memcpy(out->insns, prog.bf_insns, prog.bf_len * sizeof(*prog.bf_insns));
		rc = 0;
	}
	pcap_freecode(&prog);
out:
	pcap_close(p);
	return rc;
}

int pcap_expr_compile(const char *expr, struct vista_pcap *out, char *err, size_t errlen)
{
	struct vista_pcap *next = malloc(sizeof(*next)); /* 64 KiB: not for the stack */
	char l3_err[PCAP_ERRBUF_SIZE];

	if (!next) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (compile_for(DLT_FOR_L2, expr, &next->l2, err, errlen)) {
		free(next);
		return -1;
	}
	if (compile_for(DLT_FOR_L3, expr, &next->l3, l3_err, sizeof(l3_err))) {
		/* Meaningless without a link layer: nothing seen from the network header matches. */
		memset(&next->l3, 0, sizeof(next->l3));
		next->l3.len = 1;
		next->l3.insns[0].code = 0x06; /* BPF_RET | BPF_K, k = 0 */
	}
	memcpy(out, next, sizeof(*next));
	free(next);
	return 0;
}

int pcap_expr_check(const char *expr, char *err, size_t errlen)
{
	struct vista_cbpf_prog *scratch = malloc(sizeof(*scratch));
	int rc;

	if (!scratch) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = compile_for(DLT_FOR_L2, expr, scratch, err, errlen);
	free(scratch);
	return rc;
}
