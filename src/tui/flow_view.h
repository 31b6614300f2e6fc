/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The flow drill-down: one skb's journey (see flow.h) as a table with the
 * time since the first event and between hooks, the interface and network
 * namespace at each hook (a change is marked with '*'), and the fate at the
 * bottom with the drop reason, location and stack. Esc goes back.
 */
#ifndef VISTA_TUI_FLOW_VIEW_H
#define VISTA_TUI_FLOW_VIEW_H

#include <stdint.h>

#include "tui/pane.h"

/* NULL when the store no longer holds seq or memory ran out. */
struct pane *flow_view_create(struct app *a, uint64_t seq);

#endif
