// SPDX-License-Identifier: GPL-2.0-only
/* Flow summaries of skbs (see skb_flow.h). */
#include "core/skb_flow.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kallsyms.h"

/*
 * Hooks where an skb reaches a socket: the skb tracepoint of a receiving
 * process copying it out, and the functions that queue it on a socket.
 */
static const char *const socket_hooks[] = {
	"skb_copy_datagram_iovec",    "skb_copy_datagram_iter", "__sock_queue_rcv_skb", "sock_queue_rcv_skb_reason",
	"__udp_enqueue_schedule_skb", "tcp_queue_rcv",          "tcp_data_queue",
};

/* Text built like snprintf: need counts every byte, what fits is written. */
struct text {
	char *buf;
	size_t len, need;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	size_t room = t->need < t->len ? t->len - t->need : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? t->buf + t->need : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->need += (size_t)n;
}

static size_t text_end(struct text *t)
{
	if (t->len)
		t->buf[t->need < t->len ? t->need : t->len - 1] = '\0';
	return t->need;
}

void skb_flow_init(struct skb_flow *f, uint64_t addr)
{
	memset(f, 0, sizeof(*f));
	f->addr = addr;
}

int skb_flow_add(struct skb_flow *f, const struct vista_event *e)
{
	struct skb_flow_hop *h;

	if (e->kind != VISTA_EV_SKB && e->kind != VISTA_EV_NETFILTER)
		return 0;
	/* Past the limit the last hop is replaced, so that the end (the fate) is never lost. */
	if (f->n == SKB_FLOW_MAX_HOPS) {
		f->skipped++;
		h = &f->hops[f->n - 1];
	} else {
		if (f->n == f->cap) {
			size_t cap = f->cap ? f->cap * 2 : 16;
			struct skb_flow_hop *v = realloc(f->hops, cap * sizeof(*v));

			if (!v)
				return -1;
			f->hops = v;
			f->cap = cap;
		}
		h = &f->hops[f->n++];
	}
	h->ev = *e;
	if (e->kind == VISTA_EV_NETFILTER)
		memcpy(&h->nf, e + 1, sizeof(h->nf));
	else
		memset(&h->nf, 0, sizeof(h->nf));
	return 0;
}

void skb_flow_free(struct skb_flow *f)
{
	free(f->hops);
	f->hops = NULL;
	f->n = f->cap = 0;
}

static bool hop_freed(const struct skb_flow_hop *h)
{
	return h->ev.kind == VISTA_EV_SKB && (h->ev.flags & VISTA_EVF_SKB_FREED);
}

bool skb_flow_ended(const struct skb_flow *f)
{
	/* A netfilter event can come after the free in the stream. */
	for (size_t i = f->n; i--;) {
		if (f->hops[i].ev.kind == VISTA_EV_SKB)
			return hop_freed(&f->hops[i]);
	}
	return false;
}

static const char *hook_name(const struct vista_event *e, const struct format_names *names)
{
	return names && names->hook_name ? names->hook_name(names->ctx, e->hook_id) : NULL;
}

static bool is_drop(const struct vista_event *e, const struct format_names *names)
{
	const char *reason;

	if (!(e->flags & VISTA_EVF_HAS_REASON))
		return false;
	reason = names && names->drop_reason ? names->drop_reason(names->ctx, e->reason) : NULL;
	return !reason || strcmp(reason, "SKB_CONSUMED") != 0;
}

static bool is_socket_hook(const char *name)
{
	for (size_t i = 0; name && i < sizeof(socket_hooks) / sizeof(socket_hooks[0]); i++)
		if (strcmp(name, socket_hooks[i]) == 0)
			return true;
	return false;
}

const struct skb_flow_hop *skb_flow_nf_drop(const struct skb_flow *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->hops[i].ev.kind == VISTA_EV_NETFILTER && f->hops[i].nf.verdict == 0 /* NF_DROP */)
			return &f->hops[i];
	return NULL;
}

