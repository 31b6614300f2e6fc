// SPDX-License-Identifier: GPL-2.0-only
/* The pcap and pcapng writers byte by byte, and JSON lines of every kind of event. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/format_json.h"
#include "core/pcap_writer.h"
#include "tap.h"

static char dir[] = "/tmp/vista-test-export.XXXXXX";
static char err[512];

#define COMMENT_LEN 512

/* An skb event with its packet right after it, as the ring buffer has it. */
struct ev_with_packet {
	struct vista_event e;
	struct vista_packet p;
	uint8_t data[64];
};

static const uint8_t ipv4_ping[28] = { 0x45, 0, 0,  28, 0, 1, 0x40, 0, 64, 1, 0,    0,    10, 0,
				       0,    1, 10, 0,  0, 2, 8,    0, 0,  0, 0x10, 0x92, 0,  1 };

static void make_event(struct ev_with_packet *ev, uint8_t layer, const uint8_t *data, uint16_t caplen, uint32_t len)
{
	memset(ev, 0, sizeof(*ev));
	ev->e.kind = VISTA_EV_SKB;
	ev->e.flags = VISTA_EVF_HAS_META | VISTA_EVF_HAS_PACKET;
	ev->e.hook_id = 7;
	ev->e.meta.netns = 4026531840u;
	ev->e.meta.ifindex = 2;
	ev->e.meta.pkt_type = 4; /* PACKET_OUTGOING */
	memcpy(ev->e.meta.ifname, "eth0", 4);
	ev->p.layer = layer;
	ev->p.caplen = caplen;
	ev->p.len = len;
	memcpy(ev->data, data, caplen);
}

/* The file's bytes; *n its size. */
static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(1 << 16);

	*n = f && buf ? fread(buf, 1, 1 << 16, f) : 0;
	if (f)
		fclose(f);
	return buf;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void test_record_size(void)
{
	struct ev_with_packet ev;

	make_event(&ev, VISTA_PKT_L3, ipv4_ping, 28, 84);
	is_int(vista_record_size(&ev.e), sizeof(struct vista_event) + 8 + 32,
	       "vista_record_size: event + packet header + 28 bytes rounded up to 32");
	ev.e.flags &= ~VISTA_EVF_HAS_PACKET;
	is_int(vista_record_size(&ev.e), sizeof(struct vista_event), "  without a packet: the event alone");
}

static void test_pcap(void)
{
	char path[128];
	struct pcap_writer *w;
	struct ev_with_packet ev;
	struct pcap_packet pkt = { &ev.e, 1700000000123456789LL, "ip_output", NULL };
	struct stat st;
	uint8_t *b;
	size_t n;

	snprintf(path, sizeof(path), "%s/a.pcap", dir);
	ok(!pcap_path_is_pcapng(path), "a .pcap name gets classic pcap");
	is_int(pcap_writer_open(path, 256, "vista test", &w, err, sizeof(err)), 0, "pcap: opened");
	make_event(&ev, VISTA_PKT_L3, ipv4_ping, 28, 84);
	is_int(pcap_writer_write(w, &pkt, err, sizeof(err)), 0, "pcap: an L3 packet written");
	ev.e.flags &= ~VISTA_EVF_HAS_PACKET;
	is_int(pcap_writer_write(w, &pkt, err, sizeof(err)), 0, "pcap: an event without a packet writes nothing");
	is_int(pcap_writer_count(w), 1, "pcap: one packet counted");
	is_int(pcap_writer_close(w, err, sizeof(err)), 0, "pcap: closed");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "pcap: mode 0600");

	b = slurp(path, &n);
	is_int(n, 24 + 16 + 14 + 28, "pcap: header, record header, made-up Ethernet header, 28 bytes");
	is_int(le32(b), 0xa1b23c4d, "pcap: nanosecond magic, little-endian");
	ok(le16(b + 4) == 2 && le16(b + 6) == 4, "pcap: version 2.4");
	is_int(le32(b + 16), 256, "pcap: snaplen");
	is_int(le32(b + 20), 1, "pcap: link type Ethernet");
	is_int(le32(b + 24), 1700000000, "pcap: seconds");
	is_int(le32(b + 28), 123456789, "pcap: nanoseconds");
	is_int(le32(b + 32), 42, "pcap: caplen counts the made-up Ethernet header (28 + 14)");
	is_int(le32(b + 36), 98, "pcap: the length on the wire too (84 + 14)");
	ok(memcmp(b + 40, "\0\0\0\0\0\0\0\0\0\0\0\0\x08\x00", 14) == 0, "pcap: zero MACs, EtherType IPv4");
	ok(memcmp(b + 54, ipv4_ping, 28) == 0, "pcap: the packet's bytes");
	free(b);
}

