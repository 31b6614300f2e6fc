// SPDX-License-Identifier: GPL-2.0-only
#include "core/session.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/btf_enum.h"
#include "core/hooks.h"
#include "core/kallsyms.h"
#include "core/kmods.h"
#include "core/log.h"
#include "core/nf_trace.h"
#include "core/prog_clone.h"
#include "core/btf_cache.h"
#include "core/prog_trace.h"
#include "core/progress.h"
#include "core/skb_track.h"
#include "core/wakeup_batch.h"
#include "core/workers.h"
#include "filter/pcap_expr.h"
#include "vista.skel.h"

#define DEFAULT_RINGBUF_BYTES (16u << 20)
/* Function templates: the skb ones, then the socket ones, each by argument position. */
#define N_FUNC_TEMPLATES (TMPL_FUNC_SK_ARG4 - TMPL_FUNC_SKB_ARG0 + 1)
/* What ftrace can attach to; kprobe-multi and fentry refuse anything else. */
static const char *const ftrace_lists[] = { "/sys/kernel/tracing/available_filter_functions",
					    "/sys/kernel/debug/tracing/available_filter_functions" };

struct session {
	struct vista_bpf *skel;
	struct ring_buffer *rb;
	struct hook_table hooks;
	enum backend backend;
	struct bpf_link *multi_links[N_FUNC_TEMPLATES]; /* kprobe-multi: one link per function template */
	size_t skipped;                                 /* functions the kernel would not let us trace */
	size_t nattached;
	unsigned int batch; /* hooks attached or detached at a time (threads) */
	bool progress;      /* draw a progress bar on stderr (never under vista-top's screen) */
	struct kmods kmods; /* --kmods, --all-kmods: the modules' BTF, kept for fentry's attach */
	struct btf_enum_names *drop_reasons;
	struct sock_trace *sock;
	struct nf_trace *nf;
	struct skb_track *track; /* clones and copies of tracked skbs (function backends) */
	session_event_fn on_event;
	void *ctx;
	int ncpus;
	size_t ring_bytes;
	struct filter_set filters; /* what the active slot holds */
	uint32_t collect;
	bool attached; /* programs may be running: a flip must wait for them */
};

/* The program of function template i (0 .. N_FUNC_TEMPLATES-1, from TMPL_FUNC_SKB_ARG0) for backend b. */
static struct bpf_program *function_template(struct vista_bpf *skel, enum backend b, int i)
{
	struct bpf_program *fentry[N_FUNC_TEMPLATES] = {
		skel->progs.fentry_skb_0, skel->progs.fentry_skb_1, skel->progs.fentry_skb_2, skel->progs.fentry_skb_3,
		skel->progs.fentry_skb_4, skel->progs.fentry_sk_0,  skel->progs.fentry_sk_1,  skel->progs.fentry_sk_2,
		skel->progs.fentry_sk_3,  skel->progs.fentry_sk_4,
	};
	struct bpf_program *kprobe[N_FUNC_TEMPLATES] = {
		skel->progs.kprobe_skb_0, skel->progs.kprobe_skb_1, skel->progs.kprobe_skb_2, skel->progs.kprobe_skb_3,
		skel->progs.kprobe_skb_4, skel->progs.kprobe_sk_0,  skel->progs.kprobe_sk_1,  skel->progs.kprobe_sk_2,
		skel->progs.kprobe_sk_3,  skel->progs.kprobe_sk_4,
	};
	struct bpf_program *kmulti[N_FUNC_TEMPLATES] = {
		skel->progs.kmulti_skb_0, skel->progs.kmulti_skb_1, skel->progs.kmulti_skb_2, skel->progs.kmulti_skb_3,
		skel->progs.kmulti_skb_4, skel->progs.kmulti_sk_0,  skel->progs.kmulti_sk_1,  skel->progs.kmulti_sk_2,
		skel->progs.kmulti_sk_3,  skel->progs.kmulti_sk_4,
	};

	switch (b) {
	case BACKEND_FENTRY:
		return fentry[i];
	case BACKEND_KPROBE:
		return kprobe[i];
	case BACKEND_KPROBE_MULTI:
		return kmulti[i];
	default:
		return NULL;
	}
}

static struct bpf_program *template_program(const struct session *s, enum hook_template t)
{
	struct vista_bpf *skel = s->skel;

