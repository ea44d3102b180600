#!/bin/sh
# Download and Upload of the vendor configuration file through phonesec-cwmpd against the test ACS
# (tests/acs/acs.js, whose file server asks for Digest or Basic by npm http-auth): the settings of
# a downloaded file applied in one transaction (checked with the CLI), a corrupt file refused with
# 9018 and nothing changed, auth and missing-file faults, the uploaded file equal to the store's
# settings without any secret, TransferComplete delivered after a daemon restart, DelaySeconds,
# one transfer at a time, the firmware type refused without a firmware hook.
set -u
T_NAME=transfer
. "${top_srcdir:-.}/tests/cwmp_lib.sh"

start_file_acs --files2-port-file "$T/files2-port" --file-challenge-file "$T/fchal"
init_phone

# download KEY FILE [USER PASS [DELAY [FILETYPE]]]: the Download RPC as the scenario's Body child
download() {
	printf '<cwmp:Download><CommandKey>%s</CommandKey><FileType>%s</FileType><URL>%s/%s</URL><Username>%s</Username><Password>%s</Password><FileSize>0</FileSize><TargetFileName></TargetFileName><DelaySeconds>%s</DelaySeconds><SuccessURL></SuccessURL><FailureURL></FailureURL></cwmp:Download>' \
		"$1" "${6:-3 Vendor Configuration File}" "$FURL" "$2" "${3-fileuser}" "${4-file pass}" "${5:-0}"
}
upload() { # KEY FILE [FILETYPE]
	printf '<cwmp:Upload><CommandKey>%s</CommandKey><FileType>%s</FileType><URL>%s/%s</URL><Username>fileuser</Username><Password>file pass</Password><DelaySeconds>0</DelaySeconds></cwmp:Upload>' \
		"$1" "${3:-3 Vendor Configuration File}" "$FURL" "$2"
}
# transfer_complete N: waits for the N-th TransferComplete
transfer_complete() {
	wait_until "${2:-15}" count_ge TransferComplete "$1" || fail "no TransferComplete #$1 ($(q count TransferComplete) seen)"
}

# ------------------------------------------------------------------ 0. first session
start_daemon
wait_until 10 ended_ge 1 || fail "no first session"

# ------------------------------------------------------------------ 1. download applies the file
[ "$("$CLI" -s "$ST" get use_hidden_tags)" = off ] || fail "unexpected factory value"
printf '# provider profile\nuse_hidden_tags = on\nweb_logout_timer = 7\n\nkeyboard_lock_timeout = 90\n' > "$T/files/good.cfg"
queue 010 "{\"rpcs\":[\"$(download dl-good good.cfg)\"]}"
cr_ok || fail "connection request refused"
transfer_complete 1
[ "$(tc_fault)" = 0 ] || fail "download: TransferComplete fault $(tc_fault): $(q body TransferComplete)"
[ "$(tc_key)" = dl-good ] || fail "download: CommandKey $(tc_key)"
q body TransferComplete | grep -q '<StartTime>0001-' && fail "download: unknown StartTime"
q body TransferComplete | grep -q '<CompleteTime>20[0-9][0-9]-' || fail "download: no CompleteTime"
[ "$("$CLI" -s "$ST" get use_hidden_tags)" = on ] || fail "download: use_hidden_tags not applied"
[ "$("$CLI" -s "$ST" get web_logout_timer)" = 7 ] || fail "download: web_logout_timer not applied"
[ "$("$CLI" -s "$ST" get keyboard_lock_timeout)" = 90 ] || fail "download: keyboard_lock_timeout not applied"
"$CLI" -s "$ST" audit -n 1 | grep tr069 | grep use_hidden_tags | grep web_logout_timer |
	grep -q keyboard_lock_timeout || fail "download: not one tr069 audit entry: $("$CLI" -s "$ST" audit -n 2)"
q inform-xml -1 | grep -q '<EventCode>7 TRANSFER COMPLETE</EventCode>' || fail "no 7 TRANSFER COMPLETE"
q inform-xml -1 | grep -q '<EventCode>M Download</EventCode><CommandKey>dl-good</CommandKey>' ||
	fail "no M Download with its CommandKey"
q files | grep -q '^GET good.cfg 401' || fail "the file server's challenge was not seen"
q files | grep -q '^GET good.cfg 200 Digest' || fail "download not authenticated with Digest: $(q files)"
grep -q 'file pass' "$T/cwmpd.log" && fail "the file server password was logged"
no_violations
ok "download: settings applied in one tr069 transaction, TransferComplete 0 with times, Digest"