enum skb_flow_fate skb_flow_fate(const struct skb_flow *f, const struct format_names *names,
				 const struct skb_flow_hop **why)
{
	const struct skb_flow_hop *free_hop = NULL, *sock_hop = NULL, *before_free = NULL;
	enum skb_flow_fate fate;

	for (size_t i = 0; i < f->n; i++) {
		const struct skb_flow_hop *h = &f->hops[i];

		if (h->ev.kind != VISTA_EV_SKB)
			continue;
		if (hop_freed(h))
			free_hop = h;
		else {
			before_free = h;
			if (is_socket_hook(hook_name(&h->ev, names)))
				sock_hop = h;
		}
	}
	if (!skb_flow_ended(f))
		free_hop = NULL;
	if (free_hop && is_drop(&free_hop->ev, names)) {
		fate = SKB_FLOW_DROPPED;
	} else if (sock_hop) {
		fate = SKB_FLOW_DELIVERED;
		free_hop = sock_hop;
	} else if (free_hop && before_free && hook_name(&before_free->ev, names) &&
		   strstr(hook_name(&before_free->ev, names), "xmit")) {
		/* net_dev_xmit: the device took it, and nothing but its free came after. */
		fate = SKB_FLOW_TRANSMITTED;
		free_hop = before_free;
	} else {
		fate = free_hop ? SKB_FLOW_CONSUMED : SKB_FLOW_IN_FLIGHT;
	}
	if (why)
		*why = free_hop;
	return fate;
}

const char *skb_flow_fate_name(enum skb_flow_fate fate)
{
	switch (fate) {
	case SKB_FLOW_DELIVERED:
		return "delivered";
	case SKB_FLOW_TRANSMITTED:
		return "transmitted";
	case SKB_FLOW_CONSUMED:
		return "consumed";
	case SKB_FLOW_DROPPED:
		return "dropped";
	default:
		return "in flight";
	}
}

static void put_iface(struct text *t, const struct vista_meta *m)
{
	put(t, "%u(%.*s)", m->ifindex, (int)strnlen(m->ifname, sizeof(m->ifname)), m->ifname);
}

static void put_location(struct text *t, uint64_t location, const struct format_names *names)
{
	const struct ksym *sym;
	uint64_t off;

	if (!location)
		return;
	sym = names && names->ksyms ? kallsyms_lookup(names->ksyms, location, &off) : NULL;
	if (sym)
		put(t, " at %s+0x%llx", sym->name, (unsigned long long)off);
	else
		put(t, " at 0x%llx", (unsigned long long)location);
}

/* Devices: each change of interface (or of namespace) where a device is known. */
static void put_devices(struct text *t, const struct skb_flow *f)
{
	const struct vista_meta *last = NULL;

	put(t, "  devices:");
	for (size_t i = 0; i < f->n; i++) {
		const struct vista_event *e = &f->hops[i].ev;

		if (e->kind != VISTA_EV_SKB || !(e->flags & VISTA_EVF_HAS_META) || !e->meta.ifindex)
			continue;
		if (last && last->ifindex == e->meta.ifindex && last->netns == e->meta.netns)
			continue;
		put(t, last ? " -> " : " ");
		put_iface(t, &e->meta);
		put(t, "@%u", e->meta.netns);
		last = &e->meta;
	}
	put(t, last ? "\n" : " none seen\n");
}

static void put_namespaces(struct text *t, const struct skb_flow *f)
{
	uint32_t last = 0;

	put(t, "  netns:");
	for (size_t i = 0; i < f->n; i++) {
		const struct vista_event *e = &f->hops[i].ev;

		if (e->kind != VISTA_EV_SKB || !(e->flags & VISTA_EVF_HAS_META) || !e->meta.netns ||
		    e->meta.netns == last)
			continue;
		put(t, "%s%u", last ? " -> " : " ", e->meta.netns);
		last = e->meta.netns;
	}
	put(t, last ? "\n" : " none seen\n");
}

