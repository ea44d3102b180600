#!/bin/sh
# Interoperability of phonesec-cwmpd with real ACSs, against the test ACS (tests/acs/acs.js): date-times
# in every xs:dateTime form (GenieACS sends milliseconds) kept as whole-second UTC, periodic informs on
# PeriodicInformTime + whole intervals, FactoryReset reporting 0 BOOTSTRAP and 1 BOOT with and
# without a reboot hook, RetryCount back to 0 after a successful retry, M Upload across a reboot.
set -u
T_NAME=interop
# shellcheck source=tests/cwmp_lib.sh
. "${top_srcdir:-.}/tests/cwmp_lib.sh"

# the connection-request URL from the last Inform (each fresh store has a path of its own)
cr_url() {
	q inform-xml -1 | sed -n 's/.*<Name>Device.ManagementServer.ConnectionRequestURL<\/Name><Value[^>]*>\([^<]*\)<.*/\1/p'
}
# nth NAME N: body of the N-th CPE message named NAME (1-based)
nth() {
	python3 - "$T/log" "$1" "$2" <<'EOF'
import glob, json, os, signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
log, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
recs = [json.loads(l) for l in open(os.path.join(log, "log.jsonl"))]
rs = [r for r in recs if r.get("rpc") == name]
print(open(glob.glob(os.path.join(log, "%04d-*.xml" % rs[n - 1]["seq"]))[0]).read())
EOF
}
# has N CODE [KEY]: the N-th Inform carries the event (with that CommandKey)
has() {
	if [ $# -eq 3 ]; then
		q inform-xml "$1" | grep -q "<EventCode>$2</EventCode><CommandKey>$3</CommandKey>"
	else
		q inform-xml "$1" | grep -q "<EventCode>$2</EventCode>"
	fi
}
# value_in XML NAME: the Value of parameter NAME in a ParameterList
value_in() { printf '%s\n' "$1" | sed -n "s/.*<Name>$2<\\/Name><Value[^>]*>\\([^<]*\\)<.*/\\1/p"; }
retry_count() { q inform-xml "$1" | sed -n 's/.*<RetryCount>\([0-9]*\)<\/RetryCount>.*/\1/p'; }
spv() { # spv KEY NAME TYPE VALUE: SetParameterValues of one parameter (JSON-escaped quotes)
	printf '<cwmp:SetParameterValues><ParameterList soapenc:arrayType=\\"cwmp:ParameterValueStruct[1]\\"><ParameterValueStruct><Name>Device.ManagementServer.%s</Name><Value xsi:type=\\"xsd:%s\\">%s</Value></ParameterValueStruct></ParameterList><ParameterKey>%s</ParameterKey></cwmp:SetParameterValues>' \
		"$2" "$3" "$4" "$1"
}
gpv() { # gpv NAME...: GetParameterValues of ManagementServer parameters
	n=$#; names=
	for p in "$@"; do names="$names<string>Device.ManagementServer.$p</string>"; done
	printf '<cwmp:GetParameterValues><ParameterNames soapenc:arrayType=\\"xsd:string[%s]\\">%s</ParameterNames></cwmp:GetParameterValues>' "$n" "$names"
}
upload() { # KEY FILE
	printf '<cwmp:Upload><CommandKey>%s</CommandKey><FileType>3 Vendor Configuration File</FileType><URL>%s/%s</URL><Username>fileuser</Username><Password>file pass</Password><DelaySeconds>0</DelaySeconds></cwmp:Upload>' \
		"$1" "$FURL" "$2"
}
# fresh: the daemon stopped, a new store (init_phone), the daemon started on it and its first
# session (0 BOOTSTRAP) over
fresh() {
	[ -z "$D_PID" ] || stop_daemon
	rm -f "$ST" "$ST"-*
	init_phone
	n0=$(q ended)
	start_daemon "${CONF:-}"
	wait_until 30 ended_ge $((n0 + 1)) || fail "no first session on a fresh store"
}

start_file_acs

# ------------------------------------------------------------------ 1. date-times from the ACS
fresh
nb=$(q informs)
# GenieACS's inform provision, as it sends it in every session; then an offset with a fraction;
# then a date that does not exist
queue 010 "{\"rpcs\":[\"$(spv genie-1 PeriodicInformTime dateTime 1970-01-01T15:56:27.404Z)\",\"$(gpv PeriodicInformTime)\",\"$(spv off-2 PeriodicInformTime dateTime 2026-03-01T00:30:00.125+01:00)\",\"$(gpv PeriodicInformTime ParameterKey)\",\"$(spv bad-3 PeriodicInformTime dateTime 2026-02-30T00:00:00Z)\",\"$(gpv PeriodicInformTime ParameterKey)\"]}"
cr_ok || fail "connection request refused"
wait_until 30 count_ge GetParameterValuesResponse 3 || fail "the date-time session did not finish: $(q session-rpcs $((nb + 1)))"
nth SetParameterValuesResponse 1 | grep -q '<Status>[01]</Status>' ||
	fail "GenieACS's PeriodicInformTime with milliseconds refused: $(q session-rpcs $((nb + 1)))"
v=$(value_in "$(nth GetParameterValuesResponse 1)" Device.ManagementServer.PeriodicInformTime)
[ "$v" = 1970-01-01T15:56:27Z ] || fail "PeriodicInformTime read back as '$v', not 1970-01-01T15:56:27Z"
nth SetParameterValuesResponse 2 | grep -q '<Status>[01]</Status>' || fail "an offset with a fraction refused"
r=$(nth GetParameterValuesResponse 2)
v=$(value_in "$r" Device.ManagementServer.PeriodicInformTime)
[ "$v" = 2026-02-28T23:30:00Z ] || fail "2026-03-01T00:30:00.125+01:00 read back as '$v', not 2026-02-28T23:30:00Z"
[ "$(value_in "$r" Device.ManagementServer.ParameterKey)" = off-2 ] || fail "ParameterKey not off-2"
f=$(q body Fault)
printf '%s' "$f" | grep -q '<FaultCode>9003</FaultCode>' || fail "February 30 not refused with 9003: $f"
printf '%s' "$f" | grep -q '<ParameterName>Device.ManagementServer.PeriodicInformTime</ParameterName><FaultCode>9007</FaultCode>' ||
	fail "February 30: no 9007 for PeriodicInformTime: $f"
printf '%s' "$f" | grep -q 'February 2026 has 28 days' || fail "February 30: the fault does not say why: $f"
r=$(nth GetParameterValuesResponse 3)
if [ "$(value_in "$r" Device.ManagementServer.PeriodicInformTime)" != 2026-02-28T23:30:00Z ] ||
	[ "$(value_in "$r" Device.ManagementServer.ParameterKey)" != off-2 ]; then
	fail "the refused SetParameterValues changed something: $r"
fi
no_violations
ok "SetParameterValues of PeriodicInformTime: milliseconds (GenieACS) and offsets accepted, read back as whole-second UTC; February 30 refused (9007, why), nothing changed"

# the other ways in: the command line and a factory profile
"$CLI" -s "$ST" set tr69_periodic_time=2026-03-01T04:05:06-05:30 >/dev/null || fail "CLI: an offset refused"
[ "$("$CLI" -s "$ST" get tr69_periodic_time)" = 2026-03-01T09:35:06Z ] || fail "CLI: not kept as UTC"
"$CLI" -s "$ST" set tr69_periodic_time=2026-03-01T25:00:00Z 2>"$T/cli.err" >/dev/null; st=$?
[ "$st" = 2 ] || fail "CLI: hour 25 gave exit $st"
grep -q 'tr69_periodic_time: .*hour 25 out of range' "$T/cli.err" || fail "CLI: unclear message: $(cat "$T/cli.err")"
[ "$("$CLI" -s "$ST" get tr69_periodic_time)" = 2026-03-01T09:35:06Z ] || fail "CLI: a refused value changed the setting"
sed 's/^tr69_periodic_time *=.*/tr69_periodic_time = 2026-01-01T00:00:00.5+01:00/' \
	"$top_srcdir/conf/factory-default.conf" > "$T/offset.conf"
"$CLI" -s "$T/profile.db" init --profile "$T/offset.conf" >/dev/null || fail "a profile with an offset refused"
[ "$("$CLI" -s "$T/profile.db" get tr69_periodic_time)" = 2025-12-31T23:00:00Z ] || fail "profile: not kept as UTC"
ok "command line and factory profile: offsets and fractions kept as UTC, hour 25 refused with its reason"

# ------------------------------------------------------------------ 2. periodic informs on PeriodicInformTime
# a reference 1,000 s ago plus 3 s, given in +02:00 with milliseconds: informs on ref + i*10 s
IV=10
ref_s=$(( $(date +%s) - 997 ))
ref_txt=$(python3 -c 'import sys, datetime as d; t = d.datetime.fromtimestamp(int(sys.argv[1]), d.timezone(d.timedelta(hours=2))); print(t.strftime("%Y-%m-%dT%H:%M:%S") + ".750+02:00")' "$ref_s")
nb=$(q informs)
queue 020 "{\"rpcs\":[\"$(spv per-1 PeriodicInformInterval unsignedInt $IV)\",\"$(spv per-2 PeriodicInformTime dateTime "$ref_txt")\",\"$(spv per-3 PeriodicInformEnable boolean true)\"]}"
cr_ok || fail "connection request refused"
# informs carrying 2 PERIODIC after the set-up session: "time_ms" each
periodic_times() {
	python3 - "$T/log" "$nb" <<'EOF'
import glob, json, os, sys
log, after = sys.argv[1], int(sys.argv[2])
recs = [json.loads(l) for l in open(os.path.join(log, "log.jsonl"))]
informs = [r for r in recs if r.get("rpc") == "Inform"][after:]
for r in informs:
    body = open(glob.glob(os.path.join(log, "%04d-*.xml" % r["seq"]))[0]).read()
    if "<EventCode>2 PERIODIC</EventCode>" in body:
        print(r["time_ms"])
EOF
}
periodic_ge() { [ "$(periodic_times | wc -l)" -ge "$1" ]; }
wait_until 60 periodic_ge 2 || fail "fewer than 2 periodic informs in 60 s: $(periodic_times)"
[ "$("$CLI" -s "$ST" get tr69_periodic_time)" = "$(python3 -c 'import sys, datetime as d; print(d.datetime.fromtimestamp(int(sys.argv[1]), d.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))' "$ref_s")" ] ||
	fail "PeriodicInformTime '$ref_txt' kept as $("$CLI" -s "$ST" get tr69_periodic_time)"
# the plan, to the millisecond: on the reference's second plus whole intervals, never a jitter
plans=$(sed -n 's/.*next periodic inform at Unix time \([0-9]*\)\.\([0-9]*\) (PeriodicInformTime.*/\1 \2/p' "$T/cwmpd.log")
[ -n "$plans" ] || fail "no periodic plan with PeriodicInformTime logged: $(grep 'periodic inform at' "$T/cwmpd.log")"
printf '%s\n' "$plans" | while read -r s ms; do
	[ "$ms" = 000 ] && [ $(( (s - ref_s) % IV )) = 0 ] || { echo "planned at $s.$ms, not on $ref_s + i*$IV"; exit 1; }
done || fail "a periodic inform was planned off the reference"
# on the wire: each one in its own slot, from the slot's second on (a loaded machine, valgrind,
# may be late, up to half the interval here, but never early)
slots=
for t in $(periodic_times); do
	late=$(( (t - ref_s * 1000) % (IV * 1000) ))
	[ "$late" -le $((IV * 500)) ] || fail "a periodic inform came $late ms after its slot (ref $ref_s, at $t ms)"
	slot=$(( (t - ref_s * 1000) / (IV * 1000) ))
	case " $slots " in *" $slot "*) fail "two periodic informs in slot $slot";; esac
	slots="$slots $slot"
