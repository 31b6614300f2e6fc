#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck source-path=SCRIPTDIR/..
#
# Usage: bench/soak.sh [--srcdir DIR] [--builddir DIR]
#
# The overload soak (issue 11), as root: `make soak` runs it. Not part of
# `make check` or CI: it saturates every CPU for SOAK_SECONDS.
#
# bench/udpflood floods UDP from one network namespace to the other, one
# unpaced sender per CPU (the highest event rate the machine makes, as in
# bench/pipeline.sh), for SOAK_SECONDS, while two tracers take every skb
# event of the machine at the same time:
#   - vista, text with metadata and tuple to a file (truncated at each sample
#     to spare the disk: vista writes on at its own offset, so the file's size
#     still grows by what it writes);
#   - vista-top in a 120x40 tmux pane.
# Every SOAK_INTERVAL seconds it samples both RSS (VmRSS of /proc/PID/status),
# vista's counts (SIGUSR1: "N events received, N lost"), the file's size and
# vista-top's status bar (total, lost in kernel, dropped by UI); once a minute
# and at the end it presses '?' in vista-top and times until the help overlay
# shows, then Esc until it is gone. Then it prints one line per check and a
# verdict, and exits 1 when a check failed:
#   RSS flat        for each: the highest RSS of the last minute is at most
#                   the highest of the warm-up (the first SOAK_WARMUP s) plus
#                   SOAK_RSS_MARGIN_KB
#   lost counted    vista's end-of-run line counts events received and lost,
#                   and its counts never went down; vista-top's status bar
#                   shows "lost in kernel N" and "dropped by UI N"
#   no stall        in every interval vista's file grew and its received
#                   count rose, and vista-top's total rose
#   key answered    each key's answer is on the screen within SOAK_KEY_MS
#   clean end       vista exits 0 on SIGINT, vista-top exits 0 on q, and no
#                   vista BPF program or link is left that nothing holds
#
#   --srcdir DIR    vista's source tree (default: the parent of this script)
#   --builddir DIR  bench/run's build directory (default: SRCDIR/bench/build):
#                   vista is built there by bench/run (without sanitizers:
#                   ASan's quarantine would make RSS meaningless), which also
#                   runs its quick format section, a few seconds
#
# Environment: SOAK_SECONDS (600), SOAK_WARMUP (60), SOAK_INTERVAL (5),
# SOAK_RSS_MARGIN_KB (4096), SOAK_KEY_MS (1000).
set -euo pipefail

SOAK_SELF_DIR=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$SOAK_SELF_DIR/.." && pwd)
builddir=

usage() {
	sed -n '/^# Usage/,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--srcdir)
		srcdir=$(cd "${2:?--srcdir needs a directory}" && pwd)
		shift
		;;
	--builddir)
		builddir=${2:?--builddir needs a directory}
		shift
		;;
	-h | --help) usage ;;
	*)
		echo "bench/soak.sh: unknown argument '$1'" >&2
		usage
		;;
	esac
	shift
done
: "${builddir:=$srcdir/bench/build}"

SOAK_SECONDS=${SOAK_SECONDS:-600}
SOAK_WARMUP=${SOAK_WARMUP:-60}
SOAK_INTERVAL=${SOAK_INTERVAL:-5}
SOAK_RSS_MARGIN_KB=${SOAK_RSS_MARGIN_KB:-4096}
SOAK_KEY_MS=${SOAK_KEY_MS:-1000}
for v in SOAK_SECONDS SOAK_WARMUP SOAK_INTERVAL SOAK_RSS_MARGIN_KB SOAK_KEY_MS; do
	if ! [[ ${!v} =~ ^[0-9]+$ ]] || [ "${!v}" -eq 0 ]; then
		echo "bench/soak.sh: $v must be a positive whole number, not '${!v}'" >&2
		exit 2
	fi
done
[ "$SOAK_SECONDS" -ge $((SOAK_WARMUP + 2 * SOAK_INTERVAL)) ] || {
	echo "bench/soak.sh: SOAK_SECONDS ($SOAK_SECONDS) must leave at least two samples after the warm-up ($SOAK_WARMUP s)" >&2
	exit 2
}

