#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# --filter-trace-tcp --output-tcp: one line per TCP connection when it closes,
# with exact byte counts, its lifetime, its owner and its tuple, over IPv4 and
# IPv6; resets sent and received; a retransmission forced by a DROP rule;
# --filter-tcp-lifetime both ways; --filter-sk-mark; connections open before
# vista started (partial lifetime); --record/--replay; and the error paths.
#
# The kernel counts the SYN and the FIN in the sequence space it reports
# (tcpi_bytes_acked, tcpi_bytes_received, which tcplife and vista print): a
# client that connects, sends N bytes, shuts down and reads M bytes shows
# tx = N + 2 (SYN, FIN) and rx = M + 1 (the server's FIN); the server shows
# rx = N + 1 and tx = M + 1 (its SYN is acknowledged before it has a socket).

# shellcheck source=tests/e2e/lib.sh
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

require_root
require_cmd ip iptables bpftool jq nstat
require_vista
: "${SOCKPEER:=$(dirname "$0")/sockpeer}"
: "${BTF_HIDE:=$(dirname "$0")/btf_hide}"
{ [ -x "$SOCKPEER" ] && [ -x "$BTF_HIDE" ]; } || BAIL_OUT "SOCKPEER/BTF_HIDE are not built: run make check"
ns_pair_setup

# Ports of our own: other tests use the same addresses in their own namespaces at the same time.
BASE=$((20000 + $$ % 20000))
N=1000000
M=123456

now_ns() { date +%s%N; }

# duration_ns TEXT: a Go duration ("939.570803ms", "1m2.5s", "240µs") in ns, or "bad".
duration_ns() {
	awk -v d="$1" 'BEGIN {
		total = 0
		while (match(d, /^[0-9.]+(h|ms|µs|ns|m|s)/)) {
			tok = substr(d, 1, RLENGTH)
			d = substr(d, RLENGTH + 1)
			match(tok, /^[0-9.]+/)
			v = substr(tok, 1, RLENGTH)
			u = substr(tok, RLENGTH + 1)
			total += v * (u == "h" ? 3600e9 : u == "m" ? 60e9 : u == "s" ? 1e9 : u == "ms" ? 1e6 : u == "ns" ? 1 : 1e3)
		}
		if (d != "") { print "bad"; exit }
		printf "%.0f\n", total
	}'
}

# field LINE NAME: the value of NAME= in LINE.
field() { sed -nE "s/.* $2=([^ ]*).*/\1/p" <<<"$1"; }

# wait_file FILE: up to 5 s for FILE to appear.
wait_file() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# retrans_segs NS: segments TCP retransmitted in namespace NS so far (a loaded machine
# may fire a tail-loss probe even on a veth: the connection's count must match the kernel's).
retrans_segs() { ip netns exec "$1" nstat -asz TcpRetransSegs | awk '$1 == "TcpRetransSegs" { print $2 }'; }

# server PORT ADDR BYTES [OPTS...]: a sockpeer server in B, ready when this returns; sets SERVER_PID.
# (ip netns exec, not in_b, in the background: ip execs sockpeer, so $! is its pid.)
server() {
	local port=$1 addr=$2 bytes=$3 ready="$tmpdir/ready.$1"
	shift 3
	rm -f "$ready"
	ip netns exec "$NS_B" "$SOCKPEER" --ready "$ready" "$@" tcp-server "$addr" "$port" "$bytes" >"$tmpdir/server.$port" 2>&1 &
	SERVER_PID=$!
	track_pid "$SERVER_PID"
	wait_file "$ready" || fail "the server on port $port is listening" "$(cat "$tmpdir/server.$port")"
}

# ---------------------------------------------------------------- IPv4, exact numbers, owners, lifetime

