#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vista-top's command line: --help and --version, and every way it refuses
# to start before the screen is set up, each with one line on stderr
# ("vista-top: ...") and exit status 1. Needs no root and no terminal.

# shellcheck source=tests/e2e/lib.sh
. "${E2E_LIB:-$(dirname "$0")/../e2e/lib.sh}"

: "${VISTA_TOP:=$(dirname "$0")/../../vista-top}"
[ -x "$VISTA_TOP" ] || BAIL_OUT "VISTA_TOP='$VISTA_TOP' is not an executable: build vista-top first"

# The one line vista-top printed on stderr, when there is exactly one.
one_line() {
	[ "$(awk 'END { print NR }' "$RUN_ERR_FILE")" -eq 1 ] && grep -q '^vista-top: .' "$RUN_ERR_FILE"
}

run_capture "$VISTA_TOP" --help
is "$RUN_STATUS" 0 "--help exits 0"
like "$RUN_OUT" "^Usage: .*vista-top \[options\] \[pcap-filter\]$" "--help: usage line"
like "$RUN_OUT" "^      --filter-addr string +filter IP address$" "--help: vista's options"
like "$RUN_OUT" "^    vista-top options:$" "--help: a section for vista-top's own options"
like "$RUN_OUT" "^      --event-store-size uint +events kept for browsing; beyond it the oldest are dropped \(default 1000000\)$" \
	"--help: --event-store-size"
like "$RUN_OUT" "^      --no-color +draw without colors$" "--help: --no-color"
like "$RUN_OUT" "^      --no-mouse +do not use the mouse$" "--help: --no-mouse"
is "$RUN_ERR" "" "--help: nothing on stderr"

run_capture "$VISTA_TOP" --version
is "$RUN_STATUS" 0 "--version exits 0"
like "$RUN_OUT" "^vista-top [0-9]+\.[0-9]+\.[0-9]+$" "--version prints vista-top's version"

# One case a line: "ARGS => ERE", as in tests/e2e/cli_errors.sh.
CASES=(
	"--bogus                            => ^vista-top: unknown flag: --bogus$"
	"--event-store-size                 => ^vista-top: flag needs an argument: --event-store-size$"
	"--event-store-size 0               => ^vista-top: invalid argument \"0\" for \"--event-store-size\" flag: must be at least 1$"
	"--event-store-size=lots            => ^vista-top: invalid argument \"lots\" for \"--event-store-size\" flag: invalid syntax$"
	"--event-store-size 100000001       => value out of range \(max 100000000\)$"
	"--no-color=perhaps                 => ^vista-top: invalid argument \"perhaps\" for \"--no-color\" flag: invalid syntax$"
	"--no-mouse=2                       => \"--no-mouse\" flag: invalid syntax$"
	"--filter-port 70000                => ^vista-top: invalid argument \"70000\" for \"--filter-port\" flag"
	"--timestamp sometimes              => \"--timestamp\" flag: want none, relative or absolute$"
	"--output-file /tmp/x.txt           => ^vista-top: --output-file is not supported by vista-top"
	"--filter-trace-tcp                 => ^vista-top: --filter-trace-tcp is not available yet"
)
if [ "$(id -u)" -eq 0 ]; then
	# Past the root check, vista-top wants a terminal; run_capture gives it /dev/null.
	CASES+=("--filter-addr 10.0.0.1 => ^vista-top: vista-top needs a terminal: its standard input and output must be a terminal$")
fi

for case in "${CASES[@]}"; do
	argstr=${case%% => *}
	argstr=${argstr%"${argstr##*[![:space:]]}"}
	ere=${case#* => }
	args=()
	eval "args=($argstr)"
	run_capture "$VISTA_TOP" "${args[@]}"
	is "$RUN_STATUS" 1 "vista-top $argstr: exit status 1"
	if one_line; then
		pass "vista-top $argstr: one line on stderr"
	else
		fail "vista-top $argstr: one line on stderr" "stderr was:" "$RUN_ERR"
	fi
	like "$RUN_ERR" "$ere" "vista-top $argstr: the message matches /$ere/"
	is "$RUN_OUT" "" "vista-top $argstr: nothing on stdout"
done
done_testing
