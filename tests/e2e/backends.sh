#!/usr/bin/env bash
# Backend choice and kernel BTF: auto-detection says what it picked and why;
# forcing the tracepoint backend and naming the BTF file explicitly both work.
. "$E2E_LIB"
require_root
require_cmd ping ip
ns_pair_setup
ping_b() { in_a ping -c 1 -W 1 "$IP_B" >/dev/null 2>&1; }

out=$tmpdir/auto
if vista_start "$out" --filter-netns "/run/netns/$NS_B" --output-tuple; then
	ping_b
	vista_stop
	like "$(cat "$out.err")" "Using the (tracepoint|kprobe-multi|fentry|kprobe) backend" "auto-detection names the backend"
	if [ ! -e /sys/bus/event_source/devices/kprobe ]; then
		like "$(cat "$out.err")" "Using the tracepoint backend \(.*kprobe: kprobes are not supported by this kernel" \
			"without kprobes it picks the tracepoint backend and says why"
	else
		skip "this kernel has kprobes"
	fi
	like "$(cat "$out")" "$IP_A->$IP_B\(icmp request" "and traces"
fi

out=$tmpdir/forced
if vista_start "$out" --kprobe-backend tracepoint --filter-netns "/run/netns/$NS_B" --output-tuple; then
	ping_b
	vista_stop
	like "$(cat "$out.err")" "Using the tracepoint backend \(requested\)" "--kprobe-backend tracepoint is honoured"
	like "$(cat "$out")" "$IP_A->$IP_B\(icmp request" "and traces"
fi

out=$tmpdir/btf
if vista_start "$out" --kernel-btf /sys/kernel/btf/vmlinux --filter-netns "/run/netns/$NS_B" --output-tuple; then
	ping_b
	vista_stop
	like "$(cat "$out")" "netif_receive_skb $IP_A->$IP_B\(icmp request" "--kernel-btf FILE: hooks discovered from that file"
fi

# --filter-sk-func chooses among functions, which only the function backends trace.
vista_run_expect_error --filter-trace-sk --filter-sk-func tcp_sendmsg --kprobe-backend tracepoint
is "$RUN_STATUS $RUN_ERR" \
	"1 vista: --filter-sk-func needs the kprobe, kprobe-multi or fentry backend, not the tracepoint backend" \
	"--filter-sk-func on the tracepoint backend: exit 1 and one line"
if [ ! -e /sys/bus/event_source/devices/kprobe ]; then
	vista_run_expect_error --filter-trace-sk --filter-sk-func tcp_sendmsg
	like "$RUN_STATUS $RUN_ERR" \
		"^1 vista: --filter-sk-func needs the kprobe, kprobe-multi or fentry backend, which this kernel does not offer \(kprobe-multi: .*; kprobe: kprobes are not supported by this kernel \(CONFIG_KPROBES is not set\)\)$" \
		"--filter-sk-func where only tracepoints work: exit 1, one line with the reasons"
else
	skip "this kernel has kprobes"
fi
vista_run_expect_error --filter-sk-func tcp_sendmsg
is "$RUN_STATUS $RUN_ERR" "1 vista: --filter-sk-func has no effect without --filter-trace-sk" \
	"--filter-sk-func alone: exit 1 and one line"

# --kmods names modules with BTF; their functions need a function backend.
vista_run_expect_error --kmods vista_no_such_module
is "$RUN_STATUS $RUN_ERR" \
	"1 vista: --kmods: no loaded kernel module \"vista_no_such_module\" has BTF (/sys/kernel/btf/vista_no_such_module: No such file or directory)" \
	"--kmods with an unknown module: exit 1 and one line"
vista_run_expect_error --kmods ../vmlinux
is "$RUN_STATUS $RUN_ERR" "1 vista: --kmods: \"../vmlinux\" is not a kernel module name" \
	"--kmods with a path: exit 1 and one line"
vista_run_expect_error --all-kmods --kprobe-backend tracepoint
is "$RUN_STATUS $RUN_ERR" \
	"1 vista: --all-kmods needs the kprobe, kprobe-multi or fentry backend, not the tracepoint backend" \
	"--all-kmods on the tracepoint backend: exit 1 and one line"

# XDP and TC programs are traced with fentry and fexit on them, whatever the backend.
if [ ! -e /sys/bus/event_source/devices/kprobe ]; then
	for opt in --filter-trace-xdp --filter-trace-tc; do
		vista_run_expect_error "$opt" --kprobe-backend tracepoint
		is "$RUN_STATUS $RUN_ERR" \
			"1 vista: $opt needs fentry programs on BPF programs: this kernel refuses fentry programs (Operation not permitted)" \
			"$opt where fentry is refused: exit 1 and one line"
	done
else
	skip "this kernel has kprobes (and may allow fentry)" 2
fi

vista_run_expect_error --kernel-btf /etc/passwd
isnt "$RUN_STATUS" 0 "--kernel-btf with a file that is not BTF fails"
like "$RUN_ERR" "^vista: cannot read kernel BTF from /etc/passwd" "and says which file"
is "$(bpf_vista_objects_settle 0)" 0 "no vista program or link left"
done_testing
