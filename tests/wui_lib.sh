# Shared helpers of the phonesec-wuid integration tests (sourced, not run): a temporary folder
# removed at exit, a store with the web UI on free ports, the daemon started and stopped by PID,
# curl with a cookie jar, port probes. The caller sets T_NAME before sourcing.
# shellcheck shell=sh

: "${top_srcdir:=.}" "${top_builddir:=.}"
WUID="$top_builddir/wui/phonesec-wuid"
CLI="$top_builddir/tools/phonesec"
for t in curl python3; do
	command -v "$t" >/dev/null 2>&1 || { echo "ERROR: $t is not installed"; exit 99; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/wui-${T_NAME:-test}.XXXXXX") || exit 99
ST="$T/settings.db"
D_PID= ; EXTRA_PIDS=
cleanup() {
	vg=0
	for p in $EXTRA_PIDS; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	# a daemon a failed check left stopped (SIGSTOP) would never see the TERM
	[ -n "$D_PID" ] && kill -CONT "$D_PID" 2>/dev/null
	if [ -n "$D_PID" ] && kill "$D_PID" 2>/dev/null; then
		wait "$D_PID" 2>/dev/null
		[ $? -ne 97 ] || { vg=1; echo "FAIL: the daemon's checker reported errors"; tail -n 60 "$T/wuid.log"; }
	fi
	if [ -n "${KEEP_TMP:-}" ]; then echo "kept $T"; else rm -rf "$T"; fi
	[ "$vg" = 0 ] || exit 1
}
trap cleanup EXIT
trap 'exit 99' INT TERM

fail() {
	echo "FAIL: $*"
	echo "--- daemon log"; tail -n 40 "$T/wuid.log" 2>/dev/null
	exit 1
}
ok() { echo "ok: $*"; }

# shellcheck source=tests/proc.sh
. "$top_srcdir/tests/proc.sh"
free_port() { ps_free_port; }

# wait_until SECONDS COMMAND...: polls every 0.05 s
wait_until() {
	n=$(( $1 * 20 )); shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05; n=$((n - 1))
	done
	return 1
}

# port_open PORT / port_closed PORT: whether something accepts on 127.0.0.1:PORT
port_open() {
	python3 -c 'import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$1"
}
port_closed() { ! port_open "$1"; }

# init_wui [KEY=VALUE...]: a fresh store, the web UI on free ports HP (http) and SP (https)
init_wui() {
	# under a checker a request takes seconds: connections get longer to live
	if [ -n "${PHONESEC_DAEMON_WRAP:-}" ]; then WUI_CONN_LIFE=90 WUI_IDLE=90; fi
	"$CLI" -s "$ST" init >/dev/null || fail "phonesec init"
	HP=$(free_port); SP=$(free_port)
	while [ "$SP" = "$HP" ]; do SP=$(free_port); done
	"$CLI" -s "$ST" set --save http_port="$HP" https_port="$SP" tr69_enable=off >/dev/null ||
		fail "setting the ports"
	[ $# -eq 0 ] || "$CLI" -s "$ST" set "$@" >/dev/null || fail "phonesec set $*"
	printf 'bind = 127.0.0.1\nnames = localhost phone.test\nconn_life = %s\nidle_timeout = %s\nserial = SERIAL-4711\nmac = 00:04:13:aa:bb:cc\n' \
		"${WUI_CONN_LIFE:-8}" "${WUI_IDLE:-5}" >"$T/wuid.conf"
}

# start_wui: the daemon (under PHONESEC_DAEMON_WRAP when set); waits until it follows the store
started() { [ "$(grep -c "wui: started" "$T/wuid.log")" -gt "$1" ]; }
start_wui() {
	n0=$(grep -c "wui: started" "$T/wuid.log" 2>/dev/null) || n0=0
	# shellcheck disable=SC2086
	${PHONESEC_DAEMON_WRAP:-} "$WUID" -s "$ST" -c "$T/wuid.conf" -f -d >>"$T/wuid.log" 2>&1 &
	D_PID=$!
	wait_until 30 started "$n0" || fail "phonesec-wuid did not start"
}
stop_wui() {
	kill "$D_PID" 2>/dev/null; wait "$D_PID" 2>/dev/null; st=$?; D_PID=
	[ "$st" -ne 97 ] || fail "the daemon's checker reported errors (see $T/wuid.log)"
}

# fr_post FORM [CURL ARGS...]: posts FORM to the first-run page as a browser does: fetches the
# page first (its token, and the same as a SameSite cookie), then posts with both. Prints the
# status; the answer goes to $T/fr.html.
fr_post() {
	frd=$1; shift
	rm -f "$T/fr.jar"
	curl -s -o "$T/fr.html" --max-time "$MAXT" -c "$T/fr.jar" "$@" "http://127.0.0.1:$HP/" || true
	frt=$(sed -n 's/.*name="token" value="\([0-9a-f]*\)".*/\1/p' "$T/fr.html" | head -n 1)
	curl -s -o "$T/fr.html" -w '%{http_code}' --max-time "$MAXT" -b "$T/fr.jar" \
		-d "token=$frt&$frd" "$@" "http://127.0.0.1:$HP/"
}

# The first-run page's form: admin password Adm1n-pass-x, web UI user desk / wui-secret-1
first_run() {
	c=$(fr_post 'admin_pass=Adm1n-pass-x&admin_pass2=Adm1n-pass-x&user=desk&pass=wui-secret-1&pass2=wui-secret-1')
	[ "$c" = 200 ] || fail "first run answered $c"
}

# w [CURL ARGS...] URL: curl as the logged-in user (Digest) with the cookie jar $T/jar; prints
# the status, the body goes to $T/body
JAR="$T/jar"
# under a checker (valgrind) the daemon's PBKDF2 takes seconds
if [ -n "${PHONESEC_DAEMON_WRAP:-}" ]; then MAXT=120; else MAXT=20; fi
w() {
	curl -s -k -o "$T/body" -w '%{http_code}' --max-time "$MAXT" -c "$JAR" -b "$JAR" \
		${AUTH:---digest} -u "${CRED:-desk:wui-secret-1}" "$@"
}
# token: the form token of the last page fetched
token() { sed -n 's/.*name="token" value="\([0-9a-f]*\)".*/\1/p' "$T/body" | head -n 1; }