static bool same_tuple(const struct vista_tuple *a, const struct vista_tuple *b)
{
	return a->l3 == b->l3 && a->l4_proto == b->l4_proto && a->sport == b->sport && a->dport == b->dport &&
	       memcmp(a->saddr, b->saddr, sizeof(a->saddr)) == 0 && memcmp(a->daddr, b->daddr, sizeof(a->daddr)) == 0;
}

/*
 * Rewrites: each change of the tuple between two hops that read one. The
 * same protocol on both sides is address translation; a change of protocol
 * is a tunnel header put on (vxlan and geneve are UDP) or taken off.
 */
static void put_rewrites(struct text *t, const struct skb_flow *f)
{
	const struct vista_tuple *last = NULL;
	char a[160], b[160];
	bool any = false;

	for (size_t i = 0; i < f->n; i++) {
		const struct vista_event *e = &f->hops[i].ev;

		if (e->kind != VISTA_EV_SKB || !(e->flags & VISTA_EVF_HAS_TUPLE) || !e->tuple.l3)
			continue;
		if (last && !same_tuple(last, &e->tuple)) {
			format_tuple(a, sizeof(a), last);
			format_tuple(b, sizeof(b), &e->tuple);
			put(t, "  %s: %s => %s\n", last->l4_proto == e->tuple.l4_proto ? "nat" : "tunnel", a, b);
			any = true;
		}
		last = &e->tuple;
	}
	if (!any)
		put(t, "  nat: none\n");
}

static void put_fate(struct text *t, const struct skb_flow *f, const struct format_names *names)
{
	const struct skb_flow_hop *why = NULL, *nf;
	enum skb_flow_fate fate = skb_flow_fate(f, names, &why);
	char text[256];

	put(t, "  fate: %s", skb_flow_fate_name(fate));
	switch (fate) {
	case SKB_FLOW_DROPPED:
		format_func(text, sizeof(text), &why->ev, names);
		/* kfree_skb(REASON): the reason alone. */
		if (strchr(text, '(') && text[strlen(text) - 1] == ')') {
			text[strlen(text) - 1] = '\0';
			put(t, " %s", strchr(text, '(') + 1);
		}
		put_location(t, why->ev.location, names);
		nf = skb_flow_nf_drop(f);
		if (nf && nf->nf.table[0])
			put(t, " table=%.*s", (int)strnlen(nf->nf.table, sizeof(nf->nf.table)), nf->nf.table);
		if (nf && format_nf_hook(nf->nf.hook))
			put(t, " hook=%s", format_nf_hook(nf->nf.hook));
		break;
	case SKB_FLOW_DELIVERED:
		put(t, " to a socket at %s in %.*s(%u)", hook_name(&why->ev, names),
		    (int)strnlen(why->ev.comm, sizeof(why->ev.comm)), why->ev.comm, why->ev.pid);
		break;
	case SKB_FLOW_TRANSMITTED:
		put(t, " on ");
		if (why->ev.flags & VISTA_EVF_HAS_META)
			put_iface(t, &why->ev.meta);
		else
			put(t, "a device (no metadata collected)");
		break;
	case SKB_FLOW_CONSUMED:
		put_location(t, why->ev.location, names);
		break;
	default:
		put(t, " (no free seen)");
		break;
	}
	put(t, "\n");
}

size_t skb_flow_format_summary(char *buf, size_t len, const struct skb_flow *f, const struct format_names *names)
{
	struct text t = { buf, len, 0 };

	put_devices(&t, f);
	put_namespaces(&t, f);
	put_rewrites(&t, f);
	put_fate(&t, f, names);
	return text_end(&t);
}

