/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Structured filters (address, port, protocol, mark, pid) parsed from text
 * into the struct vista_filter that the BPF programs read at every hit.
 */
#ifndef VISTA_STRUCTURED_H
#define VISTA_STRUCTURED_H

#include <stddef.h>
#include "vista.h"

/* Each returns 0, or -1 with the reason in err; on error *f is unchanged. */

/* IPv4 or IPv6 literal; sets VISTA_F_ADDR4 or VISTA_F_ADDR6 (clearing the other). */
int structured_set_addr(struct vista_filter *f, const char *text, char *err, size_t errlen);
/* 1..65535; sets VISTA_F_PORT. */
int structured_set_port(struct vista_filter *f, const char *text, char *err, size_t errlen);
/* "tcp", "udp", "icmp", "icmp6" (alias "icmpv6"), case-insensitive; "" or "any" clears. */
int structured_set_proto(struct vista_filter *f, const char *text, char *err, size_t errlen);
/* "V" or "V/MASK" (see parse_mark); sets VISTA_F_MARK. */
int structured_set_mark(struct vista_filter *f, const char *text, char *err, size_t errlen);
/* Decimal pid > 0; sets VISTA_F_PID. */
int structured_set_pid(struct vista_filter *f, const char *text, char *err, size_t errlen);

/*
 * The active filters in the words of the filter command language (command.h),
 * e.g. "addr 10.0.0.1 port 80 netns inode:4026531840", "" when none. Only an
 * ifindex has no command of its own ("ifindex 2"): the language names
 * interfaces, and filter_set_describe() prints that name instead.
 */
void structured_describe(const struct vista_filter *f, char *buf, size_t len);

#endif
