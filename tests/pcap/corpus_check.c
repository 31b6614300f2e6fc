// SPDX-License-Identifier: GPL-2.0-only
/*
 * Proves that the pcap-filter corpus of tests/pcap is sound before the
 * differential test of the in-kernel cBPF interpreter relies on it: every
 * expression compiles (the bad ones fail with libpcap's own words), libpcap
 * reads the generated frames back unchanged, and nearly every expression both
 * matches and misses some frame, so that agreeing with libpcap means something.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus.h"
#include "packets.h"
#include "tap.h"

#ifndef PCAP_CORPUS_DIR
#error "PCAP_CORPUS_DIR must name the directory of expressions.txt (set by Makefile.am)"
#endif

#define MIN_EXPRESSIONS 250
#define MIN_BAD         15
#define MIN_PACKETS     120
#define LONG_INSNS      100 /* an expression longer than this exercises the interpreter's instruction budget */
#define MIN_LONG        5

/* Writes text to a fresh temporary file whose name goes to path (PATH_MAX bytes). */
static int write_temp(char *path, const char *text)
{
	int fd;
	FILE *f;

	strcpy(path, "/tmp/vista-pcapcorpus-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(path);
		return -1;
	}
	fputs(text, f);
	return fclose(f) == 0 ? 0 : -1;
}

/* What the reader itself accepts and refuses, so that a broken corpus file is reported rather than misread. */
static void test_reader(void)
{
	struct expr_list l = { 0 };
	char path[64], want[256], err[256] = "";

	is_int(expr_list_read("/nonexistent/expressions.txt", false, &l, err, sizeof(err)), -1,
	       "a missing corpus file is an error");
	is_str(err, "cannot open /nonexistent/expressions.txt: No such file or directory", "  with its reason");

	if (!ok(write_temp(path, "  tcp  \n# a comment\n\nudp port 53  # backjump\r\n") == 0, "write a corpus file"))
		return;
	is_int(expr_list_read(path, false, &l, err, sizeof(err)), 0, "comments, blank lines and a mark are read");
	is_int(l.n, 2, "  two expressions");
	if (l.n == 2) {
		is_str(l.v[0].text, "tcp", "  the first trimmed");
		ok(!l.v[0].backjump && l.v[0].line == 1, "  unmarked, line 1");
		is_str(l.v[1].text, "udp port 53", "  the second without its mark");
		ok(l.v[1].backjump && l.v[1].line == 4, "  marked backjump, line 4");
	}
	expr_list_free(&l);
	unlink(path);

	if (!ok(write_temp(path, "tcp\nudp  # loops\n") == 0, "write a corpus file with an unknown mark"))
		return;
	is_int(expr_list_read(path, false, &l, err, sizeof(err)), -1, "an unknown mark is an error");
	snprintf(want, sizeof(want), "%s:2: unknown mark \"# loops\" (only \"# backjump\" is allowed)", path);
	is_str(err, want, "  with its line");
	expr_list_free(&l);
	unlink(path);

	if (!ok(write_temp(path, "# header\nfoo\tsyntax error\ntcp port\n") == 0, "write a bad-expression file"))
		return;
	is_int(expr_list_read(path, true, &l, err, sizeof(err)), -1, "a bad expression without its error is an error");
	snprintf(want, sizeof(want), "%s:3: no tab between the expression and its expected error", path);
	is_str(err, want, "  with its line");
	is_int(l.n, 1, "  the lines before it were read");
	if (l.n == 1)
		ok(strcmp(l.v[0].text, "foo") == 0 && strcmp(l.v[0].want_err, "syntax error") == 0,
		   "  as expression and expected error");
	expr_list_free(&l);
	unlink(path);
}

/* libpcap emits protochain's loop as a BPF_JA whose 32-bit offset wraps around to an earlier instruction. */
static bool has_backward_jump(const struct bpf_program *p)
{
	for (unsigned i = 0; i < p->bf_len; i++) {
		const struct bpf_insn *in = &p->bf_insns[i];

		if (BPF_CLASS(in->code) == BPF_JMP && BPF_OP(in->code) == BPF_JA && (int32_t)in->k < 0)
			return true;
	}
	return false;
}

