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
stop_daemon
