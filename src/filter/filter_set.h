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

/* An empty set: no filter at all (kernel.collect = 0). */
void filter_set_init(struct filter_set *fs);

/*
 * One line naming every active filter in the command language's own words,
 * e.g. "pcap 'icmp and host 10.0.0.1' port 80 func 'kfree_skb|net_dev_xmit'",
 * or "none". Used by `show`, the TUI status bar and the CLI's startup log.
 */
void filter_set_describe(const struct filter_set *fs, char *buf, size_t len);

#endif
