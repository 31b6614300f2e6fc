// SPDX-License-Identifier: GPL-2.0-only
/*
 * Filter sets: every runtime-changeable filter as one value.
 *
 * The netns and ifname filters depend on each other (an ifindex is only
 * meaningful inside its namespace), so their edits live here rather than in
 * each caller: the command language, the TUI and the CLI then cannot give
 * the same words different meanings.
 */
#include "filter/filter_set.h"

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/errmsg.h"
#include "core/hooks.h"
#include "core/netns.h"
#include "core/strbuf.h"
#include "filter/command.h"
#include "filter/pcap_expr.h"
#include "filter/structured.h"

#define WHY_MAX 256

void filter_set_init(struct filter_set *fs)
{
	memset(fs, 0, sizeof(*fs));
}

/* Zero-pads the whole field, so that two sets holding the same text compare equal with memcmp(). */
static void set_text(char *field, size_t size, const char *text)
{
	memset(field, 0, size);
	memcpy(field, text, strlen(text));
}

/* Rejects "" and text that does not fit a field of size bytes (NUL included). */
static int check_text(const char *what, const char *text, size_t size, char *err, size_t errlen)
{
	size_t n = strlen(text);

	if (n == 0)
		return errmsg_set(err, errlen, "empty %s", what);
	if (n >= size)
		return errmsg_set(err, errlen, "%s is too long (%zu bytes, max %zu)", what, n, size - 1);
	return 0;
}

int filter_set_pcap(struct filter_set *fs, const char *expr, char *err, size_t errlen)
{
	if (check_text("pcap expression", expr, sizeof(fs->pcap), err, errlen))
		return -1;
	/* Compiled now, so that a bad expression is refused where it was typed. */
	if (pcap_expr_check(expr, err, errlen))
		return -1;
	set_text(fs->pcap, sizeof(fs->pcap), expr);
	return 0;
}

int filter_set_func(struct filter_set *fs, const char *regex, char *err, size_t errlen)
{
	regex_t re;

	if (check_text("regular expression", regex, sizeof(fs->func_regex), err, errlen))
		return -1;
	/* The session's own compiler: what is accepted here matches there. */
	if (hooks_regex_compile(&re, regex, err, errlen))
		return -1;
	regfree(&re);
	set_text(fs->func_regex, sizeof(fs->func_regex), regex);
	return 0;
}

/* The active ifname looked up again inside the namespace with this inode (0: the caller's own). */
static int follow_ifname(const struct filter_set *fs, uint32_t netns, uint32_t *ifindex, char *err, size_t errlen)
{
	char why[WHY_MAX];

	if (netns_ifindex(netns, fs->ifname, ifindex, why, sizeof(why)))
		return errmsg_set(err, errlen, "cannot keep ifname \"%s\": %s", fs->ifname, why);
	return 0;
}

int filter_set_netns(struct filter_set *fs, const char *spec, char *err, size_t errlen)
{
	uint32_t inode, ifindex = fs->kernel.ifindex;

	/* Kept as typed, for describe: too long to keep is too long to accept. */
	if (strlen(spec) >= sizeof(fs->netns))
		return errmsg_set(err, errlen, "netns \"%.64s...\" is too long (%zu bytes, max %zu)", spec,
				  strlen(spec), sizeof(fs->netns) - 1);
	if (netns_parse(spec, &inode, err, errlen))
		return -1;
	if ((fs->kernel.flags & VISTA_F_IFINDEX) && follow_ifname(fs, inode, &ifindex, err, errlen))
		return -1;
	fs->kernel.netns = inode;
	fs->kernel.ifindex = ifindex;
	fs->kernel.flags |= VISTA_F_NETNS;
	set_text(fs->netns, sizeof(fs->netns), spec);
	return 0;
}

int filter_set_ifname(struct filter_set *fs, const char *ifname, char *err, size_t errlen)
{
	uint32_t netns = fs->kernel.flags & VISTA_F_NETNS ? fs->kernel.netns : 0, ifindex;

	/* netns_ifindex() also rejects "" and names of IFNAMSIZ (== VISTA_IFNAME_LEN) bytes or more. */
	if (netns_ifindex(netns, ifname, &ifindex, err, errlen))
		return -1;
	fs->kernel.ifindex = ifindex;
	fs->kernel.flags |= VISTA_F_IFINDEX | VISTA_F_NETNS;
	fs->kernel.netns = netns ? netns : netns_current_inode();
	set_text(fs->ifname, sizeof(fs->ifname), ifname);
	return 0;
}

static int clear_pcap(struct filter_set *fs, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	memset(fs->pcap, 0, sizeof(fs->pcap));
	return 0;
}

static int clear_addr(struct filter_set *fs, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	fs->kernel.flags &= ~(__u32)(VISTA_F_ADDR4 | VISTA_F_ADDR6);
	memset(fs->kernel.addr, 0, sizeof(fs->kernel.addr));
	return 0;
}

static int clear_port(struct filter_set *fs, char *err, size_t errlen)
{
	/* Port 0 is structured.c's own way of saying "no port filter". */
	return structured_set_port(&fs->kernel, "0", err, errlen);
}

