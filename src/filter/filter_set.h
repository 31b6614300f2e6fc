/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A filter set: every filter a user can change while tracing, as one value.
 * The command language (command.h) edits a copy of it; a session applies a
 * whole set at once (session_apply_filters), so a trace never runs under a
 * half-applied change and a failed change leaves the previous set active.
 */
#ifndef VISTA_FILTER_SET_H
#define VISTA_FILTER_SET_H

#include <stddef.h>
#include "vista.h"

#define FILTER_PCAP_MAX  1024 /* a pcap-filter expression, NUL included */
#define FILTER_FUNC_MAX  256  /* a POSIX ERE over hook names, NUL included */
#define FILTER_NETNS_MAX 256  /* the netns as the user typed it */

struct filter_set {
	/*
	 * The structured filters exactly as the BPF side reads them (addr,
	 * port, proto, mark, pid, netns, ifindex). Its `collect` field is not a
	 * filter: the command language never changes it.
	 */
	struct vista_filter kernel;
	char pcap[FILTER_PCAP_MAX];       /* "" when no pcap expression is active */
	char func_regex[FILTER_FUNC_MAX]; /* "" traces every attached hook */
	char netns[FILTER_NETNS_MAX];     /* "" unless VISTA_F_NETNS came from a netns command */
	char ifname[VISTA_IFNAME_LEN];    /* "" unless VISTA_F_IFINDEX is set */
};

/*
 * Room for any filter_set_describe() text: quoting turns each byte of a
 * text field into at most 5 (a ' becomes '"'"'), and the structured
 * filters and command names fit in the 256 left over.
 */
#define FILTER_DESCRIBE_MAX (5 * (FILTER_PCAP_MAX + FILTER_FUNC_MAX + FILTER_NETNS_MAX + VISTA_IFNAME_LEN) + 256)

/* An empty set: no filter at all (kernel.collect = 0). */
void filter_set_init(struct filter_set *fs);

/*
 * One line naming every active filter in the command language's own words,
 * e.g. "pcap 'icmp and host 10.0.0.1' port 80 func 'kfree_skb|net_dev_xmit'",
 * or "none". Used by `show`, the TUI status bar and the CLI's startup log.
 * Executing it as a command line on an empty set rebuilds this set.
 */
void filter_set_describe(const struct filter_set *fs, char *buf, size_t len);

/*
 * The edits that touch more than one field. The command language calls
 * them, and so can anything else that builds a set (the CLI's --filter-netns
 * and --filter-ifname get the same meaning that way). Each returns 0, or -1
 * with the reason in err and *fs unchanged. Equal sets stay equal byte for
 * byte (strings are zero-padded), so memcmp() tells whether an edit changed
 * anything.
 */

/* A non-empty pcap-filter expression; compiled later, by the session. */
int filter_set_pcap(struct filter_set *fs, const char *expr, char *err, size_t errlen);
/* A non-empty POSIX extended regular expression over hook names; checked with regcomp(). */
int filter_set_func(struct filter_set *fs, const char *regex, char *err, size_t errlen);
/*
 * The namespace as netns_parse() reads it ("inode:N", "/proc/PID/ns/net",
 * "/run/netns/NAME"), kept as typed. An active ifname filter is resolved
 * again inside the new namespace, and the edit fails if it is not there.
 */
int filter_set_netns(struct filter_set *fs, const char *spec, char *err, size_t errlen);
/*
 * The interface with this name inside the netns filter, or inside the
 * caller's own namespace when there is none; filters on both the ifindex
 * and the namespace (VISTA_F_IFINDEX | VISTA_F_NETNS), as an ifindex means
 * nothing elsewhere.
 */
int filter_set_ifname(struct filter_set *fs, const char *ifname, char *err, size_t errlen);
/*
 * Removes one filter: "pcap", "addr", "port", "proto", "netns", "ifname",
 * "mark", "pid", "func", or "all" of them (kernel.collect is kept). Without
 * a netns filter an active ifname is resolved again in the caller's own
 * namespace, so clearing "netns" fails if the interface is not there.
 */
int filter_set_clear(struct filter_set *fs, const char *what, char *err, size_t errlen);

#endif
