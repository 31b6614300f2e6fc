// SPDX-License-Identifier: GPL-2.0-only
#include "core/progress.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BAR_WIDTH       40
#define REDRAW_EVERY_NS (100ULL * 1000 * 1000)

struct progress {
	FILE *out;
	const char *what;
	size_t total;
	size_t done;           /* atomic */
	uint64_t last_draw_ns; /* under lock */
	pthread_mutex_t lock;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void progress_format(char *buf, size_t len, const char *what, size_t done, size_t total, unsigned int width)
{
	char bar[256];
	unsigned int fill, pct;

	if (width > sizeof(bar) - 1)
		width = sizeof(bar) - 1;
	if (done > total)
		done = total;
	fill = total ? (unsigned int)((uint64_t)done * width / total) : width;
	pct = total ? (unsigned int)((uint64_t)done * 100 / total) : 100;
	memset(bar, '=', fill);
	memset(bar + fill, ' ', width - fill);
	if (fill < width && fill > 0)
		bar[fill - 1] = '>';
	bar[width] = '\0';
	snprintf(buf, len, "%s %zu / %zu [%s] %u%%", what, done, total, bar, pct);
}

static void draw(struct progress *p, size_t done)
{
	char line[BAR_WIDTH + 128];

	progress_format(line, sizeof(line), p->what, done, p->total, BAR_WIDTH);
	/* \r and erase-to-end: the bar rewrites itself in place. */
	fprintf(p->out, "\r%s\033[K", line);
	fflush(p->out);
}

struct progress *progress_start(FILE *out, bool force, const char *what, size_t total)
{
	struct progress *p;

	if (!total || (!force && !isatty(fileno(out))))
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->out = out;
	p->what = what;
	p->total = total;
	pthread_mutex_init(&p->lock, NULL);
	draw(p, 0);
	p->last_draw_ns = now_ns();
	return p;
}

void progress_step(struct progress *p)
{
	size_t done;
	uint64_t now;

	if (!p)
		return;
	done = __atomic_add_fetch(&p->done, 1, __ATOMIC_RELAXED);
	/* Another thread drawing now is enough: never wait for it. */
	if (pthread_mutex_trylock(&p->lock))
		return;
	now = now_ns();
	if (now - p->last_draw_ns >= REDRAW_EVERY_NS) {
		draw(p, done);
		p->last_draw_ns = now;
	}
	pthread_mutex_unlock(&p->lock);
}

void progress_done(struct progress *p)
{
	if (!p)
		return;
	draw(p, __atomic_load_n(&p->done, __ATOMIC_RELAXED));
	fputc('\n', p->out);
	fflush(p->out);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
