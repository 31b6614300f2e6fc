// SPDX-License-Identifier: GPL-2.0-only
#include "tui/flow_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/skb_flow.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/flow.h"
#include "tui/keys.h"
#include "tui/text_buf.h"
#include "tui/theme.h"

#define MAX_STACK_LINES 10
#define SUMMARY_LINES   3 /* devices, netns, nat (more rewrites than one are cut) */

struct flow_view {
	struct pane base; /* first: the app sees a struct pane * */
	struct flow flow;
	struct skb_flow summary; /* the same events, for the devices, namespaces and rewrites (core/skb_flow.h) */
	char summary_text[2048];
	size_t func_w; /* the FUNC column fits the longest (a drop with its reason) */
	struct pane_list list;
	char line[2048];
	char stack[8192];
};

static struct flow_view *fv(const struct pane *p)
{
	return (struct flow_view *)p;
}

static void iface_text(char *buf, size_t len, const struct vista_event *e)
{
	if (!(e->flags & VISTA_EVF_HAS_META))
		snprintf(buf, len, "-");
	else if (e->meta.ifindex)
		snprintf(buf, len, "%u(%.*s)", e->meta.ifindex, (int)strnlen(e->meta.ifname, sizeof(e->meta.ifname)),
			 e->meta.ifname);
	else
		snprintf(buf, len, "0");
}

/* The latest step before i that carries metadata, to compare interfaces and namespaces with. */
static const struct vista_event *meta_before(const struct flow *f, size_t i)
{
	while (i--)
		if (f->steps[i].ev.flags & VISTA_EVF_HAS_META)
			return &f->steps[i].ev;
	return NULL;
}

static void step_row(struct flow_view *v, size_t i, bool *changed)
{
	struct app *a = v->base.app;
	const struct flow_step *st = &v->flow.steps[i];
	const struct vista_event *e = &st->ev, *before = meta_before(&v->flow, i);
	uint64_t t0 = v->flow.steps[0].ev.ts_ns;
	bool has_meta = e->flags & VISTA_EVF_HAS_META;
	bool if_changed = has_meta && before && before->meta.ifindex != e->meta.ifindex;
	bool ns_changed = has_meta && before && before->meta.netns != e->meta.netns;
	char field[256];
	struct text_buf t;
	size_t start;

	text_buf_init(&t, v->line, sizeof(v->line));
	duration_text(field, sizeof(field), e->ts_ns > t0 ? e->ts_ns - t0 : 0);
	text_buf_right(&t, field, 9);
	text_buf_str(&t, " ");
	if (i && e->ts_ns >= v->flow.steps[i - 1].ev.ts_ns)
		duration_text(field, sizeof(field), e->ts_ns - v->flow.steps[i - 1].ev.ts_ns);
	else
		snprintf(field, sizeof(field), "-");
	text_buf_right(&t, field, 9);
	text_buf_printf(&t, " %3u ", e->cpu);
	start = t.len;
	format_func(field, sizeof(field), e, &a->rows.names);
	text_buf_str(&t, field);
	text_buf_pad_to(&t, start + v->func_w);
	text_buf_str(&t, " ");
	start = t.len;
	iface_text(field, sizeof(field), e);
	text_buf_str(&t, field);
	text_buf_str(&t, if_changed ? "*" : "");
	text_buf_pad_to(&t, start + 16);
	text_buf_str(&t, " ");
	start = t.len;
	if (has_meta)
		text_buf_printf(&t, "%u%s", e->meta.netns, ns_changed ? "*" : "");
	else
		text_buf_str(&t, "-");
	text_buf_pad_to(&t, start + 11);
	text_buf_str(&t, " ");
	process_text(field, sizeof(field), e);
	text_buf_str(&t, field);
	*changed = if_changed || ns_changed;
}

static size_t fate_text(struct flow_view *v, char *buf, size_t len)
{
	struct app *a = v->base.app;
	enum flow_fate fate = flow_fate(&v->flow, a->src);
	const struct flow_step *st = flow_fate_step(&v->flow, a->src);
	const struct skb_flow_hop *why;
	char where[256], reason[128];
	struct text_buf t;

	text_buf_init(&t, buf, len);
	/* A skb that reached a socket: which hook showed it, and the process there. */
	if (skb_flow_fate(&v->summary, &a->rows.names, &why) == SKB_FLOW_DELIVERED) {
		text_buf_printf(&t, " Fate: delivered to a socket at %s in ",
				event_source_hook_name(a->src, why->ev.hook_id));
		process_text(where, sizeof(where), &why->ev);
		text_buf_str(&t, where);
		return t.len;
	}
	text_buf_printf(&t, " Fate: %s", flow_fate_name(fate));
	if (!st)
		return t.len;
	if (!event_source_symbol(a->src, st->ev.location, where, sizeof(where)) && st->ev.location)
		snprintf(where, sizeof(where), "0x%llx", (unsigned long long)st->ev.location);
	switch (fate) {
	case FLOW_DROPPED:
		reason_text(reason, sizeof(reason), a->src, st->ev.reason);
		text_buf_printf(&t, " (%s)", reason);
		if (st->ev.location)
			text_buf_printf(&t, " at %s", where);
		break;
	case FLOW_CONSUMED:
		if (st->ev.location)
			text_buf_printf(&t, " at %s", where);
		break;
	case FLOW_TRANSMITTED:
		iface_text(where, sizeof(where), &st->ev);
		text_buf_printf(&t, " on %s", where);
		text_buf_str(&t, flow_ended(&v->flow) ? ", then freed" : ", not freed yet");
		break;
	default:
		text_buf_str(&t, ": no free seen yet");
		break;
	}
	return t.len;
}

