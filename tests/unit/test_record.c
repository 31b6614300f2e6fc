// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for src/core/record.c: every record type round-trips, a replay
 * renders exactly as the live run did, the on-disk layout is the documented
 * one, and damaged files give the documented error or warning.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/format.h"
#include "core/kallsyms.h"
#include "core/record.h"
#include "tap.h"

static char dir[] = "/tmp/vista-record-XXXXXX";
static char path[256];
static char err[512];

static void diag_err(void)
{
	printf("#   error: %s\n", err);
}

static void fail_err(const char *what)
{
	ok(false, "%s", what);
	diag_err();
}

/* ---------------------------------------------------------------- what a live run would have */

static const char *live_hook_name(const void *ctx, uint32_t id)
{
	static const char *const names[] = { "net_dev_queue", "kfree_skb", "netif_receive_skb" };

	(void)ctx;
	if (id == 7)
		return "consume_skb"; /* not in the table written upfront: recorded when first used */
	return id < 3 ? names[id] : NULL;
}

static const char *live_drop_reason(const void *ctx, uint32_t reason)
{
	(void)ctx;
	if (reason == 6)
		return "SKB_DROP_REASON_NETFILTER_DROP";
	return reason == 2 ? "SKB_DROP_REASON_NOT_SPECIFIED" : NULL;
}

static const struct ksym live_syms[] = {
	{ 0xffffffff81000000ULL, "bpf_trace_run2", NULL },
	{ 0xffffffff81100000ULL, "__netif_receive_skb_core", NULL },
	{ 0xffffffff81100800ULL, "process_backlog", NULL },
	{ 0xffffffff81100900ULL, "never_on_a_stack", NULL },
	{ 0xffffffffa0000000ULL, "bpf_prog_6deef7357e7b4530_tp_skb_0", "bpf" },
	{ 0xffffffffc0100000ULL, "nft_do_chain", "nf_tables" },
};

static const uint64_t live_stack[] = {
	0xffffffffa0000010ULL, /* vista's program and the tracepoint glue: trimmed */
	0xffffffff81000020ULL,
	0xffffffff81100030ULL,
	0xffffffffc0100050ULL,
	0xffffffff81100840ULL,
	0x1234, /* below every symbol: shown as an address */
};
#define LIVE_NSTACK ((int)(sizeof(live_stack) / sizeof(live_stack[0])))

static struct vista_event drop_event(void)
{
	struct vista_event e;

	memset(&e, 0, sizeof(e)); /* padding included: events are compared whole */
	e.ts_ns = 5000123456789ULL;
	e.addr = 0xffff888104fa3300ULL;
	e.location = 0xffffffff81100123ULL;
	e.hook_id = 1;
	e.kind = VISTA_EV_SKB;
	e.pid = 27653;
	e.tid = 27654;
	e.cpu = 3;
	e.stack_id = 42;
	e.reason = 6;
	e.flags = VISTA_EVF_HAS_META | VISTA_EVF_HAS_TUPLE | VISTA_EVF_HAS_REASON | VISTA_EVF_SKB_FREED;
	memcpy(e.comm, "bash", 5);
	e.meta.netns = 4026532246u;
	e.meta.mark = 0xabcd;
	e.meta.ifindex = 2;
	e.meta.mtu = 1500;
	e.meta.len = 60;
	e.meta.protocol = 0x0800;
	e.meta.pkt_type = 0;
	memcpy(e.meta.ifname, "veth1", 6);
	e.tuple.l3 = 4;
	e.tuple.saddr[0] = 10, e.tuple.saddr[3] = 1;
	e.tuple.daddr[0] = 10, e.tuple.daddr[3] = 2;
	e.tuple.sport = 46580;
	e.tuple.dport = 81;
	e.tuple.l4_proto = 6;
	e.tuple.tcp_flags = 0x02;
	return e;
}

static struct vista_event plain_event(uint64_t ts, uint32_t hook)
{
	struct vista_event e;

	memset(&e, 0, sizeof(e));
	e.ts_ns = ts;
	e.addr = 0xffff888104fa3300ULL;
	e.hook_id = hook;
	e.kind = VISTA_EV_SKB;
	e.pid = 1234;
	e.cpu = 1;
	e.stack_id = -1;
	memcpy(e.comm, "ping", 5);
	return e;
}

static struct record_info test_info(void)
{
	struct record_info info;
	char *argv[] = { "vista", "--record", "x", "--output-tuple", NULL };

	record_info_init(&info, 4, argv);
	snprintf(info.backend, sizeof(info.backend), "tracepoint");
	info.options = RECORD_OPT_META | RECORD_OPT_TUPLE | RECORD_OPT_STACK;
	info.timestamp = TIMESTAMP_RELATIVE;
	/* A fixed moment in a fixed zone, to check absolute times exactly. */
	info.start_monotonic_ns = 5000000000000LL;
	info.start_realtime_ns = 1700000000000000000LL + info.start_monotonic_ns % 1000000000LL;
	info.utc_offset_s = 9 * 3600;
	return info;
}

/* ---------------------------------------------------------------- files */

static void set_path(const char *name)
{
	snprintf(path, sizeof(path), "%s/%s", dir, name);
}

