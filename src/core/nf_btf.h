/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the kernel's BTF says about its netfilter table functions, for the
 * kprobe and fentry backends of --filter-trace-iptables: which of them
 * exist, and in which order the x_tables ones take their arguments.
 */
#ifndef VISTA_NF_BTF_H
#define VISTA_NF_BTF_H

struct btf;

enum nf_xt_args {
	NF_XT_ARGS_UNKNOWN = -2,   /* there, but its first parameter is neither */
	NF_XT_ARGS_ABSENT = -1,    /* not in this BTF */
	NF_XT_ARGS_PRIV_FIRST = 0, /* (void *priv, skb, state), Linux 5.16 and later; priv is the table */
	NF_XT_ARGS_SKB_FIRST = 1,  /* (struct sk_buff *skb, state, struct xt_table *table), before 5.16 */
};

/* The argument order of ipt_do_table, ip6t_do_table or arpt_do_table (func) in btf. */
enum nf_xt_args nf_btf_xt_args(const struct btf *btf, const char *func);

/* Whether btf describes a function of this name. */
int nf_btf_has_func(const struct btf *btf, const char *func);

#endif
