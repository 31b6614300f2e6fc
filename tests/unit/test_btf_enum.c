// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for src/core/btf_enum.c on BTF built in memory, then on the running kernel's BTF. */
#include <bpf/btf.h>
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "core/btf_enum.h"
#include "tap.h"

/* An in-memory BTF with the enums under test; NULL on failure. */
static struct btf *build_btf(void)
{
	struct btf *btf = btf__new_empty();
	int err = 0;

	if (!btf)
		return NULL;
	err |= btf__add_int(btf, "int", 4, BTF_INT_SIGNED) < 0;

	/* Small and dense, with a gap (2) and an alias declared after the real name. */
	err |= btf__add_enum(btf, "color", 4) < 0;
	err |= btf__add_enum_value(btf, "COLOR_RED", 0);
	err |= btf__add_enum_value(btf, "COLOR_GREEN", 1);
	err |= btf__add_enum_value(btf, "COLOR_BLUE", 3);
	err |= btf__add_enum_value(btf, "COLOR_MAX", 3);

	/* Subsystem-encoded values in the high 16 bits: too sparse for the dense table. */
	err |= btf__add_enum(btf, "sparse_reason", 4) < 0;
	err |= btf__add_enum_value(btf, "SPARSE_B", 0x10001);
	err |= btf__add_enum_value(btf, "SPARSE_ZERO", 0);
	err |= btf__add_enum_value(btf, "SPARSE_A", 0x10000);
	err |= btf__add_enum_value(btf, "SPARSE_C", 0x20000);

	/* A signed 32-bit enum with a negative member. */
	err |= btf__add_enum(btf, "signed_enum", 4) < 0;
	err |= btf__add_enum_value(btf, "NEG_ONE", -1);
	err |= btf__add_enum_value(btf, "POS_ONE", 1);

	/* ENUM64 with values beyond 32 bits. */
	err |= btf__add_enum64(btf, "big_enum", 8, false) < 0;
	err |= btf__add_enum64_value(btf, "BIG_SMALL", 7);
	err |= btf__add_enum64_value(btf, "BIG_HUGE", 0xfedcba9876543210ULL);
	err |= btf__add_enum64_value(btf, "BIG_33", 1ULL << 33);

	/* An enum with no members at all. */
	err |= btf__add_enum(btf, "empty_enum", 4) < 0;
	if (err) {
		btf__free(btf);
		return NULL;
	}
	return btf;
}

static void test_dense(const struct btf *btf)
{
	struct btf_enum_names *n = btf_enum_names_load(btf, "color");

	ok(n != NULL, "enum color loads");
	is_str(btf_enum_names_get(n, 0), "COLOR_RED", "color 0");
	is_str(btf_enum_names_get(n, 1), "COLOR_GREEN", "color 1");
	ok(btf_enum_names_get(n, 2) == NULL, "color 2 (gap) -> NULL");
	is_str(btf_enum_names_get(n, 3), "COLOR_BLUE", "color 3: the first declared alias wins");
	ok(btf_enum_names_get(n, 4) == NULL, "color 4 (past the end) -> NULL");
	ok(btf_enum_names_get(n, 1ULL << 32) == NULL, "color 2^32 -> NULL");
	ok(btf_enum_names_get(n, UINT64_MAX) == NULL, "color UINT64_MAX -> NULL");
	btf_enum_names_free(n);
}

static void test_sparse(const struct btf *btf)
{
	struct btf_enum_names *n = btf_enum_names_load(btf, "sparse_reason");

	ok(n != NULL, "enum sparse_reason loads");
	is_str(btf_enum_names_get(n, 0), "SPARSE_ZERO", "sparse 0");
	is_str(btf_enum_names_get(n, 0x10000), "SPARSE_A", "sparse 0x10000");
	is_str(btf_enum_names_get(n, 0x10001), "SPARSE_B", "sparse 0x10001");
	is_str(btf_enum_names_get(n, 0x20000), "SPARSE_C", "sparse 0x20000");
	ok(btf_enum_names_get(n, 1) == NULL, "sparse 1 -> NULL");
	ok(btf_enum_names_get(n, 0x10002) == NULL, "sparse 0x10002 -> NULL");
	ok(btf_enum_names_get(n, 0x30000) == NULL, "sparse 0x30000 (past the end) -> NULL");
	btf_enum_names_free(n);
}

