/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Events pane: the live table, one row per event. It follows the newest
 * event until the cursor moves (End or G follows again), pauses on Space
 * while counting goes on, toggles the tuple/meta columns (t, m) and a detail
 * area with the symbolized stack of the selected event (s), searches with
 * '/', n and N, and opens the selected skb's flow on Enter.
 */
#ifndef VISTA_TUI_EVENTS_VIEW_H
#define VISTA_TUI_EVENTS_VIEW_H

#include <stdbool.h>

#include "tui/pane.h"
#include "tui/row_format.h"

struct pane *events_view_create(struct app *a, const struct row_style *style, bool detail);

/* "FOLLOW", "PAUSED" or "BROWSE", for the status bar. */
const char *events_view_mode(const struct pane *p);

#endif
