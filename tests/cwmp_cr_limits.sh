#!/bin/sh
# The connection-request listener of phonesec-cwmpd under attack: the rate limit counts only
# authenticated requests, failed authentications are limited per source address, a replayed or
# stale Digest gets 401, a connection must send a complete request within ~2 s, one source
# address holds few connections, and an ACS's requests get through while an attacker floods
# junk requests and holds idle connections from two addresses.
set -u
T_NAME=crlim
. "${top_srcdir:-.}/tests/cwmp_lib.sh"

# nonces live 4 s (the stale check below); curl uses each at once
PHONESEC_CR_NONCE_S=4; export PHONESEC_CR_NONCE_S
start_acs
init_phone
start_daemon
wait_until 15 ended_ge 1 || fail "no first session"
URL=$(cr_url)
CPATH="/${URL##*/}"
case "$URL" in http://127.0.0.1:"$CR_PORT"/*) ;; *) fail "ConnectionRequestURL $URL";; esac
python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.2", 0))' ||
	fail "127.0.0.2 cannot be bound on this machine"

# req [CURL ARGS...]: a Digest connection request (acs / cr-secret-1 unless -u is given again);
# prints "status retry-after" ("-" when none)
req() {
	curl -s -o /dev/null -D "$T/h" -w '%{http_code}' --max-time 8 --digest -u acs:cr-secret-1 \
		"$@" "$URL" >"$T/code" 2>/dev/null
	printf '%s %s\n' "$(cat "$T/code")" \
		"$(tr -d '\r' <"$T/h" | sed -n 's/^[Rr]etry-[Aa]fter: *//p' | tail -n 1 | grep . || echo -)"
}
idle() { [ "$(q ended)" -ge "$1" ] && [ "$(q informs)" -eq "$(q ended)" ]; }

# ------------------------------------------------------------------ 1. rate limit: authenticated only
# 20 Digest requests (40 HTTP requests with their challenges) in one window: none over the limit;
# 200 or 503 "busy" (Retry-After 5) while the session they start runs
t0=$(date +%s); n200=0
for i in $(seq 1 20); do
	r=$(req)
	case "$r" in
	"200 -") n200=$((n200 + 1)) ;;
	"503 5") ;;
	*) fail "Digest request $i of 20 in 10 s: $r (the rate limit counted the challenges)" ;;
	esac
done
t1=$(date +%s)
[ "$n200" -ge 1 ] || fail "no connection request accepted"
if [ $((t1 - t0)) -le 7 ]; then
	r=$(req)
	[ "$r" = "503 10" ] || fail "the 21st authenticated request in 10 s was not refused: $r"
	echo "the 21st request in $((t1 - t0)) s: 503, Retry-After 10"
fi
ok "20 Digest connection requests in 10 s: none refused by the rate limit ($n200 started a session)"

# ------------------------------------------------------------------ 2. failed authentications
sleep 11 # the daemon's rate window (10 s) ends
wait_until 30 idle "$(q ended)" || fail "sessions did not end"
nf=0; t0=$(date +%s)
for i in $(seq 1 12); do
	r=$(req --interface 127.0.0.2 -u acs:wrong-guess)
	case "$r" in
	"401 -") nf=$((nf + 1)) ;;
	"503 10") ;;
	*) fail "wrong password from 127.0.0.2, try $i: $r" ;;
	esac
done
r=$(req --interface 127.0.0.2)
t1=$(date +%s)
# within one window (10 s) exactly 10 failures are answered; a slower run may span two
if [ $((t1 - t0)) -le 9 ]; then
	[ "$nf" = 10 ] || fail "failures from 127.0.0.2: $nf answered 401 of 12 (limit 10)"
	[ "$r" = "503 10" ] || fail "127.0.0.2, over its failure limit, still tried a password: $r"
else
	[ "$nf" -lt 12 ] || fail "failures from 127.0.0.2: all 12 answered 401 (limit 10)"
fi
r=$(req --interface 127.0.0.1)
[ "$r" = "200 -" ] || fail "the ACS's address was starved by another address's failures: $r"
grep -q 'failed connection-request authentications from 127.0.0.2' "$T/cwmpd.log" ||
	fail "the failure limit was not logged"
ok "failed authentications limited per address: 127.0.0.2 refused after $nf, 127.0.0.1 still authenticates"

