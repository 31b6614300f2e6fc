#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck source-path=SCRIPTDIR/..
#
# Section 7: vista-top, from a key to the screen.
#
# (a) Held events. bench/bench_tui writes a synthetic recording of BIG
#     events and one of TINY events, replays each into vista-top's app (the
#     code vista-top runs, on a 120x40 virtual terminal) and times, KEYS
#     times per run, from a key entering curses' input to the end of the
#     doupdate() that shows its answer, with the live loop's passes in
#     between: End (after Home), a '/' search for a pattern found nowhere
#     (the whole store, 20000 rows a pass), Tab (the Hooks pane), and a full
#     redraw of the Events pane (frame time). Each round runs both files
#     (rotated order); the ratio BIG/TINY is taken within the round.
# (b) Live. vista-top (no filter: every skb hook) runs in a 120x40 tmux
#     pane, idle, then under bench/udpflood unpaced from one sender per CPU
#     (rotated order each round). The key is '?' (the help overlay), the
#     screen is read with tmux capture-pane until it shows the overlay; Esc
#     closes it the same way. vista-top's CPU is utime + stime over the
#     keys. The ratio load/idle is taken within the round.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

bench_section_begin
require_cmd tmux
[ -x "${BENCH_TUI:-}" ] || die "BENCH_TUI='${BENCH_TUI:-}' is not an executable"
[ -x "${VISTA_TOP:-}" ] || die "VISTA_TOP='${VISTA_TOP:-}' is not an executable"
[ -x "${BENCH_UDPFLOOD:-}" ] || die "BENCH_UDPFLOOD='${BENCH_UDPFLOOD:-}' is not an executable"
for b in "$BENCH_TUI" "$VISTA_TOP"; do
	! grep -qaE '__asan_init|__ubsan_handle' "$b" || die "$b is built with sanitizers"
done

ROUNDS=$(pick 1 5)
KEYS=$(pick 5 15)
BIG=$(pick 200000 1000000)
TINY=100
PORT=9000
NCPU=$(nproc)
FIGS=(end search tab frame)
declare -A FIG_LABEL=(
	[end]="End (after Home): the last row"
	[search]="'/' search, no match: every held row"
	[tab]="Tab: the Hooks pane"
	[frame]="frame: full redraw of the Events pane"
)

# ================================================================ (a) held events

say "tui: writing replays of $TINY and $BIG events"
"$BENCH_TUI" write "$bench_tmp/tiny.vrec" "$TINY" || die "bench_tui write failed"
"$BENCH_TUI" write "$bench_tmp/big.vrec" "$BIG" || die "bench_tui write failed"

declare -A HELD=() LOAD=()
for ((r = 1; r <= ROUNDS; r++)); do
	say "tui: round $r of $ROUNDS (held events: $TINY and $BIG, $KEYS keys each)"
	order=(tiny big)
	[ $((r % 2)) -eq 1 ] || order=(big tiny)
	for which in "${order[@]}"; do
		"$BENCH_TUI" run "$bench_tmp/$which.vrec" "$KEYS" >"$bench_tmp/$which.out" || die "bench_tui run failed"
		raw "tui held $which round=$r" "$(tr '\n' ' ' <"$bench_tmp/$which.out")"
		LOAD[$which,$r]=$(awk '$1 == "load" { print $2 }' "$bench_tmp/$which.out")
		events=$(awk '$1 == "events" { print $2 }' "$bench_tmp/$which.out")
		[ "$events" -eq "$([ "$which" = big ] && echo "$BIG" || echo "$TINY")" ] ||
			die "bench_tui held $events events of the $which replay"
		for f in "${FIGS[@]}"; do
			# shellcheck disable=SC2046 # one value per word
			read -r m _ _ _ < <(stats $(awk -v f="$f" '$1 == f { print $2 }' "$bench_tmp/$which.out"))
			HELD[$which,$f,$r]=$m
		done
	done
done

# ================================================================ (b) live

TMUX_SOCK=$bench_tmp/tmux.sock
tm() { tmux -S "$TMUX_SOCK" -f /dev/null "$@"; }
at_exit "tmux -S '$TMUX_SOCK' kill-server 2>/dev/null || true"

# key_ms KEY ERE WANT: sends KEY and polls the pane until a line matches ERE
# (WANT=1) or none does (WANT=0); prints the milliseconds, or dies after 10 s.
key_ms() {
	local t0 i shown
	now_us
	t0=$NOW_US
	tm send-keys -t top "$1"
	for ((i = 0; i < 5000; i++)); do
		shown=0
		tm capture-pane -p -t top | grep -Eq -- "$2" && shown=1
		if [ "$shown" = "$3" ]; then
			now_us
			calc "($NOW_US - $t0) / 1000"
			return 0
		fi
		now_us
		[ $((NOW_US - t0)) -lt 10000000 ] || break
	done
	die "vista-top did not answer $1 within 10 s: $(tm capture-pane -p -t top | tail -n 3)"
}

