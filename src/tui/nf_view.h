/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Netfilter pane: the verdicts of the netfilter tables
 * (--filter-trace-iptables) summed up per network namespace, family, hook,
 * table, chain and verdict (core/nf_stats.h), with the count and the
 * average and largest cost. The most recent drops are on top; d, c, a and
 * x sort by recent drops, count, average or largest cost.
 */
#ifndef VISTA_TUI_NF_VIEW_H
#define VISTA_TUI_NF_VIEW_H

struct app;

struct pane *nf_view_create(struct app *a);

#endif
