#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck source-path=SCRIPTDIR/..
#
# Section 1: overhead on the traced workload.
#
# Between two network namespaces joined by a veth pair, iperf3 measures TCP
# throughput and the rate of small (64-byte) UDP datagrams received, while
# one tracer runs:
#   (a) none, the baseline
#   (b) vista tracing every skb hook, text (--output-meta --output-tuple) to a file
#   (c) the same with --record binary output to a file (vista prints its
#       text lines as well: they go to /dev/null)
#   (d) vista with a filter that matches no packet
#   (e) bpftrace on the same tracepoints, printing comparable fields to a file
#   (f) tcpdump capturing the traffic to a file
# Each round runs every condition once, in a rotated order; each ratio is a
# condition's figure over the baseline of the same round. Tables give the
# median and the range over the rounds.
#
# Adding a condition: write tracer_start_NAME / tracer_stop_NAME (the start
# function calls not_measured REASON and returns 1 while it cannot run) and
# add NAME to CONDS.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

bench_section_begin
require_cmd iperf3 bpftrace tcpdump unshare mount

ROUNDS=$(pick 1 5)
SECS=$(pick 1 3)
PORT=5201
NOMATCH_ADDR=192.0.2.1 # TEST-NET-1: no packet here ever has it
# A hook neither workload reaches (veth checksums are never bad): (d0) leaves only it enabled.
IDLE_HOOK=tcp_bad_csum

CONDS=(none vista_text vista_record vista_nomatch vista_off bpftrace tcpdump)
declare -A LABEL=(
	[none]="(a) no tracer"
	[vista_text]="(b) vista, all skb hooks, text to a file"
	[vista_record]="(c) vista, all skb hooks, --record to a file (text to /dev/null)"
	[vista_nomatch]="(d) vista, filter matching no packet"
	[vista_off]="(d0) vista, every hook attached but switched off (the floor of (d))"
	[bpftrace]="(e) bpftrace, same tracepoints, comparable fields to a file"
	[tcpdump]="(f) tcpdump, snaplen 128, to a file"
)
declare -A SKIPPED=()

# ================================================================ tracers
# tracer_start_NAME: attaches and returns once the tracer is ready; sets
# TRACER_FILE (the file it writes, or empty). tracer_stop_NAME: stops it and
# sets TRACER_NOTE (events and losses, for the table).

tracer_start_none() { TRACER_FILE=; }
tracer_stop_none() { TRACER_NOTE=; }

tracer_start_vista_text() {
	TRACER_FILE=$bench_tmp/trace.txt
	vista_start --output-meta --output-tuple --output-file "$TRACER_FILE"
}
tracer_stop_vista_text() {
	vista_stop
	TRACER_NOTE="$VISTA_RECEIVED $VISTA_LOST"
	rm -f "$TRACER_FILE"
}

# vista always prints: with --record, its text goes to /dev/null and the
# file it writes (the one to wait on) is the recording.
tracer_start_vista_record() {
	TRACER_FILE=$bench_tmp/trace.vrec
	vista_start --output-meta --output-tuple --record "$TRACER_FILE" --output-file /dev/null
}
tracer_stop_vista_record() {
	local size
	vista_stop
	size=$(file_size "$TRACER_FILE")
	# The recording holds every event received: 168 bytes each at least (header and event).
	[ "$size" -ge $((VISTA_RECEIVED * 168)) ] ||
		die "the recording of $VISTA_RECEIVED events is only $size bytes"
	TRACER_NOTE="$VISTA_RECEIVED $VISTA_LOST"
	rm -f "$TRACER_FILE"
}

tracer_start_vista_nomatch() {
	TRACER_FILE=$bench_tmp/trace.txt
	vista_start --output-meta --output-tuple --filter-addr "$NOMATCH_ADDR" --output-file "$TRACER_FILE"
}
tracer_stop_vista_nomatch() { tracer_stop_vista_text; }

# Every hook attached as in (d), all but one switched off at run time by the
# filter file's func command: each program returns after reading its hook's
# bit. What (d) costs above this is the filter; this much is the hooks' being
# there (the tracepoint calling a BPF program at all).
tracer_start_vista_off() {
	TRACER_FILE=$bench_tmp/trace.txt
	echo "func $IDLE_HOOK" >"$bench_tmp/off.filters"
	vista_start --output-meta --output-tuple --filter-file "$bench_tmp/off.filters" --output-file "$TRACER_FILE"
}
tracer_stop_vista_off() { tracer_stop_vista_text; }

