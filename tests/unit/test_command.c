// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the filter command language (src/filter/command.c,
 * command_file.c) and filter sets (src/filter/filter_set.c). The namespace
 * tests need root; everything else runs anywhere.
 */
#define _GNU_SOURCE /* setresuid */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/netns.h"
#include "filter/command.h"
#include "tap.h"

static char err[1024];
static char desc[FILTER_DESCRIBE_MAX];

static const char *describe(const struct filter_set *fs)
{
	filter_set_describe(fs, desc, sizeof(desc));
	return desc;
}

/* command_exec on a set, err cleared first so that a stale message cannot pass a check. */
static int exec(struct filter_set *fs, const char *line)
{
	err[0] = '\0';
	return command_exec(fs, line, err, sizeof(err));
}

/* A fresh set with line applied; a failure shows up in the caller's checks of rc. */
static int exec_fresh(struct filter_set *fs, const char *line)
{
	filter_set_init(fs);
	return exec(fs, line);
}

static bool same(const struct filter_set *a, const struct filter_set *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* Checks that line fails with exactly want and leaves a set holding `port 80` untouched. */
static void fails(const char *line, const char *want)
{
	struct filter_set fs, before;

	filter_set_init(&fs);
	exec(&fs, "port 80");
	before = fs;
	if (!ok(exec(&fs, line) == -1, "rejected: %s", line))
		return;
	is_str(err, want, "  message");
	ok(same(&fs, &before), "  set unchanged");
}

static void test_init_and_names(void)
{
	static const char *const want[] = { "pcap", "addr", "port",    "proto",        "netns", "ifname", "mark",
					    "pid",  "func", "sk-mark", "tcp-lifetime", "track", "clear",  "show" };
	struct filter_set fs, zero;
	size_t i;

	memset(&fs, 0xa5, sizeof(fs));
	memset(&zero, 0, sizeof(zero));
	filter_set_init(&fs);
	ok(same(&fs, &zero), "filter_set_init zeroes the whole set");
	is_str(describe(&fs), "none", "an empty set is described as none");
	fs.kernel.collect = VISTA_COLLECT_META | VISTA_COLLECT_STACK;
	is_str(describe(&fs), "none", "collect is not a filter: still none");

	for (i = 0; command_names[i]; i++)
		if (i >= sizeof(want) / sizeof(want[0]) || strcmp(command_names[i], want[i]) != 0)
			break;
	is_int(i, sizeof(want) / sizeof(want[0]), "command_names lists the 14 commands in order");
	ok(command_names[i] == NULL, "  and ends with NULL");
}

static void test_pcap(void)
{
	struct filter_set fs;

	is_int(exec_fresh(&fs, "pcap icmp and host 10.0.0.1"), COMMAND_CHANGED, "pcap without quotes");
	is_str(fs.pcap, "icmp and host 10.0.0.1", "  the rest of the line is the expression");
	is_str(describe(&fs), "pcap 'icmp and host 10.0.0.1'", "  described quoted");
	is_int(exec_fresh(&fs, "pcap 'icmp and host 10.0.0.1'"), COMMAND_CHANGED, "pcap in single quotes");
	is_str(fs.pcap, "icmp and host 10.0.0.1", "  same expression");
	is_int(exec_fresh(&fs, "pcap tcp port 80 and 'host 10.0.0.1'"), COMMAND_CHANGED, "unquoted pcap, quoted words");
	is_str(fs.pcap, "tcp port 80 and host 10.0.0.1", "  words joined by one space");
	is_int(exec_fresh(&fs, "pcap tcp or port 80"), COMMAND_CHANGED, "unquoted pcap before a command name");
	is_str(fs.pcap, "tcp or port 80", "  takes it too: the rest of the line is the expression");
	ok(!(fs.kernel.flags & VISTA_F_PORT), "  no port filter");
	is_int(exec_fresh(&fs, "pcap 'icmp' port 80"), COMMAND_CHANGED, "quoted pcap before another command");
	is_str(fs.pcap, "icmp", "  the quoted word is the expression");
	is_int(fs.kernel.port, 80, "  and the next command runs");
	is_int(exec_fresh(&fs, "pcap\t  udp    port  53  "), COMMAND_CHANGED, "pcap with runs of blanks");
	is_str(fs.pcap, "udp port 53", "  runs of blanks become one space");
	is_int(exec_fresh(&fs, "pcap 'udp  port 53'"), COMMAND_CHANGED, "blanks inside quotes");
	is_str(fs.pcap, "udp  port 53", "  kept as typed");
	is_int(exec_fresh(&fs, "pcap icmp; port 80"), COMMAND_CHANGED, "pcap ends at ';'");
	is_str(fs.pcap, "icmp", "  expression before the ';'");
	is_int(fs.kernel.port, 80, "  next command applied");
	is_int(exec_fresh(&fs, "func 'ip;x'"), COMMAND_CHANGED, "';' inside quotes");
	is_str(fs.func_regex, "ip;x", "  is part of the value");
	fails("pcap tcp port", "column 6: can't parse filter expression: syntax error");
	fails("pcap host 300.1.1.1", "column 6: invalid IPv4 address '300.1.1.1'");
	fails("pcap 'tcp or (udp'", "column 6: can't parse filter expression: syntax error");
	fails("pcap frobnicate", "column 6: can't parse filter expression: syntax error");
	is_int(exec(&fs, "pcap tcp"), COMMAND_CHANGED, "a second pcap replaces the first");
	is_str(fs.pcap, "tcp", "  new expression");

	fails("pcap", "column 1: \"pcap\" needs a value");
	fails("pcap ''", "column 6: empty pcap expression");
	fails("pcap a 'icmp", "column 8: unterminated quote");
	fails("pcap \"tcp port 80\" and 'host 10.0.0.1'",
	      "column 20: \"and\" is not a command, and \"pcap\" takes one quoted value (quote all of it or none)");
	fails("pcap \"icmp", "column 6: unterminated quote");
}

static void test_pcap_length(void)
{
	char line[COMMAND_LINE_MAX + 2], want[128];
	struct filter_set fs, before;

	/* 1023 bytes fit the field; 1024 do not (a valid expression padded with quoted blanks). */
	memcpy(line, "pcap '", 6);
	memset(line + 6, ' ', FILTER_PCAP_MAX - 1);
	memcpy(line + 6, "tcp", 3);
	line[6 + FILTER_PCAP_MAX - 1] = '\'';
	line[6 + FILTER_PCAP_MAX] = '\0';
	is_int(exec_fresh(&fs, line), COMMAND_CHANGED, "pcap of 1023 bytes accepted");
	is_int(strlen(fs.pcap), FILTER_PCAP_MAX - 1, "  stored whole");
	before = fs;
	memset(line + 5, 'y', FILTER_PCAP_MAX);
	line[5 + FILTER_PCAP_MAX] = '\0';
	is_int(exec(&fs, line), -1, "pcap of 1024 bytes rejected");
	is_str(err, "column 6: pcap expression is too long (1024 bytes, max 1023)", "  message");
	ok(same(&fs, &before), "  set unchanged");
	is_int(filter_set_pcap(&fs, line + 5, err, sizeof(err)), -1, "filter_set_pcap rejects it too");

	/* A line as long as COMMAND_LINE_MAX is read; one byte more is not. */
	memset(line, ' ', COMMAND_LINE_MAX);
	memcpy(line + COMMAND_LINE_MAX - 7, "port 80", 7);
	line[COMMAND_LINE_MAX] = '\0';
	is_int(exec_fresh(&fs, line), COMMAND_CHANGED, "a line of COMMAND_LINE_MAX bytes is read");
	is_int(fs.kernel.port, 80, "  its command applied");
	line[COMMAND_LINE_MAX] = ' ';
	line[COMMAND_LINE_MAX + 1] = '\0';
	snprintf(want, sizeof(want), "column %d: line is too long (%d bytes, max %d)", COMMAND_LINE_MAX + 1,
		 COMMAND_LINE_MAX + 1, COMMAND_LINE_MAX);
	fails(line, want);
}

static void test_addr(void)
{
	static const unsigned char v6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const unsigned char v4[4] = { 10, 0, 0, 2 };
	struct filter_set fs;

	is_int(exec_fresh(&fs, "addr 10.0.0.2"), COMMAND_CHANGED, "addr IPv4");
	ok((fs.kernel.flags & VISTA_F_ADDR4) && memcmp(fs.kernel.addr, v4, 4) == 0, "  VISTA_F_ADDR4, 10.0.0.2");
	is_str(describe(&fs), "addr 10.0.0.2", "  described");
	is_int(exec(&fs, "addr fd00::1"), COMMAND_CHANGED, "addr IPv6 replaces it");
	ok((fs.kernel.flags & (VISTA_F_ADDR4 | VISTA_F_ADDR6)) == VISTA_F_ADDR6 && memcmp(fs.kernel.addr, v6, 16) == 0,
	   "  VISTA_F_ADDR6 only, fd00::1");
	is_str(describe(&fs), "addr fd00::1", "  described");

	fails("addr 300.1.1.1", "column 6: invalid IP address \"300.1.1.1\"");
	fails("addr", "column 1: \"addr\" needs a value");
	fails("addr 10.0.0.1 10.0.0.2", "column 15: \"10.0.0.2\" is not a command, and \"addr\" takes a single value");
	fails("addr ''", "column 6: invalid IP address \"\"");
}

static void test_port(void)
{
	struct filter_set fs;

	is_int(exec_fresh(&fs, "port 443"), COMMAND_CHANGED, "port 443");
	ok((fs.kernel.flags & VISTA_F_PORT) && fs.kernel.port == 443, "  VISTA_F_PORT, 443");
	is_str(describe(&fs), "port 443", "  described");
	is_int(exec(&fs, "port 0x50"), COMMAND_CHANGED, "port in hex");
	is_int(fs.kernel.port, 80, "  0x50 is 80");
	is_int(exec(&fs, "port 80"), 0, "setting the same port again changes nothing");
	is_int(exec(&fs, "port 0"), COMMAND_CHANGED, "port 0");
	ok(!(fs.kernel.flags & VISTA_F_PORT) && fs.kernel.port == 0, "  removes the port filter (as --filter-port 0)");

	fails("port 70000", "column 6: invalid port \"70000\": value out of range (max 65535)");
	fails("port", "column 1: \"port\" needs a value");
	fails("port http", "column 6: invalid port \"http\": invalid syntax");
	fails("port -1", "column 6: invalid port \"-1\": invalid syntax");
	fails("port 80 443", "column 9: \"443\" is not a command, and \"port\" takes a single value");
}

static void test_proto(void)
{
	static const struct {
		const char *line;
		int proto;
		const char *desc;
	} good[] = {
		{ "proto tcp", 6, "proto tcp" },       { "proto udp", 17, "proto udp" },
		{ "proto icmp", 1, "proto icmp" },     { "proto icmp6", 58, "proto icmp6" },
		{ "proto ICMPv6", 58, "proto icmp6" },
	};
	struct filter_set fs;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		is_int(exec_fresh(&fs, good[i].line), COMMAND_CHANGED, good[i].line);
		ok((fs.kernel.flags & VISTA_F_PROTO) && fs.kernel.l4_proto == good[i].proto, "  VISTA_F_PROTO, %d",
		   good[i].proto);
		is_str(describe(&fs), good[i].desc, "  described");
	}
	is_int(exec(&fs, "proto any"), COMMAND_CHANGED, "proto any");
	ok(!(fs.kernel.flags & VISTA_F_PROTO), "  removes the protocol filter");

	fails("proto sctp", "column 7: invalid protocol \"sctp\" (want tcp, udp, icmp or icmp6)");
	fails("proto", "column 1: \"proto\" needs a value");
	fails("proto tcp udp", "column 11: \"udp\" is not a command, and \"proto\" takes a single value");
}

