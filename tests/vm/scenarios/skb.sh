# shellcheck shell=bash disable=SC2016,SC2034,SC2154 # conditions are eval'd by check; req is used in check conditions; work, IP_* come from the runner
# SPDX-License-Identifier: GPL-2.0-only
#
# Kernel-matrix scenario: skb functions on each function backend, across the
# guest's veth pair (see tests/e2e/kernel_backends.sh for the contract):
#   - a ping from A to B shows __dev_queue_xmit, ip_rcv and icmp_rcv with
#     the ping's tuple;
#   - with an iptables DROP rule in B, kfree_skb shows the netfilter drop
#     reason for the ping;
#   - a filter on an address nobody uses shows nothing.
# The functions are narrowed with --filter-skb-func: attaching all ~1.5k
# skb functions takes minutes under emulation (bench/ measures that).

SCENARIO_CHECKS+=(ping-attach ping-__dev_queue_xmit ping-ip_rcv ping-icmp_rcv drop-reason filter-negative)
SKB_FUNCS='__dev_queue_xmit|ip_rcv|icmp_rcv|ip_local_deliver|kfree_skb|consume_skb'

scenario_skb() {
	local b=$1 req="$IP_A->$IP_B(icmp request" f log
	trace "$work/ping" --kprobe-backend "$b" --filter-addr "$IP_B" --filter-skb-func "$SKB_FUNCS"
	log=$(tr '\n' '|' <"$work/ping.err")
	check "$b ping-attach" 'grep -q "Using the $b backend (requested)" "$work/ping.err"' "$log"
	for f in __dev_queue_xmit ip_rcv icmp_rcv; do
		check "$b ping-$f" 'grep -qF " $f $req" "$work/ping"' "$(head -c 600 "$work/ping" | tr '\n' '|')"
	done
	in_b iptables -A INPUT -p icmp -j DROP
	trace "$work/drop" --kprobe-backend "$b" --filter-addr "$IP_B" --filter-skb-func "$SKB_FUNCS"
	in_b iptables -D INPUT -p icmp -j DROP
	check "$b drop-reason" 'grep -qF "kfree_skb(SKB_DROP_REASON_NETFILTER_DROP) $req" "$work/drop"' \
		"$(grep kfree_skb "$work/drop" | head -3 | tr '\n' '|')"
	trace "$work/none" --kprobe-backend "$b" --filter-addr 10.199.0.77 --filter-skb-func "$SKB_FUNCS"
	check "$b filter-negative" '[ "$(grep -c "icmp" "$work/none")" -eq 0 ] && grep -q "status=0" "$work/none.err"' \
		"$(tr '\n' '|' <"$work/none.err")"
}
