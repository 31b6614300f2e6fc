// SPDX-License-Identifier: GPL-2.0-only
#include "mem_source.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "core/hooks.h"
#include "core/kallsyms.h"
#include "filter/command.h"
#include "filter/structured.h"
#include "tui/event_store.h"

struct mem_source {
	struct event_source base; /* first: the ops see a struct event_source * */
	struct mem_event *events;
	size_t n, ready, next;
	struct kallsyms *ksyms;
	uint64_t lost;
	uint64_t origin;
	uint32_t collect;
	bool detached;
	const char *fail;
	size_t consumes;
	struct filter_set filters;
	size_t applies;
};

static const char *const hook_names[MEM_HOOKS] = {
	"net_dev_queue",          "net_dev_start_xmit", "net_dev_xmit", "netif_rx",
	"netif_receive_skb",      "kfree_skb",          "consume_skb",  "skb_copy_datagram_iovec",
	"napi_gro_receive_entry", "tcp_retransmit_skb",
};

/* Kernel addresses of the fixture's stacks; the kallsyms file names them. */
static const uint64_t stacks[2][5] = {
	[STACK_NETFILTER] = { 0xffffffff81a0009aULL, 0xffffffff81b10044ULL, 0xffffffff81900120ULL,
			      0xffffffff81900800ULL, 0 },
	[STACK_UDP] = { 0xffffffff81b8005bULL, 0xffffffff81b10044ULL, 0xffffffff81900120ULL, 0, 0 },
};

static struct mem_source *mem(const struct event_source *src)
{
	return (struct mem_source *)src;
}

static int mem_consume(struct event_source *src, struct event_store *store, size_t max, char *err, size_t errlen)
{
	struct mem_source *m = mem(src);
	size_t k = 0;

	m->consumes++;
	if (m->fail) {
		snprintf(err, errlen, "%s", m->fail);
		return -1;
	}
	while (k < max && m->next < m->ready) {
		event_store_push(store, &m->events[m->next++].ev);
		k++;
	}
	return (int)k;
}

static int mem_fd(const struct event_source *src)
{
	(void)src;
	return -1;
}

static bool mem_active(const struct event_source *src)
{
	return !mem(src)->detached;
}

static void mem_detach(struct event_source *src)
{
	mem(src)->detached = true;
}

static const char *mem_hook_name(const struct event_source *src, uint32_t id)
{
	(void)src;
	return id < MEM_HOOKS ? hook_names[id] : NULL;
}

static const char *mem_drop_reason(const struct event_source *src, uint32_t reason)
{
	(void)src;
	switch (reason) {
	case R_NOT_SPECIFIED:
		return "SKB_DROP_REASON_NOT_SPECIFIED";
	case R_NO_SOCKET:
		return "SKB_DROP_REASON_NO_SOCKET";
	case R_NETFILTER_DROP:
		return "SKB_DROP_REASON_NETFILTER_DROP";
	default:
		return NULL;
	}
}

int mem_source_stack(int32_t stack_id, uint64_t *ips)
{
	int n = 0;

	if (stack_id < 0 || stack_id > 1)
		return 0;
	while (n < 5 && stacks[stack_id][n]) {
		ips[n] = stacks[stack_id][n];
		n++;
	}
	return n;
}

static size_t mem_stack_text(const struct event_source *src, const struct vista_event *e, char *buf, size_t len)
{
	uint64_t ips[5];
	int n = mem_source_stack(e->stack_id, ips);

	return n ? format_stack(buf, len, ips, n, mem(src)->ksyms) : 0;
}

static size_t mem_symbol(const struct event_source *src, uint64_t addr, char *buf, size_t len)
{
	const struct ksym *sym = mem(src)->ksyms ? kallsyms_lookup(mem(src)->ksyms, addr, NULL) : NULL;
	int n;

	if (!sym)
		return 0;
	n = snprintf(buf, len, "%s+0x%llx", sym->name, (unsigned long long)(addr - sym->addr));
	return n > 0 ? (size_t)n : 0;
}

static uint64_t mem_lost(const struct event_source *src)
{
	return mem(src)->lost;
}

static uint64_t mem_time_origin(const struct event_source *src)
{
	return mem(src)->origin;
}

static uint64_t mem_now(const struct event_source *src, uint64_t monotonic_ns)
{
	(void)src;
	return monotonic_ns;
}

static const char *mem_backend_name(const struct event_source *src)
{
	(void)src;
	return "memory";
}

static size_t mem_hook_count(const struct event_source *src)
{
	(void)src;
	return MEM_HOOKS;
}

static void mem_describe_filters(const struct event_source *src, char *buf, size_t len)
{
	command_describe(&mem(src)->filters, buf, len);
}

static const struct filter_set *mem_filters(const struct event_source *src)
{
	return &mem(src)->filters;
}

