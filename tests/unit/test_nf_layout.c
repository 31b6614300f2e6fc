// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for src/core/nf_layout.c: the hooks and priorities of
 * iptables-legacy tables, nftables chain messages (crafted, then the real
 * ones of a fresh network namespace when run as root), and range labels.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* unshare */
#endif
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/nf_layout.h"
#include "tap.h"

static char err[512];

/* ---------------------------------------------------------------- crafted netlink messages */

struct msg {
	uint8_t buf[4096];
	size_t len;
	size_t start; /* of the message being built */
};

static void put_attr(struct msg *m, uint16_t type, const void *data, size_t n)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + n), .nla_type = type };

	memcpy(m->buf + m->len, &a, sizeof(a));
	memcpy(m->buf + m->len + NLA_HDRLEN, data, n);
	memset(m->buf + m->len + NLA_HDRLEN + n, 0, NLA_ALIGN(n) - n);
	m->len += NLA_HDRLEN + NLA_ALIGN(n);
}

static void put_str_attr(struct msg *m, uint16_t type, const char *s)
{
	put_attr(m, type, s, strlen(s) + 1);
}

static void begin(struct msg *m, uint16_t type, uint8_t family)
{
	struct nlmsghdr nh = { .nlmsg_type = type, .nlmsg_flags = NLM_F_MULTI };
	struct nfgenmsg g = { .nfgen_family = family };

	m->start = m->len;
	memcpy(m->buf + m->len, &nh, sizeof(nh));
	m->len += NLMSG_HDRLEN;
	memcpy(m->buf + m->len, &g, sizeof(g));
	m->len += NLMSG_ALIGN(sizeof(g));
}

static void end(struct msg *m)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)(m->buf + m->start);

	nh->nlmsg_len = (uint32_t)(m->len - m->start);
}

/* A NEWCHAIN message; hooknum < 0: a chain without a hook (not a base chain). */
static void chain(struct msg *m, uint8_t family, const char *table, const char *name, const char *type, int hooknum,
		  int32_t prio)
{
	begin(m, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWCHAIN, family);
	put_str_attr(m, NFTA_CHAIN_TABLE, table);
	put_str_attr(m, NFTA_CHAIN_NAME, name);
	if (hooknum >= 0) {
		size_t at = m->len;
		uint32_t num = htonl((uint32_t)hooknum), p = htonl((uint32_t)prio);
		struct nlattr *nest;

		put_attr(m, NLA_F_NESTED | NFTA_CHAIN_HOOK, "", 0);
		put_attr(m, NFTA_HOOK_HOOKNUM, &num, 4);
		put_attr(m, NFTA_HOOK_PRIORITY, &p, 4);
		nest = (struct nlattr *)(m->buf + at);
		nest->nla_len = (uint16_t)(m->len - at);
	}
	if (type)
		put_str_attr(m, NFTA_CHAIN_TYPE, type);
	end(m);
}

static void done(struct msg *m)
{
	int zero = 0;

	begin(m, NLMSG_DONE, 0);
	m->len -= NLMSG_ALIGN(sizeof(struct nfgenmsg));
	memcpy(m->buf + m->len, &zero, sizeof(zero));
	m->len += sizeof(zero);
	end(m);
}

/* The entry of l for (pf, hook, table, chain), or NULL. */
static const struct nf_layout_entry *find(const struct nf_layout *l, uint8_t pf, uint8_t hook, const char *table,
					  const char *chain_name)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].pf == pf && l->v[i].hook == hook && strcmp(l->v[i].table, table) == 0 &&
		    strcmp(l->v[i].chain, chain_name) == 0)
			return &l->v[i];
	return NULL;
}