static void test_pcapng(void)
{
	char path[128];
	struct pcap_writer *w;
	struct ev_with_packet ev;
	struct pcap_packet pkt = { &ev.e, 0x100000002LL, "ip_output", NULL };
	const char *comment = "hook=ip_output netns=4026531840 ifindex=2 ifname=eth0 pkt_type=OUTGOING";
	const char *drop = "hook=kfree_skb netns=4026531840 ifindex=2 ifname=eth0 pkt_type=OUTGOING verdict=drop "
			   "reason=SKB_DROP_REASON_NO_SOCKET";
	size_t n, at, clen = strlen(comment);
	uint8_t *b;

	snprintf(path, sizeof(path), "%s/a.pcapng", dir);
	ok(pcap_path_is_pcapng(path), "a .pcapng name gets pcapng");
	is_int(pcap_writer_open(path, 128, "vista test", &w, err, sizeof(err)), 0, "pcapng: opened");
	make_event(&ev, VISTA_PKT_L3, ipv4_ping, 28, 84);
	is_int(pcap_writer_write(w, &pkt, err, sizeof(err)), 0, "pcapng: an L3 packet written");
	is_int(pcap_writer_write(w, &pkt, err, sizeof(err)), 0, "pcapng: the same interface again");
	ev.p.layer = VISTA_PKT_L2;
	ev.e.flags |= VISTA_EVF_SKB_FREED | VISTA_EVF_HAS_REASON;
	pkt.hook = "kfree_skb";
	pkt.drop_reason = "SKB_DROP_REASON_NO_SOCKET";
	is_int(pcap_writer_write(w, &pkt, err, sizeof(err)), 0, "pcapng: an L2 drop on the same device");
	is_int(pcap_writer_close(w, err, sizeof(err)), 0, "pcapng: closed");

	b = slurp(path, &n);
	/* Section header: 24 bytes, the user application option "vista test" (4 + 12), the end of options, 4. */
	is_int(le32(b), 0x0a0d0d0a, "SHB: block type");
	is_int(le32(b + 4), 48, "SHB: total length");
	is_int(le32(b + 8), 0x1a2b3c4d, "SHB: byte-order magic");
	ok(le16(b + 12) == 1 && le16(b + 14) == 0, "SHB: version 1.0");
	ok(le16(b + 24) == 4 && le16(b + 26) == 10 && memcmp(b + 28, "vista test", 10) == 0,
	   "SHB: shb_userappl names vista");
	is_int(le32(b + 44), 48, "SHB: trailing total length");
	at = 48;
	/* Interface block of the L3 packets: LINKTYPE_RAW. */
	is_int(le32(b + at), 1, "IDB 0: block type");
	is_int(le16(b + at + 8), 101, "IDB 0: link type RAW for packets seen from the network header");
	is_int(le32(b + at + 12), 128, "IDB 0: snaplen");
	ok(le16(b + at + 16) == 2 && le16(b + at + 18) == 4 && memcmp(b + at + 20, "eth0", 4) == 0, "IDB 0: if_name");
	ok(le16(b + at + 24) == 3 &&
	       memcmp(b + at + 28, "netns=4026531840 ifindex=2 from the network header", le16(b + at + 26)) == 0,
	   "IDB 0: if_description with the netns and ifindex");
	at += le32(b + at + 4);
	ok(le16(b + at - 16) == 9 && le16(b + at - 14) == 1 && b[at - 12] == 9, "IDB 0: if_tsresol 9 (nanoseconds)");
	/* The first packet. */
	is_int(le32(b + at), 6, "EPB 1: block type");
	is_int(le32(b + at + 4), 28 + 28 + 4 + ((clen + 3) & ~3u) + 8 + 4 + 4, "EPB 1: total length");
	is_int(le32(b + at + 8), 0, "EPB 1: interface 0");
	ok(le32(b + at + 12) == 1 && le32(b + at + 16) == 2, "EPB 1: timestamp high and low words");
	ok(le32(b + at + 20) == 28 && le32(b + at + 24) == 84, "EPB 1: captured and original lengths");
	ok(memcmp(b + at + 28, ipv4_ping, 28) == 0, "EPB 1: the packet's bytes, no made-up header");
	ok(le16(b + at + 56) == 1 && le16(b + at + 58) == clen && memcmp(b + at + 60, comment, clen) == 0,
	   "EPB 1: opt_comment names the hook, netns, device and packet type");
	at += le32(b + at + 4);
	ok(le16(b + at - 16) == 2 && le16(b + at - 14) == 4 && le32(b + at - 12) == 2,
	   "EPB 1: epb_flags outbound for PACKET_OUTGOING");
	is_int(le32(b + at + 8), 0, "EPB 2: the same interface, no new block");
	at += le32(b + at + 4);
	is_int(le32(b + at), 1, "IDB 1: a new block for the same device seen from its MAC header");
	is_int(le16(b + at + 8), 1, "IDB 1: link type Ethernet");
	at += le32(b + at + 4);
	is_int(le32(b + at + 8), 1, "EPB 3: interface 1");
	ok(le16(b + at + 58) == strlen(drop) && memcmp(b + at + 60, drop, strlen(drop)) == 0,
	   "EPB 3: the comment carries the drop and its reason");
	at += le32(b + at + 4);
	is_int(at, n, "the file ends with the last block");
	free(b);
}

