/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The netfilter tables of one network namespace: for each IPv4/IPv6 hook,
 * which table (and which of its chains) runs at which priority. The BPF
 * side only knows that "something between priorities -1 and 1" decided;
 * this is where that range gets its names.
 *
 * Two sources, because nothing else tells on kernels without
 * CONFIG_NETFILTER_NETLINK_HOOK: the base chains of nftables (which include
 * those of iptables-nft), dumped over nfnetlink; and the tables of
 * iptables-legacy, listed in /proc/net/ip_tables_names and
 * ip6_tables_names, whose hooks and priorities are fixed by their names.
 * NAT chains, of either kind, run from the NAT core's hooks, which sit at
 * -100 (PREROUTING, OUTPUT) and 100 (INPUT, POSTROUTING) whatever the
 * chain's own priority says: they are placed there.
 */
#ifndef VISTA_NF_LAYOUT_H
#define VISTA_NF_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#define NF_LAYOUT_NAME_LEN 64

enum nf_layout_source {
	NF_SRC_NFTABLES, /* nftables, iptables-nft included */
	NF_SRC_LEGACY,   /* iptables-legacy, ip6tables-legacy */
};

struct nf_layout_entry {
	uint8_t pf;   /* NFPROTO_IPV4 or NFPROTO_IPV6 */
	uint8_t hook; /* NF_INET_PRE_ROUTING .. NF_INET_POST_ROUTING */
	uint8_t source;
	int32_t prio; /* where it runs on the hook */
	char table[NF_LAYOUT_NAME_LEN];
	char chain[NF_LAYOUT_NAME_LEN];
};

struct nf_layout {
	struct nf_layout_entry *v;
	size_t n, cap;
};

/*
 * Reads the tables of the calling thread's network namespace into l
 * (emptied first). A namespace without nftables or without iptables-legacy
 * tables simply has none of them. Returns 0, or -1 with one sentence in err.
 */
int nf_layout_read(struct nf_layout *l, char *err, size_t errlen);

/*
 * Adds the base chains of an nfnetlink NFT_MSG_NEWCHAIN dump (the bytes of
 * its netlink messages, len bytes). Returns 1 when the dump's NLMSG_DONE
 * was seen, 0 when more messages are to come, or -1 with the reason in err
 * (the kernel's error, or a malformed message).
 */
int nf_layout_parse_chains(struct nf_layout *l, const void *buf, size_t len, char *err, size_t errlen);

/*
 * Adds the chains of the iptables-legacy table name for family pf (what
 * /proc/net/ip_tables_names lists). Unknown names are ignored: the
 * priorities of a table vista does not know are not known either.
 */
int nf_layout_add_legacy(struct nf_layout *l, uint8_t pf, const char *name);

/* Appends one entry; returns 0, or -1 when out of memory. */
int nf_layout_add(struct nf_layout *l, uint8_t pf, uint8_t hook, uint8_t source, int32_t prio, const char *table,
		  const char *chain);

/*
 * The tables that run on hook hook of family pf at a priority strictly
 * between lo and hi, in priority order: their names joined with ',' into
 * table and chain (cut to the buffer). Returns how many there are.
 */
int nf_layout_label(const struct nf_layout *l, uint8_t pf, uint8_t hook, int32_t lo, int32_t hi, char *table,
		    size_t tablelen, char *chain, size_t chainlen);

void nf_layout_clear(struct nf_layout *l);
void nf_layout_free(struct nf_layout *l);

#endif
