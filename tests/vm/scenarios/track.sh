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

SCENARIO_CHECKS+=(clone-followed clone-needs-track drop-stack)
TRACK_FUNCS='__dev_queue_xmit|packet_rcv|skb_copy_datagram_iter|ip_rcv|icmp_rcv|kfree_skb|consume_skb'

# track_sniffer READY: a packet socket on B's veth that reads (and so frees) what it gets, for 60 s at most.
track_sniffer() {
	in_b python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind((sys.argv[1], 0))
s.settimeout(1)
open(sys.argv[2], "w").close()
end = time.time() + 60
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
}
