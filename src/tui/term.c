// SPDX-License-Identifier: GPL-2.0-only
#include "tui/term.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>

#include "tui/theme.h"

#define ESC_DELAY_MS 25 /* a bare Esc is seen at once; escape sequences arrive faster */

static SCREEN *screen;

/*
 * The Alt keys of the command line's editor (word moves and edits), and
 * Ctrl-Left/Right as Alt-b/Alt-f. Terminals send Alt-x as Esc x in one
 * write; curses joins the two only when they come within the Esc delay,
 * so that Esc typed before a key stays Esc.
 */
static const char alt_chars[] = "bfdulc\177\010";

int term_alt_code(int c)
{
	return c > 0 && c < 128 && strchr(alt_chars, c) ? TERM_KEY_ALT_BASE + c : -1;
}

int term_alt_char(int code)
{
	int c = code - TERM_KEY_ALT_BASE;

	return c > 0 && c < 128 && strchr(alt_chars, c) ? c : -1;
}

static void define_alt_keys(void)
{
	char seq[3] = "\033";

	for (const char *c = alt_chars; *c; c++) {
		seq[1] = *c;
		define_key(seq, term_alt_code(*c));
	}
	define_key("\033[1;5D", term_alt_code('b'));
	define_key("\033[1;5C", term_alt_code('f'));
}

/*
 * Home, End and Shift-Tab as terminals send them whatever their terminfo
 * entry says (tmux and screen send \E[1~ for Home even when TERM claims an
 * xterm): recognise the usual forms too.
 */
static void define_keys(void)
{
	static const struct {
		const char *seq;
		int key;
	} keys[] = {
		{ "\033[1~", KEY_HOME }, { "\033[7~", KEY_HOME }, { "\033[H", KEY_HOME },
		{ "\033OH", KEY_HOME },  { "\033[4~", KEY_END },  { "\033[8~", KEY_END },
		{ "\033[F", KEY_END },   { "\033OF", KEY_END },   { "\033[Z", KEY_BTAB },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		define_key(keys[i].seq, keys[i].key);
	define_alt_keys();
}

int term_start(const struct term_opts *o, char *err, size_t errlen)
{
	const char *term = o->term ? o->term : getenv("TERM");
	int known = 0;

	if (!term || !*term) {
		snprintf(err, errlen, "cannot start the screen: TERM is not set");
		return -1;
	}
	/*
	 * Ask terminfo first: newterm returns NULL for an unknown terminal too,
	 * but leaks what it had set up for it; setupterm does not.
	 */
	if (setupterm(term, fileno(o->out ? o->out : stdout), &known) != OK) {
		snprintf(err, errlen, "cannot start the screen: unknown terminal type \"%s\"", term);
		return -1;
	}
	del_curterm(cur_term);
	/* newterm, unlike initscr, returns an error instead of exiting the process. */
	screen = newterm(term, o->out ? o->out : stdout, o->in ? o->in : stdin);
	if (!screen) {
		snprintf(err, errlen, "cannot start the screen: unknown terminal type \"%s\"", term);
		return -1;
	}
	set_term(screen);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	define_keys();
	nodelay(stdscr, TRUE);
	set_escdelay(ESC_DELAY_MS);
	curs_set(0);
	theme_init(o->color);
	if (o->mouse) {
		mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
		/* No click detection delay: a press is a click. */
		mouseinterval(0);
	}
	/* stdscr is only drawn on when the terminal is too small; it must not be refreshed over the panes. */
	wnoutrefresh(stdscr);
	return 0;
}

void term_stop(void)
{
	if (!screen)
		return;
	endwin();
	delscreen(screen);
	screen = NULL;
}
