// SPDX-License-Identifier: GPL-2.0-only
#include "tui/hooks_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/text_buf.h"
#include "tui/theme.h"

struct hooks_view {
	struct pane base; /* first: the app sees a struct pane * */
	struct pane_list list;
	uint32_t order[VISTA_MAX_HOOKS];
	char line[512];
};

static struct hooks_view *hv(const struct pane *p)
{
	return (struct hooks_view *)p;
}

static size_t nhooks(const struct app *a)
{
	size_t n = event_source_hook_count(a->src);

	return n < VISTA_MAX_HOOKS ? n : VISTA_MAX_HOOKS;
}

static void hooks_draw(struct pane *p, WINDOW *w)
{
	struct hooks_view *v = hv(p);
	struct app *a = p->app;
	const struct hook_stats *hs = event_store_hooks(a->store);
	size_t n = nhooks(a), seen = 0;
	int rows = getmaxy(w), cols = getmaxx(w);
	char name[64], ago[32];

	for (size_t i = 0; i < n; i++)
		seen += hook_stats_get(hs, (uint32_t)i)->total != 0;
	snprintf(v->line, sizeof(v->line), " %zu hooks attached, %zu with events", n, seen);
	draw_text(w, 0, 0, cols, v->line, theme_attr(TH_DIM));
	snprintf(v->line, sizeof(v->line), "%-32s %12s %9s %12s", "HOOK", "TOTAL", "EV/S", "LAST SEEN");
	draw_row(w, 1, v->line, strlen(v->line), 0, theme_attr(TH_HEADER), NULL, 0);

	hook_stats_order(hs, (uint32_t)n, v->order);
	pane_list_layout(&v->list, 2, rows - 2, n);
	for (size_t i = 0; i < v->list.rows && v->list.top + i < n; i++) {
		size_t k = v->list.top + i;
		uint32_t id = v->order[k];
		const struct hook_stat *st = hook_stats_get(hs, id);
		const char *hook = event_source_hook_name(a->src, id);
		attr_t attr = k == v->list.cursor ? theme_attr(TH_SELECTED) : theme_attr(st->total ? TH_ROW : TH_DIM);

		if (hook)
			snprintf(name, sizeof(name), "%s", hook);
		else
			snprintf(name, sizeof(name), "hook#%u", id);
		ago_text(ago, sizeof(ago), a->now_ns, st->last_ts);
		snprintf(v->line, sizeof(v->line), "%-32s %12llu %9llu %12s", name, (unsigned long long)st->total,
			 (unsigned long long)st->rate, ago);
		draw_row(w, 2 + (int)i, v->line, strlen(v->line), 0, attr, NULL, 0);
	}
}

static int hooks_key(struct pane *p, int key)
{
	struct hooks_view *v = hv(p);

	if (!pane_list_move(&v->list, key, nhooks(p->app)))
		return PANE_IGNORED;
	app_mark(p->app, DIRTY_BODY | DIRTY_INFO);
	return PANE_HANDLED;
}

static void hooks_click(struct pane *p, int y, int x)
{
	struct hooks_view *v = hv(p);

	(void)x;
	if (!pane_list_click(&v->list, y, nhooks(p->app)))
		return;
	app_mark(p->app, DIRTY_BODY | DIRTY_INFO);
}

static bool hooks_ingested(struct pane *p)
{
	(void)p;
	return true;
}

static void hooks_position(const struct pane *p, char *buf, size_t len)
{
	pane_list_position(&hv(p)->list, nhooks(p->app), buf, len);
}

static void hooks_destroy(struct pane *p)
{
	free(hv(p));
}

static const struct pane_ops hooks_ops = {
	.title = "Hooks",
	.draw = hooks_draw,
	.key = hooks_key,
	.click = hooks_click,
	.ingested = hooks_ingested,
	.position = hooks_position,
	.destroy = hooks_destroy,
};

struct pane *hooks_view_create(struct app *a)
{
	struct hooks_view *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->base.ops = &hooks_ops;
	v->base.app = a;
	return &v->base;
}
