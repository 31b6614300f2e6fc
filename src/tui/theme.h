/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Screen elements and their attributes. Drawing code names an element,
 * never a color, so the monochrome fallback (--no-color, or a terminal
 * without colors) is one table away.
 */
#ifndef VISTA_TUI_THEME_H
#define VISTA_TUI_THEME_H

#include <curses.h>
#include <stdbool.h>

enum theme_elem {
	TH_TITLE,      /* the top bar */
	TH_TAB,        /* a pane name in the top bar */
	TH_TAB_ACTIVE, /* the current pane's name */
	TH_HEADER,     /* column headers */
	TH_ROW,
	TH_SELECTED, /* the row under the cursor */
	TH_MATCH,    /* search matches */
	TH_DROP,     /* a dropped packet */
	TH_DIM,      /* secondary text */
	TH_INFO,     /* the line above the status bar */
	TH_PROMPT,   /* the search prompt */
	TH_STATUS,   /* the status bar */
	TH_MODE,     /* FOLLOW / PAUSED in the status bar */
	TH_ALERT,    /* a non-zero loss counter */
	TH_BOX,      /* help overlay and detail frames */
	TH_KEY,      /* a key name in the help overlay */
	TH_CHANGE,   /* a changed interface or namespace in a flow */
	TH_GOOD,     /* a consumed or transmitted fate */
	TH_MESSAGE,  /* the answer to a key, in the top bar */
	TH__COUNT
};

/* Chooses colors when wanted and the terminal has them (call after the screen is set up). */
void theme_init(bool want_color);
bool theme_colored(void);
attr_t theme_attr(enum theme_elem e);

#endif
