// SPDX-License-Identifier: GPL-2.0-only
/* The netfilter table functions as the kernel's BTF describes them (see nf_btf.h). */
#include "core/nf_btf.h"

#include <bpf/btf.h>
#include <string.h>

int nf_btf_has_func(const struct btf *btf, const char *func)
{
	return btf__find_by_name_kind(btf, func, BTF_KIND_FUNC) > 0;
}

/* The type id behind typedefs and qualifiers. */
static int resolve(const struct btf *btf, int id)
{
	int r = btf__resolve_type(btf, (__u32)id);

	return r < 0 ? id : r;
}

enum nf_xt_args nf_btf_xt_args(const struct btf *btf, const char *func)
{
	int id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	const struct btf_type *t, *proto, *ptr, *target;
	const struct btf_param *params;
	int first;

	if (id <= 0)
		return NF_XT_ARGS_ABSENT;
	t = btf__type_by_id(btf, (__u32)id);
	proto = t ? btf__type_by_id(btf, t->type) : NULL;
	if (!proto || !btf_is_func_proto(proto) || btf_vlen(proto) != 3)
		return NF_XT_ARGS_UNKNOWN;
	params = btf_params(proto);
	first = resolve(btf, (int)params[0].type);
	ptr = btf__type_by_id(btf, (__u32)first);
	if (!ptr || !btf_is_ptr(ptr))
		return NF_XT_ARGS_UNKNOWN;
	/* void *priv (5.16+), or struct sk_buff *skb (before). */
	if (ptr->type == 0)
		return NF_XT_ARGS_PRIV_FIRST;
	target = btf__type_by_id(btf, (__u32)resolve(btf, (int)ptr->type));
	if (target && btf_is_struct(target) && strcmp(btf__name_by_offset(btf, target->name_off), "sk_buff") == 0)
		return NF_XT_ARGS_SKB_FIRST;
	return NF_XT_ARGS_UNKNOWN;
}