# ------------------------------------------------------------------ 3. replayed and stale Digest
# digest.py MODE: a raw HTTP client; "replay": the first request's Authorization sent twice;
# "stale": credentials for a nonce older than its lifetime, then for the nonce of the answer
cat >"$T/digest.py" <<'PY'
import hashlib, re, socket, sys, time
port, path, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def get(auth=None):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    h = "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" % path
    if auth:
        h += "Authorization: %s\r\n" % auth
    s.sendall((h + "\r\n").encode())
    data = b""
    while True:
        b = s.recv(4096)
        if not b:
            break
        data += b
    s.close()
    head = data.decode("latin-1").split("\r\n\r\n")[0]
    return int(head.split()[1]), head
def md5(x):
    return hashlib.md5(x.encode()).hexdigest()
def auth_for(head):
    ch = [l for l in head.split("\r\n") if l.lower().startswith("www-authenticate:") and "MD5" in l][0]
    nonce = re.search(r'nonce="([^"]+)"', ch).group(1)
    ha1 = md5("acs:phonesec-cr:cr-secret-1")
    resp = md5("%s:%s:00000001:0a4f113b:auth:%s" % (ha1, nonce, md5("GET:" + path)))
    return ('Digest username="acs", realm="phonesec-cr", nonce="%s", uri="%s", algorithm=MD5, '
            'qop=auth, nc=00000001, cnonce="0a4f113b", response="%s"' % (nonce, path, resp))
code, head = get()
assert code == 401, head
a = auth_for(head)
if mode == "replay":
    c1, _ = get(a)
    c2, h2 = get(a)
    print(c1, c2, "stale" if "stale=true" in h2 else "-")
else:
    time.sleep(float(sys.argv[4]))
    c1, h1 = get(a)
    c2 = get(auth_for(h1))[0] if c1 == 401 else 0
    print(c1, "stale" if "stale=true" in h1 else "-", c2)
PY
wait_until 30 idle "$(q ended)" || fail "sessions did not end"
r=$(python3 "$T/digest.py" "$CR_PORT" "$CPATH" replay) || fail "digest.py replay failed"
[ "$r" = "200 401 -" ] || fail "replayed Authorization: $r (want 200, then 401 not stale)"
ok "the same Authorization header sent twice: 200, then 401"
wait_until 30 idle "$(q ended)" || fail "sessions did not end"
r=$(python3 "$T/digest.py" "$CR_PORT" "$CPATH" stale 6) || fail "digest.py stale failed"
[ "$r" = "401 stale 200" ] || fail "expired nonce: $r (want 401 with stale=true, then 200)"
ok "a nonce past its lifetime: 401 with stale=true; the new nonce is accepted"

# ------------------------------------------------------------------ 4. slow and idle connections
# idle: no byte at all; slow: a request line, then a header byte every 0.5 s; both must be closed
# by the header bound (~2 s), long before the idle timeout or the lifetime (10 s)
python3 - "$CR_PORT" >"$T/slow.out" 2>&1 <<'PY'
import socket, sys, time
port = int(sys.argv[1])
idle = socket.create_connection(("127.0.0.1", port))
slow = socket.create_connection(("127.0.0.1", port))
slow.sendall(b"GET / HTTP/1.1\r\n")
start = time.time()
closed = {}
for s in (idle, slow):
    s.setblocking(False)
while len(closed) < 2 and time.time() - start < 15:
    for name, s in (("idle", idle), ("slow", slow)):
        if name in closed:
            continue
        try:
            if name == "slow":
                s.send(b"X")
            if s.recv(1) == b"":
                closed[name] = time.time() - start
        except BlockingIOError:
            pass
        except OSError:
            closed[name] = time.time() - start
    time.sleep(0.5)
print("idle %.1f slow %.1f" % (closed.get("idle", 99), closed.get("slow", 99)))
PY
cat "$T/slow.out"
python3 - "$T/slow.out" <<'PY' || fail "a connection without a complete request outlived the ~2 s bound"
import sys
w = open(sys.argv[1]).read().split()
assert w[0] == "idle" and float(w[1]) <= 6 and float(w[3]) <= 6, w
PY
ok "a connection that sends no complete request is closed after ~2 s (idle or trickling)"

