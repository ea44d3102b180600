#!/bin/sh
# The connection-request listener of phonesec-cwmpd and its timers, against the test ACS: a live
# change of tr69_cr_port moves the listener (and is notified as a new ConnectionRequestURL); the
# bound on the time to a complete request holds against slow clients filling the cap; a
# pending ScheduleInform survives a daemon restart; UseCWMPVersion and SessionTimeout of CWMP 1.4;
# on a wildcard address the URL names the address that reaches the ACS.
set -u
T_NAME=cr
. "${top_srcdir:-.}/tests/cwmp_lib.sh"

start_acs
P1=$(free_port)
init_phone tr69_cr_port="$P1" tr69_retry_multiplier=1000
CR_PORT=   # the daemon listens on tr69_cr_port
start_daemon
wait_until 10 ended_ge 1 || fail "no first session"
URL1=$(cr_url)
case "$URL1" in http://127.0.0.1:"$P1"/*) ;; *) fail "ConnectionRequestURL $URL1 not on $P1";; esac
code() { curl -s -o /dev/null -w '%{http_code}' --max-time "${2:-3}" --digest -u acs:cr-secret-1 "$1"; }

# ------------------------------------------------------------------ 1. live port change
P2=$(free_port)
"$CLI" -s "$ST" set tr69_cr_port="$P2" >/dev/null || fail "CLI set tr69_cr_port"
URL2=$(printf '%s' "$URL1" | sed "s/:$P1\//:$P2\//")
wait_until 5 sh -c "curl -s -o /dev/null --max-time 1 http://127.0.0.1:$P2/" || fail "nothing listens on the new port"
[ "$(code "$URL1" 1)" = 000 ] || fail "the old port still answers"
wait_until 10 ended_ge 2 || fail "the new URL was not notified"
q inform-xml 2 | grep -q '<EventCode>4 VALUE CHANGE</EventCode>' || fail "no 4 VALUE CHANGE for the URL"
q inform-xml 2 | grep -q "<Value xsi:type=\"xsd:string\">$URL2</Value>" || fail "new URL not in the Inform"
c=$(code "$URL2")
[ "$c" = 200 ] || fail "connection request on the new port gave $c"
wait_until 10 ended_ge 3 || fail "no session after a connection request on the new port"
ok "tr69_cr_port changed live: the listener moved, the new ConnectionRequestURL was notified"

# ------------------------------------------------------------------ 2. connection cap, header bound
# 16 clients trickle one header byte per second (never idle long enough for evhttp's timeout):
# they fill the cap with requests in progress, which no newcomer evicts; each is ended ~2 s
# after its accept for want of a complete request, and a connection request waiting meanwhile
# is served then
python3 - "$P2" 16 >"$T/slow.out" 2>&1 <<'EOF' &
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
socks = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET / HTTP/1.1\r\n")
    socks.append(s)
start = time.time()
alive = set(range(n))
closed_at = {}
while alive and time.time() - start < 25:
    for i in list(alive):
        try:
            socks[i].sendall(b"X")
            socks[i].setblocking(False)
            try:
                if socks[i].recv(1) == b"":
                    raise OSError
            except BlockingIOError:
                pass
            socks[i].setblocking(True)
        except OSError:
            alive.discard(i)
            closed_at[i] = time.time() - start
    time.sleep(1)
print("closed", len(closed_at), "max %.1f" % max(closed_at.values() or [99]))
EOF
SLOW=$!
sleep 1
c=$(code "$URL2" 10)
[ "$c" = 200 ] || [ "$c" = 503 ] || fail "a connection request behind 16 slow clients got $c"
wait "$SLOW"
cat "$T/slow.out"
python3 - "$T/slow.out" <<'EOF' || fail "slow connections not ended by the header bound"
import sys
w = open(sys.argv[1]).read().split()
assert w[0] == "closed" and int(w[1]) == 16 and float(w[3]) <= 6, w
EOF
ok "16 slow clients: each ended ~2 s after its accept however it trickles; a request behind them served"

# ------------------------------------------------------------------ 3. ScheduleInform across a restart
queue 030 '{"rpcs":["<cwmp:ScheduleInform><DelaySeconds>4</DelaySeconds><CommandKey>sched-1</CommandKey></cwmp:ScheduleInform>"]}'
code "$URL2" >/dev/null
wait_until 10 sh -c "ls '$T/log/' | grep -q ScheduleInformResponse" || fail "ScheduleInform not answered"
t0=$(date +%s)
stop_daemon
start_daemon
wait_until 15 sh -c "grep -l 'sched-1' '$T/log/'*-Inform.xml" || fail "scheduled inform lost across the restart"
t1=$(date +%s)
f=$(grep -l 'sched-1' "$T/log/"*-Inform.xml | head -n 1)
grep -q '<EventCode>3 SCHEDULED</EventCode>' "$f" || fail "no 3 SCHEDULED"
grep -q '<EventCode>M ScheduleInform</EventCode><CommandKey>sched-1</CommandKey>' "$f" || fail "no M ScheduleInform"
[ $((t1 - t0)) -ge 2 ] || fail "the scheduled inform came too early ($((t1 - t0)) s)"
ok "ScheduleInform (4 s) pending across a daemon restart: 3 SCHEDULED + M ScheduleInform on time"

