// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for src/core/netns.c; the parts that create a namespace need root. */
#define _GNU_SOURCE /* unshare, CLONE_NEWNET */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/netns.h"
#include "tap.h"

static void test_parse_inode(void)
{
	char err[256] = "";
	uint32_t ino = 0;

	is_int(netns_parse("inode:123", &ino, err, sizeof(err)), 0, "inode:123 parses");
	is_int(ino, 123, "inode:123 -> 123");
	is_int(netns_parse("inode:4026531840", &ino, err, sizeof(err)), 0, "inode:4026531840 parses");
	is_int(ino, 4026531840U, "inode:4026531840 -> 4026531840");

	err[0] = '\0';
	is_int(netns_parse("inode:abc", &ino, err, sizeof(err)), -1, "inode:abc rejected");
	is_str(err, "invalid netns \"inode:abc\": expected a decimal inode number", "inode:abc message");
	is_int(netns_parse("inode:", &ino, err, sizeof(err)), -1, "inode: rejected");
	is_str(err, "invalid netns \"inode:\": expected a decimal inode number", "inode: message");
	is_int(netns_parse("inode:0", &ino, err, sizeof(err)), -1, "inode:0 rejected");
	is_str(err, "invalid netns \"inode:0\": inode must be between 1 and 4294967295", "inode:0 message");
	is_int(netns_parse("inode:4294967296", &ino, err, sizeof(err)), -1, "inode above 32 bits rejected");
	is_int(netns_parse("inode:12x", &ino, err, sizeof(err)), -1, "inode:12x rejected");
	is_int(netns_parse("inode:-1", &ino, err, sizeof(err)), -1, "inode:-1 rejected");
	is_int(netns_parse("inode: 5", &ino, err, sizeof(err)), -1, "inode with a space rejected");
	is_int(netns_parse("", &ino, err, sizeof(err)), -1, "empty spec rejected");
}

static void test_parse_path(void)
{
	char err[256] = "";
	uint32_t ino = 0;
	struct stat st;

	is_int(netns_parse("/proc/self/ns/net", &ino, err, sizeof(err)), 0, "/proc/self/ns/net parses");
	ok(stat("/proc/self/ns/net", &st) == 0 && ino == st.st_ino, "/proc/self/ns/net -> its inode %u", ino);
	is_int(ino, netns_current_inode(), "/proc/self/ns/net is the current netns");
	ok(netns_current_inode() != 0, "current netns inode is known");

	is_int(netns_parse("/nonexistent/x", &ino, err, sizeof(err)), -1, "missing path rejected");
	is_str(err, "netns path \"/nonexistent/x\": No such file or directory", "missing path message");
	is_int(netns_parse("/proc/999999999/ns/net", &ino, err, sizeof(err)), -1, "netns of a missing pid rejected");
	is_str(err, "netns path \"/proc/999999999/ns/net\": No such file or directory", "missing pid message");
	is_int(netns_parse("/etc/passwd", &ino, err, sizeof(err)), -1, "regular file rejected");
	is_str(err, "\"/etc/passwd\" is not a network namespace", "regular file message");
	is_int(netns_parse("/proc/self/ns/uts", &ino, err, sizeof(err)), -1, "another namespace kind rejected");
	is_str(err, "\"/proc/self/ns/uts\" is not a network namespace", "uts namespace message");
	is_int(netns_parse("/tmp", &ino, err, sizeof(err)), -1, "directory rejected");
	is_str(err, "\"/tmp\" is not a network namespace", "directory message");
}

