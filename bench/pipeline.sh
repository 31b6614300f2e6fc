#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck source-path=SCRIPTDIR/..
#
# Section 2: the event pipeline.
#
# bench/udpflood sends small UDP datagrams from one namespace to the other at
# a paced rate, to a socket that never reads (the kernel drops them once its
# buffer is full), while vista traces every skb hook. Each datagram makes a
# fixed number of events (measured first), so the packet rate sets the event
# rate. At each step the offered event rate is (received + lost) / seconds
# of flooding; vista's CPU time (utime + stime from /proc/PID/stat) over the
# events it received gives the CPU seconds per million events.
#
# Then, by output: at 0.5 M events/s, each round runs vista with text to a
# file, with JSON to a file, with --record, with --pcap-file (every event
# carries its packet), with --output-skb (every event carries its struct
# sk_buff text) and vista-top (in a tmux pane) once each, in a rotated
# order; the CPU per million events of each is also given as a ratio to the
# text run of the same round.
#
# Adding an output mode: write mode_NAME_args (prints vista's arguments, or
# calls not_measured REASON and returns 1) and add NAME to MODES.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

bench_section_begin
require_cmd tmux
[ -x "${BENCH_UDPFLOOD:-}" ] || die "BENCH_UDPFLOOD='${BENCH_UDPFLOOD:-}' is not an executable"
[ -x "${VISTA_TOP:-}" ] || die "VISTA_TOP='${VISTA_TOP:-}' is not an executable"
! grep -qaE '__asan_init|__ubsan_handle' "$VISTA_TOP" || die "$VISTA_TOP is built with sanitizers"

ROUNDS=$(pick 1 2)
SECS=$(pick 1 3)
# Target event rates; "max" floods as fast as one sender goes.
if quick; then
	TARGETS=(1000000 max)
else
	TARGETS=(250000 500000 750000 1000000 1250000 1500000 max)
fi
PORT=9000
# One sender per CPU: on a small machine a single sender cannot offer much more
# than 0.5 M events/s once vista's programs sit in its path.
NCPU=$(nproc)

# ================================================================ output modes

MODES=(text json record pcap skb tui)
declare -A MODE_LABEL=(
	[text]="text (--output-meta --output-tuple) to a file"
	[json]="JSON (--output-json --output-meta --output-tuple) to a file"
	[record]="--record binary to a file (text to /dev/null)"
	[pcap]="--pcap-file classic pcap (snaplen 256) to a file (text to /dev/null)"
	[skb]="text with --output-skb (the struct sk_buff of each event) to a file"
	[tui]="vista-top ingestion (every skb hook, 120x40 tmux pane)"
)
# The file a mode writes is $bench_tmp/trace.out: measure waits for it to stop growing.
mode_text_args() { echo "--output-meta --output-tuple --output-file $bench_tmp/trace.out"; }
mode_json_args() { echo "--output-json --output-meta --output-tuple --output-file $bench_tmp/trace.out"; }
# vista prints its text lines whatever else it does: here they go to /dev/null.
mode_record_args() { echo "--output-meta --output-tuple --record $bench_tmp/trace.out --output-file /dev/null"; }
# Classic pcap: the name must be trace.out, and the per-packet work is the same as pcapng's but the comment.
mode_pcap_args() { echo "--output-meta --output-tuple --pcap-file $bench_tmp/trace.out --output-file /dev/null"; }
mode_skb_args() { echo "--output-meta --output-tuple --output-skb --output-file $bench_tmp/trace.out"; }
# vista-top collects the metadata and the tuple whatever its options.
mode_tui_args() { echo ""; }

# ================================================================ one measurement

# flood PPS: NCPU senders of PPS datagrams/s each (0: as fast as possible) for SECS s.
flood() {
	local i pids=()
	for ((i = 0; i < NCPU; i++)); do
		timeout -k 5 $((SECS + 30)) ip netns exec "$NS_A" \
			"$BENCH_UDPFLOOD" send "$IP_B" "$PORT" "$1" "$SECS" >"$bench_tmp/flood.$i" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || die "udpflood failed"
	done
}

