/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vista-top's application state and its single input path: the screen
 * layout (top bar, the current pane, info line, status bar), the panes,
 * the help overlay, key and mouse dispatch, ingestion of events from the
 * source in bounded batches, and rendering at most ~30 times a second with
 * one doupdate(). Time is given to it (app_set_time), never read by it, so
 * that the tests can render deterministically.
 *
 * The live loop (ui_loop.c) and the test harness (tests/tui/) drive it the
 * same way: app_set_time, app_read_input, app_pump, app_render.
 */
#ifndef VISTA_TUI_APP_H
#define VISTA_TUI_APP_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui/cmd_prompt.h"
#include "tui/event_source.h"
#include "tui/event_store.h"
#include "tui/pane.h"
#include "tui/row_format.h"

#define APP_MAX_PANES     8
#define APP_MIN_LINES     24
#define APP_MIN_COLS      80
#define APP_FRAME_NS      33000000ULL   /* at most ~30 frames a second */
#define APP_TICK_NS       1000000000ULL /* rates and kernel counters, once a second */
#define APP_MESSAGE_NS    3000000000ULL /* how long a message stays on the info line */
#define APP_DEFAULT_BATCH 8192          /* events moved per pass: keys are read between passes */
#define APP_WORK_BUDGET   20000         /* rows a search examines per pass */

enum app_dirty {
	DIRTY_TITLE = 1 << 0,
	DIRTY_BODY = 1 << 1,
	DIRTY_INFO = 1 << 2,
	DIRTY_STATUS = 1 << 3,
	DIRTY_LAYOUT = 1 << 4, /* windows to rebuild: a resize */
	DIRTY_ALL = (1 << 5) - 1,
};

struct app_config {
	struct event_source *src;
	struct event_store *store;
	uint64_t start_ns;      /* "now" when the app starts (the TIME column starts at the source's origin) */
	struct row_style style; /* the optional columns shown at the start */
	bool stack;             /* the stack detail shown at the start */
	uint64_t limit;         /* --output-limit-lines: stop tracing after this many events; 0: never */
	size_t batch;           /* 0: APP_DEFAULT_BATCH */
};

struct app {
	struct event_source *src;
	struct event_store *store;
	struct row_ctx rows;
	uint64_t now_ns;
	uint64_t limit;
	size_t batch;

	struct pane *panes[APP_MAX_PANES];
	size_t npanes, active;
	struct pane *events;   /* the Events pane; its mode is in the status bar */
	struct pane *drill;    /* a flow over the current pane, or NULL */
	struct cmd_prompt cmd; /* the `:` command line, over the info line while open */
	bool help;
	bool quit;
	bool full_batch; /* the last pump filled its batch: more events are waiting */
	bool working;    /* a pane has work left (app_work) */
	bool input_seen; /* a key arrived since the last frame: draw it at once */
	unsigned dirty;

	WINDOW *title_w, *body_w, *info_w, *status_w, *help_w;
	bool too_small;
	int tab_x[APP_MAX_PANES], tab_w[APP_MAX_PANES]; /* pane names in the top bar, for clicks */

	uint64_t last_frame_ns, next_tick_ns;
	uint64_t lost; /* the source's kernel-side loss, read once a tick */
	bool stopped;  /* tracing ended (limit reached, or a source that ran dry) */
	char stop_reason[640];
	char filters[256];
	char message[192];
	uint64_t message_until;
	char error[256]; /* why the app quit on its own, for stderr after the screen is gone */
};

int app_init(struct app *a, const struct app_config *c, char *err, size_t errlen);
void app_free(struct app *a);

/* The clock (CLOCK_MONOTONIC ns, the events' clock): updates rates, counters and messages on ticks. */
void app_set_time(struct app *a, uint64_t now_ns);
/* Reads every key waiting in curses' input (non-blocking) and handles it. */
void app_read_input(struct app *a);
/* Handles one key (see keys.h for the encoding). */
void app_key(struct app *a, int key);
/* Moves at most one batch of events from the source; returns the count, or -1 (a->error says why). */
int app_pump(struct app *a);
/* Gives each pane's pending work one slice; returns true while some is left. */
bool app_work(struct app *a);
/* Draws what changed, with one doupdate(); waits for the frame interval unless a key arrived or force. */
void app_render(struct app *a, bool force);
/* Milliseconds the loop may sleep before the app wants to run again (a tick, a pending frame). */
int app_timeout_ms(const struct app *a, int max_ms);

/* For panes. */
void app_mark(struct app *a, unsigned dirty);
void app_message(struct app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Opens the flow drill-down of the skb life that event seq belongs to. */
void app_open_flow(struct app *a, uint64_t seq);
/* Makes the source collect these parts of events too (VISTA_COLLECT_*); false when it cannot. */
bool app_want_collect(struct app *a, uint32_t bits, bool on);
/* The source's filters changed: the info line shows the new ones. */
void app_filters_changed(struct app *a);

#endif
