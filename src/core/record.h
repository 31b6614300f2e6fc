/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Recordings: the decoded event stream of a trace written to a file
 * (--record) and read back later, without root or BPF, possibly on another
 * machine (--replay). Both front ends use this; nothing here prints.
 *
 * File format, version 1.3. Every integer is little-endian, whatever the
 * host. A "str" is a u16 byte count followed by that many bytes (no NUL,
 * no control characters).
 *
 *   File header, 16 bytes:
 *     0   char[8] magic "VISTAREC"
 *     8   u16     major version (1): readers refuse any other major version
 *     10  u16     minor version (3): newer minors only add what old readers skip
 *                 (1.1 added RECORD_KIND_EVENT and the kind counts of RECORD_END,
 *                 1.2 RECORD_PACKET, 1.3 RECORD_SKB_DUMP)
 *     12  u32     reserved, written as 0, ignored
 *
 *   Then records until the end of the file, each an 8-byte header and a payload:
 *     0   u16     type (RECORD_*)
 *     2   u16     check: the top 16 bits of ((type << 32 | length) * 0x9e3779b97f4a7c15),
 *                 so that a damaged type or length is detected, not misread
 *     4   u32     length of the payload in bytes, at most RECORD_MAX_PAYLOAD
 *
 *   A reader skips the payload of a record type it does not know: new types
 *   (netfilter, tcp or sk events...) can be added without breaking old
 *   readers. Within a known record, bytes after the fields the reader knows
 *   are ignored (room for fields added by later minor versions). A bad
 *   check, a length over RECORD_MAX_PAYLOAD or a known record that does not
 *   parse is an error. A last record cut short by the end of the file (the
 *   recorder was killed) is not: what comes before it is replayed, with a
 *   warning; so is a file without its END record.
 *
 *   RECORD_INFO (1), the first record, exactly once:
 *     0   s64     CLOCK_REALTIME at the start, ns
 *     8   s64     CLOCK_MONOTONIC at the same moment, ns (events carry this clock)
 *     16  s32     the local time zone's offset from UTC then, seconds
 *     20  u32     output options of the recording run (RECORD_OPT_*)
 *     24  u8      --timestamp of the recording run (0 none, 1 relative, 2 absolute)
 *     25  u8[3]   zero
 *     28  str     vista version, str backend name, str kernel release (uname -r),
 *                 str host name, str command line
 *   RECORD_HOOKS (2), RECORD_DROP_REASONS (3): entries until the payload ends,
 *     each u32 id, str name. A name comes before the first event that uses it.
 *   RECORD_SYMBOLS (4): entries until the payload ends, each u64 address,
 *     str name, str module ("" for vmlinux): the kernel symbols that the
 *     frames and the locations (the caller of a free) of the following
 *     events resolve to, so stacks render without /proc/kallsyms. A frame
 *     or location with no symbol before it has none recorded.
 *   RECORD_EVENT (5):
 *     0   u16     n: bytes of the event that follow (RECORD_EVENT_BYTES in 1.0)
 *     2   u16     frames: kernel stack frames after the event
 *     4   n bytes struct vista_event (bpf/vista.h), its fields in declaration
 *                 order without padding: u64 ts_ns, addr, location; u32 hook_id,
 *                 kind, pid, tid, cpu; s32 stack_id; u32 reason, flags;
 *                 char comm[16]; meta: u32 netns, mark, ifindex, mtu, len;
 *                 u16 protocol; u8 pkt_type, pad; char ifname[16]; tuple:
 *                 u8 saddr[16], daddr[16]; u16 sport, dport; u8 l3, l4_proto,
 *                 tcp_flags, icmp_type, icmp_code, pad[3]. A shorter event
 *                 reads as zeros at the end, a longer one is cut.
 *     4+n frames × u64 instruction pointers, innermost first
 *   RECORD_KIND_EVENT (7): an event of another kind than skb (bpf/vista.h):
 *     0   u16     n: bytes of the event that follow (RECORD_EVENT_BYTES)
 *     2   u16     m: bytes of the kind's struct after the event
 *     4   n bytes struct vista_event, as in RECORD_EVENT (its kind at 28)
 *     4+n m bytes the kind's struct, its fields in declaration order without
 *                 padding, integers little-endian:
 *                 VISTA_EV_NETFILTER, struct vista_nf (RECORD_NF_BYTES): u64
 *                 cost_ns; s32 prio_lo, prio_hi; u32 netns; u8 pf, hook,
 *                 verdict, method; char table[64], chain[64].
 *                 VISTA_EV_TCP, struct vista_tcp (RECORD_TCP_BYTES): u64 rx_bytes,
 *                 tx_bytes, lifetime_ns; u32 srtt_us, retrans, sk_mark;
 *                 u16 family; u8 what, state, reset, flags, pad[6]; char cong[16].
 *                 VISTA_EV_SK, struct vista_sk (RECORD_SK_BYTES): s64 a, b;
 *                 u64 inode; u32 bound_ifindex, backlog; s32 rcvbuf, sndbuf;
 *                 u32 priority, mark, socket_flags; u16 family, protocol, type;
 *                 u8 what, state, socket_state, reuseport, has_socket, pad.
 *                 A shorter struct reads as zeros at the end, a longer one is cut.
 *     No stack; its drop reason's name, when it has one, is in a
 *     RECORD_DROP_REASONS record before it. A reader skips the records of a
 *     kind it does not know.
 *   RECORD_PACKET (8): the packet of the skb event in the next RECORD_EVENT
 *     (--pcap-file: VISTA_EVF_HAS_PACKET in its flags):
 *     0   u32     len: the packet's length from its first byte
 *     4   u16     caplen: the bytes that follow, at most VISTA_PACKET_MAX
 *     6   u8      layer: 1 from the MAC header (Ethernet), 2 from the network header
 *     7   u8      zero
 *     8   caplen bytes of the packet
 *     Readers of 1.0 and 1.1 skip it and replay the event without its packet;
 *     an event with VISTA_EVF_HAS_PACKET and no RECORD_PACKET before it is
 *     replayed without the flag.
 *   RECORD_SKB_DUMP (9): the struct sk_buff text of the skb event in the
 *     next RECORD_EVENT (--output-skb: VISTA_EVF_HAS_SKB in its flags), after
 *     its RECORD_PACKET when it has one:
 *     0   u16     len: bytes of text that follow, less than VISTA_SKB_DUMP_TEXT
 *     2   u16     zero
 *     4   len bytes of text, no NUL
 *     Readers of 1.0 to 1.2 skip it and replay the event without it; an
 *     event with VISTA_EVF_HAS_SKB and no RECORD_SKB_DUMP before it is
 *     replayed without the flag.
 *   RECORD_END (6), written when the recording is closed:
 *     0   u64     RECORD_EVENT records written
 *     8   u64     events the kernel lost while recording
 *     16  then, for each kind recorded as RECORD_KIND_EVENT, until the payload
 *                 ends: u32 kind, u64 records of that kind written
 *     Nothing after it is read.
 */
