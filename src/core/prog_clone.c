// SPDX-License-Identifier: GPL-2.0-only
#include "core/prog_clone.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdbool.h>

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

size_t prog_clone_subprog_starts(const struct bpf_insn *insns, size_t cnt, uint32_t *starts, size_t max)
{
	size_t n = 0;

	if (max)
		starts[n++] = 0;
	for (size_t i = 0; i < cnt; i++) {
		const struct bpf_insn *in = &insns[i];
		bool call = in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL;
		bool func = in->code == (BPF_LD | BPF_DW | BPF_IMM) && in->src_reg == BPF_PSEUDO_FUNC;
		int64_t target = (int64_t)i + in->imm + 1;
		size_t j;

		if (!call && !func)
			continue;
		if (target < 0 || (size_t)target >= cnt)
			continue; /* the verifier reports it; not ours to judge */
		for (j = 0; j < n && starts[j] < (uint32_t)target; j++)
			;
		if (j < n && starts[j] == (uint32_t)target)
			continue;
		if (n == max)
			return SIZE_MAX;
		memmove(&starts[j + 1], &starts[j], (n - j) * sizeof(*starts));
		starts[j] = (uint32_t)target;
		n++;
	}
	return n;
}

/*
 * A program with subprograms (bpf_loop callbacks, bpf-to-bpf calls) needs
 * BTF func_info: one record per subprogram. The template's records, as the
 * kernel reports them, carry the right type ids in the right order but
 * offsets in the rewritten program; the offsets are recomputed from the
 * clone's own instructions. Returns 0 with *out NULL when there is nothing
 * to describe.
 */
static int clone_func_info(int tmpl_fd, const struct bpf_insn *insns, size_t cnt, struct bpf_func_info **out,
			   uint32_t *nr, int *btf_fd, char *err, size_t errlen)
{
	struct bpf_prog_info info = { 0 };
	uint32_t info_len = sizeof(info), starts[256];
	struct bpf_func_info *recs;
	size_t nstarts;

	*out = NULL;
	*nr = 0;
	*btf_fd = -1;
	nstarts = prog_clone_subprog_starts(insns, cnt, starts, sizeof(starts) / sizeof(starts[0]));
	if (nstarts <= 1)
		return 0;
	if (nstarts == SIZE_MAX || bpf_prog_get_info_by_fd(tmpl_fd, &info, &info_len)) {
		snprintf(err, errlen, "cannot read the template's function info: %s",
			 nstarts == SIZE_MAX ? "too many subprograms" : strerror(errno));
		return -1;
	}
	if (info.nr_func_info != nstarts || info.func_info_rec_size != sizeof(struct bpf_func_info)) {
		snprintf(err, errlen, "the template has %u function records for %zu subprograms", info.nr_func_info,
			 nstarts);
		return -1;
	}
	recs = calloc(nstarts, sizeof(*recs));
	if (!recs) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memset(&info, 0, sizeof(info));
	info.nr_func_info = nstarts;
	info.func_info_rec_size = sizeof(*recs);
	info.func_info = (uint64_t)(uintptr_t)recs;
	info_len = sizeof(info);
	if (bpf_prog_get_info_by_fd(tmpl_fd, &info, &info_len) || (*btf_fd = bpf_btf_get_fd_by_id(info.btf_id)) < 0) {
		snprintf(err, errlen, "cannot read the template's function info: %s", strerror(errno));
		free(recs);
		return -1;
	}
	for (size_t i = 0; i < nstarts; i++)
		recs[i].insn_off = starts[i];
	*out = recs;
	*nr = nstarts;
	return 0;
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
	struct bpf_func_info *func_info = NULL;
	struct bpf_insn *insns;
	uint32_t nr_func_info = 0;
	int btf_fd = -1;
	char *log;
	int fd = -1;

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
	if (clone_func_info(bpf_program__fd(tmpl), insns, cnt, &func_info, &nr_func_info, &btf_fd, err, errlen))
		goto out;

	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = target->attach_type,
		    .attach_btf_id = target->attach_btf_id, .attach_btf_obj_fd = target->attach_btf_obj_fd,
		    .attach_prog_fd = target->attach_prog_fd, .prog_btf_fd = btf_fd >= 0 ? btf_fd : 0,
		    .func_info = func_info, .func_info_cnt = nr_func_info,
		    .func_info_rec_size = func_info ? sizeof(*func_info) : 0);
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
	if (btf_fd >= 0)
		close(btf_fd);
	free(func_info);
	free(insns);
	free(log);
	return fd;
}
