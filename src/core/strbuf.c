// SPDX-License-Identifier: GPL-2.0-only
#include "core/strbuf.h"

#include <stdarg.h>
#include <stdio.h>

void strbuf_appendf(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off + 1 >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*off = *off + (size_t)n < len ? *off + (size_t)n : len - 1;
}
