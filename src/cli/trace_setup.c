// SPDX-License-Identifier: GPL-2.0-only
/* Options to session configuration, shared by vista and vista-top (see trace_setup.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/trace_setup.h"
#include "core/kmods.h"
#include "core/netns.h"
#include "core/prog_trace.h"
#include "core/strparse.h"
#include "filter/command.h"
#include "filter/filter_set.h"
#include "filter/structured.h"

#define MAX_ATTACH_BATCH 256

/* Options that only mean something next to another: alone they would be silently ignored. */
static int check_combinations(const struct vista_options *o, char *err, size_t len)
{
	const struct {
		bool given, with;
		const char *flag, *needs;
	} pairs[] = {
		{ o->output_tcp, o->filter_trace_tcp, "--output-tcp", "--filter-trace-tcp" },
		{ o->filter_tcp_lifetime_set, o->filter_trace_tcp, "--filter-tcp-lifetime", "--filter-trace-tcp" },
		{ o->output_sk, o->filter_trace_sk, "--output-sk", "--filter-trace-sk" },
		{ o->filter_sk_mark != NULL, o->filter_trace_sk || o->filter_trace_tcp, "--filter-sk-mark",
		  "--filter-trace-sk or --filter-trace-tcp" },
		{ o->pcap_snaplen_set, o->pcap_file != NULL, "--pcap-snaplen", "--pcap-file" },
		{ o->pcap_mode_set, o->pcap_file != NULL, "--pcap-mode", "--pcap-file" },
		/* Entry and exit are the packet before and after an XDP or TC program: other hooks have one. */
		{ o->pcap_mode_set, o->filter_trace_xdp || o->filter_trace_tc, "--pcap-mode",
		  "--filter-trace-xdp or --filter-trace-tc" },
		{ o->output_file_max_size != 0, o->output_file != NULL, "--output-file-max-size", "--output-file" },
		{ o->output_file_max_backups_set, o->output_file_max_size != 0, "--output-file-max-backups",
		  "--output-file-max-size" },
		{ o->filter_sk_func != NULL, o->filter_trace_sk, "--filter-sk-func", "--filter-trace-sk" },
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		if (pairs[i].given && !pairs[i].with) {
			snprintf(err, len, "%s has no effect without %s", pairs[i].flag, pairs[i].needs);
			return -1;
		}
	}
	/* A flow summary is a block of text: JSON lines would be broken by it. */
	if (o->output_flows && o->output_json) {
		snprintf(err, len, "--output-flows cannot be combined with --output-json: flow summaries are text");
		return -1;
	}
	if (o->output_flows && o->output_skb) {
		snprintf(err, len, "--output-flows cannot be combined with --output-skb: a flow summary shows no skb");
		return -1;
	}
	if (o->pcap_file && o->pcap_snaplen > VISTA_PACKET_MAX) {
		snprintf(err, len, "--pcap-snaplen %llu is more than vista captures: at most %d bytes of each packet",
			 (unsigned long long)o->pcap_snaplen, VISTA_PACKET_MAX);
		return -1;
	}
	return 0;
}

/* vista-top shows events on the screen: the file outputs of the vista command are not its own. */
static int check_top_outputs(const struct vista_options *o, char *err, size_t len)
{
	const struct {
		bool given;
		const char *flag;
	} flags[] = {
		{ o->pcap_file != NULL, "--pcap-file" },
		{ o->output_json, "--output-json" },
		{ o->output_skb, "--output-skb" },
		{ o->output_file_max_size != 0, "--output-file-max-size" },
	};

	if (o->output_flows) {
		snprintf(err, len, "--output-flows is an option of vista: vista-top shows the flow of an skb on Enter");
		return -1;
	}
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (flags[i].given) {
			snprintf(err, len,
				 "%s is not supported by vista-top, which shows events on the screen; use vista",
				 flags[i].flag);
			return -1;
		}
	}
	return 0;
}

int trace_setup_check_cli(const struct vista_options *o, char *err, size_t len)
{
	return check_combinations(o, err, len);
}

int trace_setup_check(const struct vista_options *o, char *err, size_t len)
{
	return trace_setup_check_cli(o, err, len) || check_top_outputs(o, err, len) ? -1 : 0;
}

