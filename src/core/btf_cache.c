// SPDX-License-Identifier: GPL-2.0-only
#include "core/btf_cache.h"

#include <bpf/btf.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

static struct btf *vmlinux;
static int vmlinux_errno; /* a failed parse is remembered too: it would fail again */

struct btf *btf_cache_vmlinux(void)
{
	if (!vmlinux && !vmlinux_errno) {
		vmlinux = btf__load_vmlinux_btf();
		if (!vmlinux)
			vmlinux_errno = errno ? errno : ENOENT;
		else
			atexit(btf_cache_release); /* leak checkers see a freed cache, not a leak */
	}
	if (!vmlinux)
		errno = vmlinux_errno;
	return vmlinux;
}

void btf_cache_release(void)
{
	btf__free(vmlinux);
	vmlinux = NULL;
	vmlinux_errno = 0;
}
