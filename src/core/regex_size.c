// SPDX-License-Identifier: GPL-2.0-only
#include "core/regex_size.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Deeper groups than this count as too big: no function name needs them. */
#define GROUP_DEPTH_MAX 64

/*
 * One open group: its size so far, the size of its latest element (what a
 * repetition repeats), how many repetitions that element sits in, and the
 * most any element of the group sits in. And whether it can match the
 * empty string: in its current alternative, every element before the
 * latest one can (prefix_nullable) and the latest one can (last_nullable),
 * or an earlier alternative could.
 */
struct group {
	unsigned long total;
	unsigned long last;
	unsigned int last_depth;
	unsigned int deepest;
	bool prefix_nullable;
	bool last_nullable;
	bool earlier_alt_nullable;
};

/* An empty group or alternative matches the empty string. */
#define GROUP_INIT ((struct group){ 0, 0, 0, 0, true, true, false })

static bool group_nullable(const struct group *g)
{
	return g->earlier_alt_nullable || (g->prefix_nullable && g->last_nullable);
}

/* After "[": the end of the bracket expression ("[]a]", "[^]a]" and "[[:alpha:]]" included). */
static const char *bracket_end(const char *p)
{
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p && *p != ']') {
		if (p[0] == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			char kind = p[1];

			for (p += 2; *p && !(p[0] == kind && p[1] == ']'); p++)
				;
			if (!*p)
				return p;
			p += 2;
			continue;
		}
		p++;
	}
	return *p ? p + 1 : p;
}

/*
 * After "{": how many copies the bound asks for ("{3}" 3, "{2,5}" 5,
 * "{2,}" 3: the operand and a starred copy), at most cap; *end after "}",
 * *min the least count, *unbounded whether it has no most ("{2,}").
 * 0 when it is not a bound, which then is the literal "{".
 */
static unsigned long bound_copies(const char *p, const char **end, unsigned long cap, unsigned long *min,
				  bool *unbounded)
{
	unsigned long lo = 0, hi;
	const char *q = p;

	/* glibc also reads "{,5}" as "{0,5}". */
	if (!isdigit((unsigned char)*q) && *q != ',')
		return 0;
	for (; isdigit((unsigned char)*q); q++)
		lo = lo > cap ? lo : lo * 10 + (unsigned long)(*q - '0');
	hi = lo;
	*unbounded = false;
	if (*q == ',') {
		q++;
		if (isdigit((unsigned char)*q)) {
			for (hi = 0; isdigit((unsigned char)*q); q++)
				hi = hi > cap ? hi : hi * 10 + (unsigned long)(*q - '0');
		} else if (q == p + 1) {
			return 0; /* "{,}" */
		} else {
			hi = lo + 1;
			*unbounded = true;
		}
	}
	if (*q != '}')
		return 0;
	*end = q + 1;
	*min = lo;
	hi = hi > lo ? hi : lo;
	return hi > cap ? cap : (hi ? hi : 1);
}

/*
 * The latest element of g becomes `copies` copies of itself, inside one
 * more repetition of at least min counts (unbounded: with no most).
 * Returns false when that nests repetitions deeper than
 * REGEX_REPEAT_DEPTH_MAX, or repeats without bound an element that can
 * match the empty string.
 */
static bool repeat_last(struct group *g, unsigned long copies, unsigned long min, bool unbounded, unsigned long limit)
{
	unsigned long grown = g->last * copies;

	/* A repetition with nothing before it (after "(" or "|") repeats nothing. */
	if (g->last) {
		if (++g->last_depth > REGEX_REPEAT_DEPTH_MAX ||
		    (g->last_nullable && (unbounded || copies > REGEX_NULLABLE_COPIES_MAX)))
			return false;
		if (min == 0)
			g->last_nullable = true;
	}
	if (g->last_depth > g->deepest)
		g->deepest = g->last_depth;

	/* last <= limit and copies <= limit + 1: the product cannot overflow for any sane limit. */
	g->total = g->total - g->last + grown;
	g->last = grown;
	if (g->total > limit)
		g->total = limit + 1;
	return true;
}

/*
 * An element of size elements that sits in depth repetitions of its own (a
 * group: its deepest), and matches the empty string when nullable.
 */
static void add_element(struct group *g, unsigned long size, unsigned int depth, bool nullable, unsigned long limit)
{
	g->prefix_nullable = g->prefix_nullable && g->last_nullable;
	g->last_nullable = nullable;
	g->total += size;
	g->last = size;
	g->last_depth = depth;
	if (depth > g->deepest)
		g->deepest = depth;
	if (g->total > limit)
		g->total = limit + 1;
}

unsigned long regex_expanded_size(const char *regex, unsigned long limit, bool *stray_close)
{
	struct group stack[GROUP_DEPTH_MAX + 1];
	unsigned int depth = 0;
	const char *p = regex;

	stack[0] = GROUP_INIT;
	if (stray_close)
		*stray_close = false;
	while (*p && stack[0].total <= limit) {
		struct group *g = &stack[depth];
		const char *end;
		unsigned long copies, min = 0;
		bool unbounded = false;

		switch (*p) {
		case '(':
			if (depth == GROUP_DEPTH_MAX)
				return limit + 1;
			stack[++depth] = GROUP_INIT;
			p++;
			break;
		case ')':
			if (depth == 0) {
				if (stray_close)
					*stray_close = true;
				add_element(g, 1, 0, false, limit);
			} else {
				unsigned long size = g->total + 1;
				unsigned int inner = g->deepest;
				bool nullable = group_nullable(g);

				depth--;
				add_element(&stack[depth], size, inner, nullable, limit);
			}
			p++;
			break;
		case '|':
			g->earlier_alt_nullable = group_nullable(g);
			g->prefix_nullable = g->last_nullable = true;
			g->last = 0; /* a repetition right after '|' has nothing to repeat */
			p++;
			break;
		case '+':
			if (!repeat_last(g, 2, 1, true, limit)) /* x+ is compiled as x x* */
				return limit + 1;
			p++;
			break;
		case '*':
		case '?':
			if (!repeat_last(g, 1, 0, *p == '*', limit))
				return limit + 1;
			p++;
			break;
		case '{':
			copies = bound_copies(p + 1, &end, limit + 1, &min, &unbounded);
			if (copies) {
				if (!repeat_last(g, copies, min, unbounded, limit))
					return limit + 1;
				p = end;
			} else {
				add_element(g, 1, 0, false, limit);
				p++;
			}
			break;
		case '[':
			add_element(g, 1, 0, false, limit);
			p = bracket_end(p + 1);
			break;
		case '\\':
			/* glibc's zero-width escapes: word boundaries and buffer ends. */
			add_element(g, 1, 0, p[1] && strchr("bB<>`'", p[1]), limit);
			p += p[1] ? 2 : 1;
			break;
		case '^':
		case '$':
			add_element(g, 1, 0, true, limit);
			p++;
			break;
		default:
			add_element(g, 1, 0, false, limit);
			p++;
			break;
		}
		/* A group's size reaches the outermost one only when it closes: check every open level. */
		for (unsigned int i = 1; i <= depth; i++)
			if (stack[i].total > limit)
				return limit + 1;
	}
	/* Unclosed groups: regcomp() refuses them, but count what they hold. */
	while (depth > 0) {
		unsigned long size = stack[depth].total + 1;
		unsigned int inner = stack[depth].deepest;
		bool nullable = group_nullable(&stack[depth]);

		depth--;
		add_element(&stack[depth], size, inner, nullable, limit);
	}
	return stack[0].total > limit ? limit + 1 : stack[0].total;
}