static void test_legacy(void)
{
	struct nf_layout l = { 0 };
	const struct nf_layout_entry *e;

	nf_layout_add_legacy(&l, NFPROTO_IPV4, "filter");
	is_int(l.n, 3, "legacy filter: 3 hooks");
	e = find(&l, NFPROTO_IPV4, NF_INET_LOCAL_IN, "filter", "INPUT");
	ok(e && e->prio == 0 && e->source == NF_SRC_LEGACY, "  INPUT at 0");
	ok(find(&l, NFPROTO_IPV4, NF_INET_FORWARD, "filter", "FORWARD") &&
	       find(&l, NFPROTO_IPV4, NF_INET_LOCAL_OUT, "filter", "OUTPUT"),
	   "  FORWARD and OUTPUT");
	nf_layout_clear(&l);
	nf_layout_add_legacy(&l, NFPROTO_IPV6, "nat");
	is_int(l.n, 4, "legacy nat: 4 hooks");
	ok((e = find(&l, NFPROTO_IPV6, NF_INET_PRE_ROUTING, "nat", "PREROUTING")) && e->prio == -100,
	   "  PREROUTING at the destination NAT priority");
	ok((e = find(&l, NFPROTO_IPV6, NF_INET_LOCAL_OUT, "nat", "OUTPUT")) && e->prio == -100, "  OUTPUT too");
	ok((e = find(&l, NFPROTO_IPV6, NF_INET_LOCAL_IN, "nat", "INPUT")) && e->prio == 100,
	   "  INPUT at the source NAT priority");
	ok((e = find(&l, NFPROTO_IPV6, NF_INET_POST_ROUTING, "nat", "POSTROUTING")) && e->prio == 100,
	   "  POSTROUTING too");
	nf_layout_clear(&l);
	nf_layout_add_legacy(&l, NFPROTO_IPV4, "raw");
	nf_layout_add_legacy(&l, NFPROTO_IPV4, "mangle");
	nf_layout_add_legacy(&l, NFPROTO_IPV4, "security");
	nf_layout_add_legacy(&l, NFPROTO_IPV4, "broute");
	is_int(l.n, 2 + 5 + 3, "raw (2 hooks), mangle (5), security (3); an unknown table adds nothing");
	ok((e = find(&l, NFPROTO_IPV4, NF_INET_LOCAL_OUT, "raw", "OUTPUT")) && e->prio == -300, "  raw at -300");
	ok((e = find(&l, NFPROTO_IPV4, NF_INET_POST_ROUTING, "mangle", "POSTROUTING")) && e->prio == -150,
	   "  mangle at -150");
	ok((e = find(&l, NFPROTO_IPV4, NF_INET_FORWARD, "security", "FORWARD")) && e->prio == 50, "  security at 50");
	nf_layout_free(&l);
}

static void test_chains(void)
{
	struct nf_layout l = { 0 };
	const struct nf_layout_entry *e;
	struct msg m = { 0 };
	struct nlmsgerr ne = { .error = -EPERM };

	chain(&m, NFPROTO_INET, "vtest", "in", "filter", NF_INET_LOCAL_IN, 10);
	chain(&m, NFPROTO_IPV4, "nat", "POSTROUTING", "nat", NF_INET_POST_ROUTING, 90);
	chain(&m, NFPROTO_IPV6, "t6", "pre", "filter", NF_INET_PRE_ROUTING, -300);
	chain(&m, NFPROTO_INET, "vtest", "jump_target", NULL, -1, 0);
	chain(&m, NFPROTO_ARP, "a", "in", "filter", 0, 0);
	chain(&m, NFPROTO_NETDEV, "d", "ingress", "filter", 0, 0);
	is_int(nf_layout_parse_chains(&l, m.buf, m.len, err, sizeof(err)), 0, "a part of a dump: more to come");
	is_int(l.n, 2 + 1 + 1, "an inet chain counts for both families; regular, arp and netdev chains do not");
	ok((e = find(&l, NFPROTO_IPV4, NF_INET_LOCAL_IN, "vtest", "in")) && e->prio == 10 &&
	       e->source == NF_SRC_NFTABLES,
	   "  the inet chain on IPv4 at 10");
	ok((e = find(&l, NFPROTO_IPV6, NF_INET_LOCAL_IN, "vtest", "in")) && e->prio == 10, "  and on IPv6");
	ok((e = find(&l, NFPROTO_IPV4, NF_INET_POST_ROUTING, "nat", "POSTROUTING")) && e->prio == 100,
	   "  a nat chain runs from the NAT core: at 100 on POSTROUTING, whatever its own priority (90)");
	ok((e = find(&l, NFPROTO_IPV6, NF_INET_PRE_ROUTING, "t6", "pre")) && e->prio == -300, "  an ip6 chain");
	m.len = 0;
	done(&m);
	is_int(nf_layout_parse_chains(&l, m.buf, m.len, err, sizeof(err)), 1, "NLMSG_DONE ends the dump");

	m.len = 0;
	begin(&m, NLMSG_ERROR, 0);
	m.len -= NLMSG_ALIGN(sizeof(struct nfgenmsg));
	memcpy(m.buf + m.len, &ne, sizeof(ne));
	m.len += sizeof(ne);
	end(&m);
	is_int(nf_layout_parse_chains(&l, m.buf, m.len, err, sizeof(err)), -1, "a netlink error fails");
	is_str(err, "listing the nftables chains failed: Operation not permitted", "  with the kernel's reason");

	m.len = 0;
	chain(&m, NFPROTO_INET, "vtest", "in", "filter", NF_INET_LOCAL_IN, 10);
	((struct nlattr *)(m.buf + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg))))->nla_len = 4000;
	is_int(nf_layout_parse_chains(&l, m.buf, m.len, err, sizeof(err)), -1, "an attribute past its message fails");
	is_str(err, "malformed nftables chain message", "  as malformed");
	m.len = 0;
	chain(&m, NFPROTO_INET, "vtest", "in", "filter", NF_INET_LOCAL_IN, 10);
	is_int(nf_layout_parse_chains(&l, m.buf, m.len - 3, err, sizeof(err)), -1, "a message cut short fails");
	nf_layout_free(&l);
}