/* A program of a single return decides without looking at the packet. */
static bool is_constant(const struct bpf_program *p)
{
	return p->bf_len == 1 && p->bf_insns[0].code == (BPF_RET | BPF_K);
}

static size_t count_matches(const struct bpf_program *p, const struct test_packet *pk, size_t npk, bool l3)
{
	size_t hits = 0;

	for (size_t i = 0; i < npk; i++) {
		size_t off = l3 ? pk[i].l3_offset : 0;
		struct pcap_pkthdr h = { .caplen = (bpf_u_int32)(pk[i].len - off),
					 .len = (bpf_u_int32)(pk[i].len - off) };

		if (pcap_offline_filter(p, &h, pk[i].bytes + off))
			hits++;
	}
	return hits;
}

static void test_expressions(struct expr_list *ex, const struct test_packet *pk, size_t npk)
{
	pcap_t *en = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_t *raw = pcap_open_dead(DLT_RAW, 65535);
	size_t compiled = 0, raw_failed = 0, raw_degenerate = 0, raw_considered = 0;
	size_t long_count = 0, longest = 0, unmarked_back = 0, constant = 0, considered = 0, degenerate = 0;
	size_t dup = 0;

	if (!ok(en && raw, "pcap_open_dead for DLT_EN10MB and DLT_RAW")) {
		if (en)
			pcap_close(en);
		if (raw)
			pcap_close(raw);
		return;
	}
	ok(ex->n >= MIN_EXPRESSIONS, "expressions.txt has %zu expressions (at least %d)", ex->n, MIN_EXPRESSIONS);
	for (size_t i = 0; i < ex->n; i++) {
		for (size_t j = 0; j < i; j++) {
			if (strcmp(ex->v[i].text, ex->v[j].text) == 0) {
				dup++;
				printf("# duplicate on lines %u and %u: %s\n", ex->v[j].line, ex->v[i].line,
				       ex->v[i].text);
			}
		}
	}
	is_int(dup, 0, "no expression is listed twice");

	for (size_t i = 0; i < ex->n; i++) {
		struct expr *e = &ex->v[i];

		e->en = calloc(1, sizeof(*e->en));
		if (e->en && pcap_compile(en, e->en, e->text, 1, PCAP_NETMASK_UNKNOWN) != 0) {
			free(e->en);
			e->en = NULL;
		}
		if (!ok(e->en != NULL, "compiles for DLT_EN10MB: %s", e->text)) {
			printf("#   line %u: %s\n", e->line, pcap_geterr(en));
			continue;
		}
		compiled++;
		if (e->en->bf_len > LONG_INSNS)
			long_count++;
		if (e->en->bf_len > longest)
			longest = e->en->bf_len;
		if (e->backjump)
			ok(has_backward_jump(e->en), "marked backjump and jumps backwards: %s", e->text);
		else if (has_backward_jump(e->en)) {
			unmarked_back++;
			printf("# jumps backwards but is not marked \"# %s\": %s\n", BACKJUMP_MARK, e->text);
		}
	}
	is_int(compiled, ex->n, "every expression compiles for DLT_EN10MB");
	ok(unmarked_back == 0, "only the expressions marked \"# %s\" jump backwards (%zu unmarked do)", BACKJUMP_MARK,
	   unmarked_back);
	printf("# %zu expressions compile to more than %d cBPF instructions; the longest to %zu\n", long_count,
	       LONG_INSNS, longest);
	ok(long_count >= MIN_LONG, "%zu expressions compile to more than %d instructions (at least %d)", long_count,
	   LONG_INSNS, MIN_LONG);

	/*
	 * DLT_RAW programs start at the IP header, as vista runs them on an skb
	 * without a MAC header; L2-only expressions are expected not to compile.
	 */
	for (size_t i = 0; i < ex->n; i++) {
		struct bpf_program prog;
		size_t hits;

		if (pcap_compile(raw, &prog, ex->v[i].text, 1, PCAP_NETMASK_UNKNOWN) != 0) {
			raw_failed++;
			printf("#   DLT_RAW refuses: %s (%s)\n", ex->v[i].text, pcap_geterr(raw));
			continue;
		}
		if (!is_constant(&prog)) {
			raw_considered++;
			hits = count_matches(&prog, pk, npk, true);
			if (hits == 0 || hits == npk) {
				raw_degenerate++;
				printf("#   DLT_RAW %s every frame's L3 bytes: %s\n", hits ? "matches" : "misses",
				       ex->v[i].text);
			}
		}
		pcap_freecode(&prog);
	}
	printf("# %zu of %zu expressions do not compile for DLT_RAW (they need the link layer)\n", raw_failed, ex->n);
	printf("# DLT_RAW on the frames' L3 bytes: %zu of %zu non-constant programs never match or always match\n",
	       raw_degenerate, raw_considered);

	for (size_t i = 0; i < ex->n; i++) {
		struct expr *e = &ex->v[i];
		size_t hits;

		if (!e->en)
			continue;
		if (is_constant(e->en)) {
			constant++;
			printf("# compiles to a constant verdict (not counted): %s\n", e->text);
			continue;
		}
		considered++;
		hits = count_matches(e->en, pk, npk, false);
		if (hits == 0 || hits == npk) {
			degenerate++;
			printf("# %s every frame: %s\n", hits ? "matches" : "misses", e->text);
		}
	}
	ok(considered && degenerate * 10 <= considered,
	   "%zu of %zu non-constant expressions both match and miss a frame (at least 90%%; %zu constant)",
	   considered - degenerate, considered, constant);
	pcap_close(en);
	pcap_close(raw);
}

