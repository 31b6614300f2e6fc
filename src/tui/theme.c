// SPDX-License-Identifier: GPL-2.0-only
#include "tui/theme.h"

struct elem_style {
	short fg, bg; /* -1: the terminal's default */
	attr_t color_attr;
	attr_t mono_attr; /* the monochrome scheme uses only these */
};

static const struct elem_style styles[TH__COUNT] = {
	[TH_TITLE] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
	[TH_TAB] = { COLOR_WHITE, COLOR_BLUE, 0, A_REVERSE },
	[TH_TAB_ACTIVE] = { COLOR_BLACK, COLOR_CYAN, A_BOLD, A_BOLD },
	[TH_HEADER] = { COLOR_BLACK, COLOR_GREEN, 0, A_UNDERLINE | A_BOLD },
	[TH_ROW] = { -1, -1, 0, 0 },
	[TH_SELECTED] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[TH_MATCH] = { COLOR_BLACK, COLOR_YELLOW, 0, A_UNDERLINE | A_BOLD },
	[TH_DROP] = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[TH_DIM] = { COLOR_BLUE, -1, A_BOLD, A_DIM },
	[TH_INFO] = { -1, -1, 0, 0 },
	[TH_PROMPT] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[TH_STATUS] = { COLOR_BLACK, COLOR_WHITE, 0, A_REVERSE },
	[TH_MODE] = { COLOR_WHITE, COLOR_MAGENTA, A_BOLD, A_BOLD },
	[TH_ALERT] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_UNDERLINE },
	[TH_BOX] = { COLOR_WHITE, COLOR_BLUE, 0, A_REVERSE },
	[TH_KEY] = { COLOR_YELLOW, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD },
	[TH_CHANGE] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[TH_GOOD] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[TH_MESSAGE] = { COLOR_YELLOW, COLOR_BLUE, A_BOLD, A_BOLD },
};

static attr_t attrs[TH__COUNT];
static bool colored;

void theme_init(bool want_color)
{
	bool defaults;

	colored = want_color && has_colors() && start_color() == OK;
	/* -1 is the terminal's own color only where the terminal supports that. */
	defaults = colored && use_default_colors() == OK;
	for (int i = 0; i < TH__COUNT; i++) {
		short fg = styles[i].fg, bg = styles[i].bg;

		if (!colored) {
			attrs[i] = styles[i].mono_attr;
			continue;
		}
		if (styles[i].fg == -1 && styles[i].bg == -1) {
			attrs[i] = styles[i].color_attr;
			continue;
		}
		if (!defaults) {
			fg = fg == -1 ? COLOR_WHITE : fg;
			bg = bg == -1 ? COLOR_BLACK : bg;
		}
		/* Pair 0 is the terminal default: element i uses pair i + 1. */
		init_pair((short)(i + 1), fg, bg);
		attrs[i] = COLOR_PAIR(i + 1) | styles[i].color_attr;
	}
}

bool theme_colored(void)
{
	return colored;
}

attr_t theme_attr(enum theme_elem e)
{
	return e < TH__COUNT ? attrs[e] : 0;
}
