// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for src/core/regex_size.c, and for the refusal that
 * hooks_regex_compile() builds on it: a short regular expression whose
 * nested repetitions would make regcomp() take gigabytes.
 */
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "core/hooks.h"
#include "core/regex_size.h"
#include "tap.h"

static void size_is(const char *regex, unsigned long want)
{
	unsigned long got = regex_expanded_size(regex, REGEX_SIZE_MAX, NULL);

	ok(got == want, "\"%s\" expands to %lu (got %lu)", regex, want, got);
}

static void test_sizes(void)
{
	bool stray;

	size_is("", 0);
	size_is("kfree_skb", 9);
	size_is("ip_(rcv|output)", 13); /* 3 + group of 9 + the group itself */
	size_is("net_dev_.*", 9);       /* '*' adds nothing */
	size_is("a+", 2);               /* x+ is x x* */
	size_is("a{3}", 3);
	size_is("a{2,5}", 5);
	size_is("a{2,}", 3);
	size_is("a{,4}", 4);
	size_is("(ab){10}", 30); /* (2 + 1) * 10 */
	size_is("[a-z]{4}", 4);  /* a bracket expression is one element */
	size_is("[]{}]{2}", 2);  /* ']' first in brackets is literal */
	size_is("[[:alpha:]]x", 2);
	size_is("\\{3}", 3);                /* an escaped brace starts no bound */
	size_is("a{x}", 4);                 /* not a bound: a literal brace */
	size_is("|{5}", 0);                 /* nothing to repeat after '|' */
	size_is("((a{10}){10}){10}", 1110); /* ((10 + 1) * 10 + 1) * 10 */
	size_is("a{10000}", REGEX_SIZE_MAX);
	size_is("a{10001}", REGEX_SIZE_MAX + 1);
	size_is("((a{100}){100}){200}", REGEX_SIZE_MAX + 1);
	size_is("(a{32767}){32767}", REGEX_SIZE_MAX + 1);
	size_is("a{99999999999999999999}", REGEX_SIZE_MAX + 1); /* no overflow */
	size_is("((((a{12}){12}){12}){12})", REGEX_SIZE_MAX + 1);
	size_is("(((a", 4);                                /* unclosed: counted as far as it goes */
	size_is("a+{2}+{2}", 16);                          /* four repetitions deep: allowed */
	size_is("a+{2}+{2}+", REGEX_SIZE_MAX + 1);         /* five */
	size_is("(((a+){2})+){2}", 30);                    /* four, through groups: (((2 + 1) * 2 + 1) * 2 + 1) * 2 */
	size_is("((((a+){2})+){2})+", REGEX_SIZE_MAX + 1); /* five */
	size_is("(a*b*c*d*e*x)*x+", 9);                    /* side by side, two deep at most */
	size_is("(a+)+|b+", 8);                            /* each alternative on its own: 6 + 2 */
	size_is("a)b", 3);
	ok(regex_expanded_size("(a)", REGEX_SIZE_MAX, &stray) == 2 && !stray, "\"(a)\" has no stray )");
	ok(regex_expanded_size("a)b", REGEX_SIZE_MAX, &stray) == 3 && stray, "\"a)b\" has one");
	ok(regex_expanded_size("\\)[)]", REGEX_SIZE_MAX, &stray) == 2 && !stray,
	   "escaped and bracketed ) are not"); /* a stray ')' is a character */
}

/* Unbounded repetitions of what can match the empty string are refused; everything else is measured. */
static void test_empty_loops(void)
{
	static const char *const refused[] = {
		"(a*)*",     "(a?)+",  "(a{0}){2,}", "(|a)*", "(a|)*",   "(a*b*)*",          "(^)*",
		"($)+",      "(\\b)*", "(\\<){1,}",  "()*",   "(()a*)*", "((a*){10,}){200}", "(tcr|udp)*{,1128}",
		"(a?){101}",
	};
	static const char *const allowed[] = {
		"(a*b)*",  "(a*){3}",   "(a|b)*", "(ab|a*c)+",  "\\w*",       ".*",
		"(a?){5}", "(a?){100}", "(^a)*",  "(a{1}){2,}", "net_dev_.*",
	};

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		size_is(refused[i], REGEX_SIZE_MAX + 1);
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		ok(regex_expanded_size(allowed[i], REGEX_SIZE_MAX, NULL) <= REGEX_SIZE_MAX, "\"%s\" is measured",
		   allowed[i]);
}

