#!/bin/sh
# phonesec-cwmpd following the audit log (store_feed_follow) against the test ACS: a value change
# under active notification is reported with 4 VALUE CHANGE, also when the daemon fell behind the
# kept log (the entry of the change pruned while it was stopped): then the snapshot's per-setting
# change sequence stands in for the lost entries.
set -u

T_NAME=follow
# shellcheck source=tests/cwmp_lib.sh
. "${top_srcdir:-.}/tests/cwmp_lib.sh"

start_acs
init_phone
SPA='<cwmp:SetParameterAttributes><ParameterList soapenc:arrayType=\"cwmp:SetParameterAttributesStruct[1]\"><SetParameterAttributesStruct><Name>Device.ManagementServer.PeriodicInformInterval</Name><NotificationChange>true</NotificationChange><Notification>2</Notification><AccessListChange>false</AccessListChange><AccessList soapenc:arrayType=\"xsd:string[0]\"></AccessList></SetParameterAttributesStruct></ParameterList></cwmp:SetParameterAttributes>'
queue 001 "{\"rpcs\":[\"$SPA\"]}"
start_daemon
wait_until 20 ended_ge 1 || fail "no first session"
q body SetParameterAttributesResponse >/dev/null 2>&1 || fail "SetParameterAttributes not answered"

# ------------------------------------------------------------------ 1. an entry
"$CLI" -s "$ST" set tr69_periodic_interval=4000 >/dev/null || fail "CLI set"
wait_until 20 ended_ge 2 || fail "no session after an active notification"
q inform-xml 2 | grep -q '<EventCode>4 VALUE CHANGE</EventCode>' || fail "no 4 VALUE CHANGE"
q inform-xml 2 | grep -q '<Value xsi:type="xsd:unsignedInt">4000</Value>' || fail "value not in the Inform"
ok "a change followed entry by entry: 4 VALUE CHANGE"

# ------------------------------------------------------------------ 2. fell behind
# The daemon is stopped while the change is committed and its entry pruned (as the log does past
# 10,000 entries), and a later entry stays: the follower's next entry is gone. Nothing may fail
# between STOP and CONT (a stopped daemon would not end at exit).
kill -STOP "$D_PID"
"$CLI" -s "$ST" set tr69_periodic_interval=4100 >/dev/null; set_rc=$?
"$CLI" -s "$ST" set web_logout_timer=7 >/dev/null; set_rc2=$?
python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=15)
db.execute("DELETE FROM audit WHERE seq < (SELECT max(seq) FROM audit)")
db.commit()
' "$ST"; py_rc=$?
kill -CONT "$D_PID"
[ "$set_rc" = 0 ] && [ "$set_rc2" = 0 ] && [ "$py_rc" = 0 ] || fail "preparing the pruned log"
wait_until 20 grep -q 'fell behind the audit log' "$T/cwmpd.log" || fail "falling behind not noticed"
wait_until 20 ended_ge 3 || fail "no session after falling behind"
q inform-xml 3 | grep -q '<EventCode>4 VALUE CHANGE</EventCode>' || fail "no 4 VALUE CHANGE after falling behind"
q inform-xml 3 | grep -q '<Value xsi:type="xsd:unsignedInt">4100</Value>' ||
	fail "the pruned change's value not in the Inform"
no_violations

# ------------------------------------------------------------------ 3. and on from there
"$CLI" -s "$ST" set tr69_periodic_interval=4200 >/dev/null || fail "CLI set"
wait_until 20 ended_ge 4 || fail "no session for the change after the resync"
q inform-xml 4 | grep -q '<Value xsi:type="xsd:unsignedInt">4200</Value>' || fail "4200 not in the Inform"
ok "fell behind the kept log: the pruned change reported, following goes on"
stop_daemon
exit 0
