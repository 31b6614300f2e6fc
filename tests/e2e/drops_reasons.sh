#!/usr/bin/env bash
# --filter-skb-drop-stack: each kind of drop with the reason this kernel
# gives it (enum skb_drop_reason in its BTF) and a kernel stack; a consumed
# skb is no drop. (The iptables DROP rule and the closed UDP port are in
# trace_drop.sh.)
. "$E2E_LIB"
require_root
require_cmd ping ip socat /usr/bin/python3
ns_pair_setup
NOWHERE=203.0.113.9
FULL_PORT=9100

# Unroutable: A sends to an address B does not have, and B does not forward.
ip -n "$NS_A" route add "$NOWHERE/32" dev "$VETH_A" || BAIL_OUT "route to $NOWHERE in $NS_A"
in_a ip neigh add "$NOWHERE" lladdr "$(in_b cat /sys/class/net/"$VETH_B"/address)" dev "$VETH_A" ||
	BAIL_OUT "neighbour $NOWHERE in $NS_A"
in_b sysctl -qw net.ipv4.ip_forward=0 || BAIL_OUT "ip_forward in $NS_B"
# Full receive queue: a UDP socket of the smallest buffer that never reads.
ready=$tmpdir/full.ready
in_b /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
open(sys.argv[3], "w").close()
time.sleep(30)' "$IP_B" "$FULL_PORT" "$ready" &
track_pid $!
for ((i = 0; i < 50; i++)); do [ -e "$ready" ] && break; sleep 0.1; done
[ -e "$ready" ] || BAIL_OUT "the UDP receiver in $NS_B did not start"

# stack_of TEXT ERE: the stack lines under the first event line matching ERE.
stack_of() {
	awk -v re="$2" 'on && /^    / { print; next } { on = 0 } !done && $0 ~ re { on = 1; done = 1 }' <<<"$1"
}

out=$tmpdir/drops.out
if vista_start "$out" --filter-skb-drop-stack --output-tuple --output-meta --filter-netns "/run/netns/$NS_B"; then
	in_a ping -c 1 -W 1 -e 4444 "$NOWHERE" >/dev/null 2>&1
	for ((i = 0; i < 20; i++)); do
		head -c 1000 /dev/zero | in_a socat -u - UDP4:"$IP_B:$FULL_PORT",sourceport=41000 2>/dev/null
	done
	# Answered and consumed, not dropped.
	ok "a ping to B is answered" in_a ping -c 1 -W 2 -e 4445 "$IP_B"
	sleep 0.3
	vista_stop
	is "$VISTA_STATUS" 0 "vista exits 0"
	text=$(cat "$out")
	like "$text" "kfree_skb\(SKB_DROP_REASON_IP_INADDRERRORS\) netns=$NETNS_INODE_B .* $IP_A->$NOWHERE\(icmp request id=4444 seq=1\)" \
		"an unroutable address: IP_INADDRERRORS, in $NS_B"
	like "$(stack_of "$text" 'SKB_DROP_REASON_IP_INADDRERRORS')" '^    ip_error\+0x[0-9a-f]+$' \
		"with its stack, through ip_error"
	like "$text" "kfree_skb\(SKB_DROP_REASON_SOCKET_RCVBUFF\) .* $IP_A:41000->$IP_B:$FULL_PORT\(udp\)" \
		"a full receive queue: SOCKET_RCVBUFF"
	like "$(stack_of "$text" 'SKB_DROP_REASON_SOCKET_RCVBUFF')" '^    udp_queue_rcv_one_skb\+0x[0-9a-f]+$' \
		"with its stack, through udp_queue_rcv_one_skb"
	unlike "$text" "icmp (request|reply) id=4445" "the answered ping is no drop"
	unlike "$text" "consume_skb|SKB_CONSUMED" "nothing consumed is reported"
fi
is "$(bpf_vista_objects_settle 0)" 0 "no vista program or link left"
done_testing
