/* SPDX-License-Identifier: GPL-2.0-only */
/* Strict parsers for numbers, durations and marks given on the command line. */
#ifndef VISTA_STRPARSE_H
#define VISTA_STRPARSE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Each returns 0 on success, or -1 with a short reason (no trailing period,
 * e.g. "value out of range (max 65535)") written to err.
 */

/* Decimal, or hexadecimal with 0x; no sign, no trailing garbage, value <= max. */
int parse_u64(const char *s, uint64_t max, uint64_t *out, char *err, size_t errlen);

/* Signed decimal within [min, max]. */
int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out, char *err, size_t errlen);

/*
 * Go time.ParseDuration syntax, non-negative: "300ms", "1.5s", "1m30s",
 * "2h", "10us", "10µs", "100ns", "0". Result in nanoseconds.
 */
int parse_duration_ns(const char *s, uint64_t *out, char *err, size_t errlen);

/* "true"/"false"/"1"/"0"/"t"/"f" (as Go's strconv.ParseBool). */
int parse_bool(const char *s, int *out, char *err, size_t errlen);

/* "VALUE" or "VALUE/MASK" (each decimal or 0x hex, 32-bit); mask defaults to 0xffffffff. */
int parse_mark(const char *s, uint32_t *mark, uint32_t *mask, char *err, size_t errlen);

#endif