	switch (t) {
	case TMPL_SKB_ARG0:
		return skel->progs.tp_skb_0;
	case TMPL_SKB_ARG1:
		return skel->progs.tp_skb_1;
	case TMPL_SKB_ARG2:
		return skel->progs.tp_skb_2;
	case TMPL_SKB_ARG3:
		return skel->progs.tp_skb_3;
	case TMPL_SKB_ARG4:
		return skel->progs.tp_skb_4;
	case TMPL_KFREE_SKB_REASON:
		return skel->progs.tp_kfree_skb_reason;
	case TMPL_SKB_LOCATION:
		return skel->progs.tp_skb_location;
	case TMPL_SKB_FREED:
		return skel->progs.tp_skb_freed;
	case TMPL_FUNC_SKB_ARG0:
	case TMPL_FUNC_SKB_ARG1:
	case TMPL_FUNC_SKB_ARG2:
	case TMPL_FUNC_SKB_ARG3:
	case TMPL_FUNC_SKB_ARG4:
	case TMPL_FUNC_SK_ARG0:
	case TMPL_FUNC_SK_ARG1:
	case TMPL_FUNC_SK_ARG2:
	case TMPL_FUNC_SK_ARG3:
	case TMPL_FUNC_SK_ARG4:
		return function_template(skel, s->backend, t - TMPL_FUNC_SKB_ARG0);
	case TMPL_PROG_XDP_ENTRY:
		return skel->progs.fentry_xdp;
	case TMPL_PROG_XDP_EXIT:
		return skel->progs.fexit_xdp;
	case TMPL_PROG_TC_ENTRY:
		return skel->progs.fentry_tc;
	case TMPL_PROG_TC_EXIT:
		return skel->progs.fexit_tc;
	default:
		return NULL;
	}
}

/* The BTF of path, or the running kernel's (the shared one: see btf_cache.h; the caller frees only a path's). */
static struct btf *load_btf(const char *path, char *err, size_t errlen)
{
	struct btf *btf = path ? btf__parse(path, NULL) : btf_cache_vmlinux();

