#!/bin/sh
# phonesec-wuid's idle logout: a session unused for web_logout_timer minutes ends (the next
# request needs a new login), one used within that time goes on. Two sessions run side by side,
# so that one minute of waiting shows both.
set -u
T_NAME=idle
. "${top_srcdir:-.}/tests/wui_lib.sh"

init_wui
start_wui
wait_until 10 port_open "$HP" || fail "http port not open"
first_run
H="http://127.0.0.1:$HP"
"$CLI" -s "$ST" set web_logout_timer=1 >/dev/null || fail "setting web_logout_timer"

sleep_until() { s=$(($1 - $(date +%s))); [ "$s" -le 0 ] || sleep "$s"; }

# sessions A and B, each in its own cookie jar; the times are taken after each login returned,
# so they are no earlier than the daemon's own record of the session's last use
JAR="$T/jar-a"; c=$(w "$H/"); [ "$c" = 200 ] || fail "login A: $c"
ta=$(date +%s)
JAR="$T/jar-b"; c=$(w "$H/"); [ "$c" = 200 ] || fail "login B: $c"
tb=$(date +%s)
grep -q wuisid "$T/jar-a" && grep -q wuisid "$T/jar-b" || fail "no session cookies"
# A is used 35 s after its login: 25 s before its minute is up, however slow this machine is
sleep_until $((ta + 35))
JAR="$T/jar-a"; c=$(w "$H/"); [ "$c" = 200 ] || fail "session A ended before web_logout_timer: $c"
# B is used 62 s after its login: past its minute by the daemon's clock too
sleep_until $((tb + 62))
JAR="$T/jar-b"; c=$(w "$H/"); [ "$c" = 401 ] || fail "session B outlived web_logout_timer idle ($c)"
c=$(w "$H/"); [ "$c" = 200 ] || fail "login again after the idle logout: $c"
ok "idle logout after web_logout_timer (1 minute); a session used within it goes on"
stop_wui
exit 0
