// SPDX-License-Identifier: GPL-2.0-only
#include "core/format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/kallsyms.h"
#include "core/prog_trace.h"

#define LAST_SEEN_SLOTS 65536 /* power of two */

struct format_last_seen {
	uint64_t addr;
	uint64_t ts;
};

/*
 * An output cursor: appends never write past end, but keep counting so the
 * caller learns the full length (snprintf semantics).
 */
struct out {
	char *p, *end;
	size_t need;
};

static inline void put_mem(struct out *o, const char *s, size_t n)
{
	size_t room = (size_t)(o->end - o->p);

	/*
	 * The common case first, in a copy of n bytes: n is often a constant
	 * here (a literal's length), and the compiler then inlines the copy
	 * instead of calling memcpy for a few bytes.
	 */
	if (n <= room) {
		/* n is not 0 only with room: never a copy to the NULL buffer of a length query. */
		if (n) {
			memcpy(o->p, s, n);
			o->p += n;
		}
	} else if (room) {
		memcpy(o->p, s, room);
		o->p += room;
	}
	o->need += n;
}

static inline void put_str(struct out *o, const char *s)
{
	put_mem(o, s, strlen(s));
}

static inline void put_ch(struct out *o, char c)
{
	if (o->p < o->end)
		*o->p++ = c;
	o->need++;
}

static inline void put_pad(struct out *o, size_t n)
{
	static const char spaces[] = "                                ";

	while (n) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		put_mem(o, spaces, k);
		n -= k;
	}
}

/* Right-aligns s in a field of width (longer text is kept whole). */
static inline void put_right(struct out *o, const char *s, size_t n, size_t width)
{
	if (n < width)
		put_pad(o, width - n);
	put_mem(o, s, n);
}

static size_t u64_dec(char *buf, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

static size_t u64_hex(char *buf, uint64_t v, size_t min_digits)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	size_t n = 0;

	do {
		tmp[n++] = digits[v & 0xf];
		v >>= 4;
	} while (v);
	while (n < min_digits)
		tmp[n++] = '0';
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

static inline void put_dec(struct out *o, uint64_t v)
{
	char b[20];

	put_mem(o, b, u64_dec(b, v));
}

static inline void put_hex(struct out *o, uint64_t v, size_t min_digits)
{
	char b[18] = "0x";

	put_mem(o, b, 2 + u64_hex(b + 2, v, min_digits));
}

static void finish(struct out *o, char *buf, size_t len)
{
	if (!len)
		return;
	if (o->p < o->end)
		*o->p = '\0';
	else
		buf[len - 1] = '\0';
}

static struct out out_init(char *buf, size_t len)
{
	/* Keep one byte for the terminating NUL. */
	struct out o = { buf, len ? buf + len - 1 : buf, 0 };

	return o;
}

const char *format_pkt_type(uint8_t pkt_type)
{
	static const char *const names[] = { "HOST",     "BROADCAST", "MULTICAST", "OTHERHOST",
					     "OUTGOING", "LOOPBACK",  "USER",      "KERNEL" };

	return pkt_type < sizeof(names) / sizeof(names[0]) ? names[pkt_type] : "UNKNOWN";
}

static void put_ipv4(struct out *o, const uint8_t *a)
{
	for (int i = 0; i < 4; i++) {
		if (i)
			put_ch(o, '.');
		put_dec(o, a[i]);
	}
}

/* RFC 5952 text: lowercase, the longest run (>= 2) of zero groups as "::". */
static void put_ipv6(struct out *o, const uint8_t *a)
{
	uint16_t g[8];
	int best = -1, best_len = 0;

	for (int i = 0; i < 8; i++)
		g[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > best_len && j - i >= 2) {
			best = i;
			best_len = j - i;
		}
		i = j > i ? j : i + 1;
	}
	for (int i = 0; i < 8; i++) {
		char b[4];
		size_t n;

		if (i == best) {
			put_mem(o, "::", 2);
			i += best_len - 1;
			continue;
		}
		if (i && i != best + best_len)
			put_ch(o, ':');
		n = u64_hex(b, g[i], 1);
		put_mem(o, b, n);
	}
}

static void put_addr(struct out *o, const struct vista_tuple *t, const uint8_t *a, bool with_port, uint16_t port)
{
	if (t->l3 == 4) {
		put_ipv4(o, a);
	} else {
		if (with_port)
			put_ch(o, '[');
		put_ipv6(o, a);
		if (with_port)
			put_ch(o, ']');
	}
	if (with_port) {
		put_ch(o, ':');
		put_dec(o, port);
	}
}

