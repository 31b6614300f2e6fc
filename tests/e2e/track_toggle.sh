#!/usr/bin/env bash
# `track on|off` in a filter file, applied to a running trace by SIGUSR2:
# a ping to a service address that an iptables DNAT rule rewrites is
# followed to the backend only while tracking is on. A trace that did not
# set tracking up (its hooks leave out the frees) refuses `track on` and
# goes on with its filters.
. "$E2E_LIB"
require_root
require_cmd ping iptables ip
ns_pair_setup
SVC=198.51.100.8

ip -n "$NS_A" route add "$SVC/32" dev "$VETH_A" || BAIL_OUT "route to $SVC in $NS_A"
in_a ip neigh add "$SVC" lladdr "$(in_b cat /sys/class/net/"$VETH_B"/address)" dev "$VETH_A" ||
	BAIL_OUT "neighbour $SVC in $NS_A"
in_b iptables -t nat -A PREROUTING -d "$SVC" -j DNAT --to-destination "$IP_B" || BAIL_OUT "DNAT rule in $NS_B"

# swap TEXT ERE: writes TEXT to the filter file, sends SIGUSR2 and waits for a new stderr line matching ERE.
swap() {
	local before i
	before=$(grep -cE "$2" "$VISTA_ERR")
	printf '%s\n' "$1" >"$filters"
	kill -USR2 "$VISTA_PID"
	for ((i = 0; i < 50; i++)); do
		[ "$(grep -cE "$2" "$VISTA_ERR")" -gt "$before" ] && return 0
		sleep 0.1
	done
	return 1
}
# after ID: the request of ping -e ID after the rewrite, to the backend.
after() { printf '%s' "$IP_A->$IP_B\(icmp request id=$1 seq=1\)"; }

filters=$tmpdir/filters
echo "track off" >"$filters"
out=$tmpdir/toggle.out
if vista_start "$out" --filter-addr "$SVC" --filter-file "$filters" --output-tuple --output-meta; then
	ok "a ping with tracking off" in_a ping -c 1 -W 2 -e 4301 "$SVC"
	ok "track on is applied" swap "track on" "Filters now: addr $SVC track on\$"
	ok "a ping with tracking on" in_a ping -c 1 -W 2 -e 4302 "$SVC"
	ok "track off is applied" swap "track off" "Filters now: addr $SVC\$"
	ok "a ping with tracking off again" in_a ping -c 1 -W 2 -e 4303 "$SVC"
	sleep 0.3
	vista_stop
	is "$VISTA_STATUS" 0 "vista exits 0"
	text=$(cat "$out")
	like "$text" "$IP_A->$SVC\(icmp request id=4301 seq=1\)" "off: the request is seen before DNAT"
	unlike "$text" "$(after 4301)" "  but not after it"
	like "$text" "netns=$NETNS_INODE_B .* $(after 4302)" "on: the request is followed after DNAT in $NS_B"
	like "$text" "consume_skb netns=$NETNS_INODE_B .* $(after 4302)" "  to its free"
	like "$text" "$IP_A->$SVC\(icmp request id=4303 seq=1\)" "off again: the request is seen before DNAT"
	unlike "$text" "$(after 4303)" "  and no longer after it"
	unlike "$(cat "$VISTA_ERR")" "filters unchanged" "no swap was refused"
fi

# Hooks without kfree_skb and consume_skb: tracking would never end.
echo "addr $SVC" >"$filters"
out=$tmpdir/refused.out
if vista_start "$out" --filter-skb-func 'net_dev_.*' --filter-file "$filters" --output-tuple; then
	ok "track on is refused" swap "track on" "filters unchanged"
	like "$(cat "$VISTA_ERR")" "vista: filters unchanged: this trace cannot follow skbs: start it with --filter-track-skb" \
		"  in one sentence that says how"
	ok "a ping after the refusal" in_a ping -c 1 -W 2 -e 4304 "$SVC"
	sleep 0.3
	ok "vista is still tracing" kill -0 "$VISTA_PID"
	vista_stop
	is "$VISTA_STATUS" 0 "vista exits 0"
	like "$(cat "$out")" "net_dev_start_xmit +$IP_A->$SVC\(icmp request id=4304 seq=1\)" \
		"the old filters still report the request"
fi

# A filter file's `track on` sets tracking up as --filter-track-skb does.
echo "addr $SVC; track on" >"$filters"
out=$tmpdir/file.out
if vista_start "$out" --filter-file "$filters" --output-tuple --output-meta; then
	ok "a ping with the file's tracking" in_a ping -c 1 -W 2 -e 4305 "$SVC"
	sleep 0.3
	vista_stop
	like "$(cat "$out")" "netns=$NETNS_INODE_B .* $(after 4305)" "the file's track on follows it after DNAT"
fi
is "$(bpf_vista_objects_settle 0)" 0 "no vista program or link left"
done_testing
