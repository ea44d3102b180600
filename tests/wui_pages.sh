#!/bin/sh
# phonesec-wuid's pages and forms: the first-run page alone on a fresh phone; form tokens
# (hidden tags) required and checked, GET never changing anything; user mode hiding and
# refusing the admin pages until the admin password is given for the session; provider-locked
# settings read-only; errors at their field in the store's words; audit as source wui with the
# user; security headers; German; malformed, oversized and slow requests; 200 idle connections
# while a login still answers.
set -u
T_NAME=pages
. "${top_srcdir:-.}/tests/wui_lib.sh"

WUI_CONN_LIFE=4 WUI_IDLE=3
init_wui
start_wui
wait_until 10 port_open "$HP" || fail "http port not open"
H="http://127.0.0.1:$HP"; S="https://127.0.0.1:$SP"
get() { "$CLI" -s "$ST" get "$1"; }

# ------------------------------------------------------------------ first run
for p in / /security /network /status /nothing; do
	c=$(curl -s -o "$T/b" -w '%{http_code}' "$H$p")
	[ "$c" = 200 ] || fail "first run: $p answered $c"
	grep -q 'name="admin_pass2"' "$T/b" || fail "first run: $p is not the first-run page"
	grep -q 'SERIAL-4711\|00:04:13\|DeskPhone' "$T/b" && fail "identity shown before login"
	grep -q 'name="webserver_type"' "$T/b" && fail "settings shown before the first run"
done
c=$(curl -s -o /dev/null -w '%{http_code}' -d 'webserver_type=off' "$H/network")
[ "$c" = 403 ] || fail "a settings form before the first run answered $c"
c=$(fr_post 'admin_pass=Adm1n-pass-x&admin_pass2=other&user=desk&pass=wui-secret-1&pass2=wui-secret-1')
[ "$c" = 400 ] || fail "differing admin passwords answered $c"
# the form's token and its SameSite cookie go together: a form posted from a page elsewhere
# (no cookie, or no token) is refused, also when it is otherwise right
curl -s -D "$T/h" -o "$T/b" "$H/" || true
grep -i '^Set-Cookie: wuifr=[0-9a-f]\{32\}; Path=/; HttpOnly; SameSite=Strict' "$T/h" >/dev/null ||
	fail "the first-run page's cookie: $(grep -i set-cookie "$T/h")"
ck=$(sed -n 's/^[Ss]et-[Cc]ookie: wuifr=\([0-9a-f]*\);.*/\1/p' "$T/h")
grep -q "name=\"token\" value=\"$ck\"" "$T/b" || fail "the first-run form's token is not its cookie"
curl -s -D "$T/h" -o "$T/b" -b "wuifr=$ck" "$H/favicon.ico" || true
grep -qi '^Set-Cookie: wuifr' "$T/h" && fail "a new first-run cookie although the browser has one"
grep -q "name=\"token\" value=\"$ck\"" "$T/b" || fail "the kept cookie's token not in the form"
FR='admin_pass=Adm1n-pass-x&admin_pass2=Adm1n-pass-x&user=evil&pass=wui-secret-1&pass2=wui-secret-1'
c=$(curl -s -o "$T/b" -w '%{http_code}' -d "$FR" "$H/")
[ "$c" = 403 ] || fail "a first run without token and cookie answered $c"
c=$(fr_post "$FR" -H 'Origin: http://evil.example')
[ "$c" = 403 ] || fail "a first run posted from another site answered $c"
c=$(curl -s -o "$T/b" -w '%{http_code}' -d "token=0123456789abcdef0123456789abcdef&$FR" "$H/")
[ "$c" = 403 ] || fail "a first run with a token but no cookie answered $c"
grep -q 'The form has expired' "$T/b" || fail "no word of the expired form"
c=$(curl -s -o "$T/b" -w '%{http_code}' -b 'wuifr=0123456789abcdef0123456789abcdef' \
	-d "token=0123456789abcdef0123456789abcdee&$FR" "$H/")
[ "$c" = 403 ] || fail "a first run whose token is not its cookie answered $c"
[ "$(get webserver_type)" = http_https ] && [ "$(get http_user)" = "" ] || fail "a refused first run changed something"
first_run
[ "$(get http_scheme)" = digest ] && [ "$(get use_hidden_tags)" = on ] && [ "$(get http_user)" = desk ] ||
	fail "first run did not set user, Digest and hidden tags"
