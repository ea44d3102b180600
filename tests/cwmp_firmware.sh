#!/bin/sh
# Firmware Download through phonesec-cwmpd with a firmware hook (a script written here): the image
# streamed to a private temporary file handed to the hook with a minimal environment, TransferComplete
# 0 when the hook exits 0 and 9010 when it exits 3 or the file exceeds FileSize; the file is gone after.
set -u
T_NAME=firmware
. "${top_srcdir:-.}/tests/cwmp_lib.sh"

start_file_acs
init_phone
# the daemon's temporary image folders go under $T, where no other test's can be
mkdir -p "$T/tmp" && TMPDIR="$T/tmp" && export TMPDIR

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
make_conf firmware_hook="$T/hook.sh"
# a 3 MB image: many receive buffers, larger than the configuration file bound
head -c 3000000 /dev/urandom > "$T/files/fw.bin"
WANT=$(sha256sum < "$T/files/fw.bin" | cut -d' ' -f1)

# too_big N WHAT: TransferComplete #N says 9010 "file too large" and the hook did not run on WHAT
too_big() {
	transfer_complete "$1"
	[ "$(tc_fault)" = 9010 ] || fail "$2: fault $(tc_fault)"
	q body TransferComplete | grep -q 'file too large' || fail "$2: $(q body TransferComplete)"
	! [ -e "$T/hook.path" ] || fail "the hook ran on $2"
}
# dead PID: the process is gone (or a zombie nobody reaped yet)
dead() { ! kill -0 "$1" 2>/dev/null || grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }

# firmware KEY FILE SIZE: a Download of the firmware type as the scenario's Body child
firmware() {
	printf '<cwmp:Download><CommandKey>%s</CommandKey><FileType>1 Firmware Upgrade Image</FileType><URL>%s/%s</URL><Username>fileuser</Username><Password>file pass</Password><FileSize>%s</FileSize><TargetFileName></TargetFileName><DelaySeconds>0</DelaySeconds><SuccessURL></SuccessURL><FailureURL></FailureURL></cwmp:Download>' \
		"$1" "$FURL" "$2" "$3"
}
transfer_complete() {
	wait_until 15 count_ge TransferComplete "$1" || fail "no TransferComplete #$1 ($(q count TransferComplete) seen)"
}
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
cr_ok || fail "connection request refused"
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
cr_ok || fail "connection request refused"
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
cr_ok || fail "connection request refused"
too_big 3 "an image over FileSize"
[ -z "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'phonesec-fw-*' -user "$(id -u)" -newer "$T/hook.sh" 2>/dev/null)" ] ||
	fail "temporary folder left behind"
ok "image over FileSize: 9010 file too large, hook not run"

# ------------------------------------------------------------------ 3b. chunked, without a length
cp "$T/files/fw.bin" "$T/files/chunked-fw.bin"
rm -f "$T/hook.path" "$T/hook.sum"
queue 031 "{\"rpcs\":[\"$(firmware fw-chunked chunked-fw.bin 0)\"]}"
cr_ok || fail "connection request refused"
transfer_complete 4
[ "$(tc_fault)" = 0 ] || fail "chunked image: fault $(tc_fault): $(q body TransferComplete)"
[ "$(cat "$T/hook.sum")" = "$WANT" ] || fail "the hook saw another image from the chunked body"
gone
rm -f "$T/hook.path"
queue 032 "{\"rpcs\":[\"$(firmware fw-chunked-big chunked-fw.bin 1000)\"]}"
cr_ok || fail "connection request refused"
too_big 5 "a chunked image over FileSize"
ok "chunked image without a length: streamed and checked against FileSize as it comes"

# ------------------------------------------------------------------ 4. hook that hangs
# It starts a helper in its process group, then waits: both are killed after the timeout.
cat > "$T/hang.sh" <<HOOK
#!/bin/sh
printf '%s\n' "\$1" > "$T/hook.path"
sleep 300 &
echo \$! > "$T/bg.pid"
echo \$\$ > "$T/hang.pid"
wait
HOOK
chmod 755 "$T/hang.sh"
stop_daemon
make_conf firmware_hook="$T/hang.sh" firmware_hook_timeout=2
rm -f "$T/hook.path"
start_daemon "$T/phonesec.conf"
queue 040 "{\"rpcs\":[\"$(firmware fw-hang fw.bin 0)\"]}"
cr_ok || fail "connection request refused"
transfer_complete 6
[ "$(tc_fault)" = 9010 ] || fail "hanging hook: fault $(tc_fault)"
[ "$(tc_key)" = fw-hang ] || fail "hanging hook: CommandKey $(tc_key)"
q body TransferComplete | grep -q 'firmware hook did not finish within 2 s (killed)' ||
	fail "hanging hook: $(q body TransferComplete)"
