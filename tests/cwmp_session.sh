#!/bin/sh
# Integration test of phonesec-cwmpd against the scripted test ACS (tests/acs/acs.js, Digest by npm
# http-auth): whole sessions on 127.0.0.1 with run-time ports, checked through the ACS's records,
# the phonesec CLI and curl --digest as the connection-request client.
set -u

T_NAME=session
# shellcheck source=tests/cwmp_lib.sh
. "${top_srcdir:-.}/tests/cwmp_lib.sh"

# ------------------------------------------------------------------ setup
start_acs
init_phone tr69_periodic_enable=on

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
cr_ok "$CR_URL" || fail "valid connection request refused"
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
cr_ok "$CR_URL" || fail "connection request"
wait_until 10 ended_ge 3 || fail "no session 3"
[ "$(q session-rpcs 3)" = "Inform - Fault" ] || fail "session 3: $(q session-rpcs 3)"
q body Fault | grep -q '<FaultCode>9003</FaultCode>' || fail "invalid SetParameterValues: no 9003"
q body Fault | grep -q '<FaultCode>9005</FaultCode>' || fail "invalid SetParameterValues: no 9005 entry"
[ "$("$CLI" -s "$ST" get tr69_periodic_interval)" = "$before" ] || fail "a failed SetParameterValues changed a value"
ok "invalid SetParameterValues: fault 9003/9005, nothing changed"

# ------------------------------------------------------------------ 5. active notification
SPA2='<cwmp:SetParameterAttributes><ParameterList soapenc:arrayType=\"cwmp:SetParameterAttributesStruct[1]\"><SetParameterAttributesStruct><Name>Device.ManagementServer.PeriodicInformInterval</Name><NotificationChange>true</NotificationChange><Notification>2</Notification><AccessListChange>false</AccessListChange><AccessList soapenc:arrayType=\"xsd:string[0]\"></AccessList></SetParameterAttributesStruct></ParameterList></cwmp:SetParameterAttributes>'
queue 004 "{\"rpcs\":[\"$SPA2\"]}"
cr_ok "$CR_URL" || fail "connection request"
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
cr_ok "$CR_URL" || fail "connection request"
wait_until 15 ended_ge 7 || fail "no session after the Download ($(q ended) ended)"
[ "$(q session-rpcs 7)" = "Inform -" ] || fail "HoldRequests not honoured: $(q session-rpcs 7)"
q inform-xml 7 | grep -q '<EventCode>7 TRANSFER COMPLETE</EventCode>' || fail "no 7 TRANSFER COMPLETE"
q inform-xml 7 | grep -q '<EventCode>M Download</EventCode>' || fail "no M Download"
cr_ok "$CR_URL" || fail "connection request"
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
# The waits the daemon drew (its log) are each inside their window; the gaps the ACS saw between
# the Informs are never shorter (they add the failure and a new connection: on a loaded machine
# seconds more, hence the wide upper bound).
n0=$(q informs); e0=$(q ended); r0=$(grep -c 'cwmp: retry ' "$T/cwmpd.log")
cr_ok "$CR_URL" || fail "connection request"
wait_until 20 ended_ge $((e0 + 1)) || fail "no session after 3 failures"
times=$(q inform-times)
planned=$(grep 'cwmp: retry ' "$T/cwmpd.log" | tail -n +$((r0 + 1)) | sed -n 's/.*cwmp: retry \([0-9]*\) in \([0-9]*\) ms.*/\1:\2/p' | tr '\n' ' ')
python3 - "$planned" $times "$n0" <<'EOF' || fail "retry intervals outside the 3.2.1.1 windows (m=1, k=1.5)"
import sys
planned = [tuple(int(v) for v in p.split(":")) for p in sys.argv[1].split()]
t = [int(x) for x in sys.argv[2:-1]][int(sys.argv[-1]):]
waits = [(b - a) / 1000 for a, b in zip(t, t[1:])]
windows = [(1, 1.5), (1.5, 2.25), (2.25, 3.375)]
print("retry waits drawn:", planned, "seen by the ACS:", waits)
assert [n for n, _ in planned] == [1, 2, 3], planned
assert len(waits) == 3
for (_, ms), w, (lo, hi) in zip(planned, waits, windows):
    assert lo * 1000 <= ms <= hi * 1000, (ms, lo, hi)
    assert lo - 0.05 <= w <= hi + 10, (w, lo, hi)
EOF
q inform-xml -1 | grep -q '<RetryCount>3</RetryCount>' || fail "RetryCount not 3"
q inform-xml -1 | grep -q 'CONNECTION REQUEST' && fail "6 CONNECTION REQUEST retried"
ok "ACS down: 3 retries inside the windows, RetryCount 3, CONNECTION REQUEST not retried"

