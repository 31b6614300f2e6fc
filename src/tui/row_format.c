// SPDX-License-Identifier: GPL-2.0-only
#include "tui/row_format.h"

#include <stdio.h>
#include <string.h>

#include "tui/text_buf.h"

#define TIME_W  11
#define CLOCK_W FORMAT_CLOCK_LEN
#define DELTA_W 9
#define SKB_W   18
#define CPU_W   3
#define PROC_W  16
#define FUNC_W  24
#define TUPLE_W 44

static const char *hook_name_cb(const void *ctx, uint32_t id)
{
	return event_source_hook_name(ctx, id);
}

static const char *drop_reason_cb(const void *ctx, uint32_t reason)
{
	return event_source_drop_reason(ctx, reason);
}

int row_ctx_init(struct row_ctx *c, const struct event_source *src, const struct event_store *store, uint64_t t0_ns,
		 char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	if (format_state_init(&c->clock)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->src = src;
	c->store = store;
	c->names.hook_name = hook_name_cb;
	c->names.drop_reason = drop_reason_cb;
	c->names.ctx = src;
	c->t0_ns = t0_ns;
	return 0;
}

void row_ctx_free(struct row_ctx *c)
{
	format_state_free(&c->clock);
}

size_t seconds_text(char *buf, size_t len, int64_t ns)
{
	uint64_t a = ns < 0 ? (uint64_t)-ns : (uint64_t)ns;
	int n = snprintf(buf, len, "%s%llu.%06llu", ns < 0 ? "-" : "", (unsigned long long)(a / 1000000000ULL),
			 (unsigned long long)(a % 1000000000ULL / 1000));

	return n > 0 ? (size_t)n : 0;
}

size_t duration_text(char *buf, size_t len, uint64_t ns)
{
	int n;

	if (ns < 1000)
		n = snprintf(buf, len, "%lluns", (unsigned long long)ns);
	else if (ns < 10000)
		n = snprintf(buf, len, "%.2fus", ns / 1e3);
	else if (ns < 1000000)
		n = snprintf(buf, len, "%.1fus", ns / 1e3);
	else if (ns < 10000000)
		n = snprintf(buf, len, "%.2fms", ns / 1e6);
	else if (ns < 1000000000)
		n = snprintf(buf, len, "%.1fms", ns / 1e6);
	else
		n = snprintf(buf, len, "%.2fs", ns / 1e9);
	return n > 0 ? (size_t)n : 0;
}

size_t ago_text(char *buf, size_t len, uint64_t now_ns, uint64_t then_ns)
{
	uint64_t d = now_ns > then_ns ? now_ns - then_ns : 0;
	unsigned long long s = d / 1000000000ULL;
	int n;

	if (!then_ns)
		n = snprintf(buf, len, "-");
	else if (s < 10)
		n = snprintf(buf, len, "%llu.%llus ago", s, (unsigned long long)(d / 100000000ULL % 10));
	else if (s < 60)
		n = snprintf(buf, len, "%llus ago", s);
	else if (s < 3600)
		n = snprintf(buf, len, "%llum%02llus ago", s / 60, s % 60);
	else
		n = snprintf(buf, len, "%lluh%02llum ago", s / 3600, s / 60 % 60);
	return n > 0 ? (size_t)n : 0;
}

size_t reason_text(char *buf, size_t len, const struct event_source *src, uint32_t reason)
{
	static const char prefix[] = "SKB_DROP_REASON_";
	const char *name = event_source_drop_reason(src, reason);
	int n;

	if (!name)
		n = snprintf(buf, len, "reason=%u", reason);
	else
		n = snprintf(buf, len, "%s",
			     strncmp(name, prefix, sizeof(prefix) - 1) == 0 ? name + sizeof(prefix) - 1 : name);
	return n > 0 ? (size_t)n : 0;
}

size_t process_text(char *buf, size_t len, const struct vista_event *e)
{
	struct text_buf t;

	text_buf_init(&t, buf, len);
	text_buf_str(&t, "[");
	text_buf_printable(&t, e->comm, strnlen(e->comm, sizeof(e->comm)));
	text_buf_printf(&t, "(%u)]", e->pid);
	return t.len;
}

size_t row_header(char *buf, size_t len, const struct row_style *st)
{
	struct text_buf t;

	text_buf_init(&t, buf, len);
	text_buf_right(&t, "TIME", st->timestamp == TIMESTAMP_ABSOLUTE ? CLOCK_W : TIME_W);
	if (st->timestamp == TIMESTAMP_RELATIVE) {
		text_buf_str(&t, " ");
		text_buf_right(&t, "DELTA", DELTA_W);
	}
	text_buf_str(&t, " ");
	text_buf_right(&t, "SKB", SKB_W);
	text_buf_str(&t, " ");
	text_buf_right(&t, "CPU", CPU_W);
	text_buf_str(&t, " PROCESS");
	text_buf_pad_to(&t, t.len + PROC_W - 7);
	text_buf_str(&t, " FUNC");
	if (st->tuple || st->meta)
		text_buf_pad_to(&t, t.len + FUNC_W - 4);
	if (st->tuple) {
		text_buf_str(&t, " TUPLE");
		if (st->meta)
			text_buf_pad_to(&t, t.len + TUPLE_W - 5);
	}
	if (st->meta)
		text_buf_str(&t, " META");
	return t.len;
}

/* An event of a kind with its struct right after it, as format_nf/tcp/sk read it. */
struct kind_record {
	struct vista_event ev;
	union {
		struct vista_nf nf;
		struct vista_tcp tcp;
		struct vista_sk sk;
	} body;
};

/*
 * format_nf/tcp/sk write vista's whole line: columns, then fields. With the
 * columns made fixed (no address, CPU 0, process "[x(0)]", no time, no
 * meta or tuple) they take the same width for every event, which the
 * columns of a TCP event with no fields measure once.
 */
static void normalize(struct vista_event *e)
{
	e->addr = 0;
	e->cpu = 0;
	e->pid = 0;
	memset(e->comm, 0, sizeof(e->comm));
	e->comm[0] = 'x';
}

static size_t columns_width(struct format_state *fs)
{
	static size_t width;
	struct kind_record r;
	struct format_opts o = { 0 };
	char line[256];

	if (!width) {
		memset(&r, 0, sizeof(r));
		normalize(&r.ev);
		r.ev.kind = VISTA_EV_TCP;
		r.body.tcp.what = VISTA_TCP_CLOSE;
		width = format_tcp(line, sizeof(line), &r.ev, &r.body.tcp, &o, fs) - 1; /* without its '\n' */
	}
	return width;
}

size_t row_kind_fields(char *buf, size_t len, struct row_ctx *c, const struct store_entry *ent,
		       const struct row_style *st)
{
	struct format_opts o = { .tcp = st->tcp, .sk = st->sk, .iptables = st->iptables };
	const struct vista_nf *nf = event_store_nf(c->store, ent);
	const struct vista_tcp *tcp = event_store_tcp(c->store, ent);
	const struct vista_sk *sk = event_store_sk(c->store, ent);
	size_t skip = columns_width(&c->clock), n;
	struct kind_record r;
	char line[1024];

	if (len)
		buf[0] = '\0';
	if (!nf && !tcp && !sk)
		return 0;
	r.ev = ent->ev;
	normalize(&r.ev);
	if (nf) {
		r.body.nf = *nf;
		n = format_nf(line, sizeof(line), &r.ev, &c->names, &o, &c->clock);
	} else if (tcp) {
		r.body.tcp = *tcp;
		n = format_tcp(line, sizeof(line), &r.ev, &r.body.tcp, &o, &c->clock);
	} else {
		r.body.sk = *sk;
		n = format_sk(line, sizeof(line), &r.ev, &r.body.sk, &o, &c->clock);
	}
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	/* The columns, the blank before the first field, and the line's '\n' go. */
	while (skip < n && line[skip] == ' ')
		skip++;
	if (n && line[n - 1] == '\n')
		n--;
	n = n > skip ? n - skip : 0;
	snprintf(buf, len, "%.*s", (int)n, line + skip);
	return n;
}

size_t row_func_text(char *buf, size_t len, struct row_ctx *c, const struct store_entry *ent)
{
	const struct vista_tcp *tcp = event_store_tcp(c->store, ent);
	const struct vista_sk *sk = event_store_sk(c->store, ent);
	int n;

	switch (ent->ev.kind) {
	case VISTA_EV_NETFILTER:
		n = snprintf(buf, len, "nf_hook_slow");
		break;
	case VISTA_EV_TCP:
		n = snprintf(buf, len, "%s", tcp ? format_tcp_what(tcp->what) : "TCP?");
		break;
	case VISTA_EV_SK:
		n = snprintf(buf, len, "%s", sk ? format_sk_what(sk->what) : "sock?");
		break;
	default:
		return format_func(buf, len, &ent->ev, &c->names);
	}
	return n > 0 ? (size_t)n : 0;
}

static void put_time(struct text_buf *t, struct row_ctx *c, const struct store_entry *ent, uint64_t seq,
		     const struct row_style *st)
{
	char field[64];

	if (st->timestamp == TIMESTAMP_ABSOLUTE) {
		format_clock(field, sizeof(field), &c->clock, ent->ev.ts_ns);
		text_buf_right(t, field, CLOCK_W);
		return;
	}
	seconds_text(field, sizeof(field), (int64_t)(ent->ev.ts_ns - c->t0_ns));
	text_buf_right(t, field, TIME_W);
	if (st->timestamp == TIMESTAMP_RELATIVE) {
		uint64_t prev = event_store_prev_in_life(c->store, seq);
		const struct store_entry *p = prev != STORE_NO_SEQ ? event_store_get(c->store, prev) : NULL;

		if (p && ent->ev.ts_ns >= p->ev.ts_ns)
			duration_text(field, sizeof(field), ent->ev.ts_ns - p->ev.ts_ns);
		else
			snprintf(field, sizeof(field), "-");
		text_buf_str(t, " ");
		text_buf_right(t, field, DELTA_W);
	}
}

size_t row_text(char *buf, size_t len, struct row_ctx *c, uint64_t seq, const struct row_style *st)
{
	const struct store_entry *ent = event_store_get(c->store, seq);
	const struct vista_event *e;
	struct text_buf t;
	char field[512], kind[1024] = "";
	size_t start;

	text_buf_init(&t, buf, len);
	if (!ent)
		return 0;
	e = &ent->ev;
	put_time(&t, c, ent, seq, st);
	snprintf(field, sizeof(field), "0x%llx", (unsigned long long)e->addr);
	text_buf_str(&t, " ");
	text_buf_right(&t, field, SKB_W);
	text_buf_printf(&t, " %*u ", CPU_W, e->cpu);
	start = t.len;
	process_text(field, sizeof(field), e);
	text_buf_str(&t, field);
	text_buf_pad_to(&t, start + PROC_W);
	text_buf_str(&t, " ");
	start = t.len;
	row_func_text(field, sizeof(field), c, ent);
	text_buf_str(&t, field);
	if (e->kind != VISTA_EV_SKB) {
		row_kind_fields(kind, sizeof(kind), c, ent, st);
	} else if (!st->tuple && !st->meta) {
		return t.len;
	}
	text_buf_pad_to(&t, start + FUNC_W);
	if (st->tuple) {
		text_buf_str(&t, " ");
		start = t.len;
		if ((e->flags & VISTA_EVF_HAS_TUPLE) && e->tuple.l3) {
			format_tuple(field, sizeof(field), &e->tuple);
			text_buf_str(&t, field);
		}
		if (st->meta)
			text_buf_pad_to(&t, start + TUPLE_W);
	}
	if (st->meta && (e->flags & VISTA_EVF_HAS_META)) {
		text_buf_str(&t, " ");
		format_meta(field, sizeof(field), &e->meta);
		text_buf_str(&t, field);
	}
	if (*kind) {
		/* After the optional columns, as vista prints them after its tuple and meta. */
		text_buf_str(&t, " ");
		text_buf_str(&t, kind);
	}
	/* Trailing blanks would only widen the horizontal scroll range. */
	while (t.len && buf[t.len - 1] == ' ')
		buf[--t.len] = '\0';
	return t.len;
}
