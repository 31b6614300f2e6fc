// SPDX-License-Identifier: GPL-2.0-only
#include "core/session.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/membarrier.h>
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
#include "core/log.h"
#include "core/nf_trace.h"
#include "core/prog_clone.h"
#include "filter/pcap_expr.h"
#include "vista.skel.h"

#define DEFAULT_RINGBUF_BYTES (16u << 20)
#define MAX_FUNC_POSITIONS    (TMPL_FUNC_SKB_ARG4 - TMPL_FUNC_SKB_ARG0 + 1)
/* What ftrace can attach to; kprobe-multi and fentry refuse anything else. */
static const char *const ftrace_lists[] = { "/sys/kernel/tracing/available_filter_functions",
					    "/sys/kernel/debug/tracing/available_filter_functions" };

struct session {
	struct vista_bpf *skel;
	struct ring_buffer *rb;
	struct hook_table hooks;
	enum backend backend;
	struct bpf_link *multi_links[MAX_FUNC_POSITIONS]; /* kprobe-multi: one link per skb position */
	size_t skipped;                                   /* functions the kernel would not let us trace */
	size_t nattached;
	struct btf_enum_names *drop_reasons;
	struct sock_trace *sock;
	struct nf_trace *nf;
	session_event_fn on_event;
	void *ctx;
	int ncpus;
	struct filter_set filters; /* what the active slot holds */
	uint32_t collect;
	bool attached; /* programs may be running: a flip must wait for them */
};

static struct bpf_program *function_template(struct vista_bpf *skel, enum backend b, int pos)
{
	struct bpf_program *fentry[] = { skel->progs.fentry_skb_0, skel->progs.fentry_skb_1, skel->progs.fentry_skb_2,
					 skel->progs.fentry_skb_3, skel->progs.fentry_skb_4 };
	struct bpf_program *kprobe[] = { skel->progs.kprobe_skb_0, skel->progs.kprobe_skb_1, skel->progs.kprobe_skb_2,
					 skel->progs.kprobe_skb_3, skel->progs.kprobe_skb_4 };
	struct bpf_program *kmulti[] = { skel->progs.kmulti_skb_0, skel->progs.kmulti_skb_1, skel->progs.kmulti_skb_2,
					 skel->progs.kmulti_skb_3, skel->progs.kmulti_skb_4 };

	switch (b) {
	case BACKEND_FENTRY:
		return fentry[pos];
	case BACKEND_KPROBE:
		return kprobe[pos];
	case BACKEND_KPROBE_MULTI:
		return kmulti[pos];
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
	case TMPL_FUNC_SKB_ARG0:
	case TMPL_FUNC_SKB_ARG1:
	case TMPL_FUNC_SKB_ARG2:
	case TMPL_FUNC_SKB_ARG3:
	case TMPL_FUNC_SKB_ARG4:
		return function_template(skel, s->backend, t - TMPL_FUNC_SKB_ARG0);
	default:
		return NULL;
	}
}