/* Like session_apply_filters: a func regex must match a hook; then the whole set is in force. */
static int mem_apply_filters(struct event_source *src, const struct filter_set *fs, char *err, size_t errlen)
{
	struct mem_source *m = mem(src);
	size_t matched = 0;
	regex_t re;

	if (fs->func_regex[0]) {
		if (hooks_regex_compile(&re, fs->func_regex, err, errlen))
			return -1;
		for (size_t i = 0; i < MEM_HOOKS; i++)
			matched += regexec(&re, hook_names[i], 0, NULL, 0) == 0;
		regfree(&re);
		if (!matched) {
			snprintf(err, errlen, "func \"%s\" matches none of the %d traced hooks", fs->func_regex,
				 MEM_HOOKS);
			return -1;
		}
	}
	m->filters = *fs;
	m->applies++;
	return 0;
}

/* The fixture's interfaces: the same wherever the filter points. */
static int mem_if_names(const struct event_source *src, const struct filter_set *fs, struct if_name_list *out,
			char *err, size_t errlen)
{
	static const char *const names[] = { "lo", "va0", "vb0" };

	(void)src;
	(void)fs;
	(void)err;
	(void)errlen;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		snprintf(out->name[out->n++], sizeof(out->name[0]), "%s", names[i]);
	return 0;
}

/* Wall-clock times as if the trace started at 2025-01-01 12:00:00 UTC. */
static void mem_clock(const struct event_source *src, struct format_state *st)
{
	st->realtime_offset_ns = MEM_REALTIME_ORIGIN_NS - (int64_t)mem(src)->origin;
}

static int mem_set_collect(struct event_source *src, uint32_t collect, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	mem(src)->collect = collect;
	return 0;
}

static uint32_t mem_collect(const struct event_source *src)
{
	return mem(src)->collect;
}

static void mem_close(struct event_source *src)
{
	kallsyms_free(mem(src)->ksyms);
	free(mem(src)->events);
	free(mem(src));
}

static const struct event_source_ops mem_ops = {
	.consume = mem_consume,
	.fd = mem_fd,
	.active = mem_active,
	.detach = mem_detach,
	.hook_name = mem_hook_name,
	.drop_reason = mem_drop_reason,
	.stack_text = mem_stack_text,
	.symbol = mem_symbol,
	.lost = mem_lost,
	.time_origin = mem_time_origin,
	.now = mem_now,
	.backend_name = mem_backend_name,
	.hook_count = mem_hook_count,
	.describe_filters = mem_describe_filters,
	.filters = mem_filters,
	.apply_filters = mem_apply_filters,
	.if_names = mem_if_names,
	.clock = mem_clock,
	.set_collect = mem_set_collect,
	.collect = mem_collect,
	.close = mem_close,
};

_Static_assert(offsetof(struct mem_event, body) == sizeof(struct vista_event), "a record's body follows its event");

struct event_source *mem_source_create_records(const struct mem_event *events, size_t n, uint64_t origin_ns,
					       const char *kallsyms_path)
{
	struct mem_source *m = calloc(1, sizeof(*m));
	char err[128];

	if (!m)
		return NULL;
	m->base.ops = &mem_ops;
	m->origin = origin_ns;
	m->collect = VISTA_COLLECT_META | VISTA_COLLECT_TUPLE;
	filter_set_init(&m->filters);
	if (structured_set_addr(&m->filters.kernel, "10.199.0.2", err, sizeof(err))) {
		free(m);
		return NULL;
	}
	m->events = malloc((n ? n : 1) * sizeof(*events));
	if (!m->events) {
		free(m);
		return NULL;
	}
	if (n)
		memcpy(m->events, events, n * sizeof(*events));
	m->n = n;
	if (kallsyms_path) {
		m->ksyms = kallsyms_load(kallsyms_path);
		if (!m->ksyms) {
			mem_close(&m->base);
			return NULL;
		}
	}
	return &m->base;
}

struct event_source *mem_source_create(const struct vista_event *events, size_t n, uint64_t origin_ns,
				       const char *kallsyms_path)
{
	struct mem_event *records = calloc(n ? n : 1, sizeof(*records));
	struct event_source *src;

	if (!records)
		return NULL;
	for (size_t i = 0; i < n; i++)
		records[i].ev = events[i];
	src = mem_source_create_records(records, n, origin_ns, kallsyms_path);
	free(records);
	return src;
}

void mem_source_release(struct event_source *src, size_t n)
{
	struct mem_source *m = mem(src);

	m->ready = n > m->n - m->ready ? m->n : m->ready + n;
}

void mem_source_set_lost(struct event_source *src, uint64_t lost)
{
	mem(src)->lost = lost;
}

void mem_source_fail(struct event_source *src, const char *message)
{
	mem(src)->fail = message;
}

size_t mem_source_consumes(const struct event_source *src)
{
	return mem(src)->consumes;
}

size_t mem_source_applies(const struct event_source *src)
{
	return mem(src)->applies;
}
