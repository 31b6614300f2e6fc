// SPDX-License-Identifier: GPL-2.0-only
#include "tui/events_view.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/app.h"
#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/search.h"
#include "tui/text_buf.h"
#include "tui/theme.h"

#define HSCROLL_STEP 8
#define LINE_BYTES   4096
#define STACK_BYTES  8192

struct events_view {
	struct pane base; /* first: the app sees a struct pane * */
	struct row_style style;
	bool detail;
	bool stack_enabled_here; /* 's' turned stack collection on: 's' off turns it off again */
	bool follow;
	bool paused;
	uint64_t pause_end; /* while paused, rows stop at the end the store had */
	uint64_t cursor, top;
	size_t hscroll;
	size_t list_rows; /* rows of the table at the last draw */

	/* Search: the prompt is open while typing; search holds the active pattern. */
	bool prompt;
	bool no_match;
	struct search search, saved;
	uint64_t origin, origin_top;
	bool origin_follow;
	struct search_job {
		bool running;
		int dir;
		uint64_t from;   /* where it started, to tell a wrap around */
		uint64_t lo, n;  /* the rows when it started */
		uint64_t idx, i; /* visiting idx + dir * i (mod n), for i up to last */
		uint64_t last;
	} job;

	char line[LINE_BYTES];
	char stack[STACK_BYTES];
};

static struct events_view *view(const struct pane *p)
{
	return (struct events_view *)p;
}

/* The rows the view can show: [*lo, *hi). */
static void range(const struct events_view *v, uint64_t *lo, uint64_t *hi)
{
	const struct event_store *s = v->base.app->store;

	*hi = event_store_end(s);
	if (v->paused && v->pause_end < *hi)
		*hi = v->pause_end;
	*lo = event_store_oldest(s);
	if (*lo > *hi)
		*lo = *hi;
}

/* Puts cursor and top back inside what exists and what fits, following when asked. */
static void settle(struct events_view *v)
{
	uint64_t lo, hi, rows = v->list_rows ? v->list_rows : 1;

	range(v, &lo, &hi);
	if (lo == hi) {
		v->cursor = v->top = lo;
		return;
	}
	if (v->follow) {
		v->cursor = hi - 1;
		v->top = hi - lo > rows ? hi - rows : lo;
		return;
	}
	if (v->cursor < lo)
		v->cursor = lo;
	if (v->cursor >= hi)
		v->cursor = hi - 1;
	if (v->top < lo)
		v->top = lo;
	if (v->cursor < v->top)
		v->top = v->cursor;
	else if (v->cursor >= v->top + rows)
		v->top = v->cursor - rows + 1;
}

const char *events_view_mode(const struct pane *p)
{
	const struct events_view *v = view(p);

	if (v->paused)
		return "PAUSED";
	return v->follow ? "FOLLOW" : "BROWSE";
}

static size_t row(struct events_view *v, uint64_t seq)
{
	return row_text(v->line, sizeof(v->line), &v->base.app->rows, seq, &v->style);
}

static void jump_to(struct events_view *v, uint64_t seq)
{
	v->cursor = seq;
	v->follow = false;
	settle(v);
}

static void back_to_origin(struct events_view *v)
{
	v->cursor = v->origin;
	v->top = v->origin_top;
	v->follow = v->origin_follow;
	settle(v);
}

/*
 * Starts looking for the next row matching the search after `from` in
 * direction dir (+1/-1), around the rows there are now, `from` itself last.
 * The rows are examined a batch at a time by events_work, between keys and
 * events: a search of a million rows that match nothing must not freeze
 * the screen.
 */
static void job_start(struct events_view *v, uint64_t from, int dir)
{
	struct search_job *j = &v->job;
	uint64_t lo, hi;

	range(v, &lo, &hi);
	j->running = !search_empty(&v->search) && hi > lo;
	j->dir = dir;
	j->from = from;
	j->lo = lo;
	j->n = hi - lo;
	j->idx = from < lo ? 0 : from >= hi ? j->n - 1 : from - lo;
	j->i = 1;
	j->last = j->n;
	if (!j->running)
		v->no_match = !search_empty(&v->search);
}

