#!/usr/bin/env bash
# Every structured filter, positive and negative, on real traffic between two namespaces.
. "$E2E_LIB"
require_root
require_cmd ping iptables socat ip
ns_pair_setup
ID=3131

# Idle third namespace: a netns filter on it must see nothing.
NS_C="vista-e2e-$$-c"
ip netns add "$NS_C" && at_exit "ip netns del $NS_C"
NETNS_INODE_C=$(stat -L -c %i "/run/netns/$NS_C")

# Counts the event lines (they start with the skb address).
events() { grep -cE '^0x[0-9a-f]+ ' "$1"; }
# Prints the event lines that do not match ERE.
strays() { grep -E '^0x[0-9a-f]+ ' "$1" | grep -vE "$2" | head -5; }

ping_b() { in_a ping -c 2 -i 0.2 -W 1 -e "$ID" "$IP_B" >/dev/null 2>&1; }
ping6_b() { in_a ping -6 -c 2 -i 0.2 -W 1 -e "$ID" "$IP6_B" >/dev/null 2>&1; }

# trace NAME TRAFFIC-FUNCTION VISTA-ARGS...: runs vista around the traffic, output in $tmpdir/NAME.
trace() {
	local name=$1 traffic=$2
	shift 2
	OUT=$tmpdir/$name
	vista_start "$OUT" --output-meta --output-tuple "$@" || return 1
	$traffic
	sleep 0.2
	vista_stop
	is "$VISTA_STATUS" 0 "$name: vista exits 0"
}

expect_only() { # NAME ERE DESC: at least one event, and every event matches ERE
	cmp_ok "$(events "$OUT")" -gt 0 "$1: events are reported"
	is "$(strays "$OUT" "$2")" "" "$1: $3"
}
expect_none() {
	is "$(events "$OUT")" 0 "$1: no event"
}

trace addr ping_b --filter-addr "$IP_B" &&
	expect_only addr "$IP_A->$IP_B|$IP_B->$IP_A" "only packets to or from $IP_B"
trace addr-none ping_b --filter-addr 10.199.0.77 && expect_none addr-none
trace addr6 ping6_b --filter-addr "$IP6_B" &&
	expect_only addr6 "$IP6_A->$IP6_B|$IP6_B->$IP6_A|$IP6_B->ff02|->$IP6_B\(|$IP6_B->" "only packets to or from $IP6_B"
trace addr6-none ping6_b --filter-addr fd00:199::77 && expect_none addr6-none

in_b socat -u TCP4-LISTEN:8080,reuseaddr,fork OPEN:/dev/null,creat &
track_pid $!
sleep 0.3
tcp_8080() { head -c 3000 /dev/zero | in_a socat -u - TCP4:$IP_B:8080; }
trace port tcp_8080 --filter-port 8080 && expect_only port ":8080(->|\(tcp\))" "only TCP port 8080"
trace port-none tcp_8080 --filter-port 9999 && expect_none port-none

trace proto ping_b --filter-netns "/run/netns/$NS_B" --filter-protocol icmp && expect_only proto "\(icmp " "only ICMP"
trace proto-none ping_b --filter-netns "/run/netns/$NS_B" --filter-protocol udp && expect_none proto-none

trace netns ping_b --filter-netns "/run/netns/$NS_B" && expect_only netns " netns=$NETNS_INODE_B " "only netns $NETNS_INODE_B"
trace netns-inode ping_b --filter-netns "inode:$NETNS_INODE_A" &&
	expect_only netns-inode " netns=$NETNS_INODE_A " "inode:N form: only netns $NETNS_INODE_A"
trace netns-none ping_b --filter-netns "/run/netns/$NS_C" && expect_none netns-none

trace ifname ping_b --filter-netns "/run/netns/$NS_B" --filter-ifname "$VETH_B" &&
	expect_only ifname " iface=$IFINDEX_B\($VETH_B\) " "only $VETH_B (ifindex $IFINDEX_B) in $NS_B"
trace ifname-none ping_b --filter-netns "/run/netns/$NS_B" --filter-ifname lo && expect_none ifname-none

in_a iptables -t mangle -A OUTPUT -p icmp -j MARK --set-mark 0x42 || BAIL_OUT "iptables mangle in $NS_A"
trace mark ping_b --filter-skb-mark 0x42 && expect_only mark " mark=0x42 " "only skbs marked 0x42"
trace mark-mask ping_b --filter-skb-mark 0x40/0xf0 && expect_only mark-mask " mark=0x4[0-9a-f] " "mark 0x40/0xf0 matches 0x42"
trace mark-none ping_b --filter-skb-mark 0x43 && expect_none mark-none

trace func ping_b --filter-netns "/run/netns/$NS_B" --filter-skb-func net_dev_xmit &&
	expect_only func "^0x[0-9a-f]+ +[0-9]+ +\[[^]]*\] +net_dev_xmit " "only the net_dev_xmit tracepoint (exact match)"
trace func-re ping_b --filter-netns "/run/netns/$NS_B" --filter-skb-func 'netif_.*' &&
	expect_only func-re "\] +netif_[a-z_]+ " "only netif_* tracepoints"
vista_run_expect_error --filter-skb-func 'net_dev_xmi'
isnt "$RUN_STATUS" 0 "func-prefix: a prefix is no match (full-match semantics)"
like "$RUN_ERR" 'vista: no skb tracepoint matches --filter-skb-func "net_dev_xmi"' "func-prefix: says nothing matched"

is "$(bpf_vista_objects_settle 0)" 0 "no vista program or link left"
done_testing
