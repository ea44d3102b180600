# Shared helpers of the phonesec-cwmpd integration tests (sourced, not run): tools, a temporary
# folder removed at exit, the test ACS (tests/acs/acs.js) and the daemon started and stopped by
# PID, queries of the ACS's records. The caller sets T_NAME before sourcing.
# shellcheck shell=sh

: "${top_srcdir:=.}" "${top_builddir:=.}"
CWMPD="$top_builddir/tr069/phonesec-cwmpd"
CLI="$top_builddir/tools/phonesec"
ACS_JS="$top_srcdir/tests/acs/acs.js"
# A missing tool is an error of the test machine, not a reason to skip: tools/run-tests installs them.
for t in node npm curl python3 flock; do
	command -v "$t" >/dev/null 2>&1 || { echo "ERROR: $t is not installed"; exit 99; }
done
if ! [ -d "$top_srcdir/tests/node_modules/http-auth" ]; then
	echo "npm packages missing: running npm ci --prefix $top_srcdir/tests" >&2
	( flock 9
	  [ -d "$top_srcdir/tests/node_modules/http-auth" ] ||
		npm ci --no-audit --no-fund --prefix "$top_srcdir/tests" >&2
	) 9>"$top_builddir/tests-npm.lock"
	[ -d "$top_srcdir/tests/node_modules/http-auth" ] ||
		{ echo "ERROR: npm ci --prefix $top_srcdir/tests did not install http-auth"; exit 99; }
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/cwmp-${T_NAME:-test}.XXXXXX") || exit 99
ST="$T/settings.db"
ACS_PID= ; D_PID= ; EXTRA_PIDS= # more servers a test started, stopped at exit too
cleanup() {
	vg=0
	for p in $EXTRA_PIDS; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	# a daemon a failed check left stopped (SIGSTOP) would never see the TERM
	[ -n "$D_PID" ] && kill -CONT "$D_PID" 2>/dev/null
	if [ -n "$D_PID" ] && kill "$D_PID" 2>/dev/null; then
		wait "$D_PID" 2>/dev/null
		[ $? -ne 97 ] || { vg=1; echo "FAIL: the daemon's checker reported errors"; tail -n 60 "$T/cwmpd.log"; }
	fi
	[ -n "$ACS_PID" ] && kill "$ACS_PID" 2>/dev/null && wait "$ACS_PID" 2>/dev/null
	if [ -n "${KEEP_TMP:-}" ]; then echo "kept $T"; else rm -rf "$T"; fi
	[ "$vg" = 0 ] || exit 1
}
trap cleanup EXIT
trap 'exit 99' INT TERM

fail() {
	echo "FAIL: $*"
	echo "--- daemon log"; tail -n 40 "$T/cwmpd.log" 2>/dev/null
	echo "--- ACS violations"; cat "$T/log/violations.jsonl" 2>/dev/null
	echo "--- ACS errors"; tail -n 20 "$T/acs.err" 2>/dev/null
	exit 1
}
ok() { echo "ok: $*"; }

# shellcheck source=tests/proc.sh
. "$top_srcdir/tests/proc.sh"
free_port() { ps_free_port; }

# wait_until SECONDS COMMAND...: polls every 0.1 s until COMMAND succeeds. SECONDS is what an idle
# machine needs; the deadline is at least WAIT_FLOOR (60) s of wall-clock time, since a loaded
# machine or a daemon under valgrind can be many times slower, and a wait costs nothing once the
# event has come (under a checker, PHONESEC_DAEMON_WRAP, 180 s: its start alone and the first TLS
# context can take half a minute each there). Never used to show that something does not happen.
if [ -z "${WAIT_FLOOR:-}" ]; then
	WAIT_FLOOR=60
	[ -z "${PHONESEC_DAEMON_WRAP:-}" ] || WAIT_FLOOR=180
