/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where vista writes its lines (text or JSON): standard output, or
 * --output-file, created with mode 0600 and never through a symbolic link,
 * and rotated by size like logrotate does when --output-file-max-size is
 * given: before a line that would take FILE past the size, FILE.N-1 becomes
 * FILE.N (the oldest, FILE.N, is removed), ..., FILE becomes FILE.1, and a
 * new FILE is started, so that at most --output-file-max-backups old files
 * stay. A line is never split across two files.
 *
 * Output is buffered and reaches the file at output_file_flush (once per
 * batch of events) or when the buffer fills. After a failure every call
 * fails the same way: the caller stops at the first one.
 */
#ifndef VISTA_OUTPUT_FILE_H
#define VISTA_OUTPUT_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct output_file;

/* path NULL: standard output (never rotated). Returns 0, or -1 with one sentence in err. */
int output_file_open(const char *path, uint64_t max_size, uint64_t max_backups, struct output_file **out, char *err,
		     size_t errlen);

/* Appends one whole line (or lines that belong together, as an event and its stack). */
int output_file_write(struct output_file *f, const char *text, size_t n, char *err, size_t errlen);
int output_file_flush(struct output_file *f, char *err, size_t errlen);

/* Whether the last failure was the reader of a pipe going away (EPIPE: vista | head). */
bool output_file_reader_gone(const struct output_file *f);

/* The descriptor written to (to tell whether another output is the same file). */
int output_file_fd(const struct output_file *f);

/* Flushes, closes (not standard output) and frees f; NULL is fine. 0, or -1 with err. */
int output_file_close(struct output_file *f, char *err, size_t errlen);

#endif
