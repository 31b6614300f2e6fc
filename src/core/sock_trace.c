// SPDX-License-Identifier: GPL-2.0-only
#include "core/sock_trace.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/netns.h"
#include "vista.h"
#include "vista.skel.h"

#define MISSING_MAX 256

/* Every program of bpf/sock_trace.bpf.h but the iterator, and where it attaches. */
static const struct sock_prog {
	const char *prog;       /* the BPF program */
	const char *tracepoint; /* "group:name", as users know it */
	bool sk;                /* part of --filter-trace-sk, else of --filter-trace-tcp */
	bool optional;          /* attached when the kernel has the tracepoint */
} sock_progs[] = {
	{ "tp_tcp_state", "sock:inet_sock_set_state", false, false },
	{ "tp_tcp_rst_send", "tcp:tcp_send_reset", false, false },
	{ "tp_tcp_rst_recv", "tcp:tcp_receive_reset", false, false },
	/* Without these a connection accepted by a listener has no owner until it is closed. */
	{ "tp_tcp_own_send", "sock:sock_send_length", false, true },
	{ "tp_tcp_own_recv", "sock:sock_recv_length", false, true },
	{ "tp_sk_state", "sock:inet_sock_set_state", true, false },
	{ "tp_sk_send", "sock:sock_send_length", true, true },
	{ "tp_sk_recv", "sock:sock_recv_length", true, true },
	{ "tp_sk_ready", "sock:sk_data_ready", true, true },
	{ "tp_sk_rcvq_full", "sock:sock_rcvqueue_full", true, true },
	{ "tp_sk_buf_limit", "sock:sock_exceed_buf_limit", true, true },
	{ "tp_sk_error", "sock:inet_sk_error_report", true, true },
};

#define N_SOCK_PROGS (sizeof(sock_progs) / sizeof(sock_progs[0]))

struct sock_trace {
	struct vista_bpf *skel; /* our instance: its own programs, the session's maps */
	struct bpf_link *links[N_SOCK_PROGS];
	size_t nlinks;
	struct bpf_link *iter; /* iter/tcp, with --filter-trace-tcp */
	char missing[MISSING_MAX];
};

static bool has_tracepoint(const struct btf *btf, const char *tracepoint)
{
	char name[128];

	snprintf(name, sizeof(name), "btf_trace_%s", strchr(tracepoint, ':') + 1);
	return btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) >= 0;
}

static const char *option_of(const struct sock_prog *p)
{
	return p->sk ? "--filter-trace-sk" : "--filter-trace-tcp";
}

/* Whom to blame for a missing feature: the running kernel, or the BTF file given in its place. */
static const char *kernel_words(const char *kernel_btf)
{
	return kernel_btf ? "the kernel described by --kernel-btf" : "this kernel";
}

static void note_missing(struct sock_trace *st, const char *tracepoint)
{
	size_t n = strlen(st->missing);

	if (strstr(st->missing, tracepoint))
		return;
	snprintf(st->missing + n, sizeof(st->missing) - n, "%s%s", n ? ", " : "", tracepoint);
}

/* Marks the programs cfg asks for to be loaded; refuses when a tracepoint they need is missing. */
static int choose_programs(struct sock_trace *st, const struct sock_trace_config *cfg, const struct btf *btf,
			   const char *kernel_btf, char *err, size_t errlen)
{
	for (size_t i = 0; i < N_SOCK_PROGS; i++) {
		const struct sock_prog *p = &sock_progs[i];
		struct bpf_program *prog;

		if (p->sk ? !cfg->sk : !cfg->tcp)
			continue;
		if (!has_tracepoint(btf, p->tracepoint)) {
			if (!p->optional) {
				snprintf(err, errlen, "%s needs the tracepoint %s, which %s does not have",
					 option_of(p), p->tracepoint, kernel_words(kernel_btf));
				return -1;
			}
			if (p->sk)
				note_missing(st, p->tracepoint);
			continue;
		}
		prog = bpf_object__find_program_by_name(st->skel->obj, p->prog);
		if (!prog) {
			snprintf(err, errlen, "the BPF object has no program %s", p->prog);
			return -1;
		}
		bpf_program__set_autoload(prog, true);
	}
	if (cfg->tcp) {
		/* Connections that were open before the trace can only be found by iterating over them. */
		if (btf__find_by_name_kind(btf, "bpf_iter_tcp", BTF_KIND_FUNC) < 0) {
			snprintf(err, errlen,
				 "--filter-trace-tcp needs BPF iterators over TCP sockets (iter/tcp), which %s does "
				 "not have",
				 kernel_words(kernel_btf));
			return -1;
		}
		bpf_program__set_autoload(st->skel->progs.vista_iter_tcp, true);
	}
	return 0;
}

