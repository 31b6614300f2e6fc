// SPDX-License-Identifier: GPL-2.0-only
#include "tui/drops_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/theme.h"

struct drops_view {
	struct pane base; /* first: the app sees a struct pane * */
	struct pane_list list;
	uint32_t *order;
	size_t order_cap;
	char line[512];
};

static struct drops_view *dv(const struct pane *p)
{
	return (struct drops_view *)p;
}

/* The rows in display order; 0 rows when memory ran out. */
static size_t ordered(struct drops_view *v)
{
	const struct drop_stats *ds = event_store_drops(v->base.app->store);

	if (ds->n > v->order_cap) {
		uint32_t *o = realloc(v->order, ds->n * sizeof(*o));

		if (!o)
			return 0;
		v->order = o;
		v->order_cap = ds->n;
	}
	return drop_stats_order(ds, v->order);
}

static void drops_draw(struct pane *p, WINDOW *w)
{
	struct drops_view *v = dv(p);
	struct app *a = p->app;
	const struct drop_stats *ds = event_store_drops(a->store);
	size_t n = ordered(v);
	int rows = getmaxy(w), cols = getmaxx(w);
	char reason[128], where[160], ago[32];

	snprintf(v->line, sizeof(v->line), " %llu drops, %zu reason/location pairs; Enter: the flow of the latest",
		 (unsigned long long)ds->total, n);
	draw_text(w, 0, 0, cols, v->line, theme_attr(TH_DIM));
	snprintf(v->line, sizeof(v->line), "%10s  %-28s %-30s %12s", "COUNT", "REASON", "LOCATION", "LAST SEEN");
	draw_row(w, 1, v->line, strlen(v->line), 0, theme_attr(TH_HEADER), NULL, 0);
	pane_list_layout(&v->list, 2, rows - 2, n);
	if (!n) {
		draw_centered(w, rows / 2, "No drops seen", theme_attr(TH_DIM));
		return;
	}
	for (size_t i = 0; i < v->list.rows && v->list.top + i < n; i++) {
		size_t k = v->list.top + i;
		const struct drop_stat *st = &ds->v[v->order[k]];

		reason_text(reason, sizeof(reason), a->src, st->reason);
		if (!event_source_symbol(a->src, st->location, where, sizeof(where)))
			snprintf(where, sizeof(where), st->location ? "0x%llx" : "-", (unsigned long long)st->location);
		ago_text(ago, sizeof(ago), a->now_ns, st->last_ts);
		snprintf(v->line, sizeof(v->line), "%10llu  %-28s %-30s %12s", (unsigned long long)st->count, reason,
			 where, ago);
		draw_row(w, 2 + (int)i, v->line, strlen(v->line), 0,
			 theme_attr(k == v->list.cursor ? TH_SELECTED : TH_DROP), NULL, 0);
	}
}

static int drops_key(struct pane *p, int key)
{
	struct drops_view *v = dv(p);
	size_t n = ordered(v);

	if (key == K_ENTER || key == '\n' || key == K_FN(KEY_ENTER)) {
		const struct drop_stats *ds = event_store_drops(p->app->store);

		if (!n)
			return PANE_HANDLED;
		if (!event_store_get(p->app->store, ds->v[v->order[v->list.cursor]].last_seq))
			app_message(p->app, "That drop is no longer held (dropped by the UI)");
		else
			app_open_flow(p->app, ds->v[v->order[v->list.cursor]].last_seq);
		return PANE_HANDLED;
	}
	if (!pane_list_move(&v->list, key, n))
		return PANE_IGNORED;
	app_mark(p->app, DIRTY_BODY | DIRTY_INFO);
	return PANE_HANDLED;
}

static void drops_click(struct pane *p, int y, int x)
{
	struct drops_view *v = dv(p);

	(void)x;
	if (!pane_list_click(&v->list, y, event_store_drops(p->app->store)->n))
		return;
	app_mark(p->app, DIRTY_BODY | DIRTY_INFO);
}

static bool drops_ingested(struct pane *p)
{
	(void)p;
	return true;
}

static void drops_position(const struct pane *p, char *buf, size_t len)
{
	size_t n = event_store_drops(p->app->store)->n;

	pane_list_position(&dv(p)->list, n, buf, len);
}

static void drops_destroy(struct pane *p)
{
	free(dv(p)->order);
	free(dv(p));
}

static const struct pane_ops drops_ops = {
	.title = "Drops",
	.draw = drops_draw,
	.key = drops_key,
	.click = drops_click,
	.ingested = drops_ingested,
	.position = drops_position,
	.destroy = drops_destroy,
};

struct pane *drops_view_create(struct app *a)
{
	struct drops_view *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->base.ops = &drops_ops;
	v->base.app = a;
	return &v->base;
}
