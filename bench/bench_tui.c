// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_tui: vista-top's UI timed in-process, on a replay (bench/tui.sh).
 *
 *   bench_tui write FILE N
 *       Writes a synthetic recording of N events (ICMP, TCP and UDP packets
 *       of a few hooks each, some dropped with a stack) with the record
 *       writer, as vista-top --record would.
 *   bench_tui run FILE ROUNDS
 *       Replays FILE into vista-top's app (the code vista-top runs, on a
 *       120x40 virtual terminal whose output goes to /dev/null), then times,
 *       ROUNDS times each, from the key entering curses' input to the end of
 *       the doupdate() that shows its answer, with the passes of the live
 *       loop (keys, a batch, a slice of work, a frame) in between:
 *         end     Home, then End: the last row, following again
 *         search  '/' and a pattern found nowhere, pasted (one search): the
 *                 whole store, 20000 rows a pass, until the prompt says
 *                 "(no match)"; 3 times at most, it is the long one
 *         tab     Tab: the Hooks pane, then back to Events
 *         frame   a full redraw of the Events pane (every line)
 *       Prints one line per figure and round: "NAME NS", and first
 *       "load NS" (every event taken from the replay into the store) and
 *       "events N".
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/record.h"
#include "tui/app.h"
#include "tui/event_store.h"
#include "tui/keys.h"
#include "tui/replay_source.h"
#include "tui/term.h"

#define HOOKS 12

static const char *const hook_names[HOOKS] = {
	"net_dev_queue",     "net_dev_start_xmit",     "net_dev_xmit", "netif_rx_entry", "netif_rx",
	"netif_receive_skb", "napi_gro_receive_entry", "kfree_skb",    "consume_skb",    "skb_copy_datagram_iovec",
	"tcp_probe",         "qdisc_dequeue",
};

static const char *hook_name_cb(const void *ctx, uint32_t id)
{
	(void)ctx;
	return id < HOOKS ? hook_names[id] : NULL;
}

