// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the filter command language (command.h), as vista-top's ':'
 * prompt runs it. Each line of the input is one command line, applied in
 * turn to the same set, and each must keep the language's promises:
 * a failing line leaves the set exactly as it was and says why in one
 * sentence naming its column; a set that a line built is described by a
 * line that, run on an empty set, builds the same set again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/command.h"
#include "fuzz.h"

static char describe[FILTER_DESCRIBE_MAX];

static void check_rebuild(const struct filter_set *fs)
{
	struct filter_set again;
	char err[512];

	command_describe(fs, describe, sizeof(describe));
	filter_set_init(&again);
	again.kernel.collect = fs->kernel.collect;
	if (command_exec(&again, strcmp(describe, "none") ? describe : "", err, sizeof(err)) < 0 ||
	    memcmp(&again, fs, sizeof(again)) != 0) {
		fprintf(stderr, "\"%s\" does not rebuild the set it describes (%s)\n", describe, err);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[COMMAND_LINE_MAX * 4 + 1];
	struct filter_set fs, before;
	char *line, *next;
	char err[512];

	if (size >= sizeof(text))
		return -1; /* longer than anything a prompt takes: not worth the time */
	memcpy(text, data, size);
	text[size] = '\0';
	filter_set_init(&fs);
	for (line = text; line; line = next) {
		int rc;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		before = fs;
		err[0] = '\0';
		rc = command_exec(&fs, line, err, sizeof(err));
		if (rc < 0) {
			fuzz_check_error(err);
			if (strncmp(err, "column ", 7) != 0 || memcmp(&before, &fs, sizeof(fs)) != 0) {
				fprintf(stderr, "a failing line changed the set or did not name its column: %s\n", err);
				abort();
			}
			continue;
		}
		if (!!(rc & COMMAND_CHANGED) != !!memcmp(&before, &fs, sizeof(fs)))
			abort();
		check_rebuild(&fs);
	}
	return 0;
}
