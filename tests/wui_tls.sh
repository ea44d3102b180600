#!/bin/sh
# The web UI's HTTPS listener audited by Debian's testssl.sh (offline): protocols, cipher
# categories and the known vulnerabilities; no finding rated HIGH or CRITICAL, SSLv2/3 and
# TLS 1.0/1.1 not offered, TLS 1.2 offered. Also: the generated key and certificate are mode 0600
# and name the configured host names.
set -u
T_NAME=tls
. "${top_srcdir:-.}/tests/wui_lib.sh"
command -v testssl >/dev/null 2>&1 || { echo "ERROR: testssl is not installed (apt-get install testssl.sh)"; exit 99; }

init_wui
start_wui
wait_until 10 port_open "$SP" || fail "https port not open"
for f in wui-key.pem wui-cert.pem; do
	[ "$(stat -c %a "$T/$f")" = 600 ] || fail "$f is mode $(stat -c %a "$T/$f")"
done
openssl x509 -in "$T/wui-cert.pem" -noout -ext subjectAltName | grep -q 'DNS:phone.test' ||
	fail "the generated certificate does not name phone.test"
openssl x509 -in "$T/wui-cert.pem" -noout -ext subjectAltName | grep -q 'IP Address:127.0.0.1' ||
	fail "the generated certificate does not name 127.0.0.1"
openssl pkey -in "$T/wui-key.pem" -noout -text 2>/dev/null | grep -q 'prime256v1\|P-256' || fail "not an EC P-256 key"
sum=$(sha256sum "$T/wui-cert.pem")
stop_wui; start_wui
[ "$(sha256sum "$T/wui-cert.pem")" = "$sum" ] || fail "the certificate was generated again"
ok "generated pair: EC P-256, SANs for the names and 127.0.0.1, mode 0600, kept across restarts"

# memory stays flat across fresh TLS clients (OpenSSL's default session cache kept one session
# per client, up to 20,480: +1.1 MiB per 1,000 clients); not under valgrind or ASan, whose heaps
# keep freed memory
CLIENT="$top_builddir/bench/wui_client"
if [ -z "${PHONESEC_DAEMON_WRAP:-}" ] && [ -x "$CLIENT" ] && ! ldd "$WUID" | grep -q libasan; then
	anon() { awk '/^Anonymous:/ { print $2 }' "/proc/$D_PID/smaps_rollup"; }
	"$CLIENT" -p "$SP" -P /status -n 200 -x -q >/dev/null || fail "fresh clients"
	a0=$(anon)
	"$CLIENT" -p "$SP" -P /status -n 1000 -x -q >/dev/null || fail "fresh clients"
	a1=$(anon)
	[ $((a1 - a0)) -le 400 ] || fail "anonymous memory grew by $((a1 - a0)) KiB over 1,000 TLS clients"
	ok "anonymous memory $a0 -> $a1 KiB over 1,000 fresh TLS clients"
else
	echo "note: memory not measured under a checker"
fi

HOME="$T" timeout 600 testssl --quiet --color 0 --warnings off --jsonfile "$T/testssl.json" \
	-p -s -U "127.0.0.1:$SP" >"$T/testssl.out" 2>&1
python3 - "$T/testssl.json" <<'PY' || { tail -n 60 "$T/testssl.out"; fail "testssl findings"; }
import json, sys
items = json.load(open(sys.argv[1]))
by = {i["id"]: i for i in items}
bad = [i for i in items if i.get("severity") in ("HIGH", "CRITICAL")]
for i in bad:
    print("finding:", i["id"], i["severity"], i["finding"])
for p in ("SSLv2", "SSLv3", "TLS1", "TLS1_1"):
    f = by.get(p, {}).get("finding", "")
    print(p, f)
    assert "not offered" in f, p
assert "offered" in by["TLS1_2"]["finding"] and "not" not in by["TLS1_2"]["finding"], by["TLS1_2"]
assert not bad
print("testssl: %d checks, none HIGH or CRITICAL" % len(items))
PY
ok "testssl: no HIGH or CRITICAL finding, TLS 1.0/1.1 refused"
stop_wui
exit 0
