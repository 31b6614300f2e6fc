// SPDX-License-Identifier: GPL-2.0-only
/* Recording and replaying the event stream; the file format is described in record.h. */
#include "config.h"

#include "core/record.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "core/errmsg.h"
#include "core/fdio.h"
#include "core/kallsyms.h"

#define FILE_HEADER_BYTES   16
#define RECORD_HEADER_BYTES 8
#define WRITER_BUF_BYTES    (256u << 10)
#define STR_MAX             4096u       /* longer strings are cut when written */
#define TABLE_CHUNK         (64u << 10) /* a long table is split into records of about this size */
#define SYM_STR_MAX         512u        /* the kernel's KSYM_NAME_LEN: symbol and module names are shorter */
/* The most a record under construction may need: a table chunk plus one more entry. */
#define BUILD_ROOM (RECORD_HEADER_BYTES + TABLE_CHUNK + 2 * (2 + STR_MAX) + 16)
/* The symbols of one event's stack make one record: it must fit too. */
_Static_assert((8 + 2 * (2 + SYM_STR_MAX)) * VISTA_MAX_STACK_DEPTH <= BUILD_ROOM - RECORD_HEADER_BYTES,
	       "a stack's symbols fit in one record");

/* ---------------------------------------------------------------- the event layout */

/* One field of struct vista_event as it appears on disk, in this order. */
struct event_field {
	uint16_t off;  /* in struct vista_event */
	uint16_t size; /* bytes */
	bool bytes;    /* copied as is (text, addresses); otherwise a little-endian integer */
};

#define EV_INT(f)                                                                            \
	{                                                                                    \
		offsetof(struct vista_event, f), sizeof(((struct vista_event *)0)->f), false \
	}
#define EV_BYTES(f)                                                                         \
	{                                                                                   \
		offsetof(struct vista_event, f), sizeof(((struct vista_event *)0)->f), true \
	}

static const struct event_field event_fields[] = {
	EV_INT(ts_ns),
	EV_INT(addr),
	EV_INT(location),
	EV_INT(hook_id),
	EV_INT(kind),
	EV_INT(pid),
	EV_INT(tid),
	EV_INT(cpu),
	EV_INT(stack_id),
	EV_INT(reason),
	EV_INT(flags),
	EV_BYTES(comm),
	EV_INT(meta.netns),
	EV_INT(meta.mark),
	EV_INT(meta.ifindex),
	EV_INT(meta.mtu),
	EV_INT(meta.len),
	EV_INT(meta.protocol),
	EV_INT(meta.pkt_type),
	EV_INT(meta.pad),
	EV_BYTES(meta.ifname),
	EV_BYTES(tuple.saddr),
	EV_BYTES(tuple.daddr),
	EV_INT(tuple.sport),
	EV_INT(tuple.dport),
	EV_INT(tuple.l3),
	EV_INT(tuple.l4_proto),
	EV_INT(tuple.tcp_flags),
	EV_INT(tuple.icmp_type),
	EV_INT(tuple.icmp_code),
	EV_BYTES(tuple.pad),
};

#define N_EVENT_FIELDS (sizeof(event_fields) / sizeof(event_fields[0]))

/* The struct after an event of another kind, field by field in the same way. */
#define BODY_INT(type, f)                                        \
	{                                                        \
		offsetof(type, f), sizeof(((type *)0)->f), false \
	}
#define BODY_BYTES(type, f)                                     \
	{                                                       \
		offsetof(type, f), sizeof(((type *)0)->f), true \
	}

static const struct event_field nf_fields[] = {
	BODY_INT(struct vista_nf, cost_ns), BODY_INT(struct vista_nf, prio_lo), BODY_INT(struct vista_nf, prio_hi),
	BODY_INT(struct vista_nf, netns),   BODY_INT(struct vista_nf, pf),      BODY_INT(struct vista_nf, hook),
	BODY_INT(struct vista_nf, verdict), BODY_INT(struct vista_nf, method),  BODY_BYTES(struct vista_nf, table),
	BODY_BYTES(struct vista_nf, chain),
};

static const struct event_field tcp_fields[] = {
	BODY_INT(struct vista_tcp, rx_bytes),    BODY_INT(struct vista_tcp, tx_bytes),
	BODY_INT(struct vista_tcp, lifetime_ns), BODY_INT(struct vista_tcp, srtt_us),
	BODY_INT(struct vista_tcp, retrans),     BODY_INT(struct vista_tcp, sk_mark),
	BODY_INT(struct vista_tcp, family),      BODY_INT(struct vista_tcp, what),
	BODY_INT(struct vista_tcp, state),       BODY_INT(struct vista_tcp, reset),
	BODY_INT(struct vista_tcp, flags),       BODY_BYTES(struct vista_tcp, pad),
	BODY_BYTES(struct vista_tcp, cong),
};

static const struct event_field sk_fields[] = {
	BODY_INT(struct vista_sk, a),         BODY_INT(struct vista_sk, b),
	BODY_INT(struct vista_sk, inode),     BODY_INT(struct vista_sk, bound_ifindex),
	BODY_INT(struct vista_sk, backlog),   BODY_INT(struct vista_sk, rcvbuf),
	BODY_INT(struct vista_sk, sndbuf),    BODY_INT(struct vista_sk, priority),
	BODY_INT(struct vista_sk, mark),      BODY_INT(struct vista_sk, socket_flags),
	BODY_INT(struct vista_sk, family),    BODY_INT(struct vista_sk, protocol),
	BODY_INT(struct vista_sk, type),      BODY_INT(struct vista_sk, what),
	BODY_INT(struct vista_sk, state),     BODY_INT(struct vista_sk, socket_state),
	BODY_INT(struct vista_sk, reuseport), BODY_INT(struct vista_sk, has_socket),
	BODY_INT(struct vista_sk, pad),
};

/* A kind of event recorded as RECORD_KIND_EVENT: the layout of the struct that follows its event. */
struct kind_layout {
	uint32_t kind;
	const struct event_field *fields;
	size_t nfields;
	uint16_t bytes; /* on disk: the sum of the field sizes */
};