static void test_depth(void)
{
	char deep[256];

	memset(deep, '(', 65);
	deep[65] = '\0';
	ok(regex_expanded_size(deep, REGEX_SIZE_MAX, NULL) > REGEX_SIZE_MAX, "65 nested groups count as too big");
	memset(deep, '(', 64);
	deep[64] = 'a';
	memset(deep + 65, ')', 64);
	deep[129] = '\0';
	size_is(deep, 65);
}

static void test_compile(void)
{
	char err[512];
	regex_t re;

	is_int(hooks_regex_compile(&re, "((a{100}){100}){200}", err, sizeof(err)), -1,
	       "hooks_regex_compile refuses a 22-byte expression of 2 million elements");
	is_str(err,
	       "invalid regular expression \"((a{100}){100}){200}\": its repetitions expand to more than 10000 "
	       "elements, nest more than 4 deep, or repeat what can match the empty string without end or more "
	       "than 100 times",
	       "  with the reason");
	/* Found by fuzzing: 4111 elements, but regcomp() took over 10 s on the twelve stacked repetitions. */
	is_int(hooks_regex_compile(&re, "/run*show00}?netnse++?++++++++++", err, sizeof(err)), -1,
	       "twelve repetitions stacked on one letter are refused");
	ok(strstr(err, "nest more than 4 deep") != NULL, "  for their depth");
	/* Found by fuzzing: 4600 elements, but regcomp() took 23 s (without ASan) on the loops of an empty match. */
	is_int(hooks_regex_compile(&re, "((0{0}){10,}){200}", err, sizeof(err)), -1,
	       "an unbounded repetition of what matches only nothing is refused");
	ok(strstr(err, "repeat what can match the empty string without end") != NULL, "  for that");
	/* Found by fuzzing: 1128 copies of a nullable group took 55 ms natively, over 10 s under ASan. */
	is_int(hooks_regex_compile(&re, "(tcr|udp)*{,1128}", err, sizeof(err)), -1,
	       "more than 100 copies of what can match the empty string are refused");
	ok(strstr(err, "or more than 100 times") != NULL, "  for that");
	is_int(hooks_regex_compile(&re, "(tcp|udp)_v[46]_.{1,20}", err, sizeof(err)), 0, "an ordinary one compiles");
	regfree(&re);
	/* Anchored, "^(a{9997})$" is 9997 + the group + "^" and "$": the limit exactly. */
	is_int(hooks_regex_compile(&re, "a{9997}", err, sizeof(err)), 0, "the largest allowed compiles");
	regfree(&re);
	is_int(hooks_regex_compile(&re, "a{9998}", err, sizeof(err)), -1, "one more is refused");
	/* Wrapped as "^(a{1100}){100}){200})$", the user's ")" would repeat the wrapper: 22 million elements. */
	is_int(hooks_regex_compile(&re, "a{1100}){100}){200}", err, sizeof(err)), -1,
	       "a \")\" that repeats the wrapping group is measured as compiled");
	ok(strstr(err, "repetitions expand to more than 10000 elements") != NULL, "  and refused for its size");
	/* "^(a)|(b)$" would match any name that starts with "a". */
	is_int(hooks_regex_compile(&re, "a)|(b", err, sizeof(err)), -1, "a \")\" that closes no group of the user's");
	is_str(err, "invalid regular expression \"a)|(b\": unmatched ) (write \\) for the character)", "  is refused");
	is_int(hooks_regex_compile(&re, "tcp_\\)x[)]", err, sizeof(err)), 0,
	       "an escaped or bracketed ) is a character");
	regfree(&re);
}

int main(void)
{
	test_sizes();
	test_empty_loops();
	test_depth();
	test_compile();
	return tap_done();
}
