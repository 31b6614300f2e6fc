# shellcheck shell=bash disable=SC2034 # variables set here are for the callers
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/shell/netns.sh: processes and network namespaces, shared by the
# end-to-end tests (tests/e2e/lib.sh) and the benchmarks (bench/lib.sh).
#
# Processes:  pid_alive PID | pid_wait_gone PID SECONDS | pid_stop PID SIGNAL SECONDS
# Namespaces: netns_pair_create NAME FAIL_FN — two namespaces $NS_A and $NS_B
#             joined by a veth pair ($VETH_A, $VETH_B) holding $IP_A/$IP_B
#             (/24) and $IP6_A/$IP6_B (/64, no DAD), set by the caller; sets
#             $NETNS_INODE_A/B and $IFINDEX_A/B. FAIL_FN MESSAGE is called on
#             any failure (and must not return).
#             netns_cleanup (ends what runs in them and deletes them)
#             in_a CMD... | in_b CMD...

_NETNS_LIST=()
_netns_seq=0

# pid_alive PID: the process exists and is not a zombie.
pid_alive() {
	local stat
	{ read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
	stat=${stat##*) }
	case $stat in
	Z* | X*) return 1 ;;
	esac
	return 0
}

# pid_wait_gone PID SECONDS: waits for PID to end; 1 when it did not.
pid_wait_gone() {
	local i
	for ((i = 0; i < $2 * 20; i++)); do
		pid_alive "$1" || return 0
		sleep 0.05
	done
	! pid_alive "$1"
}

# pid_stop PID SIGNAL SECONDS: SIGNAL, then SIGKILL after SECONDS; reaps a child.
pid_stop() {
	if pid_alive "$1"; then
		kill -s "$2" "$1" 2>/dev/null || true
		pid_wait_gone "$1" "$3" || kill -s KILL "$1" 2>/dev/null || true
	fi
	wait "$1" 2>/dev/null || true
}

# _netns_run FAIL_FN CMD...: CMD, or FAIL_FN with its output.
_netns_run() {
	local fail=$1 out
	shift
	out=$("$@" 2>&1) || "$fail" "namespace setup: '$*' failed: $out"
}

netns_pair_create() {
	local name=$1 fail=$2 sfx="" i
	_netns_seq=$((_netns_seq + 1))
	[ "$_netns_seq" -eq 1 ] || sfx=$_netns_seq
	NS_A="$name-a$sfx"
	NS_B="$name-b$sfx"
	# Interface names: 15 bytes at most, unique per process and pair.
	VETH_A="va$$$sfx"
	VETH_B="vb$$$sfx"
	VETH_A=${VETH_A:0:15}
	VETH_B=${VETH_B:0:15}
	export NS_A NS_B VETH_A VETH_B IP_A IP_B IP6_A IP6_B

	_netns_run "$fail" ip netns add "$NS_A"
	_NETNS_LIST+=("$NS_A")
	_netns_run "$fail" ip netns add "$NS_B"
	_NETNS_LIST+=("$NS_B")
	_netns_run "$fail" ip link add "$VETH_A" netns "$NS_A" type veth peer name "$VETH_B" netns "$NS_B"
	_netns_run "$fail" ip -n "$NS_A" addr add "$IP_A/24" dev "$VETH_A"
	_netns_run "$fail" ip -n "$NS_B" addr add "$IP_B/24" dev "$VETH_B"
	_netns_run "$fail" ip -n "$NS_A" -6 addr add "$IP6_A/64" dev "$VETH_A" nodad
	_netns_run "$fail" ip -n "$NS_B" -6 addr add "$IP6_B/64" dev "$VETH_B" nodad
	for i in "$NS_A" "$NS_B"; do
		_netns_run "$fail" ip -n "$i" link set lo up
	done
	_netns_run "$fail" ip -n "$NS_A" link set "$VETH_A" up
	_netns_run "$fail" ip -n "$NS_B" link set "$VETH_B" up

	NETNS_INODE_A=$(stat -L -c %i "/run/netns/$NS_A") || "$fail" "stat /run/netns/$NS_A failed"
	NETNS_INODE_B=$(stat -L -c %i "/run/netns/$NS_B") || "$fail" "stat /run/netns/$NS_B failed"
	IFINDEX_A=$(ip -n "$NS_A" -o link show dev "$VETH_A" | cut -d: -f1)
	IFINDEX_B=$(ip -n "$NS_B" -o link show dev "$VETH_B" | cut -d: -f1)
	export NETNS_INODE_A NETNS_INODE_B IFINDEX_A IFINDEX_B

	# Both ends up with carrier before anything is sent.
	for ((i = 0; i < 50; i++)); do
		ip -n "$NS_A" -o link show dev "$VETH_A" | grep -q LOWER_UP &&
			ip -n "$NS_B" -o link show dev "$VETH_B" | grep -q LOWER_UP && return 0
		sleep 0.1
	done
	"$fail" "$VETH_A/$VETH_B have no carrier after 5 s"
}

in_a() { ip netns exec "$NS_A" "$@"; }
in_b() { ip netns exec "$NS_B" "$@"; }

netns_cleanup() {
	local ns pid pids
	for ns in "${_NETNS_LIST[@]}"; do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		for pid in $pids; do
			kill -s TERM "$pid" 2>/dev/null
		done
		for pid in $pids; do
			pid_wait_gone "$pid" 2 || kill -s KILL "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	_NETNS_LIST=()
}
