/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A classic-BPF interpreter written in eBPF: it runs the program libpcap
 * compiled from a pcap-filter expression over the bytes of an skb.
 *
 * Why an interpreter rather than translating the expression into eBPF and
 * splicing it into the programs before loading them (as pwru does): the
 * classic program is plain data in a global that user space can replace
 * while tracing, so a new expression takes effect without reloading or
 * re-attaching anything. bpf_loop() bounds every run.
 *
 * The semantics are those of libpcap's own interpreter (pcap_offline_filter),
 * which the differential test (tests/pcap/) checks verdict by verdict: a
 * load outside the captured bytes, a division by zero, a jump out of the
 * program or a bad opcode end the run with verdict 0; backward jumps (which
 * libpcap emits for "protochain") are followed at most CBPF_MAX_BACK_JUMPS
 * times.
 */
#ifndef VISTA_CBPF_RUN_H
#define VISTA_CBPF_RUN_H

#include "skb_parse.h" /* SKB_RD */

/* Classic BPF opcodes (<linux/filter.h> values; vmlinux.h carries no macros). */
#define CBPF_LD   0x00
#define CBPF_LDX  0x01
#define CBPF_ST   0x02
#define CBPF_STX  0x03
#define CBPF_ALU  0x04
#define CBPF_JMP  0x05
#define CBPF_RET  0x06
#define CBPF_MISC 0x07
#define CBPF_W    0x00
#define CBPF_H    0x08
#define CBPF_B    0x10
#define CBPF_IMM  0x00
#define CBPF_ABS  0x20
#define CBPF_IND  0x40
#define CBPF_MEM  0x60
#define CBPF_LEN  0x80
#define CBPF_MSH  0xa0
#define CBPF_ADD  0x00
#define CBPF_SUB  0x10
#define CBPF_MUL  0x20
#define CBPF_DIV  0x30
#define CBPF_OR   0x40
#define CBPF_AND  0x50
#define CBPF_LSH  0x60
#define CBPF_RSH  0x70
#define CBPF_NEG  0x80
#define CBPF_MOD  0x90
#define CBPF_XOR  0xa0
#define CBPF_JA   0x00
#define CBPF_JEQ  0x10
#define CBPF_JGT  0x20
#define CBPF_JGE  0x30
#define CBPF_JSET 0x40
#define CBPF_K    0x00
#define CBPF_X    0x08
#define CBPF_A    0x10
#define CBPF_TAX  0x00
#define CBPF_TXA  0x80

#define CBPF_MEMWORDS       16
#define CBPF_ETH_HLEN       14
#define CBPF_MAX_BACK_JUMPS 64
/* Bytes copied to the stack once per run; loads past them read the skb one by one. */
#define CBPF_PREFIX 128

/* Which bytes of an skb a pcap program sees. */
enum cbpf_layer {
	CBPF_LAYER_AUTO, /* the MAC header when the skb has one, else the network header */
	CBPF_LAYER_L2,
	CBPF_LAYER_L3,
};

struct cbpf_view {
	__u64 data;    /* kernel address of the first byte */
	__u32 caplen;  /* bytes of the linear area from data */
	__u32 wirelen; /* the packet's length from data, paged data included */
	bool l2;       /* data is the MAC header (DLT_EN10MB), else the network header (DLT_RAW) */
	__u8 pad[7];
};

/*
 * The interpreter's registers live in a per-CPU map rather than on the
 * stack: values read back from a map are unknown to the verifier, so it
 * checks the bpf_loop callback once. With the state on the stack it would
 * track pc as a precise, ever-shifting range and walk the callback again
 * for every step (seconds per program, for 30 programs).
 * Several slots per CPU, because a program can interrupt another on the
 * same CPU (a softirq during a process-context hook, or preemption).
 */
#define CBPF_MAX_NESTING 4

struct cbpf_state {
	__u64 data;
	__u32 caplen;
	__u32 wirelen;
	__u32 pc;
	__u32 a;
	__u32 x;
	__u32 verdict;
	__u32 back_jumps;
	__u32 prefix_len;
	__u32 mem[CBPF_MEMWORDS];
	__u8 prefix[CBPF_PREFIX + 4]; /* 4 spare bytes: see cbpf_load */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CBPF_MAX_NESTING);
	__type(key, __u32);
	__type(value, struct cbpf_state);
} cbpf_states SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cbpf_depth SEC(".maps");

