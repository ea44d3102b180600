#!/bin/sh
# Reboot and FactoryReset through phonesec-cwmpd, with and without a reboot hook: M Reboot kept on
# disk before the hook runs, no session while the reboot is awaited, BOOT + M Reboot after the
# reboot (a restart with a new boot id), the reboot done in place when there is no hook, when the
# hook fails, or when the phone does not go down in reboot_hook_timeout seconds.
set -u
T_NAME=reboot
. "${top_srcdir:-.}/tests/cwmp_lib.sh"

start_acs
init_phone

reboot_rpc() { printf '{"rpcs":["<cwmp:Reboot><CommandKey>%s</CommandKey></cwmp:Reboot>"]}' "$1"; }
# has N CODE [KEY]: the N-th Inform carries the event (with that CommandKey)
has() {
	if [ $# -eq 3 ]; then
		q inform-xml "$1" | grep -q "<EventCode>$2</EventCode><CommandKey>$3</CommandKey>"
	else
		q inform-xml "$1" | grep -q "<EventCode>$2</EventCode>"
	fi
}
# The hook: records that it ran, its environment and the event queue as the store holds it then
# (python3's sqlite3 reads the store), then does what hook.do says: "ok" exit 0, "fail" exit 1,
# "power" kill the daemon as a power cut would and exit 0.
cat > "$T/hook.sh" <<HOOK
#!/bin/sh
echo ran >> "$T/hook.ran"
env > "$T/hook.env"
python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT value FROM state WHERE name = ?", ("cwmp.events",)).fetchone()[0])' "$ST" > "$T/hook.queue" 2>&1
case "\$(cat "$T/hook.do")" in
fail) exit 1 ;;
power) kill -KILL "\$(cat "$T/daemon.pid")"; exit 0 ;;
esac
exit 0
HOOK
chmod 755 "$T/hook.sh"
hook_runs() { if [ -f "$T/hook.ran" ]; then wc -l < "$T/hook.ran"; else echo 0; fi; }
hook_ran_more() { [ "$(hook_runs)" -gt "$1" ]; }

# ------------------------------------------------------------------ 1. no hook: in place
start_daemon
wait_until 10 ended_ge 1 || fail "no first session"
queue 010 "$(reboot_rpc rb-1)"
cr_ok || fail "connection request refused"
wait_until 10 informs_ge 3 || fail "no session after the Reboot"
has 3 "1 BOOT" || fail "no 1 BOOT after Reboot without a hook: $(q inform-xml 3)"
has 3 "M Reboot" rb-1 || fail "no M Reboot rb-1 after Reboot without a hook"
stop_daemon
ok "Reboot without a reboot hook: the next session has 1 BOOT and M Reboot"

# ------------------------------------------------------------------ 2. hook succeeds, phone goes down
make_conf reboot_hook="$T/hook.sh" reboot_hook_timeout=30
echo power > "$T/hook.do"
start_daemon "$T/phonesec.conf"
echo "$D_PID" > "$T/daemon.pid"
wait_until 10 ended_ge 3 || fail "no session after the restart"
nb=$(q informs)
queue 020 "$(reboot_rpc rb-2)"
cr_ok || fail "connection request refused"
wait_until 10 hook_ran_more 0 || fail "the reboot hook did not run"
wait "$D_PID" 2>/dev/null; D_PID=
nb=$((nb + 1)) # the session that asked for the reboot
grep -q 'M Reboot' "$T/hook.queue" || fail "M Reboot not on disk when the hook ran: $(cat "$T/hook.queue")"
grep -q '^PATH=/usr/sbin:/usr/bin:/sbin:/bin$' "$T/hook.env" || fail "hook PATH: $(cat "$T/hook.env")"
[ "$(wc -l < "$T/hook.env")" -le 4 ] || fail "the hook inherited the daemon's environment: $(cat "$T/hook.env")"
[ "$(q informs)" = "$nb" ] || fail "a session ran while the phone rebooted ($(q informs) Informs, expected $nb)"
PHONESEC_BOOT_ID=boot-after-rb2; export PHONESEC_BOOT_ID
start_daemon "$T/phonesec.conf"
wait_until 10 informs_ge $((nb + 1)) || fail "no Inform after the reboot"
has $((nb + 1)) "1 BOOT" || fail "no 1 BOOT after the reboot: $(q inform-xml $((nb + 1)))"
has $((nb + 1)) "M Reboot" rb-2 || fail "no M Reboot rb-2 after the reboot"
no_violations
ok "Reboot with a reboot hook: M Reboot on disk before the hook, 1 BOOT + M Reboot after the reboot"

