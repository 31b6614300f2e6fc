// SPDX-License-Identifier: GPL-2.0-only
#include "tui/live_source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/format.h"
#include "core/kallsyms.h"
#include "filter/command.h"
#include "filter/filter_set.h"
#include "tui/event_store.h"
#include "tui/if_names.h"

struct live_source {
	struct event_source base; /* first: the ops see a struct event_source * */
	struct session *session;
	struct kallsyms *ksyms; /* NULL when /proc/kallsyms could not be read */
	struct session_config cfg;
	bool detached;
	uint64_t origin_ns; /* the TIME column's 0: when every hook was attached, or the recording began */
	/* --record: every event consumed also goes to the recording, with its stack and names. */
	struct record_writer *rec;
	struct format_names names; /* for the recording: the session's names, ksyms */
	int64_t rec_clock_offset;  /* the recording's CLOCK_REALTIME - CLOCK_MONOTONIC */
	bool rec_failed;           /* then rec_err says why */
	char rec_err[256];
	/* The store and budget of the consume call in progress, for on_event. */
	struct event_store *target;
	size_t budget, taken;
};

static struct live_source *live(const struct event_source *src)
{
	return (struct live_source *)src;
}

/* The stack is read now, while the kernel still holds it: a replay has no other source for it. */
static int record_event(struct live_source *ls, const struct vista_event *e)
{
	uint64_t stack[VISTA_MAX_STACK_DEPTH];
	int n = e->stack_id >= 0 ? session_stack(ls->session, e->stack_id, stack, VISTA_MAX_STACK_DEPTH) : 0;

	if (record_write_event(ls->rec, e, stack, n > 0 ? n : 0, &ls->names, ls->rec_err, sizeof(ls->rec_err))) {
		ls->rec_failed = true;
		return -1;
	}
	return 0;
}

static int on_event(void *ctx, const struct vista_event *e)
{
	struct live_source *ls = ctx;

	if (ls->rec && record_event(ls, e))
		return 1;
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
	if (ls->rec_failed) {
		snprintf(err, errlen, "%s", ls->rec_err);
		return -1;
	}
	rc = session_consume(ls->session);
	if (rc < 0 && rc != -ECANCELED) {
		snprintf(err, errlen, "reading events failed: %s", strerror(-rc));
		return -1;
	}
	/* Once per batch, as vista does: a killed vista-top loses at most one batch. */
	if (ls->rec && !ls->rec_failed && ls->taken && record_writer_flush(ls->rec, ls->rec_err, sizeof(ls->rec_err)))
		ls->rec_failed = true;
	if (ls->rec_failed) {
		snprintf(err, errlen, "%s", ls->rec_err);
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
	return live(src)->origin_ns;
}

static uint64_t live_now(const struct event_source *src, uint64_t monotonic_ns)
{
	(void)src;
	return monotonic_ns;
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

	command_describe(session_filters(live(src)->session), buf, len);
	n = strlen(buf);
	/* Hooks left out at attach time are not a runtime filter, but the user asked for them. */
	if (cfg->skb_func_regex && n + 1 < len) {
		if (strcmp(buf, "none") == 0)
			n = 0;
		snprintf(buf + n, len - n, "%sfunc '%s'", n ? " " : "", cfg->skb_func_regex);
	}
}

static const struct filter_set *live_filters(const struct event_source *src)
{
	return session_filters(live(src)->session);
}

static int live_apply_filters(struct event_source *src, const struct filter_set *fs, char *err, size_t errlen)
{
	return session_apply_filters(live(src)->session, fs, err, errlen);
}

static int live_if_names(const struct event_source *src, const struct filter_set *fs, struct if_name_list *out,
			 char *err, size_t errlen)
{
	(void)src;
	return if_names_list(fs, out, err, errlen);
}

/* With --record, the clock reading the recording took: the replay then shows the same wall-clock times. */
static void live_clock(const struct event_source *src, struct format_state *st)
{
	if (live(src)->rec)
		st->realtime_offset_ns = live(src)->rec_clock_offset;
}

static int live_set_collect(struct event_source *src, uint32_t collect, char *err, size_t errlen)
{
	return session_set_collect(live(src)->session, collect, err, errlen);
}

static uint32_t live_collect(const struct event_source *src)
{
	return session_collect(live(src)->session);
}

int live_source_end_record(struct event_source *src, char *err, size_t errlen)
{
	struct live_source *ls = live(src);
	int rc;

	if (!ls->rec)
		return 0;
	if (ls->rec_failed) {
		/* Reported already, by the consume that failed. */
		record_writer_close(ls->rec, 0, err, errlen);
		ls->rec = NULL;
		snprintf(err, errlen, "%s", ls->rec_err);
		return -1;
	}
	rc = record_writer_close(ls->rec, session_lost(ls->session), err, errlen);
	ls->rec = NULL;
	return rc;
}

static void live_close(struct event_source *src)
{
	struct live_source *ls = live(src);
	char err[256];

	if (ls->rec)
		record_writer_close(ls->rec, session_lost(ls->session), err, sizeof(err));
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
	.now = live_now,
	.backend_name = live_backend_name,
	.hook_count = live_hook_count,
	.describe_filters = live_describe_filters,
	.filters = live_filters,
	.apply_filters = live_apply_filters,
	.if_names = live_if_names,
	.clock = live_clock,
	.set_collect = live_set_collect,
	.collect = live_collect,
	.close = live_close,
};

static const char *hook_name_cb(const void *ctx, uint32_t id)
{
	return session_hook_name(ctx, id);
}

static const char *drop_reason_cb(const void *ctx, uint32_t reason)
{
	return session_drop_reason(ctx, reason);
}

int live_source_open(const struct session_config *cfg, const struct live_record *rec, struct event_source **out,
		     char *err, size_t errlen)
{
	struct live_source *ls = calloc(1, sizeof(*ls));
	struct timespec ts;

	if (!ls) {
		snprintf(err, errlen, "out of memory");
		if (rec)
			record_writer_close(rec->writer, 0, err, errlen);
		return -1;
	}
	ls->base.ops = &live_ops;
	ls->cfg = *cfg;
	ls->cfg.on_event = on_event;
	ls->cfg.ctx = ls;
	if (rec) {
		ls->rec = rec->writer;
		ls->rec_clock_offset = record_info_clock_offset(rec->info);
	}
	if (session_open(&ls->cfg, &ls->session, err, errlen)) {
		if (ls->rec)
			record_writer_close(ls->rec, 0, ls->rec_err, sizeof(ls->rec_err));
		free(ls);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ls->origin_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	/* Read after attaching, so that the JIT symbols of vista's own programs are known too. */
	ls->ksyms = kallsyms_load("/proc/kallsyms");
	if (rec) {
		/* Times count from the start of the recording, in the live view as in its replay. */
		ls->origin_ns = (uint64_t)rec->info->start_monotonic_ns;
		ls->names.hook_name = hook_name_cb;
		ls->names.drop_reason = drop_reason_cb;
		ls->names.ctx = ls->session;
		ls->names.ksyms = ls->ksyms;
		if (record_write_hooks(ls->rec, &ls->names, (uint32_t)session_hook_count(ls->session), err, errlen)) {
			live_close(&ls->base);
			return -1;
		}
	}
	*out = &ls->base;
	return 0;
}