# ------------------------------------------------------------------ 8. restart mid-queue
queue 020 '{"fail":"drop"}'
"$CLI" -s "$ST" set tr69_retry_min_wait=30 >/dev/null
n0=$(q informs)
"$CLI" -s "$ST" set tr69_periodic_interval=4001 >/dev/null   # active: a session with 4 VALUE CHANGE
r0=$(grep -c 'cwmp: retry ' "$T/cwmpd.log")
wait_until 10 informs_ge $((n0 + 1)) || fail "no session for the value change"
retried() { [ "$(grep -c 'cwmp: retry ' "$T/cwmpd.log")" -gt "$r0" ]; }
wait_until 10 retried || fail "the dropped session was not seen to fail"
stop_daemon
start_daemon
wait_until 15 ended_ge $((e0 + 2)) || fail "no session after the restart"
q inform-xml -1 | grep -q '<EventCode>4 VALUE CHANGE</EventCode>' || fail "value change lost across the restart"
q inform-xml -1 | grep -q '<Value xsi:type="xsd:unsignedInt">4001</Value>' || fail "changed parameter lost"
q inform-xml -1 | grep -q '1 BOOT' && fail "a daemon restart claimed 1 BOOT"
no_violations
ok "restart of the client mid-queue: events kept"
# ------------------------------------------------------------------ 9. Basic over plain http
# TR-069 3.4.4: without TLS the ACS must use Digest. An ACS (or anyone on the path) asking for
# Basic over http gets no credentials: the password would travel in clear.
stop_daemon
stop_acs
rm -rf "$T/log" "$T/q"
start_acs --cwmp-auth basic
: >"$T/cwmpd.log"
"$CLI" -s "$ST" set tr69_acs_url="http://127.0.0.1:$ACS_PORT/acs" tr69_retry_min_wait=1 >/dev/null
start_daemon
wait_until 10 grep -q 'Basic authentication over plain http: refused' "$T/cwmpd.log" ||
	fail "Basic over http: not refused"
wait_until 10 events_ge 401 2 || fail "Basic over http: no retry"
python3 - "$T/log/log.jsonl" <<'EOF' || fail "credentials were sent to a Basic challenge over http"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert not any(r.get("had_auth") for r in recs if r.get("event") == "401")
assert not any(r.get("event") == "auth-ok" for r in recs)
EOF
grep -q 'acs pass' "$T/cwmpd.log" && fail "the ACS password was logged"
stop_daemon
ok "an ACS asking for Basic over plain http gets no credentials (refused, retried later)"
# ------------------------------------------------------------------ 10. hostile challenges over http
# Credentials go only to a Digest challenge read whole (RFC 7235); each of these 401s (one field a
# line, several lines: several fields) gets nothing, twice; the ACS records every Authorization
# header it receives, so the wire says that none was sent.
stop_acs
rm -rf "$T/log" "$T/q"
start_acs --challenge-file "$T/chal"
: >"$T/cwmpd.log"
"$CLI" -s "$ST" set tr69_acs_url="http://127.0.0.1:$ACS_PORT/acs" tr69_retry_min_wait=1 \
	tr69_retry_multiplier=1000 >/dev/null || fail "setting the ACS up"
challenge() { printf '%s\n' "$@" >"$T/chal.tmp" && mv "$T/chal.tmp" "$T/chal"; }
challenge 'Digest realm="phonesec-acs", qop="auth", algorithm="MD5"'
start_daemon
for c in 'Digest realm="phonesec-acs", qop="auth", algorithm="MD5"' \
	'Basic realm="a, Digest b"' \
	'Basic realm="x", Digest realm=y' \
	'Digest realm="phonesec-acs", nonce="abc", algorithm="MD5"' \
	'Digest realm="phonesec-acs", nonce="abc", qop="auth", algorithm="SHA-512-256"' \
	'Digest realm="phonesec-acs", nonce="abc" qop="auth"' \
	'Digest realm="phonesec-acs", nonce="a\"b", qop="auth"' \
	'Basic realm="x"|Digest realm="y", qop="auth"' \
	'Newauth realm="x", Basic token68=='; do
	# shellcheck disable=SC2086
	(IFS='|'; challenge $c)
	n0=$(q count401)
	wait_until 30 events_ge 401 $((n0 + 2)) || fail "no retry after the challenge $c"
done
python3 - "$T/log/log.jsonl" <<'EOF2' || fail "credentials were sent to a hostile challenge over http"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
sent = [r for r in recs if r.get("event") == "authorization"]
assert not sent, sent
assert not any(r.get("event") == "auth-ok" for r in recs)
assert not any(r.get("had_auth") for r in recs if r.get("event") == "401")
print("%d challenges, no Authorization header" % len([r for r in recs if r.get("event") == "401"]))
EOF2
grep -q "credentials not sent" "$T/cwmpd.log" || fail "the refusal was not logged"
grep -q 'acs pass' "$T/cwmpd.log" && fail "the ACS password was logged"
ok "hostile or incomplete challenges over http (no nonce, Digest quoted in Basic, ...): no credentials on the wire"

