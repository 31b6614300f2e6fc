// SPDX-License-Identifier: GPL-2.0-only
/* Netfilter tables traced through netfilter BPF links (see nf_trace.h and bpf/netfilter.bpf.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* setns, CLONE_NEWNET */
#endif
#include "core/nf_trace.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/netfilter.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/btf_cache.h"
#include "core/errmsg.h"
#include "core/format.h"
#include "core/log.h"
#include "core/netns.h"
#include "core/nf_btf.h"
#include "core/nf_layout.h"
#include "vista.skel.h"

#define SELF_NETNS      "/proc/thread-self/ns/net"
#define NETNS_DIR       "/run/netns"
#define LAYOUT_MAX_AGE  1000 /* ms: tables added while tracing are named within a second */
#define NF_HOOKS        5
#define LINKS_PER_NETNS (2 * NF_HOOKS * VISTA_NF_PROBES)
#define NF_FUNCS        5
#define PRIO_TRIES      8 /* priorities tried per link: tight pairs are 2 apart, their neighbours 48 */

struct nf_netns {
	uint32_t inode;
	int fd; /* for setns(); -1 for our own namespace */
	struct bpf_link *links[LINKS_PER_NETNS];
	size_t nlinks;
	struct nf_layout layout;
	bool layout_ok;
	uint64_t layout_ms; /* when it was read */
};