# The build is bench/run's, so that the soak measures what the benchmarks do.
printf '==> build (no sanitizers, by bench/run) in %s/src\n' "$builddir"
mkdir -p "$builddir"
bash "$SOAK_SELF_DIR/run" --quick --only format --srcdir "$srcdir" --builddir "$builddir" \
	--output "$builddir/soak-build-format.md" >"$builddir/soak-build.log" 2>&1 || {
	tail -n 20 "$builddir/soak-build.log" >&2
	echo "bench/soak.sh: the build by bench/run failed (log: $builddir/soak-build.log)" >&2
	exit 1
}
VISTA=$builddir/src/vista
VISTA_TOP=$builddir/src/vista-top
BENCH_UDPFLOOD=$builddir/src/bench/udpflood

# shellcheck source=bench/lib.sh
. "$SOAK_SELF_DIR/lib.sh"
require_root
require_cmd ip jq bpftool awk tmux truncate
require_vista
for b in "$VISTA_TOP" "$BENCH_UDPFLOOD"; do
	[ -x "$b" ] || die "$b is not an executable"
done
! grep -qaE '__asan_init|__ubsan_handle' "$VISTA_TOP" || die "$VISTA_TOP is built with sanitizers"
BPF_ORPHANS=$(bpf_vista_orphans) || die "cannot count the vista BPF objects that no process holds"

PORT=9000
NCPU=$(nproc)
OUT=$bench_tmp/soak.out

# ================================================================ start

ns_setup
env --default-signal ip netns exec "$NS_B" "$BENCH_UDPFLOOD" sink "$PORT" </dev/null &
track_pid $!
vista_start --output-meta --output-tuple --output-file "$OUT"
top_start
printf '==> soak: %s s, %s unpaced sender(s), samples every %s s, warm-up %s s\n' \
	"$SOAK_SECONDS" "$NCPU" "$SOAK_INTERVAL" "$SOAK_WARMUP"
printf '    vista pid %s, vista-top pid %s, %s\n' "$VISTA_PID" "$TOP_PID" "$("$VISTA" --version)"
flood_pids=()
for ((i = 0; i < NCPU; i++)); do
	timeout -k 5 $((SOAK_SECONDS + 60)) ip netns exec "$NS_A" \
		"$BENCH_UDPFLOOD" send "$IP_B" "$PORT" 0 $((SOAK_SECONDS + 30)) >/dev/null &
	flood_pids+=($!)
	track_pid $!
done

# ================================================================ sample

# key_ms KEY ERE WANT: sends KEY to vista-top and polls its pane until a line
# matches ERE (WANT=1) or none does (WANT=0); prints the milliseconds, or
# "timeout" after 10 s.
key_ms() {
	local t0 shown
	now_us
	t0=$NOW_US
	top_tmux send-keys -t "$TOP_SESSION" "$1"
	while :; do
		shown=0
		top_screen | grep -Eq -- "$2" && shown=1
		now_us
		if [ "$shown" = "$3" ]; then
			echo $(((NOW_US - t0) / 1000))
			return 0
		fi
		[ $((NOW_US - t0)) -lt 10000000 ] || break
	done
	echo timeout
}

