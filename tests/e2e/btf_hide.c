// SPDX-License-Identifier: GPL-2.0-only
/*
 * btf_hide IN OUT NAME...: writes to OUT a copy of the BTF in IN (a raw BTF
 * file such as /sys/kernel/btf/vmlinux) in which every type called NAME is
 * renamed away. Given to vista with --kernel-btf, it describes a kernel
 * without those tracepoints (btf_trace_NAME) or functions (bpf_iter_tcp):
 * how the end-to-end tests show vista a kernel that lacks a feature.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "btf_hide: %s %s: %s\n", what, path, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct btf *src, *dst;
	const void *raw;
	__u32 size;
	int hidden = 0;
	FILE *out;

	if (argc < 4) {
		fprintf(stderr, "usage: btf_hide IN OUT NAME...\n");
		return 2;
	}
	src = btf__parse(argv[1], NULL);
	if (!src)
		return fail("cannot read", argv[1]);
	dst = btf__new_empty();
	if (!dst || btf__add_btf(dst, src) < 0)
		return fail("cannot copy", argv[1]);
	for (__u32 id = 1; id < btf__type_cnt(dst); id++) {
		/* The copy is writable: its types may point at new names. */
		struct btf_type *t = (struct btf_type *)btf__type_by_id(dst, id);
		const char *name = btf__name_by_offset(dst, t->name_off);

		for (int i = 3; name && i < argc; i++) {
			char renamed[256];
			int off;

			if (strcmp(name, argv[i]) != 0)
				continue;
			snprintf(renamed, sizeof(renamed), "hidden_%s", argv[i]);
			off = btf__add_str(dst, renamed);
			if (off < 0)
				return fail("cannot rename in", argv[1]);
			t->name_off = (__u32)off;
			hidden++;
			break;
		}
	}
	raw = btf__raw_data(dst, &size);
	out = fopen(argv[2], "wb");
	if (!raw || !out || fwrite(raw, 1, size, out) != size || fclose(out) != 0)
		return fail("cannot write", argv[2]);
	printf("hid %d types\n", hidden);
	btf__free(dst);
	btf__free(src);
	return 0;
}
