/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Recordings made by the tests: the fixture's events (fixture.h) written
 * with the record writer, with the names, stacks and symbols of the
 * in-memory source (mem_source.h), as vista-top --record would have
 * written them live. A replay of one renders like the in-memory source.
 */
#ifndef VISTA_TESTS_RECORDING_H
#define VISTA_TESTS_RECORDING_H

#include <stddef.h>

#include "mem_source.h"
#include "vista.h"

/* The command line the recordings claim to come from. */
#define RECORDING_COMMAND_LINE "vista-top --filter-addr 10.199.0.2 --record fixture.vrec"

/*
 * Writes events to path (kallsyms_path: the symbols their stacks and
 * locations resolve to, may be NULL), started at the fixture's origin,
 * 2025-01-01 12:00:00 UTC, with `lost` events lost in the kernel. Returns
 * 0, or -1 with the writer's sentence in err.
 */
int recording_write(const char *path, const struct vista_event *events, size_t n, const char *kallsyms_path,
		    unsigned long long lost, char *err, size_t errlen);
/* The same from records of every kind (mem_source.h). */
int recording_write_records(const char *path, const struct mem_event *events, size_t n, const char *kallsyms_path,
			    unsigned long long lost, char *err, size_t errlen);

#endif
