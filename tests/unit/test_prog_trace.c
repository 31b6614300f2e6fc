// SPDX-License-Identifier: GPL-2.0-only
/*
 * Finding loaded XDP and TC programs (core/prog_trace.h): the test programs
 * of the kernel matrix are loaded here (not attached) and must be found,
 * each as an entry and an exit hook on its main function.
 */
#include <bpf/libbpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/hooks.h"
#include "core/prog_trace.h"
#include "tap.h"

static struct bpf_object *load(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);

	if (!obj)
		return NULL;
	if (bpf_object__load(obj)) {
		bpf_object__close(obj);
		return NULL;
	}
	return obj;
}

/* The hook of this template named name, or NULL (other programs may be loaded too). */
static const struct hook *find(const struct hook_table *t, const char *name, enum hook_template tmpl)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0 && t->v[i].tmpl == tmpl)
			return &t->v[i];
	return NULL;
}

int main(void)
{
	struct bpf_object *xdp, *tc;
	struct hook_table t = { 0 };
	const struct hook *in, *out;
	size_t skipped = 0;
	char err[256];
	int n;

	if (geteuid() != 0) {
		printf("1..0 # SKIP loading BPF programs needs root\n");
		return 0;
	}
	xdp = load("tests/vm/progs/xdp_pass.bpf.o");
	tc = load("tests/vm/progs/tc_drop.bpf.o");
	ok(xdp && tc, "the test XDP and TC programs load");

	n = prog_trace_discover(true, false, 0, &t, &skipped, err, sizeof(err));
	ok(n >= 1, "XDP programs are found (%d)", n);
	in = find(&t, "vista_test_xdp(xdp)", TMPL_PROG_XDP_ENTRY);
	out = find(&t, "vista_test_xdp(xdp)", TMPL_PROG_XDP_EXIT);
	ok(in && out, "the test program: an entry and an exit hook named after its main function");
	ok(in && strcmp(in->target_func, "vista_test_xdp") == 0 && in->btf_id > 0 && in->target_fd > 0 &&
	       in->target_id > 0 && hook_is_prog(in),
	   "  with its function, BTF id, id and an fd of it");
	ok(in && out && in->target_fd != out->target_fd && in->target_id == out->target_id,
	   "  each hook has its own fd of the same program");
	ok(in && out && !in->no_packet && !out->no_packet, "  both capture their packets by default");
	ok(!find(&t, "vista_test_tc(tc)", TMPL_PROG_TC_ENTRY), "TC programs are not asked for");
	prog_trace_close_targets(&t);
	hooks_free(&t);

	n = prog_trace_discover(false, true, PROG_TRACE_PCAP_SKIP_ENTRY, &t, &skipped, err, sizeof(err));
	in = find(&t, "vista_test_tc(tc)", TMPL_PROG_TC_ENTRY);
	out = find(&t, "vista_test_tc(tc)", TMPL_PROG_TC_EXIT);
	ok(n >= 1 && in && out, "the TC program: entry and exit");
	ok(!find(&t, "vista_test_xdp(xdp)", TMPL_PROG_XDP_ENTRY), "  and no XDP program");
	ok(in && out && in->no_packet && !out->no_packet, "  --pcap-mode exit: only the exit captures");
	prog_trace_close_targets(&t);
	hooks_free(&t);

	n = prog_trace_discover(true, false, PROG_TRACE_PCAP_SKIP_EXIT, &t, &skipped, err, sizeof(err));
	in = find(&t, "vista_test_xdp(xdp)", TMPL_PROG_XDP_ENTRY);
	out = find(&t, "vista_test_xdp(xdp)", TMPL_PROG_XDP_EXIT);
	ok(n >= 1 && in && out && !in->no_packet && out->no_packet, "--pcap-mode entry: only the entry captures");
	prog_trace_close_targets(&t);
	hooks_free(&t);

	bpf_object__close(xdp);
	bpf_object__close(tc);
	n = prog_trace_discover(true, true, 0, &t, &skipped, err, sizeof(err));
	ok(n >= 0 && !find(&t, "vista_test_xdp(xdp)", TMPL_PROG_XDP_ENTRY), "unloaded programs are gone");
	prog_trace_close_targets(&t);
	hooks_free(&t);
	return tap_done();
}
