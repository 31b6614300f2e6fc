# shellcheck shell=bash disable=SC2016,SC2034,SC2154 # conditions are eval'd by check; vista, work, IP_*, VETH_B come from the runner
# SPDX-License-Identifier: GPL-2.0-only
#
# Kernel-matrix scenario: --filter-trace-xdp and --filter-trace-tc (see
# tests/e2e/kernel_backends.sh for the contract). B's end of the veth pair
# gets the XDP program tests/vm/progs/xdp_pass.bpf.o (XDP_PASS for every
# frame) and, on TC ingress, tests/vm/progs/tc_drop.bpf.o (TC_ACT_SHOT for
# UDP to port 7777, TC_ACT_OK otherwise). A pings B once and sends one
# datagram to port 7777 and one to 7778; vista traces both programs with
# fentry and fexit (whatever the backend: it names the kernel functions'):
#   - the XDP program's entry, with B's interface and the ping's tuple, and
#     its exit with action=XDP_PASS;
#   - the TC program's entry and exit: TC_ACT_OK for the ping and port
#     7778, TC_ACT_SHOT for port 7777.

SCENARIO_CHECKS+=(xdp-attach xdp-entry xdp-exit tc-entry tc-exit-ok tc-exit-shot)

# prog_send: A pings B and sends datagrams to B's ports 7777 and 7778 (a trace_with workload).
prog_send() {
	local p
	in_a ping -c 1 -W 1 "$IP_B" >/dev/null 2>&1
	for p in 7777 7778; do
		in_a socat -u - "UDP4:$IP_B:$p,sourceport=4$p" <<<x 2>/dev/null
	done
}

scenario_xdp_tc() {
	local b=$1 progs req="$IP_A->$IP_B(icmp request" t=$work/progs
	progs=$(dirname "$vista")/tests/vm/progs
	in_b ip link set dev "$VETH_B" xdp obj "$progs/xdp_pass.bpf.o" sec xdp 2>"$t.setup"
	in_b tc qdisc add dev "$VETH_B" clsact 2>>"$t.setup"
	in_b tc filter add dev "$VETH_B" ingress bpf da obj "$progs/tc_drop.bpf.o" sec tc 2>>"$t.setup"
	trace_with prog_send "$t" --kprobe-backend "$b" --filter-trace-xdp --filter-trace-tc --output-meta --filter-addr "$IP_B"
	in_b ip link set dev "$VETH_B" xdp off
	in_b tc qdisc del dev "$VETH_B" clsact
	check "$b xdp-attach" 'grep -q "Attached 4 hooks" "$t.err"' "$(tr '\n' '|' <"$t.setup") $(tr '\n' '|' <"$t.err")"
	check "$b xdp-entry" 'grep -E " vista_test_xdp\(xdp\) netns=[0-9]+ mark=0x0 iface=[0-9]+\($VETH_B\) proto=0x0800 mtu=[0-9]+ len=98 " "$t" | grep -qvF "action="' \
		"$(grep -m4 'xdp)' "$t" | tr '\n' '|')"
	check "$b xdp-exit" 'grep -F " vista_test_xdp(xdp) " "$t" | grep -qF " $req id=" && grep -F " vista_test_xdp(xdp) " "$t" | grep -q " action=XDP_PASS$"' \
		"$(grep -m4 'xdp)' "$t" | tr '\n' '|')"
	check "$b tc-entry" 'grep -F " vista_test_tc(tc) " "$t" | grep -v "action=" | grep -q ":47777->$IP_B:7777(udp)$"' \
		"$(grep -m6 'tc)' "$t" | tr '\n' '|')"
	check "$b tc-exit-ok" 'grep -F " vista_test_tc(tc) " "$t" | grep -qE " $IP_A->$IP_B\(icmp request id=[0-9]+ seq=1\) action=TC_ACT_OK$" && grep -F " vista_test_tc(tc) " "$t" | grep -q ":47778->$IP_B:7778(udp) action=TC_ACT_OK$"' \
		"$(grep -m6 'tc)' "$t" | tr '\n' '|')"
	check "$b tc-exit-shot" 'grep -F " vista_test_tc(tc) " "$t" | grep -q ":47777->$IP_B:7777(udp) action=TC_ACT_SHOT$"' \
		"$(grep -m6 'tc)' "$t" | tr '\n' '|')"
}
