/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The filter command language, spoken by vista-top's ':' prompt and by
 * vista --filter-file: lines such as
 *
 *	pcap icmp and host 10.0.0.1; port 80
 *	func 'kfree_skb|net_dev_.*'
 *	clear addr
 *
 * edit a struct filter_set. Words are separated by blanks; '...' and "..."
 * group words and are taken literally (there is no escape character, so a
 * regular expression is written as is); a '#' where a command would start
 * comments out the rest of the line. A command ends at ';', or after its
 * value when another command follows ("addr 10.0.0.2 port 80"); pcap and
 * func take every word up to ';' or the end of the line, unless their value
 * is quoted: then it is that one word.
 */
#ifndef VISTA_COMMAND_H
#define VISTA_COMMAND_H

#include <stddef.h>

#include "filter/filter_set.h"

/* Bytes in one line: as many as any description, so that `show`'s output can always be typed back. */
#define COMMAND_LINE_MAX      FILTER_DESCRIBE_MAX
#define COMMAND_FILE_MAX      (1024 * 1024)   /* bytes in a filter file */
#define COMMAND_FILE_LINE_MAX FILTER_PCAP_MAX /* bytes in one line of a filter file, without its newline */

enum command_effect {
	COMMAND_CHANGED = 1, /* the set differs from what it was */
	COMMAND_SHOW = 2,    /* a `show` ran: the caller prints command_describe() */
};

/* The command names, for Tab completion in vista-top. NULL-terminated. */
extern const char *const command_names[];

/*
 * Parses and applies one line to a copy of *fs; on success copies it back
 * and returns a mask of enum command_effect (0 for an empty or comment line,
 * or when nothing changed). On error returns -1 with one sentence in err,
 * "column C: ..." naming the offending word, and *fs untouched: a line is
 * applied whole or not at all.
 */
int command_exec(struct filter_set *fs, const char *line, char *err, size_t errlen);

/*
 * Applies every line of a file, all or nothing like a single line. Errors
 * read "FILE:LINE: column C: ..." and leave *fs untouched; so does a path
 * that is not a readable regular file of at most COMMAND_FILE_MAX bytes, or
 * a file with a NUL byte or a line longer than COMMAND_FILE_LINE_MAX. A "\r"
 * before each "\n" is ignored.
 */
int command_exec_file(struct filter_set *fs, const char *path, char *err, size_t errlen);

/*
 * filter_set_describe's text, followed by the language's socket filters
 * ("sk-mark 0x10 tcp-lifetime 1500ms track on"), which filter_set does not describe:
 * the whole set as commands that read back to it; "none" when empty.
 */
void command_describe(const struct filter_set *fs, char *buf, size_t len);

/*
 * Appends word to buf (see strbuf_appendf) so that the lexer reads it back
 * as exactly one word: unchanged when it is made of letters, digits and
 * "_.:/-+,@%=" only, else in single quotes.
 */
void command_append_word(char *buf, size_t len, size_t *off, const char *word);
/* The same, always in single quotes: how a pcap or func value is followed by more commands. */
void command_append_quoted(char *buf, size_t len, size_t *off, const char *word);

#endif
