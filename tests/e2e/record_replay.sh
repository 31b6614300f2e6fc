#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# --record and --replay: a live run records while it prints; replaying the
# recording as an unprivileged user, with no kernel BTF and no kallsyms,
# prints the same bytes. Then every way a replay or a recording can fail.

# shellcheck source=tests/e2e/lib.sh disable=SC2119 # vista_stop stops $VISTA_PID by default
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

require_root
require_cmd ping ip setpriv unshare timeout bpftool jq
require_vista
ns_pair_setup
NSB="/run/netns/$NS_B"
ID=4343
ping_b() { in_a ping -c 3 -i 0.2 -W 1 -e "$ID" "$IP_B" >/dev/null 2>&1; }
event_count() { grep -c '^\([0-9:.]* \)\{0,1\}0x' "$1"; }

# The user nobody runs vista from, and reads recordings in, a directory open to it ($tmpdir is not).
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
pub=$(mktemp -d /tmp/vista-e2e-replay.XXXXXX)
at_exit "rm -rf '$pub'"
chmod 755 "$pub"
copy_programs "$pub" || BAIL_OUT "cannot copy vista for nobody"
mkdir "$pub/w" && chown 65534 "$pub/w" # where nobody may write
# publish FILE: a copy of the recording that nobody may read; prints its path.
publish() {
	cp "$1" "$pub/${1##*/}" && chmod 644 "$pub/${1##*/}" && echo "$pub/${1##*/}"
}
# replay_as_nobody ARGS...: vista ARGS as nobody, without /sys/kernel/btf and with an empty
# /proc/kallsyms (in a private mount namespace): a replay must need neither.
replay_as_nobody() {
	run_capture unshare --mount --propagation private sh -c \
		'mount -t tmpfs none /sys/kernel/btf && mount --bind /dev/null /proc/kallsyms && exec "$@"' \
		sh "${NOBODY[@]}" "$pub/vista" "$@"
}
# one_error_line FILE: FILE has exactly one "vista: " line; prints it.
one_error_line() {
	[ "$(grep -c '^vista: ' "$1")" -eq 1 ] && grep '^vista: ' "$1"
}

# ---------------------------------------------------------------- live, then replayed by nobody

rec=$tmpdir/ping.vrec
live=$tmpdir/live
if vista_start "$live" --record "$rec" --filter-netns "$NSB" --output-tuple --output-meta --output-stack; then
	ping_b
	vista_stop
	is "$VISTA_STATUS" 0 "live run with --record exits 0"
	like "$(cat "$live")" "$IP_A->$IP_B\(icmp request id=$ID seq=1\)" "the live output shows the pings"
	like "$(cat "$live")" "^    [a-z_]+[a-z_0-9.]*\+0x[0-9a-f]+$" "and stacks"
	is "$(stat -c %a "$rec")" 600 "the recording is private (0600)"
	is "$(head -c 8 "$rec")" VISTAREC "it starts with VISTAREC"
	n=$(event_count "$live")

	prec=$(publish "$rec")
	replay_as_nobody --replay "$prec" --output-tuple --output-meta --output-stack
	is "$RUN_STATUS" 0 "nobody replays it (no BTF, no kallsyms) and exits 0"
	if cmp -s "$live" "$RUN_OUT_FILE"; then
		pass "the replay prints the live output byte for byte ($n events, header and stacks included)"
	else
		fail "the replay prints the live output byte for byte" "$(diff "$live" "$RUN_OUT_FILE" | head -20)"
	fi
	like "$RUN_ERR" "Replaying $prec: $n events recorded by vista [0-9.]+ on $(uname -n) \(kernel $(uname -r), tracepoint backend\)" \
		"stderr says what is replayed"
	like "$RUN_ERR" "$n events replayed, 0 lost while recording" "and how many events it printed"

	# --output-limit-lines: the first 2 events, each with its stack.
	replay_as_nobody --replay "$prec" --output-tuple --output-meta --output-stack --output-limit-lines 2
	want=$(awk '/^0x/ { n++ } n < 3' "$live")
	is "$RUN_OUT" "$want" "--output-limit-lines 2: the header and the first 2 events of the live output"
	like "$RUN_ERR" "Printed 2 events, exiting program\.\." "  says why it stopped"
	is "$RUN_STATUS" 0 "  exits 0"

	# The output options choose what is shown: without them, the bare lines.
	replay_as_nobody --replay "$prec"
	is "$(grep -c '^0x' <<<"$RUN_OUT")" "$n" "a replay without options shows every event"
	unlike "$RUN_OUT" "netns=|->|^    [a-z_0-9]" "  with no meta, tuple or stack"

	# A vista killed in the middle of a record: the events before it, and a warning.
	size=$(stat -c %s "$rec")
	head -c $((size - 24 - 30)) "$rec" >"$pub/cut.vrec"
	chmod 644 "$pub/cut.vrec"
	replay_as_nobody --replay "$pub/cut.vrec" --output-tuple --output-meta --output-stack
	is "$RUN_STATUS" 0 "a truncated recording replays with exit 0"
	want=$(awk '/^0x/ { n++ } n < '"$n" "$live")
	is "$RUN_OUT" "$want" "  every event but the cut one"
	like "$RUN_ERR" "Warning: $pub/cut.vrec was cut short: its last record, at byte [0-9]+, is incomplete and was ignored" \
		"  with a warning"
	unlike "$RUN_ERR" "^vista: " "  and no error"

	# The file's permissions still apply: no root does not mean no access control.
	run_capture "${NOBODY[@]}" "$pub/vista" --replay "$rec"
	is "$(one_error_line "$RUN_ERR_FILE")" "vista: cannot read the recording $rec: Permission denied" \
		"nobody cannot replay root's 0600 recording"
