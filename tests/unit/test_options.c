// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for the vista command line (src/cli/options.c). */
#include "cli/options.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"

static struct vista_options o;
static char err[512];

/* Runs options_parse on "vista" followed by the given words. */
#define PARSE(...)   parse_words((const char *[]){ "vista", __VA_ARGS__, NULL })
#define PARSE_NONE() parse_words((const char *[]){ "vista", NULL })

static int parse_words(const char **words)
{
	int argc = 0;

	while (words[argc])
		argc++;
	options_free(&o);
	err[0] = '\0';
	/* getopt_long wants char **; it never writes to the strings themselves. */
	return options_parse(argc, (char **)words, &o, err, sizeof(err));
}

/* Expects a parse error with exactly this message. */
#define PARSE_ERR(want, ...)                                 \
	do {                                                 \
		int rc_ = PARSE(__VA_ARGS__);                \
		ok(rc_ == -1, "rejected: %s", #__VA_ARGS__); \
		is_str(err, want, "  message: " want);       \
	} while (0)

static void test_defaults(void)
{
	is_int(PARSE_NONE(), 0, "no arguments parse");
	is_int(o.filter_kprobe_batch, 10, "default --filter-kprobe-batch is 10");
	is_int(o.pcap_snaplen, 256, "default --pcap-snaplen is 256");
	ok(!o.pcap_snaplen_set, "--pcap-snaplen not marked as given");
	ok(o.pcap_mode_entry && o.pcap_mode_exit && !o.pcap_mode_set, "default --pcap-mode is entry and exit");
	is_int(o.timestamp, TIMESTAMP_NONE, "default --timestamp is none");
	ok(!o.output_meta && !o.output_tuple && !o.output_stack && !o.verbose && !o.help && !o.version,
	   "booleans default to false");
	ok(!o.filter_addr && !o.filter_port && !o.filter_protocol && !o.filter_skb_mark && !o.kprobe_backend,
	   "filters default to NULL");
	ok(!o.kmods && o.n_kmods == 0, "no kernel modules");
	ok(!o.pcap_filter, "no pcap-filter");
	ok(!o.filter_tcp_lifetime_set && o.filter_tcp_lifetime_ns == 0, "no TCP lifetime filter");
	is_int(o.output_limit_lines, 0, "no line limit");
}

static void test_booleans(void)
{
	is_int(PARSE("--output-meta", "--output-tuple", "--output-stack", "--verbose", "--filter-trace-skb"), 0,
	       "boolean flags");
	ok(o.output_meta && o.output_tuple && o.output_stack && o.verbose && o.filter_trace_skb, "  all set");
	ok(!o.pcap_filter, "  no positional words consumed as values");

	is_int(PARSE("--output-meta", "--output-meta=false"), 0, "--output-meta=false after --output-meta");
	ok(!o.output_meta, "  last one wins: false");
	is_int(PARSE("--output-meta=true", "--version=1", "--all-kmods=T"), 0, "--flag=true, =1 and =T");
	ok(o.output_meta && o.version && o.all_kmods, "  all true");
	is_int(PARSE("--output-tuple", "false"), 0, "a boolean does not take the next word");
	ok(o.output_tuple, "  flag set");
	is_str(o.pcap_filter, "false", "  next word is a pcap-filter word");

	PARSE_ERR("invalid argument \"yes\" for \"--output-meta\" flag: invalid syntax", "--output-meta=yes");
	PARSE_ERR("invalid argument \"\" for \"--verbose\" flag: invalid syntax", "--verbose=");

	is_int(PARSE("--filter-skb-drop-stack", "--filter-track-skb", "--filter-trace-sk", "--filter-trace-tcp",
		     "--filter-trace-iptables", "--filter-trace-xdp", "--filter-trace-tc", "--output-sk",
		     "--output-tcp", "--output-iptables", "--output-skb"),
	       0, "every other boolean flag");
	ok(o.filter_skb_drop_stack && o.filter_track_skb && o.filter_trace_sk && o.filter_trace_tcp &&
	       o.filter_trace_iptables && o.filter_trace_xdp && o.filter_trace_tc && o.output_sk && o.output_tcp &&
	       o.output_iptables && o.output_skb,
	   "  each reaches its own field");
}

static void test_help(void)
{
	is_int(PARSE("-h"), 0, "-h parses");
	ok(o.help, "  sets help");
	is_int(PARSE("--help"), 0, "--help parses");
	ok(o.help, "  sets help");
	is_int(PARSE("--help", "--no-such-flag"), 0, "help stops parsing, as pflag does");
	ok(o.help, "  help set");
	PARSE_ERR("unknown flag: --no-such-flag", "--no-such-flag", "--help");
	is_int(PARSE("--help=false", "--verbose"), 0, "--help=false");
	ok(!o.help && o.verbose, "  help off, parsing goes on");
	PARSE_ERR("unknown shorthand flag: 'x' in -x", "-x");
	PARSE_ERR("unknown shorthand flag: 'v' in -v", "-v");
}

static void test_ring_buffer_size(void)
{
	is_int(PARSE_NONE(), 0, "no arguments");
	is_int(o.ring_buffer_size, 16 << 20, "default --ring-buffer-size is 16 MiB");
	is_int(PARSE("--ring-buffer-size", "4096"), 0, "--ring-buffer-size 4096");
	is_int(o.ring_buffer_size, 4096, "  stored");
	is_int(PARSE("--ring-buffer-size=0x4000000"), 0, "--ring-buffer-size=64 MiB in hex");
	is_int(o.ring_buffer_size, 64 << 20, "  stored");
	PARSE_ERR(
	    "invalid argument \"5000\" for \"--ring-buffer-size\" flag: must be a power of two of at least the page "
	    "size (4096)",
	    "--ring-buffer-size", "5000");
	PARSE_ERR(
	    "invalid argument \"2048\" for \"--ring-buffer-size\" flag: must be a power of two of at least the page "
	    "size (4096)",
	    "--ring-buffer-size", "2048");
	PARSE_ERR(
	    "invalid argument \"2147483648\" for \"--ring-buffer-size\" flag: value out of range (max 1073741824)",
	    "--ring-buffer-size", "2147483648");
}

static void test_export_options(void)
{
	is_int(PARSE_NONE(), 0, "no arguments");
	is_int(o.output_file_max_size, 0, "default --output-file-max-size: never rotate");
	is_int(o.output_file_max_backups, 5, "default --output-file-max-backups is 5");
	ok(!o.output_json, "JSON off by default");
	is_int(PARSE("--output-file-max-size", "1000"), 0, "--output-file-max-size 1000");
	is_int(o.output_file_max_size, 1000, "  1000 bytes");
	is_int(PARSE("--output-file-max-size=512K"), 0, "--output-file-max-size=512K");
	is_int(o.output_file_max_size, 512 << 10, "  512 KiB");
	is_int(PARSE("--output-file-max-size=10m"), 0, "--output-file-max-size=10m");
	is_int(o.output_file_max_size, 10 << 20, "  10 MiB");
	is_int(PARSE("--output-file-max-size=2G"), 0, "--output-file-max-size=2G");
	ok(o.output_file_max_size == 2ULL << 30, "  2 GiB");
	is_int(PARSE("--output-file-max-backups", "0", "--output-json"), 0,
	       "--output-file-max-backups 0 --output-json");
	is_int(o.output_file_max_backups, 0, "  0 backups");
	ok(o.output_file_max_backups_set && o.output_json, "  set, JSON on");
	PARSE_ERR("invalid argument \"10X\" for \"--output-file-max-size\" flag: invalid syntax",
		  "--output-file-max-size", "10X");
	PARSE_ERR("invalid argument \"M\" for \"--output-file-max-size\" flag: want a size in bytes, e.g. 1048576, "
		  "512K, 10M or 1G",
		  "--output-file-max-size", "M");
	PARSE_ERR("invalid argument \"\" for \"--output-file-max-size\" flag: want a size in bytes, e.g. 1048576, "
		  "512K, 10M or 1G",
		  "--output-file-max-size=");
	PARSE_ERR("invalid argument \"1001\" for \"--output-file-max-backups\" flag: value out of range (max 1000)",
		  "--output-file-max-backups", "1001");
}

static void test_values(void)
{
	is_int(PARSE("--filter-port", "443"), 0, "--filter-port 443");
	is_str(o.filter_port, "443", "  stored");
	is_int(PARSE("--filter-port=443"), 0, "--filter-port=443");
	is_str(o.filter_port, "443", "  stored");
	is_int(PARSE("--filter-port=80", "--filter-port=0"), 0, "--filter-port=0 after 80");
	ok(!o.filter_port, "  0 means no port filter");
	PARSE_ERR("invalid argument \"70000\" for \"--filter-port\" flag: value out of range (max 65535)",
		  "--filter-port", "70000");
	PARSE_ERR("invalid argument \"http\" for \"--filter-port\" flag: invalid syntax", "--filter-port=http");
	PARSE_ERR("flag needs an argument: --filter-port", "--filter-port");
	PARSE_ERR("invalid argument \"--verbose\" for \"--filter-port\" flag: invalid syntax", "--filter-port",
		  "--verbose");

	is_int(PARSE("--filter-addr", "10.0.0.1"), 0, "--filter-addr IPv4");
	is_str(o.filter_addr, "10.0.0.1", "  stored");
	is_int(PARSE("--filter-addr=fd00::1"), 0, "--filter-addr IPv6");
	is_str(o.filter_addr, "fd00::1", "  stored");
	PARSE_ERR("invalid argument \"300.1.1.1\" for \"--filter-addr\" flag: not an IPv4 or IPv6 address",
		  "--filter-addr", "300.1.1.1");
	is_int(PARSE("--filter-addr=10.0.0.1", "--filter-addr="), 0, "--filter-addr= (empty)");
	ok(!o.filter_addr, "  means any address");

	is_int(PARSE("--filter-protocol", "icmp6"), 0, "--filter-protocol icmp6");
	is_str(o.filter_protocol, "icmp6", "  stored");
	is_int(PARSE("--filter-protocol=icmpv6"), 0, "--filter-protocol icmpv6 alias");
	is_int(PARSE("--filter-protocol=TCP"), 0, "--filter-protocol is case-insensitive");
	is_int(PARSE("--filter-protocol=udp", "--filter-protocol="), 0, "--filter-protocol= (empty)");
	ok(!o.filter_protocol, "  means any protocol");
	PARSE_ERR(
	    "invalid argument \"sctp\" for \"--filter-protocol\" flag: want tcp, udp, icmp, icmp6 or empty for any",
	    "--filter-protocol", "sctp");

	is_int(PARSE("--filter-skb-mark", "0x100"), 0, "--filter-skb-mark 0x100");
	is_str(o.filter_skb_mark, "0x100", "  stored");
	is_int(PARSE("--filter-skb-mark=0x1/0xff"), 0, "--filter-skb-mark with a mask");
	is_str(o.filter_skb_mark, "0x1/0xff", "  stored");
	is_int(PARSE("--filter-skb-mark=0/0xff"), 0, "--filter-skb-mark 0 with a mask");
	is_str(o.filter_skb_mark, "0/0xff", "  is a real filter");
	is_int(PARSE("--filter-skb-mark=5", "--filter-skb-mark=0"), 0, "--filter-skb-mark=0");
	ok(!o.filter_skb_mark, "  means no mark filter, as in the seed");
	PARSE_ERR("invalid argument \"0x3/0x1\" for \"--filter-skb-mark\" flag: mark 0x3 has bits outside mask 0x1",
		  "--filter-skb-mark=0x3/0x1");
	PARSE_ERR("invalid argument \"4294967296\" for \"--filter-skb-mark\" flag: value out of range (max 4294967295)",
		  "--filter-skb-mark=4294967296");

	is_int(PARSE("--filter-sk-mark", "7"), 0, "--filter-sk-mark 7");
	is_str(o.filter_sk_mark, "7", "  stored");
	is_int(PARSE("--filter-sk-mark=0"), 0, "--filter-sk-mark=0");
	ok(!o.filter_sk_mark, "  means no sk mark filter");
	PARSE_ERR("invalid argument \"0x1/0xff\" for \"--filter-sk-mark\" flag: invalid syntax",
		  "--filter-sk-mark=0x1/0xff");

	is_int(PARSE("--filter-tcp-lifetime", "1.5s"), 0, "--filter-tcp-lifetime 1.5s");
	ok(o.filter_tcp_lifetime_set && o.filter_tcp_lifetime_ns == 1500000000ULL, "  1500000000 ns");
	is_int(PARSE("--filter-tcp-lifetime=1h30m"), 0, "--filter-tcp-lifetime=1h30m");
	ok(o.filter_tcp_lifetime_ns == 5400000000000ULL, "  5400000000000 ns");
	PARSE_ERR("invalid argument \"5\" for \"--filter-tcp-lifetime\" flag: missing unit in duration \"5\"",
		  "--filter-tcp-lifetime", "5");
	PARSE_ERR("invalid argument \"-1s\" for \"--filter-tcp-lifetime\" flag: negative duration \"-1s\"",
		  "--filter-tcp-lifetime=-1s");

	is_int(PARSE("--filter-kprobe-batch", "0x20"), 0, "--filter-kprobe-batch 0x20");
	is_int(o.filter_kprobe_batch, 32, "  is 32");
	PARSE_ERR("invalid argument \"0\" for \"--filter-kprobe-batch\" flag: must be at least 1",
		  "--filter-kprobe-batch=0");
	PARSE_ERR("invalid argument \"-3\" for \"--filter-kprobe-batch\" flag: invalid syntax",
		  "--filter-kprobe-batch=-3");

	is_int(PARSE("--output-limit-lines", "18446744073709551615"), 0, "--output-limit-lines at its maximum");
	ok(o.output_limit_lines == UINT64_MAX, "  stored");
	PARSE_ERR(
	    "invalid argument \"18446744073709551616\" for \"--output-limit-lines\" flag: value out of range (max "
	    "18446744073709551615)",
	    "--output-limit-lines=18446744073709551616");
	PARSE_ERR("invalid argument \"10x\" for \"--output-limit-lines\" flag: invalid syntax", "--output-limit-lines",
		  "10x");

	is_int(PARSE("--pcap-snaplen", "65535"), 0, "--pcap-snaplen 65535");
	ok(o.pcap_snaplen == 65535 && o.pcap_snaplen_set, "  stored and marked as given");
	PARSE_ERR("invalid argument \"0\" for \"--pcap-snaplen\" flag: must be at least 1", "--pcap-snaplen=0");
	PARSE_ERR("invalid argument \"65536\" for \"--pcap-snaplen\" flag: value out of range (max 65535)",
		  "--pcap-snaplen=65536");
}

static void test_choices(void)
{
	static const char *const backends[] = { "kprobe", "kprobe-multi", "fentry", "tracepoint" };

	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		is_int(PARSE("--kprobe-backend", backends[i]), 0, backends[i]);
		is_str(o.kprobe_backend, backends[i], "  backend stored");
	}
	is_int(PARSE("--kprobe-backend=fentry", "--kprobe-backend="), 0, "--kprobe-backend= (empty)");
	ok(!o.kprobe_backend, "  means auto-detect");
	PARSE_ERR("invalid argument \"uprobe\" for \"--kprobe-backend\" flag: want kprobe, kprobe-multi, fentry or "
		  "tracepoint",
		  "--kprobe-backend", "uprobe");

	is_int(PARSE("--timestamp", "relative"), 0, "--timestamp relative");
	is_int(o.timestamp, TIMESTAMP_RELATIVE, "  relative");
	is_int(PARSE("--timestamp=absolute"), 0, "--timestamp=absolute");
	is_int(o.timestamp, TIMESTAMP_ABSOLUTE, "  absolute");
	is_int(PARSE("--timestamp=absolute", "--timestamp=none"), 0, "--timestamp=none");
	is_int(o.timestamp, TIMESTAMP_NONE, "  none");
	PARSE_ERR("invalid argument \"current\" for \"--timestamp\" flag: want none, relative or absolute",
		  "--timestamp=current");

	is_int(PARSE("--pcap-mode", "entry"), 0, "--pcap-mode entry");
	ok(o.pcap_mode_entry && !o.pcap_mode_exit && o.pcap_mode_set, "  replaces the default: entry only");
	is_int(PARSE("--pcap-mode=exit", "--pcap-mode=entry"), 0, "--pcap-mode repeated");
	ok(o.pcap_mode_entry && o.pcap_mode_exit, "  later uses add: entry and exit");
	is_int(PARSE("--pcap-mode=exit,entry"), 0, "--pcap-mode comma list");
	ok(o.pcap_mode_entry && o.pcap_mode_exit, "  entry and exit");
	PARSE_ERR("invalid argument \"entry,both\" for \"--pcap-mode\" flag: want entry and/or exit",
		  "--pcap-mode=entry,both");
	PARSE_ERR("invalid argument \"\" for \"--pcap-mode\" flag: want entry and/or exit", "--pcap-mode=");
}

