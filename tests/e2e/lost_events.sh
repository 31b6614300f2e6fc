#!/usr/bin/env bash
# Events the ring buffer has no room for are counted in the kernel, per CPU,
# and reported on SIGUSR1 and at exit: never silently dropped.
. "$E2E_LIB"
require_root
require_cmd ping ip
ns_pair_setup

out=$tmpdir/lost
if vista_start "$out" --ring-buffer-size 4096 --filter-netns "/run/netns/$NS_B" --output-tuple; then
	# A stopped reader cannot drain: a one-page ring holds a couple of dozen events.
	kill -s STOP "$VISTA_PID"
	ok "300 pings while vista is stopped" in_a ping -c 300 -i 0.002 -W 1 -q "$IP_B"
	kill -s CONT "$VISTA_PID"
	sleep 0.5
	kill -s USR1 "$VISTA_PID"
	sleep 0.5
	like "$(cat "$out.err")" "[0-9]+ events received, [1-9][0-9]* lost" "SIGUSR1 reports the losses"
	vista_stop
	is "$VISTA_STATUS" 0 "vista exits 0 after losing events"
	last=$(grep -E "events received" "$out.err" | tail -1)
	received=$(sed -E 's/.* ([0-9]+) events received, ([0-9]+) lost/\1/' <<<"$last")
	lost=$(sed -E 's/.* ([0-9]+) events received, ([0-9]+) lost/\2/' <<<"$last")
	cmp_ok "$lost" -gt 1000 "most of ~2400 events were lost (lost=$lost)"
	cmp_ok "$received" -gt 0 "the ring's worth was received (received=$received)"
	is "$received" "$(grep -cE '^0x' "$out")" "received counts the lines printed"
fi
vista_run_expect_error --ring-buffer-size 1000
like "$RUN_ERR" "^vista: invalid argument \"1000\" for \"--ring-buffer-size\" flag: must be a power of two" \
	"a ring size that is not a power of two is refused"
is "$(bpf_vista_objects_settle 0)" 0 "no vista program or link left"
done_testing
