#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Faults while tracing (issue 11): the stop signals, SIGPIPE and a reader of
# standard output that goes away, kill -9 (the kernel must release every
# program, link and map vista held), the network namespace being filtered on
# deleted (named by path and by inode), the interface being filtered on
# removed, and vista-top's terminal resized and closed. vista must end as
# man/vista.8 (EXIT STATUS, SIGNALS) says, or keep tracing, and never leave
# a BPF object behind.

# shellcheck source=tests/e2e/lib.sh
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

require_root
require_cmd bpftool jq ip ping tmux timeout
require_vista
ns_pair_setup
# shellcheck source=tests/e2e/tui_lib.sh
. "$(dirname "${E2E_LIB:-$0}")/tui_lib.sh"

# Traffic between the namespaces for the whole test: events to read while a fault happens.
in_a ping -q -i 0.1 "$IP_B" >/dev/null 2>&1 &
track_pid $!

# no_orphans BEFORE DESC: no more vista BPF objects that nobody holds than BEFORE.
no_orphans() {
	local after
	after=$(bpf_vista_objects_settle "$1")
	if [[ $1 =~ ^[0-9]+$ && $after =~ ^[0-9]+$ ]] && [ "$after" -le "$1" ]; then
		pass "$2"
	else
		fail "$2" "vista BPF objects nobody holds: $1 before, $after after"
	fi
}

# still_tracing DESC: vista ($VISTA_PID) is alive and its output grows.
still_tracing() {
	local n0 n1
	n0=$(wc -l <"$VISTA_OUT")
	sleep 1
	n1=$(wc -l <"$VISTA_OUT")
	if pid_alive "$VISTA_PID" && [ "$n1" -gt "$n0" ]; then
		pass "$1"
	else
		fail "$1" "alive: $(pid_alive "$VISTA_PID" && echo yes || echo no); lines $n0 then $n1" "stderr:" \
			"$(cat "$VISTA_ERR")"
	fi
}

# signal_stops SIG: SIG while tracing ends vista with status 0, after it says how many events it got.
signal_stops() {
	local sig=$1 before
	before=$(bpf_vista_orphans)
	vista_start "$tmpdir/$sig.out" --filter-addr "$IP_B" || return
	still_tracing "SIG$sig: vista traces the ping first"
	kill -s "$sig" "$VISTA_PID"
	if pid_wait_gone "$VISTA_PID" "$E2E_STOP_TIMEOUT"; then
		wait "$VISTA_PID"
		is "$?" 0 "SIG$sig: vista exits with status 0"
	else
		fail "SIG$sig: vista exits with status 0" "still running $E2E_STOP_TIMEOUT s after SIG$sig"
	fi
	_forget_vista_pid "$VISTA_PID"
	like "$(tail -n 1 "$VISTA_ERR")" '[0-9]+ events received, [0-9]+ lost$' "SIG$sig: the last line counts the events"
	no_orphans "$before" "SIG$sig: nothing left attached"
}

for sig in INT TERM HUP; do
	signal_stops "$sig"
done

# SIGPIPE is ignored: a closed output is seen as EPIPE on write instead.
before=$(bpf_vista_orphans)
if vista_start "$tmpdir/pipe.out" --filter-addr "$IP_B"; then
	kill -s PIPE "$VISTA_PID"
	still_tracing "SIGPIPE: ignored, vista keeps tracing"
	vista_stop
	is "$VISTA_STATUS" 0 "SIGPIPE: then SIGINT ends it with status 0"
	no_orphans "$before" "SIGPIPE: nothing left attached"
fi

# The reader of standard output goes away (vista | head -n 3): status 2 and one line at the next write.
before=$(bpf_vista_orphans)
(
	env --default-signal timeout -k 5 30 "$VISTA" --filter-addr "$IP_B" 2>"$tmpdir/head.err" | head -n 3 >"$tmpdir/head.out"
	echo "${PIPESTATUS[0]}" >"$tmpdir/head.status"
) &
track_pid $!
if wait_file "$tmpdir/head.status" 20; then
	is "$(cat "$tmpdir/head.status")" 2 "vista | head -n 3: vista exits with status 2 once head is gone"
	is "$(wc -l <"$tmpdir/head.out")" 3 "vista | head -n 3: head got its 3 lines"
	like "$(grep '^vista: ' "$tmpdir/head.err")" '^vista: the output was closed \(broken pipe\): stopped after [0-9]+ events$' \
		"vista | head -n 3: one line says why"
else
	fail "vista | head -n 3: vista exits with status 2 once head is gone" "still running after 20 s"
fi
no_orphans "$before" "vista | head -n 3: nothing left attached"

# held_ids PID: "prog ID", "link ID" and "map ID" for each BPF object PID holds open.
held_ids() {
	grep -hs -E '^(prog|link|map)_id:' /proc/"$1"/fdinfo/* | sed 's/_id:[[:space:]]*/ /' | sort -u
}

# kill -9: no clean-up code runs, so the kernel must free it all when the last descriptor closes.
if vista_start "$tmpdir/kill9.out" --filter-addr "$IP_B"; then
	held=$(held_ids "$VISTA_PID")
	cmp_ok "$(grep -c '^prog ' <<<"$held")" -gt 0 "kill -9: vista holds BPF programs ($(grep -c '^prog ' <<<"$held"))"
	cmp_ok "$(grep -c '^map ' <<<"$held")" -gt 0 "kill -9: vista holds BPF maps ($(grep -c '^map ' <<<"$held"))"
	kill -s KILL "$VISTA_PID"
	wait "$VISTA_PID" 2>/dev/null
	_forget_vista_pid "$VISTA_PID"
	left=
	for ((i = 0; i < 50; i++)); do
		left=$(while read -r kind id; do
			bpftool "$kind" show id "$id" >/dev/null 2>&1 && echo "$kind $id"
		done <<<"$held")
		[ -z "$left" ] && break
		sleep 0.1
	done
	is "$left" "" "kill -9: the kernel released every program, link and map vista held ($(wc -l <<<"$held"))"