static void test_mark_pid(void)
{
	struct filter_set fs;

	is_int(exec_fresh(&fs, "mark 0x10/0xff"), COMMAND_CHANGED, "mark with a mask");
	ok((fs.kernel.flags & VISTA_F_MARK) && fs.kernel.mark == 0x10 && fs.kernel.mark_mask == 0xff,
	   "  VISTA_F_MARK, 0x10/0xff");
	is_str(describe(&fs), "mark 0x10/0xff", "  described");
	is_int(exec(&fs, "mark 7"), COMMAND_CHANGED, "mark without a mask");
	ok(fs.kernel.mark == 7 && fs.kernel.mark_mask == 0xffffffff, "  mask 0xffffffff");
	is_str(describe(&fs), "mark 0x7", "  described without the full mask");

	is_int(exec_fresh(&fs, "pid 42"), COMMAND_CHANGED, "pid 42");
	ok((fs.kernel.flags & VISTA_F_PID) && fs.kernel.pid == 42, "  VISTA_F_PID, 42");
	is_str(describe(&fs), "pid 42", "  described");

	fails("mark 0x100/0xff", "column 6: invalid mark \"0x100/0xff\": mark 0x100 has bits outside mask 0xff");
	fails("mark 1/x", "column 6: invalid mark \"1/x\": invalid mask: invalid syntax");
	fails("mark", "column 1: \"mark\" needs a value");
	fails("pid 0", "column 5: invalid pid \"0\": must be greater than 0");
	fails("pid 0x10", "column 5: invalid pid \"0x10\": invalid syntax");
	fails("pid", "column 1: \"pid\" needs a value");
	fails("pid 1 2", "column 7: \"2\" is not a command, and \"pid\" takes a single value");
}

/* command_describe: filter_set's description and the socket filters after it. */
static const char *describe_all(const struct filter_set *fs)
{
	command_describe(fs, desc, sizeof(desc));
	return desc;
}

