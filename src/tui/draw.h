/* SPDX-License-Identifier: GPL-2.0-only */
/* Drawing helpers: clipped text, blank fills, and rows with search matches highlighted. */
#ifndef VISTA_TUI_DRAW_H
#define VISTA_TUI_DRAW_H

#include <curses.h>
#include <stddef.h>

#include "tui/search.h"

/* Writes at most width bytes of s at (y, x); returns the columns written. */
int draw_text(WINDOW *w, int y, int x, int width, const char *s, attr_t attr);
/* The same for the first n bytes of s. */
int draw_textn(WINDOW *w, int y, int x, int width, const char *s, size_t n, attr_t attr);
/* Blanks width cells at (y, x) in attr. */
void draw_fill(WINDOW *w, int y, int x, int width, attr_t attr);
/*
 * A full-width table row: text from byte hscroll on, padded to the window
 * width in attr, with every match of s (may be NULL) in match_attr.
 */
void draw_row(WINDOW *w, int y, const char *text, size_t len, size_t hscroll, attr_t attr, const struct search *s,
	      attr_t match_attr);
/* Text centred on line y. */
void draw_centered(WINDOW *w, int y, const char *s, attr_t attr);

#endif
