# shellcheck shell=bash disable=SC2016,SC2034,SC2154 # conditions are eval'd by check; vista, work, IP_* come from the runner
# SPDX-License-Identifier: GPL-2.0-only
#
# Kernel-matrix scenario: --filter-trace-iptables on each function backend,
# where vista watches the table functions themselves (ipt_do_table,
# ip6t_do_table, nft_do_chain, nf_hook_slow) and takes the verdict from
# their return value (via=return). See tests/e2e/kernel_backends.sh for the
# contract. For each of iptables-nft, native nftables and iptables-legacy,
# over IPv4 and IPv6, B's rules by UDP port (as tests/e2e/netfilter.sh does
# on this machine's netfilter links):
#   7002 dropped in raw PREROUTING, which lets the others through;
#   7003 dropped in mangle INPUT, which lets the others through;
#   7006 redirected by nat PREROUTING to 7016, which filter INPUT drops;
#   7001 dropped, 7004 rejected (a DROP verdict; its ICMP reply passes
#   filter OUTPUT) and 7005 accepted by filter INPUT.
# One datagram from A to each port must be reported with the right table,
# chain, hook and verdict. nf_tables frees what it drops itself, with the
# drop reason, and returns NF_STOLEN: its drops are reported with that reason
# (via=kfree_skb(SKB_DROP_REASON_NETFILTER_DROP)), the rest with via=return.
# Each kind gets a namespace pair of its own: the tables of the kinds before
# it would answer too, even empty (iptables-legacy's stay registered until
# their namespace goes), and make an ACCEPT check pass by the wrong table.

SCENARIO_CHECKS+=(nf-attach)
for _k in legacy nft native; do
	for _f in 4 6; do
		for _c in drop reject accept output raw-drop raw-only raw-accept mangle-drop mangle-accept nat \
			nat-filter-drop; do
			SCENARIO_CHECKS+=("nf-$_k-ipv$_f-$_c")
		done
	done
done
unset _k _f _c

# nf_rules KIND: B's rules of one kind.
nf_rules() {
	local kind=$1 ipt fam proto
	if [ "$kind" = native ]; then
		in_b nft -f - <<'NFT'
table inet vtest {
	chain raw_pre { type filter hook prerouting priority raw; udp dport 7002 drop; }
	chain mangle_in { type filter hook input priority mangle; udp dport 7003 drop; }
	chain nat_pre { type nat hook prerouting priority dstnat; udp dport 7006 redirect to :7016; }
	chain filter_in {
		type filter hook input priority filter;
		udp dport 7001 drop
		udp dport 7016 drop
		udp dport 7004 reject
		udp dport 7005 accept
	}
	chain filter_out { type filter hook output priority filter; meta l4proto { icmp, ipv6-icmp } accept; }
}
NFT
		return
	fi
	for fam in 4 6; do
		ipt=iptables proto=icmp
		[ $fam = 6 ] && ipt=ip6tables proto=ipv6-icmp
		ipt=$ipt-$kind
		in_b "$ipt" -A OUTPUT -p "$proto" -j ACCEPT
		in_b "$ipt" -t raw -A PREROUTING -p udp --dport 7002 -j DROP
		in_b "$ipt" -t mangle -A INPUT -p udp --dport 7003 -j DROP
		in_b "$ipt" -t nat -A PREROUTING -p udp --dport 7006 -j REDIRECT --to-ports 7016
		in_b "$ipt" -A INPUT -p udp --dport 7001 -j DROP
		in_b "$ipt" -A INPUT -p udp --dport 7016 -j DROP
		in_b "$ipt" -A INPUT -p udp --dport 7004 -j REJECT
		in_b "$ipt" -A INPUT -p udp --dport 7005 -j ACCEPT
	done
}

# nf_send: A sends one datagram to each port of B, over IPv4 and IPv6 (a trace_with workload).
nf_send() {
	local p
	for p in 7001 7002 7003 7004 7005 7006; do
		in_a socat -u - "UDP4:$IP_B:$p,sourceport=4$p" <<<x 2>/dev/null
		in_a socat -u - "UDP6:[$IP6_B]:$p,sourceport=4$p" <<<x 2>/dev/null
	done
}

# nf_pair_begin OUT / nf_pair_end: a namespace pair for one kind (setup errors in OUT), then back to the runner's.
nf_pair_begin() {
	nf_saved=("$NS_A" "$NS_B" "$VETH_A" "$VETH_B" "$NETNS_INODE_A" "$NETNS_INODE_B" "$IFINDEX_A" "$IFINDEX_B")
	netns_pair_create vista-nf echo >"$1"
}
nf_pair_end() {
	ip netns pids "$NS_A" | xargs -r kill 2>/dev/null
	ip netns pids "$NS_B" | xargs -r kill 2>/dev/null
	ip netns del "$NS_A"
	ip netns del "$NS_B"
	NS_A=${nf_saved[0]} NS_B=${nf_saved[1]} VETH_A=${nf_saved[2]} VETH_B=${nf_saved[3]}
	NETNS_INODE_A=${nf_saved[4]} NETNS_INODE_B=${nf_saved[5]} IFINDEX_A=${nf_saved[6]} IFINDEX_B=${nf_saved[7]}
}

