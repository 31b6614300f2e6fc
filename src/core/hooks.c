// SPDX-License-Identifier: GPL-2.0-only
#include "core/hooks.h"
#include "core/kallsyms.h"
#include "core/regex_size.h"

#include <bpf/btf.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRACE_TYPEDEF_PREFIX "btf_trace_"
#define MAX_SKB_ARG          5

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const struct btf_type *skip_mods_and_typedefs(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	return t;
}

static bool is_ptr_to_struct(const struct btf *btf, uint32_t id, const char *name)
{
	const struct btf_type *t = skip_mods_and_typedefs(btf, id);

	if (!t || !btf_is_ptr(t))
		return false;
	t = skip_mods_and_typedefs(btf, t->type);
	return t && btf_is_struct(t) && strcmp(btf__name_by_offset(btf, t->name_off), name) == 0;
}

static bool is_enum_named(const struct btf *btf, uint32_t id, const char *name)
{
	const struct btf_type *t = skip_mods_and_typedefs(btf, id);

	return t && (btf_is_enum(t) || btf_is_enum64(t)) && strcmp(btf__name_by_offset(btf, t->name_off), name) == 0;
}

struct hook *hooks_push(struct hook_table *t)
{
	struct hook *h;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct hook *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		t->v = v;
		t->cap = cap;
	}
	h = &t->v[t->n++];
	memset(h, 0, sizeof(*h));
	h->prog_fd = -1;
	h->link_fd = -1;
	return h;
}

static int hooks_append(struct hook_table *t, const char *name, enum hook_template tmpl, uint32_t btf_id)
{
	struct hook *h;

	if (strlen(name) >= HOOK_NAME_LEN)
		return 0; /* no tracepoint name is this long; skip rather than truncate */
	h = hooks_push(t);
	if (!h)
		return -ENOMEM;
	snprintf(h->name, sizeof(h->name), "%s", name);
	h->tmpl = tmpl;
	h->btf_id = btf_id;
	return 1;
}

/* Position of the first pointer to struct type_name among the first MAX_SKB_ARG parameters, or -1. */
static int struct_param(const struct btf *btf, const struct btf_param *params, int nparams, const char *type_name)
{
	for (int i = 0; i < nparams && i < MAX_SKB_ARG; i++)
		if (is_ptr_to_struct(btf, params[i].type, type_name))
			return i;
	return -1;
}

static int skb_param(const struct btf *btf, const struct btf_param *params, int nparams)
{
	return struct_param(btf, params, nparams, "sk_buff");
}

/*
 * kfree_skb and consume_skb carry more than the skb: the caller's address
 * and (since 5.17) the drop reason. They get dedicated templates when their
 * prototype has those arguments.
 */
static enum hook_template template_for(const struct btf *btf, const char *tp, const struct btf_param *args, int nargs,
				       int skb_arg)
{
	bool is_free = strcmp(tp, "kfree_skb") == 0 || strcmp(tp, "consume_skb") == 0;

	if (is_free && skb_arg == 0) {
		if (nargs >= 3 && strcmp(tp, "kfree_skb") == 0 && is_enum_named(btf, args[2].type, "skb_drop_reason"))
			return TMPL_KFREE_SKB_REASON;
		if (nargs >= 2 && btf_is_ptr(skip_mods_and_typedefs(btf, args[1].type)))
			return TMPL_SKB_LOCATION;
		/* Still the end of the skb's life: flows and tracking end there. */
		return TMPL_SKB_FREED;
	}
	return (enum hook_template)(TMPL_SKB_ARG0 + skb_arg);
}

