// SPDX-License-Identifier: GPL-2.0-only
/* Events as JSON lines (see format_json.h); the field names are vista(8)'s JSON OUTPUT. */
#include "core/format_json.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/kallsyms.h"

/* An output cursor with snprintf semantics, as in format.c: never past end, but counting. */
struct jout {
	char *p, *end;
	size_t need;
	bool first; /* no comma before the next member */
};

static inline void put_mem(struct jout *o, const char *s, size_t n)
{
	if (o->p < o->end) {
		size_t room = (size_t)(o->end - o->p);
		size_t k = n < room ? n : room;

		memcpy(o->p, s, k);
		o->p += k;
	}
	o->need += n;
}

static inline void put_ch(struct jout *o, char c)
{
	put_mem(o, &c, 1);
}

static void put_dec(struct jout *o, uint64_t v)
{
	char b[20];
	size_t n = sizeof(b);

	do {
		b[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put_mem(o, b + n, sizeof(b) - n);
}

static void put_signed(struct jout *o, int64_t v)
{
	if (v < 0) {
		put_ch(o, '-');
		put_dec(o, (uint64_t)0 - (uint64_t)v);
	} else {
		put_dec(o, (uint64_t)v);
	}
}

/* A JSON string of the first n bytes of s (stopping at a NUL). */
static void put_strn(struct jout *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	put_ch(o, '"');
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			run++;
			continue;
		}
		put_mem(o, s + i - run, run);
		run = 0;
		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			put_mem(o, esc, 2);
		} else {
			put_mem(o, esc, 6);
		}
	}
	put_mem(o, s + strnlen(s, n) - run, run);
	put_ch(o, '"');
}

static void put_str(struct jout *o, const char *s)
{
	put_strn(o, s, strlen(s));
}

/* '"key":' after a comma unless it is the first member; keys are plain ASCII. */
static void key(struct jout *o, const char *k)
{
	if (!o->first)
		put_ch(o, ',');
	o->first = false;
	put_ch(o, '"');
	put_mem(o, k, strlen(k));
	put_mem(o, "\":", 2);
}

static void member_u64(struct jout *o, const char *k, uint64_t v)
{
	key(o, k);
	put_dec(o, v);
}

static void member_i64(struct jout *o, const char *k, int64_t v)
{
	key(o, k);
	put_signed(o, v);
}

static void member_str(struct jout *o, const char *k, const char *v)
{
	key(o, k);
	put_str(o, v);
}

static void member_strn(struct jout *o, const char *k, const char *v, size_t n)
{
	key(o, k);
	put_strn(o, v, n);
}

static void member_bool(struct jout *o, const char *k, bool v)
{
	key(o, k);
	put_mem(o, v ? "true" : "false", v ? 4 : 5);
}

static void member_hex(struct jout *o, const char *k, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char b[20];
	size_t n = sizeof(b);

	do {
		b[--n] = digits[v & 0xf];
		v >>= 4;
	} while (v);
	b[--n] = 'x';
	b[--n] = '0';
	key(o, k);
	put_ch(o, '"');
	put_mem(o, b + n, sizeof(b) - n);
	put_ch(o, '"');
}

/* A name, or the number as a string when there is none: the field keeps one type. */
static void member_name(struct jout *o, const char *k, const char *name, int64_t v)
{
	char b[24];

	if (!name) {
		snprintf(b, sizeof(b), "%lld", (long long)v);
		name = b;
	}
	member_str(o, k, name);
}

static void member_addr(struct jout *o, const char *k, uint8_t l3, const uint8_t *a)
{
	char b[INET6_ADDRSTRLEN];

	inet_ntop(l3 == 4 ? AF_INET : AF_INET6, a, b, sizeof(b));
	member_str(o, k, b);
}

