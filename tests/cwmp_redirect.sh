#!/bin/sh
# Integration test of HTTP redirects of the Inform (TR-069 3.4.5) against the test ACS: a redirect
# is followed on a new connection and holds for the rest of the session only; up to 5 in a row;
# a redirect of any other message, a sixth one, or one to a Location that is not http(s) ends the
# session. (https -> http is refused: tests/cwmp_tls.sh.)
set -u

T_NAME=redirect
# shellcheck source=tests/cwmp_lib.sh
. "${top_srcdir:-.}/tests/cwmp_lib.sh"

start_acs
init_phone tr69_retry_min_wait=30
BASE="http://127.0.0.1:$ACS_PORT"
queue 001 '{}'
start_daemon
wait_until 10 ended_ge 1 || fail "no first session"
cr_ok || fail "connection request listener"
wait_until 10 ended_ge 2 || fail "no session for the first connection request"
GRM='<cwmp:GetRPCMethods/>'
redirects() { q events redirect; }
failed_ge() { [ "$(grep -c 'session failed' "$T/cwmpd.log")" -ge "$1" ]; }

# ------------------------------------------------------------------ 1. one redirect (307)
e0=$(q ended) i0=$(q informs)
queue 010 "{\"rpcs\":[\"$GRM\"],\"redirect\":{\"location\":\"$BASE/moved/here\",\"status\":307}}"
cr_ok || fail "connection request"
wait_until 10 ended_ge $((e0 + 1)) || fail "no session after the redirect"
[ "$(redirects)" = 1 ] || fail "$(redirects) redirects answered"
[ "$(q inform-urls | sed -n "$((i0 + 1)),\$p" | tr '\n' ' ')" = "/acs /moved/here " ] ||
	fail "Informs went to: $(q inform-urls | tr '\n' ' ')"
n=$(q informs)
[ "$(q session-rpcs "$(q ended)")" = "Inform - GetRPCMethodsResponse" ] ||
	fail "redirected session: $(q session-rpcs "$(q ended)")"
[ "$(q session-conns "$(q ended)")" = 1 ] || fail "the redirected session used several connections"
no_violations
grep -q "redirected the session (HTTP 307) to $BASE/moved/here" "$T/cwmpd.log" || fail "redirect not logged"
ok "307 of the Inform: Inform again at the new URL on a new connection, session completed there"
# the next session starts at ManagementServer.URL again
cr_ok || fail "connection request"
wait_until 10 ended_ge $((e0 + 2)) || fail "no session after the redirected one"
[ "$(q inform-urls | tail -n 1)" = /acs ] || fail "the next session went to $(q inform-urls | tail -n 1)"
[ "$("$CLI" -s "$ST" get tr69_acs_url)" = "$BASE/acs" ] || fail "the redirect changed the ACS URL"
ok "the next session goes to ManagementServer.URL again (the redirect held for one session)"

# ------------------------------------------------------------------ 2. five in a row (302)
e0=$(q ended) r0=$(redirects)
queue 020 "{\"rpcs\":[\"$GRM\"],\"redirect\":{\"location\":\"$BASE/hop\",\"status\":302,\"times\":5}}"
cr_ok || fail "connection request"
wait_until 10 ended_ge $((e0 + 1)) || fail "no session after 5 redirects"
[ "$(redirects)" = $((r0 + 5)) ] || fail "$(( $(redirects) - r0 )) redirects, not 5"
no_violations
ok "five redirects in a row followed"

# ------------------------------------------------------------------ 3. a sixth is refused
e0=$(q ended) r0=$(redirects) i0=$(q informs) f0=$(grep -c 'session failed' "$T/cwmpd.log")
queue 030 "{\"rpcs\":[\"$GRM\"],\"redirect\":{\"location\":\"$BASE/loop\",\"status\":307,\"times\":6}}"
cr_ok || fail "connection request"
wait_until 10 failed_ge $((f0 + 1)) || fail "the session did not fail"
grep -q 'more than 5 redirects of the Inform' "$T/cwmpd.log" || fail "sixth redirect: $(tail -n 3 "$T/cwmpd.log")"
sleep 0.5
[ "$(redirects)" = $((r0 + 6)) ] || fail "$(( $(redirects) - r0 )) redirects answered, not 6"
[ "$(q informs)" = $((i0 + 6)) ] || fail "an Inform after the sixth redirect"
[ "$(q ended)" = "$e0" ] || fail "a session completed"
ok "a sixth redirect ends the session"
# the scenario left by the ACS for the next Inform (no redirects left) serves the next session
e0=$(q ended)
cr_ok || fail "connection request"
wait_until 10 ended_ge $((e0 + 1)) || fail "no session after the refused redirect"