P1=$BASE
out=$tmpdir/v4.out
if vista_start "$out" --filter-trace-tcp --output-tcp --output-tuple --filter-port "$P1" --record "$tmpdir/v4.vrec"; then
	server "$P1" "$IP_B" "$M"
	rs_a0=$(retrans_segs "$NS_A") rs_b0=$(retrans_segs "$NS_B")
	t0=$(now_ns)
	ip netns exec "$NS_A" "$SOCKPEER" --pause 200 tcp-client "$IP_B" "$P1" "$N" >"$tmpdir/client.$P1" 2>&1 &
	CLIENT_PID=$!
	wait "$CLIENT_PID"
	client_status=$?
	t1=$(now_ns)
	wait "$SERVER_PID"
	rs_a=$(($(retrans_segs "$NS_A") - rs_a0)) rs_b=$(($(retrans_segs "$NS_B") - rs_b0))
	is "$client_status $(cat "$tmpdir/client.$P1")" "0 received $M" "the client sends $N bytes and receives $M"
	is "$(cat "$tmpdir/server.$P1")" "received $N" "the server receives $N bytes"
	sleep 0.3
	vista_stop
	is "$VISTA_STATUS" 0 "vista exits 0"
	text=$(cat "$out")
	is "$(grep -c ' TCP ' <<<"$text")" 2 "two connection ends, one line each"
	client=$(grep -E " TCP $IP_A:[0-9]+->$IP_B:$P1\(tcp\)" <<<"$text")
	server=$(grep -E " TCP $IP_B:$P1->$IP_A:[0-9]+\(tcp\)" <<<"$text")
	like "$client" "^0x[0-9a-f]+ +[0-9]+ +\[sockpeer\($CLIENT_PID\)\] +TCP $IP_A:[0-9]+->$IP_B:$P1\(tcp\) rx=120\.563KiB tx=976\.564KiB lifetime=[^ ]+ srtt=[^ ]+ retrans=$rs_a sk_mark=0x0 cong=[a-z0-9]+ rx_bytes=$((M + 1)) tx_bytes=$((N + 2)) state=FIN_WAIT2$" \
		"the client's line: its process, tuple, exact bytes (+SYN+FIN), its retransmits as A's kernel counted them ($rs_a), the state it left"
	like "$server" "^0x[0-9a-f]+ +[0-9]+ +\[sockpeer\($SERVER_PID\)\] +TCP $IP_B:$P1->$IP_A:[0-9]+\(tcp\) rx=976\.563KiB tx=120\.563KiB lifetime=[^ ]+ srtt=[^ ]+ retrans=$rs_b sk_mark=0x0 cong=[a-z0-9]+ rx_bytes=$((N + 1)) tx_bytes=$((M + 1)) state=LAST_ACK$" \
		"the server's line: the accepting process, the reverse tuple, exact bytes (+FIN), B's retransmits ($rs_b)"
	cport=$(sed -nE "s/.* $IP_A:([0-9]+)->.*/\1/p" <<<"$client")
	like "$server" "->$IP_A:$cport\(tcp\)" "the server's peer port is the client's port ($cport)"
	wall=$((t1 - t0))
	life=$(duration_ns "$(field "$client" lifetime)")
	cmp_ok "$life" -ge 200000000 "the client's lifetime ($life ns) covers its 200 ms pause"
	cmp_ok "$life" -le "$wall" "and is within the measured wall time ($wall ns)"
	life=$(duration_ns "$(field "$server" lifetime)")
	cmp_ok "$life" -le "$wall" "the server's lifetime ($life ns) is within it too"
	cmp_ok "$(duration_ns "$(field "$client" srtt)")" -gt 0 "the client has a round-trip time"
	unlike "$text" "partial" "connections born under the trace are not partial"

	run_capture "$VISTA" --replay "$tmpdir/v4.vrec" --output-tcp --output-tuple
	is "$RUN_STATUS" 0 "--replay of the recording exits 0"
	is "$RUN_OUT" "$text" "and prints exactly the live lines"
	like "$RUN_ERR" "Replaying .*: 2 events recorded" "the recording holds the 2 TCP events"
fi

# ---------------------------------------------------------------- IPv6

P2=$((BASE + 1))
out=$tmpdir/v6.out
if vista_start "$out" --filter-trace-tcp --output-tcp --output-tuple --filter-addr "$IP6_B"; then
	server "$P2" "$IP6_B" 5000
	in_a "$SOCKPEER" tcp-client "$IP6_B" "$P2" 70000 >"$tmpdir/client.$P2" 2>&1
	wait "$SERVER_PID"
	sleep 0.3
	vista_stop
	text=$(cat "$out")
	like "$text" "\] +TCP \[$IP6_A\]:[0-9]+->\[$IP6_B\]:$P2\(tcp\) rx=4\.884KiB tx=68\.361KiB .* rx_bytes=5001 tx_bytes=70002 state=FIN_WAIT2$" \
		"IPv6 client: bracketed tuple, exact bytes"
	like "$text" "\] +TCP \[$IP6_B\]:$P2->\[$IP6_A\]:[0-9]+\(tcp\) rx=68\.360KiB tx=4\.884KiB .* rx_bytes=70001 tx_bytes=5001 state=LAST_ACK$" \
		"IPv6 server"
	is "$(grep -c ' TCP ' <<<"$text")" 2 "--filter-addr keeps just these two"
fi

# ---------------------------------------------------------------- resets