static void test_ifindex_here(void)
{
	char err[256] = "";
	uint32_t idx = 0;

	is_int(netns_ifindex(0, "lo", &idx, err, sizeof(err)), 0, "lo in netns 0 resolves");
	is_int(idx, 1, "lo is ifindex 1");
	idx = 0;
	is_int(netns_ifindex(netns_current_inode(), "lo", &idx, err, sizeof(err)), 0,
	       "lo in the current netns by inode resolves");
	is_int(idx, 1, "lo by current inode is ifindex 1");
	is_int(netns_ifindex(0, "vista-nosuch", &idx, err, sizeof(err)), -1, "unknown interface rejected");
	is_str(err, "interface \"vista-nosuch\" not found in the current netns", "unknown interface message");
	is_int(netns_ifindex(0, "a23456789012345x", &idx, err, sizeof(err)), -1, "16-character name rejected");
	is_str(err, "interface name \"a23456789012345x\" is too long (max 15 characters)", "too long message");
	is_int(netns_ifindex(0, "", &idx, err, sizeof(err)), -1, "empty name rejected");
	/* No real namespace has inode 1 (nsfs numbers start at 0xF0000000). */
	is_int(netns_ifindex(1, "lo", &idx, err, sizeof(err)), -1, "unheld netns inode rejected");
	is_str(err, "no process or /run/netns entry holds netns inode:1", "unheld netns message");
}

