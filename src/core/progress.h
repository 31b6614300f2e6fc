/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A progress bar on stderr for long attach and detach runs ("Attaching
 * 812 / 1472 [=======>      ] 55%"). Drawn only when stderr is a
 * terminal: in a pipe or a file it would be noise between the log lines
 * that scripts read, so there it prints nothing.
 */
#ifndef VISTA_PROGRESS_H
#define VISTA_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct progress;

/*
 * Starts a bar of total steps labelled what ("Attaching"), on out when
 * force or out is a terminal. Returns NULL (a bar that draws nothing, safe
 * to pass to the others) when there is nothing to draw or no memory.
 */
struct progress *progress_start(FILE *out, bool force, const char *what, size_t total);

/* One more step done; safe from several threads. Redraws at most every 100 ms. */
void progress_step(struct progress *p);

/* Draws the final state, ends the line and frees the bar. Safe on NULL. */
void progress_done(struct progress *p);

/* The bar's text for done of total steps in width columns of bar (for tests). */
void progress_format(char *buf, size_t len, const char *what, size_t done, size_t total, unsigned int width);

#endif