static void test_kmods(void)
{
	is_int(PARSE("--kmods", "a,b", "--kmods", "c"), 0, "--kmods a,b --kmods c");
	is_int(o.n_kmods, 3, "  three modules");
	ok(o.n_kmods == 3 && strcmp(o.kmods[0], "a") == 0 && strcmp(o.kmods[1], "b") == 0 &&
	       strcmp(o.kmods[2], "c") == 0 && o.kmods[3] == NULL,
	   "  a, b, c in order, NULL-terminated");
	is_int(PARSE("--kmods=wireguard,veth", "--kmods=veth"), 0, "--kmods with a repeated module");
	is_int(o.n_kmods, 2, "  duplicates dropped");
	is_int(PARSE("--kmods="), 0, "--kmods= (empty)");
	is_int(o.n_kmods, 0, "  adds nothing");
	PARSE_ERR("invalid argument \"a,,b\" for \"--kmods\" flag: empty module name", "--kmods=a,,b");
	PARSE_ERR("invalid argument \"a,\" for \"--kmods\" flag: empty module name", "--kmods", "a,");
}

static void test_strings(void)
{
	is_int(PARSE("--filter-ifname", "veth0", "--filter-netns", "inode:4026531840", "--filter-skb-func", "ip_.*",
		     "--filter-sk-func=tcp_.*", "--kernel-btf", "/tmp/vmlinux", "--output-file=/tmp/out", "--pcap-file",
		     "/tmp/p.pcap", "--ready-file", "/run/ready", "--filter-file", "/etc/vista.filters"),
	       0, "string options");
	is_str(o.filter_file, "/etc/vista.filters", "  --filter-file");
	is_str(o.filter_ifname, "veth0", "  --filter-ifname");
	is_str(o.filter_netns, "inode:4026531840", "  --filter-netns");
	is_str(o.filter_skb_func, "ip_.*", "  --filter-skb-func");
	is_str(o.filter_sk_func, "tcp_.*", "  --filter-sk-func");
	is_str(o.kernel_btf, "/tmp/vmlinux", "  --kernel-btf");
	is_str(o.output_file, "/tmp/out", "  --output-file");
	is_str(o.pcap_file, "/tmp/p.pcap", "  --pcap-file");
	is_str(o.ready_file, "/run/ready", "  --ready-file");
	is_int(PARSE("--filter-ifname=veth0", "--filter-ifname="), 0, "an empty string value");
	ok(!o.filter_ifname, "  counts as not given");
	PARSE_ERR("flag needs an argument: --output-file", "--output-file");
}

