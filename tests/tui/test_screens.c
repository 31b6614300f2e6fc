// SPDX-License-Identifier: GPL-2.0-only
/*
 * The headless screen tests (in the manner of tig's): each script in
 * tests/tui/scripts/ runs vista-top's UI (the app of src/tui/) against the
 * in-memory source in a virtual terminal of a fixed size, with time given
 * by the script, feeds it keys, mouse events and resizes through curses'
 * own input queue, and dumps the screen as text. Every dump is compared
 * with the same block of tests/tui/golden/NAME.screen, one TAP check each.
 *
 * Regenerate the golden files after an intended change of the screens with
 *     TUI_GOLDEN_UPDATE=1 make check TESTS=tests/tui/test_screens
 * and review the diff by eye (git diff tests/tui/golden).
 *
 * Script commands (one per line, '#' starts a comment):
 *   size COLS ROWS        the terminal (before start; default 100x30)
 *   option WORD [VALUE]   before start: no-color, no-mouse, tuple, meta, stack, tcp, sk, iptables,
 *                         timestamp MODE, store N, limit N, batch N, term vt100
 *                         (a terminal without colors; xterm-256color otherwise)
 *   option replay         before start: the events come from a recording of them
 *                         (recording.h) read by the replay source, not from memory
 *   packets N | flood N   the events of the source (fixture.h)
 *   kinds                 adds the netfilter, TCP and socket events of fixture_kinds
 *   home fresh|missing|dir|garbage
 *                         before start: HOME for the command history (every script
 *                         has a fresh one of its own, tuihome in the current
 *                         directory): empty; a directory that does not exist; its
 *                         .vista_history a directory; or a file that is not a history
 *   start                 starts the UI at time 0
 *   restart               quits the UI and starts it again (the same HOME and events)
 *   release N|all         N more events become ready in the source
 *   pump                  the app takes every ready event (batch by batch)
 *   step                  one pass of the live loop: keys, one batch, one slice of
 *                         work (a search), a frame
 *   time SECONDS          the clock (since start)
 *   lost N                the kernel's lost counter
 *   fail MESSAGE          the source fails on its next read
 *   key NAME...           keys: a character, or Up Down Left Right PgUp PgDn
 *                         Home End Enter Esc Tab BTab F1 Space Backspace Del C-x M-x
 *                         M-Backspace
 *   queue NAME...         keys queued without being read (see step)
 *   type TEXT             each character of TEXT as a key
 *   click X Y | wheel up|down
 *   resize COLS ROWS
 *   dump LABEL            the screen, compared with the golden file
 *   attr LINE LABEL       one screen line and its attributes (see attr_char)
 *   history LABEL         the history file's text, compared like a screen
 *   fd-limit on|off       no more file descriptors can be opened (and the command
 *                         line's editor is made anew), or they can again
 *   expect quit|running|total N|consumes N|applies N|error TEXT
 */
#include <curses.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "mem_source.h"
#include "recording.h"
#include "tap.h"
#include "tui/app.h"
#include "tui/cmd_prompt.h"
#include "tui/event_store.h"
#include "tui/keys.h"
#include "tui/line_edit.h"
#include "tui/replay_source.h"
#include "tui/term.h"

#ifndef TUI_TESTS_DIR
#define TUI_TESTS_DIR "tests/tui"
#endif

#define SEC 1000000000ULL

struct harness {
	const char *name;
	const char *dir;
	int lineno;
	/* before start */
	int cols, rows;
	bool color, mouse, stack, replay;
	const char *term;
	char home[128], rec_path[128];
	struct rlimit nofile; /* saved by fd-limit on */
	bool fd_limited;
	struct row_style style;
	uint64_t limit;
	size_t batch, store_size;
	struct mem_event *events;
	size_t nevents;
	/* running */
	bool started;
	struct event_source *src;
	struct event_store *store;
	struct app app;
	FILE *out, *in;
	/* the dumps so far */
	char *text;
	size_t len, cap;
	bool failed; /* a script error: the rest of the script is skipped */
};

