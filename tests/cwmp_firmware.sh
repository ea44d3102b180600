#!/bin/sh
# Firmware Download through phonesec-cwmpd with a firmware hook (a script written here): the image
# streamed to a private temporary file handed to the hook with a minimal environment, TransferComplete
# 0 when the hook exits 0 and 9010 when it exits 3 or the file exceeds FileSize; the file is gone after.
set -u
T_NAME=firmware
. "${top_srcdir:-.}/tests/cwmp_lib.sh"

mkdir -p "$T/files"
"$CLI" -s "$ST" init >/dev/null || fail "phonesec init"
start_acs --files "$T/files" --file-user fileuser --file-pass 'file pass'
CR_PORT=$(free_port)
"$CLI" -s "$ST" set tr69_acs_url="http://127.0.0.1:$ACS_PORT/acs" tr69_acs_user=cpe-1 \
	tr69_acs_passwd='acs pass' tr69_cr_user=acs tr69_cr_pass=cr-secret-1 \
	tr69_retry_min_wait=1 tr69_retry_multiplier=1500 tr69_periodic_enable=off >/dev/null ||
	fail "setting the ACS up"
FURL="http://127.0.0.1:$ACS_PORT/files"

# The hook (run with PATH only): records its argument, the image's checksum, the folder's mode and
# its environment, then exits with the code in hook.exit.
cat > "$T/hook.sh" <<HOOK
#!/bin/sh
printf '%s\n' "\$1" > "$T/hook.path"
sha256sum < "\$1" | cut -d' ' -f1 > "$T/hook.sum"
stat -c %a "\$(dirname "\$1")" > "$T/hook.mode"
env > "$T/hook.env"
exit "\$(cat "$T/hook.exit")"
HOOK
chmod 755 "$T/hook.sh"
echo 0 > "$T/hook.exit"
sed "s|^firmware_hook *=.*|firmware_hook = $T/hook.sh|" "$top_srcdir/conf/phonesec.conf" > "$T/phonesec.conf"
grep -q "^firmware_hook = $T/hook.sh\$" "$T/phonesec.conf" || fail "no firmware_hook line in the conf"
# a 3 MB image: many receive buffers, larger than the configuration file bound
head -c 3000000 /dev/urandom > "$T/files/fw.bin"
WANT=$(sha256sum < "$T/files/fw.bin" | cut -d' ' -f1)

# firmware KEY FILE SIZE: a Download of the firmware type as the scenario's Body child
firmware() {
	printf '<cwmp:Download><CommandKey>%s</CommandKey><FileType>1 Firmware Upgrade Image</FileType><URL>%s/%s</URL><Username>fileuser</Username><Password>file pass</Password><FileSize>%s</FileSize><TargetFileName></TargetFileName><DelaySeconds>0</DelaySeconds><SuccessURL></SuccessURL><FailureURL></FailureURL></cwmp:Download>' \
		"$1" "$FURL" "$2" "$3"
}
transfer_complete() {
	wait_until 15 count_ge TransferComplete "$1" || fail "no TransferComplete #$1 ($(q count TransferComplete) seen)"
}
tc_fault() { q body TransferComplete | sed -n 's/.*<FaultCode>\([0-9]*\)<\/FaultCode>.*/\1/p'; }
tc_key() { q body TransferComplete | sed -n 's/.*<CommandKey>\([^<]*\)<\/CommandKey>.*/\1/p'; }
# gone: the image handed to the hook and its folder no longer exist
gone() {
	p=$(cat "$T/hook.path") || fail "the hook did not run"
	[ -n "$p" ] && ! [ -e "$p" ] && ! [ -e "$(dirname "$p")" ] || fail "temporary image left: $p"
}

# a variable of the daemon's environment that the hook must not see
FW_TEST_MARK=leak; export FW_TEST_MARK
start_daemon "$T/phonesec.conf"
wait_until 10 ended_ge 1 || fail "no first session"

# ------------------------------------------------------------------ 1. hook exits 0
queue 010 "{\"rpcs\":[\"$(firmware fw-ok fw.bin 0)\"]}"
[ "$(cr)" = 200 ] || fail "connection request refused"
transfer_complete 1
[ "$(tc_fault)" = 0 ] || fail "firmware: TransferComplete fault $(tc_fault): $(q body TransferComplete)"
[ "$(tc_key)" = fw-ok ] || fail "firmware: CommandKey $(tc_key)"
[ "$(cat "$T/hook.sum")" = "$WANT" ] || fail "the hook saw another image ($(cat "$T/hook.sum"))"
[ "$(cat "$T/hook.mode")" = 700 ] || fail "temporary folder mode $(cat "$T/hook.mode")"
grep -q '^PATH=/usr/sbin:/usr/bin:/sbin:/bin$' "$T/hook.env" || fail "hook PATH: $(cat "$T/hook.env")"
grep -q FW_TEST_MARK "$T/hook.env" && fail "the hook inherited the daemon's environment"
gone
q files | grep -q '^GET fw.bin 200 Digest' || fail "image not fetched with Digest: $(q files)"
grep -q 'file pass' "$T/cwmpd.log" && fail "the file server password was logged"
no_violations
ok "firmware: image streamed to a private file, hook run with PATH only, TransferComplete 0, file removed"

# ------------------------------------------------------------------ 2. hook exits 3
echo 3 > "$T/hook.exit"
rm -f "$T/hook.path"
queue 020 "{\"rpcs\":[\"$(firmware fw-fail fw.bin 3000000)\"]}"
cr >/dev/null
transfer_complete 2
[ "$(tc_fault)" = 9010 ] || fail "failing hook: fault $(tc_fault)"
[ "$(tc_key)" = fw-fail ] || fail "failing hook: CommandKey $(tc_key)"
q body TransferComplete | grep -q 'firmware hook failed (exit 3)' || fail "failing hook: $(q body TransferComplete)"
gone
ok "firmware hook exiting 3: TransferComplete 9010, file removed"

# ------------------------------------------------------------------ 3. larger than FileSize
echo 0 > "$T/hook.exit"
rm -f "$T/hook.path"
queue 030 "{\"rpcs\":[\"$(firmware fw-big fw.bin 1000)\"]}"
cr >/dev/null
transfer_complete 3
[ "$(tc_fault)" = 9010 ] || fail "image over FileSize: fault $(tc_fault)"
q body TransferComplete | grep -q 'file too large' || fail "image over FileSize: $(q body TransferComplete)"
[ -e "$T/hook.path" ] && fail "the hook ran on an image over FileSize"
[ -z "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'phonesec-fw.*' -user "$(id -u)" -newer "$T/hook.sh" 2>/dev/null)" ] ||
	fail "temporary folder left behind"
ok "image over FileSize: 9010 file too large, hook not run"
exit 0
