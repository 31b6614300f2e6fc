// SPDX-License-Identifier: GPL-2.0-only
#include "tui/cmd_prompt.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "tui/app.h"
#include "tui/completion.h"
#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/line_edit.h"
#include "tui/theme.h"

#define NOTE_GAP      2  /* columns between the line and its note */
#define MIN_LINE_COLS 20 /* the line keeps at least this much room next to a long note */

void cmd_prompt_init(struct cmd_prompt *c, struct app *a)
{
	memset(c, 0, sizeof(*c));
	c->app = a;
}

void cmd_prompt_free(struct cmd_prompt *c)
{
	line_edit_free(c->editor);
	c->editor = NULL;
	c->open = false;
}

bool cmd_prompt_history_path(char *buf, size_t len)
{
	const char *home = getenv("HOME");
	int n;

	if (!home || !*home) {
		struct passwd *pw = getpwuid(getuid());

		home = pw && pw->pw_dir && *pw->pw_dir ? pw->pw_dir : NULL;
	}
	if (!home)
		return false;
	n = snprintf(buf, len, "%s/%s", home, CMD_PROMPT_HISTORY_NAME);
	return n > 0 && (size_t)n < len;
}

static void note(struct cmd_prompt *c, enum cmd_note kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void note(struct cmd_prompt *c, enum cmd_note kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->note, sizeof(c->note), fmt, ap);
	va_end(ap);
	c->note_kind = kind;
}

/* Tab, from inside the editor: the candidates go to the note when there is more than one. */
static void complete(void *ctx, const char *line, size_t cursor, char *insert, size_t len)
{
	struct cmd_prompt *c = ctx;
	struct completion comp;
	char err[256], list[COMMAND_LINE_MAX];
	size_t off = 0;

	if (completion_complete(line, cursor, c->app->src, &comp, err, sizeof(err))) {
		note(c, NOTE_ERROR, "%s", err);
		return;
	}
	snprintf(insert, len, "%s", comp.insert);
	if (!comp.what || comp.n == 1)
		return;
	if (!comp.n) {
		note(c, NOTE_HINT, "no %s starts with \"%.*s\"", comp.what, (int)(cursor - comp.word),
		     line + comp.word);
		return;
	}
	list[0] = '\0';
	for (size_t i = 0; i < comp.n && off + 1 < sizeof(list); i++) {
		int k = snprintf(list + off, sizeof(list) - off, "%s%s", i ? " " : "", comp.cand[i]);

		if (k < 0)
			break;
		off += (size_t)k;
	}
	note(c, NOTE_HINT, "%ss: %s", comp.what, list);
}

void cmd_prompt_open(struct cmd_prompt *c)
{
	struct app *a = c->app;
	char err[512], path[PATH_MAX];
	bool have_path;

	if (!c->editor) {
		have_path = cmd_prompt_history_path(path, sizeof(path));
		if (line_edit_create(have_path ? path : NULL, complete, c, &c->editor, err, sizeof(err))) {
			app_message(a, "The command line is not available: %s", err);
			return;
		}
		if (!have_path) {
			app_message(a, "Command history not kept: no home directory (HOME is not set)");
			c->history_warned = true;
		} else if (line_edit_history_problem(c->editor)) {
			app_message(a, "Command history not kept: %s", line_edit_history_problem(c->editor));
			c->history_warned = true;
		}
	}
	line_edit_clear(c->editor);
	c->open = true;
	c->note_kind = NOTE_NONE;
	app_mark(a, DIRTY_INFO);
}

static void close_prompt(struct cmd_prompt *c)
{
	c->open = false;
	c->note_kind = NOTE_NONE;
	app_mark(c->app, DIRTY_INFO);
}

/* The line cannot be applied: back on the prompt for correcting, with the reason after it. */
static void refuse(struct cmd_prompt *c, const char *line, const char *why)
{
	line_edit_set(c->editor, line);
	note(c, NOTE_ERROR, "%s", why);
}

