// SPDX-License-Identifier: GPL-2.0-only
/*
 * vista-top: the interactive front end. It takes vista's options (filters,
 * backend, columns) plus its own, opens the same tracing session, and
 * follows it live in a full-screen ncurses UI until q or a signal; or it
 * shows a recording (--replay) the same way.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/options.h"
#include "cli/trace_setup.h"
#include "core/log.h"
#include "core/record.h"
#include "filter/filter_set.h"
#include "tui/app.h"
#include "tui/event_store.h"
#include "tui/line_edit.h"
#include "tui/live_source.h"
#include "tui/replay_source.h"
#include "tui/term.h"
#include "tui/tui_options.h"
#include "tui/ui_loop.h"

#define ERR_LEN 512

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/*
 * vista's stop signals, plus what else would end vista-top with the
 * terminal left in curses' settings: Ctrl-\ (SIGQUIT) quits like q, and
 * vista's SIGUSR1 (counts) and SIGUSR2 (read the filters again), whose
 * answers are the status bar and the command line here, are ignored.
 * SIGWINCH and SIGTSTP stay curses' own.
 */
static void tui_signals_setup(void)
{
	struct sigaction sa = { 0 };

	trace_setup_stop_signals(on_stop_signal);
	sa.sa_handler = on_stop_signal;
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
}

/* Options of vista that have no meaning on a screen. */
static int check_tui_options(const struct vista_options *o, char *err, size_t len)
{
	if (o->output_file) {
		snprintf(err, len,
			 "--output-file is not supported by vista-top, which shows events on the screen; "
			 "use vista to write them to a file");
		return -1;
	}
	return 0;
}

/*
 * While curses owns the terminal, anything written to stderr (libbpf in
 * --verbose mode) would tear the screen: keep it in a file and replay it
 * once the screen is gone.
 */
struct stderr_capture {
	FILE *file;
	int saved_fd;
};

static void stderr_capture_start(struct stderr_capture *c)
{
	c->saved_fd = -1;
	c->file = tmpfile();
	if (!c->file)
		return;
	fflush(stderr);
	c->saved_fd = dup(STDERR_FILENO);
	if (c->saved_fd < 0 || dup2(fileno(c->file), STDERR_FILENO) < 0) {
		if (c->saved_fd >= 0)
			close(c->saved_fd);
		c->saved_fd = -1;
		fclose(c->file);
		c->file = NULL;
	}
}

static void stderr_capture_stop(struct stderr_capture *c)
{
	char buf[4096];
	size_t n;

	if (!c->file)
		return;
	fflush(stderr);
	dup2(c->saved_fd, STDERR_FILENO);
	close(c->saved_fd);
	rewind(c->file);
	while ((n = fread(buf, 1, sizeof(buf), c->file)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(c->file);
	c->file = NULL;
}

static void print_help(const char *argv0)
{
	options_print_help(stdout, argv0);
	tui_options_print_help(stdout);
}

/*
 * vista attaches only the hooks --filter-skb-func matches. vista-top
 * attaches them all and starts with the regex as the filter set's func
 * filter instead, so that `:func` can widen the choice as well as narrow
 * it. With --filter-skb-drop-stack, kfree_skb is traced whatever the regex
 * says, as in vista. When --filter-file set a func filter of its own, vista's
 * meaning (attach the regex's hooks, then filter with the file's) is kept.
 */
static int skb_func_as_filter(struct session_config *cfg, char *err, size_t len)
{
	char regex[FILTER_FUNC_MAX];
	int n;

	if (!cfg->skb_func_regex || cfg->filters.func_regex[0] || !cfg->trace_skb)
		return 0;
	n = snprintf(regex, sizeof(regex), cfg->drop_stack ? "(%s)|kfree_skb" : "%s", cfg->skb_func_regex);
	if (n < 0 || (size_t)n >= sizeof(regex)) {
		snprintf(err, len, "--filter-skb-func is too long (%zu bytes, max %zu)", strlen(cfg->skb_func_regex),
			 sizeof(regex) - 1 - (cfg->drop_stack ? strlen("()|kfree_skb") : 0));
		return -1;
	}
	if (filter_set_func(&cfg->filters, regex, err, len))
		return -1;
	cfg->skb_func_regex = NULL;
	return 0;
}

static int need_terminal(char *err, size_t len)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, len, "vista-top needs a terminal: its standard input and output must be a terminal");
		return -1;
	}
	return 0;
}

/* Everything that can fail before the screen starts: one line on stderr and exit 1. */
static int prepare(int argc, char **argv, struct tui_options *topts, struct vista_options *opts,
		   struct session_config *cfg, char *err, size_t len)
{
	char note[ERR_LEN];

	if (tui_options_parse(argc, argv, topts, err, len))
		return -1;
	if (options_parse(topts->argc, topts->argv, opts, err, len))
		return -1;
	if (opts->help || opts->version)
		return 0;
	log_set_verbose(opts->verbose);
	if (check_tui_options(opts, err, len))
		return -1;
	/* A replay needs neither root nor BPF: only a terminal, checked once the file is known to be good. */
	if (opts->replay_file)
		return trace_setup_check_replay(opts, err, len) || trace_setup_check(opts, err, len) ? -1 : 0;
	if (trace_setup_check(opts, err, len))
		return -1;
	if (geteuid() != 0) {
		snprintf(err, len, "vista-top must run as root: it loads BPF programs into the kernel");
		return -1;
	}
	/* The options' own errors (a bad filter) before the terminal's. */
	if (trace_setup_config(opts, cfg, note, sizeof(note), err, len) || skb_func_as_filter(cfg, err, len) ||
	    need_terminal(err, len))
		return -1;
	/*
	 * Always collect metadata and the tuple: the t and m keys then show them
	 * for past events too, and a flow needs interfaces and namespaces.
	 */
	cfg->filters.kernel.collect |= VISTA_COLLECT_META | VISTA_COLLECT_TUPLE;
	return 0;
}

