// SPDX-License-Identifier: GPL-2.0-only
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* ptsname_r */
#endif
#include "tui/line_edit.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <histedit.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <term.h>
#include <unistd.h>

#include "tui/keys.h"

#define QUEUE_LEN      8     /* the longest sequence one key becomes */
#define LINE_MAX_BYTES 16384 /* UTF-8 of the line handed out (the caller's limit is lower) */

/*
 * The editor proper is made once per process and kept: libedit looks the
 * terminal up with tgetent() at each el_init(), and curses keeps what that
 * loads in a cache of four, leaking entries that fall out of it. A
 * struct line_edit (one at a time) borrows it with a history of its own.
 */
static struct {
	EditLine *el;
	HistoryW *idle;        /* the history while no line_edit has it */
	int master;            /* the pseudo-terminal libedit believes it edits on */
	FILE *in, *out, *null; /* its slave side, and where libedit's output goes */
	struct line_edit *user;
} shared = { .master = -1 };

struct line_edit {
	EditLine *el; /* shared.el while this one uses it */
	HistoryW *hist;
	wchar_t queue[QUEUE_LEN];
	int qhead, qlen;
	line_edit_complete_fn complete;
	void *ctx;
	char *history_path;
	char history_problem[512];
	char accepted[LINE_MAX_BYTES];
	bool accepted_too_long;
};

/* libedit's reader: the keys of the current call, then "end of input" (nothing more is waiting). */
static int read_queued(EditLine *el, wchar_t *c)
{
	struct line_edit *le;

	if (el_wget(el, EL_CLIENTDATA, &le) != 0 || !le || le->qhead == le->qlen)
		return 0;
	*c = le->queue[le->qhead++];
	return 1;
}

/* UTF-8 of n wide characters into buf (NUL-terminated); returns the bytes, or len when it did not fit. */
static size_t to_utf8(const wchar_t *w, size_t n, char *buf, size_t len)
{
	size_t off = 0;
	mbstate_t st;

	memset(&st, 0, sizeof(st));
	for (size_t i = 0; i < n; i++) {
		char mb[MB_LEN_MAX];
		size_t k = wcrtomb(mb, w[i], &st);

		if (k == (size_t)-1) {
			mb[0] = '?';
			k = 1;
			memset(&st, 0, sizeof(st));
		}
		if (off + k >= len) {
			buf[off] = '\0';
			return len;
		}
		memcpy(buf + off, mb, k);
		off += k;
	}
	buf[off] = '\0';
	return off;
}

static unsigned char complete_key(EditLine *el, int ch)
{
	char line[LINE_MAX_BYTES], insert[512];
	wchar_t winsert[512];
	const LineInfoW *li = el_wline(el);
	struct line_edit *le;
	size_t cursor;

	(void)ch;
	if (el_wget(el, EL_CLIENTDATA, &le) != 0 || !le || !le->complete)
		return CC_ERROR;
	cursor = to_utf8(li->buffer, (size_t)(li->cursor - li->buffer), line, sizeof(line));
	if (cursor >= sizeof(line) ||
	    to_utf8(li->buffer, (size_t)(li->lastchar - li->buffer), line, sizeof(line)) >= sizeof(line))
		return CC_ERROR;
	insert[0] = '\0';
	le->complete(le->ctx, line, cursor, insert, sizeof(insert));
	if (!insert[0] || mbstowcs(winsert, insert, sizeof(winsert) / sizeof(winsert[0])) == (size_t)-1)
		return CC_NORM;
	winsert[sizeof(winsert) / sizeof(winsert[0]) - 1] = L'\0';
	return el_winsertstr(el, winsert) == 0 ? CC_REFRESH : CC_ERROR;
}

/*
 * What libedit gets for a key. curses has already turned escape sequences
 * into KEY_* codes: they go back as the control keys of the same emacs
 * commands, which need no terminal description. Keys left out do nothing.
 */
static int key_sequence(int key, wchar_t *seq)
{
	static const struct {
		int key;
		const wchar_t *seq;
	} fn[] = {
		{ K_FN(KEY_LEFT), L"\002" },      { K_FN(KEY_RIGHT), L"\006" }, { K_FN(KEY_UP), L"\020" },
		{ K_FN(KEY_DOWN), L"\016" },      { K_FN(KEY_HOME), L"\001" },  { K_FN(KEY_END), L"\005" },
		{ K_FN(KEY_BACKSPACE), L"\177" }, { K_FN(KEY_DC), L"\033[3~" }, { K_FN(KEY_ENTER), L"\r" },
	};

	if (key & KEY_FN_BIT) {
		for (size_t i = 0; i < sizeof(fn) / sizeof(fn[0]); i++) {
			if (fn[i].key == key) {
				wcscpy(seq, fn[i].seq);
				return (int)wcslen(seq);
			}
		}
		return 0;
	}
	if (key & KEY_ALT_BIT) {
		seq[0] = L'\033';
		seq[1] = (wchar_t)(key & ~KEY_ALT_BIT);
		return 2;
	}
	if (key == '\n')
		key = '\r';
	seq[0] = (wchar_t)key;
	return 1;
}

