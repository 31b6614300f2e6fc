// SPDX-License-Identifier: GPL-2.0-only
#include "tui/app.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tui/draw.h"
#include "tui/drops_view.h"
#include "tui/events_view.h"
#include "tui/flow_view.h"
#include "tui/help_view.h"
#include "tui/hooks_view.h"
#include "tui/keys.h"
#include "tui/nf_view.h"
#include "tui/tcp_view.h"
#include "tui/term.h"
#include "tui/text_buf.h"
#include "tui/theme.h"

#define TITLE " vista-top "

static bool add_pane(struct app *a, struct pane *p)
{
	if (!p || a->npanes == APP_MAX_PANES) {
		if (p)
			p->ops->destroy(p);
		return false;
	}
	a->panes[a->npanes++] = p;
	return true;
}

int app_init(struct app *a, const struct app_config *c, char *err, size_t errlen)
{
	memset(a, 0, sizeof(*a));
	a->src = c->src;
	a->store = c->store;
	a->now_ns = c->start_ns;
	a->limit = c->limit;
	a->batch = c->batch ? c->batch : APP_DEFAULT_BATCH;
	if (row_ctx_init(&a->rows, a->src, a->store, event_source_time_origin(a->src), err, errlen))
		return -1;
	event_source_clock(a->src, &a->rows.clock);
	/* The panes in Tab order. */
	if (!add_pane(a, events_view_create(a, &c->style, c->stack)) || !add_pane(a, hooks_view_create(a)) ||
	    !add_pane(a, drops_view_create(a)) || !add_pane(a, nf_view_create(a)) || !add_pane(a, tcp_view_create(a))) {
		snprintf(err, errlen, "out of memory");
		app_free(a);
		return -1;
	}
	a->events = a->panes[0];
	cmd_prompt_init(&a->cmd, a);
	event_source_describe_filters(a->src, a->filters, sizeof(a->filters));
	/* The first tick sets the baseline of the rates. */
	event_store_tick(a->store, c->start_ns);
	a->next_tick_ns = c->start_ns + APP_TICK_NS;
	a->lost = event_source_lost(a->src);
	a->dirty = DIRTY_ALL;
	return 0;
}

static void free_windows(struct app *a)
{
	WINDOW **ws[] = { &a->title_w, &a->body_w, &a->info_w, &a->status_w, &a->help_w };

	for (size_t i = 0; i < sizeof(ws) / sizeof(ws[0]); i++) {
		if (*ws[i])
			delwin(*ws[i]);
		*ws[i] = NULL;
	}
}

void app_free(struct app *a)
{
	if (a->drill)
		a->drill->ops->destroy(a->drill);
	a->drill = NULL;
	for (size_t i = 0; i < a->npanes; i++)
		a->panes[i]->ops->destroy(a->panes[i]);
	a->npanes = 0;
	cmd_prompt_free(&a->cmd);
	free_windows(a);
	row_ctx_free(&a->rows);
}

void app_mark(struct app *a, unsigned dirty)
{
	a->dirty |= dirty;
}

void app_message(struct app *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->message, sizeof(a->message), fmt, ap);
	va_end(ap);
	a->message_until = a->now_ns + APP_MESSAGE_NS;
	a->dirty |= DIRTY_TITLE;
}

static struct pane *current(const struct app *a)
{
	return a->drill ? a->drill : a->panes[a->active];
}

static void close_drill(struct app *a)
{
	if (!a->drill)
		return;
	a->drill->ops->destroy(a->drill);
	a->drill = NULL;
	a->dirty |= DIRTY_TITLE | DIRTY_BODY | DIRTY_INFO;
}

void app_open_flow(struct app *a, uint64_t seq)
{
	const struct store_entry *ent = event_store_get(a->store, seq);
	struct pane *p;

	/* A flow is the life of one skb: a TCP, socket or netfilter event is not linked into one. */
	if (ent && ent->ev.kind != VISTA_EV_SKB) {
		app_message(a, "No flow: only skb events have one (this is a %s event)",
			    ent->ev.kind == VISTA_EV_NETFILTER ? "netfilter"
			    : ent->ev.kind == VISTA_EV_TCP     ? "TCP"
							       : "socket");
		return;
	}
	p = flow_view_create(a, seq);
	if (!p) {
		app_message(a, "Event no longer held (dropped by the UI)");
		return;
	}
	close_drill(a);
	a->drill = p;
	a->dirty |= DIRTY_TITLE | DIRTY_BODY | DIRTY_INFO;
}

bool app_want_collect(struct app *a, uint32_t bits, bool on)
{
	uint32_t have = event_source_collect(a->src), want = on ? have | bits : have & ~bits;
	char err[160];

	if (want == have)
		return true;
	if (event_source_set_collect(a->src, want, err, sizeof(err))) {
		app_message(a, "%s", err);
		return false;
	}
	return true;
}

