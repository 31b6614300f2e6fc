#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bpf_vista_orphans (tests/shell/bpf_orphans.sh) and the benchmarks' checks
# built on it (bench/lib.sh): a vista that runs holds its programs, so
# another user's vista starting during a benchmark is no leak; a vista
# program that no process holds (pinned in bpffs here, as a leak would
# leave it) is one, and bench's leftover check says so.
# shellcheck source=tests/e2e/lib.sh
. "$E2E_LIB"
require_root
require_cmd bpftool jq
require_vista

BENCH_LIB=$(cd "$(dirname "$E2E_LIB")/../../bench" && pwd)/lib.sh
pin=/sys/fs/bpf/vista-orphans-test-$$
at_exit "rm -f '$pin'"
[ -d /sys/fs/bpf ] || skip_all "bpffs is not mounted on /sys/fs/bpf"

# bench_lib FUNCTION ARGS...: a function of bench/lib.sh, in a bash of its own
# (the library sets its own traps); see run_capture for what it sets.
bench_lib() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	run_capture bash -c '. "$1"; shift; "$@"' bench_lib "$BENCH_LIB" "$@"
}

before=$(bpf_vista_orphans)
like "$before" '^[0-9]+$' "bpf_vista_orphans prints a count"

vista_start "$tmpdir/out" --filter-addr 192.0.2.1 || BAIL_OUT "vista does not start"
mapfile -t ids < <(grep -hs '^prog_id:' "/proc/$VISTA_PID/fdinfo/"* | awk '{ print $2 }' | sort -un)
cmp_ok "${#ids[@]}" -gt 0 "vista holds BPF programs"
is "$(bpf_vista_orphans)" "$before" "the programs of a running vista are no orphans"

bench_lib bpf_leftover_check "$before"
is "$RUN_STATUS" 0 "bench's leftover check passes while another vista runs"
is "$RUN_ERR" "" "  and says nothing"
bench_lib bpf_progs_loaded "${ids[@]}"
is "$RUN_OUT" "${#ids[@]}" "bpf_progs_loaded counts the running vista's programs"

ok "one of its programs pinned in bpffs" bpftool prog pin id "${ids[0]}" "$pin"
vista_stop
is "$VISTA_STATUS" 0 "vista exits 0"
is "$(bpf_vista_objects_settle "$before")" "$((before + 1))" "the pinned program, which no process holds, is an orphan"
bench_lib bpf_progs_loaded "${ids[@]}"
is "$RUN_OUT" 1 "bpf_progs_loaded: only the pinned one of vista's programs is still loaded"

bench_lib bpf_leftover_check "$before"
is "$RUN_STATUS" 1 "bench's leftover check fails on it"
is "$RUN_ERR" "bench: error: 1 vista BPF program(s) or link(s) left loaded that no process holds" \
	"  with one line saying so"

rm -f "$pin"
is "$(bpf_vista_objects_settle "$before")" "$before" "unpinned, it is freed"
bench_lib bpf_leftover_check "$before"
is "$RUN_STATUS" 0 "bench's leftover check passes again"
bench_lib bpf_progs_loaded "${ids[@]}"
is "$RUN_OUT" 0 "bpf_progs_loaded: none of vista's programs is loaded"

done_testing
