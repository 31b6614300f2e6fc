// SPDX-License-Identifier: GPL-2.0-only
#include "tui/pane.h"

#include <stdio.h>

#include "tui/keys.h"

bool pane_list_key(int key, size_t n, size_t page, size_t *cursor)
{
	size_t c = *cursor;

	if (page < 1)
		page = 1;
	switch (key) {
	case K_FN(KEY_UP):
	case 'k':
		c = c ? c - 1 : 0;
		break;
	case K_FN(KEY_DOWN):
	case 'j':
		c++;
		break;
	case K_WHEEL_UP:
		c = c > 3 ? c - 3 : 0;
		break;
	case K_WHEEL_DOWN:
		c += 3;
		break;
	case K_FN(KEY_PPAGE):
	case K_CTRL('b'):
		c = c > page ? c - page : 0;
		break;
	case K_FN(KEY_NPAGE):
	case K_CTRL('f'):
		c += page;
		break;
	case K_FN(KEY_HOME):
	case 'g':
		c = 0;
		break;
	case K_FN(KEY_END):
	case 'G':
		c = n;
		break;
	default:
		return false;
	}
	*cursor = n ? (c < n ? c : n - 1) : 0;
	return true;
}

void pane_list_scroll(size_t cursor, size_t visible, size_t *top)
{
	if (visible < 1)
		visible = 1;
	if (cursor < *top)
		*top = cursor;
	else if (cursor >= *top + visible)
		*top = cursor - visible + 1;
}

void pane_list_layout(struct pane_list *l, int y, int lines, size_t n)
{
	l->y = y;
	l->rows = lines > 1 ? (size_t)lines : 1;
	if (n && l->cursor >= n)
		l->cursor = n - 1;
	pane_list_scroll(l->cursor, l->rows, &l->top);
}

bool pane_list_move(struct pane_list *l, int key, size_t n)
{
	if (!pane_list_key(key, n, l->rows, &l->cursor))
		return false;
	pane_list_scroll(l->cursor, l->rows, &l->top);
	return true;
}

bool pane_list_click(struct pane_list *l, int y, size_t n)
{
	size_t k = l->top + (size_t)(y - l->y);

	if (y < l->y || (size_t)(y - l->y) >= l->rows || k >= n)
		return false;
	l->cursor = k;
	return true;
}

void pane_list_position(const struct pane_list *l, size_t n, char *buf, size_t len)
{
	snprintf(buf, len, "%zu/%zu", n ? l->cursor + 1 : 0, n);
}
