#!/usr/bin/env bash
# Capture and export: --pcap-file (pcapng and pcap) decoded by tshark at several hooks for a ping and a
# TCP exchange; --output-json parsed by jq for every kind of event (skb, netfilter, tcp, sk, drop);
# --output-file rotation, mode 0600, symlink refusal for every output file; a full disk; a closed pipe.
. "$E2E_LIB"
require_root
require_cmd ip ping socat tshark jq iptables-nft mount umount

ns_pair_setup
PING_ID=4242

# The BPF objects vista left behind. bpftool fails now and then when a program goes away while it lists
# them (vista's, just ending, or another test's): asked again then.
leftovers() {
	local n i
	for ((i = 0; i < 5; i++)); do
		n=$(bpf_vista_objects_settle 0 2>/dev/null)
		[ "$n" = error ] || break
		sleep 0.5
	done
	echo "$n"
}

# The traffic of the capture tests: 2 pings with a known identifier, one TCP exchange to B's port 8080
# from A's port $1 (a new one each time: the last one's connection may still be in TIME_WAIT).
traffic() {
	in_b socat -u TCP4-LISTEN:8080,reuseaddr - >/dev/null 2>&1 &
	track_pid $!
	sleep 0.3
	in_a ping -c 2 -i 0.2 -W 2 -e "$PING_ID" "$IP_B" >/dev/null
	echo hello | in_a socat -u - "TCP4:$IP_B:8080,sourceport=$1" 2>/dev/null
	sleep 0.5
}

# tshark_fields FILE FILTER FIELDS...: one line per packet of FILE matching FILTER.
tshark_fields() {
	local f=$1 filter=$2 args=()
	shift 2
	for x in "$@"; do args+=(-e "$x"); done
	tshark -n -r "$f" -Y "$filter" -T fields -E separator=' ' "${args[@]}" 2>/dev/null
}

