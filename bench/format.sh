#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck source-path=SCRIPTDIR/..
#
# Section 3: formatting and decoding micro-benchmarks on synthetic events.
#
# bench/bench_format (bench/bench_format.c, linked with the build's
# libvista.a) times format_event on events shaped like real ones, writing
# them into a recording (record_write_event) and reading that recording back
# (replay_open, replay_next, replay_next + format_event). Each run times
# every case once (in turn), and each case's ratio is to the text line of 64
# mixed events in the same run: the very events the recording cases write
# and read. A figure that needs code vista does not have yet (JSON) comes
# from a function, fig_NAME, which calls not_measured REASON and returns 1.
#
# Then bench/bench_reserve (bench/bench_reserve.c, bpf/bench_reserve.bpf.c)
# compares the two ways an event can carry its packet through the ring
# buffer (--pcap-file): the fixed-room reservation vista uses against a
# per-CPU scratch record sent with bpf_ringbuf_output, BPF side and reader.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

[ -x "${BENCH_FORMAT:-}" ] || die "BENCH_FORMAT='${BENCH_FORMAT:-}' is not an executable"
[ -x "${BENCH_RESERVE:-}" ] || die "BENCH_RESERVE='${BENCH_RESERVE:-}' is not an executable"
if grep -qaE '__asan_init|__ubsan_handle' "$BENCH_FORMAT"; then
	die "$BENCH_FORMAT is built with sanitizers"
fi

ITER=$(pick 200000 1000000)
RUNS=$(pick 5 11)
PWRU_NS=2700 # pwru's own figure for one text line

# The recording the replay cases read goes to $bench_tmp (removed at exit).
"$BENCH_FORMAT" "$ITER" "$RUNS" "$bench_tmp" >"$bench_tmp/format.tsv" || die "bench_format failed"
raw "bench_format $ITER x $RUNS" "$(tr '\n\t' '; ' <"$bench_tmp/format.tsv")"

declare -A MED=() MIN=() MAX=() BYTES=() RMED=() RMIN=() RMAX=()
while IFS=$'\t' read -r name med min max _ _ bytes rmed rmin rmax; do
	MED[$name]=$med
	MIN[$name]=$min
	MAX[$name]=$max
	BYTES[$name]=$bytes
	RMED[$name]=$rmed
	RMIN[$name]=$rmin
	RMAX[$name]=$rmax
done <"$bench_tmp/format.tsv"

ROWS=(text_icmp text_tcp text_mix text_stdio text_relative json record_write record_text replay_open replay_decode replay_text)
declare -A LABEL=(
	[text_icmp]="text line, ICMP echo (meta + tuple)"
	[text_tcp]="text line, TCP segment (meta + tuple)"
	[text_mix]="text line, 64 mixed events (ICMP/TCP/UDP/IPv6, drop reasons)"
	[text_stdio]="text line + fwrite to /dev/null (stdio, as --output-file)"
	[text_relative]="text line with --timestamp relative"
	[json]="JSON line (--output-json), 64 mixed events (meta + tuple)"
	[record_write]="record write: record_write_event, buffered, to /dev/null"
	[record_text]="record write + text line + fwrite, both to /dev/null (vista --record prints too)"
	[replay_open]="replay open: replay_open's pass through a recording of $(fmt_si "$ITER") events"
	[replay_decode]="record replay, decode only: replay_next"
	[replay_text]="record replay: replay_next + format_event (vista --replay's line)"
)
# Rows that make a text line, compared with pwru's.
declare -A IS_LINE=([text_icmp]=1 [text_tcp]=1 [text_mix]=1 [text_stdio]=1 [text_relative]=1 [replay_text]=1)

for row in "${ROWS[@]}"; do
	[ -n "${MED[$row]:-}" ] || die "bench_format printed no '$row' case"
done

md "## 3. Formatting and decoding (synthetic events)" ""
md "bench/bench_format (libvista.a, -O2, no sanitizers) times $ITER events per run and case," \
	"$RUNS runs after a warm-up run, the cases taking turns within each run, on events with" \
	"--output-meta --output-tuple fields filled in. The record rows write the 64 mixed events" \
	"into a recording (the writer's 256 KiB buffer is written out when full; vista also flushes" \
	"it once per batch of events), the replay rows read back a recording of $(fmt_si "$ITER") of them" \
	"from the page cache; before any timing, its first 64 events must replay to the very lines" \
	"formatting them live gives. ns per event: median (min–max over runs). Ratio: to the" \
	"text line of the 64 mixed events in the same run. Bytes: per text line, or per event in" \
	"the recording. pwru reports about 2.7 µs per text line." ""