static const struct kind_layout kind_layouts[] = {
	{ VISTA_EV_NETFILTER, nf_fields, sizeof(nf_fields) / sizeof(nf_fields[0]), RECORD_NF_BYTES },
	{ VISTA_EV_TCP, tcp_fields, sizeof(tcp_fields) / sizeof(tcp_fields[0]), RECORD_TCP_BYTES },
	{ VISTA_EV_SK, sk_fields, sizeof(sk_fields) / sizeof(sk_fields[0]), RECORD_SK_BYTES },
};

#define N_KINDS (sizeof(kind_layouts) / sizeof(kind_layouts[0]))

static const struct kind_layout *kind_layout(uint32_t kind)
{
	for (size_t i = 0; i < N_KINDS; i++)
		if (kind_layouts[i].kind == kind)
			return &kind_layouts[i];
	return NULL;
}

/* A change to struct vista_event must come here: the table above, RECORD_EVENT_BYTES, record.h. */
_Static_assert(sizeof(struct vista_event) == 160, "struct vista_event changed: update the recorded layout");
_Static_assert(offsetof(struct vista_event, tuple.pad) + 3 == RECORD_EVENT_BYTES,
	       "the recorded event is struct vista_event without padding");
/* The same for the structs of the other kinds: a change to one must come to its table above and to record.h. */
_Static_assert(sizeof(struct vista_nf) == 152 && RECORD_NF_BYTES == 152, "struct vista_nf changed");
_Static_assert(sizeof(struct vista_tcp) == 64 && RECORD_TCP_BYTES == 64, "struct vista_tcp changed");
_Static_assert(sizeof(struct vista_sk) == 64 && RECORD_SK_BYTES == 64, "struct vista_sk changed");
_Static_assert(offsetof(struct replay_event, body) == sizeof(struct vista_event),
	       "a replayed event's struct follows it as in the ring buffer");

static uint64_t load_host(const void *p, size_t size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (size) {
	case 1:
		memcpy(&u8, p, 1);
		return u8;
	case 2:
		memcpy(&u16, p, 2);
		return u16;
	case 4:
		memcpy(&u32, p, 4);
		return u32;
	default:
		memcpy(&u64, p, 8);
		return u64;
	}
}

static void store_host(void *p, size_t size, uint64_t v)
{
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;

	switch (size) {
	case 1:
		memcpy(p, &u8, 1);
		break;
	case 2:
		memcpy(p, &u16, 2);
		break;
	case 4:
		memcpy(p, &u32, 4);
		break;
	default:
		memcpy(p, &v, 8);
	}
}

