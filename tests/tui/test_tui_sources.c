// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of what vista-top's command line and replays stand on: Tab
 * completion in every context, the interface lister (vista-top's own
 * namespace, a netns filter, a namespace that is gone), the history
 * path, and the replay source: a recording of the fixture renders exactly
 * as the in-memory source does (rows in every layout, stacks, drop
 * locations, absolute times), a cut recording says so when it ends, a
 * damaged one is refused, and filters cannot change.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* unshare, CLONE_NEWNET */
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/netns.h"
#include "fixture.h"
#include "mem_source.h"
#include "recording.h"
#include "tap.h"
#include "tui/cmd_prompt.h"
#include "tui/completion.h"
#include "tui/event_store.h"
#include "tui/if_names.h"
#include "tui/replay_source.h"
#include "tui/row_format.h"

#ifndef TUI_TESTS_DIR
#define TUI_TESTS_DIR "tests/tui"
#endif

#define REC_PATH "tui-sources.vrec"

static void like(const char *got, const char *ere, const char *what)
{
	regex_t re;
	bool match = regcomp(&re, ere, REG_EXTENDED | REG_NOSUB) == 0 && regexec(&re, got, 0, NULL, 0) == 0;

	regfree(&re);
	if (!ok(match, "%s", what))
		printf("#   got:  \"%s\"\n#   want: /%s/\n", got, ere);
}

static void skip(const char *why, int n)
{
	while (n-- > 0)
		tap_skip(why);
}

static struct event_source *mem(void)
{
	struct event_source *src = mem_source_create(NULL, 0, FIXTURE_T0_NS, NULL);

	if (!src) {
		printf("# out of memory\n");
		exit(2);
	}
	return src;
}

/* Completes line at its end: "insert|cand cand ..." or "-" when nothing completes there. */
static const char *complete(struct event_source *src, const char *line)
{
	static char out[2048];
	struct completion c;
	char err[256];
	size_t off;

	if (completion_complete(line, strlen(line), src, &c, err, sizeof(err))) {
		snprintf(out, sizeof(out), "error: %s", err);
		return out;
	}
	if (!c.what)
		return "-";
	off = (size_t)snprintf(out, sizeof(out), "%s|", c.insert);
	for (size_t i = 0; i < c.n && off < sizeof(out); i++)
		off += (size_t)snprintf(out + off, sizeof(out) - off, "%s%s", i ? " " : "", c.cand[i]);
	return out;
}

static void test_completion(void)
{
	struct event_source *src = mem();

	is_str(complete(src, ""),
	       "|addr clear func ifname mark netns pcap pid port proto show sk-mark tcp-lifetime track",
	       "empty line: every command, sorted");
	is_str(complete(src, "p"), "|pcap pid port proto", "p: four commands, no common rest");
	is_str(complete(src, "pc"), "ap |pcap", "pc: pcap and a blank");
	is_str(complete(src, "sh"), "ow |show", "sh: show");
	is_str(complete(src, "z"), "|", "z: no command");
	is_str(complete(src, "port 80 a"), "ddr |addr", "after a value, the next command");
	is_str(complete(src, "port 8"), "-", "a port is not completed");
	is_str(complete(src, "show p"), "|pcap pid port proto", "show takes no value: a command follows");
	is_str(complete(src, "addr 10.0.0.1; pr"), "oto |proto", "after ';'");
	is_str(complete(src, "ifname "), "|lo va0 vb0", "ifname: the source's interfaces");
	is_str(complete(src, "ifname v"), "|va0 vb0", "ifname v: two");
	is_str(complete(src, "ifname vb"), "0 |vb0", "ifname vb: vb0");
	is_str(complete(src, "ifname vb0 po"), "rt |port", "after an interface, a command");
	is_str(complete(src, "clear "),
	       "|addr all func ifname mark netns pcap pid port proto sk-mark tcp-lifetime track",
	       "clear: the filters it clears");
	is_str(complete(src, "clear t"), "|tcp-lifetime track", "clear t: the lifetime and the tracking");
	is_str(complete(src, "tr"), "ack |track", "tr: track");
	is_str(complete(src, "track "), "o|off on", "track: on or off");
	is_str(complete(src, "track of"), "f |off", "track of: off");
	is_str(complete(src, "track on p"), "|pcap pid port proto", "after track's value, a command");
	is_str(complete(src, "clear p"), "|pcap pid port proto", "clear p");
	is_str(complete(src, "clear all p"), "|pcap pid port proto", "after clear's value, a command");
	is_str(complete(src, "pcap tcp and p"), "-", "the words of a pcap expression are its value");
	is_str(complete(src, "func net_.* p"), "-", "so are those of a func regex");
	is_str(complete(src, "pcap 'tcp' p"), "|pcap pid port proto", "a quoted pcap value ends it");
	is_str(complete(src, "pcap 'tcp and p"), "-", "inside quotes nothing is completed");
	is_str(complete(src, "port 80; pcap udp; a"), "ddr |addr", "';' ends a pcap expression");
	is_str(complete(src, "# po"), "-", "a comment");
	is_str(complete(src, "'po"), "-", "a quoted word is never a command");
	{
		struct completion c;
		char err[64];

		/* The cursor inside a word: what is before it counts. */
		ok(completion_complete("pxyz", 1, src, &c, err, sizeof(err)) == 0 && c.n == 4 && c.word == 0,
		   "completion at a cursor inside a word");
	}
	event_source_close(src);
}

