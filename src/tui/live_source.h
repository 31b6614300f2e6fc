/* SPDX-License-Identifier: GPL-2.0-only */
/* The live event source: a tracing session on the running kernel (see event_source.h). */
#ifndef VISTA_TUI_LIVE_SOURCE_H
#define VISTA_TUI_LIVE_SOURCE_H

#include <stddef.h>

#include "core/session.h"
#include "tui/event_source.h"

/*
 * Opens a session from cfg (its on_event and ctx are the source's own) and
 * reads /proc/kallsyms for stacks and drop locations; without it they show
 * as addresses. cfg's strings must outlive the source.
 * Returns 0, or -1 with one sentence in err; nothing stays attached on failure.
 */
int live_source_open(const struct session_config *cfg, struct event_source **out, char *err, size_t errlen);

#endif