fi

# ---------------------------------------------------------------- timestamps

# Absolute: recorded in UTC+9, replayed in UTC-5, the lines show the recording's wall clock.
rec=$tmpdir/abs.vrec
live=$tmpdir/live-abs
export TZ='<+09>-9'
vista_start "$live" --record "$rec" --filter-netns "$NSB" --timestamp absolute --output-tuple
started=$?
unset TZ
if [ "$started" -eq 0 ]; then
	ping_b
	vista_stop
	like "$(sed -n 2p "$live")" "^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} 0x" "absolute: the live lines start with the time"
	prec=$(publish "$rec")
	TZ='<-05>5' replay_as_nobody --replay "$prec" --timestamp absolute --output-tuple
	if cmp -s "$live" "$RUN_OUT_FILE"; then
		pass "absolute: replayed 14 hours west, the lines are the live ones"
	else
		fail "absolute: replayed 14 hours west, the lines are the live ones" "$(diff "$live" "$RUN_OUT_FILE" | head)"
	fi
	replay_as_nobody --replay "$prec" --timestamp absolute --output-meta
	like "$RUN_ERR" "The recording was made without --output-meta: its events do not have those parts" \
		"asking for parts the recording lacks says so"
fi

# Relative, with --output-file: the text goes to the file, the events to the recording.
rec=$tmpdir/rel.vrec
out=$tmpdir/rel.txt
if vista_start "$tmpdir/live-rel" --record "$rec" --output-file "$out" --filter-netns "$NSB" --timestamp relative; then
	ping_b
	vista_stop
	is "$(cat "$tmpdir/live-rel")" "" "--record with --output-file: nothing on stdout"
	like "$(cat "$out")" "FUNC +TIMESTAMP$" "  the text is in the file"
	like "$(cat "$out")" "\] +[a-z_]+ +[1-9][0-9]*$" "  with relative times"
	prec=$(publish "$rec")
	replay_as_nobody --replay "$prec" --timestamp relative --output-file "$pub/w/rel.txt"
	is "$RUN_STATUS" 0 "relative: the replay writes its --output-file"
	if cmp -s "$out" "$pub/w/rel.txt"; then
		pass "relative: the replayed file is the live file"
	else
		fail "relative: the replayed file is the live file" "$(diff "$out" "$pub/w/rel.txt" | head)"
	fi
fi

# ---------------------------------------------------------------- drops: reason names and drop stacks

# --filter-skb-drop-stack cannot be given to a replay; the drop stacks it recorded show as they did live.
rec=$tmpdir/drop.vrec
live=$tmpdir/live-drop
if vista_start "$live" --record "$rec" --filter-skb-drop-stack --output-tuple --filter-netns "$NSB"; then
	# A UDP datagram to a port nobody listens on.
	in_a bash -c "echo x >/dev/udp/$IP_B/9"
	sleep 0.3
	vista_stop
	like "$(cat "$live")" "kfree_skb\(SKB_DROP_REASON_NO_SOCKET\) $IP_A:[0-9]+->$IP_B:9\(udp\)" "the live run shows the drop"
	like "$(cat "$live")" "^    [a-z_]+[a-z_0-9.]*\+0x[0-9a-f]+$" "  with its stack"
	prec=$(publish "$rec")
	replay_as_nobody --replay "$prec" --output-tuple
	if cmp -s "$live" "$RUN_OUT_FILE"; then
		pass "the replay shows the drop, its reason name and its stack as the live run did"
	else
		fail "the replay shows the drop, its reason name and its stack as the live run did" \
			"$(diff "$live" "$RUN_OUT_FILE" | head)"
	fi
