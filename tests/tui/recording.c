// SPDX-License-Identifier: GPL-2.0-only
#include "recording.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kallsyms.h"
#include "core/record.h"
#include "fixture.h"
#include "mem_source.h"

static const char *hook_name_cb(const void *ctx, uint32_t id)
{
	return event_source_hook_name(ctx, id);
}

static const char *drop_reason_cb(const void *ctx, uint32_t reason)
{
	return event_source_drop_reason(ctx, reason);
}

int recording_write_records(const char *path, const struct mem_event *events, size_t n, const char *kallsyms_path,
			    unsigned long long lost, char *err, size_t errlen)
{
	struct event_source *names = mem_source_create(NULL, 0, FIXTURE_T0_NS, NULL);
	struct kallsyms *ks = kallsyms_path ? kallsyms_load(kallsyms_path) : NULL;
	struct format_names fn = { .hook_name = hook_name_cb, .drop_reason = drop_reason_cb };
	struct record_writer *w = NULL;
	struct record_info info;
	int rc = -1;

	if (!names || (kallsyms_path && !ks)) {
		snprintf(err, errlen, "cannot set up the recording's names (reading %s)",
			 kallsyms_path ? kallsyms_path : "nothing");
		goto out;
	}
	fn.ctx = names;
	fn.ksyms = ks;
	record_info_init(&info, 0, NULL);
	snprintf(info.backend, sizeof(info.backend), "memory");
	snprintf(info.hostname, sizeof(info.hostname), "fixture");
	snprintf(info.kernel_release, sizeof(info.kernel_release), "6.18.0-fixture");
	snprintf(info.command_line, sizeof(info.command_line), "%s", RECORDING_COMMAND_LINE);
	info.start_monotonic_ns = (int64_t)FIXTURE_T0_NS;
	info.start_realtime_ns = MEM_REALTIME_ORIGIN_NS;
	info.utc_offset_s = 0;
	/* The fixture's drops come with their stacks, as with --filter-skb-drop-stack. */
	info.options = RECORD_OPT_META | RECORD_OPT_TUPLE | RECORD_OPT_DROP_STACK;
	if (record_writer_open(path, &info, &w, err, errlen) || record_write_hooks(w, &fn, MEM_HOOKS, err, errlen))
		goto out;
	for (size_t i = 0; i < n; i++) {
		uint64_t stack[VISTA_MAX_STACK_DEPTH];
		int nstack = mem_source_stack(events[i].ev.stack_id, stack);

		if (record_write_event(w, &events[i].ev, stack, nstack, &fn, err, errlen))
			goto out;
	}
	rc = record_writer_close(w, lost, err, errlen);
	w = NULL;
out:
	if (w)
		record_writer_close(w, lost, err, errlen);
	kallsyms_free(ks);
	event_source_close(names);
	return rc;
}

int recording_write(const char *path, const struct vista_event *events, size_t n, const char *kallsyms_path,
		    unsigned long long lost, char *err, size_t errlen)
{
	struct mem_event *records = calloc(n ? n : 1, sizeof(*records));
	int rc;

	if (!records) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		records[i].ev = events[i];
	rc = recording_write_records(path, records, n, kallsyms_path, lost, err, errlen);
	free(records);
	return rc;
}
