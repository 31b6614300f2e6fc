// SPDX-License-Identifier: GPL-2.0-only
/* The netfilter tables of a network namespace, by hook and priority (see nf_layout.h). */
#include "core/nf_layout.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/errmsg.h"

#define RECV_BUF_BYTES (64u << 10)
#define NAT_PRIO_DST   -100
#define NAT_PRIO_SRC   100
#define NF_INET_HOOKS  5
#define LEGACY_ALL     0x1f /* every hook */
#define BIT(h)         (1u << (h))

static const char *const builtin_chain[NF_INET_HOOKS] = { "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING" };

int nf_layout_add(struct nf_layout *l, uint8_t pf, uint8_t hook, uint8_t source, int32_t prio, const char *table,
		  const char *chain)
{
	struct nf_layout_entry *e;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct nf_layout_entry *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	e->pf = pf;
	e->hook = hook;
	e->source = source;
	e->prio = prio;
	snprintf(e->table, sizeof(e->table), "%s", table);
	snprintf(e->chain, sizeof(e->chain), "%s", chain);
	return 0;
}

/* The NAT core runs the nat chains: destination NAT before routing and on output, source NAT after. */
static int32_t nat_prio(uint8_t hook)
{
	return hook == NF_INET_PRE_ROUTING || hook == NF_INET_LOCAL_OUT ? NAT_PRIO_DST : NAT_PRIO_SRC;
}

