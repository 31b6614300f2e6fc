// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runs a fuzz target once on every file of its seed corpus, without
 * libFuzzer: `make check` does it in the ordinary ASan/UBSan build, so the
 * inputs that once broke something (kept in the corpus) stay fixed. A
 * target aborts on a broken promise, and the sanitizers on a bad access or
 * a leak: either stops this program, which the TAP driver reports.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tap.h"

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long size;
	int rc = -1;

	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		/* One byte more than needed: malloc(0) may return NULL. */
		buf = malloc((size_t)size + 1);
		if (buf && fread(buf, 1, (size_t)size, f) == (size_t)size) {
			LLVMFuzzerTestOneInput(buf, (size_t)size);
			rc = 0;
		}
	}
	free(buf);
	fclose(f);
	return rc;
}

int main(void)
{
	struct dirent **names;
	int n = scandir(FUZZ_CORPUS_DIR, &names, NULL, by_name);
	int files = 0;

	if (n < 0) {
		printf("Bail out! cannot read %s\n", FUZZ_CORPUS_DIR);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];

		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", FUZZ_CORPUS_DIR, names[i]->d_name);
			ok(run_file(path) == 0, "%s: %s runs clean", FUZZ_TARGET, names[i]->d_name);
			files++;
		}
		free(names[i]);
	}
	free(names);
	ok(files >= 3, "%s: the seed corpus has %d files", FUZZ_TARGET, files);
	return tap_done();
}