# ------------------------------------------------------------------ 4. CWMP 1.4 headers
n0=$(q ended)
queue 040 '{"use_version":"1.4","rpcs":["<cwmp:GetRPCMethods/>"]}'
code "$URL2" >/dev/null
wait_until 10 ended_ge $((n0 + 1)) || fail "UseCWMPVersion 1.4 (offered): no session"
"$CLI" -s "$ST" set tr69_retry_min_wait=30 >/dev/null # no retry gets in the way below
n0=$(q informs); e0=$(q ended)
queue 041 '{"use_version":"9.9"}'
code "$URL2" >/dev/null
wait_until 10 informs_ge $((n0 + 1)) || fail "no session for UseCWMPVersion 9.9"
wait_until 3 grep -q 'did not offer' "$T/cwmpd.log" || fail "UseCWMPVersion 9.9 not refused"
[ "$(q ended)" = "$e0" ] || fail "a session went on with a CWMP version we did not offer"
before=$(grep -c 'session failed: no response' "$T/cwmpd.log")
queue 042 '{"session_timeout":1,"stall_ms":5000}'
n0=$(q informs)
code "$URL2" >/dev/null
wait_until 10 informs_ge $((n0 + 1)) || fail "no session for SessionTimeout"
wait_until 10 sh -c "grep -q '\"event\":\"stall\"' '$T/log/log.jsonl'" || fail "no stalled session"
wait_until 3 sh -c "[ \$(grep -c 'session failed: no response' '$T/cwmpd.log') -gt $before ]" ||
	fail "SessionTimeout 1 not honoured (waited for the stalled ACS)"
no_violations
ok "UseCWMPVersion: an offered version accepted, another one ends the session; SessionTimeout honoured"

# ------------------------------------------------------------------ 5. listening on every address
# cr_bind 0.0.0.0 without cr_host: the URL names the address that reaches the ACS, not 0.0.0.0
"$CLI" -s "$ST" set tr69_retry_min_wait=1 >/dev/null
# restart_with KEY=VALUE...: the daemon again with those conf lines, then a connection request
# (on the listener's port, whatever its address) and the session it starts
restart_with() {
	stop_daemon
	make_conf "$@"
	start_daemon "$T/phonesec.conf"
	n0=$(q ended)
	wait_until 10 sh -c "curl -s -o /dev/null --max-time 1 http://127.0.0.1:$P2/" ||
		fail "$*: nothing listens on port $P2"
	[ "$(code "$URL2")" = 200 ] || fail "$*: connection request"
	wait_until 10 ended_ge $((n0 + 1)) || fail "$*: no session"
}
restart_with cr_bind=0.0.0.0
q inform-xml -1 | grep -q "<Value xsi:type=\"xsd:string\">$URL2</Value>" ||
	fail "ConnectionRequestURL with cr_bind 0.0.0.0: $(q inform-xml -1 | grep -o 'http://[0-9][^<]*')"
q inform-xml -1 | grep -q '0\.0\.0\.0' && fail "0.0.0.0 reported to the ACS"
q inform-xml -1 | grep -q '4 VALUE CHANGE' && fail "the placeholder host was notified as a change"
grep -q "connection requests on $URL2 (the address that reaches the ACS)" "$T/cwmpd.log" ||
	fail "the derived URL was not logged"
[ "$(code "$URL2")" = 200 ] || fail "connection request to the reported URL"
wait_until 10 ended_ge $((n0 + 2)) || fail "no session for the reported URL"
ok "cr_bind 0.0.0.0: ConnectionRequestURL names the address that reaches the ACS"
# the phone's address changes (simulated: the daemon reads it from a file): the next Inform
# carries the new URL with 4 VALUE CHANGE, and connection requests work on it
echo 127.0.0.1 > "$T/route-addr"
PHONESEC_ROUTE_ADDR_FILE="$T/route-addr"; export PHONESEC_ROUTE_ADDR_FILE
restart_with cr_bind=0.0.0.0
echo 127.0.0.2 > "$T/route-addr"
URL3=$(printf '%s' "$URL2" | sed 's|//127.0.0.1:|//127.0.0.2:|')
n0=$(q ended)
[ "$(code "$URL2")" = 200 ] || fail "connection request before the address change is seen"
wait_until 10 ended_ge $((n0 + 1)) || fail "no session after the address change"
q inform-xml -1 | grep -q '<EventCode>4 VALUE CHANGE</EventCode>' || fail "the new address was not notified"
q inform-xml -1 | grep -q "<Value xsi:type=\"xsd:string\">$URL3</Value>" ||
	fail "the new URL is not in the Inform: $(q inform-xml -1 | grep -o 'http://[0-9][^<]*')"
[ "$(code "$URL3")" = 200 ] || fail "connection request on the new address"
wait_until 10 ended_ge $((n0 + 2)) || fail "no session for a connection request on the new address"
q inform-xml -1 | grep -q '4 VALUE CHANGE' && fail "the change was notified twice"
unset PHONESEC_ROUTE_ADDR_FILE
ok "an address change: the next Inform carries the new ConnectionRequestURL with 4 VALUE CHANGE"
restart_with cr_bind=0.0.0.0 cr_host=cpe-7.example.net
q inform-xml -1 | grep -q "<Value xsi:type=\"xsd:string\">http://cpe-7.example.net:$P2/" ||
	fail "cr_host not used: $(q inform-xml -1 | grep -o 'http://[a-z0-9][^<]*')"
ok "cr_host, when set, is the URL's host whatever the route"
exit 0
