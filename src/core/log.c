// SPDX-License-Identifier: GPL-2.0-only
#include "core/log.h"

#include <bpf/libbpf.h>
#include <stdio.h>
#include <time.h>

static bool verbose_mode;
static const char *program = "vista";

void log_set_program(const char *name)
{
	program = name;
}

void log_set_verbose(bool verbose)
{
	verbose_mode = verbose;
}

bool log_is_verbose(void)
{
	return verbose_mode;
}

void log_info(const char *fmt, ...)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y/%m/%d %H:%M:%S", &tm);
	fprintf(stderr, "%s ", stamp);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* libbpf's own warnings would add lines to a failure that vista explains in one. */
	if (!verbose_mode)
		return 0;
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

void log_setup_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
