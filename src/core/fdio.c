// SPDX-License-Identifier: GPL-2.0-only
#include "core/fdio.h"

#include <errno.h>
#include <unistd.h>

int fd_write_all(int fd, const void *buf, size_t len, size_t *written)
{
	const char *p = buf;
	size_t done = 0;
	int err = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			break;
		}
		done += (size_t)n;
	}
	if (written)
		*written = done;
	return err;
}
