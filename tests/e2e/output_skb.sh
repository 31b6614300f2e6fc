#!/usr/bin/env bash
# --output-skb: each skb event is followed by its struct sk_buff as the kernel prints it (bpf_snprintf_btf),
# in text and in JSON (skb_dump); a recording keeps it for --replay --output-skb; bad combinations refused.
. "$E2E_LIB"
require_root
require_cmd ip ping jq

ns_pair_setup
PING_ID=5151

# The dump that follows the first line of hook $2 in text output $1, up to its closing brace.
dump_after() {
	awk -v hook="$2" '
		!found && $0 ~ "^0x" && $0 ~ " " hook " " { found = 1; next }
		found && /^0x/ { exit }
		found { print; if ($0 == "}") exit }' "$1"
}

out=$tmpdir/skb
if vista_start "$out" --output-skb --output-meta --output-tuple --filter-netns "/run/netns/$NS_A" \
	--record "$tmpdir/skb.vrec" icmp and host "$IP_B"; then
	in_a ping -c 1 -W 2 -e "$PING_ID" "$IP_B" >/dev/null
	sleep 0.5
	vista_stop
	is "$VISTA_STATUS" 0 "vista --output-skb exits 0"
	line=$(grep -E "net_dev_start_xmit .*$IP_A->$IP_B\(icmp request id=$PING_ID seq=1\)" "$out" | head -1)
	like "$line" "len=98 " "the echo request leaves A as 98 bytes (14 + 20 + 64)"
	dump=$(dump_after "$out" net_dev_start_xmit)
	is "$(head -1 <<<"$dump")" "(struct sk_buff){" "the line is followed by the skb's struct"
	is "$(tail -1 <<<"$dump")" "}" "  which ends with its closing brace"
	like "$dump" '^ \.len = \(unsigned int\)98,$' "  .len is the packet's 98 bytes"
	like "$dump" '^ +\.protocol = \(__be16\)8,$' "  .protocol is ETH_P_IP in network order, printed as 8"
	like "$dump" '^ +\.dev = \(struct net_device \*\)0x[0-9a-f]+,$' "  .dev is a (hashed) pointer"
	like "$dump" '^ +\.network_header = \(__u16\)[0-9]+,$' "  with the header offsets"
	cmp_ok "$(grep -c '^(struct sk_buff){$' "$out")" -ge "$(grep -c '^0x' "$out")" "every event has its dump"

	# A replay with --output-skb prints the recorded dumps as live; without it, the lines alone.
	run_capture "$VISTA" --replay "$tmpdir/skb.vrec" --output-skb --output-meta --output-tuple
	is "$RUN_STATUS" 0 "replay --output-skb: exit 0"
	is "$(sed 1d <<<"$RUN_OUT" | md5sum)" "$(sed 1d "$out" | md5sum)" "replay --output-skb: the same lines and dumps"
	run_capture "$VISTA" --replay "$tmpdir/skb.vrec" --output-meta --output-tuple
	is "$(grep -c 'struct sk_buff' <<<"$RUN_OUT")" 0 "replay without --output-skb: no dumps"
	is "$(grep -c '^0x' <<<"$RUN_OUT")" "$(grep -c '^0x' "$out")" "  but every line"
fi

# JSON: the dump is the string field skb_dump.
out=$tmpdir/json
if vista_start "$out" --output-skb --output-json --output-tuple --filter-netns "/run/netns/$NS_A" icmp and host "$IP_B"; then
	in_a ping -c 1 -W 2 -e "$PING_ID" "$IP_B" >/dev/null
	sleep 0.5
	vista_stop
	is "$VISTA_STATUS" 0 "json: exit 0"
	ok "json: every line parses" jq -e . "$out"
	dump=$(jq -r "select(.func == \"net_dev_start_xmit\" and .icmp_id == $PING_ID) | .skb_dump" "$out" | head -40)
	is "$(head -1 <<<"$dump")" "(struct sk_buff){" "json: skb_dump holds the struct"
	like "$dump" '^ \.len = \(unsigned int\)98,$' "json: with .len 98"
	is "$(jq -r 'select(.skb_dump == null) | .func' "$out" | wc -l)" 0 "json: every skb event has skb_dump"
fi

# A recording made without --output-skb says so when a replay asks for it.
out=$tmpdir/plain
if vista_start "$out" --filter-netns "/run/netns/$NS_A" --record "$tmpdir/plain.vrec" icmp and host "$IP_B"; then
	in_a ping -c 1 -W 2 "$IP_B" >/dev/null
	sleep 0.5
	vista_stop
	run_capture "$VISTA" --replay "$tmpdir/plain.vrec" --output-skb
	is "$RUN_STATUS" 0 "replay --output-skb of a recording without dumps: exit 0"
	like "$RUN_ERR" "The recording was made without --output-skb: its events do not have those parts" \
		"  and a note says the dumps are not there"
fi

vista_run_expect_error --output-skb --output-flows
is "$RUN_ERR" "vista: --output-flows cannot be combined with --output-skb: a flow summary shows no skb" \
	"--output-skb --output-flows: one error line"
is "$(bpf_vista_objects_settle 0)" 0 "nothing left attached"
done_testing
