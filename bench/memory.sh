#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck source-path=SCRIPTDIR/..
#
# Section 5: memory.
#
# Peak resident set (VmHWM in /proc/PID/status, read just before it is
# stopped) of vista idle (attached, no traffic) and after streaming at least
# 1M events, and of vista-top idle, with its event store full (1M events)
# after a flood, and replaying a recording of 1M events. Each run measures
# every row once; vista-top's figures are also given as a ratio to vista
# idle in the same run. Each figure comes from one function, mem_NAME,
# which prints "VmHWM_kB VmRSS_kB MAP_kB DIRTY_kB EVENTS" (see mem_snapshot;
# EVENTS is one word) or calls not_measured REASON and returns 1.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

bench_section_begin
require_cmd tmux
[ -x "${BENCH_UDPFLOOD:-}" ] || die "BENCH_UDPFLOOD='${BENCH_UDPFLOOD:-}' is not an executable"
[ -x "${BENCH_TUI:-}" ] || die "BENCH_TUI='${BENCH_TUI:-}' is not an executable"
[ -x "${VISTA_TOP:-}" ] || die "VISTA_TOP='${VISTA_TOP:-}' is not an executable"
! grep -qaE '__asan_init|__ubsan_handle' "$VISTA_TOP" || die "$VISTA_TOP is built with sanitizers"

RUNS=$(pick 1 3)
PORT=9000
ARGS=(--output-meta --output-tuple)
# vista-top's event store, its default size, and how many events vista streams
# (the quick run holds and streams fewer: it must stay under 2 minutes).
STORE=$(pick 200000 1000000)
FLOOD_S=$(pick 1 2)
FLOOD_PPS=70000 # datagrams/s from each of the two senders
IDLE_S=$(pick 0.5 1) # how long an idle tracer is left attached before its memory is read

# mem_snapshot PID: "VmHWM VmRSS MAP DIRTY" in kB, where MAP is the resident
# part of BPF map mappings (the ring buffer) and DIRTY the private dirty
# memory (heap and anonymous mappings: what the process itself allocated).
mem_snapshot() {
	printf '%s %s %s\n' "$(proc_status_kb "$1" VmHWM)" "$(proc_status_kb "$1" VmRSS)" "$(awk '
		/^[0-9a-f]+-[0-9a-f]+ / { bpf = ($6 ~ /^anon_inode:bpf/) }
		/^Rss:/ && bpf { map += $2 }
		/^Private_Dirty:/ { dirty += $2 }
		END { printf "%d %d", map, dirty }' "/proc/$1/smaps")"
}

mem_vista_idle() {
	vista_start "${ARGS[@]}" --output-file "$bench_tmp/trace.out"
	sleep_s "$IDLE_S"
	mem_snapshot "$VISTA_PID" >"$bench_tmp/mem"
	vista_stop
	echo "$(cat "$bench_tmp/mem") $VISTA_RECEIVED"
	rm -f "$bench_tmp/trace.out"
}

# flood: 8 events a datagram, FLOOD_PPS datagrams/s for FLOOD_S s from each of two
# senders: 1.1M events a second (lossless for vista on the CI machine).
flood() {
	local i pids=()
	for i in 1 2; do
		timeout -k 5 30 ip netns exec "$NS_A" "$BENCH_UDPFLOOD" send "$IP_B" "$PORT" "$FLOOD_PPS" "$FLOOD_S" >/dev/null &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || die "udpflood failed"
	done
}

# At least STORE events through vista: floods again (up to 5 times) while the
# senders offered fewer (a busy machine paces them slower).
mem_vista_1m() {
	local i
	vista_start "${ARGS[@]}" --output-file "$bench_tmp/trace.out"
	for ((i = 0; i < 5; i++)); do
		flood
		wait_file_stable "$bench_tmp/trace.out" 20
		vista_counts
		[ $((VISTA_RECEIVED + VISTA_LOST)) -lt "$STORE" ] || break
	done
	mem_snapshot "$VISTA_PID" >"$bench_tmp/mem"
	vista_stop
	echo "$(cat "$bench_tmp/mem") $((VISTA_RECEIVED + VISTA_LOST))"
	rm -f "$bench_tmp/trace.out"
}

# vista-top (every skb hook, live) attached, no traffic.
mem_top_idle() {
	top_start --event-store-size "$STORE"
	sleep_s "$IDLE_S"
	mem_snapshot "$TOP_PID" >"$bench_tmp/mem"
	TOP_TOTAL=$(top_counter total)
	top_stop
	echo "$(cat "$bench_tmp/mem") ${TOP_TOTAL}_held"
}

# vista-top with its store full: floods until it has taken at least STORE
# events (what the kernel drops while it is busy does not reach the store).
mem_top_1m() {
	local i
	top_start --event-store-size "$STORE"
	for ((i = 0; i < 5; i++)); do
		flood
		top_wait_total "$STORE" 20
		[ "$TOP_TOTAL" -lt "$STORE" ] || break
	done
	mem_snapshot "$TOP_PID" >"$bench_tmp/mem"
	top_stop
	echo "$(cat "$bench_tmp/mem") $((TOP_TOTAL < STORE ? TOP_TOTAL : STORE))_held_of_${TOP_TOTAL}"
}

