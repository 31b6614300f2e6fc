/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vista command line: every option of the vista seed's --help with the
 * same names, types and defaults, plus vista's own additions.
 */
#ifndef VISTA_OPTIONS_H
#define VISTA_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/format.h" /* enum timestamp_mode */

struct vista_options {
	/* --filter-* */
	bool all_kmods;
	const char *filter_addr; /* NULL when not given */
	const char *filter_file; /* --filter-file: filter commands applied after the other filters */
	const char *filter_ifname;
	uint64_t filter_kprobe_batch; /* default 10, must be >= 1 */
	const char *filter_netns;
	const char *filter_port; /* validated text, 1..65535 */
	const char *filter_protocol;
	const char *filter_sk_func;
	const char *filter_sk_mark; /* validated text, uint32 */
	bool filter_skb_drop_stack;
	const char *filter_skb_func;
	const char *filter_skb_mark; /* validated text, "V[/MASK]" */
	uint64_t filter_tcp_lifetime_ns;
	bool filter_tcp_lifetime_set;
	bool filter_trace_iptables;
	bool filter_trace_sk;
	bool filter_trace_skb;
	bool filter_trace_tc;
	bool filter_trace_tcp;
	bool filter_trace_xdp;
	bool filter_track_skb;
	/* general */
	bool help;
	bool version;
	const char *kernel_btf;
	char **kmods; /* NULL-terminated, from repeated/comma-separated --kmods */
	size_t n_kmods;
	const char *kprobe_backend; /* NULL = auto-detect */
	/* --output-* */
	const char *output_file;
	bool output_flows;                /* one summary per skb (core/skb_flow.h) instead of one line per event */
	uint64_t output_file_max_size;    /* bytes; 0 = never rotate */
	uint64_t output_file_max_backups; /* rotated files kept: FILE.1 .. FILE.N (default 5) */
	bool output_file_max_backups_set;
	bool output_iptables;
	bool output_json;            /* one JSON object per event instead of the text line */
	uint64_t output_limit_lines; /* 0 = no limit */
	bool output_meta;
	bool output_sk;
	bool output_skb;
	bool output_stack;
	bool output_tcp;
	bool output_tuple;
	/* pcap */
	const char *pcap_file;
	bool pcap_mode_entry; /* default both true */
	bool pcap_mode_exit;
	bool pcap_mode_set;
	uint64_t pcap_snaplen; /* default 256 */
	bool pcap_snaplen_set;
	enum timestamp_mode timestamp;
	/* vista additions */
	const char *ready_file;    /* written once every hook is attached */
	const char *record_file;   /* --record: the events also go to this recording */
	const char *replay_file;   /* --replay: print a recording instead of tracing */
	uint64_t ring_buffer_size; /* bytes, power of two, default 16 MiB */
	bool verbose;              /* libbpf and verifier diagnostics on stderr */
	/* positional: the pcap-filter expression, words joined with spaces */
	char *pcap_filter; /* NULL when none */
};

/*
 * Parses argv into *o (which it initializes with the defaults first).
 * Returns 0, or -1 with one clear sentence in err
 * (e.g. "invalid argument \"70000\" for \"--filter-port\" flag: value out of range (max 65535)",
 *  "unknown flag: --foo"). Syntax and value checks only: checks that need
 * the system (files, netns, interfaces, kernel features) happen later.
 */
int options_parse(int argc, char **argv, struct vista_options *o, char *err, size_t errlen);
void options_free(struct vista_options *o);

/* The --help text, in the seed's style. */
void options_print_help(FILE *out, const char *argv0);

#endif
