#!/bin/sh
# Backup and restore on the web UI's Security page (store_config_export/import): the file holds
# no secret; a restore is one transaction of the running layer or nothing (a bad line changes
# nothing and is named); admin rights and the form token are required. Skipped (77) while the
# store offers no configuration files.
set -u
T_NAME=backup
. "${top_srcdir:-.}/tests/wui_lib.sh"

init_wui
start_wui
wait_until 10 port_open "$HP" || fail "http port not open"
first_run
H="http://127.0.0.1:$HP"
c=$(w "$H/status"); [ "$c" = 200 ] || fail "status page: $c"
grep -q 'href="/backup"' "$T/body" || { echo "SKIP: this store has no configuration export"; exit 77; }
TOK=$(token)
c=$(w "$H/backup"); [ "$c" = 200 ] || fail "backup: $c"
cp "$T/body" "$T/backup.conf"
grep -q '^webserver_type = http_https' "$T/backup.conf" || fail "no webserver_type in the backup"
grep -Eq '^(http_pass|admin_mode_password|keyboard_lock_pw|tr69_acs_passwd|tr69_cr_pass) *=|wui-secret-1|Adm1n' \
	"$T/backup.conf" && fail "a secret in the backup"
ok "backup: the settings without secrets"
"$CLI" -s "$ST" set keyboard_lock_timeout=300 web_logout_timer=30 >/dev/null
c=$(w --data-urlencode "token=$TOK" --data-urlencode "config=keyboard_lock_timeout = 99999" "$H/restore")
[ "$c" = 400 ] || fail "a bad file answered $c"
grep -q 'keyboard_lock_timeout' "$T/body" || fail "the bad line is not named"
[ "$("$CLI" -s "$ST" get keyboard_lock_timeout)" = 300 ] || fail "a refused restore changed something"
c=$(w --data-urlencode "config@$T/backup.conf" "$H/restore")
[ "$c" = 403 ] || fail "a restore without token answered $c"
c=$(w --data-urlencode "token=$TOK" --data-urlencode "config@$T/backup.conf" "$H/restore")
[ "$c" = 200 ] || fail "restore: $c"
[ "$("$CLI" -s "$ST" get keyboard_lock_timeout)" = 60 ] && [ "$("$CLI" -s "$ST" get web_logout_timer)" = 5 ] ||
	fail "the restore did not bring the values back"
"$CLI" -s "$ST" audit -n 1 | grep -q 'wui .*desk' || fail "restore not audited as wui/desk"
c=$(w "$H/restore"); [ "$c" = 405 ] || fail "GET /restore: $c"
"$CLI" -s "$ST" set admin_mode=off >/dev/null
c=$(w "$H/backup"); [ "$c" = 403 ] || fail "backup in user mode: $c"
ok "restore: one transaction or nothing, token and admin rights required"
stop_wui
exit 0
