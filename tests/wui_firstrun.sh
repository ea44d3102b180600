#!/bin/sh
# phonesec-wuid's first-run page on a phone the provider provisioned before the desk user came:
# what the provider locked stays as the provider set it. A locked admin password is neither
# offered nor taken from the form, a locked user name is shown and kept, a locked Basic stays
# Basic; the first run is recorded as the phone's administrator. A provider that locks the web
# UI's password keeps the first run closed (403, nothing changed). Only clients on the networks of
# firstrun_from get the page, and only by the phone's address or names (no DNS rebinding).
set -u
T_NAME=firstrun
. "${top_srcdir:-.}/tests/wui_lib.sh"

get() { "$CLI" -s "$ST" get "$1"; }
FORM='admin_pass=Att4cker-x&admin_pass2=Att4cker-x&user=evil&pass=wui-secret-1&pass2=wui-secret-1'

# ------------------------------------------------------------------ locked admin password
init_wui
printf 'Pr0vider-admin\n' | "$CLI" -s "$ST" set --save admin_mode_password=- >/dev/null ||
	fail "provider's admin password"
"$CLI" -s "$ST" set --save http_user=carrier >/dev/null || fail "provider's user name"
"$CLI" -s "$ST" lock admin_mode_password http_user http_scheme >/dev/null || fail "lock"
start_wui
wait_until 10 port_open "$HP" || fail "http port not open"
H="http://127.0.0.1:$HP"
c=$(curl -s -o "$T/b" -w '%{http_code}' "$H/")
[ "$c" = 200 ] || fail "first-run page: $c"
grep -q 'name="admin_pass' "$T/b" && fail "a provider-locked admin password offered on the first run"
grep -q 'name="user"' "$T/b" && fail "a provider-locked user name offered on the first run"
grep -q 'carrier' "$T/b" || fail "the provider's user name not shown"
grep -q 'set by your provider' "$T/b" || fail "no 'set by your provider' on the first run"
grep -q 'name="pass2"' "$T/b" || fail "the web UI password not offered"
# by the phone's address or its names only (DNS rebinding: another site's name pointed at it)
c=$(curl -s -o "$T/b" -w '%{http_code}' -H 'Host: evil.example' "$H/")
[ "$c" = 403 ] && grep -q 'by the phone.#39;s IP address' "$T/b" ||
	fail "first-run page for another site's host name: $c"
c=$(fr_post "$FORM" -H "Host: evil.example:$HP")
[ "$c" = 403 ] || fail "first run posted for another site's host name: $c"
grep -q 'first-run page refused for a host name' "$T/wuid.log" || fail "refused host name not logged"
for h in "phone.test:$HP" "LOCALHOST:$HP" "127.0.0.1"; do
	c=$(curl -s -o "$T/b" -w '%{http_code}' -H "Host: $h" "$H/")
	[ "$c" = 200 ] || fail "first-run page for the phone's own name $h: $c"
done
# someone sends the whole form all the same
c=$(fr_post "$FORM")
[ "$c" = 200 ] || fail "first run with the provider's locks: $c $(cat "$T/fr.html")"
printf 'Pr0vider-admin\n' | "$CLI" -s "$ST" verify admin_mode_password >/dev/null ||
	fail "the first run replaced the provider's locked admin password"
[ "$(get http_user)" = carrier ] || fail "the first run replaced the provider's user name: $(get http_user)"
[ "$(get http_scheme)" = basic ] || fail "the first run replaced the provider's locked scheme"
[ "$(get use_hidden_tags)" = on ] || fail "the first run did not turn hidden tags on"
printf 'wui-secret-1\n' | "$CLI" -s "$ST" verify http_pass >/dev/null || fail "web UI password not set"
"$CLI" -s "$ST" audit -n 1 | grep 'wui' | grep -q 'phone admin' ||
	fail "the first run not audited as the phone's administrator: $("$CLI" -s "$ST" audit -n 1)"
