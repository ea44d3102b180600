#!/bin/sh
# Logging in to phonesec-wuid: Basic (over https only) or Digest after http_scheme (SHA-256 and
# MD5 offered in one 401), a replayed Digest nonce count refused, the lock-out after 3 failures
# kept across a restart and doubled by the next 3, session cookies (HttpOnly, SameSite=Strict,
# Secure on HTTPS) ended by logout and by a change of the credentials (the idle logout:
# wui_idle.sh).
set -u
T_NAME=auth
. "${top_srcdir:-.}/tests/wui_lib.sh"

init_wui
start_wui
wait_until 10 port_open "$HP" || fail "http port not open"
first_run
H="http://127.0.0.1:$HP"; S="https://127.0.0.1:$SP"

# the daemon's log lines of a change of the credentials made with the CLI
cred_changes() { grep -c "wui: web UI credentials changed (cli), sessions ended" "$T/wuid.log"; }
cred_changed_since() { [ "$(cred_changes)" -gt "$1" ]; }

# ------------------------------------------------------------------ Digest
curl -s -D "$T/h" -o /dev/null "$H/" || true
grep -q '^HTTP/1.1 401' "$T/h" || fail "no 401 without credentials"
n=$(grep -ci '^WWW-Authenticate: Digest' "$T/h")
[ "$n" = 2 ] || fail "$n Digest challenges"
grep -i '^WWW-Authenticate' "$T/h" | head -n 1 | grep -q 'algorithm=SHA-256' || fail "SHA-256 not first"
grep -i '^WWW-Authenticate' "$T/h" | grep -q 'algorithm=MD5' || fail "MD5 not offered"
grep -i '^WWW-Authenticate' "$T/h" | grep -q 'qop="auth"' || fail "no qop=auth"
! grep -q 'SERIAL-4711\|00:04:13' "$T/h" || fail "identity before login"
c=$(w "$H/"); [ "$c" = 200 ] || fail "Digest login: $c"
grep -q 'SERIAL-4711' "$T/body" || fail "System Info without the serial after login"
c=$(CRED=desk:wrong-1 w "$H/"); [ "$c" = 401 ] || fail "wrong password: $c"
c=$(CRED=other:wui-secret-1 w "$H/"); [ "$c" = 401 ] || fail "wrong user: $c"
c=$(AUTH=--basic w "$H/"); [ "$c" = 401 ] || fail "Basic accepted while Digest is set: $c"
ok "Digest: one 401 with SHA-256 then MD5 (qop=auth); right credentials in, wrong ones and Basic out"

