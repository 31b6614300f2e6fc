// SPDX-License-Identifier: GPL-2.0-only
#include "core/features.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "features.skel.h"

/* A function every kernel vista supports has, and that takes an skb. */
#define PROBE_FUNC "ip_rcv"

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
	case BACKEND_FENTRY:
		return skel->progs.probe_fentry;
	case BACKEND_TRACEPOINT:
		return skel->progs.probe_tp_btf;
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

int backend_probe(enum backend b, char *why, size_t len)
{
	struct features_bpf *skel = features_bpf__open();
	struct bpf_program *prog;
	struct bpf_link *link;
	int err = 0;

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