/*
 * --record: opened before anything is attached, so that a bad path costs
 * nothing. The events carry metadata and the tuple (vista-top always
 * collects them), so the recording says so whatever the options were.
 */
static int open_recording(const struct vista_options *o, const struct session_config *cfg, int argc, char **argv,
			  struct record_info *info, struct live_record *rec, char *err, size_t len)
{
	record_info_init(info, argc, argv);
	snprintf(info->backend, sizeof(info->backend), "%s", backend_name(cfg->backend));
	info->options = RECORD_OPT_META | RECORD_OPT_TUPLE | (o->output_stack ? RECORD_OPT_STACK : 0) |
			(o->filter_skb_drop_stack ? RECORD_OPT_DROP_STACK : 0);
	info->timestamp = o->timestamp;
	rec->info = info;
	return record_writer_open(o->record_file, info, &rec->writer, err, len);
}

/* The session's complaint about a func filter that came from --filter-skb-func names the option. */
static void name_func_option(const struct session_config *cfg, char *err, size_t len)
{
	static const char option[] = "--filter-skb-";
	size_t n = strlen(err);

	if (!cfg->filters.func_regex[0] || strncmp(err, "func \"", 6) != 0 || n + sizeof(option) > len)
		return;
	memmove(err + sizeof(option) - 1, err, n + 1);
	memcpy(err, option, sizeof(option) - 1);
}

static int open_source(const struct vista_options *o, const struct session_config *cfg, int argc, char **argv,
		       struct event_source **src, char *err, size_t len)
{
	struct record_info info;
	struct live_record rec;

	if (o->replay_file)
		return replay_source_open(o->replay_file, src, err, len);
	if (o->record_file && open_recording(o, cfg, argc, argv, &info, &rec, err, len))
		return -1;
	if (live_source_open(cfg, o->record_file ? &rec : NULL, src, err, len)) {
		/* skb_func_as_filter made --filter-skb-func the func filter: the complaint is about the option. */
		if (o->filter_skb_func && !cfg->skb_func_regex)
			name_func_option(cfg, err, len);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct tui_options topts = { 0 };
	struct vista_options opts = { 0 };
	struct session_config cfg = { 0 };
	struct event_store *store = NULL;
	struct event_source *src = NULL;
	struct stderr_capture cap = { NULL, -1 };
	struct app app;
	bool app_ready = false;
	char err[ERR_LEN] = "";
	int status = 1;

	setlocale(LC_ALL, "");
	log_set_program("vista-top");
	log_setup_libbpf();
	if (prepare(argc, argv, &topts, &opts, &cfg, err, sizeof(err)))
		goto out;
	if (opts.help || opts.version) {
		if (opts.help)
			print_help(argv[0]);
		else
			printf("vista-top %s\n", PACKAGE_VERSION);
		status = 0;
		goto out;
	}
	if (event_store_create((size_t)topts.store_size, &store, err, sizeof(err)))
		goto out;
	if (open_source(&opts, &cfg, argc, argv, &src, err, sizeof(err)) ||
	    (opts.replay_file && need_terminal(err, sizeof(err))))
		goto out;
	tui_signals_setup();
	stderr_capture_start(&cap);
	if (term_start(&(struct term_opts){ .color = topts.color, .mouse = topts.mouse }, err, sizeof(err)))
		goto out;
	{
		struct app_config ac = {
			.src = src,
			.store = store,
			.start_ns = event_source_now(src, ui_loop_now()),
			.style = { .tuple = opts.output_tuple,
				   .meta = opts.output_meta,
				   .tcp = opts.output_tcp,
				   .sk = opts.output_sk,
				   .iptables = opts.output_iptables,
				   .timestamp = opts.timestamp },
			.stack = opts.output_stack,
			.limit = opts.output_limit_lines,
		};

		if (app_init(&app, &ac, err, sizeof(err)))
			goto out;
		app_ready = true;
	}
	app_render(&app, true);
	if (opts.ready_file && trace_setup_write_ready_file(opts.ready_file, err, sizeof(err)))
		goto out;
	if (ui_loop_run(&app, &stop_requested) || app.error[0]) {
		snprintf(err, sizeof(err), "%s", app.error);
		goto out;
	}
	/* What is left of the recording reaches the file: its failure is the run's. */
	if (!opts.replay_file && live_source_end_record(src, err, sizeof(err)))
		goto out;
	status = 0;
out:
	/* Windows first: delscreen (in term_stop) frees what is left of them. */
	if (app_ready)
		app_free(&app);
	line_edit_shutdown();
	term_stop();
	stderr_capture_stop(&cap);
	if (status)
		log_error("%s", err);
	/* Closing the session detaches every hook: no BPF link outlives vista-top. */
	event_source_close(src);
	event_store_free(store);
	options_free(&opts);
	tui_options_free(&topts);
	return status;
}
