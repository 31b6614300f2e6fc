/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The terminal under curses: vista-top's modes (cbreak, no echo, keypad,
 * non-blocking reads, a short Esc delay), colors and the mouse. The test
 * harness opens a virtual terminal of a fixed size the same way.
 */
#ifndef VISTA_TUI_TERM_H
#define VISTA_TUI_TERM_H

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

#endif
