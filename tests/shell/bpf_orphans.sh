# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/shell/bpf_orphans.sh: vista's BPF objects that nothing holds any
# more, shared by the end-to-end tests (tests/e2e/lib.sh) and the
# benchmarks (bench/lib.sh). Needs bpftool and jq.
#
# bpf_vista_orphans: the number of vista BPF programs (named vista* or tp_*)
#                    and links to them that no live process holds; prints
#                    "error" and returns 1 when bpftool or jq fails.
#
# A process holds a program or link through a file descriptor, whose fdinfo
# names its prog_id or link_id; a program is also held by a held link. What
# nobody holds is a leak. Counting only those, not every vista program on
# the machine, keeps a check right while other vistas run at the same time
# (another test, a benchmark, another user's trace): they hold theirs.

bpf_vista_orphans() {
	local progs links held_progs held_links n
	held_progs=$(grep -hs '^prog_id:' /proc/[0-9]*/fdinfo/* | awk '{print $2}' | sort -un | paste -sd, -)
	held_links=$(grep -hs '^link_id:' /proc/[0-9]*/fdinfo/* | awk '{print $2}' | sort -un | paste -sd, -)
	if progs=$(bpftool -j prog list 2>&1) && links=$(bpftool -j link list 2>&1) &&
		n=$(jq -n --argjson progs "$progs" --argjson links "$links" \
			--argjson hp "[${held_progs}]" --argjson hl "[${held_links}]" '
			($progs | map(select((.name // "") | test("^(vista|tp_)")) | .id)) as $ids
			| ($links | map(select(.prog_id as $p | any($ids[]; . == $p)))) as $vlinks
			| ($vlinks | map(select(.id as $l | any($hl[]; . == $l) | not))) as $orphan_links
			| ($vlinks | map(select(.id as $l | any($hl[]; . == $l))) | map(.prog_id)) as $linked
			| ($ids | map(select(. as $i | (any($hp[]; . == $i) or any($linked[]; . == $i)) | not))) as $orphan_progs
			| ($orphan_links | length) + ($orphan_progs | length)'); then
		echo "$n"
		return 0
	fi
	echo "bpf_vista_orphans: bpftool or jq failed" >&2
	echo error
	return 1
}
