// SPDX-License-Identifier: GPL-2.0-only
/*
 * vista: print every kernel hook an skb passes, one line per event, in the
 * layout of the original vista/pwru tools.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/options.h"
#include "cli/output_file.h"
#include "cli/trace_setup.h"
#include "core/features.h"
#include "core/format.h"
#include "core/format_json.h"
#include "core/kallsyms.h"
#include "core/log.h"
#include "core/nf_trace.h"
#include "core/pcap_writer.h"
#include "core/record.h"
#include "core/session.h"
#include "core/skb_flow.h"
#include "filter/command.h"

#define ERR_LEN 512
/* An event's line, its stack and its skb's text (--output-skb, at most VISTA_SKB_DUMP_TEXT). */
#define LINE_MAX_BYTES   16384
#define POLL_INTERVAL_MS 100
#define FLOW_TEXT_BYTES  (256 * 1024)
/* The exit status of a run whose reader closed the output (vista | head), as vista(8) says. */
#define EXIT_OUTPUT_CLOSED 2
/* A replay hands on the flows that ended every this many events (see skb_flows_drain). */
#define REPLAY_DRAIN_EVERY 1024

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t counts_requested;
static volatile sig_atomic_t reload_requested;

struct printer {
	struct output_file *out;
	struct session *session;
	const struct vista_options *opts; /* read again on SIGUSR2 */
	struct format_opts fmt;
	struct format_names names;
	struct format_state state;
	uint64_t printed;
	uint64_t limit; /* 0: none */
	bool want_stack;
	bool json;          /* --output-json */
	bool output_failed; /* a closed pipe or a full disk: then out_err says why */
	char out_err[ERR_LEN];
	struct pcap_writer *pcap; /* --pcap-file */
	bool pcap_failed;         /* then pcap_err says why */
	char pcap_err[ERR_LEN];
	struct skb_flows *flows;   /* --output-flows: skb and netfilter events go here, not to lines */
	char *flow_text;           /* FLOW_TEXT_BYTES, one flow's summary */
	struct record_writer *rec; /* --record */
	bool rec_failed;           /* then rec_err says why */
	char rec_err[ERR_LEN];
	char line[LINE_MAX_BYTES];
};

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_reload_signal(int sig)
{
	(void)sig;
	reload_requested = 1;
}

static void on_counts_signal(int sig)
{
	(void)sig;
	counts_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa = { 0 };

	trace_setup_stop_signals(on_stop_signal);
	sa.sa_handler = on_counts_signal;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_reload_signal;
	sigaction(SIGUSR2, &sa, NULL);
}

static bool emit(struct printer *p, const char *text, size_t n)
{
	if (p->output_failed)
		return false;
	if (output_file_write(p->out, text, n, p->out_err, sizeof(p->out_err))) {
		p->output_failed = true;
		return false;
	}
	return true;
}

static const char *hook_name_cb(const void *ctx, uint32_t id)
{
	return session_hook_name(ctx, id);
}

static const char *drop_reason_cb(const void *ctx, uint32_t reason)
{
	return session_drop_reason(ctx, reason);
}

/*
 * Prints one event, live or replayed; returns non-zero to stop. An event of
 * another kind than skb is followed by its own struct (bpf/vista.h), in the
 * ring buffer as in a struct replay_event.
 */
/*
 * --filter-skb-drop-stack reports drops: a kernel that frees an skb it is
 * done with through kfree_skb with SKB_CONSUMED (not consume_skb) frees no
 * drop. Such events are left out unless the skb hooks are traced as well.
 */
static bool skip_consumed_free(const struct printer *p, const struct vista_event *e)
{
	const char *reason;

	if (!p->opts->filter_skb_drop_stack || p->opts->filter_trace_skb || e->kind != VISTA_EV_SKB ||
	    !(e->flags & VISTA_EVF_HAS_REASON))
		return false;
	reason = p->names.drop_reason ? p->names.drop_reason(p->names.ctx, e->reason) : NULL;
	return reason && strcmp(reason, "SKB_CONSUMED") == 0;
}

