/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hook table: every place vista attaches a program, with the id that
 * events carry back. Hooks are discovered from kernel BTF, never from a
 * hard-coded list, so a new kernel's tracepoints are traced for free.
 */
#ifndef VISTA_HOOKS_H
#define VISTA_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <regex.h>

struct btf;

/* Which template program serves a hook (one per shape of argument list). */
enum hook_template {
	TMPL_SKB_ARG0,
	TMPL_SKB_ARG1,
	TMPL_SKB_ARG2,
	TMPL_SKB_ARG3,
	TMPL_SKB_ARG4,
	TMPL_KFREE_SKB_REASON, /* kfree_skb(skb, location, reason, ...) */
	TMPL_SKB_LOCATION,     /* consume_skb(skb, location), old kfree_skb(skb, location) */
	TMPL_SKB_FREED,        /* consume_skb(skb) before Linux 6.3: a free without its caller */
	/* Kernel functions (kprobe, kprobe-multi, fentry backends), by the skb's argument position. */
	TMPL_FUNC_SKB_ARG0,
	TMPL_FUNC_SKB_ARG1,
	TMPL_FUNC_SKB_ARG2,
	TMPL_FUNC_SKB_ARG3,
	TMPL_FUNC_SKB_ARG4,
	/* Kernel functions taking a struct sock * (--filter-trace-sk), by its argument position. */
	TMPL_FUNC_SK_ARG0,
	TMPL_FUNC_SK_ARG1,
	TMPL_FUNC_SK_ARG2,
	TMPL_FUNC_SK_ARG3,
	TMPL_FUNC_SK_ARG4,
	/* XDP and TC BPF programs (--filter-trace-xdp, --filter-trace-tc): fentry and fexit of their main function. */
	TMPL_PROG_XDP_ENTRY,
	TMPL_PROG_XDP_EXIT,
	TMPL_PROG_TC_ENTRY,
	TMPL_PROG_TC_EXIT,
	TMPL__COUNT,
};

#define HOOK_NAME_LEN 64

struct bpf_link;

struct hook {
	char name[HOOK_NAME_LEN]; /* tracepoint or function name, e.g. "kfree_skb", "ip_rcv" */
	enum hook_template tmpl;
	uint32_t btf_id;       /* id of the btf_trace_<name> typedef, or of the function (BTF_KIND_FUNC) */
	uint64_t addr;         /* a function's address (kallsyms), 0 for tracepoints */
	int prog_fd;           /* -1 until loaded */
	int link_fd;           /* -1 until attached */
	struct bpf_link *link; /* a kprobe's link (libbpf), NULL otherwise */
	int btf_obj_fd;        /* a module function's: its module's BTF object (fentry attach), 0 for vmlinux */
	/* An XDP or TC program's hook: the program (btf_id is its main function's, in its own BTF). */
	int target_fd;
	uint32_t target_id;
	char target_func[HOOK_NAME_LEN];
	bool stack;     /* collect a kernel stack at this hook regardless of --output-stack */
	bool no_packet; /* an XDP or TC program's entry or exit that --pcap-mode leaves out of the capture */
};

static inline bool hook_is_sk_function(const struct hook *h)
{
	return h->tmpl >= TMPL_FUNC_SK_ARG0 && h->tmpl <= TMPL_FUNC_SK_ARG4;
}

static inline bool hook_is_prog(const struct hook *h)
{
	return h->tmpl >= TMPL_PROG_XDP_ENTRY && h->tmpl <= TMPL_PROG_TC_EXIT;
}

static inline bool hook_is_function(const struct hook *h)
{
	return (h->tmpl >= TMPL_FUNC_SKB_ARG0 && h->tmpl <= TMPL_FUNC_SKB_ARG4) || hook_is_sk_function(h);
}

struct hook_table {
	struct hook *v;
	size_t n, cap;
};

/*
 * Appends every tracepoint whose arguments include a struct sk_buff pointer
 * (const or not, possibly through typedefs) among the first five.
 * Returns the number added, or -1 with the reason in err.
 */
int hooks_discover_skb_tracepoints(const struct btf *btf, struct hook_table *t, char *err, size_t errlen);

/*
 * Keeps only hooks whose name fully matches the POSIX extended regular
 * expression (as vista's --filter-skb-func: "foo" matches only "foo"),
 * plus the hooks always_keep (an expression of the same kind) matches when
 * not NULL. A NULL regex matches all.
 * Returns how many hooks the expression matched, or -1 with the reason
 * (bad expression) in err.
 */
int hooks_keep_matching(struct hook_table *t, const char *regex, const char *always_keep, char *err, size_t errlen);

/*
 * Appends every kernel function whose first five parameters include a
 * struct sk_buff pointer (const or not, possibly through typedefs), with
 * the position of the first one. Returns the number added, or -1.
 */
int hooks_discover_skb_functions(const struct btf *btf, struct hook_table *t, char *err, size_t errlen);

/*
 * The same for a struct sock pointer (TMPL_FUNC_SK_ARG*): the functions
 * --filter-trace-sk traces on the kprobe, kprobe-multi and fentry backends.
 */
int hooks_discover_sk_functions(const struct btf *btf, struct hook_table *t, char *err, size_t errlen);

/*
 * The same for the functions a kernel module adds: mod_btf is the module's
 * BTF split on vmlinux's (btf__load_module_btf), btf_obj_fd the kernel's
 * BTF object of the module, recorded in each hook. Socket functions when
 * sk, else skb functions. Returns the number added, or -1.
 */
int hooks_discover_module_functions(const struct btf *mod_btf, int btf_obj_fd, bool sk, struct hook_table *t, char *err,
				    size_t errlen);

struct kallsyms;

/*
 * Keeps, among the function hooks, those the kernel can attach to: listed
 * in ftrace_list (tracefs available_filter_functions) when it can be read,
 * else present in kallsyms; sets their addr. Other hooks are kept as they
 * are. Returns how many functions were dropped.
 */
size_t hooks_keep_attachable(struct hook_table *t, const struct kallsyms *ks, const char *ftrace_list);

/*
 * Compiles a POSIX ERE that must match a whole hook name ("foo" matches
 * only "foo"). Returns 0, or -1 with the reason in err; regfree() after use.
 */
int hooks_regex_compile(regex_t *re, const char *regex, char *err, size_t errlen);

/* Keeps only the hook named name; returns 1, or 0 when it is absent. */
int hooks_keep_named(struct hook_table *t, const char *name);

struct hook *hooks_find(struct hook_table *t, const char *name);
/* A new hook at the end of t, zeroed, its fds -1; NULL when memory ran out. */
struct hook *hooks_push(struct hook_table *t);
void hooks_free(struct hook_table *t);

#endif
