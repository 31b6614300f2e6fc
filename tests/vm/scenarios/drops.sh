# shellcheck shell=bash disable=SC2016,SC2034,SC2154 # conditions are eval'd by check; vista, work, IP_*, NS_*, VETH_* come from the runner
# SPDX-License-Identifier: GPL-2.0-only
#
# Kernel-matrix scenario: --filter-skb-drop-stack on each function backend
# (see tests/e2e/kernel_backends.sh for the contract), the drops of
# tests/e2e/drops_reasons.sh that need no rule (track.sh has the DROP
# rule's): from A, a ping to an address B neither owns nor forwards, a
# datagram to a port of B nobody listens on, and datagrams to a socket of
# B whose receive buffer is full; then a ping B answers.
#   - drop-unroutable: kfree_skb(SKB_DROP_REASON_IP_INADDRERRORS), stack through ip_error;
#   - drop-closed-port: kfree_skb(SKB_DROP_REASON_NO_SOCKET), stack through __udp4_lib_rcv;
#   - drop-rcvbuf: kfree_skb(SKB_DROP_REASON_SOCKET_RCVBUFF), stack through udp_queue_rcv_one_skb;
#   - drop-not-consumed: the answered ping and consumed skbs are no drops.

SCENARIO_CHECKS+=(drop-unroutable drop-closed-port drop-rcvbuf drop-not-consumed)

DROPS_NOWHERE=203.0.113.9 DROPS_FULL_PORT=9100 DROPS_CLOSED_PORT=9199

# drops_send: the traffic of the scenario (a trace_with workload).
drops_send() {
	local i
	in_a ping -c 1 -W 1 -e 4444 "$DROPS_NOWHERE" >/dev/null 2>&1
	in_a socat -u - "UDP4:$IP_B:$DROPS_CLOSED_PORT,sourceport=41999" <<<x 2>/dev/null
	for ((i = 0; i < 20; i++)); do
		head -c 1000 /dev/zero | in_a socat -u - "UDP4:$IP_B:$DROPS_FULL_PORT,sourceport=41000" 2>/dev/null
	done
	in_a ping -c 1 -W 2 -e 4445 "$IP_B" >/dev/null 2>&1
}

# drops_stack OUT TEXT: the stack lines under the first event line of OUT that contains TEXT.
drops_stack() {
	awk -v t="$2" 'on && /^    / { print; next } { on = 0 } !done && index($0, t) { on = 1; done = 1 }' "$1"
}

scenario_drops() {
	local b=$1 out=$work/drops receiver i
	ip -n "$NS_A" route add "$DROPS_NOWHERE/32" dev "$VETH_A" 2>/dev/null
	in_a ip neigh replace "$DROPS_NOWHERE" lladdr "$(in_b cat "/sys/class/net/$VETH_B/address")" dev "$VETH_A"
	in_b sysctl -qw net.ipv4.ip_forward=0
	rm -f "$work/full.ready"
	# A receiver that never reads, with the smallest buffer the kernel allows: the second datagram is dropped.
	ip netns exec "$NS_B" python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
open(sys.argv[3], "w").close()
time.sleep(3600)' "$IP_B" "$DROPS_FULL_PORT" "$work/full.ready" &
	receiver=$!
	for ((i = 0; i < 100; i++)); do
		[ -e "$work/full.ready" ] && break
		sleep 0.1
	done

	trace_with drops_send "$out" --kprobe-backend "$b" --filter-skb-drop-stack --output-meta \
		--filter-netns "/run/netns/$NS_B"
	kill "$receiver" 2>/dev/null
	wait "$receiver" 2>/dev/null
	ip -n "$NS_A" route del "$DROPS_NOWHERE/32" 2>/dev/null

	local diag
	diag="$(grep -m6 'kfree_skb' "$out" | tr '\n' '|') $(tr '\n' '|' <"$out.err")"
	check "$b drop-unroutable" 'grep -q "kfree_skb(SKB_DROP_REASON_IP_INADDRERRORS) .* $IP_A->$DROPS_NOWHERE(icmp request id=4444 seq=1)" "$out" &&
		drops_stack "$out" SKB_DROP_REASON_IP_INADDRERRORS | grep -q "^    ip_error+0x[0-9a-f]*$"' "$diag"
	check "$b drop-closed-port" 'grep -q "kfree_skb(SKB_DROP_REASON_NO_SOCKET) .* $IP_A:41999->$IP_B:$DROPS_CLOSED_PORT(udp)" "$out" &&
		drops_stack "$out" SKB_DROP_REASON_NO_SOCKET | grep -q "^    __udp4_lib_rcv+0x[0-9a-f]*$"' "$diag"
	check "$b drop-rcvbuf" 'grep -q "kfree_skb(SKB_DROP_REASON_SOCKET_RCVBUFF) .* $IP_A:41000->$IP_B:$DROPS_FULL_PORT(udp)" "$out" &&
		drops_stack "$out" SKB_DROP_REASON_SOCKET_RCVBUFF | grep -q "^    udp_queue_rcv_one_skb+0x[0-9a-f]*$"' "$diag"
	check "$b drop-not-consumed" 'grep -q "status=0" "$out.err" && ! grep -qE "icmp (request|reply) id=4445|consume_skb|SKB_CONSUMED" "$out"' \
		"$diag"
}