/* The job found seq. */
static void job_found(struct events_view *v, uint64_t seq)
{
	struct search_job *j = &v->job;

	j->running = false;
	v->no_match = false;
	if (!v->prompt && ((j->dir > 0 && seq <= j->from) || (j->dir < 0 && seq >= j->from)))
		app_message(v->base.app, "Search wrapped around");
	jump_to(v, seq);
}

static void job_failed(struct events_view *v)
{
	v->job.running = false;
	v->no_match = true;
	if (v->prompt)
		back_to_origin(v);
	else
		app_message(v->base.app, "Pattern not found: %s", v->search.pattern);
}

/* Examines up to budget rows; returns true while the job goes on. */
static bool job_run(struct events_view *v, size_t budget)
{
	struct search_job *j = &v->job;

	for (; budget && j->i <= j->last; budget--, j->i++) {
		uint64_t k = j->dir > 0 ? (j->idx + j->i) % j->n : (j->idx + j->n - j->i % j->n) % j->n;
		size_t len = row(v, j->lo + k);

		/* A row the store dropped meanwhile has no text, and no match. */
		if (search_in(&v->search, v->line, len, 0) >= 0) {
			job_found(v, j->lo + k);
			return false;
		}
	}
	if (j->i > j->last) {
		job_failed(v);
		return false;
	}
	return true;
}

static void search_next(struct events_view *v, int dir)
{
	if (search_empty(&v->search)) {
		app_message(v->base.app, "No search yet: / starts one");
		return;
	}
	job_start(v, v->cursor, dir);
	if (!v->job.running)
		job_failed(v);
}

/* Incremental search: from where the prompt opened, again on every change of the pattern. */
static void search_again(struct events_view *v)
{
	v->no_match = false;
	v->job.running = false;
	if (search_empty(&v->search)) {
		back_to_origin(v);
		return;
	}
	/* Like n, from the row after the cursor, wrapping around. */
	job_start(v, v->origin, +1);
}

static int prompt_key(struct events_view *v, int key)
{
	struct app *a = v->base.app;

	switch (key) {
	case K_ESC:
		v->prompt = false;
		v->job.running = false;
		v->no_match = false;
		v->search = v->saved;
		back_to_origin(v);
		break;
	case K_ENTER:
	case '\n':
	case K_FN(KEY_ENTER):
		/* A search still running finishes on its own, and then says how it went. */
		v->prompt = false;
		if (v->no_match && !v->job.running)
			app_message(a, "Pattern not found: %s", v->search.pattern);
		break;
	case K_FN(KEY_BACKSPACE):
	case 127:
	case K_CTRL('h'):
		if (search_empty(&v->search)) {
			/* Backspace on an empty prompt closes it, as in less. */
			v->prompt = false;
			break;
		}
		search_backspace(&v->search);
		search_again(v);
		break;
	case K_CTRL('u'):
		search_set(&v->search, "");
		search_again(v);
		break;
	default:
		if (!(key & KEY_FN_BIT) && key >= 0x20 && key != 0x7f) {
			char mb[MB_LEN_MAX];
			mbstate_t st;
			size_t n;

			memset(&st, 0, sizeof(st));
			n = wcrtomb(mb, (wchar_t)key, &st);
			if (n == (size_t)-1 || !search_append(&v->search, mb, n)) {
				beep();
				break;
			}
			search_again(v);
		}
		/* Other keys do nothing while typing, so a stray arrow cannot lose the pattern. */
		break;
	}
	app_mark(a, DIRTY_BODY | DIRTY_INFO | DIRTY_STATUS);
	return PANE_HANDLED;
}

static void toggle_column(struct events_view *v, bool *col, uint32_t collect, const char *name)
{
	struct app *a = v->base.app;

	*col = !*col;
	if (*col && !app_want_collect(a, collect, true))
		return;
	app_message(a, "%s column %s", name, *col ? "on" : "off");
}

