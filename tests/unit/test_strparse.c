// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for the strict command-line parsers of src/core/strparse.c. */
#include <stddef.h> /* strparse.h uses size_t without including it */

#include "core/strparse.h"
#include "tap.h"

static char err[256];

static void u64_ok(const char *s, uint64_t max, uint64_t want)
{
	uint64_t v = 0;
	int rc = parse_u64(s, max, &v, err, sizeof(err));

	is_int(rc, 0, s);
	ok(v == want, "parse_u64(\"%s\") = %llu (want %llu)", s, (unsigned long long)v, (unsigned long long)want);
}

static void u64_bad(const char *s, uint64_t max, const char *want_err)
{
	uint64_t v = 12345;
	char what[128];

	snprintf(what, sizeof(what), "parse_u64(\"%s\") rejected", s);
	err[0] = '\0';
	is_int(parse_u64(s, max, &v, err, sizeof(err)), -1, what);
	is_str(err, want_err, "  with its reason");
	ok(v == 12345, "  output left untouched");
}

static void dur_ok(const char *s, uint64_t want)
{
	uint64_t v = 0;
	int rc = parse_duration_ns(s, &v, err, sizeof(err));

	if (rc)
		printf("# error: %s\n", err);
	ok(rc == 0 && v == want, "duration \"%s\" = %llu ns (got %llu)", s, (unsigned long long)want,
	   (unsigned long long)v);
}

static void dur_bad(const char *s, const char *want_err)
{
	uint64_t v = 777;
	char what[128];

	snprintf(what, sizeof(what), "duration \"%s\" rejected", s);
	err[0] = '\0';
	ok(parse_duration_ns(s, &v, err, sizeof(err)) == -1 && v == 777, "%s", what);
	is_str(err, want_err, "  with its reason");
}

static void test_u64(void)
{
	u64_ok("0", UINT64_MAX, 0);
	u64_ok("443", 65535, 443);
	u64_ok("65535", 65535, 65535);
	u64_ok("0x1bb", 65535, 443);
	u64_ok("0XFF", 65535, 255);
	u64_ok("0xffffffff", UINT32_MAX, UINT32_MAX);
	u64_ok("007", 10, 7); /* decimal, not octal */
	u64_ok("18446744073709551615", UINT64_MAX, UINT64_MAX);

	u64_bad("65536", 65535, "value out of range (max 65535)");
	u64_bad("70000", 65535, "value out of range (max 65535)");
	u64_bad("18446744073709551616", UINT64_MAX, "value out of range (max 18446744073709551615)");
	u64_bad("0x10000000000000000", UINT64_MAX, "value out of range (max 18446744073709551615)");
	u64_bad("", 10, "invalid syntax");
	u64_bad("-1", UINT64_MAX, "invalid syntax");
	u64_bad("+1", UINT64_MAX, "invalid syntax");
	u64_bad(" 1", UINT64_MAX, "invalid syntax");
	u64_bad("1 ", UINT64_MAX, "invalid syntax");
	u64_bad("12abc", UINT64_MAX, "invalid syntax");
	u64_bad("0x", UINT64_MAX, "invalid syntax");
	u64_bad("0xg", UINT64_MAX, "invalid syntax");
	u64_bad("1.5", UINT64_MAX, "invalid syntax");
	u64_bad("99999999999999999999999z", UINT64_MAX, "invalid syntax");

	/* A NULL or zero-sized err buffer must be tolerated. */
	uint64_t v;
	is_int(parse_u64("x", 1, &v, NULL, 0), -1, "parse_u64 with no error buffer");
}

static void test_i64(void)
{
	int64_t v = 0;

	ok(parse_i64("-42", -100, 100, &v, err, sizeof(err)) == 0 && v == -42, "parse_i64(\"-42\") = -42");
	ok(parse_i64("+7", -100, 100, &v, err, sizeof(err)) == 0 && v == 7, "parse_i64(\"+7\") = 7");
	ok(parse_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &v, err, sizeof(err)) == 0 && v == INT64_MIN,
	   "parse_i64 reaches INT64_MIN");
	ok(parse_i64("9223372036854775807", INT64_MIN, INT64_MAX, &v, err, sizeof(err)) == 0 && v == INT64_MAX,
	   "parse_i64 reaches INT64_MAX");
	is_int(parse_i64("9223372036854775808", INT64_MIN, INT64_MAX, &v, err, sizeof(err)), -1,
	       "parse_i64 rejects INT64_MAX + 1");
	is_int(parse_i64("101", -100, 100, &v, err, sizeof(err)), -1, "parse_i64 rejects 101 above max 100");
	is_str(err, "value out of range (min -100, max 100)", "  with the range in the reason");
	is_int(parse_i64("-", -100, 100, &v, err, sizeof(err)), -1, "parse_i64 rejects a lone sign");
	is_str(err, "invalid syntax", "  as a syntax error");
	is_int(parse_i64("4x", -100, 100, &v, err, sizeof(err)), -1, "parse_i64 rejects trailing garbage");
}

