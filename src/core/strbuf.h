/* SPDX-License-Identifier: GPL-2.0-only */
/* Building a line of text piece by piece in a fixed, caller-provided buffer. */
#ifndef VISTA_STRBUF_H
#define VISTA_STRBUF_H

#include <stddef.h>

/*
 * Appends the formatted text at buf[*off] and advances *off. Never writes
 * past len: text that does not fit is cut, and buf stays NUL-terminated
 * (*off <= len - 1). Start with *off = 0 and buf[0] = '\0'.
 */
void strbuf_appendf(char *buf, size_t len, size_t *off, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