/* --output-flows: prints one ended flow; returns non-zero to stop (--output-limit-lines counts flows). */
static int print_flow(void *ctx, const struct skb_flow *f)
{
	struct printer *p = ctx;
	size_t n = skb_flow_format(p->flow_text, FLOW_TEXT_BYTES, f, &p->names);

	if (n >= FLOW_TEXT_BYTES)
		n = FLOW_TEXT_BYTES - 1; /* only a flow of hundreds of hops gets here: its end is cut */
	if (!emit(p, p->flow_text, n) || !emit(p, "\n", 1))
		return 1;
	p->printed++;
	return p->limit && p->printed >= p->limit;
}

static int print_event(struct printer *p, const struct vista_event *e, const uint64_t *stack, int nstack)
{
	const struct vista_tcp *tcp;
	size_t n;

	if (skip_consumed_free(p, e))
		return 0;
	if (e->kind == VISTA_EV_TCP && ((const struct vista_tcp *)(e + 1))->what == VISTA_TCP_OPEN)
		return 0; /* connections listed while still open fill tables (vista-top): a line tells how one ended */
	if (p->flows && (e->kind == VISTA_EV_SKB || e->kind == VISTA_EV_NETFILTER)) {
		if (skb_flows_feed(p->flows, e) == 0)
			return 0;
		log_error("out of memory for flow summaries");
		return 1;
	}
	if (p->json && e->kind >= VISTA_EV_SKB && e->kind <= VISTA_EV_SK) {
		n = format_json_event(p->line, sizeof(p->line), e, stack, nstack, &p->names, &p->fmt, &p->state);
		goto print;
	}
	switch (e->kind) {
	case VISTA_EV_SKB:
		n = format_event(p->line, sizeof(p->line), e, stack, nstack, &p->names, &p->fmt, &p->state);
		if (p->fmt.skb && n < sizeof(p->line))
			n += format_skb_dump(p->line + n, sizeof(p->line) - n, e);
		break;
	case VISTA_EV_NETFILTER:
		n = format_nf(p->line, sizeof(p->line), e, &p->names, &p->fmt, &p->state);
		break;
	case VISTA_EV_TCP:
		tcp = (const struct vista_tcp *)(e + 1);
		n = format_tcp(p->line, sizeof(p->line), e, tcp, &p->fmt, &p->state);
		break;
	case VISTA_EV_SK:
		n = format_sk_named(p->line, sizeof(p->line), e, (const struct vista_sk *)(e + 1), &p->names, &p->fmt,
				    &p->state);
		break;
	default:
		return 0; /* a kind this vista does not know, from a newer recording */
	}
print:
	if (n >= sizeof(p->line))
		n = sizeof(p->line) - 1; /* only a huge stack gets here; the line is cut, not lost */
	if (!emit(p, p->line, n))
		return 1;
	p->printed++;
	return p->limit && p->printed >= p->limit;
}

/* --pcap-file: the packet an skb event carries, live or replayed, named by its hook and drop reason. */
static int write_packet(struct printer *p, const struct vista_event *e)
{
	struct pcap_packet pkt = {
		.event = e,
		.wall_ns = (int64_t)e->ts_ns + p->state.realtime_offset_ns,
		.hook = p->names.hook_name(p->names.ctx, e->hook_id),
		.drop_reason = (e->flags & VISTA_EVF_HAS_REASON) ? p->names.drop_reason(p->names.ctx, e->reason) : NULL,
	};

	if (pcap_writer_write(p->pcap, &pkt, p->pcap_err, sizeof(p->pcap_err))) {
		p->pcap_failed = true;
		return 1;
	}
	return 0;
}

