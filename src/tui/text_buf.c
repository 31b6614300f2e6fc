// SPDX-License-Identifier: GPL-2.0-only
#include "tui/text_buf.h"

#include <stdio.h>
#include <string.h>

void text_buf_init(struct text_buf *t, char *buf, size_t cap)
{
	t->buf = buf;
	t->cap = cap;
	t->len = 0;
	if (cap)
		buf[0] = '\0';
}

void text_buf_put(struct text_buf *t, const char *s, size_t n)
{
	size_t room;

	if (!t->cap || t->len + 1 >= t->cap)
		return;
	room = t->cap - 1 - t->len;
	if (n > room)
		n = room;
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

void text_buf_str(struct text_buf *t, const char *s)
{
	text_buf_put(t, s, strlen(s));
}

void text_buf_printf(struct text_buf *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!t->cap || t->len + 1 >= t->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len = t->len + (size_t)n < t->cap ? t->len + (size_t)n : t->cap - 1;
}

void text_buf_pad_to(struct text_buf *t, size_t col)
{
	static const char spaces[] = "                                ";

	while (t->len < col && t->len + 1 < t->cap) {
		size_t n = col - t->len < sizeof(spaces) - 1 ? col - t->len : sizeof(spaces) - 1;

		text_buf_put(t, spaces, n);
	}
}

void text_buf_right(struct text_buf *t, const char *s, size_t width)
{
	size_t n = strlen(s);

	if (n < width)
		text_buf_pad_to(t, t->len + width - n);
	text_buf_put(t, s, n);
}

void text_buf_printable(struct text_buf *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		char c = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';

		text_buf_put(t, &c, 1);
	}
}
