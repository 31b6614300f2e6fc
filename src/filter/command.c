// SPDX-License-Identifier: GPL-2.0-only
/*
 * The filter command language: a lexer for one line and the commands it
 * runs against a filter set.
 *
 * Every value is parsed by the code that already owns it (structured.c,
 * netns.c through filter_set.c), so the language adds words, not new
 * meanings: "port 70000" fails here exactly as --filter-port 70000 does.
 */
#include "filter/command.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/errmsg.h"
#include "core/strbuf.h"
#include "core/strparse.h"
#include "filter/structured.h"

#define WHY_MAX 512

/* ------------------------------------------------------------------ lexer */

enum token_kind {
	TOKEN_END,  /* end of the line, or a comment */
	TOKEN_SEMI, /* ';' */
	TOKEN_WORD,
};

struct token {
	enum token_kind kind;
	const char *text; /* TOKEN_WORD: the word, its quotes removed */
	unsigned int col; /* 1-based column of its first character */
	bool quoted;      /* TOKEN_WORD: its first character is a quote */
};

struct lexer {
	const char *line;
	const char *r;   /* next byte to read */
	char *w;         /* where the next word goes in words[] */
	bool at_command; /* nothing but blanks since the start or the last ';' */
	/* The words, each NUL-terminated: never longer than the line they come from plus one NUL. */
	char words[COMMAND_LINE_MAX + 2];
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Columns count characters, not bytes: UTF-8 continuation bytes do not start one. */
static unsigned int column_of(const char *line, const char *p)
{
	unsigned int col = 1;

	for (; line < p; line++)
		if (((unsigned char)*line & 0xc0) != 0x80)
			col++;
	return col;
}

static void lexer_init(struct lexer *lx, const char *line)
{
	lx->line = line;
	lx->r = line;
	lx->w = lx->words;
	lx->at_command = true;
}

static int lexer_next(struct lexer *lx, struct token *t, char *err, size_t errlen)
{
	while (is_blank(*lx->r))
		lx->r++;
	t->text = NULL;
	t->col = column_of(lx->line, lx->r);
	if (!*lx->r || (lx->at_command && *lx->r == '#')) {
		t->kind = TOKEN_END;
		return 0;
	}
	if (*lx->r == ';') {
		lx->r++;
		lx->at_command = true;
		t->kind = TOKEN_SEMI;
		return 0;
	}
	lx->at_command = false;
	t->kind = TOKEN_WORD;
	t->text = lx->w;
	t->quoted = *lx->r == '\'' || *lx->r == '"';
	/* As in a shell, quoted and unquoted pieces that touch make one word: a'b c'd is "ab cd". */
	while (*lx->r && !is_blank(*lx->r) && *lx->r != ';') {
		const char *close;

		if (*lx->r != '\'' && *lx->r != '"') {
			*lx->w++ = *lx->r++;
			continue;
		}
		close = strchr(lx->r + 1, *lx->r);
		if (!close)
			return errmsg_set(err, errlen, "column %u: unterminated quote", column_of(lx->line, lx->r));
		memcpy(lx->w, lx->r + 1, (size_t)(close - lx->r - 1));
		lx->w += close - lx->r - 1;
		lx->r = close + 1;
	}
	*lx->w++ = '\0';
	return 0;
}

/* The line must fit words[] and, being text to echo in errors, hold no control character. */
static int check_line(const char *line, char *err, size_t errlen)
{
	size_t n = strlen(line);

	if (n > COMMAND_LINE_MAX)
		return errmsg_set(err, errlen, "column %u: line is too long (%zu bytes, max %d)",
				  column_of(line, line + COMMAND_LINE_MAX), n, COMMAND_LINE_MAX);
	for (const char *p = line; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return errmsg_set(err, errlen, "column %u: unexpected control character 0x%02x",
					  column_of(line, p), c);
	}
	return 0;
}

/* --------------------------------------------------------------- commands */

enum command_id {
	CMD_PCAP,
	CMD_ADDR,
	CMD_PORT,
	CMD_PROTO,
	CMD_NETNS,
	CMD_IFNAME,
	CMD_MARK,
	CMD_PID,
	CMD_FUNC,
	CMD_SK_MARK,
	CMD_TCP_LIFETIME,
	CMD_TRACK,
	CMD_CLEAR,
	CMD_SHOW,
	CMD_COUNT,
};

const char *const command_names[] = {
	[CMD_PCAP] = "pcap",
	[CMD_ADDR] = "addr",
	[CMD_PORT] = "port",
	[CMD_PROTO] = "proto",
	[CMD_NETNS] = "netns",
	[CMD_IFNAME] = "ifname",
	[CMD_MARK] = "mark",
	[CMD_PID] = "pid",
	[CMD_FUNC] = "func",
	[CMD_SK_MARK] = "sk-mark",
	[CMD_TCP_LIFETIME] = "tcp-lifetime",
	[CMD_TRACK] = "track",
	[CMD_CLEAR] = "clear",
	[CMD_SHOW] = "show",
	[CMD_COUNT] = NULL,
};

/*
 * How many words a command takes. After them the next word, if any, must
 * start another command, which is how a description ("addr 10.0.0.2 port
 * 80") reads back without ';'.
 */
enum arity {
	ARGS_NONE,     /* show */
	ARGS_ONE,      /* port 80 */
	ARGS_OPTIONAL, /* clear [WHAT] */
	/*
	 * pcap icmp and host 10.0.0.1: every word up to ';' or the end of the
	 * line, joined by one space; but a value that starts with a quote is
	 * that one word ("pcap 'icmp and host 10.0.0.1' port 80").
	 */
	ARGS_REST,
};

typedef int (*command_fn)(struct filter_set *fs, const char *value, char *err, size_t errlen);

static int run_addr(struct filter_set *fs, const char *value, char *err, size_t errlen)
{
	return structured_set_addr(&fs->kernel, value, err, errlen);
}

static int run_port(struct filter_set *fs, const char *value, char *err, size_t errlen)
{
	return structured_set_port(&fs->kernel, value, err, errlen);
}

static int run_proto(struct filter_set *fs, const char *value, char *err, size_t errlen)
{
	return structured_set_proto(&fs->kernel, value, err, errlen);
}

static int run_mark(struct filter_set *fs, const char *value, char *err, size_t errlen)
{
	return structured_set_mark(&fs->kernel, value, err, errlen);
}

static int run_pid(struct filter_set *fs, const char *value, char *err, size_t errlen)
{
	return structured_set_pid(&fs->kernel, value, err, errlen);
}

static void clear_sk_mark(struct vista_filter *f)
{
	f->flags &= ~(__u32)VISTA_F_SK_MARK;
	f->sk_mark = 0;
}

static void clear_tcp_lifetime(struct vista_filter *f)
{
	f->flags &= ~(__u32)VISTA_F_TCP_LIFETIME;
	f->tcp_lifetime_ns = 0;
}

/* sk-mark VALUE|off: socket and TCP events of sockets with this sk_mark (0 is --filter-sk-mark's "none" too). */
static int run_sk_mark(struct filter_set *fs, const char *value, char *err, size_t errlen)
{
	char why[128];
	uint64_t mark;

	if (strcmp(value, "off") == 0) {
		clear_sk_mark(&fs->kernel);
		return 0;
	}
	if (parse_u64(value, UINT32_MAX, &mark, why, sizeof(why)))
		return errmsg_set(err, errlen, "invalid sk mark \"%.64s\": %s (want a 32-bit number or off)", value,
				  why);
	clear_sk_mark(&fs->kernel);
	if (mark) {
		fs->kernel.sk_mark = (uint32_t)mark;
		fs->kernel.flags |= VISTA_F_SK_MARK;
	}
	return 0;
}

/* tcp-lifetime DURATION|off: TCP connections that lived at least this long (0 is "none", as on the command line). */
static int run_tcp_lifetime(struct filter_set *fs, const char *value, char *err, size_t errlen)
{
	char why[128];
	uint64_t ns;

	if (strcmp(value, "off") == 0) {
		clear_tcp_lifetime(&fs->kernel);
		return 0;
	}
	if (parse_duration_ns(value, &ns, why, sizeof(why)))
		return errmsg_set(err, errlen,
				  "invalid TCP lifetime \"%.64s\": %s (want a duration such as 1.5s, or off)", value,
				  why);
	clear_tcp_lifetime(&fs->kernel);
	if (ns) {
		fs->kernel.tcp_lifetime_ns = ns;
		fs->kernel.flags |= VISTA_F_TCP_LIFETIME;
	}
	return 0;
}

/*
 * track on|off: --filter-track-skb, switched at run time. The session
 * decides whether it can follow skbs (session_apply_filters): that needs
 * what the flag sets up when tracing starts.
 */
static int run_track(struct filter_set *fs, const char *value, char *err, size_t errlen)
{
	if (strcmp(value, "on") == 0)
		fs->kernel.flags |= VISTA_F_TRACK;
	else if (strcmp(value, "off") == 0)
		fs->kernel.flags &= ~(__u32)VISTA_F_TRACK;
	else
		return errmsg_set(err, errlen, "invalid track value \"%.64s\" (want on or off)", value);
	return 0;
}

static int run_clear(struct filter_set *fs, const char *value, char *err, size_t errlen)
{
	/* The socket filters are the language's own words: filter_set knows the others. */
	if (value && strcmp(value, "sk-mark") == 0) {
		clear_sk_mark(&fs->kernel);
		return 0;
	}
	if (value && strcmp(value, "tcp-lifetime") == 0) {
		clear_tcp_lifetime(&fs->kernel);
		return 0;
	}
	if (value && strcmp(value, "track") == 0) {
		fs->kernel.flags &= ~(__u32)VISTA_F_TRACK;
		return 0;
	}
	return filter_set_clear(fs, value ? value : "all", err, errlen);
}

static const struct {
	enum arity arity;
	command_fn run; /* NULL for show, which changes nothing */
} commands[CMD_COUNT] = {
	[CMD_PCAP] = { ARGS_REST, filter_set_pcap },
	[CMD_ADDR] = { ARGS_ONE, run_addr },
	[CMD_PORT] = { ARGS_ONE, run_port },
	[CMD_PROTO] = { ARGS_ONE, run_proto },
	[CMD_NETNS] = { ARGS_ONE, filter_set_netns },
	[CMD_IFNAME] = { ARGS_ONE, filter_set_ifname },
	[CMD_MARK] = { ARGS_ONE, run_mark },
	[CMD_PID] = { ARGS_ONE, run_pid },
	[CMD_FUNC] = { ARGS_REST, filter_set_func },
	[CMD_SK_MARK] = { ARGS_ONE, run_sk_mark },
	[CMD_TCP_LIFETIME] = { ARGS_ONE, run_tcp_lifetime },
	[CMD_TRACK] = { ARGS_ONE, run_track },
	[CMD_CLEAR] = { ARGS_OPTIONAL, run_clear },
	[CMD_SHOW] = { ARGS_NONE, NULL },
};

static int find_command(const char *name)
{
	for (int id = 0; id < CMD_COUNT; id++)
		if (strcmp(name, command_names[id]) == 0)
			return id;
	return -1;
}

static int unknown_command(const struct token *name, char *err, size_t errlen)
{
	char list[128] = "";
	size_t off = 0;

	for (int i = 0; i < CMD_COUNT; i++)
		strbuf_appendf(list, sizeof(list), &off, "%s%s", i ? " " : "", command_names[i]);
	return errmsg_set(err, errlen, "column %u: unknown command \"%.64s\" (commands: %s)", name->col, name->text,
			  list);
}

/* A word after a complete value that does not start a command: say both what it is not and what was expected. */
static int unexpected_word(int id, const struct token *t, char *err, size_t errlen)
{
	static const char *const expected[] = {
		[ARGS_NONE] = "takes no value",
		[ARGS_ONE] = "takes a single value",
		[ARGS_OPTIONAL] = "takes a single value",
		[ARGS_REST] = "takes one quoted value (quote all of it or none)",
	};

	return errmsg_set(err, errlen, "column %u: \"%.64s\" is not a command, and \"%s\" %s", t->col, t->text,
			  command_names[id], expected[commands[id].arity]);
}

/*
 * Runs the command named by *t, reading its values; on return *t is what
 * ended it: the end of the line, a ';', or the name of the next command.
 */
static int exec_command(struct filter_set *fs, struct lexer *lx, struct token *t, int *effects, char *err,
			size_t errlen)
{
	char rest[COMMAND_LINE_MAX + 1] = "", why[WHY_MAX];
	const struct token name = *t;
	struct token value = { 0 };
	unsigned int nvalues = 0;
	size_t off = 0;
	enum arity arity;
	int id;

	id = find_command(name.text);
	if (id < 0)
		return unknown_command(&name, err, errlen);
	arity = commands[id].arity;

	for (;;) {
		bool complete = arity == ARGS_NONE || (nvalues && (arity != ARGS_REST || value.quoted));

		if (lexer_next(lx, t, err, errlen))
			return -1;
		if (t->kind != TOKEN_WORD)
			break;
		if (complete) {
			if (find_command(t->text) < 0)
				return unexpected_word(id, t, err, errlen);
			break;
		}
		if (!nvalues)
			value = *t;
		/* Cannot be cut: the joined words are never longer than the line they were read from. */
		strbuf_appendf(rest, sizeof(rest), &off, "%s%s", nvalues ? " " : "", t->text);
		nvalues++;
	}

	if (!commands[id].run) {
		*effects |= COMMAND_SHOW;
		return 0;
	}
	if (!nvalues && arity != ARGS_OPTIONAL)
		return errmsg_set(err, errlen, "column %u: \"%s\" needs a value", name.col, name.text);
	if (commands[id].run(fs, nvalues ? rest : NULL, why, sizeof(why)))
		return errmsg_set(err, errlen, "column %u: %s", nvalues ? value.col : name.col, why);
	return 0;
}

int command_exec(struct filter_set *fs, const char *line, char *err, size_t errlen)
{
	struct filter_set work = *fs;
	struct lexer lx;
	struct token t;
	int effects = 0;

	if (check_line(line, err, errlen))
		return -1;
	lexer_init(&lx, line);
	if (lexer_next(&lx, &t, err, errlen))
		return -1;
	while (t.kind != TOKEN_END) {
		/* An empty command (";;", a trailing ';') is nothing to run. */
		if (t.kind == TOKEN_SEMI) {
			if (lexer_next(&lx, &t, err, errlen))
				return -1;
			continue;
		}
		if (exec_command(&work, &lx, &t, &effects, err, errlen))
			return -1;
	}
	if (memcmp(&work, fs, sizeof(work)) != 0) {
		*fs = work;
		effects |= COMMAND_CHANGED;
	}
	return effects;
}

/* ------------------------------------------------------------- describing */

/* A duration in the largest unit that keeps it exact, which parse_duration_ns reads back. */
static void append_duration(char *buf, size_t len, size_t *off, uint64_t ns)
{
	static const struct {
		uint64_t ns;
		const char *unit;
	} units[] = { { 1000000000ULL, "s" }, { 1000000ULL, "ms" }, { 1000ULL, "us" }, { 1, "ns" } };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (ns % units[i].ns == 0) {
			strbuf_appendf(buf, len, off, "%llu%s", (unsigned long long)(ns / units[i].ns), units[i].unit);
			return;
		}
	}
}

