// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vista command line, parsed the way the Go seed's pflag parses it:
 * long options only (plus -h), "--opt value" and "--opt=value", booleans
 * that take no separate value but accept "--flag=false", options and
 * pcap-filter words freely mixed, "--" ending the options.
 *
 * One table drives both getopt_long and --help, so the two cannot drift.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* getopt_long */
#endif
#include "cli/options.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>

#include "core/strparse.h"
#include "core/errmsg.h"

#define HELP_COLUMN  39  /* where descriptions start in --help, as in the seed */
#define OPT_VAL_BASE 256 /* getopt_long values for long options: above any short option character */

enum opt_kind {
	OPT_BOOL,   /* bool field; takes no separate value, "--flag=BOOL" allowed */
	OPT_STRING, /* const char * field pointing into argv; "" means not given */
	OPT_CUSTOM, /* parsed and checked by set() */
};

struct opt_def {
	const char *name;
	const char *type; /* placeholder shown in --help, NULL for booleans */
	const char *desc;
	enum opt_kind kind;
	size_t off; /* field for OPT_BOOL and OPT_STRING */
	/* OPT_CUSTOM: 0, or -1 with the reason (the part after "flag: ") in why. */
	int (*set)(struct vista_options *o, const char *val, char *why, size_t whylen);
};

/* Index of val in the NULL-terminated list words, or -1. */
static int word_index(const char *val, const char *const *words)
{
	for (int i = 0; words[i]; i++)
		if (strcmp(val, words[i]) == 0)
			return i;
	return -1;
}

static int set_filter_addr(struct vista_options *o, const char *val, char *why, size_t whylen)
{
	unsigned char buf[16];

	if (!*val) {
		o->filter_addr = NULL;
		return 0;
	}
	if (inet_pton(AF_INET, val, buf) != 1 && inet_pton(AF_INET6, val, buf) != 1)
		return errmsg_set(why, whylen, "not an IPv4 or IPv6 address");
	o->filter_addr = val;
	return 0;
}

/* A count that must be at least 1 and at most max. */
static int parse_count(const char *val, uint64_t max, uint64_t *out, char *why, size_t whylen)
{
	if (parse_u64(val, max, out, why, whylen))
		return -1;
	return *out < 1 ? errmsg_set(why, whylen, "must be at least 1") : 0;
}

static int set_filter_kprobe_batch(struct vista_options *o, const char *val, char *why, size_t whylen)
{
	return parse_count(val, UINT64_MAX, &o->filter_kprobe_batch, why, whylen);
}

static int set_filter_port(struct vista_options *o, const char *val, char *why, size_t whylen)
{
	uint64_t v;

	if (parse_u64(val, UINT16_MAX, &v, why, whylen))
		return -1;
	/* 0 is the seed's default, "no port filter": leave the field NULL so non-NULL always means a filter. */
	o->filter_port = v ? val : NULL;
	return 0;
}

static int set_filter_protocol(struct vista_options *o, const char *val, char *why, size_t whylen)
{
	static const char *const protos[] = { "tcp", "udp", "icmp", "icmp6", "icmpv6", NULL };

	if (!*val || strcasecmp(val, "any") == 0) {
		o->filter_protocol = NULL;
		return 0;
	}
	for (int i = 0; protos[i]; i++) {
		if (strcasecmp(val, protos[i]) == 0) {
			o->filter_protocol = val;
			return 0;
		}
	}
	return errmsg_set(why, whylen, "want tcp, udp, icmp, icmp6 or empty for any");
}

static int set_filter_sk_mark(struct vista_options *o, const char *val, char *why, size_t whylen)
{
	uint64_t v;

	if (parse_u64(val, UINT32_MAX, &v, why, whylen))
		return -1;
	o->filter_sk_mark = v ? val : NULL; /* 0: the seed's "no sk mark filter" */
	return 0;
}

