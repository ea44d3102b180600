#!/bin/sh
# `phonesec export` and `phonesec import` end to end: the round trip into another store gives the
# same file, no secret leaves the phone, a bad file changes nothing and names its line, the desk
# user is refused, a file above 64 KiB is refused, --save, stdin, and an export that cannot be
# written leaves no half file.
set -u
CLI="${top_builddir:-.}/tools/phonesec"
T=$(mktemp -d "${TMPDIR:-/tmp}/cli-config.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
trap 'exit 99' INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
A="$T/a.db"
B="$T/b.db"
ps() { "$CLI" "$@"; }
# the audit log's last entry: unchanged means nothing was committed
head_of() { ps -s "$1" audit -n 1; }

ps -s "$A" init >/dev/null 2>&1 || fail "init a"
ps -s "$B" init >/dev/null 2>&1 || fail "init b"
ps -s "$A" set http_port=8080 use_hidden_tags=on tr69_acs_url=https://acs.example.net/cwmp \
	admin_mode_password=Recognisable-Admin-1 http_user=desk http_pass=Recognisable-Web-2 \
	|| fail "set"
ps -s "$A" lock web_logout_timer || fail "lock"

# ------------------------------------------------------------------ export
ps -s "$A" export "$T/a.cfg" || fail "export to a file"
[ "$(stat -c %a "$T/a.cfg")" = 600 ] || fail "export file mode $(stat -c %a "$T/a.cfg")"
ps -s "$A" export > "$T/a.out" || fail "export to stdout"
cmp -s "$T/a.cfg" "$T/a.out" || fail "stdout and file exports differ"
grep -q '^http_port = 8080$' "$T/a.cfg" || fail "no http_port line"
grep -q '^@lock .*web_logout_timer' "$T/a.cfg" || fail "no @lock line for web_logout_timer"
grep -q '^@unlock ' "$T/a.cfg" || fail "no @unlock line"
grep -q Recognisable "$T/a.cfg" && fail "a secret value was exported"
grep -Eq '^(admin_mode_password|http_pass|tr69_acs_passwd|keyboard_lock_pw) *=' "$T/a.cfg" &&
	fail "a secret setting was exported"
ok "export: values and locks, no secret, mode 0600"

# ------------------------------------------------------------------ round trip
ps -s "$B" import "$T/a.cfg" || fail "import into b"
ps -s "$B" export > "$T/b.cfg" || fail "export b"
cmp -s "$T/a.cfg" "$T/b.cfg" || { diff "$T/a.cfg" "$T/b.cfg" >&2; fail "round trip changed the file"; }
ps -s "$B" audit -n 3 | grep -q ' cli ' || fail "import not audited as cli"
h=$(head_of "$A")
ps -s "$A" import "$T/a.cfg" || fail "import into a"
[ "$(head_of "$A")" = "$h" ] || fail "importing the phone's own export changed something"
ps -s "$A" export | cmp -s - "$T/a.cfg" || fail "own export re-imported differs"
ok "export -> import round trip unchanged"

# ------------------------------------------------------------------ bad files
printf '# a restore\nweb_logout_timer = 7\nhttp_port = 70000\nhttps_port = 8443\n' > "$T/bad.cfg"
h=$(head_of "$B")
ps -s "$B" import "$T/bad.cfg" 2> "$T/err"
rc=$?
[ "$rc" = 2 ] || fail "bad file: exit $rc"
grep -q 'bad.cfg: line 3: http_port' "$T/err" || fail "bad file: message $(cat "$T/err")"
[ "$(head_of "$B")" = "$h" ] || fail "bad file: something was committed"
ps -s "$B" export | cmp -s - "$T/a.cfg" || fail "bad file: settings changed"
printf 'web_logout_timer = 7\nhttp_port 81\n' | ps -s "$B" import - 2> "$T/err"
rc=$?
[ "$rc" = 2 ] && grep -q 'stdin: line 2: expected' "$T/err" || fail "syntax: exit $rc, $(cat "$T/err")"
printf 'keyboard_lock_pw = 12ab-Recognisable\n' | ps -s "$B" import - 2> "$T/err"
[ $? = 2 ] || fail "bad secret accepted"
grep -q Recognisable "$T/err" && fail "a secret's value in an error message"
[ "$(head_of "$B")" = "$h" ] || fail "bad files: something was committed"
ok "a bad file changes nothing and names its line"

# ------------------------------------------------------------------ the desk user
ps -s "$B" --role subscriber import "$T/a.cfg" 2> "$T/err"
rc=$?
[ "$rc" = 2 ] || fail "subscriber import: exit $rc"
grep -q 'administrator role' "$T/err" || fail "subscriber import: message $(cat "$T/err")"
printf 'web_logout_timer = 9\n' | ps -s "$B" --role subscriber import - 2>/dev/null &&
	fail "subscriber import of an unlocked setting accepted"
[ "$(head_of "$B")" = "$h" ] || fail "subscriber import: something was committed"
ok "the desk user may not import"

# ------------------------------------------------------------------ size bound
python3 -c 'import sys; sys.stdout.write(("#" * 63 + "\n") * 1024 + "#")' > "$T/big.cfg"
[ "$(stat -c %s "$T/big.cfg")" = 65537 ] || fail "big file size"
ps -s "$B" import "$T/big.cfg" 2> "$T/err"
rc=$?
[ "$rc" = 2 ] && grep -q 'larger than 65536' "$T/err" || fail "big file: exit $rc, $(cat "$T/err")"
ps -s "$B" import - < "$T/big.cfg" 2>/dev/null && fail "big file on stdin accepted"
head -c 65536 "$T/big.cfg" > "$T/max.cfg"
ps -s "$B" import "$T/max.cfg" || fail "a file of exactly 64 KiB refused"
[ "$(head_of "$B")" = "$h" ] || fail "size: something was committed"
ok "a file above 64 KiB refused"

# ------------------------------------------------------------------ layers
printf 'web_logout_timer = 11\n' | ps -s "$B" import - || fail "import running"
ps -s "$B" boot || fail "boot"
[ "$(ps -s "$B" get web_logout_timer)" = 5 ] || fail "running-only import survived boot"
printf 'web_logout_timer = 12\n' | ps -s "$B" import --save - || fail "import --save"
ps -s "$B" boot || fail "boot"
[ "$(ps -s "$B" get web_logout_timer)" = 12 ] || fail "import --save did not survive boot"
ok "import writes running, --save both layers"

# ------------------------------------------------------------------ export errors
mkdir "$T/ro" && chmod 500 "$T/ro"
if [ "$(id -u)" != 0 ]; then
	ps -s "$A" export "$T/ro/x.cfg" 2>/dev/null
	[ $? = 3 ] || fail "export into a read-only folder"
	[ -z "$(ls -A "$T/ro")" ] || fail "export left a file behind"
fi
ps -s "$A" export "$T/nodir/x.cfg" 2>/dev/null
[ $? = 3 ] || fail "export into a missing folder"
ps -s "$A" export one two 2>/dev/null
[ $? = 2 ] || fail "export with two files"
ps -s "$T/none.db" export 2>/dev/null
[ $? = 3 ] || fail "export of a missing store"
ok "export errors"
exit 0