static void test_sk_mark_tcp_lifetime(void)
{
	struct filter_set fs;

	is_int(exec_fresh(&fs, "sk-mark 0x2a"), COMMAND_CHANGED, "sk-mark 0x2a");
	ok((fs.kernel.flags & VISTA_F_SK_MARK) && fs.kernel.sk_mark == 0x2a, "  VISTA_F_SK_MARK, 42");
	is_str(describe_all(&fs), "sk-mark 0x2a", "  described as a command");
	is_int(exec(&fs, "sk-mark 4294967295"), COMMAND_CHANGED, "the largest sk mark");
	is_int(fs.kernel.sk_mark, 4294967295u, "  0xffffffff");
	is_int(exec(&fs, "sk-mark off"), COMMAND_CHANGED, "sk-mark off");
	ok(!(fs.kernel.flags & VISTA_F_SK_MARK) && fs.kernel.sk_mark == 0, "  no sk mark filter, zeroed");
	is_str(describe_all(&fs), "none", "  described as none");
	exec(&fs, "sk-mark 5");
	is_int(exec(&fs, "sk-mark 0"), COMMAND_CHANGED, "sk-mark 0: none, as --filter-sk-mark 0");
	ok(!(fs.kernel.flags & VISTA_F_SK_MARK), "  no sk mark filter");

	is_int(exec_fresh(&fs, "tcp-lifetime 1.5s"), COMMAND_CHANGED, "tcp-lifetime 1.5s");
	ok((fs.kernel.flags & VISTA_F_TCP_LIFETIME) && fs.kernel.tcp_lifetime_ns == 1500000000ULL,
	   "  VISTA_F_TCP_LIFETIME, 1.5e9 ns");
	is_str(describe_all(&fs), "tcp-lifetime 1500ms", "  described exactly, in a unit that reads back");
	is_int(exec(&fs, "tcp-lifetime 2s"), COMMAND_CHANGED, "replaced");
	is_str(describe_all(&fs), "tcp-lifetime 2s", "  2s");
	is_int(exec(&fs, "tcp-lifetime 250us"), COMMAND_CHANGED, "microseconds");
	is_str(describe_all(&fs), "tcp-lifetime 250us", "  250us");
	is_int(exec(&fs, "tcp-lifetime off"), COMMAND_CHANGED, "tcp-lifetime off");
	ok(!(fs.kernel.flags & VISTA_F_TCP_LIFETIME) && fs.kernel.tcp_lifetime_ns == 0, "  no lifetime filter");

	is_int(exec_fresh(&fs, "port 80 sk-mark 7 tcp-lifetime 100ms"), COMMAND_CHANGED, "with other commands");
	is_str(describe_all(&fs), "port 80 sk-mark 0x7 tcp-lifetime 100ms", "  all described, in order");
	is_str(describe(&fs), "port 80", "  filter_set_describe alone leaves them out");
	{
		struct filter_set back;
		char line[FILTER_DESCRIBE_MAX];

		snprintf(line, sizeof(line), "%s", describe_all(&fs));
		is_int(exec_fresh(&back, line), COMMAND_CHANGED, "the description reads back");
		ok(same(&back, &fs), "  to the same set");
	}
	is_int(exec(&fs, "clear sk-mark"), COMMAND_CHANGED, "clear sk-mark");
	is_str(describe_all(&fs), "port 80 tcp-lifetime 100ms", "  only the sk mark went");
	is_int(exec(&fs, "clear tcp-lifetime"), COMMAND_CHANGED, "clear tcp-lifetime");
	is_str(describe_all(&fs), "port 80", "  only the lifetime went");
	exec(&fs, "sk-mark 1; tcp-lifetime 1s");
	is_int(exec(&fs, "clear"), COMMAND_CHANGED, "clear: everything");
	is_str(describe_all(&fs), "none", "  the socket filters too");

	fails("sk-mark seven", "column 9: invalid sk mark \"seven\": invalid syntax (want a 32-bit number or off)");
	fails("sk-mark 4294967296", "column 9: invalid sk mark \"4294967296\": value out of range (max 4294967295) "
				    "(want a 32-bit number or off)");
	fails("sk-mark", "column 1: \"sk-mark\" needs a value");
	fails("sk-mark 1 2", "column 11: \"2\" is not a command, and \"sk-mark\" takes a single value");
	fails("tcp-lifetime soon", "column 14: invalid TCP lifetime \"soon\": invalid duration \"soon\" (want a "
				   "duration such as 1.5s, or off)");
	fails("tcp-lifetime -1s", "column 14: invalid TCP lifetime \"-1s\": negative duration \"-1s\" (want a duration "
				  "such as 1.5s, or off)");
	fails("tcp-lifetime", "column 1: \"tcp-lifetime\" needs a value");
}

static void test_track(void)
{
	struct filter_set fs, before;

	is_int(exec_fresh(&fs, "track on"), COMMAND_CHANGED, "track on");
	ok(fs.kernel.flags == VISTA_F_TRACK, "  VISTA_F_TRACK alone");
	is_str(describe_all(&fs), "track on", "  described as a command");
	is_str(describe(&fs), "none", "  filter_set_describe alone leaves it out");
	is_int(exec(&fs, "track on"), 0, "track on again changes nothing");
	is_int(exec(&fs, "track off"), COMMAND_CHANGED, "track off");
	ok(!(fs.kernel.flags & VISTA_F_TRACK), "  no VISTA_F_TRACK");
	is_str(describe_all(&fs), "none", "  described as none");

	is_int(exec_fresh(&fs, "addr 10.0.0.1 track on sk-mark 3"), COMMAND_CHANGED, "with other commands");
	is_str(describe_all(&fs), "addr 10.0.0.1 sk-mark 0x3 track on", "  all described");
	{
		struct filter_set back;
		char line[FILTER_DESCRIBE_MAX];

		snprintf(line, sizeof(line), "%s", describe_all(&fs));
		is_int(exec_fresh(&back, line), COMMAND_CHANGED, "the description reads back");
		ok(same(&back, &fs), "  to the same set");
	}
	is_int(exec(&fs, "clear track"), COMMAND_CHANGED, "clear track");
	is_str(describe_all(&fs), "addr 10.0.0.1 sk-mark 0x3", "  only the tracking went");
	exec(&fs, "track on");
	is_int(exec(&fs, "clear"), COMMAND_CHANGED, "clear (all)");
	ok(!(fs.kernel.flags & VISTA_F_TRACK), "  ends the tracking too");

	exec_fresh(&fs, "track on");
	before = fs;
	fails("track yes", "column 7: invalid track value \"yes\" (want on or off)");
	fails("track ON", "column 7: invalid track value \"ON\" (want on or off)");
	fails("track", "column 1: \"track\" needs a value");
	fails("track on off", "column 10: \"off\" is not a command, and \"track\" takes a single value");
	is_int(exec(&fs, "track off; track maybe"), -1, "a bad value later on the line");
	ok(same(&fs, &before), "  leaves the tracking on");
}

