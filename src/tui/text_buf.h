/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A bounded line builder for screen text: appends never overflow, the
 * result is always NUL-terminated, and columns are padded by position.
 */
#ifndef VISTA_TUI_TEXT_BUF_H
#define VISTA_TUI_TEXT_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct text_buf {
	char *buf;
	size_t cap; /* including the NUL */
	size_t len;
};

void text_buf_init(struct text_buf *t, char *buf, size_t cap);
void text_buf_put(struct text_buf *t, const char *s, size_t n);
void text_buf_str(struct text_buf *t, const char *s);
void text_buf_printf(struct text_buf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Spaces up to column col (nothing when already there or beyond). */
void text_buf_pad_to(struct text_buf *t, size_t col);
/* s right-aligned in a field of width (longer text is kept whole). */
void text_buf_right(struct text_buf *t, const char *s, size_t width);
/* Appends s with every byte that is not printable ASCII shown as '?'. */
void text_buf_printable(struct text_buf *t, const char *s, size_t n);

#endif
