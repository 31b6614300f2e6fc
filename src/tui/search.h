/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The text a user searches for with '/': a plain substring, matched
 * without regard to case unless the pattern has an upper-case letter
 * ("smart case", as in less and vim).
 */
#ifndef VISTA_TUI_SEARCH_H
#define VISTA_TUI_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#define SEARCH_MAX 128 /* bytes of pattern, NUL included */

struct search {
	char pattern[SEARCH_MAX];
	size_t len;
	bool icase;
};

void search_set(struct search *s, const char *pattern);
/* Appends one character (UTF-8 bytes); false when the pattern is full. */
bool search_append(struct search *s, const char *bytes, size_t n);
/* Removes the last character (a whole UTF-8 sequence). */
void search_backspace(struct search *s);
bool search_empty(const struct search *s);

/* Offset of the first match in text at or after from, or -1 (also for an empty pattern). */
long search_in(const struct search *s, const char *text, size_t len, size_t from);

#endif