static void test_func(void)
{
	char want[256], why[128];
	struct filter_set fs;
	regex_t re;
	int rc;

	is_int(exec_fresh(&fs, "func 'kfree_skb|net_dev_.*'"), COMMAND_CHANGED, "func quoted");
	is_str(fs.func_regex, "kfree_skb|net_dev_.*", "  regex stored");
	is_str(describe(&fs), "func 'kfree_skb|net_dev_.*'", "  described quoted");
	is_int(exec_fresh(&fs, "func ^ip_(rcv|output)$"), COMMAND_CHANGED, "func unquoted");
	is_str(fs.func_regex, "^ip_(rcv|output)$", "  regex stored");
	is_int(exec_fresh(&fs, "func net_\\.x"), COMMAND_CHANGED, "a backslash is an ordinary character");
	is_str(fs.func_regex, "net_\\.x", "  kept for the regex");
	is_int(exec_fresh(&fs, "func kfree_skb"), COMMAND_CHANGED, "a plain name");
	is_str(describe(&fs), "func 'kfree_skb'", "  described quoted all the same");
	is_int(exec_fresh(&fs, "func a#b"), COMMAND_CHANGED, "'#' inside a value");
	is_str(fs.func_regex, "a#b", "  is not a comment");

	/* The reason is regerror()'s own text, whatever the C library words it as. */
	rc = regcomp(&re, "(", REG_EXTENDED | REG_NOSUB);
	regerror(rc, &re, why, sizeof(why));
	snprintf(want, sizeof(want), "column 6: invalid regular expression \"(\": %s", why);
	fails("func (", want);
	rc = regcomp(&re, "a{2,1}", REG_EXTENDED | REG_NOSUB);
	regerror(rc, &re, why, sizeof(why));
	snprintf(want, sizeof(want), "column 8: invalid regular expression \"a{2,1}\": %s", why);
	fails("func   a{2,1}", want);
	fails("func", "column 1: \"func\" needs a value");
	fails("func \"\"", "column 6: empty regular expression");
}

static void test_func_length(void)
{
	char line[16 + FILTER_FUNC_MAX];
	struct filter_set fs;

	memcpy(line, "func ", 5);
	memset(line + 5, 'a', FILTER_FUNC_MAX - 1);
	line[5 + FILTER_FUNC_MAX - 1] = '\0';
	is_int(exec_fresh(&fs, line), COMMAND_CHANGED, "func of 255 bytes accepted");
	is_int(strlen(fs.func_regex), FILTER_FUNC_MAX - 1, "  stored whole");
	line[5 + FILTER_FUNC_MAX - 1] = 'a';
	line[5 + FILTER_FUNC_MAX] = '\0';
	fails(line, "column 6: regular expression is too long (256 bytes, max 255)");
}

static void test_netns_ifname(void)
{
	uint32_t self = netns_current_inode();
	char line[128], want[256];
	struct filter_set fs;
	struct stat st;

	ok(self != 0 && stat("/proc/self/ns/net", &st) == 0, "current netns inode %u known", self);
	snprintf(line, sizeof(line), "netns inode:%u", self);
	is_int(exec_fresh(&fs, line), COMMAND_CHANGED, "netns inode:N");
	ok((fs.kernel.flags & VISTA_F_NETNS) && fs.kernel.netns == self, "  VISTA_F_NETNS, our inode");
	snprintf(want, sizeof(want), "inode:%u", self);
	is_str(fs.netns, want, "  kept as typed");
	is_str(describe(&fs), line, "  described as typed");

	is_int(exec_fresh(&fs, "netns /proc/self/ns/net"), COMMAND_CHANGED, "netns /proc/self/ns/net");
	ok((fs.kernel.flags & VISTA_F_NETNS) && fs.kernel.netns == st.st_ino, "  VISTA_F_NETNS, inode of the file");
	is_str(describe(&fs), "netns /proc/self/ns/net", "  described as typed");
	is_int(exec(&fs, "ifname lo"), COMMAND_CHANGED, "ifname lo inside that netns");
	ok((fs.kernel.flags & (VISTA_F_IFINDEX | VISTA_F_NETNS)) == (VISTA_F_IFINDEX | VISTA_F_NETNS) &&
	       fs.kernel.ifindex == 1 && fs.kernel.netns == st.st_ino,
	   "  VISTA_F_IFINDEX|VISTA_F_NETNS, ifindex 1, same netns");
	is_str(describe(&fs), "netns /proc/self/ns/net ifname lo", "  described netns then ifname");

	/* As vista --filter-ifname without --filter-netns: the interface of our namespace, filtered on both. */
	is_int(exec_fresh(&fs, "ifname lo"), COMMAND_CHANGED, "ifname lo alone");
	ok((fs.kernel.flags & (VISTA_F_IFINDEX | VISTA_F_NETNS)) == (VISTA_F_IFINDEX | VISTA_F_NETNS) &&
	       fs.kernel.ifindex == 1 && fs.kernel.netns == self,
	   "  VISTA_F_IFINDEX|VISTA_F_NETNS, ifindex 1, our netns");
	is_str(fs.ifname, "lo", "  name kept");
	is_str(fs.netns, "", "  no netns text: the netns came with the interface");
	is_str(describe(&fs), "ifname lo", "  described without a netns");
	snprintf(line, sizeof(line), "netns inode:%u", self);
	is_int(exec(&fs, line), COMMAND_CHANGED, "netns after ifname");
	ok(fs.kernel.ifindex == 1 && fs.kernel.netns == self, "  ifname re-resolved in it");
	snprintf(want, sizeof(want), "netns inode:%u ifname lo", self);
	is_str(describe(&fs), want, "  both described");

	fails("netns /nonexistent/ns", "column 7: netns path \"/nonexistent/ns\": No such file or directory");
	fails("netns /etc/passwd", "column 7: \"/etc/passwd\" is not a network namespace");
	fails("netns inode:abc", "column 7: invalid netns \"inode:abc\": expected a decimal inode number");
	fails("netns", "column 1: \"netns\" needs a value");
	fails("netns ''", "column 7: empty netns: expected \"inode:N\" or a path such as /run/netns/NAME");
	fails("ifname vista-nosuch", "column 8: interface \"vista-nosuch\" not found in the current netns");
	fails("ifname a23456789012345x",
	      "column 8: interface name \"a23456789012345x\" is too long (max 15 characters)");
	fails("ifname", "column 1: \"ifname\" needs a value");
	fails("ifname lo eth0", "column 11: \"eth0\" is not a command, and \"ifname\" takes a single value");
	/* No namespace has inode 1: the ifname cannot follow the netns there. */
	fails("ifname lo; netns inode:1",
	      "column 18: cannot keep ifname \"lo\": no process or /run/netns entry holds netns inode:1");
	/* An ifname resolved in a netns that nothing holds any more. */
	fails("netns inode:1; ifname lo", "column 23: no process or /run/netns entry holds netns inode:1");

	{
		char spec[FILTER_NETNS_MAX + 16];

		memcpy(spec, "netns /", 7);
		memset(spec + 7, 'n', FILTER_NETNS_MAX - 1);
		spec[7 + FILTER_NETNS_MAX - 1] = '\0';
		fails(spec,
		      "column 7: netns \"/nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn...\" is too "
		      "long (256 bytes, max 255)");
	}
}

