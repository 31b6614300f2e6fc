// SPDX-License-Identifier: GPL-2.0-only
/*
 * probe_attach [FEATURE...]: which BPF program types attach on the running
 * kernel, and which BPF features the verifier accepts, one line each:
 *
 *     kprobe: yes
 *     kprobe.multi: no (Operation not supported)
 *
 * Features: kprobe kprobe.multi fentry tp_btf netfilter (a program of that
 * type is loaded and attached to ip_rcv, kfree_skb or NF_INET_LOCAL_IN),
 * ringbuf bpf_loop atomic_fetch (a map or program that needs it is
 * loaded). Without arguments, all of them.
 *
 * It is independent of vista on purpose: the programs are raw instructions
 * (r0 = 0; exit) loaded with libbpf's low-level calls, so the kernel matrix
 * (tests/e2e/kernels.sh) can tell what a kernel offers apart from what
 * vista's own detection (src/core/features.c) concludes. Needs root.
 *
 * Exit status: 0 when every feature was probed (whatever the answers), 2 for
 * an unknown feature, with one line on stderr.
 */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/netfilter.h>
#include <linux/perf_event.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A function and a tracepoint every kernel vista supports has. */
#define PROBE_FUNC       "ip_rcv"
#define PROBE_TP_TYPEDEF "btf_trace_kfree_skb"
#define KPROBE_PMU_TYPE  "/sys/bus/event_source/devices/kprobe/type"

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV64_IMM(d, i)     INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define EXIT_INSN()         INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* r0 = 0; exit: all a program needs to load and attach. */
static const struct bpf_insn ret0[] = { MOV64_IMM(BPF_REG_0, 0), EXIT_INSN() };

/* The answer of one probe: "no" with the reason, or "yes" when why is empty. */
struct answer {
	char why[160];
};

static int no(struct answer *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->why, sizeof(a->why), fmt, ap);
	va_end(ap);
	return -1;
}

static int no_errno(struct answer *a, const char *what, int err)
{
	return no(a, "%s: %s", what, strerror(err));
}

static int load(enum bpf_prog_type type, enum bpf_attach_type expected, __u32 btf_id, const struct bpf_insn *insns,
		size_t cnt, struct answer *a)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = expected, .attach_btf_id = btf_id);
	int fd = bpf_prog_load(type, "vista_vm_probe", "GPL", insns, cnt, &opts);

	if (fd < 0)
		no_errno(a, "load", errno);
	return fd;
}

/* The id of a BTF type of the running kernel, or -1 with the reason in a. */
static int vmlinux_btf_id(const char *name, __u32 kind, struct answer *a)
{
	struct btf *btf = btf__load_vmlinux_btf();
	int id;

	if (!btf)
		return no_errno(a, "no kernel BTF", errno);
	id = btf__find_by_name_kind(btf, name, kind);
	btf__free(btf);
	if (id < 0)
		return no(a, "%s is not in the kernel's BTF", name);
	return id;
}

static int probe_kprobe(struct answer *a)
{
	struct perf_event_attr attr = { .size = sizeof(attr) };
	FILE *f = fopen(KPROBE_PMU_TYPE, "r");
	int type, prog, pfd, ret = 0;

	/* Without CONFIG_KPROBES, the program still loads: only attaching tells. */
	if (!f)
		return no(a, "no kprobe PMU (%s): CONFIG_KPROBES is not set", KPROBE_PMU_TYPE);
	if (fscanf(f, "%d", &type) != 1) {
		fclose(f);
		return no(a, "cannot read %s", KPROBE_PMU_TYPE);
	}
	fclose(f);
	prog = load(BPF_PROG_TYPE_KPROBE, 0, 0, ret0, 2, a);
	if (prog < 0)
		return -1;
	attr.type = type;
	attr.config1 = (__u64)(unsigned long)PROBE_FUNC;
	pfd = syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		ret = no_errno(a, "perf_event_open", errno);
	else if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog) < 0)
		ret = no_errno(a, "attach", errno);
	if (pfd >= 0)
		close(pfd);
	close(prog);
	return ret;
}

static int probe_kprobe_multi(struct answer *a)
{
	const char *syms[] = { PROBE_FUNC };
	LIBBPF_OPTS(bpf_link_create_opts, opts, .kprobe_multi.syms = syms, .kprobe_multi.cnt = 1);
	int prog, link, ret = 0;

	/* Loading succeeds on kernels that cannot attach it (no CONFIG_FPROBE). */
	prog = load(BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0, ret0, 2, a);
	if (prog < 0)
		return -1;
	link = bpf_link_create(prog, 0, BPF_TRACE_KPROBE_MULTI, &opts);
	if (link < 0)
		ret = no_errno(a, "attach", errno);
	else
		close(link);
	close(prog);
	return ret;
}

