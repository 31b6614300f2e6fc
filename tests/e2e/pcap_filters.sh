#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# pcap-filter expressions on real traffic, and filters replaced while tracing.
#
# 1. For each expression, vista at net_dev_start_xmit on A's veth reports
#    exactly as many packets as tcpdump -Q out captures there with the same
#    expression, for one mixed burst of traffic (ARP, ICMP, ICMPv6 with
#    neighbour discovery, UDP, TCP SYNs answered by RSTs).
# 2. With --filter-file, SIGUSR2 swaps a pcap expression, then a structured
#    filter, while two pings flow: the events switch within 100 ms of the
#    swap, no BPF link is replaced, nothing is lost, and a bad file changes
#    nothing.

# shellcheck source=tests/e2e/lib.sh
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

require_root
require_cmd bpftool jq ping tcpdump timeout
require_vista
ns_pair_setup

# The packets A sends to B, each kind a few times.
send_burst() {
	in_a ip neigh flush dev "$VETH_A"
	in_a ping -c 2 -i 0.2 -W 1 "$IP_B" >/dev/null
	in_a ping -6 -c 2 -i 0.2 -W 1 "$IP6_B" >/dev/null
	for port in 53 5201 53; do
		in_a bash -c "echo x >/dev/udp/$IP_B/$port"
	done
	in_a bash -c "echo x >/dev/udp/$IP6_B/53"
	for port in 80 443; do
		in_a timeout 2 bash -c "exec 3<>/dev/tcp/$IP_B/$port" 2>/dev/null
	done
	sleep 0.3
}