# Per sample: seconds since the flood began, vista RSS kB, received, lost,
# file size, vista-top RSS kB, total, lost in kernel, dropped by UI.
SAMPLES=$bench_tmp/samples
KEYS=$bench_tmp/keys # seconds, '?' ms, Esc ms
: >"$SAMPLES"
: >"$KEYS"
now_us
t_begin=$NOW_US
next_key=60
n=0
while :; do
	n=$((n + 1))
	# Sleep until the next sample is due, however long the last one took.
	now_us
	wait_us=$((t_begin + n * SOAK_INTERVAL * 1000000 - NOW_US))
	[ "$wait_us" -le 0 ] || sleep_s "$(calc "$wait_us / 1e6")"
	now_us
	t=$(((NOW_US - t_begin) / 1000000))
	pid_alive "$VISTA_PID" || die "vista died at ${t} s: $(tail -n 5 "$VISTA_ERR")"
	pid_alive "$TOP_PID" || die "vista-top died at ${t} s: $(cat "$bench_tmp/top.$_bench_top_seq.err" 2>/dev/null)"
	v_rss=$(proc_status_kb "$VISTA_PID" VmRSS)
	t_rss=$(proc_status_kb "$TOP_PID" VmRSS)
	vista_counts
	size=$(file_size "$OUT")
	truncate -s 0 "$OUT"
	printf '%s %s %s %s %s %s %s %s %s\n' "$t" "$v_rss" "$VISTA_RECEIVED" "$VISTA_LOST" "$size" "$t_rss" \
		"$(top_counter total)" "$(top_counter "lost in kernel")" "$(top_counter "dropped by UI")" |
		awk '{ for (i = NF + 1; i <= 9; i++) $i = "-"; print }' >>"$SAMPLES"
	last=$n
	if [ "$t" -ge "$next_key" ] || [ $(((n + 1) * SOAK_INTERVAL)) -gt "$SOAK_SECONDS" ]; then
		printf '%s %s %s\n' "$t" "$(key_ms '?' 'vista-top keys' 1)" "$(key_ms Escape 'vista-top keys' 0)" >>"$KEYS"
		next_key=$((next_key + 60))
	fi
	read -r _ _ r l _ _ tt tl td < <(tail -n 1 "$SAMPLES")
	printf '    %4s s  vista: RSS %s kB, %s received, %s lost  vista-top: RSS %s kB, total %s, lost %s, dropped %s\n' \
		"$t" "$v_rss" "$r" "$l" "$t_rss" "$tt" "$tl" "$td"
	[ $(((n + 1) * SOAK_INTERVAL)) -le "$SOAK_SECONDS" ] || break
done
top_final=$(top_screen | tail -n 1)

# ================================================================ stop

for p in "${flood_pids[@]}"; do
	kill -s INT "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
done
v_status=0
kill -s INT "$VISTA_PID"
if pid_wait_gone "$VISTA_PID" "$BENCH_STOP_TIMEOUT"; then
	wait "$VISTA_PID" || v_status=$?
else
	v_status="none (still running $BENCH_STOP_TIMEOUT s after SIGINT)"
fi
# Its last line on stderr (SIGUSR1's answers, before it, have the same form).
v_end=$(tail -n 1 "$VISTA_ERR")
top_tmux send-keys -t "$TOP_SESSION" q
top_status_file=$bench_tmp/top.$_bench_top_seq.status
for ((i = 0; i < BENCH_STOP_TIMEOUT * 10; i++)); do
	[ -s "$top_status_file" ] && break
	sleep_s 0.1
done
t_status=$(cat "$top_status_file" 2>/dev/null || echo "none (still running $BENCH_STOP_TIMEOUT s after q)")

# ================================================================ checks

failed=0
checks=0
# check OK NAME DETAIL: one line per check.
check() {
	checks=$((checks + 1))
	if [ "$1" = 0 ]; then
		printf 'PASS  %s: %s\n' "$2" "$3"
	else
		printf 'FAIL  %s: %s\n' "$2" "$3"
		failed=$((failed + 1))
	fi
}

