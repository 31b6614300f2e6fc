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

vista_run_expect_error --kernel-btf /etc/passwd
isnt "$RUN_STATUS" 0 "--kernel-btf with a file that is not BTF fails"
like "$RUN_ERR" "^vista: cannot read kernel BTF from /etc/passwd" "and says which file"
is "$(bpf_vista_objects_settle 0)" 0 "no vista program or link left"
done_testing