fi

# ---------------------------------------------------------------- a full disk while tracing

if vista_start "$tmpdir/full" --record /dev/full --filter-netns "$NSB"; then
	for ((i = 0; i < 50; i++)); do
		pid_alive "$VISTA_PID" || break
		sleep 0.1
	done
	wait "$VISTA_PID"
	is "$?" 1 "--record /dev/full: vista stops with status 1 at the first write"
	is "$(one_error_line "$tmpdir/full.err")" "vista: cannot write the recording to /dev/full: No space left on device" \
		"  with one error line"
fi
is "$(bpf_vista_objects_settle 0)" 0 "  and nothing left attached"

# ---------------------------------------------------------------- refused invocations

printf 'GIF89a, not a recording at all\n' >"$pub/garbage.vrec"
prec=$(publish "$tmpdir/ping.vrec")
cp "$prec" "$tmpdir/ping.copy"
CASES=(
	"--replay $pub/none.vrec => vista: cannot read the recording $pub/none.vrec: No such file or directory"
	"--replay $pub => vista: cannot read the recording $pub: it is a directory"
	"--replay $pub/garbage.vrec => vista: $pub/garbage.vrec is not a vista recording (it does not start with \"VISTAREC\")"
	"--replay $prec --record $tmpdir/x.vrec => vista: --record cannot be used with --replay: a replay traces nothing, it prints a recording"
	"--replay $prec --filter-addr $IP_B => vista: --filter-addr cannot be used with --replay: a replay traces nothing, it prints a recording"
	"--replay $prec --filter-skb-drop-stack => vista: --filter-skb-drop-stack cannot be used with --replay: a replay traces nothing, it prints a recording"
	"--replay $prec --kprobe-backend tracepoint => vista: --kprobe-backend cannot be used with --replay: a replay traces nothing, it prints a recording"
	"--replay $prec icmp => vista: a pcap-filter expression cannot be used with --replay: a replay traces nothing, it prints a recording"
	"--replay $prec --pcap-snaplen 64 => vista: --pcap-snaplen cannot be used with --replay: a replay traces nothing, it prints a recording"
	"--replay $prec --filter-trace-tcp => vista: --filter-trace-tcp cannot be used with --replay: a replay traces nothing, it prints a recording"
	"--replay $prec --output-file $prec => vista: --output-file $prec would overwrite the recording being replayed"
	"--record $tmpdir => vista: cannot write the recording to $tmpdir: it is a directory"
	"--record $tmpdir/out.vrec --output-file $tmpdir/out.vrec => vista: the recording $tmpdir/out.vrec and the traces cannot go to the same file"
)
for case in "${CASES[@]}"; do
	read -r -a args <<<"${case%% => *}"
	# A replay needs no root, so its errors are checked as nobody; a recording needs root.
	if [ "${args[0]}" = --record ]; then
		run_capture "$VISTA" "${args[@]}"
	else
		run_capture "${NOBODY[@]}" "$pub/vista" "${args[@]}"
	fi
	if [ "$RUN_STATUS" -eq 1 ] && [ "$(one_error_line "$RUN_ERR_FILE")" = "${case#* => }" ] &&
		[ "$(wc -l <"$RUN_ERR_FILE")" -eq 1 ]; then
		pass "${args[*]}: one error line"
	else
		fail "${args[*]}: one error line" "status $RUN_STATUS, stderr:" "$RUN_ERR" "want: ${case#* => }"
	fi
done
ok "the recording named by --output-file is left intact" cmp "$prec" "$tmpdir/ping.copy"
ln -s "$tmpdir/elsewhere.vrec" "$tmpdir/link.vrec"
run_capture "$VISTA" --record "$tmpdir/link.vrec" --filter-netns "$NSB"
is "$(one_error_line "$RUN_ERR_FILE")" "vista: cannot write the recording to $tmpdir/link.vrec: it is a symbolic link, which vista never writes through" \
	"--record refuses to follow a symlink"
ok "nothing was written through it" test ! -e "$tmpdir/elsewhere.vrec"
is "$(bpf_vista_objects_settle 0)" 0 "no vista program or link left"
done_testing