static void le_store(uint8_t *p, size_t size, uint64_t v)
{
	for (size_t i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t le_load(const uint8_t *p, size_t size)
{
	uint64_t v = 0;

	for (size_t i = 0; i < size; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void fields_encode(uint8_t *out, const void *src, const struct event_field *fields, size_t n)
{
	const uint8_t *base = src;

	for (size_t i = 0; i < n; i++) {
		const struct event_field *f = &fields[i];

		if (f->bytes)
			memcpy(out, base + f->off, f->size);
		else
			le_store(out, f->size, load_host(base + f->off, f->size));
		out += f->size;
	}
}

/* Decodes the fields that lie entirely within the n bytes; the others stay 0 (dst is size bytes). */
static void fields_decode(void *dst, size_t size, const uint8_t *in, size_t n, const struct event_field *fields,
			  size_t nfields)
{
	uint8_t *base = dst;
	size_t at = 0;

	memset(dst, 0, size);
	for (size_t i = 0; i < nfields && at + fields[i].size <= n; i++) {
		const struct event_field *f = &fields[i];

		if (f->bytes)
			memcpy(base + f->off, in + at, f->size);
		else
			store_host(base + f->off, f->size, le_load(in + at, f->size));
		at += f->size;
	}
}

static void event_encode(uint8_t *out, const struct vista_event *e)
{
	fields_encode(out, e, event_fields, N_EVENT_FIELDS);
}

static void event_decode(struct vista_event *e, const uint8_t *in, size_t n)
{
	fields_decode(e, sizeof(*e), in, n, event_fields, N_EVENT_FIELDS);
}

static uint16_t header_check(uint16_t type, uint32_t len)
{
	return (uint16_t)(((uint64_t)type << 32 | len) * 0x9e3779b97f4a7c15ULL >> 48);
}

static const char *type_name(uint16_t type)
{
	static const char *const names[] = { NULL,    "information", "hook",  "drop reason", "symbol",
					     "event", "end",         "event", "packet",      "skb dump" };

	return type < sizeof(names) / sizeof(names[0]) && names[type] ? names[type] : "unknown";
}

/* ---------------------------------------------------------------- record_info */

/* Control characters would let a recording write escape sequences to the terminal of whoever replays it. */
static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

void record_info_init(struct record_info *info, int argc, char *const *argv)
{
	struct timespec mono, real;
	struct utsname uts;
	struct tm tm;
	time_t now;
	size_t n = 0;

	memset(info, 0, sizeof(*info));
	snprintf(info->vista_version, sizeof(info->vista_version), "%s", PACKAGE_VERSION);
	if (uname(&uts) == 0)
		snprintf(info->kernel_release, sizeof(info->kernel_release), "%s", uts.release);
	if (gethostname(info->hostname, sizeof(info->hostname) - 1))
		info->hostname[0] = '\0';
	/* In the order format_state_init reads them: the offset comes out the same. */
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	info->start_monotonic_ns = (int64_t)mono.tv_sec * 1000000000LL + mono.tv_nsec;
	info->start_realtime_ns = (int64_t)real.tv_sec * 1000000000LL + real.tv_nsec;
	now = real.tv_sec;
	if (localtime_r(&now, &tm))
		info->utc_offset_s = (int32_t)tm.tm_gmtoff;
	for (int i = 0; i < argc && argv[i]; i++) {
		for (const char *s = i ? " " : ""; *s && n + 1 < sizeof(info->command_line); s++)
			info->command_line[n++] = *s;
		for (const char *s = argv[i]; *s && n + 1 < sizeof(info->command_line); s++)
			info->command_line[n++] = is_control((unsigned char)*s) ? '?' : *s;
	}
	info->command_line[n] = '\0';
}

int64_t record_info_clock_offset(const struct record_info *info)
{
	/* Wrapping: a recording's clocks are whatever its file says, and must not overflow. */
	return (int64_t)((uint64_t)info->start_realtime_ns - (uint64_t)info->start_monotonic_ns);
}

/* ---------------------------------------------------------------- a set of ids */

/* Open addressing over non-zero keys; 0 is kept apart. */
struct id_set {
	uint64_t *slots;
	size_t cap, n;
	bool has_zero;
};

static size_t id_slot(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 32) & (cap - 1);
}

static int id_set_grow(struct id_set *s)
{
	size_t cap = s->cap ? s->cap * 2 : 64;
	uint64_t *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t i = 0; i < s->cap; i++) {
		size_t j;

		if (!s->slots[i])
			continue;
		for (j = id_slot(s->slots[i], cap); slots[j]; j = (j + 1) & (cap - 1))
			;
		slots[j] = s->slots[i];
	}
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
	return 0;
}

/* 1 when key is new (and now in the set), 0 when it was there, -1 when out of memory. */
static int id_set_add(struct id_set *s, uint64_t key)
{
	size_t i;

	if (!key) {
		if (s->has_zero)
			return 0;
		s->has_zero = true;
		return 1;
	}
	if ((s->n + 1) * 2 > s->cap && id_set_grow(s))
		return -1;
	for (i = id_slot(key, s->cap); s->slots[i]; i = (i + 1) & (s->cap - 1))
		if (s->slots[i] == key)
			return 0;
	s->slots[i] = key;
	s->n++;
	return 1;
}

static void id_set_free(struct id_set *s)
{
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

/* ---------------------------------------------------------------- writer */

struct record_writer {
	int fd;
	char *path;
	uint8_t *buf; /* WRITER_BUF_BYTES */
	size_t len;
	size_t rec_start; /* offset in buf of the record being built */
	struct id_set hooks, reasons, symbols;
	uint64_t events;         /* RECORD_EVENT records */
	uint64_t kinds[N_KINDS]; /* RECORD_KIND_EVENT records, per kind_layouts[] */
	int error;               /* errno of the first failure, then every call fails with it */
};

static int writer_fail(const struct record_writer *w, char *err, size_t errlen)
{
	return errmsg_set(err, errlen, "cannot write the recording to %s: %s", w->path, strerror(w->error));
}

static int flush_buf(struct record_writer *w)
{
	if (!w->error)
		w->error = fd_write_all(w->fd, w->buf, w->len, NULL);
	w->len = 0;
	return w->error ? -1 : 0;
}

static void put_bytes(struct record_writer *w, const void *p, size_t n)
{
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void put_le(struct record_writer *w, size_t size, uint64_t v)
{
	le_store(w->buf + w->len, size, v);
	w->len += size;
}

/* A str: cut to STR_MAX bytes, control characters replaced so that readers accept it. */
static void put_str(struct record_writer *w, const char *s, size_t max)
{
	size_t n = s ? strnlen(s, max < STR_MAX ? max : STR_MAX) : 0;

	put_le(w, 2, n);
	for (size_t i = 0; i < n; i++)
		w->buf[w->len++] = is_control((unsigned char)s[i]) ? '?' : (uint8_t)s[i];
}

/* Starts a record, making room for BUILD_ROOM bytes first. */
static int rec_begin(struct record_writer *w)
{
	if (w->error)
		return -1;
	if (WRITER_BUF_BYTES - w->len < BUILD_ROOM && flush_buf(w))
		return -1;
	w->rec_start = w->len;
	w->len += RECORD_HEADER_BYTES;
	return 0;
}

static size_t rec_payload(const struct record_writer *w)
{
	return w->len - w->rec_start - RECORD_HEADER_BYTES;
}

static void rec_end(struct record_writer *w, uint16_t type)
{
	uint32_t len = (uint32_t)rec_payload(w);
	uint8_t *h = w->buf + w->rec_start;

	le_store(h, 2, type);
	le_store(h + 2, 2, header_check(type, len));
	le_store(h + 4, 4, len);
}

static void put_info(struct record_writer *w, const struct record_info *info)
{
	static const uint8_t zero[3];

	put_le(w, 8, (uint64_t)info->start_realtime_ns);
	put_le(w, 8, (uint64_t)info->start_monotonic_ns);
	put_le(w, 4, (uint32_t)info->utc_offset_s);
	put_le(w, 4, info->options);
	put_le(w, 1, (uint8_t)info->timestamp);
	put_bytes(w, zero, sizeof(zero));
	put_str(w, info->vista_version, sizeof(info->vista_version));
	put_str(w, info->backend, sizeof(info->backend));
	put_str(w, info->kernel_release, sizeof(info->kernel_release));
	put_str(w, info->hostname, sizeof(info->hostname));
	put_str(w, info->command_line, sizeof(info->command_line));
}

int record_writer_open(const char *path, const struct record_info *info, struct record_writer **out, char *err,
		       size_t errlen)
{
	struct record_writer *w;
	struct stat st;
	uint8_t head[FILE_HEADER_BYTES] = RECORD_MAGIC;

	*out = NULL;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return errmsg_set(err, errlen, "cannot write the recording to %s: it is a directory", path);
	w = calloc(1, sizeof(*w));
	if (!w || !(w->path = strdup(path)) || !(w->buf = malloc(WRITER_BUF_BYTES))) {
		if (w)
			free(w->path);
		free(w);
		return errmsg_set(err, errlen, "out of memory");
	}
	/* Recordings reveal addresses and processes, like traces: private, and never through a symlink. */
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (w->fd < 0) {
		errmsg_set(err, errlen, "cannot write the recording to %s: %s", path,
			   errno == ELOOP ? "it is a symbolic link, which vista never writes through"
					  : strerror(errno));
		free(w->buf);
		free(w->path);
		free(w);
		return -1;
	}
	le_store(head + 8, 2, RECORD_VERSION_MAJOR);
	le_store(head + 10, 2, RECORD_VERSION_MINOR);
	put_bytes(w, head, sizeof(head));
	rec_begin(w);
	put_info(w, info);
	rec_end(w, RECORD_INFO);
	*out = w;
	return 0;
}

/* Adds "u32 id, str name" to a table record, starting a new record when the current one is full. */
static int put_name_entry(struct record_writer *w, uint16_t type, bool *open_rec, uint32_t id, const char *name)
{
	if (*open_rec && rec_payload(w) >= TABLE_CHUNK) {
		rec_end(w, type);
		*open_rec = false;
	}
	if (!*open_rec) {
		if (rec_begin(w))
			return -1;
		*open_rec = true;
	}
	put_le(w, 4, id);
	put_str(w, name, STR_MAX);
	return 0;
}

/* A table record of one entry; a NULL name (the id has none) records nothing. */
static void put_one_name(struct record_writer *w, uint16_t type, uint32_t id, const char *name)
{
	bool open_rec = false;

	if (name && put_name_entry(w, type, &open_rec, id, name) == 0)
		rec_end(w, type);
}

/* Whether id is new to set; a full memory is the writer's failure. */
static int first_time(struct record_writer *w, struct id_set *set, uint64_t id)
{
	int rc = id_set_add(set, id);

	if (rc < 0)
		w->error = ENOMEM;
	return rc;
}

int record_write_hooks(struct record_writer *w, const struct format_names *names, uint32_t count, char *err,
		       size_t errlen)
{
	bool open_rec = false;

	for (uint32_t id = 0; id < count && !w->error; id++) {
		const char *name = names->hook_name ? names->hook_name(names->ctx, id) : NULL;

		if (first_time(w, &w->hooks, id) == 1 && name)
			put_name_entry(w, RECORD_HOOKS, &open_rec, id, name);
	}
	if (open_rec)
		rec_end(w, RECORD_HOOKS);
	return w->error ? writer_fail(w, err, errlen) : 0;
}

/* The names and symbols event e needs that were not recorded yet. */
/* The name of the event's drop reason, the first time an event has that reason. */
static void put_reason_name(struct record_writer *w, const struct vista_event *e, const struct format_names *names)
{
	if ((e->flags & VISTA_EVF_HAS_REASON) && first_time(w, &w->reasons, e->reason) == 1 && names->drop_reason)
		put_one_name(w, RECORD_DROP_REASONS, e->reason, names->drop_reason(names->ctx, e->reason));
}

static void put_event_names(struct record_writer *w, const struct vista_event *e, const uint64_t *stack, int nstack,
			    const struct format_names *names)
{
	const struct ksym *fresh[VISTA_MAX_STACK_DEPTH + 1];
	int nfresh = 0;

	if (first_time(w, &w->hooks, e->hook_id) == 1 && names->hook_name)
		put_one_name(w, RECORD_HOOKS, e->hook_id, names->hook_name(names->ctx, e->hook_id));
	put_reason_name(w, e, names);
	/* The location of a free (who called kfree_skb), which vista-top names too. */
	for (int i = -1; i < nstack && names->ksyms && !w->error; i++) {
		uint64_t ip = i < 0 ? e->location : stack[i];
		const struct ksym *sym = ip ? kallsyms_lookup(names->ksyms, ip, NULL) : NULL;

		if (sym && first_time(w, &w->symbols, sym->addr) == 1)
			fresh[nfresh++] = sym;
	}
	if (!nfresh || rec_begin(w))
		return;
	for (int i = 0; i < nfresh; i++) {
		put_le(w, 8, fresh[i]->addr);
		put_str(w, fresh[i]->name, SYM_STR_MAX);
		put_str(w, fresh[i]->module ? fresh[i]->module : "", SYM_STR_MAX);
	}
	rec_end(w, RECORD_SYMBOLS);
}

/*
 * An event of another kind than skb: the event, then its kind's struct,
 * which follows it in memory; before them its drop reason's name when new.
 */
static int write_kind_event(struct record_writer *w, const struct vista_event *e, const struct kind_layout *k,
			    const struct format_names *names, char *err, size_t errlen)
{
	if (names)
		put_reason_name(w, e, names);
	if (rec_begin(w))
		return writer_fail(w, err, errlen);
	put_le(w, 2, RECORD_EVENT_BYTES);
	put_le(w, 2, k->bytes);
	event_encode(w->buf + w->len, e);
	w->len += RECORD_EVENT_BYTES;
	fields_encode(w->buf + w->len, e + 1, k->fields, k->nfields);
	w->len += k->bytes;
	rec_end(w, RECORD_KIND_EVENT);
	w->kinds[k - kind_layouts]++;
	return 0;
}

/* RECORD_PACKET: the packet of the skb event recorded next. */
static int put_packet(struct record_writer *w, const struct vista_packet *p)
{
	uint16_t caplen = p->caplen < VISTA_PACKET_MAX ? p->caplen : VISTA_PACKET_MAX;

	if (rec_begin(w))
		return -1;
	put_le(w, 4, p->len);
	put_le(w, 2, caplen);
	put_le(w, 1, p->layer);
	put_le(w, 1, 0);
	put_bytes(w, p + 1, caplen);
	rec_end(w, RECORD_PACKET);
	return 0;
}

/* RECORD_SKB_DUMP: the struct sk_buff text of the skb event recorded next. */
static int put_skb_dump(struct record_writer *w, const struct vista_skb_dump *d)
{
	const char *text = (const char *)(d + 1);
	uint16_t n = (uint16_t)strnlen(text, d->len < VISTA_SKB_DUMP_TEXT ? d->len : VISTA_SKB_DUMP_TEXT - 1);

	if (rec_begin(w))
		return -1;
	put_le(w, 2, n);
	put_le(w, 2, 0);
	put_bytes(w, text, n);
	rec_end(w, RECORD_SKB_DUMP);
	return 0;
}

int record_write_event(struct record_writer *w, const struct vista_event *e, const uint64_t *stack, int nstack,
		       const struct format_names *names, char *err, size_t errlen)
{
	const struct kind_layout *k = kind_layout(e->kind);

	/* Their FUNC is in the event itself: no hook name, and no stack to resolve. */
	if (k)
		return write_kind_event(w, e, k, names, err, errlen);
	if (nstack < 0)
		nstack = 0;
	if (nstack > VISTA_MAX_STACK_DEPTH)
		nstack = VISTA_MAX_STACK_DEPTH;
	if (names)
		put_event_names(w, e, stack, nstack, names);
	if ((e->flags & VISTA_EVF_HAS_PACKET) && put_packet(w, vista_event_packet(e)))
		return writer_fail(w, err, errlen);
	if ((e->flags & VISTA_EVF_HAS_SKB) && put_skb_dump(w, vista_event_skb(e)))
		return writer_fail(w, err, errlen);
	if (rec_begin(w))
		return writer_fail(w, err, errlen);
	put_le(w, 2, RECORD_EVENT_BYTES);
	put_le(w, 2, (uint16_t)nstack);
	event_encode(w->buf + w->len, e);
	w->len += RECORD_EVENT_BYTES;
	for (int i = 0; i < nstack; i++)
		put_le(w, 8, stack[i]);
	rec_end(w, RECORD_EVENT);
	w->events++;
	return 0;
}

int record_writer_flush(struct record_writer *w, char *err, size_t errlen)
{
	return flush_buf(w) ? writer_fail(w, err, errlen) : 0;
}

int record_writer_close(struct record_writer *w, uint64_t lost, char *err, size_t errlen)
{
	int rc = 0;

	if (!w)
		return 0;
	if (rec_begin(w) == 0) {
		put_le(w, 8, w->events);
		put_le(w, 8, lost);
		for (size_t i = 0; i < N_KINDS; i++) {
			if (!w->kinds[i])
				continue;
			put_le(w, 4, kind_layouts[i].kind);
			put_le(w, 8, w->kinds[i]);
		}
		rec_end(w, RECORD_END);
	}
	flush_buf(w);
	if (close(w->fd) && !w->error)
		w->error = errno;
	if (w->error)
		rc = writer_fail(w, err, errlen);
	id_set_free(&w->hooks);
	id_set_free(&w->reasons);
	id_set_free(&w->symbols);
	free(w->buf);
	free(w->path);
	free(w);
	return rc;
}

/* ---------------------------------------------------------------- reader */

struct name_entry {
	uint32_t id;
	char *name;
};

struct name_table {
	struct name_entry *v;
	size_t n, cap;
};

struct replay {
	FILE *f;
	char *path;
	struct record_info info;
	struct name_table hooks, reasons;
	struct kallsyms *ksyms;
	uint64_t size;           /* of the file when opened */
	uint64_t data_start;     /* the first record after INFO */
	uint64_t data_end;       /* the end of the last complete record read */
	uint64_t pos;            /* where replay_next reads */
	uint64_t events;         /* that replay_next returns */
	uint64_t skb_events;     /* RECORD_EVENT records */
	uint64_t kinds[N_KINDS]; /* RECORD_KIND_EVENT records of each kind this reader knows */
	uint64_t lost;
	bool has_end;
	bool has_packet; /* a RECORD_PACKET read, for the next RECORD_EVENT */
	bool has_skb;    /* a RECORD_SKB_DUMP read into skb, for the next RECORD_EVENT */
	struct vista_skb_dump skb;
	char skb_text[VISTA_SKB_DUMP_TEXT];
	char warning[512];
	uint8_t *payload;
	size_t payload_cap;
};

/* A bounds-checked view of a payload; running past its end marks it bad. */
struct cursor {
	const uint8_t *p;
	size_t left;
	bool bad;
};

static const uint8_t *take(struct cursor *c, size_t n)
{
	const uint8_t *p = c->p;

	if (c->bad || n > c->left) {
		c->bad = true;
		return NULL;
	}
	c->p += n;
	c->left -= n;
	return p;
}

static uint64_t get_le(struct cursor *c, size_t size)
{
	const uint8_t *p = take(c, size);

	return p ? le_load(p, size) : 0;
}

/* A str copied (cut) into out[outlen]; control characters make the cursor bad. */
static void get_str(struct cursor *c, char *out, size_t outlen)
{
	size_t n = (size_t)get_le(c, 2);
	const uint8_t *p = take(c, n);
	size_t k = n < outlen - 1 ? n : outlen - 1;

	out[0] = '\0';
	if (!p)
		return;
	for (size_t i = 0; i < n; i++)
		if (is_control(p[i]))
			c->bad = true;
	memcpy(out, p, k);
	out[k] = '\0';
}

/* A str as a new string; NULL when out of memory or malformed (cursor bad). */
static char *get_str_dup(struct cursor *c)
{
	size_t n = (size_t)get_le(c, 2);
	const uint8_t *p = take(c, n);
	char *s;

	if (!p)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (is_control(p[i]))
			c->bad = true;
	s = c->bad ? NULL : strndup((const char *)p, n);
	return s;
}

static int cmp_entry(const void *pa, const void *pb)
{
	const struct name_entry *a = pa, *b = pb;

	return a->id < b->id ? -1 : a->id > b->id;
}

static int name_table_add(struct name_table *t, uint32_t id, char *name)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct name_entry *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -1;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n].id = id;
	t->v[t->n].name = name;
	t->n++;
	return 0;
}

static void name_table_sort(struct name_table *t)
{
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), cmp_entry);
}