# vista-top replaying a recording of STORE events (bench/bench_tui's): no BPF.
mem_top_replay() {
	[ -s "$bench_tmp/replay.vrec" ] || "$BENCH_TUI" write "$bench_tmp/replay.vrec" "$STORE" ||
		die "bench_tui write failed"
	top_start --event-store-size "$STORE" --replay "$bench_tmp/replay.vrec"
	top_wait_total "$STORE" 60
	[ "$TOP_TOTAL" -eq "$STORE" ] || die "vista-top took $TOP_TOTAL events of the $STORE of the replay"
	mem_snapshot "$TOP_PID" >"$bench_tmp/mem"
	top_stop
	echo "$(cat "$bench_tmp/mem") ${TOP_TOTAL}_held"
}

ROWS=(vista_idle vista_1m top_idle top_1m top_replay)
declare -A LABEL=(
	[vista_idle]="vista, idle (attached, no traffic)"
	[vista_1m]="vista, after streaming ≥ $(fmt_si "$STORE") events to a file"
	[top_idle]="vista-top, idle (attached, no traffic)"
	[top_1m]="vista-top, store full after a flood"
	[top_replay]="vista-top --replay of a $(fmt_si "$STORE")-event recording"
)

ns_setup
env --default-signal ip netns exec "$NS_B" "$BENCH_UDPFLOOD" sink "$PORT" </dev/null &
track_pid $!

declare -A HWM=() RSS=() MAP=() DIRTY=() EVENTS=() SKIP=() RATIO=() IDLE_HWM=()
for ((r = 1; r <= RUNS; r++)); do
	say "memory: run $r of $RUNS"
	for row in "${ROWS[@]}"; do
		[ -z "${SKIP[$row]:-}" ] || continue
		NOT_MEASURED_REASON=
		if ! "mem_$row" >"$bench_tmp/out"; then
			SKIP[$row]=${NOT_MEASURED_REASON:-"failed"}
			continue
		fi
		read -r h s m d e <"$bench_tmp/out"
		[ "$row" != vista_idle ] || IDLE_HWM[$r]=$h
		RATIO[$row]+=" $(calc "$h / ${IDLE_HWM[$r]}")"
		HWM[$row]+=" $h"
		RSS[$row]+=" $s"
		MAP[$row]+=" $m"
		DIRTY[$row]+=" $d"
		EVENTS[$row]=$e
		raw "memory $row run=$r" "VmHWM=$h kB VmRSS=$s kB bpf_maps=$m kB private_dirty=$d kB events=$e"
	done
done

md "## 5. Memory" ""
md "Peak resident set (VmHWM) and resident set (VmRSS) from /proc/PID/status, read just" \
	"before it is stopped; vista with --output-meta --output-tuple --output-file; vista-top" \
	"(every skb hook, metadata and tuple always collected) in a 120x40 tmux pane with" \
	"--event-store-size $STORE$(quick || echo " (its default)"). The flood: 2 senders of $(fmt_si "$FLOOD_PPS") datagrams/s each" \
	"for $FLOOD_S s (up to $(fmt_si "$((2 * FLOOD_PPS * 8 * FLOOD_S))") events), again (up to 5 times) until vista has streamed $(fmt_si "$STORE") events or" \
	"vista-top has taken $(fmt_si "$STORE"). The replay: a recording of $(fmt_si "$STORE") events" \
	"(bench/bench_tui write; no BPF). $RUNS run(s), every row once per run, MiB, median" \
	"(min–max). vista streams events, so what it holds does not grow with their number;" \
	"vista-top keeps up to $(fmt_si "$STORE") of them. The BPF map column is the resident part" \
	"of the mappings of BPF maps (the ring buffer's data pages are mapped twice, back to back," \
	"so 16 MiB shows as 32). Ratio: VmHWM over vista idle's in the same run." ""
md_header "process" "VmHWM (MiB)" "ratio to vista idle" "VmRSS (MiB)" "of which BPF map mappings" "private dirty (heap, anon)" "events"
# mib LIST: "median (min–max)" in MiB of a list of kB values.
mib() {
	local m lo hi
	# shellcheck disable=SC2086 # a list of numbers
	read -r m lo hi _ < <(stats $1)
	printf '%s (%s)' "$(fmt "$(calc "$m / 1024")" 1)" "$(fmt_spread "$(calc "$lo / 1024")" "$(calc "$hi / 1024")" 1)"
}
# events WORD: "N_held" or "N_held_of_M" from vista-top, a count from vista.
events() {
	local e=$1
	case $e in
	*_held_of_*) echo "$(fmt_si "${e%%_*}") held of $(fmt_si "${e##*_}") taken" ;;
	*_held) echo "$(fmt_si "${e%%_*}") held" ;;
	*) fmt_si "$e" ;;
	esac
}
for row in "${ROWS[@]}"; do
	if [ -n "${SKIP[$row]:-}" ]; then
		md_row "${LABEL[$row]}" "not measured: ${SKIP[$row]}" "-" "-" "-" "-" "-"
		continue
	fi
	# shellcheck disable=SC2086 # a list of numbers
	read -r rm rlo rhi _ < <(stats ${RATIO[$row]})
	if [ "$row" = vista_idle ]; then ratio="1 (baseline)"; else ratio=$(fmt_ratio "$rm" "$rlo" "$rhi"); fi
	md_row "${LABEL[$row]}" "$(mib "${HWM[$row]}")" "$ratio" "$(mib "${RSS[$row]}")" "$(mib "${MAP[$row]}")" \
		"$(mib "${DIRTY[$row]}")" "$(events "${EVENTS[$row]}")"
done
md ""