done
no_violations
ok "periodic informs at PeriodicInformTime + whole intervals ($ref_txt, every $IV s): planned to the millisecond, no jitter, on the wire in their slots"

# ------------------------------------------------------------------ 3. RetryCount after a successful retry
fresh
nb=$(q informs)
e=$(q ended)
queue 030 '{"fail":"drop"}'
cr_ok || fail "connection request refused"
wait_until 30 informs_ge $((nb + 2)) || fail "no retry after the dropped session"
wait_until 30 ended_ge $((e + 1)) || fail "the retried session did not end"
[ "$(retry_count $((nb + 1)))" = 0 ] || fail "first attempt: RetryCount $(retry_count $((nb + 1)))"
[ "$(retry_count $((nb + 2)))" = 1 ] || fail "the retry: RetryCount $(retry_count $((nb + 2))), not 1"
e=$(q ended)
cr_ok || fail "connection request after the retry"
wait_until 30 informs_ge $((nb + 3)) || fail "no session after the retry"
wait_until 30 ended_ge $((e + 1)) || fail "the session after the retry did not end"
[ "$(retry_count $((nb + 3)))" = 0 ] || fail "the Inform after a successful retry: RetryCount $(retry_count $((nb + 3))), not 0"
ok "after a failed session and a successful retry the next Inform carries RetryCount 0"