# ------------------------------------------------------------------ 2. corrupt file: 9018
printf 'use_hidden_tags = off\nweb_logout_timer = 9\nno_such_setting = 1\n' > "$T/files/bad.cfg"
queue 020 "{\"rpcs\":[\"$(download dl-bad bad.cfg)\"]}"
cr_ok || fail "connection request"
transfer_complete 2
[ "$(tc_fault)" = 9018 ] || fail "corrupt file: fault $(tc_fault)"
[ "$(tc_key)" = dl-bad ] || fail "corrupt file: CommandKey $(tc_key)"
[ "$("$CLI" -s "$ST" get use_hidden_tags)" = on ] || fail "corrupt file changed use_hidden_tags"
[ "$("$CLI" -s "$ST" get web_logout_timer)" = 7 ] || fail "corrupt file changed web_logout_timer"
printf 'use_hidden_tags = off\nthis is not a setting line\n' > "$T/files/bad2.cfg"
queue 021 "{\"rpcs\":[\"$(download dl-bad2 bad2.cfg)\"]}"
cr_ok || fail "connection request"
transfer_complete 3
[ "$(tc_fault)" = 9018 ] || fail "garbage file: fault $(tc_fault)"
[ "$("$CLI" -s "$ST" get use_hidden_tags)" = on ] || fail "garbage file changed use_hidden_tags"
ok "corrupt files: 9018, nothing changed"

# ------------------------------------------------------------------ 3. faults of the file server
queue 030 "{\"rpcs\":[\"$(download dl-auth good.cfg fileuser wrong)\"]}"
cr_ok || fail "connection request"
transfer_complete 4
[ "$(tc_fault)" = 9012 ] || fail "wrong file password: fault $(tc_fault)"
queue 031 "{\"rpcs\":[\"$(download dl-missing open-missing.cfg)\"]}"
cr_ok || fail "connection request"
transfer_complete 5
[ "$(tc_fault)" = 9016 ] || fail "missing file: fault $(tc_fault)"
DOWN=$(free_port)
queue 032 "{\"rpcs\":[\"$(download dl-down x.cfg | sed "s|127.0.0.1:$ACS_PORT|127.0.0.1:$DOWN|")\"]}"
cr_ok || fail "connection request"
transfer_complete 6
[ "$(tc_fault)" = 9015 ] || fail "unreachable file server: fault $(tc_fault)"
python3 -c 'import sys; sys.stdout.write("web_logout_timer = 30\n" + "# padding\n" * 8000)' > "$T/files/open-big.cfg"
queue 034 "{\"rpcs\":[\"$(download dl-big open-big.cfg '' '')\"]}"
cr_ok || fail "connection request"
transfer_complete 7
[ "$(tc_fault)" = 9010 ] || fail "oversized file: fault $(tc_fault)"
[ "$("$CLI" -s "$ST" get web_logout_timer)" = 7 ] || fail "oversized file changed a value"
ok "file server faults: 9012 wrong credentials, 9016 missing file, 9015 unreachable, 9010 over 64 KB"
# Basic over plain http: the password would cross the wire in clear; nothing is sent, 9012
printf 'web_logout_timer = 8\n' > "$T/files/basic-good.cfg"
queue 033 "{\"rpcs\":[\"$(download dl-basic basic-good.cfg)\"]}"
cr_ok || fail "connection request"
transfer_complete 8
[ "$(tc_fault)" = 9012 ] || fail "Basic download over http: fault $(tc_fault)"
q body TransferComplete | grep -q 'Basic authentication over plain http' || fail "9012 without its reason"
[ "$("$CLI" -s "$ST" get web_logout_timer)" = 7 ] || fail "a refused Basic download changed a value"
q files | grep -q '^GET basic-good.cfg 401 -$' || fail "no unauthenticated 401: $(q files)"
q files | grep 'basic-good.cfg' | grep -qv ' 401 -$' && fail "credentials reached the Basic server: $(q files)"
python3 - "$T/log/log.jsonl" <<'EOF2' || fail "an Authorization header reached the Basic file server"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert not [r for r in recs if r.get("event") == "authorization" and "basic-" in r["url"]]
EOF2
ok "a file server over plain http offering Basic only: 9012, the password never sent"