void app_filters_changed(struct app *a)
{
	event_source_describe_filters(a->src, a->filters, sizeof(a->filters));
	a->dirty |= DIRTY_INFO;
}

void app_set_time(struct app *a, uint64_t now_ns)
{
	a->now_ns = now_ns;
	if (now_ns >= a->next_tick_ns) {
		event_store_tick(a->store, now_ns);
		a->lost = event_source_lost(a->src);
		while (a->next_tick_ns <= now_ns)
			a->next_tick_ns += APP_TICK_NS;
		/* Rates and "last seen" ages change with time alone. */
		a->dirty |= DIRTY_STATUS | (current(a) != a->events ? DIRTY_BODY : 0);
	}
	if (a->message[0] && now_ns >= a->message_until) {
		a->message[0] = '\0';
		a->dirty |= DIRTY_TITLE;
	}
}

int app_pump(struct app *a)
{
	size_t max = a->batch;
	char err[200];
	int n;

	a->full_batch = false;
	if (a->stopped)
		return 0;
	if (a->limit) {
		uint64_t left = a->limit - event_store_total(a->store);

		if (left < max)
			max = (size_t)left;
	}
	n = event_source_consume(a->src, a->store, max, err, sizeof(err));
	if (n < 0) {
		snprintf(a->error, sizeof(a->error), "%s", err);
		a->quit = true;
		return -1;
	}
	a->full_batch = n > 0 && (size_t)n == max;
	if (a->limit && event_store_total(a->store) >= a->limit) {
		/* Like vista's --output-limit-lines, but the screen stays for browsing. */
		event_source_detach(a->src);
		a->stopped = true;
		a->full_batch = false;
		snprintf(a->stop_reason, sizeof(a->stop_reason), "stopped after %llu events",
			 (unsigned long long)a->limit);
		a->dirty |= DIRTY_STATUS;
	} else if (!n && !event_source_active(a->src)) {
		a->stopped = true;
		event_source_end_reason(a->src, a->stop_reason, sizeof(a->stop_reason));
		a->dirty |= DIRTY_STATUS;
	}
	if (n > 0) {
		struct pane *p = current(a);

		/* The info line has the position ("57/75"), which counts new rows too. */
		a->dirty |= DIRTY_STATUS | DIRTY_INFO;
		if (p->ops->ingested(p))
			a->dirty |= DIRTY_BODY;
	}
	return n;
}

bool app_work(struct app *a)
{
	a->working = false;
	for (size_t i = 0; i < a->npanes; i++) {
		struct pane *p = a->panes[i];

		if (p->ops->work && p->ops->work(p, APP_WORK_BUDGET))
			a->working = true;
	}
	return a->working;
}

static void switch_pane(struct app *a, size_t to)
{
	close_drill(a);
	a->active = to;
	a->dirty |= DIRTY_TITLE | DIRTY_BODY | DIRTY_INFO;
}

/* A click at screen line y, column x. */
static void click(struct app *a, int y, int x)
{
	struct pane *p = current(a);

	if (y == 0) {
		for (size_t i = 0; i < a->npanes; i++)
			if (x >= a->tab_x[i] && x < a->tab_x[i] + a->tab_w[i])
				switch_pane(a, i);
		return;
	}
	if (a->body_w && y >= 1 && y <= getmaxy(a->body_w) && p->ops->click)
		p->ops->click(p, y - 1, x);
}

static void mouse(struct app *a)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return;
	if (a->help) {
		a->help = false;
		a->dirty |= DIRTY_ALL;
		return;
	}
	if (ev.bstate & BUTTON4_PRESSED)
		app_key(a, K_WHEEL_UP);
	else if (ev.bstate & BUTTON5_PRESSED)
		app_key(a, K_WHEEL_DOWN);
	else if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
		click(a, ev.y, ev.x);
}

void app_key(struct app *a, int key)
{
	struct pane *p = current(a);
	int r;

	if (key == K_FN(KEY_RESIZE)) {
		a->dirty |= DIRTY_ALL;
		return;
	}
	if (key == K_FN(KEY_MOUSE)) {
		mouse(a);
		return;
	}
	/* A message answers the previous key: the next one clears it. */
	if (a->message[0]) {
		a->message[0] = '\0';
		a->dirty |= DIRTY_TITLE;
	}
	if (a->help) {
		/* Any key closes the help; it does nothing else (q included). */
		a->help = false;
		a->dirty |= DIRTY_ALL;
		return;
	}
	if (a->cmd.open && key != K_CTRL('l')) {
		cmd_prompt_key(&a->cmd, key);
		return;
	}
	if (a->cmd.open || !(p->ops->grabs_keys && p->ops->grabs_keys(p))) {
		switch (key) {
		case 'q':
			a->quit = true;
			return;
		case ':':
			cmd_prompt_open(&a->cmd);
			return;
		case '?':
		case K_FN(KEY_F(1)):
			a->help = true;
			a->dirty |= DIRTY_ALL;
			return;
		case '\t':
			switch_pane(a, (a->active + 1) % a->npanes);
			return;
		case K_FN(KEY_BTAB):
			switch_pane(a, (a->active + a->npanes - 1) % a->npanes);
			return;
		case K_CTRL('l'):
			clearok(curscr, TRUE);
			a->dirty |= DIRTY_ALL;
			return;
		default:
			break;
		}
	}
	r = p->ops->key(p, key);
	if (r == PANE_CLOSE)
		close_drill(a);
	else if (r == PANE_HANDLED)
		a->dirty |= DIRTY_INFO;
}