static void put_icmp(struct out *o, const struct vista_tuple *t)
{
	bool v6 = t->l4_proto == 58;
	uint8_t request = v6 ? 128 : 8, reply = v6 ? 129 : 0;

	put_str(o, v6 ? "(icmp6 " : "(icmp ");
	if (t->icmp_type == request || t->icmp_type == reply) {
		put_str(o, t->icmp_type == request ? "request id=" : "reply id=");
		put_dec(o, t->sport);
		put_str(o, " seq=");
		put_dec(o, t->dport);
	} else {
		put_str(o, "type=");
		put_dec(o, t->icmp_type);
		put_str(o, " code=");
		put_dec(o, t->icmp_code);
	}
	put_ch(o, ')');
}

static void put_tuple(struct out *o, const struct vista_tuple *t)
{
	bool ports = t->l4_proto == 6 || t->l4_proto == 17;

	if (!t->l3)
		return;
	put_addr(o, t, t->saddr, ports, t->sport);
	put_mem(o, "->", 2);
	put_addr(o, t, t->daddr, ports, t->dport);
	switch (t->l4_proto) {
	case 6:
		put_str(o, "(tcp)");
		break;
	case 17:
		put_str(o, "(udp)");
		break;
	case 1:
	case 58:
		put_icmp(o, t);
		break;
	default:
		put_str(o, "(proto=");
		put_dec(o, t->l4_proto);
		put_ch(o, ')');
	}
}

size_t format_tuple(char *buf, size_t len, const struct vista_tuple *t)
{
	struct out o = out_init(buf, len);

	put_tuple(&o, t);
	finish(&o, buf, len);
	return o.need;
}

static void put_meta(struct out *o, const struct vista_meta *m)
{
	put_str(o, "netns=");
	put_dec(o, m->netns);
	put_str(o, " mark=");
	put_hex(o, m->mark, 1);
	put_str(o, " iface=");
	put_dec(o, m->ifindex);
	if (m->ifindex) {
		put_ch(o, '(');
		put_mem(o, m->ifname, strnlen(m->ifname, sizeof(m->ifname)));
		put_ch(o, ')');
	}
	put_str(o, " proto=");
	put_hex(o, m->protocol, 4);
	put_str(o, " mtu=");
	put_dec(o, m->mtu);
	put_str(o, " len=");
	put_dec(o, m->len);
	put_str(o, " pkt_type=");
	put_str(o, format_pkt_type(m->pkt_type));
}

size_t format_meta(char *buf, size_t len, const struct vista_meta *m)
{
	struct out o = out_init(buf, len);

	put_meta(&o, m);
	finish(&o, buf, len);
	return o.need;
}

/* "(NAME)" for the event's drop reason, "(reason=N)" when the kernel's BTF has no name for it. */
static void put_reason(struct out *o, const struct vista_event *e, const struct format_names *names)
{
	const char *reason = names->drop_reason ? names->drop_reason(names->ctx, e->reason) : NULL;

	put_ch(o, '(');
	if (reason) {
		put_str(o, reason);
	} else {
		put_str(o, "reason=");
		put_dec(o, e->reason);
	}
	put_ch(o, ')');
}

static void put_func(struct out *o, const struct vista_event *e, const struct format_names *names)
{
	const char *hook = names->hook_name ? names->hook_name(names->ctx, e->hook_id) : NULL;

	if (hook) {
		put_str(o, hook);
	} else {
		put_str(o, "hook#");
		put_dec(o, e->hook_id);
	}
	if (e->flags & VISTA_EVF_HAS_REASON)
		put_reason(o, e, names);
}

size_t format_func(char *buf, size_t len, const struct vista_event *e, const struct format_names *names)
{
	struct out o = out_init(buf, len);

	put_func(&o, e, names);
	finish(&o, buf, len);
	return o.need;
}

/*
 * A stack taken inside a BPF program starts with the program itself and the
 * tracepoint glue that ran it; what the user asked about starts after them.
 */
static bool is_tracer_frame(const struct ksym *sym)
{
	/*
	 * __traceiter_*: the kernel iterates this way when several programs share a tracepoint.
	 * __bpf_prog_enter*, bpf_trampoline_*: a BPF trampoline that ran the program (fentry, or
	 * another tool's program attached to ours).
	 */
	static const char *const glue[] = { "bpf_trace_run", "__bpf_trace_", "bpf_prog_",
					    "__traceiter_",  "__bpf_prog_",  "bpf_trampoline_" };

	if (!sym || (sym->module && strcmp(sym->module, "bpf") == 0))
		return true;
	for (size_t i = 0; i < sizeof(glue) / sizeof(glue[0]); i++)
		if (strncmp(sym->name, glue[i], strlen(glue[i])) == 0)
			return true;
	return false;
}

