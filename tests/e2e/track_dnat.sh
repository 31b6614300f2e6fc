#!/usr/bin/env bash
# --filter-track-skb: a ping to a service address that an iptables DNAT rule
# rewrites to the backend is followed to the backend address; without the
# flag the filter on the service address loses it at the rewrite.
. "$E2E_LIB"
require_root
require_cmd ping iptables ip
ns_pair_setup
ID=4242
SVC=198.51.100.7

ip -n "$NS_A" route add "$SVC/32" dev "$VETH_A" || BAIL_OUT "route to $SVC in $NS_A"
in_a ip neigh add "$SVC" lladdr "$(in_b cat /sys/class/net/"$VETH_B"/address)" dev "$VETH_A" ||
	BAIL_OUT "neighbour $SVC in $NS_A"
in_b iptables -t nat -A PREROUTING -d "$SVC" -j DNAT --to-destination "$IP_B" || BAIL_OUT "DNAT rule in $NS_B"

# The request after the rewrite: its tuple names the backend.
after="$IP_A->$IP_B\(icmp request id=$ID seq=1\)"

out=$tmpdir/track.out
if vista_start "$out" --filter-track-skb --filter-addr "$SVC" --output-tuple --output-meta; then
	ok "the ping through DNAT is answered" in_a ping -c 1 -W 2 -e "$ID" "$SVC"
	vista_stop
	is "$VISTA_STATUS" 0 "vista exits 0"
	text=$(cat "$out")
	like "$text" "net_dev_start_xmit netns=$NETNS_INODE_A .* $IP_A->$SVC\(icmp request id=$ID seq=1\)" \
		"the request is seen leaving $NS_A for the service address"
	like "$text" "netns=$NETNS_INODE_B .* $after" "after DNAT in $NS_B it is still traced, to the backend $IP_B"
	like "$text" "consume_skb netns=$NETNS_INODE_B .* $after" "and followed to its free"
fi

out=$tmpdir/notrack.out
if vista_start "$out" --filter-addr "$SVC" --output-tuple --output-meta; then
	ok "the ping through DNAT is answered again" in_a ping -c 1 -W 2 -e "$ID" "$SVC"
	vista_stop
	text=$(cat "$out")
	like "$text" "$IP_A->$SVC\(icmp request id=$ID seq=1\)" "without --filter-track-skb the request is seen before DNAT"
	unlike "$text" "$after" "but not after it"
fi
is "$(bpf_vista_objects_settle 0)" 0 "no vista program or link left"
done_testing
