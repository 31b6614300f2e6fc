#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck source-path=SCRIPTDIR/..
#
# Section 3: formatting and decoding micro-benchmarks on synthetic events.
#
# bench/bench_format (bench/bench_format.c, linked with the build's
# libvista.a) times format_event on events shaped like real ones. Figures
# that need code vista does not have yet (JSON, record write, record replay)
# come from one function each: fig_NAME prints "median min max" in ns per
# event, or calls not_measured REASON and returns 1.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

[ -x "${BENCH_FORMAT:-}" ] || die "BENCH_FORMAT='${BENCH_FORMAT:-}' is not an executable"
if grep -qaE '__asan_init|__ubsan_handle' "$BENCH_FORMAT"; then
	die "$BENCH_FORMAT is built with sanitizers"
fi

ITER=$(pick 200000 1000000)
RUNS=$(pick 5 11)
PWRU_NS=2700 # pwru's own figure for one text line

"$BENCH_FORMAT" "$ITER" "$RUNS" >"$bench_tmp/format.tsv" || die "bench_format failed"
raw "bench_format $ITER x $RUNS" "$(tr '\n\t' '; ' <"$bench_tmp/format.tsv")"

declare -A MED=() MIN=() MAX=() BYTES=()
while IFS=$'\t' read -r name med min max _ _ bytes; do
	MED[$name]=$med
	MIN[$name]=$min
	MAX[$name]=$max
	BYTES[$name]=$bytes
done <"$bench_tmp/format.tsv"

fig_bench_format() { echo "${MED[$1]} ${MIN[$1]} ${MAX[$1]}"; }
fig_json() {
	not_measured "JSON output does not exist yet"
	return 1
}
fig_record_write() {
	not_measured "--record does not exist yet"
	return 1
}
fig_record_replay() {
	not_measured "--record does not exist yet (nothing to replay)"
	return 1
}

ROWS=(text_icmp text_tcp text_mix text_stdio text_relative json record_write record_replay)
declare -A LABEL=(
	[text_icmp]="text line, ICMP echo (meta + tuple)"
	[text_tcp]="text line, TCP segment (meta + tuple)"
	[text_mix]="text line, 64 mixed events (ICMP/TCP/UDP/IPv6, drop reasons)"
	[text_stdio]="text line + fwrite to /dev/null (stdio, as --output-file)"
	[text_relative]="text line with --timestamp relative"
	[json]="JSON line"
	[record_write]="record write"
	[record_replay]="record replay (decode one event)"
)

md "## 3. Formatting and decoding (synthetic events)" ""
md "bench/bench_format calls format_event (libvista.a, -O2, no sanitizers) $ITER times per run," \
	"$RUNS runs after a warm-up run, on events with --output-meta --output-tuple fields filled in." \
	"ns per event: median (min–max over runs). pwru reports about 2.7 µs per text line." ""
md_header "case" "ns per event" "bytes per line" "vs pwru's 2.7 µs"
for row in "${ROWS[@]}"; do
	NOT_MEASURED_REASON=
	fig=fig_$row
	[ -z "${MED[$row]:-}" ] || fig="fig_bench_format $row"
	# shellcheck disable=SC2086 # a function name and its argument
	if ! $fig >"$bench_tmp/fig"; then
		md_row "${LABEL[$row]}" "not measured: $NOT_MEASURED_REASON" "-" "-"
		continue
	fi
	read -r m lo hi <"$bench_tmp/fig"
	md_row "${LABEL[$row]}" "$(fmt "$m" 1) ($(fmt_spread "$lo" "$hi" 1))" "${BYTES[$row]:--}" \
		"$(fmt "$(calc "$PWRU_NS / $m")" 1)x faster"
done
md ""

# Goal: a text line under 300 ns (the slowest of the single-event cases).
worst=text_icmp
for row in text_tcp text_mix; do
	awk -v a="${MED[$row]}" -v b="${MED[$worst]}" 'BEGIN { exit !(a > b) }' && worst=$row
done
w=${MED[$worst]}
if awk -v w="$w" 'BEGIN { exit !(w < 300) }'; then
	verdict="met"
else
	verdict="missed by $(fmt "$(calc "$w - 300")" 0) ns ($(fmt "$(calc "($w / 300 - 1) * 100")" 0)% over)"
fi
goal "text formatting under 300 ns per event" "< 300 ns" "$(fmt "$w" 1) ns (${LABEL[$worst]})" "$verdict"
