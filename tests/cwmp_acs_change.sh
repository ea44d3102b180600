#!/bin/sh
# An ACS URL changed while a session with the old ACS runs: the queue is rebuilt down to 0
# BOOTSTRAP for the new ACS, and the session that ends afterwards, which carried its own 0
# BOOTSTRAP to the old ACS, leaves that new one alone: the first Inform to the new URL has it
# (it used to go without any event, so the new ACS never learnt of its new phone).
set -u
T_NAME=acs-change
. "${top_srcdir:-.}/tests/cwmp_lib.sh"

start_acs
init_phone
start_daemon
wait_until 15 ended_ge 1 || fail "no first session"
BASE="http://127.0.0.1:$ACS_PORT"

# the session with the second URL waits at the ACS (its empty POST unanswered) until "release"
# (SessionTimeout 240 s: the daemon waits that long for the answer, even under valgrind)
queue 010 "{\"hold_file\":\"$T/release\",\"session_timeout\":240}"
"$CLI" -s "$ST" set tr69_acs_url="$BASE/acs-old" >/dev/null || fail "phonesec set (old)"
wait_until 15 events_ge hold 1 || fail "the session with $BASE/acs-old was not held"
q inform-xml 2 | grep -q '0 BOOTSTRAP' || fail "the Inform to acs-old lacks 0 BOOTSTRAP"
[ "$(q inform-urls | sed -n 2p)" = /acs-old ] || fail "the second Inform did not go to /acs-old"

# the URL changes while that session runs; the daemon's loop sees it before the session ends
changed=$(logged_n 'cwmp: ACS URL changed')
"$CLI" -s "$ST" set tr69_acs_url="$BASE/acs-new" >/dev/null || fail "phonesec set (new)"
wait_until 15 sh -c "[ \$(grep -c 'cwmp: ACS URL changed' '$T/cwmpd.log') -gt $changed ]" ||
	fail "the daemon did not see the URL change during the session"
[ "$(q events end)" = 1 ] || fail "the held session ended before the URL change was seen"
touch "$T/release"
wait_until 15 ended_ge 2 || fail "the held session did not end"

# the next session goes to the new URL with 0 BOOTSTRAP
wait_until 15 informs_ge 3 || fail "no session with $BASE/acs-new"
[ "$(q inform-urls | sed -n 3p)" = /acs-new ] || fail "the third Inform went to $(q inform-urls | sed -n 3p)"
q inform-xml 3 | grep -q '0 BOOTSTRAP' ||
	fail "the first Inform to the new ACS lacks 0 BOOTSTRAP: $(q inform-xml 3 | grep -o '<EventCode>[^<]*' | tr '\n' ' ')"
grep -q 'event queue was rebuilt during the session' "$T/cwmpd.log" ||
	fail "the daemon did not log the queue kept whole"
wait_until 15 ended_ge 3 || fail "the session with the new ACS did not end"
no_violations
ok "a URL change during a session: the new ACS's first Inform carries 0 BOOTSTRAP"

# A URL change whose record (the URL the queue is for) could not be written yet, since another
# program held the store, and a change back before that write: the queue is for the URL of the
# last change, so the change back is one more, with 0 BOOTSTRAP (the daemon used to compare with
# the stale record, see no change and send no event). The daemon is stopped (SIGSTOP) while the
# lock is taken and while the URL changes back, so neither depends on a race with its loop.
lock_store() { # holds the store's write lock until $T/unlock exists
	rm -f "$T/locked" "$T/unlock"
	python3 - "$ST" "$T/locked" "$T/unlock" <<'PY' >"$T/locker.out" 2>&1 &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").write("locked\n")
while not os.path.exists(sys.argv[3]):
    time.sleep(0.02)
db.execute("ROLLBACK")
db.close()
PY
	LOCKER=$!
	EXTRA_PIDS="$EXTRA_PIDS $LOCKER"
	wait_until 15 test -s "$T/locked" || fail "the store could not be locked"
}
# stop_idle: SIGSTOP while the loop thread waits in epoll (not in the middle of a store write,
# which would then find the store free and win the race this test is about); 50 tries
stop_idle() {
	for _ in $(seq 1 50); do
		kill -STOP "$D_PID"
		case $(cat "/proc/$D_PID/wchan" 2>/dev/null) in *poll*) return 0 ;; esac
		kill -CONT "$D_PID"
		sleep 0.05
	done
	kill -STOP "$D_PID"
}
n_inf=$(q informs) n_end=$(q ended)
done0=$(logged_n 'cwmp: session done') deferred0=$(logged_n 'state writes deferred')
kill -STOP "$D_PID"
"$CLI" -s "$ST" set tr69_acs_url="$BASE/acs-busy" >/dev/null || fail "phonesec set (busy)"
lock_store
kill -CONT "$D_PID"
wait_until 15 ended_ge $((n_end + 1)) || fail "no session with $BASE/acs-busy while the store was locked"
[ "$(q inform-urls | sed -n "$((n_inf + 1))p")" = /acs-busy ] || fail "the session did not go to /acs-busy"
q inform-xml $((n_inf + 1)) | grep -q '0 BOOTSTRAP' || fail "the Inform to /acs-busy lacks 0 BOOTSTRAP"
wait_until 15 sh -c "[ \$(grep -c 'cwmp: session done' '$T/cwmpd.log') -gt $done0 ]" ||
	fail "the session with /acs-busy did not end"