struct nf_trace {
	struct bpf_program *probes[VISTA_NF_PROBES];
	struct nf_netns *ns;
	size_t nns;
	struct bpf_link *frees[2];               /* kfree_skb, consume_skb: where an skb's life ends inside a range */
	int self_fd;                             /* our own namespace, to come back to */
	int prios_fd;                            /* the nf_prios map: where the links really are */
	struct bpf_link *fn_links[2 * NF_FUNCS]; /* kprobe and fentry backends: on the table functions */
	size_t nfn;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void probe_programs(struct vista_bpf *skel, struct bpf_program **p)
{
	struct bpf_program *all[VISTA_NF_PROBES] = {
		skel->progs.vista_nfp_0,  skel->progs.vista_nfp_1,  skel->progs.vista_nfp_2,  skel->progs.vista_nfp_3,
		skel->progs.vista_nfp_4,  skel->progs.vista_nfp_5,  skel->progs.vista_nfp_6,  skel->progs.vista_nfp_7,
		skel->progs.vista_nfp_8,  skel->progs.vista_nfp_9,  skel->progs.vista_nfp_10, skel->progs.vista_nfp_11,
		skel->progs.vista_nfp_12, skel->progs.vista_nfp_13,
	};

	memcpy(p, all, sizeof(all));
}

/* The table functions the kprobe and fentry backends watch, in the order of enum nf_fn (bpf/netfilter.bpf.h). */
struct nf_func {
	const char *name;
	const char *module;                     /* where its BTF is when it is not built in */
	struct bpf_program *entry[2], *exit[2]; /* [0] kprobe, [1] fentry */
};

static void nf_funcs(struct vista_bpf *skel, struct nf_func *f)
{
	const struct nf_func all[NF_FUNCS] = {
		{ "ipt_do_table",
		  "ip_tables",
		  { skel->progs.vista_nfk_IPT, skel->progs.vista_nfe_IPT },
		  { skel->progs.vista_nfr_IPT, skel->progs.vista_nfx_IPT } },
		{ "ip6t_do_table",
		  "ip6_tables",
		  { skel->progs.vista_nfk_IP6T, skel->progs.vista_nfe_IP6T },
		  { skel->progs.vista_nfr_IP6T, skel->progs.vista_nfx_IP6T } },
		{ "arpt_do_table",
		  "arp_tables",
		  { skel->progs.vista_nfk_ARPT, skel->progs.vista_nfe_ARPT },
		  { skel->progs.vista_nfr_ARPT, skel->progs.vista_nfx_ARPT } },
		{ "nft_do_chain",
		  "nf_tables",
		  { skel->progs.vista_nfk_NFT, skel->progs.vista_nfe_NFT },
		  { skel->progs.vista_nfr_NFT, skel->progs.vista_nfx_NFT } },
		{ "nf_hook_slow",
		  NULL,
		  { skel->progs.vista_nfk_HOOK_SLOW, skel->progs.vista_nfe_HOOK_SLOW },
		  { skel->progs.vista_nfr_HOOK_SLOW, skel->progs.vista_nfx_HOOK_SLOW } },
	};

	memcpy(f, all, sizeof(all));
}

static bool on_functions(enum backend backend)
{
	return backend == BACKEND_KPROBE || backend == BACKEND_KPROBE_MULTI || backend == BACKEND_FENTRY;
}

/*
 * The kprobe and fentry backends: each table function the kernel has (built
 * in, or in a loaded module), its x_tables argument order from BTF.
 */
static int select_functions(struct vista_bpf *skel, enum backend backend, char *err, size_t errlen)
{
	struct btf *vmlinux = btf_cache_vmlinux();
	struct nf_func f[NF_FUNCS];
	int kind = backend == BACKEND_FENTRY, found = 0, rc = 0;

	if (!vmlinux)
		return errmsg_set(err, errlen, "cannot read the kernel's BTF (/sys/kernel/btf/vmlinux): %s",
				  strerror(errno));
	nf_funcs(skel, f);
	for (int i = 0; i < NF_FUNCS && rc == 0; i++) {
		struct btf *mod = NULL, *btf = vmlinux;
		enum nf_xt_args args;

		if (!nf_btf_has_func(vmlinux, f[i].name)) {
			mod = f[i].module ? btf__load_module_btf(f[i].module, vmlinux) : NULL;
			btf = mod && nf_btf_has_func(mod, f[i].name) ? mod : NULL;
		}
		if (btf && i < 3) {
			args = nf_btf_xt_args(btf, f[i].name);
			if (args == NF_XT_ARGS_UNKNOWN)
				rc = errmsg_set(err, errlen, "cannot tell the arguments of %s from the kernel's BTF",
						f[i].name);
			else
				skel->rodata->nf_xt_args_old[i] = args == NF_XT_ARGS_SKB_FIRST;
		}
		if (btf && rc == 0) {
			bpf_program__set_autoload(f[i].entry[kind], true);
			bpf_program__set_autoload(f[i].exit[kind], true);
			found++;
		}
		btf__free(mod);
	}
	/* nf_tables drops by freeing the skb itself: the free tells a DROP from a STOLEN. */
	bpf_program__set_autoload(skel->progs.vista_nf_kfree_fn, true);
	if (rc == 0 && !found)
		rc = errmsg_set(err, errlen,
				"--filter-trace-iptables found none of ipt_do_table, ip6t_do_table, arpt_do_table, "
				"nft_do_chain and nf_hook_slow in the kernel's BTF");
	return rc;
}

int nf_trace_select(struct vista_bpf *skel, enum backend backend, char *err, size_t errlen)
{
	struct bpf_program *p[VISTA_NF_PROBES];

	if (on_functions(backend))
		return select_functions(skel, backend, err, errlen);
	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_NETFILTER, NULL) != 1)
		return errmsg_set(err, errlen,
				  "--filter-trace-iptables needs netfilter BPF programs, which this kernel does not "
				  "have (Linux 6.4 or later with CONFIG_NETFILTER_BPF_LINK=y)");
	probe_programs(skel, p);
	for (int i = 0; i < VISTA_NF_PROBES; i++)
		bpf_program__set_autoload(p[i], true);
	bpf_program__set_autoload(skel->progs.vista_nf_kfree, true);
	bpf_program__set_autoload(skel->progs.vista_nf_consume, true);
	return 0;
}

/* Attaches the function programs nf_trace_select chose (the loaded ones). */
static int attach_functions(struct nf_trace *t, struct vista_bpf *skel, char *err, size_t errlen)
{
	struct nf_func f[NF_FUNCS];

	nf_funcs(skel, f);
	t->frees[0] = bpf_program__attach(skel->progs.vista_nf_kfree_fn);
	if (!t->frees[0])
		return errmsg_set(err, errlen, "attaching to tracepoint kfree_skb failed: %s", strerror(errno));
	for (int i = 0; i < NF_FUNCS; i++) {
		for (int k = 0; k < 2; k++) {
			struct bpf_program *pair[2] = { f[i].entry[k], f[i].exit[k] };

			for (int j = 0; j < 2; j++) {
				if (!bpf_program__autoload(pair[j]))
					continue;
				t->fn_links[t->nfn] = bpf_program__attach(pair[j]);
				if (!t->fn_links[t->nfn])
					return errmsg_set(err, errlen, "attaching to %s failed: %s", f[i].name,
							  strerror(errno));
				t->nfn++;
			}
		}
	}
	return 0;
}

