#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vista-top live, in a tmux session of a fixed size: it shows the ping
# between two namespaces (net_dev_start_xmit, the addresses with `t`), opens
# a flow with Enter, survives a resize below 80x24 and back, quits with q
# (status 0) and on SIGTERM and SIGINT, and leaves no vista BPF program or
# link. Every failure in a terminal is one line and status 1, and so is a run
# as the user nobody.

# shellcheck source=tests/e2e/lib.sh
. "$E2E_LIB"
require_root
require_cmd tmux ping ip bpftool jq setpriv
# shellcheck source=tests/e2e/tui_lib.sh
. "$(dirname "$E2E_LIB")/tui_lib.sh"

ns_pair_setup
before=$(bpf_vista_orphans)

if start_top live --filter-addr "$IP_B"; then
	top_pid=$(cat "$tmpdir/live.ready")
	ok "ping $IP_B from $NS_A" in_a ping -c 3 -i 0.2 -W 2 -e 4343 "$IP_B"
	if wait_screen "net_dev_start_xmit" 5; then
		pass "the Events pane shows net_dev_start_xmit"
	else
		fail "the Events pane shows net_dev_start_xmit" "$(screen)"
	fi
	text=$(screen)
	like "$text" "^ vista-top  Events   Hooks   Drops   Netfilter   TCP +\?:help q:quit$" "the top bar: the panes"
	like "$text" "^ tracepoint, [0-9]+ hooks \| filter: addr $IP_B +[0-9]+/[0-9]+$" \
		"the backend, the hooks attached and the active filter"
	like "$text" "^ FOLLOW  \| [0-9]+ ev/s \| total [1-9][0-9]* \| lost in kernel 0 \| dropped by UI 0" "the status bar"
	tm send-keys -t top t
	if wait_screen "^ vista-top .* Tuple column on$" 5; then
		pass "t answers in the top bar"
	else
		fail "t answers in the top bar" "$(screen)"
	fi
	# 120 columns end the row inside the tuple, after the ICMP id.
	if wait_screen "net_dev_start_xmit +$IP_A->$IP_B\(icmp request id=4343" 5; then
		pass "t shows the tuple: the ping's addresses and id"
	else
		fail "t shows the tuple: the ping's addresses and id" "$(screen)"
	fi

	unlike "$(screen)" "127\.0\.0\.1|-> *10\.199\.0\.[^12]" "only the filtered addresses"
	# tmux sends Home as \E[1~ whatever TERM says: vista-top knows that form too.
	tm send-keys -t top Home
	if wait_screen "filter: addr $IP_B +1/[0-9]+$" 5; then
		pass "Home selects the first event"
	else
		fail "Home selects the first event" "$(screen)"
	fi
	tm send-keys -t top G Enter
	if wait_screen "^ Flow of skb 0x[0-9a-f]+: [0-9]+ events? in " 5; then
		pass "Enter opens the flow of the selected skb"
	else
		fail "Enter opens the flow of the selected skb" "$(screen)"
	fi
	like "$(screen)" "^ Fate: (consumed|dropped|transmitted|delivered|in flight)" "the flow ends with a fate"
	tm send-keys -t top Escape
	wait_screen "^ +TIME +SKB CPU PROCESS" 5 || true

	# s: the detail area; stacks are collected from now on, for the next ping.
	tm send-keys -t top s
	wait_screen "Stacks collected from now on" 5 || diag "no answer to s yet"
	before_total=$(total)
	ok "ping $IP_B again" in_a ping -c 1 -W 2 "$IP_B"
	# The reader drains at least every 100 ms: wait until the ping's events are in.
	for ((i = 0; i < 50; i++)); do
		[ "$(total)" -ge $((before_total + 10)) ] && break
		sleep 0.1
	done
	tm send-keys -t top G k
	if wait_screen "^ stack$" 5 && screen | grep -Eq "^    [A-Za-z_][A-Za-z0-9_.]*\+0x[0-9a-f]+"; then
		pass "s shows the selected event's stack, symbolized"
	else
		fail "s shows the selected event's stack, symbolized" "$(screen)"
	fi
	tm send-keys -t top s

	tm resize-window -t top -x 60 -y 20
	if wait_screen "Terminal too small \(60x20\): vista-top needs at least 80x24" 5; then
		pass "resized to 60x20: terminal too small"
	else
		fail "resized to 60x20: terminal too small" "$(screen)"
	fi
	tm resize-window -t top -x 100 -y 30
	if wait_screen "^ FOLLOW|^ BROWSE" 5 && screen | grep -q "TIME"; then
		pass "resized back to 100x30: the panes again"
	else
		fail "resized back to 100x30: the panes again" "$(screen)"
	fi

	tm send-keys -t top q
	if wait_file "$tmpdir/live.status" "$E2E_STOP_TIMEOUT"; then
		is "$(cat "$tmpdir/live.status")" 0 "q quits with status 0"
	else
		fail "q quits with status 0" "still running after $E2E_STOP_TIMEOUT s" "$(screen)"
		kill -KILL "$top_pid" 2>/dev/null
	fi
	is "$(cat "$tmpdir/live.err")" "" "nothing on stderr"
	tm kill-server 2>/dev/null