/* fentry and tp_btf: a tracing program bound to a BTF id, attached by raw_tracepoint_open. */
static int probe_tracing(enum bpf_attach_type type, const char *target, __u32 kind, struct answer *a)
{
	int id = vmlinux_btf_id(target, kind, a);
	int prog, link, ret = 0;

	if (id < 0)
		return -1;
	prog = load(BPF_PROG_TYPE_TRACING, type, id, ret0, 2, a);
	if (prog < 0)
		return -1;
	link = bpf_raw_tracepoint_open(NULL, prog);
	if (link < 0)
		ret = no_errno(a, "attach", errno);
	else
		close(link);
	close(prog);
	return ret;
}

static int probe_fentry(struct answer *a)
{
	return probe_tracing(BPF_TRACE_FENTRY, PROBE_FUNC, BTF_KIND_FUNC, a);
}

static int probe_tp_btf(struct answer *a)
{
	return probe_tracing(BPF_TRACE_RAW_TP, PROBE_TP_TYPEDEF, BTF_KIND_TYPEDEF, a);
}

static int probe_netfilter(struct answer *a)
{
	static const struct bpf_insn accept[] = { MOV64_IMM(BPF_REG_0, NF_ACCEPT), EXIT_INSN() };
	LIBBPF_OPTS(bpf_link_create_opts, opts, .netfilter.pf = NFPROTO_IPV4, .netfilter.hooknum = NF_INET_LOCAL_IN,
		    .netfilter.priority = -128);
	int prog, link, ret = 0;

	prog = load(BPF_PROG_TYPE_NETFILTER, BPF_NETFILTER, 0, accept, 2, a);
	if (prog < 0)
		return -1;
	link = bpf_link_create(prog, 0, BPF_NETFILTER, &opts);
	if (link < 0)
		ret = no_errno(a, "attach", errno);
	else
		close(link);
	close(prog);
	return ret;
}

static int probe_ringbuf(struct answer *a)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "vista_vm_rb", 0, 0, 4096, NULL);

	if (fd < 0)
		return no_errno(a, "map create", errno);
	close(fd);
	return 0;
}

static int probe_bpf_loop(struct answer *a)
{
	int ret = libbpf_probe_bpf_helper(BPF_PROG_TYPE_SOCKET_FILTER, BPF_FUNC_loop, NULL);

	if (ret < 0)
		return no_errno(a, "probe", -ret);
	if (ret == 0)
		return no(a, "the kernel does not know the helper bpf_loop");
	return 0;
}

/* *(u64 *)(r10 - 8) = 0; r1 = 1; r1 = atomic_fetch_add(*(u64 *)(r10 - 8), r1); r0 = 0; exit */
static int probe_atomic_fetch(struct answer *a)
{
	static const struct bpf_insn insns[] = {
		INSN(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -8, 0),
		MOV64_IMM(BPF_REG_1, 1),
		INSN(BPF_STX | BPF_ATOMIC | BPF_DW, BPF_REG_10, BPF_REG_1, -8, BPF_ADD | BPF_FETCH),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT_INSN(),
	};
	int prog = load(BPF_PROG_TYPE_SOCKET_FILTER, 0, 0, insns, sizeof(insns) / sizeof(insns[0]), a);

	if (prog < 0)
		return -1;
	close(prog);
	return 0;
}

static const struct probe {
	const char *name;
	int (*run)(struct answer *a);
} probes[] = {
	{ "kprobe", probe_kprobe },     { "kprobe.multi", probe_kprobe_multi }, { "fentry", probe_fentry },
	{ "tp_btf", probe_tp_btf },     { "netfilter", probe_netfilter },       { "ringbuf", probe_ringbuf },
	{ "bpf_loop", probe_bpf_loop }, { "atomic_fetch", probe_atomic_fetch },
};

#define N_PROBES (sizeof(probes) / sizeof(probes[0]))

static const struct probe *find_probe(const char *name)
{
	for (size_t i = 0; i < N_PROBES; i++) {
		if (strcmp(probes[i].name, name) == 0)
			return &probes[i];
	}
	return NULL;
}

static void run_probe(const struct probe *p)
{
	struct answer a = { "" };

	if (p->run(&a) == 0)
		printf("%s: yes\n", p->name);
	else
		printf("%s: no (%s)\n", p->name, a.why);
}

int main(int argc, char **argv)
{
	/* libbpf's own messages would repeat what the answers say. */
	libbpf_set_print(NULL);
	for (int i = 1; i < argc; i++) {
		if (!find_probe(argv[i])) {
			fprintf(stderr, "probe_attach: unknown feature '%s' (known:", argv[i]);
			for (size_t j = 0; j < N_PROBES; j++)
				fprintf(stderr, " %s", probes[j].name);
			fprintf(stderr, ")\n");
			return 2;
		}
	}
	if (argc == 1) {
		for (size_t i = 0; i < N_PROBES; i++)
			run_probe(&probes[i]);
	} else {
		for (int i = 1; i < argc; i++)
			run_probe(find_probe(argv[i]));
	}
	return 0;
}
