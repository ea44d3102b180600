#!/bin/sh
# phonesec-wuid under a connection attack: an attacker holds far more idle connections than
# max_conns on both ports, from 127.0.0.1 and from 127.0.0.2..127.0.0.9, reopening each one the
# moment it is closed, and a slowloris trickles header bytes; a real client (curl) still logs in
# with Digest over HTTPS and over HTTP and gets its page, every time. The idle connections of an
# address above max_conns_per_source are closed, the slowloris by request_timeout.
set -u
T_NAME=connlim
. "${top_srcdir:-.}/tests/wui_lib.sh"

python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.9", 0))' ||
	fail "127.0.0.9 cannot be bound on this machine"
init_wui
# a small cap keeps the test fast; under a checker the TLS handshake alone takes seconds
if [ -n "${PHONESEC_DAEMON_WRAP:-}" ]; then RT=10; else RT=3; fi
printf 'max_conns = 16\nmax_conns_per_source = 4\nrequest_timeout = %s\n' "$RT" >>"$T/wuid.conf"
start_wui
wait_until 10 port_open "$HP" || fail "http port not open"
wait_until 10 port_open "$SP" || fail "https port not open"
first_run
H="http://127.0.0.1:$HP"; S="https://127.0.0.1:$SP"
c=$(w "$S/"); [ "$c" = 200 ] && grep -q SERIAL-4711 "$T/body" || fail "Digest login before the attack: $c"

# ------------------------------------------------------------------ the attack
# 48 idle connections from 127.0.0.1 and 4 from each of 127.0.0.2..127.0.0.9 (80, five times
# max_conns), half on each port; 3 slowloris connections sending one header byte every 0.3 s.
# Each closed connection is reopened at once; the slowloris ones record how long they lived.
python3 "$top_srcdir/tests/attacker.py" "$T/attack.ready" "$HP,$SP" --hold 127.0.0.1:48 \
	$(for i in 2 3 4 5 6 7 8 9; do printf -- "--hold 127.0.0.%s:4 " $i; done) \
	--slowloris 127.0.0.10:3 >"$T/attack.out" 2>&1 &
ATTACK=$!
EXTRA_PIDS="$EXTRA_PIDS $ATTACK"
wait_until 10 test -s "$T/attack.ready" || fail "the attacker did not start"
wait_until 30 grep -q 'over 4 web UI connections from 127.0.0.1' "$T/wuid.log" ||
	fail "the idle connections of 127.0.0.1 were not cut to max_conns_per_source"

# ------------------------------------------------------------------ logins under attack
# N of N: a fresh login (no cookie) each time, with Digest's 401 and the second leg
N=6; good=0; slowest=0
for i in $(seq 1 $N); do
	for url in "$S" "$H"; do
		rm -f "$JAR"
		s0=$(date +%s%N)
		c=$(w -w "%{http_code} %{time_appconnect} %{time_starttransfer}" "$url/")
		echo "$c"; c=${c%% *}
		ms=$(( ($(date +%s%N) - s0) / 1000000 ))
		[ "$ms" -gt "$slowest" ] && slowest=$ms
		if [ "$c" = 200 ] && grep -q 'SERIAL-4711' "$T/body"; then
			good=$((good + 1))
		else
			echo "login $i at $url under attack: $c after $ms ms"
		fi
	done
done
cat "$T/attack.ready"
[ "$good" = $((2 * N)) ] || fail "under attack only $good of $((2 * N)) logins got their page"
ok "under 80 idle connections from 9 addresses and a slowloris: $good of $((2 * N)) Digest logins (https and http) got their page (slowest $slowest ms)"

grep -q 'web UI connections open: an idle one from' "$T/wuid.log" ||
	fail "no idle connection was evicted at max_conns"
# the slowloris connections: closed by request_timeout, long before conn_life
wait_until 30 python3 -c 'import sys
w = open(sys.argv[1]).read().split()
sys.exit(0 if int(w[5]) >= 3 else 1)' "$T/attack.ready" || fail "the slowloris connections were never closed"
python3 -c 'import sys
w = open(sys.argv[1]).read().split()
sys.exit(0 if float(w[7]) <= float(sys.argv[2]) + 3 else 1)' "$T/attack.ready" "$RT" ||
	fail "a slowloris connection outlived request_timeout ($RT s): $(cat "$T/attack.ready")"
ok "the slowloris connections were closed after request_timeout ($(cat "$T/attack.ready"))"
kill "$ATTACK" 2>/dev/null; wait "$ATTACK" 2>/dev/null
kill -0 "$D_PID" 2>/dev/null || fail "the daemon died under the attack"
stop_wui
exit 0