# ---------------------------------------------------------------- pcapng
out=$tmpdir/ng
if vista_start "$out" --filter-addr "$IP_B" --pcap-file "$tmpdir/cap.pcapng" --record "$tmpdir/cap.vrec"; then
	traffic 40123
	vista_stop
	is "$VISTA_STATUS" 0 "pcapng: vista exits 0"
	like "$(cat "$out.err")" "[0-9]+ packets written to $tmpdir/cap.pcapng" "pcapng: the count of packets is logged"
	is "$(stat -c %a "$tmpdir/cap.pcapng")" 600 "pcapng: the file is mode 0600"
	run_capture tshark -n -r "$tmpdir/cap.pcapng"
	is "$RUN_STATUS" 0 "pcapng: tshark reads the file"
	is "$(tshark_fields "$tmpdir/cap.pcapng" "icmp.type == 8" icmp.ident icmp.seq | sort -u | tr '\n' ' ')" \
		"$PING_ID 1 $PING_ID 2 " "pcapng: the echo requests decode with the ping's id and seqs 1 and 2"
	is "$(tshark_fields "$tmpdir/cap.pcapng" "icmp.type == 0" icmp.ident icmp.seq | sort -u | tr '\n' ' ')" \
		"$PING_ID 1 $PING_ID 2 " "pcapng: so do the echo replies"
	is "$(tshark_fields "$tmpdir/cap.pcapng" "tcp.flags.syn == 1 && tcp.flags.ack == 0" tcp.srcport tcp.dstport |
		sort -u)" "40123 8080" "pcapng: the TCP SYN decodes with the exchange's ports"
	like "$(tshark_fields "$tmpdir/cap.pcapng" "tcp.len > 0" tcp.srcport tcp.len | sort -u)" "^40123 6$" \
		"pcapng: the TCP segment with the payload (hello, 6 bytes) is in the capture"
	hooks=$(tshark_fields "$tmpdir/cap.pcapng" "icmp.type == 8 && icmp.seq == 1" frame.comment)
	like "$hooks" "hook=net_dev_start_xmit netns=$NETNS_INODE_A ifindex=$IFINDEX_A ifname=$VETH_A pkt_type=HOST" \
		"pcapng: a comment names the transmit hook, A's netns and device"
	like "$hooks" "hook=netif_rx netns=$NETNS_INODE_B ifindex=$IFINDEX_B ifname=$VETH_B pkt_type=HOST" \
		"pcapng: a comment names the receive hook, B's netns and device"
	cmp_ok "$(sed -E 's/^hook=([^ ]+).*/\1/' <<<"$hooks" | sort -u | wc -l)" -ge 4 \
		"pcapng: the first request is captured at 4 hooks or more"
	like "$(tshark_fields "$tmpdir/cap.pcapng" "frame.comment contains \"verdict=consumed\"" frame.comment | head -1)" \
		"hook=consume_skb .* verdict=consumed" "pcapng: a freed skb's comment carries its verdict"
	ifaces=$(tshark -n -r "$tmpdir/cap.pcapng" -T fields -e frame.interface_name -e frame.interface_description \
		2>/dev/null | sort -u)
	like "$ifaces" "$VETH_A	netns=$NETNS_INODE_A ifindex=$IFINDEX_A from the MAC header" \
		"pcapng: an interface block for A's device in A's netns"
	like "$ifaces" "$VETH_B	netns=$NETNS_INODE_B ifindex=$IFINDEX_B from the MAC header" \
		"pcapng: an interface block for B's device in B's netns"
	unlike "$(tshark -n -r "$tmpdir/cap.pcapng" -V 2>&1)" "Malformed|Bogus" "pcapng: tshark finds nothing malformed"

	# The recording made alongside carries the packets: a replay writes the same capture again.
	decoded() { tshark -n -r "$1" -T fields -e frame.comment -e frame.len -e ip.src -e ip.dst -e icmp.ident \
		-e icmp.seq -e tcp.srcport -e tcp.dstport -e tcp.len 2>/dev/null; }
	run_capture "$VISTA" --replay "$tmpdir/cap.vrec" --pcap-file "$tmpdir/replayed.pcapng" \
		--output-file "$tmpdir/replayed.txt"
	is "$RUN_STATUS" 0 "replay --pcap-file: exit 0"
	like "$RUN_ERR" "[0-9]+ packets written to $tmpdir/replayed.pcapng" "replay --pcap-file: the count is logged"
	is "$(sed -nE 's/.* ([0-9]+) packets written to .*/\1/p' "$out.err")" \
		"$(sed -nE 's/.* ([0-9]+) packets written to .*/\1/p' <<<"$RUN_ERR")" \
		"replay --pcap-file: as many packets as the live capture"
	cmp_ok "$(decoded "$tmpdir/cap.pcapng" | wc -l)" -gt 10 "replay --pcap-file: the live capture has packets to compare"
	is "$(decoded "$tmpdir/replayed.pcapng" | md5sum)" "$(decoded "$tmpdir/cap.pcapng" | md5sum)" \
		"replay --pcap-file: tshark decodes the same packets, hooks, ids, seqs and ports as live"
	is "$(stat -c %a "$tmpdir/replayed.pcapng")" 600 "replay --pcap-file: the file is mode 0600"
	run_capture "$VISTA" --replay "$tmpdir/cap.vrec" --pcap-file "$tmpdir/replayed.pcap" --output-file /dev/null
	is "$(tshark_fields "$tmpdir/replayed.pcap" "icmp.type == 8" icmp.ident icmp.seq | sort -u | tr '\n' ' ')" \
		"$PING_ID 1 $PING_ID 2 " "replay --pcap-file: classic pcap decodes the echo requests too"
	run_capture "$VISTA" --replay "$tmpdir/cap.vrec" --pcap-file "$tmpdir/cap.vrec"
	isnt "$RUN_STATUS" 0 "replay --pcap-file onto the recording itself: refused"
	like "$RUN_ERR" "^vista: the packets \(--pcap-file $tmpdir/cap.vrec\) cannot go to the file of the traces or the recording$" \
		"  with one line"
	cmp_ok "$(stat -c %s "$tmpdir/cap.vrec")" -gt 1000 "  and the recording is intact"
	run_capture "$VISTA" --replay "$tmpdir/cap.vrec" --pcap-file "$tmpdir/x.pcap" --pcap-snaplen 64
	like "$RUN_ERR" "^vista: --pcap-snaplen cannot be used with --replay" "replay: --pcap-snaplen is refused"