/* Right-aligned in width columns: durations hold "µ", two bytes for one column. */
static void put_right(struct text *t, const char *s, int width)
{
	int cols = 0;

	for (const char *c = s; *c; c++)
		cols += ((unsigned char)*c & 0xc0) != 0x80;
	put(t, "%*s%s", cols < width ? width - cols : 0, "", s);
}

static void put_hop(struct text *t, const struct skb_flow *f, size_t i, const struct format_names *names)
{
	const struct skb_flow_hop *h = &f->hops[i];
	uint64_t t0 = f->hops[0].ev.ts_ns, prev = i ? f->hops[i - 1].ev.ts_ns : h->ev.ts_ns;
	char since[32], delta[32], func[256];

	format_duration(since, sizeof(since), h->ev.ts_ns > t0 ? h->ev.ts_ns - t0 : 0);
	if (i)
		format_duration(delta, sizeof(delta), h->ev.ts_ns > prev ? h->ev.ts_ns - prev : 0);
	else
		snprintf(delta, sizeof(delta), "-");
	put(t, "  ");
	put_right(t, since, 12);
	put(t, " ");
	put_right(t, delta, 12);
	put(t, "  ");
	if (h->ev.kind == VISTA_EV_NETFILTER) {
		put(t, "nf_hook_slow table=%.*s hook=%s verdict=%s netns=%u\n",
		    (int)strnlen(h->nf.table, sizeof(h->nf.table)), h->nf.table[0] ? h->nf.table : "?",
		    format_nf_hook(h->nf.hook) ? format_nf_hook(h->nf.hook) : "?",
		    format_nf_verdict(h->nf.verdict) ? format_nf_verdict(h->nf.verdict) : "?", h->nf.netns);
		return;
	}
	format_func(func, sizeof(func), &h->ev, names);
	put(t, "%s", func);
	if (h->ev.flags & VISTA_EVF_HAS_META) {
		put(t, " iface=");
		put_iface(t, &h->ev.meta);
		put(t, " netns=%u", h->ev.meta.netns);
	}
	put(t, "\n");
}

size_t skb_flow_format(char *buf, size_t len, const struct skb_flow *f, const struct format_names *names)
{
	struct text t = { buf, len, 0 };
	char tuple[160] = "", span[32];
	uint64_t first = f->n ? f->hops[0].ev.ts_ns : 0, last = f->n ? f->hops[f->n - 1].ev.ts_ns : 0;

	for (size_t i = 0; i < f->n && !tuple[0]; i++)
		if ((f->hops[i].ev.flags & VISTA_EVF_HAS_TUPLE) && f->hops[i].ev.tuple.l3)
			format_tuple(tuple, sizeof(tuple), &f->hops[i].ev.tuple);
	format_duration(span, sizeof(span), last > first ? last - first : 0);
	put(&t, "flow skb=0x%llx%s%s hops=%zu time=%s\n", (unsigned long long)f->addr, tuple[0] ? " " : "", tuple,
	    f->n + f->skipped, span);
	for (size_t i = 0; i < f->n; i++) {
		if (f->skipped && i + 1 == f->n)
			put(&t, "  ... %zu hops left out\n", f->skipped);
		put_hop(&t, f, i, names);
	}
	t.need +=
	    skb_flow_format_summary(t.need < len ? buf + t.need : NULL, t.need < len ? len - t.need : 0, f, names);
	return text_end(&t);
}

/* ------------------------------------------------------------ flow table */

#define NBUCKETS 4096

struct flow_node {
	struct skb_flow flow;
	uint64_t seq; /* when it started, for skb_flows_finish's order */
	struct flow_node *next;
};

struct skb_flows {
	struct flow_node *buckets[NBUCKETS]; /* flows in flight */
	struct flow_node *ended, **ended_tail;
	size_t open;
	uint64_t seq, untracked;
};

static size_t bucket_of(uint64_t addr)
{
	/* skbs come from slab caches: the low bits of their addresses are alike. */
	return (size_t)((addr >> 8) ^ (addr >> 20)) % NBUCKETS;
}

