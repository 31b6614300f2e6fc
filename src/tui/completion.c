// SPDX-License-Identifier: GPL-2.0-only
#include "tui/completion.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/command.h"

/*
 * How many values each command takes, as the command language reads them
 * (command.c): none, one, one if any (clear), or every word up to ';' unless
 * the first is quoted (pcap, func). After its values, a word starts the
 * next command.
 */
enum arity { ARGS_NONE, ARGS_ONE, ARGS_OPTIONAL, ARGS_REST };

static const struct {
	const char *name;
	enum arity arity;
} arities[] = {
	{ "pcap", ARGS_REST },
	{ "func", ARGS_REST },
	{ "show", ARGS_NONE },
	{ "clear", ARGS_OPTIONAL }, /* every other command takes one value */
};

/* What `clear` takes (filter_set_clear, and the language's own sk-mark, tcp-lifetime and track). */
static const char *const clear_targets[] = { "addr", "all",  "func",  "ifname",  "mark",         "netns", "pcap",
					     "pid",  "port", "proto", "sk-mark", "tcp-lifetime", "track", NULL };
/* What `track` takes. */
static const char *const track_values[] = { "off", "on", NULL };

static enum arity arity_of(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(arities) / sizeof(arities[0]); i++)
		if (strlen(arities[i].name) == n && strncmp(arities[i].name, name, n) == 0)
			return arities[i].arity;
	return ARGS_ONE;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Where the parse of the line before the word under the cursor left off. */
struct context {
	bool command;        /* the word starts a command */
	const char *cmd;     /* else: the command whose value it is */
	size_t cmd_len;      /* its name's length */
	size_t cmd_start;    /* and where that command starts in the line */
	unsigned int values; /* values it has before the word */
	bool quoted;         /* the word is inside quotes: never completed */
};

static void parse_context(const char *line, size_t word_start, struct context *c)
{
	enum arity arity = ARGS_NONE;
	size_t i = 0;

	memset(c, 0, sizeof(*c));
	c->command = true;
	while (i < word_start) {
		size_t start, end;
		bool quoted = false;

		if (is_blank(line[i])) {
			i++;
			continue;
		}
		if (line[i] == ';') {
			c->command = true;
			i++;
			continue;
		}
		if (c->command && line[i] == '#') {
			/* A comment: nothing after it is read. */
			c->quoted = true;
			return;
		}
		start = i;
		if (line[i] == '\'' || line[i] == '"') {
			const char *close = memchr(line + i + 1, line[i], word_start - i - 1);

			quoted = true;
			if (!close) {
				c->quoted = true;
				return;
			}
			i = (size_t)(close - line) + 1;
		} else {
			while (i < word_start && !is_blank(line[i]) && line[i] != ';')
				i++;
		}
		end = i;
		if (c->command) {
			c->cmd = line + start;
			c->cmd_len = end - start;
			c->cmd_start = start;
			c->values = 0;
			arity = arity_of(c->cmd, c->cmd_len);
			c->command = arity == ARGS_NONE;
			continue;
		}
		c->values++;
		if (arity != ARGS_REST || (c->values == 1 && quoted))
			c->command = true;
	}
}

static void add(struct completion *out, const char *word, size_t wlen, const char *cand)
{
	if (out->n < COMPLETION_MAX && strncmp(cand, word, wlen) == 0)
		snprintf(out->cand[out->n++], sizeof(out->cand[0]), "%s", cand);
}

/* The filters the line sets up before the command at cmd_start, for the namespace an ifname is in. */
static void filters_before(const char *line, size_t cmd_start, const struct event_source *src, struct filter_set *fs)
{
	char prefix[COMMAND_LINE_MAX], err[256];
	struct filter_set work;

	*fs = *event_source_filters(src);
	if (cmd_start == 0 || cmd_start >= sizeof(prefix))
		return;
	memcpy(prefix, line, cmd_start);
	prefix[cmd_start] = '\0';
	work = *fs;
	if (command_exec(&work, prefix, err, sizeof(err)) >= 0)
		*fs = work;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void common_rest(struct completion *out, size_t wlen)
{
	size_t n;

	out->insert[0] = '\0';
	if (!out->n)
		return;
	n = strlen(out->cand[0]);
	for (size_t i = 1; i < out->n; i++) {
		size_t k = 0;

		while (k < n && out->cand[i][k] == out->cand[0][k])
			k++;
		n = k;
	}
	if (n < wlen)
		return;
	snprintf(out->insert, sizeof(out->insert), "%.*s%s", (int)(n - wlen), out->cand[0] + wlen,
		 out->n == 1 ? " " : "");
}

int completion_complete(const char *line, size_t cursor, const struct event_source *src, struct completion *out,
			char *err, size_t errlen)
{
	size_t start = cursor, wlen;
	const char *word;
	struct context c;

	memset(out, 0, sizeof(*out));
	while (start > 0 && !is_blank(line[start - 1]) && line[start - 1] != ';')
		start--;
	word = line + start;
	wlen = cursor - start;
	out->word = start;
	parse_context(line, start, &c);
	if (c.quoted || (wlen && (word[0] == '\'' || word[0] == '"')))
		return 0;
	if (c.command) {
		out->what = "command";
		for (size_t i = 0; command_names[i]; i++)
			add(out, word, wlen, command_names[i]);
	} else if (c.values == 0 && c.cmd_len == 6 && strncmp(c.cmd, "ifname", 6) == 0) {
		struct if_name_list names;
		struct filter_set fs;

		filters_before(line, c.cmd_start, src, &fs);
		if (event_source_if_names(src, &fs, &names, err, errlen))
			return -1;
		out->what = "interface";
		for (size_t i = 0; i < names.n; i++)
			add(out, word, wlen, names.name[i]);
	} else if (c.values == 0 && c.cmd_len == 5 && strncmp(c.cmd, "clear", 5) == 0) {
		out->what = "filter";
		for (size_t i = 0; clear_targets[i]; i++)
			add(out, word, wlen, clear_targets[i]);
	} else if (c.values == 0 && c.cmd_len == 5 && strncmp(c.cmd, "track", 5) == 0) {
		out->what = "value";
		for (size_t i = 0; track_values[i]; i++)
			add(out, word, wlen, track_values[i]);
	}
	qsort(out->cand, out->n, sizeof(out->cand[0]), by_name);
	common_rest(out, wlen);
	return 0;
}