c=$(fr_post 'admin_pass=x1234&admin_pass2=x1234&user=evil&pass=p&pass2=p')
[ "$c" = 401 ] || fail "the first-run page still answers after it was done ($c)"
[ "$(get http_user)" = desk ] || fail "a second first run changed the user"
ok "first run: the only page until done, its form token bound to a SameSite cookie; sets admin password, user, Digest, hidden tags; then gone"

# ------------------------------------------------------------------ headers, pages, language
c=$(w -D "$T/h" "$H/preferences"); [ "$c" = 200 ] || fail "preferences: $c"
for hd in "Content-Security-Policy: default-src 'none'; style-src 'self'" "frame-ancestors 'none'" \
	'X-Content-Type-Options: nosniff' 'Cache-Control: no-store' 'X-Frame-Options: DENY' \
	'Referrer-Policy: same-origin'; do
	grep -qi "$hd" "$T/h" || fail "header missing: $hd"
done
grep -qi 'Strict-Transport-Security' "$T/h" && fail "HSTS over plain http"
grep -q '<script' "$T/body" && fail "a page with script"
for p in / /security /network /preferences /status; do
	c=$(w "$S$p"); [ "$c" = 200 ] || fail "$p answered $c"
done
c=$(w -H 'Accept-Language: de-DE,de;q=0.9' "$H/preferences")
grep -q 'Übernehmen' "$T/body" && grep -q 'Notrufnummern' "$T/body" || fail "no German for Accept-Language de"
c=$(w -D "$T/h" "$H/preferences?lang=de")
grep -qi '^Set-Cookie: wuilang=de' "$T/h" || fail "the language switch sets no cookie"
c=$(w -H 'Accept-Language: en' "$H/preferences")
grep -q 'Übernehmen' "$T/body" || fail "the switch to German did not stick"
c=$(w "$H/preferences?lang=en"); grep -q '>Apply<' "$T/body" || fail "back to English"
ok "security headers, every page over https, English and German (Accept-Language and the switch)"

# ------------------------------------------------------------------ CSRF and GET
c=$(w "$H/preferences"); TOK=$(token); [ -n "$TOK" ] || fail "no token in the form"
c=$(w -d 'keyboard_lock_timeout=120' "$H/preferences")
[ "$c" = 403 ] || fail "a form without token answered $c"
c=$(w -d "keyboard_lock_timeout=120&token=0123456789abcdef0123456789abcdef" "$H/preferences")
[ "$c" = 403 ] || fail "a form with a wrong token answered $c"
c=$(w -d "token=$TOK" "$H/save"); [ "$c" = 200 ] || fail "save with the token: $c"
c=$(w -d "keyboard_lock_timeout=120" "$H/save"); [ "$c" = 403 ] || fail "save without token: $c"
c=$(w "$H/preferences?keyboard_lock_timeout=120"); [ "$c" = 400 ] || fail "GET with a setting: $c"
c=$(w "$H/save"); [ "$c" = 405 ] || fail "GET /save: $c"
c=$(w "$H/logout"); [ "$c" = 405 ] || fail "GET /logout: $c"
[ "$(get keyboard_lock_timeout)" = 60 ] || fail "a refused request changed the setting"
c=$(w -d "keyboard_lock_timeout=120&token=$TOK" "$H/preferences")
[ "$c" = 200 ] || fail "a form with its token answered $c"
[ "$(get keyboard_lock_timeout)" = 120 ] || fail "the form's change is not in the store"
"$CLI" -s "$ST" audit -n 1 | grep -q 'set .*wui .*desk .*keyboard_lock_timeout' ||
	fail "not audited as wui by desk: $("$CLI" -s "$ST" audit -n 1)"
"$CLI" -s "$ST" set use_hidden_tags=off >/dev/null
c=$(w -d "keyboard_lock_timeout=130" "$H/preferences")
[ "$c" = 200 ] && [ "$(get keyboard_lock_timeout)" = 130 ] || fail "hidden tags off: legacy form refused ($c)"
c=$(curl -s -o /dev/null -w '%{http_code}' -d "keyboard_lock_timeout=140" "$H/preferences")
[ "$c" = 401 ] || fail "hidden tags off: an anonymous form answered $c"
# whatever use_hidden_tags says, a form a browser posts from another site changes nothing
c=$(w -H 'Origin: http://evil.example' -d "keyboard_lock_timeout=150" "$H/preferences")
[ "$c" = 403 ] || fail "a form with another site's Origin answered $c"
for sfs in cross-site same-site; do
	c=$(w -H "Sec-Fetch-Site: $sfs" -d "keyboard_lock_timeout=150" "$H/preferences")
	[ "$c" = 403 ] || fail "a $sfs form (Sec-Fetch-Site) answered $c"
