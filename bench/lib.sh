# shellcheck shell=bash disable=SC2034 # the variables set here are for the scripts that source it
# SPDX-License-Identifier: GPL-2.0-only
#
# bench/lib.sh: what the benchmark scripts share. Sourced by bench/run and
# by every section script (bench/overhead.sh, ...), which bench/run starts as
# separate processes with this environment:
#
#   VISTA            the vista binary to measure (a build without sanitizers)
#   VISTA_TOP        vista-top, built with it
#   BENCH_FORMAT     bench/bench_format, BENCH_UDPFLOOD bench/udpflood,
#                    BENCH_TUI bench/bench_tui and BENCH_RESERVE
#                    bench/bench_reserve, built next to it
#   BENCH_QUICK      1 for the short CI run (fewer, shorter repetitions)
#   BENCH_FRAGMENT   the Markdown the section writes (its part of BENCHMARKS.md)
#   BENCH_GOALS      goal rows the section appends (goal, target, measured, verdict)
#   BENCH_RAW        raw numbers the section appends, one per line, for later digging
#
# Conventions:
# - A figure that cannot be measured yet is never invented: its function
#   calls `not_measured REASON` and returns 1, and the table prints
#   "not measured: REASON".
# - Benchmarks report numbers; they fail only when something breaks (vista
#   does not start, a tool is missing, something is left behind).
# - Everything a script starts (processes, namespaces, temporary files,
#   sysctl and mount changes) is undone by the EXIT trap set here: register
#   extra cleanup with at_exit, never replace the trap.

export LC_ALL=C
case ":$PATH:" in
*:/usr/sbin:*) ;;
*) PATH="$PATH:/usr/sbin:/sbin" ;;
esac
export PATH

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/shell/netns.sh
. "$BENCH_DIR/../tests/shell/netns.sh"
# shellcheck source=tests/shell/bpf_orphans.sh
. "$BENCH_DIR/../tests/shell/bpf_orphans.sh"
: "${BENCH_QUICK:=0}"
: "${BENCH_FRAGMENT:=/dev/stdout}"
: "${BENCH_GOALS:=/dev/null}"
: "${BENCH_RAW:=/dev/null}"

# Seconds vista gets to become ready and to exit after SIGINT.
BENCH_READY_TIMEOUT=${BENCH_READY_TIMEOUT:-20}
BENCH_STOP_TIMEOUT=${BENCH_STOP_TIMEOUT:-15}

# Exit status of a function whose figure cannot be measured (see not_measured).
NOT_MEASURED_REASON=

say() { printf '  %s\n' "$*" >&2; }
die() {
	printf 'bench: error: %s\n' "$*" >&2
	exit 1
}

# not_measured REASON: records why a figure is missing (the caller returns 1).
not_measured() { NOT_MEASURED_REASON=$1; }

quick() { [ "$BENCH_QUICK" = 1 ]; }

# pick QUICK FULL: prints QUICK in quick mode, FULL otherwise.
pick() { if quick; then echo "$1"; else echo "$2"; fi; }

require_root() { [ "$(id -u)" -eq 0 ] || die "the benchmarks load BPF programs and create namespaces: run them as root"; }

# require_cmd CMD...: stops unless every CMD is installed.
require_cmd() {
	local c missing=()
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || missing+=("$c")
	done
	[ ${#missing[@]} -eq 0 ] || die "missing command: ${missing[*]} (scripts/install-deps installs them)"
}

# require_vista: VISTA is set, executable, and not built with sanitizers.
require_vista() {
	if [ -z "${VISTA:-}" ] || [ ! -x "$VISTA" ]; then
		die "VISTA='${VISTA:-}' is not an executable (run the benchmarks through bench/run)"
	fi
	if grep -qaE '__asan_init|__ubsan_handle' "$VISTA"; then
		die "$VISTA is built with sanitizers: its numbers would be meaningless (bench/run builds a clean copy)"
	fi
}

# ================================================================ time

# Sleeping without a fork: read(1) with a timeout on a pipe nobody writes to.
exec {_bench_sleep_fd}<> <(:)

# sleep_s SECONDS (fractional): sleeps, with about 0.1 ms of overhead.
sleep_s() { read -r -t "$1" -u "$_bench_sleep_fd" || true; }

# now_us: sets NOW_US to the wall clock in microseconds (no fork).
now_us() {
	NOW_US=${EPOCHREALTIME/./}
	NOW_US=${NOW_US#"${NOW_US%%[!0]*}"}
}

# ================================================================ statistics

# stats VALUE...: prints "median min max n" (median of an even count: the
# mean of the middle two). Prints "- - - 0" for no value.
stats() {
	[ $# -gt 0 ] || {
		echo "- - - 0"
		return 0
	}
	printf '%s\n' "$@" | sort -g | awk '
		{ v[NR] = $1 }
		END {
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.10g %.10g %.10g %d\n", m, v[1], v[NR], NR
		}'
}

# calc EXPR: floating-point arithmetic with awk (EXPR uses awk syntax).
calc() { awk "BEGIN { printf \"%.10g\", ($1) }" </dev/null; }

# fmt NUMBER [DECIMALS]: a number with a fixed number of decimals (default 0).
fmt() {
	case $1 in
	- | '') echo "-" ;;
	*) awk -v v="$1" -v d="${2:-0}" 'BEGIN { printf "%.*f", d, v }' ;;
	esac
}

# fmt_si NUMBER: 1234567 -> 1.23 M (k, M, G), for rates.
fmt_si() {
	awk -v v="$1" 'BEGIN {
		a = v < 0 ? -v : v
		if (a >= 1e9) printf "%.2f G", v / 1e9
		else if (a >= 1e6) printf "%.2f M", v / 1e6
		else if (a >= 1e3) printf "%.1f k", v / 1e3
		else printf "%.0f", v
	}'
}