/* What the bpf_loop callback gets: pointers stay pointers only on the stack. */
struct cbpf_ctx {
	const struct vista_cbpf_prog *prog;
	struct cbpf_state *st;
};

/*
 * Chooses the bytes an skb shows a pcap program: from the MAC header when
 * the skb has one, otherwise from the network header (an expression about
 * the link layer then matches nothing). Returns false when it has neither yet.
 */
static __always_inline bool cbpf_skb_view(struct sk_buff *skb, enum cbpf_layer layer, struct cbpf_view *v, bool direct)
{
	/*
	 * head and data are only ever used as numbers: read them as such even
	 * when the skb is typed, or the verifier keeps them as pointers and
	 * refuses the arithmetic below (a pointer spilled in 32 bits).
	 */
	unsigned char *head = BPF_CORE_READ(skb, head);
	unsigned char *data = BPF_CORE_READ(skb, data);
	__u16 mac = SKB_RD(direct, skb, mac_header);
	__u16 network = SKB_RD(direct, skb, network_header);
	__u32 tail = SKB_RD(direct, skb, tail);
	__u32 len = SKB_RD(direct, skb, len);
	__s64 before_data;
	__u16 start;

	/*
	 * A link header is there when the MAC header is set and either its
	 * length is known (receive side) or a whole Ethernet header fits
	 * before the network header (transmit side: dev_queue_xmit sets the
	 * MAC header but never mac_len).
	 */
	if (layer == CBPF_LAYER_AUTO)
		layer = mac != (__u16)~0U && (SKB_RD(direct, skb, mac_len) ||
					      (network != (__u16)~0U && network >= mac + CBPF_ETH_HLEN))
			    ? CBPF_LAYER_L2
			    : CBPF_LAYER_L3;
	if (layer == CBPF_LAYER_L2) {
		if (mac == (__u16)~0U)
			return false;
		start = mac;
	} else {
		if (network == (__u16)~0U || network == 0)
			return false;
		start = network;
	}
	if (start > tail)
		return false;
	v->l2 = layer == CBPF_LAYER_L2;
	v->data = (__u64)head + start;
	v->caplen = tail - start;
	/* skb->len counts from skb->data, which may sit before or after our start. */
	before_data = (__s64)data - (__s64)v->data;
	v->wirelen = (__s64)len + before_data > 0 ? (__u32)((__s64)len + before_data) : 0;
	if (v->wirelen < v->caplen)
		v->wirelen = v->caplen;
	return true;
}

/* Loads size (1, 2 or 4) bytes at off, big-endian as classic BPF wants; false when outside the packet. */
static __always_inline bool cbpf_load(struct cbpf_state *st, __u32 off, __u32 size, __u32 *val)
{
	__u8 b[4] = {};

	if (off > st->caplen || size > st->caplen - off)
		return false;
	if (off + size <= st->prefix_len) {
		/*
		 * The mask changes nothing (off < CBPF_PREFIX here) but gives
		 * the verifier a bound it keeps whatever the compiler reorders;
		 * the spare bytes cover off + 3.
		 */
		__u32 o = off & (CBPF_PREFIX - 1);

		b[0] = st->prefix[o];
		if (size > 1)
			b[1] = st->prefix[o + 1];
		if (size > 2) {
			b[2] = st->prefix[o + 2];
			b[3] = st->prefix[o + 3];
		}
	} else if (size == 4) {
		if (bpf_probe_read_kernel(b, 4, (void *)(st->data + off)))
			return false;
	} else if (size == 2) {
		if (bpf_probe_read_kernel(b, 2, (void *)(st->data + off)))
			return false;
	} else if (bpf_probe_read_kernel(b, 1, (void *)(st->data + off))) {
		return false;
	}
	if (size == 1)
		*val = b[0];
	else if (size == 2)
		*val = (__u32)b[0] << 8 | b[1];
	else
		*val = (__u32)b[0] << 24 | (__u32)b[1] << 16 | (__u32)b[2] << 8 | b[3];
	return true;
}