done
c=$(w -H 'Origin: null' -d "keyboard_lock_timeout=150" "$H/preferences")
[ "$c" = 403 ] || fail "a form with Origin: null answered $c"
c=$(w -H "Origin: https://127.0.0.1:$HP" -d "keyboard_lock_timeout=150" "$H/preferences")
[ "$c" = 403 ] || fail "a form whose Origin has another scheme answered $c"
[ "$(get keyboard_lock_timeout)" = 130 ] || fail "a cross-site form changed the setting"
grep -q 'a form from another site refused' "$T/wuid.log" || fail "cross-site form not logged"
c=$(w -H "Origin: http://127.0.0.1:$HP" -H 'Sec-Fetch-Site: same-origin' -d "keyboard_lock_timeout=150" \
	"$H/preferences")
[ "$c" = 200 ] && [ "$(get keyboard_lock_timeout)" = 150 ] || fail "a same-origin form answered $c"
c=$(w -H "Origin: https://127.0.0.1:$SP" -d "keyboard_lock_timeout=130" "$S/preferences")
[ "$c" = 200 ] && [ "$(get keyboard_lock_timeout)" = 130 ] || fail "a same-origin form over https: $c"
"$CLI" -s "$ST" set use_hidden_tags=on >/dev/null
ok "hidden tags: token required and checked; GET changes nothing; off: legacy forms, still authenticated; a form from another site refused either way"

# ------------------------------------------------------------------ errors at their field
c=$(w "$H/preferences"); TOK=$(token)
c=$(w -d "keyboard_lock_timeout=99999&keyboard_lock_emergency=11x&token=$TOK" "$H/preferences")
[ "$c" = 400 ] || fail "bad values answered $c"
grep -q '<span class="error">keyboard_lock_timeout: 99999 is out of range' "$T/body" || fail "no error at the field"
grep -q '<span class="error">keyboard_lock_emergency' "$T/body" || fail "second error not at its field"
c=$(w -d "enable_keyboard_lock=on&token=$TOK" "$H/preferences")
[ "$c" = 409 ] || fail "keypad lock without PIN answered $c"
grep -q 'class="error"' "$T/body" || fail "no inconsistency message"
[ "$(get keyboard_lock_timeout)" = 130 ] && [ "$(get enable_keyboard_lock)" = off ] || fail "a refused form changed something"
c=$(w -d "enable_keyboard_lock=on&keyboard_lock_pw=4711&token=$TOK" "$H/preferences")
[ "$c" = 200 ] && [ "$(get enable_keyboard_lock)" = on ] || fail "keypad lock with PIN: $c"
c=$(w -d "http_user=%3Cscript%3E&token=$TOK" "$H/security")
grep -q '<script>' "$T/body" && fail "unescaped input in the page"
ok "errors shown at their field in the store's words (400, 409), nothing half-written; output escaped"

# ------------------------------------------------------------------ provider locks
"$CLI" -s "$ST" lock keyboard_lock_timeout http_user >/dev/null || fail "lock"
c=$(w "$H/preferences"); TOK=$(token)
grep -q 'name="keyboard_lock_timeout" value="130" readonly> <span class="locked">set by your provider' "$T/body" ||
	fail "locked setting not shown read-only"
c=$(w -d "keyboard_lock_timeout=300&token=$TOK" "$H/preferences")
[ "$c" = 403 ] || fail "locked setting: $c"
c=$(w -d "http_user=other&token=$TOK" "$H/security")
[ "$c" = 403 ] || fail "locked http_user: $c"
[ "$(get keyboard_lock_timeout)" = 130 ] && [ "$(get http_user)" = desk ] || fail "a locked setting changed"
c=$(w -d "keyboard_lock_timeout=130&keyboard_lock_emergency=112&token=$TOK" "$H/preferences")
[ "$c" = 200 ] || fail "the unchanged locked value with another setting: $c"
"$CLI" -s "$ST" unlock keyboard_lock_timeout http_user >/dev/null
ok "provider-locked settings read-only (set by your provider) and refused"