static int set_filter_skb_mark(struct vista_options *o, const char *val, char *why, size_t whylen)
{
	uint32_t mark, mask;

	if (parse_mark(val, &mark, &mask, why, whylen))
		return -1;
	/* A bare 0 is the seed's "no mark filter"; 0/MASK is a real filter on the masked bits. */
	o->filter_skb_mark = mark == 0 && mask == UINT32_MAX ? NULL : val;
	return 0;
}

static int set_filter_tcp_lifetime(struct vista_options *o, const char *val, char *why, size_t whylen)
{
	if (parse_duration_ns(val, &o->filter_tcp_lifetime_ns, why, whylen))
		return -1;
	o->filter_tcp_lifetime_set = true;
	return 0;
}

/* Appends name to o->kmods unless already there, keeping the list NULL-terminated. */
static int add_kmod(struct vista_options *o, const char *name, size_t len, char *why, size_t whylen)
{
	char **list;
	char *copy;

	for (size_t i = 0; i < o->n_kmods; i++)
		if (strlen(o->kmods[i]) == len && memcmp(o->kmods[i], name, len) == 0)
			return 0;
	copy = strndup(name, len);
	list = copy ? realloc(o->kmods, (o->n_kmods + 2) * sizeof(*list)) : NULL;
	if (!list) {
		free(copy);
		return errmsg_set(why, whylen, "out of memory");
	}
	list[o->n_kmods++] = copy;
	list[o->n_kmods] = NULL;
	o->kmods = list;
	return 0;
}

