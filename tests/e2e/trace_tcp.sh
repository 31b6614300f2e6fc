#!/usr/bin/env bash
# A TCP connection across the veth pair shows its ports in both directions, IPv4 and IPv6.
. "$E2E_LIB"
require_root
require_cmd socat ip
ns_pair_setup
PORT=8080

out=$tmpdir/tcp.out
if vista_start "$out" --output-tuple --filter-netns "/run/netns/$NS_B" --filter-port "$PORT"; then
	in_b socat -u TCP4-LISTEN:$PORT,reuseaddr OPEN:/dev/null,creat &
	track_pid $!
	in_b socat -u TCP6-LISTEN:$((PORT + 1)),reuseaddr OPEN:/dev/null,creat &
	track_pid $!
	sleep 0.3
	ok "send 10 kB over TCP/IPv4" bash -c "head -c 10000 /dev/zero | ip netns exec $NS_A socat -u - TCP4:$IP_B:$PORT,sourceport=40123"
	vista_stop
	is "$VISTA_STATUS" 0 "vista exits 0"
	text=$(cat "$out")
	like "$text" "netif_receive_skb $IP_A:40123->$IP_B:$PORT\(tcp\)" "client-to-server segments with both ports"
	like "$text" "net_dev_start_xmit $IP_B:$PORT->$IP_A:40123\(tcp\)" "server-to-client segments with both ports"
	unlike "$text" "\(icmp" "no ICMP under a port filter"
fi

out6=$tmpdir/tcp6.out
if vista_start "$out6" --output-tuple --filter-netns "/run/netns/$NS_B" --filter-port $((PORT + 1)); then
	ok "send 10 kB over TCP/IPv6" bash -c "head -c 10000 /dev/zero | ip netns exec $NS_A socat -u - TCP6:[$IP6_B]:$((PORT + 1)),sourceport=40124"
	vista_stop
	text=$(cat "$out6")
	like "$text" "netif_receive_skb \[$IP6_A\]:40124->\[$IP6_B\]:$((PORT + 1))\(tcp\)" "IPv6 tuple with bracketed addresses"
	like "$text" "net_dev_start_xmit \[$IP6_B\]:$((PORT + 1))->\[$IP6_A\]:40124\(tcp\)" "IPv6 reverse direction"
fi
is "$(bpf_vista_objects_settle 0)" 0 "no vista program or link left"
done_testing
