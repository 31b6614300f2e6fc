// SPDX-License-Identifier: GPL-2.0-only
#include "core/features.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/btf_cache.h"
#include "features.skel.h"

/* A function every kernel vista supports has, and that takes an skb. */
#define PROBE_FUNC "ip_rcv"
/* A tracepoint every kernel vista supports has. */
#define PROBE_TRACEPOINT "kfree_skb"

static const char *const names[] = {
	[BACKEND_AUTO] = "auto",     [BACKEND_KPROBE] = "kprobe",         [BACKEND_KPROBE_MULTI] = "kprobe-multi",
	[BACKEND_FENTRY] = "fentry", [BACKEND_TRACEPOINT] = "tracepoint",
};

const char *backend_name(enum backend b)
{
	return names[b];
}

int backend_from_name(const char *name, enum backend *out)
{
	for (size_t i = BACKEND_KPROBE; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (enum backend)i;
			return 0;
		}
	}
	return -1;
}

static bool kprobes_configured(void)
{
	/* Either the perf kprobe PMU or the legacy tracefs interface exists when CONFIG_KPROBES=y. */
	return access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0 ||
	       access("/sys/kernel/tracing/kprobe_events", F_OK) == 0 ||
	       access("/sys/kernel/debug/tracing/kprobe_events", F_OK) == 0;
}

static void explain(enum backend b, int err, char *why, size_t len)
{
	switch (b) {
	case BACKEND_KPROBE:
		if (!kprobes_configured()) {
			snprintf(why, len, "kprobes are not supported by this kernel (CONFIG_KPROBES is not set)");
			return;
		}
		break;
	case BACKEND_KPROBE_MULTI:
		if (err == EOPNOTSUPP || err == ENOTSUP || err == EINVAL || err == ENOENT || err == ESRCH) {
			snprintf(
			    why, len,
			    "kprobe-multi links are not supported by this kernel (needs CONFIG_FPROBE, Linux 5.18+)");
			return;
		}
		break;
	case BACKEND_FENTRY:
		if (err == EPERM || err == EACCES || err == ENOTSUP || err == EOPNOTSUPP || err == EINVAL) {
			snprintf(why, len, "this kernel refuses fentry programs (%s)", strerror(err));
			return;
		}
		break;
	case BACKEND_TRACEPOINT:
		snprintf(why, len, "this kernel refuses tp_btf programs (%s; needs BTF, Linux 5.5+)", strerror(err));
		return;
	default:
		break;
	}
	snprintf(why, len, "%s", strerror(err));
}

static struct bpf_program *probe_program(struct features_bpf *skel, enum backend b)
{
	switch (b) {
	case BACKEND_KPROBE:
		return skel->progs.probe_kprobe;
	case BACKEND_KPROBE_MULTI:
		return skel->progs.probe_kprobe_multi;
	default:
		return NULL;
	}
}

static struct bpf_link *probe_attach(struct bpf_program *prog, enum backend b)
{
	switch (b) {
	case BACKEND_KPROBE:
		return bpf_program__attach_kprobe(prog, false, PROBE_FUNC);
	case BACKEND_KPROBE_MULTI:
		return bpf_program__attach_kprobe_multi_opts(prog, PROBE_FUNC, NULL);
	default:
		return bpf_program__attach(prog);
	}
}

/*
 * Loads and attaches "return 0" as an fentry or tp_btf program. Done by
 * hand rather than through the skeleton: libbpf would parse the kernel's
 * BTF again for each probe, the shared parse (btf_cache.h) serves the
 * session too. Returns 0 or an errno.
 */
static int probe_tracing(enum backend b)
{
	const struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	bool fentry = b == BACKEND_FENTRY;
	struct btf *btf = btf_cache_vmlinux();
	int id, prog, link, err = 0;

	if (!btf)
		return errno;
	id = fentry ? btf__find_by_name_kind(btf, PROBE_FUNC, BTF_KIND_FUNC)
		    : btf__find_by_name_kind(btf, "btf_trace_" PROBE_TRACEPOINT, BTF_KIND_TYPEDEF);
	if (id < 0)
		return ENOENT;
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = fentry ? BPF_TRACE_FENTRY : BPF_TRACE_RAW_TP,
		    .attach_btf_id = (unsigned int)id);
	prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, "vista_probe", "GPL", ret0, 2, &opts);
	if (prog < 0)
		return errno;
	link = bpf_raw_tracepoint_open(NULL, prog);
	if (link < 0)
		err = errno;
	else
		close(link);
	close(prog);
	return err;
}

int backend_probe(enum backend b, char *why, size_t len)
{
	struct features_bpf *skel;
	struct bpf_program *prog;
	struct bpf_link *link;
	int err = 0;

	if (b == BACKEND_FENTRY || b == BACKEND_TRACEPOINT) {
		err = probe_tracing(b);
		if (err) {
			explain(b, err, why, len);
			return -1;
		}
		return 0;
	}
	skel = features_bpf__open();
	if (!skel) {
		snprintf(why, len, "cannot open the feature probes: %s", strerror(errno));
		return -1;
	}
	prog = probe_program(skel, b);
	if (!prog) {
		features_bpf__destroy(skel);
		snprintf(why, len, "unknown backend");
		return -1;
	}
	bpf_program__set_autoload(prog, true);
	if (features_bpf__load(skel)) {
		err = errno;
	} else {
		link = probe_attach(prog, b);
		if (!link)
			err = errno;
		bpf_link__destroy(link);
	}
	features_bpf__destroy(skel);
	if (err) {
		explain(b, err, why, len);
		return -1;
	}
	return 0;
}

int backend_choose(enum backend requested, enum backend *chosen, char *note, size_t len)
{
	/* Fastest first: one link for all functions, then trampolines, then one kprobe per function. */
	static const enum backend preference[] = { BACKEND_KPROBE_MULTI, BACKEND_FENTRY, BACKEND_KPROBE };
	char why[256];
	size_t used = 0;

	if (requested != BACKEND_AUTO) {
		if (backend_probe(requested, why, sizeof(why))) {
			snprintf(note, len, "the %s backend is not available on this kernel: %s",
				 backend_name(requested), why);
			return -1;
		}
		*chosen = requested;
		snprintf(note, len, "Using the %s backend (requested)", backend_name(requested));
		return 0;
	}

	used = snprintf(note, len, "Using the tracepoint backend (");
	for (size_t i = 0; i < sizeof(preference) / sizeof(preference[0]); i++) {
		enum backend b = preference[i];
		int usable = backend_probe(b, why, sizeof(why)) == 0;

		if (usable) {
			*chosen = b;
			snprintf(note, len, "Using the %s backend (auto-detected)", backend_name(b));
			return 0;
		}
		if (used < len)
			used += snprintf(note + used, len - used, "%s%s: %s", i ? "; " : "", backend_name(b), why);
	}
	if (backend_probe(BACKEND_TRACEPOINT, why, sizeof(why))) {
		snprintf(note, len, "no tracing backend works on this kernel: %s", why);
		return -1;
	}
	if (used < len)
		snprintf(note + used, len - used, ")");
	*chosen = BACKEND_TRACEPOINT;
	return 0;
}
