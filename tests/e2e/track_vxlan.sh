#!/usr/bin/env bash
# --filter-track-skb through a vxlan tunnel between two namespaces, on the
# tracepoint backend: a filter on the inner destination matches the ping
# request on A's vxlan device; the same skb (the kernel pushes the outer
# headers onto it and pulls them off again, the pointer never changes) is
# then followed as the outer UDP datagram on A's veth, across into B, and
# to its free in B, decapsulated on B's vxlan device. Without the flag the
# outer datagram is not reported.
. "$E2E_LIB"
require_root
require_cmd ping ip
ns_pair_setup
IN_A=100.64.79.1
IN_B=100.64.79.2
VNI=4279
ID=4280

for side in a b; do
	if [ $side = a ]; then local_ip=$IP_A remote=$IP_B dev=$VETH_A inner=$IN_A; else
		local_ip=$IP_B remote=$IP_A dev=$VETH_B inner=$IN_B
	fi
	"in_$side" ip link add vx0 type vxlan id $VNI local "$local_ip" remote "$remote" dstport 4789 dev "$dev" ||
		BAIL_OUT "vxlan device in $side"
	"in_$side" ip addr add "$inner/24" dev vx0 || BAIL_OUT "inner address in $side"
	"in_$side" ip link set vx0 up || BAIL_OUT "vxlan up in $side"
done
IFINDEX_VX_A=$(in_a cat /sys/class/net/vx0/ifindex)
IFINDEX_VX_B=$(in_b cat /sys/class/net/vx0/ifindex)
# Neighbours resolved first, inside and outside the tunnel.
in_a ping -c 1 -W 2 "$IN_B" >/dev/null 2>&1 || BAIL_OUT "no ping through the tunnel"

req="$IN_A->$IN_B\(icmp request id=$ID seq=1\)"
outer="$IP_A:[0-9]+->$IP_B:4789\(udp\)"

out=$tmpdir/track.out
if vista_start "$out" --filter-track-skb --filter-addr "$IN_B" --output-tuple --output-meta; then
	ok "ping through the tunnel" in_a ping -c 1 -W 2 -e "$ID" "$IN_B"
	sleep 0.3
	vista_stop
	is "$VISTA_STATUS" 0 "vista exits 0"
	text=$(cat "$out")
	line=$(grep -E "net_dev_start_xmit netns=$NETNS_INODE_A .* iface=$IFINDEX_VX_A\(vx0\) .* $req" "$out" | head -1)
	like "$line" "." "the request is sent on A's vxlan device"
	skb=${line%% *}
	skb=${skb##* }
	like "$(grep -F "$skb " "$out")" "net_dev_start_xmit netns=$NETNS_INODE_A .* iface=$IFINDEX_A\($VETH_A\) .* $outer" \
		"encapsulated: the same skb leaves A's veth as the outer datagram"
	like "$(grep -F "$skb " "$out")" "netns=$NETNS_INODE_B .* iface=$IFINDEX_B\($VETH_B\) .* $outer" \
		"and is followed into B"
	like "$(grep -F "$skb " "$out")" "consume_skb netns=$NETNS_INODE_B .* iface=$IFINDEX_VX_B\(vx0\) .* $req" \
		"decapsulated: it ends consumed in B on B's vxlan device, the inner request again"
fi

out=$tmpdir/notrack.out
if vista_start "$out" --filter-addr "$IN_B" --output-tuple --output-meta; then
	ok "ping through the tunnel again" in_a ping -c 1 -W 2 -e "$ID" "$IN_B"
	sleep 0.3
	vista_stop
	text=$(cat "$out")
	like "$text" "iface=$IFINDEX_VX_A\(vx0\) .* $req" "without --filter-track-skb the inner request is seen"
	unlike "$text" "$outer" "but not the outer datagram"
fi
is "$(bpf_vista_objects_settle 0)" 0 "no vista program or link left"
done_testing