/* An EPB's comment (its first option), copied into out; "" when the block has none. */
static void epb_comment(const uint8_t *epb, char *out, size_t len)
{
	const uint8_t *opt = epb + 28 + ((le32(epb + 20) + 3) & ~3u);
	size_t n = le16(opt) == 1 ? le16(opt + 2) : 0;

	snprintf(out, len, "%.*s", (int)n, (const char *)opt + 4);
}

/* The option after an EPB's comment: epb_flags. */
static uint32_t epb_flags_of(const uint8_t *epb)
{
	const uint8_t *opt = epb + 28 + ((le32(epb + 20) + 3) & ~3u);

	opt += 4 + ((le16(opt + 2) + 3) & ~3u);
	return le16(opt) == 2 ? le32(opt + 4) : 0;
}

/* The packets of XDP and TC programs: entry or exit, and the verdict at exit. */
static void test_pcapng_programs(void)
{
	static const uint8_t frame[42] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x00 };
	char path[128], c[COMMENT_LEN];
	struct pcap_writer *w;
	struct ev_with_packet ev;
	struct pcap_packet pkt = { &ev.e, 1, "vista_test_xdp(xdp)", NULL };
	size_t n, at = 48;
	uint8_t *b;

	snprintf(path, sizeof(path), "%s/progs.pcapng", dir);
	is_int(pcap_writer_open(path, 256, "vista test", &w, err, sizeof(err)), 0, "programs: opened");
	make_event(&ev, VISTA_PKT_L2, frame, sizeof(frame), sizeof(frame));
	ev.e.flags |= VISTA_EVF_XDP | VISTA_EVF_PROG_ENTRY;
	ev.e.meta.pkt_type = 0;
	is_int(pcap_writer_write(w, &pkt, err, sizeof(err)), 0, "programs: an XDP entry");
	ev.e.flags ^= VISTA_EVF_PROG_ENTRY | VISTA_EVF_PROG_EXIT;
	ev.e.reason = 2;
	is_int(pcap_writer_write(w, &pkt, err, sizeof(err)), 0, "programs: its exit");
	ev.e.flags &= ~(VISTA_EVF_XDP | VISTA_EVF_PROG_EXIT);
	ev.e.flags |= VISTA_EVF_PROG_ENTRY;
	pkt.hook = "vista_test_tc(tc)";
	is_int(pcap_writer_write(w, &pkt, err, sizeof(err)), 0, "programs: a TC entry");
	ev.e.flags ^= VISTA_EVF_PROG_ENTRY | VISTA_EVF_PROG_EXIT;
	is_int(pcap_writer_write(w, &pkt, err, sizeof(err)), 0, "programs: its exit");
	ev.e.reason = 99;
	is_int(pcap_writer_write(w, &pkt, err, sizeof(err)), 0, "programs: an action vista has no name for");
	is_int(pcap_writer_close(w, err, sizeof(err)), 0, "programs: closed");

	b = slurp(path, &n);
	is_int(le32(b + at), 1, "programs: an interface block first");
	is_int(le16(b + at + 8), 1, "  link type Ethernet: an XDP frame starts with its MAC header");
	at += le32(b + at + 4);
	epb_comment(b + at, c, sizeof(c));
	is_str(c, "hook=vista_test_xdp(xdp) at=entry netns=4026531840 ifindex=2 ifname=eth0",
	       "XDP entry: the program and entry, no packet type");
	is_int(epb_flags_of(b + at), 1, "  epb_flags inbound");
	ok(memcmp(b + at + 28, frame, sizeof(frame)) == 0, "  the frame's bytes");
	at += le32(b + at + 4);
	epb_comment(b + at, c, sizeof(c));
	is_str(c, "hook=vista_test_xdp(xdp) at=exit netns=4026531840 ifindex=2 ifname=eth0 verdict=XDP_PASS",
	       "XDP exit: the verdict the program returned");
	at += le32(b + at + 4);
	epb_comment(b + at, c, sizeof(c));
	is_str(c, "hook=vista_test_tc(tc) at=entry netns=4026531840 ifindex=2 ifname=eth0 pkt_type=HOST",
	       "TC entry: an skb's packet type");
	at += le32(b + at + 4);
	epb_comment(b + at, c, sizeof(c));
	is_str(c,
	       "hook=vista_test_tc(tc) at=exit netns=4026531840 ifindex=2 ifname=eth0 pkt_type=HOST "
	       "verdict=TC_ACT_SHOT",
	       "TC exit: TC_ACT_SHOT");
	at += le32(b + at + 4);
	epb_comment(b + at, c, sizeof(c));
	is_str(c, "hook=vista_test_tc(tc) at=exit netns=4026531840 ifindex=2 ifname=eth0 pkt_type=HOST verdict=99",
	       "TC exit: an unknown action by its number");
	at += le32(b + at + 4);
	is_int(at, n, "programs: one interface block and five packets");
	free(b);
}