/* Runs a shell command, every %1$s of fmt being the namespace name; its exit status, or -1. */
static int sh(const char *fmt, const char *ns)
{
	char cmd[512];
	int st;

	snprintf(cmd, sizeof(cmd), fmt, ns);
	st = system(cmd);
	return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

/* The ifindex `ip -o link show` reports for vtest0 inside ns, or -1. */
static long ip_reported_index(const char *ns)
{
	char cmd[256], line[512];
	long idx = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ip -n %s -o link show vtest0 2>/dev/null", ns);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (fgets(line, sizeof(line), p))
		idx = strtol(line, NULL, 10);
	pclose(p);
	return idx > 0 ? idx : -1;
}

/* What netns_for_each's callback saw: each inode it was given, and where the thread really was. */
struct visits {
	uint32_t given[4096];
	uint32_t inside[4096];
	size_t n;
	size_t fail_at; /* the callback fails on this visit (1-based), 0: never */
};

static int visit(void *ctx, uint32_t inode, char *err, size_t errlen)
{
	struct visits *v = ctx;

	if (v->n < sizeof(v->given) / sizeof(v->given[0])) {
		v->given[v->n] = inode;
		v->inside[v->n] = netns_current_inode();
	}
	v->n++;
	if (v->n == v->fail_at) {
		snprintf(err, errlen, "stop at %zu", v->n);
		return -1;
	}
	return 0;
}

/* netns_for_each visits ours first, then `other` exactly once, from inside each, and comes back. */
static void check_for_each(uint32_t self, uint32_t other)
{
	struct visits *v = calloc(1, sizeof(*v));
	char err[256] = "";
	size_t seen = 0, entered = 0;

	if (!v)
		return;
	is_int(netns_for_each(visit, v, err, sizeof(err)), 0, "netns_for_each visits every namespace");
	ok(v->n >= 2 && v->given[0] == self, "  our own first");
	for (size_t i = 0; i < v->n && i < 4096; i++) {
		seen += v->given[i] == other;
		entered += v->inside[i] == v->given[i];
	}
	ok(seen == 1, "  inode:%u exactly once", other);
	is_int(entered, v->n, "  each from inside it");
	is_int(netns_current_inode(), self, "  and back in ours after");
	memset(v, 0, sizeof(*v));
	v->fail_at = 2;
	is_int(netns_for_each(visit, v, err, sizeof(err)), -1, "a failing callback stops it");
	ok(v->n == 2 && strcmp(err, "stop at 2") == 0, "  at once, with its reason");
	is_int(netns_current_inode(), self, "  back in ours");
	free(v);
}

static void check_in_namespace(const char *ns, uint32_t self)
{
	char path[128], err[256] = "", want[256];
	uint32_t ino = 0, idx = 0;
	struct stat st;
	long want_idx;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	ok(stat(path, &st) == 0, "stat %s", path);
	is_int(netns_parse(path, &ino, err, sizeof(err)), 0, "/run/netns path parses");
	is_int(ino, st.st_ino, "/run/netns path -> its inode");
	ok(ino != self, "new namespace differs from ours");

	want_idx = ip_reported_index(ns);
	ok(want_idx > 0, "ip reports vtest0 at index %ld", want_idx);
	is_int(netns_ifindex(ino, "vtest0", &idx, err, sizeof(err)), 0, "vtest0 resolves by netns inode");
	is_int(idx, want_idx, "vtest0 index matches ip");
	is_int(netns_current_inode(), self, "back in the original netns after a lookup");

	idx = 0;
	is_int(netns_ifindex(ino, "lo", &idx, err, sizeof(err)), 0, "lo resolves in the new netns");
	is_int(idx, 1, "lo in the new netns is ifindex 1");

	is_int(netns_ifindex(ino, "vista-nosuch", &idx, err, sizeof(err)), -1, "unknown interface in netns rejected");
	snprintf(want, sizeof(want), "interface \"vista-nosuch\" not found in netns inode:%u", ino);
	is_str(err, want, "unknown interface in netns message");
	is_int(netns_current_inode(), self, "back in the original netns after a failed lookup");

	is_int(netns_ifindex(self, "vtest0", &idx, err, sizeof(err)), -1, "vtest0 is not in our netns");
	check_for_each(self, ino);
}

static void test_namespace(void)
{
	uint32_t self = netns_current_inode();
	char ns[64];

	if (geteuid() != 0) {
		tap_skip("creating a network namespace needs root");
		return;
	}
	snprintf(ns, sizeof(ns), "vista-unit-%d", (int)getpid());
	if (sh("ip netns add %s 2>/dev/null", ns) != 0) {
		tap_skip("ip netns add failed");
		return;
	}
	/* From here on every path must reach the delete below. */
	/* dummy may not be built into the kernel: fall back to a veth pair. Either way vtest0 is not index 2. */
	if (ok(sh("ip -n %1$s link add vtest1 type dummy 2>/dev/null && ip -n %1$s link add vtest0 type dummy"
		  " || ip -n %1$s link add vtest0 type veth peer name vtest1",
		  ns) == 0,
	       "vtest0 created in %s", ns))
		check_in_namespace(ns, self);
	ok(sh("ip netns delete %s", ns) == 0, "namespace %s deleted", ns);
}

/* A namespace that only a process holds (no /run/netns entry) is found through /proc/PID/ns/net. */
static void test_process_namespace(void)
{
	uint32_t self = netns_current_inode(), idx = 0;
	char path[64], err[256] = "";
	int ready[2], hold[2];
	struct stat st;
	pid_t pid;
	char c = 0;

	if (geteuid() != 0) {
		tap_skip("creating a network namespace needs root");
		return;
	}
	if (pipe(ready) < 0 || pipe(hold) < 0) {
		ok(0, "pipes: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		/* Child: enter a fresh netns, report, and stay there until the parent closes hold. */
		close(ready[0]);
		close(hold[1]);
		c = unshare(CLONE_NEWNET) == 0 ? 'y' : 'n';
		if (write(ready[1], &c, 1) != 1 || read(hold[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	if (ok(pid > 0 && read(ready[0], &c, 1) == 1 && c == 'y', "child entered a new netns")) {
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
		ok(stat(path, &st) == 0 && st.st_ino != self, "child netns %s differs from ours", path);
		is_int(netns_ifindex((uint32_t)st.st_ino, "lo", &idx, err, sizeof(err)), 0,
		       "lo resolves in a netns held only by a process");
		is_int(idx, 1, "lo there is ifindex 1");
		is_int(netns_current_inode(), self, "back in the original netns");
		check_for_each(self, (uint32_t)st.st_ino);
	}
	close(ready[0]);
	close(hold[1]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

int main(void)
{
	test_parse_inode();
	test_parse_path();
	test_ifindex_here();
	test_namespace();
	test_process_namespace();
	return tap_done();
}
