// SPDX-License-Identifier: GPL-2.0-only
/*
 * vista-top: the interactive front end. It takes vista's options (filters,
 * backend, columns) plus its own, opens the same tracing session, and
 * follows it live in a full-screen ncurses UI until q or a signal.
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
#include "tui/app.h"
#include "tui/event_store.h"
#include "tui/live_source.h"
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

static void install_signals(void)
{
	struct sigaction sa = { 0 };

	/* No SA_RESTART: poll() returns at once and the loop sees the request. */
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
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
	if (check_tui_options(opts, err, len) || trace_setup_check(opts, err, len))
		return -1;
	if (geteuid() != 0) {
		snprintf(err, len, "vista-top must run as root: it loads BPF programs into the kernel");
		return -1;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, len, "vista-top needs a terminal: its standard input and output must be a terminal");
		return -1;
	}
	if (trace_setup_config(opts, cfg, note, sizeof(note), err, len))
		return -1;
	/*
	 * Always collect metadata and the tuple: the t and m keys then show them
	 * for past events too, and a flow needs interfaces and namespaces.
	 */
	cfg->filters.kernel.collect |= VISTA_COLLECT_META | VISTA_COLLECT_TUPLE;
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
	if (live_source_open(&cfg, &src, err, sizeof(err)))
		goto out;
	install_signals();
	stderr_capture_start(&cap);
	if (term_start(&(struct term_opts){ .color = topts.color, .mouse = topts.mouse }, err, sizeof(err)))
		goto out;
	{
		struct app_config ac = {
			.src = src,
			.store = store,
			.start_ns = ui_loop_now(),
			.style = { .tuple = opts.output_tuple, .meta = opts.output_meta, .timestamp = opts.timestamp },
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
	status = 0;
out:
	/* Windows first: delscreen (in term_stop) frees what is left of them. */
	if (app_ready)
		app_free(&app);
	term_stop();
	stderr_capture_stop(&cap);
	if (status)
		fprintf(stderr, "vista-top: %s\n", err);
	/* Closing the session detaches every hook: no BPF link outlives vista-top. */
	event_source_close(src);
	event_store_free(store);
	options_free(&opts);
	tui_options_free(&topts);
	return status;
}