# live_keys: KEYS times '?' then Esc; sets L_MS (median ms of all), L_CPU (% of one CPU), L_RATE (ev/s shown).
live_keys() {
	local pid=$1 ticks0 ticks1 t0 list=() k
	ticks0=$(proc_cpu_ticks "$pid")
	now_us
	t0=$NOW_US
	for ((k = 0; k < KEYS; k++)); do
		list+=("$(key_ms '?' 'vista-top keys' 1)")
		list+=("$(key_ms Escape 'vista-top keys' 0)")
	done
	now_us
	ticks1=$(proc_cpu_ticks "$pid")
	read -r L_MS _ _ _ < <(stats "${list[@]}")
	L_CPU=$(calc "($ticks1 - $ticks0) / $CLK_TCK / (($NOW_US - $t0) / 1e6) * 100")
	L_RATE=$(tm capture-pane -p -t top | sed -n 's/.*| \([0-9]*\) ev\/s |.*/\1/p')
	raw "tui live keys" "ms=${list[*]} cpu=$L_CPU rate=$L_RATE"
}

ns_setup
env --default-signal ip netns exec "$NS_B" "$BENCH_UDPFLOOD" sink "$PORT" </dev/null &
track_pid $!
rm -f "$bench_tmp/top.ready"
tm new-session -d -s top -x 120 -y 40 \
	"env TERM=xterm-256color HOME=$bench_tmp $VISTA_TOP --ready-file $bench_tmp/top.ready 2>$bench_tmp/top.err; echo \$? >$bench_tmp/top.status"
for ((i = 0; i < BENCH_READY_TIMEOUT * 10; i++)); do
	[ -s "$bench_tmp/top.ready" ] && break
	sleep_s 0.1
done
[ -s "$bench_tmp/top.ready" ] || die "vista-top did not start: $(cat "$bench_tmp/top.err" 2>/dev/null)"
TOP_PID=$(cat "$bench_tmp/top.ready")

declare -A LMS=() LCPU=() LRATE=()
for ((r = 1; r <= ROUNDS; r++)); do
	say "tui: round $r of $ROUNDS (live: idle and under an unpaced flood, $KEYS keys each)"
	order=(idle load)
	[ $((r % 2)) -eq 1 ] || order=(load idle)
	for cond in "${order[@]}"; do
		pids=()
		if [ "$cond" = load ]; then
			for ((i = 0; i < NCPU; i++)); do
				timeout -k 5 120 ip netns exec "$NS_A" "$BENCH_UDPFLOOD" send "$IP_B" "$PORT" 0 60 \
					>/dev/null &
				pids+=($!)
				track_pid "${pids[-1]}"
			done
			sleep_s 1
		fi
		live_keys "$TOP_PID"
		LMS[$cond,$r]=$L_MS
		LCPU[$cond,$r]=$L_CPU
		LRATE[$cond,$r]=${L_RATE:-0}
		for i in "${pids[@]}"; do
			kill -s INT "$i" 2>/dev/null || true
			wait "$i" 2>/dev/null || true
		done
		sleep_s 1
	done
done
tm send-keys -t top q
for ((i = 0; i < BENCH_STOP_TIMEOUT * 10; i++)); do
	[ -s "$bench_tmp/top.status" ] && break
	sleep_s 0.1
done
[ "$(cat "$bench_tmp/top.status" 2>/dev/null)" = 0 ] ||
	die "vista-top did not exit 0 on q: $(cat "$bench_tmp/top.err" 2>/dev/null)"

# ================================================================ report

# over KIND KEY...: "median min max n" over the rounds of ARR[KEY,r].
over() {
	local -n arr=$1
	local list=() r
	for ((r = 1; r <= ROUNDS; r++)); do list+=("${arr[$2,$r]}"); done
	stats "${list[@]}"
}

md "## 7. vista-top: key to screen" ""
md "### With many events held" ""
md "bench/bench_tui replays a synthetic recording into vista-top's app (vista-top's own code," \
	"120x40 virtual terminal, output to /dev/null) and times from a key entering curses' input to" \
	"the end of the doupdate() that shows the answer, through the passes of the live loop." \
	"$KEYS keys per run (median per run), $ROUNDS round(s), both replays in each (rotated order)." \
	"Ratio: $(fmt_si "$BIG") events held over $TINY, within the round; median (min–max over rounds)." ""