fi

# ---------------------------------------------------------------- classic pcap, a smaller snaplen
out=$tmpdir/classic
if vista_start "$out" --filter-addr "$IP_B" --pcap-file "$tmpdir/cap.pcap" --pcap-snaplen 64 \
	--filter-skb-func '^(net_dev_start_xmit|netif_rx|kfree_skb|consume_skb)$'; then
	traffic 40124
	vista_stop
	is "$VISTA_STATUS" 0 "pcap: vista exits 0"
	like "$(capinfos -E -l "$tmpdir/cap.pcap" 2>/dev/null)" "Ethernet" "pcap: one Ethernet link type for the file"
	is "$(tshark_fields "$tmpdir/cap.pcap" "icmp.type == 8" icmp.ident icmp.seq | sort -u | tr '\n' ' ')" \
		"$PING_ID 1 $PING_ID 2 " "pcap: the echo requests decode with the ping's id and seqs"
	is "$(tshark_fields "$tmpdir/cap.pcap" "tcp.flags.syn == 1 && tcp.flags.ack == 0" tcp.srcport tcp.dstport |
		sort -u)" "40124 8080" "pcap: the TCP SYN decodes with the exchange's ports"
	cmp_ok "$(tshark_fields "$tmpdir/cap.pcap" "icmp.type == 8 && icmp.seq == 1" frame.number | wc -l)" -ge 2 \
		"pcap: the first request is captured at each hook it passes (2 or more)"
	is "$(tshark_fields "$tmpdir/cap.pcap" "frame.cap_len > 64" frame.number | wc -l)" 0 \
		"pcap: no packet has more than --pcap-snaplen 64 bytes"
	like "$(tshark_fields "$tmpdir/cap.pcap" "icmp.type == 8" frame.len | head -1)" "^98$" \
		"pcap: the lengths on the wire are whole (98 bytes for a ping)"
fi

# ---------------------------------------------------------------- JSON, every kind
in_b iptables-nft -t filter -A INPUT -p udp --dport 7001 -j DROP
out=$tmpdir/json
if vista_start "$out" --output-json --output-meta --output-tuple --output-tcp --output-sk --output-iptables \
	--filter-trace-skb --filter-trace-tcp --filter-trace-sk --filter-trace-iptables --filter-skb-drop-stack \
	--filter-netns "/run/netns/$NS_B"; then
	traffic 40125
	in_a socat -u - "UDP4:$IP_B:7001,sourceport=47001" <<<"x" 2>/dev/null
	sleep 0.5
	vista_stop
	is "$VISTA_STATUS" 0 "json: vista exits 0"
	run_capture jq -c . "$out"
	is "$RUN_STATUS" 0 "json: jq parses every line"
	is "$(jq -s 'length' "$out")" "$(wc -l <"$out")" "json: one object per line, no header"
	for kind in skb netfilter tcp sk; do
		cmp_ok "$(jq -c "select(.kind == \"$kind\")" "$out" | wc -l)" -ge 1 "json: $kind events"
	done
	is "$(jq -r 'select(.kind == "skb" and .l4 == "icmp" and .icmp_type == 8) |
		[.icmp_id, .icmp_seq, .saddr, .daddr, (.netns|type), (.cpu|type), (.skb|type)] | @tsv' "$out" | sort -u |
		head -1)" "$PING_ID	1	$IP_A	$IP_B	number	number	string" \
		"json: an echo request: id, seq and addresses, numbers typed as numbers, addresses as strings"
	like "$(jq -r 'select(.kind == "skb" and .drop_reason != null) | [.func, .drop_reason, (.stack|length)] |
		@tsv' "$out")" "kfree_skb	SKB_DROP_REASON_NETFILTER_DROP	[1-9]" \
		"json: the dropped datagram: kfree_skb, its reason and its stack"
	like "$(jq -r 'select(.kind == "netfilter" and .verdict == "DROP") | [.table, .chain, .hook, .dport] | @tsv' \
		"$out")" "filter	INPUT	INPUT	7001" "json: the netfilter verdict on the dropped datagram"
	like "$(jq -r 'select(.kind == "tcp") | [.func, .sport, .dport, (.rx_bytes|type), .conn, .state] | @tsv' \
		"$out")" "TCP	(8080	40125|40125	8080)	number	true	[A-Z_]+" \
		"json: the TCP connection's life with its ports and typed numbers"
	like "$(jq -r 'select(.kind == "sk") | [.func, .family, .sk_protocol, (.skc_reuseport|type)] | @tsv' "$out")" \
		"inet_sock_set_state	AF_INET	IPPROTO_TCP	boolean" "json: socket events with their fields"
	is "$(jq -r 'select(.kind == "skb") | .mark' "$out" | sort -u | head -1)" 0 "json: a zero mark is there, as 0"
