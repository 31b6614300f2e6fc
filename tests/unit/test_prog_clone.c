// SPDX-License-Identifier: GPL-2.0-only
/* Cloning templates: placeholder patching, and (as root) real loads the verifier accepts or refuses. */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include "core/prog_clone.h"
#include "tap.h"
#include "vista.h"
#include "vista.skel.h"

#define LD_IMM64(dst, imm64)                                                                      \
	{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = dst, .imm = (int32_t)(uint32_t)(imm64) }, \
	{                                                                                         \
		.code = 0, .imm = (int32_t)(uint32_t)((uint64_t)(imm64) >> 32)                    \
	}

static void test_patching(void)
{
	struct bpf_insn insns[] = {
		LD_IMM64(1, VISTA_HOOK_ID_MAGIC),
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		LD_IMM64(2, 0x1234567800000000ULL | VISTA_HOOK_ID_MAGIC_HALF), /* half a match: not a placeholder */
		LD_IMM64(3, VISTA_HOOK_ID_MAGIC),
		{ .code = BPF_JMP | BPF_EXIT },
	};
	size_t n = sizeof(insns) / sizeof(insns[0]);

	is_int(prog_clone_count_placeholders(insns, n), 2, "two placeholders among three ld_imm64");
	is_int(prog_clone_patch_hook_id(insns, n, 42), 2, "both patched");
	is_int(insns[0].imm, 42, "low half holds the hook id");
	is_int(insns[1].imm, 0, "high half cleared");
	is_int(insns[5].imm, 42, "second placeholder patched");
	is_int(insns[3].imm, (int32_t)VISTA_HOOK_ID_MAGIC_HALF, "the look-alike constant is untouched");
	is_int(prog_clone_count_placeholders(insns, n), 0, "no placeholder left");
	is_int(prog_clone_patch_hook_id(insns, n, 7), 0, "patching twice finds nothing");
}

static int btf_trace_id(const char *tp)
{
	struct btf *btf = btf__load_vmlinux_btf();
	char name[128];
	int id;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	btf__free(btf);
	return id;
}

static void test_kernel_loads(void)
{
	struct vista_bpf *skel;
	struct bpf_prog_info info = { 0 };
	uint32_t info_len = sizeof(info);
	char err[512] = "";
	int fd;

	if (geteuid() != 0 || access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		tap_skip("loading programs needs root and kernel BTF");
		return;
	}
	skel = vista_bpf__open();
	ok(skel != NULL, "skeleton opens");
	bpf_program__set_autoload(skel->progs.tp_skb_0, true);
	bpf_program__set_autoload(skel->progs.tp_skb_1, true);
	bpf_program__set_attach_target(skel->progs.tp_skb_0, 0, "consume_skb");
	bpf_program__set_attach_target(skel->progs.tp_skb_1, 0, "tcp_retransmit_skb");
	ok(vista_bpf__load(skel) == 0, "templates load");
	is_int(prog_clone_count_placeholders(bpf_program__insns(skel->progs.tp_skb_0),
					     bpf_program__insn_cnt(skel->progs.tp_skb_0)) > 0,
	       1, "the loaded template keeps its placeholder");

	struct clone_target good = { .name = "vista_net_dev_queue",
				     .hook_id = 3,
				     .attach_type = BPF_TRACE_RAW_TP,
				     .attach_btf_id = btf_trace_id("net_dev_queue") };
	fd = prog_clone_load(skel->progs.tp_skb_0, &good, err, sizeof(err));
	ok(fd >= 0, "a clone for net_dev_queue loads (%s)", err);
	if (fd >= 0) {
		bpf_prog_get_info_by_fd(fd, &info, &info_len);
		is_str(info.name, "vista_net_dev_q", "program name truncated to 15 characters");
		is_int(info.type, BPF_PROG_TYPE_TRACING, "a tracing program");
		close(fd);
	}

	/* tp_skb_1 reads argument 1; netif_receive_skb has a single argument: the verifier must refuse. */
	struct clone_target bad = { .name = "vista_bad",
				    .hook_id = 4,
				    .attach_type = BPF_TRACE_RAW_TP,
				    .attach_btf_id = btf_trace_id("netif_receive_skb") };
	err[0] = '\0';
	fd = prog_clone_load(skel->progs.tp_skb_1, &bad, err, sizeof(err));
	ok(fd < 0, "a clone reading a missing argument is refused");
	ok(strstr(err, "loading the program for vista_bad failed: ") == err, "error names the hook: %s", err);
	ok(strstr(err, "invalid bpf_context access") != NULL, "and carries the verifier's reason: %s", err);
	if (fd >= 0)
		close(fd);
	vista_bpf__destroy(skel);
}

int main(void)
{
	libbpf_set_print(NULL);
	test_patching();
	test_kernel_loads();
	return tap_done();
}