P3=$((BASE + 2))
P4=$((BASE + 3))
out=$tmpdir/rst.out
if vista_start "$out" --filter-trace-tcp --output-tcp --output-tuple --filter-addr "$IP_B"; then
	# Nothing listens on P3: B answers the SYN with a reset, for no socket.
	in_a "$SOCKPEER" tcp-client "$IP_B" "$P3" 10 >"$tmpdir/refused" 2>&1
	like "$(cat "$tmpdir/refused")" "Connection refused" "a connection to a closed port is refused"
	# The client aborts (zero linger): it sends a reset, the server receives it.
	server "$P4" "$IP_B" 0
	in_a "$SOCKPEER" --reset tcp-client "$IP_B" "$P4" 1000 >/dev/null 2>&1
	wait "$SERVER_PID"
	sleep 0.3
	vista_stop
	text=$(cat "$out")
	like "$text" "\[<empty>\(0\)\] +tcp_send_reset $IP_B:$P3->$IP_A:[0-9]+\(tcp\) conn=none$" \
		"the reset B sends for no connection, in the direction it travels"
	like "$text" "tcp_receive_reset $IP_A:[0-9]+->$IP_B:$P3\(tcp\) rx=0B tx=0B .* reset=RECV .* state=SYN_SENT$" \
		"the refused client receives it in SYN_SENT"
	like "$text" "\] +TCP $IP_A:[0-9]+->$IP_B:$P3\(tcp\) .* reset=RECV rx_bytes=0 tx_bytes=0 state=SYN_SENT$" \
		"and its connection ends with reset=RECV"
	# An abort closes the connection first and sends its reset after: the reset line follows the TCP line.
	like "$text" "\] +TCP $IP_A:[0-9]+->$IP_B:$P4\(tcp\) .* tx_bytes=(1|1001) state=ESTABLISHED$" \
		"the aborting client's connection ends, from ESTABLISHED"
	like "$text" "\[sockpeer\([0-9]+\)\] +tcp_send_reset $IP_A:[0-9]+->$IP_B:$P4\(tcp\) .* reset=SEND .* state=CLOSE$" \
		"then it sends its reset, attributed to the connection it ends"
	is "$(grep -E "$IP_A:[0-9]+->$IP_B:$P4" <<<"$text" | grep -oE '^ *0x[0-9a-f]+ +[0-9]+ +[^ ]+ +[a-zA-Z_]+' | awk '{print $4}' | paste -sd' ')" \
		"TCP tcp_send_reset" "in that order"
	like "$text" "tcp_receive_reset $IP_B:$P4->$IP_A:[0-9]+\(tcp\) .* reset=RECV .*rx_bytes=1000 tx_bytes=0 state=ESTABLISHED$" \
		"the server receives it, after the 1000 bytes"
	like "$text" "\] +TCP $IP_B:$P4->$IP_A:[0-9]+\(tcp\) .* reset=RECV .*rx_bytes=1000 " "and its connection ends with reset=RECV"
fi

# ---------------------------------------------------------------- a retransmission

P5=$((BASE + 4))
out=$tmpdir/retrans.out
if vista_start "$out" --filter-trace-tcp --output-tcp --output-tuple --filter-port "$P5"; then
	server "$P5" "$IP_B" 0
	ip netns exec "$NS_A" "$SOCKPEER" --pause 1000 tcp-client "$IP_B" "$P5" 20000 >"$tmpdir/client.$P5" 2>&1 &
	CLIENT_PID=$!
	sleep 0.3
	# The client's data, sent 1 s after it connected, is dropped for 0.8 s: it must be sent again.
	ok "drop what reaches port $P5 for a moment" in_b iptables -I INPUT -p tcp --dport "$P5" -j DROP
	at_exit "ip netns exec '$NS_B' iptables -D INPUT -p tcp --dport '$P5' -j DROP 2>/dev/null"
	sleep 1.5
	ok "then let it through" in_b iptables -D INPUT -p tcp --dport "$P5" -j DROP
	wait "$CLIENT_PID"
	wait "$SERVER_PID"
	is "$(cat "$tmpdir/server.$P5")" "received 20000" "all 20000 bytes arrive in the end"
	sleep 0.3
	vista_stop
	client=$(grep -E " TCP $IP_A:[0-9]+->$IP_B:$P5\(tcp\)" "$out")
	cmp_ok "$(field "$client" retrans)" -ge 1 "the client's line counts its retransmissions: $(field "$client" retrans)"
	is "$(field "$client" tx_bytes)" 20002 "retransmitted bytes are acknowledged once: tx_bytes stays exact"
	is "$(field "$(grep -E " TCP $IP_B:$P5->" "$out")" retrans)" 0 "the server retransmitted nothing"