static int add_netns(struct nf_trace *t, uint32_t inode, int fd, char *err, size_t errlen)
{
	struct nf_netns *v = realloc(t->ns, (t->nns + 1) * sizeof(*v));

	if (!v) {
		if (fd >= 0)
			close(fd);
		return errmsg_set(err, errlen, "out of memory");
	}
	t->ns = v;
	memset(&v[t->nns], 0, sizeof(v[t->nns]));
	v[t->nns].inode = inode;
	v[t->nns].fd = fd;
	t->nns++;
	return 0;
}

static bool has_netns(const struct nf_trace *t, uint32_t inode)
{
	for (size_t i = 0; i < t->nns; i++)
		if (t->ns[i].inode == inode)
			return true;
	return false;
}

/* Every namespace of "ip netns" not already in the list; entries that are no namespace are skipped. */
static int add_run_netns(struct nf_trace *t, char *err, size_t errlen)
{
	DIR *d = opendir(NETNS_DIR);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return 0; /* no named namespaces */
	while (rc == 0 && (de = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;
		uint32_t inode;
		char why[256];
		int fd;

		if (de->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s", NETNS_DIR, de->d_name) >= (int)sizeof(path))
			continue;
		if (netns_parse(path, &inode, why, sizeof(why)) || has_netns(t, inode))
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) || st.st_ino != inode) {
			if (fd >= 0)
				close(fd);
			continue; /* removed or replaced meanwhile */
		}
		rc = add_netns(t, inode, fd, err, errlen);
	}
	closedir(d);
	return rc;
}

static int enter(const struct nf_netns *ns, char *err, size_t errlen)
{
	if (ns->fd >= 0 && setns(ns->fd, CLONE_NEWNET) < 0)
		return errmsg_set(err, errlen, "cannot enter netns inode:%u: %s", ns->inode, strerror(errno));
	return 0;
}

/* Staying in the wrong namespace would silently break everything after: a failure is an error. */
static int leave(const struct nf_trace *t, const struct nf_netns *ns, char *err, size_t errlen)
{
	if (ns->fd >= 0 && setns(t->self_fd, CLONE_NEWNET) < 0)
		return errmsg_set(err, errlen, "cannot return to vista's own netns from netns inode:%u: %s", ns->inode,
				  strerror(errno));
	return 0;
}

static int attach_error(const struct nf_netns *ns, uint32_t pf, uint32_t hook, int32_t prio, char *err, size_t errlen)
{
	int e = errno;

	/* The kernel lets no BPF link share its priority with another hook entry. */
	if (e == EBUSY)
		return errmsg_set(err, errlen,
				  "cannot attach a netfilter BPF link in netns inode:%u: other hooks already run at "
				  "priority %d of %s %s and the ones next to it",
				  ns->inode, prio, pf == NFPROTO_IPV4 ? "IPv4" : "IPv6", format_nf_hook((uint8_t)hook));
	return errmsg_set(err, errlen,
			  "cannot attach a netfilter BPF link in netns inode:%u: %s (they need Linux 6.4 or later "
			  "with CONFIG_NETFILTER_BPF_LINK=y)",
			  ns->inode, strerror(e));
}

/*
 * Which way link i may move when its priority is taken: away from the table
 * it watches (the first link up, the last one down), so that it never
 * passes the table or its neighbour link.
 */
static int32_t away_from_table(int i)
{
	if (i == 0)
		return 1;
	if (i == VISTA_NF_PROBES - 1)
		return -1;
	return i % 2 ? -1 : 1;
}

/* Attaches link i on one hook, moving it up to PRIO_TRIES - 1 steps when its priority is taken. */
static struct bpf_link *attach_probe(struct nf_trace *t, int i, uint32_t pf, uint32_t hook, int32_t *prio)
{
	static const int32_t planned[VISTA_NF_PROBES] = VISTA_NF_PROBE_PRIOS;
	struct bpf_link *l = NULL;

