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
#include "cli/trace_setup.h"
#include "core/features.h"
#include "core/format.h"
#include "core/kallsyms.h"
#include "core/log.h"
#include "core/session.h"

#define ERR_LEN          512
#define LINE_MAX_BYTES   8192
#define POLL_INTERVAL_MS 100

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t counts_requested;

struct printer {
	FILE *out;
	struct session *session;
	struct format_opts fmt;
	struct format_names names;
	struct format_state state;
	uint64_t printed;
	uint64_t limit; /* 0: none */
	bool want_stack;
	bool output_failed; /* a closed pipe or a full disk */
	int output_errno;
	char line[LINE_MAX_BYTES];
};

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_counts_signal(int sig)
{
	(void)sig;
	counts_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_counts_signal;
	sigaction(SIGUSR1, &sa, NULL);
	/* A closed stdout shows up as EPIPE on write, which ends the run cleanly. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static FILE *open_output(const char *path, char *err, size_t len)
{
	struct stat st;
	FILE *f;
	int fd;

	if (!path)
		return stdout;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, len, "cannot write traces to %s: it is a directory", path);
		return NULL;
	}
	/* Traces can reveal addresses and processes: private by default, and never through a symlink. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(err, len, "cannot write traces to %s: %s", path, strerror(errno));
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		snprintf(err, len, "cannot write traces to %s: %s", path, strerror(errno));
		close(fd);
	}
	return f;
}

static bool emit(struct printer *p, const char *text, size_t n)
{
	if (p->output_failed)
		return false;
	if (fwrite(text, 1, n, p->out) != n) {
		p->output_failed = true;
		p->output_errno = errno;
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

static int on_event(void *ctx, const struct vista_event *e)
{
	struct printer *p = ctx;
	uint64_t stack[VISTA_MAX_STACK_DEPTH];
	int nstack = 0;
	size_t n;

	if (e->stack_id >= 0)
		nstack = session_stack(p->session, e->stack_id, stack, VISTA_MAX_STACK_DEPTH);
	n = format_event(p->line, sizeof(p->line), e, stack, nstack, &p->names, &p->fmt, &p->state);
	if (n >= sizeof(p->line))
		n = sizeof(p->line) - 1; /* only a huge stack gets here; the line is cut, not lost */
	if (!emit(p, p->line, n))
		return 1;
	p->printed++;
	return p->limit && p->printed >= p->limit;
}

static bool flush_output(struct printer *p)
{
	if (!p->output_failed && fflush(p->out)) {
		p->output_failed = true;
		p->output_errno = errno;
	}
	return !p->output_failed;
}

static void print_counts(struct printer *p)
{
	log_info("%llu events received, %llu lost", (unsigned long long)p->printed,
		 (unsigned long long)session_lost(p->session));
}

static int run(struct printer *p)
{
	while (!stop_requested) {
		int rc = session_poll(p->session, POLL_INTERVAL_MS);

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
	}
	/* Stopped by a signal: events already in the ring are printed, not silently dropped. */
	if (stop_requested && !p->output_failed) {
		session_detach(p->session);
		session_consume(p->session);
	}
	flush_output(p);
	if (p->limit && p->printed >= p->limit)
		log_info("Printed %llu events, exiting program..", (unsigned long long)p->printed);
	/* EPIPE is the reader going away (vista | head): a normal end. */
	if (p->output_failed && p->output_errno != EPIPE) {
		log_error("writing traces failed: %s", strerror(p->output_errno));
		return 1;
	}
	return 0;
}

static int setup_printer(struct printer *p, const struct vista_options *o, char *err, size_t len)
{
	p->fmt.meta = o->output_meta;
	p->fmt.tuple = o->output_tuple;
	p->fmt.timestamp = o->timestamp;
	p->limit = o->output_limit_lines;
	p->want_stack = o->output_stack || o->filter_skb_drop_stack;
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
	if (trace_setup_check(&opts, err, sizeof(err)))
		goto fail;
	if (geteuid() != 0) {
		snprintf(err, sizeof(err), "vista must run as root: it loads BPF programs into the kernel");
		goto fail;
	}
	if (trace_setup_config(&opts, &cfg, note, sizeof(note), err, sizeof(err)))
		goto fail;
	p->out = open_output(opts.output_file, err, sizeof(err));
	if (!p->out)
		goto fail;
	if (setup_printer(p, &opts, err, sizeof(err)))
		goto fail;
	cfg.on_event = on_event;
	cfg.ctx = p;
	if (session_open(&cfg, &p->session, err, sizeof(err)))
		goto fail;
	p->names.ctx = p->session;
	/* Logged only now: an error must stay the single line a failed run prints. */
	log_info("%s", note);
	if (load_symbols(p, err, sizeof(err)))
		goto fail;
	log_info("Attached %zu tracepoints", session_hook_count(p->session));
	if (opts.filter_kprobe_batch != 10)
		log_info("--filter-kprobe-batch has no effect on the tracepoint backend");
	install_signals();
	if (opts.ready_file && trace_setup_write_ready_file(opts.ready_file, err, sizeof(err)))
		goto fail;
	log_info("Listening for events..");
	{
		char header[256];
		size_t n = format_header(header, sizeof(header), &p->fmt);

		emit(p, header, n);
	}
	status = run(p);
	print_counts(p);
	goto out;
fail:
	log_error("%s", err);
out:
	if (p) {
		if (p->session) {
			session_close(p->session);
		}
		if (p->out && p->out != stdout)
			fclose(p->out);
		kallsyms_free((struct kallsyms *)p->names.ksyms);
		format_state_free(&p->state);
		free(p);
	}
	options_free(&opts);
	return status;
}