void app_read_input(struct app *a)
{
	wint_t ch;
	int rc;

	while ((rc = wget_wch(stdscr, &ch)) != ERR) {
		int key = rc == KEY_CODE_YES ? K_FN((int)ch) : (int)ch;

		a->input_seen = true;
		if (rc == KEY_CODE_YES && term_alt_char((int)ch) >= 0)
			key = K_ALT(term_alt_char((int)ch));
		app_key(a, key);
		if (a->quit)
			return;
	}
}

static void layout(struct app *a)
{
	int lines = LINES, cols = COLS, hh = help_view_height(), hw = help_view_width();

	free_windows(a);
	a->too_small = lines < APP_MIN_LINES || cols < APP_MIN_COLS;
	if (a->too_small)
		return;
	a->title_w = newwin(1, cols, 0, 0);
	a->body_w = newwin(lines - 3, cols, 1, 0);
	a->info_w = newwin(1, cols, lines - 2, 0);
	a->status_w = newwin(1, cols, lines - 1, 0);
	a->help_w = newwin(hh, hw, (lines - hh) / 2, (cols - hw) / 2);
	if (!a->title_w || !a->body_w || !a->info_w || !a->status_w || !a->help_w) {
		free_windows(a);
		a->too_small = true;
	}
}

static void draw_too_small(void)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "Terminal too small (%dx%d): vista-top needs at least %dx%d", COLS, LINES,
		 APP_MIN_COLS, APP_MIN_LINES);
	werase(stdscr);
	draw_centered(stdscr, LINES / 2, msg, A_BOLD);
	draw_centered(stdscr, LINES / 2 + 1, "q quits", A_NORMAL);
	wnoutrefresh(stdscr);
}

static void draw_title(struct app *a)
{
	WINDOW *w = a->title_w;
	int cols = getmaxx(w), x, n;
	const char *right = a->message[0] ? a->message : "?:help q:quit";

	draw_fill(w, 0, 0, cols, theme_attr(TH_TITLE));
	x = draw_text(w, 0, 0, cols, TITLE, theme_attr(TH_TITLE));
	for (size_t i = 0; i < a->npanes; i++) {
		char tab[32];

		n = snprintf(tab, sizeof(tab), " %s ", a->panes[i]->ops->title);
		a->tab_x[i] = x;
		a->tab_w[i] = n;
		x += draw_text(w, 0, x, cols - x, tab, theme_attr(i == a->active ? TH_TAB_ACTIVE : TH_TAB));
		x += draw_text(w, 0, x, cols - x, " ", theme_attr(TH_TITLE));
	}
	if (a->drill) {
		char tab[32];

		snprintf(tab, sizeof(tab), "> %s ", a->drill->ops->title);
		x += draw_text(w, 0, x, cols - x, tab, theme_attr(TH_TAB_ACTIVE));
	}
	/*
	 * Messages answer a key, on the right, where they hide nothing of the
	 * trace; one too long for the room beside the pane names covers them
	 * until the next key.
	 */
	n = (int)strlen(right);
	if (n > cols - x - 2 && a->message[0]) {
		x = (int)strlen(TITLE);
		draw_fill(w, 0, x, cols - x, theme_attr(TH_TITLE));
	}
	if (n > cols - x - 2)
		n = cols - x - 2;
	if (n > 0)
		draw_textn(w, 0, cols - n - 1, n, right, (size_t)n, theme_attr(a->message[0] ? TH_MESSAGE : TH_TITLE));
}

