// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hook discovery from the running kernel's BTF: the skb tracepoints and the
 * skb functions (with the argument position), and which functions are kept
 * as attachable given ftrace's list or, without it, kallsyms.
 */
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/hooks.h"
#include "core/kallsyms.h"
#include "tap.h"

static const struct hook *find(const struct hook_table *t, const char *name, bool function)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0 && hook_is_function(&t->v[i]) == function)
			return &t->v[i];
	return NULL;
}

static void test_functions(const struct btf *btf)
{
	struct hook_table t = { 0 };
	const struct hook *h;
	char err[256];
	int n = hooks_discover_skb_functions(btf, &t, err, sizeof(err));

	ok(n > 300, "hundreds of kernel functions take an skb (%d)", n);
	h = find(&t, "ip_rcv", true);
	ok(h && h->tmpl == TMPL_FUNC_SKB_ARG0, "ip_rcv: skb is argument 0");
	/* int ip_local_out(struct net *net, struct sock *sk, struct sk_buff *skb) */
	h = find(&t, "ip_local_out", true);
	ok(h && h->tmpl == TMPL_FUNC_SKB_ARG2, "ip_local_out: skb is argument 2");
	/* int tcp_v4_rcv(struct sk_buff *skb) */
	h = find(&t, "tcp_v4_rcv", true);
	ok(h && h->btf_id > 0 && btf_is_func(btf__type_by_id(btf, h->btf_id)), "tcp_v4_rcv: its BTF id is a FUNC");
	ok(!find(&t, "tcp_sendmsg", true), "tcp_sendmsg (no skb argument) is not an skb function");
	hooks_free(&t);
}

static void test_sk_functions(const struct btf *btf)
{
	struct hook_table t = { 0 };
	const struct hook *h;
	char err[256];
	int n = hooks_discover_sk_functions(btf, &t, err, sizeof(err));

	ok(n > 300, "hundreds of kernel functions take a struct sock (%d)", n);
	h = find(&t, "tcp_sendmsg", true);
	ok(h && h->tmpl == TMPL_FUNC_SK_ARG0 && hook_is_sk_function(h), "tcp_sendmsg: the socket is argument 0");
	/* int ip_local_out(struct net *net, struct sock *sk, struct sk_buff *skb) */
	h = find(&t, "ip_local_out", true);
	ok(h && h->tmpl == TMPL_FUNC_SK_ARG1, "ip_local_out: the socket is argument 1");
	/* void sk_free(struct sock *sk), a const-free pointer; bool sk_fullsock(const struct sock *) is inline */
	h = find(&t, "tcp_v4_do_rcv", true);
	ok(h && h->tmpl == TMPL_FUNC_SK_ARG0 && h->btf_id > 0 && btf_is_func(btf__type_by_id(btf, h->btf_id)),
	   "tcp_v4_do_rcv (socket and skb) is a socket function too, with its BTF id");
	ok(!find(&t, "tcp_v4_rcv", true), "tcp_v4_rcv (only an skb) is not a socket function");
	ok(!find(&t, "kfree_skb", false), "no tracepoint among them");
	hooks_free(&t);
}

static void test_attachable(const struct btf *btf)
{
	char list[] = "/tmp/vista-ftrace-XXXXXX", syms[] = "/tmp/vista-kallsyms-XXXXXX";
	struct hook_table t = { 0 };
	struct kallsyms *ks;
	size_t before, dropped;
	char err[256];
	FILE *f;
	int fd;

	hooks_discover_skb_tracepoints(btf, &t, err, sizeof(err));
	before = t.n;
	hooks_discover_skb_functions(btf, &t, err, sizeof(err));
	fd = mkstemp(list);
	f = fdopen(fd, "w");
	fputs("ip_rcv\nicmp_rcv [ipv4]\nnot_an_skb_function\n", f);
	fclose(f);
	fd = mkstemp(syms);
	f = fdopen(fd, "w");
	fputs("ffffffff81000000 T ip_rcv\nffffffff81000100 T icmp_rcv\nffffffff81000200 T tcp_v4_rcv\n", f);
	fclose(f);
	ks = kallsyms_load(syms);

	dropped = hooks_keep_attachable(&t, ks, list);
	is_int(t.n, before + 2, "with ftrace's list: the tracepoints and the two listed skb functions stay");
	ok(dropped > 300, "  every other function is dropped and counted (%zu)", dropped);
	ok(find(&t, "ip_rcv", true) && find(&t, "ip_rcv", true)->addr == 0xffffffff81000000ULL,
	   "  ip_rcv gets its kallsyms address");
	ok(find(&t, "icmp_rcv", true) != NULL, "  a \"name [module]\" line counts");
	ok(find(&t, "kfree_skb", false) != NULL, "  tracepoints are never dropped");

	hooks_free(&t);
	hooks_discover_skb_functions(btf, &t, err, sizeof(err));
	dropped = hooks_keep_attachable(&t, ks, "/nonexistent/available_filter_functions");
	is_int(t.n, 3, "without ftrace's list: the functions kallsyms knows stay");
	ok(find(&t, "tcp_v4_rcv", true) != NULL, "  tcp_v4_rcv among them");
	hooks_free(&t);
	kallsyms_free(ks);
	unlink(list);
	unlink(syms);
}

static void test_regex(void)
{
	char err[256];
	regex_t re;

	is_int(hooks_regex_compile(&re, "ip_.*", err, sizeof(err)), 0, "a regex compiles");
	ok(regexec(&re, "ip_rcv", 0, NULL, 0) == 0, "  matches a whole name");
	ok(regexec(&re, "xip_rcv", 0, NULL, 0) != 0, "  but not a part of one");
	regfree(&re);
	is_int(hooks_regex_compile(&re, "(ip", err, sizeof(err)), -1, "an unbalanced regex fails");
	ok(strstr(err, "invalid regular expression \"(ip\"") != NULL, "  and says which (%s)", err);
}

int main(void)
{
	struct btf *btf = btf__load_vmlinux_btf();

	if (!btf) {
		printf("1..0 # SKIP no kernel BTF\n");
		return 0;
	}
	test_functions(btf);
	test_sk_functions(btf);
	test_attachable(btf);
	test_regex();
	btf__free(btf);
	return tap_done();
}
