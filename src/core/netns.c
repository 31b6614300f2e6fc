// SPDX-License-Identifier: GPL-2.0-only
/* Network namespaces named on the command line, and interfaces inside them. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* setns, CLONE_NEWNET */
#endif
#include "core/netns.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* setns() moves only the calling thread, so the namespace to return to is this thread's. */
#define SELF_NETNS "/proc/thread-self/ns/net"

uint32_t netns_current_inode(void)
{
	struct stat st;

	if (stat(SELF_NETNS, &st) < 0 || st.st_ino > UINT32_MAX)
		return 0;
	return (uint32_t)st.st_ino;
}

static int parse_inode(const char *num, uint32_t *inode, char *err, size_t errlen)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)*num)) {
		snprintf(err, errlen, "invalid netns \"inode:%s\": expected a decimal inode number", num);
		return -1;
	}
	errno = 0;
	v = strtoull(num, &end, 10);
	if (*end) {
		snprintf(err, errlen, "invalid netns \"inode:%s\": expected a decimal inode number", num);
		return -1;
	}
	if (errno || v == 0 || v > UINT32_MAX) {
		snprintf(err, errlen, "invalid netns \"inode:%s\": inode must be between 1 and %u", num, UINT32_MAX);
		return -1;
	}
	*inode = (uint32_t)v;
	return 0;
}

/* Whether fd is a namespace file, and of the network kind. */
static bool is_netns_fd(int fd)
{
	return ioctl(fd, NS_GET_NSTYPE) == CLONE_NEWNET;
}

static int parse_path(const char *path, uint32_t *inode, char *err, size_t errlen)
{
	struct stat st;
	bool netns;
	int fd;

	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "netns path \"%s\": %s", path, strerror(errno));
		return -1;
	}
	/* Namespace files are regular files on nsfs; this check also keeps open() off FIFOs and devices. */
	if (!S_ISREG(st.st_mode) || st.st_ino > UINT32_MAX) {
		snprintf(err, errlen, "\"%s\" is not a network namespace", path);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "netns path \"%s\": %s", path, strerror(errno));
		return -1;
	}
	netns = is_netns_fd(fd);
	close(fd);
	if (!netns) {
		snprintf(err, errlen, "\"%s\" is not a network namespace", path);
		return -1;
	}
	*inode = (uint32_t)st.st_ino;
	return 0;
}

int netns_parse(const char *spec, uint32_t *inode, char *err, size_t errlen)
{
	if (!spec || !*spec) {
		snprintf(err, errlen, "empty netns: expected \"inode:N\" or a path such as /run/netns/NAME");
		return -1;
	}
	if (strncmp(spec, "inode:", 6) == 0)
		return parse_inode(spec + 6, inode, err, errlen);
	return parse_path(spec, inode, err, errlen);
}

/* Opens path if it is the namespace file (st_dev, ino); -1 otherwise. */
static int open_if_match(const char *path, dev_t dev, uint32_t ino)
{
	struct stat st;
	int fd;

	if (stat(path, &st) < 0 || st.st_ino != ino || st.st_dev != dev)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* The process may have exited and its PID been reused between stat() and open(): check again. */
	if (fstat(fd, &st) < 0 || st.st_ino != ino || st.st_dev != dev) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Scans dir for an entry whose file (dir/NAME/suffix, or dir/NAME when suffix
 * is "") is the namespace; only numeric names when pids_only. Returns an fd or -1.
 */
static int scan_dir(const char *dir, const char *suffix, bool pids_only, dev_t dev, uint32_t ino)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(dir);
	int fd = -1;

	if (!d)
		return -1;
	while (fd < 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.' || (pids_only && !isdigit((unsigned char)de->d_name[0])))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s%s", dir, de->d_name, suffix) >= (int)sizeof(path))
			continue;
		fd = open_if_match(path, dev, ino);
	}
	closedir(d);
	return fd;
}

/* A file descriptor for the network namespace with this inode, or -1. */
static int open_netns(uint32_t ino)
{
	struct stat self;
	int fd;

	/* All namespace files share nsfs's device; matching it too rules out unrelated files with that inode. */
	if (stat(SELF_NETNS, &self) < 0)
		return -1;
	fd = scan_dir("/run/netns", "", false, self.st_dev, ino);
	if (fd < 0)
		fd = scan_dir("/proc", "/ns/net", true, self.st_dev, ino);
	return fd;
}

int netns_open(uint32_t netns_inode)
{
	return open_netns(netns_inode);
}

static int check_ifname(const char *ifname, char *err, size_t errlen)
{
	if (!ifname || !*ifname) {
		snprintf(err, errlen, "empty interface name");
		return -1;
	}
	if (strlen(ifname) >= IFNAMSIZ) {
		snprintf(err, errlen, "interface name \"%s\" is too long (max %d characters)", ifname, IFNAMSIZ - 1);
		return -1;
	}
	return 0;
}

static int ifindex_here(const char *ifname, const char *where, uint32_t *ifindex, char *err, size_t errlen)
{
	unsigned int idx = if_nametoindex(ifname);

	if (idx) {
		*ifindex = idx;
		return 0;
	}
	if (errno == ENODEV)
		snprintf(err, errlen, "interface \"%s\" not found in %s", ifname, where);
	else
		snprintf(err, errlen, "interface \"%s\" in %s: %s", ifname, where, strerror(errno));
	return -1;
}