static void test_syntax(void)
{
	struct filter_set fs;

	is_int(exec_fresh(&fs, ""), 0, "empty line: nothing to do");
	is_int(exec_fresh(&fs, " \t "), 0, "blank line: nothing to do");
	is_int(exec_fresh(&fs, "# port 80"), 0, "comment line: nothing to do");
	is_int(exec_fresh(&fs, "   # port 80"), 0, "indented comment line");
	is_int(exec_fresh(&fs, ";; ;"), 0, "empty commands");
	ok(same(&fs, &(struct filter_set){ 0 }), "  none of them changed anything");

	is_int(exec_fresh(&fs, "port 80;addr 10.0.0.1"), COMMAND_CHANGED, "';' without blanks");
	is_str(describe(&fs), "addr 10.0.0.1 port 80", "  both applied");
	is_int(exec_fresh(&fs, ";; port 80 ;; proto udp ;"), COMMAND_CHANGED, "empty commands around real ones");
	is_str(describe(&fs), "port 80 proto udp", "  both applied");
	is_int(exec_fresh(&fs, "port\t80"), COMMAND_CHANGED, "a tab separates words");
	is_int(fs.kernel.port, 80, "  port 80");
	is_int(exec_fresh(&fs, "port 80; # port 81; pid 1"), COMMAND_CHANGED, "'#' where a command starts");
	is_str(describe(&fs), "port 80", "  comments out the rest of the line");
	is_int(exec_fresh(&fs, "port '80'"), COMMAND_CHANGED, "a quoted value");
	is_int(fs.kernel.port, 80, "  port 80");
	is_int(exec_fresh(&fs, "'port' \"81\""), COMMAND_CHANGED, "a quoted command name");
	is_int(fs.kernel.port, 81, "  port 81");
	is_int(exec_fresh(&fs, "po'rt' 8\"2\""), COMMAND_CHANGED, "quoted and unquoted pieces make one word");
	is_int(fs.kernel.port, 82, "  port 82");
	is_int(exec_fresh(&fs, "func 'it\"s'\"'\""), COMMAND_CHANGED, "each quote kind inside the other");
	is_str(fs.func_regex, "it\"s'", "  taken literally");

	is_int(exec_fresh(&fs, "addr 10.0.0.2 port 80 proto tcp"), COMMAND_CHANGED, "commands without ';'");
	is_str(describe(&fs), "addr 10.0.0.2 port 80 proto tcp", "  each ends after its value");
	is_int(exec_fresh(&fs, "show port 80"), COMMAND_CHANGED | COMMAND_SHOW, "show, then a command");
	is_int(fs.kernel.port, 80, "  port 80");
	is_int(exec_fresh(&fs, "func 'a|b' pid 1"), COMMAND_CHANGED, "quoted func, then a command");
	ok(strcmp(fs.func_regex, "a|b") == 0 && fs.kernel.pid == 1, "  func a|b, pid 1");
	is_int(exec_fresh(&fs, "port 80 addr 10.0.0.1 clear port addr 10.0.0.2"), COMMAND_CHANGED,
	       "clear WHAT, then a command");
	is_str(describe(&fs), "addr 10.0.0.2", "  port cleared, address replaced");

	fails("port 80; prot tcp", "column 10: unknown command \"prot\" (commands: pcap addr port proto netns ifname "
				   "mark pid func sk-mark tcp-lifetime track clear show)");
	fails("show;prot tcp", "column 6: unknown command \"prot\" (commands: pcap addr port proto netns ifname mark "
			       "pid func sk-mark tcp-lifetime track clear show)");
	fails("PORT 80", "column 1: unknown command \"PORT\" (commands: pcap addr port proto netns ifname mark pid "
			 "func sk-mark tcp-lifetime track clear show)");
	fails("'port 80'",
	      "column 1: unknown command \"port 80\" (commands: pcap addr port proto netns ifname mark pid "
	      "func sk-mark tcp-lifetime track clear show)");
	fails("''", "column 1: unknown command \"\" (commands: pcap addr port proto netns ifname mark pid func sk-mark "
		    "tcp-lifetime track clear show)");
	fails("port 80 '", "column 9: unterminated quote");
	fails("port 8\"0", "column 7: unterminated quote");
	fails("port \x1b[2J", "column 6: unexpected control character 0x1b");
	fails("port 80\n", "column 8: unexpected control character 0x0a");
	fails("port 80\x7f", "column 8: unexpected control character 0x7f");
	/* Columns count characters: "é" is two bytes but one column. */
	fails("pcap \xc3\xa9 'x", "column 8: unterminated quote");
}

static void test_show(void)
{
	struct filter_set fs, before;

	filter_set_init(&fs);
	is_int(exec(&fs, "show"), COMMAND_SHOW, "show on an empty set");
	is_int(exec(&fs, "port 80; show"), COMMAND_CHANGED | COMMAND_SHOW, "a change, then show");
	before = fs;
	is_int(exec(&fs, "show"), COMMAND_SHOW, "show alone");
	ok(same(&fs, &before), "  changes nothing");
	is_int(exec(&fs, "port 81; port 80"), 0, "a change undone on the same line is no change");
	fails("show all", "column 6: \"all\" is not a command, and \"show\" takes no value");
}

static void test_atomic(void)
{
	struct filter_set fs, before;

	filter_set_init(&fs);
	exec(&fs, "pcap icmp; port 80");
	before = fs;
	is_int(exec(&fs, "addr 10.0.0.1; port 70000"), -1, "a failing second command");
	is_str(err, "column 21: invalid port \"70000\": value out of range (max 65535)", "  names the second command");
	ok(same(&fs, &before), "  the first is not applied either");
	is_int(exec(&fs, "clear; pcap 'udp"), -1, "a clear followed by a syntax error");
	ok(same(&fs, &before), "  nothing cleared");
	is_int(exec(&fs, "clear pcap; prot tcp"), -1, "a clear followed by an unknown command");
	ok(same(&fs, &before), "  nothing cleared");
	is_int(exec(&fs, "ifname lo; addr x"), -1, "an ifname followed by a bad address");
	ok(same(&fs, &before), "  no ifname");
}

