/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the clang static analyzer cannot see in libbpf, told to it for
 * `make analyze` only (ANALYZE_CFLAGS force-includes this file).
 *
 * The skeletons bpftool generates free their bpf_object_skeleton on the
 * error path by handing it to bpf_object__destroy_skeleton(). libbpf.h is a
 * system header, and the analyzer assumes functions there free nothing, so
 * it reported that path as a leak. libbpf does free the skeleton: say so.
 */
#ifndef VISTA_LIBBPF_MODELS_H
#define VISTA_LIBBPF_MODELS_H

struct bpf_object_skeleton;
void bpf_object__destroy_skeleton(struct bpf_object_skeleton *s) __attribute__((ownership_takes(malloc, 1)));

#endif
