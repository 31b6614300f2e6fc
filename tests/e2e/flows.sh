#!/usr/bin/env bash
# --output-flows: one block per skb when it is freed. A ping request through
# a veth pair crosses both devices and both namespaces and is consumed in B
# by the ICMP code that answers it; the reply is delivered to ping's socket.
. "$E2E_LIB"
require_root
require_cmd ping ip
ns_pair_setup
ID=4343

# Neighbours resolved first: a request held for ARP shows another path.
in_a ping -c 1 -W 2 "$IP_B" >/dev/null 2>&1 || BAIL_OUT "no ping between the namespaces"
out=$tmpdir/flows.out
if vista_start "$out" --output-flows --filter-addr "$IP_B" --filter-protocol icmp; then
	ok "ping B from A" in_a ping -c 1 -W 2 -e "$ID" "$IP_B"
	sleep 0.3
	vista_stop
	is "$VISTA_STATUS" 0 "vista exits 0"
	text=$(cat "$out")
	# The request's block, from its title to its fate.
	req=$(awk -v t="$IP_A->$IP_B(icmp request id=$ID seq=1)" \
		'/^flow skb=/ { on = index($0, t) > 0 } on { print } on && /^  fate:/ { exit }' "$out")
	like "$req" "^flow skb=0x[0-9a-f]+ $IP_A->$IP_B\(icmp request id=$ID seq=1\) hops=[0-9]+ time=" \
		"the request has a flow block with its tuple"
	like "$req" $'\n +[0-9.]+[nµm]?s +- +net_dev_queue iface='"$IFINDEX_A\($VETH_A\) netns=$NETNS_INODE_A" \
		"its first hop is the queue of $VETH_A in $NS_A"
	like "$req" $'\n''  devices: '"$IFINDEX_A\($VETH_A\)@$NETNS_INODE_A -> $IFINDEX_B\($VETH_B\)@$NETNS_INODE_B"$'\n' \
		"it lists both devices, in order"
	like "$req" $'\n''  netns: '"$NETNS_INODE_A -> $NETNS_INODE_B"$'\n' "and both namespaces"
	like "$req" $'\n''  nat: none'$'\n' "no rewrite"
	like "$req" $'\n''  fate: consumed at icmp_rcv\+0x[0-9a-f]+$' "it ends consumed by icmp_rcv in B"
	like "$text" "flow skb=0x[0-9a-f]+ $IP_B->$IP_A\(icmp reply id=$ID seq=1\) .*"$'\n''  fate: delivered to a socket at skb_copy_datagram_iovec in ping\([0-9]+\)' \
		"a reply is delivered to ping's socket"
	unlike "$text" "SKB/SK" "no event header in flow mode"
fi
is "$(bpf_vista_objects_settle 0)" 0 "no vista program or link left"
done_testing