static int set_kmods(struct vista_options *o, const char *val, char *why, size_t whylen)
{
	const char *p = val;

	/* Like pflag's string slices, an empty value adds nothing. */
	if (!*val)
		return 0;
	for (;;) {
		size_t len = strcspn(p, ",");

		if (len == 0)
			return errmsg_set(why, whylen, "empty module name");
		if (add_kmod(o, p, len, why, whylen))
			return -1;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static int set_kprobe_backend(struct vista_options *o, const char *val, char *why, size_t whylen)
{
	static const char *const backends[] = { "kprobe", "kprobe-multi", "fentry", "tracepoint", NULL };

	if (!*val) {
		o->kprobe_backend = NULL; /* the seed's default: auto-detect */
		return 0;
	}
	if (word_index(val, backends) < 0)
		return errmsg_set(why, whylen, "want kprobe, kprobe-multi, fentry or tracepoint");
	o->kprobe_backend = val;
	return 0;
}

static int set_output_limit_lines(struct vista_options *o, const char *val, char *why, size_t whylen)
{
	return parse_u64(val, UINT64_MAX, &o->output_limit_lines, why, whylen);
}

/* A size in bytes: digits, then optionally K, M or G (powers of 1024), as logrotate's "size". */
static int set_output_file_max_size(struct vista_options *o, const char *val, char *why, size_t whylen)
{
	static const char suffixes[] = "KMG";
	size_t n = strlen(val);
	const char *unit = n ? strchr(suffixes, val[n - 1] & ~0x20) : NULL;
	char digits[32];
	uint64_t v;
	int shift;

	if (!n || !val[n - 1] || (unit && n == 1) || n >= sizeof(digits))
		return errmsg_set(why, whylen, "want a size in bytes, e.g. 1048576, 512K, 10M or 1G");
	memcpy(digits, val, n + 1);
	if (unit)
		digits[n - 1] = '\0';
	shift = unit ? 10 * (int)(unit - suffixes + 1) : 0;
	if (parse_u64(digits, UINT64_MAX >> shift, &v, why, whylen))
		return -1;
	o->output_file_max_size = v << shift;
	return 0;
}

static int set_output_file_max_backups(struct vista_options *o, const char *val, char *why, size_t whylen)
{
	if (parse_u64(val, 1000, &o->output_file_max_backups, why, whylen))
		return -1;
	o->output_file_max_backups_set = true;
	return 0;
}

static int set_pcap_mode(struct vista_options *o, const char *val, char *why, size_t whylen)
{
	bool entry = false, exit_ = false;
	const char *p = val;

	for (;;) {
		size_t len = strcspn(p, ",");

		if (len == 5 && memcmp(p, "entry", 5) == 0)
			entry = true;
		else if (len == 4 && memcmp(p, "exit", 4) == 0)
			exit_ = true;
		else
			return errmsg_set(why, whylen, "want entry and/or exit");
		if (!p[len])
			break;
		p += len + 1;
	}
	/* As with pflag's string slices, the first use replaces the default and later uses add to it. */
	if (!o->pcap_mode_set) {
		o->pcap_mode_entry = false;
		o->pcap_mode_exit = false;
		o->pcap_mode_set = true;
	}
	o->pcap_mode_entry |= entry;
	o->pcap_mode_exit |= exit_;
	return 0;
}

static int set_pcap_snaplen(struct vista_options *o, const char *val, char *why, size_t whylen)
{
	if (parse_count(val, UINT16_MAX, &o->pcap_snaplen, why, whylen))
		return -1;
	o->pcap_snaplen_set = true;
	return 0;
}

/* The kernel wants a power-of-two multiple of the page size. */
static int set_ring_buffer_size(struct vista_options *o, const char *val, char *why, size_t whylen)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t v;

	if (parse_u64(val, 1ULL << 30, &v, why, whylen))
		return -1;
	if (v < (uint64_t)page || (v & (v - 1)))
		return errmsg_set(why, whylen, "must be a power of two of at least the page size (%ld)", page);
	o->ring_buffer_size = v;
	return 0;
}

static int set_timestamp(struct vista_options *o, const char *val, char *why, size_t whylen)
{
	/* Same order as enum timestamp_mode. */
	static const char *const modes[] = { "none", "relative", "absolute", NULL };
	int i = word_index(val, modes);

	if (i < 0)
		return errmsg_set(why, whylen, "want none, relative or absolute");
	o->timestamp = (enum timestamp_mode)i;
	return 0;
}

#define BOOL_OPT(n, field, d)                                                     \
	{                                                                         \
		n, NULL, d, OPT_BOOL, offsetof(struct vista_options, field), NULL \
	}
#define STRING_OPT(n, field, d)                                                         \
	{                                                                               \
		n, "string", d, OPT_STRING, offsetof(struct vista_options, field), NULL \
	}
#define CUSTOM_OPT(n, t, fn, d)            \
	{                                  \
		n, t, d, OPT_CUSTOM, 0, fn \
	}

/* Sorted by name: --help prints them in this order. */
static const struct opt_def opt_defs[] = {
	BOOL_OPT("all-kmods", all_kmods, "attach to all available kernel modules"),
	CUSTOM_OPT("filter-addr", "string", set_filter_addr, "filter IP address"),
	STRING_OPT("filter-file", filter_file,
		   "apply the filter commands of this file (see FILTER COMMANDS in vista(8)) (vista addition)"),
	STRING_OPT("filter-ifname", filter_ifname,
		   "filter skb ifname in --filter-netns (if not specified, use current netns)"),
	CUSTOM_OPT("filter-kprobe-batch", "uint", set_filter_kprobe_batch,
		   "batch size for kprobe attaching/detaching (default 10)"),
	STRING_OPT("filter-netns", filter_netns, "filter netns (\"/proc/<pid>/ns/net\", \"inode:<inode>\")"),
	CUSTOM_OPT("filter-port", "uint16", set_filter_port, "filter port"),
	CUSTOM_OPT("filter-protocol", "string", set_filter_protocol, "filter protocol, tcp, udp, icmp, empty for any"),
	STRING_OPT("filter-sk-func", filter_sk_func,
		   "filter kernel sk functions to be probed by name (exact match, supports RE2 regular expression)"),
	CUSTOM_OPT("filter-sk-mark", "uint32", set_filter_sk_mark, "filter sk mark"),
	BOOL_OPT("filter-skb-drop-stack", filter_skb_drop_stack, "trace kfree_skb and print skb drop stack"),
	STRING_OPT("filter-skb-func", filter_skb_func,
		   "filter kernel skb functions to be probed by name (exact match, supports RE2 regular expression)"),
	CUSTOM_OPT("filter-skb-mark", "uint32[/mask]", set_filter_skb_mark, "filter skb mark"),
	CUSTOM_OPT("filter-tcp-lifetime", "duration", set_filter_tcp_lifetime,
		   "filter TCP lifetime greater than or equal to the given duration (e.g., 100ms, 1s, 1m)"),
	BOOL_OPT("filter-trace-iptables", filter_trace_iptables, "trace iptables"),
	BOOL_OPT("filter-trace-sk", filter_trace_sk, "trace sock"),
	BOOL_OPT("filter-trace-skb", filter_trace_skb, "trace skb"),
	BOOL_OPT("filter-trace-tc", filter_trace_tc, "trace TC bpf progs"),
	BOOL_OPT("filter-trace-tcp", filter_trace_tcp, "trace tcp socket lifetime"),
	BOOL_OPT("filter-trace-xdp", filter_trace_xdp, "trace XDP bpf progs"),
	BOOL_OPT("filter-track-skb", filter_track_skb,
		 "trace a packet even if it does not match given filters (e.g., after NAT or tunnel decapsulation); "
		 "following its clones and copies needs the kprobe, kprobe-multi or fentry backend"),
	BOOL_OPT("help", help, "display this message and exit"),
	STRING_OPT("kernel-btf", kernel_btf, "specify kernel BTF file"),
	CUSTOM_OPT("kmods", "strings", set_kmods, "list of kernel modules names to attach to"),
	CUSTOM_OPT("kprobe-backend", "string", set_kprobe_backend,
		   "Tracing backend('kprobe', 'kprobe-multi', 'fentry', 'tracepoint'). "
		   "Will auto-detect if not specified."),
	STRING_OPT("output-file", output_file, "write traces to file"),
	CUSTOM_OPT("output-file-max-backups", "uint", set_output_file_max_backups,
		   "rotated output files to keep, FILE.1 (newest) .. FILE.N (default 5) (vista addition)"),
	CUSTOM_OPT("output-file-max-size", "size", set_output_file_max_size,
		   "rotate the output file when it would grow past this size (e.g. 10M), 0 never (vista addition)"),
	BOOL_OPT("output-flows", output_flows,
		 "print one summary per skb when it is freed: hooks, devices, namespaces, address rewrites and its "
		 "fate (vista addition)"),
	BOOL_OPT("output-iptables", output_iptables, "print iptables"),
	BOOL_OPT("output-json", output_json, "print one JSON object per event, one per line (vista addition)"),
	CUSTOM_OPT("output-limit-lines", "uint", set_output_limit_lines,
		   "exit the program after the number of events has been received/printed"),
	BOOL_OPT("output-meta", output_meta, "print skb metadata"),
	BOOL_OPT("output-sk", output_sk, "print sock"),
	BOOL_OPT("output-skb", output_skb, "print skb"),
	BOOL_OPT("output-stack", output_stack, "print stack"),
	BOOL_OPT("output-tcp", output_tcp, "print TCP"),
	BOOL_OPT("output-tuple", output_tuple, "print L4 tuple"),
	STRING_OPT("pcap-file", pcap_file,
		   "write packets to pcap file, only work with --filter-trace-xdp/--filter-trace-tc"),
	CUSTOM_OPT("pcap-mode", "strings", set_pcap_mode,
		   "pcap mode, can be 'entry' and/or 'exit', only work with --pcap-file. Default is 'entry' and "
		   "'exit'. 'entry' is to capture packet before BPF prog, 'exit' is to capture packet after BPF prog."),
	CUSTOM_OPT("pcap-snaplen", "uint16", set_pcap_snaplen, "snapshot length of packet for pcap (default 256)"),
	STRING_OPT("ready-file", ready_file, "write this file once every probe is attached (vista addition)"),
	STRING_OPT("record", record_file, "also write the events to this file, for --replay (vista addition)"),
	STRING_OPT("replay", replay_file,
		   "print the events of a --record file instead of tracing; needs no root (vista addition)"),
	CUSTOM_OPT("ring-buffer-size", "uint", set_ring_buffer_size,
		   "bytes of the kernel's event ring buffer, a power of two (default 16777216) (vista addition)"),
	CUSTOM_OPT("timestamp", "string", set_timestamp,
		   "print timestamp per event (\"relative\", \"absolute\", \"none\") (default \"none\")"),
	BOOL_OPT("verbose", verbose, "print libbpf and verifier diagnostics (vista addition)"),
	BOOL_OPT("version", version, "show vista version and exit"),
};

#define N_OPTS (sizeof(opt_defs) / sizeof(opt_defs[0]))

static void set_defaults(struct vista_options *o)
{
	memset(o, 0, sizeof(*o));
	o->filter_kprobe_batch = 10;
	o->ring_buffer_size = 16u << 20;
	o->pcap_snaplen = 256;
	o->output_file_max_backups = 5;
	o->pcap_mode_entry = true;
	o->pcap_mode_exit = true;
	o->timestamp = TIMESTAMP_NONE;
}

/* Applies one option; val is NULL for a boolean given without "=value". */
static int apply(struct vista_options *o, const struct opt_def *d, const char *val, char *err, size_t errlen)
{
	char why[160];
	int b = 1;

	switch (d->kind) {
	case OPT_BOOL:
		if (val && parse_bool(val, &b, why, sizeof(why)))
			break;
		*(bool *)((char *)o + d->off) = b;
		return 0;
	case OPT_STRING:
		*(const char **)((char *)o + d->off) = *val ? val : NULL;
		return 0;
	case OPT_CUSTOM:
		if (d->set(o, val, why, sizeof(why)) == 0)
			return 0;
		break;
	}
	return errmsg_set(err, errlen, "invalid argument \"%.200s\" for \"--%s\" flag: %s", val, d->name, why);
}

/* Appends word to o->pcap_filter, separated by one space. */
static int add_pcap_word(struct vista_options *o, const char *word, char *err, size_t errlen)
{
	size_t old = o->pcap_filter ? strlen(o->pcap_filter) : 0, n = strlen(word);
	char *s = realloc(o->pcap_filter, old + (old ? 1 : 0) + n + 1);

	if (!s)
		return errmsg_set(err, errlen, "out of memory");
	if (old)
		s[old++] = ' ';
	memcpy(s + old, word, n + 1);
	o->pcap_filter = s;
	return 0;
}

/*
 * getopt_long accepts unambiguous abbreviations ("--filter-po"), pflag does
 * not: the word typed must be exactly "--NAME" or "--NAME=...".
 */
static bool typed_exactly(const char *tok, const char *name)
{
	size_t n = strlen(name);

	return tok[0] == '-' && tok[1] == '-' && strncmp(tok + 2, name, n) == 0 &&
	       (tok[2 + n] == '\0' || tok[2 + n] == '=');
}

static int unknown_flag(const char *tok, int short_opt, char *err, size_t errlen)
{
	if (tok && tok[0] == '-' && tok[1] == '-')
		return errmsg_set(err, errlen, "unknown flag: --%.*s", (int)strcspn(tok + 2, "="), tok + 2);
	if (short_opt > 0 && short_opt < 128)
		return errmsg_set(err, errlen, "unknown shorthand flag: '%c' in %.100s", short_opt, tok ? tok : "");
	return errmsg_set(err, errlen, "unknown flag: %.100s", tok ? tok : "");
}

static int parse_args(int argc, char **argv, struct vista_options *o, char *err, size_t errlen)
{
	struct option longopts[N_OPTS + 1];

	for (size_t i = 0; i < N_OPTS; i++) {
		const struct opt_def *d = &opt_defs[i];

		longopts[i] = (struct option){ d->name, d->kind == OPT_BOOL ? optional_argument : required_argument,
					       NULL, OPT_VAL_BASE + (int)i };
	}
	longopts[N_OPTS] = (struct option){ NULL, 0, NULL, 0 };

	/*
	 * optind = 0 makes glibc (and musl) restart from scratch, so this can run
	 * more than once per process. "-" returns pcap-filter words in place
	 * (code 1) instead of permuting argv, even under POSIXLY_CORRECT; ":"
	 * reports a missing value apart from an unknown option.
	 */
	opterr = 0;
	optind = 0;
	for (;;) {
		int first = optind ? optind : 1, idx = -1, c;
		const char *tok;

		c = getopt_long(argc, argv, "-:h", longopts, &idx);
		if (c == -1)
			break;
		tok = first < argc ? argv[first] : NULL;
		if (c == 1) {
			if (add_pcap_word(o, optarg, err, errlen))
				return -1;
		} else if (c == 'h') {
			o->help = true;
		} else if (c == ':') {
			/* Only long options take values; getopt puts the option's val in optopt. */
			const struct opt_def *d = optopt >= OPT_VAL_BASE && optopt < OPT_VAL_BASE + (int)N_OPTS
						      ? &opt_defs[optopt - OPT_VAL_BASE]
						      : NULL;

			if (!d || !tok || !typed_exactly(tok, d->name))
				return unknown_flag(tok, 0, err, errlen);
			return errmsg_set(err, errlen, "flag needs an argument: --%s", d->name);
		} else if (c >= OPT_VAL_BASE && c < OPT_VAL_BASE + (int)N_OPTS) {
			const struct opt_def *d = &opt_defs[c - OPT_VAL_BASE];

			if (!tok || !typed_exactly(tok, d->name))
				return unknown_flag(tok, 0, err, errlen);
			if (apply(o, d, optarg, err, errlen))
				return -1;
		} else {
			return unknown_flag(tok, optopt, err, errlen);
		}
		/* Like pflag, stop at help: the caller prints it, later words do not matter. */
		if (o->help)
			return 0;
	}
	for (int i = optind; i < argc; i++)
		if (add_pcap_word(o, argv[i], err, errlen))
			return -1;
	return 0;
}

int options_parse(int argc, char **argv, struct vista_options *o, char *err, size_t errlen)
{
	set_defaults(o);
	if (parse_args(argc, argv, o, err, errlen) == 0)
		return 0;
	options_free(o);
	return -1;
}

void options_free(struct vista_options *o)
{
	for (size_t i = 0; i < o->n_kmods; i++)
		free(o->kmods[i]);
	free(o->kmods);
	o->kmods = NULL;
	o->n_kmods = 0;
	free(o->pcap_filter);
	o->pcap_filter = NULL;
}

void options_print_help(FILE *out, const char *argv0)
{
	fprintf(out, "Usage: %s [options] [pcap-filter]\n", argv0);
	fputs("    Available pcap-filter: see \"man 7 pcap-filter\"\n", out);
	fputs("    Available options:\n", out);
	for (size_t i = 0; i < N_OPTS; i++) {
		const struct opt_def *d = &opt_defs[i];
		int n;

		n = fprintf(out, "%s--%s%s%s", strcmp(d->name, "help") == 0 ? "  -h, " : "      ", d->name,
			    d->type ? " " : "", d->type ? d->type : "");
		fprintf(out, "%*s%s\n", n < HELP_COLUMN ? HELP_COLUMN - n : 1, "", d->desc);
	}
}