static int on_event(void *ctx, const struct vista_event *e)
{
	struct printer *p = ctx;
	uint64_t stack[VISTA_MAX_STACK_DEPTH];
	int nstack = 0;

	if (e->stack_id >= 0)
		nstack = session_stack(p->session, e->stack_id, stack, VISTA_MAX_STACK_DEPTH);
	if (p->rec && record_write_event(p->rec, e, stack, nstack, &p->names, p->rec_err, sizeof(p->rec_err))) {
		p->rec_failed = true;
		return 1;
	}
	if (p->pcap && (e->flags & VISTA_EVF_HAS_PACKET) && write_packet(p, e))
		return 1;
	return print_event(p, e, stack, nstack);
}

static bool flush_output(struct printer *p)
{
	if (!p->output_failed && output_file_flush(p->out, p->out_err, sizeof(p->out_err)))
		p->output_failed = true;
	if (p->rec && !p->rec_failed && record_writer_flush(p->rec, p->rec_err, sizeof(p->rec_err)))
		p->rec_failed = true;
	if (p->pcap && !p->pcap_failed && pcap_writer_flush(p->pcap, p->pcap_err, sizeof(p->pcap_err)))
		p->pcap_failed = true;
	return !p->output_failed && !p->rec_failed && !p->pcap_failed;
}

static void print_counts(struct printer *p)
{
	log_info("%llu events received, %llu lost", (unsigned long long)p->printed,
		 (unsigned long long)session_lost(p->session));
}

/* Flushes, says why the run ended, and returns the exit status. */
static int finish_output(struct printer *p)
{
	flush_output(p);
	if (p->rec_failed) {
		log_error("%s", p->rec_err);
		return 1;
	}
	if (p->pcap_failed) {
		log_error("%s", p->pcap_err);
		return 1;
	}
	if (p->limit && p->printed >= p->limit)
		log_info("Printed %llu events, exiting program..", (unsigned long long)p->printed);
	/*
	 * EPIPE is the reader going away (vista | head): not a failure of
	 * vista, but the events after it were not seen by anyone, and a
	 * script must be able to tell that from a run that ended by itself.
	 */
	if (p->output_failed && output_file_reader_gone(p->out)) {
		log_error("the output was closed (broken pipe): stopped after %llu events",
			  (unsigned long long)p->printed);
		return EXIT_OUTPUT_CLOSED;
	}
	if (p->output_failed) {
		log_error("%s", p->out_err);
		return 1;
	}
	return 0;
}

/*
 * SIGUSR2: the filter options and --filter-file are read again and applied
 * to the running session at once; nothing is detached, no event is lost.
 * A bad file leaves the filters as they were and tracing goes on.
 */
static void reload_filters(struct printer *p)
{
	struct filter_set *fs = malloc(sizeof(*fs));
	char *desc = malloc(FILTER_DESCRIBE_MAX);
	char err[ERR_LEN];

	if (!fs || !desc)
		log_error("filters unchanged: out of memory");
	else if (trace_setup_filters(p->opts, fs, err, sizeof(err)) ||
		 session_apply_filters(p->session, fs, err, sizeof(err)))
		log_error("filters unchanged: %s", err);
	else {
		command_describe(fs, desc, FILTER_DESCRIBE_MAX); /* with sk-mark, tcp-lifetime and track */
		log_info("Filters now: %s", desc);
	}
	free(desc);
	free(fs);
}

/* The trace is over: the flows not printed yet, ended or still in flight, are. */
static void finish_flows(struct printer *p)
{
	if (!p->flows || p->output_failed || (p->limit && p->printed >= p->limit))
		return;
	if (skb_flows_finish(p->flows, print_flow, p) < 0)
		log_error("out of memory for flow summaries");
	if (skb_flows_untracked(p->flows))
		log_info("%llu skbs have no flow summary: more than %d were in flight at once",
			 (unsigned long long)skb_flows_untracked(p->flows), SKB_FLOWS_MAX_OPEN);
}

