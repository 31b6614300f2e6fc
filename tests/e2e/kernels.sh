#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel matrix: vista on stock Debian kernels, each booted under QEMU
# by tests/vm/run. In each guest: uname -r is that kernel; vista (its
# tracepoint backend there) traces a ping of 127.0.0.1; tests/vm/probe_attach
# says which BPF program types attach and which features load, and the
# answers are those of the table below (measured, see
# shared/notes/kernel-lab.md). Then the harness's own failures: each is one
# line and exit status 125 (124 for a timeout).
#
# Skipped when QEMU is missing, or when a kernel is neither cached nor
# downloadable (no network, no apt lists). The kernels and the initramfs are
# cached in $VISTA_VM_CACHE (default /var/cache/vista-vm): a run with a
# warm cache boots each kernel once, ~5 s, and takes ~1 min in all.

# One kernel a line: the package (a * stands for a version number: the
# newest apt-cache knows is used), then what probe_attach must answer there.
KERNEL_MATRIX=(
	'linux-image-6.1.0-*-amd64       kprobe=yes kprobe.multi=no  fentry=yes tp_btf=yes netfilter=no  ringbuf=yes bpf_loop=yes atomic_fetch=yes'
	'linux-image-6.12.*+deb12-amd64  kprobe=yes kprobe.multi=yes fentry=yes tp_btf=yes netfilter=yes ringbuf=yes bpf_loop=yes atomic_fetch=yes'
)

