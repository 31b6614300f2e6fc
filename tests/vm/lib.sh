# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/vm/lib.sh: what tests/vm/kernel-fetch and tests/vm/run share.
#
# Sourced, never run. Defines:
#   VM_STATUS_HARNESS  the exit status of a failure of the harness itself (125)
#   VM_CACHE           $VISTA_VM_CACHE, default /var/cache/vista-vm
#   vm_die MSG         one line "PROG: error: MSG" on stderr, exit 125
#   vm_say MSG         one line "PROG: MSG" on stderr (progress; stdout is the command's)
#   vm_resolve_pkg PKG prints PKG, or for a pattern with *, the newest
#                      package apt-cache knows that matches it
#   vm_lock FILE       serializes what follows against other runs (flock, fd 9)

# 125 like env(1) and git bisect: "the tool broke", not "the thing tested failed".
VM_STATUS_HARNESS=125
# shellcheck disable=SC2034 # used by the scripts that source this
VM_CACHE=${VISTA_VM_CACHE:-/var/cache/vista-vm}
VM_PROG=${VM_PROG:-$(basename "$0")}

case ":$PATH:" in
*:/usr/sbin:*) ;;
*) PATH="$PATH:/usr/sbin:/sbin" ;;
esac

vm_say() { printf '%s: %s\n' "$VM_PROG" "$*" >&2; }

vm_die() {
	printf '%s: error: %s\n' "$VM_PROG" "$*" >&2
	exit "$VM_STATUS_HARNESS"
}

# The kernel's own packages only: a name that is not one is refused early,
# before apt-get could download something else.
vm_check_pkg_name() {
	case $1 in
	linux-image-*) ;;
	*) vm_die "'$1' is not a Debian kernel image package (linux-image-...)" ;;
	esac
	case $1 in
	*[!a-zA-Z0-9.+*-]*) vm_die "'$1' is not a package name or pattern" ;;
	esac
}

# vm_resolve_pkg PKG: an exact name is printed as it is. In a pattern, each
# * stands for a version number (digits and dots: 56 in
# linux-image-6.1.0-56-amd64, 117 in linux-image-6.12.117+deb12-amd64), so
# linux-image-6.1.0-*-amd64 is not matched by the -cloud- or -rt- flavours.
# It is resolved against apt's package lists, locally: of the matching names,
# the newest (sort -V) that has an installable candidate is printed. Only
# that one is ever downloaded, never every match.
vm_resolve_pkg() {
	local pattern=$1 prefix ere name policy
	vm_check_pkg_name "$pattern"
	case $pattern in
	*'*'*) ;;
	*)
		printf '%s\n' "$pattern"
		return 0
		;;
	esac
	prefix=${pattern%%\**}
	ere=$(printf '%s' "$pattern" | sed -e 's/[.+]/\\&/g' -e 's/\*/[0-9.]+/g')
	while IFS= read -r name; do
		policy=$(apt-cache policy "$name" 2>/dev/null) || continue
		if grep -q '^  Candidate: [^(]' <<<"$policy"; then
			printf '%s\n' "$name"
			return 0
		fi
	done < <(apt-cache pkgnames "$prefix" 2>/dev/null | grep -E "^$ere\$" | sort -rV)
	vm_die "apt-cache knows no installable package matching '$pattern' (run apt-get update; is the suite that has it in the sources?)"
}

# vm_lock FILE: holds an exclusive lock on FILE (fd 9) until the script
# exits, so that two runs do not fill the same cache entry at once.
vm_lock() {
	mkdir -p "$(dirname "$1")" || vm_die "cannot create $(dirname "$1")"
	exec 9>"$1" || vm_die "cannot open the lock file $1"
	flock 9 || vm_die "cannot lock $1"
}
