// SPDX-License-Identifier: GPL-2.0-only
/*
 * Structured filters: text from the command line (or the TUI) turned into
 * the struct vista_filter the BPF programs compare every hit against.
 *
 * Every setter parses into locals first and only then writes *f, so a
 * rejected edit leaves the running filter exactly as it was.
 */
#include "filter/structured.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/errmsg.h"
#include "core/strbuf.h"
#include "core/strparse.h"

#define PID_MAX INT32_MAX /* pid_t is an int */

int structured_set_addr(struct vista_filter *f, const char *text, char *err, size_t errlen)
{
	unsigned char buf[16] = { 0 };
	__u32 flag;

	if (text && inet_pton(AF_INET, text, buf) == 1)
		flag = VISTA_F_ADDR4;
	else if (text && inet_pton(AF_INET6, text, buf) == 1)
		flag = VISTA_F_ADDR6;
	else
		return errmsg_set(err, errlen, "invalid IP address \"%.64s\"", text ? text : "");

	/* Clear the tail too: the BPF side compares 16 bytes for IPv6 only, but stale bytes confuse dumps. */
	memcpy(f->addr, buf, sizeof(f->addr));
	f->flags = (f->flags & ~(__u32)(VISTA_F_ADDR4 | VISTA_F_ADDR6)) | flag;
	return 0;
}

int structured_set_port(struct vista_filter *f, const char *text, char *err, size_t errlen)
{
	char why[64];
	uint64_t v;

	if (parse_u64(text, UINT16_MAX, &v, why, sizeof(why)))
		return errmsg_set(err, errlen, "invalid port \"%.64s\": %s", text ? text : "", why);
	/* Port 0 never appears on the wire for TCP/UDP: it is the seed's "no port filter". */
	if (v == 0) {
		f->flags &= ~(__u32)VISTA_F_PORT;
		f->port = 0;
	} else {
		f->flags |= VISTA_F_PORT;
		f->port = (__u16)v;
	}
	return 0;
}

struct proto_name {
	const char *name;
	__u8 proto;
};

/* The first name of each number is the one structured_describe prints. */
static const struct proto_name proto_names[] = {
	{ "tcp", IPPROTO_TCP },      { "udp", IPPROTO_UDP },       { "icmp", IPPROTO_ICMP },
	{ "icmp6", IPPROTO_ICMPV6 }, { "icmpv6", IPPROTO_ICMPV6 },
};

int structured_set_proto(struct vista_filter *f, const char *text, char *err, size_t errlen)
{
	if (!text || !*text || strcasecmp(text, "any") == 0) {
		f->flags &= ~(__u32)VISTA_F_PROTO;
		f->l4_proto = 0;
		return 0;
	}
	for (size_t i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++) {
		if (strcasecmp(text, proto_names[i].name) == 0) {
			f->flags |= VISTA_F_PROTO;
			f->l4_proto = proto_names[i].proto;
			return 0;
		}
	}
	return errmsg_set(err, errlen, "invalid protocol \"%.64s\" (want tcp, udp, icmp or icmp6)", text);
}

int structured_set_mark(struct vista_filter *f, const char *text, char *err, size_t errlen)
{
	uint32_t mark, mask;
	char why[96];

	if (parse_mark(text, &mark, &mask, why, sizeof(why)))
		return errmsg_set(err, errlen, "invalid mark \"%.64s\": %s", text ? text : "", why);
	f->mark = mark;
	f->mark_mask = mask;
	f->flags |= VISTA_F_MARK;
	return 0;
}

int structured_set_pid(struct vista_filter *f, const char *text, char *err, size_t errlen)
{
	char why[64];
	uint64_t v;

	/* Decimal only: a pid written as 0x... is far more likely a mix-up with a mark. */
	if (!text || !*text || strspn(text, "0123456789") != strlen(text))
		return errmsg_set(err, errlen, "invalid pid \"%.64s\": invalid syntax", text ? text : "");
	if (parse_u64(text, PID_MAX, &v, why, sizeof(why)))
		return errmsg_set(err, errlen, "invalid pid \"%.64s\": %s", text, why);
	if (v == 0)
		return errmsg_set(err, errlen, "invalid pid \"%.64s\": must be greater than 0", text);
	f->pid = (__u32)v;
	f->flags |= VISTA_F_PID;
	return 0;
}

static const char *proto_label(__u8 proto)
{
	for (size_t i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
		if (proto_names[i].proto == proto)
			return proto_names[i].name;
	return NULL;
}

void structured_describe(const struct vista_filter *f, char *buf, size_t len)
{
	const char *sep = "";
	size_t off = 0;

	if (!len)
		return;
	buf[0] = '\0';
	if (f->flags & (VISTA_F_ADDR4 | VISTA_F_ADDR6)) {
		char a[INET6_ADDRSTRLEN];
		int af = f->flags & VISTA_F_ADDR4 ? AF_INET : AF_INET6;

		if (inet_ntop(af, f->addr, a, sizeof(a)))
			strbuf_appendf(buf, len, &off, "%saddr %s", sep, a);
		sep = " ";
	}
	if (f->flags & VISTA_F_PORT) {
		strbuf_appendf(buf, len, &off, "%sport %u", sep, f->port);
		sep = " ";
	}
	if (f->flags & VISTA_F_PROTO) {
		const char *name = proto_label(f->l4_proto);

		if (name)
			strbuf_appendf(buf, len, &off, "%sproto %s", sep, name);
		else
			strbuf_appendf(buf, len, &off, "%sproto %u", sep, f->l4_proto);
		sep = " ";
	}
	if (f->flags & VISTA_F_MARK) {
		if (f->mark_mask == UINT32_MAX)
			strbuf_appendf(buf, len, &off, "%smark 0x%x", sep, f->mark);
		else
			strbuf_appendf(buf, len, &off, "%smark 0x%x/0x%x", sep, f->mark, f->mark_mask);
		sep = " ";
	}
	if (f->flags & VISTA_F_PID) {
		strbuf_appendf(buf, len, &off, "%spid %u", sep, f->pid);
		sep = " ";
	}
	/* Last, and netns before ifindex: an ifindex means something only inside its namespace. */
	if (f->flags & VISTA_F_NETNS) {
		strbuf_appendf(buf, len, &off, "%snetns inode:%u", sep, f->netns);
		sep = " ";
	}
	if (f->flags & VISTA_F_IFINDEX)
		strbuf_appendf(buf, len, &off, "%sifindex %u", sep, f->ifindex);
}