static void test_duration(void)
{
	dur_ok("0", 0);
	dur_ok("-0", 0);
	dur_ok("+0", 0);
	dur_ok("0s", 0);
	dur_ok("100ns", 100);
	dur_ok("10us", 10000);
	dur_ok("10\u00b5s", 10000); /* micro sign */
	dur_ok("10\u03bcs", 10000); /* greek mu */
	dur_ok("300ms", 300000000);
	dur_ok("1s", 1000000000);
	dur_ok("1.5s", 1500000000);
	dur_ok(".5s", 500000000);
	dur_ok("5.s", 5000000000ULL);
	dur_ok("1m", 60000000000ULL);
	dur_ok("1m30s", 90000000000ULL);
	dur_ok("2h", 7200000000000ULL);
	dur_ok("1h30m", 5400000000000ULL);
	dur_ok("1.5h", 5400000000000ULL);
	dur_ok("0.1m", 6000000000ULL);
	dur_ok("1h1m1s1ms1us1ns", 3661001001001ULL);
	/* Fractions of a nanosecond are truncated, as Go does. */
	dur_ok("1.9ns", 1);
	dur_ok("0.333333333333333333333333s", 333333333);
	dur_ok("0.0000000019h", 6840);
	dur_ok("0.0000000000003h", 1); /* 1.08 ns */
	dur_ok("9223372036854775807ns", 9223372036854775807ULL);
	dur_ok("2562047h", 9223369200000000000ULL);

	dur_bad("", "invalid duration \"\"");
	dur_bad("5", "missing unit in duration \"5\"");
	dur_bad("1.5", "missing unit in duration \"1.5\"");
	dur_bad("5x", "unknown unit \"x\" in duration \"5x\"");
	dur_bad("1sec", "unknown unit \"sec\" in duration \"1sec\"");
	dur_bad("1S", "unknown unit \"S\" in duration \"1S\"");
	dur_bad("s", "invalid duration \"s\"");
	dur_bad(".s", "invalid duration \".s\"");
	dur_bad("-", "invalid duration \"-\"");
	dur_bad("-1s", "negative duration \"-1s\"");
	dur_bad("1s ", "unknown unit \"s \" in duration \"1s \"");
	dur_bad("9223372036854775808ns", "duration out of range \"9223372036854775808ns\"");
	dur_bad("2562048h", "duration out of range \"2562048h\"");
	dur_bad("2562047h48m", "duration out of range \"2562047h48m\"");
	dur_bad("1\ts", "unknown unit \"\\x09s\" in duration \"1\\x09s\"");
}

static void test_bool(void)
{
	static const char *const yes[] = { "1", "t", "T", "true", "TRUE", "True" };
	static const char *const no[] = { "0", "f", "F", "false", "FALSE", "False" };
	int b;

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		b = 0;
		ok(parse_bool(yes[i], &b, err, sizeof(err)) == 0 && b == 1, "parse_bool(\"%s\") is true", yes[i]);
		b = 1;
		ok(parse_bool(no[i], &b, err, sizeof(err)) == 0 && b == 0, "parse_bool(\"%s\") is false", no[i]);
	}
	is_int(parse_bool("yes", &b, err, sizeof(err)), -1, "parse_bool rejects \"yes\"");
	is_str(err, "invalid syntax", "  as a syntax error");
	is_int(parse_bool("", &b, err, sizeof(err)), -1, "parse_bool rejects \"\"");
	is_int(parse_bool("tRUE", &b, err, sizeof(err)), -1, "parse_bool rejects mixed case \"tRUE\"");
}

static void test_mark(void)
{
	uint32_t mark = 1, mask = 1;

	ok(parse_mark("0x100", &mark, &mask, err, sizeof(err)) == 0 && mark == 0x100 && mask == 0xffffffff,
	   "mark 0x100 gets the full mask");
	ok(parse_mark("42", &mark, &mask, err, sizeof(err)) == 0 && mark == 42 && mask == 0xffffffff,
	   "decimal mark 42");
	ok(parse_mark("0x1/0xff", &mark, &mask, err, sizeof(err)) == 0 && mark == 1 && mask == 0xff, "mark 0x1/0xff");
	ok(parse_mark("0/0xff00", &mark, &mask, err, sizeof(err)) == 0 && mark == 0 && mask == 0xff00, "mark 0/0xff00");
	ok(parse_mark("4294967295", &mark, &mask, err, sizeof(err)) == 0 && mark == UINT32_MAX, "mark 2^32-1");

	mark = 9;
	mask = 9;
	is_int(parse_mark("4294967296", &mark, &mask, err, sizeof(err)), -1, "mark 2^32 rejected");
	is_str(err, "value out of range (max 4294967295)", "  as out of range");
	ok(mark == 9 && mask == 9, "  outputs untouched");
	is_int(parse_mark("0x1/", &mark, &mask, err, sizeof(err)), -1, "empty mask rejected");
	is_str(err, "invalid mask: invalid syntax", "  with the mask named");
	is_int(parse_mark("/0xff", &mark, &mask, err, sizeof(err)), -1, "empty mark rejected");
	is_str(err, "invalid syntax", "  as a syntax error");
	is_int(parse_mark("1/2/3", &mark, &mask, err, sizeof(err)), -1, "two slashes rejected");
	is_int(parse_mark("0x3/0x1", &mark, &mask, err, sizeof(err)), -1, "mark with bits outside its mask rejected");
	is_str(err, "mark 0x3 has bits outside mask 0x1", "  with both values in the reason");
	is_int(parse_mark("", &mark, &mask, err, sizeof(err)), -1, "empty mark text rejected");
}

int main(void)
{
	test_u64();
	test_i64();
	test_duration();
	test_bool();
	test_mark();
	return tap_done();
}
