// SPDX-License-Identifier: GPL-2.0-only
#include "core/prog_clone.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vista.h"

#define PROG_NAME_MAX     15
#define VERIFIER_LOG_SIZE (64 * 1024)

static int is_placeholder(const struct bpf_insn *insn)
{
	return insn[0].code == (BPF_LD | BPF_DW | BPF_IMM) && insn[0].src_reg == 0 &&
	       (uint32_t)insn[0].imm == VISTA_HOOK_ID_MAGIC_HALF && (uint32_t)insn[1].imm == VISTA_HOOK_ID_MAGIC_HALF;
}

size_t prog_clone_count_placeholders(const struct bpf_insn *insns, size_t cnt)
{
	size_t found = 0;

	for (size_t i = 0; i + 1 < cnt; i++)
		if (is_placeholder(&insns[i]))
			found++;
	return found;
}

size_t prog_clone_patch_hook_id(struct bpf_insn *insns, size_t cnt, uint32_t hook_id)
{
	size_t patched = 0;

	for (size_t i = 0; i + 1 < cnt; i++) {
		if (!is_placeholder(&insns[i]))
			continue;
		insns[i].imm = (int32_t)hook_id;
		insns[i + 1].imm = 0;
		patched++;
		i++; /* the second half of a ld_imm64 is not an instruction */
	}
	return patched;
}

/* The kernel accepts [A-Za-z0-9_.] in program names. */
static void sanitize_name(char *dst, const char *src)
{
	size_t i;

	for (i = 0; i < PROG_NAME_MAX && src[i]; i++) {
		char c = src[i];

		dst[i] =
		    ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.') ? c : '_';
	}
	dst[i] = '\0';
}

/* The verifier's reason is the last log line before its statistics lines. */
static void verifier_reason(const char *log, char *out, size_t len)
{
	const char *end = log + strlen(log);

	out[0] = '\0';
	while (end > log) {
		const char *start;

		while (end > log && (end[-1] == '\n' || end[-1] == ' '))
			end--;
		start = end;
		while (start > log && start[-1] != '\n')
			start--;
		if (end > start && strncmp(start, "processed ", 10) != 0 &&
		    strncmp(start, "verification time", 17) != 0) {
			snprintf(out, len, "%.*s", (int)(end - start), start);
			return;
		}
		end = start;
	}
}

int prog_clone_load(const struct bpf_program *tmpl, const struct clone_target *target, char *err, size_t errlen)
{
	const struct bpf_insn *orig = bpf_program__insns(tmpl);
	size_t cnt = bpf_program__insn_cnt(tmpl);
	char name[PROG_NAME_MAX + 1];
	struct bpf_insn *insns;
	char *log;
	int fd;

	if (!orig || !cnt) {
		snprintf(err, errlen, "template %s has no instructions", bpf_program__name(tmpl));
		return -1;
	}
	insns = malloc(cnt * sizeof(*insns));
	log = calloc(1, VERIFIER_LOG_SIZE);
	if (!insns || !log) {
		free(insns);
		free(log);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(insns, orig, cnt * sizeof(*insns));
	if (!prog_clone_patch_hook_id(insns, cnt, target->hook_id)) {
		snprintf(err, errlen, "template %s has no hook id placeholder", bpf_program__name(tmpl));
		free(insns);
		free(log);
		return -1;
	}
	sanitize_name(name, target->name);

	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = target->attach_type,
		    .attach_btf_id = target->attach_btf_id, .attach_btf_obj_fd = target->attach_btf_obj_fd);
	fd = bpf_prog_load(bpf_program__type(tmpl), name, "GPL", insns, cnt, &opts);
	if (fd < 0) {
		/* Load again with the verifier log only on failure: logging slows every load. */
		int saved = errno;
		char why[256];

		opts.log_buf = log;
		opts.log_size = VERIFIER_LOG_SIZE;
		opts.log_level = 1;
		fd = bpf_prog_load(bpf_program__type(tmpl), name, "GPL", insns, cnt, &opts);
		if (fd >= 0) {
			/* A transient failure (e.g. EAGAIN); keep the program. */
			goto out;
		}
		verifier_reason(log, why, sizeof(why));
		snprintf(err, errlen, "loading the program for %s failed: %s%s%s", target->name, strerror(saved),
			 why[0] ? ": " : "", why);
	}
out:
	free(insns);
	free(log);
	return fd;
}