int nf_layout_add_legacy(struct nf_layout *l, uint8_t pf, const char *name)
{
	/* The hooks and priorities each iptables table registers with (net/ipv4/netfilter/iptable_*.c). */
	static const struct {
		const char *name;
		unsigned int hooks;
		int32_t prio;
	} tables[] = {
		{ "raw", BIT(NF_INET_PRE_ROUTING) | BIT(NF_INET_LOCAL_OUT), -300 },
		{ "mangle", LEGACY_ALL, -150 },
		{ "nat",
		  BIT(NF_INET_PRE_ROUTING) | BIT(NF_INET_LOCAL_IN) | BIT(NF_INET_LOCAL_OUT) | BIT(NF_INET_POST_ROUTING),
		  0 },
		{ "filter", BIT(NF_INET_LOCAL_IN) | BIT(NF_INET_FORWARD) | BIT(NF_INET_LOCAL_OUT), 0 },
		{ "security", BIT(NF_INET_LOCAL_IN) | BIT(NF_INET_FORWARD) | BIT(NF_INET_LOCAL_OUT), 50 },
	};

	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		if (strcmp(tables[i].name, name) != 0)
			continue;
		for (uint8_t h = 0; h < NF_INET_HOOKS; h++) {
			int32_t prio = strcmp(name, "nat") == 0 ? nat_prio(h) : tables[i].prio;

			if ((tables[i].hooks & BIT(h)) &&
			    nf_layout_add(l, pf, h, NF_SRC_LEGACY, prio, name, builtin_chain[h]))
				return -1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- nftables over netlink */

struct chain_attrs {
	char table[NF_LAYOUT_NAME_LEN];
	char name[NF_LAYOUT_NAME_LEN];
	char type[16];
	bool has_hook, has_num, has_prio;
	uint32_t hooknum;
	int32_t prio;
};

/* Copies a string attribute (NUL-terminated or not) into out, cut to fit. */
static void attr_str(const struct nlattr *a, char *out, size_t outlen)
{
	size_t n = a->nla_len - NLA_HDRLEN;
	const char *s = (const char *)a + NLA_HDRLEN;

	n = strnlen(s, n);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

/* Calls fn on each well-formed attribute in [p, p + len); returns -1 on a malformed one. */
static int walk_attrs(const uint8_t *p, size_t len, void (*fn)(const struct nlattr *, void *), void *arg)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		size_t step;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return -1;
		fn(a, arg);
		step = NLA_ALIGN(a->nla_len);
		if (step >= len)
			return 0;
		p += step;
		len -= step;
	}
	return len ? -1 : 0;
}

static uint32_t attr_be32(const struct nlattr *a, bool *ok)
{
	uint32_t v;

	if (a->nla_len < NLA_HDRLEN + 4) {
		*ok = false;
		return 0;
	}
	memcpy(&v, (const uint8_t *)a + NLA_HDRLEN, 4);
	*ok = true;
	return ntohl(v);
}

static void hook_attr(const struct nlattr *a, void *arg)
{
	struct chain_attrs *c = arg;

	switch (a->nla_type & NLA_TYPE_MASK) {
	case NFTA_HOOK_HOOKNUM:
		c->hooknum = attr_be32(a, &c->has_num);
		break;
	case NFTA_HOOK_PRIORITY:
		c->prio = (int32_t)attr_be32(a, &c->has_prio);
		break;
	}
}

static void chain_attr(const struct nlattr *a, void *arg)
{
	struct chain_attrs *c = arg;

	switch (a->nla_type & NLA_TYPE_MASK) {
	case NFTA_CHAIN_TABLE:
		attr_str(a, c->table, sizeof(c->table));
		break;
	case NFTA_CHAIN_NAME:
		attr_str(a, c->name, sizeof(c->name));
		break;
	case NFTA_CHAIN_TYPE:
		attr_str(a, c->type, sizeof(c->type));
		break;
	case NFTA_CHAIN_HOOK:
		c->has_hook = walk_attrs((const uint8_t *)a + NLA_HDRLEN, a->nla_len - NLA_HDRLEN, hook_attr, c) == 0;
		break;
	}
}

/* One NFT_MSG_NEWCHAIN message: a base chain of an IP family is added, other chains are not ours. */
static int add_chain(struct nf_layout *l, const struct nlmsghdr *nh, char *err, size_t errlen)
{
	const struct nfgenmsg *g = NLMSG_DATA(nh);
	const uint8_t *attrs = (const uint8_t *)g + NLMSG_ALIGN(sizeof(*g));
	size_t len;
	struct chain_attrs c = { 0 };
	uint8_t pfs[2];
	int npf = 0;

	if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*g)))
		return errmsg_set(err, errlen, "malformed nftables chain message");
	len = nh->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(*g)));
	if (walk_attrs(attrs, len, chain_attr, &c))
		return errmsg_set(err, errlen, "malformed nftables chain message");
	if (!c.has_hook || !c.has_num || !c.has_prio || c.hooknum >= NF_INET_HOOKS)
		return 0;
	if (g->nfgen_family == NFPROTO_INET || g->nfgen_family == NFPROTO_IPV4)
		pfs[npf++] = NFPROTO_IPV4;
	if (g->nfgen_family == NFPROTO_INET || g->nfgen_family == NFPROTO_IPV6)
		pfs[npf++] = NFPROTO_IPV6;
	for (int i = 0; i < npf; i++) {
		int32_t prio = strcmp(c.type, "nat") == 0 ? nat_prio((uint8_t)c.hooknum) : c.prio;

		if (nf_layout_add(l, pfs[i], (uint8_t)c.hooknum, NF_SRC_NFTABLES, prio, c.table, c.name))
			return errmsg_set(err, errlen, "out of memory");
	}
	return 0;
}

/* As nf_layout_parse_chains; *kernel_errno is the kernel's error when it sent one (else 0). */
static int parse_chains(struct nf_layout *l, const void *buf, size_t len, int *kernel_errno, char *err, size_t errlen)
{
	const struct nlmsghdr *nh = buf;

	*kernel_errno = 0;
	for (; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
		if (nh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return errmsg_set(err, errlen, "malformed netlink error message");
			if (e->error == 0)
				continue;
			*kernel_errno = -e->error;
			return errmsg_set(err, errlen, "listing the nftables chains failed: %s", strerror(-e->error));
		}
		if (nh->nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWCHAIN) && add_chain(l, nh, err, errlen))
			return -1;
	}
	if (len)
		return errmsg_set(err, errlen, "malformed netlink message in the nftables chain list");
	return 0;
}

int nf_layout_parse_chains(struct nf_layout *l, const void *buf, size_t len, char *err, size_t errlen)
{
	int kernel_errno;

	return parse_chains(l, buf, len, &kernel_errno, err, errlen);
}

