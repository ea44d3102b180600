#!/bin/sh
# phonesec-wuid's listeners follow webserver_type, http_port and https_port live: each mode and
# each switch between them made with the CLI opens or closes the ports within a second, without
# a restart; a change made in the web UI itself is answered first and says where the UI now is;
# Apply writes the running layer only (phonesec boot undoes it), Save keeps it.
set -u
T_NAME=listen
. "${top_srcdir:-.}/tests/wui_lib.sh"

init_wui
start_wui
wait_until 10 port_open "$HP" || fail "http port not open"
port_open "$SP" || fail "https port not open"
ok "http_https (factory): both ports open"

# mode HTTP-STATE HTTPS-STATE: waits (1 s, the promise; a loaded machine gets 10 s but is
# reported) for each port's state
mode() {
	ms=$(python3 - "$HP" "$1" "$SP" "$2" <<'PY'
import socket, sys, time
t0 = time.monotonic()
want = [(int(sys.argv[1]), sys.argv[2] == "open"), (int(sys.argv[3]), sys.argv[4] == "open")]
def is_open(p):
    s = socket.socket(); s.settimeout(1)
    try:
        return s.connect_ex(("127.0.0.1", p)) == 0
    finally:
        s.close()
while time.monotonic() - t0 < 10:
    if all(is_open(p) == o for p, o in want):
        print(int((time.monotonic() - t0) * 1000)); sys.exit(0)
    time.sleep(0.01)
print("never"); sys.exit(1)
PY
) || fail "http not $1 or https not $2 after 10 s"
	[ "$ms" -le 1000 ] || echo "note: took $ms ms (loaded machine?)"
	[ "$ms" -le 5000 ] || fail "the listeners followed the change only after $ms ms"
}
set_cli() { "$CLI" -s "$ST" set "$@" >/dev/null || fail "phonesec set $*"; }

set_cli webserver_type=https; mode closed open
c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$HP/")
[ "$c" = 000 ] || fail "http answered $c in https mode (closed, not redirected)"
ok "https: the http port is closed (no redirect), https open"
set_cli webserver_type=http; mode open closed
ok "http: only http"
set_cli webserver_type=off; mode closed closed
ok "off: no listening socket at all"
set_cli webserver_type=http_https; mode open open
ok "http_https again: both"
OLD=$HP; HP=$(free_port)
"$CLI" -s "$ST" set --save http_port="$HP" >/dev/null || fail "moving http_port"
mode open open
wait_until 10 port_closed "$OLD" || fail "the old http port still listens"
ok "http_port moved live"
set_cli webserver_type=off; mode closed closed
set_cli webserver_type=https; mode closed open
set_cli webserver_type=http_https; mode open open
ok "off -> https -> http_https, each within a second"
grep -q "wui: started" "$T/wuid.log" && [ "$(grep -c 'wui: started' "$T/wuid.log")" = 1 ] ||
	fail "the daemon restarted"

# ------------------------------------------------------------------ from inside the web UI
first_run
c=$(w "https://127.0.0.1:$SP/network")
[ "$c" = 200 ] || fail "network page $c"
c=$(w -d "webserver_type=https&http_port=$HP&https_port=$SP&token=$(token)&apply=1" "http://127.0.0.1:$HP/network")
[ "$c" = 200 ] || fail "apply of https only over http answered $c"
grep -q "https://127.0.0.1:$SP/" "$T/body" || fail "the answer does not say where the UI is now"
mode closed open
ok "https only applied over http: answered first (with the new address), then the http port closed"

c=$(w "https://127.0.0.1:$SP/network")
c=$(w -d "webserver_type=off&token=$(token)" "https://127.0.0.1:$SP/network")
[ "$c" = 200 ] || fail "apply of off answered $c"
grep -q "The web UI is now off" "$T/body" || fail "the answer does not say the UI is off"
mode closed closed
ok "off applied in the web UI: answered, then no socket"

