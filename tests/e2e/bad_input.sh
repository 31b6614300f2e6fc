#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The bad input table (issue 11): options, pcap expressions, the filter
# command language, filter files, recordings, netns paths, interface names,
# durations, marks, sizes, missing privileges and missing kernel features,
# given to vista and to vista-top (whose errors come before its screen
# starts: its in-screen errors are the TUI tests'). Every case must exit
# with an error status, print nothing on stdout and exactly one line on
# stderr, "PROG: " and the message the row expects, and leave no vista BPF
# program or link behind. tests/e2e/cli_errors.sh has more rows of the same
# kind; none is repeated here.

# shellcheck source=tests/e2e/lib.sh
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

require_root
require_cmd bpftool jq setpriv timeout mkfifo truncate
require_vista
: "${VISTA_TOP:=$(dirname "$VISTA")/vista-top}"
: "${BTF_HIDE:=$(dirname "$0")/btf_hide}"
[ -x "$VISTA_TOP" ] && [ -x "$BTF_HIDE" ] || BAIL_OUT "VISTA_TOP/BTF_HIDE are not built: run make check"
CORPUS=$(cd "$(dirname "${E2E_LIB:-$0}")/../fuzz/corpus/record_reader" && pwd) || BAIL_OUT "no seed recordings"

# ---------------------------------------------------------------- fixtures
# Two namespaces, each with one end of a veth: an interface that exists, but in the other one.
ns_pair_setup
# Everything a row names lives in $F, open to the user nobody (the rows that
# run as nobody need to reach it).
F=$tmpdir/f
mkdir -p "$F" && chmod 755 "$tmpdir" "$F"

# Kernel descriptions: one that is not BTF, an empty one, and real ones
# without a tracepoint (how a test shows vista an older kernel).
head -c 4096 /dev/zero | tr '\0' 'x' >"$F/corrupt.btf"
: >"$F/empty.btf"
"$BTF_HIDE" /sys/kernel/btf/vmlinux "$F/no-state.btf" btf_trace_inet_sock_set_state >/dev/null &&
	"$BTF_HIDE" /sys/kernel/btf/vmlinux "$F/no-kfree.btf" btf_trace_kfree_skb >/dev/null ||
	BAIL_OUT "btf_hide cannot write kernel descriptions without some tracepoints"

# Filter files.
printf 'port 80\nprot tcp\n' >"$F/unknown-command.f"
printf "addr 10.0.0.1\nfunc 'kfree_skb\n" >"$F/unterminated.f"
printf 'port 80\nport 99999\n' >"$F/bad-port.f"
printf 'addr 10.0.0.1\n\0\n' >"$F/nul.f"
{ echo 'port 80'; printf 'pcap %02000d\n' 0; } >"$F/long-line.f"
truncate -s 2M "$F/huge.f"
mkfifo "$F/fifo.f"
printf 'netns /nonexistent/ns\n' >"$F/bad-netns.f"
printf "pcap 'tcp port'\n" >"$F/bad-pcap.f"
printf 'mark 0x100/0xff\n' >"$F/bad-mark.f"
printf 'port 80\n' >"$F/secret.f" && chmod 600 "$F/secret.f"

# Recordings, damaged in each way the reader tells apart: from a real one.
good=$CORPUS/tcp.vrec
cp "$good" "$F/good.vrec"
head -c 30 "$good" >"$F/cut-info.vrec"
head -c 10 "$good" >"$F/cut-header.vrec"
cp "$good" "$F/version2.vrec" && printf '\002' | dd of="$F/version2.vrec" bs=1 seek=8 conv=notrunc status=none
# The first record after INFO starts at 16 + 8 + INFO's length (a u32 at byte 20).
info_len=$(od -An -tu4 -j20 -N4 "$good" | tr -d ' ')
second=$((16 + 8 + info_len))
cp "$good" "$F/bad-length.vrec" && printf '\377\377\377\177' | dd of="$F/bad-length.vrec" bs=1 seek=$((second + 4)) conv=notrunc status=none
cp "$good" "$F/secret.vrec" && chmod 600 "$F/secret.vrec"