	if (!btf) {
		int e = errno;
		struct stat st;

		/*
		 * A file libbpf opens but cannot parse fails with EIO or one of its
		 * own error numbers, which strerror() knows nothing of: name the
		 * cause instead.
		 */
		if (path && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			snprintf(err, errlen, "cannot read kernel BTF from %s: it is a directory", path);
		else if (path && (e == EIO || e == EINVAL || e == ENODATA || e >= __LIBBPF_ERRNO__START))
			snprintf(err, errlen,
				 "cannot read kernel BTF from %s: not a BTF file (raw BTF, or ELF with a .BTF section)",
				 path);
		else if (path)
			snprintf(err, errlen, "cannot read kernel BTF from %s: %s", path, strerror(e));
		else
			snprintf(err, errlen,
				 "cannot read the kernel's BTF (/sys/kernel/btf/vmlinux): %s; the kernel needs "
				 "CONFIG_DEBUG_INFO_BTF=y, or pass --kernel-btf FILE",
				 strerror(e));
	}
	return btf;
}

/*
 * Keeps the functions of t the kernel can attach to (ftrace's list when it
 * can be read, else kallsyms), adding those it drops to s->skipped. A
 * function the compiler only emitted as name.isra.N or name.constprop.N is
 * dropped too: its arguments are no longer those BTF describes.
 */
static int keep_attachable(struct session *s, struct hook_table *t, char *err, size_t errlen)
{
	size_t nlists = sizeof(ftrace_lists) / sizeof(ftrace_lists[0]);
	struct kallsyms *ks = kallsyms_load("/proc/kallsyms");

	if (!ks) {
		snprintf(err, errlen, "cannot read kernel symbols from /proc/kallsyms: %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < nlists; i++) {
		if (access(ftrace_lists[i], R_OK) == 0 || i + 1 == nlists) {
			s->skipped += hooks_keep_attachable(t, ks, ftrace_lists[i]);
			break;
		}
	}
	kallsyms_free(ks);
	return 0;
}

/*
 * The function backends trace kernel functions, plus the kfree_skb and
 * consume_skb tracepoints, which alone carry the drop reason and the
 * caller; a function of the same name as a kept tracepoint is left out.
 */
static int add_functions(struct session *s, const struct btf *btf, char *err, size_t errlen)
{
	struct hook_table *t = &s->hooks;
	size_t kept = 0, tracepoints;

	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, "kfree_skb") == 0 || strcmp(t->v[i].name, "consume_skb") == 0)
			t->v[kept++] = t->v[i];
	t->n = tracepoints = kept;
	if (hooks_discover_skb_functions(btf, t, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < s->kmods.n; i++)
		if (hooks_discover_module_functions(s->kmods.v[i].btf, s->kmods.v[i].fd, false, t, err, errlen) < 0)
			return -1;
	/* The tracepoints are the first entries; a function of the same name is left out. */
	for (size_t i = tracepoints; i < t->n; i++) {
		bool dup = false;

		for (size_t j = 0; j < tracepoints; j++)
			dup |= strcmp(t->v[i].name, t->v[j].name) == 0;
		if (!dup)
			t->v[kept++] = t->v[i];
	}
	t->n = kept;
	return keep_attachable(s, t, err, errlen);
}

/*
 * --filter-trace-sk on a function backend: every attachable function taking
 * a struct sock *, or those matching --filter-sk-func, appended to the hooks.
 */
static int add_sk_functions(struct session *s, const struct session_config *cfg, const struct btf *btf, char *err,
			    size_t errlen)
{
	struct hook_table sk = { 0 };
	int rc = -1, n;

	if (hooks_discover_sk_functions(btf, &sk, err, errlen) < 0)
		goto out;
	for (size_t i = 0; i < s->kmods.n; i++)
		if (hooks_discover_module_functions(s->kmods.v[i].btf, s->kmods.v[i].fd, true, &sk, err, errlen) < 0)
			goto out;
	n = hooks_keep_matching(&sk, cfg->sk_func_regex, NULL, err, errlen);
	if (n < 0)
		goto out;
	if (n == 0) {
		snprintf(err, errlen, "no function taking a struct sock matches --filter-sk-func \"%s\"",
			 cfg->sk_func_regex);
		goto out;
	}
	if (keep_attachable(s, &sk, err, errlen))
		goto out;
	if (sk.n == 0) {
		snprintf(err, errlen, "none of the %d functions taking a struct sock%s can be traced on this kernel", n,
			 cfg->sk_func_regex ? " that --filter-sk-func matches" : "");
		goto out;
	}
	for (size_t i = 0; i < sk.n; i++) {
		struct hook *h = hooks_push(&s->hooks);

		if (!h) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		*h = sk.v[i];
	}
	rc = 0;
out:
	hooks_free(&sk);
	return rc;
}

/*
 * A kprobe holds a perf event fd per function, fentry a program and a link
 * fd per function: thousands of hooks overrun the usual soft limit of 1024.
 */
static void raise_fd_limit(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

/* --filter-trace-xdp, --filter-trace-tc: the entry and exit of every loaded program of those types. */
static int add_programs(struct session *s, const struct session_config *cfg, char *err, size_t errlen)
{
	int n = prog_trace_discover(cfg->trace_xdp, cfg->trace_tc, cfg->prog_pcap_skip, &s->hooks, &s->skipped, err,
				    errlen);

	if (n < 0)
		return -1;
	if (n == 0) {
		snprintf(err, errlen, "%s found no loaded %s program with BTF to trace",
			 cfg->trace_xdp && cfg->trace_tc ? "--filter-trace-xdp and --filter-trace-tc"
			 : cfg->trace_xdp                ? "--filter-trace-xdp"
							 : "--filter-trace-tc",
			 cfg->trace_xdp && cfg->trace_tc ? "XDP or TC"
			 : cfg->trace_xdp                ? "XDP"
							 : "TC");
		return -1;
	}
	return 0;
}

/* The id of the hook's tracepoint typedef or function in the running kernel's BTF. */
static int resolve_btf_id(struct hook *h, const struct btf *kernel_btf, char *err, size_t errlen)
{
	char tname[HOOK_NAME_LEN + 16];
	int id;

	if (h->btf_obj_fd || hook_is_prog(h))
		return 0; /* found in the running kernel's module BTF, or a program's own BTF, already */
	if (hook_is_function(h))
		id = btf__find_by_name_kind(kernel_btf, h->name, BTF_KIND_FUNC);
	else {
		snprintf(tname, sizeof(tname), "btf_trace_%s", h->name);
		id = btf__find_by_name_kind(kernel_btf, tname, BTF_KIND_TYPEDEF);
	}
	if (id < 0) {
		snprintf(err, errlen, "%s %s is described by --kernel-btf but not by the running kernel",
			 hook_is_function(h) ? "function" : "tracepoint", h->name);
		return -1;
	}
	h->btf_id = id;
	return 0;
}

/* Chooses the hooks this session attaches to, with their attach ids in the running kernel. */
static int select_hooks(struct session *s, const struct session_config *cfg, const struct btf *btf,
			const struct btf *kernel_btf, char *err, size_t errlen)
{
	struct hook_table *t = &s->hooks;
	int n = hooks_discover_skb_tracepoints(btf, t, err, errlen);

	if (n < 0)
		return -1;
	if (n == 0) {
		snprintf(err, errlen, "the kernel BTF describes no tracepoint that carries an skb");
		return -1;
	}
	/* Module BTF is split on the running kernel's: its ids are the running kernel's too. */
	if ((cfg->kmods || cfg->all_kmods) && cfg->backend != BACKEND_TRACEPOINT &&
	    kmods_open(cfg->kmods, cfg->all_kmods, kernel_btf, &s->kmods, err, errlen))
		return -1;
	if (cfg->backend != BACKEND_TRACEPOINT && add_functions(s, btf, err, errlen))
		return -1;
	if (cfg->trace_skb) {
		/* Tracking ends at the frees: their programs must run even when the expression leaves them out. */
		const char *keep = cfg->track_skb ? "kfree_skb|consume_skb" : cfg->drop_stack ? "kfree_skb" : NULL;

		n = hooks_keep_matching(t, cfg->skb_func_regex, keep, err, errlen);
		if (n < 0)
			return -1;
		if (n == 0) {
			snprintf(err, errlen, "no skb %s matches --filter-skb-func \"%s\"",
				 cfg->backend == BACKEND_TRACEPOINT ? "tracepoint" : "function or tracepoint",
				 cfg->skb_func_regex);
			return -1;
		}
	} else if (cfg->drop_stack) {
		hooks_keep_named(t, "kfree_skb");
	} else {
		t->n = 0; /* events of other kinds only: TCP, socket, netfilter */
	}
	if (cfg->sock.sk && cfg->backend != BACKEND_TRACEPOINT && add_sk_functions(s, cfg, btf, err, errlen))
		return -1;
	if ((cfg->trace_xdp || cfg->trace_tc) && add_programs(s, cfg, err, errlen))
		return -1;
	if (cfg->drop_stack) {
		struct hook *drop = hooks_find(t, "kfree_skb");

		if (!drop) {
			snprintf(err, errlen, "this kernel has no kfree_skb tracepoint");
			return -1;
		}
		drop->stack = true;
	}
	/*
	 * The kernel verifies tp_btf and fentry programs against its own BTF
	 * ids: those found in another BTF (--kernel-btf) are looked up again.
	 * Not otherwise: each lookup is a walk over every type of the kernel's
	 * BTF, a fifth of start-up's instructions for the 30 tracepoints.
	 */
	if (btf != kernel_btf)
		for (size_t i = 0; i < t->n; i++)
			if (resolve_btf_id(&t->v[i], kernel_btf, err, errlen))
				return -1;
	if (t->n >= VISTA_HOOK_UNKNOWN) {
		snprintf(err, errlen, "too many hooks (%zu, at most %d)", t->n, VISTA_HOOK_UNKNOWN - 1);
		return -1;
	}
	return 0;
}

static int load_templates(struct session *s, const struct session_config *cfg, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .btf_custom_path = cfg->kernel_btf);
	bool used[TMPL__COUNT] = { 0 };
	size_t functions = 0, sk_functions = 0;

	s->skel = vista_bpf__open_opts(&open_opts);
	if (!s->skel) {
		snprintf(err, errlen, "cannot open the BPF object: %s", strerror(errno));
		return -1;
	}
	s->ring_bytes = cfg->ringbuf_bytes ? cfg->ringbuf_bytes : DEFAULT_RINGBUF_BYTES;
	bpf_map__set_max_entries(s->skel->maps.events, s->ring_bytes);
	for (size_t i = 0; i < s->hooks.n; i++) {
		const struct hook *h = &s->hooks.v[i];
		struct bpf_program *p = template_program(s, h->tmpl);

		functions += hook_is_function(h) && !hook_is_sk_function(h);
		sk_functions += hook_is_sk_function(h);
		if (used[h->tmpl])
			continue;
		used[h->tmpl] = true;
		/* Each template is verified once, against the first hook that uses it. */
		bpf_program__set_autoload(p, true);
		if (bpf_program__type(p) == BPF_PROG_TYPE_TRACING &&
		    bpf_program__set_attach_target(p, hook_is_prog(h) ? h->target_fd : 0,
						   hook_is_prog(h) ? h->target_func : h->name)) {
			snprintf(err, errlen, "cannot target %s: %s", h->name, strerror(errno));
			return -1;
		}
	}
	/* Two keys per function: see index_function(). */
	bpf_map__set_max_entries(s->skel->maps.func_hooks, functions ? 2 * functions : 1);
	bpf_map__set_max_entries(s->skel->maps.sk_func_hooks, sk_functions ? 2 * sk_functions : 1);
	if (cfg->trace_netfilter && nf_trace_select(s->skel, cfg->backend, err, errlen))
		return -1;
	if (cfg->track_skb)
		skb_track_select(s->skel, cfg->backend);
	if (vista_bpf__load(s->skel)) {
		int e = errno;

		snprintf(err, errlen, "loading the BPF programs failed: %s%s", strerror(e),
			 log_is_verbose() ? "" : " (run with --verbose for the verifier's log)");
		return -1;
	}
	return 0;
}

/* A clone of the template for this hook, attached (tracepoints, fentry). */
static int attach_clone(struct session *s, uint32_t id, char *err, size_t errlen)
{
	struct hook *h = &s->hooks.v[id];
	char name[HOOK_NAME_LEN + 8];
	struct clone_target target = {
		.name = name,
		.hook_id = id,
		.attach_type = hook_is_function(h) ? BPF_TRACE_FENTRY : BPF_TRACE_RAW_TP,
		.attach_prog_fd = hook_is_prog(h) ? h->target_fd : 0,
		.attach_btf_id = h->btf_id,
		.attach_btf_obj_fd = h->btf_obj_fd > 0 ? h->btf_obj_fd : 0,
	};

	if (hook_is_prog(h))
		target.attach_type =
		    h->tmpl == TMPL_PROG_XDP_EXIT || h->tmpl == TMPL_PROG_TC_EXIT ? BPF_TRACE_FEXIT : BPF_TRACE_FENTRY;
	snprintf(name, sizeof(name), "vista_%s", h->name);
	h->prog_fd = prog_clone_load(template_program(s, h->tmpl), &target, err, errlen);
	if (h->prog_fd < 0)
		return -1;
	h->link_fd = bpf_raw_tracepoint_open(NULL, h->prog_fd);
	if (h->link_fd < 0) {
		snprintf(err, errlen, "attaching to %s %s failed: %s",
			 hook_is_prog(h)       ? "BPF program"
			 : hook_is_function(h) ? "function"
					       : "tracepoint",
			 h->name, strerror(errno));
		return -1;
	}
	return 0;
}

/* kprobe-multi: one link per function template, over every function of that template. */
static int attach_multi(struct session *s, char *err, size_t errlen)
{
	const char **syms = calloc(s->hooks.n ? s->hooks.n : 1, sizeof(*syms));

	if (!syms) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < N_FUNC_TEMPLATES; i++) {
		LIBBPF_OPTS(bpf_kprobe_multi_opts, opts, .syms = syms);

		for (size_t h = 0; h < s->hooks.n; h++)
			if ((int)s->hooks.v[h].tmpl == TMPL_FUNC_SKB_ARG0 + i)
				syms[opts.cnt++] = s->hooks.v[h].name;
		if (!opts.cnt)
			continue;
		s->multi_links[i] = bpf_program__attach_kprobe_multi_opts(
		    function_template(s->skel, BACKEND_KPROBE_MULTI, i), NULL, &opts);
		if (!s->multi_links[i]) {
			snprintf(err, errlen, "attaching kprobe-multi to %zu functions failed: %s", opts.cnt,
				 strerror(errno));
			free(syms);
			return -1;
		}
	}
	free(syms);
	return 0;
}