# ------------------------------------------------------------------ 4. redirect of another message
f0=$(grep -c 'session failed' "$T/cwmpd.log") e0=$(q ended)
queue 040 "{\"rpcs\":[\"$GRM\"],\"redirect_later\":\"$BASE/later\"}"
cr_ok || fail "connection request"
wait_until 10 failed_ge $((f0 + 1)) || fail "the session did not fail"
grep -q 'redirected (HTTP 307) a message other than the Inform' "$T/cwmpd.log" ||
	fail "redirect of the empty POST: $(tail -n 3 "$T/cwmpd.log")"
[ "$(q inform-urls | grep -c /later)" = 0 ] || fail "the CPE followed a redirect of the empty POST"
ok "a redirect of a message other than the Inform ends the session"

# ------------------------------------------------------------------ 5. unusable Locations
for case in "ftp://127.0.0.1:$ACS_PORT/acs|not an http(s) URL" "relative/path|not an http(s) URL" \
	"http://127.0.0.1:$ACS_PORT/a b|spaces or controls" "|without a usable Location" \
	"http://127.0.0.1:$ACS_PORT/$(head -c 1100 /dev/zero | tr '\0' a)|without a usable Location"; do
	loc=${case%%|*} why=${case#*|}
	f0=$(grep -c 'session failed' "$T/cwmpd.log") i0=$(q informs)
	queue 050 "{\"redirect\":{\"location\":\"$loc\",\"status\":302}}"
	cr_ok || fail "connection request"
	wait_until 10 failed_ge $((f0 + 1)) || fail "the session with a redirect to '$loc' did not fail"
	grep 'session failed' "$T/cwmpd.log" | tail -n 1 | grep -q "$why" ||
		fail "redirect to '$loc': $(grep 'session failed' "$T/cwmpd.log" | tail -n 1)"
	sleep 0.3
	[ "$(q informs)" = $((i0 + 1)) ] || fail "the CPE followed a redirect to '$loc'"
	rm -f "$T/q/050.json.done"
	# the ACS keeps the scenario (no redirect left) for the next Inform: take it now
	e0=$(q ended)
	cr_ok || fail "connection request"
	wait_until 10 ended_ge $((e0 + 1)) || fail "no session after the refused redirect"
done
ok "redirects to ftp://, a path without its leading /, a URL with a space, an empty and a 1 KiB Location are refused"

# ------------------------------------------------------------------ 6. relative Locations
e0=$(q ended)
queue 060 "{\"rpcs\":[\"$GRM\"],\"redirect\":{\"location\":\"/rel/one\",\"status\":307}}"
cr_ok || fail "connection request"
wait_until 10 ended_ge $((e0 + 1)) || fail "no session after a redirect to /rel/one"
[ "$(q inform-urls | tail -n 1)" = /rel/one ] || fail "redirect to /rel/one went to $(q inform-urls | tail -n 1)"
queue 061 "{\"rpcs\":[\"$GRM\"],\"redirect\":{\"location\":\"//127.0.0.1:$ACS_PORT/rel/two\",\"status\":307}}"
cr_ok || fail "connection request"
wait_until 10 ended_ge $((e0 + 2)) || fail "no session after a redirect to //host/rel/two"
[ "$(q inform-urls | tail -n 1)" = /rel/two ] || fail "redirect to //host/rel/two went to $(q inform-urls | tail -n 1)"
grep -q "redirected the session (HTTP 307) to $BASE/rel/two" "$T/cwmpd.log" || fail "resolved URL not logged"
ok "relative Locations (/path, //host/path) resolved against the current URL"
no_violations
exit 0