static void append(struct harness *h, const char *s, size_t n)
{
	if (h->len + n + 1 > h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 65536;
		char *t;

		while (cap < h->len + n + 1)
			cap *= 2;
		t = realloc(h->text, cap);
		if (!t) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
		h->text = t;
		h->cap = cap;
	}
	memcpy(h->text + h->len, s, n);
	h->len += n;
	h->text[h->len] = '\0';
}

static void script_error(struct harness *h, const char *fmt, const char *arg)
{
	char what[1024];

	snprintf(what, sizeof(what), fmt, arg ? arg : "");
	ok(false, "%s line %d: %s", h->name, h->lineno, what);
	h->failed = true;
}

static const struct {
	const char *name;
	int key;
} named_keys[] = {
	{ "Up", K_FN(KEY_UP) },
	{ "Down", K_FN(KEY_DOWN) },
	{ "Left", K_FN(KEY_LEFT) },
	{ "Right", K_FN(KEY_RIGHT) },
	{ "PgUp", K_FN(KEY_PPAGE) },
	{ "PgDn", K_FN(KEY_NPAGE) },
	{ "Home", K_FN(KEY_HOME) },
	{ "End", K_FN(KEY_END) },
	{ "Enter", '\r' },
	{ "Esc", 27 },
	{ "Tab", '\t' },
	{ "BTab", K_FN(KEY_BTAB) },
	{ "F1", K_FN(KEY_F(1)) },
	{ "Space", ' ' },
	{ "Backspace", K_FN(KEY_BACKSPACE) },
	{ "Del", K_FN(KEY_DC) },
};

static int parse_key(const char *name)
{
	for (size_t i = 0; i < sizeof(named_keys) / sizeof(named_keys[0]); i++)
		if (strcmp(name, named_keys[i].name) == 0)
			return named_keys[i].key;
	if (name[0] == 'C' && name[1] == '-' && name[2] && !name[3])
		return K_CTRL(name[2]);
	/* Alt keys arrive as curses reports them: the codes term.c defines for Esc and a character. */
	if (name[0] == 'M' && name[1] == '-' && name[2] && !name[3] && term_alt_code(name[2]) >= 0)
		return K_FN(term_alt_code(name[2]));
	if (strcmp(name, "M-Backspace") == 0)
		return K_FN(term_alt_code(0x7f));
	if (name[0] && !name[1])
		return (unsigned char)name[0];
	return -1;
}

/* Puts a key into curses' input queue, where the app reads it like a typed one. */
static void queue_key(int key)
{
	if (key & KEY_FN_BIT)
		ungetch(key & ~KEY_FN_BIT);
	else
		unget_wch((wchar_t)key);
}

static void frame(struct harness *h)
{
	app_render(&h->app, true);
}

/* A key, and the work it started (a search) carried to its end. */
static void press(struct harness *h, int key)
{
	queue_key(key);
	app_read_input(&h->app);
	while (app_work(&h->app))
		;
	frame(h);
}

static int start(struct harness *h)
{
	char err[256], kpath[512], size[16];
	struct app_config c = {
		.start_ns = FIXTURE_T0_NS,
		.style = h->style,
		.stack = h->stack,
		.limit = h->limit,
		.batch = h->batch,
	};

	snprintf(kpath, sizeof(kpath), "%s/kallsyms.txt", h->dir);
	if (h->replay) {
		snprintf(h->rec_path, sizeof(h->rec_path), "tui-%s.vrec", h->name);
		if (recording_write_records(h->rec_path, h->events, h->nevents, kpath, 0, err, sizeof(err)) ||
		    replay_source_open(h->rec_path, &h->src, err, sizeof(err))) {
			script_error(h, "%s", err);
			return -1;
		}
	} else {
		h->src = mem_source_create_records(h->events, h->nevents, FIXTURE_T0_NS, kpath);
	}
	if (!h->src) {
		script_error(h, "cannot create the source (reading %s)", kpath);
		return -1;
	}
	if (event_store_create(h->store_size, &h->store, err, sizeof(err))) {
		script_error(h, "%s", err);
		return -1;
	}
	/* curses takes the virtual terminal's size from the environment. */
	snprintf(size, sizeof(size), "%d", h->rows);
	setenv("LINES", size, 1);
	snprintf(size, sizeof(size), "%d", h->cols);
	setenv("COLUMNS", size, 1);
	h->out = fopen("/dev/null", "w");
	h->in = fopen("/dev/null", "r");
	if (!h->out || !h->in ||
	    term_start(
		&(struct term_opts){
		    .color = h->color, .mouse = h->mouse, .term = h->term, .out = h->out, .in = h->in },
		err, sizeof(err))) {
		script_error(h, "cannot start the virtual terminal: %s", err);
		return -1;
	}
	c.src = h->src;
	c.store = h->store;
	if (app_init(&h->app, &c, err, sizeof(err))) {
		script_error(h, "%s", err);
		term_stop();
		return -1;
	}
	h->started = true;
	frame(h);
	return 0;
}

