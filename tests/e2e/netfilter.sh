#!/usr/bin/env bash
# --filter-trace-iptables --output-iptables on netfilter BPF links: for rules in the raw, mangle, nat and
# filter tables of iptables-nft, iptables-legacy and native nftables, over IPv4 and IPv6, the table, chain,
# hook and verdict reported for ACCEPT, DROP, REJECT and a NAT redirect; the filters; --record/--replay;
# the errors.
. "$E2E_LIB"
require_root
require_cmd ip socat iptables-nft ip6tables-nft iptables-legacy ip6tables-legacy nft jq bpftool

# One datagram from A to B's port (IPv4 or IPv6), from a fixed source port.
send4() { in_a socat -u - "UDP4:$IP_B:$1,sourceport=4$1" <<<"x" 2>/dev/null; }
send6() { in_a socat -u - "UDP6:[$IP6_B]:$1,sourceport=4$1" <<<"x" 2>/dev/null; }
send_all() {
	local p
	for p in 7001 7002 7003 7004 7005 7006; do
		send4 "$p"
		send6 "$p"
	done
	sleep 0.5 # the REJECTs' replies
}

# The rules, in the receiver B, by ports: 7001 dropped in raw, 7002 in mangle; 7003 redirected by nat to
# 7013, which filter drops; 7004 rejected by filter, 7005 accepted by it, 7006 queued to a queue
# nobody reads (iptables only: this kernel's nftables has no queue expression); filter OUTPUT passes
# the REJECT's reply. $1: iptables or ip6tables command; $2: the family's ICMP protocol name.
iptables_rules() {
	local ipt=$1
	in_b "$ipt" -t filter -A OUTPUT -p "$2" -j ACCEPT &&
		in_b "$ipt" -t raw -A PREROUTING -p udp --dport 7001 -j DROP &&
		in_b "$ipt" -t mangle -A INPUT -p udp --dport 7002 -j DROP &&
		in_b "$ipt" -t nat -A PREROUTING -p udp --dport 7003 -j REDIRECT --to-ports 7013 &&
		in_b "$ipt" -t filter -A INPUT -p udp --dport 7013 -j DROP &&
		in_b "$ipt" -t filter -A INPUT -p udp --dport 7004 -j REJECT &&
		in_b "$ipt" -t filter -A INPUT -p udp --dport 7005 -j ACCEPT &&
		in_b "$ipt" -t filter -A INPUT -p udp --dport 7006 -j NFQUEUE --queue-num 5
}

nft_rules() {
	in_b nft -f - <<'EOF'
table inet vtest {
	chain raw_pre { type filter hook prerouting priority raw; udp dport 7001 drop; }
	chain mangle_in { type filter hook input priority mangle; udp dport 7002 drop; }
	chain nat_pre { type nat hook prerouting priority dstnat; udp dport 7003 redirect to :7013; }
	chain filter_in {
		type filter hook input priority filter;
		udp dport 7013 drop
		udp dport 7004 reject
		udp dport 7005 accept
	}
	chain filter_out { type filter hook output priority filter; meta l4proto { icmp, ipv6-icmp } accept; }
}
EOF
}

NF='cost=[0-9.]+(ns|µs|ms|s) prio='
DROPPED='via=kfree_skb\(SKB_DROP_REASON_NETFILTER_DROP\)'