/*
 * kprobe and kprobe-multi programs find their hook from bpf_get_func_ip().
 * Some kernels report a kprobe 4 bytes into the function, after its ENDBR64
 * (IBT): both addresses are keys, so a program does one lookup per event.
 * No other function starts there (functions are at least 16-byte aligned).
 */
static int index_function(int map, uint64_t addr, uint32_t hook_id)
{
	uint64_t after_endbr = addr + 4;

	if (bpf_map_update_elem(map, &addr, &hook_id, BPF_ANY))
		return -1;
	return bpf_map_update_elem(map, &after_endbr, &hook_id, BPF_ANY);
}

/* What the attach workers share: the hooks are attached concurrently, a batch at a time. */
struct attach_run {
	struct session *s;
	struct progress *bar;
	size_t attached, skipped; /* atomic */
	bool failed;              /* atomic: a tracepoint failed, the others stop */
	pthread_mutex_t lock;     /* err */
	char err[256];
};

/* Attaches one hook: a clone (tracepoints, fentry) or a kprobe; a function the kernel refuses is skipped. */
static void attach_one(void *ctx, size_t i)
{
	struct attach_run *r = ctx;
	struct session *s = r->s;
	struct hook *h = &s->hooks.v[i];
	char why[256];
	bool ok;

	if (__atomic_load_n(&r->failed, __ATOMIC_RELAXED))
		return;
	if (!hook_is_function(h) || s->backend == BACKEND_FENTRY) {
		ok = attach_clone(s, (uint32_t)i, why, sizeof(why)) == 0;
		/* A tracepoint must attach. */
		if (!ok && !hook_is_function(h)) {
			pthread_mutex_lock(&r->lock);
			if (!r->failed)
				snprintf(r->err, sizeof(r->err), "%s", why);
			__atomic_store_n(&r->failed, true, __ATOMIC_RELAXED);
			pthread_mutex_unlock(&r->lock);
			return;
		}
	} else if (s->backend == BACKEND_KPROBE) {
		h->link = bpf_program__attach_kprobe(template_program(s, h->tmpl), false, h->name);
		ok = h->link != NULL;
	} else {
		return; /* kprobe-multi: attach_multi() attaches every function at once */
	}
	__atomic_add_fetch(ok ? &r->attached : &r->skipped, 1, __ATOMIC_RELAXED);
	progress_step(r->bar);
}

