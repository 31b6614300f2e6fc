#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# --filter-trace-sk --output-sk: socket events from the sock:* tracepoints,
# with the family and protocol of every socket: a UDP exchange over IPv4 and
# IPv6, a unix socket pair, a netlink dump, TCP state changes; the filters
# that apply to sockets (port, address, protocol, pid, sk mark); --record and
# --replay; a kernel that lacks some of the tracepoints; the error paths.

# shellcheck source=tests/e2e/lib.sh
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

require_root
require_cmd ip bpftool jq
require_vista
: "${SOCKPEER:=$(dirname "$0")/sockpeer}"
: "${BTF_HIDE:=$(dirname "$0")/btf_hide}"
{ [ -x "$SOCKPEER" ] && [ -x "$BTF_HIDE" ]; } || BAIL_OUT "SOCKPEER/BTF_HIDE are not built: run make check"
ns_pair_setup

BASE=$((40000 + $$ % 20000))
# The columns of a line: address, CPU, [comm(pid)], event.
COLS='^0x[0-9a-f]+ +[0-9]+ +'

wait_file() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# udp_exchange ADDR PORT BYTES [CLIENT OPTS...]: a UDP server in B answers one datagram of the client in A.
# Sets SERVER_PID and CLIENT_PID (ip netns exec execs sockpeer: $! is its pid).
udp_exchange() {
	local addr=$1 port=$2 bytes=$3 ready="$tmpdir/ready.$2"
	shift 3
	ip netns exec "$NS_B" "$SOCKPEER" --ready "$ready" udp-server "$addr" "$port" >"$tmpdir/server.$port" 2>&1 &
	SERVER_PID=$!
	track_pid "$SERVER_PID"
	wait_file "$ready" || fail "the UDP server on port $port is ready"
	ip netns exec "$NS_A" "$SOCKPEER" "$@" udp-client "$addr" "$port" "$bytes" >"$tmpdir/client.$port" 2>&1 &
	CLIENT_PID=$!
	wait "$CLIENT_PID"
	wait "$SERVER_PID"
	is "$(cat "$tmpdir/client.$port")" "received $bytes" "a $bytes-byte datagram to $addr port $port and back"
}

# ---------------------------------------------------------------- UDP over IPv4

