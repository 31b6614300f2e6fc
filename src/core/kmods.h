/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel modules' BTF (--kmods, --all-kmods): the functions a module adds
 * are described in /sys/kernel/btf/<module>, split on vmlinux's BTF, and an
 * fentry program attaches to one through the module's BTF object in the
 * kernel (attach_btf_obj_fd), which this finds by name.
 */
#ifndef VISTA_KMODS_H
#define VISTA_KMODS_H

#include <stdbool.h>
#include <stddef.h>

struct btf;

#define KMOD_NAME_LEN 64

struct kmod_btf {
	char name[KMOD_NAME_LEN];
	struct btf *btf; /* split on the base given to kmods_open */
	int fd;          /* the module's BTF object in the kernel, -1 when not found */
};

struct kmods {
	struct kmod_btf *v;
	size_t n;
};

/*
 * Checks that every name (a NULL-terminated list) is a loaded module with
 * BTF. Returns 0, or -1 with one sentence naming the first that is not.
 */
int kmods_check_names(const char *const *names, char *err, size_t errlen);

/*
 * Opens the BTF of the named modules, or of every module that has BTF when
 * all. base is the running kernel's vmlinux BTF. Returns 0, or -1 with one
 * sentence in err and nothing left open.
 */
int kmods_open(const char *const *names, bool all, const struct btf *base, struct kmods *out, char *err, size_t errlen);

/* Frees the BTF and closes the BTF objects. Safe on an empty or zeroed set. */
void kmods_close(struct kmods *m);

#endif