"$CLI" -s "$ST" audit -n 1 | grep -q 'admin_mode_password' &&
	fail "the first run's audit entry names the admin password"
c=$(curl -s -k -o /dev/null -w '%{http_code}' --basic -u carrier:wui-secret-1 "https://127.0.0.1:$SP/")
[ "$c" = 200 ] || fail "login with the provider's user name after the first run: $c"
stop_wui
ok "first run under provider locks: admin password, user name and Basic kept as the provider set them"

# ------------------------------------------------------------------ locked web UI password
rm -f "$ST" "$ST-wal" "$ST-shm" "$T/wuid.log"
init_wui
"$CLI" -s "$ST" lock http_pass >/dev/null || fail "lock http_pass"
start_wui
wait_until 10 port_open "$HP" || fail "http port not open"
H="http://127.0.0.1:$HP"
c=$(curl -s -o "$T/b" -w '%{http_code}' "$H/")
[ "$c" = 403 ] || fail "first-run page with the password locked by the provider: $c"
grep -q 'Your provider sets the web UI' "$T/b" || fail "no word of the provider on the closed first run"
grep -q '<form' "$T/b" && fail "a form on the closed first run"
c=$(fr_post "$FORM")
[ "$c" = 403 ] || fail "first run posted with the password locked: $c"
[ "$(get http_user)" = "" ] && [ "$(get http_scheme)" = basic ] || fail "a closed first run changed something"
printf '0000\n' | "$CLI" -s "$ST" verify admin_mode_password >/dev/null ||
	fail "a closed first run changed the admin password"
c=$(curl -s -o "$T/b" -w '%{http_code}' -H 'Accept-Language: de' "$H/")
grep -q 'legt Ihr Anbieter fest' "$T/b" || fail "the closed first run in German"
stop_wui
ok "the web UI password locked by the provider: the first run closed (403), nothing changed"

# ------------------------------------------------------------------ from where (firstrun_from)
# default "local": the networks of the phone's interfaces (every test here runs on loopback);
# a list: only those networks
python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.2", 0))' ||
	fail "127.0.0.2 cannot be bound on this machine"
rm -f "$ST" "$ST-wal" "$ST-shm" "$T/wuid.log"
init_wui
printf 'firstrun_from = 127.0.0.2/32 2001:db8::/32\n' >>"$T/wuid.conf"
start_wui
wait_until 10 port_open "$HP" || fail "http port not open"
H="http://127.0.0.1:$HP"
for i in 1 2 3; do
	c=$(fr_post "$FORM"); cp "$T/fr.html" "$T/b"
	[ "$c" = 403 ] || fail "first run from a network not in firstrun_from: $c"
done
grep -q 'open this page from a computer in the phone.#39;s own network' "$T/b" ||
	fail "no word of where the first run is possible"
grep -q '<form' "$T/b" && fail "a form offered outside firstrun_from"
[ "$(get http_user)" = "" ] || fail "a first run outside firstrun_from changed something"
[ "$(grep -c 'first-run page refused to 127.0.0.1' "$T/wuid.log")" = 1 ] ||
	fail "refusals not logged once: $(grep -c 'first-run page refused' "$T/wuid.log")"
c=$(curl -s -o "$T/b" -w '%{http_code}' --interface 127.0.0.2 "$H/")
[ "$c" = 200 ] && grep -q 'name="pass2"' "$T/b" || fail "first-run page from 127.0.0.2: $c"
c=$(fr_post 'admin_pass=Adm1n-pass-x&admin_pass2=Adm1n-pass-x&user=desk&pass=wui-secret-1&pass2=wui-secret-1' \
	--interface 127.0.0.2)
[ "$c" = 200 ] && [ "$(get http_user)" = desk ] || fail "first run from 127.0.0.2: $c"
# once done, logins come from anywhere as before
c=$(w "$H/"); [ "$c" = 200 ] || fail "login from 127.0.0.1 after the first run: $c"
stop_wui
ok "the first-run page only from firstrun_from (403 elsewhere, logged once); logins from anywhere"
exit 0