static int first_traced_frame(const uint64_t *ips, int n, const struct kallsyms *ksyms)
{
	int first = 0;

	if (!ksyms)
		return 0;
	while (first < n && is_tracer_frame(kallsyms_lookup(ksyms, ips[first], NULL)))
		first++;
	return first < n ? first : 0;
}

static void put_stack(struct out *o, const uint64_t *ips, int n, const struct kallsyms *ksyms)
{
	for (int i = first_traced_frame(ips, n, ksyms); i < n; i++) {
		const struct ksym *sym = ksyms ? kallsyms_lookup(ksyms, ips[i], NULL) : NULL;
		uint64_t off = sym ? ips[i] - sym->addr : 0;

		put_str(o, "\n    ");
		if (!sym) {
			put_hex(o, ips[i], 1);
			continue;
		}
		put_str(o, sym->name);
		put_ch(o, '+');
		put_hex(o, off, 1);
		if (sym->module) {
			put_str(o, " [");
			put_str(o, sym->module);
			put_ch(o, ']');
		}
	}
}

size_t format_stack(char *buf, size_t len, const uint64_t *ips, int n, const struct kallsyms *ksyms)
{
	struct out o = out_init(buf, len);

	put_stack(&o, ips, n, ksyms);
	finish(&o, buf, len);
	return o.need;
}

size_t format_skb_dump(char *buf, size_t len, const struct vista_event *e)
{
	struct out o = out_init(buf, len);
	const struct vista_skb_dump *d;
	const char *text;
	size_t n;

	if (!(e->flags & VISTA_EVF_HAS_SKB)) {
		finish(&o, buf, len);
		return o.need;
	}
	d = vista_event_skb(e);
	text = (const char *)(d + 1);
	n = d->len < VISTA_SKB_DUMP_TEXT ? d->len : VISTA_SKB_DUMP_TEXT - 1;
	/* The kernel's text is printable, but a damaged recording must not put escapes on a terminal. */
	n = strnlen(text, n);
	/* The kernel ends its text with a newline: the dump ends with exactly one. */
	while (n && text[n - 1] == '\n')
		n--;
	for (size_t i = 0; i < n; i++)
		put_ch(&o, text[i] == '\n' || (text[i] >= 0x20 && text[i] < 0x7f) ? text[i] : '?');
	put_ch(&o, '\n');
	finish(&o, buf, len);
	return o.need;
}

int format_state_init(struct format_state *st)
{
	struct timespec mono, real;

	st->last = calloc(LAST_SEEN_SLOTS, sizeof(*st->last));
	if (!st->last)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	st->realtime_offset_ns = ((int64_t)real.tv_sec - mono.tv_sec) * 1000000000LL + (real.tv_nsec - mono.tv_nsec);
	st->fixed_zone = false;
	st->utc_offset_s = 0;
	return 0;
}

void format_state_free(struct format_state *st)
{
	free(st->last);
	st->last = NULL;
}

/*
 * Time since the previous event of this skb; 0 for the first one seen.
 * Freed skbs are recycled at the same address, so a free ends the clock.
 */
static uint64_t relative_ns(struct format_state *st, const struct vista_event *e)
{
	/* Skb pointers are 256-byte aligned slab objects: drop the low bits before mixing. */
	uint64_t h = (e->addr >> 8) * 0x9E3779B97F4A7C15ULL;
	struct format_last_seen *slot = &st->last[h >> (64 - 16)];
	uint64_t delta = slot->addr == e->addr && e->ts_ns >= slot->ts ? e->ts_ns - slot->ts : 0;

	slot->addr = (e->flags & VISTA_EVF_SKB_FREED) ? 0 : e->addr;
	slot->ts = e->ts_ns;
	return delta;
}

