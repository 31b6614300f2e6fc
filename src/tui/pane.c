// SPDX-License-Identifier: GPL-2.0-only
#include "tui/pane.h"

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