static void test_record_replay(void)
{
	ok(!PARSE_NONE() && !o.record_file && !o.replay_file, "no --record, no --replay by default");
	is_int(PARSE("--record", "/tmp/trace.vrec", "--output-stack"), 0, "--record FILE");
	is_str(o.record_file, "/tmp/trace.vrec", "  stored");
	ok(o.output_stack && !o.pcap_filter, "  takes one word");
	is_int(PARSE("--replay=trace.vrec", "--output-tuple"), 0, "--replay=FILE");
	is_str(o.replay_file, "trace.vrec", "  stored");
	is_int(PARSE("--record=a.vrec", "--record="), 0, "--record= (empty)");
	ok(!o.record_file, "  means no recording");
	/* Both parse: that they exclude each other is checked with the other --replay rules (trace_setup). */
	is_int(PARSE("--record", "a.vrec", "--replay", "b.vrec"), 0, "--record and --replay both parse");
	ok(o.record_file && o.replay_file, "  both stored");
	PARSE_ERR("flag needs an argument: --record", "--record");
	PARSE_ERR("flag needs an argument: --replay", "--replay");
	PARSE_ERR("unknown flag: --rec", "--rec", "x");
	PARSE_ERR("unknown flag: --replay-file", "--replay-file=x");
}

static void test_unknown(void)
{
	PARSE_ERR("unknown flag: --foo", "--foo");
	PARSE_ERR("unknown flag: --foo", "--foo=bar");
	/* No abbreviations, even unambiguous ones, and not even with a missing value. */
	PARSE_ERR("unknown flag: --filter-po", "--filter-po", "80");
	PARSE_ERR("unknown flag: --filter-po", "--filter-po");
	PARSE_ERR("unknown flag: --filter-trace-s", "--filter-trace-s"); /* ambiguous prefix */
	PARSE_ERR("unknown flag: --outp", "--outp=x");
	is_int(PARSE("--filter-trace-sk"), 0, "--filter-trace-sk is exact, not a prefix of --filter-trace-skb");
	ok(o.filter_trace_sk && !o.filter_trace_skb, "  sets only filter_trace_sk");
}

