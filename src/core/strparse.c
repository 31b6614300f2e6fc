// SPDX-License-Identifier: GPL-2.0-only
/*
 * Strict parsers for command-line values.
 *
 * strtoull() and friends accept leading spaces, signs ("-1" wraps to
 * UINT64_MAX) and trailing garbage, so every parser here walks the digits
 * itself and rejects anything that is not exactly a number.
 */
#include <stddef.h> /* strparse.h uses size_t without including it */

#include "core/strparse.h"
#include "core/errmsg.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define DURATION_MAX_NS ((uint64_t)INT64_MAX) /* Go's time.Duration is an int64 */

/*
 * Copies s into buf for an error message, escaping quotes, backslashes and
 * control bytes so that a hostile argument cannot rewrite the terminal.
 * Bytes >= 0x80 pass through so that "µs" stays readable.
 */
static const char *quote(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 5 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o] = '\0';
	return buf;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int parse_u64(const char *s, uint64_t max, uint64_t *out, char *err, size_t errlen)
{
	unsigned int base = 10;
	bool too_big = false;
	uint64_t v = 0;

	if (!s || !*s)
		return errmsg_set(err, errlen, "invalid syntax");
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return errmsg_set(err, errlen, "invalid syntax");
	}
	for (; *s; s++) {
		int d = hex_digit(*s);

		if (d < 0 || (unsigned int)d >= base)
			return errmsg_set(err, errlen, "invalid syntax");
		/* Keep scanning after an overflow: "99999999999999999999x" is a syntax error, not a range one. */
		if (v > (UINT64_MAX - (unsigned int)d) / base)
			too_big = true;
		else
			v = v * base + (unsigned int)d;
	}
	if (too_big || v > max)
		return errmsg_set(err, errlen, "value out of range (max %llu)", (unsigned long long)max);
	*out = v;
	return 0;
}

int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out, char *err, size_t errlen)
{
	bool neg = false, too_big = false;
	uint64_t mag = 0;
	int64_t v;

	if (!s)
		return errmsg_set(err, errlen, "invalid syntax");
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (!*s)
		return errmsg_set(err, errlen, "invalid syntax");
	for (; *s; s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (*s < '0' || *s > '9')
			return errmsg_set(err, errlen, "invalid syntax");
		if (mag > (UINT64_MAX - d) / 10)
			too_big = true;
		else
			mag = mag * 10 + d;
	}
	/* The magnitude of INT64_MIN is INT64_MAX + 1. */
	if (too_big || mag > (uint64_t)INT64_MAX + neg)
		goto range;
	if (neg)
		v = mag ? -(int64_t)(mag - 1) - 1 : 0;
	else
		v = (int64_t)mag;
	if (v < min || v > max)
		goto range;
	*out = v;
	return 0;
range:
	return errmsg_set(err, errlen, "value out of range (min %lld, max %lld)", (long long)min, (long long)max);
}

/*
 * Every Go duration unit is M * 10^E nanoseconds with M in {1, 6, 36}: that
 * lets the fraction be applied by moving the decimal point, without the
 * rounding of floating point.
 */
struct duration_unit {
	const char *name;
	uint64_t mult;
	unsigned int exp10;
};

static const struct duration_unit duration_units[] = {
	{ "ns", 1, 0 },      { "us", 1, 3 }, { "\u00b5s", 1, 3 }, /* U+00B5 MICRO SIGN */
	{ "\u03bcs", 1, 3 },                                      /* U+03BC GREEK SMALL LETTER MU */
	{ "ms", 1, 6 },      { "s", 1, 9 },  { "m", 6, 10 },      { "h", 36, 11 },
};

static const struct duration_unit *find_unit(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(duration_units) / sizeof(duration_units[0]); i++)
		if (strlen(duration_units[i].name) == len && memcmp(duration_units[i].name, name, len) == 0)
			return &duration_units[i];
	return NULL;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Value in nanoseconds of the number int_digits.frac_digits times unit u,
 * truncated toward zero like Go; false when it exceeds DURATION_MAX_NS.
 */