md_header "case" "ns per event" "ratio to the text line (mixed), same run" "bytes" "vs pwru's 2.7 µs"
for row in "${ROWS[@]}"; do
	NOT_MEASURED_REASON=
	if [ -z "${MED[$row]:-}" ]; then
		"fig_$row" || true
		md_row "${LABEL[$row]}" "not measured: $NOT_MEASURED_REASON" "-" "-" "-"
		continue
	fi
	m=${MED[$row]}
	if [ "$row" = text_mix ]; then ratio="1 (baseline)"; else ratio=$(fmt_ratio "${RMED[$row]}" "${RMIN[$row]}" "${RMAX[$row]}"); fi
	vs=-
	[ -z "${IS_LINE[$row]:-}" ] || vs="$(fmt "$(calc "$PWRU_NS / $m")" 1)x faster"
	md_row "${LABEL[$row]}" "$(fmt "$m" 1) ($(fmt_spread "${MIN[$row]}" "${MAX[$row]}" 1))" "$ratio" "${BYTES[$row]}" "$vs"
done
md ""
md "Replaying a recording of $(fmt_si "$ITER") events to text: $(fmt "$(calc "(${MED[replay_open]} + ${MED[replay_text]}) * $ITER / 1e6")" 0) ms" \
	"(open, then every line formatted), against $(fmt "$(calc "${MED[text_mix]} * $ITER / 1e6")" 0) ms to format the same" \
	"events live." ""

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

# ================================================================ packet reservation strategy
RES_ITER=100000
RES_RUNS=$(pick 5 11)
"$BENCH_RESERVE" "$RES_ITER" "$RES_RUNS" 98 >"$bench_tmp/reserve.tsv" || die "bench_reserve failed"
raw "bench_reserve $RES_ITER x $RES_RUNS" "$(tr '\n\t' '; ' <"$bench_tmp/reserve.tsv")"
declare -A RES_MED=() RES_MIN=() RES_MAX=() RES_BYTES=()
while IFS=$'\t' read -r name med min max _ _ bytes; do
	RES_MED[$name]=$med
	RES_MIN[$name]=$min
	RES_MAX[$name]=$max
	RES_BYTES[$name]=$bytes
done <"$bench_tmp/reserve.tsv"
for row in reserve_bpf output_bpf reserve_read output_read; do
	[ -n "${RES_MED[$row]:-}" ] || die "bench_reserve printed no '$row' case"
done

md "### Packet capture: how an event carries its packet" ""
md "bench/bench_reserve test-runs two BPF programs (syscall programs looping with bpf_loop)" \
	"that each send $(fmt_si "$RES_ITER") skb events carrying a 98-byte packet (an ICMP echo on" \
	"Ethernet) through a ring buffer, the packet read with bpf_probe_read_kernel as from an skb:" \
	"**reserve** (what vista does, bpf/packet.bpf.h): bpf_ringbuf_reserve of a fixed room," \
	"the event + 8 + 256 bytes, the packet copied into it; **output**: the same record built" \
	"in a per-CPU scratch buffer, then bpf_ringbuf_output of the bytes used (a second copy)." \
	"Then the reader drains the ring (sizing each record with vista_record_size and reading" \
	"its packet). $RES_RUNS runs, the strategies taking turns. ns per event: median (min–max)." \
	"Ring bytes: the ring space one event takes, its 8-byte header included." ""
md_header "strategy" "BPF side, ns per event" "reader, ns per event" "ring bytes per event"
for s in reserve output; do
	md_row "$s" "$(fmt "${RES_MED[${s}_bpf]}" 1) ($(fmt_spread "${RES_MIN[${s}_bpf]}" "${RES_MAX[${s}_bpf]}" 1))" \
		"$(fmt "${RES_MED[${s}_read]}" 1) ($(fmt_spread "${RES_MIN[${s}_read]}" "${RES_MAX[${s}_read]}" 1))" \
		"${RES_BYTES[${s}_bpf]}"
done
md ""
md "On the traced path (the BPF side) the reservation costs $(fmt "$(calc "${RES_MED[reserve_bpf]} / ${RES_MED[output_bpf]}")" 2)x" \
	"what the scratch copy does; in ring space it takes $(fmt "$(calc "${RES_BYTES[reserve_bpf]} / ${RES_BYTES[output_bpf]}")" 2)x" \
	"as much for this packet size, so a ring holds fewer such events before the reader must catch up." ""