# measure MODE PPS: one vista (or vista-top) run under flood PPS. Sets
# M_SENT M_SECS M_RECEIVED M_LOST M_CPU_S.
measure() {
	local args ticks0 ticks1 i out total0 lost0 lost1
	args=$("mode_$1_args")
	if [ "$1" = tui ]; then
		# shellcheck disable=SC2086 # the arguments are words
		top_start $args
		ticks0=$(proc_cpu_ticks "$TOP_PID")
		total0=$(top_counter total)
		lost0=$(top_counter "lost in kernel")
		flood "$2"
		# Until what vista-top takes is the machine's other traffic only.
		top_wait_total 999999999999 20
		ticks1=$(proc_cpu_ticks "$TOP_PID")
		lost1=$(top_counter "lost in kernel")
		if [ -z "$total0" ] || [ -z "$lost0" ] || [ -z "$lost1" ]; then
			die "vista-top's status bar shows no total or lost count: $(top_screen | tail -n 2)"
		fi
		top_stop
		M_RECEIVED=$((TOP_TOTAL - total0))
		M_LOST=$((lost1 - lost0))
	else
		# shellcheck disable=SC2086 # the arguments are words
		vista_start $args
		ticks0=$(proc_cpu_ticks "$VISTA_PID")
		flood "$2"
		# Let vista drain what the ring buffer still holds before reading its clock.
		wait_file_stable "$bench_tmp/trace.out" 20
		ticks1=$(proc_cpu_ticks "$VISTA_PID")
		vista_stop
		rm -f "$bench_tmp/trace.out"
		M_RECEIVED=$VISTA_RECEIVED
		M_LOST=$VISTA_LOST
	fi
	M_SENT=0
	M_SECS=0
	for ((i = 0; i < NCPU; i++)); do
		out=$(cat "$bench_tmp/flood.$i")
		[[ $out =~ sent=([0-9]+)\ seconds=([0-9.]+) ]] || die "udpflood printed '$out'"
		M_SENT=$((M_SENT + BASH_REMATCH[1]))
		M_SECS=$(calc "${BASH_REMATCH[2]} > $M_SECS ? ${BASH_REMATCH[2]} : $M_SECS")
	done
	M_CPU_S=$(calc "($ticks1 - $ticks0) / $CLK_TCK")
	raw "pipeline $1 pps=$2" "sent=$M_SENT secs=$M_SECS received=$M_RECEIVED lost=$M_LOST cpu_s=$M_CPU_S"
}

# ================================================================ run

ns_setup
env --default-signal ip netns exec "$NS_B" "$BENCH_UDPFLOOD" sink "$PORT" </dev/null &
track_pid $!

# Events per datagram, at a rate nothing is lost at.
measure text 5000
[ "$M_LOST" -eq 0 ] || say "warning: $M_LOST events lost at 5k datagrams/s during calibration"
EPP=$(calc "($M_RECEIVED + $M_LOST) / $M_SENT")
say "pipeline: $(fmt "$EPP" 2) events per datagram"

