// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: --filter-file (command_exec_file). The file is applied all
 * or nothing: a failing file leaves the set untouched and names
 * "FILE:LINE: " in one sentence.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/command.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct filter_set fs, before;
	char path[64], prefix[80], err[1024];
	int rc;

	if (fuzz_file(data, size, path, sizeof(path)))
		abort();
	filter_set_init(&fs);
	before = fs;
	err[0] = '\0';
	rc = command_exec_file(&fs, path, err, sizeof(err));
	if (rc < 0) {
		fuzz_check_error(err);
		snprintf(prefix, sizeof(prefix), "%s:", path);
		if (memcmp(&before, &fs, sizeof(fs)) != 0 ||
		    (strncmp(err, prefix, strlen(prefix)) != 0 && !strstr(err, path))) {
			fprintf(stderr, "a failing filter file changed the set or did not name the file: %s\n", err);
			abort();
		}
		return 0;
	}
	if (!!(rc & COMMAND_CHANGED) != !!memcmp(&before, &fs, sizeof(fs)))
		abort();
	return 0;
}
