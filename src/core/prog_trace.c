// SPDX-License-Identifier: GPL-2.0-only
#include "core/prog_trace.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/hooks.h"

/*
 * The BTF object of this id, or NULL. libbpf's btf__load_from_kernel_by_id()
 * does the same into memory of its own; this one reads into a zeroed buffer,
 * because the kernel writes the data through a pointer inside bpf_btf_info,
 * which valgrind does not follow: it would take every byte of it for
 * uninitialised, in libbpf and in the names read from it here.
 */
static struct btf *btf_by_id(__u32 id)
{
	struct bpf_btf_info info = { 0 };
	__u32 info_len = sizeof(info), size;
	struct btf *btf = NULL;
	void *data = NULL;
	int fd = bpf_btf_get_fd_by_id(id);

	if (fd < 0)
		return NULL;
	if (bpf_btf_get_info_by_fd(fd, &info, &info_len) == 0 && info.btf_size &&
	    (data = calloc(1, info.btf_size))) {
		size = info.btf_size;
		memset(&info, 0, sizeof(info));
		info.btf = (__u64)(unsigned long)data;
		info.btf_size = size;
		info_len = sizeof(info);
		/* A program's BTF stands alone (no base): btf__new() copies it. */
		if (bpf_btf_get_info_by_fd(fd, &info, &info_len) == 0 && info.btf_size == size)
			btf = btf__new(data, size);
	}
	free(data);
	close(fd);
	return btf; /* NULL on error, in libbpf 1.x */
}

/* The name of the program's main function (its first func_info), into func; 0 or -1. */
static int main_func(int fd, const struct bpf_prog_info *info, char *func, size_t len, uint32_t *btf_id)
{
	struct bpf_func_info fi[1] = { 0 };
	struct bpf_prog_info again = { 0 };
	__u32 info_len = sizeof(again);
	const struct btf_type *t;
	struct btf *btf;

	if (!info->btf_id || !info->nr_func_info)
		return -1;
	/* Only the first record: the main function is at instruction 0. */
	again.nr_func_info = 1;
	again.func_info_rec_size = sizeof(fi[0]);
	again.func_info = (__u64)(unsigned long)fi;
	if (bpf_prog_get_info_by_fd(fd, &again, &info_len))
		return -1;
	btf = btf_by_id(info->btf_id);
	if (!btf)
		return -1;
	t = btf__type_by_id(btf, fi[0].type_id);
	if (!t || !btf_is_func(t)) {
		btf__free(btf);
		return -1;
	}
	snprintf(func, len, "%s", btf__name_by_offset(btf, t->name_off));
	*btf_id = fi[0].type_id;
	btf__free(btf);
	return 0;
}

static int append(struct hook_table *t, const char *name, enum hook_template tmpl, int fd, uint32_t id,
		  const char *func, uint32_t btf_id, bool no_packet)
{
	struct hook *h = hooks_push(t);

	if (!h)
		return -1;
	snprintf(h->name, sizeof(h->name), "%s", name);
	snprintf(h->target_func, sizeof(h->target_func), "%s", func);
	h->tmpl = tmpl;
	h->btf_id = btf_id;
	h->target_fd = fd;
	h->target_id = id;
	h->no_packet = no_packet;
	return 0;
}

int prog_trace_discover(bool xdp, bool tc, unsigned int pcap_skip, struct hook_table *t, size_t *skipped, char *err,
			size_t errlen)
{
	__u32 id = 0;
	int found = 0;

	while (bpf_prog_get_next_id(id, &id) == 0) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		char func[HOOK_NAME_LEN], name[HOOK_NAME_LEN];
		uint32_t btf_id = 0;
		bool is_xdp;
		int fd = bpf_prog_get_fd_by_id(id), fd2;

		if (fd < 0)
			continue; /* unloaded meanwhile */
		if (bpf_prog_get_info_by_fd(fd, &info, &len) ||
		    !((xdp && info.type == BPF_PROG_TYPE_XDP) || (tc && info.type == BPF_PROG_TYPE_SCHED_CLS))) {
			close(fd);
			continue;
		}
		is_xdp = info.type == BPF_PROG_TYPE_XDP;
		if (main_func(fd, &info, func, sizeof(func), &btf_id)) {
			(*skipped)++;
			close(fd);
			continue;
		}
		/* The kernel's name is cut at 15 characters; the BTF name is whole. */
		snprintf(name, sizeof(name), "%.*s(%s)", (int)(sizeof(name) - 6), func, is_xdp ? "xdp" : "tc");
		/* Each hook owns an fd of the program, closed with it. */
		fd2 = dup(fd);
		if (fd2 < 0 || append(t, name, is_xdp ? TMPL_PROG_XDP_ENTRY : TMPL_PROG_TC_ENTRY, fd, id, func, btf_id,
				      pcap_skip & PROG_TRACE_PCAP_SKIP_ENTRY)) {
			close(fd);
			if (fd2 >= 0)
				close(fd2);
			snprintf(err, errlen, "cannot keep BPF program %u: out of memory or fds", id);
			return -1;
		}
		if (append(t, name, is_xdp ? TMPL_PROG_XDP_EXIT : TMPL_PROG_TC_EXIT, fd2, id, func, btf_id,
			   pcap_skip & PROG_TRACE_PCAP_SKIP_EXIT)) {
			close(fd2);
			snprintf(err, errlen, "cannot keep BPF program %u: out of memory", id);
			return -1;
		}
		found++;
	}
	return found;
}

void prog_trace_close_targets(struct hook_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		if (hook_is_prog(&t->v[i]) && t->v[i].target_fd > 0)
			close(t->v[i].target_fd);
		t->v[i].target_fd = 0;
	}
}

const char *prog_trace_action(bool xdp, int action)
{
	static const char *const xdp_names[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT" };
	static const struct {
		int v;
		const char *name;
	} tc_names[] = {
		{ -1, "TC_ACT_UNSPEC" },  { 0, "TC_ACT_OK" },     { 1, "TC_ACT_RECLASSIFY" }, { 2, "TC_ACT_SHOT" },
		{ 3, "TC_ACT_PIPE" },     { 4, "TC_ACT_STOLEN" }, { 5, "TC_ACT_QUEUED" },     { 6, "TC_ACT_REPEAT" },
		{ 7, "TC_ACT_REDIRECT" }, { 8, "TC_ACT_TRAP" },
	};

	if (xdp)
		return action >= 0 && action < (int)(sizeof(xdp_names) / sizeof(xdp_names[0])) ? xdp_names[action]
											       : NULL;
	for (size_t i = 0; i < sizeof(tc_names) / sizeof(tc_names[0]); i++)
		if (tc_names[i].v == action)
			return tc_names[i].name;
	return NULL;
}
