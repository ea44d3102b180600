#!/bin/sh
# SIGHUP: phonesec-cwmpd reads its configuration file again. New identity values show in the next
# Inform, a new cr_host changes ConnectionRequestURL (a value change, notified at once), the
# vendor prefix and the listener's address wait for a restart, and a bad file changes nothing.
set -u
T_NAME=reload
. "${top_srcdir:-.}/tests/cwmp_lib.sh"

start_acs
init_phone

# value N NAME: the value of parameter NAME in the N-th Inform
value() {
	q inform-xml "$1" | sed -n "s/.*<Name>$2<\/Name><Value[^>]*>\([^<]*\)<.*/\1/p"
}
logged() { grep -q "$1" "$T/cwmpd.log"; }

make_conf serial=SN-A sw_version=1.0
start_daemon "$T/phonesec.conf"
wait_until 10 ended_ge 1 || fail "no first session"
q inform-xml 1 | grep -q '<SerialNumber>SN-A</SerialNumber>' || fail "first Inform without SN-A"
[ "$(value 1 Device.DeviceInfo.SoftwareVersion)" = 1.0 ] || fail "first Inform without version 1.0"
URL1=$(value 1 Device.ManagementServer.ConnectionRequestURL)
case $URL1 in http://127.0.0.1:"$CR_PORT"/*) ;; *) fail "unexpected ConnectionRequestURL $URL1" ;; esac
vendor_paths=$(q inform-xml 1 | grep -c '<Name>Device.X_')

# ------------------------------------------------------------------ 1. a good file
make_conf serial=SN-B sw_version=2.0 cr_host=localhost vendor=OTHER-EXAMPLE cr_bind=0.0.0.0
kill -HUP "$D_PID"
wait_until 10 logged 'configuration reloaded' || fail "no reload logged"
logged 'vendor OTHER-EXAMPLE takes effect at the next start' || fail "vendor change not deferred"
logged 'cr_bind 0.0.0.0 takes effect at the next start' || fail "cr_bind change not deferred"
# the new ConnectionRequestURL is an active notification: a session by itself
wait_until 10 informs_ge 2 || fail "no session for the new ConnectionRequestURL"
q inform-xml 2 | grep -q '<EventCode>4 VALUE CHANGE</EventCode>' || fail "no 4 VALUE CHANGE"
q inform-xml 2 | grep -q '<SerialNumber>SN-B</SerialNumber>' || fail "the Inform after the reload has not SN-B"
[ "$(value 2 Device.DeviceInfo.SoftwareVersion)" = 2.0 ] || fail "version after the reload: $(value 2 Device.DeviceInfo.SoftwareVersion)"
URL2=$(value 2 Device.ManagementServer.ConnectionRequestURL)
[ "$URL2" = "$(echo "$URL1" | sed 's|//127.0.0.1:|//localhost:|')" ] || fail "ConnectionRequestURL after the reload: $URL2"
[ "$(q inform-xml 2 | grep -c '<Name>Device.X_')" = "$vendor_paths" ] || fail "vendor parameters changed without a restart"
q inform-xml 2 | grep -q 'OTHER-EXAMPLE' && fail "the new vendor prefix was used without a restart"
cr_ok "$URL2" || fail "connection request on the new URL"
wait_until 10 informs_ge 3 || fail "no session for the connection request"
no_violations
ok "SIGHUP: new identity and ConnectionRequestURL in use (notified), vendor and cr_bind wait for a restart"

# ------------------------------------------------------------------ 2. a bad file
wait_until 10 ended_ge 3 || fail "session did not end"
printf 'serial = SN-C\ncolour = blue\n' > "$T/phonesec.conf"
kill -HUP "$D_PID"
wait_until 10 logged 'configuration not reloaded: .*phonesec.conf:2: unknown key' || fail "bad file not reported"
cr_ok || fail "connection request refused after a bad reload"
wait_until 10 informs_ge 4 || fail "no session after a bad reload"
q inform-xml 4 | grep -q '<SerialNumber>SN-B</SerialNumber>' || fail "a bad file changed the configuration"
kill -0 "$D_PID" || fail "the daemon died"
ok "SIGHUP with a bad file: reported, nothing changed"

# ------------------------------------------------------------------ 3. while the worker is busy
# A reboot hook that runs until the test lets it go (slow.go) keeps the worker busy; a reload
# meanwhile waits for it. That the reload was read shows in its deferred cr_bind change.
wait_until 10 ended_ge 4 || fail "session did not end"
printf '#!/bin/sh\ntouch "%s/slow.started"\nn=0\nwhile ! [ -e "%s/slow.go" ] && [ $n -lt 1200 ]; do sleep 0.1; n=$((n + 1)); done\nexit 1\n' \
	"$T" "$T" > "$T/slow.sh"
chmod 755 "$T/slow.sh"
# (cr_host stays localhost: a ConnectionRequestURL change now would start a session of its own,
# which could take the Reboot queued below before the connection request does)
make_conf serial=SN-D reboot_hook="$T/slow.sh" reboot_hook_timeout=180 cr_host=localhost
kill -HUP "$D_PID"
reloads() { grep -c 'configuration reloaded' "$T/cwmpd.log"; }
reloads_are() { [ "$(reloads)" = "$1" ]; }
wait_until 10 reloads_are 2 || fail "second reload not applied"
queue 030 '{"rpcs":["<cwmp:Reboot><CommandKey>rb-reload</CommandKey></cwmp:Reboot>"]}'
cr_ok || fail "connection request refused"
wait_until 10 test -f "$T/slow.started" || fail "the reboot hook did not start"
deferred() { [ "$(grep -c 'cr_bind 0.0.0.0 takes effect at the next start' "$T/cwmpd.log")" = "$1" ]; }
deferred 1 || fail "cr_bind deferred $(grep -c 'cr_bind 0.0.0.0 takes' "$T/cwmpd.log") times before"
make_conf serial=SN-E reboot_hook="$T/slow.sh" reboot_hook_timeout=180 cr_host=localhost cr_bind=0.0.0.0
kill -HUP "$D_PID"
wait_until 10 deferred 2 || fail "the reload during the hook was not read"
[ "$(reloads)" = 2 ] || fail "the configuration changed while the worker ran the hook"
touch "$T/slow.go"
wait_until 10 informs_ge 6 || fail "no session after the reboot in place"
[ "$(reloads)" = 3 ] || fail "the waiting reload was not applied once the worker was idle"
q inform-xml 6 | grep -q '<SerialNumber>SN-E</SerialNumber>' || fail "the Inform after the busy reload has not SN-E"
q inform-xml 6 | grep -q '<EventCode>M Reboot</EventCode><CommandKey>rb-reload</CommandKey>' ||
	fail "no M Reboot after the reboot in place"
no_violations
ok "SIGHUP while the worker runs a hook: applied once it is idle, before the next session"
exit 0