static void test_labels(void)
{
	struct nf_layout l = { 0 };
	char table[NF_LAYOUT_NAME_LEN], chain_name[NF_LAYOUT_NAME_LEN], small[8];

	nf_layout_add(&l, NFPROTO_IPV4, NF_INET_LOCAL_IN, NF_SRC_NFTABLES, 10, "vtest", "in");
	nf_layout_add_legacy(&l, NFPROTO_IPV4, "filter");
	nf_layout_add(&l, NFPROTO_IPV4, NF_INET_LOCAL_IN, NF_SRC_NFTABLES, 0, "filter", "INPUT");
	nf_layout_add(&l, NFPROTO_IPV4, NF_INET_LOCAL_IN, NF_SRC_NFTABLES, -5, "early", "c");
	is_int(nf_layout_label(&l, NFPROTO_IPV4, NF_INET_LOCAL_IN, -1, 1, table, sizeof(table), chain_name,
			       sizeof(chain_name)),
	       2, "two tables at 0 share the range -1..1");
	is_str(table, "filter,filter", "  their tables, in the order read");
	is_str(chain_name, "INPUT,INPUT", "  their chains");
	is_int(nf_layout_label(&l, NFPROTO_IPV4, NF_INET_LOCAL_IN, -10, 49, table, sizeof(table), chain_name,
			       sizeof(chain_name)),
	       4, "a wider range holds four");
	is_str(table, "early,filter,filter,vtest", "  in priority order");
	is_str(chain_name, "c,INPUT,INPUT,in", "  chains likewise");
	is_int(nf_layout_label(&l, NFPROTO_IPV4, NF_INET_LOCAL_IN, 0, 10, table, sizeof(table), chain_name,
			       sizeof(chain_name)),
	       0, "the bounds are not in the range");
	is_str(table, "", "  no names");
	is_int(nf_layout_label(&l, NFPROTO_IPV6, NF_INET_LOCAL_IN, -1, 1, table, sizeof(table), chain_name,
			       sizeof(chain_name)),
	       0, "another family has none of them");
	is_int(nf_layout_label(&l, NFPROTO_IPV4, NF_INET_LOCAL_OUT, -1, 1, table, sizeof(table), chain_name,
			       sizeof(chain_name)),
	       1, "OUTPUT has the legacy filter only");
	nf_layout_label(&l, NFPROTO_IPV4, NF_INET_LOCAL_IN, -10, 49, small, sizeof(small), chain_name,
			sizeof(chain_name));
	is_str(small, "early,f", "names are cut to the buffer");
	nf_layout_free(&l);
}

/* The real sources, in a network namespace of our own: nothing, then an nftables chain and a legacy table. */
static void test_read(void)
{
	struct nf_layout l = { 0 };
	const struct nf_layout_entry *e;

	if (geteuid() != 0 || unshare(CLONE_NEWNET) != 0) {
		tap_skip("reading a namespace's tables needs root (unshare)");
		return;
	}
	is_int(nf_layout_read(&l, err, sizeof(err)), 0, "a new namespace is read");
	is_int(l.n, 0, "  it has no tables");
	if (system("command -v nft >/dev/null && command -v iptables-legacy >/dev/null") != 0) {
		tap_skip("nft or iptables-legacy is not installed");
		nf_layout_free(&l);
		return;
	}
	ok(system("nft 'add table inet vtab; add chain inet vtab vfwd { type filter hook forward priority 5; }'") == 0,
	   "an nftables chain is added");
	ok(system("iptables-legacy -t security -L >/dev/null") == 0, "an iptables-legacy table is made");
	is_int(nf_layout_read(&l, err, sizeof(err)), 0, "read again");
	ok((e = find(&l, NFPROTO_IPV4, NF_INET_FORWARD, "vtab", "vfwd")) && e->prio == 5, "  the nftables chain, IPv4");
	ok((e = find(&l, NFPROTO_IPV6, NF_INET_FORWARD, "vtab", "vfwd")) && e->prio == 5, "  and IPv6");
	ok((e = find(&l, NFPROTO_IPV4, NF_INET_FORWARD, "security", "FORWARD")) && e->prio == 50 &&
	       e->source == NF_SRC_LEGACY,
	   "  the iptables-legacy security table");
	is_int(l.n, 2 + 3, "  nothing else");
	nf_layout_free(&l);
}

int main(void)
{
	test_legacy();
	test_chains();
	test_labels();
	test_read();
	return tap_done();
}
