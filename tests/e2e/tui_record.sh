#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vista-top --record and --replay: a live session's events recorded while
# it shows them (a private file that vista --replay reads too), then the
# recording replayed by vista-top as the user nobody, with no BPF: its
# event rows are exactly those the live session showed (times, addresses,
# wall clock), it ends with "end of the recording", and a `:` filter
# command is refused with one message. A recording that cannot be written
# (a missing directory, a full disk) and a file that is no recording are
# one error line and status 1.

# shellcheck source=tests/e2e/lib.sh
. "$E2E_LIB"
require_root
require_cmd tmux ping ip bpftool jq setpriv
# shellcheck source=tests/e2e/tui_lib.sh
. "$(dirname "$E2E_LIB")/tui_lib.sh"

# rows SCREEN: its column headers and event rows.
rows() { printf '%s\n' "$1" | sed -n '2,37p'; }

# trim_end TEXT: TEXT without the spaces at its end, as tmux prints a line.
trim_end() {
	local t=$1
	while [[ $t == *' ' ]]; do t=${t% }; done
	printf '%s\n' "$t"
}

# wait_quiet: until the total stops growing (checked every 0.5 s, 10 s at most).
wait_quiet() {
	local prev=-1 cur i
	for ((i = 0; i < 20; i++)); do
		cur=$(total)
		[ "$cur" = "$prev" ] && return 0
		prev=$cur
		sleep 0.5
	done
	return 1
}

ns_pair_setup
before=$(bpf_vista_orphans)
rec=$tmpdir/top.vrec

if start_top rec --record "$rec" --filter-addr "$IP_B" --output-tuple --timestamp absolute; then
	ok "ping $IP_B from $NS_A" in_a ping -c 3 -i 0.2 -W 2 "$IP_B"
	expect_screen "$IP_B->$IP_A\(icmp reply" "the live session shows the replies"
	wait_quiet || diag "events still arriving"
	live=$(screen)
	live_total=$(total)
	cmp_ok "$live_total" -ge 18 "the pings' events: $live_total"
	stop_top rec
	is "$(stat -c %a "$rec")" 600 "the recording is private (0600)"
	run_capture "$VISTA" --replay "$rec"
	is "$RUN_STATUS" 0 "vista --replay reads vista-top's recording"
	like "$RUN_ERR" "$live_total events replayed, 0 lost while recording" "all $live_total events, none lost"

	# As nobody, from a directory nobody can enter: the binary, the recording, a home.
	nobody_dir=$(mktemp -d /tmp/vista-e2e-record.XXXXXX)
	at_exit "rm -rf '$nobody_dir'"
	chmod 755 "$nobody_dir"
	copy_programs "$nobody_dir" || BAIL_OUT "cannot copy vista-top for nobody"
	cp "$rec" "$nobody_dir/top.vrec"
	chmod 644 "$nobody_dir/top.vrec"
	mkdir "$nobody_dir/home"
	chown 65534:65534 "$nobody_dir/home"
	live_top=$VISTA_TOP
	VISTA_TOP=$nobody_dir/vista-top REPLAY_HOME=$nobody_dir/home
	if start_replay rep 65534 --replay "$nobody_dir/top.vrec" --output-tuple --timestamp absolute; then
		expect_screen "\| end of the recording" "the status bar: the end of the recording"
		replay=$(screen)
		is "$(rows "$replay")" "$(rows "$live")" "the replay's rows are the live session's"
		# The command line is cut where the position begins; how much of it fits
		# depends on the path to vista-top, so the expected line is cut the same way.
		info=$(grep -E '^ tracepoint, [0-9]+ hooks \| filter: as recorded by: ' <<<"$replay")
		lead=${info%%as recorded by: *}
		position=${info##* }
		recorded="as recorded by: $(program_run_by "$live_top") --ready-file $tmpdir/rec.ready --record $rec"
		recorded+=" --filter-addr $IP_B --output-tuple --timestamp absolute"
		fits=$((TOP_COLS - ${#position} - 2 - ${#lead}))
		is "$(trim_end "${info%"$position"}")" "$(trim_end "$lead${recorded:0:fits}")" \
			"the info line: the recording's command line, cut at the screen's width"
		is "$position" "$live_total/$live_total" "the info line: the position, at the last event"
		tm send-keys -t top :
		tm send-keys -t top -l "port 80"
		tm send-keys -t top Enter
		expect_screen "^:port 80  a replay cannot change filters: its events were filtered when recorded$" \
			"a filter command is refused with one message"
		tm send-keys -t top Escape
		stop_top rep
	fi
	VISTA_TOP=$live_top
fi
cmp_ok "$(bpf_vista_objects_settle "$before")" -le "$before" "no vista BPF program or link left"

top_fails rec-no-dir '^vista-top: cannot write the recording to /nonexistent-dir/x\.vrec: No such file or directory$' \
	-- --record /nonexistent-dir/x.vrec --filter-addr "$IP_B"
in_a ping -i 0.2 -c 100 -W 1 "$IP_B" >/dev/null 2>&1 &
track_pid $!
top_fails rec-full '^vista-top: cannot write the recording to /dev/full: No space left on device$' \
	-- --record /dev/full --filter-addr "$IP_B"
printf 'NOTAREC, and more than a header\n' >"$tmpdir/bad.vrec"
top_fails replay-bad "^vista-top: $tmpdir/bad\\.vrec is not a vista recording" -- --replay "$tmpdir/bad.vrec"
done_testing