/* Reads path whole; *len gets its size. */
static uint8_t *slurp(size_t *len)
{
	struct stat st;
	uint8_t *buf;
	FILE *f = fopen(path, "r");

	if (!f || fstat(fileno(f), &st)) {
		if (f)
			fclose(f);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	*len = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
	fclose(f);
	return buf;
}

static int spill(const char *name, const uint8_t *buf, size_t len)
{
	FILE *f;
	int rc;

	set_path(name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	rc = fwrite(buf, 1, len, f) == len ? 0 : -1;
	return fclose(f) ? -1 : rc;
}

static uint64_t le(const uint8_t *p, size_t size)
{
	uint64_t v = 0;

	for (size_t i = 0; i < size; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_le(uint8_t *p, size_t size, uint64_t v)
{
	for (size_t i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The check of a record header, as record.h documents it. */
static uint16_t doc_check(uint16_t type, uint32_t len)
{
	return (uint16_t)((((uint64_t)type << 32) | len) * 0x9e3779b97f4a7c15ULL >> 48);
}

/* Offset of the n-th record (0: INFO) of a file, or 0 when there are fewer. */
static size_t record_at(const uint8_t *buf, size_t len, int n)
{
	size_t at = 16;

	for (int i = 0; i < n; i++) {
		if (at + 8 > len)
			return 0;
		at += 8 + le(buf + at + 4, 4);
	}
	return at + 8 <= len ? at : 0;
}

/* Offset of the first record of this type, or 0. */
static size_t find_type(const uint8_t *buf, size_t len, uint16_t type)
{
	for (int i = 0;; i++) {
		size_t at = record_at(buf, len, i);

		if (!at || le(buf + at, 2) == type)
			return at;
	}
}

/* ---------------------------------------------------------------- writing a standard recording */

static struct kallsyms *live_ksyms;

static struct format_names live_names(void)
{
	struct format_names n = { live_hook_name, live_drop_reason, NULL, live_ksyms };

	return n;
}

/* The standard recording: hooks 0..2 upfront, a drop with a stack, two plain events, one on hook 7. */
static int write_standard(const char *name)
{
	struct record_info info = test_info();
	struct format_names names = live_names();
	struct record_writer *w;
	struct vista_event e = drop_event(), p1 = plain_event(5000123456000ULL, 0), p2 = plain_event(0, 7);
	int rc = 0;

	set_path(name);
	p2.ts_ns = e.ts_ns + 2500000;
	if (record_writer_open(path, &info, &w, err, sizeof(err)))
		return -1;
	rc |= record_write_hooks(w, &names, 3, err, sizeof(err));
	rc |= record_write_event(w, &p1, NULL, 0, &names, err, sizeof(err));
	rc |= record_write_event(w, &e, live_stack, LIVE_NSTACK, &names, err, sizeof(err));
	rc |= record_writer_flush(w, err, sizeof(err));
	rc |= record_write_event(w, &p2, NULL, 0, &names, err, sizeof(err));
	rc |= record_writer_close(w, 7, err, sizeof(err));
	return rc ? -1 : 0;
}

/* ---------------------------------------------------------------- tests */

static void test_round_trip(void)
{
	struct record_info want = test_info();
	struct vista_event e = drop_event(), p1 = plain_event(5000123456000ULL, 0);
	const struct record_info *info;
	struct replay_event ev;
	struct replay *r;
	struct stat st;
	uint64_t lost = 0;

	is_int(write_standard("std.vrec"), 0, "a recording is written");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "the file is private (0600)");
	if (!ok(replay_open(path, &r, err, sizeof(err)) == 0, "and opens for replay")) {
		diag_err();
		return;
	}
	info = replay_info(r);
	is_str(info->vista_version, PACKAGE_VERSION, "info: vista version");
	is_str(info->backend, "tracepoint", "info: backend");
	is_str(info->kernel_release, want.kernel_release, "info: kernel release");
	is_str(info->hostname, want.hostname, "info: host name");
	is_str(info->command_line, "vista --record x --output-tuple", "info: command line");
	ok(info->start_realtime_ns == want.start_realtime_ns && info->start_monotonic_ns == want.start_monotonic_ns,
	   "info: both clocks");
	is_int(info->utc_offset_s, 9 * 3600, "info: zone offset");
	is_int(info->options, RECORD_OPT_META | RECORD_OPT_TUPLE | RECORD_OPT_STACK, "info: output options");
	is_int(info->timestamp, TIMESTAMP_RELATIVE, "info: timestamp mode");
	ok(info->version_major == 1 && info->version_minor == 3, "info: format version 1.3");

	is_str(replay_hook_name(r, 0), "net_dev_queue", "hook 0 named");
	is_str(replay_hook_name(r, 2), "netif_receive_skb", "hook 2 named (written upfront, no event used it)");
	is_str(replay_hook_name(r, 7), "consume_skb", "hook 7 named (recorded when an event first used it)");
	ok(replay_hook_name(r, 3) == NULL, "hook 3 has no name");
	is_int(replay_hook_count(r), 8, "hook count is one more than the highest id");
	is_str(replay_drop_reason(r, 6), "SKB_DROP_REASON_NETFILTER_DROP", "drop reason 6 named");
	ok(replay_drop_reason(r, 2) == NULL, "reason 2 was never used: not recorded");
	is_int(kallsyms_count(replay_symbols(r)), 5, "the 5 symbols the stack hits are recorded, not the others");
	is_int(replay_event_count(r), 3, "3 events");
	ok(replay_lost(r, &lost) && lost == 7, "the end record's lost count: 7");
	ok(replay_warning(r) == NULL, "no warning for a complete file");

	is_int(replay_next(r, &ev, err, sizeof(err)), 1, "event 1");
	ok(memcmp(&ev.event, &p1, sizeof(p1)) == 0 && ev.nstack == 0, "  identical, no stack");
	is_int(replay_next(r, &ev, err, sizeof(err)), 1, "event 2");
	ok(memcmp(&ev.event, &e, sizeof(e)) == 0, "  identical, field by field");
	ok(ev.nstack == LIVE_NSTACK && memcmp(ev.stack, live_stack, sizeof(live_stack)) == 0, "  with its 6 frames");
	is_int(replay_next(r, &ev, err, sizeof(err)), 1, "event 3");
	is_int(ev.event.hook_id, 7, "  on hook 7");
	is_int(replay_next(r, &ev, err, sizeof(err)), 0, "then the end");
	is_int(replay_next(r, &ev, err, sizeof(err)), 0, "and it stays at the end");
	replay_close(r);
}

/* A replay renders exactly what the live run rendered: names, stacks, both kinds of time. */
static void test_same_rendering(void)
{
	struct format_names live = live_names(), rn;
	struct format_state lst, rst;
	struct format_opts o = { .meta = true, .tuple = true, .timestamp = TIMESTAMP_RELATIVE };
	struct record_info info = test_info();
	struct vista_event evs[3] = { plain_event(5000123456000ULL, 0), drop_event(), plain_event(0, 7) };
	struct replay_event ev;
	struct replay *r;
	char a[4096], b[4096];
	bool same = true;

	evs[2].ts_ns = evs[1].ts_ns + 2500000;
	if (!ok(replay_open(path, &r, err, sizeof(err)) == 0, "the recording reopens")) {
		diag_err();
		return;
	}
	format_state_init(&lst);
	format_state_init(&rst);
	replay_set_format(r, &rn, &rst);
	for (int i = 0; i < 3 && replay_next(r, &ev, err, sizeof(err)) == 1; i++) {
		format_event(a, sizeof(a), &evs[i], i == 1 ? live_stack : NULL, i == 1 ? LIVE_NSTACK : 0, &live, &o,
			     &lst);
		format_event(b, sizeof(b), &ev.event, ev.stack, ev.nstack, &rn, &o, &rst);
		if (strcmp(a, b)) {
			same = false;
			printf("# live:   %s# replay: %s", a, b);
		}
		if (i == 1)
			is_str(
			    b,
			    "0xffff888104fa3300      3    [bash(27653)] kfree_skb(SKB_DROP_REASON_NETFILTER_DROP)     "
			    "         789 netns=4026532246 mark=0xabcd iface=2(veth1) proto=0x0800 mtu=1500 len=60 "
			    "pkt_type=HOST 10.0.0.1:46580->10.0.0.2:81(tcp)\n"
			    "    __netif_receive_skb_core+0x30\n"
			    "    nft_do_chain+0x50 [nf_tables]\n"
			    "    process_backlog+0x40\n"
			    "    0x1234\n",
			    "the drop renders with its reason and its stack from the recorded symbols");
		if (i == 2)
			ok(strstr(b, " consume_skb ") != NULL, "a hook named on first use renders by name");
	}
	ok(same, "relative timestamps, names and stacks: the replayed lines are the live lines");
	replay_close(r);

	/* Absolute times: the recording's clock offset, in the recording's zone (UTC+9 here). */
	if (replay_open(path, &r, err, sizeof(err)) == 0 && replay_next(r, &ev, err, sizeof(err)) == 1) {
		o = (struct format_opts){ .timestamp = TIMESTAMP_ABSOLUTE };
		replay_set_format(r, &rn, &rst);
		format_event(b, sizeof(b), &ev.event, NULL, 0, &rn, &o, &rst);
		/* 1700000000 s is 2023-11-14 22:13:20 UTC; the event is 123.456 ms after the start. */
		is_str(b, "07:13:20.123 0xffff888104fa3300      1     [ping(1234)]            net_dev_queue\n",
		       "absolute time: the recorded wall clock in the recorded zone");
		lst.realtime_offset_ns = record_info_clock_offset(&info);
		ok(lst.realtime_offset_ns == rst.realtime_offset_ns, "the live state takes the same clock offset");
	} else {
		fail_err("absolute time");
	}
	replay_close(r);
	format_state_free(&lst);
	format_state_free(&rst);
}

/* The bytes on disk are the ones record.h documents. */
static void test_layout(void)
{
	struct vista_event e = drop_event();
	size_t len = 0, at;
	uint8_t *buf;

	set_path("std.vrec");
	buf = slurp(&len);
	if (!ok(buf && len > 16, "the standard recording reads back")) {
		free(buf);
		return;
	}
	ok(memcmp(buf, "VISTAREC", 8) == 0, "magic VISTAREC");
	ok(le(buf + 8, 2) == 1 && le(buf + 10, 2) == 3 && le(buf + 12, 4) == 0, "version 1.3, reserved 0");
	is_int(le(buf + 16, 2), RECORD_INFO, "INFO is the first record");
	ok(le(buf + 18, 2) == doc_check(RECORD_INFO, (uint32_t)le(buf + 20, 4)), "its check is the documented hash");
	ok(le(buf + 24 + 16, 4) == 9 * 3600 && le(buf + 24 + 20, 4) == 7 && buf[24 + 24] == 1,
	   "INFO: zone at 16, options at 20, timestamp at 24");
	ok(le(buf + 24 + 28, 2) == strlen(PACKAGE_VERSION) && memcmp(buf + 24 + 30, PACKAGE_VERSION, 5) == 0,
	   "INFO: the version string at 28");

	at = find_type(buf, len, RECORD_SYMBOLS);
	ok(at && at < find_type(buf, len, RECORD_EVENT) + 500, "a SYMBOLS record");
	/* The second event is the drop: it comes after its reason and symbols. */
	at = record_at(buf, len, 1);
	while (at && (le(buf + at, 2) != RECORD_EVENT || le(buf + at + 8 + 4 + 24, 4) != 1))
		at = at + 8 + le(buf + at + 4, 4) < len ? at + 8 + le(buf + at + 4, 4) : 0;
	if (ok(at != 0, "the drop's EVENT record")) {
		const uint8_t *p = buf + at + 8;

		is_int(le(buf + at + 4, 4), 4 + 156 + 6 * 8, "  length: 4 + 156 + 6 frames of 8");
		ok(le(p, 2) == 156 && le(p + 2, 2) == 6, "  u16 156, u16 6");
		p += 4;
		ok(le(p, 8) == e.ts_ns && le(p + 8, 8) == e.addr && le(p + 16, 8) == e.location,
		   "  ts_ns, addr, location at 0, 8, 16");
		ok(le(p + 24, 4) == 1 && le(p + 32, 4) == 27653 && le(p + 44, 4) == 42 && le(p + 48, 4) == 6,
		   "  hook_id at 24, pid at 32, stack_id at 44, reason at 48");
		ok(memcmp(p + 56, "bash", 5) == 0 && le(p + 72, 4) == 4026532246u && le(p + 92, 2) == 0x0800 &&
		       memcmp(p + 96, "veth1", 6) == 0,
		   "  comm at 56, meta.netns at 72, meta.protocol at 92, meta.ifname at 96");
		ok(p[112] == 10 && p[115] == 1 && p[128] == 10 && le(p + 144, 2) == 46580 && le(p + 146, 2) == 81 &&
		       p[148] == 4 && p[149] == 6 && p[150] == 2,
		   "  tuple: saddr at 112, daddr at 128, ports at 144, l3/l4/flags at 148");
		ok(le(p + 156, 8) == live_stack[0] && le(p + 156 + 5 * 8, 8) == 0x1234, "  then the frames");
	}
	at = find_type(buf, len, RECORD_END);
	ok(at && at + 8 + 16 == len && le(buf + at + 8, 8) == 3 && le(buf + at + 16, 8) == 7,
	   "END last: 3 events, 7 lost, no other kind");
	free(buf);
}

/* Builds a record with a correct header. */
static size_t make_record(uint8_t *out, uint16_t type, const void *payload, uint32_t len)
{
	put_le(out, 2, type);
	put_le(out + 2, 2, doc_check(type, len));
	put_le(out + 4, 4, len);
	memcpy(out + 8, payload, len);
	return 8 + len;
}

/* A copy of the standard recording with extra bytes inserted before its n-th record. */
static int insert_before(const char *name, int n, const uint8_t *extra, size_t elen, uint64_t end_events)
{
	size_t len = 0, at;
	uint8_t *buf, *out;
	int rc = -1;

	set_path("std.vrec");
	buf = slurp(&len);
	at = buf ? record_at(buf, len, n) : 0;
	out = at ? malloc(len + elen) : NULL;
	if (out) {
		memcpy(out, buf, at);
		memcpy(out + at, extra, elen);
		memcpy(out + at + elen, buf + at, len - at);
		/* An inserted event must be counted by the END record, or the file is corrupted. */
		put_le(out + find_type(out, len + elen, RECORD_END) + 8, 8, end_events);
		rc = spill(name, out, len + elen);
	}
	free(out);
	free(buf);
	return rc;
}

/* Opens path and counts the events it replays; -1 when it does not open. */
static int count_events(struct replay **out)
{
	struct replay_event ev;
	struct replay *r;
	int n = 0, rc;

	if (replay_open(path, &r, err, sizeof(err)))
		return -1;
	while ((rc = replay_next(r, &ev, err, sizeof(err))) == 1)
		n++;
	if (out)
		*out = r;
	else
		replay_close(r);
	return rc < 0 ? -2 : n;
}

static void test_unknown_type(void)
{
	uint8_t rec[64], payload[20] = "netfilter verdicts!";
	size_t n = make_record(rec, 77, payload, sizeof(payload));
	struct replay *r = NULL;

	ok(insert_before("unknown.vrec", 2, rec, n, 3) == 0, "a recording with a record of unknown type 77 inside");
	is_int(count_events(&r), 3, "  replays all 3 events, skipping the unknown record");
	if (r) {
		ok(replay_warning(r) == NULL, "  without a warning");
		is_str(replay_hook_name(r, 7), "consume_skb", "  and the records after it are read");
		replay_close(r);
	}
	/* A newer minor version may add fields to a known record: they are ignored. */
	{
		uint8_t ev[8 + 4 + 200 + 40 * 8];
		uint8_t body[4 + 200 + 40 * 8] = { 0 };
		struct replay_event got;

		put_le(body, 2, 200); /* a longer event than 1.0's 156 bytes */
		put_le(body + 2, 2, 40);
		put_le(body + 4, 8, 777); /* ts_ns */
		memcpy(body + 4 + 56, "future", 7);
		for (int i = 0; i < 40; i++)
			put_le(body + 4 + 200 + 8 * i, 8, 0xffffffff81000000ULL + (uint64_t)i);
		n = make_record(ev, RECORD_EVENT, body, sizeof(body));
		ok(insert_before("longer.vrec", 2, ev, n, 4) == 0, "an event of 200 bytes with 40 frames");
		if (replay_open(path, &r, err, sizeof(err)) == 0) {
			ok(replay_next(r, &got, err, sizeof(err)) == 1 && got.event.ts_ns == 777 &&
			       strcmp(got.event.comm, "future") == 0,
			   "  reads its known fields");
			ok(got.nstack == VISTA_MAX_STACK_DEPTH && got.stack[31] == 0xffffffff81000000ULL + 31,
			   "  keeps the innermost 32 frames");
			is_int(replay_event_count(r), 4, "  counts as an event");
			replay_close(r);
		} else {
			fail_err("  opens");
		}
		/* An older, shorter event: the missing fields read as 0. */
		put_le(body, 2, 60);
		put_le(body + 2, 2, 0);
		n = make_record(ev, RECORD_EVENT, body, 4 + 60);
		ok(insert_before("shorter.vrec", 2, ev, n, 4) == 0, "an event of 60 bytes");
		if (replay_open(path, &r, err, sizeof(err)) == 0) {
			ok(replay_next(r, &got, err, sizeof(err)) == 1 && got.event.ts_ns == 777 &&
			       strcmp(got.event.comm, "") == 0 && got.event.meta.netns == 0 && got.nstack == 0,
			   "  reads what it has, zeros for the rest");
			replay_close(r);
		} else {
			fail_err("  opens");
		}
	}
}

/* The standard recording cut to len bytes (or its length minus -len when negative). */
static int cut(const char *name, long keep)
{
	size_t len = 0;
	uint8_t *buf;
	int rc = -1;

	set_path("std.vrec");
	buf = slurp(&len);
	if (buf)
		rc = spill(name, buf, keep < 0 ? len - (size_t)-keep : (size_t)keep);
	free(buf);
	return rc;
}

static void test_truncated(void)
{
	struct replay *r = NULL;
	size_t len = 0, end_at, last_ev;
	uint8_t *buf;
	char want[512];

	set_path("std.vrec");
	buf = slurp(&len);
	end_at = buf ? find_type(buf, len, RECORD_END) : 0;
	last_ev = end_at ? end_at - (8 + 4 + 156) : 0;
	free(buf);
	if (!ok(end_at && last_ev, "the standard recording has an END after a frameless event"))
		return;

	/* vista killed in the middle of writing its last event. */
	cut("cut.vrec", (long)last_ev + 50);
	is_int(count_events(&r), 2, "a file cut inside its last event replays the 2 events before it");
	snprintf(want, sizeof(want), "%s was cut short: its last record, at byte %zu, is incomplete and was ignored",
		 path, last_ev);
	if (r) {
		is_str(replay_warning(r), want, "  with a warning");
		replay_close(r);
	}
	cut("cut-header.vrec", (long)last_ev + 5);
	is_int(count_events(&r), 2, "cut inside a record header: the same");
	if (r) {
		ok(replay_warning(r) && strstr(replay_warning(r), "is incomplete"), "  warned");
		replay_close(r);
	}
	/* Killed between records: everything is there but the END record. */
	cut("no-end.vrec", (long)end_at);
	is_int(count_events(&r), 3, "a file without its END record replays all 3 events");
	snprintf(want, sizeof(want), "%s was cut short: it has no end record", path);
	if (r) {
		uint64_t lost;

		is_str(replay_warning(r), want, "  with a warning");
		ok(!replay_lost(r, &lost), "  and no lost count");
		replay_close(r);
	}
	cut("no-info.vrec", 30);
	is_int(count_events(NULL), -1, "a file cut inside its INFO record does not open");
	snprintf(want, sizeof(want), "%s is cut short: it ends at byte 30, inside its information record", path);
	is_str(err, want, "  message");
}

/* The tables are read at open and the events afterwards: a file cut in between is an error, not an end. */
static void test_changed_underneath(void)
{
	struct replay_event ev;
	struct replay *r;
	char want[512];
	size_t len = 0;
	uint8_t *buf;
	int rc, n = 0;

	set_path("large.vrec");
	buf = slurp(&len);
	rc = buf ? spill("shrinks.vrec", buf, len) : -1;
	free(buf);
	if (!ok(rc == 0 && replay_open(path, &r, err, sizeof(err)) == 0, "a large recording opens")) {
		diag_err();
		return;
	}
	ok(truncate(path, (off_t)len / 2) == 0, "then shrinks to half its size");
	while ((rc = replay_next(r, &ev, err, sizeof(err))) == 1)
		n++;
	ok(rc == -1 && n < 20000, "reading its events fails after %d of 20000", n);
	snprintf(want, sizeof(want), "cannot read the recording %s: it changed while being read", path);
	is_str(err, want, "  message");
	replay_close(r);
}

static void test_bad_files(void)
{
	uint8_t buf[64];
	char want[512];
	struct replay *r;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, "PK\003\004 this is a zip file", 24);
	spill("garbage.vrec", buf, sizeof(buf));
	is_int(count_events(NULL), -1, "a file without the magic does not open");
	snprintf(want, sizeof(want), "%s is not a vista recording (it does not start with \"VISTAREC\")", path);
	is_str(err, want, "  message");
	spill("empty.vrec", buf, 0);
	is_int(count_events(NULL), -1, "an empty file does not open");
	snprintf(want, sizeof(want), "%s is not a vista recording (it does not start with \"VISTAREC\")", path);
	is_str(err, want, "  message");

	memcpy(buf, "VISTAREC", 8);
	put_le(buf + 8, 2, 2);
	put_le(buf + 10, 2, 3);
	spill("v2.vrec", buf, 16);
	is_int(count_events(NULL), -1, "a version 2 file does not open");
	snprintf(want, sizeof(want), "%s is a version 2.3 recording; this vista reads version 1 only", path);
	is_str(err, want, "  message");

	put_le(buf + 8, 2, 1);
	make_record(buf + 16, RECORD_HOOKS, "", 0);
	spill("hooks-first.vrec", buf, 24);
	is_int(count_events(NULL), -1, "a file that does not start with INFO does not open");
	snprintf(want, sizeof(want), "%s is corrupted: it does not start with its information record", path);
	is_str(err, want, "  message");

	snprintf(want, sizeof(want), "%s/missing.vrec", dir);
	ok(replay_open(want, &r, err, sizeof(err)) == -1, "a missing file does not open");
	snprintf(want, sizeof(want), "cannot read the recording %s/missing.vrec: No such file or directory", dir);
	is_str(err, want, "  message");
	ok(replay_open(dir, &r, err, sizeof(err)) == -1, "a directory does not open");
	snprintf(want, sizeof(want), "cannot read the recording %s: it is a directory", dir);
	is_str(err, want, "  message");
	ok(replay_open("/dev/null", &r, err, sizeof(err)) == -1, "a device does not open");
	is_str(err, "cannot read the recording /dev/null: not a regular file", "  message");
}

/* A copy of the standard recording with its n-th record's header or payload changed. */
static int damage(const char *name, int n, size_t off, size_t size, uint64_t v, size_t *at_out)
{
	size_t len = 0, at;
	uint8_t *buf;
	int rc = -1;

	set_path("std.vrec");
	buf = slurp(&len);
	at = buf ? record_at(buf, len, n) : 0;
	if (at) {
		put_le(buf + at + off, size, v);
		rc = spill(name, buf, len);
		*at_out = at;
	}
	free(buf);
	return rc;
}

static void test_corrupted(void)
{
	char want[512];
	size_t at = 0;
	uint8_t rec[64], body[8] = { 1, 2, 3 };
	size_t n;

	/* Record 2 is the first event (after INFO and HOOKS). */
	damage("len.vrec", 2, 4, 4, 4 + 156 + 8, &at);
	is_int(count_events(NULL), -1, "a changed event length does not open");
	snprintf(want, sizeof(want), "%s is corrupted: bad record length at byte %zu", path, at);
	is_str(err, want, "  message names the byte");
	damage("huge.vrec", 2, 4, 4, 0x7fffffff, &at);
	is_int(count_events(NULL), -1, "a huge length does not open");
	snprintf(want, sizeof(want), "%s is corrupted: bad record length at byte %zu", path, at);
	is_str(err, want, "  message");
	damage("type.vrec", 2, 0, 2, RECORD_SYMBOLS, &at);
	is_int(count_events(NULL), -1, "a changed type is detected too");
	snprintf(want, sizeof(want), "%s is corrupted: bad record length at byte %zu", path, at);
	is_str(err, want, "  message");

	/* A length over the maximum, even with a matching check. */
	damage("toolong.vrec", 2, 4, 4, RECORD_MAX_PAYLOAD + 1, &at);
	set_path("toolong.vrec");
	{
		size_t len = 0;
		uint8_t *buf = slurp(&len);

		if (buf) {
			put_le(buf + at + 2, 2, doc_check(RECORD_EVENT, RECORD_MAX_PAYLOAD + 1));
			spill("toolong.vrec", buf, len);
		}
		free(buf);
	}
	is_int(count_events(NULL), -1, "a length over RECORD_MAX_PAYLOAD does not open");
	snprintf(want, sizeof(want), "%s is corrupted: bad record length at byte %zu", path, at);
	is_str(err, want, "  message");

	/* Well-framed records whose content does not parse. */
	damage("evsize.vrec", 2, 8, 2, 150, &at);
	is_int(count_events(NULL), -1, "an event whose sizes disagree with its length does not open");
	snprintf(want, sizeof(want), "%s is corrupted: malformed event record at byte %zu", path, at);
	is_str(err, want, "  message");
	damage("hookname.vrec", 1, 8 + 4, 2, 5000, &at);
	is_int(count_events(NULL), -1, "a hook name running past its record does not open");
	snprintf(want, sizeof(want), "%s is corrupted: malformed hook record at byte %zu", path, at);
	is_str(err, want, "  message");
	{
		size_t len = 0, end;
		uint8_t *buf;

		set_path("std.vrec");
		buf = slurp(&len);
		end = buf ? find_type(buf, len, RECORD_END) : 0;
		if (end) {
			put_le(buf + end + 8, 8, 2);
			spill("endcount.vrec", buf, len);
		}
		free(buf);
		is_int(count_events(NULL), -1, "an END record counting 2 events where there are 3 does not open");
		snprintf(want, sizeof(want), "%s is corrupted: malformed end record at byte %zu", path, end);
		is_str(err, want, "  message");
	}
	n = make_record(rec, RECORD_INFO, body, sizeof(body));
	insert_before("info2.vrec", 2, rec, n, 3);
	is_int(count_events(NULL), -1, "a second INFO record does not open");
	ok(strstr(err, "malformed information record") != NULL, "  message: %s", err);
	{
		uint8_t name[4 + 2 + 5] = { 9, 0, 0, 0, 5, 0, 'a', 0x1b, '[', '2', 'J' };

		n = make_record(rec, RECORD_DROP_REASONS, name, sizeof(name));
		insert_before("escape.vrec", 2, rec, n, 3);
		is_int(count_events(NULL), -1, "a name with an escape character does not open");
		ok(strstr(err, "malformed drop reason record") != NULL, "  message: %s", err);
	}
}

/* Hook, reason and symbol names with control characters are recorded with '?' instead. */
static const char *odd_hook(const void *ctx, uint32_t id)
{
	(void)ctx;
	return id == 0 ? "evil\033[2Jhook" : NULL;
}

static void test_sanitized_names(void)
{
	struct record_info info = test_info();
	struct format_names names = { odd_hook, NULL, NULL, NULL };
	struct record_writer *w;
	struct replay *r;
	char *argv[] = { "vista", "--filter-skb-func", "a\nb", NULL };

	set_path("odd.vrec");
	record_info_init(&info, 3, argv);
	ok(record_writer_open(path, &info, &w, err, sizeof(err)) == 0 &&
	       record_write_hooks(w, &names, 1, err, 512) == 0 && record_writer_close(w, 0, err, sizeof(err)) == 0,
	   "a hook name with an escape sequence is written");
	if (replay_open(path, &r, err, sizeof(err)) == 0) {
		is_str(replay_hook_name(r, 0), "evil?[2Jhook", "  as text without control characters");
		is_str(replay_info(r)->command_line, "vista --filter-skb-func a?b", "  the command line too");
		replay_close(r);
	} else {
		fail_err("  reopens");
	}
}

/* A full stack of symbols with absurdly long names: one record, names cut to the kernel's 512 bytes. */
static void test_long_symbols(void)
{
	static char names[VISTA_MAX_STACK_DEPTH][700];
	struct ksym syms[VISTA_MAX_STACK_DEPTH];
	uint64_t stack[VISTA_MAX_STACK_DEPTH];
	struct record_info info = test_info();
	struct vista_event e = plain_event(1, 0);
	struct kallsyms *ks;
	struct format_names fn = { NULL, NULL, NULL, NULL };
	struct record_writer *w;
	struct replay_event ev;
	struct replay *r;
	const struct ksym *got;

	for (int i = 0; i < VISTA_MAX_STACK_DEPTH; i++) {
		memset(names[i], 'a' + i % 26, 699);
		names[i][699] = '\0';
		syms[i] = (struct ksym){ 0xffffffff81000000ULL + 0x1000 * (uint64_t)i, names[i], names[i] };
		stack[i] = syms[i].addr + 8;
	}
	ks = kallsyms_from_symbols(syms, VISTA_MAX_STACK_DEPTH);
	fn.ksyms = ks;
	set_path("longsyms.vrec");
	ok(fn.ksyms && record_writer_open(path, &info, &w, err, sizeof(err)) == 0 &&
	       record_write_event(w, &e, stack, VISTA_MAX_STACK_DEPTH, &fn, err, sizeof(err)) == 0 &&
	       record_writer_close(w, 0, err, sizeof(err)) == 0,
	   "32 frames on 32 symbols with 699-byte names are recorded");
	if (replay_open(path, &r, err, sizeof(err)) == 0 && replay_next(r, &ev, err, sizeof(err)) == 1) {
		got = kallsyms_lookup(replay_symbols(r), stack[31], NULL);
		ok(got && strlen(got->name) == 512 && strlen(got->module) == 512 && got->name[0] == 'a' + 31 % 26,
		   "  their names come back cut to 512 bytes");
		is_int(kallsyms_count(replay_symbols(r)), VISTA_MAX_STACK_DEPTH, "  all 32 of them");
		replay_close(r);
	} else {
		fail_err("  replays");
	}
	kallsyms_free(ks);
}

/* Many events and a hook table larger than one record: buffer flushes and table chunks. */
static const char *long_hook(const void *ctx, uint32_t id)
{
	static char name[80];

	(void)ctx;
	snprintf(name, sizeof(name), "hook_with_a_rather_long_name_to_fill_the_table_quickly_%u", id);
	return name;
}

static void test_large(void)
{
	struct record_info info = test_info();
	struct format_names names = { long_hook, NULL, NULL, NULL };
	struct record_writer *w;
	struct replay_event ev;
	struct replay *r;
	bool in_order = true;
	uint64_t i = 0;
	int rc;

	set_path("large.vrec");
	if (!ok(record_writer_open(path, &info, &w, err, sizeof(err)) == 0, "a large recording opens")) {
		diag_err();
		return;
	}
	rc = record_write_hooks(w, &names, VISTA_MAX_HOOKS, err, sizeof(err));
	for (i = 0; i < 20000 && !rc; i++) {
		struct vista_event e = plain_event(i, (uint32_t)(i % VISTA_MAX_HOOKS));

		rc = record_write_event(w, &e, live_stack, (int)(i % 7), &names, err, sizeof(err));
	}
	rc |= record_writer_close(w, 0, err, sizeof(err));
	is_int(rc, 0, "4096 long hook names and 20000 events written");
	if (replay_open(path, &r, err, sizeof(err)) == 0) {
		is_int(replay_hook_count(r), VISTA_MAX_HOOKS, "  all 4096 hooks named");
		is_str(replay_hook_name(r, 4095), "hook_with_a_rather_long_name_to_fill_the_table_quickly_4095",
		       "  the last one too");
		for (i = 0; (rc = replay_next(r, &ev, err, sizeof(err))) == 1; i++)
			if (ev.event.ts_ns != i || ev.nstack != (int)(i % 7))
				in_order = false;
		ok(rc == 0 && i == 20000 && in_order, "  20000 events back, in order, with their stacks");
		replay_close(r);
	} else {
		fail_err("  reopens");
	}
}

static void test_write_errors(void)
{
	struct record_info info = test_info();
	struct format_names names = live_names();
	struct record_writer *w;
	char want[512];
	int rc = 0;

	ok(record_writer_open(dir, &info, &w, err, sizeof(err)) == -1, "a directory is refused");
	snprintf(want, sizeof(want), "cannot write the recording to %s: it is a directory", dir);
	is_str(err, want, "  message");
	snprintf(want, sizeof(want), "%s/no/such/dir.vrec", dir);
	ok(record_writer_open(want, &info, &w, err, sizeof(err)) == -1, "a missing directory is refused");
	ok(strstr(err, ": No such file or directory") != NULL, "  message: %s", err);

	set_path("link.vrec");
	snprintf(want, sizeof(want), "%s/target.vrec", dir);
	ok(symlink(want, path) == 0 && record_writer_open(path, &info, &w, err, sizeof(err)) == -1,
	   "a symbolic link is not followed");
	ok(access(want, F_OK) != 0, "  nothing was created through it");

	/* A full disk: the error shows at the first write, and then at every call. */
	if (!ok(record_writer_open("/dev/full", &info, &w, err, sizeof(err)) == 0, "/dev/full opens")) {
		diag_err();
		return;
	}
	for (int i = 0; i < 3000 && !rc; i++) {
		struct vista_event e = drop_event();

		rc = record_write_event(w, &e, live_stack, LIVE_NSTACK, &names, err, sizeof(err));
	}
	ok(rc == -1, "writing events fails once the buffer reaches the disk");
	is_str(err, "cannot write the recording to /dev/full: No space left on device", "  message");
	err[0] = '\0';
	ok(record_writer_flush(w, err, sizeof(err)) == -1 &&
	       strcmp(err, "cannot write the recording to /dev/full: No space left on device") == 0,
	   "  flush repeats it");
	err[0] = '\0';
	ok(record_writer_close(w, 0, err, sizeof(err)) == -1 &&
	       strcmp(err, "cannot write the recording to /dev/full: No space left on device") == 0,
	   "  close repeats it");
	ok(record_writer_open("/dev/full", &info, &w, err, sizeof(err)) == 0, "/dev/full again");
	ok(record_writer_flush(w, err, sizeof(err)) == -1 &&
	       strcmp(err, "cannot write the recording to /dev/full: No space left on device") == 0,
	   "  an explicit flush of the header alone fails");
	record_writer_close(w, 0, err, sizeof(err));
}

/* ---------------------------------------------------------------- TCP and socket events */

/* An event and its kind's struct, contiguous as in the ring buffer. */
struct tcp_record {
	struct vista_event e;
	struct vista_tcp t;
};

struct sk_record {
	struct vista_event e;
	struct vista_sk s;
};

_Static_assert(offsetof(struct tcp_record, t) == sizeof(struct vista_event), "contiguous");
_Static_assert(offsetof(struct sk_record, s) == sizeof(struct vista_event), "contiguous");

static struct tcp_record tcp_close(void)
{
	struct tcp_record r;

	memset(&r, 0, sizeof(r));
	r.e.ts_ns = 5000200000000ULL;
	r.e.addr = 0xffff8c1f06684600ULL;
	r.e.kind = VISTA_EV_TCP;
	r.e.pid = 2000;
	r.e.tid = 2000;
	r.e.cpu = 2;
	r.e.stack_id = -1;
	r.e.flags = VISTA_EVF_HAS_META | VISTA_EVF_HAS_TUPLE;
	memcpy(r.e.comm, "gdbus", 6);
	r.e.meta.netns = 4026531840u;
	r.e.tuple.l3 = 4;
	r.e.tuple.l4_proto = 6;
	memcpy(r.e.tuple.saddr, "\xc0\xa8\xf1\x85", 4);
	memcpy(r.e.tuple.daddr, "\xc0\xa8\xf1\x01", 4);
	r.e.tuple.sport = 22;
	r.e.tuple.dport = 63174;
	r.t.rx_bytes = 5454;
	r.t.tx_bytes = 5885;
	r.t.lifetime_ns = 939570803;
	r.t.srtt_us = 240;
	r.t.retrans = 3;
	r.t.sk_mark = 0x2a;
	r.t.family = 2;
	r.t.what = VISTA_TCP_CLOSE;
	r.t.state = 9; /* LAST_ACK */
	r.t.reset = VISTA_TCP_RST_RECV;
	r.t.flags = VISTA_TCP_PARTIAL;
	memcpy(r.t.cong, "cubic", 6);
	return r;
}

static struct sk_record sk_send(void)
{
	struct sk_record r;

	memset(&r, 0, sizeof(r));
	r.e.ts_ns = 5000300000000ULL;
	r.e.addr = 0xffff8c1f06683200ULL;
	r.e.kind = VISTA_EV_SK;
	r.e.pid = 1407;
	r.e.tid = 1408;
	r.e.stack_id = -1;
	r.e.flags = VISTA_EVF_HAS_META;
	memcpy(r.e.comm, "sockpeer", 9);
	r.s.a = -11;
	r.s.b = 0x40;
	r.s.inode = 15100;
	r.s.bound_ifindex = 3;
	r.s.backlog = 7;
	r.s.rcvbuf = 614849;
	r.s.sndbuf = 87040;
	r.s.priority = 6;
	r.s.mark = 0x10;
	r.s.socket_flags = 32;
	r.s.family = 1;
	r.s.protocol = 0;
	r.s.type = 5;
	r.s.what = VISTA_SK_SEND;
	r.s.state = 1;
	r.s.socket_state = 3;
	r.s.reuseport = 1;
	r.s.has_socket = 1;
	return r;
}

/* A TCP close, an skb event, a socket event and a TCP reset, then 4 lost. */
static int write_kinds(const char *name)
{
	struct record_info info = test_info();
	struct format_names names = live_names();
	struct tcp_record c = tcp_close(), rst = tcp_close();
	struct sk_record sk = sk_send();
	struct vista_event p = plain_event(5000250000000ULL, 1);
	struct record_writer *w;
	int rc = 0;

	rst.t.what = VISTA_TCP_RESET_SENT;
	rst.e.ts_ns += 1000;
	set_path(name);
	if (record_writer_open(path, &info, &w, err, sizeof(err)))
		return -1;
	rc |= record_write_event(w, &c.e, NULL, 0, &names, err, sizeof(err));
	rc |= record_write_event(w, &p, NULL, 0, &names, err, sizeof(err));
	rc |= record_write_event(w, &sk.e, NULL, 0, &names, err, sizeof(err));
	rc |= record_write_event(w, &rst.e, NULL, 0, &names, err, sizeof(err));
	rc |= record_writer_close(w, 4, err, sizeof(err));
	return rc ? -1 : 0;
}

static void test_kinds_round_trip(void)
{
	struct tcp_record c = tcp_close(), rst = tcp_close();
	struct sk_record sk = sk_send();
	struct replay_event ev;
	struct replay *r;
	uint64_t lost = 0;

	rst.t.what = VISTA_TCP_RESET_SENT;
	rst.e.ts_ns += 1000;
	is_int(write_kinds("kinds.vrec"), 0, "a recording of TCP, skb and socket events is written");
	if (!ok(replay_open(path, &r, err, sizeof(err)) == 0, "and opens")) {
		diag_err();
		return;
	}
	is_int(replay_event_count(r), 4, "4 events of 3 kinds");
	ok(replay_lost(r, &lost) && lost == 4, "4 lost");
	is_int(replay_next(r, &ev, err, sizeof(err)), 1, "event 1");
	ok(memcmp(&ev.event, &c.e, sizeof(c.e)) == 0 && memcmp(&ev.body.tcp, &c.t, sizeof(c.t)) == 0 && ev.nstack == 0,
	   "  the TCP close, its struct vista_tcp identical");
	ok(memcmp((const struct vista_tcp *)(&ev.event + 1), &c.t, sizeof(c.t)) == 0,
	   "  which follows the event in memory, as in the ring buffer");
	is_int(replay_next(r, &ev, err, sizeof(err)), 1, "event 2");
	ok(ev.event.kind == VISTA_EV_SKB && ev.event.hook_id == 1 && ev.body.tcp.rx_bytes == 0,
	   "  the skb event, with no struct after it");
	is_int(replay_next(r, &ev, err, sizeof(err)), 1, "event 3");
	ok(memcmp(&ev.event, &sk.e, sizeof(sk.e)) == 0 && memcmp(&ev.body.sk, &sk.s, sizeof(sk.s)) == 0,
	   "  the socket event, its struct vista_sk identical (negative a included)");
	is_int(replay_next(r, &ev, err, sizeof(err)), 1, "event 4");
	ok(memcmp(&ev.event, &rst.e, sizeof(rst.e)) == 0 && memcmp(&ev.body.tcp, &rst.t, sizeof(rst.t)) == 0,
	   "  the TCP reset");
	is_int(replay_next(r, &ev, err, sizeof(err)), 0, "then the end");
	replay_close(r);
}

/* RECORD_KIND_EVENT and END's kind counts are laid out as record.h says. */
static void test_kinds_layout(void)
{
	struct tcp_record c = tcp_close();
	size_t len = 0, at;
	uint8_t *buf;

	set_path("kinds.vrec");
	buf = slurp(&len);
	at = buf ? find_type(buf, len, RECORD_KIND_EVENT) : 0;
	if (ok(at != 0, "a KIND_EVENT record")) {
		const uint8_t *p = buf + at + 8, *t = p + 4 + 156;

		is_int(le(buf + at + 4, 4), 4 + 156 + 64, "  length: 4 + 156 + 64");
		ok(le(p, 2) == 156 && le(p + 2, 2) == 64, "  u16 156, u16 64");
		ok(le(p + 4, 8) == c.e.ts_ns && le(p + 4 + 28, 4) == VISTA_EV_TCP &&
		       memcmp(p + 4 + 56, "gdbus", 6) == 0,
		   "  the event as in EVENT records: ts_ns at 0, kind at 28, comm at 56");
		ok(le(t, 8) == 5454 && le(t + 8, 8) == 5885 && le(t + 16, 8) == 939570803,
		   "  vista_tcp: rx_bytes, tx_bytes, lifetime_ns at 0, 8, 16");
		ok(le(t + 24, 4) == 240 && le(t + 28, 4) == 3 && le(t + 32, 4) == 0x2a,
		   "  srtt_us, retrans, sk_mark at 24, 28, 32");
		ok(le(t + 36, 2) == 2 && t[38] == VISTA_TCP_CLOSE && t[39] == 9 && t[40] == VISTA_TCP_RST_RECV &&
		       t[41] == VISTA_TCP_PARTIAL && memcmp(t + 48, "cubic", 6) == 0,
		   "  family at 36, what, state, reset, flags at 38..41, cong at 48");
	}
	at = buf ? find_type(buf, len, RECORD_END) : 0;
	if (ok(at && at + 8 + 16 + 24 == len, "END last, with two kind counts")) {
		const uint8_t *p = buf + at + 8;

		ok(le(p, 8) == 1 && le(p + 8, 8) == 4, "  1 EVENT record, 4 lost");
		ok(le(p + 16, 4) == VISTA_EV_TCP && le(p + 20, 8) == 2 && le(p + 28, 4) == VISTA_EV_SK &&
		       le(p + 32, 8) == 1,
		   "  then u32 kind, u64 records: 2 TCP, 1 socket");
	}
	free(buf);
}

/* Recordings of 1.0 still open, and 1.0 readers can read 1.1 files (they skip type 7, END counts EVENTs only). */
static void test_kinds_compatibility(void)
{
	size_t len = 0;
	uint8_t *buf;
	struct replay *r = NULL;

	set_path("std.vrec");
	buf = slurp(&len);
	if (buf) {
		put_le(buf + 10, 2, 0);
		spill("v10.vrec", buf, len);
	}
	free(buf);
	is_int(count_events(&r), 3, "a version 1.0 recording (no kind counts in END) replays its 3 events");
	if (r) {
		ok(replay_info(r)->version_minor == 0 && replay_warning(r) == NULL, "  as 1.0, without a warning");
		replay_close(r);
	}
	/* A kind a later vista records: skipped, and not counted. */
	{
		uint8_t rec[8 + 4 + 156 + 8], payload[4 + 156 + 8] = { 0 };
		size_t n;

		put_le(payload, 2, 156);
		put_le(payload + 2, 2, 8);
		put_le(payload + 4 + 28, 4, 99);
		n = make_record(rec, RECORD_KIND_EVENT, payload, sizeof(payload));
		ok(insert_before("kind99.vrec", 2, rec, n, 3) == 0, "a recording with an event of unknown kind 99");
		is_int(count_events(&r), 3, "  replays the 3 events it knows");
		if (r) {
			is_int(replay_event_count(r), 3, "  and counts only those");
			replay_close(r);
		}
	}
}

static void test_kinds_damaged(void)
{
	uint8_t rec[8 + 4 + 156 + 64], payload[4 + 156 + 64] = { 0 };
	size_t n, len = 0, at;
	struct replay *r = NULL;
	uint8_t *buf;

	/* A TCP event the END record does not count: records went missing, or were added. */
	put_le(payload, 2, 156);
	put_le(payload + 2, 2, 64);
	put_le(payload + 4 + 28, 4, VISTA_EV_TCP);
	n = make_record(rec, RECORD_KIND_EVENT, payload, sizeof(payload));
	ok(insert_before("uncounted.vrec", 2, rec, n, 3) == 0, "a TCP event that END does not count");
	ok(replay_open(path, &r, err, sizeof(err)) != 0 && strstr(err, "corrupted: malformed end record"),
	   "  does not open");
	replay_close(r);
	r = NULL;
	/* An skb event cannot come as a kind event. */
	put_le(payload + 4 + 28, 4, VISTA_EV_SKB);
	n = make_record(rec, RECORD_KIND_EVENT, payload, sizeof(payload));
	ok(insert_before("skbkind.vrec", 2, rec, n, 3) == 0, "an skb event in a KIND_EVENT record");
	ok(replay_open(path, &r, err, sizeof(err)) != 0 && strstr(err, "corrupted: malformed event record"),
	   "  does not open");
	replay_close(r);
	r = NULL;
	/* Sizes that disagree with the record's length. */
	put_le(payload + 4 + 28, 4, VISTA_EV_TCP);
	put_le(payload + 2, 2, 65);
	n = make_record(rec, RECORD_KIND_EVENT, payload, sizeof(payload));
	ok(insert_before("badsize.vrec", 2, rec, n, 3) == 0, "a KIND_EVENT whose sizes disagree with its length");
	ok(replay_open(path, &r, err, sizeof(err)) != 0 && strstr(err, "corrupted: malformed event record"),
	   "  does not open");
	replay_close(r);
	r = NULL;
	/* END counting 3 TCP events where there are 2. */
	set_path("kinds.vrec");
	buf = slurp(&len);
	at = buf ? find_type(buf, len, RECORD_END) : 0;
	if (at) {
		put_le(buf + at + 8 + 20, 8, 3);
		spill("kinds3.vrec", buf, len);
	}
	free(buf);
	ok(at && replay_open(path, &r, err, sizeof(err)) != 0 && strstr(err, "malformed end record"),
	   "an END record counting 3 TCP events where there are 2 does not open");
	replay_close(r);
	r = NULL;
	/* An older, shorter struct: what it has, zeros for the rest. */
	{
		uint8_t rec2[8 + 4 + 156 + 16], p2[4 + 156 + 16] = { 0 };
		struct replay_event ev;

		put_le(p2, 2, 156);
		put_le(p2 + 2, 2, 16);
		put_le(p2 + 4 + 28, 4, VISTA_EV_TCP);
		put_le(p2 + 4 + 156, 8, 1000);
		put_le(p2 + 4 + 156 + 8, 8, 2000);
		n = make_record(rec2, RECORD_KIND_EVENT, p2, sizeof(p2));
		ok(insert_before("short.vrec", 2, rec2, n, 3) == 0, "a TCP event with a 16-byte struct");
		/* Its END says nothing of TCP: patch in the count. */
		buf = slurp(&len);
		at = buf ? find_type(buf, len, RECORD_END) : 0;
		if (at) {
			uint8_t *out = malloc(len + 12);

			if (out) {
				memcpy(out, buf, len);
				put_le(out + at + 4, 4, 16 + 12);
				put_le(out + at + 2, 2, doc_check(RECORD_END, 16 + 12));
				put_le(out + len, 4, VISTA_EV_TCP);
				put_le(out + len + 4, 8, 1);
				spill("short.vrec", out, len + 12);
				free(out);
			}
		}
		free(buf);
		if (replay_open(path, &r, err, sizeof(err)) == 0) {
			ok(replay_next(r, &ev, err, sizeof(err)) == 1 && ev.event.kind == VISTA_EV_TCP &&
			       ev.body.tcp.rx_bytes == 1000 && ev.body.tcp.tx_bytes == 2000 &&
			       ev.body.tcp.lifetime_ns == 0 && ev.body.tcp.cong[0] == 0,
			   "  reads its 2 fields, zeros for the rest");
			replay_close(r);
		} else {
			fail_err("  opens");
		}
	}
}

/* A replayed TCP or socket line is the live line. */
static void test_kinds_rendering(void)
{
	struct format_opts o = { .meta = true, .tuple = true, .tcp = true, .sk = true };
	struct format_state lst, rst;
	struct format_names rn = { 0 };
	struct tcp_record c = tcp_close();
	struct sk_record sk = sk_send();
	struct replay_event ev;
	struct replay *r;
	char live[1024], replayed[1024];

	if (format_state_init(&lst) || format_state_init(&rst))
		return;
	set_path("kinds.vrec");
	if (replay_open(path, &r, err, sizeof(err)) == 0) {
		replay_set_format(r, &rn, &rst);
		replay_next(r, &ev, err, sizeof(err));
		format_tcp(live, sizeof(live), &c.e, &c.t, &o, &lst);
		format_tcp(replayed, sizeof(replayed), &ev.event, &ev.body.tcp, &o, &rst);
		is_str(replayed, live, "a replayed TCP line is the live line");
		replay_next(r, &ev, err, sizeof(err));
		replay_next(r, &ev, err, sizeof(err));
		format_sk(live, sizeof(live), &sk.e, &sk.s, &o, &lst);
		format_sk(replayed, sizeof(replayed), &ev.event, &ev.body.sk, &o, &rst);
		is_str(replayed, live, "a replayed socket line is the live line");
		replay_close(r);
	} else {
		fail_err("the kinds recording opens");
	}
	format_state_free(&lst);
	format_state_free(&rst);
}

static void cleanup(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
}

/* A REJECT in the filter table's range on INPUT: dropped, found by the drop reason. */
static struct vista_event nf_event(struct vista_nf *nf)
{
	struct vista_event e = drop_event();

	e.kind = VISTA_EV_NETFILTER;
	e.hook_id = 0;
	e.stack_id = -1;
	e.location = 0;
	memset(nf, 0, sizeof(*nf));
	nf->cost_ns = 5932;
	nf->prio_lo = -1;
	nf->prio_hi = 1;
	nf->netns = 4026532246u;
	nf->pf = 2;
	nf->hook = 1;
	nf->verdict = 0;
	nf->method = VISTA_NF_BY_DROP_REASON;
	memcpy(nf->table, "filter", 7);
	memcpy(nf->chain, "INPUT", 6);
	return e;
}

/* As the ring delivers it: the event, its netfilter part right after. */
struct nf_record {
	struct vista_event e;
	struct vista_nf nf;
};

/* An skb event, a netfilter drop, and a netfilter accept on IPv6 (no reason). */
static int write_nf(const char *name, struct nf_record *drop, struct nf_record *accept)
{
	struct record_info info = test_info();
	struct format_names names = live_names();
	struct record_writer *w;
	struct vista_event p1 = plain_event(5000123456000ULL, 0);
	int rc = 0;

	drop->e = nf_event(&drop->nf);
	accept->e = nf_event(&accept->nf);
	accept->e.ts_ns += 1000;
	accept->e.reason = 0;
	accept->e.flags &= ~(uint32_t)(VISTA_EVF_HAS_REASON | VISTA_EVF_SKB_FREED);
	accept->nf.pf = 10;
	accept->nf.hook = 4;
	accept->nf.verdict = 1;
	accept->nf.method = VISTA_NF_BY_NEXT_LINK;
	accept->nf.prio_lo = -2147483647;
	accept->nf.prio_hi = -301;
	accept->nf.cost_ns = 1500000000;
	memcpy(accept->nf.table, "t6,raw", 7);
	memcpy(accept->nf.chain, "c,PREROUTING", 13);
	set_path(name);
	if (record_writer_open(path, &info, &w, err, sizeof(err)))
		return -1;
	rc |= record_write_event(w, &p1, NULL, 0, &names, err, sizeof(err));
	rc |= record_write_event(w, &drop->e, NULL, 0, &names, err, sizeof(err));
	rc |= record_write_event(w, &accept->e, NULL, 0, &names, err, sizeof(err));
	rc |= record_writer_close(w, 2, err, sizeof(err));
	return rc ? -1 : 0;
}

static void test_netfilter(void)
{
	struct format_opts o = { .tuple = true, .iptables = true };
	struct format_names live = live_names(), rn;
	struct format_state lst, rst;
	struct nf_record drop, accept;
	const struct nf_record *want[2] = { &drop, &accept };
	struct replay_event ev;
	struct replay *r;
	char a[2048], b[2048];
	uint8_t *buf;
	size_t len, at;
	int i = 0;

	if (!ok(write_nf("nf.vrec", &drop, &accept) == 0, "a recording with netfilter events is written")) {
		diag_err();
		return;
	}
	if (!ok(replay_open(path, &r, err, sizeof(err)) == 0, "and opens")) {
		diag_err();
		return;
	}
	is_int(replay_event_count(r), 3, "3 events: 1 skb event, 2 netfilter events");
	is_str(replay_drop_reason(r, 6), "SKB_DROP_REASON_NETFILTER_DROP", "the netfilter drop's reason is named");
	format_state_init(&lst);
	format_state_init(&rst);
	replay_set_format(r, &rn, &rst);
	ok(replay_next(r, &ev, err, sizeof(err)) == 1 && ev.event.kind == VISTA_EV_SKB, "the skb event first");
	while (replay_next(r, &ev, err, sizeof(err)) == 1 && i < 2) {
		const struct nf_record *w = want[i++];

		ok(ev.event.kind == VISTA_EV_NETFILTER && memcmp(&ev.event, &w->e, sizeof(w->e)) == 0 &&
		       memcmp(&ev.body.nf, &w->nf, sizeof(w->nf)) == 0 && ev.nstack == 0,
		   "netfilter event %d: the event and its netfilter part, identical", i);
		format_nf(a, sizeof(a), &w->e, &live, &o, &lst);
		format_nf(b, sizeof(b), &ev.event, &rn, &o, &rst);
		is_str(b, a, "  renders as live");
	}
	is_int(i, 2, "both netfilter events");
	is_str(b,
	       "0xffff888104fa3300      3    [bash(27653)]             nf_hook_slow 10.0.0.1:46580->10.0.0.2:81(tcp) "
	       "pf=PF_INET6 table=t6,raw chain=c,PREROUTING hook=POSTROUTING verdict=ACCEPT cost=1.5s "
	       "prio=-2147483647..-301 via=next-link\n",
	       "the replayed accept line");
	replay_close(r);
	format_state_free(&lst);
	format_state_free(&rst);

	/* The documented bytes: "u16 156, u16 152", the event, then struct vista_nf without padding. */
	buf = slurp(&len);
	at = buf ? find_type(buf, len, RECORD_KIND_EVENT) : 0;
	if (ok(at && le(buf + at + 4, 4) == 4 + 156 + 152, "a KIND_EVENT record of 4 + 156 + 152 bytes")) {
		const uint8_t *p = buf + at + 8, *n = p + 4 + 156;

		ok(le(p, 2) == 156 && le(p + 2, 2) == 152 && le(p + 4 + 28, 4) == VISTA_EV_NETFILTER,
		   "  u16 156, u16 152, then the event with its kind");
		ok(le(n, 8) == 5932 && le(n + 8, 4) == 0xffffffffu && le(n + 12, 4) == 1 &&
		       le(n + 16, 4) == 4026532246u && n[20] == 2 && n[21] == 1 && n[22] == 0 &&
		       n[23] == VISTA_NF_BY_DROP_REASON,
		   "  cost at 0, prio_lo and prio_hi at 8 and 12, netns at 16, pf hook verdict method at 20");
		ok(memcmp(n + 24, "filter", 7) == 0 && memcmp(n + 24 + 64, "INPUT", 6) == 0,
		   "  table at 24, chain at 88");
	}
	at = buf ? find_type(buf, len, RECORD_END) : 0;
	ok(at && at + 8 + 28 == len && le(buf + at + 8, 8) == 1 && le(buf + at + 16, 8) == 2 &&
	       le(buf + at + 24, 4) == VISTA_EV_NETFILTER && le(buf + at + 28, 8) == 2,
	   "END: 1 skb event (what 1.0 readers count), 2 lost, then kind 2 (netfilter): 2 records");
	/* A wrong netfilter count is a damaged file, like a wrong event count. */
	if (at) {
		put_le(buf + at + 28, 8, 3);
		spill("nfcount.vrec", buf, len);
		ok(replay_open(path, &r, err, sizeof(err)) == -1 && strstr(err, "malformed end record"),
		   "an END record counting 3 netfilter events where there are 2 does not open");
	}
	free(buf);
}

/* A version 1.0 recording (no other kinds, nothing after END's 16 bytes) still replays. */
static void test_version_1_0(void)
{
	struct replay *r = NULL;
	uint8_t *buf;
	size_t len, at;
	int n;

	set_path("std.vrec");
	buf = slurp(&len);
	at = buf ? find_type(buf, len, RECORD_END) : 0;
	if (!ok(at && at + 8 + 16 == len, "the standard recording ends with its END record")) {
		free(buf);
		return;
	}
	put_le(buf + 10, 2, 0);
	spill("v10.vrec", buf, len);
	free(buf);
	n = count_events(&r);
	is_int(n, 3, "a 1.0 recording replays its 3 events");
	if (r) {
		ok(replay_info(r)->version_minor == 0 && !replay_warning(r), "  as version 1.0, without a warning");
		replay_close(r);
	}
}

/* An skb event's packet (--pcap-file) goes in a RECORD_PACKET before it and comes back after it. */
static void test_packet(void)
{
	struct record_info info = test_info();
	struct {
		struct vista_event e;
		struct vista_packet p;
		uint8_t data[16];
	} rec;
	struct record_writer *w;
	struct replay_event ev;
	struct replay *r;

	memset(&rec, 0, sizeof(rec));
	rec.e = plain_event(1000, 0);
	rec.e.flags |= VISTA_EVF_HAS_PACKET;
	rec.p = (struct vista_packet){ .len = 1500, .caplen = 11, .layer = VISTA_PKT_L3 };
	memcpy(rec.data, "\x45packet-10", 11);
	set_path("packet.vrec");
	is_int(record_writer_open(path, &info, &w, err, sizeof(err)), 0, "packet: a recording opened");
	is_int(record_write_event(w, &rec.e, NULL, 0, NULL, err, sizeof(err)), 0, "packet: an event with its packet");
	rec.e.ts_ns = 2000;
	rec.e.flags &= ~VISTA_EVF_HAS_PACKET;
	is_int(record_write_event(w, &rec.e, NULL, 0, NULL, err, sizeof(err)), 0, "packet: an event without one");
	is_int(record_writer_close(w, 0, err, sizeof(err)), 0, "packet: closed");
	if (!ok(replay_open(path, &r, err, sizeof(err)) == 0, "packet: the recording opens")) {
		diag_err();
		return;
	}
	is_int(replay_event_count(r), 2, "packet: 2 events (the packet record is no event)");
	is_int(replay_next(r, &ev, err, sizeof(err)), 1, "packet: event 1");
	ok(ev.event.flags & VISTA_EVF_HAS_PACKET, "  has its packet");
	ok(ev.body.packet.hdr.len == 1500 && ev.body.packet.hdr.caplen == 11 &&
	       ev.body.packet.hdr.layer == VISTA_PKT_L3,
	   "  its length, captured length and layer");
	ok(memcmp(vista_event_packet(&ev.event) + 1, "\x45packet-10", 11) == 0, "  its bytes, right after the event");
	is_int(vista_record_size(&ev.event), sizeof(struct vista_event) + 8 + 16, "  vista_record_size covers them");
	is_int(replay_next(r, &ev, err, sizeof(err)), 1, "packet: event 2");
	ok(ev.event.ts_ns == 2000 && !(ev.event.flags & VISTA_EVF_HAS_PACKET), "  has none");
	replay_close(r);
}

/*
 * An skb event's struct sk_buff text (--output-skb) goes in a
 * RECORD_SKB_DUMP before it, after its RECORD_PACKET, and comes back after
 * the packet, as in the ring buffer.
 */
static void test_skb_dump(void)
{
	static const char text[] = "(struct sk_buff){\n .len = (unsigned int)98,\n}\n";
	struct record_info info = test_info();
	struct {
		struct vista_event e;
		struct vista_packet p;
		uint8_t data[16];
		struct vista_skb_dump d;
		char text[64];
	} rec;
	struct {
		struct vista_event e;
		struct vista_skb_dump d;
		char text[64];
	} alone;
	struct record_writer *w;
	struct replay_event ev;
	struct replay *r;
	const struct vista_skb_dump *d;
	uint8_t *buf;
	size_t len, at;

	memset(&rec, 0, sizeof(rec));
	rec.e = plain_event(1000, 0);
	rec.e.flags |= VISTA_EVF_HAS_PACKET | VISTA_EVF_HAS_SKB;
	rec.p = (struct vista_packet){ .len = 98, .caplen = 11, .layer = VISTA_PKT_L3 };
	memcpy(rec.data, "\x45packet-10", 11);
	rec.d.len = sizeof(text) - 1;
	memcpy(rec.text, text, sizeof(text));
	is_int(vista_record_size(&rec.e), sizeof(struct vista_event) + 8 + 16 + 8 + 48,
	       "skb dump: vista_record_size: event, packet, dump header, 47 bytes and a NUL rounded up to 48");
	ok(vista_record_fits(&rec.e, vista_record_size(&rec.e)), "skb dump: a record of that size fits");
	ok(!vista_record_fits(&rec.e, vista_record_size(&rec.e) - 8), "  8 bytes less does not");
	ok(!vista_record_fits(&rec.e, sizeof(struct vista_event) + 8 + 16 + 4),
	   "  nor one cut inside the dump's header");
	memset(&alone, 0, sizeof(alone));
	alone.e = plain_event(2000, 0);
	alone.e.flags |= VISTA_EVF_HAS_SKB;
	alone.d.len = 5;
	memcpy(alone.text, "(x){}", 6);
	ok(vista_event_skb(&alone.e) == &alone.d, "skb dump: without a packet it follows the event");

	set_path("skb.vrec");
	is_int(record_writer_open(path, &info, &w, err, sizeof(err)), 0, "skb dump: a recording opened");
	is_int(record_write_event(w, &rec.e, NULL, 0, NULL, err, sizeof(err)), 0, "skb dump: an event with a packet");
	is_int(record_write_event(w, &alone.e, NULL, 0, NULL, err, sizeof(err)), 0, "skb dump: an event without one");
	is_int(record_writer_close(w, 0, err, sizeof(err)), 0, "skb dump: closed");
	if (!ok(replay_open(path, &r, err, sizeof(err)) == 0, "skb dump: the recording opens")) {
		diag_err();
		return;
	}
	is_int(replay_event_count(r), 2, "skb dump: 2 events (the dump records are no events)");
	is_int(replay_next(r, &ev, err, sizeof(err)), 1, "skb dump: event 1");
	ok((ev.event.flags & (VISTA_EVF_HAS_PACKET | VISTA_EVF_HAS_SKB)) == (VISTA_EVF_HAS_PACKET | VISTA_EVF_HAS_SKB),
	   "  has its packet and its dump");
	d = vista_event_skb(&ev.event);
	ok((const uint8_t *)d == (const uint8_t *)&ev.body + 8 + 16, "  the dump right after the packet");
	ok(d->len == sizeof(text) - 1 && strcmp((const char *)(d + 1), text) == 0, "  its text, NUL-terminated");
	is_int(replay_next(r, &ev, err, sizeof(err)), 1, "skb dump: event 2");
	d = vista_event_skb(&ev.event);
	ok(ev.event.ts_ns == 2000 && ev.event.flags == alone.e.flags &&
	       (const uint8_t *)d == (const uint8_t *)&ev.body && strcmp((const char *)(d + 1), "(x){}") == 0,
	   "  its dump right after the event");
	replay_close(r);

	/* A damaged dump (its length past its record) is an error, not a misread. */
	buf = slurp(&len);
	if (!buf) {
		fail_err("skb dump: the recording reads back");
		return;
	}
	for (at = 16; at + 8 <= len; at += 8 + le(buf + at + 4, 4))
		if (le(buf + at, 2) == RECORD_SKB_DUMP)
			break;
	if (!ok(at + 8 <= len, "skb dump: the RECORD_SKB_DUMP record is found")) {
		free(buf);
		return;
	}
	ok(le(buf + at + 4, 4) == 4 + sizeof(text) - 1 && le(buf + at + 8, 2) == sizeof(text) - 1 &&
	       memcmp(buf + at + 12, text, sizeof(text) - 1) == 0,
	   "  u16 len, u16 0, then the text without its NUL");
	put_le(buf + at + 8, 2, le(buf + at + 8, 2) + 1);
	spill("skb-bad.vrec", buf, len);
	free(buf);
	ok(replay_open(path, &r, err, sizeof(err)) < 0, "skb dump: a length past its record does not open");
	ok(strstr(err, "is corrupted: malformed skb dump record at byte") != NULL, "  message: %s", err);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	live_ksyms = kallsyms_from_symbols(live_syms, sizeof(live_syms) / sizeof(live_syms[0]));
	ok(live_ksyms != NULL, "a symbol table from a list");
	test_round_trip();
	test_same_rendering();
	test_layout();
	test_unknown_type();
	test_kinds_round_trip();
	test_kinds_layout();
	test_kinds_compatibility();
	test_kinds_damaged();
	test_skb_dump();
	test_kinds_rendering();
	test_truncated();
	test_bad_files();
	test_corrupted();
	test_sanitized_names();
	test_long_symbols();
	test_large();
	test_changed_underneath();
	test_write_errors();
	test_netfilter();
	test_version_1_0();
	test_packet();
	kallsyms_free(live_ksyms);
	cleanup();
	return tap_done();
}