static int run(struct printer *p)
{
	while (!stop_requested) {
		int rc = session_poll(p->session, POLL_INTERVAL_MS);

		if (p->flows && skb_flows_drain(p->flows, print_flow, p))
			rc = -ECANCELED;

		if (rc < 0 && rc != -EINTR && rc != -ECANCELED) {
			log_error("reading events failed: %s", strerror(-rc));
			return 1;
		}
		if (!flush_output(p) || rc == -ECANCELED)
			break;
		if (counts_requested) {
			counts_requested = 0;
			print_counts(p);
		}
		if (reload_requested) {
			reload_requested = 0;
			reload_filters(p);
		}
	}
	/* Stopped by a signal: events already in the ring are printed, not silently dropped. */
	if (stop_requested && !p->output_failed && !p->rec_failed && !p->pcap_failed) {
		session_detach(p->session);
		session_consume(p->session);
	}
	finish_flows(p);
	return finish_output(p);
}

static int setup_printer(struct printer *p, const struct vista_options *o, char *err, size_t len)
{
	p->opts = o;
	p->fmt.meta = o->output_meta;
	p->fmt.tuple = o->output_tuple;
	p->fmt.tcp = o->output_tcp;
	p->fmt.sk = o->output_sk;
	p->fmt.iptables = o->output_iptables;
	p->fmt.skb = o->output_skb;
	p->fmt.timestamp = o->timestamp;
	p->limit = o->output_limit_lines;
	/* Flow summaries name the locations of drops and frees. */
	p->want_stack = o->output_stack || o->filter_skb_drop_stack || o->output_flows;
	if (o->output_flows) {
		p->flows = skb_flows_new();
		p->flow_text = malloc(FLOW_TEXT_BYTES);
		if (!p->flows || !p->flow_text) {
			snprintf(err, len, "out of memory");
			return -1;
		}
	}
	p->json = o->output_json;
	p->names.hook_name = hook_name_cb;
	p->names.drop_reason = drop_reason_cb;
	if (format_state_init(&p->state)) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	return 0;
}

/* Read after attaching, so that the JIT symbols of vista's own programs are known too. */
static int load_symbols(struct printer *p, char *err, size_t len)
{
	struct kallsyms *ks;

	if (!p->want_stack)
		return 0;
	ks = kallsyms_load("/proc/kallsyms");
	if (!ks) {
		snprintf(err, len, "cannot read kernel symbols from /proc/kallsyms: %s", strerror(errno));
		return -1;
	}
	p->names.ksyms = ks;
	return 0;
}