fi
in_b iptables-nft -t filter -F INPUT

# ---------------------------------------------------------------- output files
# Rotation: small files, 2 backups; every line whole in one file, none lost but the oldest files.
out=$tmpdir/rot
if vista_start "$out.stdout" --filter-addr "$IP_B" --output-file "$out" --output-file-max-size 2K \
	--output-file-max-backups 2 --output-meta --output-tuple; then
	in_a ping -c 10 -i 0.1 -W 2 "$IP_B" >/dev/null
	sleep 0.3
	vista_stop
	is "$VISTA_STATUS" 0 "rotation: vista exits 0"
	ok "rotation: FILE, FILE.1 and FILE.2 exist" test -s "$out" -a -s "$out.1" -a -s "$out.2"
	ok "rotation: no FILE.3 with 2 backups" test ! -e "$out.3"
	for f in "$out" "$out.1" "$out.2"; do
		cmp_ok "$(stat -c %s "$f")" -le 2048 "rotation: $(basename "$f") is at most 2K"
		is "$(stat -c %a "$f")" 600 "rotation: $(basename "$f") is mode 0600"
	done
	is "$(cat "$out.2" "$out.1" "$out" | grep -cvE '^0x[0-9a-f]+ +[0-9]+ .*netns=|SKB/SK')" 0 \
		"rotation: every line of the three files is whole"
fi

# Symbolic links: refused for each output file, the target untouched.
echo secret >"$tmpdir/target"
ln -s "$tmpdir/target" "$tmpdir/link"
for opt in --output-file --pcap-file --record; do
	vista_run_expect_error "$opt" "$tmpdir/link" --filter-addr "$IP_B"
	isnt "$RUN_STATUS" 0 "$opt to a symlink: non-zero exit"
	like "$RUN_ERR" "^vista: cannot write .* to $tmpdir/link: it is a symbolic link, which vista never writes through$" \
		"$opt to a symlink: one clear error"
	is "$(cat "$tmpdir/target")" secret "$opt to a symlink: the target is untouched"
done
is "$(leftovers)" 0 "symlink refusals: nothing left attached"

# Option combinations.
vista_run_expect_error --output-file-max-size 1M
is "$RUN_ERR" "vista: --output-file-max-size has no effect without --output-file" "max-size without a file"
vista_run_expect_error --output-file "$tmpdir/x" --output-file-max-backups 3
is "$RUN_ERR" "vista: --output-file-max-backups has no effect without --output-file-max-size" \
	"max-backups without max-size"
vista_run_expect_error --pcap-snaplen 100
is "$RUN_ERR" "vista: --pcap-snaplen has no effect without --pcap-file" "snaplen without a pcap file"
vista_run_expect_error --pcap-file "$tmpdir/p.pcap" --pcap-snaplen 9000
is "$RUN_ERR" "vista: --pcap-snaplen 9000 is more than vista captures: at most 4096 bytes of each packet" \
	"snaplen over the maximum"
vista_run_expect_error --pcap-file "$tmpdir/p.pcap" --pcap-mode entry
is "$RUN_ERR" "vista: --pcap-mode has no effect without --filter-trace-xdp or --filter-trace-tc" \
	"--pcap-mode belongs to XDP and TC tracing"