void command_describe(const struct filter_set *fs, char *buf, size_t len)
{
	size_t off;

	if (!len)
		return;
	filter_set_describe(fs, buf, len);
	off = strlen(buf);
	if (!(fs->kernel.flags & (VISTA_F_SK_MARK | VISTA_F_TCP_LIFETIME | VISTA_F_TRACK)))
		return;
	if (strcmp(buf, "none") == 0)
		off = 0;
	buf[off] = '\0';
	if (fs->kernel.flags & VISTA_F_SK_MARK)
		strbuf_appendf(buf, len, &off, "%ssk-mark 0x%x", off ? " " : "", fs->kernel.sk_mark);
	if (fs->kernel.flags & VISTA_F_TCP_LIFETIME) {
		strbuf_appendf(buf, len, &off, "%stcp-lifetime ", off ? " " : "");
		append_duration(buf, len, &off, fs->kernel.tcp_lifetime_ns);
	}
	if (fs->kernel.flags & VISTA_F_TRACK)
		strbuf_appendf(buf, len, &off, "%strack on", off ? " " : "");
}

/* ---------------------------------------------------------------- quoting */

static bool is_plain_word(const char *word)
{
	if (!*word)
		return false;
	for (; *word; word++) {
		char c = *word;

		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') &&
		    !strchr("_.:/-+,@%=", c))
			return false;
	}
	return true;
}

void command_append_word(char *buf, size_t len, size_t *off, const char *word)
{
	if (is_plain_word(word))
		strbuf_appendf(buf, len, off, "%s", word);
	else
		command_append_quoted(buf, len, off, word);
}

void command_append_quoted(char *buf, size_t len, size_t *off, const char *word)
{
	strbuf_appendf(buf, len, off, "'");
	for (;;) {
		size_t n = strcspn(word, "'");

		strbuf_appendf(buf, len, off, "%.*s", (int)n, word);
		if (!word[n])
			break;
		/* No escape character: close the quote, add a double-quoted ', open again (one word still). */
		strbuf_appendf(buf, len, off, "'\"'\"'");
		word += n + 1;
	}
	strbuf_appendf(buf, len, off, "'");
}