/* Runs one instruction; returns 1 to stop the loop (st->verdict is final), 0 to go on. */
static long cbpf_step(__u64 index, void *ctx)
{
	struct cbpf_ctx *c = ctx;
	const struct vista_cbpf_prog *prog = c->prog;
	struct cbpf_state *st = c->st;
	const struct vista_cbpf_insn *insn;
	__u32 pc = st->pc, a = st->a, x = st->x, k, len, off;
	__u16 code;
	__u8 jt, jf;

	(void)index;
	len = prog->len;
	if (pc >= len || pc >= VISTA_CBPF_MAX_INSNS)
		goto reject;
	insn = &prog->insns[pc];
	code = insn->code;
	jt = insn->jt;
	jf = insn->jf;
	k = insn->k;
	pc++;

	switch (code) {
	case CBPF_RET | CBPF_K:
		st->verdict = k;
		return 1;
	case CBPF_RET | CBPF_A:
		st->verdict = a;
		return 1;
	case CBPF_LD | CBPF_W | CBPF_ABS:
		if (!cbpf_load(st, k, 4, &a))
			goto reject;
		break;
	case CBPF_LD | CBPF_H | CBPF_ABS:
		if (!cbpf_load(st, k, 2, &a))
			goto reject;
		break;
	case CBPF_LD | CBPF_B | CBPF_ABS:
		if (!cbpf_load(st, k, 1, &a))
			goto reject;
		break;
	case CBPF_LD | CBPF_W | CBPF_IND:
	case CBPF_LD | CBPF_H | CBPF_IND:
	case CBPF_LD | CBPF_B | CBPF_IND:
		off = x + k;
		if (off < x) /* wrapped: beyond any packet */
			goto reject;
		if (!cbpf_load(st, off,
			       code == (CBPF_LD | CBPF_W | CBPF_IND)   ? 4
			       : code == (CBPF_LD | CBPF_H | CBPF_IND) ? 2
								       : 1,
			       &a))
			goto reject;
		break;
	case CBPF_LDX | CBPF_MSH | CBPF_B:
		if (!cbpf_load(st, k, 1, &x))
			goto reject;
		x = (x & 0xf) << 2;
		break;
	case CBPF_LD | CBPF_W | CBPF_LEN:
		a = st->wirelen;
		break;
	case CBPF_LDX | CBPF_W | CBPF_LEN:
		x = st->wirelen;
		break;
	case CBPF_LD | CBPF_IMM:
		a = k;
		break;
	case CBPF_LDX | CBPF_IMM:
		x = k;
		break;
	case CBPF_LD | CBPF_MEM:
		if (k >= CBPF_MEMWORDS)
			goto reject;
		a = st->mem[k];
		break;
	case CBPF_LDX | CBPF_MEM:
		if (k >= CBPF_MEMWORDS)
			goto reject;
		x = st->mem[k];
		break;
	case CBPF_ST:
		if (k >= CBPF_MEMWORDS)
			goto reject;
		st->mem[k] = a;
		break;
	case CBPF_STX:
		if (k >= CBPF_MEMWORDS)
			goto reject;
		st->mem[k] = x;
		break;
	case CBPF_JMP | CBPF_JA:
		/* k is signed for libpcap's backward jumps; the target must stay inside the program. */
		if ((__s32)k < 0 && ((__s32)k == -1 || st->back_jumps++ >= CBPF_MAX_BACK_JUMPS))
			goto reject;
		pc += k;
		break;
	case CBPF_JMP | CBPF_JEQ | CBPF_K:
		pc += a == k ? jt : jf;
		break;
	case CBPF_JMP | CBPF_JGT | CBPF_K:
		pc += a > k ? jt : jf;
		break;
	case CBPF_JMP | CBPF_JGE | CBPF_K:
		pc += a >= k ? jt : jf;
		break;
	case CBPF_JMP | CBPF_JSET | CBPF_K:
		pc += (a & k) ? jt : jf;
		break;
	case CBPF_JMP | CBPF_JEQ | CBPF_X:
		pc += a == x ? jt : jf;
		break;
	case CBPF_JMP | CBPF_JGT | CBPF_X:
		pc += a > x ? jt : jf;
		break;
	case CBPF_JMP | CBPF_JGE | CBPF_X:
		pc += a >= x ? jt : jf;
		break;
	case CBPF_JMP | CBPF_JSET | CBPF_X:
		pc += (a & x) ? jt : jf;
		break;
	case CBPF_ALU | CBPF_ADD | CBPF_K:
		a += k;
		break;
	case CBPF_ALU | CBPF_SUB | CBPF_K:
		a -= k;
		break;
	case CBPF_ALU | CBPF_MUL | CBPF_K:
		a *= k;
		break;
	case CBPF_ALU | CBPF_DIV | CBPF_K:
		if (!k)
			goto reject;
		a /= k;
		break;
	case CBPF_ALU | CBPF_MOD | CBPF_K:
		if (!k)
			goto reject;
		a %= k;
		break;
	case CBPF_ALU | CBPF_AND | CBPF_K:
		a &= k;
		break;
	case CBPF_ALU | CBPF_OR | CBPF_K:
		a |= k;
		break;
	case CBPF_ALU | CBPF_XOR | CBPF_K:
		a ^= k;
		break;
	case CBPF_ALU | CBPF_LSH | CBPF_K:
		a = k < 32 ? a << k : 0;
		break;
	case CBPF_ALU | CBPF_RSH | CBPF_K:
		a = k < 32 ? a >> k : 0;
		break;
	case CBPF_ALU | CBPF_ADD | CBPF_X:
		a += x;
		break;
	case CBPF_ALU | CBPF_SUB | CBPF_X:
		a -= x;
		break;
	case CBPF_ALU | CBPF_MUL | CBPF_X:
		a *= x;
		break;
	case CBPF_ALU | CBPF_DIV | CBPF_X:
		if (!x)
			goto reject;
		a /= x;
		break;
	case CBPF_ALU | CBPF_MOD | CBPF_X:
		if (!x)
			goto reject;
		a %= x;
		break;
	case CBPF_ALU | CBPF_AND | CBPF_X:
		a &= x;
		break;
	case CBPF_ALU | CBPF_OR | CBPF_X:
		a |= x;
		break;
	case CBPF_ALU | CBPF_XOR | CBPF_X:
		a ^= x;
		break;
	case CBPF_ALU | CBPF_LSH | CBPF_X:
		a = x < 32 ? a << x : 0;
		break;
	case CBPF_ALU | CBPF_RSH | CBPF_X:
		a = x < 32 ? a >> x : 0;
		break;
	case CBPF_ALU | CBPF_NEG:
		a = 0U - a;
		break;
	case CBPF_MISC | CBPF_TAX:
		x = a;
		break;
	case CBPF_MISC | CBPF_TXA:
		a = x;
		break;
	default:
		goto reject;
	}
	st->pc = pc;
	st->a = a;
	st->x = x;
	return 0;
reject:
	st->verdict = 0;
	return 1;
}