# the provider's lock of a setting that is not the desk user's binds the admin too (admin mode)
[ "$(get admin_mode)" = on ] || fail "admin mode expected on here"
c=$(w -d "admin_mode=off&token=$TOK" "$H/security")
[ "$c" = 200 ] && [ "$(get admin_mode)" = off ] || fail "the admin's own setting: $c"
"$CLI" -s "$ST" audit -n 1 | grep -q 'set .*wui .*phone admin .*admin_mode' ||
	fail "not audited as the phone's admin: $("$CLI" -s "$ST" audit -n 1)"
"$CLI" -s "$ST" set admin_mode=on >/dev/null
"$CLI" -s "$ST" lock webserver_type admin_mode >/dev/null || fail "lock webserver_type"
c=$(w "$H/network"); TOK=$(token)
grep -q 'name="webserver_type" disabled>' "$T/body" && grep -q 'set by your provider' "$T/body" ||
	fail "provider-locked webserver_type not shown as set by your provider"
c=$(w -d "webserver_type=https&token=$TOK" "$H/network")
[ "$c" = 403 ] || fail "the admin changed the provider-locked webserver_type: $c"
grep -q 'webserver_type: set by your provider' "$T/body" || fail "no 'set by your provider' at the field"
c=$(w -d "admin_mode=off&token=$TOK" "$H/security")
[ "$c" = 403 ] || fail "the admin changed the provider-locked admin_mode: $c"
[ "$(get webserver_type)" = http_https ] && [ "$(get admin_mode)" = on ] ||
	fail "a provider-locked setting changed"
"$CLI" -s "$ST" audit -n 1 | grep -q ' lock ' || fail "something was written after the lock"
"$CLI" -s "$ST" unlock webserver_type admin_mode >/dev/null || fail "unlock"
c=$(w "$H/network")
grep -q 'name="webserver_type" disabled>' "$T/body" &&
	fail "unlocked webserver_type still shown as the provider's"
c=$(w -d "admin_mode=off&token=$TOK" "$H/security")
[ "$c" = 200 ] && [ "$(get admin_mode)" = off ] || fail "unlocked admin_mode: $c"
"$CLI" -s "$ST" set admin_mode=on >/dev/null
ok "a provider lock binds the admin too (403, set by your provider, nothing changed); unlocked: writable"

# ------------------------------------------------------------------ user mode
"$CLI" -s "$ST" set admin_mode=off >/dev/null
c=$(w "$H/"); grep -q 'href="/security"' "$T/body" && fail "admin page in the menu in user mode"
for p in /security /network; do
	c=$(w "$H$p"); [ "$c" = 403 ] || fail "user mode: $p answered $c"
done
# the desk user's own settings in user mode: written as the desk user; one the phone's
# administrator keeps (@phone): refused
c=$(w "$H/preferences"); TOK=$(token)
c=$(w -d "keyboard_lock_timeout=66&token=$TOK" "$H/preferences")
[ "$c" = 200 ] && [ "$(get keyboard_lock_timeout)" = 66 ] || fail "user mode: the desk user's own setting: $c"
"$CLI" -s "$ST" audit -n 1 | grep -q 'set .*wui .*subscriber .*keyboard_lock_timeout' ||
	fail "user mode: not audited as the desk user: $("$CLI" -s "$ST" audit -n 1)"
printf '@phone keyboard_lock_timeout\n' | "$CLI" -s "$ST" import - >/dev/null || fail "@phone"
c=$(w -d "keyboard_lock_timeout=77&token=$TOK" "$H/preferences")
[ "$c" = 403 ] || fail "user mode: the desk user changed the phone administrator's setting: $c"
[ "$(get keyboard_lock_timeout)" = 66 ] || fail "user mode: a setting of the phone's administrator changed"
c=$(w "$H/unlock"); TOK=$(token)
c=$(w -d "admin_password=wrong&token=$TOK" "$H/unlock"); [ "$c" = 403 ] || fail "wrong admin password: $c"
c=$(w -d "admin_password=Adm1n-pass-x&token=$TOK" "$H/unlock"); [ "$c" = 303 ] || fail "unlock: $c"
c=$(w "$H/security"); [ "$c" = 200 ] || fail "after unlock: $c"
c=$(w -d "keyboard_lock_timeout=77&token=$TOK" "$H/preferences")
[ "$c" = 200 ] && [ "$(get keyboard_lock_timeout)" = 77 ] ||
	fail "the admin password given: the phone administrator's setting refused: $c"