static const char *name_table_get(const struct name_table *t, uint32_t id)
{
	struct name_entry key = { id, NULL };
	const struct name_entry *e = t->n ? bsearch(&key, t->v, t->n, sizeof(*t->v), cmp_entry) : NULL;

	return e ? e->name : NULL;
}

static void name_table_free(struct name_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* The symbols gathered while reading, before they become a kallsyms table. */
struct sym_list {
	struct ksym *v;
	size_t n, cap;
};

static void sym_list_free(struct sym_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free((char *)l->v[i].name);
		free((char *)l->v[i].module);
	}
	free(l->v);
}

static int sym_list_add(struct sym_list *l, uint64_t addr, char *name, char *module)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct ksym *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].addr = addr;
	l->v[l->n].name = name;
	l->v[l->n].module = module;
	l->n++;
	return 0;
}

enum read_status {
	READ_OK,
	READ_EOF,       /* the file ends cleanly before a record header */
	READ_TRUNCATED, /* it ends inside a record */
	READ_ERROR,     /* err says why */
};

/*
 * Reads the record header at r->pos and, when want_payload, its payload
 * into r->payload; otherwise skips it. Advances r->pos past the record.
 */
static enum read_status read_record(struct replay *r, uint16_t *type, uint32_t *len, bool want_payload, char *err,
				    size_t errlen)
{
	uint8_t h[RECORD_HEADER_BYTES];
	size_t got = fread(h, 1, sizeof(h), r->f);

	if (got < sizeof(h)) {
		if (ferror(r->f)) {
			errmsg_set(err, errlen, "cannot read the recording %s: %s", r->path, strerror(errno));
			return READ_ERROR;
		}
		return got ? READ_TRUNCATED : READ_EOF;
	}
	*type = (uint16_t)le_load(h, 2);
	*len = (uint32_t)le_load(h + 4, 4);
	if ((uint16_t)le_load(h + 2, 2) != header_check(*type, *len) || *len > RECORD_MAX_PAYLOAD) {
		errmsg_set(err, errlen, "%s is corrupted: bad record length at byte %llu", r->path,
			   (unsigned long long)r->pos);
		return READ_ERROR;
	}
	if (r->pos + RECORD_HEADER_BYTES + *len > r->size)
		return READ_TRUNCATED;
	if (want_payload) {
		if (*len > r->payload_cap) {
			uint8_t *p = realloc(r->payload, *len);

			if (!p) {
				errmsg_set(err, errlen, "out of memory");
				return READ_ERROR;
			}
			r->payload = p;
			r->payload_cap = *len;
		}
		if (fread(r->payload, 1, *len, r->f) != *len) {
			errmsg_set(err, errlen, "cannot read the recording %s: it changed while being read", r->path);
			return READ_ERROR;
		}
	} else if (fseeko(r->f, (off_t)*len, SEEK_CUR)) {
		errmsg_set(err, errlen, "cannot read the recording %s: %s", r->path, strerror(errno));
		return READ_ERROR;
	}
	r->pos += RECORD_HEADER_BYTES + *len;
	return READ_OK;
}