# ------------------------------------------------------------------ 4. upload
queue 040 "{\"rpcs\":[\"$(upload ul-1 up.cfg)\"]}"
cr_ok || fail "connection request"
transfer_complete 9
[ "$(tc_fault)" = 0 ] || fail "upload: fault $(tc_fault)"
[ "$(tc_key)" = ul-1 ] || fail "upload: CommandKey $(tc_key)"
q inform-xml -1 | grep -q '<EventCode>M Upload</EventCode><CommandKey>ul-1</CommandKey>' || fail "no M Upload"
[ -s "$T/files/up.cfg.uploaded" ] || fail "nothing uploaded"
"$CLI" -s "$ST" --json list > "$T/list.json" || fail "CLI list"
python3 - "$T/files/up.cfg.uploaded" "$T/list.json" <<'EOF' || fail "uploaded file differs from the store"
import json, sys
up, locks = {}, {}
for line in open(sys.argv[1]):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    if line.startswith("@"):
        word, *keys = line.split()
        locks.update({k: word != "@unlock" for k in keys})  # @lock, @phone: locked
        continue
    k, v = line.split("=", 1)
    up[k.strip()] = v.strip()
rows = json.load(open(sys.argv[2]))
assert locks == {r["key"]: r["locked"] for r in rows}, "locks differ"
want = {r["key"]: r["value"] for r in rows if r["type"] != "secret"}
secrets = {r["key"] for r in rows if r["type"] == "secret"}
assert not secrets & set(up), "secret keys uploaded: %s" % (secrets & set(up))
assert up == want, "differs: %s" % {k: (up.get(k), want.get(k)) for k in set(up) | set(want) if up.get(k) != want.get(k)}
print("uploaded %d settings, no secret" % len(up))
EOF
for secret in 'acs pass' cr-secret-1 'file pass'; do
	grep -q "$secret" "$T/files/up.cfg.uploaded" && fail "a secret value was uploaded"
done
q files | grep -q '^PUT up.cfg 201 Digest' || fail "upload not a Digest PUT: $(q files)"
ok "upload: the store's settings without any secret, by an authenticated PUT"

tc0=$(q count TransferComplete) e0=$(q ended)
queue 041 "{\"rpcs\":[\"$(upload ul-log log.txt '4 Vendor Log File')\",\"$(upload ul-bad x.txt '5 Vendor Something')\"]}"
cr_ok || fail "connection request"
transfer_complete $((tc0 + 1))
[ "$(tc_fault)" = 0 ] || fail "log upload: fault $(tc_fault): $(q body TransferComplete)"
[ "$(tc_key)" = ul-log ] || fail "log upload: CommandKey $(tc_key)"
head -n 1 "$T/files/log.txt.uploaded" | grep -q '^# phonesec change log' || fail "log upload: no header"
grep -q ' set+save tr069 http://127.0.0.1:[0-9]*/acs use_hidden_tags,web_logout_timer,keyboard_lock_timeout$' \
	"$T/files/log.txt.uploaded" || fail "log upload: the Download's change is missing: $(cat "$T/files/log.txt.uploaded")"
grep -q ' cli ' "$T/files/log.txt.uploaded" || fail "log upload: no CLI change"
for secret in 'acs pass' cr-secret-1 'file pass'; do
	grep -q "$secret" "$T/files/log.txt.uploaded" && fail "a secret value was uploaded in the log"
done
grep -q "FileType '5 Vendor Something' not supported" "$T/log/"*-Fault.xml || fail "unknown FileType not refused"
wait_until 10 ended_ge $((e0 + 2)) || fail "the session with the log's TransferComplete did not end"
ok "upload of the change log (4 Vendor Log File): every change with its source, no value; unknown types refused"

# ------------------------------------------------------------------ 5. TransferComplete after a restart
printf 'web_logout_timer = 11\n' > "$T/files/r.cfg"
n0=$(q ended); tc0=$(q count TransferComplete)
queue 050 "{\"rpcs\":[\"$(download dl-restart r.cfg)\"]}"
queue 051 '{"hold_requests":true}'
cr_ok || fail "connection request"
wait_until 15 ended_ge $((n0 + 2)) || fail "no held session after the download"
[ "$(q count TransferComplete)" = "$tc0" ] || fail "TransferComplete sent despite HoldRequests"
[ "$("$CLI" -s "$ST" get web_logout_timer)" = 11 ] || fail "restart download not applied"
stop_daemon
start_daemon
transfer_complete $((tc0 + 1))
[ "$(tc_key)" = dl-restart ] || fail "after the restart: CommandKey $(tc_key)"
[ "$(tc_fault)" = 0 ] || fail "after the restart: fault $(tc_fault)"
q inform-xml -1 | grep -q '<EventCode>M Download</EventCode><CommandKey>dl-restart</CommandKey>' ||
	fail "M Download lost across the restart"
