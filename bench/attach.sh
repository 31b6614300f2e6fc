#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck source-path=SCRIPTDIR/..
#
# Section: attach and detach of every skb function, per function backend,
# in stock Debian kernels booted under QEMU by tests/vm/run (this machine's
# kernel has no kprobes and refuses fentry).
#
# In each guest, for every backend the kernel offers, vista traces the skb
# functions whose names FUNCS matches (--filter-trace-skb --filter-skb-func)
# and the time from its start until its --ready-file exists (attach) and from
# SIGINT until it has exited (detach) is measured. The kprobe and fentry
# backends, which attach one kprobe or program per function, run with
# --filter-kprobe-batch 1 (one at a time) and 10 (the default). The guest is
# emulated (TCG): absolute times are far above a real machine's, so the table
# gives them per function and as ratios to the fastest backend of the same
# kernel. Why a subset, and one kernel: under TCG the fentry backend loads a
# program per function at about 1.5 s each (6.1, one at a time: 234 functions
# in 359 s), so all ~1.5k skb functions would take over half an hour per run;
# the per-function figures do not need them all, and `make bench` must stay
# under 15 minutes. 6.12 has all three function backends; the kernel matrix
# (tests/vm) proves them on 6.1 too.
#
#   bench/attach.sh                          as a section of bench/run (not in --quick)
#   bench/attach.sh --guest VISTA FUNCS BACKEND...
#                                            in the guest: "RESULT backend batch hooks attach_s detach_s status"
set -euo pipefail

# ---------------------------------------------------------------- in the guest
if [ "${1:-}" = --guest ]; then
	vista=$2
	funcs=$3
	shift 3
	work=$(mktemp -d)
	# one BACKEND BATCH: one measured run.
	one() {
		local b=$1 batch=$2 pid t0 t1 t2 i status=0 hooks
		rm -f "$work/ready"
		t0=${EPOCHREALTIME/./}
		"$vista" --kprobe-backend "$b" --filter-trace-skb --filter-skb-func "$funcs" --filter-kprobe-batch "$batch" \
			--filter-addr 192.0.2.1 --ready-file "$work/ready" --output-file /dev/null \
			>/dev/null 2>"$work/err" </dev/null &
		pid=$!
		for ((i = 0; i < 36000; i++)); do
			[ -e "$work/ready" ] && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		t1=${EPOCHREALTIME/./}
		kill -INT "$pid" 2>/dev/null
		wait "$pid" || status=$?
		t2=${EPOCHREALTIME/./}
		hooks=$(grep -o 'Attached [0-9]* hooks' "$work/err" | grep -o '[0-9]*' || echo 0)
		[ -e "$work/ready" ] || status="not-ready:$(tail -n 1 "$work/err" | tr ' ' '_')"
		awk -v b="$b" -v n="$batch" -v h="$hooks" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v s="$status" \
			'BEGIN { printf "RESULT %s %s %s %.3f %.3f %s\n", b, n, h, (t1 - t0) / 1e6, (t2 - t1) / 1e6, s }'
	}
	for b in "$@"; do
		case $b in
		kprobe | fentry)
			one "$b" 1
			one "$b" 10
			;;
		*) one "$b" 10 ;;
		esac
	done
	exit 0
fi

# ---------------------------------------------------------------- the section
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

bench_section_begin
vm=$(cd "$(dirname "$0")/../tests/vm" && pwd)
self=$(cd "$(dirname "$0")" && pwd)/attach.sh
# The functions measured: the skb functions of the UDP and ICMP layers (a few
# dozen), the same regex on every kernel.
FUNCS='(udp|icmp)_.*'
KERNELS=(
	'linux-image-6.12.*+deb12-amd64  kprobe-multi fentry kprobe'
)

md "### Attach and detach of every skb function (QEMU/TCG guests)"
md ""
if quick; then
	md "not measured: the TCG guests take several minutes per kernel; \`make bench\` measures it."
	exit 0
fi
require_cmd qemu-system-x86_64 busybox cpio apt-get
case $(dirname "$VISTA")/ in
/tmp/* | /run/* | /var/*)
	md "not measured: vista is built under /tmp, /run or /var, which the guest does not see."
	exit 0
	;;
esac
md "vista --filter-trace-skb --filter-skb-func '$FUNCS' (the hooks column counts them) in each guest."
md "Times under emulation (TCG), far above a real machine's: compare them per function and as ratios."
md "The ratio is to the fastest attach (or detach) of the same kernel."
md ""
md_header kernel backend batch hooks "attach s" "detach s" "attach ms/function" "detach ms/function" \
	"attach ratio" "detach ratio"
for entry in "${KERNELS[@]}"; do
	read -r pattern backends <<<"$entry"
	kver=$("$vm/kernel-fetch" "$pattern" 2>"$bench_tmp/fetch.err") || {
		md_row "$pattern" "not measured: $(tail -n 1 "$bench_tmp/fetch.err")" "" "" "" "" "" "" "" ""
		continue
	}
	# shellcheck disable=SC2086 # the backends are words
	"$vm/run" "linux-image-$kver" --timeout 3000 -- bash "$self" --guest "$VISTA" "$FUNCS" $backends \
		>"$bench_tmp/guest.out" 2>"$bench_tmp/guest.err" || {
		md_row "$kver" "not measured: the guest failed ($(tail -n 1 "$bench_tmp/guest.err"))" "" "" "" "" "" "" "" ""
		continue
	}
	cat "$bench_tmp/guest.out" >>"$BENCH_RAW"
	best_a=$(awk '$1 == "RESULT" && $7 == 0 { print $5 }' "$bench_tmp/guest.out" | sort -g | head -n 1)
	best_d=$(awk '$1 == "RESULT" && $7 == 0 { print $6 }' "$bench_tmp/guest.out" | sort -g | head -n 1)
	while read -r _ b batch hooks ta td status; do
		if [ "$status" != 0 ]; then
			md_row "$kver" "$b" "$batch" "$hooks" "not measured: $status" "" "" "" "" ""
			continue
		fi
		md_row "$kver" "$b" "$batch" "$hooks" "$(fmt "$ta" 1)" "$(fmt "$td" 1)" \
			"$(fmt "$(calc "$ta * 1000 / ($hooks > 0 ? $hooks : 1)")" 2)" \
			"$(fmt "$(calc "$td * 1000 / ($hooks > 0 ? $hooks : 1)")" 2)" \
			"$(fmt "$(calc "$ta / $best_a")" 2)" "$(fmt "$(calc "$td / $best_d")" 2)"
	done < <(grep '^RESULT ' "$bench_tmp/guest.out")
done