/* The fields of netfilter, TCP and socket events: what vista shows with --output-iptables/tcp/sk. */
static void toggle_fields(struct events_view *v, bool *col, const char *name)
{
	*col = !*col;
	app_message(v->base.app, "%s fields %s", name, *col ? "on" : "off");
}

static void toggle_detail(struct events_view *v)
{
	struct app *a = v->base.app;
	bool had = event_source_collect(a->src) & VISTA_COLLECT_STACK;

	v->detail = !v->detail;
	if (v->detail && !had) {
		if (app_want_collect(a, VISTA_COLLECT_STACK, true)) {
			v->stack_enabled_here = true;
			app_message(a, "Stacks collected from now on");
		}
		return;
	}
	if (!v->detail && v->stack_enabled_here) {
		app_want_collect(a, VISTA_COLLECT_STACK, false);
		v->stack_enabled_here = false;
	}
	app_message(a, "Stack detail %s", v->detail ? "on" : "off");
}

static int events_key(struct pane *p, int key)
{
	struct events_view *v = view(p);
	struct app *a = p->app;
	uint64_t lo, hi;
	size_t cur, n;

	if (v->prompt)
		return prompt_key(v, key);
	range(v, &lo, &hi);
	n = (size_t)(hi - lo);
	cur = (size_t)(v->cursor - lo);
	switch (key) {
	case K_FN(KEY_END):
	case 'G':
		v->follow = true;
		settle(v);
		break;
	case K_FN(KEY_LEFT):
	case 'h':
		v->hscroll = v->hscroll > HSCROLL_STEP ? v->hscroll - HSCROLL_STEP : 0;
		break;
	case K_FN(KEY_RIGHT):
	case 'l':
		if (v->hscroll + HSCROLL_STEP < LINE_BYTES)
			v->hscroll += HSCROLL_STEP;
		break;
	case ' ':
		v->paused = !v->paused;
		v->pause_end = event_store_end(a->store);
		settle(v);
		app_mark(a, DIRTY_STATUS);
		break;
	case 't':
		toggle_column(v, &v->style.tuple, VISTA_COLLECT_TUPLE, "Tuple");
		break;
	case 'm':
		toggle_column(v, &v->style.meta, VISTA_COLLECT_META, "Meta");
		break;
	case 's':
		toggle_detail(v);
		break;
	case 'I':
		toggle_fields(v, &v->style.iptables, "Iptables");
		break;
	case 'T':
		toggle_fields(v, &v->style.tcp, "TCP");
		break;
	case 'S':
		toggle_fields(v, &v->style.sk, "Socket");
		break;
	case '/':
		v->prompt = true;
		v->no_match = false;
		v->saved = v->search;
		search_set(&v->search, "");
		v->origin = v->cursor;
		v->origin_top = v->top;
		v->origin_follow = v->follow;
		app_mark(a, DIRTY_INFO);
		break;
	case 'n':
		search_next(v, +1);
		break;
	case 'N':
		search_next(v, -1);
		break;
	case K_ENTER:
	case '\n':
	case K_FN(KEY_ENTER):
		if (n)
			app_open_flow(a, v->cursor);
		return PANE_HANDLED;
	default:
		if (!pane_list_key(key, n, v->list_rows, &cur))
			return PANE_IGNORED;
		if (n) {
			v->cursor = lo + cur;
			v->follow = false;
			settle(v);
		}
		break;
	}
	app_mark(a, DIRTY_BODY | DIRTY_STATUS);
	return PANE_HANDLED;
}

static void events_click(struct pane *p, int y, int x)
{
	struct events_view *v = view(p);
	uint64_t lo, hi;

	(void)x;
	range(v, &lo, &hi);
	if (y < 1 || (size_t)y > v->list_rows || v->top + (uint64_t)(y - 1) >= hi)
		return;
	jump_to(v, v->top + (uint64_t)(y - 1));
	app_mark(p->app, DIRTY_BODY | DIRTY_STATUS);
}