static void put_meta(struct jout *o, const struct vista_meta *m)
{
	member_u64(o, "netns", m->netns);
	member_u64(o, "mark", m->mark);
	member_u64(o, "ifindex", m->ifindex);
	member_strn(o, "ifname", m->ifindex ? m->ifname : "", sizeof(m->ifname));
	member_u64(o, "protocol", m->protocol);
	member_u64(o, "mtu", m->mtu);
	member_u64(o, "len", m->len);
	member_str(o, "pkt_type", format_pkt_type(m->pkt_type));
}

static const char *l4_name(uint8_t proto)
{
	switch (proto) {
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 1:
		return "icmp";
	case 58:
		return "icmp6";
	default:
		return NULL;
	}
}

static void put_tuple(struct jout *o, const struct vista_tuple *t)
{
	member_u64(o, "l3", t->l3);
	member_addr(o, "saddr", t->l3, t->saddr);
	member_addr(o, "daddr", t->l3, t->daddr);
	member_name(o, "l4", l4_name(t->l4_proto), t->l4_proto);
	member_u64(o, "l4_proto", t->l4_proto);
	if (t->l4_proto == 6 || t->l4_proto == 17) {
		member_u64(o, "sport", t->sport);
		member_u64(o, "dport", t->dport);
	} else if (t->l4_proto == 1 || t->l4_proto == 58) {
		member_u64(o, "icmp_type", t->icmp_type);
		member_u64(o, "icmp_code", t->icmp_code);
		/* Echo requests and replies carry these in the place of ports. */
		member_u64(o, "icmp_id", t->sport);
		member_u64(o, "icmp_seq", t->dport);
	}
}

/* What every kind has: the columns of the text line, then its metadata and tuple when asked for and known. */
static void put_common(struct jout *o, const struct vista_event *e, const char *kind, const char *func,
		       const struct format_opts *opts, const struct format_state *st)
{
	member_str(o, "kind", kind);
	member_u64(o, "ts_ns", e->ts_ns);
	member_i64(o, "wall_ns", (int64_t)e->ts_ns + st->realtime_offset_ns);
	member_hex(o, e->kind == VISTA_EV_SKB || e->kind == VISTA_EV_NETFILTER ? "skb" : "sk", e->addr);
	member_u64(o, "cpu", e->cpu);
	member_strn(o, "comm", e->comm, sizeof(e->comm));
	member_u64(o, "pid", e->pid);
	member_u64(o, "tid", e->tid);
	member_str(o, "func", func);
	if (opts->meta && (e->flags & VISTA_EVF_HAS_META))
		put_meta(o, &e->meta);
	if (opts->tuple && (e->flags & VISTA_EVF_HAS_TUPLE) && e->tuple.l3)
		put_tuple(o, &e->tuple);
}

static void put_reason(struct jout *o, const struct vista_event *e, const struct format_names *names)
{
	const char *reason = names->drop_reason ? names->drop_reason(names->ctx, e->reason) : NULL;

	member_name(o, "drop_reason", reason, e->reason);
	member_u64(o, "drop_reason_code", e->reason);
}

/* Each frame as the text shows it ("ip_rcv+0x1d [mod]"), tracer frames left out as there. */
static void put_stack(struct jout *o, const uint64_t *stack, int nstack, const struct kallsyms *ksyms)
{
	char text[VISTA_MAX_STACK_DEPTH * 160];
	size_t n = format_stack(text, sizeof(text), stack, nstack, ksyms);
	const char *p = text, *end = text + (n < sizeof(text) ? n : sizeof(text) - 1);
	bool first = true;

	key(o, "stack");
	put_ch(o, '[');
	/* format_stack puts "\n    " before each frame. */
	while (p < end) {
		const char *next;

		p += strspn(p, "\n ");
		if (p >= end)
			break;
		next = memchr(p, '\n', (size_t)(end - p));
		if (!next)
			next = end;
		if (!first)
			put_ch(o, ',');
		first = false;
		put_strn(o, p, (size_t)(next - p));
		p = next;
	}
	put_ch(o, ']');
}

