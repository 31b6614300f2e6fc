/* SPDX-License-Identifier: GPL-2.0-only */
/* Tracing backends, and which of them the running kernel can use. */
#ifndef VISTA_FEATURES_H
#define VISTA_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

enum backend {
	BACKEND_AUTO,
	BACKEND_KPROBE,
	BACKEND_KPROBE_MULTI,
	BACKEND_FENTRY,
	BACKEND_TRACEPOINT,
};

const char *backend_name(enum backend b);
/* Returns 0, or -1 for an unknown name. */
int backend_from_name(const char *name, enum backend *out);

/*
 * Tries the backend on the running kernel by loading and attaching a
 * minimal program. Returns 0 when it works, or -1 with the reason in why.
 */
int backend_probe(enum backend b, char *why, size_t len);

/*
 * Picks the backend for a session: requested (BACKEND_AUTO to detect).
 * Returns 0 and a one-line explanation of the choice in note, or -1 with
 * the error in note (the requested backend is unusable on this kernel).
 */
int backend_choose(enum backend requested, enum backend *chosen, char *note, size_t len);

#endif
