// SPDX-License-Identifier: GPL-2.0-only
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create */
#endif
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int fuzz_file(const uint8_t *data, size_t size, char *path, size_t len)
{
	/* One file for the whole run: a new one per input would cost a file descriptor each time. */
	static int fd = -1;
	size_t off = 0;

	if (fd < 0) {
		fd = memfd_create("vista-fuzz", MFD_CLOEXEC);
		if (fd < 0)
			return -1;
	}
	if (ftruncate(fd, 0))
		return -1;
	while (off < size) {
		ssize_t n = pwrite(fd, data + off, size - off, (off_t)off);

		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return 0;
}

void fuzz_check_error(const char *err)
{
	size_t n = strlen(err);

	if (n == 0 || strchr(err, '\n') || err[n - 1] == '.') {
		fprintf(stderr, "not one sentence without a final full stop: \"%s\"\n", err);
		abort();
	}
}