static void stop(struct harness *h)
{
	if (h->started) {
		app_free(&h->app);
		term_stop();
	}
	h->started = false;
	event_source_close(h->src);
	h->src = NULL;
	event_store_free(h->store);
	h->store = NULL;
	if (h->out)
		fclose(h->out);
	if (h->in)
		fclose(h->in);
	h->out = h->in = NULL;
}

/* What the terminal shows now: curscr, after the last doupdate(). */
static void dump(struct harness *h, const char *label)
{
	char line[1024];

	snprintf(line, sizeof(line), "--- %s\n", label);
	append(h, line, strlen(line));
	for (int y = 0; y < LINES; y++) {
		int n = mvwinnstr(curscr, y, 0, line, COLS < (int)sizeof(line) ? COLS : (int)sizeof(line) - 1);

		if (n < 0)
			n = 0;
		while (n > 0 && line[n - 1] == ' ')
			n--;
		line[n] = '\n';
		append(h, line, (size_t)n + 1);
	}
}

/*
 * A cell's attributes as one character: its color pair as a digit or
 * letter when it has one (1 = the first theme element), else the strongest
 * of R (reverse), U (underline), B (bold), D (dim), or '.' for none.
 */
static char attr_char(chtype c)
{
	static const char pairs[] = ".123456789abcdefghijklmnopqrstuvwxyz";
	short pair = (short)PAIR_NUMBER(c);

	if (pair > 0 && pair < (short)sizeof(pairs) - 1)
		return pairs[pair];
	if (c & A_REVERSE)
		return 'R';
	if (c & A_UNDERLINE)
		return 'U';
	if (c & A_BOLD)
		return 'B';
	if (c & A_DIM)
		return 'D';
	return '.';
}

static void dump_attr(struct harness *h, int y, const char *label)
{
	char line[1024], attrs[1024];
	int n = COLS < (int)sizeof(line) - 1 ? COLS : (int)sizeof(line) - 2;

	snprintf(line, sizeof(line), "--- %s (line %d: text, then attributes)\n", label, y);
	append(h, line, strlen(line));
	for (int x = 0; x < n; x++) {
		chtype c = mvwinch(curscr, y, x);

		line[x] = (char)(c & A_CHARTEXT);
		attrs[x] = attr_char(c);
	}
	line[n] = attrs[n] = '\n';
	append(h, line, (size_t)n + 1);
	append(h, attrs, (size_t)n + 1);
}

static bool set_events(struct harness *h, size_t n, bool flood)
{
	struct vista_event *skb = calloc(n * (flood ? 1 : FIXTURE_MAX_PER_PACKET) + 1, sizeof(*skb));
	size_t count;

	free(h->events);
	h->events = NULL;
	h->nevents = 0;
	if (!skb)
		return false;
	if (flood) {
		fixture_flood(skb, n);
		count = n;
	} else {
		count = fixture_packets(skb, n);
	}
	h->events = calloc(count + 1, sizeof(*h->events));
	if (h->events) {
		for (size_t i = 0; i < count; i++)
			h->events[i].ev = skb[i];
		h->nevents = count;
	}
	free(skb);
	return h->events != NULL;
}