# ---------------------------------------------------------------- in the guest
# kernels.sh --guest VISTA PROBE_ATTACH: what runs inside each guest. Prints
# "key: value" lines for the host to check; exits 0 unless it could not run.
if [ "${1:-}" = --guest ]; then
	set -u
	vista=$2 probe=$3
	work=$(mktemp -d) || exit 1
	echo "uname: $(uname -r)"
	"$vista" --kprobe-backend tracepoint --filter-addr 127.0.0.1 --output-limit-lines 4 --output-tuple --ready-file "$work/ready" \
		>"$work/out" 2>"$work/err" </dev/null &
	pid=$!
	for ((i = 0; i < 600; i++)); do # up to 60 s: ASan under emulation is slow to start
		[ -e "$work/ready" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	# Pings until vista has its 4 lines and exits (10 s at most).
	for ((i = 0; i < 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1
		sleep 0.5
	done
	kill -INT "$pid" 2>/dev/null
	status=0
	wait "$pid" || status=$?
	echo "vista-status: $status"
	sed 's/^/vista-out: /' "$work/out"
	sed 's/^/vista-err: /' "$work/err"
	"$probe" | sed 's/^/probe: /'
	echo "probe-status: ${PIPESTATUS[0]}"
	exit 0
fi

# ---------------------------------------------------------------- on the host
# shellcheck source=tests/e2e/lib.sh
. "$E2E_LIB"
require_root
require_cmd qemu-system-x86_64 busybox cpio apt-get
require_vista

self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
vm=$(cd "$(dirname "$0")/../vm" && pwd)
probe=$(cd "$(dirname "$VISTA")" && pwd)/tests/vm/probe_attach
vista=$(cd "$(dirname "$VISTA")" && pwd)/$(basename "$VISTA")
[ -x "$probe" ] || BAIL_OUT "$probe is not built (make check builds it)"
case $PWD/ in
/tmp/* | /run/* | /var/*) skip_all "the build directory $PWD is under /tmp, /run or /var, which the guest does not see" ;;
esac

# field LINES KEY: the value of the first "KEY: value" line.
field() { sed -n "s/^$2: //p" <<<"$1" | head -n 1; }

# Fetches every kernel first: one that cannot be had skips the whole test.
# kernel-fetch prints the kernel release; the package is linux-image-KVER.
kvers=()
for entry in "${KERNEL_MATRIX[@]}"; do
	read -r pattern _ <<<"$entry"
	E2E_RUN_TIMEOUT=900 run_capture "$vm/kernel-fetch" "$pattern"
	if [ "$RUN_STATUS" -ne 0 ]; then
		case $RUN_ERR in
		*"apt-get download"*"failed"* | *"apt-cache knows no installable package"*)
			skip_all "kernel $pattern cannot be had: ${RUN_ERR##*error: }"
			;;
		esac
		BAIL_OUT "tests/vm/kernel-fetch $pattern failed (status $RUN_STATUS): $RUN_ERR"
	fi
	kvers+=("$RUN_OUT")
done

for i in "${!KERNEL_MATRIX[@]}"; do
	read -r pattern want <<<"${KERNEL_MATRIX[i]}"
	kver=${kvers[i]}
	# The release the pattern stands for: linux-image-6.1.0-*-amd64 -> 6.1.0-[0-9.]+-amd64.
	kver_ere=$(printf '%s' "${pattern#linux-image-}" | sed -e 's/[.+]/\\&/g' -e 's/\*/[0-9.]+/g')
	like "$kver" "^$kver_ere\$" "$pattern resolves to a kernel of that series ($kver)"

	started=$(date +%s)
	E2E_RUN_TIMEOUT=300 run_capture "$vm/run" "linux-image-$kver" --timeout 240 -- \
		bash "$self" --guest "$vista" "$probe"
	if ! is "$RUN_STATUS" 0 "$kver: the guest boots and runs the checks"; then
		diag_file "$RUN_ERR_FILE"
		continue
	fi
	diag "$kver: $(($(date +%s) - started)) s in all, boot included"
	out=$RUN_OUT

	# (a) the kernel
	is "$(field "$out" uname)" "$kver" "$kver: uname -r in the guest"

	# (b) vista, on the tracepoint backend of that kernel
	vout=$(sed -n 's/^vista-out: //p' <<<"$out")
	verr=$(sed -n 's/^vista-err: //p' <<<"$out")
	diag "$kver: $(grep -m 1 'Using the' <<<"$verr")"
	is "$(field "$out" vista-status)" 0 "$kver: vista exits 0 after its 4 lines" || diag "$verr"
	is "$(grep -c '127\.0\.0\.1->127\.0\.0\.1(icmp request id=[0-9]* seq=[0-9]*)$' <<<"$vout")" 4 \
		"$kver: vista prints 4 events of the ping's requests" || diag "$vout"
	like "$vout" '^0x[0-9a-f]+ +[0-9]+ +\[ping\([0-9]+\)\] +net_dev_start_xmit 127\.0\.0\.1->127\.0\.0\.1\(icmp request id=[0-9]+ seq=1\)$' \
		"$kver: one of them at net_dev_start_xmit, the first ping's"
	like "$verr" 'Printed 4 events, exiting program\.\.$' "$kver: vista says it printed 4 events"

	# (c) what attaches there
	is "$(field "$out" probe-status)" 0 "$kver: probe_attach runs"
	for fw in $want; do
		feature=${fw%%=*}
		got=$(field "$out" "probe: $feature")
		if [ "${fw#*=}" = yes ]; then
			is "$got" yes "$kver: $feature attaches/loads"
		else
			like "$got" '^no \(.+\)$' "$kver: $feature does not, and probe_attach says why ($got)"
		fi
	done
done

# ---------------------------------------------------------------- the harness's failures
# Each is one line on stderr and status 125 (124: timeout), so a test can
# tell "the VM broke" from "the command failed". The results directories
# they keep go into $tmpdir, removed at exit.
kver=${kvers[-1]}
kver_re=${kver//./\\.}
kver_re=${kver_re//+/\\+}
export TMPDIR=$tmpdir

# harness_error STATUS ERE DESC CMD...: CMD exits STATUS with one line matching ERE.
harness_error() {
	local status=$1 ere=$2 desc=$3
	shift 3
	# Not run_capture: its "timed out" note would be wrong for the 124 of tests/vm/run.
	RUN_OUT_FILE=$tmpdir/harness.out RUN_ERR_FILE=$tmpdir/harness.err RUN_STATUS=0
	timeout -k 5 120 "$@" >"$RUN_OUT_FILE" 2>"$RUN_ERR_FILE" </dev/null || RUN_STATUS=$?
	RUN_OUT=$(cat "$RUN_OUT_FILE")
	RUN_ERR=$(cat "$RUN_ERR_FILE")
	is "$RUN_STATUS" "$status" "$desc: exit status $status"
	is "$(wc -l <"$RUN_ERR_FILE")" 1 "$desc: one line on stderr" || diag_file "$RUN_ERR_FILE"
	like "$RUN_ERR" "$ere" "$desc: says why"
	is "$RUN_OUT" "" "$desc: nothing on stdout"
}

harness_error 125 '^run: error: usage: tests/vm/run KERNEL_PKG ' "run with no arguments" "$vm/run"
harness_error 125 "^run: error: no COMMAND after -- " "run with no command" "$vm/run" "linux-image-$kver" --
harness_error 125 "^run: error: --timeout wants a positive whole number, not 'soon'$" "run --timeout soon" \
	"$vm/run" "linux-image-$kver" --timeout soon -- true
harness_error 125 "^run: error: unknown option '--fast' " "run --fast" "$vm/run" "linux-image-$kver" --fast -- true
harness_error 125 "^run: error: 'vmlinuz' is not a Debian kernel image package \(linux-image-\.\.\.\)$" \
	"run vmlinuz" "$vm/run" vmlinuz -- true
harness_error 125 "^kernel-fetch: error: apt-cache knows no installable package matching 'linux-image-0\.0\.\*-amd64' " \
	"kernel-fetch of a pattern nothing matches" "$vm/kernel-fetch" 'linux-image-0.0.*-amd64' "$tmpdir/k0"
mkdir -p "$tmpdir/notakernel" && touch "$tmpdir/notakernel/precious"
harness_error 125 "^kernel-fetch: error: $tmpdir/notakernel exists and is not a kernel tree unpacked by kernel-fetch: refusing to replace it$" \
	"kernel-fetch into a foreign directory" "$vm/kernel-fetch" "linux-image-$kver" "$tmpdir/notakernel"
ok "and leaves it alone" test -f "$tmpdir/notakernel/precious"
# shellcheck disable=SC2016 # $1 and $@ are bash -c's
harness_error 125 "^run: error: the working directory $tmpdir is not visible in the guest " \
	"run from /tmp" bash -c 'cd "$1" && shift && exec "$@"' - "$tmpdir" "$vm/run" "linux-image-$kver" -- true
harness_error 125 "^run: error: QEMU failed \(status 1\): .*cannot set up guest memory" \
	"QEMU that cannot start" "$vm/run" "linux-image-$kver" --memory 999999 -- true
harness_error 125 "^run: error: the guest \($kver_re\) did not run the command: Kernel panic - not syncing: .* \(console log: $tmpdir/vista-vm\.[^/]+/console\.log\)$" \
	"a guest that panics" "$vm/run" "linux-image-$kver" --append rdinit=/nonexistent -- true
harness_error 124 "^run: error: the guest \($kver_re\) did not finish within 2 s and was killed \(console log: " \
	"a guest that hangs" "$vm/run" "linux-image-$kver" --timeout 2 -- sleep 600
harness_error 2 "^probe_attach: unknown feature 'kprobe\.single' \(known: kprobe kprobe\.multi fentry tp_btf netfilter ringbuf bpf_loop atomic_fetch\)$" \
	"probe_attach kprobe.single" "$probe" kprobe.single

# Stopped by a signal (a test's own timeout, Ctrl-C), it stops the guest too:
# QEMU runs in a process group of its own, which the signal does not reach.
"$vm/run" "linux-image-$kver" -- sleep 600 >"$tmpdir/sig.out" 2>"$tmpdir/sig.err" </dev/null &
run_pid=$!
track_pid "$run_pid"
for ((i = 0; i < 100; i++)); do
	pgrep -f "qemu-system-x86_64 .*$tmpdir/vista-vm" >/dev/null && break
	sleep 0.1
done
kill -TERM "$run_pid"
sig_status=0
wait "$run_pid" || sig_status=$?
is "$sig_status" 143 "run stopped by SIGTERM: exit status 128+15"
is "$(cat "$tmpdir/sig.err")" "run: error: stopped by SIGTERM; the guest was stopped too" "and says so"
if pgrep -f "qemu-system-x86_64 .*$tmpdir/vista-vm" >/dev/null; then
	fail "and QEMU is gone" "$(pgrep -af "qemu-system-x86_64 .*$tmpdir/vista-vm")"
else
	pass "and QEMU is gone"
fi

# And the command's own status and streams come through as they are.
E2E_RUN_TIMEOUT=120 run_capture "$vm/run" "linux-image-$kver" -- sh -c 'echo out; echo err >&2; exit 7'
is "$RUN_STATUS" 7 "run exits with the command's status"
is "$RUN_OUT" out "the command's stdout on stdout"
is "$RUN_ERR" err "the command's stderr on stderr"
done_testing