declare -A OFFERED=() RECV=() LOSTF=() CPUM=() SENTPPS=()
# shellcheck disable=SC2034 # the arrays are read through the nameref in col()
for ((r = 1; r <= ROUNDS; r++)); do
	say "pipeline: round $r of $ROUNDS (${#TARGETS[@]} rates x $SECS s)"
	# Alternate the direction of the sweep between rounds.
	order=("${TARGETS[@]}")
	if [ $((r % 2)) -eq 0 ]; then
		order=()
		for ((k = ${#TARGETS[@]} - 1; k >= 0; k--)); do order+=("${TARGETS[k]}"); done
	fi
	for t in "${order[@]}"; do
		if [ "$t" = max ]; then
			measure text 0
		else
			measure text "$(fmt "$(calc "$t / $EPP / $NCPU")")"
		fi
		total=$((M_RECEIVED + M_LOST))
		OFFERED[$t,$r]=$(calc "$total / $M_SECS")
		RECV[$t,$r]=$(calc "$M_RECEIVED / $M_SECS")
		LOSTF[$t,$r]=$(calc "$total > 0 ? $M_LOST / $total : 0")
		CPUM[$t,$r]=$(calc "$M_RECEIVED > 0 ? $M_CPU_S / $M_RECEIVED * 1e6 : 0")
		SENTPPS[$t,$r]=$(calc "$M_SENT / $M_SECS")
	done
done

# By output, at 0.5 M events/s: each round runs every mode once (rotated order).
OUT_TARGET=500000
OUT_MODES=()
declare -A OUT_SKIP=() OCPU=() ORATIO=() OLOST=() ORECV=()
for m in "${MODES[@]}"; do
	NOT_MEASURED_REASON=
	if "mode_${m}_args" >/dev/null; then OUT_MODES+=("$m"); else OUT_SKIP[$m]=$NOT_MEASURED_REASON; fi
done
# shellcheck disable=SC2034 # the arrays are read through the nameref in col()
for ((r = 1; r <= ROUNDS; r++)); do
	say "pipeline: round $r of $ROUNDS by output (${OUT_MODES[*]} at $(fmt_si "$OUT_TARGET") events/s x $SECS s)"
	n=${#OUT_MODES[@]}
	for ((k = 0; k < n; k++)); do
		m=${OUT_MODES[(k + r - 1) % n]}
		measure "$m" "$(fmt "$(calc "$OUT_TARGET / $EPP / $NCPU")")"
		[ "$M_RECEIVED" -gt 0 ] || die "$m received no event at $(fmt_si "$OUT_TARGET") events/s"
		OCPU[$m,$r]=$(calc "$M_CPU_S / $M_RECEIVED * 1e6")
		ORECV[$m,$r]=$(calc "$M_RECEIVED / $M_SECS")
		OLOST[$m,$r]=$(calc "$M_LOST / ($M_RECEIVED + $M_LOST)")
	done
	for m in "${OUT_MODES[@]}"; do
		ORATIO[$m,$r]=$(calc "${OCPU[text,$r]} > 0 ? ${OCPU[$m,$r]} / ${OCPU[text,$r]} : 0")
	done
done

# ================================================================ report

# col KIND T: "median min max n" of one column over the rounds.
col() {
	local -n arr=$1
	local list=() r
	for ((r = 1; r <= ROUNDS; r++)); do list+=("${arr[$2,$r]}"); done
	stats "${list[@]}"
}

md "## 2. Event pipeline" ""
md "bench/udpflood sends 18-byte UDP datagrams from $IP_A to $IP_B (a socket that never reads," \
	"so the kernel drops them at the socket) at a paced rate for $SECS s, $ROUNDS round(s)" \
	"(sweep direction alternating), while vista traces all skb hooks with" \
	"--output-meta --output-tuple into a file. One datagram makes $(fmt "$EPP" 2) events." \
	"One sender per CPU ($NCPU), each paced at its share of the target; the scheduler places" \
	"senders and vista (none is pinned). The last step runs the senders unpaced." \
	"Offered = (received + lost) / flood time. Lost fraction = lost / (received + lost)." \
	"CPU = vista's utime + stime (/proc/PID/stat, ${CLK_TCK} Hz ticks) over the run, per million" \
	"events received. Median (min–max over rounds)." ""
md_header "target events/s" "datagrams/s sent" "offered events/s" "received events/s" "lost fraction" "vista CPU s per 1M events"
best=0
best_label=""
reach_ok=false     # a step offered >= 0.95 M events/s and lost nothing
reach_lossy=""     # the worst lost fraction of the steps offering >= 0.95 M events/s
top_offered=0
for t in "${TARGETS[@]}"; do
	read -r om omin omax _ < <(col OFFERED "$t")
	read -r rm _ _ _ < <(col RECV "$t")
	read -r lm lmin lmax _ < <(col LOSTF "$t")
	read -r cm cmin cmax _ < <(col CPUM "$t")
	read -r sm _ _ _ < <(col SENTPPS "$t")
	if [ "$t" = max ]; then label="max (unpaced)"; else label=$(fmt_si "$t"); fi
	md_row "$label" "$(fmt_si "$sm")" "$(fmt_si "$om") ($(fmt_si "$omin")–$(fmt_si "$omax"))" "$(fmt_si "$rm")" \
		"$(fmt "$lm" 4) ($(fmt "$lmin" 4)–$(fmt "$lmax" 4))" "$(fmt "$cm" 3) ($(fmt "$cmin" 3)–$(fmt "$cmax" 3))"
	top_offered=$(calc "$omax > $top_offered ? $omax : $top_offered")
	# Zero loss in every round at this step: a candidate for the highest lossless rate.
	if awk -v l="$lmax" 'BEGIN { exit !(l == 0) }'; then
		if awk -v o="$omin" -v b="$best" 'BEGIN { exit !(o > b) }'; then
			best=$omin
			best_label=$label
		fi
		! awk -v o="$omin" 'BEGIN { exit !(o >= 950000) }' || reach_ok=true
	elif awk -v o="$omin" 'BEGIN { exit !(o >= 950000) }'; then
		reach_lossy=$(calc "${reach_lossy:-0} > $lmax ? ${reach_lossy:-0} : $lmax")
	fi
	[ "$t" != max ] || { MAX_OFFERED=$om MAX_LOST=$lm MAX_LOST_WORST=$lmax; }
done
md ""
if [ -n "$best_label" ]; then
	md "Highest event rate drained with zero lost events (in every round): **$(fmt_si "$best") events/s**" \
		"(step $best_label, lowest offered rate over the rounds)."
	! awk -v l="$MAX_LOST_WORST" 'BEGIN { exit !(l == 0) }' ||
		md "vista lost nothing even unpaced: its limit lies above what the senders could offer here."
else
	md "vista lost events at every step, even the lowest."
fi
md "Driven past it (unpaced senders): $(fmt_si "$MAX_OFFERED") events/s offered, lost fraction $(fmt "$MAX_LOST" 4)." ""

md "### CPU per million events, by output" ""
md "The same flood at a $(fmt_si "$OUT_TARGET") events/s target, $SECS s, $ROUNDS round(s); each round runs" \
	"every output once (rotated order). CPU: utime + stime of vista (of vista-top for its row)" \
	"over the run, per million events received; vista-top's received and lost counts are read" \
	"from its status bar. Ratio: to the text run of the same round. Median (min–max)." ""
md_header "output" "CPU s per 1M events" "ratio to text, same round" "received events/s" "lost fraction"
for m in "${MODES[@]}"; do
	if [ -n "${OUT_SKIP[$m]:-}" ]; then
		md_row "${MODE_LABEL[$m]}" "not measured: ${OUT_SKIP[$m]}" "-" "-" "-"
		continue
	fi
	read -r cm cmin cmax _ < <(col OCPU "$m")
	read -r rm rmin rmax _ < <(col ORATIO "$m")
	read -r em _ _ _ < <(col ORECV "$m")
	read -r lm lmin lmax _ < <(col OLOST "$m")
	if [ "$m" = text ]; then ratio="1 (baseline)"; else ratio=$(fmt_ratio "$rm" "$rmin" "$rmax"); fi
	md_row "${MODE_LABEL[$m]}" "$(fmt "$cm" 3) ($(fmt "$cmin" 3)–$(fmt "$cmax" 3))" "$ratio" "$(fmt_si "$em")" \
		"$(fmt "$lm" 4) ($(fmt "$lmin" 4)–$(fmt "$lmax" 4))"
done
md ""

if $reach_ok; then
	goal "zero lost events at 1M events/s" "lost = 0 at ≥ 1 M/s" "lossless up to $(fmt_si "$best") events/s" "met"
elif [ -n "$reach_lossy" ]; then
	goal "zero lost events at 1M events/s" "lost = 0 at ≥ 1 M/s" "lossless up to $(fmt_si "$best") events/s; lost fraction $(fmt "$reach_lossy" 4) at ≥ 1 M/s" \
		"missed: lossless only up to $(fmt_si "$best") events/s ($(fmt "$(calc "$best / 1e4")" 0)% of the goal)"
else
	goal "zero lost events at 1M events/s" "lost = 0 at ≥ 1 M/s" "lossless up to $(fmt_si "$best") events/s; at most $(fmt_si "$top_offered") events/s offered" \
		"not reached: this machine offered at most $(fmt_si "$top_offered") events/s with vista attached"
fi