/* Every filter, each described by its own piece: clearing one must remove exactly that piece. */
static void test_clear(void)
{
	static const char *const what[] = { "pcap", "addr", "port", "proto", "netns", "ifname", "mark", "pid", "func" };
	uint32_t self = netns_current_inode();
	const char *piece[9];
	char all[512], line[512], want[512], netns[64];
	struct filter_set fs, full;

	snprintf(netns, sizeof(netns), "netns inode:%u", self);
	piece[0] = "pcap 'icmp'";
	piece[1] = "addr 10.0.0.2";
	piece[2] = "port 80";
	piece[3] = "proto tcp";
	piece[4] = netns;
	piece[5] = "ifname lo";
	piece[6] = "mark 0x10/0xff";
	piece[7] = "pid 42";
	piece[8] = "func 'kfree_skb'";
	snprintf(line, sizeof(line),
		 "pcap icmp; addr 10.0.0.2; port 80; proto tcp; %s; ifname lo; mark 0x10/0xff; "
		 "pid 42; func kfree_skb",
		 netns);
	filter_set_init(&full);
	full.kernel.collect = VISTA_COLLECT_META | VISTA_COLLECT_TUPLE;
	is_int(exec(&full, line), COMMAND_CHANGED, "every filter set");
	snprintf(all, sizeof(all),
		 "pcap 'icmp' addr 10.0.0.2 port 80 proto tcp mark 0x10/0xff pid 42 %s ifname lo func "
		 "'kfree_skb'",
		 netns);
	is_str(describe(&full), all, "  described in a fixed order");

	for (size_t i = 0; i < sizeof(what) / sizeof(what[0]); i++) {
		size_t off = 0;

		want[0] = '\0';
		/* The description order is pcap addr port proto mark pid netns ifname func. */
		static const int order[] = { 0, 1, 2, 3, 6, 7, 4, 5, 8 };
		for (size_t j = 0; j < 9; j++)
			if ((size_t)order[j] != i)
				off += (size_t)snprintf(want + off, sizeof(want) - off, "%s%s", off ? " " : "",
							piece[order[j]]);
		fs = full;
		snprintf(line, sizeof(line), "clear %s", what[i]);
		is_int(exec(&fs, line), COMMAND_CHANGED, line);
		is_str(describe(&fs), want, "  removes exactly that filter");
		is_int(fs.kernel.collect, VISTA_COLLECT_META | VISTA_COLLECT_TUPLE, "  collect untouched");
		is_int(exec(&fs, line), 0, "  clearing it again changes nothing");
	}

	fs = full;
	exec(&fs, "clear addr; clear port; clear proto; clear mark; clear pid; clear ifname");
	ok(fs.kernel.flags == VISTA_F_NETNS && fs.kernel.port == 0 && fs.kernel.l4_proto == 0 && fs.kernel.mark == 0 &&
	       fs.kernel.mark_mask == 0 && fs.kernel.pid == 0 && fs.kernel.ifindex == 0 && fs.kernel.addr[0] == 0 &&
	       fs.ifname[0] == '\0',
	   "cleared filters leave zeroes, the typed netns stays");

	fs = full;
	is_int(exec(&fs, "clear all"), COMMAND_CHANGED, "clear all");
	is_str(describe(&fs), "none", "  nothing left");
	ok(fs.kernel.flags == 0 && fs.kernel.collect == (VISTA_COLLECT_META | VISTA_COLLECT_TUPLE),
	   "  no flags, collect kept");
	fs = full;
	is_int(exec(&fs, "clear"), COMMAND_CHANGED, "bare clear");
	is_str(describe(&fs), "none", "  is clear all");
	full.kernel.collect = 0;
	filter_set_init(&fs);
	ok(exec(&full, "clear") == COMMAND_CHANGED && same(&full, &fs), "  and equals a fresh set byte for byte");

	fs = full;
	is_int(exec(&fs, "ifname lo; clear ifname"), 0, "clear ifname after ifname alone");
	ok(fs.kernel.flags == 0 && fs.kernel.netns == 0, "  removes the netns that came with it");

	fails("clear foo",
	      "column 7: unknown filter \"foo\" (want pcap, addr, port, proto, netns, ifname, mark, pid, func "
	      "or all)");
	fails("clear port 80", "column 12: \"80\" is not a command, and \"clear\" takes a single value");
	fails("clear port addr", "column 12: \"addr\" needs a value");
	fails("clear Port",
	      "column 7: unknown filter \"Port\" (want pcap, addr, port, proto, netns, ifname, mark, pid, "
	      "func or all)");
}

/* describe -> exec on a fresh set -> the same set, byte for byte, and the same description. */
static void round_trip(const char *line)
{
	struct filter_set fs, again;
	char first[FILTER_DESCRIBE_MAX];

	if (!ok(exec_fresh(&fs, line) == COMMAND_CHANGED, "set from: %s", line)) {
		printf("#   error: %s\n", err);
		return;
	}
	filter_set_describe(&fs, first, sizeof(first));
	if (!ok(exec_fresh(&again, first) == COMMAND_CHANGED, "  description executed: %s", first))
		printf("#   error: %s\n", err);
	ok(same(&fs, &again), "  rebuilds the same set");
	is_str(describe(&again), first, "  and the same description");
}

static void test_describe(void)
{
	uint32_t self = netns_current_inode();
	char line[512], want[512], tiny[12];
	struct filter_set fs;

	snprintf(line, sizeof(line),
		 "func 'kfree_skb|net_dev_.*'; ifname eth0; netns inode:%u; pid 42; "
		 "mark 0x10/0xff; proto tcp; port 80; addr 10.0.0.2; pcap 'icmp and host 10.0.0.1'",
		 self);
	/* eth0 exists on the development machine, lo everywhere. */
	if (exec_fresh(&fs, line) < 0) {
		snprintf(line, sizeof(line),
			 "func 'kfree_skb|net_dev_.*'; netns inode:%u; ifname lo; pid 42; "
			 "mark 0x10/0xff; proto tcp; port 80; addr 10.0.0.2; pcap 'icmp and host 10.0.0.1'",
			 self);
		exec_fresh(&fs, line);
	}
	snprintf(want, sizeof(want),
		 "pcap 'icmp and host 10.0.0.1' addr 10.0.0.2 port 80 proto tcp mark 0x10/0xff "
		 "pid 42 netns inode:%u ifname %s func 'kfree_skb|net_dev_.*'",
		 self, fs.ifname);
	is_str(describe(&fs), want, "every filter, in the documented order");

	round_trip(line);
	round_trip("pcap 'udp  port 53 '");
	round_trip("pcap ' udp port 53'");
	round_trip("func ' leading blank'");
	round_trip("func x \"it's\" and \"a;b\" and '#c'");
	round_trip("func 'a\"b'\"'\"'c'");
	round_trip("func '^(ip|ipv6)_rcv$'");
	round_trip("addr fd00::1; mark 7");
	round_trip("ifname lo");
	round_trip("netns /proc/self/ns/net");
	round_trip("netns '/proc/self/../self/ns/net'; ifname lo; port 1; proto icmp6; pid 1");

	/* A set built without the command language: only what the kernel side holds. */
	filter_set_init(&fs);
	fs.kernel.flags = VISTA_F_NETNS | VISTA_F_IFINDEX;
	fs.kernel.netns = 4026532000u;
	fs.kernel.ifindex = 3;
	is_str(describe(&fs), "netns inode:4026532000 ifindex 3", "a netns and ifindex without names: as numbers");

	exec_fresh(&fs, "port 80; pid 42");
	memset(tiny, 'x', sizeof(tiny));
	filter_set_describe(&fs, tiny, sizeof(tiny));
	is_str(tiny, "port 80 pid", "a short buffer is cut and terminated");
	tiny[0] = 'x';
	filter_set_describe(&fs, tiny, 0);
	ok(tiny[0] == 'x', "a zero-length buffer is not touched");
}

/* The longest description there can be still fits FILTER_DESCRIBE_MAX: every text field full of quotes. */
static void test_describe_max(void)
{
	struct filter_set fs;
	static char big[FILTER_DESCRIBE_MAX + 64];
	size_t n;

	filter_set_init(&fs);
	memset(fs.pcap, '\'', sizeof(fs.pcap) - 1);
	memset(fs.func_regex, '\'', sizeof(fs.func_regex) - 1);
	memset(fs.netns, '\'', sizeof(fs.netns) - 1);
	memset(fs.ifname, '\'', sizeof(fs.ifname) - 1);
	exec(&fs, "addr 1111:2222:3333:4444:5555:6666:7777:8888; port 65535; proto icmp6; mark 0xfffffffe/0xfffffffe; "
		  "pid 2147483647");
	fs.kernel.flags |= VISTA_F_NETNS | VISTA_F_IFINDEX;
	filter_set_describe(&fs, big, sizeof(big));
	n = strlen(big);
	ok(n < FILTER_DESCRIBE_MAX, "worst-case description is %zu bytes, below FILTER_DESCRIBE_MAX (%d)", n,
	   FILTER_DESCRIBE_MAX);
	ok(n < COMMAND_LINE_MAX + 1, "  and can be typed back as one line");
}