fi

# The namespace filtered on is deleted, named by path then by inode: vista keeps
# running (the filter matches nothing more), SIGUSR2 says the namespace is gone
# and keeps the filters, and SIGINT still ends it cleanly.
GONE=vista-e2e-$$-gone
at_exit "ip netns del '$GONE' 2>/dev/null"
for how in path inode; do
	before=$(bpf_vista_orphans)
	ip netns add "$GONE" || { fail "ip netns add $GONE"; continue; }
	ip -n "$GONE" link set lo up
	if [ "$how" = path ]; then
		spec=/run/netns/$GONE
	else
		spec=inode:$(stat -L -c %i "/run/netns/$GONE")
	fi
	vista_start "$tmpdir/gone-$how.out" --filter-netns "$spec" || continue
	ip netns exec "$GONE" ping -q -c 3 -i 0.1 127.0.0.1 >/dev/null
	sleep 0.3
	like "$(cat "$VISTA_OUT")" '\[ping\([0-9]+\)\]' "netns by $how: the ping inside it is traced"
	ip netns del "$GONE"
	sleep 0.5
	pid_alive "$VISTA_PID" && pass "netns by $how deleted: vista keeps running" ||
		fail "netns by $how deleted: vista keeps running" "$(cat "$VISTA_ERR")"
	# A path must still name a namespace; an inode is only a number to match, kept as it is.
	kill -s USR2 "$VISTA_PID"
	if [ "$how" = path ]; then
		want="^vista: filters unchanged: netns path \"/run/netns/$GONE\": No such file or directory$"
	else
		want=" Filters now: netns $spec$"
	fi
	for ((i = 0; i < 30; i++)); do
		grep -Eq 'filters unchanged|Filters now' "$VISTA_ERR" && break
		sleep 0.1
	done
	like "$(cat "$VISTA_ERR")" "$want" "netns by $how deleted: SIGUSR2 keeps the filter and says so"
	vista_stop
	is "$VISTA_STATUS" 0 "netns by $how deleted: SIGINT ends vista with status 0"
	no_orphans "$before" "netns by $how deleted: nothing left attached"
done

# The interface filtered on is removed.
IFX=vx$$
IFX=${IFX:0:12}
before=$(bpf_vista_orphans)
if ip -n "$NS_A" link add "${IFX}a" type veth peer name "${IFX}b" &&
	ip -n "$NS_A" addr add 10.199.77.1/24 dev "${IFX}a" && ip -n "$NS_A" link set "${IFX}a" up &&
	ip -n "$NS_A" link set "${IFX}b" up; then
	if vista_start "$tmpdir/ifgone.out" --filter-netns "/run/netns/$NS_A" --filter-ifname "${IFX}a"; then
		in_a ping -q -c 3 -i 0.1 -I "${IFX}a" 10.199.77.2 >/dev/null 2>&1
		sleep 0.3
		like "$(cat "$VISTA_OUT")" '\[ping\([0-9]+\)\]' "interface ${IFX}a: its traffic is traced"
		ip -n "$NS_A" link del "${IFX}a"
		sleep 0.5
		pid_alive "$VISTA_PID" && pass "interface ${IFX}a removed: vista keeps running" ||
			fail "interface ${IFX}a removed: vista keeps running" "$(cat "$VISTA_ERR")"
		kill -s USR2 "$VISTA_PID"
		for ((i = 0; i < 30; i++)); do
			grep -q 'filters unchanged' "$VISTA_ERR" && break
			sleep 0.1
		done
		like "$(cat "$VISTA_ERR")" "^vista: filters unchanged: interface \"${IFX}a\" not found in netns inode:$NETNS_INODE_A$" \
			"interface ${IFX}a removed: SIGUSR2 says why the filters stay"
		vista_stop
		is "$VISTA_STATUS" 0 "interface ${IFX}a removed: SIGINT ends vista with status 0"
	fi
else
	fail "a veth pair ${IFX}a/${IFX}b in $NS_A"
fi
no_orphans "$before" "interface removed: nothing left attached"

# vista-top: its terminal resized again and again while events arrive, then closed.
# cpu_ticks PID: user + system clock ticks PID has used.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
before=$(bpf_vista_orphans)
if start_top closed --filter-addr "$IP_B"; then
	top_pid=$(pgrep -f -- "--ready-file $tmpdir/closed.ready" | head -n 1)
	for size in 60x20 200x60 20x5 120x40 1x1 100x30; do
		tm resize-window -t top -x "${size%x*}" -y "${size#*x}"
		sleep 0.2
	done
	pid_alive "$top_pid" && pass "vista-top survives six resizes, down to 1x1" ||
		fail "vista-top survives six resizes, down to 1x1" "$(cat "$tmpdir/closed.err")"
	expect_screen '\| total [1-9][0-9]* \|' "vista-top still shows the events after the resizes"
	tm kill-session -t top
	if pid_wait_gone "$top_pid" 5; then
		pass "terminal closed: vista-top exits"
	else
		t0=$(cpu_ticks "$top_pid")
		sleep 1
		t1=$(cpu_ticks "$top_pid")
		fail "terminal closed: vista-top exits" "still running 5 s later, using $((t1 - t0)) CPU ticks a second"
		kill -s KILL "$top_pid"
	fi
	no_orphans "$before" "terminal closed: nothing left attached"
fi

done_testing