static int malformed(const struct replay *r, uint16_t type, uint64_t at, char *err, size_t errlen)
{
	return errmsg_set(err, errlen, "%s is corrupted: malformed %s record at byte %llu", r->path, type_name(type),
			  (unsigned long long)at);
}

static int parse_info(struct replay *r, struct cursor *c)
{
	struct record_info *info = &r->info;
	uint64_t ts;

	info->start_realtime_ns = (int64_t)get_le(c, 8);
	info->start_monotonic_ns = (int64_t)get_le(c, 8);
	info->utc_offset_s = (int32_t)(uint32_t)get_le(c, 4);
	info->options = (uint32_t)get_le(c, 4);
	ts = get_le(c, 1);
	take(c, 3);
	get_str(c, info->vista_version, sizeof(info->vista_version));
	get_str(c, info->backend, sizeof(info->backend));
	get_str(c, info->kernel_release, sizeof(info->kernel_release));
	get_str(c, info->hostname, sizeof(info->hostname));
	get_str(c, info->command_line, sizeof(info->command_line));
	if (ts > TIMESTAMP_ABSOLUTE)
		c->bad = true;
	info->timestamp = (enum timestamp_mode)ts;
	return c->bad ? -1 : 0;
}

/* Entries "u32 id, str name" until the end of the payload. */
static int parse_names(struct cursor *c, struct name_table *t)
{
	while (c->left && !c->bad) {
		uint32_t id = (uint32_t)get_le(c, 4);
		char *name = get_str_dup(c);

		if (!name || name_table_add(t, id, name)) {
			free(name);
			return -1;
		}
	}
	return c->bad ? -1 : 0;
}

