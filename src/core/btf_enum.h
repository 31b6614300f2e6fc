/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Names of an enum's values, read from BTF at run time (for example
 * enum skb_drop_reason), so that new kernels bring their own names.
 */
#ifndef VISTA_BTF_ENUM_H
#define VISTA_BTF_ENUM_H

#include <stdint.h>

struct btf;
struct btf_enum_names;

/* NULL with errno = ENOENT when the BTF has no enum of that name. Handles BTF_KIND_ENUM and ENUM64. */
struct btf_enum_names *btf_enum_names_load(const struct btf *btf, const char *enum_name);
void btf_enum_names_free(struct btf_enum_names *names);

/* Name of value, or NULL when the enum has no such value. */
const char *btf_enum_names_get(const struct btf_enum_names *names, uint64_t value);

#endif