static int attach_hooks(struct session *s, char *err, size_t errlen)
{
	int map = bpf_map__fd(s->skel->maps.func_hooks), sk_map = bpf_map__fd(s->skel->maps.sk_func_hooks);
	struct attach_run run = { .s = s };
	size_t attached;

	for (uint32_t i = 0; i < s->hooks.n; i++) {
		struct hook *h = &s->hooks.v[i];

		if (!hook_is_function(h) || s->backend == BACKEND_FENTRY)
			continue;
		if (index_function(hook_is_sk_function(h) ? sk_map : map, h->addr, i)) {
			snprintf(err, errlen, "cannot index function %s: %s", h->name, strerror(errno));
			return -1;
		}
	}
	pthread_mutex_init(&run.lock, NULL);
	run.bar = s->progress
		      ? progress_start(stderr, false, "Attaching", s->backend == BACKEND_KPROBE_MULTI ? 0 : s->hooks.n)
		      : NULL;
	workers_run(s->hooks.n, s->batch, attach_one, &run);
	progress_done(run.bar);
	pthread_mutex_destroy(&run.lock);
	if (run.failed) {
		snprintf(err, errlen, "%s", run.err);
		return -1;
	}
	attached = run.attached;
	s->skipped += run.skipped;
	if (s->backend == BACKEND_KPROBE_MULTI) {
		if (attach_multi(s, err, errlen))
			return -1;
		attached = s->hooks.n;
	}
	if (!attached && s->hooks.n) {
		snprintf(err, errlen, "the kernel refused every hook");
		return -1;
	}
	s->nattached = attached;
	return 0;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct session *s = ctx;
	const struct vista_event *e = data;

	/* Never produced by our programs; ignored rather than misread. */
	if (!vista_record_fits(e, (__u32)size))
		return 0;
	if (e->kind == VISTA_EV_NETFILTER)
		return nf_trace_deliver(s->nf, data, size, s->on_event, s->ctx) ? -ECANCELED : 0;
	return s->on_event(s->ctx, data) ? -ECANCELED : 0;
}