wait_until 5 dead "$(cat "$T/hang.pid")" || fail "the hook is still running"
wait_until 5 dead "$(cat "$T/bg.pid")" || fail "what the hook started is still running"
gone
ok "firmware hook still running after firmware_hook_timeout: its process group killed, 9010, file removed"

# ------------------------------------------------------------------ 5. the install reboots the phone
# The hook "reboots" (kills the daemon as a power cut would) in the middle of the install; the
# daemon then starts in a new boot with the sw_version the new firmware ships, or the old one.
cat > "$T/power.sh" <<HOOK
#!/bin/sh
printf '%s\n' "\$1" > "$T/hook.path"
kill -KILL "\$(cat "$T/daemon.pid")"
exit 0
HOOK
chmod 755 "$T/power.sh"
# reboot_into KEY VERSION BOOT: a Download whose hook reboots into sw_version VERSION
reboot_into() {
	stop_daemon
	make_conf firmware_hook="$T/power.sh" sw_version=1.0
	start_daemon "$T/phonesec.conf"
	echo "$D_PID" > "$T/daemon.pid"
	rm -f "$T/hook.path"
	queue "05$1" "{\"rpcs\":[\"$(firmware "$1" fw.bin 0)\"]}"
	cr_ok || fail "connection request refused"
	wait_until 15 test -s "$T/hook.path" || fail "the firmware hook did not run"
	wait "$D_PID" 2>/dev/null; D_PID=
	p=$(cat "$T/hook.path")
	[ -e "$p" ] || fail "the image was not left by the killed daemon (test premise)"
	make_conf firmware_hook="$T/power.sh" sw_version="$2"
	PHONESEC_BOOT_ID=$3; export PHONESEC_BOOT_ID
	tcs=$(q count TransferComplete)
	start_daemon "$T/phonesec.conf"
	transfer_complete $((tcs + 1))
	! [ -e "$(dirname "$p")" ] || fail "the image folder left by the killed daemon was not removed at start"
	[ "$(tc_key)" = "$1" ] || fail "after the reboot: CommandKey $(tc_key)"
	q inform-xml -1 | grep -q '<EventCode>1 BOOT</EventCode>' || fail "no 1 BOOT after the reboot"
	q inform-xml -1 | grep -q '<EventCode>7 TRANSFER COMPLETE</EventCode>' || fail "no 7 TRANSFER COMPLETE"
	q inform-xml -1 | grep -q "<EventCode>M Download</EventCode><CommandKey>$1</CommandKey>" ||
		fail "no M Download $1 after the reboot"
	q inform-xml -1 | grep -q "<Name>Device.DeviceInfo.SoftwareVersion</Name><Value[^>]*>$2<" ||
		fail "the Inform does not carry SoftwareVersion $2"
}
reboot_into fw-new 2.0 fw-boot-1
[ "$(tc_fault)" = 0 ] || fail "new firmware running after the reboot: fault $(tc_fault): $(q body TransferComplete)"
ok "firmware hook reboots the phone into a new sw_version: 1 BOOT, 7 TRANSFER COMPLETE 0, M Download"

reboot_into fw-same 1.0 fw-boot-2
[ "$(tc_fault)" = 9010 ] || fail "old firmware after the reboot: fault $(tc_fault)"
q body TransferComplete | grep -q 'restarted during the firmware install and still runs 1.0' ||
	fail "old firmware after the reboot: $(q body TransferComplete)"
no_violations
ok "firmware hook reboots the phone into the same sw_version: TransferComplete 9010"