static void flow_draw(struct pane *p, WINDOW *w)
{
	struct flow_view *v = fv(p);
	struct app *a = p->app;
	const struct flow *f = &v->flow;
	const struct flow_step *fate_step = flow_fate_step(f, a->src);
	enum flow_fate fate = flow_fate(f, a->src);
	int rows = getmaxy(w), cols = getmaxx(w), y, stack_lines = 0, fate_h;
	uint64_t span = f->n ? f->steps[f->n - 1].ev.ts_ns - f->steps[0].ev.ts_ns : 0;
	char field[256];
	struct text_buf t;
	size_t n;

	/* The fate's stack, when the deciding event has one. */
	v->stack[0] = '\0';
	if (fate_step && event_source_stack_text(a->src, &fate_step->ev, v->stack, sizeof(v->stack))) {
		for (const char *s = v->stack; (s = strchr(s, '\n')); s++)
			stack_lines++;
		if (stack_lines > MAX_STACK_LINES)
			stack_lines = MAX_STACK_LINES;
	}
	/* The summary's devices, netns and rewrite lines (its fate line is fate_text's), then the fate. */
	skb_flow_format_summary(v->summary_text, sizeof(v->summary_text), &v->summary, &a->rows.names);
	fate_h = SUMMARY_LINES + 1 + (stack_lines ? 1 + stack_lines : 0);

	text_buf_init(&t, v->line, sizeof(v->line));
	duration_text(field, sizeof(field), f->steps[0].ev.ts_ns <= f->steps[f->n - 1].ev.ts_ns ? span : 0);
	text_buf_printf(&t, " Flow of skb 0x%llx: %zu event%s in %s, %s", (unsigned long long)f->steps[0].ev.addr, f->n,
			f->n == 1 ? "" : "s", field, flow_fate_name(fate));
	draw_fill(w, 0, 0, cols, theme_attr(TH_TITLE));
	draw_text(w, 0, 0, cols, v->line, theme_attr(TH_TITLE));
	draw_text(w, 0, cols - 11, 11, " Esc: back ", theme_attr(TH_TITLE));

	text_buf_init(&t, v->line, sizeof(v->line));
	for (size_t i = 0; i < f->n; i++) {
		const struct vista_event *e = &f->steps[i].ev;

		if ((e->flags & VISTA_EVF_HAS_TUPLE) && e->tuple.l3) {
			format_tuple(field, sizeof(field), &e->tuple);
			text_buf_printf(&t, " %s", field);
			break;
		}
	}
	if (!t.len)
		text_buf_str(&t, " (no addresses collected)");
	if (f->truncated)
		text_buf_str(&t, "  [earlier events of this skb were dropped by the UI]");
	if (f->lost_tail)
		text_buf_str(&t, "  [later events may have been dropped by the UI]");
	if (f->cut)
		text_buf_printf(&t, "  [only the first %d events]", FLOW_MAX_STEPS);
	draw_text(w, 1, 0, cols, v->line, theme_attr(TH_ROW));

	n = (size_t)snprintf(v->line, sizeof(v->line), "%9s %9s %3s %-*s %-16s %-11s %s", "+TIME", "DELTA", "CPU",
			     (int)v->func_w, "FUNC", "IFACE", "NETNS", "PROCESS");
	draw_row(w, 2, v->line, n, 0, theme_attr(TH_HEADER), NULL, 0);

	pane_list_layout(&v->list, 3, rows - 3 - fate_h, f->n);
	for (size_t i = 0; i < v->list.rows && v->list.top + i < f->n; i++) {
		size_t k = v->list.top + i;
		bool changed;
		attr_t attr;

		step_row(v, k, &changed);
		if (k == v->list.cursor)
			attr = theme_attr(TH_SELECTED);
		else if (f->steps[k].ev.flags & VISTA_EVF_HAS_REASON)
			attr = theme_attr(TH_DROP);
		else if (changed)
			attr = theme_attr(TH_CHANGE);
		else
			attr = theme_attr(TH_ROW);
		draw_row(w, 3 + (int)i, v->line, strlen(v->line), 0, attr, NULL, 0);
	}

	y = rows - fate_h;
	for (const char *s = v->summary_text; s && *s && y < rows - fate_h + SUMMARY_LINES;) {
		const char *nl = strchr(s, '\n');

		if (strncmp(s, "  fate:", 7) == 0)
			break;
		draw_textn(w, y++, 0, cols, s, nl ? (size_t)(nl - s) : strlen(s), theme_attr(TH_ROW));
		s = nl ? nl + 1 : NULL;
	}
	y = rows - fate_h + SUMMARY_LINES;
	fate_text(v, v->line, sizeof(v->line));
	draw_fill(w, y, 0, cols, theme_attr(TH_HEADER));
	draw_text(w, y++, 0, cols, v->line,
		  theme_attr(fate == FLOW_DROPPED     ? TH_ALERT
			     : fate == FLOW_IN_FLIGHT ? TH_HEADER
						      : TH_GOOD));
	if (!stack_lines)
		return;
	draw_text(w, y++, 1, cols - 1, fate == FLOW_DROPPED ? "Stack of the drop:" : "Stack:", theme_attr(TH_DIM));
	for (const char *s = v->stack; s && *s && y < rows;) {
		const char *nl;

		while (*s == '\n' || *s == ' ')
			s++;
		nl = strchr(s, '\n');
		draw_textn(w, y++, 4, cols - 4, s, nl ? (size_t)(nl - s) : strlen(s), theme_attr(TH_ROW));
		s = nl;
	}
}