/* The netfilter, TCP and socket events of fixture_kinds, after those already there. */
static bool add_kinds(struct harness *h)
{
	struct mem_event *e = realloc(h->events, (h->nevents + FIXTURE_KINDS_MAX) * sizeof(*e));

	if (!e)
		return false;
	h->events = e;
	h->nevents += fixture_kinds(e + h->nevents);
	return true;
}

static int option(struct harness *h, const char *word, const char *value)
{
	if (strcmp(word, "no-color") == 0)
		h->color = false;
	else if (strcmp(word, "no-mouse") == 0)
		h->mouse = false;
	else if (strcmp(word, "tuple") == 0)
		h->style.tuple = true;
	else if (strcmp(word, "meta") == 0)
		h->style.meta = true;
	else if (strcmp(word, "stack") == 0)
		h->stack = true;
	else if (strcmp(word, "tcp") == 0)
		h->style.tcp = true;
	else if (strcmp(word, "sk") == 0)
		h->style.sk = true;
	else if (strcmp(word, "iptables") == 0)
		h->style.iptables = true;
	else if (strcmp(word, "term") == 0 && value)
		h->term = strcmp(value, "vt100") == 0 ? "vt100" : "xterm-256color";
	else if (strcmp(word, "timestamp") == 0 && value)
		h->style.timestamp = strcmp(value, "relative") == 0   ? TIMESTAMP_RELATIVE
				     : strcmp(value, "absolute") == 0 ? TIMESTAMP_ABSOLUTE
								      : TIMESTAMP_NONE;
	else if (strcmp(word, "store") == 0 && value)
		h->store_size = strtoul(value, NULL, 0);
	else if (strcmp(word, "limit") == 0 && value)
		h->limit = strtoull(value, NULL, 0);
	else if (strcmp(word, "batch") == 0 && value)
		h->batch = strtoul(value, NULL, 0);
	else if (strcmp(word, "replay") == 0)
		h->replay = true;
	else
		return -1;
	return 0;
}

static void expect(struct harness *h, char **w, int nw, const char *rest)
{
	if (nw >= 2 && strcmp(w[1], "quit") == 0) {
		ok(h->app.quit, "%s line %d: the app quits", h->name, h->lineno);
	} else if (nw >= 2 && strcmp(w[1], "running") == 0) {
		ok(!h->app.quit, "%s line %d: the app keeps running", h->name, h->lineno);
	} else if (nw >= 3 && strcmp(w[1], "total") == 0) {
		is_int(event_store_total(h->store), strtoull(w[2], NULL, 0), "events taken from the source");
	} else if (nw >= 3 && strcmp(w[1], "consumes") == 0 && !h->replay) {
		is_int(mem_source_consumes(h->src), strtoull(w[2], NULL, 0), "reads of the source");
	} else if (nw >= 3 && strcmp(w[1], "applies") == 0 && !h->replay) {
		is_int(mem_source_applies(h->src), strtoull(w[2], NULL, 0), "filter sets applied to the source");
	} else if (nw >= 3 && strcmp(w[1], "error") == 0) {
		is_str(h->app.error, rest + strlen("error") + 1, "the app's error");
	} else {
		script_error(h, "bad expect%s", "");
	}
}

/* The files of tuihome, as set_home makes them. */
static void remove_home(struct harness *h)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/.vista_history", h->home);
	if (unlink(path) && errno == EISDIR)
		rmdir(path);
	rmdir(h->home);
}

static void set_home(struct harness *h, const char *kind)
{
	char base[128], path[256], home[256];
	FILE *f;

	snprintf(base, sizeof(base), "tuihome");
	snprintf(h->home, sizeof(h->home), "%s", base);
	remove_home(h);
	if (mkdir(base, 0700)) {
		script_error(h, "cannot make %s", base);
		return;
	}
	snprintf(home, sizeof(home), "%s%s", base, strcmp(kind, "missing") == 0 ? "/missing" : "");
	snprintf(path, sizeof(path), "%s/.vista_history", base);
	if (strcmp(kind, "dir") == 0) {
		mkdir(path, 0700);
	} else if (strcmp(kind, "garbage") == 0) {
		f = fopen(path, "w");
		if (!f || fputs("ip route show\n", f) < 0 || fclose(f)) {
			script_error(h, "cannot write %s", path);
			return;
		}
	} else if (strcmp(kind, "fresh") != 0 && strcmp(kind, "missing") != 0) {
		script_error(h, "bad home %s", kind);
		return;
	}
	setenv("HOME", home, 1);
}

