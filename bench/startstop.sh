#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck source-path=SCRIPTDIR/..
#
# Section 4: start and stop.
#
# Start: from the fork/exec of vista until its --ready-file exists (every hook
# attached), polled every 0.5 ms. Stop: from SIGINT until vista has exited
# (bash's wait), then until the kernel has freed its programs (bpftool, polled
# every 10 ms). Every backend vista can be asked for gets a row; a backend
# vista refuses here is "not measured here" (the kernel matrix in tests/vm
# runs the others under QEMU), with vista's own reason below the table, so a
# backend shows up here as soon as this kernel lets vista attach it.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

bench_section_begin

RUNS=$(pick 2 15)
BACKENDS=(auto tracepoint kprobe-multi fentry kprobe)
declare -A LABEL=(
	[auto]="auto-detected (default)"
	[tracepoint]="--kprobe-backend tracepoint"
	[kprobe-multi]="--kprobe-backend kprobe-multi"
	[fentry]="--kprobe-backend fentry"
	[kprobe]="--kprobe-backend kprobe"
)
ARGS=(--output-meta --output-tuple --output-file /dev/null)

# backend_args NAME: vista's arguments for a backend.
backend_args() {
	[ "$1" = auto ] || printf '%s\n' --kprobe-backend "$1"
}

# backend_refused NAME: 0 (with NOT_MEASURED_REASON set to vista's error)
# when vista refuses the backend here; 1 when it attaches.
backend_refused() {
	local args pid i status=0 ready=$bench_tmp/probe.ready err=$bench_tmp/probe.err
	mapfile -t args < <(backend_args "$1")
	rm -f "$ready"
	env --default-signal "$VISTA" "${args[@]}" --ready-file "$ready" --filter-addr 192.0.2.1 \
		--output-file /dev/null >/dev/null 2>"$err" </dev/null &
	pid=$!
	track_pid "$pid"
	for ((i = 0; i < BENCH_READY_TIMEOUT * 20; i++)); do
		[ ! -e "$ready" ] || break
		pid_alive "$pid" || break
		sleep_s 0.05
	done
	pid_stop "$pid" INT "$BENCH_STOP_TIMEOUT"
	wait "$pid" 2>/dev/null || status=$?
	if [ -e "$ready" ]; then
		bpf_leftover_check "$BPF_ORPHANS" || die "the probe run of backend $1 left programs behind"
		return 1
	fi
	[ "$status" -ne 0 ] || die "vista with backend $1 exited 0 without becoming ready"
	not_measured "$(tail -n 1 "$err" | sed -E 's/^[0-9\/]+ [0-9:]+ //')"
	return 0
}

# freed_ms T0 ID...: milliseconds from T0 until the kernel has freed every
# one of these programs (the last vista's: other vistas may come and go).
freed_ms() {
	local i t0=$1
	shift
	for ((i = 0; i < 500; i++)); do
		[ "$(bpf_progs_loaded "$@")" -gt 0 ] || break
		sleep_s 0.01
	done
	now_us
	calc "($NOW_US - $t0) / 1000"
}

declare -A READY=() STOP=() FREED=() SKIP=() HOOKS=()
for b in "${BACKENDS[@]}"; do
	NOT_MEASURED_REASON=
	if backend_refused "$b"; then
		SKIP[$b]=$NOT_MEASURED_REASON
	fi
done
# One untimed run: page cache, BTF, the first BPF load.
vista_start "${ARGS[@]}"
vista_stop

for ((r = 1; r <= RUNS; r++)); do
	[ $((r % 5)) -ne 1 ] || say "start/stop: run $r of $RUNS"
	for b in "${BACKENDS[@]}"; do
		[ -z "${SKIP[$b]:-}" ] || continue
		mapfile -t bargs < <(backend_args "$b")
		vista_start "${bargs[@]}" "${ARGS[@]}"
		HOOKS[$b]=$(sed -nE 's/.*Attached ([0-9]+) .*/\1/p' "$VISTA_ERR" | tail -n 1)
		READY[$b]+=" $(calc "$VISTA_READY_US / 1000")"
		mapfile -t ids < <(vista_prog_ids "$VISTA_PID")
		[ ${#ids[@]} -gt 0 ] || die "vista (backend $b) holds no BPF program"
		sleep_s 0.2
		now_us
		t0=$NOW_US
		vista_stop
		STOP[$b]+=" $(calc "$VISTA_STOP_US / 1000")"
		FREED[$b]+=" $(freed_ms "$t0" "${ids[@]}")"
	done
done

md "## 4. Start and stop" ""
md "vista --output-meta --output-tuple --output-file /dev/null, $RUNS runs per backend after one" \
	"untimed run. Ready: exec until the --ready-file exists (all hooks attached; polled every" \
	"0.5 ms). Exit: SIGINT until the process has exited. Freed: SIGINT until bpftool lists none" \
	"of its programs (polled every 10 ms). Milliseconds, median (min–max)." ""
md_header "backend" "hooks" "exec → ready (ms)" "SIGINT → exit (ms)" "SIGINT → programs freed (ms)"
for b in "${BACKENDS[@]}"; do
	if [ -n "${SKIP[$b]:-}" ]; then
		md_row "${LABEL[$b]}" "-" "not measured here: needs kprobes/fentry (section 8 measures it in a QEMU guest, under TCG)" "-" "-"
		continue
	fi
	# shellcheck disable=SC2086 # lists of numbers
	{
		read -r rm rmin rmax _ < <(stats ${READY[$b]})
		read -r sm smin smax _ < <(stats ${STOP[$b]})
		read -r fm fmin fmax _ < <(stats ${FREED[$b]})
	}
	raw "startstop $b ready_ms" "${READY[$b]}"
	raw "startstop $b stop_ms" "${STOP[$b]}"
	raw "startstop $b freed_ms" "${FREED[$b]}"
	md_row "${LABEL[$b]}" "${HOOKS[$b]:-?}" "$(fmt "$rm" 1) ($(fmt_spread "$rmin" "$rmax" 1))" \
		"$(fmt "$sm" 1) ($(fmt_spread "$smin" "$smax" 1))" "$(fmt "$fm" 1) ($(fmt_spread "$fmin" "$fmax" 1))"
	[ "$b" != auto ] || READY_AUTO=$rm
done
md ""
refused=()
for b in "${BACKENDS[@]}"; do
	[ -z "${SKIP[$b]:-}" ] || refused+=("$b")
done
if [ ${#refused[@]} -gt 0 ]; then
	md "This kernel lets vista attach only what the rows above measure; it refused the others:"
	for b in "${refused[@]}"; do
		md "- $b: ${SKIP[$b]#vista: }"
	done
	md ""
fi

if [ -n "${READY_AUTO:-}" ]; then
	if awk -v r="$READY_AUTO" 'BEGIN { exit !(r < 300) }'; then
		verdict="met"
	else
		verdict="missed by $(fmt "$(calc "$READY_AUTO - 300")" 0) ms"
	fi
	goal "ready in under 300 ms (default backend)" "< 300 ms" "$(fmt "$READY_AUTO" 1) ms" "$verdict"
fi
