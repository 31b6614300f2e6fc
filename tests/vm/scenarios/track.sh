# shellcheck shell=bash disable=SC2016,SC2034,SC2154 # conditions are eval'd by check; work, IP_*, NETNS_* come from the runner
# SPDX-License-Identifier: GPL-2.0-only
#
# Kernel-matrix scenario: --filter-track-skb and --filter-skb-drop-stack on
# each function backend (see tests/e2e/kernel_backends.sh for the contract):
#   - clone-followed: a packet socket bound to B's veth makes packet_rcv
#     clone every skb it shares with the IP stack. The filter names A's
#     namespace, which only the original request matches (at
#     __dev_queue_xmit in A); the original is followed into B by its
#     pointer, and its clone, made in B, is reported too: the packet
#     socket's reader copies a request out of an skb never seen in A
#     (skb_copy_datagram_iter). Only the programs on skb_clone's return
#     (fexit, kretprobe) can do that.
#   - clone-needs-track: without --filter-track-skb nothing of B is reported.
#   - drop-stack: an iptables DROP rule in B gives
#     kfree_skb(SKB_DROP_REASON_NETFILTER_DROP) with a stack through
#     nf_hook_slow.
#   - dnat-*: a ping to a service address that an iptables DNAT rule in B
#     rewrites to B's address, traced with a filter on the service address:
#     with --filter-track-skb the request is followed past the rewrite, to
#     icmp_rcv in B with the backend address; without it, it is lost there.
#   - vxlan-*: a ping through a vxlan tunnel between A and B, traced with a
#     filter on the inner address: with --filter-track-skb the same skb is
#     followed as the outer UDP datagram on A's veth (encapsulated), to
#     ip_rcv on B's veth, and to icmp_rcv in B on B's vxlan device with the
#     inner request again (decapsulated);
#     without it the outer datagram is not reported.
#   - flow-*: the --output-flows block of a ping request through the veth
#     pair names both devices and namespaces in order, the functions it
#     passed in B (what only the function backends see: ip_rcv, icmp_rcv)
#     and its fate, consumed by the ICMP code that answers it. Before Linux
#     6.3 the consume_skb tracepoint has no caller argument: on 6.1 the
#     fate names no location.

SCENARIO_CHECKS+=(clone-followed clone-needs-track drop-stack dnat-before dnat-followed dnat-needs-track
	vxlan-inner vxlan-encap vxlan-into-b vxlan-decap vxlan-needs-track
	flow-title flow-devices flow-netns flow-hops flow-fate)
TRACK_FUNCS='__dev_queue_xmit|packet_rcv|skb_copy_datagram_iter|ip_rcv|icmp_rcv|kfree_skb|consume_skb'