printf '@unlock keyboard_lock_timeout\n' | "$CLI" -s "$ST" import - >/dev/null || fail "@unlock"
c=$(curl -s -o /dev/null -w '%{http_code}' --digest -u desk:wui-secret-1 "$H/security")
[ "$c" = 403 ] || fail "another session got the unlocked admin pages ($c)"
# three wrong admin passwords lock the unlock page for a minute, the right one included, also
# across a restart of the daemon (kept in the store)
rm -f "$JAR"; c=$(w "$H/unlock"); TOK=$(token)
for i in 1 2 3; do
	c=$(w -d "admin_password=wrong-$i&token=$TOK" "$H/unlock")
	[ "$c" = 403 ] || fail "wrong admin password $i: $c"
done
c=$(w -d "admin_password=Adm1n-pass-x&token=$TOK" "$H/unlock")
[ "$c" = 429 ] || fail "the right admin password after 3 wrong ones: $c"
grep -q 'Too many wrong passwords' "$T/body" || fail "no lock-out message on the unlock page"
stop_wui
start_wui
wait_until 10 port_open "$HP" || fail "http port not open after the restart"
rm -f "$JAR"; c=$(w "$H/unlock"); TOK=$(token)
c=$(w -d "admin_password=Adm1n-pass-x&token=$TOK" "$H/unlock")
[ "$c" = 429 ] || fail "the admin lock-out did not survive a restart: $c"
"$CLI" -s "$ST" set admin_mode=on >/dev/null
ok "user mode: admin pages hidden and refused until the admin password, for that session only; 3 wrong ones lock it, across a restart"

# ------------------------------------------------------------------ new credentials from the UI
c=$(w "$S/security"); TOK=$(token)
c=$(w -d "admin_mode_password=Adm1n-pass-y&admin_mode_password2=Adm1n-pass-z&token=$TOK" "$S/security")
[ "$c" = 400 ] || fail "differing admin passwords: $c"
grep -q 'The two passwords differ' "$T/body" || fail "no message for differing passwords"
c=$(w -d "http_pass=wui-secret-2&token=$TOK" "$S/security")
[ "$c" = 200 ] || fail "new web UI password: $c"
grep -q 'log in again' "$T/body" || fail "the answer does not ask to log in again"
"$CLI" -s "$ST" audit -n 1 | grep -q 'set .*wui .*desk .*http_pass' || fail "password change not audited"
c=$(CRED=desk:wui-secret-2 w "$S/status")
[ "$c" = 401 ] || fail "the old session outlived its password change ($c)"
c=$(CRED=desk:wui-secret-2 w "$S/status"); [ "$c" = 200 ] || fail "login with the new password: $c"
"$CLI" -s "$ST" set http_pass=wui-secret-1 >/dev/null
rm -f "$JAR"
ok "a new password set in the UI: answered, the session ends, the new password logs in"

# ------------------------------------------------------------------ malformed and oversized
raw() { # raw REQUEST: the status line of the answer to a raw request
	python3 - "$HP" "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
d = b""
try:
    while b"\r\n" not in d:
        c = s.recv(4096)
        if not c: break
        d += c
except socket.timeout:
    pass
print(d.split(b"\r\n")[0].decode("latin-1") or "closed")
PY
}
c=$(w -d 'a=%zz' "$H/preferences"); [ "$c" = 400 ] || fail "bad escape: $c"
c=$(w -d 'a=%00' "$H/preferences"); [ "$c" = 400 ] || fail "NUL byte: $c"
c=$(w -H 'Content-Type: text/plain' -d 'x' "$H/preferences"); [ "$c" = 400 ] || fail "not a form: $c"
head -c 20000 /dev/zero | tr '\0' a >"$T/big"
c=$(w --data-binary @"$T/big" "$H/preferences"); [ "$c" = 413 ] || [ "$c" = 400 ] || fail "20 KB body: $c"
c=$(w -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' a)" "$H/"); [ "$c" != 200 ] || fail "9 KB header accepted"
c=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$H/"); [ "$c" = 405 ] || [ "$c" = 501 ] || fail "DELETE: $c"
for req in 'GET / HTTP/9.9\r\n\r\n' 'GET\r\n\r\n' 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n' \
	'GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n' 'GET /?lang=xx HTTP/1.1\r\nHost: x\r\n\r\n'; do
	st=$(raw "$req")
	case "$st" in "HTTP/1.1 200"*) fail "malformed request $req answered $st";; esac