struct skb_flows *skb_flows_new(void)
{
	struct skb_flows *t = calloc(1, sizeof(*t));

	if (t)
		t->ended_tail = &t->ended;
	return t;
}

static struct flow_node **find_open(struct skb_flows *t, uint64_t addr)
{
	struct flow_node **p = &t->buckets[bucket_of(addr)];

	while (*p && (*p)->flow.addr != addr)
		p = &(*p)->next;
	return p;
}

/* The flow a netfilter event of an skb just freed belongs to: the latest ended one of its address. */
static struct flow_node *find_ended(struct skb_flows *t, uint64_t addr)
{
	struct flow_node *found = NULL;

	for (struct flow_node *n = t->ended; n; n = n->next)
		if (n->flow.addr == addr)
			found = n;
	return found;
}

int skb_flows_feed(struct skb_flows *t, const struct vista_event *e)
{
	struct flow_node **p, *n;

	if (e->kind != VISTA_EV_SKB && e->kind != VISTA_EV_NETFILTER)
		return 0;
	p = find_open(t, e->addr);
	n = *p;
	if (!n && e->kind == VISTA_EV_NETFILTER && (n = find_ended(t, e->addr)))
		return skb_flow_add(&n->flow, e);
	if (!n) {
		if (t->open >= SKB_FLOWS_MAX_OPEN) {
			t->untracked++;
			return 0;
		}
		n = calloc(1, sizeof(*n));
		if (!n)
			return -1;
		skb_flow_init(&n->flow, e->addr);
		n->seq = t->seq++;
		*p = n;
		t->open++;
	}
	if (skb_flow_add(&n->flow, e))
		return -1;
	if (e->kind == VISTA_EV_SKB && (e->flags & VISTA_EVF_SKB_FREED)) {
		*p = n->next;
		t->open--;
		n->next = NULL;
		*t->ended_tail = n;
		t->ended_tail = &n->next;
	}
	return 0;
}

static void node_free(struct flow_node *n)
{
	skb_flow_free(&n->flow);
	free(n);
}

int skb_flows_drain(struct skb_flows *t, skb_flow_fn fn, void *ctx)
{
	int rc = 0;

	while (t->ended && !rc) {
		struct flow_node *n = t->ended;

		t->ended = n->next;
		rc = fn(ctx, &n->flow);
		node_free(n);
	}
	if (!t->ended)
		t->ended_tail = &t->ended;
	return rc;
}

static int by_seq(const void *a, const void *b)
{
	const struct flow_node *x = *(struct flow_node *const *)a, *y = *(struct flow_node *const *)b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int skb_flows_finish(struct skb_flows *t, skb_flow_fn fn, void *ctx)
{
	struct flow_node **v;
	size_t k = 0;
	int rc = skb_flows_drain(t, fn, ctx);

	if (rc || !t->open)
		return rc;
	v = malloc(t->open * sizeof(*v));
	if (!v)
		return -1;
	for (size_t b = 0; b < NBUCKETS; b++) {
		for (struct flow_node *n = t->buckets[b]; n; n = n->next)
			v[k++] = n;
		t->buckets[b] = NULL;
	}
	qsort(v, k, sizeof(*v), by_seq);
	for (size_t i = 0; i < k; i++) {
		if (!rc)
			rc = fn(ctx, &v[i]->flow);
		node_free(v[i]);
	}
	t->open = 0;
	free(v);
	return rc;
}

uint64_t skb_flows_untracked(const struct skb_flows *t)
{
	return t->untracked;
}

void skb_flows_free(struct skb_flows *t)
{
	struct flow_node *n, *next;

	if (!t)
		return;
	for (size_t b = 0; b < NBUCKETS; b++)
		for (n = t->buckets[b]; n; n = next) {
			next = n->next;
			node_free(n);
		}
	for (n = t->ended; n; n = next) {
		next = n->next;
		node_free(n);
	}
	free(t);
}