static struct btf *load_btf(const char *path, char *err, size_t errlen)
{
	struct btf *btf = path ? btf__parse(path, NULL) : btf__load_vmlinux_btf();

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
 * The function backends trace kernel functions, plus the kfree_skb and
 * consume_skb tracepoints, which alone carry the drop reason and the
 * caller; a function of the same name as a kept tracepoint is left out.
 */
static int add_functions(struct session *s, const struct btf *btf, char *err, size_t errlen)
{
	struct hook_table *t = &s->hooks;
	size_t kept = 0, tracepoints;
	struct kallsyms *ks;

	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, "kfree_skb") == 0 || strcmp(t->v[i].name, "consume_skb") == 0)
			t->v[kept++] = t->v[i];
	t->n = tracepoints = kept;
	if (hooks_discover_skb_functions(btf, t, err, errlen) < 0)
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
	ks = kallsyms_load("/proc/kallsyms");
	if (!ks) {
		snprintf(err, errlen, "cannot read kernel symbols from /proc/kallsyms: %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < sizeof(ftrace_lists) / sizeof(ftrace_lists[0]); i++) {
		if (access(ftrace_lists[i], R_OK) == 0 || i + 1 == sizeof(ftrace_lists) / sizeof(ftrace_lists[0])) {
			s->skipped = hooks_keep_attachable(t, ks, ftrace_lists[i]);
			break;
		}
	}
	kallsyms_free(ks);
	return 0;
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

/* The id of the hook's tracepoint typedef or function in the running kernel's BTF. */
static int resolve_btf_id(struct hook *h, const struct btf *kernel_btf, char *err, size_t errlen)
{
	char tname[HOOK_NAME_LEN + 16];
	int id;

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
	if (cfg->backend != BACKEND_TRACEPOINT && add_functions(s, btf, err, errlen))
		return -1;
	if (cfg->trace_skb) {
		const char *keep = cfg->drop_stack ? "kfree_skb" : NULL;

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
	if (cfg->drop_stack) {
		struct hook *drop = hooks_find(t, "kfree_skb");

		if (!drop) {
			snprintf(err, errlen, "this kernel has no kfree_skb tracepoint");
			return -1;
		}
		drop->stack = true;
	}
	/* The kernel verifies tp_btf and fentry programs against its own BTF ids. */
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
	size_t functions = 0;

	s->skel = vista_bpf__open_opts(&open_opts);
	if (!s->skel) {
		snprintf(err, errlen, "cannot open the BPF object: %s", strerror(errno));
		return -1;
	}
	bpf_map__set_max_entries(s->skel->maps.events, cfg->ringbuf_bytes ? cfg->ringbuf_bytes : DEFAULT_RINGBUF_BYTES);
	for (size_t i = 0; i < s->hooks.n; i++) {
		const struct hook *h = &s->hooks.v[i];
		struct bpf_program *p = template_program(s, h->tmpl);

		functions += hook_is_function(h);
		if (used[h->tmpl])
			continue;
		used[h->tmpl] = true;
		/* Each template is verified once, against the first hook that uses it. */
		bpf_program__set_autoload(p, true);
		if (bpf_program__type(p) == BPF_PROG_TYPE_TRACING && bpf_program__set_attach_target(p, 0, h->name)) {
			snprintf(err, errlen, "cannot target %s: %s", h->name, strerror(errno));
			return -1;
		}
	}
	/* Two keys per function: see index_function(). */
	bpf_map__set_max_entries(s->skel->maps.func_hooks, functions ? 2 * functions : 1);
	if (cfg->trace_netfilter && nf_trace_select(s->skel, cfg->backend, err, errlen))
		return -1;
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
		.attach_btf_id = h->btf_id,
	};

	snprintf(name, sizeof(name), "vista_%s", h->name);
	h->prog_fd = prog_clone_load(template_program(s, h->tmpl), &target, err, errlen);
	if (h->prog_fd < 0)
		return -1;
	h->link_fd = bpf_raw_tracepoint_open(NULL, h->prog_fd);
	if (h->link_fd < 0) {
		snprintf(err, errlen, "attaching to %s %s failed: %s", hook_is_function(h) ? "function" : "tracepoint",
			 h->name, strerror(errno));
		return -1;
	}
	return 0;
}

/* kprobe-multi: one link per skb position, over every function of that position. */
static int attach_multi(struct session *s, char *err, size_t errlen)
{
	const char **syms = calloc(s->hooks.n ? s->hooks.n : 1, sizeof(*syms));

	if (!syms) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int pos = 0; pos < MAX_FUNC_POSITIONS; pos++) {
		LIBBPF_OPTS(bpf_kprobe_multi_opts, opts, .syms = syms);

		for (size_t i = 0; i < s->hooks.n; i++)
			if ((int)s->hooks.v[i].tmpl == TMPL_FUNC_SKB_ARG0 + pos)
				syms[opts.cnt++] = s->hooks.v[i].name;
		if (!opts.cnt)
			continue;
		s->multi_links[pos] = bpf_program__attach_kprobe_multi_opts(
		    function_template(s->skel, BACKEND_KPROBE_MULTI, pos), NULL, &opts);
		if (!s->multi_links[pos]) {
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

static int attach_hooks(struct session *s, char *err, size_t errlen)
{
	int map = bpf_map__fd(s->skel->maps.func_hooks);
	size_t attached = 0;

	for (uint32_t i = 0; i < s->hooks.n; i++) {
		struct hook *h = &s->hooks.v[i];

		if (!hook_is_function(h) || s->backend == BACKEND_FENTRY) {
			char why[256];

			if (attach_clone(s, i, why, sizeof(why)) == 0) {
				attached++;
				continue;
			}
			/* A tracepoint must attach; a function the kernel refuses is skipped and counted. */
			if (!hook_is_function(h)) {
				snprintf(err, errlen, "%s", why);
				return -1;
			}
			s->skipped++;
			continue;
		}
		if (index_function(map, h->addr, i)) {
			snprintf(err, errlen, "cannot index function %s: %s", h->name, strerror(errno));
			return -1;
		}
		if (s->backend == BACKEND_KPROBE) {
			h->link = bpf_program__attach_kprobe(template_program(s, h->tmpl), false, h->name);
			if (h->link)
				attached++;
			else
				s->skipped++;
		}
	}
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

	if (size < sizeof(struct vista_event) || size < vista_event_size(((const struct vista_event *)data)->kind))
		return 0; /* never produced by our programs; ignore rather than misread */
	if (((const struct vista_event *)data)->kind == VISTA_EV_NETFILTER)
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

		bits[i] = (on ? VISTA_HOOK_ENABLED : 0) | (s->hooks.v[i].stack ? VISTA_HOOK_STACK : 0);
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
	if (attach_hooks(s, err, errlen))
		goto out;
	if (cfg->trace_netfilter &&
	    nf_trace_open(s->skel, cfg->backend,
			  (cfg->filters.kernel.flags & VISTA_F_NETNS) ? cfg->filters.kernel.netns : 0, &s->nf, err,
			  errlen))
		goto out;
	s->attached = true;
	if (sock_trace_open(s->skel, &cfg->sock, btf, cfg->kernel_btf, &s->sock, err, errlen))
		goto out;
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), handle_event, s, NULL);
	if (!s->rb) {
		snprintf(err, errlen, "cannot open the ring buffer: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (kernel_btf != btf)
		btf__free(kernel_btf);
	btf__free(btf);
	if (rc) {
		session_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

void session_detach(struct session *s)
{
	sock_trace_detach(s->sock);
	for (size_t i = 0; i < s->hooks.n; i++) {
		if (s->hooks.v[i].link_fd >= 0)
			close(s->hooks.v[i].link_fd);
		s->hooks.v[i].link_fd = -1;
		bpf_link__destroy(s->hooks.v[i].link);
		s->hooks.v[i].link = NULL;
	}
	for (int pos = 0; pos < MAX_FUNC_POSITIONS; pos++) {
		bpf_link__destroy(s->multi_links[pos]);
		s->multi_links[pos] = NULL;
	}
	nf_trace_detach(s->nf);
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
	hooks_free(&s->hooks);
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

int session_apply_filters(struct session *s, const struct filter_set *fs, char *err, size_t errlen)
{
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
