# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/e2e/tui_lib.sh: what the vista-top end-to-end tests (tests/e2e/tui_*.sh)
# share, sourced after lib.sh: a tmux server of the test's own, its socket in
# $tmpdir (removed at exit), so nothing else's sessions are touched.
#
#   tm ARGS...                 tmux on the test's server
#   screen [SESSION]           what the pane shows now (default session: top)
#   wait_screen ERE SECONDS [SESSION]
#                              polls the pane until a line matches; 1 on timeout
#   expect_screen ERE DESC [SECONDS]
#                              wait_screen, then ok or not ok (with the screen)
#   total                      the events received so far, from the status bar
#   wait_file FILE SECONDS     until FILE is not empty; 1 on timeout
#   $TOP_COLS x $TOP_ROWS      the size of session "top" (120x40)
#   start_top NAME ARGS...     vista-top ARGS in a 120x40 session "top", ready
#                              when its --ready-file is written; its exit status
#                              goes to $tmpdir/NAME.status, stderr to NAME.err
#   start_replay NAME USER ARGS...  (HOME: $REPLAY_HOME)
#                              vista-top ARGS (a --replay) as USER in session
#                              "top", up when its status bar shows
#   stop_top NAME              q, and "ok" when it exits 0 with nothing on stderr
#   top_fails NAME ERE [ENV=VALUE...] -- ARGS...
#                              vista-top in a terminal exits 1 with one line on
#                              stderr matching ERE, and leaves no BPF object
#                              (no more orphans than $before, which the test
#                              sets: other tests may run beside this one)
: "${VISTA_TOP:=$(dirname "$0")/../../vista-top}"
[ -x "$VISTA_TOP" ] || BAIL_OUT "VISTA_TOP='$VISTA_TOP' is not an executable: build vista-top first"

TOP_COLS=120 TOP_ROWS=40
TMUX_SOCK="$tmpdir/tmux.sock"
tm() { tmux -S "$TMUX_SOCK" -f /dev/null "$@"; }
at_exit "tmux -S '$TMUX_SOCK' kill-server 2>/dev/null"

screen() { tm capture-pane -p -t "${1:-top}"; }

# tmux new-session, tried again for a moment: a server just told to exit
# (tm kill-server) may still hold the socket under a loaded machine.
tm_new_session() {
	local _
	for _ in 1 2 3 4 5; do
		tm new-session "$@" 2>/dev/null && return 0
		sleep 0.3
	done
	tm new-session "$@"
}

wait_screen() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		screen "${3:-top}" | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

expect_screen() {
	if wait_screen "$1" "${3:-5}"; then
		pass "$2"
	else
		fail "$2" "screen:" "$(screen)"
	fi
}

total() { screen | sed -n 's/.*| total \([0-9]*\) |.*/\1/p'; }

wait_file() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

start_top() {
	local name=$1
	shift
	rm -f "$tmpdir/$name.ready" "$tmpdir/$name.status"
	tm_new_session -d -s top -x "$TOP_COLS" -y "$TOP_ROWS" \
		"env TERM=xterm-256color HOME=$tmpdir $VISTA_TOP --ready-file $tmpdir/$name.ready $* 2>$tmpdir/$name.err; echo \$? >$tmpdir/$name.status; sleep 60"
	if wait_file "$tmpdir/$name.ready" "$E2E_READY_TIMEOUT"; then
		pass "vista-top is up: $*"
		return 0
	fi
	fail "vista-top is up: $*" "screen:" "$(screen)" "stderr:" "$(cat "$tmpdir/$name.err" 2>/dev/null)"
	return 1
}

start_replay() {
	local name=$1 user=$2
	shift 2
	rm -f "$tmpdir/$name.status"
	tm_new_session -d -s top -x "$TOP_COLS" -y "$TOP_ROWS" \
		"setpriv --reuid=$user --regid=$user --clear-groups env TERM=xterm-256color HOME=${REPLAY_HOME:-/nonexistent} $VISTA_TOP $* 2>$tmpdir/$name.err; echo \$? >$tmpdir/$name.status; sleep 60"
	if wait_screen "^ (FOLLOW|BROWSE|PAUSED) " "$E2E_READY_TIMEOUT"; then
		pass "vista-top is up as uid $user: $*"
		return 0
	fi
	fail "vista-top is up as uid $user: $*" "screen:" "$(screen)" "stderr:" "$(cat "$tmpdir/$name.err" 2>/dev/null)"
	return 1
}

stop_top() {
	tm send-keys -t top q
	if wait_file "$tmpdir/$1.status" "$E2E_STOP_TIMEOUT"; then
		is "$(cat "$tmpdir/$1.status")" 0 "$1: q quits with status 0"
	else
		fail "$1: q quits with status 0" "still running after $E2E_STOP_TIMEOUT s" "$(screen)"
	fi
	is "$(cat "$tmpdir/$1.err")" "" "$1: nothing on stderr"
	tm kill-server 2>/dev/null
}

top_fails() {
	local name=$1 ere=$2 envs=() lines
	shift 2
	while [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	rm -f "$tmpdir/$name.status"
	tm_new_session -d -s "$name" -x 100 -y 30 \
		"${LIMIT:-} env TERM=xterm-256color ${envs[*]} $VISTA_TOP $* 2>$tmpdir/$name.err; echo \$? >$tmpdir/$name.status; sleep 60"
	if ! wait_file "$tmpdir/$name.status" "$E2E_RUN_TIMEOUT"; then
		fail "$name: vista-top exits" "still running after $E2E_RUN_TIMEOUT s"
		tm kill-session -t "$name"
		return
	fi
	is "$(cat "$tmpdir/$name.status")" 1 "$name: exit status 1"
	# An ASan build warns when an allocation fails: that line is the runtime's, not vista-top's.
	lines=$(grep -cv "AddressSanitizer" "$tmpdir/$name.err")
	is "$lines" 1 "$name: one line on stderr"
	like "$(cat "$tmpdir/$name.err")" "$ere" "$name: the message matches /$ere/"
	tm kill-session -t "$name"
	cmp_ok "$(bpf_vista_objects_settle "$before")" -le "$before" "$name: no vista BPF program or link left"
}