	for (int k = 0; k < PRIO_TRIES && !l; k++) {
		LIBBPF_OPTS(bpf_netfilter_opts, opts, .pf = pf, .hooknum = hook,
			    .priority = planned[i] + k * away_from_table(i));

		*prio = opts.priority;
		l = bpf_program__attach_netfilter(t->probes[i], &opts);
		if (!l && errno != EBUSY)
			break;
	}
	return l;
}

/* Runs in the namespace: one link per probe priority on each hook of each family, and where they went. */
static int attach_here(struct nf_trace *t, struct nf_netns *ns, char *err, size_t errlen)
{
	static const uint32_t pfs[2] = { NFPROTO_IPV4, NFPROTO_IPV6 };

	for (int f = 0; f < 2; f++) {
		for (uint32_t hook = 0; hook < NF_HOOKS; hook++) {
			struct vista_nf_hook_key key = { .netns = ns->inode,
							 .pf = (uint8_t)pfs[f],
							 .hook = (uint8_t)hook };
			struct vista_nf_prios prios = { 0 };

			for (int i = 0; i < VISTA_NF_PROBES; i++) {
				struct bpf_link *l = attach_probe(t, i, pfs[f], hook, &prios.prio[i]);

				if (!l)
					return attach_error(ns, pfs[f], hook, prios.prio[i], err, errlen);
				ns->links[ns->nlinks++] = l;
			}
			if (bpf_map_update_elem(t->prios_fd, &key, &prios, BPF_ANY))
				return errmsg_set(err, errlen, "cannot record the netfilter link priorities: %s",
						  strerror(errno));
		}
	}
	return 0;
}

/* Runs in the namespace. A failure leaves the layout unknown: events are shown without names, not lost. */
static void read_layout_here(struct nf_netns *ns)
{
	char why[256];

	ns->layout_ok = nf_layout_read(&ns->layout, why, sizeof(why)) == 0;
	ns->layout_ms = now_ms();
	if (!ns->layout_ok)
		log_info("Cannot name the netfilter tables of netns inode:%u: %s", ns->inode, why);
}

static int setup_netns(struct nf_trace *t, struct nf_netns *ns, char *err, size_t errlen)
{
	char back[256];
	int rc;

	if (enter(ns, err, errlen))
		return -1;
	rc = attach_here(t, ns, err, errlen);
	if (rc == 0)
		read_layout_here(ns);
	if (leave(t, ns, back, sizeof(back))) {
		snprintf(err, errlen, "%s", back);
		rc = -1;
	}
	return rc;
}

int nf_trace_open(struct vista_bpf *skel, enum backend backend, uint32_t netns_inode, struct nf_trace **out, char *err,
		  size_t errlen)
{
	struct nf_trace *t = calloc(1, sizeof(*t));
	uint32_t self = netns_current_inode();

	*out = NULL;
	if (!t)
		return errmsg_set(err, errlen, "out of memory");
	t->self_fd = -1;
	if (on_functions(backend)) {
		if (attach_functions(t, skel, err, errlen))
			goto fail;
		*out = t;
		return 0;
	}
	probe_programs(skel, t->probes);
	t->prios_fd = bpf_map__fd(skel->maps.nf_prios);
	t->self_fd = open(SELF_NETNS, O_RDONLY | O_CLOEXEC);
	if (t->self_fd < 0) {
		errmsg_set(err, errlen, "cannot open %s: %s", SELF_NETNS, strerror(errno));
		goto fail;
	}
	if (netns_inode && netns_inode != self) {
		int fd = netns_open(netns_inode);

		if (fd < 0) {
			errmsg_set(err, errlen, "no process or /run/netns entry holds netns inode:%u", netns_inode);
			goto fail;
		}
		if (add_netns(t, netns_inode, fd, err, errlen))
			goto fail;
	} else if (add_netns(t, self, -1, err, errlen) || (!netns_inode && add_run_netns(t, err, errlen))) {
		goto fail;
	}
	for (size_t i = 0; i < t->nns; i++)
		if (setup_netns(t, &t->ns[i], err, errlen))
			goto fail;
	t->frees[0] = bpf_program__attach(skel->progs.vista_nf_kfree);
	t->frees[1] = t->frees[0] ? bpf_program__attach(skel->progs.vista_nf_consume) : NULL;
	if (!t->frees[1]) {
		errmsg_set(err, errlen, "attaching to tracepoint %s failed: %s",
			   t->frees[0] ? "consume_skb" : "kfree_skb", strerror(errno));
		goto fail;
	}
	*out = t;
	return 0;
fail:
	nf_trace_close(t);
	return -1;
}

