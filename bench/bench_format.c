// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_format: nanoseconds per event of vista's text formatting and of
 * its recordings (--record, --replay), on synthetic events shaped like real
 * ones (--output-meta --output-tuple).
 *
 *   bench_format [ITERATIONS [RUNS [DIR]]]   (default 1000000 iterations, 7 runs, $TMPDIR or /tmp)
 *
 * Prints one line per case, tab-separated, for bench/format.sh to pick up:
 *   case  median_ns  min_ns  max_ns  runs  iterations  bytes  ratio_median  ratio_min  ratio_max
 * bytes: per text line, or per event in the recording for the record_* and
 * replay_* cases. ratio: the case's time over text_mix's in the same run
 * (text_mix formats the same 64 events the recording cases write and read).
 *
 * Cases:
 *   text_icmp     format_event on an ICMP echo request (IPv4)
 *   text_tcp      format_event on a TCP segment (IPv4)
 *   text_mix      format_event cycling over 64 events (ICMP, TCP, UDP,
 *                 IPv6, drop reasons), so no single line stays in the
 *                 branch predictor
 *   text_stdio    text_mix plus fwrite(3) of each line to /dev/null, as
 *                 vista does with --output-file (fully buffered stdio)
 *   text_relative text_mix with --timestamp relative (the per-skb clock)
 *   json          format_json_event on text_mix's events with --output-meta
 *                 and --output-tuple: a line of --output-json
 *   record_write  record_write_event of text_mix's events into a recording
 *                 on /dev/null, written out when the writer's buffer fills,
 *                 as with --record (vista also flushes it once per batch)
 *   record_text   record_write plus text_stdio: what vista --record does
 *                 per event, since it prints the text lines as well
 *   replay_open   replay_open of a recording of ITERATIONS such events
 *                 (written to DIR first, removed at the end): its pass
 *                 through the file for the tables, per event
 *   replay_decode replay_next alone: reading and decoding one event
 *   replay_text   replay_next plus format_event: a line of vista --replay
 *                 before it is written out
 *
 * Every case reports the median and the range of RUNS runs, each timing
 * ITERATIONS events with CLOCK_MONOTONIC; the runs of the cases alternate
 * (run 1 of every case, then run 2 of every case...). With an even RUNS the
 * median is the upper of the middle two. Before timing anything, the first
 * events of the recording are replayed and formatted, and must give the
 * very lines that formatting them live gives.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/format.h"
#include "core/format_json.h"
#include "core/record.h"

#define NEVENTS  64
#define MAX_RUNS 101

static const char *const hook_names[] = {
	"net_dev_queue",           "net_dev_start_xmit", "net_dev_xmit", "netif_rx_entry", "netif_rx",
	"netif_receive_skb",       "kfree_skb",          "consume_skb",  "qdisc_enqueue",  "qdisc_dequeue",
	"skb_copy_datagram_iovec", "tcp_probe",
};
#define NHOOKS (sizeof(hook_names) / sizeof(hook_names[0]))

static const char *hook_name(const void *ctx, uint32_t id)
{
	(void)ctx;
	return id < NHOOKS ? hook_names[id] : NULL;
}

static const char *drop_reason(const void *ctx, uint32_t reason)
{
	(void)ctx;
	return reason == 2 ? "SKB_DROP_REASON_NOT_SPECIFIED" : "SKB_DROP_REASON_SOCKET_RCVBUFF";
}

/* The recording being benchmarked, removed however the program ends. */
static char rec_path[4096];