static void test_pcap_filter(void)
{
	is_int(PARSE("icmp", "and", "host", "1.2.3.4"), 0, "pcap-filter words");
	is_str(o.pcap_filter, "icmp and host 1.2.3.4", "  joined with spaces");
	is_int(PARSE("--output-meta", "tcp", "--filter-port", "80", "port", "443"), 0, "options mixed with words");
	is_str(o.pcap_filter, "tcp port 443", "  words in order, values not included");
	ok(o.output_meta, "  options still applied");
	is_int(PARSE("--verbose", "--", "--output-meta", "-h"), 0, "-- ends options");
	is_str(o.pcap_filter, "--output-meta -h", "  the rest are words");
	ok(o.verbose && !o.output_meta && !o.help, "  only options before -- applied");
	is_int(PARSE("--"), 0, "a lone --");
	ok(!o.pcap_filter, "  no words");
	is_int(PARSE("-"), 0, "a lone - is a word");
	is_str(o.pcap_filter, "-", "  kept");
	is_int(PARSE("tcp and (port 80 or port 443)"), 0, "one quoted expression");
	is_str(o.pcap_filter, "tcp and (port 80 or port 443)", "  kept whole");
}

static void test_reparse(void)
{
	/* The second parse must not see the state of the first (getopt is reset every time). */
	is_int(PARSE("--filter-port", "80", "icmp"), 0, "first parse");
	is_int(PARSE("--output-tuple", "udp"), 0, "second parse");
	ok(!o.filter_port && o.output_tuple, "  starts from the defaults");
	is_str(o.pcap_filter, "udp", "  its own words only");
	PARSE_ERR("unknown shorthand flag: 'z' in -z", "-z");
	is_int(PARSE("--verbose"), 0, "a parse after a short-option error");
	ok(o.verbose, "  works");
	PARSE_ERR("invalid argument \"x\" for \"--timestamp\" flag: want none, relative or absolute", "--kmods=a,b",
		  "tcp", "--timestamp=x");
	ok(!o.kmods && !o.pcap_filter && o.n_kmods == 0, "a failed parse frees what it allocated");
}

