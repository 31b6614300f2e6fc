// SPDX-License-Identifier: GPL-2.0-only
#include "core/format.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/kallsyms.h"

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
	if (o->p < o->end) {
		size_t room = (size_t)(o->end - o->p);
		size_t k = n < room ? n : room;

		memcpy(o->p, s, k);
		o->p += k;
	}
	o->need += n;
}

static inline void put_str(struct out *o, const char *s)
{
	put_mem(o, s, strlen(s));
}

static inline void put_ch(struct out *o, char c)
{
	put_mem(o, &c, 1);
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

static void put_func(struct out *o, const struct vista_event *e, const struct format_names *names)
{
	const char *hook = names->hook_name ? names->hook_name(names->ctx, e->hook_id) : NULL;

	if (hook) {
		put_str(o, hook);
	} else {
		put_str(o, "hook#");
		put_dec(o, e->hook_id);
	}
	if (e->flags & VISTA_EVF_HAS_REASON) {
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
	/* __traceiter_*: the kernel iterates this way when several programs share a tracepoint. */
	static const char *const glue[] = { "bpf_trace_run", "__bpf_trace_", "bpf_prog_", "__traceiter_" };

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

static void put_clock(struct out *o, const struct format_state *st, uint64_t ts_ns)
{
	int64_t wall = (int64_t)ts_ns + st->realtime_offset_ns;
	time_t sec = (time_t)(wall / 1000000000LL);
	struct tm tm;
	char b[16];

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
	int ms = (int)((wall / 1000000LL) % 1000);
	b[9] = (char)('0' + ms / 100);
	b[10] = (char)('0' + ms / 10 % 10);
	b[11] = (char)('0' + ms % 10);
	put_mem(o, b, 12);
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

/* The columns every event kind shares, then meta and tuple; func is the FUNC column's text. */
static void put_head(struct out *o, const struct vista_event *e, const char *func, size_t funclen,
		     const struct format_opts *opts, struct format_state *st)
{
	char field[96];
	size_t n;

	if (opts->timestamp == TIMESTAMP_ABSOLUTE) {
		put_clock(o, st, e->ts_ns);
		put_ch(o, ' ');
	}
	/* %18s skb, %6s cpu, %16s [comm(pid)], %24s func: the vista columns. */
	field[0] = '0';
	field[1] = 'x';
	n = 2 + u64_hex(field + 2, e->addr, 1);
	put_right(o, field, n, 18);
	put_ch(o, ' ');
	put_right(o, field, u64_dec(field, e->cpu), 6);
	put_ch(o, ' ');
	n = 0;
	field[n++] = '[';
	size_t clen = strnlen(e->comm, sizeof(e->comm));
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
	char field[96];
	struct out f = out_init(field, sizeof(field));

	put_func(&f, e, names);
	put_head(&o, e, field, f.need < sizeof(field) - 1 ? f.need : sizeof(field) - 1, opts, st);
	if (nstack > 0)
		put_stack(&o, stack, nstack, names->ksyms);
	put_ch(&o, '\n');
	finish(&o, buf, len);
	return o.need;
}

/* ".ddd" for rest (< 10^digits) written with digits places, trailing zeros dropped; nothing for 0. */
static void put_frac(struct out *o, uint64_t rest, int digits)
{
	char b[20];
	int n = digits;

	if (!rest)
		return;
	for (int i = digits - 1; i >= 0; i--, rest /= 10)
		b[i] = (char)('0' + rest % 10);
	while (n > 0 && b[n - 1] == '0')
		n--;
	put_ch(o, '.');
	put_mem(o, b, (size_t)n);
}

/* Go's time.Duration text, as the vista seed prints costs: 930ns, 5.932µs, 35.2ms, 1m30s. */
static void put_duration(struct out *o, uint64_t ns)
{
	static const struct {
		uint64_t unit;
		const char *suffix;
		int digits;
	} small[] = { { 1000, "µs", 3 }, { 1000000, "ms", 6 } };
	if (ns < 1000) {
		put_dec(o, ns);
		put_str(o, ns ? "ns" : "s");
		return;
	}
	for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++) {
		if (ns >= small[i].unit * 1000)
			continue;
		put_dec(o, ns / small[i].unit);
		put_frac(o, ns % small[i].unit, small[i].digits);
		put_str(o, small[i].suffix);
		return;
	}
	/* Seconds and more: [Nh][Nm]N[.fff]s. */
	if (ns >= 3600000000000ULL) {
		put_dec(o, ns / 3600000000000ULL);
		put_ch(o, 'h');
		ns %= 3600000000000ULL;
		put_dec(o, ns / 60000000000ULL);
		put_ch(o, 'm');
		ns %= 60000000000ULL;
	} else if (ns >= 60000000000ULL) {
		put_dec(o, ns / 60000000000ULL);
		put_ch(o, 'm');
		ns %= 60000000000ULL;
	}
	put_dec(o, ns / 1000000000ULL);
	put_frac(o, ns % 1000000000ULL, 9);
	put_ch(o, 's');
}

size_t format_duration(char *buf, size_t len, uint64_t ns)
{
	struct out o = out_init(buf, len);

	put_duration(&o, ns);
	finish(&o, buf, len);
	return o.need;
}

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

/* A name from a table, or "<prefix><number>" when the table has none. */
static void put_name_or_num(struct out *o, const char *name, const char *prefix, uint64_t v)
{
	if (name) {
		put_str(o, name);
	} else {
		put_str(o, prefix);
		put_dec(o, v);
	}
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
		put_str(o, "kfree_skb(");
		put_name_or_num(o, names->drop_reason ? names->drop_reason(names->ctx, e->reason) : NULL,
				"reason=", e->reason);
		put_ch(o, ')');
		return;
	default:
		put_str(o, "method#");
		put_dec(o, nf->method);
	}
}

static void put_prio(struct out *o, int32_t prio)
{
	if (prio < 0) {
		put_ch(o, '-');
		put_dec(o, (uint64_t)(-(int64_t)prio));
	} else {
		put_dec(o, (uint64_t)prio);
	}
}

size_t format_nf(char *buf, size_t len, const struct vista_event *e, const struct format_names *names,
		 const struct format_opts *opts, struct format_state *st)
{
	const struct vista_nf *nf = (const struct vista_nf *)(e + 1);
	struct out o = out_init(buf, len);
	static const char func[] = "nf_hook_slow";

	put_head(&o, e, func, sizeof(func) - 1, opts, st);
	if (opts->iptables) {
		put_str(&o, " pf=");
		put_name_or_num(&o, format_nf_pf(nf->pf), "", nf->pf);
		put_str(&o, " table=");
		put_mem(&o, nf->table, strnlen(nf->table, sizeof(nf->table)));
		put_str(&o, " chain=");
		put_mem(&o, nf->chain, strnlen(nf->chain, sizeof(nf->chain)));
		put_str(&o, " hook=");
		put_name_or_num(&o, format_nf_hook(nf->hook), "", nf->hook);
		put_str(&o, " verdict=");
		put_name_or_num(&o, format_nf_verdict(nf->verdict), "", nf->verdict);
		put_str(&o, " cost=");
		put_duration(&o, nf->cost_ns);
		put_str(&o, " prio=");
		put_prio(&o, nf->prio_lo);
		/* A range between two links; a single priority when the table said where it runs. */
		if (nf->prio_hi != nf->prio_lo) {
			put_str(&o, "..");
			put_prio(&o, nf->prio_hi);
		}
		put_via(&o, e, nf, names);
	}
	put_ch(&o, '\n');
	finish(&o, buf, len);
	return o.need;
}