/* Whether a and b are one regular file, under two names or as a name and an open descriptor. */
static bool same_regular_file(const struct stat *a, const struct stat *b)
{
	return S_ISREG(a->st_mode) && S_ISREG(b->st_mode) && a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* --record: opened before anything is attached, so that a bad path costs nothing. */
static int open_recording(struct printer *p, const struct vista_options *o, enum backend backend, int argc, char **argv,
			  char *err, size_t len)
{
	struct record_info info;
	struct stat rec, out;

	if (!o->record_file)
		return 0;
	record_info_init(&info, argc, argv);
	snprintf(info.backend, sizeof(info.backend), "%s", backend_name(backend));
	info.options = (o->output_meta ? RECORD_OPT_META : 0) | (o->output_tuple ? RECORD_OPT_TUPLE : 0) |
		       (o->output_stack ? RECORD_OPT_STACK : 0) |
		       (o->filter_skb_drop_stack ? RECORD_OPT_DROP_STACK : 0) | (o->output_skb ? RECORD_OPT_SKB : 0);
	info.timestamp = o->timestamp;
	if (record_writer_open(o->record_file, &info, &p->rec, err, len))
		return -1;
	if (stat(o->record_file, &rec) == 0 && fstat(output_file_fd(p->out), &out) == 0 &&
	    same_regular_file(&rec, &out)) {
		snprintf(err, len, "the recording %s and the traces cannot go to the same file", o->record_file);
		return -1;
	}
	/* The live lines and their replay take absolute times from one clock reading. */
	p->state.realtime_offset_ns = record_info_clock_offset(&info);
	return 0;
}

/* Ends the recording with the kernel's lost count; a failure not reported yet is, when report is set. */
static int close_recording(struct printer *p, bool report)
{
	char err[ERR_LEN];
	int rc;

	if (!p->rec)
		return 0;
	rc = record_writer_close(p->rec, p->session ? session_lost(p->session) : 0, err, sizeof(err));
	p->rec = NULL;
	if (rc && report && !p->rec_failed)
		log_error("%s", err);
	return rc;
}

/* What is traced, and what the options given cannot apply to. */
static void log_attached(struct session *s, const struct vista_options *o)
{
	struct sock_trace *st = session_sock_trace(s);
	const struct nf_trace *nf = session_netfilter(s);
	size_t hooks = session_attached_count(s) + sock_trace_attached(st);

	/* Netfilter tracing alone attaches no hook: only its own line, below, says what it attached. */
	if ((hooks || !nf) && session_backend(s) == BACKEND_TRACEPOINT)
		log_info("Attached %zu tracepoints%s", hooks,
			 o->filter_trace_tcp ? " and the TCP socket iterator" : "");
	else if (hooks || !nf)
		log_info("Attached %zu hooks%s (%zu functions skipped: the kernel cannot trace them)", hooks,
			 o->filter_trace_tcp ? " and the TCP socket iterator" : "", session_skipped_count(s));
	if (nf && nf_trace_netns_count(nf))
		log_info("Attached %zu netfilter links in %zu network namespaces", nf_trace_link_count(nf),
			 nf_trace_netns_count(nf));
	else if (nf)
		log_info("Attached %zu probes to the netfilter table functions", nf_trace_link_count(nf));
	if (*sock_trace_missing(st))
		log_info("%s no tracepoint %s: those socket events cannot be traced",
			 o->kernel_btf ? "The kernel described by --kernel-btf has" : "This kernel has",
			 sock_trace_missing(st));
	if ((o->filter_trace_tcp || o->filter_trace_sk) && (o->pcap_filter || o->filter_skb_mark || o->filter_ifname))
		log_info("The pcap-filter expression, --filter-skb-mark and --filter-ifname apply to skb events only");
	if (o->output_iptables && !o->filter_trace_iptables)
		log_info("--output-iptables has no effect without --filter-trace-iptables");
}

/* The column titles of the text lines; JSON lines name their fields themselves. */
static void emit_header(struct printer *p)
{
	char header[256];
	size_t n;

	if (p->flows)
		return; /* each flow has its own title line */
	n = format_header(header, sizeof(header), &p->fmt);

	if (!p->json)
		emit(p, header, n);
}

/* Opens --output-file (or standard output) with its rotation. */
static int open_output(struct printer *p, const struct vista_options *o, char *err, size_t len)
{
	return output_file_open(o->output_file, o->output_file_max_size, o->output_file_max_backups, &p->out, err, len);
}

/*
 * --pcap-file: opened before anything is attached, so that a bad path costs
 * nothing; it must not be the traces' or the recording's file.
 */
static int open_pcap(struct printer *p, const struct vista_options *o, uint32_t snaplen, char *err, size_t len)
{
	struct stat pcap, other;

	if (!o->pcap_file)
		return 0;
	/* Checked before the file is created: opening it truncates it, and a replay's recording must survive. */
	if (stat(o->pcap_file, &pcap) == 0 &&
	    ((fstat(output_file_fd(p->out), &other) == 0 && same_regular_file(&pcap, &other)) ||
	     (o->record_file && stat(o->record_file, &other) == 0 && same_regular_file(&pcap, &other)) ||
	     (o->replay_file && stat(o->replay_file, &other) == 0 && same_regular_file(&pcap, &other)))) {
		snprintf(err, len, "the packets (--pcap-file %s) cannot go to the file of the traces or the recording",
			 o->pcap_file);
		return -1;
	}
	return pcap_writer_open(o->pcap_file, snaplen, "vista " PACKAGE_VERSION, &p->pcap, err, len);
}

/* Ends the capture; a failure not reported yet is, when report is set. */
static int close_pcap(struct printer *p, bool report, const char *path)
{
	char err[ERR_LEN];
	uint64_t n;
	int rc;

	if (!p->pcap)
		return 0;
	n = pcap_writer_count(p->pcap);
	rc = pcap_writer_close(p->pcap, err, sizeof(err));
	p->pcap = NULL;
	if (rc && report && !p->pcap_failed)
		log_error("%s", err);
	else if (!rc && report)
		log_info("%llu packets written to %s", (unsigned long long)n, path);
	return rc;
}

/* Asking a replay for parts its events were recorded without shows nothing there: say so once. */
static void note_missing_parts(const struct vista_options *o, const struct record_info *info)
{
	char missing[64] = "";

	if (o->output_meta && !(info->options & RECORD_OPT_META))
		strcat(missing, " --output-meta");
	if (o->output_tuple && !(info->options & RECORD_OPT_TUPLE))
		strcat(missing, " --output-tuple");
	if (o->output_stack && !(info->options & RECORD_OPT_STACK))
		strcat(missing, " --output-stack");
	if (o->output_skb && !(info->options & RECORD_OPT_SKB))
		strcat(missing, " --output-skb");
	if (*missing)
		log_info("The recording was made without%s: its events do not have those parts", missing);
}

/*
 * --replay: prints a recording exactly as the live run printed it, with
 * no root, no BPF and no kernel file. Returns the exit status, or -1 with
 * err set when it could not start.
 */
static int replay(struct printer *p, const struct vista_options *o, char *err, size_t len)
{
	const struct record_info *info;
	struct replay_event ev;
	struct replay *r = NULL;
	struct stat in, out;
	uint64_t lost;
	bool with_stack;
	int rc = 0, status = -1;

	if (trace_setup_check_replay(o, err, len) || replay_open(o->replay_file, &r, err, len))
		return -1;
	if (o->output_file && stat(o->output_file, &out) == 0 && stat(o->replay_file, &in) == 0 &&
	    same_regular_file(&in, &out)) {
		snprintf(err, len, "--output-file %s would overwrite the recording being replayed", o->output_file);
		goto out;
	}
	/* The packets were cut to the recording run's snaplen: at most VISTA_PACKET_MAX. */
	if (open_output(p, o, err, len) || setup_printer(p, o, err, len) || open_pcap(p, o, VISTA_PACKET_MAX, err, len))
		goto out;
	replay_set_format(r, &p->names, &p->state);
	info = replay_info(r);
	/* Drop stacks came with --filter-skb-drop-stack, a live-only option: they show as they did live. */
	with_stack = o->output_stack || (info->options & RECORD_OPT_DROP_STACK);
	log_info("Replaying %s: %llu events recorded by vista %s on %s (kernel %s, %s backend)", o->replay_file,
		 (unsigned long long)replay_event_count(r), info->vista_version, info->hostname, info->kernel_release,
		 info->backend);
	note_missing_parts(o, info);
	install_signals();
	emit_header(p);
	for (uint64_t k = 1; !stop_requested && (rc = replay_next(r, &ev, err, len)) == 1; k++) {
		if (p->pcap && (ev.event.flags & VISTA_EVF_HAS_PACKET) && write_packet(p, &ev.event))
			break;
		if (print_event(p, &ev.event, ev.stack, with_stack ? ev.nstack : 0))
			break;
		if (p->flows && k % REPLAY_DRAIN_EVERY == 0 && skb_flows_drain(p->flows, print_flow, p))
			break;
	}
	finish_flows(p);
	status = finish_output(p);
	if (rc < 0) {
		log_error("%s", err);
		status = 1;
	}
	if (p->pcap && pcap_writer_count(p->pcap) == 0)
		log_info("The recording has no packets: it was made without --pcap-file");
	if (close_pcap(p, status != 1, o->pcap_file))
		status = 1;
	if (replay_lost(r, &lost))
		log_info("%llu events replayed, %llu lost while recording", (unsigned long long)p->printed,
			 (unsigned long long)lost);
	else
		log_info("%llu events replayed", (unsigned long long)p->printed);
	if (rc == 0 && replay_warning(r))
		log_info("Warning: %s", replay_warning(r));
out:
	p->names.ksyms = NULL; /* the replay's own table */
	replay_close(r);
	return status;
}

int main(int argc, char **argv)
{
	struct vista_options opts;
	struct session_config cfg = { 0 };
	struct printer *p = NULL;
	char err[ERR_LEN] = "";
	char note[ERR_LEN];
	int status = 1;

	log_setup_libbpf();
	if (options_parse(argc, argv, &opts, err, sizeof(err))) {
		log_error("%s", err);
		return 1;
	}
	if (opts.help) {
		options_print_help(stdout, argv[0]);
		options_free(&opts);
		return 0;
	}
	if (opts.version) {
		printf("vista %s\n", PACKAGE_VERSION);
		options_free(&opts);
		return 0;
	}
	log_set_verbose(opts.verbose);
	p = calloc(1, sizeof(*p));
	if (!p) {
		log_error("out of memory");
		goto out;
	}
	if (opts.replay_file) {
		status = replay(p, &opts, err, sizeof(err));
		if (status >= 0)
			goto out;
		status = 1;
		goto fail;
	}
	if (trace_setup_check_cli(&opts, err, sizeof(err)))
		goto fail;
	if (geteuid() != 0) {
		snprintf(err, sizeof(err), "vista must run as root: it loads BPF programs into the kernel");
		goto fail;
	}
	if (trace_setup_config(&opts, &cfg, note, sizeof(note), err, sizeof(err)))
		goto fail;
	if (open_output(p, &opts, err, sizeof(err)))
		goto fail;
	if (setup_printer(p, &opts, err, sizeof(err)))
		goto fail;
	if (open_recording(p, &opts, cfg.backend, argc, argv, err, sizeof(err)) ||
	    open_pcap(p, &opts, (uint32_t)opts.pcap_snaplen, err, sizeof(err)))
		goto fail;
	cfg.on_event = on_event;
	cfg.ctx = p;
	cfg.progress = true; /* vista-top's screen owns the terminal: only the CLI draws one */
	if (session_open(&cfg, &p->session, err, sizeof(err)))
		goto fail;
	p->names.ctx = p->session;
	/* Logged only now: an error must stay the single line a failed run prints. */
	log_info("%s", note);
	if (load_symbols(p, err, sizeof(err)))
		goto fail;
	if (p->rec && record_write_hooks(p->rec, &p->names, (uint32_t)session_hook_count(p->session), err, sizeof(err)))
		goto fail;
	log_attached(p->session, &opts);
	if (p->rec)
		log_info("Recording the events to %s", opts.record_file);
	if (p->pcap)
		log_info("Writing the packets to %s (%s, snaplen %llu)", opts.pcap_file,
			 pcap_path_is_pcapng(opts.pcap_file) ? "pcapng" : "pcap",
			 (unsigned long long)opts.pcap_snaplen);
	/* Every hook attached on its own is batched; kprobe-multi attaches its functions in one link each. */
	if (opts.filter_kprobe_batch != 10 && session_backend(p->session) == BACKEND_KPROBE_MULTI)
		log_info("--filter-kprobe-batch has no effect on the functions of the kprobe-multi backend: they "
			 "attach through one link per argument position");
	install_signals();
	if (opts.ready_file && trace_setup_write_ready_file(opts.ready_file, err, sizeof(err)))
		goto fail;
	log_info("Listening for events..");
	emit_header(p);
	status = run(p);
	print_counts(p);
	if (close_recording(p, true))
		status = 1;
	if (close_pcap(p, status != 1, opts.pcap_file))
		status = 1;
	goto out;
fail:
	log_error("%s", err);
out:
	if (p) {
		close_recording(p, false);
		close_pcap(p, false, NULL);
		if (p->session) {
			session_close(p->session);
		}
		output_file_close(p->out, err, sizeof(err));
		kallsyms_free((struct kallsyms *)p->names.ksyms);
		format_state_free(&p->state);
		skb_flows_free(p->flows);
		free(p->flow_text);
		free(p);
	}
	options_free(&opts);
	return status;
}
