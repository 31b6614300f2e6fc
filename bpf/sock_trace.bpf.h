/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TCP connection lifetimes (--filter-trace-tcp) and socket events
 * (--filter-trace-sk), on tracepoints only.
 *
 * Included once, at the end of vista.bpf.c: these programs write to its ring
 * buffer and read its filter slots, so SIGUSR2 and vista-top's filter edits
 * reach them through the same flip as the skb hooks. Every program is a
 * "?" section: src/core/sock_trace.c loads only what the user asked for.
 *
 * A connection's birth and owner live in socket-local storage, which the
 * kernel frees with the socket: no table to size, nothing to clean up when
 * a close is missed.
 */
#ifndef VISTA_SOCK_TRACE_BPF_H
#define VISTA_SOCK_TRACE_BPF_H

#define AF_INET_         2
#define AF_INET6_        10
#define IPPROTO_MPTCP_   262
#define TCP_SYN_SENT_    2
#define TCP_SYN_RECV_    3
#define TCP_FIN_WAIT1_   4
#define TCP_TIME_WAIT_   6
#define TCP_CLOSE_       7
#define TCP_LAST_ACK_    9
#define TCP_LISTEN_      10
#define TCP_NEW_SYN_RECV 12

/*
 * Set by user space before anything attaches: when tracing began (the birth
 * given to connections that were already open then) and vista's own process,
 * whose socket traffic is never traced (its output may well be a socket).
 */
__u64 sock_trace_start_ns;
__u32 sock_trace_self;

struct tcp_life {
	__u64 birth_ns;
	__u64 end_ns; /* when it reached TCP_CLOSE, 0 before */
	__u32 pid;    /* the owner: 0 until a system call of the owner is seen */
	__u8 partial;
	__u8 reset; /* enum vista_tcp_reset */
	__u8 pad[2];
	char comm[VISTA_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct tcp_life);
} tcp_lives SEC(".maps");

/* Local address and port first: the seed prints a connection from this host's side. */
static __always_inline void sk_read_tuple(struct sock *sk, __u16 family, __u16 protocol, struct vista_tuple *t)
{
	if (family == AF_INET_) {
		t->l3 = 4;
		BPF_CORE_READ_INTO((__u32 *)t->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)t->daddr, sk, __sk_common.skc_daddr);
	} else if (family == AF_INET6_) {
		t->l3 = 6;
		BPF_CORE_READ_INTO((struct in6_addr *)t->saddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO((struct in6_addr *)t->daddr, sk, __sk_common.skc_v6_daddr);
	} else {
		return;
	}
	/* An MPTCP socket's packets are TCP segments: filters and the tuple treat it as TCP. */
	t->l4_proto = protocol == IPPROTO_MPTCP_ ? IPPROTO_TCP_ : (__u8)protocol;
	/* Not skc_num: a closing socket gives its port back (to 0) before it reaches TCP_CLOSE. */
	t->sport = bpf_ntohs(BPF_CORE_READ((struct inet_sock *)sk, inet_sport));
	t->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
}

