# shellcheck shell=bash disable=SC2034 # variables set here are for the tests
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/e2e/lib.sh: the library of the end-to-end tests.
#
# Each test is a bash script that prints TAP, run by automake's tap-driver
# with VISTA (the built vista binary) and E2E_LIB (this file) in the
# environment. A test looks like:
#
#     . "$E2E_LIB"
#     require_root
#     require_cmd ping
#     ns_pair_setup
#     vista_start "$tmpdir/out" --filter-addr "$IP_B" && {
#         ok "ping B from A" ip netns exec "$NS_A" ping -c 1 -W 2 "$IP_B"
#         vista_stop
#         is "$VISTA_STATUS" 0 "vista exits 0 on SIGINT"
#         like "$(cat "$tmpdir/out")" "$IP_B" "the ping is traced"
#     }
#     done_testing
#
# TAP:        ok DESC CMD... | tap_ok STATUS DESC | is GOT WANT DESC | isnt
#             like TEXT ERE DESC | unlike | cmp_ok A OP B DESC | pass | fail
#             skip WHY [N] | diag TEXT... | done_testing | skip_all WHY | BAIL_OUT WHY
# Needs:      require_root | require_cmd CMD... | require_vista
# Netns:      ns_pair_setup | ns_cleanup | in_a CMD... | in_b CMD...
#             $NS_A $NS_B $VETH_A $VETH_B $IP_A $IP_B $IP6_A $IP6_B
#             $NETNS_INODE_A $NETNS_INODE_B $IFINDEX_A $IFINDEX_B
# vista:      vista_start OUTFILE ARGS... ($VISTA_PID $VISTA_READY_FILE) | vista_stop ($VISTA_STATUS)
#             vista_run_expect_error ARGS... ($RUN_OUT $RUN_ERR $RUN_STATUS)
#             run_capture CMD... (the same for any command)
#             copy_programs DIR (vista and vista-top, for another user)
#             | program_run_by PATH (the argv[0] it records)
# BPF:        bpf_vista_objects | bpf_vista_orphans (tests/shell/bpf_orphans.sh)
#             | bpf_vista_objects_settle MAX
# Cleanup:    $tmpdir (removed at exit) | track_pid PID | at_exit 'COMMAND'
#
# $VISTA and $VISTA_TOP may be scripts that run the programs in
# under-valgrind/ beside them under valgrind (make check-valgrind):
# copy_programs copies them whole. E2E_UNDER_VALGRIND is then set: the one
# test that valgrind cannot run as it is skips its part.
#
# Everything started here (vista, namespaces and what runs in them, tracked
# pids, $tmpdir) is cleaned up by an EXIT trap: do not replace it, register
# extra cleanup with at_exit instead.

case ":$PATH:" in
*:/usr/sbin:*) ;;
*) PATH="$PATH:/usr/sbin:/sbin" ;;
esac
export PATH

_E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/shell/netns.sh
. "$_E2E_DIR/../shell/netns.sh"
# shellcheck source=tests/shell/bpf_orphans.sh
. "$_E2E_DIR/../shell/bpf_orphans.sh"
: "${VISTA:=$_E2E_DIR/../../vista}"

# Seconds vista gets to become ready, to exit after SIGINT, to fail.
E2E_READY_TIMEOUT=${E2E_READY_TIMEOUT:-20}
E2E_STOP_TIMEOUT=${E2E_STOP_TIMEOUT:-10}
E2E_RUN_TIMEOUT=${E2E_RUN_TIMEOUT:-20}

# ================================================================ TAP

_tap_n=0
_tap_failed=0
_tap_done=false