static void test_bad_expressions(struct expr_list *bad)
{
	pcap_t *en = pcap_open_dead(DLT_EN10MB, 65535);

	if (!ok(en != NULL, "pcap_open_dead for the bad expressions"))
		return;
	ok(bad->n >= MIN_BAD, "bad_expressions.txt has %zu expressions (at least %d)", bad->n, MIN_BAD);
	for (size_t i = 0; i < bad->n; i++) {
		struct bpf_program prog;
		const struct expr *e = &bad->v[i];
		int rc = pcap_compile(en, &prog, e->text, 1, PCAP_NETMASK_UNKNOWN);

		if (rc == 0) {
			pcap_freecode(&prog);
			ok(false, "refused: %s", e->text);
			continue;
		}
		if (!ok(strstr(pcap_geterr(en), e->want_err) != NULL, "refused with \"%s\": %s", e->want_err, e->text))
			printf("#   got: %s\n", pcap_geterr(en));
	}
	pcap_close(en);
}

static uint64_t corpus_hash(const struct test_packet *pk, size_t n)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < pk[i].len; j++)
			h = (h ^ pk[i].bytes[j]) * 1099511628211ULL;
		for (const char *c = pk[i].desc; *c; c++)
			h = (h ^ (uint8_t)*c) * 1099511628211ULL;
		h = (h ^ pk[i].l3_offset) * 1099511628211ULL;
	}
	return h;
}

/* The EtherType (or 802.3 length) right before the L3 header names what l3_offset points at. */
static bool l3_offset_right(const struct test_packet *p)
{
	const uint8_t *b = p->bytes;
	size_t off = p->l3_offset;
	unsigned type;

	if (off < 14 || off > p->len || (off - 14) % 4 != 0)
		return false;
	type = (unsigned)b[off - 2] << 8 | b[off - 1];
	if (off == p->len)
		return true;
	switch (type) {
	case 0x0800:
		return b[off] >> 4 == 4 && strncmp(p->desc, "ipv4 ", 5) == 0;
	case 0x86dd:
		return b[off] >> 4 == 6 && strncmp(p->desc, "ipv6 ", 5) == 0;
	case 0x0806:
	case 0x8035:
		return p->len - off < 2 || (b[off] == 0 && b[off + 1] == 1);
	default:
		return strncmp(p->desc, "ip", 2) != 0 && strncmp(p->desc, "arp", 3) != 0;
	}
}

