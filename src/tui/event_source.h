/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where vista-top's events come from. The UI only talks to this interface:
 * the live implementation wraps a struct session (live_source.h), a replay
 * of a --record file plugs in the same way, and the tests feed scripted
 * events from memory (tests/tui/mem_source.c).
 *
 * An implementation embeds struct event_source as its first member and
 * fills ops; the event_source_*() wrappers below are what callers use.
 * Every op must be set, except end_reason.
 */
#ifndef VISTA_TUI_EVENT_SOURCE_H
#define VISTA_TUI_EVENT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/format.h"
#include "filter/filter_set.h"
#include "vista.h"

struct event_store;
struct event_source;

/* Interface names, for completion (if_names.h fills it from the system). */
#define EVENT_SOURCE_MAX_IFNAMES 256
struct if_name_list {
	size_t n;
	char name[EVENT_SOURCE_MAX_IFNAMES][VISTA_IFNAME_LEN];
};

struct event_source_ops {
	/*
	 * Moves up to max ready events into store without waiting; returns how
	 * many, or -1 with one sentence in err when the source failed. Returns 0
	 * when nothing is ready (also once a finite source is exhausted).
	 */
	int (*consume)(struct event_source *src, struct event_store *store, size_t max, char *err, size_t errlen);
	/* An fd that poll() reports readable when events wait, or -1 (then the caller polls on a timer). */
	int (*fd)(const struct event_source *src);
	/* Whether more events can ever come (a replay reaches its end; live runs until detached). */
	bool (*active)(const struct event_source *src);
	/* Why an inactive source ended, for the status bar; NULL: "no more events". */
	void (*end_reason)(const struct event_source *src, char *buf, size_t len);
	/* Stops producing events (live: detaches every hook); what is ready can still be consumed. */
	void (*detach)(struct event_source *src);

	/* Names; NULL when unknown (the caller prints the number). */
	const char *(*hook_name)(const struct event_source *src, uint32_t hook_id);
	const char *(*drop_reason)(const struct event_source *src, uint32_t reason);
	/*
	 * The kernel stack recorded with e, symbolized, one "\n    frame" per
	 * frame (format_stack's layout); returns the length like snprintf, 0
	 * when e has no stack or it can no longer be read.
	 */
	size_t (*stack_text)(const struct event_source *src, const struct vista_event *e, char *buf, size_t len);
	/* "symbol+0xoff" for a kernel address; returns the length like snprintf, 0 when unknown. */
	size_t (*symbol)(const struct event_source *src, uint64_t addr, char *buf, size_t len);

	uint64_t (*lost)(const struct event_source *src); /* events the kernel could not deliver */
	/* When the trace began, on the events' clock (CLOCK_MONOTONIC ns): the TIME column's 0. */
	uint64_t (*time_origin)(const struct event_source *src);
	/*
	 * The UI's "now" on the events' clock, given CLOCK_MONOTONIC: the same
	 * for a live trace; a replay's clock runs on from its newest event read,
	 * so that rates and "last seen" ages mean what they meant live.
	 */
	uint64_t (*now)(const struct event_source *src, uint64_t monotonic_ns);
	const char *(*backend_name)(const struct event_source *src);
	size_t (*hook_count)(const struct event_source *src);
	/* The active filters in words ("addr 10.0.0.1 port 80"), "" when none. */
	void (*describe_filters)(const struct event_source *src, char *buf, size_t len);
	/* The filter set in force: what a `:` command edits a copy of. */
	const struct filter_set *(*filters)(const struct event_source *src);
	/*
	 * Replaces the whole filter set at once, without detaching anything
	 * (fs->kernel.collect is ignored). Returns 0, or -1 with one sentence in
	 * err and the previous set still in force (a replay always refuses).
	 */
	int (*apply_filters)(struct event_source *src, const struct filter_set *fs, char *err, size_t errlen);
	/*
	 * The interfaces an ifname filter can name under fs: those of the
	 * network namespace of fs's netns filter, or the caller's own. Returns
	 * 0, or -1 with one sentence in err.
	 */
	int (*if_names)(const struct event_source *src, const struct filter_set *fs, struct if_name_list *out,
			char *err, size_t errlen);
	/*
	 * Sets st's absolute clock (CLOCK_REALTIME - the events' clock) and time
	 * zone: the live run's, or the recording's for a replay, so that
	 * --timestamp absolute shows the same times in both.
	 */
	void (*clock)(const struct event_source *src, struct format_state *st);
	/*
	 * Asks for the optional parts of future events (VISTA_COLLECT_*); a
	 * source that cannot change them (a replay) returns -1 with the reason.
	 */
	int (*set_collect)(struct event_source *src, uint32_t collect, char *err, size_t errlen);
	uint32_t (*collect)(const struct event_source *src);