static const char expected_help[] =
    "Usage: ./vista [options] [pcap-filter]\n"
    "    Available pcap-filter: see \"man 7 pcap-filter\"\n"
    "    Available options:\n"
    "      --all-kmods                      attach to all available kernel modules\n"
    "      --filter-addr string             filter IP address\n"
    "      --filter-file string             apply the filter commands of this file (see FILTER COMMANDS in "
    "vista(8)) (vista addition)\n"
    "      --filter-ifname string           filter skb ifname in --filter-netns (if not specified, "
    "use current netns)\n"
    "      --filter-kprobe-batch uint       batch size for kprobe attaching/detaching (default 10)\n"
    "      --filter-netns string            filter netns (\"/proc/<pid>/ns/net\", \"inode:<inode>\")\n"
    "      --filter-port uint16             filter port\n"
    "      --filter-protocol string         filter protocol, tcp, udp, icmp, empty for any\n"
    "      --filter-sk-func string          filter kernel sk functions to be probed by name (exact "
    "match, supports RE2 regular expression)\n"
    "      --filter-sk-mark uint32          filter sk mark\n"
    "      --filter-skb-drop-stack          trace kfree_skb and print skb drop stack\n"
    "      --filter-skb-func string         filter kernel skb functions to be probed by name (exact "
    "match, supports RE2 regular expression)\n"
    "      --filter-skb-mark uint32[/mask]  filter skb mark\n"
    "      --filter-tcp-lifetime duration   filter TCP lifetime greater than or equal to the given "
    "duration (e.g., 100ms, 1s, 1m)\n"
    "      --filter-trace-iptables          trace iptables\n"
    "      --filter-trace-sk                trace sock\n"
    "      --filter-trace-skb               trace skb\n"
    "      --filter-trace-tc                trace TC bpf progs\n"
    "      --filter-trace-tcp               trace tcp socket lifetime\n"
    "      --filter-trace-xdp               trace XDP bpf progs\n"
    "      --filter-track-skb               trace a packet even if it does not match given filters "
    "(e.g., after NAT or tunnel decapsulation); following its clones and copies needs the kprobe, kprobe-multi or "
    "fentry backend\n"
    "  -h, --help                           display this message and exit\n"
    "      --kernel-btf string              specify kernel BTF file\n"
    "      --kmods strings                  list of kernel modules names to attach to\n"
    "      --kprobe-backend string          Tracing backend('kprobe', 'kprobe-multi', 'fentry', "
    "'tracepoint'). Will auto-detect if not specified.\n"
    "      --output-file string             write traces to file\n"
    "      --output-file-max-backups uint   rotated output files to keep, FILE.1 (newest) .. FILE.N (default 5) "
    "(vista addition)\n"
    "      --output-file-max-size size      rotate the output file when it would grow past this size (e.g. 10M), 0 "
    "never (vista addition)\n"
    "      --output-flows                   print one summary per skb when it is freed: hooks, devices, "
    "namespaces, address rewrites and its fate (vista addition)\n"
    "      --output-iptables                print iptables\n"
    "      --output-json                    print one JSON object per event, one per line (vista addition)\n"
    "      --output-limit-lines uint        exit the program after the number of events has been "
    "received/printed\n"
    "      --output-meta                    print skb metadata\n"
    "      --output-sk                      print sock\n"
    "      --output-skb                     print skb\n"
    "      --output-stack                   print stack\n"
    "      --output-tcp                     print TCP\n"
    "      --output-tuple                   print L4 tuple\n"
    "      --pcap-file string               write packets to pcap file, only work with "
    "--filter-trace-xdp/--filter-trace-tc\n"
    "      --pcap-mode strings              pcap mode, can be 'entry' and/or 'exit', only work with "
    "--pcap-file. Default is 'entry' and 'exit'. 'entry' is to capture packet before BPF prog, 'exit' "
    "is to capture packet after BPF prog.\n"
    "      --pcap-snaplen uint16            snapshot length of packet for pcap (default 256)\n"
    "      --ready-file string              write this file once every probe is attached (vista addition)\n"
    "      --record string                  also write the events to this file, for --replay (vista addition)\n"
    "      --replay string                  print the events of a --record file instead of tracing; needs no root "
    "(vista addition)\n"
    "      --ring-buffer-size uint          bytes of the kernel's event ring buffer, a power of two (default 16777216) "
    "(vista addition)\n"
    "      --timestamp string               print timestamp per event (\"relative\", \"absolute\", "
    "\"none\") (default \"none\")\n"
    "      --verbose                        print libbpf and verifier diagnostics (vista addition)\n"
    "      --version                        show vista version and exit\n";

static void test_help_text(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f) {
		ok(false, "open_memstream");
		return;
	}
	options_print_help(f, "./vista");
	fclose(f);
	is_str(text, expected_help, "--help text matches the seed's layout with vista's additions");
	free(text);
}

int main(void)
{
	test_ring_buffer_size();
	test_defaults();
	test_booleans();
	test_help();
	test_values();
	test_export_options();
	test_choices();
	test_record_replay();
	test_kmods();
	test_strings();
	test_unknown();
	test_pcap_filter();
	test_reparse();
	test_help_text();
	options_free(&o);
	return tap_done();
}
