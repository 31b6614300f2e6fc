/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cloning a loaded template program for another attach target.
 *
 * Tracing programs (tp_btf, fentry) are verified against one target's BTF,
 * so each target needs its own program. Rather than opening the BPF object
 * once per target, vista loads each template once through libbpf (CO-RE
 * relocations, maps) and then loads copies of its final instructions, each
 * with the hook id patched in place of VISTA_HOOK_ID_MAGIC.
 */
#ifndef VISTA_PROG_CLONE_H
#define VISTA_PROG_CLONE_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

struct bpf_program;

struct clone_target {
	const char *name; /* program name shown by bpftool, truncated to 15 chars */
	uint32_t hook_id;
	enum bpf_attach_type attach_type;
	uint32_t attach_btf_id;
	int attach_btf_obj_fd; /* 0 for vmlinux */
	int attach_prog_fd;    /* a BPF program to trace (attach_btf_id is in its BTF), else 0 */
};

/*
 * Loads a clone of the (already loaded) template for target. Returns the
 * program fd, or -1 with the reason in err (the verifier's last line when
 * it refused the program).
 */
int prog_clone_load(const struct bpf_program *tmpl, const struct clone_target *target, char *err, size_t errlen);

/* Number of hook-id placeholders in insns (the template must have at least one). */
size_t prog_clone_count_placeholders(const struct bpf_insn *insns, size_t cnt);

/* Replaces every hook-id placeholder with hook_id; returns how many were patched. */
size_t prog_clone_patch_hook_id(struct bpf_insn *insns, size_t cnt, uint32_t hook_id);

/*
 * Start offsets of the subprograms in insns (0, then every bpf-to-bpf call
 * and bpf_loop callback target), sorted and unique, into starts[max].
 * Returns how many, or SIZE_MAX when there are more than max.
 */
size_t prog_clone_subprog_starts(const struct bpf_insn *insns, size_t cnt, uint32_t *starts, size_t max);

#endif
