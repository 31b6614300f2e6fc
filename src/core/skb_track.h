/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --filter-track-skb on the function backends: the programs of
 * bpf/track.bpf.h that make a clone or a copy of a tracked skb tracked too
 * (skb_clone, skb_copy, and __pskb_copy_fclone, which pskb_copy calls).
 * The tracking itself (the tracked_skbs map, the frees) needs no set-up:
 * every skb program does it when the filter has VISTA_F_TRACK.
 */
#ifndef VISTA_SKB_TRACK_H
#define VISTA_SKB_TRACK_H

#include <stddef.h>

#include "core/features.h"

struct vista_bpf;
struct skb_track;

/*
 * Before the BPF object is loaded: marks the programs of the backend for
 * loading (fexit programs on fentry, a kprobe and a kretprobe on kprobe and
 * kprobe-multi). Nothing on the tracepoint backend, which cannot see what a
 * function returns.
 */
void skb_track_select(struct vista_bpf *skel, enum backend backend);

/*
 * After loading: attaches them. Returns 0 (*out is NULL on the tracepoint
 * backend), or -1 with one sentence in err and nothing left attached.
 */
int skb_track_open(struct vista_bpf *skel, enum backend backend, struct skb_track **out, char *err, size_t errlen);

/*
 * Empties the map of tracked skbs, when tracking is switched on again at
 * run time (no program adds to it while the filter does not track).
 * Returns 0, or -1 with one sentence in err.
 */
int skb_track_forget(struct vista_bpf *skel, char *err, size_t errlen);

/* Functions followed (0 on the tracepoint backend). */
size_t skb_track_count(const struct skb_track *t);
void skb_track_close(struct skb_track *t);

#endif
