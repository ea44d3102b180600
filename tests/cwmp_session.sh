#!/bin/sh
# Integration test of phonesec-cwmpd against the scripted test ACS (tests/acs/acs.js, Digest by npm
# http-auth): whole sessions on 127.0.0.1 with run-time ports, checked through the ACS's records,
# the phonesec CLI and curl --digest as the connection-request client.
set -u

: "${top_srcdir:=.}" "${top_builddir:=.}"
CWMPD="$top_builddir/tr069/phonesec-cwmpd"
CLI="$top_builddir/tools/phonesec"
ACS_JS="$top_srcdir/tests/acs/acs.js"
for t in node curl python3; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
[ -d "$top_srcdir/tests/node_modules/http-auth" ] ||
	{ echo "SKIP: npm install --prefix tests (http-auth)"; exit 77; }

T=$(mktemp -d "${TMPDIR:-/tmp}/cwmp-session.XXXXXX") || exit 99
ST="$T/settings.db"
ACS_PID= ; D_PID=
cleanup() {
	[ -n "$D_PID" ] && kill "$D_PID" 2>/dev/null && wait "$D_PID" 2>/dev/null
	[ -n "$ACS_PID" ] && kill "$ACS_PID" 2>/dev/null && wait "$ACS_PID" 2>/dev/null
	if [ -n "${KEEP_TMP:-}" ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 99' INT TERM

fail() {
	echo "FAIL: $*"
	echo "--- daemon log"; tail -n 40 "$T/cwmpd.log" 2>/dev/null
	echo "--- ACS violations"; cat "$T/log/violations.jsonl" 2>/dev/null
	exit 1
}
ok() { echo "ok: $*"; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_until SECONDS COMMAND...: polls every 0.1 s
wait_until() {
	n=$(( $1 * 10 )); shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1; n=$((n - 1))
	done
	return 1
}

# Queries of the ACS's records (python3 over log.jsonl).
q() {
	python3 - "$T/log" "$@" <<'EOF'
import json, sys, os, glob, re, signal
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
log, what, args = sys.argv[1], sys.argv[2], sys.argv[3:]
recs = [json.loads(l) for l in open(os.path.join(log, "log.jsonl"))] if os.path.exists(os.path.join(log, "log.jsonl")) else []
def informs():
    return [r for r in recs if r.get("rpc") == "Inform"]
def ended():
    return [r for r in recs if r.get("event") == "end"]
if what == "informs":            # number of Informs received
    print(len(informs()))
elif what == "ended":            # number of sessions ended by the ACS with 204
    print(len(ended()))
elif what == "inform-xml":       # body of the n-th Inform (1-based; -1 = last)
    n = int(args[0]); r = informs()[n - 1 if n > 0 else n]
    print(open(glob.glob(os.path.join(log, "%04d-Inform.xml" % r["seq"]))[0]).read())
elif what == "session-rpcs":     # CPE messages of session n: rpc names ("" = empty POST)
    n = int(args[0])
    print(" ".join(r["rpc"] or "-" for r in recs if r.get("session") == n and "seq" in r))
elif what == "session-conns":    # distinct connections of session n
    n = int(args[0])
    print(len({r["conn"] for r in recs if r.get("session") == n and "conn" in r}))
elif what == "inform-times":     # Inform times in ms
    print(" ".join(str(r["time_ms"]) for r in informs()))
elif what == "body":             # body of the last CPE message named args[0]
    rs = [r for r in recs if r.get("rpc") == args[0]]
    print(open(glob.glob(os.path.join(log, "%04d-*.xml" % rs[-1]["seq"]))[0]).read())
elif what == "count401":
    print(len([r for r in recs if r.get("event") == "401"]))
EOF
}

violations() { [ -s "$T/log/violations.jsonl" ] && cat "$T/log/violations.jsonl"; }
no_violations() { ! [ -s "$T/log/violations.jsonl" ] || fail "ACS saw protocol violations"; }
informs_ge() { [ "$(q informs)" -ge "$1" ]; }
ended_ge() { [ "$(q ended)" -ge "$1" ]; }
queue() { # queue NAME JSON: scenario for a coming session
	printf '%s\n' "$2" > "$T/q/$1.json.tmp" && mv "$T/q/$1.json.tmp" "$T/q/$1.json"
}

start_daemon() {
	"$CWMPD" -s "$ST" -c "$top_srcdir/conf/phonesec.conf" -f -d -p "$CR_PORT" >>"$T/cwmpd.log" 2>&1 &
	D_PID=$!
}
stop_daemon() {
	kill "$D_PID" 2>/dev/null; wait "$D_PID" 2>/dev/null; D_PID=
}

# ------------------------------------------------------------------ setup
mkdir -p "$T/q" "$T/log"
"$CLI" -s "$ST" init >/dev/null || fail "phonesec init"
node "$ACS_JS" --port-file "$T/port" --log "$T/log" --queue "$T/q" --user cpe-1 --pass 'acs pass' \
	2>"$T/acs.err" &
ACS_PID=$!
wait_until 10 test -s "$T/port" || fail "the ACS did not start"
ACS_PORT=$(cat "$T/port")
CR_PORT=$(free_port)
"$CLI" -s "$ST" set tr69_acs_url="http://127.0.0.1:$ACS_PORT/acs" tr69_acs_user=cpe-1 \
	tr69_acs_passwd='acs pass' tr69_cr_user=acs tr69_cr_pass=cr-secret-1 \
	tr69_retry_min_wait=1 tr69_retry_multiplier=1500 >/dev/null || fail "setting the ACS up"

# ------------------------------------------------------------------ 1. factory boot
queue 001 '{"rpcs":["<cwmp:GetRPCMethods/>"]}'
start_daemon
wait_until 10 ended_ge 1 || fail "no first session"
q inform-xml 1 | grep -q '<EventCode>0 BOOTSTRAP</EventCode>' || fail "first Inform without 0 BOOTSTRAP"
q inform-xml 1 | grep -q '<EventCode>1 BOOT</EventCode>' || fail "first Inform without 1 BOOT"
q inform-xml 1 | grep -q 'Device.ManagementServer.ConnectionRequestURL' || fail "no ConnectionRequestURL"
q inform-xml 1 | grep -q 'SupportedCWMPVersions' || fail "no CWMP 1.4 version header"
[ "$(q session-rpcs 1)" = "Inform - GetRPCMethodsResponse" ] || fail "session 1: $(q session-rpcs 1)"
ok "factory boot: BOOTSTRAP and BOOT, GetRPCMethods answered"
[ "$(q count401)" -ge 1 ] || fail "no Digest challenge seen"
[ "$(q session-conns 1)" = 1 ] || fail "session 1 used $(q session-conns 1) connections"
no_violations
ok "digest 401 answered on the same connection, session cookie on every POST, headers per 3.4.1"
CR_URL=$(q inform-xml 1 | sed -n 's/.*<Name>Device.ManagementServer.ConnectionRequestURL<\/Name><Value[^>]*>\([^<]*\)<.*/\1/p')
case "$CR_URL" in http://127.0.0.1:"$CR_PORT"/????????????????) ;; *) fail "ConnectionRequestURL '$CR_URL'";; esac

# ------------------------------------------------------------------ 2. connection request
code=$(curl -s -o /dev/null -w '%{http_code}' --digest -u acs:wrong "$CR_URL")
[ "$code" = 401 ] || fail "wrong CR credentials gave $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "$CR_URL")
[ "$code" = 401 ] || fail "no CR credentials gave $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --digest -u acs:cr-secret-1 "$CR_URL")
[ "$code" = 405 ] || fail "POST to the CR URL gave $code"
code=$(curl -s -o /dev/null -w '%{http_code}' --digest -u acs:cr-secret-1 "http://127.0.0.1:$CR_PORT/0000000000000000")
[ "$code" = 404 ] || fail "wrong CR path gave $code"
sleep 1
[ "$(q informs)" = 1 ] || fail "a refused connection request started a session"
ok "connection request refused without valid credentials, no session"

# 3. hardening SetParameterValues (https only) and the lock through AccessList
SPV='<cwmp:SetParameterValues><ParameterList soapenc:arrayType=\"cwmp:ParameterValueStruct[2]\"><ParameterValueStruct><Name>Device.UserInterface.HTTPAccess.1.Enable</Name><Value xsi:type=\"xsd:boolean\">false</Value></ParameterValueStruct><ParameterValueStruct><Name>Device.UserInterface.HTTPAccess.2.Enable</Name><Value xsi:type=\"xsd:boolean\">true</Value></ParameterValueStruct></ParameterList><ParameterKey>harden-1</ParameterKey></cwmp:SetParameterValues>'
SPA='<cwmp:SetParameterAttributes><ParameterList soapenc:arrayType=\"cwmp:SetParameterAttributesStruct[1]\"><SetParameterAttributesStruct><Name>Device.UserInterface.HTTPAccess.1.Enable</Name><NotificationChange>false</NotificationChange><Notification>0</Notification><AccessListChange>true</AccessListChange><AccessList soapenc:arrayType=\"xsd:string[0]\"></AccessList></SetParameterAttributesStruct></ParameterList></cwmp:SetParameterAttributes>'
queue 002 "{\"rpcs\":[\"$SPV\",\"$SPA\"]}"
code=$(curl -s -o /dev/null -w '%{http_code}' --digest -u acs:cr-secret-1 "$CR_URL")
[ "$code" = 200 ] || [ "$code" = 204 ] || fail "valid connection request gave $code"
wait_until 10 ended_ge 2 || fail "no session after the connection request"
q inform-xml 2 | grep -q '<EventCode>6 CONNECTION REQUEST</EventCode>' || fail "no 6 CONNECTION REQUEST"
q inform-xml 2 | grep -q 'BOOTSTRAP' && fail "BOOTSTRAP sent again after delivery"
ok "connection request with Digest: 200 and a session with 6 CONNECTION REQUEST"
q body SetParameterValuesResponse | grep -q '<Status>[01]</Status>' ||
	fail "hardening SetParameterValues not accepted: $(q session-rpcs 2)"
[ "$("$CLI" -s "$ST" get webserver_type)" = https ] || fail "webserver_type is $("$CLI" -s "$ST" get webserver_type)"
q body SetParameterAttributesResponse >/dev/null 2>&1 || fail "SetParameterAttributes not answered"
"$CLI" -s "$ST" --role subscriber set webserver_type=http_https >/dev/null 2>&1 &&
	fail "the desk user could undo the provider's https-only"
[ "$("$CLI" -s "$ST" get webserver_type)" = https ] || fail "webserver_type changed by the subscriber"
no_violations
ok "hardening SetParameterValues: https only, locked against the subscriber"

# ------------------------------------------------------------------ 4. invalid SetParameterValues
before=$("$CLI" -s "$ST" get tr69_periodic_interval)
BAD='<cwmp:SetParameterValues><ParameterList soapenc:arrayType=\"cwmp:ParameterValueStruct[2]\"><ParameterValueStruct><Name>Device.ManagementServer.PeriodicInformInterval</Name><Value xsi:type=\"xsd:unsignedInt\">77</Value></ParameterValueStruct><ParameterValueStruct><Name>Device.No.Such.Parameter</Name><Value xsi:type=\"xsd:string\">x</Value></ParameterValueStruct></ParameterList><ParameterKey>bad-1</ParameterKey></cwmp:SetParameterValues>'
queue 003 "{\"rpcs\":[\"$BAD\"]}"
curl -s -o /dev/null --digest -u acs:cr-secret-1 "$CR_URL"
wait_until 10 ended_ge 3 || fail "no session 3"
[ "$(q session-rpcs 3)" = "Inform - Fault" ] || fail "session 3: $(q session-rpcs 3)"
q body Fault | grep -q '<FaultCode>9003</FaultCode>' || fail "invalid SetParameterValues: no 9003"
q body Fault | grep -q '<FaultCode>9005</FaultCode>' || fail "invalid SetParameterValues: no 9005 entry"
[ "$("$CLI" -s "$ST" get tr69_periodic_interval)" = "$before" ] || fail "a failed SetParameterValues changed a value"
ok "invalid SetParameterValues: fault 9003/9005, nothing changed"

# ------------------------------------------------------------------ 5. active notification
SPA2='<cwmp:SetParameterAttributes><ParameterList soapenc:arrayType=\"cwmp:SetParameterAttributesStruct[1]\"><SetParameterAttributesStruct><Name>Device.ManagementServer.PeriodicInformInterval</Name><NotificationChange>true</NotificationChange><Notification>2</Notification><AccessListChange>false</AccessListChange><AccessList soapenc:arrayType=\"xsd:string[0]\"></AccessList></SetParameterAttributesStruct></ParameterList></cwmp:SetParameterAttributes>'
queue 004 "{\"rpcs\":[\"$SPA2\"]}"
curl -s -o /dev/null --digest -u acs:cr-secret-1 "$CR_URL"
wait_until 10 ended_ge 4 || fail "no session 4"
"$CLI" -s "$ST" set tr69_periodic_interval=4000 >/dev/null || fail "CLI set"
wait_until 10 ended_ge 5 || fail "no session after an active notification"
q inform-xml 5 | grep -q '<EventCode>4 VALUE CHANGE</EventCode>' || fail "no 4 VALUE CHANGE"
q inform-xml 5 | grep -q '<Value xsi:type="xsd:unsignedInt">4000</Value>' || fail "changed value not in the Inform"
ok "active notification: a CLI change reported within seconds with 4 VALUE CHANGE"

# ------------------------------------------------------------------ 6. HoldRequests and TransferComplete
DL='<cwmp:Download><CommandKey>dl-1</CommandKey><FileType>3 Vendor Configuration File</FileType><URL>http://127.0.0.1:9/none.cfg</URL><Username></Username><Password></Password><FileSize>0</FileSize><TargetFileName></TargetFileName><DelaySeconds>0</DelaySeconds><SuccessURL></SuccessURL><FailureURL></FailureURL></cwmp:Download>'
queue 005 "{\"rpcs\":[\"$DL\"]}"
queue 006 '{"hold_requests":true}'
curl -s -o /dev/null --digest -u acs:cr-secret-1 "$CR_URL"
wait_until 15 ended_ge 7 || fail "no session after the Download ($(q ended) ended)"
[ "$(q session-rpcs 7)" = "Inform -" ] || fail "HoldRequests not honoured: $(q session-rpcs 7)"
q inform-xml 7 | grep -q '<EventCode>7 TRANSFER COMPLETE</EventCode>' || fail "no 7 TRANSFER COMPLETE"
q inform-xml 7 | grep -q '<EventCode>M Download</EventCode>' || fail "no M Download"
curl -s -o /dev/null --digest -u acs:cr-secret-1 "$CR_URL"
wait_until 10 ended_ge 8 || fail "no session 8"
[ "$(q session-rpcs 8)" = "Inform TransferComplete -" ] || fail "TransferComplete not sent: $(q session-rpcs 8)"
q body TransferComplete | grep -q '<CommandKey>dl-1</CommandKey>' || fail "TransferComplete CommandKey"
no_violations
ok "HoldRequests honoured, TransferComplete sent in the next session"

# ------------------------------------------------------------------ 7. ACS down: retries
queue 010 '{"fail":"drop"}'
queue 011 '{"fail":"drop"}'
queue 012 '{"fail":"drop"}'
queue 013 '{}'
n0=$(q informs); e0=$(q ended)
curl -s -o /dev/null --digest -u acs:cr-secret-1 "$CR_URL"
wait_until 20 ended_ge $((e0 + 1)) || fail "no session after 3 failures"
times=$(q inform-times)
python3 - $times "$n0" <<'EOF' || fail "retry intervals outside the 3.2.1.1 windows (m=1, k=1.5)"
import sys
t = [int(x) for x in sys.argv[1:-1]][int(sys.argv[-1]):]
waits = [(b - a) / 1000 for a, b in zip(t, t[1:])]
windows = [(1, 1.5), (1.5, 2.25), (2.25, 3.375)]
print("retry waits:", waits)
assert len(waits) == 3
for w, (lo, hi) in zip(waits, windows):
    assert lo - 0.05 <= w <= hi + 0.3, (w, lo, hi)
EOF
q inform-xml -1 | grep -q '<RetryCount>3</RetryCount>' || fail "RetryCount not 3"
q inform-xml -1 | grep -q 'CONNECTION REQUEST' && fail "6 CONNECTION REQUEST retried"
ok "ACS down: 3 retries inside the windows, RetryCount 3, CONNECTION REQUEST not retried"

# ------------------------------------------------------------------ 8. restart mid-queue
queue 020 '{"fail":"drop"}'
"$CLI" -s "$ST" set tr69_retry_min_wait=30 >/dev/null
n0=$(q informs)
"$CLI" -s "$ST" set tr69_periodic_interval=4001 >/dev/null   # active: a session with 4 VALUE CHANGE
wait_until 10 informs_ge $((n0 + 1)) || fail "no session for the value change"
sleep 0.5
stop_daemon
start_daemon
wait_until 15 ended_ge $((e0 + 2)) || fail "no session after the restart"
q inform-xml -1 | grep -q '<EventCode>4 VALUE CHANGE</EventCode>' || fail "value change lost across the restart"
q inform-xml -1 | grep -q '<Value xsi:type="xsd:unsignedInt">4001</Value>' || fail "changed parameter lost"
q inform-xml -1 | grep -q '1 BOOT' && fail "a daemon restart claimed 1 BOOT"
no_violations
ok "restart of the client mid-queue: events kept"
exit 0