static __always_inline __u32 sk_netns(struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

/*
 * The filters that mean something without a packet: address, port,
 * protocol, netns, pid and the socket's mark. The skb mark, the interface
 * and pcap expressions describe packets and do not apply.
 */
static __always_inline bool sock_matches(const struct vista_filter *f, __u32 netns, __u32 mark, __u32 pid,
					 const struct vista_tuple *t)
{
	__u32 flags = f->flags;

	if ((flags & VISTA_F_SK_MARK) && mark != f->sk_mark)
		return false;
	if ((flags & VISTA_F_NETNS) && netns != f->netns)
		return false;
	if ((flags & VISTA_F_PID) && pid != f->pid)
		return false;
	return !(flags & (VISTA_F_ADDR4 | VISTA_F_ADDR6 | VISTA_F_PORT | VISTA_F_PROTO)) || tuple_matches(f, t);
}

static __always_inline void *sock_event_reserve(__u32 kind)
{
	void *e = bpf_ringbuf_reserve(&events, vista_event_size(kind), 0);

	if (!e)
		count_lost();
	return e;
}

static __always_inline void tcp_life_own(struct tcp_life *life)
{
	life->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(life->comm, sizeof(life->comm));
}

/* Describes the TCP connection of sk; life says when it began and who owns it. */
static __always_inline void tcp_emit(struct sock *sk, __u8 what, __u8 state, const struct tcp_life *life)
{
	struct inet_connection_sock *icsk = (struct inet_connection_sock *)sk;
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	const struct vista_filter *f = &filters[active_filter & 1];
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	struct vista_tuple tuple = {};
	__u64 now = bpf_ktime_get_ns(), end = life->end_ns ? life->end_ns : now;
	__u64 lifetime = end > life->birth_ns ? end - life->birth_ns : 0;
	__u32 netns = sk_netns(sk), mark = BPF_CORE_READ(sk, sk_mark);
	struct vista_event *e;
	struct vista_tcp *t;

	sk_read_tuple(sk, family, IPPROTO_TCP_, &tuple);
	if (!sock_matches(f, netns, mark, life->pid, &tuple))
		return;
	if ((f->flags & VISTA_F_TCP_LIFETIME) && lifetime < f->tcp_lifetime_ns)
		return;
	e = sock_event_reserve(VISTA_EV_TCP);
	if (!e)
		return;
	__builtin_memset(e, 0, sizeof(*e) + sizeof(*t));
	t = (struct vista_tcp *)(e + 1);
	e->ts_ns = now;
	e->addr = (__u64)sk;
	e->kind = VISTA_EV_TCP;
	/* Closes and resets mostly happen in softirq context: the owner recorded earlier is who it was for. */
	e->pid = life->pid;
	e->tid = life->pid;
	__builtin_memcpy(e->comm, life->comm, sizeof(e->comm));
	e->cpu = bpf_get_smp_processor_id();
	e->stack_id = -1;
	e->flags = VISTA_EVF_HAS_META | VISTA_EVF_HAS_TUPLE;
	e->meta.netns = netns;
	e->tuple = tuple;
	t->rx_bytes = BPF_CORE_READ(tp, bytes_received);
	t->tx_bytes = BPF_CORE_READ(tp, bytes_acked);
	t->lifetime_ns = lifetime;
	t->srtt_us = BPF_CORE_READ(tp, srtt_us) >> 3; /* kept scaled by 8 */
	t->retrans = BPF_CORE_READ(tp, total_retrans);
	t->sk_mark = mark;
	t->family = family;
	t->what = what;
	t->state = state;
	t->reset = life->reset;
	t->flags = life->partial ? VISTA_TCP_PARTIAL : 0;
	BPF_CORE_READ_STR_INTO(&t->cong, icsk, icsk_ca_ops, name);
	bpf_ringbuf_submit(e, wakeup_flags());
}

/*
 * A reset sent for a segment that has no connection (a closed port, a
 * time-wait socket): the tuple is the reply's, that is the segment's reversed.
 */
static __always_inline void tcp_emit_no_sock(struct sock *sk, struct sk_buff *skb)
{
	const struct vista_filter *f = &filters[active_filter & 1];
	struct vista_tuple in = {}, tuple = {};
	__u32 netns = skb_netns(skb);
	struct vista_event *e;
	struct vista_tcp *t;

	skb_read_tuple(skb, &in);
	tuple.l3 = in.l3;
	tuple.l4_proto = in.l4_proto;
	tuple.sport = in.dport;
	tuple.dport = in.sport;
	__builtin_memcpy(tuple.saddr, in.daddr, sizeof(tuple.saddr));
	__builtin_memcpy(tuple.daddr, in.saddr, sizeof(tuple.daddr));
	/* No connection, no owner and no lifetime: a pid or lifetime filter rules it out. */
	if (!sock_matches(f, netns, 0, 0, &tuple) || (f->flags & VISTA_F_TCP_LIFETIME))
		return;
	e = sock_event_reserve(VISTA_EV_TCP);
	if (!e)
		return;
	__builtin_memset(e, 0, sizeof(*e) + sizeof(*t));
	t = (struct vista_tcp *)(e + 1);
	e->ts_ns = bpf_ktime_get_ns();
	e->addr = (__u64)sk;
	e->kind = VISTA_EV_TCP;
	e->cpu = bpf_get_smp_processor_id();
	e->stack_id = -1;
	e->flags = VISTA_EVF_HAS_META | VISTA_EVF_HAS_TUPLE;
	e->meta.netns = netns;
	e->tuple = tuple;
	t->family = tuple.l3 == 6 ? AF_INET6_ : AF_INET_;
	t->what = VISTA_TCP_RESET_SENT;
	t->state = sk ? BPF_CORE_READ(sk, __sk_common.skc_state) : TCP_CLOSE_;
	t->flags = VISTA_TCP_NO_SOCK;
	bpf_ringbuf_submit(e, wakeup_flags());
}

/* What a connection seen for the first time in mid-life is given: it began before the trace. */
static __always_inline void tcp_life_partial(struct tcp_life *life)
{
	__builtin_memset(life, 0, sizeof(*life));
	life->birth_ns = sock_trace_start_ns;
	life->partial = 1;
}

SEC("?tp_btf/inet_sock_set_state")
int BPF_PROG(tp_tcp_state, const struct sock *csk, const int oldstate, const int newstate)
{
	struct sock *sk = (struct sock *)csk;
	struct tcp_life *life, before;

	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP_ || newstate == TCP_LISTEN_)
		return 0;
	if (newstate == TCP_SYN_SENT_ || newstate == TCP_SYN_RECV_) {
		/* A connection begins: connect() (in the caller's context), or a listener's new child. */
		life = bpf_sk_storage_get(&tcp_lives, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
		if (!life || (life->birth_ns && !life->end_ns))
			return 0; /* a simultaneous open goes SYN_SENT -> SYN_RECV: it began at SYN_SENT */
		__builtin_memset(life, 0, sizeof(*life));
		life->birth_ns = bpf_ktime_get_ns();
		if (newstate == TCP_SYN_SENT_)
			tcp_life_own(life);
		return 0;
	}
	if (oldstate == TCP_LISTEN_)
		return 0; /* a listener closing: no connection */
	if (newstate != TCP_CLOSE_) {
		life = bpf_sk_storage_get(&tcp_lives, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
		if (!life)
			return 0;
		if (!life->birth_ns || life->end_ns)
			tcp_life_partial(life);
		/* Only close() and shutdown() lead here: this is the owner's own context. */
		if (newstate == TCP_FIN_WAIT1_ || newstate == TCP_LAST_ACK_)
			tcp_life_own(life);
		return 0;
	}
	life = bpf_sk_storage_get(&tcp_lives, sk, 0, 0);
	if (!life) {
		/* Its only change since the trace began is this last one. */
		tcp_life_partial(&before);
		tcp_emit(sk, VISTA_TCP_CLOSE, oldstate, &before);
		return 0;
	}
	/*
	 * Kept until the socket goes: an abort (close() with unread data or a
	 * zero linger) reaches TCP_CLOSE first and sends its reset after.
	 */
	life->end_ns = bpf_ktime_get_ns();
	tcp_emit(sk, VISTA_TCP_CLOSE, oldstate, life);
	return 0;
}

/*
 * The first system call on a connection tells whose it is: a listener's
 * children are born in softirq context and may close there too.
 */
static __always_inline int tcp_note_owner(struct sock *sk)
{
	struct tcp_life *life;

	if (!sk)
		return 0;
	life = bpf_sk_storage_get(&tcp_lives, sk, 0, 0);
	if (life && !life->pid)
		tcp_life_own(life);
	return 0;
}

SEC("?tp_btf/sock_send_length")
int BPF_PROG(tp_tcp_own_send, struct sock *sk)
{
	return tcp_note_owner(sk);
}

SEC("?tp_btf/sock_recv_length")
int BPF_PROG(tp_tcp_own_recv, struct sock *sk)
{
	return tcp_note_owner(sk);
}

/* Marks the connection's end as a reset and describes it now, with its numbers so far. */
static __always_inline int tcp_note_reset(struct sock *sk, __u8 what, __u8 reset)
{
	struct tcp_life *life = bpf_sk_storage_get(&tcp_lives, sk, 0, 0);
	struct tcp_life before;
	__u8 state = BPF_CORE_READ(sk, __sk_common.skc_state);

	if (!life) {
		tcp_life_partial(&before);
		before.reset = reset;
		tcp_emit(sk, what, state, &before);
		return 0;
	}
	life->reset = reset;
	tcp_emit(sk, what, state, life);
	return 0;
}

SEC("?tp_btf/tcp_receive_reset")
int BPF_PROG(tp_tcp_rst_recv, struct sock *sk)
{
	return sk ? tcp_note_reset(sk, VISTA_TCP_RESET_RECV, VISTA_TCP_RST_RECV) : 0;
}

/*
 * tcp_send_reset(sk, skb[, reason]): sk is NULL, not a full socket, or a
 * listener (answering a stray ACK) when no connection owns the segment.
 */
SEC("?tp_btf/tcp_send_reset")
int tp_tcp_rst_send(__u64 *ctx)
{
	struct sock *sk = (struct sock *)ctx[0];
	struct sk_buff *skb = (struct sk_buff *)ctx[1];
	__u8 state = sk ? BPF_CORE_READ(sk, __sk_common.skc_state) : TCP_CLOSE_;

	if (sk && state != TCP_TIME_WAIT_ && state != TCP_NEW_SYN_RECV && state != TCP_LISTEN_)
		return tcp_note_reset(sk, VISTA_TCP_RESET_SENT, VISTA_TCP_RST_SENT);
	if (skb)
		tcp_emit_no_sock(sk, skb);
	return 0;
}

/*
 * Lists the TCP connections open now in the iterating process's network
 * namespace. Those older than the trace get a birth here, marked partial, so
 * that their close is reported with the part of their life that was seen.
 */
SEC("?iter/tcp")
int vista_iter_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct tcp_life *life;
	struct tcp_sock *tp;
	struct sock *sk;
	__u8 state;

	if (!skc)
		return 0;
	tp = bpf_skc_to_tcp_sock(skc); /* NULL for time-wait and request sockets */
	if (!tp)
		return 0;
	sk = (struct sock *)tp;
	state = BPF_CORE_READ(sk, __sk_common.skc_state);
	if (state == TCP_LISTEN_ || state == TCP_CLOSE_)
		return 0;
	life = bpf_sk_storage_get(&tcp_lives, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!life)
		return 0;
	if (!life->birth_ns || life->end_ns)
		tcp_life_partial(life);
	tcp_emit(sk, VISTA_TCP_OPEN, state, life);
	return 0;
}

/* ---------------------------------------------------------------- socket events */

/*
 * Describes sk as a VISTA_EV_SK event. hook is the id of the function that
 * saw it (VISTA_SK_FUNC, bpf/sock_func.bpf.h), 0 for tracepoints; with
 * stack (a constant at each call site), ctx gives the kernel stack.
 */
static __always_inline int sk_emit(void *ctx, struct sock *sk, __u8 what, __s64 a, __s64 b, __u32 hook, bool stack)
{
	const struct vista_filter *f = &filters[active_filter & 1];
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct vista_tuple tuple = {};
	struct vista_event *e;
	struct socket *sock;
	struct vista_sk *s;
	__u16 family, protocol;
	__u32 netns, mark;

	if (!sk || (pid_tgid >> 32) == sock_trace_self)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	protocol = BPF_CORE_READ(sk, sk_protocol);
	netns = sk_netns(sk);
	mark = BPF_CORE_READ(sk, sk_mark);
	sk_read_tuple(sk, family, protocol, &tuple);
	if (!sock_matches(f, netns, mark, pid_tgid >> 32, &tuple))
		return 0;
	e = sock_event_reserve(VISTA_EV_SK);
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e) + sizeof(*s));
	s = (struct vista_sk *)(e + 1);
	e->ts_ns = bpf_ktime_get_ns();
	e->addr = (__u64)sk;
	e->kind = VISTA_EV_SK;
	e->hook_id = hook;
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->cpu = bpf_get_smp_processor_id();
	e->stack_id = stack ? bpf_get_stackid(ctx, &stacks, 0) : -1;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->flags = VISTA_EVF_HAS_META | (tuple.l3 ? VISTA_EVF_HAS_TUPLE : 0);
	e->meta.netns = netns;
	e->tuple = tuple;
	s->a = a;
	s->b = b;
	s->family = family;
	s->protocol = protocol;
	s->type = BPF_CORE_READ(sk, sk_type);
	s->what = what;
	s->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	s->reuseport = BPF_CORE_READ_BITFIELD_PROBED(&sk->__sk_common, skc_reuseport);
	s->bound_ifindex = BPF_CORE_READ(sk, __sk_common.skc_bound_dev_if);
	s->backlog = BPF_CORE_READ(sk, sk_backlog.len);
	s->rcvbuf = BPF_CORE_READ(sk, sk_rcvbuf);
	s->sndbuf = BPF_CORE_READ(sk, sk_sndbuf);
	s->priority = BPF_CORE_READ(sk, sk_priority);
	s->mark = mark;
	sock = BPF_CORE_READ(sk, sk_socket);
	if (sock) {
		s->has_socket = 1;
		s->socket_state = BPF_CORE_READ(sock, state);
		s->socket_flags = BPF_CORE_READ(sock, flags);
		s->inode = BPF_CORE_READ(sock, file, f_inode, i_ino);
	}
	bpf_ringbuf_submit(e, wakeup_flags());
	return 0;
}