q inform-xml -1 | grep -q '1 BOOT' && fail "a daemon restart claimed 1 BOOT"
ok "TransferComplete and M Download kept across a daemon restart, delivered after it"

# ------------------------------------------------------------------ 6. DelaySeconds, one at a time, firmware
printf 'web_logout_timer = 12\n' > "$T/files/open-delay.cfg"
n0=$(q ended); tc0=$(q count TransferComplete)
queue 060 "{\"rpcs\":[\"$(download dl-delay open-delay.cfg '' '' 2)\",\"$(download dl-second good.cfg)\",\"$(download dl-fw fw.bin '' '' 0 '1 Firmware Upgrade Image')\"]}"
cr_ok || fail "connection request"
transfer_complete $((tc0 + 1))
rpcs=$(q session-rpcs "$((n0 + 1))")
[ "$rpcs" = "Inform - DownloadResponse Fault Fault" ] || fail "session with three Downloads: $rpcs"
q body Fault | grep -q '<FaultCode>9010</FaultCode>' || fail "firmware without a hook: not 9010"
python3 - "$(q end-time $((n0 + 1)))" "$(q file-times open-delay.cfg)" <<'EOF' || fail "DelaySeconds not honoured"
import sys
end, got = int(sys.argv[1]), int(sys.argv[2].split()[0])
print("transfer %.2f s after the session" % ((got - end) / 1000))
assert got - end >= 1900
EOF
[ "$(tc_key)" = dl-delay ] || fail "delayed download: CommandKey $(tc_key)"
[ "$("$CLI" -s "$ST" get web_logout_timer)" = 12 ] || fail "delayed download not applied"
grep -q 'a transfer is already queued' "$T/log/"*-Fault.xml || fail "second Download not refused with 9004"
no_violations
ok "DelaySeconds honoured; a second Download gets 9004; firmware without a hook 9010"

# ------------------------------------------------------------------ 7. a delayed transfer cut by a restart
n0=$(q ended); tc0=$(q count TransferComplete)
queue 070 "{\"rpcs\":[\"$(download dl-cut open-delay.cfg '' '' 60)\"]}"
cr_ok || fail "connection request"
wait_until 10 ended_ge $((n0 + 1)) || fail "no session for the delayed download"
sleep 0.3
stop_daemon
start_daemon
transfer_complete $((tc0 + 1))
[ "$(tc_key)" = dl-cut ] || fail "interrupted download: CommandKey $(tc_key)"
[ "$(tc_fault)" = 9010 ] || fail "interrupted download: fault $(tc_fault)"
q files | grep -c 'open-delay.cfg' | grep -q '^1$' || fail "the interrupted download was carried out"
ok "a delayed download interrupted by a restart: reported 9010, never carried out with stored credentials"

# ------------------------------------------------------------------ 8. redirects of the file server
# same server: followed with the credentials (Digest again); another server (another port): followed
# without them; more than 5: 9010. The ACS's own records say what each server saw.
wait_until 5 test -s "$T/files2-port" || fail "no second file server"
printf 'web_logout_timer = 21\n' > "$T/files/moved.cfg"
printf 'web_logout_timer = 22\n' > "$T/files/open-cdn.cfg"
printf 'web_logout_timer = 23\n' > "$T/files/private.cfg"
tc0=$(q count TransferComplete)
# redirected Q RPC FAULT TIMER WHAT: scenario Q with RPC, the next TransferComplete has FAULT and
# web_logout_timer is then TIMER
redirected() {
	queue "$1" "{\"rpcs\":[\"$2\"]}"
	cr_ok || fail "connection request"
	tc0=$((tc0 + 1))
	transfer_complete "$tc0"
	[ "$(tc_fault)" = "$3" ] || fail "$5: fault $(tc_fault): $(q body TransferComplete)"
	[ "$("$CLI" -s "$ST" get web_logout_timer)" = "$4" ] || fail "$5: web_logout_timer"
}
redirected 080 "$(download dl-to to-moved.cfg)" 0 21 "same-server redirect"
q files | grep -q '^GET to-moved.cfg 302 Digest' || fail "no authenticated 302: $(q files)"
q files | grep -q '^GET moved.cfg 200 Digest' || fail "redirected GET not authenticated: $(q files)"
grep -q "the file server redirected (HTTP 302) to $FURL/moved.cfg" "$T/cwmpd.log" || fail "redirect not logged"
ok "download redirected on the same server (302): followed with the credentials"

