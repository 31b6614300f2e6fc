/* SPDX-License-Identifier: GPL-2.0-only */
/* Writing whole buffers to file descriptors (output files, recordings, captures). */
#ifndef VISTA_FDIO_H
#define VISTA_FDIO_H

#include <stddef.h>

/*
 * Writes all len bytes of buf to fd, again after short writes and EINTR.
 * Returns 0, or the errno of the failure (EIO when write() wrote nothing).
 * *written, when not NULL, gets the bytes written before a failure too.
 */
int fd_write_all(int fd, const void *buf, size_t len, size_t *written);

#endif
