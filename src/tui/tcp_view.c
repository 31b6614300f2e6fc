// SPDX-License-Identifier: GPL-2.0-only
#include "tui/tcp_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "core/sk_stats.h"
#include "core/tcp_stats.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/text_buf.h"
#include "tui/theme.h"

#define HSCROLL_STEP 8
#define MAX_CONNS    (2 * EVENT_STORE_TCP_CONNS)

struct tcp_view {
	struct pane base; /* first: the app sees a struct pane * */
	enum tcp_sort sort;
	struct pane_list list;
	size_t hscroll;
	const struct tcp_conn **conns; /* MAX_CONNS, in the order of the last draw */
	size_t nconns;
	const struct sk_sock **socks; /* EVENT_STORE_SOCKETS */
	char line[1024];
};

static const struct {
	int key;
	enum tcp_sort sort;
	const char *what;
} sorts[] = {
	{ 'L', TCP_SORT_LIFETIME, "longest lifetime first" },
	{ 'B', TCP_SORT_BYTES, "most bytes first" },
	{ 'R', TCP_SORT_RETRANS, "most retransmissions first" },
	{ 'E', TCP_SORT_RECENT, "latest event first" },
};

static struct tcp_view *tcp_view_of(const struct pane *p)
{
	return (struct tcp_view *)p;
}

static const char *sort_name(enum tcp_sort sort)
{
	for (size_t i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++)
		if (sorts[i].sort == sort)
			return sorts[i].what;
	return "";
}

#define CONN_FORMAT "%-40s %-18s %-11s %10s %10s %10s %8s %5s %s"

static void conn_state(char *buf, size_t len, const struct tcp_conn *c)
{
	const char *name = format_tcp_state(c->state);

	if (c->open)
		snprintf(buf, len, "%s", name ? name : "?");
	else if (c->reset)
		snprintf(buf, len, "%s", c->reset == VISTA_TCP_RST_SENT ? "RST-SENT" : "RST-RECV");
	else
		snprintf(buf, len, "CLOSED");
}

static void conn_text(char *buf, size_t len, const struct tcp_conn *c, uint64_t now_ns)
{
	char tuple[160], state[16], life[32], rx[24], tx[24], srtt[24], retrans[16], proc[48];
	struct text_buf t;

	format_tuple(tuple, sizeof(tuple), &c->tuple);
	conn_state(state, sizeof(state), c);
	life[0] = c->partial ? '>' : ' ';
	duration_text(life + 1, sizeof(life) - 1, tcp_conn_lifetime(c, now_ns));
	snprintf(rx, sizeof(rx), "%llu", (unsigned long long)c->rx_bytes);
	snprintf(tx, sizeof(tx), "%llu", (unsigned long long)c->tx_bytes);
	duration_text(srtt, sizeof(srtt), (uint64_t)c->srtt_us * 1000);
	snprintf(retrans, sizeof(retrans), "%u", c->retrans);
	text_buf_init(&t, proc, sizeof(proc));
	if (c->comm[0]) {
		text_buf_str(&t, "[");
		text_buf_printable(&t, c->comm, strnlen(c->comm, sizeof(c->comm)));
		text_buf_printf(&t, "(%u)]", c->pid);
	} else {
		text_buf_str(&t, "-");
	}
	snprintf(buf, len, CONN_FORMAT, tuple, proc, state, c->partial ? life : life + 1, rx, tx, srtt, retrans,
		 c->cong[0] ? c->cong : "-");
}

static void sock_text(char *buf, size_t len, const struct sk_sock *s)
{
	const char *family = format_family(s->family), *proto = format_sk_protocol(s->family, s->protocol);
	const char *state = format_tcp_state(s->state);
	char fam[48], proc[48];
	struct text_buf t;

	snprintf(fam, sizeof(fam), "%s/%s", family ? family : "?", proto ? proto : "-");
	text_buf_init(&t, proc, sizeof(proc));
	if (s->comm[0]) {
		text_buf_str(&t, "[");
		text_buf_printable(&t, s->comm, strnlen(s->comm, sizeof(s->comm)));
		text_buf_printf(&t, "(%u)]", s->pid);
	} else {
		text_buf_str(&t, "-");
	}
	snprintf(buf, len, "%-26s 0x%-16llx %-11s %8llu %10llu %10llu %6llu %s", fam, (unsigned long long)s->sk,
		 state ? state : "-", (unsigned long long)s->total, (unsigned long long)s->bytes_sent,
		 (unsigned long long)s->bytes_received, (unsigned long long)s->errors, proc);
}

/* The sockets' part of the pane, under the connections, from line y on. */
static void draw_sockets(struct tcp_view *v, WINDOW *w, int y, int rows)
{
	struct sk_stats *ss = event_store_sk_stats(v->base.app->store);
	size_t n = sk_stats_sorted(ss, SK_SORT_RECENT, v->socks, EVENT_STORE_SOCKETS);
	int cols = getmaxx(w);

	snprintf(v->line, sizeof(v->line), " %zu sockets, latest event first%s", sk_stats_count(ss),
		 sk_stats_forgotten(ss) ? " (the least recent were forgotten)" : "");
	draw_text(w, y, 0, cols, v->line, theme_attr(TH_DIM));
	snprintf(v->line, sizeof(v->line), "%-26s %-18s %-11s %8s %10s %10s %6s %s", "FAMILY/PROTOCOL", "SOCKET",
		 "STATE", "EVENTS", "SENT", "RECEIVED", "ERRORS", "PROCESS");
	draw_row(w, y + 1, v->line, strlen(v->line), v->hscroll, theme_attr(TH_HEADER), NULL, 0);
	for (size_t i = 0; i < n && y + 2 + (int)i < rows; i++) {
		sock_text(v->line, sizeof(v->line), v->socks[i]);
		draw_row(w, y + 2 + (int)i, v->line, strlen(v->line), v->hscroll, theme_attr(TH_ROW), NULL, 0);
	}
}