static __always_inline int sk_event(struct sock *sk, __u8 what, __s64 a, __s64 b)
{
	return sk_emit(NULL, sk, what, a, b, 0, false);
}

SEC("?tp_btf/inet_sock_set_state")
int BPF_PROG(tp_sk_state, const struct sock *sk, const int oldstate, const int newstate)
{
	return sk_event((struct sock *)sk, VISTA_SK_SET_STATE, oldstate, newstate);
}

SEC("?tp_btf/sock_send_length")
int BPF_PROG(tp_sk_send, struct sock *sk, int ret, int flags)
{
	return sk_event(sk, VISTA_SK_SEND, ret, flags);
}

SEC("?tp_btf/sock_recv_length")
int BPF_PROG(tp_sk_recv, struct sock *sk, int ret, int flags)
{
	return sk_event(sk, VISTA_SK_RECV, ret, flags);
}

SEC("?tp_btf/sk_data_ready")
int BPF_PROG(tp_sk_ready, const struct sock *sk)
{
	return sk_event((struct sock *)sk, VISTA_SK_DATA_READY, 0, 0);
}

SEC("?tp_btf/sock_rcvqueue_full")
int BPF_PROG(tp_sk_rcvq_full, struct sock *sk, struct sk_buff *skb)
{
	return sk_event(sk, VISTA_SK_RCVQ_FULL, BPF_CORE_READ(sk, sk_backlog.rmem_alloc.counter),
			skb ? BPF_CORE_READ(skb, truesize) : 0);
}

SEC("?tp_btf/sock_exceed_buf_limit")
int BPF_PROG(tp_sk_buf_limit, struct sock *sk, struct proto *prot, long allocated, int kind)
{
	return sk_event(sk, VISTA_SK_BUF_LIMIT, allocated, kind);
}

SEC("?tp_btf/inet_sk_error_report")
int BPF_PROG(tp_sk_error, const struct sock *sk)
{
	return sk_event((struct sock *)sk, VISTA_SK_ERROR, BPF_CORE_READ(sk, sk_err), 0);
}

#endif /* VISTA_SOCK_TRACE_BPF_H */
