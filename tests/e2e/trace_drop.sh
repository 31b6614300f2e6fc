#!/usr/bin/env bash
# Drops name their reason from the kernel's own BTF enum; --filter-skb-drop-stack adds the stack.
. "$E2E_LIB"
require_root
require_cmd ping iptables socat ip
ns_pair_setup
ID=777

# stack_of TEXT ERE: the stack lines under the first event line matching ERE.
stack_of() {
	awk -v re="$2" 'on && /^    / { print; next } { on = 0 } !done && $0 ~ re { on = 1; done = 1 }' <<<"$1"
}

in_b iptables -A INPUT -p icmp --icmp-type echo-request -j DROP || BAIL_OUT "iptables in $NS_B"
out=$tmpdir/drop.out
if vista_start "$out" --output-meta --output-tuple --filter-netns "/run/netns/$NS_B"; then
	in_a ping -c 1 -W 1 -e "$ID" "$IP_B" >/dev/null 2>&1
	is "$?" 1 "the ping gets no answer"
	vista_stop
	like "$(cat "$out")" "kfree_skb\(SKB_DROP_REASON_NETFILTER_DROP\) netns=$NETNS_INODE_B mark=0x0 iface=$IFINDEX_B\($VETH_B\) proto=0x0800 .* $IP_A->$IP_B\(icmp request id=$ID seq=1\)" \
		"the iptables DROP is named NETFILTER_DROP, on the request, in $NS_B"
fi

out=$tmpdir/dropstack.out
if vista_start "$out" --filter-skb-drop-stack --output-tuple --filter-netns "/run/netns/$NS_B"; then
	in_a ping -c 1 -W 1 -e "$ID" "$IP_B" >/dev/null 2>&1
	# A UDP datagram to a port nobody listens on.
	in_a socat -u - UDP4:$IP_B:9,sourceport=40999 <<<"x" 2>/dev/null
	sleep 0.3
	vista_stop
	text=$(cat "$out")
	like "$text" "kfree_skb\(SKB_DROP_REASON_NETFILTER_DROP\) $IP_A->$IP_B\(icmp request id=$ID seq=1\)" \
		"drop-stack mode reports the drop"
	like "$text" $'\n    nf_hook_slow\\+0x[0-9a-f]+' "its stack shows the netfilter hook"
	like "$text" "kfree_skb\(SKB_DROP_REASON_NO_SOCKET\) $IP_A:40999->$IP_B:9\(udp\)" \
		"UDP to a closed port: NO_SOCKET"
	like "$(stack_of "$text" "SKB_DROP_REASON_NO_SOCKET.* $IP_A:40999")" '^    __udp4_lib_rcv\+0x[0-9a-f]+$' \
		"with its stack, through __udp4_lib_rcv"
	unlike "$text" "(consume_skb|net_dev_xmit|netif_receive_skb) " "only drops are reported"
fi
is "$(bpf_vista_objects_settle 0)" 0 "no vista program or link left"
done_testing
