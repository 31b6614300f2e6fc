// SPDX-License-Identifier: GPL-2.0-only
#include "tui/draw.h"

#include <string.h>

int draw_textn(WINDOW *w, int y, int x, int width, const char *s, size_t n, attr_t attr)
{
	if (width <= 0)
		return 0;
	if (n > (size_t)width)
		n = (size_t)width;
	wattrset(w, attr);
	mvwaddnstr(w, y, x, s, (int)n);
	wattrset(w, A_NORMAL);
	return (int)n;
}

int draw_text(WINDOW *w, int y, int x, int width, const char *s, attr_t attr)
{
	return draw_textn(w, y, x, width, s, strlen(s), attr);
}

void draw_fill(WINDOW *w, int y, int x, int width, attr_t attr)
{
	if (width <= 0)
		return;
	wattrset(w, attr);
	mvwhline(w, y, x, ' ', width);
	wattrset(w, A_NORMAL);
}

void draw_row(WINDOW *w, int y, const char *text, size_t len, size_t hscroll, attr_t attr, const struct search *s,
	      attr_t match_attr)
{
	int cols = getmaxx(w);
	size_t end = hscroll + (size_t)cols;
	size_t pos = 0;

	draw_fill(w, y, 0, cols, attr);
	if (end > len)
		end = len;
	if (hscroll < end) {
		wattrset(w, attr);
		mvwaddnstr(w, y, 0, text + hscroll, (int)(end - hscroll));
	}
	/* Matches, including one that starts left of the view and reaches into it. */
	while (s) {
		long m = search_in(s, text, len, pos);
		size_t a, b;

		if (m < 0)
			break;
		a = (size_t)m;
		b = a + s->len;
		pos = a + 1;
		if (b <= hscroll)
			continue;
		if (a >= end)
			break;
		if (a < hscroll)
			a = hscroll;
		if (b > end)
			b = end;
		wattrset(w, match_attr);
		mvwaddnstr(w, y, (int)(a - hscroll), text + a, (int)(b - a));
	}
	wattrset(w, A_NORMAL);
}

void draw_centered(WINDOW *w, int y, const char *s, attr_t attr)
{
	int cols = getmaxx(w), n = (int)strlen(s);

	if (n > cols)
		n = cols;
	draw_text(w, y, (cols - n) / 2, n, s, attr);
}