int hooks_discover_skb_tracepoints(const struct btf *btf, struct hook_table *t, char *err, size_t errlen)
{
	uint32_t n = btf__type_cnt(btf);
	size_t prefix_len = strlen(TRACE_TYPEDEF_PREFIX);
	int added = 0;

	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *type = btf__type_by_id(btf, id);
		const struct btf_type *proto;
		const struct btf_param *params;
		const char *name;
		int nparams, skb, r;

		if (!btf_is_typedef(type))
			continue;
		name = btf__name_by_offset(btf, type->name_off);
		if (strncmp(name, TRACE_TYPEDEF_PREFIX, prefix_len) != 0)
			continue;
		/* typedef void (*btf_trace_X)(void *__data, args...); */
		proto = skip_mods_and_typedefs(btf, type->type);
		if (!proto || !btf_is_ptr(proto))
			continue;
		proto = skip_mods_and_typedefs(btf, proto->type);
		if (!proto || !btf_is_func_proto(proto))
			continue;
		params = btf_params(proto) + 1;
		nparams = btf_vlen(proto) - 1;
		skb = skb_param(btf, params, nparams);
		if (skb < 0)
			continue;
		r = hooks_append(t, name + prefix_len, template_for(btf, name + prefix_len, params, nparams, skb), id);
		if (r < 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		added += r;
	}
	return added;
}

/*
 * Every BTF_KIND_FUNC with a pointer to struct type_name among its first
 * parameters, as hooks of template first + that parameter's position.
 */
static int discover_functions(const struct btf *btf, uint32_t first_id, int btf_obj_fd, struct hook_table *t,
			      const char *type_name, enum hook_template first, char *err, size_t errlen)
{
	uint32_t n = btf__type_cnt(btf);
	int added = 0;

	for (uint32_t id = first_id; id < n; id++) {
		const struct btf_type *type = btf__type_by_id(btf, id);
		const struct btf_type *proto;
		int pos, r;

		if (!btf_is_func(type))
			continue;
		proto = btf__type_by_id(btf, type->type);
		if (!proto || !btf_is_func_proto(proto))
			continue;
		pos = struct_param(btf, btf_params(proto), btf_vlen(proto), type_name);
		if (pos < 0)
			continue;
		r = hooks_append(t, btf__name_by_offset(btf, type->name_off), (enum hook_template)(first + pos), id);
		if (r < 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		if (r)
			t->v[t->n - 1].btf_obj_fd = btf_obj_fd;
		added += r;
	}
	return added;
}

int hooks_discover_skb_functions(const struct btf *btf, struct hook_table *t, char *err, size_t errlen)
{
	return discover_functions(btf, 1, 0, t, "sk_buff", TMPL_FUNC_SKB_ARG0, err, errlen);
}

int hooks_discover_sk_functions(const struct btf *btf, struct hook_table *t, char *err, size_t errlen)
{
	return discover_functions(btf, 1, 0, t, "sock", TMPL_FUNC_SK_ARG0, err, errlen);
}

int hooks_discover_module_functions(const struct btf *mod_btf, int btf_obj_fd, bool sk, struct hook_table *t, char *err,
				    size_t errlen)
{
	const struct btf *base = btf__base_btf(mod_btf);

	/* Only the module's own types: the split BTF's ids go on after vmlinux's. */
	return discover_functions(mod_btf, base ? btf__type_cnt(base) : 1, btf_obj_fd, t, sk ? "sock" : "sk_buff",
				  sk ? TMPL_FUNC_SK_ARG0 : TMPL_FUNC_SKB_ARG0, err, errlen);
}

/* Names in tracefs' available_filter_functions ("name" or "name [module]"), sorted; NULL if unreadable. */
static char **read_ftrace_list(const char *path, size_t *count)
{
	FILE *f = path ? fopen(path, "r") : NULL;
	char **v = NULL, line[512];
	size_t n = 0, cap = 0;

	*count = 0;
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, " \t\n")] = '\0';
		if (n == cap) {
			char **nv = realloc(v, (cap = cap ? cap * 2 : 4096) * sizeof(*v));

			if (!nv)
				break;
			v = nv;
		}
		if (!(v[n] = strdup(line)))
			break;
		n++;
	}
	if (ferror(f) && n == 0) {
		/* Reading it can fail after opening (EPERM on locked-down kernels). */
		fclose(f);
		free(v);
		return NULL;
	}
	fclose(f);
	if (!v)
		return NULL; /* an empty list: qsort() must not be given NULL, even for 0 entries */
	qsort(v, n, sizeof(*v), cmp_str);
	*count = n;
	return v;
}