static void put_skb(struct jout *o, const struct vista_event *e, const uint64_t *stack, int nstack,
		    const struct format_names *names, const struct format_opts *opts, const struct format_state *st)
{
	const char *hook = names->hook_name ? names->hook_name(names->ctx, e->hook_id) : NULL;
	char func[32];

	if (!hook) {
		snprintf(func, sizeof(func), "hook#%u", e->hook_id);
		hook = func;
	}
	put_common(o, e, "skb", hook, opts, st);
	if (e->flags & VISTA_EVF_HAS_REASON)
		put_reason(o, e, names);
	if (nstack > 0)
		put_stack(o, stack, nstack, names->ksyms);
	if (opts->skb && (e->flags & VISTA_EVF_HAS_SKB)) {
		const struct vista_skb_dump *d = vista_event_skb(e);

		member_strn(o, "skb_dump", (const char *)(d + 1),
			    d->len < VISTA_SKB_DUMP_TEXT ? d->len : VISTA_SKB_DUMP_TEXT - 1);
	}
}

static void put_nf(struct jout *o, const struct vista_event *e, const struct format_names *names,
		   const struct format_opts *opts, const struct format_state *st)
{
	const struct vista_nf *nf = (const struct vista_nf *)(e + 1);
	const char *via;

	put_common(o, e, "netfilter", "nf_hook_slow", opts, st);
	if (!opts->iptables)
		return;
	member_name(o, "pf", format_nf_pf(nf->pf), nf->pf);
	member_strn(o, "table", nf->table, sizeof(nf->table));
	member_strn(o, "chain", nf->chain, sizeof(nf->chain));
	member_name(o, "hook", format_nf_hook(nf->hook), nf->hook);
	member_name(o, "verdict", format_nf_verdict(nf->verdict), nf->verdict);
	member_u64(o, "cost_ns", nf->cost_ns);
	member_i64(o, "prio_lo", nf->prio_lo);
	member_i64(o, "prio_hi", nf->prio_hi);
	switch (nf->method) {
	case VISTA_NF_BY_NEXT_LINK:
		via = "next-link";
		break;
	case VISTA_NF_BY_RETURN:
		via = "return";
		break;
	case VISTA_NF_BY_DROP_REASON:
	case VISTA_NF_BY_FREE:
		via = e->flags & VISTA_EVF_HAS_REASON ? "kfree_skb" : "consume_skb";
		break;
	default:
		via = NULL;
	}
	member_name(o, "via", via, nf->method);
	if (e->flags & VISTA_EVF_HAS_REASON)
		put_reason(o, e, names);
}

static void put_tcp(struct jout *o, const struct vista_event *e, const struct format_opts *opts,
		    const struct format_state *st)
{
	const struct vista_tcp *t = (const struct vista_tcp *)(e + 1);
	static const char *const resets[] = { "NONE", "SEND", "RECV" };

	put_common(o, e, "tcp", format_tcp_what(t->what), opts, st);
	if (!opts->tcp)
		return;
	member_bool(o, "conn", !(t->flags & VISTA_TCP_NO_SOCK));
	if (t->flags & VISTA_TCP_NO_SOCK)
		return;
	member_u64(o, "rx_bytes", t->rx_bytes);
	member_u64(o, "tx_bytes", t->tx_bytes);
	member_u64(o, "lifetime_ns", t->lifetime_ns);
	member_bool(o, "partial", t->flags & VISTA_TCP_PARTIAL);
	member_u64(o, "srtt_us", t->srtt_us);
	member_u64(o, "retrans", t->retrans);
	member_u64(o, "sk_mark", t->sk_mark);
	member_strn(o, "cong", t->cong, sizeof(t->cong));
	member_name(o, "reset", t->reset < 3 ? resets[t->reset] : NULL, t->reset);
	member_name(o, "state", format_tcp_state(t->state), t->state);
}

