#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vista-top under signals and terminal faults (issue 11), as man/vista-top.8
# (SIGNALS) says: q, SIGINT, SIGTERM, SIGHUP and SIGQUIT end it with status 0
# and the terminal as it was (the same stty settings, the normal screen back,
# the cursor shown); SIGPIPE, SIGUSR1 and SIGUSR2 are ignored; Ctrl-Z
# (SIGTSTP) gives the terminal back until fg (SIGCONT); SIGWINCH (the terminal resized) redraws at
# the new size, "Terminal too small" included; the terminal closed (tmux
# kill-session: SIGHUP and a hung-up terminal) ends it; SIGKILL leaves the
# terminal in curses' settings. Each time, every BPF program and link
# vista-top held is gone from the kernel afterwards (bpftool prog/link show
# id), not merely unheld.

# shellcheck source=tests/e2e/lib.sh
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

require_root
require_cmd bpftool jq ip ping tmux stty
require_vista
ns_pair_setup
# shellcheck source=tests/e2e/tui_lib.sh
. "$(dirname "${E2E_LIB:-$0}")/tui_lib.sh"

# Traffic between the namespaces for the whole test: events arrive while a fault happens.
in_a ping -q -i 0.1 "$IP_B" >/dev/null 2>&1 &
track_pid $!