size_t hooks_keep_attachable(struct hook_table *t, const struct kallsyms *ks, const char *ftrace_list)
{
	size_t nlist = 0, kept = 0, dropped = 0;
	char **list = read_ftrace_list(ftrace_list, &nlist);

	for (size_t i = 0; i < t->n; i++) {
		struct hook *h = &t->v[i];
		const char *key = h->name;

		if (hook_is_function(h)) {
			h->addr = ks ? kallsyms_address(ks, h->name) : 0;
			/* Traceable means known to ftrace; without its list, at least present in kallsyms. */
			if (list ? !bsearch(&key, list, nlist, sizeof(*list), cmp_str) : !h->addr) {
				dropped++;
				continue;
			}
		}
		t->v[kept++] = *h;
	}
	t->n = kept;
	for (size_t i = 0; list && i < nlist; i++)
		free(list[i]);
	free(list);
	return dropped;
}

int hooks_regex_compile(regex_t *re, const char *regex, char *err, size_t errlen)
{
	size_t len = strlen(regex) + 8;
	char *anchored = malloc(len);
	bool stray_close;
	int rc;

	if (!anchored) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* Full-match semantics: the whole name must match, as in the original tool. */
	snprintf(anchored, len, "^(%s)$", regex);
	/* Measured as compiled, and the user's text alone: a ")" of its own would close the wrapping group. */
	if (regex_expanded_size(anchored, REGEX_SIZE_MAX, NULL) > REGEX_SIZE_MAX) {
		snprintf(err, errlen,
			 "invalid regular expression \"%s\": its repetitions expand to more than %d elements, nest "
			 "more than %d deep, or repeat what can match the empty string without end or more than %d times",
			 regex, REGEX_SIZE_MAX, REGEX_REPEAT_DEPTH_MAX, REGEX_NULLABLE_COPIES_MAX);
		free(anchored);
		return -1;
	}
	regex_expanded_size(regex, REGEX_SIZE_MAX, &stray_close);
	if (stray_close) {
		snprintf(err, errlen, "invalid regular expression \"%s\": unmatched ) (write \\) for the character)",
			 regex);
		free(anchored);
		return -1;
	}
	rc = regcomp(re, anchored, REG_EXTENDED | REG_NOSUB);
	free(anchored);
	if (rc) {
		char why[128];

		regerror(rc, re, why, sizeof(why));
		snprintf(err, errlen, "invalid regular expression \"%s\": %s", regex, why);
		return -1;
	}
	return 0;
}

int hooks_keep_matching(struct hook_table *t, const char *regex, const char *always_keep, char *err, size_t errlen)
{
	size_t kept = 0;
	int matched = 0;
	regex_t re, keep;

	if (!regex)
		return (int)t->n;
	if (hooks_regex_compile(&re, regex, err, errlen))
		return -1;
	if (always_keep && hooks_regex_compile(&keep, always_keep, err, errlen)) {
		regfree(&re);
		return -1;
	}
	for (size_t i = 0; i < t->n; i++) {
		bool match = regexec(&re, t->v[i].name, 0, NULL, 0) == 0;

		matched += match;
		if (match || (always_keep && regexec(&keep, t->v[i].name, 0, NULL, 0) == 0))
			t->v[kept++] = t->v[i];
	}
	t->n = kept;
	regfree(&re);
	if (always_keep)
		regfree(&keep);
	return matched;
}

int hooks_keep_named(struct hook_table *t, const char *name)
{
	struct hook *h = hooks_find(t, name);

	if (!h) {
		t->n = 0;
		return 0;
	}
	t->v[0] = *h;
	t->n = 1;
	return 1;
}

struct hook *hooks_find(struct hook_table *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0)
			return &t->v[i];
	return NULL;
}

void hooks_free(struct hook_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}
