// SPDX-License-Identifier: GPL-2.0-only
/* --kmods names (core/kmods.h): only loaded modules with BTF, never a path. */
#include <stdio.h>
#include <string.h>

#include "core/kmods.h"
#include "tap.h"

static void refused(const char *name, const char *want)
{
	const char *names[] = { "", NULL };
	char err[256] = "";

	names[0] = name;
	ok(kmods_check_names(names, err, sizeof(err)) == -1, "\"%s\" is refused", name);
	is_str(err, want, "  with one sentence");
}

int main(void)
{
	const char *none[] = { NULL };
	struct kmods m = { 0 };
	char err[256];

	refused("vista_no_such_module", "--kmods: no loaded kernel module \"vista_no_such_module\" has BTF "
					"(/sys/kernel/btf/vista_no_such_module: No such file or directory)");
	refused("../vmlinux", "--kmods: \"../vmlinux\" is not a kernel module name");
	refused("..", "--kmods: \"..\" is not a kernel module name");
	refused("vmlinux", "--kmods: \"vmlinux\" is not a kernel module name");
	refused("", "--kmods: \"\" is not a kernel module name");
	is_int(kmods_check_names(none, err, sizeof(err)), 0, "an empty list is fine");
	is_int(kmods_check_names(NULL, err, sizeof(err)), 0, "so is none");
	is_int(kmods_open(none, false, NULL, &m, err, sizeof(err)), 0, "opening no module works");
	is_int(m.n, 0, "  and opens nothing");
	kmods_close(&m);
	kmods_close(&m);
	ok(1, "closing twice is safe");
	return tap_done();
}
