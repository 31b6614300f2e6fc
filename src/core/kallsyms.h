/* SPDX-License-Identifier: GPL-2.0-only */
/* Kernel symbol table from /proc/kallsyms: address -> nearest symbol, name -> address. */
#ifndef VISTA_KALLSYMS_H
#define VISTA_KALLSYMS_H

#include <stddef.h>
#include <stdint.h>

struct ksym {
	uint64_t addr;
	const char *name;
	const char *module; /* NULL for vmlinux symbols */
};

struct kallsyms;

/* Loads and sorts the table; NULL with errno set on failure. */
struct kallsyms *kallsyms_load(const char *path);

/*
 * A table of the given symbols only (names copied), for stacks symbolized
 * without /proc/kallsyms, e.g. from a recording. Among symbols at one
 * address the first is preferred. NULL with errno set on failure.
 */
struct kallsyms *kallsyms_from_symbols(const struct ksym *syms, size_t n);
void kallsyms_free(struct kallsyms *ks);

/* The symbol with the greatest address <= addr, or NULL; *offset = addr - sym->addr. */
const struct ksym *kallsyms_lookup(const struct kallsyms *ks, uint64_t addr, uint64_t *offset);

/* Address of a symbol by exact name (first match), or 0. */
uint64_t kallsyms_address(const struct kallsyms *ks, const char *name);

/* Number of symbols loaded. */
size_t kallsyms_count(const struct kallsyms *ks);

#endif
