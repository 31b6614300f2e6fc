#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vista's kprobe, kprobe-multi and fentry backends on stock Debian kernels,
# each booted under QEMU by tests/vm/run (this machine's kernel has no
# kprobes and refuses fentry). In each guest, for every backend that kernel
# offers, every scenario of tests/vm/scenarios/ runs across a veth pair
# between two namespaces; auto-detection must pick the best backend.
#
# A scenario file NAME.sh appends its check names to SCENARIO_CHECKS and
# defines scenario_NAME BACKEND, which runs vista with `trace OUT ARGS...`
# (vista with ARGS while A pings B twice; stderr in OUT.err) or with
# `trace_with WORKLOAD OUT ARGS...` (the function WORKLOAD OUT makes the traffic),
# and reports each check with `check "BACKEND CHECK" CONDITION [DETAIL]`.
# The host asserts every declared check of every backend, so a scenario
# that stops early fails rather than passing by silence.

# Each kernel with its backends in vista's order of preference (auto-detection picks the first).
KERNELS=(
	'linux-image-6.1.0-*-amd64       fentry kprobe'
	'linux-image-6.12.*+deb12-amd64  kprobe-multi fentry kprobe'
)
SCENARIO_CHECKS=()

# ---------------------------------------------------------------- in the guest
# kernel_backends.sh --guest VISTA NETNS_LIB SCENARIO_DIR BACKEND...: prints "BACKEND CHECK ok|fail DETAIL" lines.
if [ "${1:-}" = --guest ]; then
	set -u
	vista=$2
	# shellcheck source=tests/shell/netns.sh
	. "$3"
	scenario_dir=$4
	shift 4
	IP_A=10.199.0.1 IP_B=10.199.0.2 IP6_A=fd00:199::1 IP6_B=fd00:199::2
	netns_pair_create vista-kb echo >/dev/null || exit 1
	work=$(mktemp -d)

	# trace_with WORKLOAD OUT ARGS...: vista with ARGS (stdout in OUT, stderr and its
	# exit status in OUT.err) while the function WORKLOAD OUT makes the traffic.
	trace_with() {
		local workload=$1 out=$2 pid i
		shift 2
		rm -f "$work/ready"
		"$vista" --ready-file "$work/ready" --output-tuple "$@" >"$out" 2>"$out.err" </dev/null &
		pid=$!
		for ((i = 0; i < 900; i++)); do
			[ -e "$work/ready" ] && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		"$workload" "$out"
		sleep 1
		kill -INT "$pid" 2>/dev/null
		wait "$pid"
		echo "status=$?" >>"$out.err"
	}
	# shellcheck disable=SC2317 # called through trace_with
	ping_twice() { in_a ping -c 2 -i 0.3 -W 1 "$IP_B" >/dev/null 2>&1; }
	# trace OUT ARGS...: vista with ARGS while A pings B twice.
	trace() { trace_with ping_twice "$@"; }
	# shellcheck disable=SC2317 # called by the scenario files
	check() { if eval "$2"; then echo "$1 ok"; else echo "$1 fail ${3:-}"; fi; }

	scenarios=()
	for f in "$scenario_dir"/*.sh; do
		# shellcheck source=/dev/null
		. "$f"
		name=$(basename "$f" .sh)
		scenarios+=("$name")
	done
	for b in "$@"; do
		for name in "${scenarios[@]}"; do
			"scenario_$name" "$b"
		done
	done
	trace "$work/auto" --filter-addr "$IP_B" --filter-skb-func "${SKB_FUNCS:-ip_rcv}"
	echo "auto $(grep -o 'Using the [a-z-]* backend (auto-detected)' "$work/auto.err")"
	netns_cleanup
	exit 0
fi

# ---------------------------------------------------------------- on the host
# shellcheck source=tests/e2e/lib.sh
. "$E2E_LIB"
require_root
require_cmd qemu-system-x86_64 busybox cpio apt-get tc iptables iptables-legacy ip6tables-legacy iptables-nft ip6tables-nft nft socat
require_vista

self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
vm=$(cd "$(dirname "$0")/../vm" && pwd)
netns_lib=$(cd "$(dirname "$0")/../shell" && pwd)/netns.sh
scenario_dir=$vm/scenarios
for f in "$scenario_dir"/*.sh; do
	# shellcheck source=/dev/null
	. "$f" # on the host only for SCENARIO_CHECKS
done
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
	# 13 minutes in all on an idle machine; a busy one (other guests) took 15 for 6.12 alone: room for that.
	E2E_RUN_TIMEOUT=1260 run_capture "$vm/run" "linux-image-$kver" --timeout 1200 -- \
		bash "$self" --guest "$vista" "$netns_lib" "$scenario_dir" $backends
	is "$RUN_STATUS" 0 "$pattern: the guest ran the scenarios" || diag_file "$RUN_ERR_FILE"
	for b in $backends; do
		for c in "${SCENARIO_CHECKS[@]}"; do
			line=$(grep "^$b $c " "$RUN_OUT_FILE")
			like "$line" "^$b $c ok" "$pattern, $b: $c" || diag "$line"
		done
	done
	best=${backends%% *}
	like "$(grep '^auto ' "$RUN_OUT_FILE")" "Using the $best backend \(auto-detected\)" \
		"$pattern: auto-detection picks $best"
done
done_testing
