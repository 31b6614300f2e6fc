/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running many independent system calls in parallel: attaching and
 * detaching a kprobe or an fentry program each wait for the kernel to
 * patch code and for an RCU grace period, so doing them a batch at a time
 * overlaps those waits (--filter-kprobe-batch).
 */
#ifndef VISTA_WORKERS_H
#define VISTA_WORKERS_H

#include <stddef.h>

/*
 * Calls fn(ctx, i) once for every i in [0, n), on up to nthreads threads
 * (the caller's among them), and returns when all calls have returned. fn
 * must be safe to run concurrently for different i. A thread that cannot
 * be started is not an error: the others take its share.
 */
void workers_run(size_t n, unsigned int nthreads, void (*fn)(void *ctx, size_t i), void *ctx);

#endif