static bool has_name(const struct if_name_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->name[i], name) == 0)
			return true;
	return false;
}

static void test_if_names(void)
{
	struct if_name_list here, there;
	struct filter_set fs;
	char err[256];
	bool sorted = true;

	filter_set_init(&fs);
	ok(if_names_list(&fs, &here, err, sizeof(err)) == 0, "our own namespace's interfaces");
	ok(has_name(&here, "lo"), "lo among them");
	for (size_t i = 1; i < here.n; i++)
		sorted &= strcmp(here.name[i - 1], here.name[i]) < 0;
	ok(sorted, "sorted by name");
	/* A netns filter on our own namespace, by path: the same list, without entering anything. */
	ok(filter_set_netns(&fs, "/proc/self/ns/net", err, sizeof(err)) == 0, "netns filter on /proc/self/ns/net");
	ok(if_names_list(&fs, &there, err, sizeof(err)) == 0 && there.n == here.n, "the same interfaces");
	/* A namespace no process or /run/netns entry holds (inode 1 is no namespace). */
	fs.kernel.netns = 1;
	snprintf(fs.netns, sizeof(fs.netns), "inode:1");
	ok(if_names_list(&fs, &there, err, sizeof(err)) == -1, "a namespace that is gone");
	is_str(err, "no process or /run/netns entry holds netns inode:1", "its error");
	is_int(there.n, 0, "and no names");
	if (geteuid() == 0) {
		/* A namespace of our own making, held by a child, found by its inode: it has only lo. */
		int pipefd[2];
		uint32_t ino = 0;
		pid_t child;

		if (pipe(pipefd) || (child = fork()) < 0) {
			skip("cannot fork", 4);
			return;
		}
		if (child == 0) {
			uint32_t mine = unshare(CLONE_NEWNET) == 0 ? netns_current_inode() : 0;

			if (write(pipefd[1], &mine, sizeof(mine)) != sizeof(mine))
				_exit(1);
			pause();
			_exit(0);
		}
		close(pipefd[1]);
		ok(read(pipefd[0], &ino, sizeof(ino)) == sizeof(ino) && ino != 0 && ino != netns_current_inode(),
		   "a new namespace");
		close(pipefd[0]);
		fs.kernel.netns = ino;
		snprintf(fs.netns, sizeof(fs.netns), "inode:%u", ino);
		ok(if_names_list(&fs, &there, err, sizeof(err)) == 0 && there.n == 1 && has_name(&there, "lo"),
		   "entered by inode: only its lo");
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		ok(if_names_list(&(struct filter_set){ 0 }, &there, err, sizeof(err)) == 0 && there.n == here.n,
		   "back in our namespace: our interfaces again");
		ok(if_names_list(&fs, &there, err, sizeof(err)) == -1, "once nothing holds it: gone");
	} else {
		skip("entering a namespace needs root", 4);
	}
}