size_t format_clock(char *buf, size_t len, const struct format_state *st, uint64_t ts_ns)
{
	/*
	 * Wrapping sum: a replayed recording's clocks can be anything, and an
	 * overflow must not be undefined. Times before 1970 round down, so
	 * that the milliseconds stay within 0..999.
	 */
	int64_t wall = (int64_t)(ts_ns + (uint64_t)st->realtime_offset_ns);
	int64_t rem = wall % 1000000000LL;
	time_t sec = (time_t)(wall / 1000000000LL - (rem < 0));
	int ms = (int)((rem < 0 ? rem + 1000000000LL : rem) / 1000000LL);
	struct out o = out_init(buf, len);
	struct tm tm;
	char b[FORMAT_CLOCK_LEN];

	if (st->fixed_zone) {
		sec += st->utc_offset_s;
		gmtime_r(&sec, &tm);
	} else {
		localtime_r(&sec, &tm);
	}
	b[0] = (char)('0' + tm.tm_hour / 10);
	b[1] = (char)('0' + tm.tm_hour % 10);
	b[2] = ':';
	b[3] = (char)('0' + tm.tm_min / 10);
	b[4] = (char)('0' + tm.tm_min % 10);
	b[5] = ':';
	b[6] = (char)('0' + tm.tm_sec / 10);
	b[7] = (char)('0' + tm.tm_sec % 10);
	b[8] = '.';
	b[9] = (char)('0' + ms / 100);
	b[10] = (char)('0' + ms / 10 % 10);
	b[11] = (char)('0' + ms % 10);
	put_mem(&o, b, FORMAT_CLOCK_LEN);
	finish(&o, buf, len);
	return o.need;
}

size_t format_header(char *buf, size_t len, const struct format_opts *opts)
{
	struct out o = out_init(buf, len);

	if (opts->timestamp == TIMESTAMP_ABSOLUTE)
		put_str(&o, "        TIME ");
	put_str(&o, "            SKB/SK    CPU          PROCESS                     FUNC");
	if (opts->timestamp == TIMESTAMP_RELATIVE)
		put_str(&o, "        TIMESTAMP");
	put_ch(&o, '\n');
	finish(&o, buf, len);
	return o.need;
}

/*
 * The columns every line starts with: the time when absolute, the skb or
 * socket address (%18s), the CPU (%6s), [comm(pid)] (%16s), what happened
 * (%24s), and the time since the previous event of the same address when
 * relative.
 */
static void put_columns(struct out *o, const struct vista_event *e, const char *func, size_t funclen,
			const struct format_opts *opts, struct format_state *st)
{
	char field[64];
	size_t n, clen = strnlen(e->comm, sizeof(e->comm));

	if (opts->timestamp == TIMESTAMP_ABSOLUTE) {
		char clock[FORMAT_CLOCK_LEN + 1];

		format_clock(clock, sizeof(clock), st, e->ts_ns);
		put_mem(o, clock, FORMAT_CLOCK_LEN);
		put_ch(o, ' ');
	}
	field[0] = '0';
	field[1] = 'x';
	n = 2 + u64_hex(field + 2, e->addr, 1);
	put_right(o, field, n, 18);
	put_ch(o, ' ');
	put_right(o, field, u64_dec(field, e->cpu), 6);
	put_ch(o, ' ');
	n = 0;
	field[n++] = '[';
	/* As the seed: a process that is not known (a socket's owner never seen) has no name. */
	if (!clen) {
		memcpy(field + n, "<empty>", 7);
		n += 7;
	}
	memcpy(field + n, e->comm, clen);
	n += clen;
	field[n++] = '(';
	n += u64_dec(field + n, e->pid);
	field[n++] = ')';
	field[n++] = ']';
	put_right(o, field, n, 16);
	put_ch(o, ' ');
	put_right(o, func, funclen, 24);
	if (opts->timestamp == TIMESTAMP_RELATIVE) {
		put_ch(o, ' ');
		put_right(o, field, u64_dec(field, relative_ns(st, e)), 16);
	}
}

/* What every kind of event carries: its metadata and its tuple, each when asked for and known. */
static void put_meta_tuple(struct out *o, const struct vista_event *e, const struct format_opts *opts)
{
	if (opts->meta && (e->flags & VISTA_EVF_HAS_META)) {
		put_ch(o, ' ');
		put_meta(o, &e->meta);
	}
	if (opts->tuple && (e->flags & VISTA_EVF_HAS_TUPLE) && e->tuple.l3) {
		put_ch(o, ' ');
		put_tuple(o, &e->tuple);
	}
}

