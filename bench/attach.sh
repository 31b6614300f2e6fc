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
#   bench/attach.sh --guest VISTA FUNCS ONE BACKEND...
#                     in the guest: "RESULT backend batch hooks attach_s detach_s status" for FUNCS,
#                     and for the single function ONE (the fixed cost: start-up, templates, exit)
set -euo pipefail

# ---------------------------------------------------------------- in the guest
if [ "${1:-}" = --guest ]; then
	vista=$2
	funcs=$3
	single=$4
	shift 4
	work=$(mktemp -d)
	# one BACKEND BATCH REGEX TAG: one measured run, printed as "TAG backend batch ...".
	one() {
		local b=$1 batch=$2 regex=$3 tag=$4 pid t0 t1 t2 i status=0 hooks
		rm -f "$work/ready"
		t0=${EPOCHREALTIME/./}
		"$vista" --kprobe-backend "$b" --filter-trace-skb --filter-skb-func "$regex" --filter-kprobe-batch "$batch" \
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
		awk -v tag="$tag" -v b="$b" -v n="$batch" -v h="$hooks" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v s="$status" \
			'BEGIN { printf "%s %s %s %s %.3f %.3f %s\n", tag, b, n, h, (t1 - t0) / 1e6, (t2 - t1) / 1e6, s }'
	}
	for b in "$@"; do
		one "$b" 10 "$single" SINGLE
		case $b in
		kprobe | fentry)
			one "$b" 1 "$funcs" RESULT
			one "$b" 10 "$funcs" RESULT
			;;
		*) one "$b" 10 "$funcs" RESULT ;;
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
# The functions measured: the skb functions of the IP and ICMP layers (about
# a hundred), the same regex on every kernel; and one of them alone, whose run
# is the fixed cost (start-up, the templates, exit) the per-function figures
# leave out.
FUNCS='(ip|icmp)_.*'
SINGLE=ip_rcv
KERNELS=(
	'linux-image-6.12.*+deb12-amd64  kprobe-multi fentry kprobe'
)

md "## 8. Attach and detach per function backend (QEMU/TCG guests)"
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
md "vista --filter-trace-skb --filter-skb-func '$FUNCS' (the hooks column counts them) in each guest," \
	"and the same with --filter-skb-func $SINGLE alone (the fixed cost: start-up, templates, exit)." \
	"Attach: exec until the --ready-file exists; detach: SIGINT until vista has exited." \
	"Times under emulation (TCG), far above a real machine's: compare them per function and as ratios." \
	"Per function: (time - the one-function run's time of the same backend) / (hooks - its hooks)." \
	"The ratio is of the per-function figures, to the lowest of the same kernel." ""
md_header kernel backend batch hooks "attach s" "detach s" "attach ms/function" "detach ms/function" \
	"attach ratio" "detach ratio"
for entry in "${KERNELS[@]}"; do
	read -r pattern backends <<<"$entry"
	kver=$("$vm/kernel-fetch" "$pattern" 2>"$bench_tmp/fetch.err") || {
		md_row "$pattern" "not measured: $(tail -n 1 "$bench_tmp/fetch.err")" "" "" "" "" "" "" "" ""
		continue
	}
	# shellcheck disable=SC2086 # the backends are words
	"$vm/run" "linux-image-$kver" --timeout 3000 -- bash "$self" --guest "$VISTA" "$FUNCS" "$SINGLE" $backends \
		>"$bench_tmp/guest.out" 2>"$bench_tmp/guest.err" || {
		md_row "$kver" "not measured: the guest failed ($(tail -n 1 "$bench_tmp/guest.err"))" "" "" "" "" "" "" "" ""
		continue
	}
	cat "$bench_tmp/guest.out" >>"$BENCH_RAW"
	# Per function, above the backend's one-function run: "backend batch hooks attach detach ms_a ms_d".
	awk '$1 == "SINGLE" && $7 == 0 { h[$2] = $4; a[$2] = $5; d[$2] = $6 }
		$1 == "RESULT" && $7 == 0 && ($2 in h) && $4 > h[$2] {
			printf "%s %s %s %s %s %.3f %.3f\n", $2, $3, $4, $5, $6,
				($5 - a[$2]) * 1000 / ($4 - h[$2]), ($6 - d[$2]) * 1000 / ($4 - h[$2]) }' \
		"$bench_tmp/guest.out" >"$bench_tmp/per_function"
	best_a=$(awk '{ print $6 }' "$bench_tmp/per_function" | sort -g | head -n 1)
	best_d=$(awk '{ print $7 }' "$bench_tmp/per_function" | sort -g | head -n 1)
	while read -r tag b batch hooks ta td status; do
		if [ "$status" != 0 ]; then
			md_row "$kver" "$b" "$batch" "$hooks" "not measured: $status" "" "" "" "" ""
		elif [ "$tag" = SINGLE ]; then
			md_row "$kver" "$b" "$batch" "$hooks ($SINGLE)" "$(fmt "$ta" 1)" "$(fmt "$td" 1)" "-" "-" "-" "-"
		elif read -r _ _ _ _ _ pa pd < <(awk -v b="$b" -v n="$batch" '$1 == b && $2 == n' "$bench_tmp/per_function") &&
			[ -n "$pa" ]; then
			md_row "$kver" "$b" "$batch" "$hooks" "$(fmt "$ta" 1)" "$(fmt "$td" 1)" "$(fmt "$pa" 2)" "$(fmt "$pd" 2)" \
				"$(fmt "$(calc "$pa / $best_a")" 2)" "$(fmt "$(calc "$pd / ($best_d > 0 ? $best_d : 1)")" 2)"
		else
			md_row "$kver" "$b" "$batch" "$hooks" "$(fmt "$ta" 1)" "$(fmt "$td" 1)" \
				"not measured: the one-function run failed" "" "" ""
		fi
	done < <(grep -E '^(SINGLE|RESULT) ' "$bench_tmp/guest.out")
done