/*
 * Returns once no program still runs with the slot that was active before
 * the last flip, so that it can be rewritten. BPF programs run inside RCU
 * read-side sections, and MEMBARRIER_CMD_GLOBAL waits for an RCU grace period.
 */
static void wait_for_readers(void)
{
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) != 0)
		usleep(50 * 1000); /* nohz_full CPUs refuse it: far longer than any program runs */
}

/* Fills hook enable bits for fs->func_regex; returns how many hooks it enables, or -1. */
static int hook_bits_for(const struct session *s, const struct filter_set *fs, __u8 *bits, char *err, size_t errlen)
{
	int enabled = 0;
	regex_t re;

	if (fs->func_regex[0] && hooks_regex_compile(&re, fs->func_regex, err, errlen))
		return -1;
	for (size_t i = 0; i < s->hooks.n; i++) {
		bool on = !fs->func_regex[0] || regexec(&re, s->hooks.v[i].name, 0, NULL, 0) == 0;

		bits[i] = (on ? VISTA_HOOK_ENABLED : 0) | (s->hooks.v[i].stack ? VISTA_HOOK_STACK : 0) |
			  (s->hooks.v[i].no_packet ? VISTA_HOOK_NO_PACKET : 0);
		enabled += on;
	}
	if (fs->func_regex[0])
		regfree(&re);
	if (!enabled && (s->hooks.n || fs->func_regex[0])) {
		snprintf(err, errlen, "func \"%s\" matches none of the %zu traced hooks", fs->func_regex, s->hooks.n);
		return -1;
	}
	return enabled;
}

/*
 * Writes everything into the inactive slot, then flips: a program reads the
 * slot index once, so it sees either the old set or the new one, whole.
 * Nothing is written until every part (regex, pcap) is known to be good.
 */