size_t format_event(char *buf, size_t len, const struct vista_event *e, const uint64_t *stack, int nstack,
		    const struct format_names *names, const struct format_opts *opts, struct format_state *st)
{
	struct out o = out_init(buf, len);
	char func[96];
	struct out f = out_init(func, sizeof(func));

	put_func(&f, e, names);
	put_columns(&o, e, func, f.need < sizeof(func) - 1 ? f.need : sizeof(func) - 1, opts, st);
	put_meta_tuple(&o, e, opts);
	/* An XDP or TC program's exit: what it decided for the packet. */
	if (e->flags & VISTA_EVF_PROG_EXIT) {
		const char *action = prog_trace_action(e->flags & VISTA_EVF_XDP, (int)e->reason);

		put_str(&o, " action=");
		if (action)
			put_str(&o, action);
		else
			put_dec(&o, e->reason);
	}
	if (nstack > 0)
		put_stack(&o, stack, nstack, names->ksyms);
	put_ch(&o, '\n');
	finish(&o, buf, len);
	return o.need;
}

/* ---------------------------------------------------------------- TCP and socket events */

/* v / unit with its fraction, trailing zeros dropped: Go's time.Duration text. */
static void put_fraction(struct out *o, uint64_t v, uint64_t unit, int digits)
{
	uint64_t frac = v % unit;
	char b[20];

	put_dec(o, v / unit);
	if (!frac)
		return;
	for (int i = digits - 1; i >= 0; i--, frac /= 10)
		b[i] = (char)('0' + frac % 10);
	while (digits > 0 && b[digits - 1] == '0')
		digits--;
	put_ch(o, '.');
	put_mem(o, b, (size_t)digits);
}

static void put_duration(struct out *o, uint64_t ns)
{
	if (ns == 0) {
		put_str(o, "0s");
	} else if (ns < 1000) {
		put_dec(o, ns);
		put_str(o, "ns");
	} else if (ns < 1000000) {
		put_fraction(o, ns, 1000, 3);
		put_str(o, "µs");
	} else if (ns < 1000000000) {
		put_fraction(o, ns, 1000000, 6);
		put_str(o, "ms");
	} else {
		uint64_t h = ns / 3600000000000ULL, m = ns / 60000000000ULL % 60;

		if (h) {
			put_dec(o, h);
			put_ch(o, 'h');
		}
		if (h || m) {
			put_dec(o, m);
			put_ch(o, 'm');
		}
		put_fraction(o, ns % 60000000000ULL, 1000000000, 9);
		put_ch(o, 's');
	}
}

size_t format_duration(char *buf, size_t len, uint64_t ns)
{
	struct out o = out_init(buf, len);

	put_duration(&o, ns);
	finish(&o, buf, len);
	return o.need;
}

/* Bytes as the seed prints them: "512B", then KiB, MiB... with three decimals. */
static void put_bytes(struct out *o, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	char b[48];
	int u = 0;

	if (bytes < 1024) {
		put_dec(o, bytes);
		put_ch(o, 'B');
		return;
	}
	while (u < 4 && bytes >= 1024ULL << (10 * (u + 1)))
		u++;
	snprintf(b, sizeof(b), "%.3f%s", (double)bytes / (double)(1ULL << (10 * (u + 1))), units[u]);
	put_str(o, b);
}

size_t format_bytes(char *buf, size_t len, uint64_t bytes)
{
	struct out o = out_init(buf, len);

	put_bytes(&o, bytes);
	finish(&o, buf, len);
	return o.need;
}

const char *format_tcp_state(unsigned int state)
{
	static const char *const names[] = { NULL,        "ESTABLISHED", "SYN_SENT",     "SYN_RECV",      "FIN_WAIT1",
					     "FIN_WAIT2", "TIME_WAIT",   "CLOSE",        "CLOSE_WAIT",    "LAST_ACK",
					     "LISTEN",    "CLOSING",     "NEW_SYN_RECV", "BOUND_INACTIVE" };

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : NULL;
}

/* A name from a table, or the number when the table has none. */
static void put_name_or_dec(struct out *o, const char *name, uint64_t v)
{
	if (name)
		put_str(o, name);
	else
		put_dec(o, v);
}

const char *format_tcp_what(uint8_t what)
{
	switch (what) {
	case VISTA_TCP_CLOSE:
		return "TCP";
	case VISTA_TCP_RESET_SENT:
		return "tcp_send_reset";
	case VISTA_TCP_RESET_RECV:
		return "tcp_receive_reset";
	case VISTA_TCP_OPEN:
		return "TCP_OPEN";
	default:
		return "TCP?";
	}
}

