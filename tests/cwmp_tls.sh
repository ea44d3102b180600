#!/bin/sh
# TLS from phonesec-cwmpd to the ACS: the test ACS (tests/acs/acs.js) over https with a throw-away
# CA and certificates made here by openssl. A session completes with the right CA; a CA that did
# not sign the server (even one the system trust store has, when ca_file is set), a certificate
# for another host name and a TLS 1.1-only server are refused (and nothing reaches the ACS's
# plain-http port: no fallback, no redirect to http); a client certificate is presented when
# configured and required by the ACS. The TLS context and session kept between sessions never
# outlive the trust they were verified with. Downloads and Uploads over https are verified the same
# way.
set -u
T_NAME=tls
. "${top_srcdir:-.}/tests/cwmp_lib.sh"
command -v openssl >/dev/null 2>&1 || { echo "ERROR: openssl is not installed"; exit 99; }

# ------------------------------------------------------------------ certificates
P="$T/pki"
mkdir -p "$P"
ossl() { openssl "$@" >>"$T/openssl.log" 2>&1 || fail "openssl $1 failed: $(tail -n 3 "$T/openssl.log")"; }
EC="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
# ca NAME: a self-signed CA
ca() {
	# shellcheck disable=SC2086
	ossl req -x509 $EC -keyout "$P/$1.key" -out "$P/$1.pem" -days 2 -subj "/CN=phonesec test $1" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}
# leaf NAME CA SAN USAGE: a certificate signed by CA
leaf() {
	# shellcheck disable=SC2086
	ossl req $EC -keyout "$P/$1.key" -out "$P/$1.csr" -subj "/CN=$1"
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=%s\n' "$3" "$4" >"$P/$1.ext"
	ossl x509 -req -in "$P/$1.csr" -CA "$P/$2.pem" -CAkey "$P/$2.key" -CAcreateserial \
		-out "$P/$1.pem" -days 2 -extfile "$P/$1.ext"
}
ca ca
ca otherca
ca clientca
leaf server ca "IP:127.0.0.1,DNS:localhost" serverAuth
leaf wronghost ca "DNS:acs.example.net" serverAuth
leaf client clientca "DNS:cpe-1" clientAuth
leaf otherserver otherca "IP:127.0.0.1" serverAuth

# conf NAME KEY=VALUE...: a phonesec.conf with the identity of the shipped one
conf() {
	f="$T/$1.conf"; shift
	grep -v -E '^(ca_file|ca_path|client_cert|client_key) *=' "$top_srcdir/conf/phonesec.conf" >"$f"
	for kv in "$@"; do printf '%s\n' "$kv" | sed 's/=/ = /' >>"$f"; done
}
conf good "ca_file=$P/ca.pem"
conf other "ca_file=$P/otherca.pem"
conf withclient "ca_file=$P/ca.pem" "client_cert=$P/client.pem" "client_key=$P/client.key"
conf system

"$CLI" -s "$ST" init >/dev/null || fail "phonesec init"
# A failed session is retried after an hour: every session here is the daemon's first or asked
# for by a connection request, so the ACS's counts of Informs and TLS connections are exact, not a
# race with a retry timer.
"$CLI" -s "$ST" set tr69_acs_user=cpe-1 tr69_acs_passwd='acs pass' tr69_cr_user=acs \
	tr69_cr_pass=cr-secret-1 tr69_retry_min_wait=3600 tr69_retry_multiplier=1000 \
	tr69_periodic_enable=off >/dev/null || fail "setting the ACS up"
CR_PORT=$(free_port)

