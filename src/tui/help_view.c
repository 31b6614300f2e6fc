// SPDX-License-Identifier: GPL-2.0-only
#include "tui/help_view.h"

#include <string.h>

#include "tui/draw.h"
#include "tui/theme.h"

#define KEYS_W 20

const struct help_entry help_entries[] = {
	{ "Tab / Shift-Tab", "next / previous pane (Events Hooks Drops Netfilter TCP)" },
	{ "Up Down  k j", "move the cursor (leaves follow mode)" },
	{ "PgUp PgDn", "move a page" },
	{ "Home g", "first row" },
	{ "End G", "last row; Events: follow new events again" },
	{ "Left Right  h l", "scroll the events or connections sideways" },
	{ "Space", "pause / resume the events view (counting goes on)" },
	{ "t / m", "tuple column / meta column" },
	{ "I / T / S", "iptables / TCP / socket fields of those events" },
	{ "s", "stack detail of the selected event" },
	{ "/  n N", "search (Enter keeps it, Esc cancels); next / previous" },
	{ ":", "filter command line (Tab completes, Up: history)" },
	{ "Enter / Esc", "the flow of the selected skb / back from it" },
	{ "d c a x", "Netfilter: recent drops / count / avg / max cost" },
	{ "L B R E", "TCP: lifetime / bytes / retransmits / latest" },
	{ "? F1", "this help" },
	{ "Ctrl-L", "redraw the screen" },
	{ "q", "quit" },
	{ "mouse", "click: select a row or a pane; wheel: scroll" },
	{ NULL, NULL },
};

int help_view_height(void)
{
	int n = 0;

	while (help_entries[n].keys)
		n++;
	return n + 4; /* frame, title, blank line after the keys, frame */
}

int help_view_width(void)
{
	int w = 0;

	for (int i = 0; help_entries[i].keys; i++) {
		int n = KEYS_W + (int)strlen(help_entries[i].what);

		if (n > w)
			w = n;
	}
	return w + 4;
}

void help_view_draw(WINDOW *w)
{
	int cols = getmaxx(w), rows = getmaxy(w), y = 1;

	for (int i = 0; i < rows; i++)
		draw_fill(w, i, 0, cols, theme_attr(TH_BOX));
	/* ASCII frame: the same on every terminal and locale, and in screen dumps. */
	wattrset(w, theme_attr(TH_BOX));
	wborder(w, '|', '|', '-', '-', '+', '+', '+', '+');
	draw_text(w, 0, 2, cols - 4, " vista-top keys ", theme_attr(TH_KEY));
	for (int i = 0; help_entries[i].keys && y < rows - 1; i++, y++) {
		draw_text(w, y, 2, KEYS_W - 2, help_entries[i].keys, theme_attr(TH_KEY));
		draw_text(w, y, 2 + KEYS_W, cols - 4 - KEYS_W, help_entries[i].what, theme_attr(TH_BOX));
	}
	draw_text(w, rows - 2, 2, cols - 4, "Any key closes this help.", theme_attr(TH_BOX));
}