# check_cases KIND TEXT TABLE_RAW TABLE_MANGLE TABLE_NAT TABLE_FILTER CHAIN_RAW CHAIN_MANGLE CHAIN_NAT
#             CHAIN_FILTER CHAIN_OUTPUT
# The verdicts of every case, for both families, in one trace.
check_cases() {
	local kind=$1 text=$2 traw=$3 tmangle=$4 tnat=$5 tfilter=$6 craw=$7 cmangle=$8 cnat=$9 cfilter=${10}
	local cout=${11}
	local fam pf a b ra rb rej
	for fam in 4 6; do
		# a, b: the addresses with a port; ra, rb: without (the ICMP reply); as EREs.
		if [ $fam = 4 ]; then
			pf=PF_INET ra=${IP_A//./\\.} rb=${IP_B//./\\.} rej='icmp type=3 code=3'
			a=$ra b=$rb
		else
			pf=PF_INET6 ra=$IP6_A rb=$IP6_B rej='icmp6 type=1 code=4'
			a="\\[$ra\\]" b="\\[$rb\\]"
		fi
		like "$text" "$a:47001->$b:7001\(udp\) pf=$pf table=$traw chain=$craw hook=PREROUTING verdict=DROP ${NF}-301\.\.-299 $DROPPED" \
			"$kind IPv$fam: a DROP in raw PREROUTING"
		unlike "$text" "$a:47001->$b:7001\(udp\) pf=$pf table=[^ ]* chain=[^ ]* hook=INPUT" \
			"$kind IPv$fam:   no table after the one that dropped it"
		like "$text" "$a:47002->$b:7002\(udp\) pf=$pf table=$traw chain=$craw hook=PREROUTING verdict=ACCEPT ${NF}-301\.\.-299 via=next-link" \
			"$kind IPv$fam: raw PREROUTING lets the mangle case through"
		like "$text" "$a:47002->$b:7002\(udp\) pf=$pf table=$tmangle chain=$cmangle hook=INPUT verdict=DROP ${NF}-151\.\.-149 $DROPPED" \
			"$kind IPv$fam: a DROP in mangle INPUT"
		like "$text" "$a:47003->$b:7013\(udp\) pf=$pf table=$tnat chain=$cnat hook=PREROUTING verdict=ACCEPT ${NF}-101\.\.-99 via=next-link" \
			"$kind IPv$fam: nat PREROUTING redirects 7003 to 7013 (the tuple after NAT) and lets it go on"
		like "$text" "$a:47003->$b:7013\(udp\) pf=$pf table=$tfilter chain=$cfilter hook=INPUT verdict=DROP ${NF}-1\.\.1 $DROPPED" \
			"$kind IPv$fam:   then filter INPUT drops the redirected datagram"
		like "$text" "$a:47004->$b:7004\(udp\) pf=$pf table=$tfilter chain=$cfilter hook=INPUT verdict=DROP ${NF}-1\.\.1 $DROPPED" \
			"$kind IPv$fam: a REJECT in filter INPUT is a DROP verdict"
		like "$text" "$rb->$ra\($rej\) pf=$pf table=$tfilter chain=$cout hook=OUTPUT verdict=ACCEPT ${NF}-1\.\.1 via=next-link" \
			"$kind IPv$fam:   whose port-unreachable reply goes out through OUTPUT"
		like "$text" "$a:47005->$b:7005\(udp\) pf=$pf table=$tfilter chain=$cfilter hook=INPUT verdict=ACCEPT ${NF}-1\.\.1 via=next-link" \
			"$kind IPv$fam: an ACCEPT in filter INPUT"
		like "$text" "$a:47005->$b:7005\(udp\) pf=$pf table=$tmangle chain=$cmangle hook=INPUT verdict=ACCEPT ${NF}-151\.\.-149 via=next-link" \
			"$kind IPv$fam:   after mangle INPUT let it through"
		[ "$kind" = nftables ] ||
			like "$text" "$a:47006->$b:7006\(udp\) pf=$pf table=$tfilter chain=$cfilter hook=INPUT verdict=DROP ${NF}-1\.\.1 via=kfree_skb\(SKB_DROP_REASON_NOT_SPECIFIED\)" \
				"$kind IPv$fam: NFQUEUE to a queue nobody reads: dropped with another reason, still in filter INPUT"
	done
	unlike "$text" "table= chain= hook=[A-Z]+ verdict=ACCEPT" \
		"$kind: no ACCEPT through a range where only the kernel's own hooks run (conntrack)"
}

# trace KIND: one trace of B while every case is sent; sets TEXT.
trace() {
	local out=$tmpdir/$1.out
	TEXT=
	vista_start "$out" --filter-trace-iptables --output-iptables --output-tuple --filter-netns "/run/netns/$NS_B" \
		--record "$tmpdir/$1.vrec" || return 1
	like "$(cat "$VISTA_ERR")" "Attached 140 netfilter links in 1 network namespaces" \
		"$1: 14 links on each of the 5 hooks of IPv4 and IPv6 in B"
	send_all
	vista_stop
	is "$VISTA_STATUS" 0 "$1: vista exits 0 on SIGINT"
	TEXT=$(cat "$out")
	unlike "$TEXT" "(net_dev_xmit|netif_receive_skb|kfree_skb|consume_skb) " "$1: only netfilter events"
}

# ---------------------------------------------------------------- iptables-nft
ns_pair_setup
iptables_rules iptables-nft icmp && iptables_rules ip6tables-nft ipv6-icmp || BAIL_OUT "iptables-nft rules in $NS_B"
if trace nft-compat; then
	check_cases iptables-nft "$TEXT" raw mangle nat filter PREROUTING INPUT PREROUTING INPUT OUTPUT
	run_capture "$VISTA" --replay "$tmpdir/nft-compat.vrec" --output-iptables --output-tuple
	is "$RUN_STATUS" 0 "the recording replays"
	is "$RUN_OUT" "$TEXT" "--replay prints the netfilter lines exactly as the live run did"
	run_capture "$VISTA" --replay "$tmpdir/nft-compat.vrec" --output-tuple
	like "$RUN_OUT" $'\n0x[0-9a-f]+ +[0-9]+ +\\[[^]]*\\] +nf_hook_slow [0-9.]+:47005->[0-9.]+:7005\\(udp\\)\n' \
		"without --output-iptables a replay prints the plain nf_hook_slow line"
fi

# ---------------------------------------------------------------- iptables-legacy
ns_pair_setup
iptables_rules iptables-legacy icmp && iptables_rules ip6tables-legacy ipv6-icmp || BAIL_OUT "iptables-legacy rules in $NS_B"
if trace legacy; then
	check_cases iptables-legacy "$TEXT" raw mangle nat filter PREROUTING INPUT PREROUTING INPUT OUTPUT
	# The legacy nat table has all four hooks: INPUT's is at the source-NAT priority.
	like "$TEXT" ":47005->[^ ]*:7005\(udp\) pf=PF_INET table=nat chain=INPUT hook=INPUT verdict=ACCEPT ${NF}99\.\.101 via=next-link" \
		"iptables-legacy: the nat table's INPUT chain runs after filter"
fi

# ---------------------------------------------------------------- native nftables
ns_pair_setup
nft_rules || BAIL_OUT "nft rules in $NS_B"
if trace nft; then
	check_cases nftables "$TEXT" vtest vtest vtest vtest raw_pre mangle_in nat_pre filter_in filter_out
fi

# ---------------------------------------------------------------- filters
# The pcap filter and --filter-port select what is traced; the netns filter where links go (B of the
# nftables pair only: the other pairs' traffic is not seen).
out=$tmpdir/pcap.out
if vista_start "$out" --filter-trace-iptables --output-iptables --output-tuple --filter-netns "/run/netns/$NS_B" \
	udp dst port 7005; then
	send_all
	vista_stop
	text=$(cat "$out")
	like "$text" ":47005->[^ ]*:7005\(udp\) pf=PF_INET table=vtest chain=filter_in hook=INPUT verdict=ACCEPT" \
		"a pcap filter: the matching datagram is traced"
	unlike "$text" ":4700[1-4]->" "  the others are not"
	is "$(grep -c . <<<"$text")" 9 "  header and 4 lines per family: raw, mangle (PREROUTING, INPUT), filter"
fi
out=$tmpdir/port.out
if vista_start "$out" --filter-trace-iptables --output-iptables --output-tuple --filter-port 7004 \
	--filter-addr "$IP_B"; then
	send4 7004
	send6 7004
	sleep 0.5
	vista_stop
	text=$(cat "$out")
	like "$text" "$IP_A:47004->$IP_B:7004\(udp\) pf=PF_INET table=vtest chain=filter_in hook=INPUT verdict=DROP" \
		"--filter-port and --filter-addr, in every namespace of /run/netns: the IPv4 datagram"
	unlike "$text" ":47004->\[" "  not the IPv6 one (another address)"
	like "$(cat "$VISTA_ERR")" "Attached [0-9]+ netfilter links in [0-9]+ network namespaces" "  links in several namespaces"
	n=$(sed -nE 's/.*Attached ([0-9]+) netfilter links in ([0-9]+) network.*/\1 \2/p' "$VISTA_ERR")
	cmp_ok "${n#* }" -ge 7 "  ours and at least the 6 of the three pairs (got $n)"
	is "${n% *}" "$((140 * ${n#* }))" "  140 links in each"
fi

# Filters change while tracing (SIGUSR2 re-reads --filter-file): the netfilter events follow them.
printf 'port 7002\n' >"$tmpdir/filters"
out=$tmpdir/reload.out
if vista_start "$out" --filter-trace-iptables --output-iptables --output-tuple --filter-netns "/run/netns/$NS_B" \
	--filter-file "$tmpdir/filters"; then
	send4 7002
	printf 'port 7005\n' >"$tmpdir/filters"
	kill -USR2 "$VISTA_PID"
	sleep 0.5
	send4 7002
	send4 7005
	sleep 0.3
	vista_stop
	text=$(cat "$out")
	is "$(grep -c ':47002->.*table=vtest chain=mangle_in hook=INPUT verdict=DROP' <<<"$text")" 1 \
		"before SIGUSR2: port 7002 traced (once)"
	like "$text" ':47005->.*table=vtest chain=filter_in hook=INPUT verdict=ACCEPT' "after it: port 7005"
fi

# With the skb hooks too: both kinds of events, in one stream.
out=$tmpdir/both.out
if vista_start "$out" --filter-trace-iptables --filter-trace-skb --output-iptables --output-tuple \
	--filter-netns "/run/netns/$NS_B" --filter-port 7005; then
	send4 7005
	sleep 0.3
	vista_stop
	text=$(cat "$out")
	like "$text" " netif_receive_skb [^ ]*:47005->[^ ]*:7005\(udp\)" "--filter-trace-skb too: the skb hooks"
	like "$text" " nf_hook_slow [^ ]*:47005->[^ ]*:7005\(udp\) pf=PF_INET table=vtest chain=filter_in hook=INPUT verdict=ACCEPT" \
		"  and the tables"
fi

# A priority already taken: the link moves away from its table (the kernel refuses a shared one).
in_b nft 'add chain inet vtest taken { type filter hook input priority -1; }' || BAIL_OUT "nft chain at -1"
out=$tmpdir/taken.out
if vista_start "$out" --filter-trace-iptables --output-iptables --output-tuple --filter-netns "/run/netns/$NS_B" \
	--filter-port 7005; then
	send4 7005
	sleep 0.3
	vista_stop
	like "$(cat "$out")" ":47005->[^ ]*:7005\(udp\) pf=PF_INET table=vtest,vtest chain=taken,filter_in hook=INPUT verdict=ACCEPT ${NF}-2\.\.1 via=next-link" \
		"a chain at -1: the link below filter moves to -2, and the range holds both chains"
fi
# Taken up to -8: no room left below filter.
for p in -2 -3 -4 -5 -6 -7 -8; do
	in_b nft "add chain inet vtest taken$p { type filter hook input priority $p; }" || BAIL_OUT "nft chain at $p"
done
vista_run_expect_error --filter-trace-iptables --filter-netns "/run/netns/$NS_B"
is "$RUN_STATUS" 1 "chains at -1 to -8: exit 1"
is "$RUN_ERR" "vista: cannot attach a netfilter BPF link in netns inode:$NETNS_INODE_B: other hooks already run at priority -8 of IPv4 INPUT and the ones next to it" \
	"  one clear line"
is "$(bpf_vista_objects_settle 0)" 0 "  nothing left attached"

# ---------------------------------------------------------------- errors
vista_run_expect_error --filter-trace-iptables --filter-netns inode:4294967295
is "$RUN_STATUS" 1 "a namespace nobody holds: exit 1"
is "$RUN_ERR" "vista: no process or /run/netns entry holds netns inode:4294967295" "  one clear line"
is "$(bpf_vista_objects_settle 0)" 0 "  nothing left attached"

vista_run_expect_error --replay "$tmpdir/nft-compat.vrec" --filter-trace-iptables
is "$RUN_STATUS" 1 "--filter-trace-iptables with --replay: exit 1"
is "$RUN_ERR" "vista: --filter-trace-iptables cannot be used with --replay: a replay traces nothing, it prints a recording" \
	"  one clear line"

vista_run_expect_error --filter-trace-iptables=maybe
is "$RUN_STATUS" 1 "--filter-trace-iptables=maybe: exit 1"
like "$RUN_ERR" '^vista: invalid argument "maybe" for "--filter-trace-iptables" flag' "  one clear line"

# vista-top takes the netfilter options as vista does (tests/e2e/tui_kinds.sh shows the Netfilter pane live).
run_capture "$(dirname "$VISTA")/vista-top" --filter-trace-iptables=maybe
is "$RUN_STATUS" 1 "vista-top --filter-trace-iptables=maybe: exit 1"
like "$RUN_ERR" '^vista-top: invalid argument "maybe" for "--filter-trace-iptables" flag' "  one clear line, as vista's"
run_capture "$(dirname "$VISTA")/vista-top" --replay "$tmpdir/nft-compat.vrec" --filter-trace-iptables
is "$RUN_ERR" "vista-top: --filter-trace-iptables cannot be used with --replay: a replay traces nothing, it prints a recording" \
	"vista-top --replay with --filter-trace-iptables: the replay's own refusal, not a missing pane"

out=$tmpdir/noeffect.out
if vista_start "$out" --output-iptables --filter-netns "/run/netns/$NS_B" --filter-skb-func kfree_skb; then
	vista_stop
	like "$(cat "$VISTA_ERR")" "--output-iptables has no effect without --filter-trace-iptables" \
		"--output-iptables alone says it does nothing"
fi

is "$(bpf_vista_objects_settle 0)" 0 "no vista program or link left"
done_testing