# ------------------------------------------------------------------ 5. connections per address
# 12 idle connections from 127.0.0.2 (fewer than the 16 of the cap): the oldest beyond 4 are
# closed before the header bound would close them
python3 - "$CR_PORT" >"$T/peraddr.out" 2>&1 <<'PY'
import socket, sys, time
port = int(sys.argv[1])
socks = []
for _ in range(12):
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    s.connect(("127.0.0.1", port))
    socks.append(s)
time.sleep(1.6)
n = 0
for s in socks:
    s.setblocking(False)
    try:
        n += s.recv(1) == b""
    except BlockingIOError:
        pass
    except OSError:
        n += 1
print("closed-before-2s", n)
PY
cat "$T/peraddr.out"
wait_until 10 grep -q 'over 4 connection-request connections from 127.0.0.2' "$T/cwmpd.log" ||
	fail "12 idle connections from one address were not cut to the per-address cap"
ok "an address holding more than 4 connections has its idle ones closed"
# 8 connections from 127.0.0.2 each asked for credentials (a 401 on the right path, kept open):
# those beyond 4 are closed well before the ~2 s a Digest exchange is given
python3 - "$CR_PORT" "$CPATH" >"$T/peraddr2.out" 2>&1 <<'PY'
import socket, sys, time
port, path = int(sys.argv[1]), sys.argv[2]
socks = []
for _ in range(8):
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    s.connect(("127.0.0.1", port))
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % path).encode())
    socks.append(s)
start = time.time()
got = {}
closed = {}
for s in socks:
    s.setblocking(False)
while len(closed) < 8 and time.time() - start < 10:
    for i, s in enumerate(socks):
        if i in closed:
            continue
        try:
            b = s.recv(4096)
            if b == b"":
                closed[i] = time.time() - start
            else:
                got[i] = got.get(i, b"") + b
        except BlockingIOError:
            pass
        except OSError:
            closed[i] = time.time() - start
    time.sleep(0.05)
n401 = sum(1 for v in got.values() if v.startswith(b"HTTP/1.1 401"))
t = sorted(closed.values())
print("401s %d closed %d first %.2f last %.2f" % (n401, len(t), t[0] if t else 99, t[-1] if t else 99))
PY
cat "$T/peraddr2.out"
python3 - "$T/peraddr2.out" <<'PY' || fail "8 Digest exchanges from one address all kept until their deadline"
import sys
w = open(sys.argv[1]).read().split()
assert w[1] == "8" and w[3] == "8" and float(w[5]) - float(w[7]) <= -1.0, w
PY
ok "an address holding more than 4 Digest exchanges has the oldest closed"

# ------------------------------------------------------------------ 6. flood and idle connections
# the attacker: 64 idle connections from 127.0.0.1 and 32 from 127.0.0.2, each reopened as soon
# as it is closed, and 25 junk requests a second; stopped by PID
wait_until 30 idle "$(q ended)" || fail "sessions did not end"
sleep 11 # the rate window of the sections above ends
python3 "${top_srcdir:-.}/tests/attacker.py" "$T/attack.ready" "$CR_PORT" --hold 127.0.0.1:64 \
	--hold 127.0.0.2:32 --junk 25 >"$T/attack.out" 2>&1 &
ATTACK=$!
EXTRA_PIDS="$EXTRA_PIDS $ATTACK"
wait_until 10 test -s "$T/attack.ready" || fail "the attacker did not start"
sleep 2 # the attacker's connections fill the listener
good=0; slowest=0
for i in $(seq 1 10); do
	n0=$(q ended)
	s0=$(date +%s)
	r=$(req)
	s1=$(date +%s)
	[ $((s1 - s0)) -gt "$slowest" ] && slowest=$((s1 - s0))
	echo "connection request $i under attack: $r in $((s1 - s0)) s"
	if [ "$r" = "200 -" ] && [ $((s1 - s0)) -le 5 ]; then
		good=$((good + 1))
		wait_until 30 ended_ge $((n0 + 1)) || fail "no session after connection request $i"
	fi
done
cat "$T/attack.ready"
kill "$ATTACK" 2>/dev/null; wait "$ATTACK" 2>/dev/null
[ "$good" -ge 9 ] || fail "under attack only $good of 10 connection requests succeeded within 5 s"
kill -0 "$D_PID" 2>/dev/null || fail "the daemon died under the attack"
ok "under a junk flood and 96 idle connections from two addresses: $good of 10 connection requests answered 200 (slowest $slowest s)"
no_violations
exit 0