static bool events_ingested(struct pane *p)
{
	struct events_view *v = view(p);
	uint64_t lo, hi;

	range(v, &lo, &hi);
	/* Browsing a full screen of old rows: new events change nothing visible. */
	if (!v->follow && v->top >= lo && v->top + v->list_rows < hi)
		return false;
	return !v->paused || v->top < lo;
}

/* One line of the detail area; returns the next line. */
static int detail_line(WINDOW *w, int y, int bottom, const char *label, const char *text, attr_t attr)
{
	int cols = getmaxx(w);

	if (y >= bottom)
		return y;
	draw_text(w, y, 1, 7, label, theme_attr(TH_DIM));
	draw_text(w, y, 8, cols - 8, text, attr);
	return y + 1;
}

static void draw_detail(struct events_view *v, WINDOW *w, int y, int h)
{
	struct app *a = v->base.app;
	const struct store_entry *ent = event_store_get(a->store, v->cursor);
	const struct vista_event *e;
	int bottom = y + h, cols = getmaxx(w);
	char field[512], sym[256];
	struct text_buf t;
	size_t n;

	text_buf_init(&t, v->line, sizeof(v->line));
	if (ent) {
		seconds_text(field, sizeof(field), (int64_t)(ent->ev.ts_ns - a->rows.t0_ns));
		text_buf_printf(&t, " Event %llu at %s  skb 0x%llx  cpu %u  ", (unsigned long long)v->cursor + 1, field,
				(unsigned long long)ent->ev.addr, ent->ev.cpu);
		process_text(field, sizeof(field), &ent->ev);
		text_buf_printf(&t, "%s tid %u ", field, ent->ev.tid);
	} else {
		text_buf_str(&t, " Detail ");
	}
	draw_fill(w, y, 0, cols, theme_attr(TH_HEADER));
	draw_text(w, y++, 0, cols, v->line, theme_attr(TH_HEADER));
	if (!ent)
		return;
	e = &ent->ev;
	text_buf_init(&t, v->line, sizeof(v->line));
	format_func(field, sizeof(field), e, &a->rows.names);
	text_buf_str(&t, field);
	if (e->location) {
		if (!event_source_symbol(a->src, e->location, sym, sizeof(sym)))
			snprintf(sym, sizeof(sym), "0x%llx", (unsigned long long)e->location);
		text_buf_printf(&t, " at %s", sym);
	}
	y = detail_line(w, y, bottom, "func", v->line, theme_attr(e->flags & VISTA_EVF_HAS_REASON ? TH_DROP : TH_ROW));
	if ((e->flags & VISTA_EVF_HAS_TUPLE) && e->tuple.l3) {
		format_tuple(field, sizeof(field), &e->tuple);
		y = detail_line(w, y, bottom, "tuple", field, theme_attr(TH_ROW));
	}
	if (e->flags & VISTA_EVF_HAS_META) {
		format_meta(field, sizeof(field), &e->meta);
		y = detail_line(w, y, bottom, "meta", field, theme_attr(TH_ROW));
	}
	n = event_source_stack_text(a->src, e, v->stack, sizeof(v->stack));
	if (!n) {
		detail_line(w, y, bottom, "stack",
			    e->stack_id >= 0 ? "no longer readable" : "none recorded for this event",
			    theme_attr(TH_DIM));
		return;
	}
	y = detail_line(w, y, bottom, "stack", "", theme_attr(TH_ROW));
	/* format_stack's layout: each frame is "\n    frame". */
	for (const char *s = v->stack; s && *s && y < bottom;) {
		const char *nl;

		while (*s == '\n' || *s == ' ')
			s++;
		nl = strchr(s, '\n');
		draw_textn(w, y++, 4, cols - 4, s, nl ? (size_t)(nl - s) : strlen(s), theme_attr(TH_ROW));
		s = nl;
	}
}

