// SPDX-License-Identifier: GPL-2.0-only
/* pcap and pcapng files of the captured packets; the layouts are described in pcap_writer.h. */
#include "core/pcap_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/errmsg.h"
#include "core/fdio.h"
#include "core/format.h"
#include "core/prog_trace.h"

#define BUF_BYTES (256u << 10)
/* The most one packet's block takes: headers, a made-up Ethernet header, the bytes, the options. */
#define BLOCK_MAX     (64 + 14 + VISTA_PACKET_MAX + 8 + COMMENT_MAX + 16)
#define COMMENT_MAX   512
#define ETH_HLEN      14
#define PCAP_MAGIC_NS 0xa1b23c4du

/* pcapng block types and options (draft-ietf-opsawg-pcapng). */
#define SHB_TYPE         0x0a0d0d0au
#define IDB_TYPE         0x00000001u
#define EPB_TYPE         0x00000006u
#define BYTE_ORDER_MAGIC 0x1a2b3c4du
#define OPT_END          0
#define OPT_COMMENT      1
#define SHB_USERAPPL     4
#define IF_NAME          2
#define IF_DESCRIPTION   3
#define IF_TSRESOL       9
#define EPB_FLAGS        2

struct iface {
	uint32_t netns;
	uint32_t ifindex;
	uint8_t layer;
};

struct pcap_writer {
	int fd;
	char *path;
	bool pcapng;
	uint32_t snaplen;
	uint8_t *buf;
	size_t len;
	struct iface *ifaces; /* pcapng: index = interface id */
	size_t nifaces, cap;
	uint64_t packets;
	int error; /* errno of the first failure; then every call reports it */
};

bool pcap_path_is_pcapng(const char *path)
{
	size_t n = strlen(path);

	return n >= 7 && strcmp(path + n - 7, ".pcapng") == 0;
}

static void put_le(struct pcap_writer *w, size_t size, uint64_t v)
{
	for (size_t i = 0; i < size; i++)
		w->buf[w->len++] = (uint8_t)(v >> (8 * i));
}