/* Every map of our instance becomes the session's map of the same name. */
static int share_maps(struct vista_bpf *from, struct vista_bpf *to, char *err, size_t errlen)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, to->obj)
	{
		struct bpf_map *src = bpf_object__find_map_by_name(from->obj, bpf_map__name(m));

		if (!src || bpf_map__fd(src) < 0) {
			snprintf(err, errlen, "the session has no map %s to share", bpf_map__name(m));
			return -1;
		}
		if (bpf_map__reuse_fd(m, bpf_map__fd(src))) {
			snprintf(err, errlen, "cannot share the map %s: %s", bpf_map__name(m), strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int attach_programs(struct sock_trace *st, char *err, size_t errlen)
{
	for (size_t i = 0; i < N_SOCK_PROGS; i++) {
		struct bpf_program *prog = bpf_object__find_program_by_name(st->skel->obj, sock_progs[i].prog);
		struct bpf_link *link;

		if (!prog || !bpf_program__autoload(prog))
			continue;
		link = bpf_program__attach(prog);
		if (!link) {
			snprintf(err, errlen, "attaching to tracepoint %s failed: %s", sock_progs[i].tracepoint,
				 strerror(errno));
			return -1;
		}
		st->links[st->nlinks++] = link;
	}
	if (bpf_program__autoload(st->skel->progs.vista_iter_tcp)) {
		st->iter = bpf_program__attach_iter(st->skel->progs.vista_iter_tcp, NULL);
		if (!st->iter) {
			snprintf(err, errlen, "attaching the TCP socket iterator failed: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* One pass of the iterator in the calling thread's network namespace. */
static int iterate_here(void *ctx, uint32_t inode, char *err, size_t errlen)
{
	struct sock_trace *st = ctx;
	char buf[64];
	ssize_t n;
	int fd = bpf_iter_create(bpf_link__fd(st->iter));

	if (fd < 0) {
		snprintf(err, errlen, "cannot list the TCP connections of netns inode:%u: %s", inode, strerror(errno));
		return -1;
	}
	/* The program writes nothing: one read runs it over every socket, EAGAIN after a great many. */
	do {
		n = read(fd, buf, sizeof(buf));
	} while (n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN)));
	if (n < 0)
		snprintf(err, errlen, "cannot list the TCP connections of netns inode:%u: %s", inode, strerror(errno));
	close(fd);
	return n < 0 ? -1 : 0;
}

int sock_trace_list_tcp(struct sock_trace *st, char *err, size_t errlen)
{
	if (!st || !st->iter) {
		snprintf(err, errlen, "this session does not trace TCP connections");
		return -1;
	}
	return netns_for_each(iterate_here, st, err, errlen);
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int sock_trace_open(struct vista_bpf *session, const struct sock_trace_config *cfg, const struct btf *btf,
		    const char *kernel_btf, struct sock_trace **out, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .btf_custom_path = kernel_btf);
	struct sock_trace *st;

	*out = NULL;
	if (!cfg->tcp && !cfg->sk)
		return 0;
	st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	st->skel = vista_bpf__open_opts(&open_opts);
	if (!st->skel) {
		snprintf(err, errlen, "cannot open the BPF object: %s", strerror(errno));
		goto fail;
	}
	if (choose_programs(st, cfg, btf, kernel_btf, err, errlen) || share_maps(session, st->skel, err, errlen))
		goto fail;
	if (vista_bpf__load(st->skel)) {
		snprintf(err, errlen, "loading the socket tracing programs failed: %s%s", strerror(errno),
			 log_is_verbose() ? "" : " (run with --verbose for the verifier's log)");
		goto fail;
	}
	/* The .bss is the session's: writing it through either instance is the same. */
	session->bss->sock_trace_self = (uint32_t)getpid();
	session->bss->sock_trace_start_ns = monotonic_ns();
	if (attach_programs(st, err, errlen))
		goto fail;
	/* After the tracepoints: a connection that opens meanwhile is seen whole, not as an old one. */
	if (cfg->tcp && sock_trace_list_tcp(st, err, errlen))
		goto fail;
	*out = st;
	return 0;
fail:
	sock_trace_close(st);
	return -1;
}

size_t sock_trace_attached(const struct sock_trace *st)
{
	return st ? st->nlinks : 0;
}

const char *sock_trace_missing(const struct sock_trace *st)
{
	return st ? st->missing : "";
}

void sock_trace_detach(struct sock_trace *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->nlinks; i++)
		bpf_link__destroy(st->links[i]);
	st->nlinks = 0;
	bpf_link__destroy(st->iter);
	st->iter = NULL;
}

void sock_trace_close(struct sock_trace *st)
{
	if (!st)
		return;
	sock_trace_detach(st);
	vista_bpf__destroy(st->skel);
	free(st);
}