# ------------------------------------------------------------------ 6. only the daemon restarts
stop_daemon
make_conf firmware_hook="$T/power.sh" sw_version=1.0
start_daemon "$T/phonesec.conf"
echo "$D_PID" > "$T/daemon.pid"
rm -f "$T/hook.path"
queue 060 "{\"rpcs\":[\"$(firmware fw-restart fw.bin 0)\"]}"
cr_ok || fail "connection request refused"
wait_until 15 test -s "$T/hook.path" || fail "the firmware hook did not run"
wait "$D_PID" 2>/dev/null; D_PID=
tcs=$(q count TransferComplete)
start_daemon "$T/phonesec.conf" # same boot id
transfer_complete $((tcs + 1))
[ "$(tc_key)" = fw-restart ] || fail "after the restart: CommandKey $(tc_key)"
[ "$(tc_fault)" = 9010 ] || fail "install cut by a restart of the daemon alone: fault $(tc_fault)"
q body TransferComplete | grep -q 'interrupted by a restart of phonesec-cwmpd' ||
	fail "install cut by a restart of the daemon alone: $(q body TransferComplete)"
q inform-xml -1 | grep -q '<EventCode>1 BOOT</EventCode>' && fail "1 BOOT without a reboot"
ok "firmware install cut by a restart of the daemon alone (same boot): TransferComplete 9010"

# ------------------------------------------------------------------ 7. stopped while the hook runs
# The phone shuts its daemons down (SIGTERM) while the install goes on: the daemon stops at once
# and leaves the hook and its image alone; the start after the reboot reports the install. The
# hook goes on only once the test lets it (hook.go), or after 60 s.
cat > "$T/slow.sh" <<HOOK
#!/bin/sh
printf '%s\n' "\$1" > "$T/hook.path"
n=0
while ! [ -e "$T/hook.go" ] && [ \$n -lt 600 ]; do sleep 0.1; n=\$((n + 1)); done
sha256sum < "\$1" | cut -d' ' -f1 > "$T/hook.sum"
touch "$T/hook.done"
HOOK
chmod 755 "$T/slow.sh"
stop_daemon
make_conf firmware_hook="$T/slow.sh" sw_version=1.0
start_daemon "$T/phonesec.conf"
rm -f "$T/hook.path" "$T/hook.sum" "$T/hook.done" "$T/hook.go"
queue 070 "{\"rpcs\":[\"$(firmware fw-stop fw.bin 0)\"]}"
cr_ok || fail "connection request refused"
wait_until 15 test -s "$T/hook.path" || fail "the firmware hook did not run"
t0=$(date +%s%N)
stop_daemon
t1=$(date +%s%N)
[ $(((t1 - t0) / 1000000)) -lt 30000 ] || fail "stopping took $(((t1 - t0) / 1000000)) ms while the hook ran"
[ -e "$T/hook.done" ] && fail "the daemon waited for the hook"
touch "$T/hook.go"
wait_until 10 test -e "$T/hook.done" || fail "the hook did not go on after the daemon stopped"
[ "$(cat "$T/hook.sum")" = "$WANT" ] || fail "the image was removed or changed under the hook"
make_conf firmware_hook="$T/slow.sh" sw_version=3.0
PHONESEC_BOOT_ID=fw-boot-3; export PHONESEC_BOOT_ID
tcs=$(q count TransferComplete)
start_daemon "$T/phonesec.conf"
transfer_complete $((tcs + 1))
[ "$(tc_key)" = fw-stop ] || fail "after the reboot: CommandKey $(tc_key)"
[ "$(tc_fault)" = 0 ] || fail "install finished after the daemon stopped: fault $(tc_fault): $(q body TransferComplete)"
p=$(cat "$T/hook.path")
! [ -e "$(dirname "$p")" ] || fail "the image folder was not removed at the next start"
ok "daemon stopped during the firmware install: stops at once, hook and image left alone, reported after the reboot"

# ------------------------------------------------------------------ 8. the image behind a redirect
rm -f "$T/hook.path" "$T/hook.sum" "$T/hook.done"
tcs=$(q count TransferComplete)
queue 080 "{\"rpcs\":[\"$(firmware fw-moved to-fw.bin 3000000)\"]}"
cr_ok || fail "connection request refused"
transfer_complete $((tcs + 1))
[ "$(tc_key)" = fw-moved ] || fail "redirected firmware: CommandKey $(tc_key)"
[ "$(tc_fault)" = 0 ] || fail "redirected firmware: fault $(tc_fault): $(q body TransferComplete)"
[ "$(cat "$T/hook.sum")" = "$WANT" ] || fail "redirected firmware: the hook saw another image"
q files | grep -q '^GET to-fw.bin 302 Digest' || fail "no 302: $(q files)"
q files | grep -q '^GET fw.bin 200 Digest' || fail "image not fetched at the new URL: $(q files)"
ok "firmware behind a redirect: streamed from the new URL, the same image to the hook"
exit 0