int trace_setup_check_replay(const struct vista_options *o, char *err, size_t len)
{
	const struct {
		bool given;
		const char *flag;
	} live_only[] = {
		{ o->record_file != NULL, "--record" },
		{ o->filter_addr != NULL, "--filter-addr" },
		{ o->filter_file != NULL, "--filter-file" },
		{ o->filter_ifname != NULL, "--filter-ifname" },
		{ o->filter_kprobe_batch != 10, "--filter-kprobe-batch" },
		{ o->filter_netns != NULL, "--filter-netns" },
		{ o->filter_port != NULL, "--filter-port" },
		{ o->filter_protocol != NULL, "--filter-protocol" },
		{ o->filter_sk_func != NULL, "--filter-sk-func" },
		{ o->filter_sk_mark != NULL, "--filter-sk-mark" },
		{ o->filter_skb_drop_stack, "--filter-skb-drop-stack" },
		{ o->filter_skb_func != NULL, "--filter-skb-func" },
		{ o->filter_skb_mark != NULL, "--filter-skb-mark" },
		{ o->filter_tcp_lifetime_set, "--filter-tcp-lifetime" },
		{ o->filter_trace_iptables, "--filter-trace-iptables" },
		{ o->filter_trace_sk, "--filter-trace-sk" },
		{ o->filter_trace_skb, "--filter-trace-skb" },
		{ o->filter_trace_tc, "--filter-trace-tc" },
		{ o->filter_trace_tcp, "--filter-trace-tcp" },
		{ o->filter_trace_xdp, "--filter-trace-xdp" },
		{ o->filter_track_skb, "--filter-track-skb" },
		{ o->all_kmods, "--all-kmods" },
		{ o->n_kmods > 0, "--kmods" },
		{ o->kernel_btf != NULL, "--kernel-btf" },
		{ o->kprobe_backend != NULL, "--kprobe-backend" },
		{ o->ring_buffer_size != 16u << 20, "--ring-buffer-size" },
		{ o->ready_file != NULL, "--ready-file" },
		{ o->pcap_mode_set, "--pcap-mode" },
		{ o->pcap_snaplen_set, "--pcap-snaplen" },
		{ o->pcap_filter != NULL, "a pcap-filter expression" },
	};

	for (size_t i = 0; i < sizeof(live_only) / sizeof(live_only[0]); i++) {
		if (live_only[i].given) {
			snprintf(err, len,
				 "%s cannot be used with --replay: a replay traces nothing, it prints a recording",
				 live_only[i].flag);
			return -1;
		}
	}
	/*
	 * A replay's --output-tcp, -sk and -iptables need no tracing option:
	 * the recording has the events; its --pcap-file writes the packets
	 * recorded, cut as they were (so --pcap-snaplen and --pcap-mode are
	 * live-only).
	 */
	return 0;
}

int trace_setup_filters(const struct vista_options *o, struct filter_set *fs, char *err, size_t len)
{
	struct vista_filter *f = &fs->kernel;

	filter_set_init(fs);
	f->collect = (o->output_meta ? VISTA_COLLECT_META : 0) | (o->output_tuple ? VISTA_COLLECT_TUPLE : 0) |
		     (o->output_stack ? VISTA_COLLECT_STACK : 0) | (o->output_skb ? VISTA_COLLECT_SKB : 0);
	/* A flow summary names the devices, namespaces and rewrites: it needs both, printed or not. */
	if (o->output_flows)
		f->collect |= VISTA_COLLECT_META | VISTA_COLLECT_TUPLE;
	if (o->filter_track_skb)
		f->flags |= VISTA_F_TRACK;
	/* The pcapng interface blocks and packet options need each packet's netns, device and type. */
	if (o->pcap_file) {
		f->collect |= VISTA_COLLECT_PACKET | VISTA_COLLECT_META;
		f->snaplen = (uint32_t)o->pcap_snaplen;
	}
	if (o->filter_addr && structured_set_addr(f, o->filter_addr, err, len))
		return -1;
	if (o->filter_port && structured_set_port(f, o->filter_port, err, len))
		return -1;
	if (o->filter_protocol && structured_set_proto(f, o->filter_protocol, err, len))
		return -1;
	if (o->filter_skb_mark && structured_set_mark(f, o->filter_skb_mark, err, len))
		return -1;
	if (o->filter_sk_mark) {
		uint64_t mark;

		if (parse_u64(o->filter_sk_mark, UINT32_MAX, &mark, err, len))
			return -1;
		f->sk_mark = (uint32_t)mark;
		f->flags |= VISTA_F_SK_MARK;
	}
	/* 0 keeps every connection, as no filter does. */
	if (o->filter_tcp_lifetime_set && o->filter_tcp_lifetime_ns) {
		f->tcp_lifetime_ns = o->filter_tcp_lifetime_ns;
		f->flags |= VISTA_F_TCP_LIFETIME;
	}
	if (o->filter_netns && filter_set_netns(fs, o->filter_netns, err, len))
		return -1;
	if (o->filter_ifname && filter_set_ifname(fs, o->filter_ifname, err, len))
		return -1;
	if (o->pcap_filter && filter_set_pcap(fs, o->pcap_filter, err, len)) {
		char why[FILTER_PCAP_MAX];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, len, "invalid pcap-filter expression \"%s\": %s", o->pcap_filter, why);
		return -1;
	}
	if (o->filter_file && command_exec_file(fs, o->filter_file, err, len) < 0)
		return -1;
	return 0;
}

