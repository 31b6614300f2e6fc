#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Bad invocations: each must fail with one clear line on stderr
# ("vista: ..." naming the problem) and leave no BPF program or link loaded.
# Plus --help and --version, which must succeed.

# shellcheck source=tests/e2e/lib.sh
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

require_root
require_cmd bpftool jq setpriv timeout
require_vista

# One case a line: "ARGS => ERE". ARGS are shell words (quote as in a shell);
# a first word @nobody runs vista as the user nobody. The single line vista
# prints on stderr must match the extended regular expression ERE.
CASES=(
	"--foo                                     => (unknown|unrecognized).*--foo"
	"--filter-addr 300.1.1.1                   => 300\.1\.1\.1"
	"--filter-addr fe80::zz                    => fe80::zz"
	"--filter-port 70000                       => 70000"
	"--filter-port abc                         => abc"
	"--filter-port                             => --filter-port"
	"--filter-protocol sctpx                   => sctpx"
	"--filter-netns /proc/999999/ns/net        => 999999"
	"--filter-netns inode:abc                  => abc"
	"--filter-netns /etc/passwd                => not a network namespace"
	"--filter-ifname nosuchif0                 => nosuchif0"
	"--output-file /nonexistent-dir/out.txt    => out\.txt|nonexistent"
	"--output-file /tmp                        => directory"
	"--filter-skb-func '(unbalanced'           => regular expression|regex"
	"--filter-skb-func no_such_tracepoint_xyz  => [Nn]o .*match"
	"--filter-skb-func '((a{100}){100}){200}' => repetitions expand to more than 10000 elements"
	"--filter-skb-func 'ip_rcv++?++'           => nest more than 4 deep"
	"--filter-skb-func '((0{0}){10,}){200}'    => repeat what can match the empty string without end"
	"--filter-skb-func '(tcr|udp)*{,1128}'     => what can match the empty string without end or more than 100 times"
	"--filter-tcp-lifetime 5x                  => 5x"
	"--filter-skb-mark 0xzz                    => 0xzz"
	"--timestamp sometimes                     => sometimes"
	"--kprobe-backend bogus                    => bogus"
	"--kprobe-backend kprobe                   => kprobe.*(not available|unavailable|not supported)|(not available|unavailable|not supported).*kprobe"
	"--kprobe-backend fentry                   => fentry.*(not available|unavailable|not supported|refused)|(not available|unavailable|not supported|refused).*fentry"
	"--output-limit-lines -1                   => -1"
	"--filter-kprobe-batch 0                   => --filter-kprobe-batch"
	"--kernel-btf /nonexistent.btf             => /nonexistent\.btf"
	"--pcap-mode sideways                      => sideways"
	"'tcp port'                                => pcap-filter expression \"tcp port\": can't parse filter expression: syntax error"
	"'host 300.1.1.1'                          => invalid IPv4 address '300\.1\.1\.1'"
	"'(tcp or udp'                             => \"\(tcp or udp\": .*syntax error"
	"'tcp or udp)'                             => \"tcp or udp\)\": .*syntax error"
	"'frobnicate 80'                           => \"frobnicate 80\": .*syntax error"
	"--filter-file /nonexistent.filters        => /nonexistent\.filters"
	"--filter-file /tmp                        => /tmp.*directory"
	"--filter-file /dev/null                   => /dev/null.*regular file"
	"@nobody --output-limit-lines 1            => root|[Pp]rivilege"
)

NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# The user nobody must be able to run $VISTA: if its directory is closed to
# others, run a copy from a directory that is not.
NOBODY_VISTA=$VISTA
if ! "${NOBODY[@]}" test -x "$VISTA" 2>/dev/null; then
	nobody_dir=$(mktemp -d /tmp/vista-e2e-nobody.XXXXXX)
	at_exit "rm -rf '$nobody_dir'"
	chmod 755 "$nobody_dir"
	copy_programs "$nobody_dir" || BAIL_OUT "cannot copy vista for nobody"
	NOBODY_VISTA=$nobody_dir/vista
fi

# run_vista ARGS...: vista_run_expect_error, or as nobody after @nobody.
run_vista() {
	if [ "${1:-}" = @nobody ]; then
		shift
		run_capture "${NOBODY[@]}" "$NOBODY_VISTA" "$@"
	else
		vista_run_expect_error "$@"
	fi
}

# The one line on stderr, when there is exactly one non-empty line that ends
# with a newline and starts with "vista: ".
one_vista_line() {
	local f=$1 n
	n=$(awk 'END { print NR }' "$f")
	[ "$n" -eq 1 ] && [ -z "$(tail -c 1 "$f")" ] && grep -q '^vista: .' "$f"
}

for case in "${CASES[@]}"; do
	argstr=${case%% => *}
	argstr=${argstr%"${argstr##*[![:space:]]}"}
	ere=${case#* => }
	ere=${ere#"${ere%%[![:space:]]*}"}
	args=()
	eval "args=($argstr)"
	label="vista $argstr"

	before=$(bpf_vista_orphans)
	run_vista "${args[@]}"

	if [ "$RUN_STATUS" -ge 1 ] && [ "$RUN_STATUS" -le 123 ]; then
		pass "$label: exits with an error status"
	else
		fail "$label: exits with an error status" \
			"status $RUN_STATUS (0: success; 124: timed out; >128: killed by a signal)"
	fi

	if one_vista_line "$RUN_ERR_FILE"; then
		pass "$label: one line on stderr, starting with \"vista: \""
	else
		fail "$label: one line on stderr, starting with \"vista: \"" "stderr was:"
		diag_file "$RUN_ERR_FILE"
	fi

	like "$RUN_ERR" "$ere" "$label: the message matches /$ere/"

	after=$(bpf_vista_objects_settle "$before")
	if [[ $before =~ ^[0-9]+$ && $after =~ ^[0-9]+$ ]]; then
		new=$((after > before ? after - before : 0))
	else
		new="unknown (bpftool failed)"
	fi
	is "$new" 0 "$label: no vista BPF program or link left loaded"
done

# --help and --version succeed and print on stdout.
for runner in "" @nobody; do
	run_vista ${runner:+"$runner"} --help
	label="vista${runner:+ $runner} --help"
	is "$RUN_STATUS" 0 "$label: exits 0"
	like "$RUN_OUT" 'Usage:' "$label: prints Usage:"
	like "$RUN_OUT" '--filter-trace-skb' "$label: lists --filter-trace-skb"
	is "$RUN_ERR" "" "$label: prints nothing on stderr"
done

run_vista --version
is "$RUN_STATUS" 0 "vista --version: exits 0"
like "$(head -n 1 <<<"$RUN_OUT")" '^vista v?[0-9]+(\.[0-9]+)+' "vista --version: prints \"vista VERSION\""
is "$RUN_ERR" "" "vista --version: prints nothing on stderr"

done_testing
