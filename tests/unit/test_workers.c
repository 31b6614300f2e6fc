// SPDX-License-Identifier: GPL-2.0-only
/*
 * The parallel batches of attach and detach (core/workers.h) and their
 * progress bar (core/progress.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/progress.h"
#include "core/workers.h"
#include "tap.h"

#define N 1000

struct count {
	unsigned int calls[N];
	struct progress *bar;
};

static void count_call(void *ctx, size_t i)
{
	struct count *c = ctx;

	__atomic_add_fetch(&c->calls[i], 1, __ATOMIC_RELAXED);
	progress_step(c->bar);
}

static void test_workers(void)
{
	const unsigned int threads[] = { 0, 1, 10, 64 };

	for (size_t t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
		struct count *c = calloc(1, sizeof(*c));
		bool once = true;

		workers_run(N, threads[t], count_call, c);
		for (size_t i = 0; i < N; i++)
			once &= c->calls[i] == 1;
		ok(once, "%u threads: every index is done exactly once", threads[t]);
		free(c);
	}
	workers_run(0, 10, count_call, NULL); /* nothing to do: fn is never called */
	ok(1, "no work: returns at once");
	{
		struct count *c = calloc(1, sizeof(*c));

		workers_run(3, 10, count_call, c);
		ok(c->calls[0] == 1 && c->calls[1] == 1 && c->calls[2] == 1, "more threads than work: each done once");
		free(c);
	}
}

static void test_format(void)
{
	char buf[128];

	progress_format(buf, sizeof(buf), "Attaching", 0, 1472, 10);
	is_str(buf, "Attaching 0 / 1472 [          ] 0%", "nothing done yet");
	progress_format(buf, sizeof(buf), "Attaching", 736, 1472, 10);
	is_str(buf, "Attaching 736 / 1472 [====>     ] 50%", "half way: the bar's head");
	progress_format(buf, sizeof(buf), "Detaching", 1472, 1472, 10);
	is_str(buf, "Detaching 1472 / 1472 [==========] 100%", "all done");
	progress_format(buf, sizeof(buf), "Detaching", 9, 3, 4);
	is_str(buf, "Detaching 3 / 3 [====] 100%", "never past the total");
}

static void test_bar(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct count *c = calloc(1, sizeof(*c));

	ok(progress_start(f, false, "Attaching", 5) == NULL, "not a terminal: no bar");
	ok(progress_start(f, true, "Attaching", 0) == NULL, "nothing to do: no bar");
	c->bar = progress_start(f, true, "Attaching", N);
	ok(c->bar != NULL, "a bar when asked for");
	workers_run(N, 8, count_call, c);
	progress_done(c->bar);
	fclose(f);
	ok(strncmp(text, "\rAttaching 0 / 1000 [", 21) == 0, "it starts at 0: %.30s", text);
	ok(len > 40 && strcmp(text + len - 10, "] 100%\033[K\n") == 0 &&
	       strstr(text, "\rAttaching 1000 / 1000 [") != NULL,
	   "it ends with every step done and a newline");
	progress_step(NULL);
	progress_done(NULL);
	ok(1, "a NULL bar is safe");
	free(text);
	free(c);
}

int main(void)
{
	test_workers();
	test_format();
	test_bar();
	return tap_done();
}
