/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading the expression files of tests/pcap (shared by corpus_check and the differential test). */
#ifndef VISTA_TESTS_CORPUS_H
#define VISTA_TESTS_CORPUS_H

#include <stdbool.h>
#include <stddef.h>

#define BACKJUMP_MARK "backjump"

struct bpf_program; /* <pcap/pcap.h>, not included: its struct bpf_insn clashes with <linux/bpf.h> */

struct expr {
	char *text;
	char *want_err; /* bad_expressions.txt only */
	bool backjump;  /* marked "# backjump" in expressions.txt */
	unsigned line;
	struct bpf_program *en; /* compiled for DLT_EN10MB by its user, or NULL; freed with the list */
};

struct expr_list {
	struct expr *v;
	size_t n;
};

/*
 * One entry per line that is neither blank nor a comment. In expressions.txt
 * the only trailing comment allowed is the backjump mark; in bad_expressions.txt
 * (bad=true) a tab separates the expression from the expected error.
 */
int expr_list_read(const char *path, bool bad, struct expr_list *out, char *err, size_t errlen);
void expr_list_free(struct expr_list *l);

#endif