	void (*close)(struct event_source *src);
};

struct event_source {
	const struct event_source_ops *ops;
};

static inline int event_source_consume(struct event_source *src, struct event_store *store, size_t max, char *err,
				       size_t errlen)
{
	return src->ops->consume(src, store, max, err, errlen);
}

static inline int event_source_fd(const struct event_source *src)
{
	return src->ops->fd(src);
}

static inline bool event_source_active(const struct event_source *src)
{
	return src->ops->active(src);
}

static inline void event_source_detach(struct event_source *src)
{
	src->ops->detach(src);
}

static inline const char *event_source_hook_name(const struct event_source *src, uint32_t hook_id)
{
	return src->ops->hook_name(src, hook_id);
}

static inline const char *event_source_drop_reason(const struct event_source *src, uint32_t reason)
{
	return src->ops->drop_reason(src, reason);
}

static inline size_t event_source_stack_text(const struct event_source *src, const struct vista_event *e, char *buf,
					     size_t len)
{
	if (len)
		buf[0] = '\0';
	return e->stack_id >= 0 ? src->ops->stack_text(src, e, buf, len) : 0;
}

static inline size_t event_source_symbol(const struct event_source *src, uint64_t addr, char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
	return addr ? src->ops->symbol(src, addr, buf, len) : 0;
}

static inline uint64_t event_source_lost(const struct event_source *src)
{
	return src->ops->lost(src);
}

static inline uint64_t event_source_time_origin(const struct event_source *src)
{
	return src->ops->time_origin(src);
}

static inline uint64_t event_source_now(const struct event_source *src, uint64_t monotonic_ns)
{
	return src->ops->now(src, monotonic_ns);
}

static inline const char *event_source_backend_name(const struct event_source *src)
{
	return src->ops->backend_name(src);
}

static inline size_t event_source_hook_count(const struct event_source *src)
{
	return src->ops->hook_count(src);
}

static inline void event_source_describe_filters(const struct event_source *src, char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
	src->ops->describe_filters(src, buf, len);
}

static inline int event_source_set_collect(struct event_source *src, uint32_t collect, char *err, size_t errlen)
{
	return src->ops->set_collect(src, collect, err, errlen);
}

static inline uint32_t event_source_collect(const struct event_source *src)
{
	return src->ops->collect(src);
}

static inline void event_source_end_reason(const struct event_source *src, char *buf, size_t len)
{
	if (src->ops->end_reason)
		src->ops->end_reason(src, buf, len);
	else
		snprintf(buf, len, "no more events");
}

static inline const struct filter_set *event_source_filters(const struct event_source *src)
{
	return src->ops->filters(src);
}

static inline int event_source_apply_filters(struct event_source *src, const struct filter_set *fs, char *err,
					     size_t errlen)
{
	return src->ops->apply_filters(src, fs, err, errlen);
}

static inline int event_source_if_names(const struct event_source *src, const struct filter_set *fs,
					struct if_name_list *out, char *err, size_t errlen)
{
	out->n = 0;
	return src->ops->if_names(src, fs, out, err, errlen);
}

static inline void event_source_clock(const struct event_source *src, struct format_state *st)
{
	src->ops->clock(src, st);
}

static inline void event_source_close(struct event_source *src)
{
	if (src)
		src->ops->close(src);
}

#endif