# A Digest request computed here, sent twice with the same nonce count: the second is refused.
python3 - "$HP" >"$T/replay.out" 2>&1 <<'PY' || { cat "$T/replay.out"; fail "replay check"; }
import hashlib, http.client, re, sys
port = int(sys.argv[1])
def req(hdr=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/status", headers={"Authorization": hdr} if hdr else {})
    r = c.getresponse(); r.read(); c.close()
    return r
r = req()
ch = [v for k, v in r.getheaders() if k.lower() == "www-authenticate"][0]
nonce = re.search(r'nonce="([^"]+)"', ch).group(1)
H = lambda s: hashlib.sha256(s.encode()).hexdigest()
def auth(nc, cnonce="0a4f113b", pw="wui-secret-1"):
    ha1 = H("desk:phonesec:" + pw)
    resp = H("%s:%s:%s:%s:auth:%s" % (ha1, nonce, nc, cnonce, H("GET:/status")))
    return ('Digest username="desk", realm="phonesec", nonce="%s", uri="/status", '
            'algorithm=SHA-256, qop=auth, nc=%s, cnonce="%s", response="%s"' % (nonce, nc, cnonce, resp))
a = [req(auth("00000001")).status, req(auth("00000001")).status, req(auth("00000002")).status,
     req(auth("00000003", pw="bad")).status]
print(a)
assert a == [200, 401, 200, 401], a
PY
ok "Digest: a replayed nonce count is refused, the next one accepted"

# ------------------------------------------------------------------ Basic
"$CLI" -s "$ST" set http_scheme=basic >/dev/null || fail "set basic"
basic_offered() {
	curl -s -k -D "$T/h" -o /dev/null "$S/" || true
	grep -qi '^WWW-Authenticate: Basic realm="phonesec"' "$T/h"
}
wait_until 10 basic_offered || fail "no Basic challenge over https"
rm -f "$JAR"; c=$(AUTH=--basic w "$S/"); [ "$c" = 200 ] || fail "Basic over https: $c"
rm -f "$JAR"; c=$(AUTH=--basic CRED=desk:nope w "$S/"); [ "$c" = 401 ] || fail "Basic wrong password: $c"
# the header that verified last is remembered: a new password forgets it
n0=$(cred_changes)
"$CLI" -s "$ST" set http_pass=wui-secret-b >/dev/null || fail "new password b"
wait_until 10 cred_changed_since "$n0" || fail "the new password was not followed"
rm -f "$JAR"; c=$(AUTH=--basic w "$S/"); [ "$c" = 401 ] || fail "the old Basic password after a change: $c"
rm -f "$JAR"; c=$(AUTH=--basic CRED=desk:wui-secret-b w "$S/"); [ "$c" = 200 ] || fail "new Basic password: $c"
n0=$(cred_changes)
"$CLI" -s "$ST" set http_pass=wui-secret-1 >/dev/null || fail "password back"
wait_until 10 cred_changed_since "$n0" || fail "the password change back was not followed"
# over plain http the browser would send the password in clear: Digest all the same
curl -s -D "$T/h" -o /dev/null "$H/" || true
! grep -qi '^WWW-Authenticate: Basic' "$T/h" || fail "Basic offered over plain http"
grep -qi '^WWW-Authenticate: Digest .*algorithm=SHA-256' "$T/h" || fail "no Digest challenge over plain http"
rm -f "$JAR"; c=$(AUTH=--basic w "$H/"); [ "$c" = 401 ] || fail "Basic accepted over plain http: $c"
rm -f "$JAR"; c=$(w "$H/"); [ "$c" = 200 ] || fail "Digest over plain http while basic is set: $c"
"$CLI" -s "$ST" set http_scheme=digest >/dev/null || fail "set digest"
digest_only() {
	curl -s -k -D "$T/h" -o /dev/null "$S/" || true
	grep -qi '^WWW-Authenticate: Digest' "$T/h" && ! grep -qi '^WWW-Authenticate: Basic' "$T/h"
}
wait_until 10 digest_only || fail "Basic still offered over https after digest was set"
rm -f "$JAR"
ok "Basic after http_scheme over https; over plain http Digest all the same, Basic refused"

# ------------------------------------------------------------------ cookies and sessions
rm -f "$JAR"
c=$(curl -s -k -D "$T/h" -o /dev/null -c "$JAR" --digest -u desk:wui-secret-1 "$S/")
grep -i '^Set-Cookie: wuisid=' "$T/h" | grep -q 'HttpOnly; SameSite=Strict; Secure' ||
	fail "HTTPS session cookie without HttpOnly, SameSite=Strict, Secure: $(grep -i set-cookie "$T/h")"
grep -qi '^Strict-Transport-Security' "$T/h" || fail "no HSTS on https"
c=$(w "$H/"); grep -q 'Log out' "$T/body" || fail "not logged in"
OLD_SID=$(awk '$6 == "wuisid" { print $7 }' "$JAR" | tail -n 1)
[ -n "$OLD_SID" ] || fail "no session cookie"
c=$(w -d "token=$(token)" "$H/logout"); [ "$c" = 200 ] || fail "logout: $c"
c=$(w "$H/"); [ "$c" = 200 ] || fail "a new login after logout: $c"
# the old session's cookie is gone: replaying it gets a 401
c=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: wuisid=$OLD_SID" --digest -u desk:wui-secret-1 "$H/")
[ "$c" = 401 ] || fail "the logged-out session's cookie still works ($c)"
sid=$(awk '$6 == "wuisid" { print $7 }' "$JAR" | tail -n 1)
[ -n "$sid" ] || fail "no session cookie in the jar"
n0=$(cred_changes)
"$CLI" -s "$ST" set http_pass=wui-secret-2 >/dev/null || fail "new password"
wait_until 10 cred_changed_since "$n0" ||
	fail "the end of the sessions is not logged with the change's source"
c=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: wuisid=$sid" --digest -u desk:wui-secret-2 "$H/")
[ "$c" = 401 ] || fail "the session outlived a change of the password ($c)"
c=$(CRED=desk:wui-secret-2 w "$H/"); [ "$c" = 401 ] || fail "the jar's ended session answered $c"
grep -q 'wuisid' "$JAR" && awk '$6 == "wuisid" && $7 != "" { f = 1 } END { exit !f }' "$JAR" &&
	fail "the ended session's cookie was not cleared"
c=$(CRED=desk:wui-secret-2 w "$H/"); [ "$c" = 200 ] || fail "login with the new password: $c"
ok "session cookies: HttpOnly, SameSite=Strict, Secure on https; ended by logout and by new credentials"
"$CLI" -s "$ST" set http_pass=wui-secret-1 >/dev/null || fail "old password back"

# ------------------------------------------------------------------ lock-out
bad() { curl -s -o /dev/null -w '%{http_code}' --digest -u desk:wrong "$H/"; }
for i in 1 2 3; do c=$(bad); [ "$c" = 401 ] || fail "failure $i: $c"; done
curl -s -D "$T/h" -o /dev/null --digest -u desk:wui-secret-1 "$H/" || true
grep -q '^HTTP/1.1 429' "$T/h" || fail "right password accepted during the lock-out"
ra=$(sed -n 's/^Retry-After: *\([0-9]*\).*/\1/p' "$T/h" | tr -d '\r')
[ "$ra" -ge 55 ] && [ "$ra" -le 60 ] || fail "first lock-out of $ra s"
stop_wui
start_wui
curl -s -D "$T/h" -o /dev/null --digest -u desk:wui-secret-1 "$H/" || true
grep -q '^HTTP/1.1 429' "$T/h" || fail "the lock-out did not survive a restart"
ok "3 failures lock the login for 60 s, also for the right password and across a restart"
# let the first lock-out end (moved into the past in the store while the daemon is stopped)
stop_wui
python3 - "$ST" <<'PY' || fail "editing the lock-out"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = db.execute("UPDATE lockout SET until_ms = 1000 WHERE name = 'wui:login'").rowcount
db.commit()
assert n == 1, n
PY
start_wui
rm -f "$JAR" # sessions end with the daemon
for i in 1 2 3; do c=$(bad); [ "$c" = 401 ] || fail "failure $i after the first lock-out: $c"; done
curl -s -D "$T/h" -o /dev/null --digest -u desk:wui-secret-1 "$H/" || true
ra=$(sed -n 's/^Retry-After: *\([0-9]*\).*/\1/p' "$T/h" | tr -d '\r')
[ -n "$ra" ] && [ "$ra" -ge 110 ] && [ "$ra" -le 120 ] || fail "second lock-out of '$ra' s, not doubled"
ok "the next 3 failures lock for 120 s (doubled)"
stop_wui
python3 - "$ST" <<'PY' || fail "editing the lock-out"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE lockout SET until_ms = 1000 WHERE name = 'wui:login'")
db.commit()
PY
start_wui
c=$(w "$H/"); [ "$c" = 200 ] || fail "login after the lock-out: $c"
for i in 1 2 3; do bad >/dev/null; done
curl -s -D "$T/h" -o /dev/null --digest -u desk:wui-secret-1 "$H/" || true
ra=$(sed -n 's/^Retry-After: *\([0-9]*\).*/\1/p' "$T/h" | tr -d '\r')
[ -n "$ra" ] && [ "$ra" -ge 55 ] && [ "$ra" -le 60 ] || fail "a success did not reset the doubling ('$ra' s)"
ok "a successful login resets the doubling"

stop_wui
exit 0
