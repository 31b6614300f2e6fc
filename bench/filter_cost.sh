#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck source-path=SCRIPTDIR/..
#
# Section 6: filter cost in the kernel (vista-top's frame time under load is
# section 7, bench/tui.sh).
#
# With kernel.bpf_stats_enabled=1 the kernel counts, per BPF program, how
# often it ran (run_cnt) and for how long (run_time_ns). vista traces every
# skb hook under a fixed UDP flood with one structured filter at a time; the
# cost per hook invocation is the sum of run_time_ns over the programs vista
# holds (found through its file descriptors) over the sum of run_cnt. Each
# round runs every filter once (rotated order); the ratio is against the
# unfiltered run of the same round.
#
# Adding a filter: a FILTER_ARGS entry.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

bench_section_begin
[ -x "${BENCH_UDPFLOOD:-}" ] || die "BENCH_UDPFLOOD='${BENCH_UDPFLOOD:-}' is not an executable"

ROUNDS=$(pick 1 3)
SECS=$(pick 1 2)
PPS=30000 # datagrams/s: ~240k events/s, far below what vista drains
PORT=9000

ns_setup
env --default-signal ip netns exec "$NS_B" "$BENCH_UDPFLOOD" sink "$PORT" </dev/null &
track_pid $!

FILTERS=(none addr port proto netns nomatch_addr nomatch_port pcap_short pcap_long pcap_nomatch)
# The quick run keeps one filter of each kind (structured, netns, no match, pcap): it must stay under 2 minutes.
! quick || FILTERS=(none addr netns nomatch_addr pcap_long pcap_nomatch)
declare -A FILTER_ARGS=(
	[none]=""
	[addr]="--filter-addr $IP_B"
	[port]="--filter-port $PORT"
	[proto]="--filter-protocol udp"
	[netns]="--filter-netns /run/netns/$NS_B"
	[nomatch_addr]="--filter-addr 192.0.2.1"
	[nomatch_port]="--filter-port 1"
	[pcap_short]="udp"
	[pcap_long]="(ip6 and tcp) or (udp and (port 53 or port $PORT) and (host 192.0.2.1 or host $IP_B) and udp[4:2] > 8) or (icmp and icmp[icmptype] == icmp-echo)"
	[pcap_nomatch]="tcp port 1"
)
declare -A LABEL=(
	[none]="no filter"
	[addr]="--filter-addr (matches the flood)"
	[port]="--filter-port (matches the flood)"
	[proto]="--filter-protocol udp (matches the flood)"
	[netns]="--filter-netns (the receiving namespace)"
	[nomatch_addr]="--filter-addr matching no packet"
	[nomatch_port]="--filter-port matching no packet"
	[pcap_short]="pcap 'udp' (matches the flood)"
	[pcap_long]="a long pcap expression matching the flood (${#FILTER_ARGS[pcap_long]} chars)"
	[pcap_nomatch]="pcap 'tcp port 1' matching no packet"
)

# prog_stats PID: "run_time_ns run_cnt" summed over the BPF programs PID holds.
prog_stats() {
	local ids
	ids=$(vista_prog_ids "$1" | jq -Rsc 'split("\n") | map(select(length > 0) | tonumber)')
	[ "$ids" != "[]" ] || die "vista (pid $1) holds no BPF program"
	bpftool -j prog show | jq -r --argjson ids "$ids" '
		[.[] | select(.id as $i | $ids | index($i))]
		| "\(map(.run_time_ns // 0) | add) \(map(.run_cnt // 0) | add)"'
}

old_stats=$(sysctl -n kernel.bpf_stats_enabled)
at_exit "sysctl -qw kernel.bpf_stats_enabled=$old_stats"
sysctl -qw kernel.bpf_stats_enabled=1

declare -A NS=() CNT=() EV=()
for ((r = 1; r <= ROUNDS; r++)); do
	say "filter cost: round $r of $ROUNDS (${#FILTERS[@]} filters x $SECS s)"
	n=${#FILTERS[@]}
	for ((k = 0; k < n; k++)); do
		flt=${FILTERS[(k + r - 1) % n]}
		# The arguments are words (a pcap expression is split and joined back by vista); no globbing of its [].
		set -f
		# shellcheck disable=SC2086
		vista_start --output-meta --output-tuple --output-file "$bench_tmp/trace.out" ${FILTER_ARGS[$flt]}
		set +f
		timeout -k 5 $((SECS + 30)) ip netns exec "$NS_A" "$BENCH_UDPFLOOD" send "$IP_B" "$PORT" "$PPS" "$SECS" >/dev/null ||
			die "udpflood failed"
		read -r t c < <(prog_stats "$VISTA_PID")
		vista_stop
		rm -f "$bench_tmp/trace.out"
		[ "$c" -gt 0 ] || die "vista's programs never ran (filter $flt)"
		NS[$flt,$r]=$(calc "$t / $c")
		CNT[$flt,$r]=$c
		EV[$flt,$r]=$VISTA_RECEIVED
		raw "filter_cost $flt round=$r" "run_time_ns=$t run_cnt=$c events=$VISTA_RECEIVED lost=$VISTA_LOST"
	done
done

md "## 6. Filter cost" ""
md "kernel.bpf_stats_enabled=1; vista --output-meta --output-tuple on all skb hooks while" \
	"bench/udpflood sends $PPS datagrams/s for $SECS s; $ROUNDS round(s), filters in rotated" \
	"order. ns per run = Σ run_time_ns / Σ run_cnt over vista's programs (bpftool prog show)," \
	"which counts every hook invocation, matching or not (bpf_stats itself adds two clock reads" \
	"per run). Ratio: to the unfiltered run of the same round; median (min–max)." ""
md_header "filter" "ns per hook invocation" "ratio to no filter" "hook invocations (last round)" "events out (last round)"
for flt in "${FILTERS[@]}"; do
	list=()
	ratios=()
	for ((r = 1; r <= ROUNDS; r++)); do
		list+=("${NS[$flt,$r]}")
		ratios+=("$(calc "${NS[$flt,$r]} / ${NS[none,$r]}")")
	done
	read -r m lo hi _ < <(stats "${list[@]}")
	read -r rm rlo rhi _ < <(stats "${ratios[@]}")
	if [ "$flt" = none ]; then ratio="1 (baseline)"; else ratio=$(fmt_ratio "$rm" "$rlo" "$rhi"); fi
	md_row "${LABEL[$flt]}" "$(fmt "$m" 1) ($(fmt_spread "$lo" "$hi" 1))" "$ratio" \
		"$(fmt_si "${CNT[$flt,$ROUNDS]}")" "$(fmt_si "${EV[$flt,$ROUNDS]}")"
done
md "" "vista-top's frame time under load is in section 7." ""

