/* SPDX-License-Identifier: GPL-2.0-only */
/* Network namespaces named on the command line, and interfaces inside them. */
#ifndef VISTA_NETNS_H
#define VISTA_NETNS_H

#include <stddef.h>
#include <stdint.h>

/* Inode of the caller's own network namespace, or 0 on failure. */
uint32_t netns_current_inode(void);

/*
 * Parses "inode:N" or a path to a network namespace file
 * ("/proc/PID/ns/net", "/run/netns/NAME"); yields its inode.
 * A path that does not exist or is not a network namespace is an error.
 * Returns 0, or -1 with the reason in err.
 */
int netns_parse(const char *spec, uint32_t *inode, char *err, size_t errlen);

/*
 * Opens the network namespace with this inode through a file in /run/netns/
 * or /proc/PID/ns/net, for setns(). Returns the fd, or -1 when no such file
 * holds it.
 */
int netns_open(uint32_t netns_inode);

/*
 * Index of interface ifname inside the network namespace with this inode
 * (0 = the caller's own). The namespace is entered with setns() through a
 * file found in /run/netns/ or /proc/PID/ns/net, and the caller's namespace is
 * restored before returning. Returns 0, or -1 with the reason in err
 * (for example: interface "foo" not found in netns inode:4026532000).
 */
int netns_ifindex(uint32_t netns_inode, const char *ifname, uint32_t *ifindex, char *err, size_t errlen);

/*
 * Runs fn once inside every network namespace that a process or an entry of
 * /run/netns holds, the caller's own first, and returns the calling thread
 * to its own namespace. Namespaces that vanish meanwhile are skipped.
 * Stops at the first failure of fn. Returns 0, or -1 with the reason in err
 * (fn's, or why a namespace could not be entered).
 */
typedef int (*netns_fn)(void *ctx, uint32_t inode, char *err, size_t errlen);
int netns_for_each(netns_fn fn, void *ctx, char *err, size_t errlen);

#endif
