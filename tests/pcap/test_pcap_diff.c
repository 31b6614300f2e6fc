// SPDX-License-Identifier: GPL-2.0-only
/*
 * The differential test of vista's pcap filtering: for every expression of
 * tests/pcap/expressions.txt and every frame of tests/pcap/packets.c, the
 * verdict of the in-kernel interpreter (bpf/cbpf_run.h, run on a real
 * sk_buff built by BPF_PROG_TEST_RUN) must equal libpcap's own
 * pcap_offline_filter() on the same bytes — seen from the Ethernet header
 * (DLT_EN10MB) and from the network header (DLT_RAW).
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus.h"
#include "filter/pcap_expr.h"
#include "libpcap_verdict.h"
#include "packets.h"
#include "pcap_test.skel.h"
#include "tap.h"

#ifndef PCAP_CORPUS_DIR
#error "PCAP_CORPUS_DIR must name the directory of expressions.txt (set by Makefile.am)"
#endif

#define ETH_HLEN      14                   /* BPF_PROG_TEST_RUN of a tc program needs more than an Ethernet header */
#define SHOW_MISMATCH 3                    /* per expression, as TAP diagnostics */
#define PAD_TO        (ETH_HLEN + 40 + 20) /* enough for any IPv4 or IPv6 header */

enum layer { LAYER_L2 = 1, LAYER_L3 = 2 }; /* enum cbpf_layer */

struct kernel_verdict {
	uint32_t verdict;
	uint32_t offset; /* where the interpreter's view began, from the frame's start */
	uint32_t caplen;
	uint32_t wirelen;
	bool view;
};

static size_t padded_frames;

static int kernel_run(struct pcap_test_bpf *skel, const struct test_packet *p, enum layer layer,
		      struct kernel_verdict *out)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = p->bytes, .data_size_in = p->len, .repeat = 1);
	int fd = bpf_program__fd(skel->progs.pcap_verdict);
	uint8_t padded[PAD_TO] = { 0 };

	skel->bss->test_layer = layer;
	skel->bss->test_caplen = 0;
	if (bpf_prog_test_run_opts(fd, &opts)) {
		/*
		 * The kernel builds no skb from a frame cut inside its IP
		 * header: pad it with zeros and have the view cut where the
		 * frame really ends, which is what the interpreter must honour.
		 */
		if (errno != EINVAL || p->len >= PAD_TO)
			return -1;
		memcpy(padded, p->bytes, p->len);
		opts.data_in = padded;
		opts.data_size_in = PAD_TO;
		skel->bss->test_caplen = p->len;
		if (bpf_prog_test_run_opts(fd, &opts))
			return -1;
		if (layer == LAYER_L2)
			padded_frames++;
	}
	out->verdict = opts.retval;
	out->view = skel->bss->view_ok;
	out->offset = skel->bss->view_offset;
	out->caplen = skel->bss->view_caplen;
	out->wirelen = skel->bss->view_wirelen;
	return 0;
}

/* The kernel's views of one frame are what the test assumes: the whole frame at L2, the rest after the MAC header at
 * L3. */
static void test_views(struct pcap_test_bpf *skel, const struct test_packet *pk, size_t n)
{
	size_t bad2 = 0, bad3 = 0;

	for (size_t i = 0; i < n; i++) {
		struct kernel_verdict k2, k3;

		if (pk[i].len <= ETH_HLEN)
			continue;
		if (kernel_run(skel, &pk[i], LAYER_L2, &k2) || kernel_run(skel, &pk[i], LAYER_L3, &k3)) {
			printf("# BPF_PROG_TEST_RUN refuses %s: %s\n", pk[i].desc, strerror(errno));
			bad2++;
			continue;
		}
		if (skel->bss->test_caplen)
			printf("# padded to %d bytes for BPF_PROG_TEST_RUN, cut back to %zu: %s\n", PAD_TO, pk[i].len,
			       pk[i].desc);
		if (!k2.view || k2.offset != 0 || k2.caplen != pk[i].len || k2.wirelen != pk[i].len)
			bad2++;
		if (!k3.view || k3.offset != ETH_HLEN || k3.caplen != pk[i].len - ETH_HLEN ||
		    k3.wirelen != pk[i].len - ETH_HLEN)
			bad3++;
	}
	tap_ok(bad2 == 0, "L2 view of every frame: from byte 0, caplen = wirelen = frame length (%zu wrong)", bad2);
	tap_ok(bad3 == 0, "L3 view of every frame: from the network header, 14 bytes in (%zu wrong)", bad3);
}

static void test_expression(struct pcap_test_bpf *skel, const struct expr *e, const struct test_packet *pk, size_t n)
{
	size_t runs = 0, mismatches = 0, matched2 = 0, matched3 = 0;
	char err[512];

	if (pcap_expr_compile(e->text, &skel->bss->test_pcap, err, sizeof(err))) {
		tap_ok(false, "line %u: %s: compiles (%s)", e->line, e->text, err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct test_packet *p = &pk[i];
		struct kernel_verdict k2, k3;
		uint32_t want2, want3;

		if (p->len <= ETH_HLEN)
			continue;
		if (kernel_run(skel, p, LAYER_L2, &k2) || kernel_run(skel, p, LAYER_L3, &k3)) {
			tap_ok(false, "line %u: %s: BPF_PROG_TEST_RUN failed on %s: %s", e->line, e->text, p->desc,
			       strerror(errno));
			return;
		}
		want2 = libpcap_verdict(&skel->bss->test_pcap.l2, p->bytes, p->len, p->len);
		want3 = libpcap_verdict(&skel->bss->test_pcap.l3, p->bytes + k3.offset, k3.caplen, k3.wirelen);
		runs += 2;
		matched2 += want2 != 0;
		matched3 += want3 != 0;
		if (k2.verdict != want2 || k3.verdict != want3) {
			if (mismatches++ < SHOW_MISMATCH)
				printf("# line %u: %s: %s: kernel L2 %u L3 %u, libpcap L2 %u L3 %u\n", e->line, e->text,
				       p->desc, k2.verdict, k3.verdict, want2, want3);
		}
	}
	tap_ok(mismatches == 0, "line %u: %s: %zu verdicts equal libpcap's (%zu/%zu frames match at L2/L3)", e->line,
	       e->text, runs - mismatches, matched2, matched3);
}

int main(void)
{
	struct expr_list ex = { 0 };
	const struct test_packet *pk;
	struct pcap_test_bpf *skel;
	char err[512];
	size_t n;

	if (geteuid() != 0) {
		printf("1..0 # SKIP loading BPF programs needs root\n");
		return 0;
	}
	if (expr_list_read(PCAP_CORPUS_DIR "/expressions.txt", false, &ex, err, sizeof(err))) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	n = test_packets_build(&pk);
	skel = pcap_test_bpf__open_and_load();
	if (!n || !skel) {
		printf("Bail out! %s\n", n ? "cannot load bpf/pcap_test.bpf.o" : "cannot build the packets");
		return 1;
	}
	test_views(skel, pk, n);
	for (size_t i = 0; i < ex.n; i++)
		test_expression(skel, &ex.v[i], pk, n);
	pcap_test_bpf__destroy(skel);
	test_packets_free();
	expr_list_free(&ex);
	return tap_done();
}