static bool scale_component(const char *int_digits, size_t n_int, const char *frac_digits, size_t n_frac,
			    const struct duration_unit *u, uint64_t *out)
{
	uint64_t whole = 0, rest = 0, rest_scale = 1, v;

	/* whole = the number times 10^exp10, without its remaining fraction. */
	for (size_t i = 0; i < n_int + u->exp10; i++) {
		unsigned int d;

		if (i < n_int)
			d = (unsigned int)(int_digits[i] - '0');
		else
			d = i - n_int < n_frac ? (unsigned int)(frac_digits[i - n_int] - '0') : 0;
		if (whole > (DURATION_MAX_NS - d) / 10)
			return false;
		whole = whole * 10 + d;
	}
	if (whole > DURATION_MAX_NS / u->mult)
		return false;
	v = whole * u->mult;

	/*
	 * The digits left over are worth less than M nanoseconds in total; 17 of
	 * them keep 36 * rest below 2^63 and are more than enough for one ns.
	 */
	for (size_t i = u->exp10; i < n_frac && rest_scale < 100000000000000000ULL; i++) {
		rest = rest * 10 + (unsigned int)(frac_digits[i] - '0');
		rest_scale *= 10;
	}
	rest = rest * u->mult / rest_scale;
	if (v > DURATION_MAX_NS - rest)
		return false;
	*out = v + rest;
	return true;
}

int parse_duration_ns(const char *s, uint64_t *out, char *err, size_t errlen)
{
	char q[128], uq[64];
	const char *p = s;
	uint64_t total = 0;
	bool neg = false;

	if (!s)
		return errmsg_set(err, errlen, "invalid duration \"\"");
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (strcmp(p, "0") == 0) {
		*out = 0;
		return 0;
	}
	if (!*p)
		return errmsg_set(err, errlen, "invalid duration \"%s\"", quote(s, q, sizeof(q)));

	while (*p) {
		const char *int_digits = p, *frac_digits = NULL, *unit;
		size_t n_int, n_frac = 0;
		const struct duration_unit *u;
		uint64_t v;

		while (is_digit(*p))
			p++;
		n_int = (size_t)(p - int_digits);
		if (*p == '.') {
			frac_digits = ++p;
			while (is_digit(*p))
				p++;
			n_frac = (size_t)(p - frac_digits);
		}
		if (n_int == 0 && n_frac == 0)
			return errmsg_set(err, errlen, "invalid duration \"%s\"", quote(s, q, sizeof(q)));

		unit = p;
		while (*p && *p != '.' && !is_digit(*p))
			p++;
		if (p == unit)
			return errmsg_set(err, errlen, "missing unit in duration \"%s\"", quote(s, q, sizeof(q)));
		u = find_unit(unit, (size_t)(p - unit));
		if (!u) {
			char name[64];
			size_t n = (size_t)(p - unit) < sizeof(name) - 1 ? (size_t)(p - unit) : sizeof(name) - 1;

			memcpy(name, unit, n);
			name[n] = '\0';
			return errmsg_set(err, errlen, "unknown unit \"%s\" in duration \"%s\"",
					  quote(name, uq, sizeof(uq)), quote(s, q, sizeof(q)));
		}
		if (!scale_component(int_digits, n_int, frac_digits, n_frac, u, &v) || total > DURATION_MAX_NS - v)
			return errmsg_set(err, errlen, "duration out of range \"%s\"", quote(s, q, sizeof(q)));
		total += v;
	}
	if (neg && total)
		return errmsg_set(err, errlen, "negative duration \"%s\"", quote(s, q, sizeof(q)));
	*out = total;
	return 0;
}

int parse_bool(const char *s, int *out, char *err, size_t errlen)
{
	static const char *const yes[] = { "1", "t", "T", "true", "TRUE", "True" };
	static const char *const no[] = { "0", "f", "F", "false", "FALSE", "False" };

	for (size_t i = 0; s && i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return errmsg_set(err, errlen, "invalid syntax");
}

int parse_mark(const char *s, uint32_t *mark, uint32_t *mask, char *err, size_t errlen)
{
	const char *slash = s ? strchr(s, '/') : NULL;
	uint64_t v = 0, m = UINT32_MAX;
	char why[64], head[32];

	if (!s)
		return errmsg_set(err, errlen, "invalid syntax");
	if (slash) {
		size_t n = (size_t)(slash - s);

		/* Longer than any 32-bit number can be written: certainly invalid. */
		if (n >= sizeof(head))
			return errmsg_set(err, errlen, "invalid syntax");
		memcpy(head, s, n);
		head[n] = '\0';
		if (parse_u64(slash + 1, UINT32_MAX, &m, why, sizeof(why)))
			return errmsg_set(err, errlen, "invalid mask: %s", why);
		s = head;
	}
	if (parse_u64(s, UINT32_MAX, &v, err, errlen))
		return -1;
	/* (skb->mark & mask) == mark can never hold then: almost certainly a typo. */
	if (v & ~m)
		return errmsg_set(err, errlen, "mark 0x%llx has bits outside mask 0x%llx", (unsigned long long)v,
				  (unsigned long long)m);
	*mark = (uint32_t)v;
	*mask = (uint32_t)m;
	return 0;
}