static void events_draw(struct pane *p, WINDOW *w)
{
	struct events_view *v = view(p);
	struct app *a = p->app;
	int rows = getmaxy(w), detail_h = 0;
	const struct search *hl = search_empty(&v->search) ? NULL : &v->search;
	uint64_t lo, hi;
	size_t n;

	if (v->detail) {
		detail_h = rows * 2 / 5;
		if (detail_h < 6)
			detail_h = 6;
		if (detail_h > rows - 4)
			detail_h = rows - 4;
	}
	v->list_rows = (size_t)(rows - 1 - detail_h);
	settle(v);
	range(v, &lo, &hi);
	n = row_header(v->line, sizeof(v->line), &v->style);
	draw_row(w, 0, v->line, n, v->hscroll, theme_attr(TH_HEADER), NULL, 0);
	for (size_t i = 0; i < v->list_rows; i++) {
		uint64_t seq = v->top + i;
		const struct store_entry *ent = event_store_get(a->store, seq);
		attr_t attr;

		if (seq >= hi || !ent)
			break;
		n = row(v, seq);
		if (seq == v->cursor)
			attr = theme_attr(TH_SELECTED);
		else if (ent->ev.flags & VISTA_EVF_HAS_REASON)
			attr = theme_attr(TH_DROP);
		else
			attr = theme_attr(TH_ROW);
		draw_row(w, (int)i + 1, v->line, n, v->hscroll, attr, hl, theme_attr(TH_MATCH));
	}
	if (lo == hi)
		draw_centered(w, 1 + (int)v->list_rows / 2,
			      event_store_total(a->store) ? "No events held" : "Waiting for events...",
			      theme_attr(TH_DIM));
	if (v->detail)
		draw_detail(v, w, rows - detail_h, detail_h);
}

static bool events_draw_prompt(struct pane *p, WINDOW *w)
{
	struct events_view *v = view(p);
	int cols = getmaxx(w), x;

	if (!v->prompt && !v->job.running)
		return false;
	x = draw_text(w, 0, 0, cols, "/", theme_attr(TH_PROMPT));
	x += draw_text(w, 0, x, cols - x, v->search.pattern, theme_attr(TH_PROMPT));
	if (v->job.running)
		draw_text(w, 0, x + 2, cols - x - 2, "(searching)", theme_attr(TH_DIM));
	else if (v->no_match)
		draw_text(w, 0, x + 2, cols - x - 2, "(no match)", theme_attr(TH_ALERT));
	wmove(w, 0, x < cols ? x : cols - 1);
	return true;
}

static bool events_work(struct pane *p, size_t budget)
{
	struct events_view *v = view(p);

	if (!v->job.running)
		return false;
	if (job_run(v, budget))
		return true;
	app_mark(p->app, DIRTY_BODY | DIRTY_INFO | DIRTY_STATUS);
	return false;
}

static bool events_grabs_keys(const struct pane *p)
{
	return view(p)->prompt;
}

static void events_position(const struct pane *p, char *buf, size_t len)
{
	const struct events_view *v = view(p);
	uint64_t lo, hi;

	range(v, &lo, &hi);
	if (lo == hi)
		snprintf(buf, len, "0/0");
	else
		snprintf(buf, len, "%llu/%llu", (unsigned long long)(v->cursor - lo + 1),
			 (unsigned long long)(hi - lo));
}

static void events_destroy(struct pane *p)
{
	free(view(p));
}

static const struct pane_ops events_ops = {
	.title = "Events",
	.draw = events_draw,
	.key = events_key,
	.click = events_click,
	.ingested = events_ingested,
	.draw_prompt = events_draw_prompt,
	.grabs_keys = events_grabs_keys,
	.work = events_work,
	.position = events_position,
	.destroy = events_destroy,
};

struct pane *events_view_create(struct app *a, const struct row_style *style, bool detail)
{
	struct events_view *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->base.ops = &events_ops;
	v->base.app = a;
	v->style = *style;
	v->detail = detail;
	v->follow = true;
	return &v->base;
}
