// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for src/core/nf_btf.c (the x_tables argument order before and
 * after Linux 5.16, from synthetic BTF and from the running kernel's), and,
 * as root, for the kprobe and fentry programs of --filter-trace-iptables:
 * they pass the verifier, and where kprobes are missing attaching them
 * fails with one clear sentence and leaves nothing attached.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* unshare */
#endif
#include "config.h"

#include <arpa/inet.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <unistd.h>

#include "core/nf_btf.h"
#include "core/nf_trace.h"
#include "tap.h"
#include "vista.skel.h"

/* A BTF with the two shapes of the function: (void *, skb *, state *) and (skb *, state *, table *). */
static struct btf *synthetic(void)
{
	struct btf *b = btf__new_empty();
	int skb, skb_ptr, cskb, cskb_ptr, tdef, void_ptr, state, state_ptr, table, table_ptr, proto, i;

	if (!b)
		return NULL;
	skb = btf__add_struct(b, "sk_buff", 0);
	skb_ptr = btf__add_ptr(b, skb);
	state = btf__add_struct(b, "nf_hook_state", 0);
	state_ptr = btf__add_ptr(b, state);
	table = btf__add_struct(b, "xt_table", 0);
	table_ptr = btf__add_ptr(b, table);
	void_ptr = btf__add_ptr(b, 0);
	i = btf__add_int(b, "unsigned int", 4, 0);
	/* New: unsigned int ipt_do_table(void *priv, struct sk_buff *skb, const struct nf_hook_state *state). */
	proto = btf__add_func_proto(b, i);
	btf__add_func_param(b, "priv", void_ptr);
	btf__add_func_param(b, "skb", skb_ptr);
	btf__add_func_param(b, "state", state_ptr);
	btf__add_func(b, "ipt_do_table", BTF_FUNC_GLOBAL, proto);
	/* Old, with the skb behind const and a typedef: (const skbt *skb, state, struct xt_table *table). */
	tdef = btf__add_typedef(b, "skbt", skb);
	cskb = btf__add_const(b, tdef);
	cskb_ptr = btf__add_ptr(b, cskb);
	proto = btf__add_func_proto(b, i);
	btf__add_func_param(b, "skb", cskb_ptr);
	btf__add_func_param(b, "state", state_ptr);
	btf__add_func_param(b, "table", table_ptr);
	btf__add_func(b, "ip6t_do_table", BTF_FUNC_GLOBAL, proto);
	/* Neither: a table first. */
	proto = btf__add_func_proto(b, i);
	btf__add_func_param(b, "table", table_ptr);
	btf__add_func_param(b, "skb", skb_ptr);
	btf__add_func_param(b, "state", state_ptr);
	btf__add_func(b, "arpt_do_table", BTF_FUNC_GLOBAL, proto);
	/* Two parameters. */
	proto = btf__add_func_proto(b, i);
	btf__add_func_param(b, "skb", skb_ptr);
	btf__add_func_param(b, "state", state_ptr);
	btf__add_func(b, "ebt_do_table", BTF_FUNC_GLOBAL, proto);
	return b;
}

static void test_detection(void)
{
	struct btf *b = synthetic(), *k;

	if (!ok(b != NULL, "a synthetic BTF"))
		return;
	is_int(nf_btf_xt_args(b, "ipt_do_table"), NF_XT_ARGS_PRIV_FIRST, "(void *priv, skb, state): Linux 5.16+");
	is_int(nf_btf_xt_args(b, "ip6t_do_table"), NF_XT_ARGS_SKB_FIRST,
	       "(const skbt *skb, state, table): before 5.16, through const and typedef");
	is_int(nf_btf_xt_args(b, "arpt_do_table"), NF_XT_ARGS_UNKNOWN, "a table first: unknown");
	is_int(nf_btf_xt_args(b, "ebt_do_table"), NF_XT_ARGS_UNKNOWN, "two parameters: unknown");
	is_int(nf_btf_xt_args(b, "nft_do_chain"), NF_XT_ARGS_ABSENT, "a function not there: absent");
	ok(nf_btf_has_func(b, "ipt_do_table") && !nf_btf_has_func(b, "sk_buff"), "has_func: functions only");
	btf__free(b);

	k = btf__load_vmlinux_btf();
	if (!k) {
		tap_skip("no kernel BTF");
		return;
	}
	if (nf_btf_has_func(k, "ipt_do_table"))
		is_int(nf_btf_xt_args(k, "ipt_do_table"), NF_XT_ARGS_PRIV_FIRST,
		       "the running kernel (5.16+) takes priv first");
	else
		tap_skip("ipt_do_table is not built into this kernel");
	btf__free(k);
}

/* The netfilter events of the ring, kept for the checks (the event, its netfilter part). */
struct seen {
	struct {
		struct vista_event e;
		struct vista_nf nf;
	} v[64];
	int n;
};

static int on_ring(void *ctx, void *data, size_t size)
{
	struct seen *s = ctx;

	if (size >= sizeof(s->v[0]) && s->n < 64 && ((struct vista_event *)data)->kind == VISTA_EV_NETFILTER)
		memcpy(&s->v[s->n++], data, sizeof(s->v[0]));
	return 0;
}

static void send_udp(uint16_t port)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0) {
		sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to));
		close(fd);
	}
}

/* The first event of this table and chain on this hook with this verdict, or NULL. */
static const struct vista_nf *find_nf(const struct seen *s, const char *table, const char *chain, uint8_t hook,
				      uint8_t verdict)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->v[i].nf.table, table) == 0 && strcmp(s->v[i].nf.chain, chain) == 0 &&
		    s->v[i].nf.hook == hook && s->v[i].nf.verdict == verdict)
			return &s->v[i].nf;
	return NULL;
}