static void test_packets(const struct test_packet *pk, size_t n)
{
	const struct test_packet *again;
	size_t bad_offset = 0, dup = 0, n2;
	uint64_t h = corpus_hash(pk, n);

	ok(n >= MIN_PACKETS, "the generator builds %zu frames (at least %d)", n, MIN_PACKETS);
	for (size_t i = 0; i < n; i++) {
		if (!l3_offset_right(&pk[i])) {
			bad_offset++;
			printf("# l3_offset %zu is not where the L3 header starts: %s\n", pk[i].l3_offset, pk[i].desc);
		}
		for (size_t j = 0; j < i; j++) {
			if (strcmp(pk[i].desc, pk[j].desc) == 0) {
				dup++;
				printf("# frames %zu and %zu share a description: %s\n", j, i, pk[i].desc);
			}
		}
	}
	is_int(bad_offset, 0, "every frame's l3_offset points at its IP, IPv6 or ARP header");
	is_int(dup, 0, "every frame has its own description");

	/* Deterministic: a rebuild after a free gives the same bytes and descriptions. */
	test_packets_free();
	n2 = test_packets_build(&again);
	is_int(n2, n, "a second build gives as many frames");
	ok(n2 == n && corpus_hash(again, n2) == h, "a second build gives the same frames");
}

/* pcap_dump through a mkstemp file and pcap_open_offline back: libpcap must see the very same frames. */
static void test_pcap_roundtrip(const struct test_packet *pk, size_t n)
{
	char path[] = "/tmp/vista-pcapcorpus-XXXXXX";
	char errbuf[PCAP_ERRBUF_SIZE];
	int fd = mkstemp(path);
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535), *in;
	pcap_dumper_t *d;
	FILE *f;
	struct pcap_pkthdr *h;
	const u_char *data;
	size_t got = 0, differ = 0;

	if (!ok(fd >= 0 && dead, "a temporary pcap file from mkstemp")) {
		if (fd >= 0)
			close(fd);
		if (dead)
			pcap_close(dead);
		return;
	}
	f = fdopen(fd, "wb");
	d = f ? pcap_dump_fopen(dead, f) : NULL;
	if (!ok(d != NULL, "pcap_dump_fopen on the temporary file")) {
		printf("#   %s\n", pcap_geterr(dead));
		if (f)
			fclose(f);
		else
			close(fd);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct pcap_pkthdr ph = { .ts = { .tv_sec = 1700000000 + (long)i, .tv_usec = 0 },
					  .caplen = (bpf_u_int32)pk[i].len,
					  .len = (bpf_u_int32)pk[i].len };

		pcap_dump((u_char *)d, &ph, pk[i].bytes);
	}
	pcap_dump_close(d);

	in = pcap_open_offline(path, errbuf);
	if (!ok(in != NULL, "pcap_open_offline reads the file back")) {
		printf("#   %s\n", errbuf);
		goto out;
	}
	is_int(pcap_datalink(in), DLT_EN10MB, "the file's link type is DLT_EN10MB");
	while (pcap_next_ex(in, &h, &data) == 1) {
		if (got < n && (h->caplen != pk[got].len || h->len != pk[got].len ||
				memcmp(data, pk[got].bytes, pk[got].len) != 0)) {
			differ++;
			printf("# frame %zu differs after the round trip: %s\n", got, pk[got].desc);
		}
		got++;
	}
	is_int(got, n, "the file holds every frame");
	is_int(differ, 0, "every frame reads back with the same length and bytes");
	pcap_close(in);
out:
	unlink(path);
	pcap_close(dead);
}

int main(void)
{
	struct expr_list good = { 0 }, bad = { 0 };
	const struct test_packet *pk;
	char err[512];
	size_t n;

	if (!ok(expr_list_read(PCAP_CORPUS_DIR "/expressions.txt", false, &good, err, sizeof(err)) == 0,
		"read expressions.txt"))
		printf("#   %s\n", err);
	if (!ok(expr_list_read(PCAP_CORPUS_DIR "/bad_expressions.txt", true, &bad, err, sizeof(err)) == 0,
		"read bad_expressions.txt"))
		printf("#   %s\n", err);

	test_reader();
	n = test_packets_build(&pk);
	test_packets(pk, n);
	n = test_packets_build(&pk);
	test_expressions(&good, pk, n);
	test_bad_expressions(&bad);
	test_pcap_roundtrip(pk, n);

	test_packets_free();
	expr_list_free(&good);
	expr_list_free(&bad);
	return tap_done();
}
