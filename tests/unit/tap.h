/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal TAP producer for the unit tests (read by automake's tap-driver).
 * Each check prints "ok N - what" or "not ok N - what" with the values that
 * differed; tap_done() prints the plan and returns the exit status.
 */
#ifndef VISTA_TAP_H
#define VISTA_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

__attribute__((format(printf, 2, 3), unused)) static bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

__attribute__((unused)) static void tap_skip(const char *why)
{
	tap_count++;
	printf("ok %d # SKIP %s\n", tap_count, why);
}

#define ok(cond, ...) tap_ok((cond), __VA_ARGS__)

#define is_str(got, want, what)                                                                                 \
	do {                                                                                                    \
		const char *g_ = (got), *w_ = (want);                                                           \
		if (!tap_ok(g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_, "%s", what))                             \
			printf("#   got:  \"%s\"\n#   want: \"%s\"\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
	} while (0)

#define is_int(got, want, what)                                             \
	do {                                                                \
		long long g_ = (long long)(got), w_ = (long long)(want);    \
		if (!tap_ok(g_ == w_, "%s", what))                          \
			printf("#   got:  %lld\n#   want: %lld\n", g_, w_); \
	} while (0)

__attribute__((unused)) static int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