# fmt_spread MIN MAX [DECIMALS]: "MIN–MAX".
fmt_spread() { printf '%s–%s' "$(fmt "$1" "${3:-0}")" "$(fmt "$2" "${3:-0}")"; }

# fmt_ratio MEDIAN MIN MAX: "0.873 (0.851–0.902)".
fmt_ratio() { printf '%s (%s)' "$(fmt "$1" 3)" "$(fmt_spread "$2" "$3" 3)"; }

# fmt_pct_change RATIO: 0.873 -> "-12.7%".
fmt_pct_change() { awk -v r="$1" 'BEGIN { printf "%+.1f%%", (r - 1) * 100 }'; }

# ================================================================ report

# md_header COLUMN...: the header of a Markdown table.
md_header() {
	local c line="|" sep="|"
	for c in "$@"; do
		line+=" $c |"
		sep+=" --- |"
	done
	printf '%s\n%s\n' "$line" "$sep" >>"$BENCH_FRAGMENT"
}

# md_row CELL...: one row of a Markdown table ('|' in a cell is escaped).
md_row() {
	local c line="|"
	for c in "$@"; do
		line+=" ${c//|/\\|} |"
	done
	printf '%s\n' "$line" >>"$BENCH_FRAGMENT"
}

# md TEXT...: lines of Markdown.
md() { printf '%s\n' "$@" >>"$BENCH_FRAGMENT"; }

# goal NAME TARGET MEASURED VERDICT: a row of the goals table.
goal() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$BENCH_GOALS"; }

# raw KEY VALUE...: a raw measurement, kept in the results directory.
raw() { printf '%s\t%s\n' "$1" "${*:2}" >>"$BENCH_RAW"; }

# ================================================================ cleanup

_BENCH_PIDS=()
_BENCH_AT_EXIT=()
bench_tmp=$(mktemp -d "${TMPDIR:-/tmp}/vista-bench.XXXXXX") || die "mktemp -d failed"

# track_pid PID: a background process, stopped at exit (SIGINT, then SIGKILL).
track_pid() { _BENCH_PIDS+=("$1"); }

# at_exit 'COMMAND': eval'ed at exit, before the namespaces go (last in, first run).
at_exit() { _BENCH_AT_EXIT+=("$1"); }

