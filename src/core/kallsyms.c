// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel symbol table read from /proc/kallsyms.
 *
 * All names live in one arena; two indexes serve the per-event lookups
 * without allocating: the unique addresses in ascending order (nearest
 * symbol by binary search) and the symbols sorted by name (exact lookup).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* qsort_r */
#endif
#include <stddef.h> /* kallsyms.h uses size_t without including it */

#include "core/kallsyms.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PFX       "__pfx_"
#define PFX_LEN   (sizeof(PFX) - 1)
#define NO_MODULE UINT32_MAX

/* One parsed line; names are arena offsets until the arena stops growing. */
struct raw_sym {
	uint64_t addr;
	uint32_t name_off;
	uint32_t mod_off;
	uint32_t seq; /* line order, the last tie-break: keeps the sort stable */
	uint8_t rank; /* lower is preferred among symbols at the same address */
};

struct kallsyms {
	struct ksym *syms; /* by address, preferred symbol first at each address */
	size_t nsyms;
	uint64_t *uaddr; /* distinct addresses, ascending */
	uint32_t *uidx;  /* uaddr[i] -> index in syms of its preferred symbol */
	size_t nuniq;
	uint32_t *by_name; /* indexes into syms sorted by (name, line order) */
	char *arena;
};

struct arena {
	char *buf;
	size_t len, cap;
};

/* Appends s (plus NUL) and returns its offset, or UINT32_MAX when out of memory or space. */
static uint32_t arena_add(struct arena *a, const char *s, size_t n)
{
	size_t off = a->len;

	if (off + n + 1 > UINT32_MAX)
		return UINT32_MAX;
	if (off + n + 1 > a->cap) {
		size_t cap = a->cap ? a->cap : 1 << 20;
		char *buf;

		while (cap < off + n + 1)
			cap *= 2;
		buf = realloc(a->buf, cap);
		if (!buf)
			return UINT32_MAX;
		a->buf = buf;
		a->cap = cap;
	}
	memcpy(a->buf + off, s, n);
	a->buf[off + n] = '\0';
	a->len = off + n + 1;
	return (uint32_t)off;
}

/*
 * Among aliases at one address, the name to show: a real name before a
 * __pfx_ padding label, code before data, a global before a local, then
 * the first one listed.
 */
static uint8_t sym_rank(char type, const char *name)
{
	bool text = type == 't' || type == 'T' || type == 'w' || type == 'W';
	bool global = type >= 'A' && type <= 'Z';

	return (uint8_t)((strncmp(name, PFX, PFX_LEN) == 0) << 2 | !text << 1 | !global);
}