# Prints a TAP description on one line, '#' escaped so it is no directive.
_tap_desc() {
	local d=${1//$'\n'/ }
	printf '%s' "${d//\#/\\#}"
}

# tap_ok STATUS DESC: "ok" when STATUS is 0. Returns 0 for ok, 1 for not ok.
tap_ok() {
	local status=$1 desc=${2:-}
	_tap_n=$((_tap_n + 1))
	if [ "$status" -eq 0 ] 2>/dev/null; then
		printf 'ok %d - %s\n' "$_tap_n" "$(_tap_desc "$desc")"
		return 0
	fi
	_tap_failed=$((_tap_failed + 1))
	printf 'not ok %d - %s\n' "$_tap_n" "$(_tap_desc "$desc")"
	return 1
}

pass() { tap_ok 0 "$1"; }
fail() {
	tap_ok 1 "$1"
	[ $# -lt 2 ] || diag "${@:2}"
	return 1
}

# diag TEXT...: each line of each TEXT as a TAP comment.
diag() {
	local text line
	for text in "$@"; do
		while IFS= read -r line; do
			printf '# %s\n' "$line"
		done <<<"$text"
	done
}

# diag_file FILE [MAXLINES]: the last lines of FILE as TAP comments.
diag_file() {
	local max=${2:-40} n
	[ -s "$1" ] || {
		diag "($1 is empty)"
		return 0
	}
	n=$(wc -l <"$1")
	[ "$n" -le "$max" ] || diag "... (last $max of $n lines of $1)"
	diag "$(tail -n "$max" "$1")"
}

# ok DESC CMD [ARGS...]: runs CMD; ok when it exits 0. Its output is shown on failure.
ok() {
	local desc=$1 out status=0
	shift
	out="$tmpdir/.ok.$_tap_n"
	"$@" >"$out" 2>&1 || status=$?
	if tap_ok "$status" "$desc"; then
		rm -f "$out"
		return 0
	fi
	diag "command: $* (exit status $status)"
	diag_file "$out"
	rm -f "$out"
	return 1
}

# is GOT WANT DESC: string equality.
is() {
	if [ "$1" = "$2" ]; then
		tap_ok 0 "$3"
	else
		tap_ok 1 "$3"
		diag "     got: '$1'" "    want: '$2'"
		return 1
	fi
}

# isnt GOT UNWANTED DESC
isnt() {
	if [ "$1" != "$2" ]; then
		tap_ok 0 "$3"
	else
		tap_ok 1 "$3"
		diag "     got: '$1'" "expected anything else"
		return 1
	fi
}

# like TEXT ERE DESC: some line of TEXT matches the extended regular expression.
like() {
	if grep -Eq -- "$2" <<<"$1"; then
		tap_ok 0 "$3"
	else
		tap_ok 1 "$3"
		diag "no line matches /$2/ in:"
		diag "$(head -n 40 <<<"$1")"
		return 1
	fi
}

# unlike TEXT ERE DESC: no line of TEXT matches.
unlike() {
	if ! grep -Eq -- "$2" <<<"$1"; then
		tap_ok 0 "$3"
	else
		tap_ok 1 "$3"
		diag "lines matching /$2/:"
		diag "$(grep -E -m 20 -- "$2" <<<"$1")"
		return 1
	fi
}

# cmp_ok A OP B DESC: OP is a test(1) operator (-eq -ne -lt -le -gt -ge = !=).
cmp_ok() {
	if test "$1" "$2" "$3" 2>/dev/null; then
		tap_ok 0 "$4"
	else
		tap_ok 1 "$4"
		diag "expected: '$1' $2 '$3'"
		return 1
	fi
}

# skip WHY [N]: N (default 1) checks skipped.
skip() {
	local i
	for ((i = 0; i < ${2:-1}; i++)); do
		_tap_n=$((_tap_n + 1))
		printf 'ok %d # SKIP %s\n' "$_tap_n" "$(_tap_desc "$1")"
	done
}

# done_testing: prints the plan; call it once, at the end.
done_testing() {
	$_tap_done && return 0
	if [ "$_tap_n" -eq 0 ]; then
		tap_ok 1 "the test ran no check"
	fi
	[ "$_tap_failed" -eq 0 ] || diag "failed $_tap_failed of $_tap_n checks"
	printf '1..%d\n' "$_tap_n"
	_tap_done=true
}

# skip_all WHY: skips the whole test (or the rest of it) and exits 0.
skip_all() {
	if [ "$_tap_n" -eq 0 ] && ! $_tap_done; then
		printf '1..0 # SKIP %s\n' "$(_tap_desc "$1")"
		_tap_done=true
	else
		diag "skipping the rest: $1"
		done_testing
	fi
	exit 0
}

# BAIL_OUT WHY: stops the test as broken.
BAIL_OUT() {
	printf 'Bail out! %s\n' "$(_tap_desc "$1")"
	_tap_done=true
	exit 1
}

# ================================================================ requirements

require_root() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root"
}

# require_cmd CMD...: skips the test unless every CMD is installed.
require_cmd() {
	local c missing=()
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || missing+=("$c")
	done
	[ ${#missing[@]} -eq 0 ] || skip_all "missing command: ${missing[*]}"
}

# require_vista: stops the test unless $VISTA is an executable.
require_vista() {
	if [ -z "${VISTA:-}" ] || [ ! -f "$VISTA" ] || [ ! -x "$VISTA" ]; then
		BAIL_OUT "VISTA='${VISTA:-}' is not an executable: build vista first"
	fi
}

# ================================================================ cleanup

tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/vista-e2e.XXXXXX") || BAIL_OUT "mktemp -d failed"

_E2E_VISTA_PIDS=()
_E2E_PIDS=()
_E2E_AT_EXIT=()

# track_pid PID: a background process of the test, killed at exit.
track_pid() { _E2E_PIDS+=("$1"); }

# at_exit 'COMMAND': eval'ed at exit, before the namespaces go (last in, first run).
at_exit() { _E2E_AT_EXIT+=("$1"); }

_e2e_exit() {
	local status=$? i
	trap - EXIT
	set +e
	if ! $_tap_done; then
		tap_ok 1 "the test script exited (status $status) before done_testing"
		done_testing
		[ "$status" -ne 0 ] || status=1
	fi
	for i in "${_E2E_VISTA_PIDS[@]}"; do
		pid_stop "$i" INT 5
	done
	for i in "${_E2E_PIDS[@]}"; do
		pid_stop "$i" TERM 2
	done
	for ((i = ${#_E2E_AT_EXIT[@]} - 1; i >= 0; i--)); do
		eval "${_E2E_AT_EXIT[i]}"
	done
	ns_cleanup
	rm -rf "$tmpdir"
	exit "$status"
}
trap _e2e_exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# ================================================================ network namespaces

IP_A=10.199.0.1
IP_B=10.199.0.2
IP6_A=fd00:199::1
IP6_B=fd00:199::2

# ns_pair_setup: two fresh network namespaces joined by a veth pair (see the top).
ns_pair_setup() {
	require_root
	require_cmd ip
	netns_pair_create "vista-e2e-$$" BAIL_OUT
}

# ns_cleanup: ends what runs in the test's namespaces and deletes them.
ns_cleanup() { netns_cleanup; }

# ================================================================ running vista

_e2e_vista_seq=0

_forget_vista_pid() {
	local p keep=()
	for p in "${_E2E_VISTA_PIDS[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	_E2E_VISTA_PIDS=("${keep[@]}")
}

# vista_start OUTFILE ARGS...: starts vista in the background, stdout to
# OUTFILE, stderr to OUTFILE.err, and waits until it is ready (all attached).
# Reports "ok" once ready; otherwise "not ok" with vista's stderr, and returns 1.
# Sets VISTA_PID (empty on failure), VISTA_OUT, VISTA_ERR, VISTA_READY_FILE.
vista_start() {
	local out=$1 ready i
	shift
	require_vista
	_e2e_vista_seq=$((_e2e_vista_seq + 1))
	ready="$tmpdir/ready.$_e2e_vista_seq"
	VISTA_READY_FILE=$ready
	rm -f "$ready"
	VISTA_OUT=$out
	VISTA_ERR=$out.err
	# Background jobs of a script ignore SIGINT: give vista the default back.
	env --default-signal "$VISTA" --ready-file "$ready" "$@" >"$VISTA_OUT" 2>"$VISTA_ERR" </dev/null &
	VISTA_PID=$!
	_E2E_VISTA_PIDS+=("$VISTA_PID")
	for ((i = 0; i < E2E_READY_TIMEOUT * 10; i++)); do
		if [ -e "$ready" ]; then
			pass "vista ready: $*"
			return 0
		fi
		pid_alive "$VISTA_PID" || break
		sleep 0.1
	done
	if [ -e "$ready" ]; then
		pass "vista ready: $*"
		return 0
	fi
	if pid_alive "$VISTA_PID"; then
		pid_stop "$VISTA_PID" INT 5
		VISTA_STATUS=$?
		tap_ok 1 "vista ready: $* (not ready after $E2E_READY_TIMEOUT s)"
	else
		wait "$VISTA_PID"
		VISTA_STATUS=$?
		tap_ok 1 "vista ready: $* (exited with status $VISTA_STATUS first)"
	fi
	diag "vista's stderr:"
	diag_file "$VISTA_ERR"
	_forget_vista_pid "$VISTA_PID"
	VISTA_PID=
	return 1
}

# vista_stop [PID]: SIGINT to vista (default $VISTA_PID) and waits for it to
# exit; after E2E_STOP_TIMEOUT s, SIGKILL and "not ok". Sets VISTA_STATUS.
vista_stop() {
	local pid=${1:-${VISTA_PID:-}}
	if [ -z "$pid" ]; then
		VISTA_STATUS=255
		diag "vista_stop: no vista is running"
		return 1
	fi
	kill -s INT "$pid" 2>/dev/null
	if pid_wait_gone "$pid" "$E2E_STOP_TIMEOUT"; then
		wait "$pid" 2>/dev/null
		VISTA_STATUS=$?
	else
		kill -s KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		VISTA_STATUS=$?
		tap_ok 1 "vista exits within $E2E_STOP_TIMEOUT s of SIGINT"
		diag "vista's stderr:"
		diag_file "${VISTA_ERR:-/dev/null}"
		_forget_vista_pid "$pid"
		[ "$pid" != "${VISTA_PID:-}" ] || VISTA_PID=
		return 1
	fi
	_forget_vista_pid "$pid"
	[ "$pid" != "${VISTA_PID:-}" ] || VISTA_PID=
	return 0
}

# run_capture CMD...: runs CMD in the foreground (timeout E2E_RUN_TIMEOUT s).
# Sets RUN_OUT, RUN_ERR (text), RUN_OUT_FILE, RUN_ERR_FILE, RUN_STATUS.
run_capture() {
	RUN_OUT_FILE="$tmpdir/run.out"
	RUN_ERR_FILE="$tmpdir/run.err"
	RUN_STATUS=0
	env --default-signal timeout -k 5 "$E2E_RUN_TIMEOUT" "$@" \
		>"$RUN_OUT_FILE" 2>"$RUN_ERR_FILE" </dev/null || RUN_STATUS=$?
	RUN_OUT=$(cat "$RUN_OUT_FILE")
	RUN_ERR=$(cat "$RUN_ERR_FILE")
	if [ "$RUN_STATUS" -eq 124 ] || [ "$RUN_STATUS" -eq 137 ]; then
		diag "timed out after $E2E_RUN_TIMEOUT s: $*"
	fi
	return 0
}

# vista_run_expect_error ARGS...: runs vista ARGS in the foreground; see run_capture.
vista_run_expect_error() {
	require_vista
	run_capture "$VISTA" "$@"
}

# copy_programs DIR: copies of vista and vista-top in DIR, which another user
# may run. Under make check-valgrind each is a script that runs the program
# in under-valgrind/ beside it under valgrind: that is copied too.
copy_programs() {
	local p real
	for p in "$VISTA" "${VISTA_TOP:-$(dirname "$VISTA")/vista-top}"; do
		cp "$p" "$1/${p##*/}" || return 1
		real=$(program_run_by "$p")
		[ "$real" = "$p" ] || { mkdir -p "$1/under-valgrind" && cp "$real" "$1/under-valgrind/"; } || return 1
	done
}

# program_run_by PATH: the program that running PATH runs, and so its argv[0]
# (in a recorded command line): PATH, or the copy in under-valgrind/ beside it.
program_run_by() {
	local real
	real=$(dirname "$1")/under-valgrind/${1##*/}
	if [ -e "$real" ]; then printf '%s\n' "$real"; else printf '%s\n' "$1"; fi
}

# ================================================================ BPF objects

# bpf_vista_objects: the number of BPF programs named vista* or tp_* loaded
# now, plus the number of BPF links to such programs.
# Prints "error" and returns 1 when bpftool or jq fails.
bpf_vista_objects() {
	local progs links n
	if progs=$(bpftool -j prog list 2>&1) && links=$(bpftool -j link list 2>&1) &&
		n=$(printf '%s\n%s\n' "$progs" "$links" | jq -s '
			(.[0] | map(select((.name // "") | test("^(vista|tp_)")) | .id)) as $ids
			| ($ids | length)
			  + (.[1] | map(select(.prog_id as $p | any($ids[]; . == $p))) | length)'); then
		echo "$n"
		return 0
	fi
	echo "bpf_vista_objects: bpftool or jq failed: ${progs:0:200} ${links:0:200}" >&2
	echo error
	return 1
}

# bpf_vista_objects_settle MAX: waits (up to 10 s) until bpf_vista_orphans is
# at most MAX (the kernel frees links from a work queue after the last close:
# on a machine loaded to 20 runnable tasks that took more than 3 s) and prints
# the count.
bpf_vista_objects_settle() {
	local n i
	for ((i = 0; i < 100; i++)); do
		n=$(bpf_vista_orphans) || break
		[ "$n" -gt "$1" ] || break
		sleep 0.1
	done
	echo "$n"
}