#ifndef VISTA_RECORD_H
#define VISTA_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/format.h"
#include "vista.h"

#define RECORD_MAGIC         "VISTAREC"
#define RECORD_VERSION_MAJOR 1
#define RECORD_VERSION_MINOR 3
#define RECORD_MAX_PAYLOAD   (1u << 20)
#define RECORD_EVENT_BYTES   156
#define RECORD_NF_BYTES      152
#define RECORD_TCP_BYTES     64
#define RECORD_SK_BYTES      64

enum record_type {
	RECORD_INFO = 1,
	RECORD_HOOKS = 2,
	RECORD_DROP_REASONS = 3,
	RECORD_SYMBOLS = 4,
	RECORD_EVENT = 5,
	RECORD_END = 6,
	RECORD_KIND_EVENT = 7,
	RECORD_PACKET = 8,
	RECORD_SKB_DUMP = 9,
};

/* The output options of the recording run that decide what its events carry. */
enum record_options {
	RECORD_OPT_META = 1 << 0,       /* --output-meta */
	RECORD_OPT_TUPLE = 1 << 1,      /* --output-tuple */
	RECORD_OPT_STACK = 1 << 2,      /* --output-stack */
	RECORD_OPT_DROP_STACK = 1 << 3, /* --filter-skb-drop-stack */
	RECORD_OPT_SKB = 1 << 4,        /* --output-skb */
};

struct record_info {
	char vista_version[64];
	char backend[32];
	char kernel_release[128]; /* uname -r */
	char hostname[256];
	char command_line[2048]; /* for the reader's information, cut if longer */
	int64_t start_realtime_ns;
	int64_t start_monotonic_ns;
	int32_t utc_offset_s;
	uint32_t options; /* enum record_options */
	enum timestamp_mode timestamp;
	/* Set by replay_open: the version of the file. */
	uint16_t version_major;
	uint16_t version_minor;
};

/*
 * Fills in what describes this run: vista's version, the kernel release,
 * the host name, both clocks and the zone now, and argv joined with spaces.
 * The caller sets backend, options and timestamp.
 */
