/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vista-top's own options. vista-top takes exactly vista's options
 * (src/cli/options.c) plus these; they are taken out of argv here and the
 * rest is handed to options_parse, so both front ends parse vista's
 * options with the same code.
 */
#ifndef VISTA_TUI_OPTIONS_H
#define VISTA_TUI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct tui_options {
	uint64_t store_size; /* --event-store-size, default EVENT_STORE_DEFAULT_SIZE */
	bool color;          /* false with --no-color */
	bool mouse;          /* false with --no-mouse */
	/* argv without vista-top's options (argv[0] kept), NULL-terminated, for options_parse. */
	char **argv;
	int argc;
};

/*
 * Takes vista-top's options out of argv, which must outlive *o (the rest
 * points into it). They are recognised anywhere before a "--", as
 * "--opt value" or "--opt=value"; the flags also take "=true"/"=false".
 * Returns 0, or -1 with one sentence in err, in vista's words
 * ("invalid argument \"x\" for \"--event-store-size\" flag: ...").
 */
int tui_options_parse(int argc, char **argv, struct tui_options *o, char *err, size_t errlen);
void tui_options_free(struct tui_options *o);

/* vista-top's part of --help (printed after vista's options). */
void tui_options_print_help(FILE *out);

#endif
