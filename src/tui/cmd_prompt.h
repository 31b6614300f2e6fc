/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `:` command line: filter commands (filter/command.h) typed while the
 * trace goes on, with libedit's editing and history (line_edit.h) and Tab
 * completion (completion.h). Enter runs the line on a copy of the source's
 * filter set and applies the copy whole (event_source_apply_filters), or
 * nothing at all: an invalid command, or one the source refuses, leaves
 * the line for correcting with the error after it, and the filters as
 * they were. `show` answers on the same line. Esc closes it.
 *
 * The prompt takes the info line (above the status bar) and every key
 * while open; the app draws the rest of the screen, which keeps updating.
 */
#ifndef VISTA_TUI_CMD_PROMPT_H
#define VISTA_TUI_CMD_PROMPT_H

#include <curses.h>
#include <limits.h>
#include <stdbool.h>

#include "filter/command.h"

#define CMD_PROMPT_HISTORY_NAME ".vista_history" /* in $HOME */

struct app;
struct line_edit;

enum cmd_note {
	NOTE_NONE,
	NOTE_ERROR,  /* why the line was refused */
	NOTE_ANSWER, /* `show`'s answer */
	NOTE_HINT,   /* completion candidates */
};

struct cmd_prompt {
	struct app *app;
	struct line_edit *editor; /* made at the first ':' */
	bool open;
	bool history_warned; /* a history problem is said once */
	enum cmd_note note_kind;
	char note[COMMAND_LINE_MAX]; /* after the line, until the next key */
};

void cmd_prompt_init(struct cmd_prompt *c, struct app *a);
void cmd_prompt_free(struct cmd_prompt *c);

/* Opens the prompt (':'); when the editor cannot be set up, says why in a message and stays closed. */
void cmd_prompt_open(struct cmd_prompt *c);
/* Handles a key while open (keys.h encoding). */
void cmd_prompt_key(struct cmd_prompt *c, int key);
/* Draws the prompt line into w (one line) and leaves w's cursor at the editing point. */
void cmd_prompt_draw(struct cmd_prompt *c, WINDOW *w);

/* $HOME/.vista_history (the passwd entry's home when HOME is unset); false when there is none. */
bool cmd_prompt_history_path(char *buf, size_t len);

#endif
