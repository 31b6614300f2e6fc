// SPDX-License-Identifier: GPL-2.0-only
#include "tui/replay_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/kallsyms.h"
#include "tui/event_store.h"
#include "tui/if_names.h"

/*
 * The store keeps events without their stacks, and a recording's stack ids
 * are the kernel's (reused as stacks come and go). So each distinct stack
 * is kept once here, and the events it came with carry its index as their
 * stack_id: a million events with a handful of drop paths cost a handful.
 */
struct stack {
	uint64_t ips[VISTA_MAX_STACK_DEPTH];
	int n;
};

struct replay_source {
	struct event_source base; /* first: the ops see a struct event_source * */
	struct replay *replay;
	const struct record_info *info;
	bool done; /* the last event was read, or the UI stopped reading (detach) */
	/* The replay's clock: newest_ns (the newest event read) was reached at CLOCK_MONOTONIC read_ns. */
	uint64_t newest_ns, read_ns;
	struct filter_set none;
	struct stack *stacks;
	size_t nstacks, cap;
	int32_t *index; /* open addressing over stacks: -1 empty; size twice cap */
	size_t index_size;
};

static struct replay_source *rs(const struct event_source *src)
{
	return (struct replay_source *)src;
}

static uint64_t stack_hash(const uint64_t *ips, int n)
{
	uint64_t h = (uint64_t)n;

	for (int i = 0; i < n; i++)
		h = (h ^ ips[i]) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

static bool rehash(struct replay_source *r, size_t size)
{
	int32_t *index = malloc(size * sizeof(*index));

	if (!index)
		return false;
	for (size_t i = 0; i < size; i++)
		index[i] = -1;
	for (size_t k = 0; k < r->nstacks; k++) {
		size_t i = stack_hash(r->stacks[k].ips, r->stacks[k].n) & (size - 1);

		while (index[i] >= 0)
			i = (i + 1) & (size - 1);
		index[i] = (int32_t)k;
	}
	free(r->index);
	r->index = index;
	r->index_size = size;
	return true;
}

/* The id of this stack, adding it when new; -1 when memory ran out. */
static int32_t intern(struct replay_source *r, const uint64_t *ips, int n)
{
	size_t i;

	if ((r->nstacks + 1) * 2 > r->index_size && !rehash(r, r->index_size ? r->index_size * 2 : 64))
		return -1;
	for (i = stack_hash(ips, n) & (r->index_size - 1); r->index[i] >= 0; i = (i + 1) & (r->index_size - 1)) {
		const struct stack *s = &r->stacks[r->index[i]];

		if (s->n == n && memcmp(s->ips, ips, (size_t)n * sizeof(*ips)) == 0)
			return r->index[i];
	}
	if (r->nstacks == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct stack *v = realloc(r->stacks, cap * sizeof(*v));

		if (!v)
			return -1;
		r->stacks = v;
		r->cap = cap;
	}
	memset(&r->stacks[r->nstacks], 0, sizeof(r->stacks[0]));
	memcpy(r->stacks[r->nstacks].ips, ips, (size_t)n * sizeof(*ips));
	r->stacks[r->nstacks].n = n;
	r->index[i] = (int32_t)r->nstacks;
	return (int32_t)r->nstacks++;
}

static uint64_t monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int replay_consume(struct event_source *src, struct event_store *store, size_t max, char *err, size_t errlen)
{
	struct replay_source *r = rs(src);
	uint64_t newest = r->newest_ns;
	struct replay_event ev;
	size_t k = 0;

	while (!r->done && k < max) {
		int rc = replay_next(r->replay, &ev, err, errlen);

		if (rc < 0)
			return -1;
		if (rc == 0) {
			r->done = true;
			break;
		}
		ev.event.stack_id = -1;
		if (ev.nstack > 0) {
			ev.event.stack_id = intern(r, ev.stack, ev.nstack);
			if (ev.event.stack_id < 0) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
		}
		event_store_push(store, &ev.event);
		if (ev.event.ts_ns > newest)
			newest = ev.event.ts_ns;
		k++;
	}
	if (newest != r->newest_ns) {
		r->newest_ns = newest;
		r->read_ns = monotonic_now();
	}
	return (int)k;
}

static int replay_fd(const struct event_source *src)
{
	(void)src;
	return -1;
}

static bool replay_active(const struct event_source *src)
{
	return !rs(src)->done;
}

static void replay_end_reason(const struct event_source *src, char *buf, size_t len)
{
	const char *warning = replay_warning(rs(src)->replay);

	snprintf(buf, len, "end of the recording%s%s", warning ? ": " : "", warning ? warning : "");
}

static void replay_detach(struct event_source *src)
{
	rs(src)->done = true;
}

static const char *replay_hook(const struct event_source *src, uint32_t hook_id)
{
	return replay_hook_name(rs(src)->replay, hook_id);
}

static const char *replay_reason(const struct event_source *src, uint32_t reason)
{
	return replay_drop_reason(rs(src)->replay, reason);
}

static size_t replay_stack_text(const struct event_source *src, const struct vista_event *e, char *buf, size_t len)
{
	const struct replay_source *r = rs(src);

	if (e->stack_id < 0 || (size_t)e->stack_id >= r->nstacks)
		return 0;
	return format_stack(buf, len, r->stacks[e->stack_id].ips, r->stacks[e->stack_id].n, replay_symbols(r->replay));
}

static size_t replay_symbol(const struct event_source *src, uint64_t addr, char *buf, size_t len)
{
	const struct kallsyms *ks = replay_symbols(rs(src)->replay);
	const struct ksym *sym = ks ? kallsyms_lookup(ks, addr, NULL) : NULL;
	int n;

	if (!sym)
		return 0;
	n = snprintf(buf, len, "%s+0x%llx", sym->name, (unsigned long long)(addr - sym->addr));
	return n > 0 ? (size_t)n : 0;
}

/* What the kernel lost while recording, as the END record says. */
static uint64_t replay_lost_events(const struct event_source *src)
{
	uint64_t lost = 0;

	return replay_lost(rs(src)->replay, &lost) ? lost : 0;
}

static uint64_t replay_time_origin(const struct event_source *src)
{
	return (uint64_t)rs(src)->info->start_monotonic_ns;
}

static uint64_t replay_now(const struct event_source *src, uint64_t monotonic_ns)
{
	const struct replay_source *r = rs(src);

	return r->newest_ns + (monotonic_ns > r->read_ns ? monotonic_ns - r->read_ns : 0);
}

static const char *replay_backend(const struct event_source *src)
{
	return rs(src)->info->backend;
}

static size_t replay_hooks(const struct event_source *src)
{
	return replay_hook_count(rs(src)->replay);
}

/* The recording keeps the command line, not the filters it set up: show that. */
static void replay_describe_filters(const struct event_source *src, char *buf, size_t len)
{
	snprintf(buf, len, "as recorded by: %s", rs(src)->info->command_line);
}

static const struct filter_set *replay_filters(const struct event_source *src)
{
	return &rs(src)->none;
}

static int replay_apply_filters(struct event_source *src, const struct filter_set *fs, char *err, size_t errlen)
{
	(void)src;
	(void)fs;
	snprintf(err, errlen, "a replay cannot change filters: its events were filtered when recorded");
	return -1;
}

static int replay_if_names(const struct event_source *src, const struct filter_set *fs, struct if_name_list *out,
			   char *err, size_t errlen)
{
	(void)src;
	return if_names_list(fs, out, err, errlen);
}

static void replay_clock(const struct event_source *src, struct format_state *st)
{
	struct format_names names;

	replay_set_format(rs(src)->replay, &names, st);
}

static uint32_t replay_collect(const struct event_source *src)
{
	uint32_t o = rs(src)->info->options;

	return (o & RECORD_OPT_META ? VISTA_COLLECT_META : 0) | (o & RECORD_OPT_TUPLE ? VISTA_COLLECT_TUPLE : 0) |
	       (o & (RECORD_OPT_STACK | RECORD_OPT_DROP_STACK) ? VISTA_COLLECT_STACK : 0);
}

static int replay_set_collect(struct event_source *src, uint32_t collect, char *err, size_t errlen)
{
	uint32_t missing = collect & ~replay_collect(src);

	snprintf(err, errlen, "the recording was made without %s: a replay shows what was recorded",
		 missing & VISTA_COLLECT_STACK  ? "stacks"
		 : missing & VISTA_COLLECT_META ? "--output-meta"
						: "--output-tuple");
	return -1;
}

static void replay_source_close(struct event_source *src)
{
	struct replay_source *r = rs(src);

	replay_close(r->replay);
	free(r->stacks);
	free(r->index);
	free(r);
}

static const struct event_source_ops replay_ops = {
	.consume = replay_consume,
	.fd = replay_fd,
	.active = replay_active,
	.end_reason = replay_end_reason,
	.detach = replay_detach,
	.hook_name = replay_hook,
	.drop_reason = replay_reason,
	.stack_text = replay_stack_text,
	.symbol = replay_symbol,
	.lost = replay_lost_events,
	.time_origin = replay_time_origin,
	.now = replay_now,
	.backend_name = replay_backend,
	.hook_count = replay_hooks,
	.describe_filters = replay_describe_filters,
	.filters = replay_filters,
	.apply_filters = replay_apply_filters,
	.if_names = replay_if_names,
	.clock = replay_clock,
	.set_collect = replay_set_collect,
	.collect = replay_collect,
	.close = replay_source_close,
};

int replay_source_open(const char *path, struct event_source **out, char *err, size_t errlen)
{
	struct replay_source *r = calloc(1, sizeof(*r));

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (replay_open(path, &r->replay, err, errlen)) {
		free(r);
		return -1;
	}
	r->base.ops = &replay_ops;
	r->info = replay_info(r->replay);
	r->newest_ns = (uint64_t)r->info->start_monotonic_ns;
	r->read_ns = monotonic_now();
	filter_set_init(&r->none);
	*out = &r->base;
	return 0;
}

const struct record_info *replay_source_info(const struct event_source *src)
{
	return rs(src)->info;
}
