# shellcheck shell=bash disable=SC2016,SC2034,SC2154 # conditions are eval'd by check; work, IP_* come from the runner
# SPDX-License-Identifier: GPL-2.0-only
#
# Kernel-matrix scenario: --kmods on each function backend (see
# tests/e2e/kernel_backends.sh for the contract). The guest's veth pair is
# the veth module's: with --kmods veth, its veth_xmit (an skb function only
# that module's BTF describes) shows the ping with its tuple; without
# --kmods, vista does not know it.

SCENARIO_CHECKS+=(kmods-veth_xmit kmods-without)

scenario_kmods() {
	local b=$1 req="$IP_A->$IP_B(icmp request"
	trace "$work/kmods" --kprobe-backend "$b" --kmods veth --filter-addr "$IP_B" --filter-skb-func 'veth_xmit|ip_rcv'
	check "$b kmods-veth_xmit" 'grep -qF " veth_xmit $req" "$work/kmods" && grep -qF " ip_rcv $req" "$work/kmods"' \
		"$(tr '\n' '|' <"$work/kmods.err") $(head -c 600 "$work/kmods" | tr '\n' '|')"
	trace "$work/nokmods" --kprobe-backend "$b" --filter-addr "$IP_B" --filter-skb-func veth_xmit
	check "$b kmods-without" 'grep -qF "vista: no skb function or tracepoint matches --filter-skb-func \"veth_xmit\"" "$work/nokmods.err"' \
		"$(tr '\n' '|' <"$work/nokmods.err")"
}
