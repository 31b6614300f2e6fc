// SPDX-License-Identifier: GPL-2.0-only
#include "core/skb_track.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/errmsg.h"
#include "vista.h"
#include "vista.skel.h"

/* The functions that return a new skb made from their first argument. */
static const char *const copy_funcs[] = { "skb_clone", "skb_copy", "__pskb_copy_fclone" };
#define NCOPY (sizeof(copy_funcs) / sizeof(copy_funcs[0]))

struct skb_track {
	struct bpf_link *links[2 * NCOPY];
	size_t n;
};

static bool on_functions(enum backend backend)
{
	return backend == BACKEND_KPROBE || backend == BACKEND_KPROBE_MULTI || backend == BACKEND_FENTRY;
}

static void fexit_programs(struct vista_bpf *skel, struct bpf_program *p[NCOPY])
{
	p[0] = skel->progs.track_fexit_skb_clone;
	p[1] = skel->progs.track_fexit_skb_copy;
	p[2] = skel->progs.track_fexit_pskb_copy;
}

void skb_track_select(struct vista_bpf *skel, enum backend backend)
{
	struct bpf_program *p[NCOPY];

	if (backend == BACKEND_FENTRY) {
		fexit_programs(skel, p);
		for (size_t i = 0; i < NCOPY; i++)
			bpf_program__set_autoload(p[i], true);
	} else if (on_functions(backend)) {
		/* kprobe-multi kernels have kprobes too: two programs serve the three functions. */
		bpf_program__set_autoload(skel->progs.track_kprobe_copy, true);
		bpf_program__set_autoload(skel->progs.track_kretprobe_copy, true);
	}
}

int skb_track_open(struct vista_bpf *skel, enum backend backend, struct skb_track **out, char *err, size_t errlen)
{
	struct bpf_program *p[NCOPY];
	struct skb_track *t;

	*out = NULL;
	if (!on_functions(backend))
		return 0;
	t = calloc(1, sizeof(*t));
	if (!t)
		return errmsg_set(err, errlen, "out of memory");
	fexit_programs(skel, p);
	for (size_t i = 0; i < NCOPY; i++) {
		struct bpf_link *entry = NULL, *exit;

		if (backend == BACKEND_FENTRY)
			exit = bpf_program__attach(p[i]);
		else {
			entry = bpf_program__attach_kprobe(skel->progs.track_kprobe_copy, false, copy_funcs[i]);
			exit = entry ? bpf_program__attach_kprobe(skel->progs.track_kretprobe_copy, true, copy_funcs[i])
				     : NULL;
		}
		if (!exit) {
			int e = errno;

			bpf_link__destroy(entry);
			skb_track_close(t);
			return errmsg_set(err, errlen, "following copies of tracked skbs: attaching to %s failed: %s",
					  copy_funcs[i], strerror(e));
		}
		if (entry)
			t->links[t->n++] = entry;
		t->links[t->n++] = exit;
	}
	*out = t;
	return 0;
}

int skb_track_forget(struct vista_bpf *skel, char *err, size_t errlen)
{
	int fd = bpf_map__fd(skel->maps.tracked_skbs);
	__u64 key;

	/* Always the first key: the one just deleted cannot lead to the next. */
	while (!bpf_map_get_next_key(fd, NULL, &key))
		if (bpf_map_delete_elem(fd, &key) && errno != ENOENT)
			return errmsg_set(err, errlen, "cannot forget the skbs tracked before: %s", strerror(errno));
	return 0;
}

size_t skb_track_count(const struct skb_track *t)
{
	return t ? NCOPY : 0;
}

void skb_track_close(struct skb_track *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		bpf_link__destroy(t->links[i]);
	free(t);
}