static int publish(struct session *s, const struct filter_set *fs, uint32_t collect, char *err, size_t errlen)
{
	struct vista_bpf__bss *bss = s->skel->bss;
	__u32 next = (bss->active_filter + 1) & 1;
	__u8 *bits = malloc(VISTA_MAX_HOOKS);
	struct vista_filter f = fs->kernel;

	if (!bits) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (hook_bits_for(s, fs, bits, err, errlen) < 0 ||
	    (fs->pcap[0] && pcap_expr_compile(fs->pcap, &bss->pcap_progs[next], err, errlen))) {
		free(bits);
		return -1;
	}
	f.collect = collect;
	f.wakeup_every = wakeup_batch(s->ring_bytes, s->ncpus, collect, f.snaplen);
	f.flags = (f.flags & ~VISTA_F_PCAP) | (fs->pcap[0] ? VISTA_F_PCAP : 0);
	bss->filters[next] = f;
	memcpy(bss->hook_flags[next], bits, s->hooks.n);
	free(bits);
	__atomic_store_n(&bss->active_filter, next, __ATOMIC_RELEASE);
	if (s->attached)
		wait_for_readers();
	s->filters = *fs;
	s->collect = collect;
	return 0;
}

int session_open(const struct session_config *cfg, struct session **out, char *err, size_t errlen)
{
	struct session *s = calloc(1, sizeof(*s));
	struct sock_trace_config sock_cfg = cfg->sock;
	struct btf *btf = NULL, *kernel_btf = NULL;
	int rc = -1;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->on_event = cfg->on_event;
	s->ctx = cfg->ctx;
	s->ncpus = libbpf_num_possible_cpus();
	s->backend = cfg->backend;
	s->batch = cfg->attach_batch ? cfg->attach_batch : 1;
	s->progress = cfg->progress;
	raise_fd_limit();
	btf = load_btf(cfg->kernel_btf, err, errlen);
	if (!btf)
		goto out;
	kernel_btf = cfg->kernel_btf ? load_btf(NULL, err, errlen) : btf;
	if (!kernel_btf)
		goto out;
	if (select_hooks(s, cfg, btf, kernel_btf, err, errlen))
		goto out;
	s->drop_reasons = btf_enum_names_load(btf, "skb_drop_reason");
	if (load_templates(s, cfg, err, errlen))
		goto out;

	if (publish(s, &cfg->filters, cfg->filters.kernel.collect, err, errlen))
		goto out;
	/* The socket functions' events, like the socket tracepoints', leave out vista's own sockets. */
	s->skel->bss->sock_trace_self = (uint32_t)getpid();
	if (attach_hooks(s, err, errlen))
		goto out;
	if (cfg->track_skb && skb_track_open(s->skel, cfg->backend, &s->track, err, errlen))
		goto out;
	if (cfg->trace_netfilter &&
	    nf_trace_open(s->skel, cfg->backend,
			  (cfg->filters.kernel.flags & VISTA_F_NETNS) ? cfg->filters.kernel.netns : 0, &s->nf, err,
			  errlen))
		goto out;
	s->attached = true;
	/* On a function backend the socket functions replace the socket tracepoints (add_sk_functions). */
	sock_cfg.sk = cfg->sock.sk && cfg->backend == BACKEND_TRACEPOINT;
	if (sock_trace_open(s->skel, &sock_cfg, btf, cfg->kernel_btf, &s->sock, err, errlen))
		goto out;
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), handle_event, s, NULL);
	if (!s->rb) {
		snprintf(err, errlen, "cannot open the ring buffer: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (cfg->kernel_btf)
		btf__free(btf); /* the kernel's own is the shared one (btf_cache.h) */
	if (rc) {
		session_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

struct detach_run {
	struct hook_table *hooks;
	struct progress *bar;
};

static void detach_one(void *ctx, size_t i)
{
	struct detach_run *r = ctx;
	struct hook *h = &r->hooks->v[i];

	if (h->link_fd < 0 && !h->link)
		return;
	if (h->link_fd >= 0)
		close(h->link_fd);
	h->link_fd = -1;
	bpf_link__destroy(h->link);
	h->link = NULL;
	progress_step(r->bar);
}

void session_detach(struct session *s)
{
	struct detach_run run = { .hooks = &s->hooks };
	size_t linked = 0;

	sock_trace_detach(s->sock);
	for (size_t i = 0; i < s->hooks.n; i++)
		linked += s->hooks.v[i].link_fd >= 0 || s->hooks.v[i].link;
	/* Each detach waits for the kernel (an RCU grace period per kprobe): a batch at a time overlaps the waits. */
	run.bar = s->progress ? progress_start(stderr, false, "Detaching", linked) : NULL;
	workers_run(s->hooks.n, s->batch, detach_one, &run);
	progress_done(run.bar);
	for (int i = 0; i < N_FUNC_TEMPLATES; i++) {
		bpf_link__destroy(s->multi_links[i]);
		s->multi_links[i] = NULL;
	}
	nf_trace_detach(s->nf);
	skb_track_close(s->track);
	s->track = NULL;
	s->attached = false;
}

void session_close(struct session *s)
{
	if (!s)
		return;
	ring_buffer__free(s->rb);
	session_detach(s);
	sock_trace_close(s->sock);
	for (size_t i = 0; i < s->hooks.n; i++) {
		if (s->hooks.v[i].prog_fd >= 0)
			close(s->hooks.v[i].prog_fd);
	}
	prog_trace_close_targets(&s->hooks);
	hooks_free(&s->hooks);
	kmods_close(&s->kmods);
	nf_trace_close(s->nf);
	btf_enum_names_free(s->drop_reasons);
	vista_bpf__destroy(s->skel);
	free(s);
}

int session_poll(struct session *s, int timeout_ms)
{
	int n = ring_buffer__poll(s->rb, timeout_ms);

	/* The BPF side wakes the reader only now and then: a timeout may leave events to drain. */
	return n == 0 ? ring_buffer__consume(s->rb) : n;
}

int session_consume(struct session *s)
{
	return ring_buffer__consume(s->rb);
}

int session_event_fd(const struct session *s)
{
	return ring_buffer__epoll_fd(s->rb);
}

/*
 * Following skbs (track on) needs what --filter-track-skb set up at the
 * start: the kfree_skb and consume_skb hooks, where tracking ends, and on
 * the function backends the programs that follow clones and copies.
 * Without them a tracked address would outlive its skb.
 */
static int check_track(struct session *s, const struct filter_set *fs, char *err, size_t errlen)
{
	if (!(fs->kernel.flags & VISTA_F_TRACK) || (s->filters.kernel.flags & VISTA_F_TRACK))
		return 0;
	if (!hooks_find(&s->hooks, "kfree_skb") || !hooks_find(&s->hooks, "consume_skb") ||
	    (s->backend != BACKEND_TRACEPOINT && !s->track)) {
		snprintf(err, errlen, "this trace cannot follow skbs: start it with --filter-track-skb");
		return -1;
	}
	/* While tracking was off no free was seen: the addresses tracked before may belong to other skbs now. */
	return skb_track_forget(s->skel, err, errlen);
}

int session_apply_filters(struct session *s, const struct filter_set *fs, char *err, size_t errlen)
{
	if (check_track(s, fs, err, errlen))
		return -1;
	return publish(s, fs, s->collect, err, errlen);
}

int session_set_collect(struct session *s, uint32_t collect, char *err, size_t errlen)
{
	struct filter_set *now = malloc(sizeof(*now)); /* publish() must not read what it overwrites */
	int rc;

	if (!now) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*now = s->filters;
	rc = publish(s, now, collect, err, errlen);
	free(now);
	return rc;
}

const struct filter_set *session_filters(const struct session *s)
{
	return &s->filters;
}

uint32_t session_collect(const struct session *s)
{
	return s->collect;
}

size_t session_attached_count(const struct session *s)
{
	return s->nattached;
}

size_t session_skipped_count(const struct session *s)
{
	return s->skipped;
}

enum backend session_backend(const struct session *s)
{
	return s->backend;
}

size_t session_hook_count(const struct session *s)
{
	return s->hooks.n;
}

const struct nf_trace *session_netfilter(const struct session *s)
{
	return s->nf;
}

const char *session_hook_name(const struct session *s, uint32_t hook_id)
{
	return hook_id < s->hooks.n ? s->hooks.v[hook_id].name : NULL;
}

const char *session_drop_reason(const struct session *s, uint32_t reason)
{
	return s->drop_reasons ? btf_enum_names_get(s->drop_reasons, reason) : NULL;
}

int session_stack(const struct session *s, int32_t stack_id, uint64_t *ips, int max)
{
	uint64_t frames[VISTA_MAX_STACK_DEPTH] = { 0 };
	int n = 0;

	if (stack_id < 0 || bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.stacks), &stack_id, frames))
		return 0;
	while (n < max && n < VISTA_MAX_STACK_DEPTH && frames[n])
		ips[n] = frames[n], n++;
	return n;
}

struct sock_trace *session_sock_trace(struct session *s)
{
	return s->sock;
}

uint64_t session_lost(const struct session *s)
{
	struct vista_counters *per_cpu = calloc(s->ncpus, sizeof(*per_cpu));
	uint32_t zero = 0;
	uint64_t lost = 0;

	if (!per_cpu)
		return 0;
	if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.counters), &zero, per_cpu) == 0)
		for (int i = 0; i < s->ncpus; i++)
			lost += per_cpu[i].lost;
	free(per_cpu);
	return lost;
}
