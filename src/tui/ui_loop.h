/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vista-top's event loop: one poll() on the terminal and the source's event
 * fd, with the next tick or frame as its timeout. Each pass reads every
 * waiting key and draws its answer at once, then moves one bounded batch of
 * events (so keys are answered under a flood) and draws what changed at
 * most ~30 times a second, each frame with one doupdate().
 */
#ifndef VISTA_TUI_UI_LOOP_H
#define VISTA_TUI_UI_LOOP_H

#include <signal.h>

#include "tui/app.h"

/*
 * Runs until q, a source error (a->error) or *stop (set by a signal
 * handler). The source is drained at least every 100 ms: its fd is only
 * signalled once per batch of events per CPU (wakeup_batch.h). Returns 0, or -1
 * when the app stopped on an error.
 */
int ui_loop_run(struct app *a, volatile sig_atomic_t *stop);

/* CLOCK_MONOTONIC in ns: the clock of the events' timestamps. */
uint64_t ui_loop_now(void);

#endif