fi
wait_until() {
	w=$1; shift
	[ "$w" -ge "$WAIT_FLOOR" ] || w=$WAIT_FLOOR
	end=$(( $(date +%s) + w ))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# Queries of the ACS's records (python3 over log.jsonl).
q() {
	python3 - "$T/log" "$@" <<'EOF'
import json, sys, os, glob, signal
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
log, what, args = sys.argv[1], sys.argv[2], sys.argv[3:]
p = os.path.join(log, "log.jsonl")
recs = [json.loads(l) for l in open(p)] if os.path.exists(p) else []
def informs():
    return [r for r in recs if r.get("rpc") == "Inform"]
def body(r):
    return open(glob.glob(os.path.join(log, "%04d-*.xml" % r["seq"]))[0]).read()
if what == "informs":            # number of Informs received
    print(len(informs()))
elif what == "ended":            # number of sessions ended by the ACS with 204
    print(len([r for r in recs if r.get("event") == "end"]))
elif what == "inform-xml":       # body of the n-th Inform (1-based; -1 = last)
    n = int(args[0]); print(body(informs()[n - 1 if n > 0 else n]))
elif what == "session-rpcs":     # CPE messages of session n: rpc names ("-" = empty POST)
    n = int(args[0])
    print(" ".join(r["rpc"] or "-" for r in recs if r.get("session") == n and "seq" in r))
elif what == "body":             # body of the last CPE message named args[0]
    rs = [r for r in recs if r.get("rpc") == args[0]]
    print(body(rs[-1]))
elif what == "count":            # number of messages named args[0]
    print(len([r for r in recs if r.get("rpc") == args[0]]))
elif what == "events":           # number of records with event args[0]
    print(len([r for r in recs if r.get("event") == args[0]]))
elif what == "files":            # file requests: "METHOD name status scheme[ second]" per line
    for r in recs:
        if r.get("event") == "file":
            print(r["method"], r["name"], r["status"], r.get("scheme") or "-",
                  *(["second"] if r.get("second") else []))
elif what == "file-times":       # times of the file requests for name args[0]
    print(" ".join(str(r["time_ms"]) for r in recs if r.get("event") == "file" and r["name"] == args[0]))
elif what == "session-conns":    # distinct connections of session n
    n = int(args[0])
    print(len({r["conn"] for r in recs if r.get("session") == n and "conn" in r}))
elif what == "tls-resumed":      # TLS connections in order: "new" or "resumed" each
    print(" ".join("resumed" if r.get("resumed") else "new" for r in recs
                   if r.get("event") == "connect" and r.get("tls")))
elif what == "inform-urls":      # request paths of the Informs, one a line
    for r in informs():
        print(r["url"])
elif what == "inform-times":     # Inform times in ms
    print(" ".join(str(r["time_ms"]) for r in informs()))
elif what == "count401":
    print(len([r for r in recs if r.get("event") == "401"]))
elif what == "end-time":         # time session n ended
    n = int(args[0])
    print([r["time_ms"] for r in recs if r.get("event") == "end" and r.get("session") == n][0])
EOF
}

# tc_field NAME: the text of element NAME in the last TransferComplete; tc_fault, tc_key: its
# FaultCode and CommandKey
tc_field() { q body TransferComplete | sed -n "s/.*<$1>\\([^<]*\\)<\\/$1>.*/\\1/p"; }
tc_fault() { tc_field FaultCode; }
tc_key() { tc_field CommandKey; }

no_violations() { ! [ -s "$T/log/violations.jsonl" ] || fail "ACS saw protocol violations"; }
informs_ge() { [ "$(q informs)" -ge "$1" ]; }
ended_ge() { [ "$(q ended)" -ge "$1" ]; }
count_ge() { [ "$(q count "$1")" -ge "$2" ]; }
events_ge() { [ "$(q events "$1")" -ge "$2" ]; }
queue() { # queue NAME JSON: scenario for a coming session
	printf '%s\n' "$2" > "$T/q/$1.json.tmp" && mv "$T/q/$1.json.tmp" "$T/q/$1.json"
}

# start_acs ARGS...: the test ACS with CPE Digest credentials cpe-1 / 'acs pass' and more ARGS
# A new ACS (no --port) gets another port than the last one: the kernel may hand out the same
# one again, and the daemon would then see no change of the ACS URL (no 0 BOOTSTRAP, no session).
ACS_LAST_PORT=
start_acs() {
	mkdir -p "$T/q" "$T/log"
	for _ in 1 2 3 4 5; do
		rm -f "$T/port"
		node "$ACS_JS" --port-file "$T/port" --log "$T/log" --queue "$T/q" --user cpe-1 \
			--pass 'acs pass' "$@" 2>"$T/acs.err" &
		ACS_PID=$!
		wait_until 10 test -s "$T/port" || fail "the ACS did not start"
		ACS_PORT=$(cat "$T/port")
		case " $* " in *" --port "*) break ;; esac
		[ "$ACS_PORT" = "$ACS_LAST_PORT" ] || break
		kill "$ACS_PID" 2>/dev/null; wait "$ACS_PID" 2>/dev/null
		prev=
		for a in "$@"; do # the port files it wrote besides: written again by the next one
			case $prev in --http-port-file | --files2-port-file) rm -f "$a" ;; esac
			prev=$a
		done
	done
	ACS_LAST_PORT=$ACS_PORT
}
stop_acs() {
	kill "$ACS_PID" 2>/dev/null; wait "$ACS_PID" 2>/dev/null; ACS_PID=
	rm -f "$T/port"
}

