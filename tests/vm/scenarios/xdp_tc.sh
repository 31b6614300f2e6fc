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
# The same run writes the packets with --pcap-file OUT.pcapng --pcap-mode
# entry,exit; tshark (the host's, which the guest sees) decodes them: the
# ping's id and sequence and both datagrams' ports at the entry and the exit
# of both programs, each packet's comment naming the program, at=entry or
# at=exit, and at exit the program's verdict (TC_ACT_SHOT for port 7777).
# A second run with --pcap-mode exit captures the same packets at the
# programs' exits only.

SCENARIO_CHECKS+=(xdp-attach xdp-entry xdp-exit tc-entry tc-exit-ok tc-exit-shot)
SCENARIO_CHECKS+=(pcap-decoded pcap-xdp-entry pcap-xdp-exit pcap-tc-entry pcap-tc-exit pcap-exit-only)

XDP_TC_PING_ID=4321

# prog_send: A pings B and sends datagrams to B's ports 7777 and 7778 (a trace_with workload).
prog_send() {
	local p
	in_a ping -c 1 -W 1 -e "$XDP_TC_PING_ID" "$IP_B" >/dev/null 2>&1
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
	trace_with prog_send "$t" --kprobe-backend "$b" --filter-trace-xdp --filter-trace-tc --output-meta --filter-addr "$IP_B" \
		--pcap-file "$t.pcapng" --pcap-mode entry,exit
	trace_with prog_send "$t.exit" --kprobe-backend "$b" --filter-trace-xdp --filter-trace-tc --filter-addr "$IP_B" \
		--pcap-file "$t.exit.pcapng" --pcap-mode exit
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
	xdp_tc_pcap_checks "$b" "$t"
}

# xdp_tc_packets PROG AT [V1 V2 V3]: the EREs of the packets of PROG ("xdp" or "tc") at AT
# (entry or exit) in xdp_tc_pcap_checks' table: the ping's request, port 7777, port 7778,
# each with its verdict at exit.
xdp_tc_packets() {
	local c="^hook=vista_test_$1\\($1\\) at=$2 netns=[0-9]+ ifindex=[0-9]+ ifname=$VETH_B( pkt_type=HOST)?"
	echo "$c${3:+ verdict=$3}\\|8\\|$XDP_TC_PING_ID\\|1\\|\\|$"
	echo "$c${4:+ verdict=$4}\\|\\|\\|\\|47777\\|7777$"
	echo "$c${5:+ verdict=$5}\\|\\|\\|\\|47778\\|7778$"
}

# xdp_tc_decode OUT: OUT.pcapng decoded by tshark into OUT.tshark, one line a packet:
# comment|icmp.type|icmp.ident|icmp.seq|udp.srcport|udp.dstport; its stderr and status in OUT.tshark.err.
xdp_tc_decode() {
	tshark -n -r "$1.pcapng" -T fields -E separator='|' -e frame.comment -e icmp.type -e icmp.ident -e icmp.seq \
		-e udp.srcport -e udp.dstport >"$1.tshark" 2>"$1.tshark.err"
	echo "status=$?" >>"$1.tshark.err"
}

# xdp_tc_found OUT PROG AT [V1 V2 V3]: how many of xdp_tc_packets' three packets OUT.tshark has.
xdp_tc_found() {
	local out=$1 re res n=0
	shift
	# Not read from a process substitution: the guest has no /dev/fd.
	mapfile -t res <<<"$(xdp_tc_packets "$@")"
	for re in "${res[@]}"; do
		if grep -qE "$re" "$out.tshark"; then n=$((n + 1)); fi
	done
	echo "$n"
}

# xdp_tc_pcap_checks BACKEND OUT: the packets of OUT.pcapng (entry and exit) and OUT.exit.pcapng (exit only).
xdp_tc_pcap_checks() {
	local b=$1 t=$2 name prog at v1 v2 v3
	xdp_tc_decode "$t"
	xdp_tc_decode "$t.exit"
	check "$b pcap-decoded" 'grep -q "^status=0$" "$t.tshark.err" && [ "$(grep -c "^hook=" "$t.tshark")" -ge 12 ]' \
		"$(tr '\n' '|' <"$t.tshark.err") $(head -c 600 "$t.tshark" | tr '\n' ' ')"
	# Each row: CHECK PROG AT, then at exit the verdicts of the ping, port 7777 and port 7778.
	while read -r name prog at v1 v2 v3; do
		check "$b pcap-$name" '[ "$(xdp_tc_found "$t" "$prog" "$at" "$v1" "$v2" "$v3")" -eq 3 ]' \
			"$(grep -F "vista_test_$prog($prog) at=$at" "$t.tshark" | head -6 | tr '\n' ' ')"
	done <<-EOF
		xdp-entry xdp entry
		xdp-exit xdp exit XDP_PASS XDP_PASS XDP_PASS
		tc-entry tc entry
		tc-exit tc exit TC_ACT_OK TC_ACT_SHOT TC_ACT_OK
	EOF
	check "$b pcap-exit-only" '[ "$(xdp_tc_found "$t.exit" xdp exit XDP_PASS XDP_PASS XDP_PASS)" -eq 3 ] &&
		[ "$(xdp_tc_found "$t.exit" tc exit TC_ACT_OK TC_ACT_SHOT TC_ACT_OK)" -eq 3 ] && ! grep -q " at=entry " "$t.exit.tshark"' \
		"$(tr '\n' '|' <"$t.exit.err") $(tr '\n' '|' <"$t.exit.tshark.err") $(head -c 600 "$t.exit.tshark" | tr '\n' ' ')"
}