fi
is "$(bpf_vista_objects_settle "$before")" "$before" "after q: no vista BPF program or link left"

for sig in TERM INT; do
	if start_top "sig$sig"; then
		kill -s "$sig" "$(cat "$tmpdir/sig$sig.ready")"
		if wait_file "$tmpdir/sig$sig.status" "$E2E_STOP_TIMEOUT"; then
			is "$(cat "$tmpdir/sig$sig.status")" 0 "SIG$sig quits with status 0"
		else
			fail "SIG$sig quits with status 0" "still running after $E2E_STOP_TIMEOUT s"
		fi
		is "$(cat "$tmpdir/sig$sig.err")" "" "SIG$sig: nothing on stderr"
		tm kill-server 2>/dev/null
	fi
	is "$(bpf_vista_objects_settle "$before")" "$before" "after SIG$sig: no vista BPF program or link left"
done

top_fails unknown-term '^vista-top: cannot start the screen: unknown terminal type "nosuchterm"$' \
	TERM=nosuchterm -- --filter-addr "$IP_B"
top_fails no-such-func '^vista-top: --filter-skb-func "no_such_tracepoint_xyz" matches none of the [0-9]+ traced hooks$' \
	-- --filter-skb-func no_such_tracepoint_xyz
# 100 million events do not fit: ASan's allocator is told so, a plain build gets a memory limit.
if ldd "$VISTA_TOP" 2>/dev/null | grep -q libasan; then
	LIMIT=
else
	LIMIT="ulimit -v 4000000;"
fi
top_fails store-too-big '^vista-top: cannot allocate an event store of 100000000 events \([0-9]+ MiB\): out of memory$' \
	ASAN_OPTIONS=allocator_may_return_null=1:max_allocation_size_mb=4096 -- --event-store-size 100000000
LIMIT=
top_fails bad-ready-file '^vista-top: cannot write the ready file /nonexistent-dir/ready: No such file or directory$' \
	-- --ready-file /nonexistent-dir/ready --filter-addr "$IP_B"

# As nobody: the one-line refusal. Run a copy from a directory nobody can enter.
nobody_dir=$(mktemp -d /tmp/vista-e2e-nobody.XXXXXX)
at_exit "rm -rf '$nobody_dir'"
chmod 755 "$nobody_dir"
copy_programs "$nobody_dir" || BAIL_OUT "cannot copy vista-top for nobody"
run_capture setpriv --reuid=65534 --regid=65534 --clear-groups "$nobody_dir/vista-top" --filter-addr "$IP_B"
is "$RUN_STATUS" 1 "as nobody: exit status 1"
is "$RUN_ERR" "vista-top: vista-top must run as root: it loads BPF programs into the kernel" \
	"as nobody: one line on stderr"
done_testing