_bench_exit() {
	local status=$? i
	trap - EXIT
	set +e
	for i in "${_BENCH_PIDS[@]}"; do
		pid_stop "$i" INT 5
	done
	for ((i = ${#_BENCH_AT_EXIT[@]} - 1; i >= 0; i--)); do
		eval "${_BENCH_AT_EXIT[i]}" || [ "$status" -ne 0 ] || status=1
	done
	ns_cleanup
	rm -rf "$bench_tmp"
	exit "$status"
}
trap _bench_exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# ================================================================ network namespaces

# Two namespaces joined by a veth pair; all benchmark traffic stays between them.
IP_A=10.198.0.1
IP_B=10.198.0.2

IP6_A=fd00:198::1
IP6_B=fd00:198::2

# ns_setup: creates $NS_A ($IP_A on $VETH_A) and $NS_B ($IP_B on $VETH_B).
ns_setup() {
	netns_pair_create "vista-bench-$$" die
	# One ping each way: ARP resolved before anything is measured.
	ip netns exec "$NS_A" ping -c 1 -W 2 "$IP_B" >/dev/null || die "no ping from $IP_A to $IP_B"
	ip netns exec "$NS_B" ping -c 1 -W 2 "$IP_A" >/dev/null || die "no ping from $IP_B to $IP_A"
}

# ns_cleanup: ends what runs in the namespaces and deletes them.
ns_cleanup() { netns_cleanup; }

# ================================================================ processes

# proc_cpu_ticks PID: user + system CPU time of PID so far, in clock ticks.
proc_cpu_ticks() {
	local stat f
	read -r stat <"/proc/$1/stat" || return 1
	stat=${stat##*) }
	read -r -a f <<<"$stat"
	# After "pid (comm) ", field 3 (state) is f[0]: utime is field 14, stime 15.
	echo $((f[11] + f[12]))
}
CLK_TCK=$(getconf CLK_TCK)

# proc_status_kb PID FIELD: a "FIELD: N kB" value of /proc/PID/status (VmHWM, VmRSS).
proc_status_kb() { awk -v f="$2:" '$1 == f { print $2; found = 1 } END { exit !found }' "/proc/$1/status"; }

# file_size FILE: its size in bytes (0 when missing).
file_size() { stat -c %s "$1" 2>/dev/null || echo 0; }

# wait_file_stable FILE MAX_SECONDS: waits until FILE stops growing (two equal
# sizes 200 ms apart), so that a tracer has drained what was sent.
wait_file_stable() {
	local prev=-1 cur i
	for ((i = 0; i < $2 * 5; i++)); do
		cur=$(file_size "$1")
		[ "$cur" = "$prev" ] && return 0
		prev=$cur
		sleep_s 0.2
	done
	return 0
}

# ================================================================ vista

_bench_vista_seq=0
# A command vista_start puts in front of vista, e.g. (taskset -c 1).
VISTA_PREFIX=()

# vista_start ARGS...: starts $VISTA in the background (stdout and stderr to
# files in $bench_tmp) and waits until its --ready-file exists. Sets VISTA_PID,
# VISTA_ERR, VISTA_READY_US (microseconds from exec to ready, measured by
# polling every 0.5 ms). A vista that fails to start stops the benchmark.
vista_start() {
	local ready i t0
	_bench_vista_seq=$((_bench_vista_seq + 1))
	ready="$bench_tmp/ready.$_bench_vista_seq"
	VISTA_ERR="$bench_tmp/vista.$_bench_vista_seq.err"
	rm -f "$ready"
	now_us
	t0=$NOW_US
	# Background jobs of a script ignore SIGINT: give vista the default back.
	env --default-signal "${VISTA_PREFIX[@]}" "$VISTA" --ready-file "$ready" "$@" >"$bench_tmp/vista.$_bench_vista_seq.out" 2>"$VISTA_ERR" </dev/null &
	VISTA_PID=$!
	track_pid "$VISTA_PID"
	for ((i = 0; i < BENCH_READY_TIMEOUT * 2000; i++)); do
		if [ -e "$ready" ]; then
			now_us
			VISTA_READY_US=$((NOW_US - t0))
			return 0
		fi
		[ $((i % 20)) -ne 19 ] || pid_alive "$VISTA_PID" || break
		sleep_s 0.0005
	done
	pid_stop "$VISTA_PID" INT 5
	die "vista $* did not become ready: $(tail -n 5 "$VISTA_ERR")"
}

# vista_counts: asks the running vista for its counts (SIGUSR1 prints them
# on stderr) and waits up to 5 s for the line. Sets VISTA_RECEIVED and VISTA_LOST.
vista_counts() {
	local n0 i line re='([0-9]+) events received, ([0-9]+) lost'
	n0=$(grep -cE "$re" "$VISTA_ERR" || true)
	kill -s USR1 "$VISTA_PID" || die "vista (pid $VISTA_PID) is not running"
	for ((i = 0; i < 500; i++)); do
		[ "$(grep -cE "$re" "$VISTA_ERR" || true)" -le "$n0" ] || break
		sleep_s 0.01
	done
	line=$(grep -E "$re" "$VISTA_ERR" | tail -n 1)
	if [ "$i" -ge 500 ] || ! [[ $line =~ $re ]]; then
		die "vista printed no counts on SIGUSR1: $(tail -n 5 "$VISTA_ERR")"
	fi
	VISTA_RECEIVED=${BASH_REMATCH[1]}
	VISTA_LOST=${BASH_REMATCH[2]}
}

# vista_stop: SIGINT and wait for the exit. Sets VISTA_STATUS, VISTA_STOP_US
# (SIGINT to exit), VISTA_RECEIVED and VISTA_LOST (from its last stderr line).
vista_stop() {
	local t0 line re='([0-9]+) events received, ([0-9]+) lost'
	now_us
	t0=$NOW_US
	kill -s INT "$VISTA_PID" 2>/dev/null || true
	if pid_wait_gone "$VISTA_PID" "$BENCH_STOP_TIMEOUT"; then
		VISTA_STATUS=0
		wait "$VISTA_PID" || VISTA_STATUS=$?
		now_us
		VISTA_STOP_US=$((NOW_US - t0))
	else
		kill -s KILL "$VISTA_PID" 2>/dev/null || true
		wait "$VISTA_PID" 2>/dev/null || true
		die "vista did not exit within $BENCH_STOP_TIMEOUT s of SIGINT"
	fi
	[ "$VISTA_STATUS" -eq 0 ] || die "vista exited with status $VISTA_STATUS: $(tail -n 5 "$VISTA_ERR")"
	line=$(grep -E "$re" "$VISTA_ERR" | tail -n 1)
	[[ $line =~ $re ]] || die "vista printed no 'N events received, N lost' line: $(tail -n 5 "$VISTA_ERR")"
	VISTA_RECEIVED=${BASH_REMATCH[1]}
	VISTA_LOST=${BASH_REMATCH[2]}
}

# ================================================================ vista-top

# vista-top needs a terminal: it runs in a detached tmux session, 120x40.
_bench_top_seq=0

# top_tmux ARGS...: tmux on the benchmarks' own server.
top_tmux() { tmux -S "$bench_tmp/top-tmux.sock" -f /dev/null "$@"; }

# top_start ARGS...: starts $VISTA_TOP ARGS in a new tmux session and waits
# until it is ready: its --ready-file written (the first screen drawn, every
# hook attached), or for a --replay, which takes no --ready-file, its status
# bar drawn. Sets TOP_PID and TOP_SESSION. A vista-top that fails to start
# stops the benchmark.
top_start() {
	local ready='' status err i cmd a shell
	[ -x "${VISTA_TOP:-}" ] || die "VISTA_TOP='${VISTA_TOP:-}' is not an executable"
	_bench_top_seq=$((_bench_top_seq + 1))
	if [ "$_bench_top_seq" -eq 1 ]; then
		# One server for every session: one that exits with its last session
		# refuses the next new-session while it goes ("server exited unexpectedly").
		top_tmux start-server \; set-option -s exit-empty off || die "tmux start-server failed"
		at_exit 'top_tmux kill-server 2>/dev/null || true'
	fi
	TOP_SESSION=top$_bench_top_seq
	err=$bench_tmp/top.$_bench_top_seq.err
	status=$bench_tmp/top.$_bench_top_seq.status
	for a in "$@"; do
		[ "$a" != --replay ] || ready=none
	done
	if [ -z "$ready" ]; then
		ready=$bench_tmp/top.$_bench_top_seq.ready
		set -- --ready-file "$ready" "$@"
	fi
	printf -v cmd '%q ' env TERM=xterm-256color HOME="$bench_tmp" "$VISTA_TOP" "$@"
	top_tmux new-session -d -s "$TOP_SESSION" -x 120 -y 40 "$cmd 2>$(printf %q "$err"); echo \$? >$(printf %q "$status")" ||
		die "tmux new-session failed"
	for ((i = 0; i < BENCH_READY_TIMEOUT * 100; i++)); do
		if [ "$ready" = none ]; then
			[ -z "$(top_counter total)" ] || break
		else
			[ ! -s "$ready" ] || break
		fi
		[ ! -s "$status" ] || die "vista-top $* exited at once: $(cat "$err" 2>/dev/null)"
		sleep_s 0.01
	done
	[ "$i" -lt $((BENCH_READY_TIMEOUT * 100)) ] || die "vista-top $* was not ready after $BENCH_READY_TIMEOUT s: $(cat "$err" 2>/dev/null)"
	if [ "$ready" = none ]; then
		# The pane runs a shell, whose one child is vista-top (env execs it).
		shell=$(top_tmux list-panes -t "$TOP_SESSION" -F '#{pane_pid}')
		TOP_PID=$(cat "/proc/$shell/task/$shell/children" 2>/dev/null)
		TOP_PID=${TOP_PID%% *}
	else
		TOP_PID=$(cat "$ready")
	fi
	if [ -z "$TOP_PID" ] || ! pid_alive "$TOP_PID"; then die "vista-top $* has no process"; fi
}

# top_screen: what vista-top's pane shows now.
top_screen() { top_tmux capture-pane -p -t "$TOP_SESSION"; }

# top_counter NAME: a counter of vista-top's status bar ("total", "lost in
# kernel", "dropped by UI"), as it shows now.
top_counter() {
	top_screen | sed -n "s/.*| $1 \([0-9][0-9]*\).*/\1/p" | tail -n 1
}

# top_wait_total MIN MAX_SECONDS: waits until the status bar's total (what
# vista-top has taken) is at least MIN, or grows by less than 1000 in a
# second (then vista-top has drained what was sent: what it still takes is
# the machine's other traffic), or MAX_SECONDS passed. Sets TOP_TOTAL.
top_wait_total() {
	local prev=-1 i
	for ((i = 0; i <= $2 * 4; i++)); do
		TOP_TOTAL=$(top_counter total)
		[ -n "$TOP_TOTAL" ] || die "vista-top's status bar shows no total: $(top_screen | tail -n 2)"
		[ "$TOP_TOTAL" -lt "$1" ] || return 0
		[ $((i % 4)) -ne 0 ] || {
			[ "$prev" -lt 0 ] || [ $((TOP_TOTAL - prev)) -ge 1000 ] || return 0
			prev=$TOP_TOTAL
		}
		sleep_s 0.25
	done
}

# top_stop: q, and wait for vista-top to exit 0.
top_stop() {
	local status=$bench_tmp/top.$_bench_top_seq.status i
	top_tmux send-keys -t "$TOP_SESSION" q
	for ((i = 0; i < BENCH_STOP_TIMEOUT * 100; i++)); do
		[ -s "$status" ] && break
		sleep_s 0.01
	done
	[ "$(cat "$status" 2>/dev/null)" = 0 ] ||
		die "vista-top did not exit 0 on q: $(cat "$bench_tmp/top.$_bench_top_seq.err" 2>/dev/null)"
	pid_wait_gone "$TOP_PID" "$BENCH_STOP_TIMEOUT" || die "vista-top (pid $TOP_PID) still runs after q"
}

# vista_prog_ids PID: ids of the BPF programs PID holds (from its fd table:
# prog fds and link fds both name their prog_id), one per line.
vista_prog_ids() {
	cat "/proc/$1/fdinfo/"* 2>/dev/null | awk '$1 == "prog_id:" { print $2 }' | sort -un
}

# bpf_vista_progs: the number of loaded BPF programs named vista* or tp_*,
# whoever loaded them (another vista running disturbs the numbers).
bpf_vista_progs() {
	bpftool -j prog list | jq '[.[] | select((.name // "") | test("^(vista|tp_)"))] | length'
}

# bpf_progs_loaded ID...: how many of these BPF program ids are still loaded.
bpf_progs_loaded() {
	local ids
	ids=$(printf '%s\n' "$@" | jq -Rsc 'split("\n") | map(select(length > 0) | tonumber)')
	bpftool -j prog list | jq --argjson ids "$ids" '[.[] | select(.id as $i | $ids | index($i))] | length'
}

# bpf_leftover_check BASELINE: after the last vista exited, the number of
# vista programs and links that no process holds (bpf_vista_orphans) must
# come back to BASELINE, the count before the section; the kernel frees
# them from a work queue, so wait up to 5 s. Other vistas running meanwhile
# (other users, tests) hold theirs and do not count. Returns 1 with a
# message otherwise (it runs in the EXIT trap: no die here).
bpf_leftover_check() {
	# Five seconds to settle, however long one count takes (it reads every process's fds).
	local n end=$((SECONDS + 5))
	while :; do
		n=$(bpf_vista_orphans) || {
			echo "bench: error: counting the vista BPF objects that no process holds failed" >&2
			return 1
		}
		[ "$n" -gt "$1" ] || return 0
		[ "$SECONDS" -lt "$end" ] || break
		sleep_s 0.1
	done
	echo "bench: error: $((n - $1)) vista BPF program(s) or link(s) left loaded that no process holds" >&2
	return 1
}

# bench_section_begin: the checks every section starts with.
bench_section_begin() {
	require_root
	require_cmd ip jq bpftool awk
	require_vista
	local running
	running=$(bpf_vista_progs) || die "bpftool prog list failed"
	[ "$running" -eq 0 ] || say "warning: $running vista BPF program(s) were loaded before this benchmark: another vista is running, numbers may be disturbed"
	BPF_ORPHANS=$(bpf_vista_orphans) || die "cannot count the vista BPF objects that no process holds"
	# shellcheck disable=SC2016 # expanded when it runs
	at_exit 'bpf_leftover_check "$BPF_ORPHANS"'
}
