// SPDX-License-Identifier: GPL-2.0-only
#include "core/workers.h"

#include <pthread.h>
#include <stdlib.h>

struct work {
	size_t n;
	size_t next; /* the next index to take, shared by all threads */
	void (*fn)(void *ctx, size_t i);
	void *ctx;
};

static void *work_loop(void *arg)
{
	struct work *w = arg;
	size_t i;

	/* Taking one index at a time balances calls of very different cost (a refused hook is quick). */
	while ((i = __atomic_fetch_add(&w->next, 1, __ATOMIC_RELAXED)) < w->n)
		w->fn(w->ctx, i);
	return NULL;
}

void workers_run(size_t n, unsigned int nthreads, void (*fn)(void *ctx, size_t i), void *ctx)
{
	struct work w = { .n = n, .fn = fn, .ctx = ctx };
	size_t extra = nthreads > 1 ? nthreads - 1 : 0, started = 0;
	pthread_t *threads;

	if (extra > n)
		extra = n ? n - 1 : 0;
	threads = extra ? calloc(extra, sizeof(*threads)) : NULL;
	for (size_t t = 0; threads && t < extra; t++) {
		if (pthread_create(&threads[started], NULL, work_loop, &w) == 0)
			started++;
	}
	work_loop(&w);
	for (size_t t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	free(threads);
}
