// SPDX-License-Identifier: GPL-2.0-only
#include "core/kmods.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SYS_BTF "/sys/kernel/btf"

/* A module name is one path component: anything else could name another file. */
static bool plain_name(const char *name)
{
	return *name && strlen(name) < KMOD_NAME_LEN && !strchr(name, '/') && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0 && strcmp(name, "vmlinux") != 0;
}

static int check_name(const char *name, char *err, size_t errlen)
{
	char path[sizeof(SYS_BTF) + KMOD_NAME_LEN + 1];

	if (!plain_name(name)) {
		snprintf(err, errlen, "--kmods: \"%s\" is not a kernel module name", name);
		return -1;
	}
	snprintf(path, sizeof(path), SYS_BTF "/%s", name);
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "--kmods: no loaded kernel module \"%s\" has BTF (%s: %s)", name, path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

int kmods_check_names(const char *const *names, char *err, size_t errlen)
{
	for (size_t i = 0; names && names[i]; i++)
		if (check_name(names[i], err, errlen))
			return -1;
	return 0;
}

/* The fd of the kernel's BTF object named name (a module's), or -1. */
static int btf_object_fd(const char *name)
{
	__u32 id = 0;

	while (bpf_btf_get_next_id(id, &id) == 0) {
		char obj_name[KMOD_NAME_LEN] = "";
		struct bpf_btf_info info = { 0 };
		__u32 len = sizeof(info);
		int fd = bpf_btf_get_fd_by_id(id);

		if (fd < 0)
			continue;
		info.name = (__u64)(unsigned long)obj_name;
		info.name_len = sizeof(obj_name);
		if (bpf_btf_get_info_by_fd(fd, &info, &len) == 0 && info.kernel_btf && strcmp(obj_name, name) == 0)
			return fd;
		close(fd);
	}
	return -1;
}

static int add_module(struct kmods *m, const char *name, const struct btf *base, char *err, size_t errlen)
{
	struct kmod_btf *v = realloc(m->v, (m->n + 1) * sizeof(*v)), *k;

	if (!v) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	m->v = v;
	k = &m->v[m->n];
	snprintf(k->name, sizeof(k->name), "%s", name);
	k->btf = btf__load_module_btf(name, (struct btf *)base);
	if (!k->btf) {
		snprintf(err, errlen, "cannot read the BTF of kernel module %s: %s", name, strerror(errno));
		return -1;
	}
	k->fd = btf_object_fd(name);
	m->n++;
	return 0;
}

int kmods_open(const char *const *names, bool all, const struct btf *base, struct kmods *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (all) {
		DIR *d = opendir(SYS_BTF);
		struct dirent *de;

		if (!d) {
			snprintf(err, errlen, "--all-kmods: cannot list " SYS_BTF ": %s", strerror(errno));
			return -1;
		}
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.' || !plain_name(de->d_name))
				continue;
			if (add_module(out, de->d_name, base, err, errlen)) {
				closedir(d);
				kmods_close(out);
				return -1;
			}
		}
		closedir(d);
		return 0;
	}
	for (size_t i = 0; names && names[i]; i++) {
		if (check_name(names[i], err, errlen) || add_module(out, names[i], base, err, errlen)) {
			kmods_close(out);
			return -1;
		}
	}
	return 0;
}

void kmods_close(struct kmods *m)
{
	for (size_t i = 0; i < m->n; i++) {
		btf__free(m->v[i].btf);
		if (m->v[i].fd >= 0)
			close(m->v[i].fd);
	}
	free(m->v);
	memset(m, 0, sizeof(*m));
}
