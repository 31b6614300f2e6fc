// SPDX-License-Identifier: GPL-2.0-only
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* setns, CLONE_NEWNET */
#endif
#include "tui/if_names.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/netns.h"

/* setns() moves only the calling thread: this thread's namespace is the one to come back to. */
#define SELF_NETNS "/proc/thread-self/ns/net"

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int list_here(struct if_name_list *out, char *err, size_t errlen)
{
	struct if_nameindex *ifs = if_nameindex(), *i;

	if (!ifs) {
		snprintf(err, errlen, "cannot list the interfaces: %s", strerror(errno));
		return -1;
	}
	for (i = ifs; i->if_index && out->n < EVENT_SOURCE_MAX_IFNAMES; i++)
		snprintf(out->name[out->n++], VISTA_IFNAME_LEN, "%s", i->if_name);
	if_freenameindex(ifs);
	qsort(out->name, out->n, sizeof(out->name[0]), by_name);
	return 0;
}

/* The namespace of the filter, through any file that holds it (core/netns.c). */
static int open_netns(const struct filter_set *fs, char *err, size_t errlen)
{
	int fd = netns_open(fs->kernel.netns);

	if (fd < 0)
		snprintf(err, errlen, "no process or /run/netns entry holds netns inode:%u", fs->kernel.netns);
	return fd;
}

int if_names_list(const struct filter_set *fs, struct if_name_list *out, char *err, size_t errlen)
{
	int nsfd, self, rc;

	out->n = 0;
	if (!(fs->kernel.flags & VISTA_F_NETNS) || fs->kernel.netns == netns_current_inode())
		return list_here(out, err, errlen);
	nsfd = open_netns(fs, err, errlen);
	if (nsfd < 0)
		return -1;
	self = open(SELF_NETNS, O_RDONLY | O_CLOEXEC);
	if (self < 0 || setns(nsfd, CLONE_NEWNET) < 0) {
		snprintf(err, errlen, "cannot enter netns inode:%u: %s", fs->kernel.netns, strerror(errno));
		if (self >= 0)
			close(self);
		close(nsfd);
		return -1;
	}
	rc = list_here(out, err, errlen);
	if (setns(self, CLONE_NEWNET) < 0) {
		/* Staying in the wrong namespace would silently break every later lookup. */
		snprintf(err, errlen, "cannot return to vista-top's netns from inode:%u: %s", fs->kernel.netns,
			 strerror(errno));
		rc = -1;
	}
	close(self);
	close(nsfd);
	return rc;
}