# start_file_acs [ARGS...]: start_acs with its file server on $T/files (Digest user fileuser /
# 'file pass') and more ARGS; FURL is the server's base URL.
start_file_acs() {
	mkdir -p "$T/files"
	start_acs --files "$T/files" --file-user fileuser --file-pass 'file pass' "$@"
	FURL="http://127.0.0.1:$ACS_PORT/files"
}

# make_conf KEY=VALUE...: $T/phonesec.conf, the shipped configuration with those lines changed
# (each key must be in it); replaced in one rename, so a daemon reading it on SIGHUP never sees
# half of it.
make_conf() {
	cp "$top_srcdir/conf/phonesec.conf" "$T/phonesec.conf.new"
	for kv in "$@"; do
		sed -i "s|^${kv%%=*} *=.*|${kv%%=*} = ${kv#*=}|" "$T/phonesec.conf.new"
		grep -q "^${kv%%=*} = ${kv#*=}\$" "$T/phonesec.conf.new" || fail "no ${kv%%=*} line in the conf"
	done
	mv "$T/phonesec.conf.new" "$T/phonesec.conf"
}

# init_phone [KEY=VALUE...]: a fresh store pointed at the running test ACS (CPE credentials cpe-1 /
# 'acs pass', connection requests acs / cr-secret-1, quick retries, no periodic inform), then the
# settings given, which win; CR_PORT chosen for start_daemon's -p.
init_phone() {
	"$CLI" -s "$ST" init >/dev/null || fail "phonesec init"
	CR_PORT=$(free_port)
	"$CLI" -s "$ST" set tr69_acs_url="http://127.0.0.1:$ACS_PORT/acs" tr69_acs_user=cpe-1 \
		tr69_acs_passwd='acs pass' tr69_cr_user=acs tr69_cr_pass=cr-secret-1 \
		tr69_retry_min_wait=1 tr69_retry_multiplier=1500 tr69_periodic_enable=off >/dev/null ||
		fail "setting the ACS up"
	[ $# -eq 0 ] || "$CLI" -s "$ST" set "$@" >/dev/null || fail "phonesec set $*"
}

# start_daemon [CONF]: with -p CR_PORT when CR_PORT is set, else on tr69_cr_port; returns once the
# daemon listens for connection requests or has stopped (the test's next wait reports why). A
# CR_PORT another program took after free_port chose it (tests run in parallel) is replaced by
# another free port, up to 5 times; cr_url follows (it reads the last Inform).
logged_n() { if [ -f "$T/cwmpd.log" ]; then grep -c "$1" "$T/cwmpd.log"; else echo 0; fi; }
daemon_settled() { # LISTENING-LINES-BEFORE REFUSED-LINES-BEFORE
	[ "$(logged_n 'cwmp: connection requests on')" -gt "$1" ] ||
		[ "$(logged_n 'cwmp: cannot listen on')" -gt "$2" ] ||
		! kill -0 "$D_PID" 2>/dev/null
}
start_daemon() {
	for _ in 1 2 3 4 5; do
		l0=$(logged_n 'cwmp: connection requests on') e0=$(logged_n 'cwmp: cannot listen on')
		# shellcheck disable=SC2086
		# PHONESEC_DAEMON_WRAP runs the daemon under a checker (tools/run-tests: valgrind)
		${PHONESEC_DAEMON_WRAP:-} "$CWMPD" -s "$ST" -c "${1:-$top_srcdir/conf/phonesec.conf}" -f -d ${CR_PORT:+-p $CR_PORT} \
			>>"$T/cwmpd.log" 2>&1 &
		D_PID=$!
		wait_until 10 daemon_settled "$l0" "$e0" || return 0
		[ -n "${CR_PORT:-}" ] && [ "$(logged_n "cwmp: cannot listen on .* port $CR_PORT\$")" -gt 0 ] &&
			[ "$(logged_n 'cwmp: cannot listen on')" -gt "$e0" ] || return 0
		wait "$D_PID" 2>/dev/null; D_PID=
		echo "port $CR_PORT was taken by another program: the daemon gets another one"
		CR_PORT=$(free_port)
	done
}
# The daemon's exit status after SIGTERM: 0, or the wrapper's error code (valgrind: 97).
stop_daemon() {
	kill "$D_PID" 2>/dev/null; wait "$D_PID" 2>/dev/null; st=$?; D_PID=
	[ "$st" -ne 97 ] || fail "the daemon's checker reported errors (see $T/cwmpd.log)"
}

# cr: a connection request with valid credentials (the URL from the last Inform)
cr_url() {
	q inform-xml -1 | sed -n 's/.*<Name>Device.ManagementServer.ConnectionRequestURL<\/Name><Value[^>]*>\([^<]*\)<.*/\1/p'
}
cr() {
	curl -s -o /dev/null -w '%{http_code}' --digest -u acs:cr-secret-1 "$(cr_url)"
}
# cr_ok [URL]: a connection request (to URL, else cr_url's) accepted with 200, asked again while
# nobody listens yet (a daemon just started) or while the daemon answers 503 (a session or transfer
# still runs: the ACS's 204 comes before the daemon's worker is done; or over the rate limit), up to
# WAIT_FLOOR s; fails on any other status
cr_ok() {
	u=${1:-$(cr_url)}
	end=$(( $(date +%s) + WAIT_FLOOR ))
	while :; do
		c=$(curl -s -o /dev/null -w '%{http_code}' --digest -u acs:cr-secret-1 "$u")
		[ "$c" = 200 ] && return 0
		case $c in 503|000) ;; *) echo "connection request: HTTP $c"; return 1 ;; esac
		[ "$(date +%s)" -lt "$end" ] || { echo "connection request: HTTP $c for $WAIT_FLOOR s"; return 1; }
		sleep 0.2
	done
}
# cr_ready: cr once the listener answers (a daemon just started may not listen yet); prints the
# status (000: nobody listened within WAIT_FLOOR s). For a check of the status itself (503 while a
# reboot is awaited); a request that must be accepted is cr_ok.
cr_ready() {
	end=$(( $(date +%s) + WAIT_FLOOR ))
	while :; do
		c=$(cr)
		[ "$c" != 000 ] && { echo "$c"; return 0; }
		[ "$(date +%s)" -lt "$end" ] || break
		sleep 0.1
	done
	echo 000
}