static bool blank(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

/* Runs a line entered: applied whole, shown, or refused with the line back for correcting. */
static void execute(struct cmd_prompt *c, const char *line)
{
	struct app *a = c->app;
	char err[COMMAND_LINE_MAX], desc[COMMAND_LINE_MAX];
	struct filter_set fs;
	int effects;

	/* A copy: nothing changes unless the whole line is good and the source takes it. */
	fs = *event_source_filters(a->src);
	effects = command_exec(&fs, line, err, sizeof(err));
	if (effects < 0) {
		refuse(c, line, err);
		return;
	}
	if (effects & COMMAND_CHANGED) {
		if (event_source_apply_filters(a->src, &fs, err, sizeof(err))) {
			refuse(c, line, err);
			return;
		}
		app_filters_changed(a);
	}
	event_source_describe_filters(a->src, desc, sizeof(desc));
	if (effects & COMMAND_SHOW) {
		/* The prompt stays, for the next command. */
		note(c, NOTE_ANSWER, "filters: %s", desc[0] ? desc : "none");
		return;
	}
	close_prompt(c);
	app_message(a, "%s: %s", effects & COMMAND_CHANGED ? "Filters applied" : "Filters unchanged",
		    desc[0] ? desc : "none");
}

static void run(struct cmd_prompt *c)
{
	const char *line = line_edit_accepted(c->editor, COMMAND_LINE_MAX - 1);
	char err[COMMAND_LINE_MAX];

	if (!line) {
		note(c, NOTE_ERROR, "the line is too long (more than %d bytes)", COMMAND_LINE_MAX - 1);
		return;
	}
	if (blank(line)) {
		close_prompt(c);
		return;
	}
	execute(c, line);
	/* Last, so that a problem with the file is what the top bar says. */
	if (line_edit_remember(c->editor, line, err, sizeof(err)) && !c->history_warned) {
		app_message(c->app, "Command history not saved: %s", err);
		c->history_warned = true;
	}
}

void cmd_prompt_key(struct cmd_prompt *c, int key)
{
	c->note_kind = NOTE_NONE;
	app_mark(c->app, DIRTY_INFO);
	if (key == K_ESC) {
		close_prompt(c);
		return;
	}
	if (line_edit_key(c->editor, key) == LINE_EDIT_ACCEPTED)
		run(c);
}

static int width_of(wchar_t ch)
{
	int w = wcwidth(ch);

	return w < 0 ? 1 : w;
}

void cmd_prompt_draw(struct cmd_prompt *c, WINDOW *w)
{
	static const enum theme_elem note_theme[] = {
		[NOTE_NONE] = TH_DIM, [NOTE_ERROR] = TH_ALERT, [NOTE_ANSWER] = TH_INFO, [NOTE_HINT] = TH_DIM
	};
	int cols = getmaxx(w), room, x, cx, used = 0, note_w = 0;
	size_t len, cursor, first = 0;
	const wchar_t *text = line_edit_text(c->editor, &len, &cursor);

	draw_text(w, 0, 0, cols, ":", theme_attr(TH_PROMPT));
	room = cols - 1;
	if (c->note_kind != NOTE_NONE) {
		note_w = (int)strlen(c->note) + NOTE_GAP;
		room = cols - 1 - note_w;
		if (room < MIN_LINE_COLS)
			room = MIN_LINE_COLS;
	}
	/* Scrolled so that the cursor stays in view, with a column for it after the last character. */
	for (size_t i = first; i < cursor; i++)
		used += width_of(text[i]);
	while (used >= room && first < cursor)
		used -= width_of(text[first++]);
	x = 1;
	cx = -1;
	wattrset(w, theme_attr(TH_PROMPT));
	for (size_t i = first; i < len; i++) {
		int cw = width_of(text[i]);

		if (x + cw > 1 + room)
			break;
		if (i == cursor)
			cx = x;
		mvwaddnwstr(w, 0, x, &text[i], 1);
		x += cw;
	}
	if (cx < 0)
		cx = x; /* after the last character */
	wattrset(w, A_NORMAL);
	if (c->note_kind != NOTE_NONE && x + NOTE_GAP < cols)
		draw_text(w, 0, x + NOTE_GAP, cols - x - NOTE_GAP, c->note, theme_attr(note_theme[c->note_kind]));
	wmove(w, 0, cx < cols ? cx : cols - 1);
}
