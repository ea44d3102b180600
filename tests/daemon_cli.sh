#!/bin/sh
# The command lines of phonesec-cwmpd and phonesec-wuid (lib/daemonopt): -h prints the usage on
# stdout and exits 0; an unknown option, a missing or refused value and an operand print it on
# stderr and exit 2; a store that cannot be opened is a clear error with exit 1.
set -u
: "${top_builddir:=.}"
T=$(mktemp -d "${TMPDIR:-/tmp}/daemon-cli.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
status=0
# check PROGRAM WANT-STATUS WANT-STREAM(out|err|none) WANT-TEXT ARGS...
check() {
	prog=$1 want=$2 stream=$3 text=$4; shift 4
	"$top_builddir/$prog" "$@" >"$T/out" 2>"$T/err" </dev/null
	got=$?
	what="$(basename "$prog") $*"
	if [ "$got" != "$want" ]; then
		echo "FAIL: $what: exit $got, not $want"; cat "$T/err"; status=1; return
	fi
	if [ "$stream" != none ] && ! grep -q -- "$text" "$T/$stream"; then
		echo "FAIL: $what: no '$text' on std$stream"; status=1; return
	fi
	echo "ok: $what -> $got"
}
for p in tr069/phonesec-cwmpd wui/phonesec-wuid; do
	check "$p" 0 out "usage: $(basename "$p") \[-s STORE\] \[-c CONF\]" -h
	check "$p" 2 err "usage:" -x
	check "$p" 2 err "usage:" -c
	check "$p" 2 err "usage:" -f operand
	check "$p" 1 err "$T/no/such/folder/s.db" -f -s "$T/no/such/folder/s.db"
done
[ -s "$T/out" ] && { echo "FAIL: a start-up error wrote to stdout"; status=1; }
check tr069/phonesec-cwmpd 2 err "bad port" -p ""
check tr069/phonesec-cwmpd 2 err "bad port 70000" -p 70000
check tr069/phonesec-cwmpd 2 err "bad port 12x" -p 12x
check tr069/phonesec-cwmpd 2 err "usage:" -p
exit $status
