/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The interface names that `:ifname` can complete to: those of the network
 * namespace a netns filter names, or of vista-top's own namespace.
 */
#ifndef VISTA_TUI_IF_NAMES_H
#define VISTA_TUI_IF_NAMES_H

#include <stddef.h>

#include "filter/filter_set.h"
#include "tui/event_source.h"

/*
 * Fills out with the interfaces of the namespace of fs's netns filter
 * (entered with setns() and left again before returning), or of the
 * caller's own when fs has none; sorted by name, at most
 * EVENT_SOURCE_MAX_IFNAMES. Returns 0, or -1 with one sentence in err.
 */
int if_names_list(const struct filter_set *fs, struct if_name_list *out, char *err, size_t errlen);

#endif