vista_run_expect_error --output-flows --output-json
is "$RUN_ERR" "vista: --output-flows cannot be combined with --output-json: flow summaries are text" \
	"flow summaries are not JSON"
vista_run_expect_error --pcap-mode exit
is "$RUN_ERR" "vista: --pcap-mode has no effect without --pcap-file" "--pcap-mode without a pcap file"
vista_run_expect_error --pcap-file "$tmpdir" --filter-addr "$IP_B"
is "$RUN_ERR" "vista: cannot write the packets to $tmpdir: it is a directory" "--pcap-file a directory"
vista_run_expect_error --pcap-file "$tmpdir/same" --output-file "$tmpdir/same" --filter-addr "$IP_B"
like "$RUN_ERR" "^vista: the packets \(--pcap-file $tmpdir/same\) cannot go to the file of the traces" \
	"--pcap-file and --output-file the same file"
is "$(leftovers)" 0 "option errors: nothing left attached"

# A full disk: a 64 KiB tmpfs filled by the traces of a ping flood.
mkdir "$tmpdir/small"
if mount -t tmpfs -o size=64k vista-e2e "$tmpdir/small"; then
	at_exit "umount '$tmpdir/small' 2>/dev/null"
	for what in text pcap; do
		if [ $what = text ]; then
			args=(--output-file "$tmpdir/small/out" --output-meta --output-tuple)
			want="^vista: cannot write traces to $tmpdir/small/out: No space left on device$"
		else
			args=(--pcap-file "$tmpdir/small/out.pcapng" --output-file /dev/null)
			want="^vista: cannot write the packets to $tmpdir/small/out.pcapng: No space left on device$"
		fi
		rm -f "$tmpdir/small/"*
		if vista_start "$tmpdir/full.$what" --filter-addr "$IP_B" "${args[@]}"; then
			in_a ping -f -c 3000 "$IP_B" >/dev/null 2>&1
			if pid_wait_gone "$VISTA_PID" 10; then
				running=0
				wait "$VISTA_PID" 2>/dev/null
				status=$?
				_forget_vista_pid "$VISTA_PID"
			else
				running=1
				vista_stop
				status=$VISTA_STATUS
			fi
			is "$running" 0 "full disk ($what): vista stops by itself"
			is "$status" 1 "full disk ($what): exit status 1"
			like "$(grep 'vista: ' "$tmpdir/full.$what.err")" "$want" "full disk ($what): one clear error"
			is "$(grep -c 'vista: ' "$tmpdir/full.$what.err")" 1 "full disk ($what): one error line only"
			is "$(leftovers)" 0 "full disk ($what): nothing left attached"
		fi
	done
else
	skip "cannot mount a tmpfs" 10
fi

# A closed pipe with JSON: vista stops at its next write, says so in one line and exits 2 (vista(8)), detached.
( while :; do in_a ping -c 1 -W 1 "$IP_B" >/dev/null 2>&1; done ) &
pinger=$!
track_pid $pinger
env --default-signal timeout 30 bash -c "'$VISTA' --output-json --filter-addr $IP_B 2>'$tmpdir/pipe.err' | head -1 \
	>'$tmpdir/pipe.out'; echo \${PIPESTATUS[0]} >'$tmpdir/pipe.status'"
kill "$pinger" 2>/dev/null
is "$(cat "$tmpdir/pipe.status")" 2 "json | head -1: vista exits 2"
is "$(jq -r .kind "$tmpdir/pipe.out")" skb "json | head -1: head got a whole JSON line"
is "$(grep -c '^vista: ' "$tmpdir/pipe.err")" 1 "json | head -1: one error line"
like "$(grep '^vista: ' "$tmpdir/pipe.err")" \
	'^vista: the output was closed \(broken pipe\): stopped after [1-9][0-9]* events$' \
	"json | head -1: it says the output was closed and after how many events"
is "$(leftovers)" 0 "json | head -1: nothing left attached"
done_testing