# ------------------------------------------------------------------ 4. M Upload across a reboot
queue 040 "{\"rpcs\":[\"$(upload ul-reboot up.cfg)\"]}"
# the sessions after the upload fail at the Inform, so its TransferComplete is not delivered
for i in 1 2 3 4 5 6 7 8; do queue "04$i" '{"fail":"drop"}'; done
cr_ok || fail "connection request for the Upload"
uploaded() { [ -s "$T/files/up.cfg.uploaded" ]; }
wait_until 30 uploaded || fail "nothing uploaded"
# a dropped Inform reported the upload: M Upload is in the queue, its TransferComplete undelivered
dropped_with_upload() {
	python3 - "$T/log" <<'EOF'
import glob, json, os, sys
log = sys.argv[1]
recs = [json.loads(l) for l in open(os.path.join(log, "log.jsonl"))]
drops = {r["session"] for r in recs if r.get("event") == "drop"}
for r in recs:
    if r.get("rpc") == "Inform" and r.get("session") in drops:
        b = open(glob.glob(os.path.join(log, "%04d-*.xml" % r["seq"]))[0]).read()
        if "<EventCode>M Upload</EventCode><CommandKey>ul-reboot</CommandKey>" in b:
            sys.exit(0)
sys.exit(1)
EOF
}
wait_until 30 dropped_with_upload || fail "no Inform reported the upload"
[ "$(q count TransferComplete)" = 0 ] || fail "TransferComplete delivered before the reboot"
stop_daemon
rm -f "$T"/q/*.json
PHONESEC_BOOT_ID=boot-after-upload; export PHONESEC_BOOT_ID
nb=$(q informs)
e=$(q ended)
start_daemon
wait_until 30 informs_ge $((nb + 1)) || fail "no Inform after the reboot"
has $((nb + 1)) "1 BOOT" || fail "no 1 BOOT after the reboot: $(q inform-xml $((nb + 1)))"
has $((nb + 1)) "M Upload" ul-reboot || fail "M Upload ul-reboot lost in the reboot: $(q inform-xml $((nb + 1)))"
has $((nb + 1)) "7 TRANSFER COMPLETE" || fail "7 TRANSFER COMPLETE lost in the reboot"
wait_until 30 count_ge TransferComplete 1 || fail "no TransferComplete after the reboot"
[ "$(tc_key)" = ul-reboot ] || fail "TransferComplete CommandKey $(tc_key)"
[ "$(tc_fault)" = 0 ] || fail "TransferComplete fault $(tc_fault)"
wait_until 30 ended_ge $((e + 1)) || fail "the session with the TransferComplete did not end"
cr_ok || fail "connection request after the TransferComplete"
wait_until 30 informs_ge $((nb + 2)) || fail "no session after the TransferComplete"
! has $((nb + 2)) "M Upload" || fail "M Upload still reported after the TransferCompleteResponse"
ok "M Upload survives a reboot: 1 BOOT + M Upload + 7 TRANSFER COMPLETE after it, delivered once"

# ------------------------------------------------------------------ 5. FactoryReset reports 0 BOOTSTRAP and 1 BOOT
# a factory profile that names the ACS (as a carrier's does), so the phone finds it after the reset
stop_daemon
unset PHONESEC_BOOT_ID
sed -e "s|^tr69_acs_url *=.*|tr69_acs_url = http://127.0.0.1:$ACS_PORT/acs|" \
	-e 's|^tr69_acs_user *=.*|tr69_acs_user = cpe-1|' -e 's|^tr69_acs_passwd *=.*|tr69_acs_passwd = acs pass|' \
	-e 's|^tr69_cr_user *=.*|tr69_cr_user = acs|' -e 's|^tr69_cr_pass *=.*|tr69_cr_pass = cr-secret-1|' \
	-e 's|^tr69_periodic_enable *=.*|tr69_periodic_enable = off|' \
	-e 's|^tr69_retry_min_wait *=.*|tr69_retry_min_wait = 1|' \
	-e 's|^tr69_retry_multiplier *=.*|tr69_retry_multiplier = 1500|' \
	"$top_srcdir/conf/factory-default.conf" > "$T/carrier.conf"
cat > "$T/hook.sh" <<HOOK
#!/bin/sh
echo ran >> "$T/hook.ran"
exit "\$(cat "$T/hook.rc")"
HOOK
chmod 755 "$T/hook.sh"
hook_runs() { if [ -f "$T/hook.ran" ]; then wc -l < "$T/hook.ran"; else echo 0; fi; }
hook_ran_more() { [ "$(hook_runs)" -gt "$1" ]; }
# reset_phone: a store from the carrier's profile, the daemon on it, its first session over
reset_phone() {
	rm -f "$ST" "$ST"-*
	"$CLI" -s "$ST" init --profile "$T/carrier.conf" >/dev/null || fail "init from the carrier profile"
	"$CLI" -s "$ST" set web_logout_timer=77 >/dev/null || fail "phonesec set"
	n0=$(q ended)
	start_daemon "${1:-}"
	wait_until 30 ended_ge $((n0 + 1)) || fail "no first session"
	nb=$(q informs)
	queue 050 '{"rpcs":["<cwmp:FactoryReset/>"]}'
	cr_ok || fail "connection request refused"
}
# after_reset N: the N-th Inform is the first after the reset: 0 BOOTSTRAP and 1 BOOT
after_reset() {
	has "$1" "0 BOOTSTRAP" || fail "$2: no 0 BOOTSTRAP after FactoryReset: $(q inform-xml "$1")"
	has "$1" "1 BOOT" || fail "$2: no 1 BOOT after FactoryReset: $(q inform-xml "$1")"
	[ "$("$CLI" -s "$ST" get web_logout_timer)" != 77 ] || fail "$2: FactoryReset did not reset the store"
}

# without a reboot hook: the reset is a restart in place
reset_phone
wait_until 30 informs_ge $((nb + 2)) || fail "no session after FactoryReset without a reboot hook"
after_reset $((nb + 2)) "without a reboot hook"
stop_daemon
ok "FactoryReset without a reboot hook: the next Inform has 0 BOOTSTRAP and 1 BOOT"

# with a reboot hook that reboots the phone: SIGTERM, then a start in a new boot
make_conf reboot_hook="$T/hook.sh" reboot_hook_timeout=60
echo 0 > "$T/hook.rc"
reset_phone "$T/phonesec.conf"
wait_until 30 hook_ran_more 0 || fail "the reboot hook did not run after FactoryReset"
[ "$(q informs)" = $((nb + 1)) ] || fail "a session ran while the phone rebooted"
stop_daemon
PHONESEC_BOOT_ID=boot-after-reset; export PHONESEC_BOOT_ID
start_daemon "$T/phonesec.conf"
wait_until 30 informs_ge $((nb + 2)) || fail "no Inform after the reboot of the FactoryReset"
after_reset $((nb + 2)) "with a reboot hook"
stop_daemon
ok "FactoryReset with a reboot hook: after the reboot the Inform has 0 BOOTSTRAP and 1 BOOT"

# with a reboot hook that fails: the restart is done in place
echo 1 > "$T/hook.rc"
runs=$(hook_runs)
reset_phone "$T/phonesec.conf"
wait_until 30 hook_ran_more "$runs" || fail "the reboot hook did not run after FactoryReset"
wait_until 30 informs_ge $((nb + 2)) || fail "no session after the failed reboot hook"
after_reset $((nb + 2)) "with a failing reboot hook"
no_violations
ok "FactoryReset with a failing reboot hook: in place, the next Inform has 0 BOOTSTRAP and 1 BOOT"
exit 0