# a whole Digest challenge beside Basic ones, in one field and in several: Digest answers
challenge 'Basic realm="a, Digest b", @DIGEST@' 'Basic realm="phonesec-acs"'
wait_until 30 events_ge auth-ok 1 || fail "Digest beside Basic challenges not answered"
wait_until 10 ended_ge 1 || fail "no session after the Digest answer"
python3 - "$T/log/log.jsonl" <<'EOF2' || fail "not Digest on the wire"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
sent = [r["value"] for r in recs if r.get("event") == "authorization"]
assert sent and all(v.startswith("Digest ") and 'realm="phonesec-acs"' in v for v in sent), sent
EOF2
stop_daemon
ok "a whole Digest challenge among Basic ones (one field, several fields): answered with Digest"
# ------------------------------------------------------------------ 11. characters XML forbids
# "&#0;" inside a name or a value cut it short (the rest was applied to the name before the NUL):
# such a request gets 9003 and changes nothing, value and ParameterKey alike.
start_daemon
# the listener is up once it answers (401 without credentials; a slow start under valgrind)
cr_listening() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$(cr_url)")" != 000 ]; }
wait_until 60 cr_listening || fail "the connection-request listener did not come up"
e0=$(q ended)
PII=Device.ManagementServer.PeriodicInformInterval
spv() { # NAME VALUE KEY
	printf '<cwmp:SetParameterValues><ParameterList soapenc:arrayType=\\"cwmp:ParameterValueStruct[1]\\"><ParameterValueStruct><Name>%s</Name><Value xsi:type=\\"xsd:unsignedInt\\">%s</Value></ParameterValueStruct></ParameterList><ParameterKey>%s</ParameterKey></cwmp:SetParameterValues>' "$1" "$2" "$3"
}
GPV="<cwmp:GetParameterValues><ParameterNames soapenc:arrayType=\\\"xsd:string[2]\\\"><string>$PII</string><string>Device.ManagementServer.ParameterKey</string></ParameterNames></cwmp:GetParameterValues>"
before=$("$CLI" -s "$ST" get tr69_periodic_interval)
queue 110 "{\"rpcs\":[\"$(spv "$PII&#0;junk" 112 nul-1)\",\"$(spv "$PII" '112&#0;x' nul-2)\",\"$(spv "$PII" 113 'nul-3&#x1F;')\",\"$GPV\"]}"
cr_ok || fail "connection request"
wait_until 15 ended_ge $((e0 + 1)) || fail "no session with the forbidden characters"
[ "$(q session-rpcs "$(q ended)")" = "Inform - Fault Fault Fault GetParameterValuesResponse" ] ||
	fail "forbidden characters: $(q session-rpcs "$(q ended)")"
[ "$(grep -l '<FaultCode>9003</FaultCode>' "$T/log/"*-Fault.xml | wc -l)" -ge 3 ] || fail "not 9003"
[ "$("$CLI" -s "$ST" get tr69_periodic_interval)" = "$before" ] || fail "a value with &#0; was applied"
q body GetParameterValuesResponse | grep -q "<Value xsi:type=\"xsd:unsignedInt\">$before</Value>" ||
	fail "the interval read back: $(q body GetParameterValuesResponse)"
q body GetParameterValuesResponse | grep -q 'nul-' && fail "the ParameterKey of a refused request was kept"
ok "names, values and keys with characters XML forbids (&#0;, &#x1F;): 9003, nothing changed"

# ------------------------------------------------------------------ 12. the request cap counts faults
# 600 requests each answered with a fault (arguments that do not deserialize): the session ends at
# the 512th, as it does for requests answered without a fault.
e0=$(q ended); s0=$(q informs)
python3 - "$T/q/120.json" <<'EOF2'
import json, sys
bad = "<cwmp:ScheduleInform><DelaySeconds>abc</DelaySeconds><CommandKey>cap</CommandKey></cwmp:ScheduleInform>"
json.dump({"rpcs": [bad] * 600}, open(sys.argv[1] + ".tmp", "w"))
EOF2
mv "$T/q/120.json.tmp" "$T/q/120.json"
cr_ok || fail "connection request"
wait_until 120 grep -q 'more than 512 ACS requests in one session' "$T/cwmpd.log" ||
	fail "the session of 600 faulting requests did not end at the cap"
python3 - "$T/log/log.jsonl" "$((s0 + 1))" <<'EOF2' || fail "faulting requests past the cap"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[2])
faults = [r for r in recs if r.get("session") == n and r.get("rpc") == "Fault"]
assert len(faults) == 512, len(faults)
assert not any(r.get("event") == "end" and r.get("session") == n for r in recs)
print("512 faults answered, then the session ended")
EOF2
wait_until 20 ended_ge $((e0 + 1)) || fail "no session after the capped one"
stop_daemon
ok "a session of 600 requests answered with faults ends at the 512 cap"
exit 0
