#!/usr/bin/env bash
# SIGINT, SIGTERM and SIGHUP end a run cleanly: exit 0, counts on stderr, every
# link detached; a closed stdout too, but with one line saying so and exit 2.
# SIGUSR1 prints the counts on demand.
. "$E2E_LIB"
require_root
require_cmd ping ip
ns_pair_setup
ping_b() { in_a ping -c 2 -i 0.2 -W 1 "$IP_B" >/dev/null 2>&1; }

for sig in INT TERM HUP; do
	out=$tmpdir/sig$sig
	vista_start "$out" --filter-netns "/run/netns/$NS_B" || continue
	cmp_ok "$(bpf_vista_objects)" -gt 0 "SIG$sig: programs and links are attached while tracing"
	ping_b
	kill -s "$sig" "$VISTA_PID"
	vista_stop # also collects the status
	is "$VISTA_STATUS" 0 "SIG$sig: exit 0"
	like "$(cat "$out.err")" "[1-9][0-9]* events received, 0 lost" "SIG$sig: counts on stderr"
	is "$(bpf_vista_objects_settle 0)" 0 "SIG$sig: nothing left attached"
done

out=$tmpdir/usr1
if vista_start "$out" --filter-netns "/run/netns/$NS_B"; then
	ping_b
	kill -s USR1 "$VISTA_PID"
	sleep 0.5
	like "$(cat "$out.err")" "[1-9][0-9]* events received, 0 lost" "SIGUSR1: counts while running"
	ok "SIGUSR1: still running" kill -0 "$VISTA_PID"
	vista_stop
	is "$VISTA_STATUS" 0 "then exits 0"
fi

# Events still in the ring when the stop signal arrives are printed, not dropped:
# they are produced while vista is stopped, and SIGINT is already pending when it resumes.
out=$tmpdir/drain
if vista_start "$out" --filter-netns "/run/netns/$NS_B" --output-tuple; then
	kill -s STOP "$VISTA_PID"
	in_a ping -c 3 -i 0.2 -W 1 -e 6161 "$IP_B" >/dev/null 2>&1
	kill -s INT "$VISTA_PID"
	kill -s CONT "$VISTA_PID"
	vista_stop
	is "$VISTA_STATUS" 0 "drain: exit 0"
	is "$(grep -cE "netif_receive_skb $IP_A->$IP_B\(icmp request id=6161 seq=[123]\)" "$out")" 3 \
		"drain: all three requests printed after the stop signal"
	is "$(sed -nE 's/.* ([0-9]+) events received, 0 lost/\1/p' "$out.err" | tail -1)" "$(grep -cE '^0x' "$out")" \
		"drain: received equals lines printed, nothing lost"
fi

# A closed stdout (vista | head -3): vista notices on its next write, says so and ends cleanly, detached.
( while :; do in_a ping -c 1 -W 1 "$IP_B" >/dev/null 2>&1; done ) &
pinger=$!
track_pid $pinger
env --default-signal timeout 30 bash -c "'$VISTA' --filter-netns /run/netns/$NS_B 2>'$tmpdir/pipe.err' | head -3 >'$tmpdir/pipe.out'; echo \${PIPESTATUS[0]} >'$tmpdir/pipe.status'"
kill "$pinger" 2>/dev/null
is "$(cat "$tmpdir/pipe.status")" 2 "vista | head -3: vista exits 2, the status of a closed output"
is "$(wc -l <"$tmpdir/pipe.out")" 3 "head got its 3 lines"
is "$(grep -c '^vista: ' "$tmpdir/pipe.err")" 1 "one error line for the closed pipe"
like "$(grep '^vista: ' "$tmpdir/pipe.err")" \
	'^vista: the output was closed \(broken pipe\): stopped after [0-9]+ events$' "which says what happened"
like "$(cat "$tmpdir/pipe.err")" "events received" "counts on stderr"
is "$(bpf_vista_objects_settle 0)" 0 "vista | head: nothing left attached"
done_testing
