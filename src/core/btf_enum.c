// SPDX-License-Identifier: GPL-2.0-only
/*
 * Names of an enum's values, read from BTF.
 *
 * The names are copied into one arena so the table outlives the BTF it came
 * from. Lookups binary-search a value-sorted array; small dense enums (the
 * common case: skb_drop_reason is 0..~120) also get a direct table.
 */
#include "core/btf_enum.h"

#include <bpf/btf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Enums whose values are all below this get an O(1) table (8 bytes a slot: at most 32 KiB). */
#define DENSE_LIMIT 4096

struct btf_enum_names {
	uint64_t *values;   /* ascending, distinct */
	const char **names; /* names[i] is the name of values[i] */
	size_t n;
	const char **dense; /* dense[v] for v < ndense, NULL for gaps; NULL when not dense */
	size_t ndense;
	char *arena;
};

struct entry {
	uint64_t value;
	uint32_t name_off; /* in the BTF's strings until copied */
	uint32_t order;    /* declaration order: of aliases, the first declared wins */
};

static int cmp_entry(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;

	if (a->value != b->value)
		return a->value < b->value ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/*
 * A value as the kernel stores it: the enum's bytes zero-extended to 64 bits,
 * which is what a BPF program reading the field into a u64 sees, even for a
 * negative member of a signed enum.
 */
static uint64_t enum_value(const struct btf_type *t, uint32_t i)
{
	uint64_t v = btf_is_enum(t) ? (uint32_t)btf_enum(t)[i].val : btf_enum64_value(&btf_enum64(t)[i]);

	return t->size < 8 ? v & ((1ULL << (t->size * 8)) - 1) : v;
}

static uint32_t enum_name_off(const struct btf_type *t, uint32_t i)
{
	return btf_is_enum(t) ? btf_enum(t)[i].name_off : btf_enum64(t)[i].name_off;
}

static const struct btf_type *find_enum(const struct btf *btf, const char *enum_name)
{
	__s32 id = btf__find_by_name_kind(btf, enum_name, BTF_KIND_ENUM);

	if (id < 0)
		id = btf__find_by_name_kind(btf, enum_name, BTF_KIND_ENUM64);
	return id < 0 ? NULL : btf__type_by_id(btf, (__u32)id);
}

/* Copies the sorted, de-duplicated entries' names and values into names. Returns 0 or an errno. */
static int fill(struct btf_enum_names *names, const struct btf *btf, const struct entry *ents, size_t n)
{
	size_t i, len = 0, off = 0;

	for (i = 0; i < n; i++)
		len += strlen(btf__name_by_offset(btf, ents[i].name_off)) + 1;
	names->arena = malloc(len ? len : 1);
	names->values = malloc((n ? n : 1) * sizeof(*names->values));
	names->names = malloc((n ? n : 1) * sizeof(*names->names));
	if (!names->arena || !names->values || !names->names)
		return ENOMEM;
	for (i = 0; i < n; i++) {
		const char *s = btf__name_by_offset(btf, ents[i].name_off);
		size_t sl = strlen(s) + 1;

		memcpy(names->arena + off, s, sl);
		names->values[i] = ents[i].value;
		names->names[i] = names->arena + off;
		off += sl;
	}
	names->n = n;
	if (n && names->values[n - 1] < DENSE_LIMIT) {
		names->ndense = names->values[n - 1] + 1;
		names->dense = calloc(names->ndense, sizeof(*names->dense));
		if (!names->dense)
			return ENOMEM;
		for (i = 0; i < n; i++)
			names->dense[names->values[i]] = names->names[i];
	}
	return 0;
}

struct btf_enum_names *btf_enum_names_load(const struct btf *btf, const char *enum_name)
{
	const struct btf_type *t = find_enum(btf, enum_name);
	struct btf_enum_names *names;
	struct entry *ents;
	uint32_t i, vlen;
	size_t n = 0;
	int err;

	if (!t) {
		errno = ENOENT;
		return NULL;
	}
	vlen = btf_vlen(t);
	names = calloc(1, sizeof(*names));
	ents = malloc((vlen ? vlen : 1) * sizeof(*ents));
	if (!names || !ents) {
		free(names);
		free(ents);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < vlen; i++)
		ents[i] = (struct entry){ .value = enum_value(t, i), .name_off = enum_name_off(t, i), .order = i };
	qsort(ents, vlen, sizeof(*ents), cmp_entry);
	/* Keep one name per value: aliases (FOO_MAX = FOO_LAST) would otherwise shadow the real name. */
	for (i = 0; i < vlen; i++)
		if (!n || ents[n - 1].value != ents[i].value)
			ents[n++] = ents[i];
	err = fill(names, btf, ents, n);
	free(ents);
	if (err) {
		btf_enum_names_free(names);
		errno = err;
		return NULL;
	}
	return names;
}

void btf_enum_names_free(struct btf_enum_names *names)
{
	if (!names)
		return;
	free(names->values);
	free(names->names);
	free(names->dense);
	free(names->arena);
	free(names);
}

const char *btf_enum_names_get(const struct btf_enum_names *names, uint64_t value)
{
	size_t lo = 0, hi;

	if (!names)
		return NULL;
	if (names->dense)
		return value < names->ndense ? names->dense[value] : NULL;
	hi = names->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (names->values[mid] < value)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < names->n && names->values[lo] == value ? names->names[lo] : NULL;
}