static void test_append_word(void)
{
	static const struct {
		const char *word, *quoted;
	} cases[] = {
		{ "kfree_skb", "kfree_skb" },
		{ "10.0.0.1", "10.0.0.1" },
		{ "fd00::1", "fd00::1" },
		{ "0x10/0xff", "0x10/0xff" },
		{ "inode:4026531840", "inode:4026531840" },
		{ "/run/netns/a-b_c", "/run/netns/a-b_c" },
		{ "", "''" },
		{ "a b", "'a b'" },
		{ "a|b", "'a|b'" },
		{ "a;b", "'a;b'" },
		{ "#x", "'#x'" },
		{ "a\"b", "'a\"b'" },
		{ "it's", "'it'\"'\"'s'" },
		{ "'", "''\"'\"''" },
		{ "\xc3\xa9", "'\xc3\xa9'" },
	};
	char buf[64], line[128];
	struct filter_set fs;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t off = 0;

		buf[0] = '\0';
		command_append_word(buf, sizeof(buf), &off, cases[i].word);
		is_str(buf, cases[i].quoted, "quoting of a word");
		is_int(off, strlen(cases[i].quoted), "  offset advanced past it");
		if (!cases[i].word[0])
			continue;
		snprintf(line, sizeof(line), "func %s", buf);
		exec_fresh(&fs, line);
		is_str(fs.func_regex, cases[i].word, "  read back as the same single word");
	}
}

/* ------------------------------------------------------------------ files */

static char tmp_path[64];

/* A new file in /tmp holding len bytes of text; its path is tmp_path. */
static bool write_tmp(const char *text, size_t len)
{
	int fd;

	strcpy(tmp_path, "/tmp/vista-cmd-XXXXXX");
	fd = mkstemp(tmp_path);
	if (fd < 0)
		return false;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return false;
	}
	return close(fd) == 0;
}

static int exec_file(struct filter_set *fs, const char *path)
{
	err[0] = '\0';
	return command_exec_file(fs, path, err, sizeof(err));
}

/* A file with text that must be refused with want (every %s in it being the path), the set untouched. */
static void file_fails(const char *text, size_t len, const char *want_fmt, const char *what)
{
	struct filter_set fs, before;
	char want[512];

	if (!ok(write_tmp(text, len), "temporary file for: %s", what))
		return;
	filter_set_init(&fs);
	exec(&fs, "port 80");
	before = fs;
	snprintf(want, sizeof(want), want_fmt, tmp_path, tmp_path);
	is_int(exec_file(&fs, tmp_path), -1, what);
	is_str(err, want, "  message");
	ok(same(&fs, &before), "  set unchanged");
	unlink(tmp_path);
}

static void test_file_good(void)
{
	static const char text[] = "# vista filters\n"
				   "\n"
				   "pcap icmp and host 10.0.0.1\r\n"
				   "   # indented comment\n"
				   "port 80; proto tcp\n"
				   "\t\n"
				   "func 'kfree_skb|net_dev_.*'\n"
				   "show\n"
				   "addr 10.0.0.2"; /* no final newline */
	struct filter_set fs, want;

	if (!ok(write_tmp(text, sizeof(text) - 1), "filter file written"))
		return;
	filter_set_init(&fs);
	is_int(exec_file(&fs, tmp_path), COMMAND_CHANGED | COMMAND_SHOW, "a filter file with comments and blank lines");
	is_str(describe(&fs),
	       "pcap 'icmp and host 10.0.0.1' addr 10.0.0.2 port 80 proto tcp func 'kfree_skb|net_dev_.*'",
	       "  every line applied; the \\r of a CRLF line ignored");
	exec_fresh(&want, "pcap icmp and host 10.0.0.1; port 80; proto tcp; func 'kfree_skb|net_dev_.*'; "
			  "addr 10.0.0.2");
	ok(same(&fs, &want), "  same set as the same commands on one line");
	is_int(exec_file(&fs, tmp_path), COMMAND_SHOW, "applying it again changes nothing");
	unlink(tmp_path);

	if (ok(write_tmp("", 0), "empty file written")) {
		filter_set_init(&fs);
		is_int(exec_file(&fs, tmp_path), 0, "an empty file changes nothing");
		unlink(tmp_path);
	}
}

static void test_file_errors(void)
{
	struct filter_set fs, before;
	char want[512], *big;
	int fd;

	file_fails("port 81\naddr 10.0.0.1\n\nport 70000\nport 82\n", 41,
		   "%s:4: column 6: invalid port \"70000\": value out of range (max 65535)",
		   "an error on line 4 (after valid lines)");
	file_fails("port 81\nport 'x\n", 16, "%s:2: column 6: unterminated quote", "an unterminated quote on line 2");
	file_fails("port 81\npo\0rt 80\n", 17, "%s:2: NUL byte: a filter file must be text", "a NUL byte on line 2");
	file_fails("port\r81\n", 8, "%s:1: column 5: unexpected control character 0x0d", "a \\r inside a line");

	/* Lines: COMMAND_FILE_LINE_MAX bytes are fine, one more is not. */
	big = malloc(COMMAND_FILE_MAX + 16);
	if (!ok(big != NULL, "memory for big files"))
		return;
	memset(big, ' ', COMMAND_FILE_LINE_MAX);
	memcpy(big + COMMAND_FILE_LINE_MAX - 7, "port 81", 7);
	big[COMMAND_FILE_LINE_MAX] = '\n';
	if (ok(write_tmp(big, COMMAND_FILE_LINE_MAX + 1), "file with a line of %d bytes", COMMAND_FILE_LINE_MAX)) {
		filter_set_init(&fs);
		is_int(exec_file(&fs, tmp_path), COMMAND_CHANGED, "  accepted");
		is_int(fs.kernel.port, 81, "  applied");
		unlink(tmp_path);
	}
	memcpy(big, "# x\n", 4);
	memset(big + 4, ' ', COMMAND_FILE_LINE_MAX + 1);
	snprintf(want, sizeof(want), "%%s:2: line is too long (%d bytes, max %d)", COMMAND_FILE_LINE_MAX + 1,
		 COMMAND_FILE_LINE_MAX);
	file_fails(big, 4 + COMMAND_FILE_LINE_MAX + 1, want, "a line of 1025 bytes");

	/* Size: exactly 1 MiB of comments is fine; one byte more is not. */
	for (size_t i = 0; i < COMMAND_FILE_MAX; i += 64)
		memcpy(big + i, "# a comment line, 64 bytes with its newline ...................\n", 64);
	if (ok(write_tmp(big, COMMAND_FILE_MAX), "file of exactly 1 MiB")) {
		filter_set_init(&fs);
		if (!ok(exec_file(&fs, tmp_path) == 0, "  accepted (only comments: no change)"))
			printf("#   error: %s\n", err);
		unlink(tmp_path);
	}
	big[COMMAND_FILE_MAX] = '\n';
	file_fails(big, COMMAND_FILE_MAX + 1, "cannot read filter file %s: larger than 1 MiB (1048577 bytes)",
		   "a file of 1 MiB + 1 byte");
	free(big);

	filter_set_init(&fs);
	exec(&fs, "port 80");
	before = fs;
	is_int(exec_file(&fs, "/tmp"), -1, "a directory");
	is_str(err, "cannot read filter file /tmp: it is a directory", "  message");
	is_int(exec_file(&fs, "/nonexistent/filters"), -1, "a missing file");
	is_str(err, "cannot read filter file /nonexistent/filters: No such file or directory", "  message");
	is_int(exec_file(&fs, "/dev/null"), -1, "a device");
	is_str(err, "cannot read filter file /dev/null: not a regular file", "  message");
	is_int(exec_file(&fs, ""), -1, "an empty path");
	is_str(err, "empty filter file name", "  message");
	/* Regular files that report size 0: the size limit still holds while reading. */
	is_int(exec_file(&fs, "/proc/kallsyms"), -1, "a /proc file larger than 1 MiB");
	is_str(err, "cannot read filter file /proc/kallsyms: larger than 1 MiB", "  message");
	is_int(exec_file(&fs, "/proc/self/mem"), -1, "a file that fails to read");
	is_str(err, "cannot read filter file /proc/self/mem: Input/output error", "  message");
	ok(same(&fs, &before), "  set unchanged by all of them");

	/* A FIFO without a writer: refused at once, no hang on open(). */
	strcpy(tmp_path, "/tmp/vista-cmd-fifo-XXXXXX");
	fd = mkstemp(tmp_path);
	if (ok(fd >= 0 && close(fd) == 0 && unlink(tmp_path) == 0 && mkfifo(tmp_path, 0600) == 0, "FIFO created")) {
		snprintf(want, sizeof(want), "cannot read filter file %s: not a regular file", tmp_path);
		is_int(exec_file(&fs, tmp_path), -1, "a FIFO");
		is_str(err, want, "  message");
		unlink(tmp_path);
	}
}

