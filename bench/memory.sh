#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck source-path=SCRIPTDIR/..
#
# Section 5: memory.
#
# Peak resident set (VmHWM in /proc/PID/status, read just before SIGINT) of
# vista idle (attached, no traffic) and after streaming at least 1M events,
# and of vista-top idle and holding 1M events. Each figure comes from one
# function, mem_NAME, which prints "VmHWM_kB VmRSS_kB MAP_kB DIRTY_kB events"
# (see mem_snapshot) or calls not_measured REASON and returns 1.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

bench_section_begin
[ -x "${BENCH_UDPFLOOD:-}" ] || die "BENCH_UDPFLOOD='${BENCH_UDPFLOOD:-}' is not an executable"

RUNS=$(pick 1 3)
PORT=9000
ARGS=(--output-meta --output-tuple)

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
	sleep_s 1
	mem_snapshot "$VISTA_PID" >"$bench_tmp/mem"
	vista_stop
	echo "$(cat "$bench_tmp/mem") $VISTA_RECEIVED"
	rm -f "$bench_tmp/trace.out"
}

# At least 1M events through vista: 8 events a datagram, 70k datagrams/s for
# 2 s from each of two senders (lossless on the CI machine).
mem_vista_1m() {
	local i pids=()
	vista_start "${ARGS[@]}" --output-file "$bench_tmp/trace.out"
	for i in 1 2; do
		timeout -k 5 30 ip netns exec "$NS_A" "$BENCH_UDPFLOOD" send "$IP_B" "$PORT" 70000 2 >/dev/null &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || die "udpflood failed"
	done
	wait_file_stable "$bench_tmp/trace.out" 20
	mem_snapshot "$VISTA_PID" >"$bench_tmp/mem"
	vista_stop
	echo "$(cat "$bench_tmp/mem") $((VISTA_RECEIVED + VISTA_LOST))"
	rm -f "$bench_tmp/trace.out"
}

mem_top_idle() {
	not_measured "vista-top does not exist yet"
	return 1
}
mem_top_1m() {
	not_measured "vista-top does not exist yet"
	return 1
}

ROWS=(vista_idle vista_1m top_idle top_1m)
declare -A LABEL=(
	[vista_idle]="vista, idle (attached, no traffic)"
	[vista_1m]="vista, after streaming ≥ 1M events to a file"
	[top_idle]="vista-top, idle"
	[top_1m]="vista-top, holding 1M events"
)

ns_setup
env --default-signal ip netns exec "$NS_B" "$BENCH_UDPFLOOD" sink "$PORT" </dev/null &
track_pid $!

declare -A HWM=() RSS=() MAP=() DIRTY=() EVENTS=() SKIP=()
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
	"before SIGINT; vista with --output-meta --output-tuple --output-file. $RUNS run(s)," \
	"MiB, median (min–max). vista streams events, so what it holds does not grow with" \
	"their number. The BPF map column is the resident part of vista's mappings of BPF maps" \
	"(the ring buffer's data pages are mapped twice, back to back, so 16 MiB shows as 32)." ""
md_header "process" "VmHWM (MiB)" "VmRSS (MiB)" "of which BPF map mappings" "private dirty (heap, anon)" "events"
# mib LIST: "median (min–max)" in MiB of a list of kB values.
mib() {
	local m lo hi
	# shellcheck disable=SC2086 # a list of numbers
	read -r m lo hi _ < <(stats $1)
	printf '%s (%s)' "$(fmt "$(calc "$m / 1024")" 1)" "$(fmt_spread "$(calc "$lo / 1024")" "$(calc "$hi / 1024")" 1)"
}
for row in "${ROWS[@]}"; do
	if [ -n "${SKIP[$row]:-}" ]; then
		md_row "${LABEL[$row]}" "not measured: ${SKIP[$row]}" "-" "-" "-" "-"
		continue
	fi
	md_row "${LABEL[$row]}" "$(mib "${HWM[$row]}")" "$(mib "${RSS[$row]}")" "$(mib "${MAP[$row]}")" \
		"$(mib "${DIRTY[$row]}")" "$(fmt_si "${EVENTS[$row]}")"
done
md ""
