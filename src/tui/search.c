// SPDX-License-Identifier: GPL-2.0-only
#include "tui/search.h"

#include <ctype.h>
#include <string.h>

static void update_case(struct search *s)
{
	s->icase = true;
	for (size_t i = 0; i < s->len; i++)
		if (isupper((unsigned char)s->pattern[i]))
			s->icase = false;
}

void search_set(struct search *s, const char *pattern)
{
	size_t n = strlen(pattern);

	if (n >= SEARCH_MAX)
		n = SEARCH_MAX - 1;
	memcpy(s->pattern, pattern, n);
	s->pattern[n] = '\0';
	s->len = n;
	update_case(s);
}

bool search_append(struct search *s, const char *bytes, size_t n)
{
	if (s->len + n >= SEARCH_MAX)
		return false;
	memcpy(s->pattern + s->len, bytes, n);
	s->len += n;
	s->pattern[s->len] = '\0';
	update_case(s);
	return true;
}

void search_backspace(struct search *s)
{
	/* Back over UTF-8 continuation bytes to the start of the character. */
	while (s->len && ((unsigned char)s->pattern[s->len - 1] & 0xc0) == 0x80)
		s->len--;
	if (s->len)
		s->len--;
	s->pattern[s->len] = '\0';
	update_case(s);
}

bool search_empty(const struct search *s)
{
	return s->len == 0;
}

long search_in(const struct search *s, const char *text, size_t len, size_t from)
{
	if (!s->len || len < s->len)
		return -1;
	for (size_t i = from; i + s->len <= len; i++) {
		size_t k = 0;

		if (s->icase) {
			while (k < s->len &&
			       tolower((unsigned char)text[i + k]) == tolower((unsigned char)s->pattern[k]))
				k++;
		} else {
			while (k < s->len && text[i + k] == s->pattern[k])
				k++;
		}
		if (k == s->len)
			return (long)i;
	}
	return -1;
}