U1=$BASE
out=$tmpdir/udp.out
if vista_start "$out" --filter-trace-sk --output-sk --output-tuple --output-meta --filter-port "$U1" --record "$tmpdir/udp.vrec"; then
	udp_exchange "$IP_B" "$U1" 100
	sleep 0.3
	vista_stop
	is "$VISTA_STATUS" 0 "vista exits 0"
	text=$(cat "$out")
	like "$text" "$COLS\[sockpeer\($CLIENT_PID\)\] +sock_send_length netns=$NETNS_INODE_A .* $IP_A:[0-9]+->$IP_B:$U1\(udp\) family=AF_INET protocol=IPPROTO_UDP skc_state=ESTABLISHED skc_reuseport=false skc_bound_ifindex=0 sk_backlog=0 sk_rcv_buff=[0-9]+ sk_snd_buff=[0-9]+ sk_priority=0 sk_mark=0x0 sk_type=SOCK_DGRAM socket_state=UNCONNECTED socket_file_inode=[1-9][0-9]* socket_flags=[0-9]+ len=100 flags=0x0$" \
		"the client's send: its process, namespace, tuple, family, protocol, the seed's socket fields, 100 bytes"
	like "$text" "$COLS\[sockpeer\($SERVER_PID\)\] +sock_recv_length netns=$NETNS_INODE_B .* $IP_B:$U1->0\.0\.0\.0:0\(udp\) family=AF_INET protocol=IPPROTO_UDP skc_state=CLOSE .* sk_type=SOCK_DGRAM socket_state=UNCONNECTED .* len=100 flags=0x0$" \
		"the server's receive on its unconnected socket"
	# Readiness is signalled where the packet is delivered: in the sender's context on a veth.
	like "$text" "\[sockpeer\($CLIENT_PID\)\] +sk_data_ready netns=$NETNS_INODE_B .* $IP_B:$U1->0\.0\.0\.0:0\(udp\) family=AF_INET protocol=IPPROTO_UDP " \
		"the datagram makes the server's socket readable"
	like "$text" "$COLS\[sockpeer\($SERVER_PID\)\] +sock_send_length .* $IP_B:$U1->0\.0\.0\.0:0\(udp\) .* len=100 flags=0x0$" \
		"the server's reply"
	like "$text" "$COLS\[sockpeer\($CLIENT_PID\)\] +sock_recv_length .* $IP_A:[0-9]+->$IP_B:$U1\(udp\) .* len=100 flags=0x0$" \
		"and the client's receive of it"
	unlike "$text" "family=AF_(UNIX|NETLINK|INET6)" "--filter-port leaves out sockets without that port"
	inode=$(grep -E "sock_send_length .*$IP_A:[0-9]+->" <<<"$text" | sed -nE 's/.* socket_file_inode=([0-9]+).*/\1/p')
	is "$(grep -c "socket_file_inode=$inode " <<<"$text")" 3 "the client's send, readiness and receive share its socket's inode ($inode)"

	run_capture "$VISTA" --replay "$tmpdir/udp.vrec" --output-sk --output-tuple --output-meta
	is "$RUN_STATUS" 0 "--replay of the socket events exits 0"
	is "$RUN_OUT" "$text" "and prints exactly the live lines"
	run_capture "$VISTA" --replay "$tmpdir/udp.vrec"
	like "$RUN_OUT" "\] +sock_send_length family=AF_INET protocol=IPPROTO_UDP len=100 flags=0x0$" \
		"without --output-sk a replay shows the event, family, protocol and length only"
fi

# ---------------------------------------------------------------- UDP over IPv6, --filter-sk-mark

U2=$((BASE + 1))
out=$tmpdir/udp6.out
if vista_start "$out" --filter-trace-sk --output-sk --output-tuple --filter-addr "$IP6_B" --filter-sk-mark 7; then
	udp_exchange "$IP6_B" "$U2" 300 --mark 7
	sleep 0.3
	vista_stop
	text=$(cat "$out")
	like "$text" "\[sockpeer\($CLIENT_PID\)\] +sock_send_length \[$IP6_A\]:[0-9]+->\[$IP6_B\]:$U2\(udp\) family=AF_INET6 protocol=IPPROTO_UDP .* sk_mark=0x7 .* len=300 " \
		"IPv6: the marked client's send, bracketed tuple, AF_INET6"
	like "$text" "\[sockpeer\($CLIENT_PID\)\] +sock_recv_length .* len=300 " "and its receive"
	unlike "$text" "sk_mark=0x0|\[$IP6_B\]:$U2->" "--filter-sk-mark 7 leaves out the server's socket (mark 0)"
fi

# ---------------------------------------------------------------- unix and netlink sockets, by pid

out=$tmpdir/unix.out
"$SOCKPEER" --wait "$tmpdir/go.unix" unix-pair 5000 >"$tmpdir/unix.res" 2>&1 &
UNIX_PID=$!
track_pid "$UNIX_PID"
echo "pid $UNIX_PID" >"$tmpdir/unix.filters"
if vista_start "$out" --filter-trace-sk --output-sk --filter-file "$tmpdir/unix.filters"; then
	touch "$tmpdir/go.unix"
	wait "$UNIX_PID"
	is "$(cat "$tmpdir/unix.res")" "received 5000" "5000 bytes through a unix socket pair"
	sleep 0.3
	vista_stop
	text=$(cat "$out")
	like "$text" "$COLS\[sockpeer\($UNIX_PID\)\] +sock_send_length family=AF_UNIX protocol=0 skc_state=ESTABLISHED .* sk_type=SOCK_STREAM socket_state=CONNECTED .* len=5000 flags=0x0$" \
		"the unix send: AF_UNIX, protocol 0, a connected stream"
	like "$text" "\[sockpeer\($UNIX_PID\)\] +sk_data_ready family=AF_UNIX protocol=0 " "makes its peer readable"
	is "$(grep ' sock_recv_length family=AF_UNIX ' <<<"$text" | sed -nE 's/.* len=([0-9]+) .*/\1/p' | paste -sd+ - | bc)" 5000 \
		"and the peer receives the 5000 bytes"
	is "$(grep -vc "\[sockpeer($UNIX_PID)\]" <<<"$(tail -n +2 <<<"$text")")" 0 "a pid filter keeps that process's events only"
