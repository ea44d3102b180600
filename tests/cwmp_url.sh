#!/bin/sh
# ACS URLs through the one URL parser (lib/url.c): an ACS URL whose scheme is in capitals
# ("HTTPS://") is accepted by the store and by `phonesec check`, and phonesec-cwmpd runs a verified
# session over https with it (it refused it, and so lost its ACS). A port outside 1..65535 is
# refused when stored, and the daemon's URL stays as it was.
set -u
T_NAME=url
. "${top_srcdir:-.}/tests/cwmp_lib.sh"
command -v openssl >/dev/null 2>&1 || { echo "ERROR: openssl is not installed"; exit 99; }

P="$T/pki"
mkdir -p "$P"
ossl() { openssl "$@" >>"$T/openssl.log" 2>&1 || fail "openssl $1 failed: $(tail -n 3 "$T/openssl.log")"; }
EC="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
# shellcheck disable=SC2086
ossl req -x509 $EC -keyout "$P/ca.key" -out "$P/ca.pem" -days 2 -subj "/CN=phonesec test url ca" \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
# shellcheck disable=SC2086
ossl req $EC -keyout "$P/server.key" -out "$P/server.csr" -subj "/CN=server"
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$P/server.ext"
ossl x509 -req -in "$P/server.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial \
	-out "$P/server.pem" -days 2 -extfile "$P/server.ext"
grep -v -E '^ca_file *=' "$top_srcdir/conf/phonesec.conf" >"$T/url.conf"
printf 'ca_file = %s\n' "$P/ca.pem" >>"$T/url.conf"

start_acs --tls-cert "$P/server.pem" --tls-key "$P/server.key"
init_phone
URL="HTTPS://127.0.0.1:$ACS_PORT/acs"
"$CLI" -s "$ST" set tr69_acs_url="$URL" >/dev/null || fail "the store refused $URL"
[ "$("$CLI" -s "$ST" get tr69_acs_url)" = "$URL" ] || fail "the URL was not kept as given"
"$CLI" -s "$ST" check --json >"$T/check.json"
grep -q '"id":"acs-https","status":"pass"' "$T/check.json" ||
	fail "phonesec check does not count $URL as https: $(cat "$T/check.json")"
ok "HTTPS:// stored as given, acs-https passes"

start_daemon "$T/url.conf"
wait_until 30 ended_ge 1 || fail "no session with $URL"
q inform-xml 1 | grep -q '0 BOOTSTRAP' || fail "the first Inform lacks 0 BOOTSTRAP"
no_violations
ok "phonesec-cwmpd ran a verified https session with $URL"

# ports outside 1..65535: refused when stored, nothing changed
for bad in "https://127.0.0.1:99999/acs" "https://127.0.0.1:0/acs" "https://127.0.0.1:/acs"; do
	"$CLI" -s "$ST" set tr69_acs_url="$bad" >/dev/null 2>"$T/set.err"
	[ $? -eq 2 ] || fail "$bad: not refused with exit 2"
	grep -q 'tr69_acs_url: .*port' "$T/set.err" || fail "$bad: no clear message: $(cat "$T/set.err")"
	[ "$("$CLI" -s "$ST" get tr69_acs_url)" = "$URL" ] || fail "$bad: the URL changed"
done
stop_daemon
ok "ports 99999, 0 and none refused by the store, the URL unchanged"