static int parse_symbols(struct cursor *c, struct sym_list *syms)
{
	while (c->left && !c->bad) {
		uint64_t addr = get_le(c, 8);
		char *name = get_str_dup(c);
		char *module = get_str_dup(c);

		/* "" means vmlinux, as NULL does in struct ksym. */
		if (module && !*module) {
			free(module);
			module = NULL;
		} else if (!module) {
			c->bad = true;
		}
		if (!name || c->bad || sym_list_add(syms, addr, name, module)) {
			free(name);
			free(module);
			return -1;
		}
	}
	return c->bad ? -1 : 0;
}

/* The event header and its length must agree: "u16 n, u16 frames", then n + 8 * frames bytes. */
static int check_event(struct cursor *c, size_t *nbytes, size_t *frames)
{
	*nbytes = (size_t)get_le(c, 2);
	*frames = (size_t)get_le(c, 2);
	if (c->bad || c->left != *nbytes + 8 * *frames)
		return -1;
	return 0;
}

/*
 * "u16 n, u16 m", then n bytes of event and m bytes of its kind's struct.
 * Decodes the event into *e; returns its kind's layout through *k (NULL for
 * a kind this reader does not know, to be skipped), and where the struct's
 * bytes start.
 */
static int check_kind_event(struct cursor *c, struct vista_event *e, const struct kind_layout **k, const uint8_t **body,
			    size_t *mbytes)
{
	size_t nbytes = (size_t)get_le(c, 2);

	*mbytes = (size_t)get_le(c, 2);
	/* The kind must be there to say what the rest is. */
	if (c->bad || c->left != nbytes + *mbytes || nbytes < offsetof(struct vista_event, kind) + sizeof(e->kind))
		return -1;
	event_decode(e, take(c, nbytes), nbytes);
	*body = take(c, *mbytes);
	*k = kind_layout(e->kind);
	/* An skb event is never recorded this way: that would be a damaged kind. */
	return e->kind == VISTA_EV_SKB ? -1 : 0;
}

/* RECORD_PACKET: "u32 len, u16 caplen, u8 layer, u8 0", then caplen bytes; decoded into *p when it is not NULL. */
static int check_packet(struct cursor *c, struct vista_packet *p, uint8_t *data)
{
	uint32_t len = (uint32_t)get_le(c, 4);
	uint16_t caplen = (uint16_t)get_le(c, 2);
	uint8_t layer = (uint8_t)get_le(c, 1);
	const uint8_t *bytes;

	get_le(c, 1);
	if (c->bad || c->left != caplen || caplen > VISTA_PACKET_MAX ||
	    (layer != VISTA_PKT_L2 && layer != VISTA_PKT_L3))
		return -1;
	bytes = take(c, caplen);
	if (p) {
		p->len = len;
		p->caplen = caplen;
		p->layer = layer;
		p->pad = 0;
		memcpy(data, bytes, caplen);
	}
	return 0;
}