# rss_check NAME COLUMN: the RSS criterion on a column of the samples.
rss_check() {
	local line warm lastmax
	line=$(awk -v c="$2" -v w="$SOAK_WARMUP" -v end="$t" '
		$1 <= w { if ($c > warm) warm = $c }
		$1 > w && $1 > end - 60 { if ($c > last) last = $c }
		END { printf "%d %d", warm, last }' "$SAMPLES")
	read -r warm lastmax <<<"$line"
	check "$([ "$warm" -gt 0 ] && [ "$lastmax" -gt 0 ] && [ "$lastmax" -le $((warm + SOAK_RSS_MARGIN_KB)) ] && echo 0 || echo 1)" \
		"$1 RSS flat" "last minute's max $lastmax kB <= warm-up max $warm kB + $SOAK_RSS_MARGIN_KB kB ($(awk -v c="$2" -v w="$SOAK_WARMUP" '$1 > w { if (!n || $c < lo) lo = $c; if ($c > hi) hi = $c; n++ }
		END { printf "after the warm-up: %d to %d kB over %d samples", lo, hi, n }' "$SAMPLES"))"
}

# stalls COLUMN...: the intervals (as "T s") in which one of these columns did not rise.
stalls() {
	awk -v cols="$*" 'BEGIN { n = split(cols, c, " ") }
		NR > 1 { for (i = 1; i <= n; i++) if ($c[i] == "-" || prev[i] == "-" || $c[i] + 0 <= prev[i] + 0) { printf "%s%s s", sep, $1; sep = ", "; break } }
		{ for (i = 1; i <= n; i++) prev[i] = $c[i] }' "$SAMPLES"
}

received=$(awk 'END { print $3 }' "$SAMPLES")
lost=$(awk 'END { print $4 }' "$SAMPLES")
rate=$(calc "($received + $lost) / $t")
echo "==> results: $t s of flood, $(fmt_si "$rate") events/s offered to vista ($last samples)"

rss_check vista 2
if [[ $v_end =~ ^[0-9/]{10}\ [0-9:]{8}\ ([0-9]+)\ events\ received,\ ([0-9]+)\ lost$ ]] && [ "${BASH_REMATCH[1]}" -ge "$received" ] &&
	[ "${BASH_REMATCH[2]}" -ge "$lost" ]; then
	check 0 "vista lost events counted" "end-of-run line \"$v_end\" (lost fraction $(fmt "$(calc "${BASH_REMATCH[2]} / (${BASH_REMATCH[1]} + ${BASH_REMATCH[2]} + 1)")" 4)), counts at least the last sample's"
else
	check 1 "vista lost events counted" "end-of-run line \"$v_end\", last sample: $received received, $lost lost"
fi
down=$(awk 'NR > 1 && ($3 < r || $4 < l) { printf "%s s ", $1 } { r = $3; l = $4 }' "$SAMPLES")
check "$([ -z "$down" ] && echo 0 || echo 1)" "vista counts never go down" "${down:-received and lost rose or stayed at every sample}"
# File growth: the size is vista's write offset (the file is truncated at each sample, vista writes on).
st=$(stalls 5 3)
check "$([ -z "$st" ] && echo 0 || echo 1)" "vista no stall" "${st:+no growth of the file or no new event in the intervals ending at }${st:-the file grew and events arrived in each of $((last - 1)) intervals}"
check "$([ "$v_status" = 0 ] && echo 0 || echo 1)" "vista clean exit" "status $v_status on SIGINT"

rss_check vista-top 6
tl=$(awk 'END { print $8 }' "$SAMPLES")
td=$(awk 'END { print $9 }' "$SAMPLES")
check "$([ "$tl" != - ] && [ "$td" != - ] && echo 0 || echo 1)" "vista-top lost counter shown" \
	"status bar at the end: \"${top_final#"${top_final%%[! ]*}"}\""
st=$(stalls 7)
check "$([ -z "$st" ] && echo 0 || echo 1)" "vista-top no stall" "${st:+its total did not rise in the intervals ending at }${st:-its total rose in each of $((last - 1)) intervals}"
slow=$(awk -v b="$SOAK_KEY_MS" '$2 == "timeout" || $3 == "timeout" || $2 > b || $3 > b' "$KEYS")
check "$([ -s "$KEYS" ] && [ -z "$slow" ] && echo 0 || echo 1)" "vista-top key answered" \
	"'?' then Esc within $SOAK_KEY_MS ms each, at $(wc -l <"$KEYS") time(s): $(awk '{ printf "%s%s s: %s/%s ms", sep, $1, $2, $3; sep = ", " }' "$KEYS")"
check "$([ "$t_status" = 0 ] && echo 0 || echo 1)" "vista-top clean exit" "status $t_status on q"

left=$(bpf_leftover_check "$BPF_ORPHANS" 2>&1) && left=
check "$([ -z "$left" ] && echo 0 || echo 1)" "nothing left attached" "${left:-no vista BPF program or link left that nothing holds}"

if [ "$failed" -eq 0 ]; then
	echo "verdict: PASS ($checks checks, $SOAK_SECONDS s)"
else
	echo "verdict: FAIL ($failed of $checks checks failed, $SOAK_SECONDS s)"
	exit 1
fi
