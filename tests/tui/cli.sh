#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vista-top's command line: --help and --version, and every way it refuses
# to start before the screen is set up, each with one line on stderr
# ("vista-top: ...") and exit status 1: bad options, and for --replay a bad
# file or an option that only means something live. Needs no root and no
# terminal (root adds the cases that get past the root check).

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
like "$RUN_OUT" "^      --record string +.*" "--help: vista's --record"
like "$RUN_OUT" "^      --replay string +.*" "--help: vista's --replay"
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
	"--output-skb                       => ^vista-top: --output-skb is not supported by vista-top, which shows events on the screen; use vista$"
	"--output-tcp                       => ^vista-top: --output-tcp has no effect without --filter-trace-tcp$"
	"--filter-trace-tcp --filter-tcp-lifetime soon => ^vista-top: invalid argument \"soon\" for \"--filter-tcp-lifetime\" flag"
	"--output-flows                     => ^vista-top: --output-flows is an option of vista: vista-top shows the flow of an skb on Enter$"
	"--replay $tmpdir/no-such.vrec      => ^vista-top: cannot read the recording $tmpdir/no-such.vrec: No such file or directory$"
	"--replay $tmpdir/bad.vrec          => ^vista-top: $tmpdir/bad.vrec is not a vista recording \\(it does not start with \"VISTAREC\"\\)$"
	"--replay $tmpdir/bad.vrec --filter-addr 10.0.0.1 => ^vista-top: --filter-addr cannot be used with --replay: a replay traces nothing"
	"--replay $tmpdir/bad.vrec --record $tmpdir/r.vrec => ^vista-top: --record cannot be used with --replay"
	"--replay $tmpdir/bad.vrec --ready-file $tmpdir/ready => ^vista-top: --ready-file cannot be used with --replay"
	"--replay $tmpdir/bad.vrec icmp     => ^vista-top: a pcap-filter expression cannot be used with --replay"
)
printf 'NOTAREC, and more than a header\n' >"$tmpdir/bad.vrec"
if [ "$(id -u)" -eq 0 ]; then
	# Past the root check, the options are checked against the system, then vista-top wants
	# a terminal; run_capture gives it /dev/null.
	CASES+=(
		"--filter-addr 10.0.0.1 => ^vista-top: vista-top needs a terminal: its standard input and output must be a terminal$"
		"tcp port => ^vista-top: invalid pcap-filter expression \"tcp port\": can't parse filter expression: syntax error$"
		"--filter-skb-func 'a(' => ^vista-top: invalid regular expression \"a\\(\": "
		"--filter-netns /nonexistent => ^vista-top: netns path \"/nonexistent\": No such file or directory$"
		# Every kind of event vista traces has its pane: the options pass all checks.
		"--filter-trace-tcp --output-tcp --filter-tcp-lifetime 1s --filter-sk-mark 7 --filter-trace-sk --output-sk --filter-trace-iptables --output-iptables => ^vista-top: vista-top needs a terminal: its standard input and output must be a terminal$"
	)
	# A good recording (vista's, of whatever the machine does for a moment) opens; then the terminal is missing.
	if timeout -s INT 1 "${VISTA:-$(dirname "$0")/../../vista}" --record "$tmpdir/good.vrec" >/dev/null 2>&1 ||
		[ -s "$tmpdir/good.vrec" ]; then
		CASES+=("--replay $tmpdir/good.vrec => ^vista-top: vista-top needs a terminal: its standard input and output must be a terminal$")
	fi
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
