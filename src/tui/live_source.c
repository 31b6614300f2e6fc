// SPDX-License-Identifier: GPL-2.0-only
#include "tui/live_source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/format.h"
#include "core/kallsyms.h"
#include "filter/filter_set.h"
#include "tui/event_store.h"

struct live_source {
	struct event_source base; /* first: the ops see a struct event_source * */
	struct session *session;
	struct kallsyms *ksyms; /* NULL when /proc/kallsyms could not be read */
	struct session_config cfg;
	bool detached;
	uint64_t opened_ns; /* CLOCK_MONOTONIC when every hook was attached */
	/* The store and budget of the consume call in progress, for on_event. */
	struct event_store *target;
	size_t budget, taken;
};

static struct live_source *live(const struct event_source *src)
{
	return (struct live_source *)src;
}

static int on_event(void *ctx, const struct vista_event *e)
{
	struct live_source *ls = ctx;

	event_store_push(ls->target, e);
	/* Non-zero stops the drain: the rest waits in the ring for the next pass. */
	return ++ls->taken >= ls->budget;
}

static int live_consume(struct event_source *src, struct event_store *store, size_t max, char *err, size_t errlen)
{
	struct live_source *ls = live(src);
	int rc;

	if (!max)
		return 0;
	ls->target = store;
	ls->budget = max;
	ls->taken = 0;
	rc = session_consume(ls->session);
	if (rc < 0 && rc != -ECANCELED) {
		snprintf(err, errlen, "reading events failed: %s", strerror(-rc));
		return -1;
	}
	return (int)ls->taken;
}

static int live_fd(const struct event_source *src)
{
	return session_event_fd(live(src)->session);
}

static bool live_active(const struct event_source *src)
{
	return !live(src)->detached;
}

static void live_detach(struct event_source *src)
{
	struct live_source *ls = live(src);

	if (!ls->detached)
		session_detach(ls->session);
	ls->detached = true;
}

static const char *live_hook_name(const struct event_source *src, uint32_t hook_id)
{
	return session_hook_name(live(src)->session, hook_id);
}

static const char *live_drop_reason(const struct event_source *src, uint32_t reason)
{
	return session_drop_reason(live(src)->session, reason);
}

static size_t live_stack_text(const struct event_source *src, const struct vista_event *e, char *buf, size_t len)
{
	uint64_t ips[VISTA_MAX_STACK_DEPTH];
	int n = session_stack(live(src)->session, e->stack_id, ips, VISTA_MAX_STACK_DEPTH);

	return n > 0 ? format_stack(buf, len, ips, n, live(src)->ksyms) : 0;
}

static size_t live_symbol(const struct event_source *src, uint64_t addr, char *buf, size_t len)
{
	const struct ksym *sym = live(src)->ksyms ? kallsyms_lookup(live(src)->ksyms, addr, NULL) : NULL;
	int n;

	if (!sym)
		return 0;
	n = snprintf(buf, len, "%s+0x%llx", sym->name, (unsigned long long)(addr - sym->addr));
	return n > 0 ? (size_t)n : 0;
}

static uint64_t live_lost(const struct event_source *src)
{
	return session_lost(live(src)->session);
}

static uint64_t live_time_origin(const struct event_source *src)
{
	return live(src)->opened_ns;
}

static const char *live_backend_name(const struct event_source *src)
{
	return backend_name(live(src)->cfg.backend);
}

static size_t live_hook_count(const struct event_source *src)
{
	return session_hook_count(live(src)->session);
}

static void live_describe_filters(const struct event_source *src, char *buf, size_t len)
{
	const struct session_config *cfg = &live(src)->cfg;
	size_t n;

	filter_set_describe(session_filters(live(src)->session), buf, len);
	n = strlen(buf);
	/* Hooks left out at attach time are not a runtime filter, but the user asked for them. */
	if (cfg->skb_func_regex && n + 1 < len) {
		if (strcmp(buf, "none") == 0)
			n = 0;
		snprintf(buf + n, len - n, "%sfunc '%s'", n ? " " : "", cfg->skb_func_regex);
	}
}

static int live_set_collect(struct event_source *src, uint32_t collect, char *err, size_t errlen)
{
	return session_set_collect(live(src)->session, collect, err, errlen);
}

static uint32_t live_collect(const struct event_source *src)
{
	return session_collect(live(src)->session);
}

static void live_close(struct event_source *src)
{
	struct live_source *ls = live(src);

	session_close(ls->session);
	kallsyms_free(ls->ksyms);
	free(ls);
}

static const struct event_source_ops live_ops = {
	.consume = live_consume,
	.fd = live_fd,
	.active = live_active,
	.detach = live_detach,
	.hook_name = live_hook_name,
	.drop_reason = live_drop_reason,
	.stack_text = live_stack_text,
	.symbol = live_symbol,
	.lost = live_lost,
	.time_origin = live_time_origin,
	.backend_name = live_backend_name,
	.hook_count = live_hook_count,
	.describe_filters = live_describe_filters,
	.set_collect = live_set_collect,
	.collect = live_collect,
	.close = live_close,
};

int live_source_open(const struct session_config *cfg, struct event_source **out, char *err, size_t errlen)
{
	struct live_source *ls = calloc(1, sizeof(*ls));

	if (!ls) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ls->base.ops = &live_ops;
	ls->cfg = *cfg;
	ls->cfg.on_event = on_event;
	ls->cfg.ctx = ls;
	if (session_open(&ls->cfg, &ls->session, err, errlen)) {
		free(ls);
		return -1;
	}
	{
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		ls->opened_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	}
	/* Read after attaching, so that the JIT symbols of vista's own programs are known too. */
	ls->ksyms = kallsyms_load("/proc/kallsyms");
	*out = &ls->base;
	return 0;
}