done
c=$(w -H 'Authorization: Digest username="desk", nonce=' "$H/"); [ "$c" = 401 ] || [ "$c" = 200 ] || fail "broken Authorization: $c"
c=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Digest garbage"' "$H/"); [ "$c" = 401 ] || fail "garbage Authorization: $c"
c=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Basic !!!!' "$H/"); [ "$c" = 401 ] || fail "garbage Basic: $c"
kill -0 "$D_PID" || fail "the daemon died"
ok "malformed forms, bodies, headers, methods and request lines refused; the daemon lives"

# slow clients: one header byte a second never ends a request; each connection ends after
# conn_life (4 s here, 90 under valgrind) whatever it sends
python3 - "$HP" 5 >"$T/slow.out" 2>&1 <<'PY' &
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
for s in socks: s.sendall(b"GET / HTTP/1.1\r\n")
start = time.time(); alive = set(range(n)); closed = {}
while alive and time.time() - start < 120:
    for i in list(alive):
        try:
            socks[i].sendall(b"X")
            socks[i].setblocking(False)
            try:
                if socks[i].recv(1) == b"": raise OSError
            except BlockingIOError: pass
            socks[i].setblocking(True)
        except OSError:
            alive.discard(i); closed[i] = time.time() - start
    time.sleep(0.5)
print("closed", len(closed), "max %.1f" % max(closed.values() or [99]))
PY
SLOW=$!
sleep 1
c=$(w "$H/status"); [ "$c" = 200 ] || fail "a login beside slow clients: $c"
wait "$SLOW"
read -r _ nclosed _ maxs <"$T/slow.out"
[ "$nclosed" = 5 ] && python3 -c "import sys; sys.exit(float('$maxs') > $WUI_CONN_LIFE + 5)" ||
	fail "slow clients not ended: $(cat "$T/slow.out")"
ok "slow clients ended by the connection life bound ($(cat "$T/slow.out"))"

# 200 idle connections held open while a login still answers
python3 - "$HP" "$SP" >"$T/idle.out" 2>&1 <<'PY' &
import socket, sys, time
socks = []
for i in range(200):
    socks.append(socket.create_connection(("127.0.0.1", int(sys.argv[1 + i % 2]))))
print("open", len(socks), flush=True)
time.sleep(3)
PY
IDLE=$!
EXTRA_PIDS="$IDLE"
wait_until 10 grep -q 'open 200' "$T/idle.out" || fail "200 connections not opened: $(cat "$T/idle.out")"
t0=$(date +%s%N)
c=$(w "$S/status"); [ "$c" = 200 ] || fail "login while 200 connections idle: $c"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
wait "$IDLE"; EXTRA_PIDS=
ok "a Digest login over https answered in $ms ms while 200 connections were idle"

# the connection cap: at max_conns connections each in the middle of a request (none can be
# evicted) the next one waits in the backlog; idle ones would make room for it (lib/connguard)
stop_wui
echo "max_conns = 8" >>"$T/wuid.conf"
start_wui
python3 - "$HP" >"$T/cap.out" 2>&1 <<'PY' &
import socket, sys, time
socks = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(8)]
for s in socks: s.sendall(b"GET / HTTP/1.1\r\nHost: x")
print("open", len(socks), flush=True)
time.sleep(5)
PY
CAP=$!
EXTRA_PIDS="$CAP"
wait_until 10 grep -q 'open 8' "$T/cap.out" || fail "8 connections not opened"
if [ -n "${PHONESEC_DAEMON_WRAP:-}" ]; then sleep 2; else sleep 0.5; fi # all 8 accepted
c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$H/")
[ "$c" = 000 ] || fail "a ninth connection was served at the cap of 8 ($c)"
wait "$CAP"; EXTRA_PIDS=
c=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$MAXT" "$H/")
[ "$c" = 401 ] || fail "no answer once the 8 connections closed ($c)"
ok "at max_conns (8) requests in progress the next connection waits; served once they close"
stop_wui
exit 0