redirected 081 "$(download dl-xo xo-open-cdn.cfg)" 0 22 "redirect to another server"
q files | grep -q '^GET open-cdn.cfg 200 - second$' || fail "the second server saw: $(q files | grep second)"
redirected 082 "$(download dl-xo-auth xo-private.cfg)" 9012 22 "credentials asked by another server"
q body TransferComplete | grep -q 'not sent to another server' || fail "9012 without its reason"
q files | grep 'private.cfg' | grep second | grep -qv ' - second$' &&
	fail "credentials reached the second server: $(q files | grep second)"
ok "redirect to another server: followed without the credentials (9012 when that server asks)"

redirected 083 "$(download dl-loop loop-x.cfg)" 9010 22 "redirect loop"
q body TransferComplete | grep -q 'more than 5 redirects' || fail "loop: $(q body TransferComplete)"
[ "$(q files | grep -c '^GET loop-x.cfg 302')" = 6 ] || fail "loop: $(q files | grep -c '^GET loop-x.cfg 302') redirects answered"
ok "a redirect loop ends after 5 redirects: 9010"

redirected 084 "$(upload ul-to to-up2.cfg)" 0 22 "upload redirect"
[ -s "$T/files/up2.cfg.uploaded" ] || fail "upload redirect: nothing uploaded"
q files | grep -q '^PUT to-up2.cfg 307 Digest' || fail "no 307 for the PUT: $(q files)"
ok "upload redirected (307): the PUT repeated at the new URL"
# ------------------------------------------------------------------ 9. hostile challenges of a file server
# The rule of the ACS session (a Digest challenge read whole, Basic over https only) holds for
# transfers too, with every challenge of every WWW-Authenticate field read, not the first alone.
fchallenge() { printf '%s\n' "$@" >"$T/fchal.tmp" && mv "$T/fchal.tmp" "$T/fchal"; }
printf 'web_logout_timer = 31\n' > "$T/files/chal-a.cfg"
tc0=$(q count TransferComplete)
i=0
for c in 'Digest realm="phonesec-files", qop="auth", algorithm="MD5"' \
	'Basic realm="a, Digest b"' \
	'Basic realm="x", Digest realm=y' \
	'Digest realm="phonesec-files", nonce="abc", algorithm="MD5"' \
	'Digest realm="phonesec-files", nonce="abc", qop="auth", algorithm="SHA-512-256"' \
	'Basic realm="x"|Digest realm="y", qop="auth"'; do
	i=$((i + 1))
	(IFS='|'; fchallenge $c)
	queue "09$i" "{\"rpcs\":[\"$(download "dl-chal-$i" chal-a.cfg)\"]}"
	cr_ok || fail "connection request"
	tc0=$((tc0 + 1))
	transfer_complete "$tc0"
	[ "$(tc_fault)" = 9012 ] || fail "challenge $c: fault $(tc_fault)"
	[ "$("$CLI" -s "$ST" get web_logout_timer)" = 22 ] || fail "challenge $c: a value changed"
done
python3 - "$T/log/log.jsonl" <<'EOF2' || fail "credentials were sent to a hostile file server challenge"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert not [r for r in recs if r.get("event") == "authorization" and "chal-" in r["url"]]
print("%d refused 401s" % len([r for r in recs if r.get("event") == "file" and r["name"] == "chal-a.cfg"]))
EOF2
ok "hostile or incomplete file server challenges over http: 9012, no credentials on the wire"

fchallenge 'Basic realm="a, Digest b", @DIGEST@' 'Basic realm="phonesec-files"'
queue 099 "{\"rpcs\":[\"$(download dl-chal-ok chal-a.cfg)\"]}"
cr_ok || fail "connection request"
tc0=$((tc0 + 1))
transfer_complete "$tc0"
[ "$(tc_fault)" = 0 ] || fail "Digest among Basic challenges: fault $(tc_fault): $(q body TransferComplete)"
[ "$("$CLI" -s "$ST" get web_logout_timer)" = 31 ] || fail "Digest among Basic challenges: not applied"
q files | grep -q '^GET chal-a.cfg 200 Digest' || fail "not answered with Digest: $(q files)"
ok "a whole Digest challenge among Basic ones of a file server: answered with Digest"
no_violations
exit 0