static int read_nft_chains(struct nf_layout *l, char *err, size_t errlen)
{
	struct {
		struct nlmsghdr nh;
		struct nfgenmsg g;
	} req = { 0 };
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	uint8_t *buf;
	int fd, rc = 0;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	if (fd < 0) {
		/* No nfnetlink at all: then there is no nftables either. */
		return errno == EPROTONOSUPPORT
			   ? 0
			   : errmsg_set(err, errlen, "cannot open a netfilter netlink socket: %s", strerror(errno));
	}
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETCHAIN;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = 1;
	req.g.nfgen_family = NFPROTO_UNSPEC;
	req.g.version = NFNETLINK_V0;
	buf = malloc(RECV_BUF_BYTES);
	if (!buf) {
		close(fd);
		return errmsg_set(err, errlen, "out of memory");
	}
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		rc = errmsg_set(err, errlen, "cannot list the nftables chains: %s", strerror(errno));
		goto out;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, RECV_BUF_BYTES, 0);
		char why[256];
		int kerr;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = errmsg_set(err, errlen, "cannot list the nftables chains: %s",
					n < 0 ? strerror(errno) : "the kernel closed the socket");
			break;
		}
		rc = parse_chains(l, buf, (size_t)n, &kerr, why, sizeof(why));
		if (rc < 0) {
			/* A kernel without nf_tables answers the dump with an error: it has no chains. */
			if (kerr == EPROTONOSUPPORT || kerr == ENOENT || kerr == EOPNOTSUPP)
				rc = 0;
			else
				errmsg_set(err, errlen, "%s", why);
			break;
		}
		if (rc == 1) {
			rc = 0;
			break;
		}
	}
out:
	free(buf);
	close(fd);
	return rc;
}

/* Table names of iptables-legacy in this netns; a missing file means none (or no iptables-legacy). */
static int read_legacy(struct nf_layout *l, uint8_t pf, const char *path)
{
	char line[NF_LAYOUT_NAME_LEN + 2];
	FILE *f = fopen(path, "re");
	int rc = 0;

	if (!f)
		return 0;
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		rc = nf_layout_add_legacy(l, pf, line);
	}
	fclose(f);
	return rc;
}

int nf_layout_read(struct nf_layout *l, char *err, size_t errlen)
{
	nf_layout_clear(l);
	if (read_nft_chains(l, err, errlen))
		return -1;
	/* thread-self: setns() moved this thread only, and /proc/net follows the process's first thread. */
	if (read_legacy(l, NFPROTO_IPV4, "/proc/thread-self/net/ip_tables_names") ||
	    read_legacy(l, NFPROTO_IPV6, "/proc/thread-self/net/ip6_tables_names"))
		return errmsg_set(err, errlen, "out of memory");
	return 0;
}

/* ---------------------------------------------------------------- labels */

/* Appends ",name" (or "name" first) to buf, cut to fit. */
static void append_name(char *buf, size_t len, const char *name)
{
	size_t used = strnlen(buf, len);

	if (used + 1 < len)
		snprintf(buf + used, len - used, "%s%s", used ? "," : "", name);
}

int nf_layout_label(const struct nf_layout *l, uint8_t pf, uint8_t hook, int32_t lo, int32_t hi, char *table,
		    size_t tablelen, char *chain, size_t chainlen)
{
	int found = 0;
	int64_t last = INT64_MIN;

	table[0] = '\0';
	chain[0] = '\0';
	/* In priority order (entries are few: a selection each round is simplest). */
	for (;;) {
		const struct nf_layout_entry *next = NULL;

		for (size_t i = 0; i < l->n; i++) {
			const struct nf_layout_entry *e = &l->v[i];

			if (e->pf != pf || e->hook != hook || e->prio <= lo || e->prio >= hi)
				continue;
			if (e->prio <= last)
				continue;
			if (!next || e->prio < next->prio)
				next = e;
		}
		if (!next)
			break;
		last = next->prio;
		/* Every entry at this priority, in the order they were read. */
		for (size_t i = 0; i < l->n; i++) {
			const struct nf_layout_entry *e = &l->v[i];

			if (e->pf != pf || e->hook != hook || e->prio != next->prio)
				continue;
			append_name(table, tablelen, e->table);
			append_name(chain, chainlen, e->chain);
			found++;
		}
	}
	return found;
}

void nf_layout_clear(struct nf_layout *l)
{
	l->n = 0;
}

void nf_layout_free(struct nf_layout *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}