static int clear_proto(struct filter_set *fs, char *err, size_t errlen)
{
	return structured_set_proto(&fs->kernel, "any", err, errlen);
}

static int clear_netns(struct filter_set *fs, char *err, size_t errlen)
{
	uint32_t ifindex;

	if (fs->kernel.flags & VISTA_F_IFINDEX) {
		/* The ifname stays, so it now names an interface of our own namespace, as `ifname` alone does. */
		if (follow_ifname(fs, 0, &ifindex, err, errlen))
			return -1;
		fs->kernel.ifindex = ifindex;
		fs->kernel.netns = netns_current_inode();
	} else {
		fs->kernel.flags &= ~(__u32)VISTA_F_NETNS;
		fs->kernel.netns = 0;
	}
	memset(fs->netns, 0, sizeof(fs->netns));
	return 0;
}

static int clear_ifname(struct filter_set *fs, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	fs->kernel.flags &= ~(__u32)VISTA_F_IFINDEX;
	fs->kernel.ifindex = 0;
	memset(fs->ifname, 0, sizeof(fs->ifname));
	/* The namespace filter stays only if the user asked for it, not if it came with the interface. */
	if (!fs->netns[0]) {
		fs->kernel.flags &= ~(__u32)VISTA_F_NETNS;
		fs->kernel.netns = 0;
	}
	return 0;
}

static int clear_mark(struct filter_set *fs, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	fs->kernel.flags &= ~(__u32)VISTA_F_MARK;
	fs->kernel.mark = 0;
	fs->kernel.mark_mask = 0;
	return 0;
}

static int clear_pid(struct filter_set *fs, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	fs->kernel.flags &= ~(__u32)VISTA_F_PID;
	fs->kernel.pid = 0;
	return 0;
}

static int clear_func(struct filter_set *fs, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	memset(fs->func_regex, 0, sizeof(fs->func_regex));
	return 0;
}

static int clear_all(struct filter_set *fs, char *err, size_t errlen)
{
	__u32 collect = fs->kernel.collect;

	(void)err, (void)errlen;
	filter_set_init(fs);
	fs->kernel.collect = collect;
	return 0;
}

static const struct {
	const char *name;
	int (*clear)(struct filter_set *fs, char *err, size_t errlen);
} clearers[] = {
	{ "pcap", clear_pcap },   { "addr", clear_addr },     { "port", clear_port }, { "proto", clear_proto },
	{ "netns", clear_netns }, { "ifname", clear_ifname }, { "mark", clear_mark }, { "pid", clear_pid },
	{ "func", clear_func },   { "all", clear_all },
};

#define N_CLEARERS (sizeof(clearers) / sizeof(clearers[0]))

int filter_set_clear(struct filter_set *fs, const char *what, char *err, size_t errlen)
{
	char want[128] = "";
	size_t off = 0;

	for (size_t i = 0; i < N_CLEARERS; i++)
		if (strcmp(what, clearers[i].name) == 0)
			return clearers[i].clear(fs, err, errlen); /* each fails, if at all, before writing */
	for (size_t i = 0; i < N_CLEARERS; i++)
		strbuf_appendf(want, sizeof(want), &off, "%s%s",
			       i == 0               ? ""
			       : i + 1 < N_CLEARERS ? ", "
						    : " or ",
			       clearers[i].name);
	return errmsg_set(err, errlen, "unknown filter \"%.64s\" (want %s)", what, want);
}

/*
 * " NAME VALUE", the value quoted as the command language reads it back.
 * A pcap or func value is always quoted: unquoted, it would run on to the
 * end of the line and swallow the commands after it.
 */
static void append_command(char *buf, size_t len, size_t *off, const char *name, const char *value, bool quote)
{
	strbuf_appendf(buf, len, off, "%s%s ", *off ? " " : "", name);
	if (quote)
		command_append_quoted(buf, len, off, value);
	else
		command_append_word(buf, len, off, value);
}

void filter_set_describe(const struct filter_set *fs, char *buf, size_t len)
{
	struct vista_filter k = fs->kernel;
	char structured[256];
	size_t off = 0;

	if (!len)
		return;
	buf[0] = '\0';
	/*
	 * The namespace and the interface are printed as the user named them
	 * (a path, an interface name), not as structured_describe()'s inode and
	 * ifindex: that is what the commands take, and a namespace that came
	 * with an ifname alone is not repeated.
	 */
	if (fs->ifname[0])
		k.flags &= ~(__u32)VISTA_F_IFINDEX;
	if (fs->netns[0] || fs->ifname[0])
		k.flags &= ~(__u32)VISTA_F_NETNS;
	if (fs->pcap[0])
		append_command(buf, len, &off, "pcap", fs->pcap, true);
	structured_describe(&k, structured, sizeof(structured));
	if (structured[0])
		strbuf_appendf(buf, len, &off, "%s%s", off ? " " : "", structured);
	if (fs->netns[0])
		append_command(buf, len, &off, "netns", fs->netns, false);
	if (fs->ifname[0])
		append_command(buf, len, &off, "ifname", fs->ifname, false);
	if (fs->func_regex[0])
		append_command(buf, len, &off, "func", fs->func_regex, true);
	if (!off)
		strbuf_appendf(buf, len, &off, "none");
}