static void put_sk_fields(struct jout *o, const struct vista_sk *s)
{
	static const char *const types[] = { NULL,       "SOCK_STREAM",    "SOCK_DGRAM", "SOCK_RAW",
					     "SOCK_RDM", "SOCK_SEQPACKET", "SOCK_DCCP" };
	static const char *const socket_states[] = { "FREE", "UNCONNECTED", "CONNECTING", "CONNECTED",
						     "DISCONNECTING" };
	const char *type = s->type < 7 ? types[s->type] : s->type == 10 ? "SOCK_PACKET" : NULL;

	member_name(o, "skc_state", format_tcp_state(s->state), s->state);
	member_bool(o, "skc_reuseport", s->reuseport);
	member_u64(o, "skc_bound_ifindex", s->bound_ifindex);
	member_u64(o, "sk_backlog", s->backlog);
	member_i64(o, "sk_rcv_buff", s->rcvbuf);
	member_i64(o, "sk_snd_buff", s->sndbuf);
	member_u64(o, "sk_priority", s->priority);
	member_u64(o, "sk_mark", s->mark);
	member_name(o, "sk_type", type, s->type);
	if (!s->has_socket)
		return;
	member_name(o, "socket_state", s->socket_state < 5 ? socket_states[s->socket_state] : NULL, s->socket_state);
	member_u64(o, "socket_file_inode", s->inode);
	member_u64(o, "socket_flags", s->socket_flags);
}

static void put_sk_what(struct jout *o, const struct vista_sk *s)
{
	switch (s->what) {
	case VISTA_SK_SET_STATE:
		member_name(o, "oldstate", format_tcp_state((unsigned int)s->a), s->a);
		member_name(o, "newstate", format_tcp_state((unsigned int)s->b), s->b);
		break;
	case VISTA_SK_SEND:
	case VISTA_SK_RECV:
		member_i64(o, s->a < 0 ? "error" : "length", s->a);
		member_u64(o, "flags", (uint32_t)s->b);
		break;
	case VISTA_SK_RCVQ_FULL:
		member_i64(o, "rmem_alloc", s->a);
		member_i64(o, "truesize", s->b);
		break;
	case VISTA_SK_BUF_LIMIT:
		member_i64(o, "allocated", s->a);
		member_str(o, "buf_kind", s->b ? "RECV" : "SEND");
		break;
	case VISTA_SK_ERROR:
		member_i64(o, "sk_err", s->a);
		break;
	}
}

static void put_sk(struct jout *o, const struct vista_event *e, const struct format_opts *opts,
		   const struct format_state *st)
{
	const struct vista_sk *s = (const struct vista_sk *)(e + 1);

	put_common(o, e, "sk", format_sk_what(s->what), opts, st);
	member_name(o, "family", format_family(s->family), s->family);
	member_name(o, "sk_protocol", format_sk_protocol(s->family, s->protocol), s->protocol);
	if (opts->sk)
		put_sk_fields(o, s);
	put_sk_what(o, s);
}

size_t format_json_event(char *buf, size_t len, const struct vista_event *e, const uint64_t *stack, int nstack,
			 const struct format_names *names, const struct format_opts *o, const struct format_state *st)
{
	struct jout out = { buf, len ? buf + len - 1 : buf, 0, true };

	put_ch(&out, '{');
	switch (e->kind) {
	case VISTA_EV_NETFILTER:
		put_nf(&out, e, names, o, st);
		break;
	case VISTA_EV_TCP:
		put_tcp(&out, e, o, st);
		break;
	case VISTA_EV_SK:
		put_sk(&out, e, o, st);
		break;
	default:
		put_skb(&out, e, stack, nstack, names, o, st);
	}
	put_mem(&out, "}\n", 2);
	if (len)
		*(out.p < out.end ? out.p : buf + len - 1) = '\0';
	return out.need;
}