static int cmp_raw_addr(const void *pa, const void *pb)
{
	const struct raw_sym *a = pa, *b = pb;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

struct name_sort_ctx {
	const struct ksym *syms;
	const uint32_t *seq; /* line order of each entry of syms */
};

/* By name; equal names in file order, so that "first match" means the first line. */
static int cmp_idx_name(const void *pa, const void *pb, void *arg)
{
	const struct name_sort_ctx *ctx = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	int c = strcmp(ctx->syms[a].name, ctx->syms[b].name);

	if (c)
		return c;
	return ctx->seq[a] < ctx->seq[b] ? -1 : ctx->seq[a] > ctx->seq[b];
}

/*
 * Parses "ffffffff81000000 T _stext" or "ffffffffc0a01000 t foo\t[nf_tables]".
 * Returns 1 for a symbol to keep, 0 for one to skip, -1 for a malformed line.
 */
static int parse_line(char *line, uint64_t *addr, char *type, char **name, size_t *name_len, char **mod,
		      size_t *mod_len)
{
	char *p, *end;

	errno = 0;
	*addr = strtoull(line, &end, 16);
	if (end == line || errno || (*end != ' ' && *end != '\t'))
		return -1;
	p = end + 1;
	if (!*p || (p[1] != ' ' && p[1] != '\t'))
		return -1;
	*type = *p;
	p += 2;
	*name = p;
	p += strcspn(p, " \t\n");
	*name_len = (size_t)(p - *name);
	if (!*name_len)
		return -1;
	*mod = NULL;
	*mod_len = 0;
	p += strspn(p, " \t");
	if (*p == '[') {
		end = strchr(p, ']');
		if (!end)
			return -1;
		*mod = p + 1;
		*mod_len = (size_t)(end - *mod);
	}
	return *type != 'a' && *type != 'A' && *type != 'U';
}

/* Reads every kept line into raws, names into the arena. Returns 0 or an errno. */
static int read_file(FILE *f, struct raw_sym **rawsp, size_t *nrawp, struct arena *ar, bool *any_addr)
{
	struct raw_sym *raws = NULL;
	size_t nraw = 0, cap = 0, linecap = 0;
	uint32_t last_mod = NO_MODULE;
	char *line = NULL;
	int err = 0;

	*any_addr = false;
	while (getline(&line, &linecap, f) > 0) {
		char type, *name, *mod;
		size_t name_len, mod_len;
		uint64_t addr;
		struct raw_sym *r;
		int keep = parse_line(line, &addr, &type, &name, &name_len, &mod, &mod_len);

		if (keep < 0) {
			err = EINVAL;
			break;
		}
		if (!keep)
			continue;
		if (nraw == cap) {
			size_t ncap = cap ? cap * 2 : 1 << 16;
			struct raw_sym *n = ncap < UINT32_MAX ? realloc(raws, ncap * sizeof(*raws)) : NULL;

			if (!n) {
				err = ENOMEM;
				break;
			}
			raws = n;
			cap = ncap;
		}
		r = &raws[nraw];
		r->addr = addr;
		r->seq = (uint32_t)nraw;
		r->rank = sym_rank(type, name);
		r->name_off = arena_add(ar, name, name_len);
		r->mod_off = NO_MODULE;
		if (mod) {
			/* Module lines come in runs: share one copy of the module name per run. */
			if (last_mod == NO_MODULE || strncmp(ar->buf + last_mod, mod, mod_len) ||
			    ar->buf[last_mod + mod_len])
				last_mod = arena_add(ar, mod, mod_len);
			r->mod_off = last_mod;
		}
		if (r->name_off == UINT32_MAX || (mod && r->mod_off == UINT32_MAX)) {
			err = ENOMEM;
			break;
		}
		*any_addr |= addr != 0;
		nraw++;
	}
	if (!err && ferror(f))
		err = errno ? errno : EIO;
	free(line);
	*rawsp = raws;
	*nrawp = nraw;
	return err;
}

/* Builds the public tables from the parsed lines. Returns 0 or an errno. */
static int build_indexes(struct kallsyms *ks, struct raw_sym *raws, size_t nraw)
{
	struct name_sort_ctx ctx;
	uint32_t *seq;
	size_t i;

	qsort(raws, nraw, sizeof(*raws), cmp_raw_addr);
	ks->syms = malloc(nraw * sizeof(*ks->syms));
	ks->uaddr = malloc(nraw * sizeof(*ks->uaddr));
	ks->uidx = malloc(nraw * sizeof(*ks->uidx));
	ks->by_name = malloc(nraw * sizeof(*ks->by_name));
	seq = malloc(nraw * sizeof(*seq));
	if (!ks->syms || !ks->uaddr || !ks->uidx || !ks->by_name || !seq) {
		free(seq);
		return ENOMEM;
	}
	for (i = 0; i < nraw; i++) {
		struct ksym *s = &ks->syms[i];

		s->addr = raws[i].addr;
		s->name = ks->arena + raws[i].name_off;
		s->module = raws[i].mod_off == NO_MODULE ? NULL : ks->arena + raws[i].mod_off;
		ks->by_name[i] = (uint32_t)i;
		seq[i] = raws[i].seq;
		/* The first symbol at each address is the preferred one (see sym_rank). */
		if (!ks->nuniq || ks->uaddr[ks->nuniq - 1] != s->addr) {
			ks->uaddr[ks->nuniq] = s->addr;
			ks->uidx[ks->nuniq] = (uint32_t)i;
			ks->nuniq++;
		}
	}
	ks->nsyms = nraw;
	ctx.syms = ks->syms;
	ctx.seq = seq;
	qsort_r(ks->by_name, nraw, sizeof(*ks->by_name), cmp_idx_name, &ctx);
	free(seq);
	return 0;
}

/*
 * The end of both constructors: on success the names move into ks and its
 * indexes are built from the nraw symbols (none: an empty table); on any
 * error ks is freed and NULL returned with errno set.
 */
static struct kallsyms *finish(struct kallsyms *ks, struct arena *ar, struct raw_sym *raws, size_t nraw, int err)
{
	if (!err && nraw) {
		ks->arena = ar->buf;
		ar->buf = NULL;
		err = build_indexes(ks, raws, nraw);
	}
	free(raws);
	free(ar->buf);
	if (err) {
		kallsyms_free(ks);
		errno = err;
		return NULL;
	}
	return ks;
}

struct kallsyms *kallsyms_load(const char *path)
{
	struct arena ar = { 0 };
	struct raw_sym *raws = NULL;
	struct kallsyms *ks;
	size_t nraw = 0;
	bool any_addr;
	FILE *f;
	int err;

	f = fopen(path, "re");
	if (!f)
		return NULL;
	ks = calloc(1, sizeof(*ks));
	if (!ks) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	err = read_file(f, &raws, &nraw, &ar, &any_addr);
	fclose(f);
	if (!err && !nraw)
		err = ENODATA;
	/* Without CAP_SYSLOG the kernel shows every address as 0: useless, and the caller says why. */
	else if (!err && !any_addr)
		err = EPERM;
	return finish(ks, &ar, raws, nraw, err);
}

struct kallsyms *kallsyms_from_symbols(const struct ksym *syms, size_t n)
{
	struct arena ar = { 0 };
	struct raw_sym *raws;
	struct kallsyms *ks;
	int err = 0;

	ks = calloc(1, sizeof(*ks));
	raws = calloc(n ? n : 1, sizeof(*raws));
	if (!ks || !raws) {
		free(ks);
		free(raws);
		errno = ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n && !err; i++) {
		raws[i].addr = syms[i].addr;
		raws[i].seq = (uint32_t)i;
		raws[i].name_off = arena_add(&ar, syms[i].name, strlen(syms[i].name));
		raws[i].mod_off = syms[i].module ? arena_add(&ar, syms[i].module, strlen(syms[i].module)) : NO_MODULE;
		if (raws[i].name_off == UINT32_MAX || (syms[i].module && raws[i].mod_off == UINT32_MAX))
			err = ENOMEM;
	}
	/* An empty table is valid here: every lookup in it fails, as for an unknown address. */
	return finish(ks, &ar, raws, n, err);
}

void kallsyms_free(struct kallsyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	free(ks->uaddr);
	free(ks->uidx);
	free(ks->by_name);
	free(ks->arena);
	free(ks);
}

const struct ksym *kallsyms_lookup(const struct kallsyms *ks, uint64_t addr, uint64_t *offset)
{
	size_t lo = 0, hi;
	const struct ksym *s;

	if (!ks || !ks->nuniq)
		return NULL;
	/* Find the first distinct address > addr; the one before it is the nearest at or below. */
	hi = ks->nuniq;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->uaddr[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	s = &ks->syms[ks->uidx[lo - 1]];
	if (offset)
		*offset = addr - s->addr;
	return s;
}

uint64_t kallsyms_address(const struct kallsyms *ks, const char *name)
{
	size_t lo = 0, hi;

	if (!ks || !name)
		return 0;
	/* Lower bound: the first entry with this name, which is the first such line (see cmp_idx_name). */
	hi = ks->nsyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ks->syms[ks->by_name[mid]].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ks->nsyms && strcmp(ks->syms[ks->by_name[lo]].name, name) == 0)
		return ks->syms[ks->by_name[lo]].addr;
	return 0;
}

size_t kallsyms_count(const struct kallsyms *ks)
{
	return ks ? ks->nsyms : 0;
}