void record_info_init(struct record_info *info, int argc, char *const *argv);

/* CLOCK_REALTIME - CLOCK_MONOTONIC at the start of the recording. */
int64_t record_info_clock_offset(const struct record_info *info);

struct record_writer;

/*
 * Creates (or truncates) path, mode 0600, never through a symbolic link,
 * and writes the file header and the INFO record. Output is buffered: it
 * reaches the file when the buffer fills, at record_writer_flush and at
 * record_writer_close. Every function below returns 0, or -1 with one
 * sentence in err; after a failure the writer only reports it again.
 */
int record_writer_open(const char *path, const struct record_info *info, struct record_writer **out, char *err,
		       size_t errlen);

/* Records the names of hooks 0..count-1 (through names->hook_name), so a replay knows them all. */
int record_write_hooks(struct record_writer *w, const struct format_names *names, uint32_t count, char *err,
		       size_t errlen);

/*
 * Records one event and its stack (nstack frames, at most
 * VISTA_MAX_STACK_DEPTH), preceded by whatever a replay will need to render
 * it and was not recorded yet: its hook's name, its drop reason's name, and
 * the symbols its frames and location resolve to in names->ksyms. names may be NULL:
 * then only the event is recorded, and a replay shows numbers for names.
 * An event of another kind than skb (netfilter, TCP, socket) must be
 * followed in memory by its kind's struct, as in the ring buffer; it has no
 * hook or stack to record, and its drop reason, when it has one, is named as
 * an skb event's is.
 */
int record_write_event(struct record_writer *w, const struct vista_event *e, const uint64_t *stack, int nstack,
		       const struct format_names *names, char *err, size_t errlen);

/* Writes out what is buffered: call it once per batch of events. */
int record_writer_flush(struct record_writer *w, char *err, size_t errlen);

/* Writes the END record (lost: events the kernel dropped), flushes, closes and frees w. */
int record_writer_close(struct record_writer *w, uint64_t lost, char *err, size_t errlen);

struct replay;

struct replay_event {
	struct vista_event event;
	/*
	 * The struct of the event's kind, or an skb event's packet
	 * (VISTA_EVF_HAS_PACKET) and its skb's text (VISTA_EVF_HAS_SKB) after
	 * the packet, right after it as in the ring buffer.
	 */
	union {
		struct vista_nf nf;
		struct vista_tcp tcp;
		struct vista_sk sk;
		struct {
			struct vista_packet hdr;
			uint8_t data[VISTA_PACKET_MAX];
		} packet;
		uint8_t tail[sizeof(struct vista_packet) + VISTA_PACKET_MAX + sizeof(struct vista_skb_dump) +
			     VISTA_SKB_DUMP_TEXT];
	} body;
	uint64_t stack[VISTA_MAX_STACK_DEPTH];
	int nstack;
};

/*
 * Opens a recording and reads it through once, so that its hook, drop
 * reason and symbol tables are complete before the first event, and so that
 * a damaged file fails here, with one sentence in err, before anything is
 * shown. A file cut short opens (see replay_warning).
 */
int replay_open(const char *path, struct replay **out, char *err, size_t errlen);

const struct record_info *replay_info(const struct replay *r);

/* The next event: 1 with *ev filled, 0 after the last one, -1 with err (the file changed under us). */
int replay_next(struct replay *r, struct replay_event *ev, char *err, size_t errlen);

/* Names as recorded, or NULL (then the renderer shows the number, as live). */
const char *replay_hook_name(const struct replay *r, uint32_t hook_id);
const char *replay_drop_reason(const struct replay *r, uint32_t reason);
/* One more than the highest hook id with a recorded name (0 for none), as session_hook_count. */
size_t replay_hook_count(const struct replay *r);
/* The recorded symbols, for format_stack(). */
const struct kallsyms *replay_symbols(const struct replay *r);

/* Events in the file that replay_next returns (all of them complete, of every kind this reader knows). */
uint64_t replay_event_count(const struct replay *r);
/* What the END record says the kernel lost; false when the file has no END record. */
bool replay_lost(const struct replay *r, uint64_t *lost);
/* NULL, or why the file ends early (a truncated last record, a missing END record). */
const char *replay_warning(const struct replay *r);

/*
 * Points names at the recorded tables and sets st's clock and time zone to
 * the recording's, so format_event() renders exactly as the live run did.
 */
void replay_set_format(const struct replay *r, struct format_names *names, struct format_state *st);

void replay_close(struct replay *r);

#endif
