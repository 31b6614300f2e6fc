/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The running kernel's BTF, parsed once per process. A parse of
 * /sys/kernel/btf/vmlinux costs tens of milliseconds, and backend probing,
 * hook discovery and netfilter setup all need it before the first event:
 * parsing it once is a good part of vista's start-up time.
 */
#ifndef VISTA_BTF_CACHE_H
#define VISTA_BTF_CACHE_H

struct btf;

/*
 * The kernel's BTF, or NULL with errno set. The object belongs to the
 * cache: callers never free it (nor modify it); it lives until
 * btf_cache_release(), which also runs at exit.
 */
struct btf *btf_cache_vmlinux(void);

/* Frees the cached BTF (the next btf_cache_vmlinux() parses again). */
void btf_cache_release(void);

#endif
