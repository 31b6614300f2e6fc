// SPDX-License-Identifier: GPL-2.0-only
#include "tui/tui_options.h"

#include <stdlib.h>
#include <string.h>

#include "core/errmsg.h"
#include "core/strparse.h"
#include "tui/event_store.h"

#define HELP_COLUMN 39 /* where descriptions start, as in vista's --help */

enum tui_opt {
	OPT_STORE_SIZE,
	OPT_NO_COLOR,
	OPT_NO_MOUSE,
};

static const struct {
	const char *name;
	const char *type; /* NULL for a flag */
	const char *desc;
} defs[] = {
	[OPT_STORE_SIZE] = { "event-store-size", "uint",
			     "events kept for browsing; beyond it the oldest are dropped (default 1000000)" },
	[OPT_NO_COLOR] = { "no-color", NULL, "draw without colors" },
	[OPT_NO_MOUSE] = { "no-mouse", NULL, "do not use the mouse" },
};

#define N_DEFS (sizeof(defs) / sizeof(defs[0]))

/* The option tok names ("--NAME" or "--NAME=..."), or -1; *val points after '=' or is NULL. */
static int match(const char *tok, const char **val)
{
	for (size_t i = 0; i < N_DEFS; i++) {
		size_t n = strlen(defs[i].name);

		if (tok[0] != '-' || tok[1] != '-' || strncmp(tok + 2, defs[i].name, n) != 0)
			continue;
		if (tok[2 + n] == '\0') {
			*val = NULL;
			return (int)i;
		}
		if (tok[2 + n] == '=') {
			*val = tok + 3 + n;
			return (int)i;
		}
	}
	return -1;
}

static int apply(struct tui_options *o, int opt, const char *val, char *err, size_t errlen)
{
	char why[128];
	int on = 1;

	if (opt == OPT_STORE_SIZE) {
		if (parse_u64(val, EVENT_STORE_MAX_SIZE, &o->store_size, why, sizeof(why)) == 0) {
			if (o->store_size >= 1)
				return 0;
			snprintf(why, sizeof(why), "must be at least 1");
		}
	} else {
		if (!val || parse_bool(val, &on, why, sizeof(why)) == 0) {
			if (opt == OPT_NO_COLOR)
				o->color = !on;
			else
				o->mouse = !on;
			return 0;
		}
	}
	return errmsg_set(err, errlen, "invalid argument \"%.200s\" for \"--%s\" flag: %s", val, defs[opt].name, why);
}

int tui_options_parse(int argc, char **argv, struct tui_options *o, char *err, size_t errlen)
{
	bool options_end = false;

	memset(o, 0, sizeof(*o));
	o->store_size = EVENT_STORE_DEFAULT_SIZE;
	o->color = true;
	o->mouse = true;
	o->argv = calloc((size_t)argc + 1, sizeof(*o->argv));
	if (!o->argv)
		return errmsg_set(err, errlen, "out of memory");
	for (int i = 0; i < argc; i++) {
		const char *val;
		int opt;

		if (i == 0 || options_end || (opt = match(argv[i], &val)) < 0) {
			/* After "--" every word is vista's pcap-filter: left for options_parse as it is. */
			if (i > 0 && strcmp(argv[i], "--") == 0)
				options_end = true;
			o->argv[o->argc++] = argv[i];
			continue;
		}
		if (defs[opt].type && !val) {
			if (i + 1 >= argc) {
				tui_options_free(o);
				return errmsg_set(err, errlen, "flag needs an argument: --%s", defs[opt].name);
			}
			val = argv[++i];
		}
		if (apply(o, opt, val, err, errlen)) {
			tui_options_free(o);
			return -1;
		}
	}
	o->argv[o->argc] = NULL;
	return 0;
}

void tui_options_free(struct tui_options *o)
{
	free(o->argv);
	o->argv = NULL;
	o->argc = 0;
}

void tui_options_print_help(FILE *out)
{
	fputs("    vista-top options:\n", out);
	for (size_t i = 0; i < N_DEFS; i++) {
		int n = fprintf(out, "      --%s%s%s", defs[i].name, defs[i].type ? " " : "",
				defs[i].type ? defs[i].type : "");

		fprintf(out, "%*s%s\n", n < HELP_COLUMN ? HELP_COLUMN - n : 1, "", defs[i].desc);
	}
}
