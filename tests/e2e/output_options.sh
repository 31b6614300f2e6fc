#!/usr/bin/env bash
# --output-limit-lines, --output-file, --timestamp, --output-stack, and the optional parts of a line.
. "$E2E_LIB"
require_root
require_cmd ping ip
ns_pair_setup
ID=5150
NSB="/run/netns/$NS_B"
ping_b() { in_a ping -c 3 -i 0.2 -W 1 -e "$ID" "$IP_B" >/dev/null 2>&1; }
event_lines() { grep -E '^([0-9:.]+ )?0x[0-9a-f]+ ' "$1"; }

# --output-limit-lines: vista stops by itself after N events, exit 0.
out=$tmpdir/limit
if vista_start "$out" --filter-netns "$NSB" --output-limit-lines 3; then
	ping_b &
	for ((i = 0; i < 50; i++)); do kill -0 "$VISTA_PID" 2>/dev/null || break; sleep 0.1; done
	wait "$VISTA_PID"
	is "$?" 0 "--output-limit-lines 3: exits 0 by itself"
	is "$(event_lines "$out" | wc -l)" 3 "exactly 3 event lines"
	like "$(cat "$out.err")" "Printed 3 events, exiting program\.\." "says why it stopped"
	wait
fi

# --output-file: the traces go to the file (mode 0600), nothing to stdout.
file=$tmpdir/traces.txt
out=$tmpdir/file
if vista_start "$out" --filter-netns "$NSB" --output-tuple --output-file "$file"; then
	ping_b
	vista_stop
	is "$(cat "$out")" "" "--output-file: nothing on stdout"
	like "$(head -1 "$file")" "SKB/SK +CPU +PROCESS +FUNC" "the header is in the file"
	like "$(cat "$file")" "$IP_A->$IP_B\(icmp request id=$ID seq=1\)" "the events are in the file"
	is "$(stat -c %a "$file")" 600 "the file is private (0600)"
	is "$(stat -c %a "$VISTA_READY_FILE")" 600 "so is the --ready-file (0600)"
fi
ln -s "$tmpdir/elsewhere" "$tmpdir/link.txt"
vista_run_expect_error --output-file "$tmpdir/link.txt"
isnt "$RUN_STATUS" 0 "--output-file refuses to follow a symlink"
ok "nothing was written through the symlink" test ! -e "$tmpdir/elsewhere"

# --timestamp relative: a TIMESTAMP column, 0 for an skb's first event, then ns since its previous one.
out=$tmpdir/relative
if vista_start "$out" --filter-addr "$IP_B" --timestamp relative --output-tuple; then
	ping_b
	vista_stop
	like "$(head -1 "$out")" "FUNC +TIMESTAMP$" "relative: TIMESTAMP column in the header"
	like "$(event_lines "$out" | head -1)" "\] +[a-z_]+ +0 " "relative: 0 at the first event"
	like "$(cat "$out")" "\] +[a-z_]+ +[1-9][0-9]* $IP_A->$IP_B" "relative: a positive delta later"
	# After an skb is freed its address is recycled: the next event there starts at 0 again.
	after_free=$(awk '$1 ~ /^0x/ { if (freed[$1]) print; freed[$1] = ($4 ~ /^(consume_skb|kfree_skb)/) }' "$out")
	cmp_ok "$(printf '%s\n' "$after_free" | grep -c .)" -gt 0 "relative: some skb address is reused after a free"
	is "$(printf '%s\n' "$after_free" | awk 'NF && $5 != 0' | head -3)" "" "relative: each restarts at 0"
fi
out=$tmpdir/absolute
if vista_start "$out" --filter-netns "$NSB" --timestamp absolute; then
	ping_b
	vista_stop
	like "$(head -1 "$out")" "^ +TIME +SKB/SK" "absolute: TIME column first"
	now=$(date +%H:%M)
	like "$(event_lines "$out" | head -1)" "^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} 0x" "absolute: HH:MM:SS.mmm on each line"
	like "$(event_lines "$out" | tail -1)" "^$now|^[0-9]{2}:[0-9]{2}" "absolute: the wall clock"
fi
out=$tmpdir/none
if vista_start "$out" --filter-netns "$NSB" --timestamp none; then
	ping_b
	vista_stop
	like "$(head -1 "$out")" "FUNC$" "none: no time column"
fi

# --output-stack: kernel frames under each event, symbolized.
out=$tmpdir/stack
if vista_start "$out" --filter-netns "$NSB" --filter-skb-func netif_receive_skb --output-stack --output-tuple; then
	ping_b
	vista_stop
	first=$(grep -A1 -E "netif_receive_skb $IP_A->$IP_B\(icmp request id=$ID seq=1\)" "$out" | sed -n 2p)
	like "$first" "^    __netif_receive_skb[a-z_.0-9]*\+0x[0-9a-f]+$" \
		"the stack starts at the function that hit the tracepoint (vista's own frames trimmed)"
	like "$(cat "$out")" "^    (process_backlog|__napi_poll|net_rx_action)\+0x[0-9a-f]+$" "the frames name the receive path"
	unlike "$(cat "$out")" "bpf_trace_run|bpf_prog_" "no tracer frames"
fi

# Without --output-meta / --output-tuple the line ends with the function.
out=$tmpdir/bare
if vista_start "$out" --filter-netns "$NSB"; then
	ping_b
	vista_stop
	unlike "$(cat "$out")" "netns=|->" "no meta and no tuple unless asked"
	like "$(event_lines "$out" | head -1)" "^0x[0-9a-f]+ +[0-9]+ +\[.*\] +[a-z_]+(\([A-Z_]+\))?$" "the bare line"
fi
is "$(bpf_vista_objects_settle 0)" 0 "no vista program or link left"
done_testing
