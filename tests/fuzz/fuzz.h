/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the fuzz targets share. Each target defines LLVMFuzzerTestOneInput:
 * under `make fuzz` libFuzzer drives it (clang, -fsanitize=fuzzer); under
 * `make check` corpus_main.c runs it once on every file of its seed corpus,
 * so that each input that once crashed, once kept in the corpus, stays a
 * regression test in the ordinary sanitizer build.
 *
 * A target aborts when the code breaks one of its documented promises (an
 * error that is not one sentence, a set changed by a failing command, events
 * miscounted): libFuzzer keeps such an input as it keeps a crash.
 */
#ifndef VISTA_FUZZ_H
#define VISTA_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input as a regular file the code under test opens by its name: an
 * in-memory file (memfd), rewritten for each input, named through
 * /proc/self/fd so that nothing is written to disk. Returns 0, or -1 with errno.
 */
int fuzz_file(const uint8_t *data, size_t size, char *path, size_t len);

/* Aborts unless err holds one sentence on one line, as every error of vista must be. */
void fuzz_check_error(const char *err);

#endif
