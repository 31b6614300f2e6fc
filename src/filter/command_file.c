// SPDX-License-Identifier: GPL-2.0-only
/*
 * Filter files: the command language read from a file, one line after the
 * other, applied all at once.
 *
 * The file may come from anywhere (vista runs as root), so it is checked
 * before a line is parsed: a FIFO or a device could block or never end, a
 * huge file could exhaust memory, and binary data is certainly a mistake.
 */
#include "filter/command.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/errmsg.h"

#define WHY_MAX 512

/* Reads at most COMMAND_FILE_MAX + 1 bytes into buf; the count, or -1 with errno set. */
static ssize_t read_all(int fd, char *buf)
{
	size_t got = 0;

	while (got < COMMAND_FILE_MAX + 1) {
		ssize_t n = read(fd, buf + got, COMMAND_FILE_MAX + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* The file's whole text, NUL-terminated, in *text (to free); its size in *size. */
static int read_text(const char *path, char **text, size_t *size, char *err, size_t errlen)
{
	struct stat st;
	ssize_t n;
	char *buf;
	int fd;

	/* Empty until read, so that a caller never walks what a failure left unset. */
	*text = NULL;
	*size = 0;
	if (!*path)
		return errmsg_set(err, errlen, "empty filter file name");
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; the checks below refuse it anyway. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return errmsg_set(err, errlen, "cannot read filter file %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		errmsg_set(err, errlen, "cannot read filter file %s: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		errmsg_set(err, errlen, "cannot read filter file %s: it is a directory", path);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		errmsg_set(err, errlen, "cannot read filter file %s: not a regular file", path);
		goto fail;
	}
	if (st.st_size > COMMAND_FILE_MAX) {
		errmsg_set(err, errlen, "cannot read filter file %s: larger than 1 MiB (%lld bytes)", path,
			   (long long)st.st_size);
		goto fail;
	}
	/* Files under /proc report a size of 0, and a file can grow after fstat(): the read enforces the limit too. */
	buf = malloc(COMMAND_FILE_MAX + 2);
	if (!buf) {
		errmsg_set(err, errlen, "cannot read filter file %s: out of memory", path);
		goto fail;
	}
	n = read_all(fd, buf);
	if (n < 0) {
		errmsg_set(err, errlen, "cannot read filter file %s: %s", path, strerror(errno));
		free(buf);
		goto fail;
	}
	if (n > COMMAND_FILE_MAX) {
		errmsg_set(err, errlen, "cannot read filter file %s: larger than 1 MiB", path);
		free(buf);
		goto fail;
	}
	close(fd);
	buf[n] = '\0';
	*text = buf;
	*size = (size_t)n;
	return 0;
fail:
	close(fd);
	return -1;
}

int command_exec_file(struct filter_set *fs, const char *path, char *err, size_t errlen)
{
	struct filter_set work = *fs;
	char why[WHY_MAX], *text, *line, *eol, *end;
	unsigned int lineno = 1;
	int effects = 0;
	size_t size;

	if (read_text(path, &text, &size, err, errlen))
		return -1;
	end = text + size;
	for (line = text; line < end; line = eol + 1, lineno++) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		int rc;

		eol = nl ? nl : end;

		if (memchr(line, '\0', (size_t)(eol - line))) {
			errmsg_set(err, errlen, "%s:%u: NUL byte: a filter file must be text", path, lineno);
			goto fail;
		}
		*eol = '\0';
		if (eol > line && eol[-1] == '\r')
			eol[-1] = '\0';
		if (strlen(line) > COMMAND_FILE_LINE_MAX) {
			errmsg_set(err, errlen, "%s:%u: line is too long (%zu bytes, max %d)", path, lineno,
				   strlen(line), COMMAND_FILE_LINE_MAX);
			goto fail;
		}
		rc = command_exec(&work, line, why, sizeof(why));
		if (rc < 0) {
			errmsg_set(err, errlen, "%s:%u: %s", path, lineno, why);
			goto fail;
		}
		effects |= rc & COMMAND_SHOW;
	}
	free(text);
	if (memcmp(&work, fs, sizeof(work)) != 0) {
		*fs = work;
		effects |= COMMAND_CHANGED;
	}
	return effects;
fail:
	free(text);
	return -1;
}