# https_acs CERT [ARGS...]: a fresh https ACS (with its plain-http twin) and the URL set to it
https_acs() {
	[ -n "$ACS_PID" ] && stop_acs
	rm -rf "$T/log" "$T/q" "$T/plain-port"
	cert=$1; shift
	start_acs --tls-cert "$P/$cert.pem" --tls-key "$P/$cert.key" --http-port-file "$T/plain-port" "$@"
	wait_until 5 test -s "$T/plain-port" || fail "no plain-http twin"
	"$CLI" -s "$ST" set tr69_acs_url="https://127.0.0.1:$ACS_PORT/acs" >/dev/null || fail "set URL"
}
# refused WHAT: no Inform reached the ACS, its TLS layer saw the attempt, its http twin nothing
refused() {
	wait_until 10 events_ge tls-error 1 || fail "$1: no TLS attempt seen by the ACS"
	wait_until 10 grep -q 'session failed' "$T/cwmpd.log" || fail "$1: the daemon did not report the failure"
	sleep 0.5
	[ "$(q informs)" = 0 ] || fail "$1: a session was made"
	[ "$(q events plain-connect)" = 0 ] || fail "$1: the client fell back to http"
	echo "   $(grep -m1 -o 'session failed.*' "$T/cwmpd.log"); ACS: $(grep -m1 -o '"error":"[^"]*"' "$T/log/log.jsonl")"
}

# ------------------------------------------------------------------ 1. trusted CA: a session
https_acs server
start_daemon "$T/good.conf"
wait_until 15 ended_ge 1 || fail "no session over https with the right CA"
q inform-xml 1 | grep -q '0 BOOTSTRAP' || fail "first https Inform without BOOTSTRAP"
grep -q '"servername":null' "$T/log/log.jsonl" ||
	fail "an IP address sent as SNI (RFC 6066): $(grep -o '"servername":[^,]*' "$T/log/log.jsonl" | head -1)"
[ "$(q events plain-connect)" = 0 ] || fail "the plain-http port was contacted"
no_violations
stop_daemon
ok "https ACS, certificate signed by ca_file, IP address in the SAN (and not in SNI): session completed"

# a host name in the URL: verified against the certificate's DNS name and sent as SNI (TR-069
# 3.3), so that an ACS behind a name-based TLS front end shows the right certificate
https_acs server
"$CLI" -s "$ST" set tr69_acs_url="https://localhost:$ACS_PORT/acs" >/dev/null || fail "set URL"
: >"$T/cwmpd.log"
start_daemon "$T/good.conf"
wait_until 15 ended_ge 1 || fail "no session with https://localhost"
grep -q '"servername":"localhost"' "$T/log/log.jsonl" || fail "no SNI localhost: $(grep -o '"servername":[^,]*' "$T/log/log.jsonl" | head -1)"
stop_daemon
ok "https://localhost: DNS name verified, SNI sent"

# Basic over https: allowed (TR-069 3.4.4), the credentials are protected by TLS
https_acs server --cwmp-auth basic
: >"$T/cwmpd.log"
start_daemon "$T/good.conf"
wait_until 15 ended_ge 1 || fail "no session with Basic over https"
grep -q '"event":"auth-ok","scheme":"basic"' "$T/log/log.jsonl" || fail "Basic over https: not used"
stop_daemon
ok "an https ACS asking for Basic: answered"

# ------------------------------------------------------------------ 2. a CA that did not sign the server
https_acs server
: >"$T/cwmpd.log"
start_daemon "$T/other.conf"
refused "untrusted CA"
stop_daemon
ok "a server certificate not signed by ca_file: no session, no fallback to http"

# the configured ca_file is the whole trust: a server signed by a CA of the system trust store
# (here SSL_CERT_FILE, which OpenSSL reads for it) but not by ca_file is refused; with neither
# ca_file nor ca_path set, the system trust store is what the server is verified against
https_acs server
: >"$T/cwmpd.log"
export SSL_CERT_FILE="$P/ca.pem"
start_daemon "$T/other.conf"
unset SSL_CERT_FILE
refused "a CA of the system store but not ca_file"
stop_daemon
https_acs server
: >"$T/cwmpd.log"
export SSL_CERT_FILE="$P/ca.pem"
start_daemon "$T/system.conf"
unset SSL_CERT_FILE
wait_until 15 ended_ge 1 || fail "no session with the server's CA in the system trust store"
stop_daemon
ok "ca_file set: it alone is trusted, not the system store; none set: the system store"

# ------------------------------------------------------------------ 3. certificate of another host
https_acs wronghost
: >"$T/cwmpd.log"
start_daemon "$T/good.conf"
refused "wrong host name"
stop_daemon
ok "a trusted certificate for another host name: no session"

# ------------------------------------------------------------------ 4. TLS 1.1-only server
https_acs server --tls-max TLSv1.1
# the server must really offer TLS 1.1, or this check proves nothing
echo | openssl s_client -connect "127.0.0.1:$ACS_PORT" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' \
	-CAfile "$P/ca.pem" >"$T/s_client.log" 2>&1 || fail "the test server does not speak TLS 1.1"
grep -q 'Protocol *: TLSv1.1' "$T/s_client.log" || fail "openssl did not negotiate TLS 1.1"
: >"$T/cwmpd.log"
start_daemon "$T/good.conf"
refused "TLS 1.1 only"
stop_daemon
ok "a TLS 1.1-only ACS: refused (TLS 1.2 minimum)"

# ------------------------------------------------------------------ 5. client certificate
https_acs server --tls-ca "$P/clientca.pem" --tls-require-client 1
: >"$T/cwmpd.log"
start_daemon "$T/good.conf"
refused "client certificate required, none configured"
stop_daemon
: >"$T/cwmpd.log"
start_daemon "$T/withclient.conf"
wait_until 15 ended_ge 1 || fail "no session with the client certificate"
python3 - "$T/log/log.jsonl" <<'EOF' || fail "the ACS did not see our client certificate"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert any(r.get("event") == "connect" and r.get("client_cert") for r in recs)
EOF
grep -q 'BEGIN' "$T/cwmpd.log" && fail "key material in the log"
stop_daemon
ok "client certificate presented when configured; the ACS that requires one refuses us without it"

# ------------------------------------------------------------------ 6. redirects of the Inform
https_acs server
PLAIN=$(cat "$T/plain-port")
queue 001 "{\"redirect\":{\"location\":\"http://127.0.0.1:$PLAIN/acs\",\"status\":302}}"
: >"$T/cwmpd.log"
start_daemon "$T/good.conf"
wait_until 10 grep -q 'session failed' "$T/cwmpd.log" || fail "https -> http redirect: no failure"
grep -q 'session failed: the ACS redirected (HTTP 302) from https to http: refused' "$T/cwmpd.log" ||
	fail "https -> http redirect: $(grep 'session failed' "$T/cwmpd.log")"
sleep 0.5
[ "$(q events plain-connect)" = 0 ] || fail "the client followed a redirect to http"
[ "$(q informs)" = 1 ] || fail "$(q informs) Informs, not 1"
stop_daemon
ok "a redirect from https to http is refused: nothing reaches the plain port"
https_acs server
queue 001 "{\"redirect\":{\"location\":\"https://127.0.0.1:$ACS_PORT/other\",\"status\":307}}"
: >"$T/cwmpd.log"
start_daemon "$T/good.conf"
wait_until 15 ended_ge 1 || fail "no session after an https -> https redirect"
[ "$(q inform-urls | tr '\n' ' ')" = "/acs /other " ] || fail "Informs went to: $(q inform-urls | tr '\n' ' ')"
[ "$(q events plain-connect)" = 0 ] || fail "the plain-http port was contacted"
no_violations
stop_daemon
ok "a redirect from https to https: verified again and followed"


# ------------------------------------------------------------------ 7. context and session kept
# Later sessions use the context built for the first (the trust is loaded once) and resume its TLS
# session; a change of the trust file on disk, of the conf (SIGHUP) or of the server's certificate
# is verified again in full: a kept session never outlives the trust it was verified with.
https_acs server
cp "$P/ca.pem" "$T/trust.pem"
conf kept "ca_file=$T/trust.pem"
: >"$T/cwmpd.log"
start_daemon "$T/kept.conf"
wait_until 15 ended_ge 1 || fail "kept context: no first session"
cr_ok || fail "kept context: connection request"
wait_until 15 ended_ge 2 || fail "kept context: no second session"
cr_ok || fail "kept context: connection request"
wait_until 15 ended_ge 3 || fail "kept context: no third session"
[ "$(q tls-resumed)" = "new resumed resumed" ] || fail "TLS connections: $(q tls-resumed)"
[ "$(grep -c 'TLS context built' "$T/cwmpd.log")" = 1 ] ||
	fail "contexts built: $(grep -c 'TLS context built' "$T/cwmpd.log"), not 1"
no_violations
ok "https sessions: the context built once, later sessions resume the TLS session"

# the trust file now holds a CA that did not sign the server (same path, same conf)
cp "$P/otherca.pem" "$T/trust.pem.new" && mv "$T/trust.pem.new" "$T/trust.pem"
cr_ok || fail "trust changed: connection request"
wait_until 15 grep -q 'session failed' "$T/cwmpd.log" || fail "trust changed: the session was made"
sleep 0.5
[ "$(q informs)" = 3 ] || fail "trust changed: $(q informs) Informs, not 3"
[ "$(grep -c 'TLS context built' "$T/cwmpd.log")" = 2 ] || fail "trust changed: no new context"
ok "the trust file replaced by another CA: a new context, the kept session not resumed, refused"

# the right CA again, rewritten in place: a new context and a full handshake
sleep 0.02 # a distinct modification time even on coarse clocks
cat "$P/ca.pem" >"$T/trust.pem"
cr_ok || fail "trust restored: connection request"
wait_until 15 ended_ge 4 || fail "trust restored: no session"
[ "$(q tls-resumed)" = "new resumed resumed new" ] || fail "TLS connections: $(q tls-resumed)"
cr_ok || fail "trust restored: connection request"
wait_until 15 ended_ge 5 || fail "trust restored: no second session"
[ "$(q tls-resumed)" = "new resumed resumed new resumed" ] || fail "TLS connections: $(q tls-resumed)"
ok "the trust file rewritten in place: verified in full again, then resumed"

# a conf naming another CA, read on SIGHUP: refused
conf kept "ca_file=$P/otherca.pem"
: >"$T/cwmpd.log"
kill -HUP "$D_PID"
wait_until 10 grep -q 'configuration' "$T/cwmpd.log" || fail "SIGHUP: no reload logged"
cr_ok || fail "conf changed: connection request"
wait_until 15 grep -q 'session failed' "$T/cwmpd.log" || fail "conf changed: the session was made"
sleep 0.5
[ "$(q informs)" = 5 ] || fail "conf changed: $(q informs) Informs, not 5"
stop_daemon
ok "a conf naming another CA (SIGHUP): the kept context and session are not used"

# the server's certificate changes under a warm daemon: the new one is verified, a wrong one refused
https_acs server
: >"$T/cwmpd.log"
start_daemon "$T/good.conf"
wait_until 15 ended_ge 1 || fail "server change: no first session"
CRU=$(cr_url)
stop_acs
rm -rf "$T/log" "$T/q"
start_acs --tls-cert "$P/wronghost.pem" --tls-key "$P/wronghost.key" --port "$ACS_PORT"
cr_ok "$CRU" || fail "server change: connection request"
wait_until 15 events_ge tls-error 1 || fail "server change: no TLS attempt seen"
wait_until 15 grep -q 'session failed' "$T/cwmpd.log" || fail "server change: no failure logged"
[ "$(q informs)" = 0 ] || fail "server change: a session was made with a certificate for another host"
stop_daemon
ok "an ACS that now shows a certificate for another host: refused, not resumed"

# ------------------------------------------------------------------ 8. file transfers over https
# A Download and an Upload over https are verified as the session is: with the right CA they
# work; a file server whose certificate is for another host, or signed by a CA that ca_file does
# not name, gets 9015 (cannot contact the file server) and no request.
download() { # KEY URL
	printf '<cwmp:Download><CommandKey>%s</CommandKey><FileType>3 Vendor Configuration File</FileType><URL>%s</URL><Username>fileuser</Username><Password>file pass</Password><FileSize>0</FileSize><TargetFileName></TargetFileName><DelaySeconds>0</DelaySeconds><SuccessURL></SuccessURL><FailureURL></FailureURL></cwmp:Download>' "$1" "$2"
}
# file_server NAME CERT: an https file server of its own (another ACS process), port in $FS_PORT
file_server() {
	mkdir -p "$T/$1/q" "$T/$1/log"
	node "$ACS_JS" --port-file "$T/$1/port" --log "$T/$1/log" --queue "$T/$1/q" --files "$T/files" \
		--file-user fileuser --file-pass 'file pass' --tls-cert "$P/$2.pem" --tls-key "$P/$2.key" \
		2>"$T/$1/err" &
	EXTRA_PIDS="$EXTRA_PIDS $!"
	wait_until 10 test -s "$T/$1/port" || fail "file server $1 did not start"
	FS_PORT=$(cat "$T/$1/port")
}
mkdir -p "$T/files"
printf 'web_logout_timer = 11\n' >"$T/files/tls.cfg"
https_acs server --files "$T/files" --file-user fileuser --file-pass 'file pass'
: >"$T/cwmpd.log"
start_daemon "$T/good.conf"
wait_until 15 ended_ge 1 || fail "transfers: no first session"
queue 010 "{\"rpcs\":[\"$(download tls-good "https://127.0.0.1:$ACS_PORT/files/tls.cfg")\"]}"
cr_ok || fail "transfers: connection request"
wait_until 15 count_ge TransferComplete 1 || fail "https download: no TransferComplete"
[ "$(tc_field FaultCode)" = 0 ] || fail "https download: fault $(tc_field FaultCode) $(tc_field FaultString)"
[ "$("$CLI" -s "$ST" get web_logout_timer)" = 11 ] || fail "https download: not applied"
q files | grep -q '^GET tls.cfg 200 Digest' || fail "https download: $(q files | tr '\n' ' ')"
queue 020 "{\"rpcs\":[\"<cwmp:Upload><CommandKey>tls-up</CommandKey><FileType>3 Vendor Configuration File</FileType><URL>https://127.0.0.1:$ACS_PORT/files/up.cfg</URL><Username>fileuser</Username><Password>file pass</Password><DelaySeconds>0</DelaySeconds></cwmp:Upload>\"]}"
cr_ok || fail "transfers: connection request"
wait_until 15 count_ge TransferComplete 2 || fail "https upload: no TransferComplete"
[ "$(tc_field FaultCode)" = 0 ] || fail "https upload: fault $(tc_field FaultCode) $(tc_field FaultString)"
grep -q "^web_logout_timer *= *11$" "$T/files/up.cfg.uploaded" || fail "https upload: file not received"
ok "Download and Upload over https with the trusted CA"
# Basic is answered over https only (over http a transfer gets 9012, cwmp_transfer.sh)
printf 'web_logout_timer = 12\n' >"$T/files/basic-tls.cfg"
queue 021 "{\"rpcs\":[\"$(download tls-basic "https://127.0.0.1:$ACS_PORT/files/basic-tls.cfg")\"]}"
cr_ok || fail "transfers: connection request"
wait_until 15 count_ge TransferComplete 3 || fail "https Basic download: no TransferComplete"
[ "$(tc_field FaultCode)" = 0 ] || fail "https Basic download: fault $(tc_field FaultCode) $(tc_field FaultString)"
[ "$("$CLI" -s "$ST" get web_logout_timer)" = 12 ] || fail "https Basic download: not applied"
q files | grep -q '^GET basic-tls.cfg 200 Basic' || fail "https Basic download: $(q files | tr '\n' ' ')"
ok "a file server over https asking for Basic: answered"

n_tc=3
for srv in wronghost otherserver; do
	file_server "fs-$srv" "$srv"
	queue "03$n_tc" "{\"rpcs\":[\"$(download "tls-$srv" "https://127.0.0.1:$FS_PORT/files/tls.cfg")\"]}"
	cr_ok || fail "transfers: connection request"
	n_tc=$((n_tc + 1))
	wait_until 15 count_ge TransferComplete "$n_tc" || fail "$srv: no TransferComplete"
	[ "$(tc_field FaultCode)" = 9015 ] || fail "$srv: fault $(tc_field FaultCode) $(tc_field FaultString)"
	tc_field FaultString | grep -q TLS || fail "$srv: fault string $(tc_field FaultString)"
	grep -q '"event":"tls-error"' "$T/fs-$srv/log/log.jsonl" || fail "$srv: no TLS attempt seen"
	grep -q '"event":"file"' "$T/fs-$srv/log/log.jsonl" && fail "$srv: a file request got through"
done
stop_daemon
ok "https file servers with a certificate for another host or from another CA: 9015, no request"
exit 0
