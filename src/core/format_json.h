/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --output-json: an event as one JSON object on one line, with the fields
 * of its text line (format.h) typed: counts, ids, sizes and times are
 * numbers, addresses (IP addresses, kernel pointers) and names are strings,
 * flags are booleans. A field the text line shows is always there, zero or
 * not; the parts the text line shows only with --output-meta, -tuple,
 * -stack, -tcp, -sk and -iptables come with the same options. Names the
 * kernel has none for are the number as a string ("skc_state": "17"), so a
 * field keeps one type. The field names are listed in vista(8), JSON OUTPUT.
 *
 * Strings are escaped so that any byte (a process name is whatever the
 * process set) gives valid JSON: '"', '\\' and control characters as JSON
 * escapes, bytes above 0x7e as \u00XX.
 */
#ifndef VISTA_FORMAT_JSON_H
#define VISTA_FORMAT_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "core/format.h"

/*
 * Writes the object and a newline into buf (NUL-terminated when len > 0)
 * and returns the length the whole text needs, like snprintf. An event of
 * another kind than skb is followed in memory by its kind's struct, as in
 * the ring buffer. st gives the wall clock ("wall_ns").
 */
size_t format_json_event(char *buf, size_t len, const struct vista_event *e, const uint64_t *stack, int nstack,
			 const struct format_names *names, const struct format_opts *o, const struct format_state *st);

#endif