# nf_lines T PORT: the trace's lines of the datagram from source port 4PORT, for a check's detail.
nf_lines() { grep -F ":4$2->" "$1" | head -8 | cut -c1-220 | tr '\n' '|'; }

scenario_netfilter() {
	local b=$1 kind fam a bb ra rb pf traw tmangle tnat table craw cmangle cnat chain cout rej t drop_via head
	for kind in nft native legacy; do
		t=$work/nf-$kind
		nf_pair_begin "$t.setup"
		nf_rules "$kind" >>"$t.setup" 2>&1
		trace_with nf_send "$t" --kprobe-backend "$b" --filter-trace-iptables --output-iptables
		nf_pair_end
		[ "$kind" = legacy ] &&
			check "$b nf-attach" 'grep -q "Attached [1-9][0-9]* probes to the netfilter table functions" "$t.err"' \
				"$(tr '\n' '|' <"$t.err")"
		traw=raw tmangle=mangle tnat=nat table=filter craw=PREROUTING cmangle=INPUT cnat=PREROUTING chain=INPUT
		cout=OUTPUT drop_via='via=return'
		if [ "$kind" = native ]; then
			traw=vtest tmangle=vtest tnat=vtest table=vtest
			craw=raw_pre cmangle=mangle_in cnat=nat_pre chain=filter_in cout=filter_out
		fi
		[ "$kind" = legacy ] || drop_via='via=kfree_skb\(SKB_DROP_REASON_NETFILTER_DROP\)'

		for fam in 4 6; do
			if [ $fam = 4 ]; then
				ra=$IP_A rb=$IP_B pf=PF_INET rej='icmp type=3 code=3'
				a=$ra bb=$rb
			else
				ra=$IP6_A rb=$IP6_B pf=PF_INET6 rej='icmp6 type=1 code=4'
				a="\[$ra\]" bb="\[$rb\]"
			fi
			head="pf=$pf table=$table chain=$chain hook=INPUT verdict"
			check "$b nf-$kind-ipv$fam-drop" 'grep -qE "$a:47001->$bb:7001\(udp\) $head=DROP .*$drop_via" "$t"' \
				"$(nf_lines "$t" 7001) $(tr '\n' '|' <"$t.setup") $(tr '\n' '|' <"$t.err")"
			check "$b nf-$kind-ipv$fam-reject" 'grep -qE "$a:47004->$bb:7004\(udp\) $head=DROP .*$drop_via" "$t"' \
				"$(nf_lines "$t" 7004)"
			check "$b nf-$kind-ipv$fam-accept" 'grep -qE "$a:47005->$bb:7005\(udp\) $head=ACCEPT .*via=return" "$t"' \
				"$(nf_lines "$t" 7005)"
			check "$b nf-$kind-ipv$fam-output" 'grep -qE "$rb->$ra\($rej\) pf=$pf table=$table chain=$cout hook=OUTPUT verdict=ACCEPT .*via=return" "$t"' \
				"$(grep -m4 'hook=OUTPUT' "$t" | tr '\n' '|')"

			check "$b nf-$kind-ipv$fam-raw-drop" \
				'grep -qE "$a:47002->$bb:7002\(udp\) pf=$pf table=$traw chain=$craw hook=PREROUTING verdict=DROP .*$drop_via" "$t"' \
				"$(nf_lines "$t" 7002)"
			# Dropped in PREROUTING, it never reaches INPUT: no table there, nor nf_hook_slow, reports it.
			check "$b nf-$kind-ipv$fam-raw-only" '! grep -qE "$a:47002->$bb:7002\(udp\) pf=$pf .*hook=INPUT" "$t"' \
				"$(nf_lines "$t" 7002)"
			check "$b nf-$kind-ipv$fam-raw-accept" \
				'grep -qE "$a:47003->$bb:7003\(udp\) pf=$pf table=$traw chain=$craw hook=PREROUTING verdict=ACCEPT .*via=return" "$t"' \
				"$(nf_lines "$t" 7003)"
			check "$b nf-$kind-ipv$fam-mangle-drop" \
				'grep -qE "$a:47003->$bb:7003\(udp\) pf=$pf table=$tmangle chain=$cmangle hook=INPUT verdict=DROP .*$drop_via" "$t"' \
				"$(nf_lines "$t" 7003)"
			check "$b nf-$kind-ipv$fam-mangle-accept" \
				'grep -qE "$a:47005->$bb:7005\(udp\) pf=$pf table=$tmangle chain=$cmangle hook=INPUT verdict=ACCEPT .*via=return" "$t"' \
				"$(nf_lines "$t" 7005)"
			# The nat table only binds the rewrite; the kernel applies it once the table has returned
			# (nf_nat_packet), so its own event still shows port 7006, the next tables 7016.
			check "$b nf-$kind-ipv$fam-nat" \
				'grep -qE "$a:47006->$bb:7006\(udp\) pf=$pf table=$tnat chain=$cnat hook=PREROUTING verdict=ACCEPT .*via=return" "$t"' \
				"$(nf_lines "$t" 7006)"
			check "$b nf-$kind-ipv$fam-nat-filter-drop" \
				'grep -qE "$a:47006->$bb:7016\(udp\) $head=DROP .*$drop_via" "$t"' \
				"$(nf_lines "$t" 7006)"
		done
	done
}
