/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Drops pane: drops by reason and location (the symbol that called
 * kfree_skb) with their counts, most recent on top. Enter opens the flow of
 * the latest drop of the selected row.
 */
#ifndef VISTA_TUI_DROPS_VIEW_H
#define VISTA_TUI_DROPS_VIEW_H

#include "tui/pane.h"

struct pane *drops_view_create(struct app *a);

#endif