/* RECORD_SKB_DUMP: "u16 len, u16 0", then len bytes of text; decoded into *d and text when d is not NULL. */
static int check_skb_dump(struct cursor *c, struct vista_skb_dump *d, char *text)
{
	uint16_t len = (uint16_t)get_le(c, 2);
	const uint8_t *bytes;

	get_le(c, 2);
	if (c->bad || c->left != len || len > VISTA_SKB_DUMP_TEXT - 1)
		return -1;
	bytes = take(c, len);
	if (d) {
		memset(d, 0, sizeof(*d));
		d->len = len;
		memcpy(text, bytes, len);
		text[len] = '\0';
	}
	return 0;
}

/* The kinds' counts after END's first 16 bytes: "u32 kind, u64 records" until the payload ends. */
static int check_end_kinds(struct replay *r, struct cursor *c)
{
	uint64_t seen[N_KINDS] = { 0 };

	while (c->left && !c->bad) {
		uint32_t kind = (uint32_t)get_le(c, 4);
		uint64_t n = get_le(c, 8);
		const struct kind_layout *k = kind_layout(kind);

		if (k)
			seen[k - kind_layouts] = n;
	}
	for (size_t i = 0; i < N_KINDS && !c->bad; i++)
		if (seen[i] != r->kinds[i])
			c->bad = true; /* fewer than the writer counted: records went missing */
	return c->bad ? -1 : 0;
}

/* Reads the file header and the INFO record. */
static int read_head(struct replay *r, char *err, size_t errlen)
{
	uint8_t head[FILE_HEADER_BYTES];
	struct cursor c;
	uint16_t type, major, minor;
	uint32_t len;
	enum read_status st;

	if (fread(head, 1, sizeof(head), r->f) != sizeof(head) || memcmp(head, RECORD_MAGIC, 8) != 0)
		return errmsg_set(err, errlen, "%s is not a vista recording (it does not start with \"%s\")", r->path,
				  RECORD_MAGIC);
	major = (uint16_t)le_load(head + 8, 2);
	minor = (uint16_t)le_load(head + 10, 2);
	if (major != RECORD_VERSION_MAJOR)
		return errmsg_set(err, errlen, "%s is a version %u.%u recording; this vista reads version %u only",
				  r->path, major, minor, RECORD_VERSION_MAJOR);
	r->pos = FILE_HEADER_BYTES;
	st = read_record(r, &type, &len, true, err, errlen);
	if (st == READ_ERROR)
		return -1;
	if (st != READ_OK)
		return errmsg_set(err, errlen, "%s is cut short: it ends at byte %llu, inside its information record",
				  r->path, (unsigned long long)r->size);
	if (type != RECORD_INFO)
		return errmsg_set(err, errlen, "%s is corrupted: it does not start with its information record",
				  r->path);
	c = (struct cursor){ r->payload, len, false };
	if (parse_info(r, &c))
		return malformed(r, RECORD_INFO, FILE_HEADER_BYTES, err, errlen);
	r->info.version_major = major;
	r->info.version_minor = minor;
	r->data_start = r->pos;
	return 0;
}

/* The first pass: every table, the number of events, and where the complete records end. */
static int scan(struct replay *r, struct sym_list *syms, char *err, size_t errlen)
{
	for (;;) {
		uint64_t at = r->pos;
		uint16_t type;
		uint32_t len;
		size_t nbytes, frames, mbytes;
		const struct kind_layout *k;
		const uint8_t *body;
		struct vista_event ev;
		struct cursor c;
		int rc = 0;
		enum read_status st = read_record(r, &type, &len, true, err, errlen);

		if (st == READ_ERROR)
			return -1;
		if (st == READ_TRUNCATED)
			snprintf(r->warning, sizeof(r->warning),
				 "%s was cut short: its last record, at byte %llu, is incomplete and was ignored",
				 r->path, (unsigned long long)at);
		else if (st == READ_EOF)
			snprintf(r->warning, sizeof(r->warning), "%s was cut short: it has no end record", r->path);
		if (st != READ_OK) {
			r->data_end = at;
			return 0;
		}
		c = (struct cursor){ r->payload, len, false };
		switch (type) {
		case RECORD_INFO:
			rc = -1; /* only one, and it is the first */
			break;
		case RECORD_HOOKS:
			rc = parse_names(&c, &r->hooks);
			break;
		case RECORD_DROP_REASONS:
			rc = parse_names(&c, &r->reasons);
			break;
		case RECORD_SYMBOLS:
			rc = parse_symbols(&c, syms);
			break;
		case RECORD_EVENT:
			rc = check_event(&c, &nbytes, &frames);
			r->events++;
			r->skb_events++;
			break;
		case RECORD_KIND_EVENT:
			rc = check_kind_event(&c, &ev, &k, &body, &mbytes);
			if (rc == 0 && k) {
				r->events++;
				r->kinds[k - kind_layouts]++;
			}
			break;
		case RECORD_PACKET:
			rc = check_packet(&c, NULL, NULL);
			break;
		case RECORD_SKB_DUMP:
			rc = check_skb_dump(&c, NULL, NULL);
			break;
		case RECORD_END:
			r->has_end = true;
			/* Fewer events than the writer counted: records went missing. */
			if (get_le(&c, 8) != r->skb_events)
				c.bad = true;
			r->lost = get_le(&c, 8);
			/* 1.0 ends here; 1.1 adds the count of every other kind recorded. */
			rc = c.bad ? -1 : check_end_kinds(r, &c);
			break;
		default:
			break; /* a newer record type: not ours to read */
		}
		if (rc && !c.bad && (type == RECORD_HOOKS || type == RECORD_DROP_REASONS || type == RECORD_SYMBOLS))
			return errmsg_set(err, errlen, "out of memory");
		if (rc)
			return malformed(r, type, at, err, errlen);
		if (type == RECORD_END) {
			r->data_end = r->pos;
			return 0;
		}
	}
}