static void put_tcp(struct out *o, const struct vista_tcp *t)
{
	if (t->flags & VISTA_TCP_NO_SOCK) {
		put_str(o, " conn=none");
		return;
	}
	put_str(o, " rx=");
	put_bytes(o, t->rx_bytes);
	put_str(o, " tx=");
	put_bytes(o, t->tx_bytes);
	put_str(o, " lifetime=");
	put_duration(o, t->lifetime_ns);
	if (t->flags & VISTA_TCP_PARTIAL)
		put_str(o, "(partial)");
	put_str(o, " srtt=");
	put_duration(o, (uint64_t)t->srtt_us * 1000);
	put_str(o, " retrans=");
	put_dec(o, t->retrans);
	put_str(o, " sk_mark=");
	put_hex(o, t->sk_mark, 1);
	put_str(o, " cong=");
	put_mem(o, t->cong, strnlen(t->cong, sizeof(t->cong)));
	if (t->reset) {
		put_str(o, " reset=");
		put_str(o, t->reset == VISTA_TCP_RST_SENT ? "SEND" : "RECV");
	}
	/* Beyond the seed's fields: the exact counts behind rx= and tx=, and the state it was in. */
	put_str(o, " rx_bytes=");
	put_dec(o, t->rx_bytes);
	put_str(o, " tx_bytes=");
	put_dec(o, t->tx_bytes);
	put_str(o, " state=");
	put_name_or_dec(o, format_tcp_state(t->state), t->state);
}

size_t format_tcp(char *buf, size_t len, const struct vista_event *e, const struct vista_tcp *t,
		  const struct format_opts *opts, struct format_state *st)
{
	struct out o = out_init(buf, len);
	const char *func = format_tcp_what(t->what);

	put_columns(&o, e, func, strlen(func), opts, st);
	put_meta_tuple(&o, e, opts);
	if (opts->tcp)
		put_tcp(&o, t);
	put_ch(&o, '\n');
	finish(&o, buf, len);
	return o.need;
}

struct num_name {
	unsigned int num;
	const char *name;
};

static const char *lookup(const struct num_name *table, size_t n, unsigned int num)
{
	for (size_t i = 0; i < n; i++)
		if (table[i].num == num)
			return table[i].name;
	return NULL;
}

#define LOOKUP(table, num) lookup(table, sizeof(table) / sizeof(table[0]), num)

const char *format_family(unsigned int family)
{
	static const struct num_name names[] = {
		{ 1, "AF_UNIX" },    { 2, "AF_INET" }, { 10, "AF_INET6" }, { 15, "AF_KEY" },       { 16, "AF_NETLINK" },
		{ 17, "AF_PACKET" }, { 29, "AF_CAN" }, { 30, "AF_TIPC" },  { 31, "AF_BLUETOOTH" }, { 38, "AF_ALG" },
		{ 40, "AF_VSOCK" },  { 44, "AF_XDP" }, { 45, "AF_MCTP" },
	};

	return LOOKUP(names, family);
}

const char *format_sk_protocol(unsigned int family, unsigned int protocol)
{
	static const struct num_name inet[] = {
		{ 0, "IPPROTO_IP" },    { 1, "IPPROTO_ICMP" },    { 2, "IPPROTO_IGMP" },   { 6, "IPPROTO_TCP" },
		{ 17, "IPPROTO_UDP" },  { 58, "IPPROTO_ICMPV6" }, { 132, "IPPROTO_SCTP" }, { 136, "IPPROTO_UDPLITE" },
		{ 255, "IPPROTO_RAW" }, { 262, "IPPROTO_MPTCP" },
	};
	static const struct num_name netlink[] = {
		{ 0, "NETLINK_ROUTE" },       { 2, "NETLINK_USERSOCK" },       { 3, "NETLINK_FIREWALL" },
		{ 4, "NETLINK_SOCK_DIAG" },   { 5, "NETLINK_NFLOG" },          { 6, "NETLINK_XFRM" },
		{ 7, "NETLINK_SELINUX" },     { 8, "NETLINK_ISCSI" },          { 9, "NETLINK_AUDIT" },
		{ 10, "NETLINK_FIB_LOOKUP" }, { 11, "NETLINK_CONNECTOR" },     { 12, "NETLINK_NETFILTER" },
		{ 13, "NETLINK_IP6_FW" },     { 14, "NETLINK_DNRTMSG" },       { 15, "NETLINK_KOBJECT_UEVENT" },
		{ 16, "NETLINK_GENERIC" },    { 18, "NETLINK_SCSITRANSPORT" }, { 19, "NETLINK_ECRYPTFS" },
		{ 20, "NETLINK_RDMA" },       { 21, "NETLINK_CRYPTO" },        { 22, "NETLINK_SMC" },
	};

	if (family == 2 || family == 10)
		return LOOKUP(inet, protocol);
	if (family == 16)
		return LOOKUP(netlink, protocol);
	return NULL; /* unix sockets have none (0), packet sockets an ethertype */
}

