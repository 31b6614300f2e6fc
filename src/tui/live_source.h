/* SPDX-License-Identifier: GPL-2.0-only */
/* The live event source: a tracing session on the running kernel (see event_source.h). */
#ifndef VISTA_TUI_LIVE_SOURCE_H
#define VISTA_TUI_LIVE_SOURCE_H

#include <stddef.h>

#include "core/record.h"
#include "core/session.h"
#include "tui/event_source.h"

/* --record: where the events consumed also go. */
struct live_record {
	struct record_writer *writer; /* opened by the caller, taken over by the source */
	const struct record_info *info;
};

/*
 * Opens a session from cfg (its on_event and ctx are the source's own) and
 * reads /proc/kallsyms for stacks and drop locations; without it they show
 * as addresses. cfg's strings must outlive the source.
 * With rec (may be NULL), every event consumed is recorded too, with its
 * stack, names and symbols, and times count from the recording's start.
 * A recording that fails to write makes the next consume fail with the
 * reason. Returns 0, or -1 with one sentence in err; nothing stays
 * attached on failure, and rec's writer is closed.
 */
int live_source_open(const struct session_config *cfg, const struct live_record *rec, struct event_source **out,
		     char *err, size_t errlen);

/*
 * Ends the recording (if any) with the kernel's lost count: returns 0, or -1
 * with one sentence in err when it could not be written completely.
 * event_source_close ends it too, but silently.
 */
int live_source_end_record(struct event_source *src, char *err, size_t errlen);

#endif
