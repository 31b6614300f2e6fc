/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A recording (vista or vista-top --record) as vista-top's event source:
 * read without root or BPF, named and symbolized from the recording's own
 * tables, timed on the recording's clock and in its time zone, so that a
 * replay looks like the live session did (see event_source.h).
 */
#ifndef VISTA_TUI_REPLAY_SOURCE_H
#define VISTA_TUI_REPLAY_SOURCE_H

#include <stddef.h>

#include "core/record.h"
#include "tui/event_source.h"

/*
 * Opens path (replay_open: a damaged file fails here). Returns 0, or -1
 * with one sentence in err. Events are read as the UI asks for them; the
 * source is inactive after the last one.
 */
int replay_source_open(const char *path, struct event_source **out, char *err, size_t errlen);

/* The recording's description (version, host, kernel, command line). */
const struct record_info *replay_source_info(const struct event_source *src);

#endif
