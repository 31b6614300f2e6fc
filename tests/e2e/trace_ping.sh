#!/usr/bin/env bash
# ping across a veth pair: request and reply lines carry the right addresses,
# ICMP id and seq, the veth's ifindex and name, and each namespace's inode.
. "$E2E_LIB"
require_root
require_cmd ping ip
ns_pair_setup
ID=4242

out=$tmpdir/ping.out
if vista_start "$out" --output-meta --output-tuple; then
	ok "ping $IP_B from $NS_A" in_a ping -c 2 -i 0.2 -W 2 -e "$ID" "$IP_B"
	ok "ping -6 $IP6_B from $NS_A" in_a ping -6 -c 2 -i 0.2 -W 2 -e "$ID" "$IP6_B"
	vista_stop
	is "$VISTA_STATUS" 0 "vista exits 0 on SIGINT"
	text=$(cat "$out")
	like "$(head -1 "$out")" '^ +SKB/SK +CPU +PROCESS +FUNC$' "the header line"
	like "$text" "\[ping\([0-9]+\)\] +net_dev_queue netns=$NETNS_INODE_A mark=0x0 iface=$IFINDEX_A\($VETH_A\) proto=0x0800 mtu=1500 len=98 pkt_type=HOST $IP_A->$IP_B\(icmp request id=$ID seq=1\)" \
		"request queued on $VETH_A by ping, in $NS_A"
	like "$text" "netif_receive_skb netns=$NETNS_INODE_B mark=0x0 iface=$IFINDEX_B\($VETH_B\) proto=0x0800 mtu=1500 len=84 pkt_type=HOST $IP_A->$IP_B\(icmp request id=$ID seq=2\)" \
		"request received on $VETH_B, in $NS_B"
	like "$text" "net_dev_start_xmit netns=$NETNS_INODE_B mark=0x0 iface=$IFINDEX_B\($VETH_B\) proto=0x0800 mtu=1500 len=98 pkt_type=HOST $IP_B->$IP_A\(icmp reply id=$ID seq=1\)" \
		"reply sent on $VETH_B"
	like "$text" "netif_receive_skb netns=$NETNS_INODE_A mark=0x0 iface=$IFINDEX_A\($VETH_A\) proto=0x0800 mtu=1500 len=84 pkt_type=HOST $IP_B->$IP_A\(icmp reply id=$ID seq=2\)" \
		"reply received on $VETH_A"
	like "$text" "net_dev_queue netns=$NETNS_INODE_A .* proto=0x86dd .* $IP6_A->$IP6_B\(icmp6 request id=$ID seq=1\)" \
		"ICMPv6 request"
	like "$text" "netif_receive_skb netns=$NETNS_INODE_A .* proto=0x86dd .* $IP6_B->$IP6_A\(icmp6 reply id=$ID seq=2\)" \
		"ICMPv6 reply"
	like "$text" "^0xffff[0-9a-f]{12} +[0-9]+ " "skb address and CPU columns"
	# One skb keeps its address along the way: the request's queue and xmit lines share it.
	skb=$(grep -E "net_dev_queue .*$IP_A->$IP_B\(icmp request id=$ID seq=1\)" "$out" | head -1 | awk '{print $1}')
	like "$(grep -E "^$skb .*net_dev_xmit .*$IP_A->$IP_B\(icmp request id=$ID seq=1\)" "$out")" "net_dev_xmit" \
		"the same skb address at net_dev_queue and net_dev_xmit"
	like "$(cat "$out.err")" "[0-9]+ events received, 0 lost" "counts on stderr at exit"
fi
is "$(bpf_vista_objects_settle 0)" 0 "no vista program or link left"
done_testing