static void test_history_path(void)
{
	char *saved = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	char buf[64];

	setenv("HOME", "/home/alice", 1);
	ok(cmd_prompt_history_path(buf, sizeof(buf)), "a path under HOME");
	is_str(buf, "/home/alice/.vista_history", "HOME/.vista_history");
	setenv("HOME", "/a/home/whose/path/does/not/fit/in/the/buffer/given", 1);
	ok(!cmd_prompt_history_path(buf, sizeof(buf)), "a path too long for the buffer");
	unsetenv("HOME");
	ok(cmd_prompt_history_path(buf, sizeof(buf)) && strstr(buf, "/.vista_history"),
	   "no HOME: the passwd entry's home");
	if (saved)
		setenv("HOME", saved, 1);
	free(saved);
}

/* Every event of both sources, in a store each, then compared row by row in each layout. */
static void test_replay_renders_as_live(void)
{
	struct vista_event *events = calloc(8 * FIXTURE_MAX_PER_PACKET, sizeof(*events));
	size_t n = fixture_packets(events, 8);
	struct event_source *live = mem_source_create(events, n, FIXTURE_T0_NS, TUI_TESTS_DIR "/kallsyms.txt"), *rep;
	struct event_store *ls = NULL, *rs = NULL;
	struct row_style styles[] = { { 0 },
				      { .tuple = true, .meta = true },
				      { .timestamp = TIMESTAMP_RELATIVE },
				      { .timestamp = TIMESTAMP_ABSOLUTE, .tuple = true } };
	struct row_ctx lc, rc;
	char err[256], a[2048], b[2048];
	size_t same_rows = 0, same_stacks = 0, same_symbols = 0, stacks = 0;

	ok(recording_write(REC_PATH, events, n, TUI_TESTS_DIR "/kallsyms.txt", 3, err, sizeof(err)) == 0,
	   "the fixture recorded");
	ok(replay_source_open(REC_PATH, &rep, err, sizeof(err)) == 0, "and opened as a replay source");
	if (!live || !rep || event_store_create(1000, &ls, err, sizeof(err)) ||
	    event_store_create(1000, &rs, err, sizeof(err))) {
		printf("Bail out! cannot set up the sources: %s\n", err);
		exit(2);
	}
	mem_source_release(live, SIZE_MAX);
	is_int(event_source_consume(live, ls, 1000, err, sizeof(err)), (long long)n, "every live event");
	is_int(event_source_consume(rep, rs, 7, err, sizeof(err)), 7, "a replay gives at most what is asked");
	ok(event_source_active(rep), "and is active while events are left");
	is_int(event_source_consume(rep, rs, 1000, err, sizeof(err)), (long long)n - 7, "then the rest");
	is_int(event_source_consume(rep, rs, 1000, err, sizeof(err)), 0, "then nothing");
	ok(!event_source_active(rep), "and it is over");
	event_source_end_reason(rep, a, sizeof(a));
	is_str(a, "end of the recording", "why it ended");
	is_int(event_source_lost(rep), 3, "the kernel's losses, as recorded");
	is_int(event_source_time_origin(rep), FIXTURE_T0_NS, "the time origin, as recorded");
	is_str(event_source_backend_name(rep), "memory", "the backend, as recorded");
	is_int(event_source_hook_count(rep), MEM_HOOKS, "the hooks, as recorded");
	is_int(event_source_fd(rep), -1, "no fd: the loop polls on its timer");
	ok(row_ctx_init(&lc, live, ls, event_source_time_origin(live), err, sizeof(err)) == 0 &&
	       row_ctx_init(&rc, rep, rs, event_source_time_origin(rep), err, sizeof(err)) == 0,
	   "row contexts");
	event_source_clock(live, &lc.clock);
	event_source_clock(rep, &rc.clock);
	for (size_t k = 0; k < sizeof(styles) / sizeof(styles[0]); k++) {
		for (uint64_t seq = 0; seq < n; seq++) {
			row_text(a, sizeof(a), &lc, seq, &styles[k]);
			row_text(b, sizeof(b), &rc, seq, &styles[k]);
			same_rows += strcmp(a, b) == 0;
		}
	}
	is_int(same_rows, 4 * n, "every row the same in four layouts (absolute times included)");
	row_text(b, sizeof(b), &rc, 0, &styles[3]);
	is_str(b,
	       "12:00:00.000 0xffff888004a1c000   0 [ping(4242)]     net_dev_queue            "
	       "10.199.0.1->10.199.0.2(icmp request id=4242 seq=1)",
	       "absolute time in the recording's zone");
	for (uint64_t seq = 0; seq < n; seq++) {
		const struct vista_event *le = &event_store_get(ls, seq)->ev, *re = &event_store_get(rs, seq)->ev;

		stacks += le->stack_id >= 0;
		event_source_stack_text(live, le, a, sizeof(a));
		event_source_stack_text(rep, re, b, sizeof(b));
		same_stacks += strcmp(a, b) == 0;
		event_source_symbol(live, le->location, a, sizeof(a));
		event_source_symbol(rep, re->location, b, sizeof(b));
		same_symbols += strcmp(a, b) == 0;
	}
	ok(stacks > 0, "the fixture has stacks");
	is_int(same_stacks, n, "every stack symbolized the same");
	is_int(same_symbols, n, "every drop location named the same");
	event_source_symbol(rep, 0xffffffff81b901d2ULL, b, sizeof(b));
	is_str(b, "icmp_rcv+0x1d2", "a location without a stack is named too");
	{
		struct filter_set fs;

		filter_set_init(&fs);
		ok(event_source_apply_filters(rep, &fs, err, sizeof(err)) == -1, "a replay refuses a filter set");
		is_str(err, "a replay cannot change filters: its events were filtered when recorded", "and says why");
		event_source_describe_filters(rep, a, sizeof(a));
		is_str(a, "as recorded by: " RECORDING_COMMAND_LINE, "its filters: the recording's command line");
		ok(event_source_set_collect(rep, VISTA_COLLECT_STACK | VISTA_COLLECT_META | VISTA_COLLECT_TUPLE, err,
					    sizeof(err)) == -1,
		   "a replay cannot collect more");
	}
	row_ctx_free(&lc);
	row_ctx_free(&rc);
	event_store_free(ls);
	event_store_free(rs);
	event_source_close(live);
	event_source_close(rep);
	free(events);
}