static void draw_info(struct app *a)
{
	WINDOW *w = a->info_w;
	struct pane *p = current(a);
	int cols = getmaxx(w), x, rw;
	char text[384], pos[48] = "";

	werase(w);
	if (a->cmd.open) {
		cmd_prompt_draw(&a->cmd, w);
		return;
	}
	if (p->ops->draw_prompt && p->ops->draw_prompt(p, w))
		return;
	if (p->ops->position)
		p->ops->position(p, pos, sizeof(pos));
	rw = (int)strlen(pos) + 1;
	snprintf(text, sizeof(text), " %s, %zu hooks | ", event_source_backend_name(a->src),
		 event_source_hook_count(a->src));
	x = draw_text(w, 0, 0, cols - rw, text, theme_attr(TH_INFO));
	x += draw_text(w, 0, x, cols - rw - x, "filter: ", theme_attr(TH_DIM));
	draw_text(w, 0, x, cols - rw - 1 - x, a->filters[0] ? a->filters : "none", theme_attr(TH_INFO));
	if (rw < cols)
		draw_text(w, 0, cols - rw, rw, pos, theme_attr(TH_DIM));
}

/* One "label value" segment of the status bar, separated from the previous one. */
static int status_item(WINDOW *w, int x, const char *text, bool alert)
{
	int cols = getmaxx(w);

	x += draw_text(w, 0, x, cols - x, "| ", theme_attr(TH_STATUS));
	x += draw_text(w, 0, x, cols - x, text, theme_attr(alert ? TH_ALERT : TH_STATUS));
	return x + draw_text(w, 0, x, cols - x, " ", theme_attr(TH_STATUS));
}

static void draw_status(struct app *a)
{
	WINDOW *w = a->status_w;
	int cols = getmaxx(w), x;
	uint64_t dropped = event_store_dropped(a->store);
	char item[96];

	draw_fill(w, 0, 0, cols, theme_attr(TH_STATUS));
	snprintf(item, sizeof(item), " %s ", events_view_mode(a->events));
	x = draw_text(w, 0, 0, cols, item, theme_attr(TH_MODE));
	x += draw_text(w, 0, x, cols - x, " ", theme_attr(TH_STATUS));
	snprintf(item, sizeof(item), "%llu ev/s", (unsigned long long)event_store_rate(a->store));
	x = status_item(w, x, item, false);
	snprintf(item, sizeof(item), "total %llu", (unsigned long long)event_store_total(a->store));
	x = status_item(w, x, item, false);
	snprintf(item, sizeof(item), "lost in kernel %llu", (unsigned long long)a->lost);
	x = status_item(w, x, item, a->lost != 0);
	snprintf(item, sizeof(item), "dropped by UI %llu", (unsigned long long)dropped);
	x = status_item(w, x, item, dropped != 0);
	if (a->stopped)
		status_item(w, x, a->stop_reason, true);
}

void app_render(struct app *a, bool force)
{
	struct pane *p;
	bool prompt;

	if (!a->dirty)
		return;
	if (!force && !a->input_seen && a->now_ns - a->last_frame_ns < APP_FRAME_NS)
		return;
	if (a->dirty & DIRTY_LAYOUT)
		layout(a);
	a->last_frame_ns = a->now_ns;
	a->input_seen = false;
	if (a->too_small) {
		draw_too_small();
		a->dirty = 0;
		doupdate();
		return;
	}
	p = current(a);
	if (a->dirty & DIRTY_TITLE) {
		draw_title(a);
		wnoutrefresh(a->title_w);
	}
	if (a->dirty & DIRTY_BODY) {
		werase(a->body_w);
		p->rows = getmaxy(a->body_w);
		p->ops->draw(p, a->body_w);
		wnoutrefresh(a->body_w);
	}
	if (a->dirty & DIRTY_STATUS) {
		draw_status(a);
		wnoutrefresh(a->status_w);
	}
	/* Drawn last, so that an open prompt gets the terminal's cursor. */
	if (a->dirty & DIRTY_INFO) {
		draw_info(a);
		wnoutrefresh(a->info_w);
	}
	prompt = a->cmd.open || (p->ops->grabs_keys && p->ops->grabs_keys(p));
	if (a->help) {
		werase(a->help_w);
		help_view_draw(a->help_w);
		touchwin(a->help_w);
		wnoutrefresh(a->help_w);
		prompt = false;
	}
	curs_set(prompt ? 1 : 0);
	a->dirty = 0;
	doupdate();
}

int app_timeout_ms(const struct app *a, int max_ms)
{
	uint64_t wait = (uint64_t)max_ms * 1000000ULL;

	if (a->full_batch || a->working || a->quit)
		return 0;
	if (a->dirty) {
		uint64_t due = a->last_frame_ns + APP_FRAME_NS;

		if (due <= a->now_ns)
			return 0;
		if (due - a->now_ns < wait)
			wait = due - a->now_ns;
	}
	if (a->next_tick_ns <= a->now_ns)
		return 0;
	if (a->next_tick_ns - a->now_ns < wait)
		wait = a->next_tick_ns - a->now_ns;
	/* Round up: waking a little late is fine, spinning on a 0 ms timeout is not. */
	return (int)((wait + 999999) / 1000000);
}