# The tracepoints vista attaches to: every btf_trace_* prototype with a
# struct sk_buff argument. bpftrace (0.17) cannot attach raw tracepoints, so
# it uses the classic tracepoints of the same names, through tracefs.
bpftrace_script() {
	local out=$1 name dir tp field n=0 total=0
	: >"$out"
	while read -r name; do
		total=$((total + 1))
		dir=$(find "$TRACEFS/events" -mindepth 2 -maxdepth 2 -name "$name" -type d | head -n 1)
		[ -n "$dir" ] || continue
		n=$((n + 1))
		tp=${dir#"$TRACEFS"/events/}
		tp=${tp/\//:}
		field=$(grep -oE 'field:[^;]*\* (skbaddr|skb_addr|skb);' "$dir/format" | head -n 1 | sed -E 's/.* ([a-z_]+);$/\1/' || true)
		if [ -z "$field" ]; then
			printf 'tracepoint:%s { printf("%%u [%%s(%%d)] %s\\n", cpu, comm, pid); }\n' "$tp" "$name" >>"$out"
			continue
		fi
		cat >>"$out" <<EOF
tracepoint:$tp {
	\$skb = (struct sk_buff *)args->$field;
	\$dev = \$skb->dev;
	\$ip = (struct iphdr *)(\$skb->head + \$skb->network_header);
	\$th = (struct tcphdr *)(\$skb->head + \$skb->transport_header);
	printf("%llx %u [%s(%d)] $name netns=%u mark=%x iface=%d(%s) proto=%x mtu=%u len=%u pkt_type=%u %s:%u->%s:%u(%u)\\n",
		\$skb, cpu, comm, pid, \$dev->nd_net.net->ns.inum, \$skb->mark, \$dev->ifindex, \$dev->name,
		\$skb->protocol, \$dev->mtu, \$skb->len, \$skb->pkt_type,
		ntop(\$ip->saddr), \$th->source, ntop(\$ip->daddr), \$th->dest, \$ip->protocol);
}
EOF
	done < <(bpftool btf dump file /sys/kernel/btf/vmlinux format c |
		sed -n 's/^typedef void (\*btf_trace_\([a-z0-9_]*\))(void \*, \(.*\));$/\1 \2/p' |
		grep -F 'struct sk_buff *' | awk '{ print $1 }')
	# Printed once every probe is attached (bpftrace fires BEGIN last).
	printf 'BEGIN { printf("READY\\n"); }\n' >>"$out"
	BPFTRACE_PROBES=$n
	BPFTRACE_HOOKS=$total
}

tracer_start_bpftrace() {
	local i
	TRACER_FILE=$bench_tmp/bpftrace.txt
	rm -f "$TRACER_FILE"
	# Its stdout, not -o FILE: with -o, bpftrace 0.17 holds lines in a buffer.
	# unshare and sh exec: the pid is bpftrace's.
	# shellcheck disable=SC2016 # expanded by sh
	env --default-signal unshare -m sh -c 'mount -t tracefs nodev /sys/kernel/tracing && exec bpftrace "$1"' \
		sh "$bench_tmp/trace.bt" >"$TRACER_FILE" 2>"$bench_tmp/bpftrace.err" </dev/null &
	BPFTRACE_PID=$!
	track_pid "$BPFTRACE_PID"
	for ((i = 0; i < 600; i++)); do
		grep -qs '^READY' "$TRACER_FILE" && return 0
		pid_alive "$BPFTRACE_PID" || break
		sleep_s 0.1
	done
	die "bpftrace did not start: $(tail -n 5 "$bench_tmp/bpftrace.err")"
}
tracer_stop_bpftrace() {
	local lost
	pid_stop "$BPFTRACE_PID" INT 15
	# bpftrace reports the events its perf buffers could not take.
	lost=$(cat "$TRACER_FILE" "$bench_tmp/bpftrace.err" | awk '/Lost [0-9]+ events/ { for (i = 1; i < NF; i++) if ($i == "Lost") s += $(i + 1) } END { print s + 0 }')
	TRACER_NOTE="$(grep -cv -e '^READY' -e '^Attaching' -e '^Lost' "$TRACER_FILE" || true) $lost"
	rm -f "$TRACER_FILE"
}

tracer_start_tcpdump() {
	local i
	TRACER_FILE=$bench_tmp/capture.pcap
	env --default-signal ip netns exec "$NS_A" tcpdump -n -i "$VETH_A" -s 128 -w "$TRACER_FILE" \
		>"$bench_tmp/tcpdump.err" 2>&1 </dev/null &
	TCPDUMP_PID=$!
	track_pid "$TCPDUMP_PID"
	for ((i = 0; i < 200; i++)); do
		grep -qs 'listening on' "$bench_tmp/tcpdump.err" && return 0
		pid_alive "$TCPDUMP_PID" || break
		sleep_s 0.05
	done
	die "tcpdump did not start: $(tail -n 5 "$bench_tmp/tcpdump.err")"
}
tracer_stop_tcpdump() {
	local captured dropped
	pid_stop "$TCPDUMP_PID" INT 15
	captured=$(awk '/packets captured/ { print $1 }' "$bench_tmp/tcpdump.err")
	dropped=$(awk '/packets dropped by kernel/ { print $1 }' "$bench_tmp/tcpdump.err")
	TRACER_NOTE="${captured:-?} ${dropped:-?}"
	rm -f "$TRACER_FILE"
}

# ================================================================ workloads
# wl_NAME: runs the workload for $SECS seconds and prints its figure.

# iperf3_run ARGS...: one iperf3 client run from $NS_A, its JSON on stdout
# (retried: the server may still be closing the previous test).
iperf3_run() {
	for _ in 1 2 3 4 5; do
		if timeout -k 5 $((SECS + 30)) ip netns exec "$NS_A" iperf3 -c "$IP_B" -p "$PORT" -t "$SECS" -J "$@" \
			>"$bench_tmp/iperf3.json" 2>"$bench_tmp/iperf3.err"; then
			cat "$bench_tmp/iperf3.json"
			return 0
		fi
		sleep_s 0.5
	done
	die "iperf3 $* failed: $(jq -r '.error // empty' "$bench_tmp/iperf3.json" 2>/dev/null) $(tail -n 3 "$bench_tmp/iperf3.err")"
}

# TCP: bits per second received.
wl_tcp() { iperf3_run | jq '.end.sum_received.bits_per_second'; }

# UDP, 64-byte datagrams as fast as the sender goes: datagrams received per second.
wl_udp() { iperf3_run -u -b 0 -l 64 | jq '(.end.sum.packets - .end.sum.lost_packets) / .end.sum.seconds'; }

WORKLOADS=(tcp udp)
declare -A WL_LABEL=([tcp]="TCP throughput" [udp]="UDP 64-byte datagrams received")
declare -A WL_UNIT=([tcp]="Gbit/s" [udp]="kpps")
declare -A WL_SCALE=([tcp]=1e-9 [udp]=1e-3)

# ================================================================ run

# tracefs, where bpftrace finds its tracepoints: a mount of the benchmark's
# own (read to write bpftrace's script), and one in bpftrace's own mount
# namespace (tracer_start_bpftrace), so that whoever mounts or unmounts
# /sys/kernel/tracing meanwhile (another user's test) changes nothing here.
TRACEFS=$bench_tmp/tracefs
mkdir -p "$TRACEFS"
mount -t tracefs nodev "$TRACEFS" || die "cannot mount tracefs on $TRACEFS (bpftrace needs it)"
at_exit "umount '$TRACEFS'"
bpftrace_script "$bench_tmp/trace.bt"

ns_setup
env --default-signal ip netns exec "$NS_B" iperf3 -s -p "$PORT" >"$bench_tmp/iperf3-server.log" 2>&1 </dev/null &
track_pid $!
for ((i = 0; i < 100; i++)); do
	ip netns exec "$NS_B" ss -Hltn "sport = :$PORT" | grep -q . && break
	sleep_s 0.05
done

declare -A VAL=() NOTE=() RATIO=()
for ((r = 1; r <= ROUNDS; r++)); do
	say "overhead: round $r of $ROUNDS (${#CONDS[@]} conditions x ${#WORKLOADS[@]} workloads x $SECS s)"
	n=${#CONDS[@]}
	for ((k = 0; k < n; k++)); do
		c=${CONDS[(k + r - 1) % n]}
		[ -z "${SKIPPED[$c]:-}" ] || continue
		NOT_MEASURED_REASON=
		if ! "tracer_start_$c"; then
			SKIPPED[$c]=${NOT_MEASURED_REASON:-"cannot run"}
			continue
		fi
		for w in "${WORKLOADS[@]}"; do
			v=$("wl_$w")
			VAL[$c,$w,$r]=$v
			raw "overhead $c $w round=$r" "$v"
			# What the tracer still has to write would slow the next workload.
			[ -z "$TRACER_FILE" ] || wait_file_stable "$TRACER_FILE" 10
		done
		"tracer_stop_$c"
		NOTE[$c,$r]=$TRACER_NOTE
		raw "overhead $c note round=$r" "$TRACER_NOTE"
	done
done

# ================================================================ report

# ratios_of C W: median, min and max of the per-round ratio C/none.
ratios_of() {
	local c=$1 w=$2 r list=()
	for ((r = 1; r <= ROUNDS; r++)); do
		list+=("$(calc "${VAL[$c,$w,$r]} / ${VAL[none,$w,$r]}")")
	done
	stats "${list[@]}"
}

md "## 1. Overhead on the traced workload" ""
md "iperf3 from $IP_A to $IP_B across a veth pair between two network namespaces," \
	"$SECS s per run, $ROUNDS round(s); in each round every tracer runs once (rotated order)" \
	"and both workloads run under it. Ratio = throughput with the tracer / throughput with no" \
	"tracer in the same round (1.000 = no overhead): median (min–max over rounds)." \
	"vista runs with --output-meta --output-tuple on all $BPFTRACE_HOOKS skb tracepoints; in (c) it" \
	"writes a recording (--record) and its text lines, which it always prints, go to /dev/null." \
	"bpftrace (0.17, no raw tracepoints) uses the classic tracepoints of the same names" \
	"($BPFTRACE_PROBES of $BPFTRACE_HOOKS exist in tracefs) and prints the same fields (skb, cpu," \
	"comm, pid, netns, mark, ifindex, ifname, protocol, mtu, len, pkt_type, addresses, ports)." \
	"Last column: what the tracer wrote (and lost) over both workloads of the last round; for" \
	"tcpdump, packets captured (dropped by the kernel)." ""

for w in "${WORKLOADS[@]}"; do
	md "### ${WL_LABEL[$w]}" ""
	md_header "condition" "${WL_UNIT[$w]}, median (min–max)" "ratio to (a)" "change" "events (lost), last round"
	for c in "${CONDS[@]}"; do
		if [ -n "${SKIPPED[$c]:-}" ]; then
			md_row "${LABEL[$c]}" "not measured: ${SKIPPED[$c]}" "-" "-" "-"
			continue
		fi
		list=()
		for ((r = 1; r <= ROUNDS; r++)); do
			list+=("$(calc "${VAL[$c,$w,$r]} * ${WL_SCALE[$w]}")")
		done
		read -r med min max _ < <(stats "${list[@]}")
		abs="$(fmt "$med" 2) ($(fmt_spread "$min" "$max" 2))"
		note=${NOTE[$c,$ROUNDS]:-}
		[ -z "$note" ] || note="$(fmt_si "${note% *}") ($(fmt_si "${note#* }"))"
		if [ "$c" = none ]; then
			md_row "${LABEL[$c]}" "$abs" "1 (baseline)" "-" "-"
		else
			read -r rmed rmin rmax _ < <(ratios_of "$c" "$w")
			RATIO[$c,$w]=$rmed
			md_row "${LABEL[$c]}" "$abs" "$(fmt_ratio "$rmed" "$rmin" "$rmax")" "$(fmt_pct_change "$rmed")" "${note:--}"
		fi
	done
	md ""
done

# Goals: vista's overhead (b) at most half of bpftrace's (e); (d) within 3% of (a).
for w in "${WORKLOADS[@]}"; do
	name="${WL_LABEL[$w]}: overhead (b)/(a) at most half of bpftrace's (e)/(a)"
	if [ -n "${RATIO[vista_text,$w]:-}" ] && [ -n "${RATIO[bpftrace,$w]:-}" ]; then
		ob=$(calc "(1 - ${RATIO[vista_text,$w]}) * 100")
		oe=$(calc "(1 - ${RATIO[bpftrace,$w]}) * 100")
		measured="vista $(fmt "$ob" 1)% vs bpftrace $(fmt "$oe" 1)%"
		if awk -v b="$ob" -v e="$oe" 'BEGIN { exit !(b <= e / 2) }'; then
			verdict="met"
		else
			verdict="missed: vista's overhead is $(fmt "$(calc "$ob - $oe / 2")" 1) points above half of bpftrace's"
		fi
		goal "$name" "≤ $(fmt "$(calc "$oe / 2")" 1)% (half of $(fmt "$oe" 1)%)" "$measured" "$verdict"
	else
		goal "$name" "≤ half" "not measured" "not measured"
	fi
	name="${WL_LABEL[$w]}: (d) vista with a filter matching nothing within 3% of (a)"
	if [ -n "${RATIO[vista_nomatch,$w]:-}" ]; then
		rd=${RATIO[vista_nomatch,$w]}
		if awk -v r="$rd" 'BEGIN { exit !(r >= 0.97) }'; then
			verdict="met"
		else
			verdict="missed by $(fmt "$(calc "(0.97 - $rd) * 100")" 1) points"
		fi
		# How far the hooks alone, switched off, already are from the goal.
		[ -z "${RATIO[vista_off,$w]:-}" ] ||
			verdict="$verdict; the floor (d0), every hook switched off, is $(fmt "${RATIO[vista_off,$w]}" 3)"
		goal "$name" "ratio ≥ 0.970" "$(fmt "$rd" 3) ($(fmt_pct_change "$rd"))" "$verdict"
	else
		goal "$name" "ratio ≥ 0.970" "not measured" "not measured"
	fi
done