const char *format_sk_what(uint8_t what)
{
	static const char *const names[VISTA_SK__COUNT] = {
		[VISTA_SK_SET_STATE] = "inet_sock_set_state", [VISTA_SK_SEND] = "sock_send_length",
		[VISTA_SK_RECV] = "sock_recv_length",         [VISTA_SK_DATA_READY] = "sk_data_ready",
		[VISTA_SK_RCVQ_FULL] = "sock_rcvqueue_full",  [VISTA_SK_BUF_LIMIT] = "sock_exceed_buf_limit",
		[VISTA_SK_ERROR] = "inet_sk_error_report",
	};

	return what < VISTA_SK__COUNT && names[what] ? names[what] : "sock?";
}

static void put_sk_fields(struct out *o, const struct vista_sk *s)
{
	static const struct num_name types[] = {
		{ 1, "SOCK_STREAM" },    { 2, "SOCK_DGRAM" }, { 3, "SOCK_RAW" },     { 4, "SOCK_RDM" },
		{ 5, "SOCK_SEQPACKET" }, { 6, "SOCK_DCCP" },  { 10, "SOCK_PACKET" },
	};
	static const struct num_name socket_states[] = {
		{ 0, "FREE" }, { 1, "UNCONNECTED" }, { 2, "CONNECTING" }, { 3, "CONNECTED" }, { 4, "DISCONNECTING" },
	};

	put_str(o, " skc_state=");
	put_name_or_dec(o, format_tcp_state(s->state), s->state);
	put_str(o, s->reuseport ? " skc_reuseport=true" : " skc_reuseport=false");
	put_str(o, " skc_bound_ifindex=");
	put_dec(o, s->bound_ifindex);
	put_str(o, " sk_backlog=");
	put_dec(o, s->backlog);
	put_str(o, " sk_rcv_buff=");
	put_dec(o, (uint32_t)s->rcvbuf);
	put_str(o, " sk_snd_buff=");
	put_dec(o, (uint32_t)s->sndbuf);
	put_str(o, " sk_priority=");
	put_dec(o, s->priority);
	put_str(o, " sk_mark=");
	put_hex(o, s->mark, 1);
	put_str(o, " sk_type=");
	put_name_or_dec(o, LOOKUP(types, s->type), s->type);
	if (!s->has_socket)
		return;
	put_str(o, " socket_state=");
	put_name_or_dec(o, LOOKUP(socket_states, s->socket_state), s->socket_state);
	put_str(o, " socket_file_inode=");
	put_dec(o, s->inode);
	put_str(o, " socket_flags=");
	put_dec(o, s->socket_flags);
}

static void put_signed(struct out *o, int64_t v)
{
	if (v < 0) {
		put_ch(o, '-');
		put_dec(o, (uint64_t)0 - (uint64_t)v);
	} else {
		put_dec(o, (uint64_t)v);
	}
}

/* The values of the tracepoint itself. */
static void put_sk_what(struct out *o, const struct vista_sk *s)
{
	switch (s->what) {
	case VISTA_SK_SET_STATE:
		put_str(o, " oldstate=");
		put_name_or_dec(o, format_tcp_state((unsigned int)s->a), (uint64_t)s->a);
		put_str(o, " newstate=");
		put_name_or_dec(o, format_tcp_state((unsigned int)s->b), (uint64_t)s->b);
		break;
	case VISTA_SK_SEND:
	case VISTA_SK_RECV:
		put_str(o, s->a < 0 ? " error=" : " len=");
		put_signed(o, s->a);
		put_str(o, " flags=");
		put_hex(o, (uint32_t)s->b, 1);
		break;
	case VISTA_SK_RCVQ_FULL:
		put_str(o, " rmem_alloc=");
		put_signed(o, s->a);
		put_str(o, " truesize=");
		put_signed(o, s->b);
		break;
	case VISTA_SK_BUF_LIMIT:
		put_str(o, " allocated=");
		put_signed(o, s->a);
		put_str(o, s->b ? " kind=RECV" : " kind=SEND");
		break;
	case VISTA_SK_ERROR:
		put_str(o, " sk_err=");
		put_signed(o, s->a);
		break;
	}
}

