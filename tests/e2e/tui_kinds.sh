#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vista-top live with --filter-trace-iptables and --filter-trace-tcp, in a
# tmux session of a fixed size: an iptables DROP rule in namespace B drops
# SYNs to one port, and a TCP transfer of known size (1,000,000 bytes one
# way, 123,456 back) runs to another. The Events pane shows netfilter and
# TCP rows; the Netfilter pane shows the DROP verdict of B's filter table
# on INPUT; the TCP pane shows the client's connection closed with its
# exact byte counts (the data, plus SYN and FIN, as tcp_life.sh checks
# them); `q` exits 0 and leaves no vista BPF program or link.

# shellcheck source=tests/e2e/lib.sh
. "$E2E_LIB"
require_root
require_cmd tmux ip iptables bpftool jq
# shellcheck source=tests/e2e/tui_lib.sh
. "$(dirname "$E2E_LIB")/tui_lib.sh"
: "${SOCKPEER:=$(dirname "$0")/sockpeer}"
[ -x "$SOCKPEER" ] || BAIL_OUT "SOCKPEER is not built: run make check"

ns_pair_setup
before=$(bpf_vista_orphans)
# Ports of our own: other tests use the same addresses in their own namespaces at the same time.
P_DROP=$((20000 + $$ % 20000))
P_DATA=$((P_DROP + 1))
N=1000000
M=123456
in_b iptables -A INPUT -p tcp --dport "$P_DROP" -j DROP || BAIL_OUT "iptables DROP rule in $NS_B"

if start_top kinds --filter-trace-iptables --filter-trace-tcp --output-tcp --filter-addr "$IP_B"; then
	# SYNs to the dropped port: the client gives up after a second.
	in_a timeout 1 bash -c "exec 3<>/dev/tcp/$IP_B/$P_DROP" 2>/dev/null
	is "$?" 124 "the connection to port $P_DROP hangs: its SYNs are dropped"

	rm -f "$tmpdir/ready"
	ip netns exec "$NS_B" "$SOCKPEER" --ready "$tmpdir/ready" tcp-server "$IP_B" "$P_DATA" "$M" >"$tmpdir/server" 2>&1 &
	track_pid $!
	server_pid=$!
	# --ready creates an empty file: tui_lib.sh's wait_file waits for content.
	for ((i = 0; i < 50; i++)); do
		[ -e "$tmpdir/ready" ] && break
		sleep 0.1
	done
	ok "the server is listening" test -e "$tmpdir/ready"
	ip netns exec "$NS_A" "$SOCKPEER" tcp-client "$IP_B" "$P_DATA" "$N" >"$tmpdir/client" 2>&1
	is "$? $(cat "$tmpdir/client")" "0 received $M" "the client sends $N bytes and receives $M"
	wait "$server_pid"
	is "$(cat "$tmpdir/server")" "received $N" "the server receives $N bytes"

	expect_screen "nf_hook_slow" "the Events pane shows netfilter verdicts" 10
	expect_screen "\[sockpeer\([0-9]+\)\] +TCP " "the Events pane shows the closed connections" 10
	like "$(screen)" " TCP +rx=[^ ]+ tx=[^ ]+ lifetime=" "--output-tcp: the TCP fields in the Events pane"
	like "$(screen)" "^ vista-top  Events   Hooks   Drops   Netfilter   TCP " "the top bar: the Netfilter and TCP panes"

	tm send-keys -t top Tab Tab Tab
	expect_screen "^ *[0-9]+ verdicts, [1-9][0-9]* drops" "the Netfilter pane: verdicts and drops counted"
	expect_screen "^$NETNS_INODE_B +ipv4 +INPUT +[^ ]*filter[^ ]* +[^ ]+ +DROP +[1-9][0-9]* +[0-9.]+(ns|us|ms)" \
		"the Netfilter pane: B's filter table dropped on INPUT, with its count and cost"
	# The drops are on top: the first row under the header is a DROP.
	like "$(screen | sed -n '4p')" " DROP " "the most recent drops on top"

	tm send-keys -t top Tab B
	expect_screen "$IP_A:[0-9]+->$IP_B:$P_DATA\(tcp\) +\[sockpeer\([0-9]+\)\] +CLOSED +[0-9.]+(ns|us|ms|s) +$((M + 1)) +$((N + 2)) " \
		"the TCP pane: the client's connection, closed, with its exact rx and tx"
	like "$(screen)" "$IP_B:$P_DATA->$IP_A:[0-9]+\(tcp\) +\[sockpeer\($server_pid\)\] +CLOSED +[0-9.]+(ns|us|ms|s) +$((N + 1)) +$((M + 1)) " \
		"the TCP pane: the server's side, its exact numbers and its process"
	stop_top kinds
fi
is "$(bpf_vista_objects_settle "$before")" "$before" "after q: no vista BPF program or link left"
done_testing