static void test_pcap_errors(void)
{
	char path[128], link[128];
	struct pcap_writer *w;

	snprintf(path, sizeof(path), "%s/target", dir);
	snprintf(link, sizeof(link), "%s/link.pcap", dir);
	fclose(fopen(path, "w"));
	ok(symlink(path, link) == 0, "a symlink made");
	is_int(pcap_writer_open(link, 256, NULL, &w, err, sizeof(err)), -1, "a symlink is refused");
	ok(strstr(err, "it is a symbolic link, which vista never writes through") != NULL, "  message: %s", err);
	is_int(pcap_writer_open(dir, 256, NULL, &w, err, sizeof(err)), -1, "a directory is refused");
	ok(strstr(err, "it is a directory") != NULL, "  message: %s", err);
	is_int(pcap_writer_open("/dev/full", 256, NULL, &w, err, sizeof(err)), 0, "/dev/full opens");
	is_int(pcap_writer_flush(w, err, sizeof(err)), -1, "  the first flush fails");
	is_str(err, "cannot write the packets to /dev/full: No space left on device", "  with one sentence");
	is_int(pcap_writer_close(w, err, sizeof(err)), -1, "  and so does the close");
}

static const char *hook_name(const void *ctx, uint32_t id)
{
	(void)ctx;
	return id == 7 ? "kfree_skb" : NULL;
}

static const char *reason_name(const void *ctx, uint32_t reason)
{
	(void)ctx;
	return reason == 2 ? "SKB_DROP_REASON_NO_SOCKET" : NULL;
}

