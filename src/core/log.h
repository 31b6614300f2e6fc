/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Messages on stderr. Progress lines carry vista's "2006/01/02 15:04:05"
 * prefix (the Go log format of the original tool); an error is one line
 * "vista: <message>" (or the name log_set_program gave) so scripts and
 * users see exactly one clear reason.
 */
#ifndef VISTA_LOG_H
#define VISTA_LOG_H

#include <stdarg.h>
#include <stdbool.h>

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The name errors start with (default "vista"); name must outlive every log_error call. */
void log_set_program(const char *name);

/* Verbose mode lets libbpf's and the verifier's diagnostics through. */
void log_set_verbose(bool verbose);
bool log_is_verbose(void);

/* Installs the libbpf print callback that honours verbose mode. */
void log_setup_libbpf(void);

#endif