# ------------------------------------------------------------------ Apply vs Save across boot
"$CLI" -s "$ST" boot >/dev/null || fail "phonesec boot"
mode open open
ok "phonesec boot: the applied (unsaved) changes are gone, both listeners back"
c=$(w "http://127.0.0.1:$HP/network")
grep -q 'class="banner unsaved"' "$T/body" && fail "unsaved banner without changes"
c=$(w -d "webserver_type=http&token=$(token)" "http://127.0.0.1:$HP/network")
[ "$c" = 200 ] || fail "apply http only: $c"
grep -q 'class="banner unsaved"' "$T/body" || fail "no unsaved banner after Apply"
mode open closed
c=$(w -d "token=$(token)" "http://127.0.0.1:$HP/save")
[ "$c" = 200 ] || fail "save: $c"
c=$(w "http://127.0.0.1:$HP/network")
grep -q 'class="banner unsaved"' "$T/body" && fail "unsaved banner after Save"
"$CLI" -s "$ST" boot >/dev/null || fail "phonesec boot"
sleep 1.5
port_closed "$SP" || fail "https came back after boot although http only was saved"
[ "$("$CLI" -s "$ST" get webserver_type)" = http ] || fail "saved value lost"
"$CLI" -s "$ST" audit -n 3 | grep -q 'save .*wui .*desk' || fail "save not audited as wui/desk"
ok "Apply + Save survive phonesec boot; the unsaved banner comes and goes"

# ------------------------------------------------------------------ a port another program holds
BUSY=$(free_port)
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
time.sleep(600)' "$BUSY" &
HOLDER=$!; EXTRA_PIDS="$EXTRA_PIDS $HOLDER"
wait_until 30 port_open "$BUSY" || fail "the port holder did not start"
set_cli webserver_type=http_https https_port="$BUSY"
busy_logged() { grep -q "cannot listen on 127.0.0.1 port $BUSY (https), retrying" "$T/wuid.log"; }
wait_until 60 busy_logged || fail "no error logged for the busy https port"
port_open "$HP" || fail "the http listener went away while https could not bind"
# retried every second, logged once: wait for three retries' worth of time by the daemon's clock
# of the log (a loaded machine may stretch it; more than one line within 60 s is the defect)
sleep 3
[ "$(grep -c "cannot listen on 127.0.0.1 port $BUSY" "$T/wuid.log")" = 1 ] ||
	fail "the busy port is logged at every retry"
kill "$HOLDER"; wait "$HOLDER" 2>/dev/null
https_up() { [ "$(curl -s -k -o /dev/null -w '%{http_code}' --max-time 5 "https://127.0.0.1:$BUSY/")" = 401 ]; }
wait_until 60 https_up || fail "https did not open on port $BUSY once it was free"
grep -q "wui: https listener on 127.0.0.1 port $BUSY" "$T/wuid.log" || fail "no log of the late listener"
ok "a busy https port opens by itself once freed (logged once, retried every second)"

# ------------------------------------------------------------------ a change it could not read
# Another program keeps every reader out of the store when the daemon wakes for webserver_type
# = off (the daemon is stopped meanwhile, so that the wake-up finds the store locked): it reads
# again by itself once the store is free and closes both ports, without a request or another
# commit (it used to wait for one, keeping the web UI up).
SP=$BUSY
kill -STOP "$D_PID"
set_cli webserver_type=off
ps_lock_readers "$ST" "$T"
EXTRA_PIDS="$EXTRA_PIDS $PS_LOCKER"
wait_until 15 test -s "$T/locked" || fail "the store's readers could not be locked out: $(cat "$T/locker.out")"
kill -CONT "$D_PID"
# (SQLite's reader retries for about 10 s before it gives up: a generous deadline)
wait_until 60 grep -q 'wui: following the store: .*read again every 500 ms' "$T/wuid.log" ||
	fail "the daemon did not report the store it could not read"
sleep 1 # the store stays locked a while: the daemon keeps trying meanwhile
touch "$T/unlock"
wait "$PS_LOCKER" 2>/dev/null
mode closed closed
grep -q 'wui: the store read again' "$T/wuid.log" || fail "the daemon did not report reading again"
[ "$(grep -c 'wui: following the store' "$T/wuid.log")" = 1 ] || fail "the failed reads logged more than once"
ok "webserver_type=off the daemon could not read at once: read again, both ports closed"
stop_wui
exit 0