size_t format_sk(char *buf, size_t len, const struct vista_event *e, const struct vista_sk *s,
		 const struct format_opts *opts, struct format_state *st)
{
	return format_sk_named(buf, len, e, s, NULL, opts, st);
}

size_t format_sk_named(char *buf, size_t len, const struct vista_event *e, const struct vista_sk *s,
		       const struct format_names *names, const struct format_opts *opts, struct format_state *st)
{
	struct out o = out_init(buf, len);
	const char *func = format_sk_what(s->what);

	if (s->what == VISTA_SK_FUNC) {
		func = names && names->hook_name ? names->hook_name(names->ctx, e->hook_id) : NULL;
		if (!func)
			func = "sock_func?";
	}

	put_columns(&o, e, func, strlen(func), opts, st);
	put_meta_tuple(&o, e, opts);
	put_str(&o, " family=");
	put_name_or_dec(&o, format_family(s->family), s->family);
	put_str(&o, " protocol=");
	put_name_or_dec(&o, format_sk_protocol(s->family, s->protocol), s->protocol);
	if (opts->sk)
		put_sk_fields(&o, s);
	put_sk_what(&o, s);
	put_ch(&o, '\n');
	finish(&o, buf, len);
	return o.need;
}

/* ---------------------------------------------------------------- netfilter events */

const char *format_nf_hook(uint8_t hook)
{
	static const char *const names[] = { "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING" };

	return hook < sizeof(names) / sizeof(names[0]) ? names[hook] : NULL;
}

const char *format_nf_verdict(uint8_t verdict)
{
	static const char *const names[] = { "DROP", "ACCEPT", "STOLEN", "QUEUE", "REPEAT", "STOP" };

	return verdict < sizeof(names) / sizeof(names[0]) ? names[verdict] : NULL;
}

const char *format_nf_pf(uint8_t pf)
{
	return pf == 2 ? "PF_INET" : pf == 10 ? "PF_INET6" : NULL;
}

static void put_via(struct out *o, const struct vista_event *e, const struct vista_nf *nf,
		    const struct format_names *names)
{
	put_str(o, " via=");
	switch (nf->method) {
	case VISTA_NF_BY_NEXT_LINK:
		put_str(o, "next-link");
		return;
	case VISTA_NF_BY_RETURN:
		put_str(o, "return");
		return;
	case VISTA_NF_BY_DROP_REASON:
	case VISTA_NF_BY_FREE:
		if (!(e->flags & VISTA_EVF_HAS_REASON)) {
			put_str(o, "consume_skb");
			return;
		}
		put_str(o, "kfree_skb");
		put_reason(o, e, names);
		return;
	default:
		put_str(o, "method#");
		put_dec(o, nf->method);
	}
}

size_t format_nf(char *buf, size_t len, const struct vista_event *e, const struct format_names *names,
		 const struct format_opts *opts, struct format_state *st)
{
	const struct vista_nf *nf = (const struct vista_nf *)(e + 1);
	struct out o = out_init(buf, len);
	static const char func[] = "nf_hook_slow";

	put_columns(&o, e, func, sizeof(func) - 1, opts, st);
	put_meta_tuple(&o, e, opts);
	if (opts->iptables) {
		put_str(&o, " pf=");
		put_name_or_dec(&o, format_nf_pf(nf->pf), nf->pf);
		put_str(&o, " table=");
		put_mem(&o, nf->table, strnlen(nf->table, sizeof(nf->table)));
		put_str(&o, " chain=");
		put_mem(&o, nf->chain, strnlen(nf->chain, sizeof(nf->chain)));
		put_str(&o, " hook=");
		put_name_or_dec(&o, format_nf_hook(nf->hook), nf->hook);
		put_str(&o, " verdict=");
		put_name_or_dec(&o, format_nf_verdict(nf->verdict), nf->verdict);
		put_str(&o, " cost=");
		put_duration(&o, nf->cost_ns);
		put_str(&o, " prio=");
		put_signed(&o, nf->prio_lo);
		/* A range between two links; a single priority when the table said where it runs. */
		if (nf->prio_hi != nf->prio_lo) {
			put_str(&o, "..");
			put_signed(&o, nf->prio_hi);
		}
		put_via(&o, e, nf, names);
	}
	put_ch(&o, '\n');
	finish(&o, buf, len);
	return o.need;
}
