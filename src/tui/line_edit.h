/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A one-line editor for the `:` command line: libedit's emacs mode and
 * history, with curses owning the terminal. libedit only edits: it gets
 * the keys curses read (keys.h), one at a time, and the line it holds is
 * drawn by the caller. It is given the slave side of a pseudo-terminal of
 * its own, because it changes the modes of whatever terminal it has, and
 * sends its output (its idea of the screen) to /dev/null.
 *
 * The history is kept in a file (libedit's format), read when the editor
 * is created and written after every line entered; when it cannot be
 * read or written the editor still works, and says why once.
 */
#ifndef VISTA_TUI_LINE_EDIT_H
#define VISTA_TUI_LINE_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#define LINE_EDIT_HISTORY_SIZE 500 /* lines kept */

struct line_edit;

/*
 * Tab: gets the line (UTF-8) and the cursor's byte offset in it; writes
 * what to insert at the cursor into insert ("" for nothing).
 */
typedef void (*line_edit_complete_fn)(void *ctx, const char *line, size_t cursor, char *insert, size_t len);

/*
 * history_path may be NULL (no history file). One editor at a time: the
 * libedit instance and pseudo-terminal behind it are made at the first
 * call and kept for the next ones (line_edit_shutdown frees them). Returns
 * 0, or -1 with one sentence in err (no pseudo-terminal to be had, out of
 * memory, another editor open).
 */
int line_edit_create(const char *history_path, line_edit_complete_fn complete, void *ctx, struct line_edit **out,
		     char *err, size_t errlen);
void line_edit_free(struct line_edit *le);
/* Frees what the editors share, once none is left (at exit). */
void line_edit_shutdown(void);

/* NULL, or why the history file could not be read (then it is not written either). */
const char *line_edit_history_problem(const struct line_edit *le);

enum line_edit_result {
	LINE_EDIT_EDITING,  /* the key edited the line (or did nothing) */
	LINE_EDIT_ACCEPTED, /* Enter: line_edit_accepted() has the line, and the editor is empty again */
};

/* Handles one key (keys.h encoding); Esc is the caller's (it closes the prompt). */
enum line_edit_result line_edit_key(struct line_edit *le, int key);

/* The line being edited and the cursor, as characters. */
const wchar_t *line_edit_text(const struct line_edit *le, size_t *len, size_t *cursor);

/*
 * The line Enter accepted, in UTF-8, with its length; NULL when it was
 * longer than max bytes.
 */
const char *line_edit_accepted(const struct line_edit *le, size_t max);

/* Empties the line (a new prompt), and goes back to the newest history entry. */
void line_edit_clear(struct line_edit *le);
/* Starts a new line holding text (UTF-8), the cursor at its end: a refused line, back for correcting. */
void line_edit_set(struct line_edit *le, const char *text);

/*
 * Adds line to the history and writes the history file. Returns 0, or -1
 * with one sentence in err when the file could not be written (the line
 * stays in the history of this run).
 */
int line_edit_remember(struct line_edit *le, const char *line, char *err, size_t errlen);

#endif
