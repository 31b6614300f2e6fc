/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The terminal under curses: vista-top's modes (cbreak, no echo, keypad,
 * non-blocking reads, a short Esc delay), colors and the mouse. The test
 * harness opens a virtual terminal of a fixed size the same way.
 */
#ifndef VISTA_TUI_TERM_H
#define VISTA_TUI_TERM_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct term_opts {
	bool color;
	bool mouse;
	const char *term; /* NULL: $TERM */
	FILE *out, *in;   /* NULL: stdout, stdin */
};

/* Returns 0, or -1 with one sentence in err (unknown terminal type ...). */
int term_start(const struct term_opts *o, char *err, size_t errlen);
/* Restores the terminal; safe to call when term_start failed or was not called. */
void term_stop(void);

/*
 * The key codes curses reports for the Alt keys the command line's editor
 * knows (Alt-b, Alt-f, Alt-d, Alt-Backspace, Alt-u/l/c), beyond KEY_MAX.
 * term_alt_code gives the code of Alt and character c, -1 for another c;
 * term_alt_char gives back c from a code, -1 for any other code.
 */
#define TERM_KEY_ALT_BASE (KEY_MAX + 1)
int term_alt_code(int c);
int term_alt_char(int code);

#endif