fi

out=$tmpdir/netlink.out
"$SOCKPEER" --wait "$tmpdir/go.netlink" netlink >"$tmpdir/netlink.res" 2>&1 &
NL_PID=$!
track_pid "$NL_PID"
echo "pid $NL_PID" >"$tmpdir/netlink.filters"
if vista_start "$out" --filter-trace-sk --output-sk --filter-file "$tmpdir/netlink.filters"; then
	touch "$tmpdir/go.netlink"
	wait "$NL_PID"
	like "$(cat "$tmpdir/netlink.res")" "^received [1-9][0-9]*$" "a netlink dump of the links"
	sleep 0.3
	vista_stop
	text=$(cat "$out")
	like "$text" "\[sockpeer\($NL_PID\)\] +sock_send_length family=AF_NETLINK protocol=NETLINK_ROUTE .* sk_type=SOCK_RAW .* len=32 flags=0x0$" \
		"the request: AF_NETLINK, NETLINK_ROUTE, a raw socket, 32 bytes"
	like "$text" "\[sockpeer\($NL_PID\)\] +sock_recv_length family=AF_NETLINK protocol=NETLINK_ROUTE .* len=[1-9]" "the dump's replies"
fi

# ---------------------------------------------------------------- --filter-protocol, TCP state changes

U3=$((BASE + 2))
out=$tmpdir/proto.out
"$SOCKPEER" --wait "$tmpdir/go.proto" unix-pair 100 >/dev/null 2>&1 &
track_pid $!
if vista_start "$out" --filter-trace-sk --filter-protocol udp; then
	touch "$tmpdir/go.proto"
	udp_exchange "$IP_B" "$U3" 10
	sleep 0.3
	vista_stop
	text=$(tail -n +2 "$out")
	like "$text" "\[sockpeer\($CLIENT_PID\)\] +sock_send_length family=AF_INET protocol=IPPROTO_UDP len=10 " "--filter-protocol udp keeps the UDP exchange"
	is "$(grep -vcE ' protocol=IPPROTO_UDP( |$)' <<<"$text")" 0 "and nothing else: no unix, netlink or TCP socket"
fi

T1=$((BASE + 3))
out=$tmpdir/tcpstate.out
if vista_start "$out" --filter-trace-sk --output-tuple --filter-port "$T1"; then
	ip netns exec "$NS_B" "$SOCKPEER" --ready "$tmpdir/ready.$T1" tcp-server "$IP_B" "$T1" 10 >/dev/null 2>&1 &
	SERVER_PID=$!
	wait_file "$tmpdir/ready.$T1"
	ip netns exec "$NS_A" "$SOCKPEER" tcp-client "$IP_B" "$T1" 10 >/dev/null 2>&1 &
	CLIENT_PID=$!
	wait "$CLIENT_PID"
	wait "$SERVER_PID"
	sleep 0.3
	vista_stop
	text=$(cat "$out")
	like "$text" "\[sockpeer\($CLIENT_PID\)\] +inet_sock_set_state $IP_A:[0-9]+->$IP_B:$T1\(tcp\) family=AF_INET protocol=IPPROTO_TCP oldstate=CLOSE newstate=SYN_SENT$" \
		"connect(): CLOSE to SYN_SENT, in the client's context"
	like "$text" " inet_sock_set_state $IP_A:[0-9]+->$IP_B:$T1\(tcp\) .* oldstate=SYN_SENT newstate=ESTABLISHED$" "then ESTABLISHED"
	like "$text" " inet_sock_set_state $IP_B:$T1->$IP_A:[0-9]+\(tcp\) .* oldstate=LISTEN newstate=SYN_RECV$" "the server's new connection"
	like "$text" "\[sockpeer\($SERVER_PID\)\] +inet_sock_set_state $IP_B:$T1->$IP_A:[0-9]+\(tcp\) .* oldstate=CLOSE_WAIT newstate=LAST_ACK$" \
		"the server's close(), in its context"
	like "$text" " inet_sock_set_state $IP_A:[0-9]+->$IP_B:$T1\(tcp\) .* oldstate=FIN_WAIT2 newstate=CLOSE$" "the client's end"
