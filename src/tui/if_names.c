// SPDX-License-Identifier: GPL-2.0-only
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* setns, CLONE_NEWNET */
#endif
#include "tui/if_names.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Opens path when it is the namespace file of inode ino on nsfs (device dev); -1 otherwise. */
static int open_matching(const char *path, dev_t dev, uint32_t ino)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_ino != ino || st.st_dev != dev) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A file of the namespace: its name in /run/netns, or a process inside it. */
static int scan(const char *dir, const char *suffix, bool pids, dev_t dev, uint32_t ino)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(dir);
	int fd = -1;

	if (!d)
		return -1;
	while (fd < 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.' || (pids && !isdigit((unsigned char)de->d_name[0])))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s%s", dir, de->d_name, suffix) < (int)sizeof(path))
			fd = open_matching(path, dev, ino);
	}
	closedir(d);
	return fd;
}

/* The namespace of the filter: the path it was given as, else any file that is it. */
static int open_netns(const struct filter_set *fs, char *err, size_t errlen)
{
	uint32_t ino = fs->kernel.netns;
	struct stat self;
	int fd = -1;

	if (stat(SELF_NETNS, &self) < 0) {
		snprintf(err, errlen, "cannot read %s: %s", SELF_NETNS, strerror(errno));
		return -1;
	}
	if (fs->netns[0] && strncmp(fs->netns, "inode:", 6) != 0)
		fd = open_matching(fs->netns, self.st_dev, ino);
	if (fd < 0)
		fd = scan("/run/netns", "", false, self.st_dev, ino);
	if (fd < 0)
		fd = scan("/proc", "/ns/net", true, self.st_dev, ino);
	if (fd < 0)
		snprintf(err, errlen, "no process or /run/netns entry holds netns inode:%u", ino);
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