int replay_open(const char *path, struct replay **out, char *err, size_t errlen)
{
	struct sym_list syms = { 0 };
	struct replay *r;
	struct stat st;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errmsg_set(err, errlen, "cannot read the recording %s: %s", path, strerror(errno));
	if (fstat(fd, &st)) {
		errmsg_set(err, errlen, "cannot read the recording %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	/* It is read twice (tables first, then events): a pipe or a device cannot be. */
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return errmsg_set(err, errlen, "cannot read the recording %s: %s", path,
				  S_ISDIR(st.st_mode) ? "it is a directory" : "not a regular file");
	}
	r = calloc(1, sizeof(*r));
	if (!r || !(r->path = strdup(path)) || !(r->f = fdopen(fd, "r"))) {
		close(fd);
		if (r)
			free(r->path);
		free(r);
		return errmsg_set(err, errlen, "out of memory");
	}
	r->size = (uint64_t)st.st_size;
	if (read_head(r, err, errlen) || scan(r, &syms, err, errlen))
		goto fail;
	name_table_sort(&r->hooks);
	name_table_sort(&r->reasons);
	r->ksyms = kallsyms_from_symbols(syms.v, syms.n);
	if (!r->ksyms) {
		errmsg_set(err, errlen, "out of memory");
		goto fail;
	}
	sym_list_free(&syms);
	if (fseeko(r->f, (off_t)r->data_start, SEEK_SET)) {
		errmsg_set(err, errlen, "cannot read the recording %s: %s", path, strerror(errno));
		goto fail_nosyms;
	}
	r->pos = r->data_start;
	*out = r;
	return 0;
fail:
	sym_list_free(&syms);
fail_nosyms:
	replay_close(r);
	return -1;
}

const struct record_info *replay_info(const struct replay *r)
{
	return &r->info;
}

int replay_next(struct replay *r, struct replay_event *ev, char *err, size_t errlen)
{
	while (r->pos < r->data_end) {
		uint16_t type;
		uint32_t len;
		size_t nbytes, frames;
		struct cursor c;
		enum read_status st = read_record(r, &type, &len, true, err, errlen);

		if (st == READ_ERROR)
			return -1;
		if (st != READ_OK)
			return errmsg_set(err, errlen, "cannot read the recording %s: it changed while being read",
					  r->path);
		c = (struct cursor){ r->payload, len, false };
		if (type == RECORD_PACKET) {
			if (check_packet(&c, &ev->body.packet.hdr, ev->body.packet.data))
				return errmsg_set(err, errlen,
						  "cannot read the recording %s: it changed while being read", r->path);
			r->has_packet = true;
			continue;
		}
		if (type == RECORD_SKB_DUMP) {
			if (check_skb_dump(&c, &r->skb, r->skb_text))
				return errmsg_set(err, errlen,
						  "cannot read the recording %s: it changed while being read", r->path);
			r->has_skb = true;
			continue;
		}
		if (type == RECORD_KIND_EVENT) {
			const struct kind_layout *k;
			const uint8_t *body;
			size_t mbytes;

			if (check_kind_event(&c, &ev->event, &k, &body, &mbytes))
				return errmsg_set(err, errlen,
						  "cannot read the recording %s: it changed while being read", r->path);
			if (!k)
				continue; /* a kind of a later vista */
			fields_decode(&ev->body, sizeof(ev->body), body, mbytes, k->fields, k->nfields);
			ev->event.flags &= ~(VISTA_EVF_HAS_PACKET | VISTA_EVF_HAS_SKB);
			r->has_packet = r->has_skb = false;
			ev->nstack = 0;
			return 1;
		}
		if (type != RECORD_EVENT)
			continue;
		if (check_event(&c, &nbytes, &frames))
			return errmsg_set(err, errlen, "cannot read the recording %s: it changed while being read",
					  r->path);
		event_decode(&ev->event, take(&c, nbytes), nbytes);
		/* The packet, when one came just before, is in body already. */
		if (!r->has_packet || !(ev->event.flags & VISTA_EVF_HAS_PACKET)) {
			ev->event.flags &= ~VISTA_EVF_HAS_PACKET;
			memset(&ev->body, 0, sizeof(ev->body.nf));
		}
		r->has_packet = false;
		/* The dump goes after the packet, when the event has one, as in the ring buffer. */
		if (r->has_skb && (ev->event.flags & VISTA_EVF_HAS_SKB)) {
			struct vista_skb_dump *d = (struct vista_skb_dump *)vista_event_skb(&ev->event);

			*d = r->skb;
			memcpy(d + 1, r->skb_text, r->skb.len + 1u);
		} else {
			ev->event.flags &= ~VISTA_EVF_HAS_SKB;
		}
		r->has_skb = false;
		ev->nstack = 0;
		/* Deeper stacks than this vista collects keep their innermost frames. */
		for (size_t i = 0; i < frames; i++) {
			uint64_t ip = get_le(&c, 8);

			if (i < VISTA_MAX_STACK_DEPTH)
				ev->stack[ev->nstack++] = ip;
		}
		return 1;
	}
	return 0;
}

const char *replay_hook_name(const struct replay *r, uint32_t hook_id)
{
	return name_table_get(&r->hooks, hook_id);
}

const char *replay_drop_reason(const struct replay *r, uint32_t reason)
{
	return name_table_get(&r->reasons, reason);
}

size_t replay_hook_count(const struct replay *r)
{
	return r->hooks.n ? (size_t)r->hooks.v[r->hooks.n - 1].id + 1 : 0;
}

const struct kallsyms *replay_symbols(const struct replay *r)
{
	return r->ksyms;
}

uint64_t replay_event_count(const struct replay *r)
{
	return r->events;
}

bool replay_lost(const struct replay *r, uint64_t *lost)
{
	*lost = r->lost;
	return r->has_end;
}

const char *replay_warning(const struct replay *r)
{
	return r->warning[0] ? r->warning : NULL;
}

static const char *hook_name_cb(const void *ctx, uint32_t id)
{
	return replay_hook_name(ctx, id);
}

static const char *drop_reason_cb(const void *ctx, uint32_t reason)
{
	return replay_drop_reason(ctx, reason);
}

void replay_set_format(const struct replay *r, struct format_names *names, struct format_state *st)
{
	names->hook_name = hook_name_cb;
	names->drop_reason = drop_reason_cb;
	names->ctx = r;
	names->ksyms = r->ksyms;
	st->realtime_offset_ns = record_info_clock_offset(&r->info);
	st->fixed_zone = true;
	st->utc_offset_s = r->info.utc_offset_s;
}

void replay_close(struct replay *r)
{
	if (!r)
		return;
	if (r->f)
		fclose(r->f);
	name_table_free(&r->hooks);
	name_table_free(&r->reasons);
	kallsyms_free(r->ksyms);
	free(r->payload);
	free(r->path);
	free(r);
}
