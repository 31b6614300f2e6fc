/* SPDX-License-Identifier: GPL-2.0-only */
/* The help overlay ('?' or F1): every key of vista-top, from one table. */
#ifndef VISTA_TUI_HELP_VIEW_H
#define VISTA_TUI_HELP_VIEW_H

#include <curses.h>

struct help_entry {
	const char *keys;
	const char *what;
};

/* The table, ended by an entry with keys == NULL. */
extern const struct help_entry help_entries[];

/* Lines and columns the overlay needs. */
int help_view_height(void);
int help_view_width(void);
/* Draws the overlay into w (a window of at least that size). */
void help_view_draw(WINDOW *w);

#endif