# ---------------------------------------------------------------- the table
# One case a line: "PROG ARGS => ERE". PROG is vista or vista-top, or
# @nobody-vista, @nobody-vista-top to run it as the user nobody. ARGS are
# shell words (eval'ed: $F names the fixtures). The one line on stderr must
# match ERE (anchored by the row).
CASES=(
	# Options and their values.
	'vista -x => ^vista: unknown shorthand flag: '"'"'x'"'"' in -x$'
	'vista --filter-addr => ^vista: flag needs an argument: --filter-addr$'
	'vista --filter-addr 10.0.0.1/24 => ^vista: invalid argument "10\.0\.0\.1/24" for "--filter-addr" flag: not an IPv4 or IPv6 address$'
	'vista --filter-port 65536 => ^vista: invalid argument "65536" for "--filter-port" flag: value out of range \(max 65535\)$'
	'vista --filter-port -1 => ^vista: invalid argument "-1" for "--filter-port" flag: invalid syntax$'
	'vista --version=foo => ^vista: invalid argument "foo" for "--version" flag: invalid syntax$'
	'vista --help=yes => ^vista: invalid argument "yes" for "--help" flag: invalid syntax$'
	'vista --timestamp= => ^vista: invalid argument "" for "--timestamp" flag: want none, relative or absolute$'
	'vista --filter-trace-skb --replay $F/good.vrec => ^vista: --filter-trace-skb cannot be used with --replay: a replay traces nothing, it prints a recording$'
	'vista --filter-trace-xdp => ^vista: --filter-trace-xdp needs fentry programs on BPF programs: this kernel refuses fentry programs \(Operation not permitted\)$'
	'vista --kmods foo => ^vista: --kmods: no loaded kernel module "foo" has BTF \(/sys/kernel/btf/foo: No such file or directory\)$'
	'vista --pcap-file $F/x.pcapng --pcap-mode entry,exit --filter-trace-tc => ^vista: --filter-trace-tc needs fentry programs on BPF programs: this kernel refuses fentry programs \(Operation not permitted\)$'
	'vista --pcap-file $F/x.pcap --pcap-mode exit --replay $F/good.vrec => ^vista: --pcap-mode cannot be used with --replay: a replay traces nothing, it prints a recording$'
	'vista --pcap-mode entry --filter-trace-xdp => ^vista: --pcap-mode has no effect without --pcap-file$'
	'vista --pcap-file $F/x.pcap --pcap-mode exit --filter-trace-skb => ^vista: --pcap-mode has no effect without --filter-trace-xdp or --filter-trace-tc$'
	'vista --output-skb --output-flows => ^vista: --output-flows cannot be combined with --output-skb: a flow summary shows no skb$'
	'vista --output-tcp => ^vista: --output-tcp has no effect without --filter-trace-tcp$'
	# Durations.
	'vista --filter-trace-tcp --filter-tcp-lifetime -1s => ^vista: invalid argument "-1s" for "--filter-tcp-lifetime" flag: negative duration "-1s"$'
	'vista --filter-trace-tcp --filter-tcp-lifetime 10 => ^vista: invalid argument "10" for "--filter-tcp-lifetime" flag: missing unit in duration "10"$'
	'vista --filter-trace-tcp --filter-tcp-lifetime 99999999999h => ^vista: invalid argument "99999999999h" for "--filter-tcp-lifetime" flag: duration out of range "99999999999h"$'
	'vista --filter-trace-tcp --filter-tcp-lifetime= => ^vista: invalid argument "" for "--filter-tcp-lifetime" flag: invalid duration ""$'
	'vista-top --filter-tcp-lifetime 3parsecs => ^vista-top: invalid argument "3parsecs" for "--filter-tcp-lifetime" flag: unknown unit "parsecs" in duration "3parsecs"$'
	# Marks.
	'vista --filter-skb-mark 0x100/0xff => ^vista: invalid argument "0x100/0xff" for "--filter-skb-mark" flag: mark 0x100 has bits outside mask 0xff$'
	'vista --filter-skb-mark 1/x => ^vista: invalid argument "1/x" for "--filter-skb-mark" flag: invalid mask: invalid syntax$'
	'vista --filter-skb-mark 4294967296 => ^vista: invalid argument "4294967296" for "--filter-skb-mark" flag: value out of range \(max 4294967295\)$'
	'vista --filter-sk-mark -5 => ^vista: invalid argument "-5" for "--filter-sk-mark" flag: invalid syntax$'
	'vista --filter-sk-mark abc => ^vista: invalid argument "abc" for "--filter-sk-mark" flag: invalid syntax$'
	# Sizes and counts.
	'vista --output-limit-lines abc => ^vista: invalid argument "abc" for "--output-limit-lines" flag: invalid syntax$'
	'vista --output-limit-lines 18446744073709551616 => ^vista: invalid argument "18446744073709551616" for "--output-limit-lines" flag: value out of range \(max 18446744073709551615\)$'
	'vista --ring-buffer-size 1000 => ^vista: invalid argument "1000" for "--ring-buffer-size" flag: must be a power of two of at least the page size \(4096\)$'
	'vista --ring-buffer-size 0 => ^vista: invalid argument "0" for "--ring-buffer-size" flag: must be a power of two of at least the page size \(4096\)$'
	'vista --ring-buffer-size 1k => ^vista: invalid argument "1k" for "--ring-buffer-size" flag: invalid syntax$'
	'vista --ring-buffer-size 4611686018427387904 => ^vista: invalid argument "4611686018427387904" for "--ring-buffer-size" flag: value out of range \(max 1073741824\)$'
	'vista --pcap-snaplen 70000 => ^vista: invalid argument "70000" for "--pcap-snaplen" flag: value out of range \(max 65535\)$'
	'vista --filter-kprobe-batch abc => ^vista: invalid argument "abc" for "--filter-kprobe-batch" flag: invalid syntax$'
	'vista-top --event-store-size 0 => ^vista-top: invalid argument "0" for "--event-store-size" flag: must be at least 1$'
	'vista-top --event-store-size abc => ^vista-top: invalid argument "abc" for "--event-store-size" flag: invalid syntax$'
	'vista-top --event-store-size 99999999999999 => ^vista-top: invalid argument "99999999999999" for "--event-store-size" flag: value out of range \(max 100000000\)$'
	'vista-top --event-store-size => ^vista-top: flag needs an argument: --event-store-size$'
	'vista-top --no-color=maybe => ^vista-top: invalid argument "maybe" for "--no-color" flag: invalid syntax$'
	'vista-top --no-mouse=2 => ^vista-top: invalid argument "2" for "--no-mouse" flag: invalid syntax$'
	'vista-top --foo => ^vista-top: unknown flag: --foo$'
	'vista-top --filter-port 70000 => ^vista-top: invalid argument "70000" for "--filter-port" flag: value out of range \(max 65535\)$'
	'vista-top --timestamp sometimes => ^vista-top: invalid argument "sometimes" for "--timestamp" flag: want none, relative or absolute$'
	'vista-top --output-file $F/out => ^vista-top: --output-file is not supported by vista-top, which shows events on the screen; use vista to write them to a file$'
	'vista-top --output-flows => ^vista-top: --output-flows is an option of vista: vista-top shows the flow of an skb on Enter$'
	'vista-top => ^vista-top: vista-top needs a terminal: its standard input and output must be a terminal$'
	# pcap-filter expressions.
	'vista "ether host zz:zz" => ^vista: invalid pcap-filter expression "ether host zz:zz": unknown ether host '"'"'zz'"'"'$'
	'vista "port 99999" => ^vista: invalid pcap-filter expression "port 99999": illegal port number 99999 > 65535$'
	'vista "net 10.0.0.0/33" => ^vista: invalid pcap-filter expression "net 10\.0\.0\.0/33": mask length must be <= 32$'
	'vista tcp extra => ^vista: invalid pcap-filter expression "tcp extra": can'"'"'t parse filter expression: syntax error$'
	'vista-top "tcp port" => ^vista-top: invalid pcap-filter expression "tcp port": can'"'"'t parse filter expression: syntax error$'
	# The filter command language, through --filter-file.
	'vista --filter-file $F/unknown-command.f => ^vista: .*/unknown-command\.f:2: column 1: unknown command "prot" \(commands: pcap addr port proto netns ifname mark pid func sk-mark tcp-lifetime track clear show\)$'
	'vista --filter-file $F/unterminated.f => ^vista: .*/unterminated\.f:2: column 6: unterminated quote$'
	'vista --filter-file $F/bad-port.f => ^vista: .*/bad-port\.f:2: column 6: invalid port "99999": value out of range \(max 65535\)$'
	'vista --filter-file $F/nul.f => ^vista: .*/nul\.f:2: NUL byte: a filter file must be text$'
	'vista --filter-file $F/long-line.f => ^vista: .*/long-line\.f:2: line is too long \(2005 bytes, max 1024\)$'
	'vista --filter-file $F/huge.f => ^vista: cannot read filter file .*/huge\.f: larger than 1 MiB \(2097152 bytes\)$'
	'vista --filter-file $F/fifo.f => ^vista: cannot read filter file .*/fifo\.f: not a regular file$'
	'vista --filter-file $F/bad-netns.f => ^vista: .*/bad-netns\.f:1: column 7: netns path "/nonexistent/ns": No such file or directory$'
	'vista --filter-file $F/bad-pcap.f => ^vista: .*/bad-pcap\.f:1: column 6: can'"'"'t parse filter expression: syntax error$'
	'vista --filter-file $F/bad-mark.f => ^vista: .*/bad-mark\.f:1: column 6: invalid mark "0x100/0xff": mark 0x100 has bits outside mask 0xff$'
	'vista-top --filter-file /nonexistent.filters => ^vista-top: cannot read filter file /nonexistent\.filters: No such file or directory$'
	# Recordings.
	'vista --replay /nonexistent.vrec => ^vista: cannot read the recording /nonexistent\.vrec: No such file or directory$'
	'vista --replay $F => ^vista: cannot read the recording .*/f: it is a directory$'
	'vista --replay /etc/passwd => ^vista: /etc/passwd is not a vista recording \(it does not start with "VISTAREC"\)$'
	'vista --replay $F/cut-header.vrec => ^vista: .*/cut-header\.vrec is not a vista recording \(it does not start with "VISTAREC"\)$'
	'vista --replay $F/cut-info.vrec => ^vista: .*/cut-info\.vrec is cut short: it ends at byte 30, inside its information record$'
	'vista --replay $F/version2.vrec => ^vista: .*/version2\.vrec is a version 2\.1 recording; this vista reads version 1 only$'
	"vista --replay \$F/bad-length.vrec => ^vista: .*/bad-length\\.vrec is corrupted: bad record length at byte $second\$"
	'vista --replay $F/good.vrec --output-file $F/good.vrec => ^vista: --output-file .*/good\.vrec would overwrite the recording being replayed$'
	'vista --record /nonexistent-dir/x.vrec => ^vista: cannot write the recording to /nonexistent-dir/x\.vrec: No such file or directory$'
	'vista-top --replay $F/cut-info.vrec => ^vista-top: .*/cut-info\.vrec is cut short: it ends at byte 30, inside its information record$'
	"vista-top --replay \$F/bad-length.vrec => ^vista-top: .*/bad-length\\.vrec is corrupted: bad record length at byte $second\$"
	# Network namespaces and interfaces.
	'vista --filter-netns inode:99999999999 => ^vista: invalid netns "inode:99999999999": inode must be between 1 and 4294967295$'
	'vista --filter-netns inode:0 => ^vista: invalid netns "inode:0": inode must be between 1 and 4294967295$'
	'vista --filter-netns /run/netns/vista-e2e-nonexistent => ^vista: netns path "/run/netns/vista-e2e-nonexistent": No such file or directory$'
	'vista --filter-netns /dev/null => ^vista: "/dev/null" is not a network namespace$'
	'vista --filter-netns $F => ^vista: ".*/f" is not a network namespace$'
	'vista-top --filter-netns inode:abc => ^vista-top: invalid netns "inode:abc": expected a decimal inode number$'
	'vista --filter-ifname a23456789012345678 => ^vista: interface name "a23456789012345678" is too long \(max 15 characters\)$'
	'vista --filter-ifname lo --filter-netns inode:1 => ^vista: no process or /run/netns entry holds netns inode:1$'
	'vista --filter-ifname vista-nosuch0 => ^vista: interface "vista-nosuch0" not found in the current netns$'
	'vista --filter-ifname $VETH_B --filter-netns /run/netns/$NS_A => ^vista: interface "'"$VETH_B"'" not found in netns inode:'"$NETNS_INODE_A"'$'
	'vista-top --filter-ifname $VETH_A --filter-netns inode:$NETNS_INODE_B => ^vista-top: interface "'"$VETH_A"'" not found in netns inode:'"$NETNS_INODE_B"'$'
	# Missing kernel features.
	'vista --kprobe-backend kprobe-multi => ^vista: the kprobe-multi backend is not available on this kernel: kprobe-multi links are not supported by this kernel .*$'
	'vista-top --kprobe-backend kprobe => ^vista-top: the kprobe backend is not available on this kernel: kprobes are not supported by this kernel .*$'
	'vista --kernel-btf $F/corrupt.btf => ^vista: cannot read kernel BTF from .*/corrupt\.btf: not a BTF file \(raw BTF, or ELF with a \.BTF section\)$'
	'vista --kernel-btf $F/empty.btf => ^vista: cannot read kernel BTF from .*/empty\.btf: not a BTF file \(raw BTF, or ELF with a \.BTF section\)$'
	'vista --kernel-btf $F => ^vista: cannot read kernel BTF from .*/f: it is a directory$'
	'vista --filter-trace-tcp --kernel-btf $F/no-state.btf => ^vista: --filter-trace-tcp needs the tracepoint sock:inet_sock_set_state, which the kernel described by --kernel-btf does not have$'
	'vista --filter-skb-drop-stack --kernel-btf $F/no-kfree.btf => ^vista: this kernel has no kfree_skb tracepoint$'
	'vista --filter-skb-func ^kfree_skb$ --kernel-btf $F/no-kfree.btf => ^vista: no skb tracepoint matches --filter-skb-func "\^kfree_skb\$"$'
	# Missing privileges.
	'@nobody-vista --filter-trace-tcp => ^vista: vista must run as root: it loads BPF programs into the kernel$'
	'@nobody-vista --filter-file $F/secret.f => ^vista: vista must run as root: it loads BPF programs into the kernel$'
	'@nobody-vista --replay $F/secret.vrec => ^vista: cannot read the recording .*/secret\.vrec: Permission denied$'
	'@nobody-vista-top => ^vista-top: vista-top must run as root: it loads BPF programs into the kernel$'
	'@nobody-vista-top --replay $F/secret.vrec => ^vista-top: cannot read the recording .*/secret\.vrec: Permission denied$'
)

NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
# The user nobody must reach the binaries: copies in a directory open to all.
nobody_dir=$(mktemp -d /tmp/vista-e2e-nobody.XXXXXX)
at_exit "rm -rf '$nobody_dir'"
chmod 755 "$nobody_dir"
copy_programs "$nobody_dir" || BAIL_OUT "cannot copy vista for nobody"

# run_prog PROG ARGS...: runs PROG (see the table) in the foreground; see run_capture.
run_prog() {
	local prog=$1
	shift
	case $prog in
	vista) run_capture "$VISTA" "$@" ;;
	vista-top) run_capture "$VISTA_TOP" "$@" ;;
	@nobody-*) run_capture "${NOBODY[@]}" "$nobody_dir/${prog#@nobody-}" "$@" ;;
	*) BAIL_OUT "unknown program $prog in the table" ;;
	esac
}

for case in "${CASES[@]}"; do
	spec=${case%% => *}
	ere=${case#* => }
	prog=${spec%% *}
	[ "$prog" != "$spec" ] && argstr=${spec#* } || argstr=
	args=()
	eval "args=($argstr)"
	label="$prog $argstr"

	before=$(bpf_vista_orphans)
	run_prog "$prog" "${args[@]}"

	if [ "$RUN_STATUS" -ge 1 ] && [ "$RUN_STATUS" -le 123 ]; then
		pass "$label: exits with an error status"
	else
		fail "$label: exits with an error status" \
			"status $RUN_STATUS (0: success; 124: timed out; >128: killed by a signal)"
	fi
	is "$(wc -c <"$RUN_OUT_FILE")" 0 "$label: prints nothing on stdout"
	lines=$(awk 'END { print NR }' "$RUN_ERR_FILE")
	if [ "$lines" -eq 1 ] && [ -z "$(tail -c 1 "$RUN_ERR_FILE")" ]; then
		pass "$label: one line on stderr"
	else
		fail "$label: one line on stderr" "stderr was ($lines lines):"
		diag_file "$RUN_ERR_FILE"
	fi
	like "$RUN_ERR" "$ere" "$label: says /$ere/"

	after=$(bpf_vista_objects_settle "$before")
	if [[ $before =~ ^[0-9]+$ && $after =~ ^[0-9]+$ ]]; then
		new=$((after > before ? after - before : 0))
	else
		new="unknown (bpftool failed)"
	fi
	is "$new" 0 "$label: no vista BPF program or link left behind"
done
diag "${#CASES[@]} bad inputs"

done_testing
