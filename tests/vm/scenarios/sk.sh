# shellcheck shell=bash disable=SC2016,SC2034,SC2154 # conditions are eval'd by check; vista, work, IP_* come from the runner
# SPDX-License-Identifier: GPL-2.0-only
#
# Kernel-matrix scenario: functions taking a struct sock * on each function
# backend (see tests/e2e/kernel_backends.sh for the contract). A TCP client
# in A sends 1000 bytes to a server in B and reads 2000 back, while vista
# traces socket functions with --filter-trace-sk:
#   - tcp_sendmsg shows the client's socket, its tuple from its own side and
#     --output-sk's fields (ESTABLISHED, SOCK_STREAM, CONNECTED);
#   - tcp_v4_do_rcv (it takes the socket and the segment; tcp_v4_rcv takes
#     only the segment) shows the server's socket, its tuple from B's side;
#   - --filter-sk-func narrows the functions: tcp_v4_connect alone shows
#     only the client's connect and no tcp_sendmsg;
#   - a port filter nobody uses shows nothing.
# The functions are narrowed: attaching all ~1k socket functions takes
# minutes under emulation.

SCENARIO_CHECKS+=(sk-attach sk-tcp_sendmsg sk-tcp_v4_do_rcv sk-func-narrow sk-filter-negative)
SK_FUNCS='tcp_sendmsg|tcp_v4_do_rcv|tcp_v4_connect|tcp_recvmsg'
SK_PORT=47011

# sk_talk OUT: a TCP client in A talks to a server in B on SK_PORT, their output in OUT.client
# and OUT.server (a trace_with workload).
sk_talk() {
	local out=$1 peer i
	peer=$(dirname "$vista")/tests/e2e/sockpeer
	rm -f "$work/listening"
	in_b "$peer" --ready "$work/listening" tcp-server "$IP_B" "$SK_PORT" 2000 >"$out.server" 2>&1 &
	for ((i = 0; i < 100; i++)); do
		[ -e "$work/listening" ] && break
		sleep 0.1
	done
	in_a "$peer" tcp-client "$IP_B" "$SK_PORT" 1000 >"$out.client" 2>&1
	wait $!
}

scenario_sk() {
	local b=$1 tuple_a="$IP_A:[0-9]+->$IP_B:$SK_PORT\(tcp\)" tuple_b="$IP_B:$SK_PORT->$IP_A:[0-9]+\(tcp\)"
	trace_with sk_talk "$work/sk" --kprobe-backend "$b" --filter-trace-sk --output-sk --filter-sk-func "$SK_FUNCS"
	check "$b sk-attach" 'grep -q "Attached 4 hooks" "$work/sk.err" && grep -q "^received 2000" "$work/sk.client"' \
		"$(tr '\n' '|' <"$work/sk.err") client: $(cat "$work/sk.client")"
	check "$b sk-tcp_sendmsg" 'grep -qE "\[sockpeer\([0-9]+\)\] +tcp_sendmsg $tuple_a family=AF_INET protocol=IPPROTO_TCP skc_state=ESTABLISHED .* sk_type=SOCK_STREAM socket_state=CONNECTED " "$work/sk"' \
		"$(grep -m3 tcp_sendmsg "$work/sk" | tr '\n' '|')"
	check "$b sk-tcp_v4_do_rcv" 'grep -qE " tcp_v4_do_rcv $tuple_b family=AF_INET protocol=IPPROTO_TCP skc_state=" "$work/sk"' \
		"$(grep -m3 tcp_v4_do_rcv "$work/sk" | tr '\n' '|')"
	trace_with sk_talk "$work/narrow" --kprobe-backend "$b" --filter-trace-sk --filter-sk-func tcp_v4_connect
	check "$b sk-func-narrow" 'grep -q "Attached 1 hooks" "$work/narrow.err" && grep -qE "\[sockpeer\([0-9]+\)\] +tcp_v4_connect " "$work/narrow" && ! grep -q tcp_sendmsg "$work/narrow"' \
		"$(tr '\n' '|' <"$work/narrow.err") $(head -c 600 "$work/narrow" | tr '\n' '|')"
	trace_with sk_talk "$work/sknone" --kprobe-backend "$b" --filter-trace-sk --filter-sk-func "$SK_FUNCS" --filter-port 47999
	check "$b sk-filter-negative" '! grep -q "tcp_" "$work/sknone" && grep -q "status=0" "$work/sknone.err"' \
		"$(tr '\n' '|' <"$work/sknone.err") $(head -c 300 "$work/sknone" | tr '\n' '|')"
}
