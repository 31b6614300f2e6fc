/* SPDX-License-Identifier: GPL-2.0-only */
/* Error reporting through a caller-provided buffer, the convention of every parser in vista. */
#ifndef VISTA_ERRMSG_H
#define VISTA_ERRMSG_H

#include <stddef.h>

/* Formats the reason into err (when err and errlen are set) and returns -1. */
int errmsg_set(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