/* Root reads any file: check "unreadable" as nobody, in a child, and hand the message back through a pipe. */
static void test_file_unreadable(void)
{
	char got[512] = "", want[512];
	int pfd[2], status;
	ssize_t n;
	pid_t pid;

	if (!ok(write_tmp("port 80\n", 8) && chmod(tmp_path, 0600) == 0, "private file written"))
		return;
	snprintf(want, sizeof(want), "cannot read filter file %s: Permission denied", tmp_path);
	if (geteuid() != 0) {
		struct filter_set fs;

		chmod(tmp_path, 0);
		filter_set_init(&fs);
		is_int(exec_file(&fs, tmp_path), -1, "an unreadable file");
		is_str(err, want, "  message");
		unlink(tmp_path);
		return;
	}
	if (!ok(pipe(pfd) == 0, "pipe")) {
		unlink(tmp_path);
		return;
	}
	pid = fork();
	if (pid == 0) {
		struct filter_set fs;
		char e[512];

		close(pfd[0]);
		filter_set_init(&fs);
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		if (command_exec_file(&fs, tmp_path, e, sizeof(e)) != -1)
			_exit(3);
		_exit(write(pfd[1], e, strlen(e)) == (ssize_t)strlen(e) ? 0 : 4);
	}
	close(pfd[1]);
	n = read(pfd[0], got, sizeof(got) - 1);
	if (n > 0)
		got[n] = '\0';
	close(pfd[0]);
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "an unreadable file is refused (as uid 65534)");
	is_str(got, want, "  message");
	unlink(tmp_path);
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

static void check_other_netns(const char *ns)
{
	char path[128], line[256], want[256];
	struct filter_set fs, before, again;
	struct stat st;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	if (!ok(stat(path, &st) == 0, "stat %s", path))
		return;
	snprintf(line, sizeof(line), "netns %s; ifname vtest0", path);
	is_int(exec_fresh(&fs, line), COMMAND_CHANGED, "netns /run/netns/NAME; ifname vtest0");
	ok(fs.kernel.netns == st.st_ino && fs.kernel.ifindex > 1, "  that netns, vtest0's ifindex %u",
	   fs.kernel.ifindex);
	snprintf(want, sizeof(want), "netns %s ifname vtest0", path);
	is_str(describe(&fs), want, "  described");
	is_int(exec_fresh(&again, describe(&fs)), COMMAND_CHANGED, "  description executed");
	ok(same(&fs, &again), "  rebuilds the same set");

	before = fs;
	is_int(exec(&fs, "clear netns"), -1, "clear netns with an ifname only that netns has");
	is_str(err, "column 7: cannot keep ifname \"vtest0\": interface \"vtest0\" not found in the current netns",
	       "  message");
	ok(same(&fs, &before), "  set unchanged");
	is_int(exec(&fs, "netns /proc/self/ns/net"), -1, "moving the netns where vtest0 is not");
	is_str(err, "column 7: cannot keep ifname \"vtest0\": interface \"vtest0\" not found in the current netns",
	       "  message");
	ok(same(&fs, &before), "  set unchanged");
	is_int(exec(&fs, "clear ifname"), COMMAND_CHANGED, "clear ifname");
	ok(fs.kernel.flags == VISTA_F_NETNS && fs.kernel.netns == st.st_ino && fs.kernel.ifindex == 0,
	   "  the netns the user asked for stays");
	snprintf(want, sizeof(want), "netns %s", path);
	is_str(describe(&fs), want, "  described as the netns alone");

	snprintf(line, sizeof(line), "ifname lo; netns %s", path);
	is_int(exec_fresh(&fs, line), COMMAND_CHANGED, "ifname lo, then netns /run/netns/NAME");
	ok(fs.kernel.netns == st.st_ino && fs.kernel.ifindex == 1, "  lo followed into that netns");
	is_int(exec(&fs, "clear netns"), COMMAND_CHANGED, "clear netns with ifname lo");
	ok(fs.kernel.flags == (VISTA_F_NETNS | VISTA_F_IFINDEX) && fs.kernel.netns == netns_current_inode() &&
	       fs.kernel.ifindex == 1,
	   "  lo is ours again, still filtered with our netns");
	is_str(describe(&fs), "ifname lo", "  described as the ifname alone");
}

static void test_other_netns(void)
{
	char ns[64];

	if (geteuid() != 0) {
		tap_skip("creating a network namespace needs root");
		return;
	}
	snprintf(ns, sizeof(ns), "vista-cmd-%d", (int)getpid());
	if (sh("ip netns add %s 2>/dev/null", ns) != 0) {
		tap_skip("ip netns add failed");
		return;
	}
	/* From here on every path must reach the delete below. */
	if (ok(sh("ip -n %1$s link add vtest0 type dummy 2>/dev/null || "
		  "ip -n %1$s link add vtest0 type veth peer name vtest1",
		  ns) == 0,
	       "vtest0 created in %s", ns))
		check_other_netns(ns);
	ok(sh("ip netns delete %s", ns) == 0, "namespace %s deleted", ns);
}

int main(void)
{
	test_init_and_names();
	test_pcap();
	test_pcap_length();
	test_addr();
	test_port();
	test_proto();
	test_mark_pid();
	test_sk_mark_tcp_lifetime();
	test_track();
	test_func();
	test_func_length();
	test_netns_ifname();
	test_other_netns();
	test_syntax();
	test_show();
	test_atomic();
	test_clear();
	test_describe();
	test_describe_max();
	test_append_word();
	test_file_good();
	test_file_errors();
	test_file_unreadable();
	return tap_done();
}