fi

# ---------------------------------------------------------------- a kernel without some socket tracepoints

U4=$((BASE + 4))
"$BTF_HIDE" /sys/kernel/btf/vmlinux "$tmpdir/no-ready.btf" btf_trace_sk_data_ready btf_trace_sock_exceed_buf_limit >/dev/null &&
	"$BTF_HIDE" /sys/kernel/btf/vmlinux "$tmpdir/no-state.btf" btf_trace_inet_sock_set_state >/dev/null ||
	fail "btf_hide makes kernel descriptions without some sock tracepoints"
out=$tmpdir/older.out
if vista_start "$out" --filter-trace-sk --kernel-btf "$tmpdir/no-ready.btf" --filter-port "$U4"; then
	udp_exchange "$IP_B" "$U4" 20
	sleep 0.3
	vista_stop
	like "$(cat "$VISTA_ERR")" "The kernel described by --kernel-btf has no tracepoint sock:sk_data_ready, sock:sock_exceed_buf_limit: those socket events cannot be traced" \
		"the tracepoints a kernel lacks are named once"
	like "$(cat "$out")" " sock_send_length family=AF_INET protocol=IPPROTO_UDP len=20 " "the others are traced"
	unlike "$(cat "$out")" "sk_data_ready" "and the missing one is not"
fi

# ---------------------------------------------------------------- errors: one line, exit 1, nothing attached

CASES=(
	"--output-sk                                          => vista: --output-sk has no effect without --filter-trace-sk"
	"--filter-trace-sk --filter-sk-mark seven             => vista: invalid argument \"seven\" for \"--filter-sk-mark\" flag: invalid syntax"
	"--filter-trace-sk --filter-sk-mark 4294967296        => vista: invalid argument \"4294967296\" for \"--filter-sk-mark\" flag: value out of range (max 4294967295)"
	"--filter-trace-sk --kernel-btf $tmpdir/no-state.btf  => vista: --filter-trace-sk needs the tracepoint sock:inet_sock_set_state, which the kernel described by --kernel-btf does not have"
)
for case in "${CASES[@]}"; do
	read -r -a args <<<"${case%% => *}"
	vista_run_expect_error "${args[@]}"
	is "$RUN_STATUS $RUN_ERR" "1 ${case#* => }" "${args[*]}: exit 1 and one line"
done
if [ -x "${VISTA_TOP:-}" ]; then
	# vista-top takes the socket options as vista does (tests/e2e/tui_kinds.sh shows their events live).
	run_capture "$VISTA_TOP" --output-sk
	is "$RUN_STATUS $RUN_ERR" "1 vista-top: --output-sk has no effect without --filter-trace-sk" \
		"vista-top checks --output-sk as vista does"
	run_capture "$VISTA_TOP" --filter-trace-sk --filter-sk-mark seven
	is "$RUN_STATUS $RUN_ERR" "1 vista-top: invalid argument \"seven\" for \"--filter-sk-mark\" flag: invalid syntax" \
		"vista-top parses --filter-sk-mark as vista does"
else
	skip "vista-top is not built" 2
fi
is "$(bpf_vista_objects_settle 0)" 0 "no vista program or link left"
done_testing