static void test_replay_damaged(void)
{
	struct vista_event events[FIXTURE_MAX_PER_PACKET * 2];
	size_t n = fixture_packets(events, 2);
	struct event_source *rep = NULL;
	struct event_store *s = NULL;
	struct stat st;
	char err[512], why[512];
	int fd;

	ok(recording_write(REC_PATH, events, n, NULL, 0, err, sizeof(err)) == 0 && stat(REC_PATH, &st) == 0,
	   "a recording");
	/* Cut in the middle of its last record (the END record: 8 + 16 bytes). */
	ok(truncate(REC_PATH, st.st_size - 30) == 0, "cut short");
	ok(replay_source_open(REC_PATH, &rep, err, sizeof(err)) == 0, "still opens");
	if (rep && event_store_create(100, &s, err, sizeof(err)) == 0) {
		event_source_consume(rep, s, 100, err, sizeof(err));
		is_int(event_source_consume(rep, s, 100, err, sizeof(err)), 0, "what it holds is replayed");
		event_source_end_reason(rep, why, sizeof(why));
		like(why, "^end of the recording: .*tui-sources\\.vrec .*", "the status bar says it was cut short");
	}
	event_store_free(s);
	event_source_close(rep);
	rep = NULL;
	fd = open(REC_PATH, O_WRONLY);
	ok(fd >= 0 && pwrite(fd, "NOTAREC!", 8, 0) == 8 && close(fd) == 0, "its magic overwritten");
	ok(replay_source_open(REC_PATH, &rep, err, sizeof(err)) == -1 && !rep, "a damaged file is refused");
	like(err, "tui-sources\\.vrec", "naming it");
	ok(replay_source_open("no-such-recording.vrec", &rep, err, sizeof(err)) == -1, "a missing file too");
	like(err, "no-such-recording\\.vrec: No such file or directory", "with the reason");
	unlink(REC_PATH);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	test_completion();
	test_if_names();
	test_history_path();
	test_replay_renders_as_live();
	test_replay_damaged();
	unlink(REC_PATH);
	return tap_done();
}