/* libedit's "start a new line": out of unbuffered mode and back into it. */
static void restart(struct line_edit *le)
{
	el_set(le->el, EL_UNBUFFERED, 0);
	el_set(le->el, EL_UNBUFFERED, 1);
}

enum line_edit_result line_edit_key(struct line_edit *le, int key)
{
	wchar_t seq[QUEUE_LEN];
	int n = key_sequence(key, seq);

	le->qhead = 0;
	le->qlen = n;
	memcpy(le->queue, seq, (size_t)n * sizeof(*seq));
	/* Unbuffered, el_wgets() handles one command per call (a sequence is read whole by one). */
	while (le->qhead < le->qlen) {
		int before = le->qhead, count = 0;
		const wchar_t *line = el_wgets(le->el, &count);

		/* NULL with -1 is also an empty line (after Ctrl-U): the state is in el_wline(), not here. */
		if (line && count > 0 && line[count - 1] == L'\n') {
			le->accepted_too_long = to_utf8(line, (size_t)count - 1, le->accepted, sizeof(le->accepted)) >=
						sizeof(le->accepted);
			le->qhead = le->qlen = 0;
			restart(le);
			return LINE_EDIT_ACCEPTED;
		}
		if (le->qhead == before)
			break;
	}
	le->qhead = le->qlen = 0;
	return LINE_EDIT_EDITING;
}

const wchar_t *line_edit_text(const struct line_edit *le, size_t *len, size_t *cursor)
{
	const LineInfoW *li = el_wline(le->el);

	*len = (size_t)(li->lastchar - li->buffer);
	*cursor = (size_t)(li->cursor - li->buffer);
	return li->buffer;
}

const char *line_edit_accepted(const struct line_edit *le, size_t max)
{
	if (le->accepted_too_long || strlen(le->accepted) > max)
		return NULL;
	return le->accepted;
}

void line_edit_clear(struct line_edit *le)
{
	restart(le);
}

void line_edit_set(struct line_edit *le, const char *text)
{
	wchar_t w[LINE_MAX_BYTES];

	restart(le);
	if (mbstowcs(w, text, LINE_MAX_BYTES) == (size_t)-1)
		return;
	w[LINE_MAX_BYTES - 1] = L'\0';
	el_winsertstr(le->el, w);
}

const char *line_edit_history_problem(const struct line_edit *le)
{
	return le->history_problem[0] ? le->history_problem : NULL;
}

