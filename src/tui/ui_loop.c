// SPDX-License-Identifier: GPL-2.0-only
#include "tui/ui_loop.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DRAIN_MS 100 /* the longest a sparse event waits in the kernel's ring */

uint64_t ui_loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int ui_loop_run(struct app *a, volatile sig_atomic_t *stop)
{
	struct pollfd fds[2] = { { .fd = STDIN_FILENO, .events = POLLIN }, { .fd = -1, .events = POLLIN } };

	while (!a->quit && !*stop) {
		int nfds = 1, rc;

		fds[1].fd = event_source_fd(a->src);
		if (fds[1].fd >= 0)
			nfds = 2;
		rc = poll(fds, (nfds_t)nfds, app_timeout_ms(a, DRAIN_MS));
		if (rc < 0 && errno != EINTR) {
			snprintf(a->error, sizeof(a->error), "waiting for input failed: %s", strerror(errno));
			return -1;
		}
		if (rc > 0 && (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))) {
			/* The terminal went away: nobody is left to show anything to. */
			break;
		}
		app_set_time(a, event_source_now(a->src, ui_loop_now()));
		/* A resize arrives as KEY_RESIZE after the EINTR of SIGWINCH. */
		app_read_input(a);
		if (a->quit)
			break;
		/*
		 * Answer a key before taking the next batch: under a flood the
		 * batch is full every pass, and the key's frame would wait for it.
		 */
		if (a->input_seen)
			app_render(a, false);
		if (app_pump(a) < 0)
			return -1;
		app_work(a);
		app_set_time(a, event_source_now(a->src, ui_loop_now()));
		app_render(a, false);
	}
	return 0;
}