md_header "figure" "$TINY events held" "$(fmt_si "$BIG") events held" "ratio"
for f in "${FIGS[@]}"; do
	ratios=()
	for ((r = 1; r <= ROUNDS; r++)); do
		ratios+=("$(calc "${HELD[big,$f,$r]} / (${HELD[tiny,$f,$r]} > 0 ? ${HELD[tiny,$f,$r]} : 1)")")
	done
	tl=() bl=()
	for ((r = 1; r <= ROUNDS; r++)); do
		tl+=("$(calc "${HELD[tiny,$f,$r]} / 1e6")")
		bl+=("$(calc "${HELD[big,$f,$r]} / 1e6")")
	done
	read -r tm_ tlo thi _ < <(stats "${tl[@]}")
	read -r bm blo bhi _ < <(stats "${bl[@]}")
	read -r rm rlo rhi _ < <(stats "${ratios[@]}")
	md_row "${FIG_LABEL[$f]}" "$(fmt "$tm_" 2) ms ($(fmt_spread "$tlo" "$thi" 2))" \
		"$(fmt "$bm" 2) ms ($(fmt_spread "$blo" "$bhi" 2))" "$(fmt_ratio "$rm" "$rlo" "$rhi")"
	[ "$f" != search ] || SEARCH_MS=$bm
	[ "$f" != end ] || END_MS=$bm
	[ "$f" != tab ] || TAB_MS=$bm
done
read -r lm llo lhi _ < <(over LOAD big)
md "" "Taking the $(fmt_si "$BIG") events from the replay into the store: $(fmt "$(calc "$lm / 1e6")" 0) ms" \
	"($(fmt_spread "$(calc "$llo / 1e6")" "$(calc "$lhi / 1e6")" 0)), $(fmt_si "$(calc "$BIG / ($lm / 1e9)")") events/s." \
	"A search goes through the store a slice at a time, so keys are answered while it runs" \
	"(see the search figure: the time until the prompt says \"(no match)\")." ""

md "### Live, under the highest rate this machine makes" ""
md "vista-top (every skb hook, no filter) in a 120x40 tmux pane; '?' then Esc, $KEYS times each," \
	"timed from tmux send-keys until tmux capture-pane shows the help overlay (or no longer does)," \
	"polling as fast as capture-pane runs (a few ms each, the same in both conditions)." \
	"Load: bench/udpflood unpaced from $NCPU sender(s) to a socket that never reads." \
	"CPU: vista-top's utime + stime over the keys, in % of one CPU. Ratio load/idle within the round;" \
	"median (min–max over rounds)." ""
md_header "condition" "events/s shown" "key to screen" "vista-top CPU" "latency ratio to idle"
for cond in idle load; do
	ratios=()
	for ((r = 1; r <= ROUNDS; r++)); do ratios+=("$(calc "${LMS[$cond,$r]} / ${LMS[idle,$r]}")"); done
	read -r em _ _ _ < <(over LRATE "$cond")
	read -r km klo khi _ < <(over LMS "$cond")
	read -r cm clo chi _ < <(over LCPU "$cond")
	read -r rm rlo rhi _ < <(stats "${ratios[@]}")
	if [ "$cond" = idle ]; then ratio="1 (baseline)"; else ratio=$(fmt_ratio "$rm" "$rlo" "$rhi"); fi
	md_row "$cond" "$(fmt_si "$em")" "$(fmt "$km" 1) ms ($(fmt_spread "$klo" "$khi" 1))" \
		"$(fmt "$cm" 1)% ($(fmt_spread "$clo" "$chi" 1))" "$ratio"
	[ "$cond" != load ] || { LOAD_MS=$km LOAD_RATE=$em; }
done
md ""

# Goals: a key is answered within 100 ms (a person notices more), with a million events held and under load.
verdict() { if awk -v v="$1" -v g="$2" 'BEGIN { exit !(v < g) }'; then echo met; else echo "missed by $(fmt "$(calc "$1 - $2")" 1) ms"; fi; }
worst=$(calc "$END_MS > $TAB_MS ? $END_MS : $TAB_MS")
goal "vista-top answers a key with $(fmt_si "$BIG") events held" "< 100 ms" \
	"End $(fmt "$END_MS" 2) ms, Tab $(fmt "$TAB_MS" 2) ms" "$(verdict "$worst" 100)"
goal "vista-top answers a key under a flood" "< 100 ms" \
	"$(fmt "$LOAD_MS" 1) ms at $(fmt_si "$LOAD_RATE") events/s shown" "$(verdict "$LOAD_MS" 100)"
goal "a search through $(fmt_si "$BIG") held events" "< 2000 ms" "$(fmt "$SEARCH_MS" 0) ms" \
	"$(verdict "$SEARCH_MS" 2000)"
