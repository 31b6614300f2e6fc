# shellcheck shell=bash disable=SC2016,SC2034,SC2154 # conditions are eval'd by check; vista, work, IP_* come from the runner
# SPDX-License-Identifier: GPL-2.0-only
#
# Kernel-matrix scenario: --filter-trace-iptables on each function backend,
# where vista watches the table functions themselves (ipt_do_table,
# ip6t_do_table, nft_do_chain, nf_hook_slow) and takes the verdict from
# their return value (via=return). See tests/e2e/kernel_backends.sh for the
# contract. For each of iptables-legacy, iptables-nft and native nftables,
# B's filter INPUT drops UDP port 7001, rejects 7004 and accepts 7005, over
# IPv4 and IPv6; one datagram from A to each port must be reported with the
# right table, chain, hook and verdict (a REJECT is a DROP verdict, and its
# ICMP reply passes filter OUTPUT). nf_tables frees what it drops itself,
# with the drop reason, and returns NF_STOLEN: its drops are reported with
# that reason (via=kfree_skb(SKB_DROP_REASON_NETFILTER_DROP)), the rest with
# via=return. tests/e2e/netfilter.sh checks the same on this machine's
# netfilter links.

SCENARIO_CHECKS+=(nf-attach)
for _k in legacy nft native; do
	for _f in 4 6; do
		SCENARIO_CHECKS+=("nf-$_k-ipv$_f-drop" "nf-$_k-ipv$_f-reject" "nf-$_k-ipv$_f-accept" "nf-$_k-ipv$_f-output")
	done
done
unset _k _f

# nf_rules KIND add|del: B's rules of one kind.
nf_rules() {
	local kind=$1 op=$2 ipt fam proto
	if [ "$kind" = native ]; then
		if [ "$op" = add ]; then
			in_b nft -f - <<'NFT'
table inet vtest {
	chain filter_in {
		type filter hook input priority filter;
		udp dport 7001 drop
		udp dport 7004 reject
		udp dport 7005 accept
	}
	chain filter_out { type filter hook output priority filter; meta l4proto { icmp, ipv6-icmp } accept; }
}
NFT
		else
			in_b nft delete table inet vtest
		fi
		return
	fi
	for fam in 4 6; do
		ipt=iptables proto=icmp
		[ $fam = 6 ] && ipt=ip6tables proto=ipv6-icmp
		ipt=$ipt-$kind
		if [ "$op" = add ]; then
			in_b "$ipt" -A OUTPUT -p "$proto" -j ACCEPT
			in_b "$ipt" -A INPUT -p udp --dport 7001 -j DROP
			in_b "$ipt" -A INPUT -p udp --dport 7004 -j REJECT
			in_b "$ipt" -A INPUT -p udp --dport 7005 -j ACCEPT
		else
			in_b "$ipt" -F INPUT
			in_b "$ipt" -F OUTPUT
		fi
	done
}

# nf_send: A sends one datagram to each port of B, over IPv4 and IPv6 (a trace_with workload).
nf_send() {
	local p
	for p in 7001 7004 7005; do
		in_a socat -u - "UDP4:$IP_B:$p,sourceport=4$p" <<<x 2>/dev/null
		in_a socat -u - "UDP6:[$IP6_B]:$p,sourceport=4$p" <<<x 2>/dev/null
	done
}

scenario_netfilter() {
	local b=$1 kind fam a bb ra rb pf table chain cout rej t drop_via
	for kind in legacy nft native; do
		t=$work/nf-$kind
		nf_rules "$kind" add
		trace_with nf_send "$t" --kprobe-backend "$b" --filter-trace-iptables --output-iptables
		nf_rules "$kind" del
		[ "$kind" = legacy ] &&
			check "$b nf-attach" 'grep -q "Attached [1-9][0-9]* probes to the netfilter table functions" "$t.err"' \
				"$(tr '\n' '|' <"$t.err")"
		table=filter chain=INPUT cout=OUTPUT drop_via='via=return'
		[ "$kind" = native ] && table=vtest chain=filter_in cout=filter_out
		[ "$kind" = legacy ] || drop_via='via=kfree_skb\(SKB_DROP_REASON_NETFILTER_DROP\)'

		for fam in 4 6; do
			if [ $fam = 4 ]; then
				ra=$IP_A rb=$IP_B pf=PF_INET rej='icmp type=3 code=3'
				a=$ra bb=$rb
			else
				ra=$IP6_A rb=$IP6_B pf=PF_INET6 rej='icmp6 type=1 code=4'
				a="\[$ra\]" bb="\[$rb\]"
			fi
			local head="pf=$pf table=$table chain=$chain hook=INPUT verdict"
			check "$b nf-$kind-ipv$fam-drop" 'grep -qE "$a:47001->$bb:7001\(udp\) $head=DROP .*$drop_via" "$t"' \
				"$(grep -m4 ':47001->' "$t" | tr '\n' '|') $(tr '\n' '|' <"$t.err")"
			check "$b nf-$kind-ipv$fam-reject" 'grep -qE "$a:47004->$bb:7004\(udp\) $head=DROP .*$drop_via" "$t"' \
				"$(grep -m4 ':47004->' "$t" | tr '\n' '|')"
			check "$b nf-$kind-ipv$fam-accept" 'grep -qE "$a:47005->$bb:7005\(udp\) $head=ACCEPT .*via=return" "$t"' \
				"$(grep -m4 ':47005->' "$t" | tr '\n' '|')"
			check "$b nf-$kind-ipv$fam-output" 'grep -qE "$rb->$ra\($rej\) pf=$pf table=$table chain=$cout hook=OUTPUT verdict=ACCEPT .*via=return" "$t"' \
				"$(grep -m4 'hook=OUTPUT' "$t" | tr '\n' '|')"
		done
	done
}