static void tcp_draw(struct pane *p, WINDOW *w)
{
	struct tcp_view *v = tcp_view_of(p);
	struct app *a = p->app;
	const struct tcp_stats *ts = event_store_tcp_stats(a->store);
	const struct tcp_totals *tot = tcp_stats_totals(ts);
	int rows = getmaxy(w), cols = getmaxx(w), conn_rows = rows;
	bool socks = sk_stats_count(event_store_sk_stats(a->store)) > 0;

	v->nconns = tcp_stats_sorted(ts, v->sort, TCP_OPEN | TCP_CLOSED, a->now_ns, v->conns, MAX_CONNS);
	snprintf(v->line, sizeof(v->line), " %zu open, %zu closed; %llu resets sent, %llu received; %s",
		 tcp_stats_count(ts, TCP_OPEN), tcp_stats_count(ts, TCP_CLOSED), (unsigned long long)tot->resets_sent,
		 (unsigned long long)tot->resets_received, sort_name(v->sort));
	draw_text(w, 0, 0, cols, v->line, theme_attr(TH_DIM));
	snprintf(v->line, sizeof(v->line), CONN_FORMAT, "TUPLE", "PROCESS", "STATE", "LIFETIME", "RX", "TX", "SRTT",
		 "RETR", "CONG");
	draw_row(w, 1, v->line, strlen(v->line), v->hscroll, theme_attr(TH_HEADER), NULL, 0);
	/* Sockets take the lower third when there are any. */
	if (socks && rows >= 12)
		conn_rows = rows - rows / 3;
	pane_list_layout(&v->list, 2, conn_rows - 2, v->nconns);
	if (!v->nconns)
		draw_text(w, 2, 1, cols - 1, "No TCP connections (vista-top --filter-trace-tcp traces them)",
			  theme_attr(TH_DIM));
	for (size_t i = 0; i < v->list.rows && v->list.top + i < v->nconns; i++) {
		size_t k = v->list.top + i;
		const struct tcp_conn *c = v->conns[k];
		attr_t attr = k == v->list.cursor ? theme_attr(TH_SELECTED)
			      : c->reset          ? theme_attr(TH_DROP)
			      : c->open           ? theme_attr(TH_ROW)
						  : theme_attr(TH_DIM);

		conn_text(v->line, sizeof(v->line), c, a->now_ns);
		draw_row(w, 2 + (int)i, v->line, strlen(v->line), v->hscroll, attr, NULL, 0);
	}
	if (conn_rows < rows)
		draw_sockets(v, w, conn_rows, rows);
}

static int tcp_key(struct pane *p, int key)
{
	struct tcp_view *v = tcp_view_of(p);

	for (size_t i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++) {
		if (key == sorts[i].key) {
			v->sort = sorts[i].sort;
			v->list.cursor = v->list.top = 0;
			app_message(p->app, "TCP: %s", sorts[i].what);
			app_mark(p->app, DIRTY_BODY | DIRTY_INFO);
			return PANE_HANDLED;
		}
	}
	switch (key) {
	case K_FN(KEY_LEFT):
	case 'h':
		v->hscroll = v->hscroll > HSCROLL_STEP ? v->hscroll - HSCROLL_STEP : 0;
		break;
	case K_FN(KEY_RIGHT):
	case 'l':
		if (v->hscroll + HSCROLL_STEP < sizeof(v->line))
			v->hscroll += HSCROLL_STEP;
		break;
	default:
		if (!pane_list_move(&v->list, key, v->nconns))
			return PANE_IGNORED;
		break;
	}
	app_mark(p->app, DIRTY_BODY | DIRTY_INFO);
	return PANE_HANDLED;
}

static void tcp_click(struct pane *p, int y, int x)
{
	struct tcp_view *v = tcp_view_of(p);

	(void)x;
	if (!pane_list_click(&v->list, y, v->nconns))
		return;
	app_mark(p->app, DIRTY_BODY | DIRTY_INFO);
}

static bool tcp_ingested(struct pane *p)
{
	(void)p;
	return true;
}

static void tcp_position(const struct pane *p, char *buf, size_t len)
{
	const struct tcp_view *v = tcp_view_of(p);

	pane_list_position(&v->list, v->nconns, buf, len);
}

static void tcp_destroy(struct pane *p)
{
	struct tcp_view *v = tcp_view_of(p);

	free(v->conns);
	free(v->socks);
	free(v);
}

static const struct pane_ops tcp_ops = {
	.title = "TCP",
	.draw = tcp_draw,
	.key = tcp_key,
	.click = tcp_click,
	.ingested = tcp_ingested,
	.position = tcp_position,
	.destroy = tcp_destroy,
};

struct pane *tcp_view_create(struct app *a)
{
	struct tcp_view *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->conns = calloc(MAX_CONNS, sizeof(*v->conns));
	v->socks = calloc(EVENT_STORE_SOCKETS, sizeof(*v->socks));
	if (!v->conns || !v->socks) {
		free(v->conns);
		free(v->socks);
		free(v);
		return NULL;
	}
	v->base.ops = &tcp_ops;
	v->base.app = a;
	v->sort = TCP_SORT_RECENT;
	return &v->base;
}