# ------------------------------------------------------------------ 3. hook succeeds, nothing happens
# The checks of the awaited reboot run between the log line that starts the wait and the end of
# reboot_hook_timeout: 30 s, so that a loaded machine still runs them inside it (the time they took
# is checked, so a slow run fails clearly instead of seeing the reboot done in place).
wait_until 10 ended_ge $((nb + 1)) || fail "the session after the reboot did not end"
stop_daemon
make_conf reboot_hook="$T/hook.sh" reboot_hook_timeout=30
echo ok > "$T/hook.do"
start_daemon "$T/phonesec.conf"
nb=$(q informs)
queue 030 "$(reboot_rpc rb-3)"
cr_ok || fail "connection request refused"
wait_until 10 hook_ran_more 1 || fail "the reboot hook did not run"
nb=$((nb + 1))
wait_until 10 grep -q 'reboot under way; sessions wait for it' "$T/cwmpd.log" || fail "the reboot was not awaited"
t0=$(date +%s)
[ "$(q informs)" = "$nb" ] || fail "a session ran while the reboot was awaited"
[ "$(cr_ready)" = 503 ] || fail "connection request not answered 503 while the reboot is awaited"
[ "$(q informs)" = "$nb" ] || fail "a session started while the reboot was awaited"
grep -q 'did not reboot within' "$T/cwmpd.log" && fail "the checks took longer than reboot_hook_timeout"
[ $(( $(date +%s) - t0 )) -lt 30 ] || fail "the checks took longer than reboot_hook_timeout"
wait_until 60 informs_ge $((nb + 1)) || fail "no session after the reboot failed to come"
has $((nb + 1)) "1 BOOT" || fail "no 1 BOOT when the reboot was done in place"
has $((nb + 1)) "M Reboot" rb-3 || fail "no M Reboot rb-3 when the reboot was done in place"
grep -q 'did not reboot within 30 s' "$T/cwmpd.log" || fail "no log of the missing reboot"
ok "reboot hook exits 0 but the phone stays up: no session (connection requests 503) for reboot_hook_timeout, then 1 BOOT + M Reboot"

# ------------------------------------------------------------------ 4. hook fails
echo fail > "$T/hook.do"
wait_until 10 ended_ge $((nb + 1)) || fail "session did not end"
nb=$(q informs)
queue 040 "$(reboot_rpc rb-4)"
cr_ok || fail "connection request refused"
wait_until 10 informs_ge $((nb + 2)) || fail "no session after the failed reboot hook"
has $((nb + 2)) "1 BOOT" || fail "no 1 BOOT after the failed hook"
has $((nb + 2)) "M Reboot" rb-4 || fail "no M Reboot rb-4 after the failed hook"
grep -q 'reboot hook failed (exit 1)' "$T/cwmpd.log" || fail "hook failure not logged"
ok "reboot hook exits 1: the reboot is done in place at once"

# ------------------------------------------------------------------ 4b. a hook others could change
wait_until 10 ended_ge $((nb + 2)) || fail "session did not end"
echo ok > "$T/hook.do"
chmod 777 "$T/hook.sh"
runs=$(hook_runs)
nb=$(q informs)
queue 045 "$(reboot_rpc rb-5)"
cr_ok || fail "connection request refused"
wait_until 10 informs_ge $((nb + 2)) || fail "no session after the refused hook"
has $((nb + 2)) "M Reboot" rb-5 || fail "no M Reboot rb-5 after the refused hook"
[ "$(hook_runs)" = "$runs" ] || fail "a reboot hook writable by others was run"
grep -q 'cannot run the reboot hook .*hook.sh: writable by other users' "$T/cwmpd.log" ||
	fail "the refused hook was not logged"
chmod 755 "$T/hook.sh"
ok "a reboot hook other users could change is refused (reboot in place)"

# ------------------------------------------------------------------ 5. FactoryReset reboots too
wait_until 10 ended_ge $((nb + 2)) || fail "session did not end"
echo power > "$T/hook.do"
echo "$D_PID" > "$T/daemon.pid"
"$CLI" -s "$ST" set web_logout_timer=77 >/dev/null || fail "phonesec set"
runs=$(hook_runs)
queue 050 '{"rpcs":["<cwmp:FactoryReset/>"]}'
cr_ok || fail "connection request refused"
wait_until 10 hook_ran_more "$runs" || fail "the reboot hook did not run after FactoryReset"
wait "$D_PID" 2>/dev/null; D_PID=
[ "$("$CLI" -s "$ST" get web_logout_timer)" != 77 ] || fail "FactoryReset did not reset the store"
grep -q '0 BOOTSTRAP' "$T/hook.queue" || fail "0 BOOTSTRAP not on disk when the hook ran: $(cat "$T/hook.queue")"
PHONESEC_BOOT_ID=boot-after-reset; export PHONESEC_BOOT_ID
"$CLI" -s "$ST" set tr69_acs_url="http://127.0.0.1:$ACS_PORT/acs" tr69_acs_user=cpe-1 \
	tr69_acs_passwd='acs pass' >/dev/null || fail "setting the ACS up again"
m=$(q informs)
start_daemon "$T/phonesec.conf"
wait_until 10 informs_ge $((m + 1)) || fail "no Inform after the factory reset"
has $((m + 1)) "0 BOOTSTRAP" || fail "no 0 BOOTSTRAP after the factory reset: $(q inform-xml $((m + 1)))"
has $((m + 1)) "1 BOOT" || fail "no 1 BOOT after the factory reset"
no_violations
ok "FactoryReset with a reboot hook: store reset, 0 BOOTSTRAP on disk, hook run, 0 BOOTSTRAP + 1 BOOT after"
exit 0
