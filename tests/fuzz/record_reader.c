// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the --replay reader (record.h), and the formatting that a
 * replay feeds with whatever the file holds. A recording may come from
 * another machine, so every byte of it is hostile: opening must either fail
 * with one sentence or give events that replay_next returns exactly
 * replay_event_count() of, each of which renders with every output option on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "core/record.h"
#include "fuzz.h"

static void render(const struct replay_event *ev, const struct format_names *names, const struct format_opts *o,
		   struct format_state *st)
{
	static char line[16384];
	const struct vista_event *e = &ev->event;

	switch (e->kind) {
	case VISTA_EV_SKB:
		format_event(line, sizeof(line), e, ev->stack, ev->nstack, names, o, st);
		break;
	case VISTA_EV_NETFILTER:
		format_nf(line, sizeof(line), e, names, o, st);
		break;
	case VISTA_EV_TCP:
		format_tcp(line, sizeof(line), e, &ev->body.tcp, o, st);
		break;
	case VISTA_EV_SK:
		format_sk(line, sizeof(line), e, &ev->body.sk, o, st);
		break;
	default:
		return; /* an skb record of a kind this vista does not know: vista skips it too */
	}
	if (!memchr(line, '\0', sizeof(line)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct format_opts o = { .meta = true, .tuple = true, .tcp = true, .sk = true, .iptables = true };
	static struct replay_event ev;
	struct format_names names = { 0 };
	struct format_state st;
	struct replay *r;
	char path[64], err[1024];
	uint64_t n = 0, lost;
	int rc;

	if (fuzz_file(data, size, path, sizeof(path)))
		abort();
	err[0] = '\0';
	if (replay_open(path, &r, err, sizeof(err))) {
		fuzz_check_error(err);
		return 0;
	}
	if (format_state_init(&st))
		abort();
	replay_set_format(r, &names, &st);
	o.timestamp = replay_info(r)->timestamp;
	(void)replay_lost(r, &lost);
	(void)replay_warning(r);
	for (uint32_t id = 0; id < replay_hook_count(r) && id < VISTA_MAX_HOOKS; id++)
		(void)replay_hook_name(r, id);
	while ((rc = replay_next(r, &ev, err, sizeof(err))) == 1) {
		if (ev.nstack < 0 || ev.nstack > VISTA_MAX_STACK_DEPTH)
			abort();
		render(&ev, &names, &o, &st);
		n++;
	}
	/* The file did not change, so the second pass reads what the first one counted. */
	if (rc != 0 || n != replay_event_count(r)) {
		fprintf(stderr, "replay_next: %d after %llu of %llu events: %s\n", rc, (unsigned long long)n,
			(unsigned long long)replay_event_count(r), err);
		abort();
	}
	replay_close(r);
	format_state_free(&st);
	return 0;
}
