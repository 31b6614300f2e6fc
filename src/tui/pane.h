/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pane framework. The main area of the screen shows one pane at a time
 * (Events, Hooks, Drops; Netfilter and TCP come next), chosen with Tab and
 * Shift-Tab; a drill-down (the flow of an skb) covers the current pane
 * until Esc. A pane embeds struct pane as its first member and fills ops;
 * app_init adds it to the Tab order with its constructor.
 */
#ifndef VISTA_TUI_PANE_H
#define VISTA_TUI_PANE_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

struct app;
struct pane;

enum pane_key_result {
	PANE_IGNORED, /* the app may handle the key (Tab, q, ?) */
	PANE_HANDLED, /* the pane used it (and redraws itself if needed) */
	PANE_CLOSE,   /* a drill-down is done: the app closes it (Esc) */
};

struct pane_ops {
	const char *title; /* the name in the top bar */
	/* Draws the whole pane into w (column header on line 0), after werase. */
	void (*draw)(struct pane *p, WINDOW *w);
	int (*key)(struct pane *p, int key);
	/* A click on line y, column x of the pane's window. */
	void (*click)(struct pane *p, int y, int x);
	/* Events were added to the store: returns true when what the pane shows changed. */
	bool (*ingested)(struct pane *p);
	/*
	 * When the pane owns the info line (an open search prompt), draws it
	 * and returns true; it also gets every key first while that is so.
	 */
	bool (*draw_prompt)(struct pane *p, WINDOW *w);
	/* Whether the pane takes every key now (a prompt is open); may be NULL. */
	bool (*grabs_keys)(const struct pane *p);
	/*
	 * Long work done a slice at a time between keys and events (a search
	 * through a million rows): at most budget units now; returns true while
	 * some is left. May be NULL.
	 */
	bool (*work)(struct pane *p, size_t budget);
	/* Where the cursor is, for the info line ("412/5000"); may be NULL. */
	void (*position)(const struct pane *p, char *buf, size_t len);
	void (*destroy)(struct pane *p);
};

struct pane {
	const struct pane_ops *ops;
	struct app *app;
	int rows; /* lines of the pane's window at the last draw, for paging */
};

/* Common cursor movement over a list of n rows: returns true when key was a movement key. */
bool pane_list_key(int key, size_t n, size_t page, size_t *cursor);
/* Keeps cursor inside [*top, *top + visible). */
void pane_list_scroll(size_t cursor, size_t visible, size_t *top);

/*
 * A list of rows with a cursor, as the Hooks, Drops, Netfilter, TCP and flow
 * panes show below their headers: the selected row, the one on top, how many
 * fit, and the window line of the first.
 */
struct pane_list {
	size_t cursor, top, rows;
	int y;
};

/* At draw time: n rows shown from window line y on `lines` lines (at least one); the cursor stays on a row. */
void pane_list_layout(struct pane_list *l, int y, int lines, size_t n);
/* A movement key over n rows: moves the cursor and scrolls; false when key is not one. */
bool pane_list_move(struct pane_list *l, int key, size_t n);
/* A click on window line y: selects the row there; false when no row of the n is there. */
bool pane_list_click(struct pane_list *l, int y, size_t n);
/* "412/5000": the cursor's row among n, for pane_ops.position. */
void pane_list_position(const struct pane_list *l, size_t n, char *buf, size_t len);

#endif