void nf_trace_detach(struct nf_trace *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nns; i++) {
		for (size_t k = 0; k < t->ns[i].nlinks; k++)
			bpf_link__destroy(t->ns[i].links[k]);
		t->ns[i].nlinks = 0;
	}
	for (int i = 0; i < 2; i++) {
		bpf_link__destroy(t->frees[i]);
		t->frees[i] = NULL;
	}
	for (size_t i = 0; i < t->nfn; i++)
		bpf_link__destroy(t->fn_links[i]);
	t->nfn = 0;
}

void nf_trace_close(struct nf_trace *t)
{
	if (!t)
		return;
	nf_trace_detach(t);
	for (size_t i = 0; i < t->nns; i++) {
		if (t->ns[i].fd >= 0)
			close(t->ns[i].fd);
		nf_layout_free(&t->ns[i].layout);
	}
	free(t->ns);
	if (t->self_fd >= 0)
		close(t->self_fd);
	free(t);
}

size_t nf_trace_netns_count(const struct nf_trace *t)
{
	return t ? t->nns : 0;
}

size_t nf_trace_link_count(const struct nf_trace *t)
{
	size_t n = t ? t->nfn : 0;

	for (size_t i = 0; t && i < t->nns; i++)
		n += t->ns[i].nlinks;
	return n;
}

/* The tables of ns, read again when older than LAYOUT_MAX_AGE; NULL when unknown. */
static const struct nf_layout *fresh_layout(struct nf_trace *t, struct nf_netns *ns)
{
	char err[256];

	if (now_ms() - ns->layout_ms >= LAYOUT_MAX_AGE) {
		if (enter(ns, err, sizeof(err)) == 0) {
			read_layout_here(ns);
			if (leave(t, ns, err, sizeof(err)))
				log_error("%s", err);
		}
	}
	return ns->layout_ok ? &ns->layout : NULL;
}

int nf_trace_deliver(struct nf_trace *t, const void *data, size_t size, nf_trace_event_fn fn, void *ctx)
{
	/* The ring's record, copied so its names can be filled in: the event, then its netfilter part. */
	struct {
		struct vista_event e;
		struct vista_nf nf;
	} ev;
	const struct nf_layout *layout = NULL;
	int named = 0;

	_Static_assert(offsetof(__typeof__(ev), nf) == sizeof(struct vista_event), "vista_nf follows the event");
	if (size < vista_event_size(VISTA_EV_NETFILTER))
		return 0; /* never produced by our programs; ignore rather than misread */
	memcpy(&ev, data, sizeof(ev));
	/* Watched in the table functions: the tables named themselves; an iptables chain is its hook's. */
	if (ev.nf.method == VISTA_NF_BY_RETURN) {
		if (ev.nf.table[0] && !ev.nf.chain[0] && format_nf_hook(ev.nf.hook))
			snprintf(ev.nf.chain, sizeof(ev.nf.chain), "%s", format_nf_hook(ev.nf.hook));
		return fn(ctx, &ev.e);
	}
	for (size_t i = 0; i < t->nns && !layout; i++)
		if (t->ns[i].inode == ev.nf.netns)
			layout = fresh_layout(t, &t->ns[i]);
	if (layout)
		named = nf_layout_label(layout, ev.nf.pf, ev.nf.hook, ev.nf.prio_lo, ev.nf.prio_hi, ev.nf.table,
					sizeof(ev.nf.table), ev.nf.chain, sizeof(ev.nf.chain));
	/* Going on through a range where no table runs says nothing; anything else there still counts. */
	if (layout && !named && ev.nf.verdict == NF_ACCEPT)
		return 0;
	return fn(ctx, &ev.e);
}