# Milliseconds since midnight of an HH:MM:SS.mmm time (vista --timestamp absolute).
ms_of() {
	local t=$1
	echo $(((10#${t:0:2} * 3600 + 10#${t:3:2} * 60 + 10#${t:6:2}) * 1000 + 10#${t:9:3}))
}

now_ms() {
	ms_of "$(date +%H:%M:%S.%3N)"
}

# count_in FILE FROM TO: lines of FILE whose first word is a time (HH:MM:SS.fff...) in [FROM, TO) ms.
count_in() {
	local n=0 t ms
	while read -r t _; do
		[[ $t =~ ^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} ]] || continue
		ms=$(ms_of "${t:0:12}")
		((ms >= $2 && ms < $3)) && n=$((n + 1))
	done <"$1"
	echo "$n"
}

# ---------------------------------------------------------------- vista vs tcpdump
EXPRESSIONS=(
	"icmp"
	"icmp6"
	"arp"
	"udp port 53"
	"tcp[tcpflags] & tcp-syn != 0"
	"host $IP_B and not icmp"
	"ip6 and not icmp6"
	"udp or (icmp and icmp[icmptype] == icmp-echo)"
	"ether dst $(in_b cat /sys/class/net/"$VETH_B"/address) and ip"
	"len > 80"
)

for expr in "${EXPRESSIONS[@]}"; do
	dump="$tmpdir/tcpdump.out"
	# Not through in_a: $! must be the process that becomes tcpdump, to signal it.
	ip netns exec "$NS_A" tcpdump -i "$VETH_A" -Q out -nn -l "$expr" >"$dump" 2>"$dump.err" &
	dump_pid=$!
	track_pid "$dump_pid"
	for ((i = 0; i < 50; i++)); do
		grep -q "listening on" "$dump.err" 2>/dev/null && break
		sleep 0.1
	done
	vista_start "$tmpdir/vista.out" --filter-netns "/run/netns/$NS_A" --filter-ifname "$VETH_A" \
		--filter-skb-func net_dev_start_xmit --output-tuple --timestamp absolute "$expr" || continue
	# Counted inside one window both tools cover: the namespaces send packets of their own too.
	from=$(now_ms)
	send_burst
	to=$(now_ms)
	vista_stop
	kill -TERM "$dump_pid" # background jobs of a script ignore SIGINT
	wait "$dump_pid" 2>/dev/null
	got=$(count_in "$tmpdir/vista.out" "$from" "$to")
	want=$(count_in "$dump" "$from" "$to")
	cmp_ok "$want" -gt 0 "tcpdump captures some packets for '$expr'"
	is "$got" "$want" "vista reports the packets tcpdump captures for '$expr'" ||
		{ diag "tcpdump:"; diag_file "$dump"; diag "vista:"; diag_file "$tmpdir/vista.out"; }
done

# ---------------------------------------------------------------- runtime swaps
# swap TEXT MARK: writes the filter file, signals vista, waits for MARK in its
# log. SWAP_MS is when the signal was sent: the switch is measured from there.
swap() {
	local text=$1 mark=$2 i
	printf '%s\n' "$text" >"$filters"
	SWAP_MS=$(now_ms)
	kill -USR2 "$VISTA_PID"
	for ((i = 0; i < 200; i++)); do
		grep -qF -- "$mark" "$VISTA_ERR" && return 0
		sleep 0.01
	done
	return 1
}

# count_events KIND FROM TO: events of KIND ("icmp " or "icmp6 ") with FROM <= time < TO (ms).
count_events() {
	local kind=$1 from=$2 to=$3 n=0 t
	while read -r t rest; do
		[[ $t =~ ^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}$ ]] || continue
		ms=$(ms_of "$t")
		((ms >= from && ms < to)) || continue
		[[ $rest == *"($kind"* ]] && n=$((n + 1))
	done <"$tmpdir/swap.out"
	echo "$n"
}

# link_ids: the BPF links vista holds (from its fdinfo: other tools' links come and go).
link_ids() {
	grep -h '^link_id:' /proc/"$VISTA_PID"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -n | tr '\n' ' '
}

filters="$tmpdir/filters"
printf 'pcap icmp\n' >"$filters"
if vista_start "$tmpdir/swap.out" --filter-file "$filters" --filter-netns "/run/netns/$NS_A" \
	--filter-ifname "$VETH_A" --filter-skb-func net_dev_start_xmit --output-tuple --timestamp absolute; then
	t0=$(now_ms)
	in_a ping -i 0.02 -W 1 "$IP_B" >/dev/null 2>&1 &
	track_pid $!
	in_a ping -6 -i 0.02 -W 1 "$IP6_B" >/dev/null 2>&1 &
	track_pid $!
	sleep 0.6
	links_before=$(link_ids)

	ok "swap to an IPv6-only pcap expression" swap "pcap icmp6" "Filters now: pcap 'icmp6'"
	t1=$SWAP_MS
	sleep 0.6

	ok "a bad expression is refused" swap "pcap tcp port" "vista: filters unchanged:"
	like "$(cat "$VISTA_ERR")" "filters unchanged: .*syntax error" "  with libpcap's message"
	t2=$SWAP_MS
	sleep 0.6

	ok "swap to a structured filter (proto icmp, no pcap)" swap "proto icmp" "Filters now: proto icmp"
	t3=$SWAP_MS
	sleep 0.6
	t4=$(now_ms)
	links_after=$(link_ids)
	kill -USR1 "$VISTA_PID"
	sleep 0.3
	vista_stop
	is "$VISTA_STATUS" 0 "vista exits 0"

	cmp_ok "$(count_events "icmp " "$t0" "$t1")" -gt 5 "before the first swap: ICMP events"
	is "$(count_events "icmp6 " "$t0" "$t1")" 0 "  and no ICMPv6"
	is "$(count_events "icmp " "$((t1 + 100))" "$t3")" 0 "from 100 ms after the swap was asked for: no ICMP"
	cmp_ok "$(count_events "icmp6 " "$((t1 + 100))" "$t2")" -gt 5 "  but ICMPv6"
	cmp_ok "$(count_events "icmp6 " "$((t2 + 100))" "$t3")" -gt 5 \
		"after the refused change the previous filter still runs"
	cmp_ok "$(count_events "icmp " "$((t3 + 100))" "$t4")" -gt 5 "after the structured swap: ICMP again"
	is "$(count_events "icmp6 " "$((t3 + 100))" "$t4")" 0 "  and no ICMPv6"
	isnt "$links_before" "" "vista's links are listed"
	is "$links_after" "$links_before" "the same BPF links before and after the swaps"
	like "$(cat "$VISTA_ERR")" "[0-9]+ events received, 0 lost" "no event lost"
	unlike "$(cat "$VISTA_ERR")" "[1-9][0-9]* lost" "  (lost stays 0)"
fi

is "$(bpf_vista_objects_settle 0)" 0 "no vista program or link left"
done_testing