static void test_json(void)
{
	struct format_names names = { hook_name, reason_name, NULL, NULL };
	struct format_opts opts = { .meta = true, .tuple = true, .tcp = true, .sk = true, .iptables = true };
	struct format_state st = { .realtime_offset_ns = 1000 };
	struct {
		struct vista_event e;
		union {
			struct vista_nf nf;
			struct vista_tcp tcp;
			struct vista_sk sk;
		} body;
	} ev;
	char buf[2048];
	size_t n;

	memset(&ev, 0, sizeof(ev));
	ev.e.kind = VISTA_EV_SKB;
	ev.e.ts_ns = 5;
	ev.e.addr = 0xffff8881deadbe00ULL;
	ev.e.cpu = 1;
	ev.e.pid = 42;
	ev.e.tid = 43;
	ev.e.hook_id = 7;
	ev.e.reason = 2;
	ev.e.flags = VISTA_EVF_HAS_META | VISTA_EVF_HAS_TUPLE | VISTA_EVF_HAS_REASON;
	memcpy(ev.e.comm, "a\"b\\c\001\xe9", 7);
	ev.e.meta.ifindex = 3;
	memcpy(ev.e.meta.ifname, "veth0", 5);
	ev.e.meta.protocol = 0x800;
	ev.e.meta.len = 84;
	ev.e.tuple.l3 = 4;
	memcpy(ev.e.tuple.saddr, "\x0a\0\0\x01", 4);
	memcpy(ev.e.tuple.daddr, "\x0a\0\0\x02", 4);
	ev.e.tuple.l4_proto = 1;
	ev.e.tuple.icmp_type = 8;
	ev.e.tuple.sport = 4242;
	ev.e.tuple.dport = 1;
	n = format_json_event(buf, sizeof(buf), &ev.e, NULL, 0, &names, &opts, &st);
	is_str(
	    buf,
	    "{\"kind\":\"skb\",\"ts_ns\":5,\"wall_ns\":1005,\"skb\":\"0xffff8881deadbe00\",\"cpu\":1,"
	    "\"comm\":\"a\\\"b\\\\c\\u0001\\u00e9\",\"pid\":42,\"tid\":43,\"func\":\"kfree_skb\",\"netns\":0,\"mark\":"
	    "0,"
	    "\"ifindex\":3,\"ifname\":\"veth0\",\"protocol\":2048,\"mtu\":0,\"len\":84,\"pkt_type\":\"HOST\",\"l3\":4,"
	    "\"saddr\":\"10.0.0.1\",\"daddr\":\"10.0.0.2\",\"l4\":\"icmp\",\"l4_proto\":1,\"icmp_type\":8,"
	    "\"icmp_code\":0,\"icmp_id\":4242,\"icmp_seq\":1,\"drop_reason\":\"SKB_DROP_REASON_NO_SOCKET\","
	    "\"drop_reason_code\":2}\n",
	    "json skb: every field typed, zeros kept, the process name escaped");
	is_int(n, strlen(buf), "  the length returned is the text's");
	is_int(format_json_event(buf, 10, &ev.e, NULL, 0, &names, &opts, &st), n, "  cut short: the full length");
	is_int(strlen(buf), 9, "  cut short: NUL-terminated in the buffer");

	opts.meta = opts.tuple = false;
	ev.e.kind = VISTA_EV_TCP;
	ev.e.flags = 0;
	ev.e.comm[0] = '\0';
	ev.body.tcp.what = VISTA_TCP_CLOSE;
	ev.body.tcp.rx_bytes = 100;
	ev.body.tcp.srtt_us = 240;
	ev.body.tcp.state = 9;
	ev.body.tcp.reset = VISTA_TCP_RST_RECV;
	memcpy(ev.body.tcp.cong, "cubic", 5);
	format_json_event(buf, sizeof(buf), &ev.e, NULL, 0, &names, &opts, &st);
	is_str(buf,
	       "{\"kind\":\"tcp\",\"ts_ns\":5,\"wall_ns\":1005,\"sk\":\"0xffff8881deadbe00\",\"cpu\":1,\"comm\":\"\","
	       "\"pid\":42,\"tid\":43,\"func\":\"TCP\",\"conn\":true,\"rx_bytes\":100,\"tx_bytes\":0,\"lifetime_ns\":0,"
	       "\"partial\":false,\"srtt_us\":240,\"retrans\":0,\"sk_mark\":0,\"cong\":\"cubic\",\"reset\":\"RECV\","
	       "\"state\":\"LAST_ACK\"}\n",
	       "json tcp: the connection's numbers");

	memset(&ev.body, 0, sizeof(ev.body));
	ev.e.kind = VISTA_EV_SK;
	ev.body.sk.what = VISTA_SK_RECV;
	ev.body.sk.a = -11;
	ev.body.sk.family = 1;
	ev.body.sk.type = 2;
	ev.body.sk.state = 77;
	format_json_event(buf, sizeof(buf), &ev.e, NULL, 0, &names, &opts, &st);
	ok(strstr(buf,
		  "\"func\":\"sock_recv_length\",\"family\":\"AF_UNIX\",\"sk_protocol\":\"0\",\"skc_state\":\"77\","
		  "\"skc_reuseport\":false,") != NULL,
	   "json sk: names, and numbers as strings where there is no name: %s", buf);
	ok(strstr(buf, "\"sk_type\":\"SOCK_DGRAM\",\"error\":-11,\"flags\":0}\n") != NULL,
	   "json sk: an error is signed");

	memset(&ev.body, 0, sizeof(ev.body));
	ev.e.kind = VISTA_EV_NETFILTER;
	ev.e.flags = VISTA_EVF_HAS_REASON;
	ev.body.nf.pf = 2;
	ev.body.nf.hook = 1;
	ev.body.nf.verdict = 0;
	ev.body.nf.prio_lo = -1;
	ev.body.nf.prio_hi = 1;
	ev.body.nf.cost_ns = 5932;
	ev.body.nf.method = VISTA_NF_BY_DROP_REASON;
	memcpy(ev.body.nf.table, "filter", 6);
	memcpy(ev.body.nf.chain, "INPUT", 5);
	format_json_event(buf, sizeof(buf), &ev.e, NULL, 0, &names, &opts, &st);
	ok(strstr(buf, "\"skb\":\"0xffff8881deadbe00\"") &&
	       strstr(buf,
		      "\"func\":\"nf_hook_slow\",\"pf\":\"PF_INET\",\"table\":\"filter\",\"chain\":\"INPUT\","
		      "\"hook\":\"INPUT\",\"verdict\":\"DROP\",\"cost_ns\":5932,\"prio_lo\":-1,\"prio_hi\":1,"
		      "\"via\":\"kfree_skb\",\"drop_reason\":\"SKB_DROP_REASON_NO_SOCKET\",\"drop_reason_code\":2}\n"),
	   "json netfilter: the verdict and how it was found: %s", buf);
}

