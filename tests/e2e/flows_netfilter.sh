#!/usr/bin/env bash
# --output-flows with --filter-trace-iptables: a ping request dropped by an
# iptables rule in B ends its flow block as dropped, with the reason, where,
# and the netfilter table and hook that said DROP; the netfilter event is
# one of its hops.
. "$E2E_LIB"
require_root
require_cmd ping iptables ip
ns_pair_setup
ID=4391

in_a ping -c 1 -W 2 "$IP_B" >/dev/null 2>&1 || BAIL_OUT "no ping between the namespaces"
in_b iptables -t filter -A INPUT -p icmp --icmp-type echo-request -j DROP || BAIL_OUT "iptables in $NS_B"
out=$tmpdir/flows.out
if vista_start "$out" --output-flows --filter-trace-iptables --filter-addr "$IP_B" --filter-protocol icmp; then
	in_a ping -c 1 -W 1 -e "$ID" "$IP_B" >/dev/null 2>&1
	is "$?" 1 "the ping gets no answer"
	sleep 0.3
	vista_stop
	is "$VISTA_STATUS" 0 "vista exits 0"
	req=$(awk -v t="$IP_A->$IP_B(icmp request id=$ID seq=1)" \
		'/^flow skb=/ { on = index($0, t) > 0 } on { print } on && /^  fate:/ { exit }' "$out")
	like "$req" "^flow skb=0x[0-9a-f]+ $IP_A->$IP_B\(icmp request id=$ID seq=1\) hops=[0-9]+ time=" \
		"the request has a flow block"
	like "$req" $'\n'" +[0-9.]+[nµm]?s +[0-9.]+[nµm]?s +nf_hook_slow table=filter hook=INPUT verdict=DROP netns=$NETNS_INODE_B"$'\n' \
		"one hop is the netfilter verdict in $NS_B"
	like "$req" $'\n''  netns: '"$NETNS_INODE_A -> $NETNS_INODE_B"$'\n' "it crossed into $NS_B"
	like "$req" $'\n''  fate: dropped SKB_DROP_REASON_NETFILTER_DROP at nf_hook_slow\+0x[0-9a-f]+ table=filter hook=INPUT$' \
		"its fate: dropped by the filter table at INPUT"
	unlike "$(cat "$out")" "icmp reply id=$ID" "no reply"
fi
is "$(bpf_vista_objects_settle 0)" 0 "no vista program or link left"
done_testing