int trace_setup_write_ready_file(const char *path, char *err, size_t len)
{
	/* Like every file vista writes: never through a symlink, and private (0600). */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	char buf[32];
	int n;

	if (fd < 0) {
		snprintf(err, len, "cannot write the ready file %s: %s", path, strerror(errno));
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, n) != n) {
		snprintf(err, len, "cannot write the ready file %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * Refuses flag, which only kernel functions serve, on the tracepoint
 * backend: the one asked for, or the only one the kernel offers (note, the
 * backend choice's explanation, says why in parentheses).
 */
static int needs_function_backend(const char *flag, enum backend requested, const char *note, char *err, size_t len)
{
	const char *why = strchr(note, '(');

	if (requested == BACKEND_TRACEPOINT)
		snprintf(err, len, "%s needs the kprobe, kprobe-multi or fentry backend, not the tracepoint backend",
			 flag);
	else
		snprintf(err, len,
			 "%s needs the kprobe, kprobe-multi or fentry backend, which this kernel does not offer%s%s",
			 flag, why ? " " : "", why ? why : "");
	return -1;
}

int trace_setup_config(const struct vista_options *o, struct session_config *cfg, char *note, size_t notelen, char *err,
		       size_t len)
{
	enum backend requested = BACKEND_AUTO;

	if (trace_setup_filters(o, &cfg->filters, err, len))
		return -1;
	if (o->n_kmods && kmods_check_names((const char *const *)o->kmods, err, len))
		return -1;
	if (o->kprobe_backend && backend_from_name(o->kprobe_backend, &requested)) {
		snprintf(err, len, "unknown backend \"%s\"", o->kprobe_backend);
		return -1;
	}
	if (backend_choose(requested, &cfg->backend, note, notelen)) {
		snprintf(err, len, "%s", note);
		return -1;
	}
	/* Tracing a BPF program is fentry and fexit on it, whatever backend traces the kernel's functions. */
	if (o->filter_trace_xdp || o->filter_trace_tc) {
		char why[256];

		if (backend_probe(BACKEND_FENTRY, why, sizeof(why))) {
			snprintf(err, len, "%s needs fentry programs on BPF programs: %s",
				 o->filter_trace_xdp ? "--filter-trace-xdp" : "--filter-trace-tc", why);
			return -1;
		}
	}
	/* Tracepoints belong to no module: a module adds only functions. */
	if ((o->n_kmods || o->all_kmods) && cfg->backend == BACKEND_TRACEPOINT)
		return needs_function_backend(o->all_kmods ? "--all-kmods" : "--kmods", requested, note, err, len);
	/* The socket tracepoints have fixed names: only functions can be chosen by name. */
	if (o->filter_sk_func && cfg->backend == BACKEND_TRACEPOINT)
		return needs_function_backend("--filter-sk-func", requested, note, err, len);
	/* Like pwru: with no --filter-trace-* choice, trace the skb hooks. */
	cfg->trace_skb =
	    o->filter_trace_skb || !(o->filter_skb_drop_stack || o->filter_trace_tcp || o->filter_trace_sk ||
				     o->filter_trace_iptables || o->filter_trace_xdp || o->filter_trace_tc);
	cfg->trace_xdp = o->filter_trace_xdp;
	cfg->trace_tc = o->filter_trace_tc;
	cfg->prog_pcap_skip =
	    (o->pcap_mode_entry ? 0 : PROG_TRACE_PCAP_SKIP_ENTRY) | (o->pcap_mode_exit ? 0 : PROG_TRACE_PCAP_SKIP_EXIT);
	cfg->sock.tcp = o->filter_trace_tcp;
	cfg->sock.sk = o->filter_trace_sk;
	cfg->trace_netfilter = o->filter_trace_iptables;
	cfg->skb_func_regex = o->filter_skb_func;
	cfg->sk_func_regex = o->filter_sk_func;
	cfg->kmods = (const char *const *)o->kmods;
	cfg->all_kmods = o->all_kmods;
	/* Beyond this many threads the kernel's own locks serialize the attaches anyway. */
	cfg->attach_batch =
	    o->filter_kprobe_batch > MAX_ATTACH_BATCH ? MAX_ATTACH_BATCH : (unsigned int)o->filter_kprobe_batch;
	cfg->drop_stack = o->filter_skb_drop_stack;
	/*
	 * A filter file's `track on` asks for the same set-up as the flag; the
	 * flag sets it up even when the file's `track off` starts with it off.
	 */
	cfg->track_skb = o->filter_track_skb || (cfg->filters.kernel.flags & VISTA_F_TRACK);
	cfg->kernel_btf = o->kernel_btf;
	cfg->ringbuf_bytes = o->ring_buffer_size;
	return 0;
}

void trace_setup_stop_signals(void (*on_stop)(int))
{
	struct sigaction sa = { 0 };

	/* No SA_RESTART: a blocking poll() returns at once and the loop sees the request. */
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A closed output shows up as EPIPE on write, which ends the run cleanly. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}