[ "$(logged_n 'state writes deferred')" -gt "$deferred0" ] || fail "no state write was deferred"
stop_idle
touch "$T/unlock"
wait "$LOCKER"; LOCKER=
"$CLI" -s "$ST" set tr69_acs_url="$BASE/acs-new" >/dev/null || fail "phonesec set (back)"
kill -CONT "$D_PID"
wait_until 15 informs_ge $((n_inf + 2)) || fail "no session after the change back to $BASE/acs-new"
[ "$(q inform-urls | sed -n "$((n_inf + 2))p")" = /acs-new ] || fail "the change back did not go to /acs-new"
q inform-xml $((n_inf + 2)) | grep -q '0 BOOTSTRAP' ||
	fail "the Inform after the change back lacks 0 BOOTSTRAP: $(q inform-xml $((n_inf + 2)) | grep -o '<EventCode>[^<]*' | tr '\n' ' ')"
wait_until 15 ended_ge $((n_end + 2)) || fail "the session after the change back did not end"
no_violations
ok "a change back before the last change's record was written: 0 BOOTSTRAP again"

# A URL change the loop could not read: another program keeps every reader out of the store (it
# holds all of SQLite's WAL read-mark locks in the -shm file) when the daemon wakes for the
# change. The wake-up is gone (the feed drained), so the daemon reads again by itself once the
# store is free; it used to see the change only at the next commit of anyone, i.e. keep the old ACS.
lock_readers() {
	ps_lock_readers "$ST" "$T"
	LOCKER=$PS_LOCKER
	EXTRA_PIDS="$EXTRA_PIDS $LOCKER"
	wait_until 15 test -s "$T/locked" || fail "the store's readers could not be locked out: $(cat "$T/locker.out")"
}
wait_until 15 sh -c "[ \$(grep -c 'cwmp: session done' '$T/cwmpd.log') -gt $((done0 + 1)) ]" ||
	fail "the session after the change back did not finish"
n_inf=$(q informs) n_end=$(q ended)
failed0=$(logged_n 'cwmp: reading the audit log failed')
stop_idle
"$CLI" -s "$ST" set tr69_acs_url="$BASE/acs-unread" >/dev/null || fail "phonesec set (unread)"
lock_readers
kill -CONT "$D_PID"
# (SQLite's reader retries for about 10 s before it gives up: a generous deadline)
wait_until 60 sh -c "[ \$(grep -c 'cwmp: reading the audit log failed' '$T/cwmpd.log') -gt $failed0 ]" ||
	fail "the daemon did not report the audit log it could not read"
sleep 1 # the locker holds on a while: the daemon keeps trying meanwhile
touch "$T/unlock"
wait "$LOCKER"; LOCKER=
wait_until 15 informs_ge $((n_inf + 1)) || fail "no session with $BASE/acs-unread once the store was free"
[ "$(q inform-urls | sed -n "$((n_inf + 1))p")" = /acs-unread ] ||
	fail "the session did not go to /acs-unread"
q inform-xml $((n_inf + 1)) | grep -q '0 BOOTSTRAP' || fail "the Inform to /acs-unread lacks 0 BOOTSTRAP"
grep -q 'cwmp: the settings read again' "$T/cwmpd.log" || fail "the daemon did not report reading again"
wait_until 15 ended_ge $((n_end + 1)) || fail "the session with /acs-unread did not end"
no_violations
ok "a URL change the loop could not read at once: read again, 0 BOOTSTRAP to the new ACS"
stop_daemon
