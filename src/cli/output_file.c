// SPDX-License-Identifier: GPL-2.0-only
/* The output of the vista command, with size-based rotation (see output_file.h). */
#include "cli/output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/errmsg.h"
#include "core/fdio.h"

#define BUF_BYTES (64u << 10)

struct output_file {
	int fd;
	char *path; /* NULL: standard output */
	uint64_t max_size, max_backups;
	uint64_t size; /* of the current file, buffered bytes included */
	char *buf;
	size_t len;
	int error;         /* errno of the first failure */
	const char *doing; /* what failed: "write traces to", "rotate" */
};

static int fail(struct output_file *f, char *err, size_t errlen)
{
	if (!f->path)
		return errmsg_set(err, errlen, "cannot write traces to standard output: %s", strerror(f->error));
	return errmsg_set(err, errlen, "cannot %s %s: %s", f->doing, f->path, strerror(f->error));
}

/* Traces can reveal addresses and processes: private by default, and never through a symlink. */
static int open_private(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd, saved;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		errmsg_set(err, errlen, "cannot write traces to %s: it is a directory", path);
		errno = EISDIR;
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0)
		return fd;
	saved = errno;
	errmsg_set(err, errlen, "cannot write traces to %s: %s", path,
		   saved == ELOOP ? "it is a symbolic link, which vista never writes through" : strerror(saved));
	errno = saved; /* rotate() reports it */
	return -1;
}

int output_file_open(const char *path, uint64_t max_size, uint64_t max_backups, struct output_file **out, char *err,
		     size_t errlen)
{
	struct output_file *f;
	int fd = path ? open_private(path, err, errlen) : STDOUT_FILENO;

	*out = NULL;
	if (fd < 0)
		return -1;
	f = calloc(1, sizeof(*f));
	if (!f || (path && !(f->path = strdup(path))) || !(f->buf = malloc(BUF_BYTES))) {
		if (f)
			free(f->path);
		free(f);
		if (path)
			close(fd);
		return errmsg_set(err, errlen, "out of memory");
	}
	f->fd = fd;
	f->max_size = path ? max_size : 0;
	f->max_backups = max_backups;
	f->doing = "write traces to";
	*out = f;
	return 0;
}

static int flush_buf(struct output_file *f)
{
	if (!f->error)
		f->error = fd_write_all(f->fd, f->buf, f->len, NULL);
	f->len = 0;
	return f->error ? -1 : 0;
}

/* "PATH.i", or PATH itself for i = 0. */
static char *numbered(const char *path, uint64_t i)
{
	size_t n = strlen(path) + 24;
	char *s = malloc(n);

	if (s && i)
		snprintf(s, n, "%s.%llu", path, (unsigned long long)i);
	else if (s)
		snprintf(s, n, "%s", path);
	return s;
}

/* Shifts FILE.N-1 -> FILE.N ... FILE -> FILE.1 (FILE.N, the oldest, goes) and starts a new FILE. */
static int rotate(struct output_file *f)
{
	char why[256];
	int fd;

	if (flush_buf(f))
		return -1;
	f->doing = "rotate";
	if (close(f->fd)) {
		f->fd = -1;
		f->error = errno;
		return -1;
	}
	f->fd = -1;
	for (uint64_t i = f->max_backups; i > 0; i--) {
		char *from = numbered(f->path, i - 1), *to = numbered(f->path, i);
		int rc = from && to ? rename(from, to) : -1;

		if (rc && (!from || !to || errno != ENOENT))
			f->error = from && to ? errno : ENOMEM;
		free(from);
		free(to);
		if (f->error)
			return -1;
	}
	fd = open_private(f->path, why, sizeof(why));
	if (fd < 0) {
		f->error = errno;
		return -1;
	}
	f->fd = fd;
	f->size = 0;
	f->doing = "write traces to";
	return 0;
}

int output_file_write(struct output_file *f, const char *text, size_t n, char *err, size_t errlen)
{
	if (f->error)
		return fail(f, err, errlen);
	if (f->max_size && f->size && f->size + n > f->max_size && rotate(f))
		return fail(f, err, errlen);
	if (n > BUF_BYTES - f->len && flush_buf(f))
		return fail(f, err, errlen);
	if (n > BUF_BYTES) {
		/* Longer than the buffer (a huge stack): written at once. */
		size_t written;

		f->error = fd_write_all(f->fd, text, n, &written);
		f->size += written;
		return f->error ? fail(f, err, errlen) : 0;
	}
	memcpy(f->buf + f->len, text, n);
	f->len += n;
	f->size += n;
	return 0;
}

int output_file_flush(struct output_file *f, char *err, size_t errlen)
{
	return flush_buf(f) ? fail(f, err, errlen) : 0;
}

bool output_file_reader_gone(const struct output_file *f)
{
	return f->error == EPIPE;
}

int output_file_fd(const struct output_file *f)
{
	return f->fd;
}

int output_file_close(struct output_file *f, char *err, size_t errlen)
{
	int rc = 0;

	if (!f)
		return 0;
	flush_buf(f);
	if (f->path && f->fd >= 0 && close(f->fd) && !f->error)
		f->error = errno;
	if (f->error)
		rc = fail(f, err, errlen);
	free(f->buf);
	free(f->path);
	free(f);
	return rc;
}
