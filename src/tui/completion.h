/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tab completion on the `:` command line: a command name where a command
 * starts, an interface name after `ifname` (those of the namespace the
 * line's or the active netns filter names), a filter name after `clear`.
 * Values of other commands (addresses, pcap expressions ...) are not
 * completed.
 */
#ifndef VISTA_TUI_COMPLETION_H
#define VISTA_TUI_COMPLETION_H

#include <stddef.h>

#include "tui/event_source.h"

#define COMPLETION_MAX EVENT_SOURCE_MAX_IFNAMES

struct completion {
	const char
	    *what; /* what the word is: "command", "interface", "filter", "value"; NULL when nothing completes there */
	size_t word; /* where the word starts in the line */
	size_t n;    /* candidates that start with the word */
	char cand[COMPLETION_MAX][VISTA_IFNAME_LEN];
	/* What Tab inserts at the cursor: the rest the candidates share, and a blank after the only one. */
	char insert[VISTA_IFNAME_LEN + 1];
};

/*
 * Completes the word that ends at byte cursor of line, under the filters
 * of src. Returns 0 (out->n may be 0), or -1 with one sentence in err when
 * the interfaces could not be listed.
 */
int completion_complete(const char *line, size_t cursor, const struct event_source *src, struct completion *out,
			char *err, size_t errlen);

#endif