/* --output-skb: the kernel's text after the event's line, and as a JSON string. */
static void test_skb_dump(void)
{
	static const char text[] = "(struct sk_buff){\n .len = (unsigned int)98,\n .protocol = (__be16)8,\n}\n";
	struct format_names names = { hook_name, reason_name, NULL, NULL };
	struct format_opts opts = { .skb = true };
	struct format_state st = { .realtime_offset_ns = 1000 };
	struct {
		struct vista_event e;
		struct vista_skb_dump d;
		char text[96];
	} ev;
	char buf[1024];
	size_t n;

	memset(&ev, 0, sizeof(ev));
	ev.e.kind = VISTA_EV_SKB;
	ev.e.hook_id = 7;
	ev.e.flags = VISTA_EVF_HAS_SKB;
	ev.d.len = sizeof(text) - 1;
	memcpy(ev.text, text, sizeof(text));
	n = format_skb_dump(buf, sizeof(buf), &ev.e);
	is_str(buf, "(struct sk_buff){\n .len = (unsigned int)98,\n .protocol = (__be16)8,\n}\n",
	       "skb text: the kernel's text, one newline at its end");
	is_int(n, strlen(buf), "  the length returned is the text's");
	ev.text[5] = '\033';
	format_skb_dump(buf, sizeof(buf), &ev.e);
	ok(strncmp(buf, "(stru?t sk_buff)", 16) == 0, "  a control character shows as '?': %.16s", buf);
	ev.text[5] = 'c';
	format_json_event(buf, sizeof(buf), &ev.e, NULL, 0, &names, &opts, &st);
	ok(strstr(buf, ",\"skb_dump\":\"(struct sk_buff){\\u000a .len = (unsigned int)98,\\u000a .protocol = "
		       "(__be16)8,\\u000a}\\u000a\"}\n") != NULL,
	   "json: skb_dump carries the text, escaped: %s", buf);
	opts.skb = false;
	format_json_event(buf, sizeof(buf), &ev.e, NULL, 0, &names, &opts, &st);
	ok(!strstr(buf, "skb_dump"), "json: without --output-skb no skb_dump");
	ev.e.flags = 0;
	is_int(format_skb_dump(buf, sizeof(buf), &ev.e), 0, "skb text: an event without a dump prints nothing");
}

int main(void)
{
	char cmd[128];

	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_record_size();
	test_pcap();
	test_pcapng();
	test_pcapng_programs();
	test_pcap_errors();
	test_json();
	test_skb_dump();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return tap_done();
}