fi

# ---------------------------------------------------------------- --filter-tcp-lifetime, --filter-sk-mark

P6=$((BASE + 5))
P7=$((BASE + 6))
out=$tmpdir/lifetime.out
if vista_start "$out" --filter-trace-tcp --output-tcp --output-tuple --filter-addr "$IP_B" --filter-tcp-lifetime 500ms; then
	server "$P6" "$IP_B" 10
	in_a "$SOCKPEER" tcp-client "$IP_B" "$P6" 10 >/dev/null 2>&1
	wait "$SERVER_PID"
	server "$P7" "$IP_B" 10
	in_a "$SOCKPEER" --pause 700 tcp-client "$IP_B" "$P7" 10 >/dev/null 2>&1
	wait "$SERVER_PID"
	sleep 0.3
	vista_stop
	text=$(cat "$out")
	unlike "$text" ":${P6}[-(]" "a connection of a few milliseconds is left out by --filter-tcp-lifetime 500ms"
	is "$(grep -cE " TCP .*:${P7}[-(]" <<<"$text")" 2 "one that lived 700 ms is kept, both its ends"
	for l in $(grep -E " TCP .*:${P7}[-(]" <<<"$text" | sed -nE 's/.* lifetime=([^ ]+).*/\1/p'); do
		cmp_ok "$(duration_ns "$l")" -ge 500000000 "its lifetime $l is at least 500 ms"
	done
fi

P8=$((BASE + 7))
out=$tmpdir/mark.out
if vista_start "$out" --filter-trace-tcp --output-tcp --output-tuple --filter-port "$P8" --filter-sk-mark 0x2a; then
	server "$P8" "$IP_B" 10
	in_a "$SOCKPEER" --mark 42 tcp-client "$IP_B" "$P8" 10 >/dev/null 2>&1
	wait "$SERVER_PID"
	sleep 0.3
	vista_stop
	text=$(cat "$out")
	like "$text" " TCP $IP_A:[0-9]+->$IP_B:$P8\(tcp\) .* sk_mark=0x2a " "--filter-sk-mark keeps the client, whose socket has mark 42"
	is "$(grep -c ' TCP ' <<<"$text")" 1 "and not the server's end (mark 0)"
fi

# ---------------------------------------------------------------- connections older than vista

P9=$((BASE + 8))
out=$tmpdir/partial.out
server "$P9" "$IP_B" 300
ip netns exec "$NS_A" "$SOCKPEER" --hold "$tmpdir/release" tcp-client "$IP_B" "$P9" 4000 >"$tmpdir/client.$P9" 2>&1 &
CLIENT_PID=$!
track_pid "$CLIENT_PID"
sleep 0.5
before=$(now_ns)
if vista_start "$out" --filter-trace-tcp --output-tcp --output-tuple --filter-port "$P9" --record "$tmpdir/partial.vrec"; then
	sleep 0.3
	touch "$tmpdir/release"
	wait "$CLIENT_PID"
	wait "$SERVER_PID"
	ended=$(now_ns)
	sleep 0.3
	vista_stop
	text=$(cat "$out")
	client=$(grep -E " TCP $IP_A:[0-9]+->$IP_B:$P9\(tcp\)" <<<"$text")
	like "$client" "\[sockpeer\($CLIENT_PID\)\] +TCP .* lifetime=[^ ]+\(partial\) .* rx_bytes=301 tx_bytes=4002 " \
		"a connection open before vista started is reported when it closes, its lifetime partial"
	like "$text" "\] +TCP $IP_B:$P9->$IP_A:[0-9]+\(tcp\) .* lifetime=[^ ]+\(partial\) .* rx_bytes=4001 tx_bytes=301 state=LAST_ACK$" \
		"so is the server's end of it"
	l=$(sed -nE 's/.* lifetime=([^ (]+)\(partial\).*/\1/p' <<<"$client")
	cmp_ok "$(duration_ns "$l")" -ge 300000000 "the partial lifetime ($l) covers the 0.3 s it stayed open under vista"
	cmp_ok "$(duration_ns "$l")" -le $((ended - before)) "not from when the connection began, 0.5 s earlier"
	# The iterator listed both ends at the start (not printed: a line tells how a connection ended).
	run_capture "$VISTA" --replay "$tmpdir/partial.vrec" --output-tcp --output-tuple
	like "$RUN_ERR" "Replaying .*: 4 events recorded" "the recording holds both ends listed at the start, and their 2 closes"
	is "$RUN_OUT" "$text" "which replay as the live lines"
fi

# ---------------------------------------------------------------- with the skb hooks

P10=$((BASE + 9))
out=$tmpdir/both.out
if vista_start "$out" --filter-trace-tcp --filter-trace-skb --output-tcp --output-tuple --filter-port "$P10"; then
	server "$P10" "$IP_B" 10
	in_a "$SOCKPEER" tcp-client "$IP_B" "$P10" 10 >/dev/null 2>&1
	wait "$SERVER_PID"
	sleep 0.3
	vista_stop
	text=$(cat "$out")
	like "$(cat "$VISTA_ERR")" "Attached [0-9]+ tracepoints and the TCP socket iterator" "skb hooks and TCP tracing attach together"
	like "$text" " netif_receive_skb $IP_A:[0-9]+->$IP_B:$P10\(tcp\)$" "the segments are traced"
	is "$(grep -c ' TCP ' <<<"$text")" 2 "and so are the two ends of the connection, in the same output"
fi

# ---------------------------------------------------------------- filters changed while tracing (SIGUSR2)

P11=$((BASE + 10))
P12=$((BASE + 11))
out=$tmpdir/reload.out
echo "port $P11" >"$tmpdir/reload.filters"
if vista_start "$out" --filter-trace-tcp --output-tuple --filter-file "$tmpdir/reload.filters"; then
	echo "port $P12" >"$tmpdir/reload.filters"
	kill -USR2 "$VISTA_PID"
	for ((i = 0; i < 50; i++)); do
		grep -q "Filters now: port $P12" "$VISTA_ERR" && break
		sleep 0.1
	done
	like "$(cat "$VISTA_ERR")" "Filters now: port $P12" "SIGUSR2 applies the new filter file"
	for p in "$P11" "$P12"; do
		server "$p" "$IP_B" 10
		in_a "$SOCKPEER" tcp-client "$IP_B" "$p" 10 >/dev/null 2>&1
		wait "$SERVER_PID"
	done
	sleep 0.3
	vista_stop
	text=$(cat "$out")
	is "$(grep -c " TCP .*:${P12}[-(]" <<<"$text")" 2 "TCP events follow the new filter"
	unlike "$text" ":${P11}[-(]" "and no longer the old one"
fi

# ---------------------------------------------------------------- errors: one line, exit 1, nothing attached

"$BTF_HIDE" /sys/kernel/btf/vmlinux "$tmpdir/no-rst.btf" btf_trace_tcp_receive_reset >/dev/null &&
	"$BTF_HIDE" /sys/kernel/btf/vmlinux "$tmpdir/no-iter.btf" bpf_iter_tcp >/dev/null ||
	fail "btf_hide makes kernel descriptions without tcp_receive_reset and iter/tcp"
CASES=(
	"--output-tcp                                     => vista: --output-tcp has no effect without --filter-trace-tcp"
	"--filter-tcp-lifetime 1s                         => vista: --filter-tcp-lifetime has no effect without --filter-trace-tcp"
	"--filter-sk-mark 7                               => vista: --filter-sk-mark has no effect without --filter-trace-sk or --filter-trace-tcp"
	"--filter-trace-tcp --filter-tcp-lifetime 5x      => vista: invalid argument \"5x\" for \"--filter-tcp-lifetime\" flag: unknown unit \"x\" in duration \"5x\""
	"--filter-trace-tcp --filter-sk-mark 0x1/0xff     => vista: invalid argument \"0x1/0xff\" for \"--filter-sk-mark\" flag: invalid syntax"
	"--filter-trace-tcp --filter-sk-func tcp_sendmsg  => vista: --filter-sk-func has no effect without --filter-trace-sk"
	"--filter-trace-tcp --kernel-btf $tmpdir/no-rst.btf  => vista: --filter-trace-tcp needs the tracepoint tcp:tcp_receive_reset, which the kernel described by --kernel-btf does not have"
	"--filter-trace-tcp --kernel-btf $tmpdir/no-iter.btf => vista: --filter-trace-tcp needs BPF iterators over TCP sockets (iter/tcp), which the kernel described by --kernel-btf does not have"
)
for case in "${CASES[@]}"; do
	read -r -a args <<<"${case%% => *}"
	want=${case#* => }
	vista_run_expect_error "${args[@]}"
	is "$RUN_STATUS $RUN_ERR" "1 $want" "${args[*]}: exit 1 and one line"
done
is "$(bpf_vista_objects_settle 0)" 0 "no vista program or link left"
done_testing