# track_sniffer READY: a packet socket on B's veth that reads (and so frees) what it gets, for 15 minutes at
# most (it is killed after the traces; attaching alone took 100 s under emulation on a busy machine).
track_sniffer() {
	# Not through in_b: a function run in the background is a subshell, and killing it would leave python running.
	ip netns exec "$NS_B" python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind((sys.argv[1], 0))
s.settimeout(1)
open(sys.argv[2], "w").close()
end = time.time() + 900
while time.time() < end:
    try:
        s.recv(65536)
    except socket.timeout:
        pass' "$VETH_B" "$1" &
	track_sniffer_pid=$!
	for ((i = 0; i < 100; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# track_clones FILE: the lines of requests copied out in B from an skb whose
# address no line in A has had since that address was last freed (the
# kernel hands a freed address to the next skb at once).
track_clones() {
	awk -v a="netns=$NETNS_INODE_A " -v b="skb_copy_datagram_iter netns=$NETNS_INODE_B " \
		-v req="$IP_A->$IP_B(icmp request" '
		index($0, b) && index($0, req) && !seen[$1] { print }
		index($0, a) { seen[$1] = 1 }
		/ (consume_skb|kfree_skb)/ { seen[$1] = 0 }' "$1"
}

scenario_track() {
	local b=$1 req="$IP_A->$IP_B(icmp request" ns_a="/run/netns/$NS_A" log stack
	rm -f "$work/sniffer.ready"
	if ! track_sniffer "$work/sniffer.ready"; then
		check "$b clone-followed" false "the packet socket in B did not start"
		check "$b clone-needs-track" false "the packet socket in B did not start"
	else
		trace "$work/track" --kprobe-backend "$b" --filter-track-skb --filter-netns "$ns_a" --output-meta \
			--filter-skb-func "$TRACK_FUNCS"
		log="$(tr '\n' '|' <"$work/track.err") $(grep -F "$req" "$work/track" | head -16 | cut -c1-200 | tr '\n' '|')"
		check "$b clone-followed" '[ -n "$(track_clones "$work/track")" ] && grep -q "status=0" "$work/track.err"' \
			"$log"
		trace "$work/notrack" --kprobe-backend "$b" --filter-netns "$ns_a" --output-meta --filter-skb-func "$TRACK_FUNCS"
		check "$b clone-needs-track" \
			'grep -qF "netns=$NETNS_INODE_A" "$work/notrack" && ! grep -qF "netns=$NETNS_INODE_B" "$work/notrack"' \
			"$(head -6 "$work/notrack" | tr '\n' '|')"
		kill "$track_sniffer_pid" 2>/dev/null
		wait "$track_sniffer_pid" 2>/dev/null
	fi

	in_b iptables -A INPUT -p icmp -j DROP
	trace "$work/dstack" --kprobe-backend "$b" --filter-skb-drop-stack --filter-addr "$IP_B"
	in_b iptables -D INPUT -p icmp -j DROP
	stack=$(awk -v t="kfree_skb(SKB_DROP_REASON_NETFILTER_DROP) $req" \
		'on && /^    / { print; next } { on = 0 } !done && index($0, t) { on = 1; done = 1 }' "$work/dstack")
	check "$b drop-stack" 'grep -q "^    nf_hook_slow+0x[0-9a-f]*$" <<<"$stack"' \
		"$(head -8 "$work/dstack" | tr '\n' '|') $(tr '\n' '|' <"$work/dstack.err")"

	track_nat_tunnel "$b"
	track_flows "$b"
}

TRACK_SVC=198.51.100.7 TRACK_ID=4242 TRACK_IN_A=100.64.79.1 TRACK_IN_B=100.64.79.2
# Few functions: each fentry program is loaded and attached on its own, which takes seconds under emulation.
TRACK_PATH_FUNCS='__dev_queue_xmit|ip_rcv|icmp_rcv|kfree_skb|consume_skb'

# track_setup: the DNAT rule and the vxlan tunnel, once for every backend.
track_setup() {
	local side
	[ -z "${track_ready:-}" ] || return 0
	track_ready=1
	ip -n "$NS_A" route add "$TRACK_SVC/32" dev "$VETH_A"
	in_a ip neigh replace "$TRACK_SVC" lladdr "$(in_b cat "/sys/class/net/$VETH_B/address")" dev "$VETH_A"
	in_b iptables -t nat -A PREROUTING -d "$TRACK_SVC" -j DNAT --to-destination "$IP_B"
	for side in a b; do
		if [ $side = a ]; then
			in_a ip link add vx0 type vxlan id 4279 local "$IP_A" remote "$IP_B" dstport 4789 dev "$VETH_A"
			in_a ip addr add "$TRACK_IN_A/24" dev vx0
		else
			in_b ip link add vx0 type vxlan id 4279 local "$IP_B" remote "$IP_A" dstport 4789 dev "$VETH_B"
			in_b ip addr add "$TRACK_IN_B/24" dev vx0
		fi
		"in_$side" ip link set vx0 up
	done
	TRACK_VX_A=$(in_a cat /sys/class/net/vx0/ifindex)
	# Neighbours resolved first, inside and outside the tunnel.
	in_a ping -c 1 -W 2 "$TRACK_IN_B" >/dev/null 2>&1
}

# The trace_with workloads: one ping from A to the service address and one through the tunnel; one to B.
# shellcheck disable=SC2317 # called through trace_with
track_ping_nat_tunnel() {
	in_a ping -c 1 -W 2 -e "$TRACK_ID" "$TRACK_SVC" >/dev/null 2>&1
	in_a ping -c 1 -W 2 -e "$TRACK_ID" "$TRACK_IN_B" >/dev/null 2>&1
}
# shellcheck disable=SC2317 # called through trace_with
track_ping_b() { in_a ping -c 1 -W 2 -e "$TRACK_ID" "$IP_B" >/dev/null 2>&1; }

# track_lines FILE PATTERN: the first lines with PATTERN, for a check's detail.
track_lines() { grep -E "$2" "$1" | head -8 | cut -c1-220 | tr '\n' '|'; }

# One trace for both (attaching is what takes time under emulation): the filter names the service
# address and the tunnel's inner address, neither of which the rewritten or encapsulated packet has.
track_nat_tunnel() {
	local b=$1 t=$work/nat-tunnel line skb mine
	local after="$IP_A->$IP_B\(icmp request id=$TRACK_ID seq=1\)"
	local req="$TRACK_IN_A->$TRACK_IN_B\(icmp request id=$TRACK_ID seq=1\)" outer="$IP_A:[0-9]+->$IP_B:4789\(udp\)"
	local filter="host $TRACK_SVC or host $TRACK_IN_B"
	track_setup
	trace_with track_ping_nat_tunnel "$t" --kprobe-backend "$b" --filter-track-skb --output-meta \
		--filter-skb-func "$TRACK_PATH_FUNCS" "$filter"
	trace_with track_ping_nat_tunnel "$t-no" --kprobe-backend "$b" --output-meta \
		--filter-skb-func "$TRACK_PATH_FUNCS" "$filter"

	# ip_rcv runs the PREROUTING hook where DNAT rewrites: on its entry the request still goes to the service.
	check "$b dnat-before" 'grep -qE " ip_rcv netns=$NETNS_INODE_B .* $IP_A->$TRACK_SVC\(icmp request id=$TRACK_ID seq=1\)" "$t"' \
		"$(track_lines "$t" "icmp request") $(tr '\n' '|' <"$t.err")"
	check "$b dnat-followed" 'grep -qE " icmp_rcv netns=$NETNS_INODE_B .* $after" "$t"' "$(track_lines "$t" "icmp request")"
	check "$b dnat-needs-track" \
		'grep -qE " ip_rcv netns=$NETNS_INODE_B .* $IP_A->$TRACK_SVC\(icmp request" "$t-no" && ! grep -qE "$after" "$t-no"' \
		"$(track_lines "$t-no" "icmp request")"

	line=$(grep -E " __dev_queue_xmit netns=$NETNS_INODE_A .* iface=$TRACK_VX_A\(vx0\) .* $req" "$t" | head -1)
	skb=${line%% *}
	mine=$(grep -F "$skb " "$t")
	check "$b vxlan-inner" '[ -n "$line" ]' "$(track_lines "$t" "$TRACK_IN_B|4789")"
	check "$b vxlan-encap" \
		'grep -qE " __dev_queue_xmit netns=$NETNS_INODE_A .* iface=$IFINDEX_A\($VETH_A\) .* $outer" <<<"$mine"' \
		"skb $skb: $(head -8 <<<"$mine" | cut -c1-220 | tr '\n' '|')"
	check "$b vxlan-into-b" 'grep -qE " ip_rcv netns=$NETNS_INODE_B .* iface=$IFINDEX_B\($VETH_B\) .* $outer" <<<"$mine"' \
		"skb $skb: $(head -8 <<<"$mine" | cut -c1-220 | tr '\n' '|')"
	check "$b vxlan-decap" 'grep -qE " icmp_rcv netns=$NETNS_INODE_B .* iface=[0-9]+\(vx0\) .* $req" <<<"$mine"' \
		"skb $skb: $(grep -E 'icmp_rcv|consume_skb' <<<"$mine" | head -4 | cut -c1-220 | tr '\n' '|')"
	check "$b vxlan-needs-track" 'grep -qE "iface=$TRACK_VX_A\(vx0\) .* $req" "$t-no" && ! grep -qE "$outer" "$t-no"' \
		"$(track_lines "$t-no" "$TRACK_IN_B|4789")"
}

track_flows() {
	local b=$1 t=$work/flows blk
	trace_with track_ping_b "$t" --kprobe-backend "$b" --output-flows --filter-addr "$IP_B" --filter-protocol icmp \
		--filter-skb-func "$TRACK_PATH_FUNCS"
	# The request's block, from its title to its fate.
	blk=$(awk -v t="$IP_A->$IP_B(icmp request id=$TRACK_ID seq=1)" \
		'/^flow skb=/ { on = index($0, t) > 0 } on { print } on && /^  fate:/ { exit }' "$t")
	check "$b flow-title" \
		'grep -qE "^flow skb=0x[0-9a-f]+ $IP_A->$IP_B\(icmp request id=$TRACK_ID seq=1\) hops=[0-9]+ time=" <<<"$blk"' \
		"$(head -c 600 "$t" | tr '\n' '|') $(tr '\n' '|' <"$t.err")"
	check "$b flow-devices" 'grep -qxF "  devices: $IFINDEX_A($VETH_A)@$NETNS_INODE_A -> $IFINDEX_B($VETH_B)@$NETNS_INODE_B" <<<"$blk"' \
		"$(tr '\n' '|' <<<"$blk")"
	check "$b flow-netns" 'grep -qxF "  netns: $NETNS_INODE_A -> $NETNS_INODE_B" <<<"$blk"' "$(tr '\n' '|' <<<"$blk")"
	check "$b flow-hops" 'grep -qE " ip_rcv +iface=$IFINDEX_B\($VETH_B\) netns=$NETNS_INODE_B" <<<"$blk" &&
		grep -qE " icmp_rcv +iface=$IFINDEX_B\($VETH_B\) netns=$NETNS_INODE_B" <<<"$blk"' "$(tr '\n' '|' <<<"$blk")"
	local at=' at icmp_rcv\+0x[0-9a-f]+'
	# The consume_skb tracepoint has had the caller's address since Linux 6.3 only.
	[ "$(printf '%s\n' 6.3 "$(uname -r)" | sort -V | head -1)" = 6.3 ] || at=
	check "$b flow-fate" 'grep -qE "^  fate: consumed$at$" <<<"$blk"' "$(tr '\n' '|' <<<"$blk")"
}
