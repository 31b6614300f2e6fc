/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How big a POSIX extended regular expression becomes once compiled.
 *
 * glibc's regcomp() copies a bounded repetition's operand once per count,
 * so nested bounds multiply: "((a{100}){100}){200}" is two million nodes
 * and close to a gigabyte of memory, from a 22-byte --filter-func value.
 * vista runs as root on production machines; it measures a user's
 * expression before handing it to regcomp().
 */
#ifndef VISTA_REGEX_SIZE_H
#define VISTA_REGEX_SIZE_H

#include <stdbool.h>
#include <stddef.h>

/* More than any function-name pattern needs, and a few megabytes compiled. */
#define REGEX_SIZE_MAX 10000

/*
 * Repetitions inside repetitions ("((a+)*)?", or "a++?+" stacked): glibc's
 * regcomp() takes time that grows far faster than the expression's size
 * with each level (twelve stacked "+" on one letter took over 10 s under
 * ASan, in 4096 elements). No function-name pattern needs more than this.
 */
#define REGEX_REPEAT_DEPTH_MAX 4

/*
 * A repetition with no most (*, +, {n,}) of something that can match the
 * empty string ("(a*)*", "(a?)+", "(a{0}){2,}", "(^)*"): glibc's regcomp()
 * takes time that grows far faster than the expression's size when such
 * loops are copied ("((a*){10,}){200}", 5,000 elements, took 10 s, and
 * "((0{0}){10,}){200}" 23 s, without ASan). The expression means the same
 * without the loop, so it is refused whatever its size. So is a bounded
 * repetition of more than REGEX_NULLABLE_COPIES_MAX copies of such a thing
 * ("(tcr|udp)*{,1128}" timed out the fuzzer under ASan).
 */
#define REGEX_NULLABLE_COPIES_MAX 100

/*
 * The number of elements (characters, bracket expressions, groups) the
 * expression expands to, counting each repetition bound's copies; any
 * value above limit, any repetition nested more than
 * REGEX_REPEAT_DEPTH_MAX deep, and any unbounded repetition of something
 * that can match the empty string, is returned as limit + 1. Malformed expressions are
 * measured as far as they go: regcomp() is the one that refuses them. A ")"
 * that closes no group is a character to glibc; *stray_close (if not NULL)
 * says whether there was one, which in an expression wrapped in a group
 * means the user's text closed the wrapper.
 */
unsigned long regex_expanded_size(const char *regex, unsigned long limit, bool *stray_close);

#endif /* VISTA_REGEX_SIZE_H */
