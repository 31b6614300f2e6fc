/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Hooks pane: every attached hook with its events in total, its rate
 * over the last second and when it was last seen; busiest first.
 */
#ifndef VISTA_TUI_HOOKS_VIEW_H
#define VISTA_TUI_HOOKS_VIEW_H

#include "tui/pane.h"

struct pane *hooks_view_create(struct app *a);

#endif