static void remove_recording(void)
{
	if (rec_path[0])
		unlink(rec_path);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench_format: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void base_event(struct vista_event *e, uint32_t hook, const char *comm, uint32_t pid)
{
	memset(e, 0, sizeof(*e));
	e->ts_ns = 123456789012345ULL;
	e->addr = 0xffff888104fa3300ULL;
	e->cpu = 1;
	e->pid = pid;
	e->tid = pid;
	e->hook_id = hook;
	e->kind = VISTA_EV_SKB;
	e->stack_id = -1;
	e->flags = VISTA_EVF_HAS_META | VISTA_EVF_HAS_TUPLE;
	snprintf(e->comm, sizeof(e->comm), "%s", comm);
	e->meta.netns = 4026532177u;
	e->meta.ifindex = 2;
	snprintf(e->meta.ifname, sizeof(e->meta.ifname), "veth0");
	e->meta.protocol = 0x0800;
	e->meta.mtu = 1500;
	e->meta.pkt_type = 0;
	e->tuple.l3 = 4;
	inet_pton(AF_INET, "10.198.0.1", e->tuple.saddr);
	inet_pton(AF_INET, "10.198.0.2", e->tuple.daddr);
}

static void icmp_event(struct vista_event *e)
{
	base_event(e, 0, "ping", 27646);
	e->meta.len = 98;
	e->tuple.l4_proto = 1;
	e->tuple.icmp_type = 8;
	e->tuple.sport = 27646;
	e->tuple.dport = 1;
}

static void tcp_event(struct vista_event *e)
{
	base_event(e, 5, "iperf3", 31337);
	e->meta.ifindex = 3;
	snprintf(e->meta.ifname, sizeof(e->meta.ifname), "veth1");
	e->meta.len = 65226;
	e->tuple.l4_proto = 6;
	e->tuple.sport = 46580;
	e->tuple.dport = 5201;
	e->tuple.tcp_flags = 0x18;
}

/* 64 different events: protocols, families, hooks, drop reasons, skbs. */
static void mixed_events(struct vista_event *ev)
{
	for (int i = 0; i < NEVENTS; i++) {
		struct vista_event *e = &ev[i];

		switch (i % 4) {
		case 0:
			icmp_event(e);
			break;
		case 1:
			tcp_event(e);
			break;
		case 2:
			base_event(e, 0, "udpflood", 4242);
			e->meta.len = 46;
			e->tuple.l4_proto = 17;
			e->tuple.sport = (uint16_t)(40000 + i);
			e->tuple.dport = 9000;
			break;
		default:
			base_event(e, 0, "socat", 777);
			e->meta.protocol = 0x86dd;
			e->meta.len = 1280;
			e->tuple.l3 = 6;
			inet_pton(AF_INET6, "fd00:198::1", e->tuple.saddr);
			inet_pton(AF_INET6, "fd00:198::2", e->tuple.daddr);
			e->tuple.l4_proto = 6;
			e->tuple.sport = 8080;
			e->tuple.dport = (uint16_t)(50000 + i);
			break;
		}
		e->hook_id = (uint32_t)(i % NHOOKS);
		e->addr = 0xffff888104000000ULL + (uint64_t)(i % 16) * 0x100;
		e->ts_ns += (uint64_t)i * 1000;
		e->cpu = (uint32_t)(i & 1);
		if (hook_names[e->hook_id][0] == 'k') {
			e->flags |= VISTA_EVF_HAS_REASON | VISTA_EVF_SKB_FREED;
			e->reason = (uint32_t)(2 + (i & 1));
		}
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* What every case shares. */
struct bench_env {
	struct format_names names;
	FILE *devnull;
	const char *rec_path; /* the recording the replay_* cases read */
	uint64_t rec_events;
	uint64_t rec_bytes; /* its size */
};

struct bench_case {
	const char *name;
	/* One timed run of iterations events; returns ns per event and sets *bytes. */
	double (*run)(const struct bench_case *c, const struct bench_env *env, struct format_state *st,
		      uint64_t iterations, size_t *bytes);
	const struct vista_event *events;
	int nevents;
	struct format_opts opts;
	bool to_devnull; /* text cases: fwrite each line to /dev/null */
	bool json;       /* --output-json rather than the text line */
};

static volatile size_t sink_bytes; /* keeps the compiler from dropping the work */

static double per_event(uint64_t t0, uint64_t t1, uint64_t n)
{
	return (double)(t1 - t0) / (double)n;
}

/* Formats one line into line; with to_devnull, writes it out as --output-file does. */
static size_t text_line(const struct bench_case *c, const struct bench_env *env, struct format_state *st,
			const struct vista_event *e, char *line, size_t len)
{
	size_t n = c->json ? format_json_event(line, len, e, NULL, 0, &env->names, &c->opts, st)
			   : format_event(line, len, e, NULL, 0, &env->names, &c->opts, st);

	if (c->to_devnull && fwrite(line, 1, n, env->devnull) != n)
		die("fwrite to /dev/null failed");
	return n;
}

static double run_text(const struct bench_case *c, const struct bench_env *env, struct format_state *st,
		       uint64_t iterations, size_t *bytes)
{
	char line[8192];
	size_t total = 0;
	uint64_t t0, t1;

	t0 = now_ns();
	for (uint64_t i = 0; i < iterations; i++)
		total += text_line(c, env, st, &c->events[i % (uint64_t)c->nevents], line, sizeof(line));
	if (c->to_devnull)
		fflush(env->devnull);
	t1 = now_ns();
	sink_bytes += total;
	*bytes = total / iterations;
	return per_event(t0, t1, iterations);
}

/* The INFO record of a recording of the synthetic events. */
static void bench_info(struct record_info *info)
{
	record_info_init(info, 0, NULL);
	snprintf(info->backend, sizeof(info->backend), "tracepoint");
	snprintf(info->command_line, sizeof(info->command_line), "bench_format");
	info->options = RECORD_OPT_META | RECORD_OPT_TUPLE;
	info->timestamp = TIMESTAMP_NONE;
}

/* Writes iterations events of c into a recording at path; with text, prints each as a line as well. */
static double write_events(const struct bench_case *c, const struct bench_env *env, struct format_state *st,
			   const char *path, uint64_t iterations, bool text)
{
	struct record_writer *w;
	struct record_info info;
	char err[512], line[8192];
	size_t total = 0;
	uint64_t t0, t1;

	bench_info(&info);
	if (record_writer_open(path, &info, &w, err, sizeof(err)))
		die("%s", err);
	t0 = now_ns();
	for (uint64_t i = 0; i < iterations; i++) {
		const struct vista_event *e = &c->events[i % (uint64_t)c->nevents];

		if (record_write_event(w, e, NULL, 0, &env->names, err, sizeof(err)))
			die("%s", err);
		if (text)
			total += text_line(c, env, st, e, line, sizeof(line));
	}
	if (record_writer_flush(w, err, sizeof(err)))
		die("%s", err);
	if (text)
		fflush(env->devnull);
	t1 = now_ns();
	if (record_writer_close(w, 0, err, sizeof(err)))
		die("%s", err);
	sink_bytes += total;
	return per_event(t0, t1, iterations);
}

static double run_record_write(const struct bench_case *c, const struct bench_env *env, struct format_state *st,
			       uint64_t iterations, size_t *bytes)
{
	*bytes = (size_t)(env->rec_bytes / env->rec_events);
	return write_events(c, env, st, "/dev/null", iterations, false);
}

static double run_record_text(const struct bench_case *c, const struct bench_env *env, struct format_state *st,
			      uint64_t iterations, size_t *bytes)
{
	*bytes = (size_t)(env->rec_bytes / env->rec_events);
	return write_events(c, env, st, "/dev/null", iterations, true);
}

static struct replay *open_recording(const struct bench_env *env)
{
	struct replay *r;
	char err[512];

	if (replay_open(env->rec_path, &r, err, sizeof(err)))
		die("%s", err);
	if (replay_event_count(r) != env->rec_events)
		die("%s holds %llu events, not %llu", env->rec_path, (unsigned long long)replay_event_count(r),
		    (unsigned long long)env->rec_events);
	return r;
}

static double run_replay_open(const struct bench_case *c, const struct bench_env *env, struct format_state *st,
			      uint64_t iterations, size_t *bytes)
{
	struct replay *r;
	uint64_t t0, t1;

	(void)c;
	(void)st;
	(void)iterations;
	t0 = now_ns();
	r = open_recording(env);
	t1 = now_ns();
	replay_close(r);
	*bytes = (size_t)(env->rec_bytes / env->rec_events);
	return per_event(t0, t1, env->rec_events);
}

/* Replays the whole recording; with text, formats each event as vista --replay does. */
static double replay_events(const struct bench_case *c, const struct bench_env *env, struct format_state *st, bool text,
			    size_t *bytes)
{
	static struct replay_event ev;
	struct format_names names;
	struct replay *r = open_recording(env);
	char err[512], line[8192];
	uint64_t t0, t1, n = 0;
	size_t total = 0;
	int rc;

	replay_set_format(r, &names, st);
	t0 = now_ns();
	while ((rc = replay_next(r, &ev, err, sizeof(err))) == 1) {
		if (text)
			total += format_event(line, sizeof(line), &ev.event, ev.stack, ev.nstack, &names, &c->opts, st);
		else
			total += ev.event.meta.len;
		n++;
	}
	t1 = now_ns();
	if (rc < 0)
		die("%s", err);
	replay_close(r);
	if (n != env->rec_events)
		die("replayed %llu events of %llu", (unsigned long long)n, (unsigned long long)env->rec_events);
	sink_bytes += total;
	*bytes = text ? total / n : (size_t)(env->rec_bytes / n);
	return per_event(t0, t1, n);
}

static double run_replay_decode(const struct bench_case *c, const struct bench_env *env, struct format_state *st,
				uint64_t iterations, size_t *bytes)
{
	(void)iterations;
	return replay_events(c, env, st, false, bytes);
}

static double run_replay_text(const struct bench_case *c, const struct bench_env *env, struct format_state *st,
			      uint64_t iterations, size_t *bytes)
{
	(void)iterations;
	return replay_events(c, env, st, true, bytes);
}

/*
 * Writes the recording the replay_* cases read, and checks that replaying
 * it renders its first events exactly as formatting them live does: a
 * replay that decoded something else would be timed for nothing.
 */
static void make_recording(struct bench_env *env, const struct bench_case *mix, const char *dir, uint64_t iterations)
{
	static struct replay_event ev;
	char err[512], live[8192], replayed[8192];
	struct format_state st_live, st_replay;
	struct format_names names;
	struct replay *r;
	struct stat sb;
	int fd;

	if (snprintf(rec_path, sizeof(rec_path), "%s/bench_format.XXXXXX", dir) >= (int)sizeof(rec_path))
		die("the directory %s has too long a name", dir);
	fd = mkstemp(rec_path);
	if (fd < 0) {
		rec_path[0] = '\0';
		die("cannot create a recording in %s: %s", dir, strerror(errno));
	}
	close(fd);
	atexit(remove_recording);
	env->rec_path = rec_path;
	if (format_state_init(&st_live) || format_state_init(&st_replay))
		die("out of memory");
	write_events(mix, env, &st_live, env->rec_path, iterations, false);
	if (stat(env->rec_path, &sb))
		die("%s: %s", env->rec_path, strerror(errno));
	env->rec_events = iterations;
	env->rec_bytes = (uint64_t)sb.st_size;

	r = open_recording(env);
	replay_set_format(r, &names, &st_replay);
	for (int i = 0; i < mix->nevents && (uint64_t)i < iterations; i++) {
		if (replay_next(r, &ev, err, sizeof(err)) != 1)
			die("replaying event %d of %s failed: %s", i, env->rec_path, err);
		format_event(live, sizeof(live), &mix->events[i], NULL, 0, &env->names, &mix->opts, &st_live);
		format_event(replayed, sizeof(replayed), &ev.event, ev.stack, ev.nstack, &names, &mix->opts,
			     &st_replay);
		if (strcmp(live, replayed))
			die("event %d replays as\n  %s\nnot as live\n  %s", i, replayed, live);
	}
	replay_close(r);
	format_state_free(&st_live);
	format_state_free(&st_replay);
}

int main(int argc, char **argv)
{
	static struct vista_event icmp[1], tcp[1], mix[NEVENTS];
	struct format_opts plain = { .meta = true, .tuple = true, .timestamp = TIMESTAMP_NONE };
	struct format_opts relative = { .meta = true, .tuple = true, .timestamp = TIMESTAMP_RELATIVE };
	struct bench_env env = { .names = { hook_name, drop_reason, NULL, NULL } };
	uint64_t iterations = 1000000, runs = 7;
	const char *dir = getenv("TMPDIR");

	if (!dir || !*dir)
		dir = "/tmp";
	if (argc > 1)
		iterations = strtoull(argv[1], NULL, 10);
	if (argc > 2)
		runs = strtoull(argv[2], NULL, 10);
	if (argc > 3)
		dir = argv[3];
	if (argc > 4 || iterations == 0 || runs == 0 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: bench_format [ITERATIONS [RUNS (1-%d) [DIR]]]\n", MAX_RUNS);
		return 2;
	}
	env.devnull = fopen("/dev/null", "w");
	if (!env.devnull)
		die("/dev/null: %s", strerror(errno));
	icmp_event(&icmp[0]);
	tcp_event(&tcp[0]);
	mixed_events(mix);

	/* text_mix first: the others' ratios are to it. */
	const struct bench_case cases[] = {
		{ "text_mix", run_text, mix, NEVENTS, plain, false },
		{ "text_icmp", run_text, icmp, 1, plain, false },
		{ "text_tcp", run_text, tcp, 1, plain, false },
		{ "text_stdio", run_text, mix, NEVENTS, plain, true },
		{ "text_relative", run_text, mix, NEVENTS, relative, false },
		{ "json", run_text, mix, NEVENTS, plain, false, true },
		{ "record_write", run_record_write, mix, NEVENTS, plain, false },
		{ "record_text", run_record_text, mix, NEVENTS, plain, true },
		{ "replay_open", run_replay_open, mix, NEVENTS, plain, false },
		{ "replay_decode", run_replay_decode, mix, NEVENTS, plain, false },
		{ "replay_text", run_replay_text, mix, NEVENTS, plain, false },
	};

	enum { NCASES = sizeof(cases) / sizeof(cases[0]) };
	static double ns[NCASES][MAX_RUNS], ratio[NCASES][MAX_RUNS];
	struct format_state st[NCASES];
	size_t bytes[NCASES];
	uint64_t warmup = iterations / 10 + 1;

	make_recording(&env, &cases[0], dir, iterations);
	for (size_t c = 0; c < NCASES; c++) {
		if (format_state_init(&st[c]))
			die("out of memory");
		/* One untimed warm-up run: page faults, caches, the CPU's clock, the recording in the page cache. */
		cases[c].run(&cases[c], &env, &st[c], warmup, &bytes[c]);
	}
	/* Runs alternate between the cases, so that a noisy moment hits them all alike. */
	for (uint64_t r = 0; r < runs; r++)
		for (size_t c = 0; c < NCASES; c++) {
			ns[c][r] = cases[c].run(&cases[c], &env, &st[c], iterations, &bytes[c]);
			ratio[c][r] = ns[c][r] / ns[0][r];
		}
	for (size_t c = 0; c < NCASES; c++) {
		format_state_free(&st[c]);
		qsort(ns[c], runs, sizeof(ns[c][0]), cmp_double);
		qsort(ratio[c], runs, sizeof(ratio[c][0]), cmp_double);
		printf("%s\t%.1f\t%.1f\t%.1f\t%llu\t%llu\t%zu\t%.3f\t%.3f\t%.3f\n", cases[c].name, ns[c][runs / 2],
		       ns[c][0], ns[c][runs - 1], (unsigned long long)runs, (unsigned long long)iterations, bytes[c],
		       ratio[c][runs / 2], ratio[c][0], ratio[c][runs - 1]);
	}
	fclose(env.devnull);
	return 0;
}
