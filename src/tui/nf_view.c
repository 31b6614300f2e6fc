// SPDX-License-Identifier: GPL-2.0-only
#include "tui/nf_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "core/nf_stats.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/theme.h"

#define NF_DROP 0 /* the kernel's verdict numbers (enum vista_nf: verdict) */

struct nf_view {
	struct pane base; /* first: the app sees a struct pane * */
	enum nf_stats_order order;
	struct pane_list list;
	char line[512];
};

static const struct {
	int key;
	enum nf_stats_order order;
	const char *what;
} orders[] = {
	{ 'd', NF_STATS_BY_RECENT_DROP, "recent drops first" },
	{ 'c', NF_STATS_BY_COUNT, "most verdicts first" },
	{ 'a', NF_STATS_BY_AVG, "largest average cost first" },
	{ 'x', NF_STATS_BY_MAX, "largest cost first" },
};

static struct nf_view *nv(const struct pane *p)
{
	return (struct nf_view *)p;
}

static const char *order_name(enum nf_stats_order order)
{
	for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++)
		if (orders[i].order == order)
			return orders[i].what;
	return "";
}

static void nf_row_text(char *buf, size_t len, const struct nf_stats_row *r)
{
	const char *hook = format_nf_hook(r->key.hook), *verdict = format_nf_verdict(r->key.verdict);
	char hookbuf[16], verdictbuf[16], avg[32], max[32];

	if (!hook)
		snprintf(hookbuf, sizeof(hookbuf), "hook%u", r->key.hook);
	if (!verdict)
		snprintf(verdictbuf, sizeof(verdictbuf), "%u", r->key.verdict);
	duration_text(avg, sizeof(avg), nf_stats_avg_ns(r));
	duration_text(max, sizeof(max), r->max_ns);
	snprintf(buf, len, "%-10u %-4s %-11s %-8s %-11s %-7s %6llu %7s %7s", r->key.netns,
		 r->key.pf == 2    ? "ipv4"
		 : r->key.pf == 10 ? "ipv6"
				   : "?",
		 hook ? hook : hookbuf, r->key.table[0] ? r->key.table : "-", r->key.chain[0] ? r->key.chain : "-",
		 verdict ? verdict : verdictbuf, (unsigned long long)r->count, avg, max);
}

static void nf_draw(struct pane *p, WINDOW *w)
{
	struct nf_view *v = nv(p);
	struct app *a = p->app;
	struct nf_stats *ns = event_store_nf_stats(a->store);
	int rows = getmaxy(w), cols = getmaxx(w);
	uint64_t drops = 0, last_drop = 0;
	size_t n;
	char ago[32];

	nf_stats_sort(ns, v->order);
	n = nf_stats_count(ns);
	for (size_t i = 0; i < n; i++) {
		const struct nf_stats_row *r = nf_stats_row(ns, i);

		if (r->key.verdict == NF_DROP) {
			drops += r->count;
			if (r->last_ns > last_drop)
				last_drop = r->last_ns;
		}
	}
	ago_text(ago, sizeof(ago), a->now_ns, last_drop);
	snprintf(v->line, sizeof(v->line), " %llu verdicts, %llu drops (last %s) in %zu rows; %s",
		 (unsigned long long)nf_stats_total(ns), (unsigned long long)drops, ago, n, order_name(v->order));
	draw_text(w, 0, 0, cols, v->line, theme_attr(TH_DIM));
	snprintf(v->line, sizeof(v->line), "%-10s %-4s %-11s %-8s %-11s %-7s %6s %7s %7s", "NETNS", "PF", "HOOK",
		 "TABLE", "CHAIN", "VERDICT", "COUNT", "AVG", "MAX");
	draw_row(w, 1, v->line, strlen(v->line), 0, theme_attr(TH_HEADER), NULL, 0);
	pane_list_layout(&v->list, 2, rows - 2, n);
	if (!n) {
		draw_text(w, 2, 1, cols - 1, "No netfilter verdicts (vista-top --filter-trace-iptables traces them)",
			  theme_attr(TH_DIM));
		return;
	}
	for (size_t i = 0; i < v->list.rows && v->list.top + i < n; i++) {
		size_t k = v->list.top + i;
		const struct nf_stats_row *r = nf_stats_row(ns, k);
		attr_t attr = k == v->list.cursor         ? theme_attr(TH_SELECTED)
			      : r->key.verdict == NF_DROP ? theme_attr(TH_DROP)
							  : theme_attr(TH_ROW);

		nf_row_text(v->line, sizeof(v->line), r);
		draw_row(w, 2 + (int)i, v->line, strlen(v->line), 0, attr, NULL, 0);
	}
}

static int nf_key(struct pane *p, int key)
{
	struct nf_view *v = nv(p);

	for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		if (key == orders[i].key) {
			v->order = orders[i].order;
			v->list.cursor = v->list.top = 0;
			app_message(p->app, "Netfilter: %s", orders[i].what);
			app_mark(p->app, DIRTY_BODY | DIRTY_INFO);
			return PANE_HANDLED;
		}
	}
	if (!pane_list_move(&v->list, key, nf_stats_count(event_store_nf_stats(p->app->store))))
		return PANE_IGNORED;
	app_mark(p->app, DIRTY_BODY | DIRTY_INFO);
	return PANE_HANDLED;
}

static void nf_click(struct pane *p, int y, int x)
{
	struct nf_view *v = nv(p);

	(void)x;
	if (!pane_list_click(&v->list, y, nf_stats_count(event_store_nf_stats(p->app->store))))
		return;
	app_mark(p->app, DIRTY_BODY | DIRTY_INFO);
}

static bool nf_ingested(struct pane *p)
{
	(void)p;
	return true;
}

static void nf_position(const struct pane *p, char *buf, size_t len)
{
	size_t n = nf_stats_count(event_store_nf_stats(p->app->store));

	pane_list_position(&nv(p)->list, n, buf, len);
}

static void nf_destroy(struct pane *p)
{
	free(nv(p));
}

static const struct pane_ops nf_ops = {
	.title = "Netfilter",
	.draw = nf_draw,
	.key = nf_key,
	.click = nf_click,
	.ingested = nf_ingested,
	.position = nf_position,
	.destroy = nf_destroy,
};

struct pane *nf_view_create(struct app *a)
{
	struct nf_view *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->base.ops = &nf_ops;
	v->base.app = a;
	v->order = NF_STATS_BY_RECENT_DROP;
	return &v->base;
}