/* The summary is rebuilt from the steps whenever they change. */
static void summarize(struct flow_view *v)
{
	skb_flow_free(&v->summary);
	skb_flow_init(&v->summary, v->flow.n ? v->flow.steps[0].ev.addr : 0);
	for (size_t i = 0; i < v->flow.n; i++)
		if (skb_flow_add(&v->summary, &v->flow.steps[i].ev))
			break; /* out of memory: the summary covers the first steps */
}

static void measure(struct flow_view *v)
{
	char field[256];

	summarize(v);
	v->func_w = 24;
	for (size_t i = 0; i < v->flow.n; i++) {
		size_t n = format_func(field, sizeof(field), &v->flow.steps[i].ev, &v->base.app->rows.names);

		if (n > v->func_w)
			v->func_w = n < sizeof(field) ? n : sizeof(field) - 1;
	}
}

static int flow_key(struct pane *p, int key)
{
	struct flow_view *v = fv(p);

	switch (key) {
	case K_ESC:
	case K_FN(KEY_BACKSPACE):
	case 127:
	case K_CTRL('h'):
		return PANE_CLOSE;
	default:
		if (!pane_list_move(&v->list, key, v->flow.n))
			return PANE_IGNORED;
		app_mark(p->app, DIRTY_BODY | DIRTY_INFO);
		return PANE_HANDLED;
	}
}

static void flow_click(struct pane *p, int y, int x)
{
	struct flow_view *v = fv(p);

	(void)x;
	if (!pane_list_click(&v->list, y, v->flow.n))
		return;
	app_mark(p->app, DIRTY_BODY | DIRTY_INFO);
}

static bool flow_ingested(struct pane *p)
{
	if (!flow_extend(&fv(p)->flow, p->app->store))
		return false;
	measure(fv(p));
	return true;
}

static void flow_position(const struct pane *p, char *buf, size_t len)
{
	snprintf(buf, len, "step %zu/%zu", fv(p)->list.cursor + 1, fv(p)->flow.n);
}

static void flow_destroy(struct pane *p)
{
	flow_free(&fv(p)->flow);
	skb_flow_free(&fv(p)->summary);
	free(fv(p));
}

static const struct pane_ops flow_ops = {
	.title = "Flow",
	.draw = flow_draw,
	.key = flow_key,
	.click = flow_click,
	.ingested = flow_ingested,
	.position = flow_position,
	.destroy = flow_destroy,
};

struct pane *flow_view_create(struct app *a, uint64_t seq)
{
	struct flow_view *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	if (flow_build(&v->flow, a->store, seq) || !v->flow.n) {
		flow_free(&v->flow);
		free(v);
		return NULL;
	}
	v->base.ops = &flow_ops;
	v->base.app = a;
	measure(v);
	/* Start on the event the user chose. */
	for (size_t i = 0; i < v->flow.n; i++)
		if (v->flow.steps[i].seq == seq)
			v->list.cursor = i;
	return &v->base;
}