static const char *reason_cb(const void *ctx, uint32_t reason)
{
	(void)ctx;
	return reason == 3 ? "SKB_DROP_REASON_NO_SOCKET" : "SKB_DROP_REASON_NETFILTER_DROP";
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Packet i's hook j: a ping, a TCP SYN, a UDP datagram dropped for lack of a socket, by turns. */
static void synth(struct vista_event *e, uint64_t i, unsigned int j, unsigned int nhooks)
{
	static const uint32_t hooks[] = { 0, 1, 2, 3, 4, 5 };
	unsigned int kind = (unsigned int)(i % 3);

	memset(e, 0, sizeof(*e));
	e->ts_ns = 1000000000ULL + i * 20000 + j * 1500;
	e->addr = 0xffff888100000000ULL + (i % 4096) * 0x100;
	e->hook_id = j + 1 < nhooks ? hooks[j] : (kind == 2 ? 7 : 8);
	e->kind = VISTA_EV_SKB;
	e->pid = 1000 + (uint32_t)(i % 7);
	e->tid = e->pid;
	e->cpu = (uint32_t)(i % 2);
	e->stack_id = -1;
	snprintf(e->comm, sizeof(e->comm), "%s", kind == 0 ? "ping" : kind == 1 ? "curl" : "dig");
	e->flags = VISTA_EVF_HAS_META | VISTA_EVF_HAS_TUPLE;
	e->meta.netns = 4026532100u;
	e->meta.ifindex = 2;
	memcpy(e->meta.ifname, "eth0", 5);
	e->meta.mtu = 1500;
	e->meta.len = 98;
	e->meta.protocol = 0x0800;
	e->tuple.l3 = 4;
	memcpy(e->tuple.saddr, (uint8_t[]){ 10, 0, (uint8_t)(i >> 8), (uint8_t)i }, 4);
	memcpy(e->tuple.daddr, (uint8_t[]){ 10, 1, 0, 2 }, 4);
	e->tuple.l4_proto = kind == 0 ? 1 : kind == 1 ? 6 : 17;
	e->tuple.sport = (uint16_t)(30000 + i % 30000);
	e->tuple.dport = kind == 1 ? 443 : 53;
	if (j + 1 == nhooks) {
		e->flags |= VISTA_EVF_SKB_FREED;
		e->location = 0xffffffff81b8005bULL;
		if (kind == 2) {
			e->flags |= VISTA_EVF_HAS_REASON;
			e->reason = 3;
			e->stack_id = 1;
		}
	}
}

static int write_recording(const char *path, uint64_t n)
{
	static const uint64_t stack[] = { 0xffffffff81b8005bULL, 0xffffffff81b10044ULL, 0xffffffff81900120ULL };
	struct format_names names = { .hook_name = hook_name_cb, .drop_reason = reason_cb };
	struct record_writer *w;
	struct record_info info;
	char err[512];
	uint64_t done = 0;

	record_info_init(&info, 0, NULL);
	snprintf(info.backend, sizeof(info.backend), "tracepoint");
	snprintf(info.command_line, sizeof(info.command_line), "bench_tui write %s %llu", path, (unsigned long long)n);
	info.start_monotonic_ns = 1000000000LL;
	info.options = RECORD_OPT_META | RECORD_OPT_TUPLE | RECORD_OPT_DROP_STACK;
	if (record_writer_open(path, &info, &w, err, sizeof(err)) ||
	    record_write_hooks(w, &names, HOOKS, err, sizeof(err))) {
		fprintf(stderr, "bench_tui: %s\n", err);
		return 1;
	}
	for (uint64_t i = 0; done < n; i++) {
		unsigned int nhooks = 3 + (unsigned int)(i % 4);

		for (unsigned int j = 0; j < nhooks && done < n; j++, done++) {
			struct vista_event e;

			synth(&e, i, j, nhooks);
			if (record_write_event(w, &e, stack, e.stack_id >= 0 ? 3 : 0, &names, err, sizeof(err))) {
				fprintf(stderr, "bench_tui: %s\n", err);
				record_writer_close(w, 0, err, sizeof(err));
				return 1;
			}
		}
		if (done % 65536 < 8 && record_writer_flush(w, err, sizeof(err))) {
			fprintf(stderr, "bench_tui: %s\n", err);
			record_writer_close(w, 0, err, sizeof(err));
			return 1;
		}
	}
	if (record_writer_close(w, 0, err, sizeof(err))) {
		fprintf(stderr, "bench_tui: %s\n", err);
		return 1;
	}
	return 0;
}

/* One pass of vista-top's loop (ui_loop.c) without the poll(). */
static void pass(struct app *a)
{
	app_set_time(a, event_source_now(a->src, now_ns()));
	app_read_input(a);
	app_pump(a);
	app_work(a);
	app_render(a, false);
}

/* Passes from the keys' arrival until the app has nothing left to do or draw; returns the ns taken. */
static uint64_t answer(struct app *a, const int *keys, size_t n)
{
	uint64_t t0;

	/* curses' input queue is a stack: the first key goes in last. */
	for (size_t i = n; i-- > 0;) {
		if (keys[i] & KEY_FN_BIT)
			ungetch(keys[i] & ~KEY_FN_BIT);
		else
			ungetch(keys[i]);
	}
	t0 = now_ns();
	do
		pass(a);
	while (a->working || a->dirty || a->full_batch);
	return now_ns() - t0;
}

static int run(const char *path, int rounds)
{
	struct event_source *src = NULL;
	struct event_store *store = NULL;
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	struct app a;
	char err[512];
	uint64_t t0;
	int rc = 1;

	setenv("LINES", "40", 1);
	setenv("COLUMNS", "120", 1);
	if (!out || !in || replay_source_open(path, &src, err, sizeof(err)) ||
	    event_store_create(EVENT_STORE_DEFAULT_SIZE, &store, err, sizeof(err)) ||
	    term_start(
		&(struct term_opts){ .color = true, .mouse = false, .term = "xterm-256color", .out = out, .in = in },
		err, sizeof(err)) ||
	    app_init(&a,
		     &(struct app_config){ .src = src,
					   .store = store,
					   .start_ns = event_source_now(src, now_ns()),
					   .style = { .tuple = true } },
		     err, sizeof(err))) {
		fprintf(stderr, "bench_tui: %s\n", err);
		goto out;
	}
	t0 = now_ns();
	while (app_pump(&a) > 0)
		;
	printf("load %llu\nevents %llu\n", (unsigned long long)(now_ns() - t0),
	       (unsigned long long)event_store_total(store));
	app_render(&a, true);
	for (int r = 0; r < rounds; r++) {
		static const int home[] = { K_FN(KEY_HOME) }, end[] = { K_FN(KEY_END) }, tab[] = { '\t' },
				 btab[] = { K_FN(KEY_BTAB) }, esc[] = { K_ESC };
		static const int search[] = { '/', 'z', 'q', 'x', 'j' };
		uint64_t t;

		answer(&a, home, 1);
		printf("end %llu\n", (unsigned long long)answer(&a, end, 1));
		if (r < 3) {
			/* Keys read in one pass: only the whole pattern's search runs. */
			t = answer(&a, search, sizeof(search) / sizeof(search[0]));
			printf("search %llu\n", (unsigned long long)t);
			answer(&a, esc, 1);
		}
		printf("tab %llu\n", (unsigned long long)answer(&a, tab, 1));
		answer(&a, btab, 1);
		t0 = now_ns();
		app_mark(&a, DIRTY_ALL);
		app_render(&a, true);
		printf("frame %llu\n", (unsigned long long)(now_ns() - t0));
	}
	rc = 0;
	app_free(&a);
out:
	term_stop();
	event_source_close(src);
	event_store_free(store);
	if (out)
		fclose(out);
	if (in)
		fclose(in);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "write") == 0)
		return write_recording(argv[2], strtoull(argv[3], NULL, 10));
	if (argc == 4 && strcmp(argv[1], "run") == 0)
		return run(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: bench_tui write FILE N | bench_tui run FILE ROUNDS\n");
	return 2;
}
