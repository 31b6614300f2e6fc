/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The TCP pane: the connections of --filter-trace-tcp (core/tcp_stats.h),
 * open and closed, with tuple, state, lifetime, bytes received and acked,
 * srtt, retransmissions, congestion algorithm and owner. Closed ones keep
 * their final numbers; an open one's lifetime grows with the clock, and
 * one open before the trace began shows it as ">" (at least). L, B, R and
 * E sort by lifetime, bytes, retransmissions or latest event.
 *
 * With --filter-trace-sk, the lower part of the pane lists the sockets seen
 * (core/sk_stats.h): family and protocol, state, events, bytes, errors.
 */
#ifndef VISTA_TUI_TCP_VIEW_H
#define VISTA_TUI_TCP_VIEW_H

struct app;

struct pane *tcp_view_create(struct app *a);

#endif
