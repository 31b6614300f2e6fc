/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every front end (vista, vista-top) does between parsing the command
 * line and opening a session: refuse what is not available, turn options
 * into a session configuration, and announce readiness. One place, so the
 * two front ends accept exactly the same options with the same meaning.
 */
#ifndef VISTA_TRACE_SETUP_H
#define VISTA_TRACE_SETUP_H

#include <stddef.h>

#include "cli/options.h"
#include "core/session.h"

/*
 * Fails with one sentence naming the first option that would have no
 * effect without another (--output-tcp without --filter-trace-tcp...). trace_setup_check is for
 * vista-top, trace_setup_check_cli for the vista command: both accept the
 * same options, since vista-top shows every kind of event vista prints
 * (its Netfilter and TCP panes show the TCP, socket and netfilter ones).
 */
int trace_setup_check(const struct vista_options *o, char *err, size_t len);
int trace_setup_check_cli(const struct vista_options *o, char *err, size_t len);

/*
 * For --replay, which traces nothing: fails with one sentence naming the
 * first option that only means something to a live trace (--record, the
 * filters, the kernel and pcap options). vista-top then checks a replay's
 * options with trace_setup_check too.
 */
int trace_setup_check_replay(const struct vista_options *o, char *err, size_t len);

/*
 * Fills *cfg from the options (filters resolved against the system, backend
 * chosen); on_event and ctx are left to the caller. note receives the
 * backend choice, to be logged once the session is open.
 * Returns 0, or -1 with one sentence in err.
 */
int trace_setup_config(const struct vista_options *o, struct session_config *cfg, char *note, size_t notelen, char *err,
		       size_t len);

/*
 * The filter set the options describe: the --filter-* options first, the
 * positional pcap-filter expression, then the commands of --filter-file,
 * which may change any of them. Also what vista reads again on SIGUSR2.
 */
int trace_setup_filters(const struct vista_options *o, struct filter_set *fs, char *err, size_t len);

/* Writes our pid to path (--ready-file), once every hook is attached. */
int trace_setup_write_ready_file(const char *path, char *err, size_t len);

/* SIGINT, SIGTERM and SIGHUP call on_stop; SIGPIPE is ignored (EPIPE ends the output instead). */
void trace_setup_stop_signals(void (*on_stop)(int));

#endif