static void put_bytes(struct pcap_writer *w, const void *p, size_t n)
{
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void put_pad4(struct pcap_writer *w, size_t n)
{
	while (n++ & 3)
		w->buf[w->len++] = 0;
}

/* A pcapng option: code, length, value padded to 4 bytes. */
static void put_option(struct pcap_writer *w, uint16_t code, const void *v, size_t n)
{
	put_le(w, 2, code);
	put_le(w, 2, n);
	put_bytes(w, v, n);
	put_pad4(w, n);
}

static void put_end_of_options(struct pcap_writer *w)
{
	put_le(w, 2, OPT_END);
	put_le(w, 2, 0);
}

/* A pcapng block is "type, total length, body, total length": the length is known at its end. */
static size_t block_begin(struct pcap_writer *w, uint32_t type)
{
	size_t start = w->len;

	put_le(w, 4, type);
	put_le(w, 4, 0);
	return start;
}

static void block_end(struct pcap_writer *w, size_t start)
{
	uint32_t total = (uint32_t)(w->len - start + 4);

	for (size_t i = 0; i < 4; i++)
		w->buf[start + 4 + i] = (uint8_t)(total >> (8 * i));
	put_le(w, 4, total);
}

static int fail(const struct pcap_writer *w, char *err, size_t errlen)
{
	return errmsg_set(err, errlen, "cannot write the packets to %s: %s", w->path, strerror(w->error));
}

static int flush_buf(struct pcap_writer *w)
{
	if (!w->error)
		w->error = fd_write_all(w->fd, w->buf, w->len, NULL);
	w->len = 0;
	return w->error ? -1 : 0;
}

/* Room for one more block, flushing first when the buffer cannot take it. */
static int make_room(struct pcap_writer *w)
{
	if (w->error)
		return -1;
	return BUF_BYTES - w->len < BLOCK_MAX ? flush_buf(w) : 0;
}

static void put_file_header(struct pcap_writer *w, const char *app)
{
	size_t b;

	if (!w->pcapng) {
		put_le(w, 4, PCAP_MAGIC_NS);
		put_le(w, 2, 2); /* version 2.4 */
		put_le(w, 2, 4);
		put_le(w, 4, 0); /* thiszone */
		put_le(w, 4, 0); /* sigfigs */
		put_le(w, 4, w->snaplen);
		put_le(w, 4, PCAP_LINKTYPE_ETHERNET);
		return;
	}
	b = block_begin(w, SHB_TYPE);
	put_le(w, 4, BYTE_ORDER_MAGIC);
	put_le(w, 2, 1); /* version 1.0 */
	put_le(w, 2, 0);
	put_le(w, 8, UINT64_MAX); /* section length not known */
	if (app && *app)
		put_option(w, SHB_USERAPPL, app, strnlen(app, 256));
	put_end_of_options(w);
	block_end(w, b);
}

int pcap_writer_open(const char *path, uint32_t snaplen, const char *app, struct pcap_writer **out, char *err,
		     size_t errlen)
{
	struct pcap_writer *w;
	struct stat st;
	int fd;

	*out = NULL;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return errmsg_set(err, errlen, "cannot write the packets to %s: it is a directory", path);
	/* Packets carry whatever the traffic does: private, and never written through a symlink. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return errmsg_set(err, errlen, "cannot write the packets to %s: %s", path,
				  errno == ELOOP ? "it is a symbolic link, which vista never writes through"
						 : strerror(errno));
	w = calloc(1, sizeof(*w));
	if (!w || !(w->path = strdup(path)) || !(w->buf = malloc(BUF_BYTES))) {
		if (w)
			free(w->path);
		free(w);
		close(fd);
		return errmsg_set(err, errlen, "out of memory");
	}
	w->fd = fd;
	w->pcapng = pcap_path_is_pcapng(path);
	w->snaplen = snaplen;
	put_file_header(w, app);
	*out = w;
	return 0;
}

/* The interface id of (netns, ifindex, layer), writing its description block the first time. */
static int iface_id(struct pcap_writer *w, const struct vista_meta *m, uint8_t layer, uint32_t *id)
{
	char name[VISTA_IFNAME_LEN + 1], desc[96];
	size_t b;

	for (size_t i = w->nifaces; i-- > 0;) {
		const struct iface *f = &w->ifaces[i];

		if (f->netns == m->netns && f->ifindex == m->ifindex && f->layer == layer) {
			*id = (uint32_t)i;
			return 0;
		}
	}
	if (w->nifaces == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		struct iface *v = realloc(w->ifaces, cap * sizeof(*v));

		if (!v) {
			w->error = ENOMEM;
			return -1;
		}
		w->ifaces = v;
		w->cap = cap;
	}
	w->ifaces[w->nifaces] = (struct iface){ m->netns, m->ifindex, layer };
	*id = (uint32_t)w->nifaces++;

	snprintf(name, sizeof(name), "%.*s", VISTA_IFNAME_LEN, m->ifindex ? m->ifname : "");
	if (!name[0])
		snprintf(name, sizeof(name), "%s", m->ifindex ? "?" : "(no device)");
	snprintf(desc, sizeof(desc), "netns=%u ifindex=%u %s", m->netns, m->ifindex,
		 layer == VISTA_PKT_L2 ? "from the MAC header" : "from the network header");
	b = block_begin(w, IDB_TYPE);
	put_le(w, 2, layer == VISTA_PKT_L2 ? PCAP_LINKTYPE_ETHERNET : PCAP_LINKTYPE_RAW);
	put_le(w, 2, 0);
	put_le(w, 4, w->snaplen);
	put_option(w, IF_NAME, name, strlen(name));
	put_option(w, IF_DESCRIPTION, desc, strlen(desc));
	put_option(w, IF_TSRESOL, "\x09", 1); /* nanoseconds */
	put_end_of_options(w);
	block_end(w, b);
	return 0;
}

/* epb_flags: bits 0-1 direction (2 outbound), bits 2-4 reception type, from the skb's pkt_type. */
static uint32_t epb_flags(uint8_t pkt_type)
{
	switch (pkt_type) {
	case 0: /* PACKET_HOST */
		return 1u << 2;
	case 1: /* PACKET_BROADCAST */
		return 3u << 2;
	case 2: /* PACKET_MULTICAST */
		return 2u << 2;
	case 3: /* PACKET_OTHERHOST */
		return 4u << 2;
	case 4: /* PACKET_OUTGOING */
		return 2;
	default:
		return 0;
	}
}

/*
 * The verdict of the packet's hook: the action an XDP or TC program
 * returned at its exit, or the end of a freed skb. 0 or the bytes written.
 */
static int packet_verdict(char *buf, size_t len, const struct pcap_packet *p)
{
	const struct vista_event *e = p->event;

	if (e->flags & VISTA_EVF_PROG_EXIT) {
		const char *action = prog_trace_action(e->flags & VISTA_EVF_XDP, (int)e->reason);

		return action ? snprintf(buf, len, " verdict=%s", action)
			      : snprintf(buf, len, " verdict=%d", (int)e->reason);
	}
	if (!(e->flags & VISTA_EVF_SKB_FREED))
		return 0;
	if (!(e->flags & VISTA_EVF_HAS_REASON))
		return snprintf(buf, len, " verdict=consumed");
	if (p->drop_reason)
		return snprintf(buf, len, " verdict=drop reason=%s", p->drop_reason);
	return snprintf(buf, len, " verdict=drop reason=%u", e->reason);
}

static size_t packet_comment(char *buf, const struct pcap_packet *p)
{
	const struct vista_event *e = p->event;
	const struct vista_meta *m = &e->meta;
	/* An XDP or TC program's packet: before it ran, or after. */
	const char *at = (e->flags & VISTA_EVF_PROG_ENTRY)  ? " at=entry"
			 : (e->flags & VISTA_EVF_PROG_EXIT) ? " at=exit"
							    : "";
	char hook[32];
	int n, k;

	if (!p->hook)
		snprintf(hook, sizeof(hook), "hook#%u", e->hook_id);
	n = snprintf(buf, COMMENT_MAX, "hook=%s%s netns=%u ifindex=%u ifname=%.*s", p->hook ? p->hook : hook, at,
		     m->netns, m->ifindex, VISTA_IFNAME_LEN, m->ifindex ? m->ifname : "");
	/* An XDP frame has no skb yet, so no packet type. */
	if (n >= 0 && n < COMMENT_MAX && !(e->flags & VISTA_EVF_XDP)) {
		k = snprintf(buf + n, COMMENT_MAX - n, " pkt_type=%s", format_pkt_type(m->pkt_type));
		n += k > 0 ? k : 0;
	}
	if (n >= 0 && n < COMMENT_MAX) {
		k = packet_verdict(buf + n, COMMENT_MAX - n, p);
		n += k > 0 ? k : 0;
	}
	return n < 0 ? 0 : n >= COMMENT_MAX ? COMMENT_MAX - 1 : (size_t)n;
}

/* The made-up Ethernet header of a packet seen without one (classic pcap). */
static void put_fake_ethernet(struct pcap_writer *w, const uint8_t *data, uint16_t caplen, uint16_t protocol)
{
	static const uint8_t zero_macs[12];
	uint16_t type = protocol;

	if (caplen && (data[0] >> 4) == 4)
		type = 0x0800;
	else if (caplen && (data[0] >> 4) == 6)
		type = 0x86dd;
	put_bytes(w, zero_macs, sizeof(zero_macs));
	put_le(w, 1, type >> 8); /* network order */
	put_le(w, 1, type & 0xff);
}

int pcap_writer_write(struct pcap_writer *w, const struct pcap_packet *p, char *err, size_t errlen)
{
	const struct vista_event *e = p->event;
	const struct vista_packet *pkt;
	const uint8_t *data;
	uint64_t ts = p->wall_ns > 0 ? (uint64_t)p->wall_ns : 0;
	uint32_t caplen, len, id;
	size_t b;

	if (!(e->flags & VISTA_EVF_HAS_PACKET))
		return 0;
	if (make_room(w))
		return fail(w, err, errlen);
	pkt = vista_event_packet(e);
	data = (const uint8_t *)(pkt + 1);
	caplen = pkt->caplen < VISTA_PACKET_MAX ? pkt->caplen : VISTA_PACKET_MAX;
	len = pkt->len > caplen ? pkt->len : caplen;
	if (!w->pcapng) {
		bool fake = pkt->layer != VISTA_PKT_L2;

		put_le(w, 4, ts / 1000000000u);
		put_le(w, 4, ts % 1000000000u);
		put_le(w, 4, caplen + (fake ? ETH_HLEN : 0));
		put_le(w, 4, len + (fake ? ETH_HLEN : 0));
		if (fake)
			put_fake_ethernet(w, data, (uint16_t)caplen, e->meta.protocol);
		put_bytes(w, data, caplen);
	} else {
		char comment[COMMENT_MAX];
		size_t n = packet_comment(comment, p);
		/* An XDP program sees only frames received on its device. */
		uint32_t flags = (e->flags & VISTA_EVF_XDP) ? 1 : epb_flags(e->meta.pkt_type);

		if (iface_id(w, &e->meta, pkt->layer == VISTA_PKT_L2 ? VISTA_PKT_L2 : VISTA_PKT_L3, &id))
			return fail(w, err, errlen);
		b = block_begin(w, EPB_TYPE);
		put_le(w, 4, id);
		put_le(w, 4, ts >> 32);
		put_le(w, 4, ts & 0xffffffffu);
		put_le(w, 4, caplen);
		put_le(w, 4, len);
		put_bytes(w, data, caplen);
		put_pad4(w, caplen);
		put_option(w, OPT_COMMENT, comment, n);
		if (flags)
			put_option(w, EPB_FLAGS, (uint8_t[]){ flags, flags >> 8, flags >> 16, flags >> 24 }, 4);
		put_end_of_options(w);
		block_end(w, b);
	}
	w->packets++;
	return 0;
}

int pcap_writer_flush(struct pcap_writer *w, char *err, size_t errlen)
{
	return flush_buf(w) ? fail(w, err, errlen) : 0;
}

uint64_t pcap_writer_count(const struct pcap_writer *w)
{
	return w->packets;
}

int pcap_writer_close(struct pcap_writer *w, char *err, size_t errlen)
{
	int rc = 0;

	if (!w)
		return 0;
	flush_buf(w);
	if (close(w->fd) && !w->error)
		w->error = errno;
	if (w->error)
		rc = fail(w, err, errlen);
	free(w->ifaces);
	free(w->buf);
	free(w->path);
	free(w);
	return rc;
}