static void dump_history(struct harness *h, const char *label)
{
	char path[256], line[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/.vista_history", getenv("HOME"));
	snprintf(line, sizeof(line), "--- %s\n", label);
	append(h, line, strlen(line));
	f = fopen(path, "r");
	if (!f) {
		snprintf(line, sizeof(line), "(no history file: %s)\n", strerror(errno));
		append(h, line, strlen(line));
		return;
	}
	while (fgets(line, sizeof(line), f))
		append(h, line, strlen(line));
	fclose(f);
}

/* "on": the next open() fails with EMFILE, as in a process out of descriptors. */
static void fd_limit(struct harness *h, bool on)
{
	struct rlimit lim;
	int fd;

	if (on && !h->fd_limited) {
		/* The editor made by an earlier script would be used again: it needs new descriptors only once. */
		line_edit_shutdown();
		fd = dup(0);
		if (fd < 0 || getrlimit(RLIMIT_NOFILE, &h->nofile)) {
			script_error(h, "cannot read the descriptor limit%s", "");
			return;
		}
		close(fd);
		lim = h->nofile;
		lim.rlim_cur = (rlim_t)fd;
		h->fd_limited = setrlimit(RLIMIT_NOFILE, &lim) == 0;
	} else if (!on && h->fd_limited) {
		setrlimit(RLIMIT_NOFILE, &h->nofile);
		h->fd_limited = false;
	}
}

/* Runs one command; w[0] is its name. */
static void command(struct harness *h, char **w, int nw, const char *rest)
{
	const char *c = w[0];

	if (strcmp(c, "size") == 0 && nw == 3) {
		h->cols = atoi(w[1]);
		h->rows = atoi(w[2]);
	} else if (strcmp(c, "option") == 0 && nw >= 2) {
		if (option(h, w[1], nw > 2 ? w[2] : NULL))
			script_error(h, "bad option %s", w[1]);
	} else if ((strcmp(c, "packets") == 0 || strcmp(c, "flood") == 0) && nw == 2) {
		if (!set_events(h, strtoul(w[1], NULL, 0), c[0] == 'f'))
			script_error(h, "out of memory%s", "");
	} else if (strcmp(c, "kinds") == 0 && nw == 1) {
		if (!add_kinds(h))
			script_error(h, "out of memory%s", "");
	} else if (strcmp(c, "home") == 0 && nw == 2) {
		set_home(h, w[1]);
	} else if (strcmp(c, "start") == 0) {
		start(h);
	} else if (!h->started) {
		script_error(h, "%s before start", c);
	} else if (h->replay && (strcmp(c, "release") == 0 || strcmp(c, "lost") == 0 || strcmp(c, "fail") == 0)) {
		script_error(h, "%s: a replay has every event from the start, and nothing else", c);
	} else if (strcmp(c, "restart") == 0) {
		stop(h);
		start(h);
	} else if (strcmp(c, "history") == 0 && rest) {
		dump_history(h, rest);
	} else if (strcmp(c, "fd-limit") == 0 && nw == 2) {
		fd_limit(h, strcmp(w[1], "on") == 0);
	} else if (strcmp(c, "release") == 0 && nw == 2) {
		mem_source_release(h->src, strcmp(w[1], "all") == 0 ? SIZE_MAX : strtoul(w[1], NULL, 0));
	} else if (strcmp(c, "pump") == 0) {
		while (app_pump(&h->app) > 0)
			;
		frame(h);
	} else if (strcmp(c, "step") == 0) {
		/* What one pass of ui_loop_run does, without the poll(). */
		app_read_input(&h->app);
		if (!h->app.quit)
			app_pump(&h->app);
		app_work(&h->app);
		frame(h);
	} else if (strcmp(c, "time") == 0 && nw == 2) {
		app_set_time(&h->app, FIXTURE_T0_NS + (uint64_t)(strtod(w[1], NULL) * SEC));
		frame(h);
	} else if (strcmp(c, "lost") == 0 && nw == 2) {
		mem_source_set_lost(h->src, strtoull(w[1], NULL, 0));
	} else if (strcmp(c, "fail") == 0 && rest) {
		static char message[256];

		snprintf(message, sizeof(message), "%s", rest);
		mem_source_fail(h->src, message);
	} else if ((strcmp(c, "key") == 0 || strcmp(c, "queue") == 0) && nw >= 2) {
		bool queue_only = c[0] == 'q';

		for (int i = 1; i < nw; i++) {
			if (parse_key(w[i]) < 0) {
				script_error(h, "unknown key %s", w[i]);
				return;
			}
		}
		/* curses' queue is a stack: queue in reverse so that they are read in order. */
		for (int i = 1; i < nw; i++) {
			if (queue_only)
				queue_key(parse_key(w[nw - i]));
			else
				press(h, parse_key(w[i]));
		}
	} else if (strcmp(c, "type") == 0 && rest) {
		for (const char *s = rest; *s; s++)
			press(h, (unsigned char)*s);
	} else if ((strcmp(c, "click") == 0 && nw == 3) || (strcmp(c, "wheel") == 0 && nw == 2)) {
		MEVENT ev = { 0 };

		if (c[0] == 'c') {
			ev.x = atoi(w[1]);
			ev.y = atoi(w[2]);
			ev.bstate = BUTTON1_PRESSED;
		} else {
			ev.bstate = strcmp(w[1], "up") == 0 ? BUTTON4_PRESSED : BUTTON5_PRESSED;
		}
		if (ungetmouse(&ev) != OK) {
			script_error(h, "the virtual terminal refused a mouse event%s", "");
			return;
		}
		app_read_input(&h->app);
		frame(h);
	} else if (strcmp(c, "resize") == 0 && nw == 3) {
		/* What curses does on SIGWINCH: resize, then report KEY_RESIZE as input. */
		resizeterm(atoi(w[2]), atoi(w[1]));
		app_read_input(&h->app);
		frame(h);
	} else if (strcmp(c, "dump") == 0 && rest) {
		dump(h, rest);
	} else if (strcmp(c, "attr") == 0 && nw >= 3) {
		dump_attr(h, atoi(w[1]), rest + strlen(w[1]) + 1);
	} else if (strcmp(c, "expect") == 0) {
		expect(h, w, nw, rest);
	} else {
		script_error(h, "unknown command: %s", c);
	}
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			char *b;

			cap = cap ? cap * 2 : 8192;
			b = realloc(buf, cap);
			if (!b) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = b;
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* The block of text starting at its "--- " line, up to the next one; *n its length. */
static const char *block(const char *text, int index, size_t *n)
{
	const char *p = text, *end;

	for (int i = 0; p; i++) {
		p = i == 0 && strncmp(p, "--- ", 4) == 0 ? p : strstr(p, "\n--- ");
		if (!p)
			return NULL;
		if (*p == '\n')
			p++;
		if (i == index)
			break;
		p++;
	}
	end = strstr(p, "\n--- ");
	*n = end ? (size_t)(end - p) + 1 : strlen(p);
	return p;
}

/* Compares every dump with the golden file, one check each. */
static void compare(struct harness *h)
{
	char path[512];
	char *golden;
	int i;

	snprintf(path, sizeof(path), "%s/golden/%s.screen", h->dir, h->name);
	if (getenv("TUI_GOLDEN_UPDATE")) {
		FILE *f = fopen(path, "w");

		ok(f && fwrite(h->text ? h->text : "", 1, h->len, f) == h->len && fclose(f) == 0, "%s: wrote %s",
		   h->name, path);
		return;
	}
	golden = read_file(path);
	if (!golden) {
		ok(false, "%s: golden file %s (%s): regenerate with TUI_GOLDEN_UPDATE=1", h->name, path,
		   strerror(errno));
		return;
	}
	for (i = 0;; i++) {
		size_t na = 0, ng = 0;
		const char *a = h->text ? block(h->text, i, &na) : NULL, *g = block(golden, i, &ng);
		const char *label_end;

		if (!a && !g)
			break;
		{
			const char *label = (a ? a : g) + 4; /* after "--- " */

			label_end = strchr(label, '\n');
			if (ok(a && g && na == ng && memcmp(a, g, na) == 0, "%s: %.*s", h->name,
			       (int)(label_end ? label_end - label : 0), label))
				continue;
		}
		/* Show both screens, so the failure explains itself in the log. */
		printf("# expected:\n");
		for (const char *s = g; s && s < g + ng;) {
			const char *nl = memchr(s, '\n', (size_t)(g + ng - s));

			printf("#   |%.*s\n", (int)(nl ? nl - s : g + ng - s), s);
			s = nl ? nl + 1 : NULL;
		}
		printf("# got:\n");
		for (const char *s = a; s && s < a + na;) {
			const char *nl = memchr(s, '\n', (size_t)(a + na - s));

			printf("#   |%.*s\n", (int)(nl ? nl - s : a + na - s), s);
			s = nl ? nl + 1 : NULL;
		}
	}
	free(golden);
}

static void run_script(const char *dir, const char *path)
{
	struct harness h = {
		.dir = dir, .cols = 100, .rows = 30, .color = true, .mouse = true, .term = "xterm-256color"
	};
	const char *base = strrchr(path, '/');
	char name[128], line[512];
	FILE *f = fopen(path, "r");

	snprintf(name, sizeof(name), "%s", base ? base + 1 : path);
	name[strcspn(name, ".")] = '\0';
	h.name = name;
	h.store_size = 1000;
	/* Never the real home: a script that enters a command line writes the history. */
	set_home(&h, "fresh");
	if (!f) {
		ok(false, "%s: cannot read %s: %s", name, path, strerror(errno));
		return;
	}
	while (!h.failed && fgets(line, sizeof(line), f)) {
		char *w[64], *rest = NULL, *s = line;
		int nw = 0;

		h.lineno++;
		line[strcspn(line, "\n")] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		/* The text after the command word, as written (for dump labels and type). */
		rest = s + strcspn(s, " \t");
		rest = *rest ? rest + 1 + strspn(rest + 1, " \t") : NULL;
		{
			static char copy[512];

			snprintf(copy, sizeof(copy), "%s", s);
			for (char *tok = strtok(copy, " \t"); tok; tok = strtok(NULL, " \t")) {
				if (nw == 64) {
					script_error(&h, "more than 64 words on a line%s", "");
					break;
				}
				w[nw++] = tok;
			}
		}
		if (h.failed)
			break;
		command(&h, w, nw, rest);
	}
	fclose(f);
	stop(&h);
	fd_limit(&h, false);
	remove_home(&h);
	if (h.rec_path[0])
		unlink(h.rec_path);
	if (!h.failed)
		compare(&h);
	free(h.events);
	free(h.text);
}

int main(int argc, char **argv)
{
	const char *dir = getenv("TUI_TESTS_DIR") ? getenv("TUI_TESTS_DIR") : TUI_TESTS_DIR;
	char pattern[512];
	glob_t g;

	/* Every screen in the C locale and one time zone: the same bytes on every machine. */
	setenv("TZ", "UTC", 1);
	unsetenv("LC_ALL");
	setenv("LANG", "C", 1);
	snprintf(pattern, sizeof(pattern), "%s/scripts/*.script", dir);
	if (glob(pattern, 0, NULL, &g) != 0) {
		ok(false, "no script matches %s", pattern);
		return tap_done();
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		bool wanted = argc < 2;

		for (int k = 1; k < argc; k++)
			wanted |= strstr(g.gl_pathv[i], argv[k]) != NULL;
		if (wanted)
			run_script(dir, g.gl_pathv[i]);
	}
	globfree(&g);
	return tap_done();
}