static void test_signed_and_64(const struct btf *btf)
{
	struct btf_enum_names *n = btf_enum_names_load(btf, "signed_enum");

	ok(n != NULL, "enum signed_enum loads");
	is_str(btf_enum_names_get(n, 0xffffffffULL), "NEG_ONE", "-1 of a 4-byte enum is 0xffffffff");
	is_str(btf_enum_names_get(n, 1), "POS_ONE", "signed 1");
	ok(btf_enum_names_get(n, 0) == NULL, "signed 0 -> NULL");
	btf_enum_names_free(n);

	n = btf_enum_names_load(btf, "big_enum");
	ok(n != NULL, "ENUM64 big_enum loads");
	is_str(btf_enum_names_get(n, 7), "BIG_SMALL", "enum64 7");
	is_str(btf_enum_names_get(n, 0xfedcba9876543210ULL), "BIG_HUGE", "enum64 0xfedcba9876543210");
	is_str(btf_enum_names_get(n, 1ULL << 33), "BIG_33", "enum64 2^33");
	ok(btf_enum_names_get(n, 0x76543210ULL) == NULL, "enum64 low half alone -> NULL");
	btf_enum_names_free(n);

	n = btf_enum_names_load(btf, "empty_enum");
	ok(n != NULL, "enum without members loads");
	ok(btf_enum_names_get(n, 0) == NULL, "empty enum 0 -> NULL");
	btf_enum_names_free(n);
}

static void test_missing(const struct btf *btf)
{
	struct btf_enum_names *n;

	errno = 0;
	n = btf_enum_names_load(btf, "no_such_enum");
	ok(n == NULL && errno == ENOENT, "missing enum -> NULL, ENOENT (errno %d)", errno);
	errno = 0;
	n = btf_enum_names_load(btf, "int");
	ok(n == NULL && errno == ENOENT, "a non-enum type of that name -> NULL, ENOENT (errno %d)", errno);
	ok(btf_enum_names_get(NULL, 0) == NULL, "get on NULL -> NULL");
	btf_enum_names_free(NULL);
}

/* The value of member name of enum enum_name, found independently of the code under test. */
static int enum_member_value(const struct btf *btf, const char *enum_name, const char *name, uint64_t *value)
{
	__s32 id = btf__find_by_name_kind(btf, enum_name, BTF_KIND_ENUM);
	const struct btf_type *t;
	uint16_t i;

	if (id < 0)
		id = btf__find_by_name_kind(btf, enum_name, BTF_KIND_ENUM64);
	if (id < 0)
		return -1;
	t = btf__type_by_id(btf, (__u32)id);
	for (i = 0; i < btf_vlen(t); i++) {
		if (btf_is_enum(t) && strcmp(btf__name_by_offset(btf, btf_enum(t)[i].name_off), name) == 0) {
			*value = (uint32_t)btf_enum(t)[i].val;
			return 0;
		}
		if (btf_is_enum64(t) && strcmp(btf__name_by_offset(btf, btf_enum64(t)[i].name_off), name) == 0) {
			*value = btf_enum64_value(&btf_enum64(t)[i]);
			return 0;
		}
	}
	return -1;
}

static void test_vmlinux(void)
{
	struct btf_enum_names *n;
	struct btf *btf;
	uint64_t v = 0;
	bool found;

	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		tap_skip("no /sys/kernel/btf/vmlinux");
		return;
	}
	btf = btf__load_vmlinux_btf();
	ok(btf != NULL, "vmlinux BTF loads");
	if (!btf)
		return;
	n = btf_enum_names_load(btf, "skb_drop_reason");
	ok(n != NULL, "enum skb_drop_reason loads");
	found = enum_member_value(btf, "skb_drop_reason", "SKB_DROP_REASON_NETFILTER_DROP", &v) == 0;
	ok(found, "BTF has SKB_DROP_REASON_NETFILTER_DROP (= %" PRIu64 ")", v);
	is_str(btf_enum_names_get(n, v), "SKB_DROP_REASON_NETFILTER_DROP", "NETFILTER_DROP by value");
	found = enum_member_value(btf, "skb_drop_reason", "SKB_DROP_REASON_NOT_SPECIFIED", &v) == 0;
	ok(found, "BTF has SKB_DROP_REASON_NOT_SPECIFIED (= %" PRIu64 ")", v);
	is_str(btf_enum_names_get(n, v), "SKB_DROP_REASON_NOT_SPECIFIED", "NOT_SPECIFIED by value");
	btf_enum_names_free(n);
	btf__free(btf);
}

int main(void)
{
	struct btf *btf = build_btf();

	ok(btf != NULL, "in-memory BTF built");
	if (btf) {
		test_dense(btf);
		test_sparse(btf);
		test_signed_and_64(btf);
		test_missing(btf);
		btf__free(btf);
	}
	test_vmlinux();
	return tap_done();
}