/*
 * Where the programs attach (kernels with kprobes or fentry, such as the
 * Debian ones tests/vm boots): in a namespace of our own, UDP to port 7004
 * meets an iptables-nft DROP (nft_do_chain) and to 7005 an iptables-legacy
 * one (ipt_do_table); each reports its table, chain, hook and verdict.
 */
static void test_traffic(struct vista_bpf *skel, const char *what)
{
	struct seen s = { .n = 0 };
	struct ring_buffer *rb;
	const struct vista_nf *nf;

	if (unshare(CLONE_NEWNET) != 0 || system("ip link set lo up") != 0 ||
	    system("iptables-nft -A INPUT -p udp --dport 7004 -j DROP 2>/dev/null") != 0 ||
	    system("iptables-legacy -A INPUT -p udp --dport 7005 -j DROP 2>/dev/null") != 0) {
		tap_skip("no namespace of our own with iptables-nft and iptables-legacy rules");
		return;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_ring, &s, NULL);
	if (!ok(rb != NULL, "%s: the ring buffer opens", what))
		return;
	send_udp(7004);
	send_udp(7005);
	ring_buffer__poll(rb, 200);
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
	for (int i = 0; i < s.n; i++)
		printf("#   event: pf=%u hook=%u table=%s chain=%s verdict=%u prio=%d..%d\n", s.v[i].nf.pf,
		       s.v[i].nf.hook, s.v[i].nf.table, s.v[i].nf.chain, s.v[i].nf.verdict, s.v[i].nf.prio_lo,
		       s.v[i].nf.prio_hi);
	nf = find_nf(&s, "filter", "INPUT", 1, 0);
	ok(nf && nf->method == VISTA_NF_BY_DROP_REASON && nf->pf == 2 && nf->prio_lo == 0 && nf->prio_hi == 0,
	   "%s: nft_do_chain: iptables-nft's filter INPUT drops (it frees the skb: NETFILTER_DROP), at 0", what);
	ok(find_nf(&s, "filter", "", 1, 1) != NULL, "%s:   after iptables-legacy's filter let it through", what);
	nf = find_nf(&s, "filter", "", 1, 0);
	ok(nf && nf->method == VISTA_NF_BY_RETURN && nf->prio_lo == 0,
	   "%s: ipt_do_table: iptables-legacy's filter drops the other datagram (NF_DROP returned)", what);
	ok(find_nf(&s, "", "", 1, 0) != NULL, "%s: nf_hook_slow: INPUT as a whole dropped", what);
	ok(find_nf(&s, "", "", 3, 1) != NULL, "%s: nf_hook_slow: OUTPUT as a whole accepted", what);
}

/* As root: the programs of each backend load (or say why not) and attach (or say why not). */
static void test_programs(void)
{
	struct vista_bpf *skel;
	struct nf_trace *t = NULL;
	char err[512] = "";
	int rc;

	if (geteuid() != 0) {
		tap_skip("loading BPF programs needs root");
		return;
	}
	skel = vista_bpf__open();
	if (!ok(skel != NULL, "the BPF object opens"))
		return;
	rc = nf_trace_select(skel, BACKEND_KPROBE, err, sizeof(err));
	if (!ok(rc == 0, "kprobe backend: the table functions are found in BTF (%s)", err)) {
		vista_bpf__destroy(skel);
		return;
	}
	ok(bpf_program__autoload(skel->progs.vista_nfk_IPT) && bpf_program__autoload(skel->progs.vista_nfr_NFT) &&
	       bpf_program__autoload(skel->progs.vista_nfk_HOOK_SLOW) &&
	       !bpf_program__autoload(skel->progs.vista_nfe_IPT) && !bpf_program__autoload(skel->progs.vista_nfp_0),
	   "  the kprobe programs are chosen, not the fentry or link ones");
	is_int(skel->rodata->nf_xt_args_old[0], 0, "  ipt_do_table's arguments: priv first");
	rc = vista_bpf__load(skel);
	if (!ok(rc == 0, "  they pass the verifier")) {
		vista_bpf__destroy(skel);
		return;
	}
	rc = nf_trace_open(skel, BACKEND_KPROBE, 0, &t, err, sizeof(err));
	if (rc == 0) {
		ok(nf_trace_link_count(t) >= 2, "  this kernel has kprobes: they attach");
		test_traffic(skel, "kprobe");
		nf_trace_close(t);
	} else {
		ok(t == NULL && strncmp(err, "attaching to ipt_do_table failed: ", 34) == 0,
		   "  without kprobes: one clear sentence (%s)", err);
	}
	vista_bpf__destroy(skel);

	skel = vista_bpf__open();
	if (!skel)
		return;
	is_int(nf_trace_select(skel, BACKEND_FENTRY, err, sizeof(err)), 0, "fentry backend: selected from BTF");
	ok(bpf_program__autoload(skel->progs.vista_nfe_NFT) && bpf_program__autoload(skel->progs.vista_nfx_NFT) &&
	       !bpf_program__autoload(skel->progs.vista_nfk_NFT),
	   "  the fentry and fexit programs");
	rc = vista_bpf__load(skel);
	if (rc && errno == EPERM) {
		tap_skip("this kernel refuses fentry programs");
	} else if (ok(rc == 0, "  they pass the verifier")) {
		rc = nf_trace_open(skel, BACKEND_FENTRY, 0, &t, err, sizeof(err));
		if (ok(rc == 0, "  and attach (%s)", err)) {
			test_traffic(skel, "fentry");
			nf_trace_close(t);
		}
	}
	vista_bpf__destroy(skel);
}

int main(void)
{
	libbpf_set_print(NULL);
	test_detection();
	test_programs();
	return tap_done();
}