/* A missing file is a first run; anything else that is not a history stops the file from being used. */
static void load_history(struct line_edit *le)
{
	HistEventW ev;
	struct stat st;
	int fd = open(le->history_path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		if (errno != ENOENT)
			snprintf(le->history_problem, sizeof(le->history_problem), "cannot read %s: %s",
				 le->history_path, strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(le->history_problem, sizeof(le->history_problem), "cannot read %s: not a regular file",
			 le->history_path);
	} else if (st.st_size > 0 && history_w(le->hist, &ev, H_LOAD, le->history_path) < 0) {
		snprintf(le->history_problem, sizeof(le->history_problem), "%s is not a command history file",
			 le->history_path);
	}
	close(fd);
}

int line_edit_remember(struct line_edit *le, const char *line, char *err, size_t errlen)
{
	wchar_t wline[LINE_MAX_BYTES];
	HistEventW ev;
	FILE *f;
	int rc;

	if (mbstowcs(wline, line, LINE_MAX_BYTES) == (size_t)-1)
		return 0;
	wline[LINE_MAX_BYTES - 1] = L'\0';
	history_w(le->hist, &ev, H_ENTER, wline);
	if (!le->history_path || le->history_problem[0])
		return 0;
	/* The history may hold addresses and names: private, like a shell's. */
	f = fopen(le->history_path, "we");
	if (!f || fchmod(fileno(f), 0600) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", le->history_path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	rc = history_w(le->hist, &ev, H_SAVE_FP, f);
	if (rc < 0 || ferror(f)) {
		snprintf(err, errlen, "cannot write %s: %s", le->history_path, strerror(errno ? errno : EIO));
		fclose(f);
		return -1;
	}
	if (fclose(f)) {
		snprintf(err, errlen, "cannot write %s: %s", le->history_path, strerror(errno));
		return -1;
	}
	return 0;
}

static int open_pty(char *err, size_t errlen)
{
	char name[128];
	int slave;

	shared.master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (shared.master < 0 || grantpt(shared.master) || unlockpt(shared.master) ||
	    ptsname_r(shared.master, name, sizeof(name))) {
		snprintf(err, errlen, "cannot open a pseudo-terminal: %s", strerror(errno));
		return -1;
	}
	slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0) {
		snprintf(err, errlen, "cannot open the pseudo-terminal %s: %s", name, strerror(errno));
		return -1;
	}
	shared.in = fdopen(slave, "r");
	if (!shared.in) {
		close(slave);
	} else {
		int fd = dup(slave);

		shared.out = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!shared.out && fd >= 0)
			close(fd);
	}
	shared.null = fopen("/dev/null", "we");
	if (!shared.in || !shared.out || !shared.null) {
		snprintf(err, errlen, "cannot set up the command line: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int open_editor(char *err, size_t errlen)
{
	TERMINAL *screen_term = cur_term;

	if (open_pty(err, errlen))
		goto fail;
	shared.idle = history_winit();
	/*
	 * libedit checks at init that it has a terminal: the pty's slave, whose
	 * modes are its own to change. It also looks $TERM up with tgetent(),
	 * which makes the result curses' current terminal, and the screen's:
	 * the screen gets its own back (or it would restore the wrong modes
	 * when it ends).
	 */
	shared.el = shared.idle ? el_init("vista-top", shared.in, shared.out, shared.null) : NULL;
	if (cur_term != screen_term)
		set_curterm(screen_term);
	if (!shared.el) {
		snprintf(err, errlen, "cannot set up the command line: out of memory");
		goto fail;
	}
	el_wset(shared.el, EL_EDITOR, L"emacs");
	el_wset(shared.el, EL_HIST, history_w, shared.idle);
	el_wset(shared.el, EL_GETCFN, read_queued);
	el_wset(shared.el, EL_ADDFN, L"vista-complete", L"complete a command or interface name", complete_key);
	el_wset(shared.el, EL_BIND, L"^I", L"vista-complete", NULL);
	/* Commands that would wait for more keys than one call has, or end the input, get plain ones. */
	el_wset(shared.el, EL_BIND, L"^D", L"ed-delete-next-char", NULL);
	el_wset(shared.el, EL_BIND, L"\033[3~", L"ed-delete-next-char", NULL);
	el_wset(shared.el, EL_BIND, L"^R", L"ed-search-prev-history", NULL);
	el_wset(shared.el, EL_BIND, L"^S", L"ed-search-next-history", NULL);
	el_wset(shared.el, EL_BIND, L"^V", L"ed-unassigned", NULL);
	/* Ctrl-W as in shells and readline: the word before the cursor (libedit's emacs mode kills a region). */
	el_wset(shared.el, EL_BIND, L"^W", L"ed-delete-prev-word", NULL);
	el_set(shared.el, EL_SETFP, 1, shared.null);
	el_set(shared.el, EL_UNBUFFERED, 1);
	return 0;
fail:
	line_edit_shutdown();
	return -1;
}

void line_edit_shutdown(void)
{
	if (shared.user)
		return;
	if (shared.el)
		el_end(shared.el);
	if (shared.idle)
		history_wend(shared.idle);
	if (shared.in)
		fclose(shared.in);
	if (shared.out)
		fclose(shared.out);
	if (shared.null)
		fclose(shared.null);
	if (shared.master >= 0)
		close(shared.master);
	memset(&shared, 0, sizeof(shared));
	shared.master = -1;
}

int line_edit_create(const char *history_path, line_edit_complete_fn complete, void *ctx, struct line_edit **out,
		     char *err, size_t errlen)
{
	struct line_edit *le;
	HistEventW ev;

	if (shared.user) {
		snprintf(err, errlen, "the command line is in use already");
		return -1;
	}
	if (!shared.el && open_editor(err, errlen))
		return -1;
	le = calloc(1, sizeof(*le));
	if (!le || !(le->hist = history_winit()) || (history_path && !(le->history_path = strdup(history_path)))) {
		snprintf(err, errlen, "out of memory");
		line_edit_free(le);
		return -1;
	}
	le->complete = complete;
	le->ctx = ctx;
	history_w(le->hist, &ev, H_SETSIZE, LINE_EDIT_HISTORY_SIZE);
	history_w(le->hist, &ev, H_SETUNIQUE, 1);
	if (le->history_path)
		load_history(le);
	le->el = shared.el;
	shared.user = le;
	el_wset(le->el, EL_CLIENTDATA, le);
	el_wset(le->el, EL_HIST, history_w, le->hist);
	restart(le);
	*out = le;
	return 0;
}

void line_edit_free(struct line_edit *le)
{
	if (!le)
		return;
	if (le->el) {
		el_wset(le->el, EL_HIST, history_w, shared.idle);
		el_wset(le->el, EL_CLIENTDATA, NULL);
		restart(le);
		shared.user = NULL;
	}
	if (le->hist)
		history_wend(le->hist);
	free(le->history_path);
	free(le);
}
