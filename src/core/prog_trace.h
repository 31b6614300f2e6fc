/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Finding the loaded XDP and TC BPF programs to trace (--filter-trace-xdp,
 * --filter-trace-tc): each becomes two hooks, the fentry and the fexit of
 * its main function, named "NAME(xdp)" or "NAME(tc)" as the seed prints
 * them. The BPF side is bpf/prog_trace.bpf.h.
 */
#ifndef VISTA_PROG_TRACE_H
#define VISTA_PROG_TRACE_H

#include <stdbool.h>
#include <stddef.h>

struct hook_table;

/*
 * --pcap-mode: the packets a capture leaves out, the one before the
 * programs run (entry) or the one after (exit); 0 captures both.
 */
enum prog_trace_pcap_skip {
	PROG_TRACE_PCAP_SKIP_ENTRY = 1 << 0,
	PROG_TRACE_PCAP_SKIP_EXIT = 1 << 1,
};

/*
 * Appends the entry and exit hooks of every loaded XDP program (xdp) and TC
 * program (tc: sched_cls) that has BTF, holding an fd of each program in
 * the hook (target_fd, closed by prog_trace_close_targets); pcap_skip
 * (enum prog_trace_pcap_skip) marks the hooks whose packets a capture
 * leaves out (no_packet). A program without BTF cannot be traced: it is
 * counted in *skipped. Returns the number of programs found, or -1 with one
 * sentence in err.
 */
int prog_trace_discover(bool xdp, bool tc, unsigned int pcap_skip, struct hook_table *t, size_t *skipped, char *err,
			size_t errlen);

/* Closes the program fds prog_trace_discover left in the hooks. */
void prog_trace_close_targets(struct hook_table *t);

/* The name of an action returned by an XDP ("XDP_PASS") or TC ("TC_ACT_SHOT") program, or NULL. */
const char *prog_trace_action(bool xdp, int action);

#endif
