#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vista's kprobe, kprobe-multi and fentry backends on stock Debian kernels,
# each booted under QEMU by tests/vm/run (this machine's kernel has no
# kprobes and refuses fentry). In each guest, for every backend that kernel
# offers, across a veth pair between two namespaces:
#   - a ping from A to B shows __dev_queue_xmit, ip_rcv and icmp_rcv with
#     the ping's tuple;
#   - with an iptables DROP rule in B, kfree_skb shows the netfilter drop
#     reason for the ping;
#   - a filter on an address nobody uses shows nothing;
#   - auto-detection picks the best backend and says so.
# The functions are narrowed with --filter-skb-func: attaching all ~1.5k
# skb functions takes minutes under emulation (bench/ measures that).

# Each kernel with its backends in vista's order of preference (auto-detection picks the first).
KERNELS=(
	'linux-image-6.1.0-*-amd64       fentry kprobe'
	'linux-image-6.12.*+deb12-amd64  kprobe-multi fentry kprobe'
)
FUNCS='__dev_queue_xmit|ip_rcv|icmp_rcv|ip_local_deliver|kfree_skb|consume_skb'

# ---------------------------------------------------------------- in the guest
# kernel_backends.sh --guest VISTA NETNS_LIB BACKEND...: prints "BACKEND CHECK ok|fail DETAIL" lines.
if [ "${1:-}" = --guest ]; then
	set -u
	vista=$2
	# shellcheck source=tests/shell/netns.sh
	. "$3"
	shift 3
	IP_A=10.199.0.1 IP_B=10.199.0.2 IP6_A=fd00:199::1 IP6_B=fd00:199::2
	netns_pair_create vista-kb echo >/dev/null || exit 1
	work=$(mktemp -d)

	# trace OUT ARGS...: vista with ARGS while A pings B twice.
	trace() {
		local out=$1 pid i
		shift
		rm -f "$work/ready"
		"$vista" --ready-file "$work/ready" --output-tuple "$@" >"$out" 2>"$out.err" </dev/null &
		pid=$!
		for ((i = 0; i < 900; i++)); do
			[ -e "$work/ready" ] && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		in_a ping -c 2 -i 0.3 -W 1 "$IP_B" >/dev/null 2>&1
		sleep 1
		kill -INT "$pid" 2>/dev/null
		wait "$pid"
		echo "status=$?" >>"$out.err"
	}
	check() { if eval "$2"; then echo "$1 ok"; else echo "$1 fail ${3:-}"; fi; }
	req="$IP_A->$IP_B(icmp request"

	for b in "$@"; do
		trace "$work/ping" --kprobe-backend "$b" --filter-addr "$IP_B" --filter-skb-func "$FUNCS"
		log=$(tr '\n' '|' <"$work/ping.err")
		check "$b ping-attach" 'grep -q "Using the $b backend (requested)" "$work/ping.err"' "$log"
		for f in __dev_queue_xmit ip_rcv icmp_rcv; do
			check "$b ping-$f" 'grep -qF " $f $req" "$work/ping"' "$(head -c 600 "$work/ping" | tr '\n' '|')"
		done
		in_b iptables -A INPUT -p icmp -j DROP
		trace "$work/drop" --kprobe-backend "$b" --filter-addr "$IP_B" --filter-skb-func "$FUNCS"
		in_b iptables -D INPUT -p icmp -j DROP
		check "$b drop-reason" 'grep -qF "kfree_skb(SKB_DROP_REASON_NETFILTER_DROP) $req" "$work/drop"' \
			"$(grep kfree_skb "$work/drop" | head -3 | tr '\n' '|')"
		trace "$work/none" --kprobe-backend "$b" --filter-addr 10.199.0.77 --filter-skb-func "$FUNCS"
		check "$b filter-negative" '[ "$(grep -c "icmp" "$work/none")" -eq 0 ] && grep -q "status=0" "$work/none.err"' \
			"$(tr '\n' '|' <"$work/none.err")"
	done
	trace "$work/auto" --filter-addr "$IP_B" --filter-skb-func "$FUNCS"
	echo "auto $(grep -o 'Using the [a-z-]* backend (auto-detected)' "$work/auto.err")"
	netns_cleanup
	exit 0
fi

# ---------------------------------------------------------------- on the host
# shellcheck source=tests/e2e/lib.sh
. "$E2E_LIB"
require_root
require_cmd qemu-system-x86_64 busybox cpio apt-get iptables
require_vista

self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
vm=$(cd "$(dirname "$0")/../vm" && pwd)
netns_lib=$(cd "$(dirname "$0")/../shell" && pwd)/netns.sh
vista=$(cd "$(dirname "$VISTA")" && pwd)/$(basename "$VISTA")
case $PWD/ in
/tmp/* | /run/* | /var/*) skip_all "the build directory $PWD is under /tmp, /run or /var, which the guest does not see" ;;
esac

for entry in "${KERNELS[@]}"; do
	read -r pattern backends <<<"$entry"
	E2E_RUN_TIMEOUT=900 run_capture "$vm/kernel-fetch" "$pattern"
	if [ "$RUN_STATUS" -ne 0 ]; then
		skip "$pattern cannot be had: ${RUN_ERR##*error: }" 1
		continue
	fi
	kver=$RUN_OUT
	# shellcheck disable=SC2086 # the backends are words
	E2E_RUN_TIMEOUT=960 run_capture "$vm/run" "linux-image-$kver" --timeout 900 -- \
		bash "$self" --guest "$vista" "$netns_lib" $backends
	is "$RUN_STATUS" 0 "$pattern: the guest ran the scenarios" || diag_file "$RUN_ERR_FILE"
	for b in $backends; do
		for c in ping-attach ping-__dev_queue_xmit ping-ip_rcv ping-icmp_rcv drop-reason filter-negative; do
			line=$(grep "^$b $c " "$RUN_OUT_FILE")
			like "$line" "^$b $c ok" "$pattern, $b: $c" || diag "$line"
		done
	done
	best=${backends%% *}
	like "$(grep '^auto ' "$RUN_OUT_FILE")" "Using the $best backend \(auto-detected\)" \
		"$pattern: auto-detection picks $best"
done
done_testing
