#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vista-top's ':' command line on a live trace, in tmux: the ping's rows and
# a ping6's are shown; `:pcap icmp and host $IP_B` narrows the trace to the
# ping (no ping6 row comes any more), the info line shows the filter, and
# vista-top's BPF links are the same before and after (filters change in
# place, nothing is attached again). An invalid `:pcap tcp port` shows
# libpcap's message on the command line and the filter stays. Tab completes
# the interfaces of the namespace the line names. --filter-skb-func starts as
# the func filter, so `:func` can widen it. q exits 0 and leaves no vista BPF
# program or link.

# shellcheck source=tests/e2e/lib.sh
. "$E2E_LIB"
require_root
require_cmd tmux ping ip bpftool jq
# shellcheck source=tests/e2e/tui_lib.sh
. "$(dirname "$E2E_LIB")/tui_lib.sh"

# links_of PID: the BPF links PID holds (found through its fds) as bpftool link list shows them:
# id, program and tracepoint of each.
links_of() {
	local held
	held=$(grep -hs '^link_id:' /proc/"$1"/fdinfo/* | awk '{print $2}' | sort -un | paste -sd, -)
	bpftool -j link list | jq -c --argjson held "[$held]" \
		'[.[] | select(.id as $i | any($held[]; . == $i)) | [.id, .prog_id, .tp_name]] | sort'
}

# body: the event rows on the screen (between the column headers and the info line).
body() { screen | sed -n '3,37p'; }

# wait_events N: until N more events than now were received (10 s at most).
wait_events() {
	local t0 i
	t0=$(total)
	for ((i = 0; i < 100; i++)); do
		[ "$(total)" -ge $((t0 + $1)) ] && return 0
		sleep 0.1
	done
	return 1
}

ns_pair_setup
before=$(bpf_vista_orphans)
in_a ping -i 0.2 -c 600 -W 1 "$IP_B" >/dev/null 2>&1 &
track_pid $!
in_a ping -6 -i 0.2 -c 600 -W 1 "$IP6_B" >/dev/null 2>&1 &
track_pid $!

if start_top cmd --filter-netns "/run/netns/$NS_B" --output-tuple; then
	top_pid=$(cat "$tmpdir/cmd.ready")
	expect_screen "$IP_A->$IP_B\(icmp (request|reply)" "the ping's rows"
	expect_screen "\[?$IP6_A\]?->\[?$IP6_B\]?\(icmp6" "the ping6's rows"
	links=$(links_of "$top_pid")
	like "$links" "^\[\[[0-9]+,[0-9]+,\"kfree_skb\"\]|\"kfree_skb\"" "vista-top holds its BPF links (kfree_skb's among them)"

	tm send-keys -t top :
	tm send-keys -t top -l "pcap icmp and host $IP_B"
	expect_screen "^:pcap icmp and host $IP_B$" "the command line shows what is typed"
	tm send-keys -t top Enter
	expect_screen "Filters applied: pcap 'icmp and host $IP_B' netns /run/netns/$NS_B" \
		"the top bar says the filters were applied"
	expect_screen "^ tracepoint, [0-9]+ hooks \| filter: pcap 'icmp and host $IP_B' netns /run/netns/$NS_B +[0-9]+/[0-9]+$" \
		"the info line shows the new filters"
	# Enough new events to fill the screen: every row on it came after the filter.
	if wait_events 60; then
		pass "events go on arriving"
	else
		fail "events go on arriving" "$(screen)"
	fi
	unlike "$(body)" "$IP6_A|$IP6_B|icmp6" "no ping6 row any more"
	like "$(body)" "$IP_A->$IP_B\(icmp request" "the ping's rows still come"
	is "$(links_of "$top_pid")" "$links" "bpftool link list: the same links (nothing attached again)"

	tm send-keys -t top :
	tm send-keys -t top -l "pcap tcp port"
	tm send-keys -t top Enter
	expect_screen "^:pcap tcp port  column 6: can't parse filter expression: syntax error$" \
		"an invalid expression: libpcap's message on the command line"
	tm send-keys -t top Escape
	expect_screen "filter: pcap 'icmp and host $IP_B' netns /run/netns/$NS_B " "the previous filter stays"
	wait_events 20 || true
	unlike "$(body)" "$IP6_A|$IP6_B|icmp6" "and still applies"

	tm send-keys -t top :
	tm send-keys -t top -l "netns /run/netns/$NS_B ifname v"
	tm send-keys -t top Tab
	expect_screen "^:netns /run/netns/$NS_B ifname $VETH_B$" \
		"Tab completes the interface of the namespace the line names"
	tm send-keys -t top Escape
	tm send-keys -t top :
	tm send-keys -t top Up
	expect_screen "^:pcap tcp port$" "Up recalls the last line"
	tm send-keys -t top Escape
	like "$(cat "$tmpdir/.vista_history")" "pcap\\\\040icmp\\\\040and\\\\040host" "the lines are in \$HOME/.vista_history"
	is "$(links_of "$top_pid")" "$links" "bpftool link list: still the same links"
	stop_top cmd
fi
cmp_ok "$(bpf_vista_objects_settle "$before")" -le "$before" "after q: no vista BPF program or link left"

# --filter-skb-func is the func filter: every skb hook is attached, and :func widens it.
if start_top func --filter-skb-func net_dev_queue --filter-netns "/run/netns/$NS_A"; then
	top_pid=$(cat "$tmpdir/func.ready")
	expect_screen "^ tracepoint, [0-9]+ hooks \| filter: netns /run/netns/$NS_A func 'net_dev_queue' " \
		"the info line: func 'net_dev_queue'"
	nhooks=$(screen | sed -n 's/^ tracepoint, \([0-9]*\) hooks .*/\1/p')
	cmp_ok "$nhooks" -gt 1 "every skb hook is attached ($nhooks)"
	expect_screen "\] +net_dev_queue$" "net_dev_queue rows"
	unlike "$(body)" "net_dev_start_xmit" "no other hook's row"
	links=$(links_of "$top_pid")
	tm send-keys -t top :
	tm send-keys -t top -l "func 'net_dev_queue|net_dev_start_xmit'"
	tm send-keys -t top Enter
	expect_screen "filter: netns /run/netns/$NS_A func 'net_dev_queue\|net_dev_start_xmit' " "the info line: the wider func"
	expect_screen "\] +net_dev_start_xmit$" ":func widened it: net_dev_start_xmit rows" 10
	is "$(links_of "$top_pid")" "$links" "bpftool link list: the same links"
	tm send-keys -t top :
	tm send-keys -t top -l "func no_such_hook"
	tm send-keys -t top Enter
	expect_screen "^:func no_such_hook  func \"no_such_hook\" matches none of the $nhooks traced hooks$" \
		"a func matching no hook is refused by the session"
	tm send-keys -t top Escape
	stop_top func
fi
cmp_ok "$(bpf_vista_objects_settle "$before")" -le "$before" "after q: no vista BPF program or link left"
done_testing