/* Runs prog over the view's bytes; returns libpcap's verdict (non-zero: the packet matches). */
static __always_inline __u32 cbpf_run(const struct vista_cbpf_prog *prog, const struct cbpf_view *v)
{
	__u32 zero = 0, len = prog->len, verdict = 0, depth;
	struct cbpf_state *st;
	struct cbpf_ctx c;
	__u32 *nesting;

	if (!len || len > VISTA_CBPF_MAX_INSNS)
		return 0;
	nesting = bpf_map_lookup_elem(&cbpf_depth, &zero);
	if (!nesting)
		return 0;
	/* Atomic: a preempting program on this CPU must not get the same slot. */
	depth = __sync_fetch_and_add(nesting, 1);
	st = depth < CBPF_MAX_NESTING ? bpf_map_lookup_elem(&cbpf_states, &depth) : NULL;
	if (!st)
		goto out;
	st->data = v->data;
	st->caplen = v->caplen;
	st->wirelen = v->wirelen;
	st->pc = st->a = st->x = st->verdict = st->back_jumps = st->prefix_len = 0;
	__builtin_memset(st->mem, 0, sizeof(st->mem));
	/*
	 * One copy of the first bytes serves most loads. It may read past the
	 * linear area (into the skb's shared info, never unmapped); only the
	 * bytes below caplen are ever used.
	 */
	if (v->caplen && !bpf_probe_read_kernel(st->prefix, CBPF_PREFIX, (void *)v->data))
		st->prefix_len = v->caplen < CBPF_PREFIX ? v->caplen : CBPF_PREFIX;
	c.prog = prog;
	c.st = st;
	/* Forward-only programs run at most len steps; each backward jump may replay them all. */
	bpf_loop(len * (CBPF_MAX_BACK_JUMPS + 1), cbpf_step, &c, 0);
	verdict = st->verdict;
out:
	__sync_fetch_and_add(nesting, -1);
	return verdict;
}

#endif /* VISTA_CBPF_RUN_H */