# top_up NAME [PRE [POST]]: vista-top (filtered on the ping) in a 120x40
# session "top", between two `stty -g` of its terminal (NAME.stty0 before,
# NAME.stty1 after it exits), its status in NAME.status; the pane's shell
# runs PRE first and POST after. Sets TOP_PID and HELD (the "prog ID" and
# "link ID" lines of the BPF objects it holds). Returns 1 if it is not up.
top_up() {
	local n=$1
	rm -f "$tmpdir/$n".*
	tm_new_session -d -s top -x "$TOP_COLS" -y "$TOP_ROWS" \
		"${2:-}stty -g >$tmpdir/$n.stty0; env TERM=xterm-256color HOME=$tmpdir $VISTA_TOP --ready-file $tmpdir/$n.ready --filter-addr $IP_B 2>$tmpdir/$n.err; echo \$? >$tmpdir/$n.status; stty -g >$tmpdir/$n.stty1; ${3:-}sleep 60"
	if ! wait_file "$tmpdir/$n.ready" "$E2E_READY_TIMEOUT"; then
		fail "$n: vista-top is up" "screen:" "$(screen)" "stderr:" "$(cat "$tmpdir/$n.err" 2>/dev/null)"
		tm kill-server 2>/dev/null
		return 1
	fi
	TOP_PID=$(cat "$tmpdir/$n.ready")
	HELD=$(grep -hs -E '^(prog|link)_id:' /proc/"$TOP_PID"/fdinfo/* | sed 's/_id:[[:space:]]*/ /' | sort -u)
	cmp_ok "$(grep -c '^link ' <<<"$HELD")" -gt 0 "$n: vista-top holds BPF links ($(grep -c '^link ' <<<"$HELD"))"
	expect_screen '\| total [1-9][0-9]* \|' "$n: vista-top shows the ping" 10
}

# released NAME: none of the programs and links in $HELD exists any more
# (the kernel frees them from a work queue: up to 5 s).
released() {
	local left i
	for ((i = 0; i < 50; i++)); do
		left=$(while read -r kind id; do
			bpftool "$kind" show id "$id" >/dev/null 2>&1 && echo "$kind $id"
		done <<<"$HELD")
		[ -z "$left" ] && break
		sleep 0.1
	done
	is "$left" "" "$1: every BPF program and link vista-top held is gone ($(wc -l <<<"$HELD"))"
}

# ends_cleanly NAME HOW: after HOW (done by the caller), vista-top exits 0 with
# nothing on stderr, its terminal restored, and its BPF objects gone.
ends_cleanly() {
	local n=$1 how=$2
	if wait_file "$tmpdir/$n.stty1" "$E2E_STOP_TIMEOUT"; then
		is "$(cat "$tmpdir/$n.status")" 0 "$how: vista-top exits with status 0"
	else
		fail "$how: vista-top exits with status 0" "still running $E2E_STOP_TIMEOUT s later" "$(screen)"
		kill -s KILL "$TOP_PID" 2>/dev/null
	fi
	is "$(cat "$tmpdir/$n.err")" "" "$how: nothing on stderr"
	is "$(cat "$tmpdir/$n.stty1")" "$(cat "$tmpdir/$n.stty0")" "$how: the terminal's settings are restored (stty -g)"
	# The pane's own view: the normal screen (not curses' alternate one) and a visible cursor.
	is "$(tm display-message -p -t top '#{alternate_on} #{cursor_flag}')" "0 1" \
		"$how: the normal screen is back and the cursor shown"
	released "$how"
	tm kill-server 2>/dev/null
}

if top_up quit; then
	tm send-keys -t top q
	ends_cleanly quit "q"
fi

for sig in INT TERM HUP QUIT; do
	if top_up "$sig"; then
		kill -s "$sig" "$TOP_PID"
		ends_cleanly "$sig" "SIG$sig"
	fi
done

# SIGKILL: no clean-up runs. The kernel still frees every BPF object (nothing
# is pinned), but the terminal keeps curses' settings: the man page says to
# type `reset`. This also shows that the stty comparison above can fail.
if top_up kill; then
	kill -s KILL "$TOP_PID"
	if wait_file "$tmpdir/kill.stty1" "$E2E_STOP_TIMEOUT"; then
		is "$(cat "$tmpdir/kill.status")" 137 "SIGKILL: vista-top ends with status 137"
		isnt "$(cat "$tmpdir/kill.stty1")" "$(cat "$tmpdir/kill.stty0")" "SIGKILL: the terminal is left in curses' settings"
	else
		fail "SIGKILL: vista-top ends with status 137" "still running $E2E_STOP_TIMEOUT s later"
	fi
	released "SIGKILL"
	tm kill-server 2>/dev/null
fi

# SIGPIPE is ignored (a terminal gives no EPIPE; a write error would end the
# run with its reason), and so are vista's SIGUSR1 and SIGUSR2.
if top_up ignored; then
	kill -s PIPE "$TOP_PID"
	kill -s USR1 "$TOP_PID"
	kill -s USR2 "$TOP_PID"
	t0=$(total)
	sleep 1.5
	t1=$(total)
	if pid_alive "$TOP_PID" && [ "${t1:-0}" -gt "${t0:-0}" ]; then
		pass "SIGPIPE, SIGUSR1, SIGUSR2: ignored, vista-top keeps taking events"
	else
		fail "SIGPIPE, SIGUSR1, SIGUSR2: ignored, vista-top keeps taking events" "total $t0 then $t1" "$(screen)"
	fi
	tm send-keys -t top q
	ends_cleanly ignored "SIGPIPE, SIGUSR1, SIGUSR2, then q"
fi

# Ctrl-Z (SIGTSTP) under a shell with job control (set -m: vista-top in a
# process group of its own): curses gives the terminal its settings back and
# vista-top stops, the shell goes on (status 148, NAME.stty1 taken meanwhile)
# and waits for tstp.go; fg (SIGCONT) draws the screen again, and q then ends
# it (NAME.status2). Not under valgrind, which does not stop a program on
# the SIGTSTP it raises itself with the default action, as curses does: a
# ten-line C program that does the same is not stopped under valgrind 3.19.
if [ -n "${E2E_UNDER_VALGRIND:-}" ]; then
	skip "Ctrl-Z: valgrind does not stop a program on the SIGTSTP it raises itself (curses' suspend)"
elif top_up tstp "set -m; " "until [ -e $tmpdir/tstp.go ]; do sleep 0.1; done; fg; echo \$? >$tmpdir/tstp.status2; stty -g >$tmpdir/tstp.stty2; "; then
	tm send-keys -t top C-z
	# One CI run saw a Ctrl-Z sent right after the first screen not acted on
	# (cause not found): say so, and press it once more.
	if ! wait_file "$tmpdir/tstp.stty1" 3; then
		diag "the first Ctrl-Z did not suspend vista-top within 3 s: sent again"
		tm send-keys -t top C-z
	fi
	if wait_file "$tmpdir/tstp.stty1" "$E2E_STOP_TIMEOUT"; then
		is "$(cat "$tmpdir/tstp.status")" 148 "Ctrl-Z: vista-top is stopped (status 148 in the shell)"
		is "$(awk '{ print $3 }' "/proc/$TOP_PID/stat")" T "Ctrl-Z: its process is stopped"
		is "$(cat "$tmpdir/tstp.stty1")" "$(cat "$tmpdir/tstp.stty0")" "Ctrl-Z: the terminal has its own settings back meanwhile"
	else
		fail "Ctrl-Z: vista-top is stopped (status 148 in the shell)" "not stopped $E2E_STOP_TIMEOUT s later" "$(screen)"
	fi
	# The stopped screen is the shell's (curses left the alternate screen): the status bar is not on it.
	unlike "$(screen)" '\| total [0-9]+ \|' "Ctrl-Z: the shell's screen is shown"
	touch "$tmpdir/tstp.go"
	expect_screen '\| total [1-9][0-9]* \|' "fg: the events are drawn again"
	tm send-keys -t top '?'
	expect_screen 'vista-top keys' "fg: vista-top answers keys again"
	tm send-keys -t top Escape
	tm send-keys -t top q
	if wait_file "$tmpdir/tstp.stty2" "$E2E_STOP_TIMEOUT"; then
		is "$(cat "$tmpdir/tstp.status2")" 0 "Ctrl-Z, fg, then q: vista-top exits with status 0"
		is "$(cat "$tmpdir/tstp.stty2")" "$(cat "$tmpdir/tstp.stty0")" "Ctrl-Z, fg, then q: the terminal's settings are restored"
	else
		fail "Ctrl-Z, fg, then q: vista-top exits with status 0" "still running $E2E_STOP_TIMEOUT s later" "$(screen)"
		kill -s KILL "$TOP_PID" 2>/dev/null
	fi
	is "$(cat "$tmpdir/tstp.err")" "" "Ctrl-Z, fg, then q: nothing on stderr"
	released "Ctrl-Z, fg, then q"
	tm kill-server 2>/dev/null
fi

# status_bar_at LINES: the pane has LINES lines, the last of them the status bar (polled for 5 s).
status_bar_at() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(screen | wc -l)" -eq "$1" ] && [[ $(screen | tail -n 1) =~ \|\ total\ [0-9]+\ \| ]] && return 0
		sleep 0.1
	done
	return 1
}
if top_up winch; then
	tm resize-window -t top -x 100 -y 30
	if status_bar_at 30; then
		pass "SIGWINCH to 100x30: the status bar is redrawn on the last of 30 lines"
	else
		fail "SIGWINCH to 100x30: the status bar is redrawn on the last of 30 lines" "$(screen)"
	fi
	tm resize-window -t top -x 60 -y 20
	expect_screen 'Terminal too small' "SIGWINCH to 60x20: vista-top says the terminal is too small"
	tm resize-window -t top -x "$TOP_COLS" -y "$TOP_ROWS"
	expect_screen '\| total [1-9][0-9]* \|' "SIGWINCH back to 120x40: the panes come back"
	ok "SIGWINCH: vista-top is still running" pid_alive "$TOP_PID"

	# The terminal closed: the pane's process group gets SIGHUP and its terminal hangs up.
	tm kill-session -t top
	if pid_wait_gone "$TOP_PID" "$E2E_STOP_TIMEOUT"; then
		pass "terminal closed: vista-top exits"
	else
		fail "terminal closed: vista-top exits" "still running $E2E_STOP_TIMEOUT s later"
		kill -s KILL "$TOP_PID"
	fi
	released "terminal closed"
fi

done_testing