/* Runs the lookup inside the namespace behind nsfd and comes back to the caller's own. */
static int ifindex_in(int nsfd, uint32_t ino, const char *ifname, uint32_t *ifindex, char *err, size_t errlen)
{
	char where[32];
	int self, ret;

	snprintf(where, sizeof(where), "netns inode:%u", ino);
	self = open(SELF_NETNS, O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		snprintf(err, errlen, "cannot open %s: %s", SELF_NETNS, strerror(errno));
		return -1;
	}
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		snprintf(err, errlen, "cannot enter %s: %s", where, strerror(errno));
		close(self);
		return -1;
	}
	ret = ifindex_here(ifname, where, ifindex, err, errlen);
	if (setns(self, CLONE_NEWNET) < 0) {
		/* Staying in the wrong namespace would silently break everything after; say so loudly. */
		snprintf(err, errlen, "cannot return to the original netns from %s: %s", where, strerror(errno));
		ret = -1;
	}
	close(self);
	return ret;
}

int netns_ifindex(uint32_t netns_inode, const char *ifname, uint32_t *ifindex, char *err, size_t errlen)
{
	int fd, ret;

	if (check_ifname(ifname, err, errlen) < 0)
		return -1;
	if (netns_inode == 0 || netns_inode == netns_current_inode())
		return ifindex_here(ifname, "the current netns", ifindex, err, errlen);
	fd = open_netns(netns_inode);
	if (fd < 0) {
		snprintf(err, errlen, "no process or /run/netns entry holds netns inode:%u", netns_inode);
		return -1;
	}
	ret = ifindex_in(fd, netns_inode, ifname, ifindex, err, errlen);
	close(fd);
	return ret;
}

/* The namespaces netns_for_each visits: one open file for each distinct inode. */
struct netns_list {
	struct {
		uint32_t inode;
		int fd;
	} * v;
	size_t n, cap;
	dev_t dev; /* nsfs */
};

static bool netns_list_has(const struct netns_list *l, uint32_t inode)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].inode == inode)
			return true;
	return false;
}

/* Adds the namespace behind path unless already listed; a path that is gone or not a netns is skipped. */
static int netns_list_add(struct netns_list *l, const char *path)
{
	struct stat st;
	int fd;

	if (stat(path, &st) < 0 || st.st_dev != l->dev || st.st_ino > UINT32_MAX ||
	    netns_list_has(l, (uint32_t)st.st_ino))
		return 0;
	fd = open_if_match(path, l->dev, (uint32_t)st.st_ino);
	if (fd < 0)
		return 0;
	if (!is_netns_fd(fd)) {
		close(fd);
		return 0;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		void *v = realloc(l->v, cap * sizeof(*l->v));

		if (!v) {
			close(fd);
			return -1;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].inode = (uint32_t)st.st_ino;
	l->v[l->n].fd = fd;
	l->n++;
	return 0;
}

static int netns_list_scan(struct netns_list *l, const char *dir, const char *suffix, bool pids_only)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(dir);
	int rc = 0;

	if (!d)
		return 0; /* no /run/netns: nobody named a namespace */
	while (rc == 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.' || (pids_only && !isdigit((unsigned char)de->d_name[0])))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s%s", dir, de->d_name, suffix) < (int)sizeof(path))
			rc = netns_list_add(l, path);
	}
	closedir(d);
	return rc;
}

static void netns_list_free(struct netns_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		close(l->v[i].fd);
	free(l->v);
}

int netns_for_each(netns_fn fn, void *ctx, char *err, size_t errlen)
{
	struct netns_list l = { 0 };
	struct stat self;
	int rc = 0, home;

	if (stat(SELF_NETNS, &self) < 0) {
		snprintf(err, errlen, "cannot read %s: %s", SELF_NETNS, strerror(errno));
		return -1;
	}
	l.dev = self.st_dev;
	if (netns_list_add(&l, SELF_NETNS) || netns_list_scan(&l, "/run/netns", "", false) ||
	    netns_list_scan(&l, "/proc", "/ns/net", true)) {
		snprintf(err, errlen, "out of memory");
		netns_list_free(&l);
		return -1;
	}
	if (!l.n || l.v[0].inode != self.st_ino) {
		snprintf(err, errlen, "cannot open %s", SELF_NETNS);
		netns_list_free(&l);
		return -1;
	}
	home = l.v[0].fd; /* SELF_NETNS came first */
	for (size_t i = 0; i < l.n && rc == 0; i++) {
		char where[32];

		snprintf(where, sizeof(where), "netns inode:%u", l.v[i].inode);
		if (i && setns(l.v[i].fd, CLONE_NEWNET) < 0) {
			snprintf(err, errlen, "cannot enter %s: %s", where, strerror(errno));
			rc = -1;
			break;
		}
		rc = fn(ctx, l.v[i].inode, err, errlen);
		if (i && setns(home, CLONE_NEWNET) < 0) {
			/* Staying in the wrong namespace would silently break everything after; say so loudly. */
			snprintf(err, errlen, "cannot return to the original netns from %s: %s", where,
				 strerror(errno));
			rc = -1;
		}
	}
	netns_list_free(&l);
	return rc;
}
